/*
 * testmain.c - shared main() for CUnit programs: run, print summary (with skips), exit by failures.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/testmain.h"

const char *test_fixture(const char *relpath)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top ? top : ".", relpath);
	return path;
}

void test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean, ...)
{
	CU_pSuite suite = CU_add_suite(name, init, clean);
	va_list ap;

	if (!suite) {
		fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
		exit(99);
	}
	va_start(ap, clean);
	for (;;) {
		const char *tname = va_arg(ap, const char *);
		CU_TestFunc fn;

		if (!tname)
			break;
		fn = va_arg(ap, CU_TestFunc);
		if (!CU_add_test(suite, tname, fn)) {
			fprintf(stderr, "cannot add test %s: %s\n", tname, CU_get_error_msg());
			exit(99);
		}
	}
	va_end(ap);
}

/* The tests that called test_skip() (a handful at most). */
#define MAX_SKIPS 64
static CU_pTest skipped_tests[MAX_SKIPS];
static unsigned n_skipped_tests;

void test_skip(const char *fmt, ...)
{
	CU_pTest t = CU_get_current_test();
	va_list ap;
	unsigned i;

	printf("\nSKIP: %s: ", t && t->pName ? t->pName : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	for (i = 0; i < n_skipped_tests; i++)
		if (skipped_tests[i] == t)
			return;
	if (t && n_skipped_tests < MAX_SKIPS)
		skipped_tests[n_skipped_tests++] = t;
}

/* Skipped tests that did not fail an assertion (those count as failed). */
static unsigned count_clean_skips(void)
{
	unsigned i, n = 0;

	for (i = 0; i < n_skipped_tests; i++) {
		CU_pFailureRecord f;
		bool failed = false;

		for (f = CU_get_failure_list(); f; f = f->pNext)
			if (f->pTest == skipped_tests[i])
				failed = true;
		n += !failed;
	}
	return n;
}

int main(void)
{
	unsigned ran, failed, skipped;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return 99;
	}
	test_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	ran = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	skipped = count_clean_skips();
	if (CU_get_number_of_suites_failed() > 0)
		failed += CU_get_number_of_suites_failed();
	printf("\nRESULT: %u passed, %u failed, %u skipped\n",
	       ran >= failed + skipped ? ran - failed - skipped : 0, failed, skipped);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
