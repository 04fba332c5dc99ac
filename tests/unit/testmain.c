/*
 * testmain.c - shared main() for CUnit programs: run, print summary, exit by failures.
 */
#include "config.h"

#include <stdarg.h>
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

int main(void)
{
	unsigned ran, failed;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return 99;
	}
	test_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	ran = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	if (CU_get_number_of_suites_failed() > 0)
		failed += CU_get_number_of_suites_failed();
	printf("\nRESULT: %u passed, %u failed\n", ran >= failed ? ran - failed : 0, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
