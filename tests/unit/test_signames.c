/*
 * test_signames.c - signal names as CONTRACT.md fixes them ("SIGUSR1", "SIGRTMIN+n" from the
 * C library's SIGRTMIN, "SIG32"/"SIG33"), parsing names back, and /proc masks.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "src/signames.h"
#include "tests/unit/testmain.h"

static const char *name(int signo)
{
	static char buf[32];

	return signame(signo, buf, sizeof(buf));
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(name(SIGHUP), "SIGHUP");
	CU_ASSERT_STRING_EQUAL(name(SIGINT), "SIGINT");
	CU_ASSERT_STRING_EQUAL(name(SIGKILL), "SIGKILL");
	CU_ASSERT_STRING_EQUAL(name(SIGUSR1), "SIGUSR1");
	CU_ASSERT_STRING_EQUAL(name(SIGUSR2), "SIGUSR2");
	CU_ASSERT_STRING_EQUAL(name(SIGPIPE), "SIGPIPE");
	CU_ASSERT_STRING_EQUAL(name(SIGCHLD), "SIGCHLD");
	CU_ASSERT_STRING_EQUAL(name(SIGSTKFLT), "SIGSTKFLT");
	CU_ASSERT_STRING_EQUAL(name(SIGWINCH), "SIGWINCH");
	CU_ASSERT_STRING_EQUAL(name(SIGSYS), "SIGSYS");
	CU_ASSERT_STRING_EQUAL(name(31), "SIGSYS");
	/* glibc reserves 32 and 33; SIGRTMIN is 34 */
	CU_ASSERT_EQUAL(SIGRTMIN, 34);
	CU_ASSERT_STRING_EQUAL(name(32), "SIG32");
	CU_ASSERT_STRING_EQUAL(name(33), "SIG33");
	CU_ASSERT_STRING_EQUAL(name(34), "SIGRTMIN+0");
	CU_ASSERT_STRING_EQUAL(name(36), "SIGRTMIN+2");
	CU_ASSERT_STRING_EQUAL(name(64), "SIGRTMIN+30");
	/* out of range */
	CU_ASSERT_STRING_EQUAL(name(0), "SIG0");
	CU_ASSERT_STRING_EQUAL(name(65), "SIG65");
	CU_ASSERT_STRING_EQUAL(name(-1), "SIG-1");
}

static void test_parse(void)
{
	CU_ASSERT_EQUAL(signame_parse("SIGUSR1"), SIGUSR1);
	CU_ASSERT_EQUAL(signame_parse("USR1"), SIGUSR1);
	CU_ASSERT_EQUAL(signame_parse("usr1"), SIGUSR1);
	CU_ASSERT_EQUAL(signame_parse("sigterm"), SIGTERM);
	CU_ASSERT_EQUAL(signame_parse("10"), 10);
	CU_ASSERT_EQUAL(signame_parse("64"), 64);
	CU_ASSERT_EQUAL(signame_parse("SIGIOT"), SIGABRT);
	CU_ASSERT_EQUAL(signame_parse("POLL"), SIGIO);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMIN"), SIGRTMIN);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMIN+2"), 36);
	CU_ASSERT_EQUAL(signame_parse("RTMIN+30"), 64);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMAX"), SIGRTMAX);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMAX-1"), SIGRTMAX - 1);
	CU_ASSERT_EQUAL(signame_parse("SIG32"), 32);
	CU_ASSERT_EQUAL(signame_parse("SIG33"), 33);

	CU_ASSERT_EQUAL(signame_parse(NULL), -1);
	CU_ASSERT_EQUAL(signame_parse(""), -1);
	CU_ASSERT_EQUAL(signame_parse("0"), -1);
	CU_ASSERT_EQUAL(signame_parse("65"), -1);
	CU_ASSERT_EQUAL(signame_parse("-1"), -1);
	CU_ASSERT_EQUAL(signame_parse("SIGFOO"), -1);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMIN+31"), -1);	/* would be 65 */
	CU_ASSERT_EQUAL(signame_parse("SIGRTMIN+"), -1);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMIN-1"), -1);
	CU_ASSERT_EQUAL(signame_parse("SIGRTMAX-31"), -1);	/* below SIGRTMIN */
	CU_ASSERT_EQUAL(signame_parse("10x"), -1);
	CU_ASSERT_EQUAL(signame_parse("SIGUSR1 "), -1);
}

