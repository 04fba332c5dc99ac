/*
 * fuzz_unix_diag.c - libFuzzer target for the sock_diag reply parser of the Unix socket probe
 * (probes/unix_diag.h): the input is one datagram of a NETLINK_SOCK_DIAG dump reply (seeds
 * recorded from this machine's dump). Promises checked: the return value is 0, 1 or a negative
 * errno; every socket's name is terminated; its icons (the inodes of a listener's pending
 * connections) lie inside the datagram, and each can be read with unix_diag_icon().
 */
#include "config.h"

#include <stdint.h>

#include "probes/unix_diag.h"
#include "tests/fuzz/fuzz.h"

struct span {
	const unsigned char *buf;
	size_t len;
	size_t n_socks;
};

static void sock(const struct unix_diag_sock *u, void *arg)
{
	struct span *s = arg;
	uint64_t sum = 0;

	s->n_socks++;
	FUZZ_CHECK(fuzz_terminated(u->name, sizeof(u->name)));
	if (u->n_icons) {
		FUZZ_CHECK(u->icons >= s->buf && u->icons <= s->buf + s->len);
		FUZZ_CHECK(u->n_icons <= (size_t)(s->buf + s->len - u->icons) / 4);
	}
	for (size_t i = 0; i < u->n_icons; i++)
		sum += unix_diag_icon(u, i);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s;
	size_t n_bad = 0;
	int rc;

	s.buf = (const unsigned char *)fuzz_dup(data, size);
	s.len = size;
	s.n_socks = 0;
	rc = unix_diag_parse(s.buf, size, sock, &s, &n_bad);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc < 0);
	/* also without the bad-message counter */
	rc = unix_diag_parse(s.buf, size, sock, &s, NULL);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc < 0);
	free((void *)s.buf);
	return 0;
}
