/*
 * testmain.h - the shared main() of every CUnit test program.
 *
 * A test program defines test_register() (adding its suites with CU_add_suite/CU_add_test)
 * and links libtesthelp.a. main() runs every suite in verbose basic mode, prints CUnit's own
 * run summary, then one line "RESULT: P passed, F failed, S skipped" that tests/run-all.sh
 * adds up, and exits non-zero when any test failed (CU_basic_run_tests alone reports success
 * regardless). CUnit has no skip: a test that cannot run here calls test_skip() and returns;
 * it is counted as skipped, not passed.
 */
#ifndef IPCTOP_TESTMAIN_H
#define IPCTOP_TESTMAIN_H

#ifndef HAVE_CUNIT
#error "make check needs CUnit, which configure did not find: install the Debian package libcunit1-dev, then run configure again"
#endif
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

void test_register(void);

/* Path of a file under tests/fixtures in the source tree (static buffer, valid until the
 * next call). Uses $top_srcdir, set by the test harness. */
const char *test_fixture(const char *relpath);

/* Marks the running test as skipped (a real skip: the kernel or the machine lacks what it
 * needs, e.g. not root) and prints "SKIP: <test>: <why>". The test then returns without
 * asserting; a skipped test that failed an assertion anyway counts as failed. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Adds a suite and its tests; aborts the run if CUnit cannot. */
#define TEST_SUITE(name, init, clean, ...) test_add_suite((name), (init), (clean), __VA_ARGS__, NULL, NULL)
void test_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean, ...);

#endif