static void test_roundtrip(void)
{
	for (int sig = 1; sig <= SIG_MAX; sig++) {
		const char *n = name(sig);
		int back = signame_parse(n);

		if (back != sig)
			fprintf(stderr, "signal %d named %s parses as %d\n", sig, n, back);
		CU_ASSERT_EQUAL(back, sig);
	}
}

static void test_mask_parse(void)
{
	uint64_t m = 1;

	CU_ASSERT_TRUE(sigmask_parse_hex("0000000000000000", &m));
	CU_ASSERT_EQUAL(m, 0u);
	CU_ASSERT_TRUE(sigmask_parse_hex("0000000000000200", &m));
	CU_ASSERT_EQUAL(m, 1u << (SIGUSR1 - 1));
	CU_ASSERT_TRUE(sigmask_parse_hex("\tffffffffffffffff\n", &m));
	CU_ASSERT_EQUAL(m, ~0ULL);
	CU_ASSERT_TRUE(sigmask_parse_hex("00000000280b2603", &m));
	CU_ASSERT_EQUAL(m, 0x280b2603ULL);
	CU_ASSERT_TRUE(sigmask_parse_hex("ABCDEF0123456789", &m));
	CU_ASSERT_EQUAL(m, 0xabcdef0123456789ULL);

	m = 42;
	CU_ASSERT_FALSE(sigmask_parse_hex(NULL, &m));
	CU_ASSERT_FALSE(sigmask_parse_hex("", &m));
	CU_ASSERT_FALSE(sigmask_parse_hex("   ", &m));
	CU_ASSERT_FALSE(sigmask_parse_hex("00000000000000000", &m));	/* 17 digits */
	CU_ASSERT_FALSE(sigmask_parse_hex("0x00000000000200", &m));
	CU_ASSERT_FALSE(sigmask_parse_hex("000000000000020g", &m));
	CU_ASSERT_FALSE(sigmask_parse_hex("0000000000000200 x", &m));
	CU_ASSERT_EQUAL(m, 42u);	/* untouched on failure */
}

static void test_mask_has_format(void)
{
	uint64_t m = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1)) | (1ULL << 35) | (1ULL << 63);
	char buf[256];

	CU_ASSERT_TRUE(sigmask_has(m, SIGINT));
	CU_ASSERT_TRUE(sigmask_has(m, SIGTERM));
	CU_ASSERT_TRUE(sigmask_has(m, 36));
	CU_ASSERT_TRUE(sigmask_has(m, 64));
	CU_ASSERT_FALSE(sigmask_has(m, SIGHUP));
	CU_ASSERT_FALSE(sigmask_has(m, 0));
	CU_ASSERT_FALSE(sigmask_has(m, 65));
	CU_ASSERT_FALSE(sigmask_has(~0ULL, -3));

	CU_ASSERT_STRING_EQUAL(sigmask_format(m, buf, sizeof(buf)),
			       "SIGINT,SIGTERM,SIGRTMIN+2,SIGRTMIN+30");
	CU_ASSERT_STRING_EQUAL(sigmask_format(0, buf, sizeof(buf)), "");
	CU_ASSERT_STRING_EQUAL(sigmask_format((1ULL << 31) | (1ULL << 32), buf, sizeof(buf)),
			       "SIG32,SIG33");
	/* a small buffer is never overrun and stays terminated */
	memset(buf, 'x', sizeof(buf));
	sigmask_format(m, buf, 10);
	CU_ASSERT_TRUE(memchr(buf, '\0', 10) != NULL);
	CU_ASSERT_EQUAL(buf[10], 'x');
	CU_ASSERT_EQUAL(strncmp(buf, "SIGINT", 6), 0);
	/* every signal: 64 names, 63 commas */
	{
		char big[1024];
		size_t commas = 0;

		sigmask_format(~0ULL, big, sizeof(big));
		for (char *p = big; *p; p++)
			commas += *p == ',';
		CU_ASSERT_EQUAL(commas, 63u);
		CU_ASSERT_EQUAL(strncmp(big, "SIGHUP,SIGINT,", 14), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(big, ",SIGRTMIN+30"));
	}
}

void test_register(void)
{
	TEST_SUITE("signames", NULL, NULL,
		   "names by number", test_names,
		   "parsing names", test_parse,
		   "every signal round-trips", test_roundtrip,
		   "masks from /proc hex", test_mask_parse,
		   "mask membership and formatting", test_mask_has_format);
}
