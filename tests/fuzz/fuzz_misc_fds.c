/*
 * fuzz_misc_fds.c - libFuzzer target for the inet_diag reply parser of the misc descriptor
 * probe (probes/misc_fds.h): the input is one datagram of a NETLINK_SOCK_DIAG inet dump reply
 * (seeds recorded from a loopback TCP connection on this machine). Promises checked: the
 * status is 0, 1 or a negative errno, and no more sockets are reported than whole messages
 * fit in the datagram.
 */
#include "config.h"

#include <stdint.h>

#include <linux/netlink.h>

#include "probes/misc_fds.h"
#include "tests/fuzz/fuzz.h"

static void tcp(const struct inet_diag_msg *msg, void *arg)
{
	size_t *n = arg;
	struct inet_diag_msg copy;

	memcpy(&copy, msg, sizeof(copy));	/* ASan objects if any of it is not readable */
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	size_t n = 0;
	int status = 12345;

	misc_fds_parse_inet(buf, size, tcp, &n, &status);
	FUZZ_CHECK(status == 0 || status == 1 || status < 0);
	FUZZ_CHECK(n <= size / (NLMSG_HDRLEN + sizeof(struct inet_diag_msg)));
	free(buf);
	return 0;
}
