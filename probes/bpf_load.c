/*
 * bpf_load.c - loading a BPF light skeleton with a true reason for a refusal (bpf_load.h).
 *
 * A light skeleton's loader runs in the kernel and hands back only an errno (the verifier's
 * EACCES looks like a missing permission). On a failure the skeleton is opened again and
 * loaded with a verifier log buffer in its loader context, which the loader passes to every
 * program it loads: the failing program's log ends with the verifier's reason.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/nsfs.h>

#include "probes/bpf_load.h"
#include "src/arena.h"

#define LOG_SIZE (8u << 20)	/* a 6.1 verifier fails a load whose log does not fit */

const char *bpf_load_disabled(void)
{
	const char *off = getenv("IPCTOP_NO_BPF");

	return off && *off && strcmp(off, "0") != 0 ? "off (IPCTOP_NO_BPF is set)" : NULL;
}

static bool starts(const char *p, const char *e, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(e - p) >= n && memcmp(p, prefix, n) == 0;
}

int bpf_load_log_reason(const char *log, size_t len, char *out, size_t out_size)
{
	const char *end;

	if (out_size)
		out[0] = '\0';
	len = strnlen(log, len);
	end = log + len;
	while (end > log) {
		const char *e = end, *b;
		size_t n, k;

		while (e > log && e[-1] == '\n')
			e--;
		b = e;
		while (b > log && b[-1] != '\n')
			b--;
		end = b;
		if (b == e || starts(b, e, "processed ") || starts(b, e, "verification time") ||
		    starts(b, e, "stack depth"))
			continue;
		if (!out_size)
			return 1;
		n = (size_t)(e - b) < out_size - 1 ? (size_t)(e - b) : out_size - 1;
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)b[k];

			out[k] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		out[n] = '\0';
		return 1;
	}
	return 0;
}

bool bpf_pid_ns_initial(void)
{
	int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), parent;

	if (fd < 0)
		return true;
	parent = ioctl(fd, NS_GET_PARENT);
	close(fd);
	if (parent >= 0) {
		close(parent);
		return false;
	}
	return true;	/* EPERM: no parent (or ENOTTY: a kernel that cannot tell) */
}

#ifdef HAVE_BPF
#include <bpf/skel_internal.h>

/* Has ipctop this capability in its effective set? */
static bool has_cap(unsigned cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

static void explain(int err, const char *what, char *why, size_t size)
{
	switch (err) {
	case EPERM:
	case EACCES:
		if (!has_cap(CAP_BPF) || !has_cap(CAP_PERFMON))
			snprintf(why, size, "%s: loading the %s needs CAP_BPF and CAP_PERFMON",
				 err == EPERM ? "EPERM" : "EACCES", what);
		else
			snprintf(why, size, "%s: the kernel refused the %s although ipctop has "
				 "CAP_BPF and CAP_PERFMON (lockdown or a security module?)",
				 err == EPERM ? "EPERM" : "EACCES", what);
		return;
	case ENOSYS:
		snprintf(why, size, "ENOSYS: this kernel has no bpf() system call");
		return;
	case ENOENT:
	case ESRCH:
		snprintf(why, size, "%s: this kernel lacks what the %s attaches to (no BTF in "
			 "/sys/kernel/btf/vmlinux, or no such kernel function or iterator)",
			 err == ENOENT ? "ENOENT" : "ESRCH", what);
		return;
	case EINVAL:
		snprintf(why, size, "EINVAL: the kernel refused the %s (too old for the light "
			 "skeleton's in-kernel relocation?)", what);
		return;
	case 524:	/* the kernel's ENOTSUPP, which leaks out of bpf() */
		snprintf(why, size, "ENOTSUPP: this kernel cannot attach the %s", what);
		return;
	}
	snprintf(why, size, "%s: the %s could not be loaded", strerror(err), what);
}

/* Loads skel again with a verifier log and puts the verifier's reason for refusing it in why;
 * false when there is no such reason (the load failed before any verification, or passed). */
static bool verifier_reason(const struct bpf_load_ops *ops, int err, const char *what, char *why,
			    size_t size)
{
	struct bpf_loader_ctx *ctx;
	char *log = calloc(1, LOG_SIZE), line[BPF_LOAD_WHY_MAX];
	void *skel = log ? ops->open() : NULL;
	int rc;
	bool found = false;

	if (skel) {
		ctx = ops->ctx(skel);
		ctx->log_level = 1;
		ctx->log_size = LOG_SIZE;
		ctx->log_buf = (__u64)(unsigned long)log;
		rc = ops->load(skel);
		if (rc < 0 && bpf_load_log_reason(log, LOG_SIZE, line, sizeof(line))) {
			snprintf(why, size, "%s: the verifier refused the %s: %s",
				 err == EACCES ? "EACCES" : err == EINVAL ? "EINVAL" : strerror(err),
				 what, line);
			found = true;
		}
		ops->destroy(skel);
	}
	free(log);
	return found;
}

void *bpf_load(const struct bpf_load_ops *ops, const char *what, char *why, size_t why_size)
{
	void *skel = ops->open();
	int err;

	why[0] = '\0';
	if (!skel) {
		snprintf(why, why_size, "ENOMEM: the %s could not be loaded", what);
		return NULL;
	}
	errno = 0;
	if (ops->load(skel) < 0) {
		err = errno ? errno : EINVAL;
		ops->destroy(skel);
		/* EPERM is bpf() refusing ipctop itself: no program was verified */
		if (err == EPERM || !verifier_reason(ops, err, what, why, why_size))
			explain(err, what, why, why_size);
		return NULL;
	}
	errno = 0;
	if (ops->attach(skel) < 0) {
		err = errno ? errno : EINVAL;
		ops->destroy(skel);
		explain(err, what, why, why_size);
		return NULL;
	}
	return skel;
}

#else /* !HAVE_BPF */

void *bpf_load(const struct bpf_load_ops *ops, const char *what, char *why, size_t why_size)
{
	(void)ops;
	(void)what;
	snprintf(why, why_size, "%s", BPF_LOAD_NOT_BUILT);
	return NULL;
}

#endif /* HAVE_BPF */
