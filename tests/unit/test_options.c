/*
 * test_options.c - the command line of CONTRACT.md: every option, the demo subcommand, and
 * bad usage (OPT_USAGE with a message naming the bad argument).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/options.h"
#include "tests/unit/testmain.h"

static char *argv_store[32];
static char words[32][128];

/* Parses "ipctop" followed by the given words (NULL-terminated). */
static int parse(struct options *o, ...)
{
	va_list ap;
	int argc = 0;
	const char *w;

	snprintf(words[argc], sizeof(words[argc]), "ipctop");
	argv_store[argc] = words[argc];
	argc++;
	va_start(ap, o);
	while ((w = va_arg(ap, const char *)) != NULL) {
		snprintf(words[argc], sizeof(words[argc]), "%s", w);
		argv_store[argc] = words[argc];
		argc++;
	}
	va_end(ap);
	argv_store[argc] = NULL;
	return options_parse(o, argc, argv_store);
}

#define ASSERT_USAGE(o, rc, needle)                                                   \
	do {                                                                          \
		CU_ASSERT_EQUAL(rc, OPT_USAGE);                                       \
		CU_ASSERT_PTR_NOT_NULL(strstr((o)->error, needle));                   \
		CU_ASSERT_PTR_NULL(strchr((o)->error, '\n'));                         \
		if (!strstr((o)->error, needle))                                      \
			fprintf(stderr, "error was: %s\n", (o)->error);              \
	} while (0)

static void test_defaults(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_DASHBOARD);
	CU_ASSERT_FALSE(o.json);
	CU_ASSERT_EQUAL(o.iterations, 0);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 1.0, 1e-9);
	CU_ASSERT_STRING_EQUAL(o.sysroot, "/");
	CU_ASSERT_PTR_NULL(o.pids);
	CU_ASSERT_EQUAL(o.n_pids, 0);
	CU_ASSERT_PTR_NULL(o.demo);
	options_fini(&o);
}

static void test_once_json(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--once", "--json", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_ONCE);
	CU_ASSERT_TRUE(o.json);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_ONCE);
	CU_ASSERT_FALSE(o.json);
	options_fini(&o);
}

static void test_batch(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--batch", "-n", "3", "-d", "0", "--json", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_BATCH);
	CU_ASSERT_EQUAL(o.iterations, 3);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 0.0, 1e-12);
	CU_ASSERT_TRUE(o.json);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-n5", "-d0.25", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.iterations, 5);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 0.25, 1e-12);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "--iterations=7", "--delay=1.5", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.iterations, 7);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 1.5, 1e-12);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-d", ".25", NULL), OPT_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 0.25, 1e-12);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-d", "5.", NULL), OPT_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 5.0, 1e-12);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-d", "31536000", NULL), OPT_OK);	/* a year */
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 31536000.0, 1e-12);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-d", "0.000001", NULL), OPT_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 1e-6, 1e-15);
	options_fini(&o);
}

/* --format and --textfile (issue 18); --json is --format json. */
static void test_format_textfile(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--once", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_TEXT);
	CU_ASSERT_PTR_NULL(o.textfile);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", "--format", "openmetrics", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_OPENMETRICS);
	CU_ASSERT_FALSE(o.json);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "--format=json", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_JSON);
	CU_ASSERT_TRUE(o.json);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", "--json", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_JSON);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", "--json", "--format", "json", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_JSON);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", "--format", "text", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_TEXT);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-d", "15", "--textfile", "/var/lib/x", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_OPENMETRICS);
	CU_ASSERT_STRING_EQUAL(o.textfile, "/var/lib/x");
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--once", "--textfile=d", "--format", "openmetrics", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.format, FORMAT_OPENMETRICS);
	options_fini(&o);

	ASSERT_USAGE(&o, parse(&o, "--once", "--format", "xml", NULL), "--format 'xml'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "--format", NULL), "--format");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "--json", "--format", "text", NULL), "--json");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--format", "openmetrics", NULL), "--format: needs --once");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--textfile", "/tmp", NULL), "--textfile: needs --batch");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "--textfile", "", NULL), "--textfile ''");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "--textfile", "d", "--format", "json", NULL),
		     "--textfile");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "--textfile", "d", "--json", NULL), "--textfile");
	options_fini(&o);
}

static void test_pids(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--once", "--pid", "12,15", "--pid=77", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.n_pids, 3);
	if (o.n_pids == 3) {
		CU_ASSERT_EQUAL(o.pids[0], 12);
		CU_ASSERT_EQUAL(o.pids[1], 15);
		CU_ASSERT_EQUAL(o.pids[2], 77);
	}
	options_fini(&o);
	CU_ASSERT_PTR_NULL(o.pids);
}

static void test_sysroot_demo(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--sysroot", "/tmp/tree", "--demo", "pipeline", NULL), OPT_OK);
	CU_ASSERT_STRING_EQUAL(o.sysroot, "/tmp/tree");
	CU_ASSERT_STRING_EQUAL(o.demo, "pipeline");
	CU_ASSERT_EQUAL(o.mode, MODE_DASHBOARD);
	options_fini(&o);
}

static void test_help_version(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "--help", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_HELP);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "-h", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_HELP);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--version", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_VERSION);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "-V", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_VERSION);
	options_fini(&o);
}

static void test_demo_subcommand(void)
{
	struct options o;

	CU_ASSERT_EQUAL(parse(&o, "demo", "run", "pipeline", "--speed", "2", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_DEMO);
	CU_ASSERT_EQUAL(o.demo_argc, 4);
	if (o.demo_argc == 4) {
		CU_ASSERT_STRING_EQUAL(o.demo_argv[0], "run");
		CU_ASSERT_STRING_EQUAL(o.demo_argv[1], "pipeline");
		CU_ASSERT_STRING_EQUAL(o.demo_argv[2], "--speed");
		CU_ASSERT_STRING_EQUAL(o.demo_argv[3], "2");
		CU_ASSERT_PTR_NULL(o.demo_argv[4]);
	}
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--sysroot", "/x", "demo", "list", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_DEMO);
	CU_ASSERT_EQUAL(o.demo_argc, 1);
	options_fini(&o);
}

static void test_bad_usage(void)
{
	struct options o;

	ASSERT_USAGE(&o, parse(&o, "-n", "x", NULL), "'x'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-n", "-3", NULL), "'-3'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-n", "3x", NULL), "'3x'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-n", "99999999999999", NULL), "99999999999999");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "-d", "-1", NULL), "-d '-1'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "nan", NULL), "'nan'");
	options_fini(&o);
	/* decimal only, and the message says the real limit (issue 11) */
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "0x10", NULL), "-d '0x10': expected decimal seconds");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "1e3", NULL), "'1e3'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "inf", NULL), "'inf'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", " 1", NULL), "' 1'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "+1", NULL), "'+1'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", ".", NULL), "'.'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "1e308", NULL), "from 0 to 31536000 (a year)");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "31536000.5", NULL), "'31536000.5'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "99999999999999999999999", NULL), "a year");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "-d", "", NULL), "-d ''");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "-d", "0", NULL), "-d '0'");	/* dashboard needs > 0 */
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--pid", "abc", NULL), "abc");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--pid", "12,", NULL), "12,");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--pid", "12,,3", NULL), "12,,3");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--pid", "0", NULL), "'0'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--pid", "", NULL), "--pid");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--frobnicate", NULL), "--frobnicate");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "-x", NULL), "-x");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "-d", NULL), "-d");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--sysroot", NULL), "--sysroot");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--batch", "--delay", NULL), "--delay");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "-xV", NULL), "-x");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "--batch", NULL), "--batch");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--json", NULL), "--json");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "bogus", NULL), "'bogus'");
	options_fini(&o);
	ASSERT_USAGE(&o, parse(&o, "--once", "demo", "list", NULL), "demo");
	options_fini(&o);
}

static void test_reparse(void)
{
	struct options o;

	/* getopt state must not leak from one parse into the next */
	ASSERT_USAGE(&o, parse(&o, "-n", NULL), "-n");
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "--batch", "-n", "2", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.iterations, 2);
	options_fini(&o);
}

static void test_usage_text(void)
{
	static const char *const must[] = {
		"--once", "--json", "--batch", "-n", "-d", "--pid", "--sysroot", "--demo",
		"--help", "--version", "demo list", "demo run", "demo cleanup", "Tab", "Enter", "q",
	};
	char buf[8192] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	options_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, must[i]));
		if (!strstr(buf, must[i]))
			fprintf(stderr, "help lacks %s\n", must[i]);
	}
}

/* Issue 17: record and replay, options before or after FILE. */
static void test_record_replay(void)
{
	struct options o;
	int rc;

	CU_ASSERT_EQUAL(parse(&o, "record", "-d", "0.5", "-n", "10", "--pid", "7", "--max-size",
			      "100M", "f.rec", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_RECORD);
	CU_ASSERT_STRING_EQUAL(o.file, "f.rec");
	CU_ASSERT_EQUAL(o.iterations, 10);
	CU_ASSERT_DOUBLE_EQUAL(o.delay, 0.5, 1e-9);
	CU_ASSERT_EQUAL(o.n_pids, 1);
	CU_ASSERT_EQUAL(o.max_size, 100ULL << 20);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "record", "-", "-n", "2", NULL), OPT_OK);
	CU_ASSERT_STRING_EQUAL(o.file, "-");
	CU_ASSERT_EQUAL(o.iterations, 2);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "replay", "f.rec", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.mode, MODE_REPLAY);
	CU_ASSERT_EQUAL(o.replay_out, REPLAY_DASHBOARD);
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "replay", "f.rec", "--once", "--json", "--at", "#3", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.replay_out, REPLAY_ONCE);
	CU_ASSERT_STRING_EQUAL(o.at, "#3");
	options_fini(&o);
	CU_ASSERT_EQUAL(parse(&o, "replay", "--batch", "--json", "-", NULL), OPT_OK);
	CU_ASSERT_EQUAL(o.replay_out, REPLAY_BATCH);
	CU_ASSERT_STRING_EQUAL(o.file, "-");
	options_fini(&o);

	rc = parse(&o, "record", NULL);
	ASSERT_USAGE(&o, rc, "expected a FILE");
	options_fini(&o);
	rc = parse(&o, "record", "a", "b", NULL);
	ASSERT_USAGE(&o, rc, "'b': unexpected argument");
	options_fini(&o);
	rc = parse(&o, "record", "--max-size", "0", "a", NULL);
	ASSERT_USAGE(&o, rc, "--max-size '0'");
	options_fini(&o);
	rc = parse(&o, "record", "--max-size", "5T", "a", NULL);
	ASSERT_USAGE(&o, rc, "--max-size '5T'");
	options_fini(&o);
	rc = parse(&o, "record", "--max-size", "1M", "-", NULL);
	ASSERT_USAGE(&o, rc, "--max-size needs a file");
	options_fini(&o);
	rc = parse(&o, "record", "--json", "a", NULL);
	ASSERT_USAGE(&o, rc, "--json does not apply");
	options_fini(&o);
	rc = parse(&o, "replay", "a", "--pid", "3", NULL);
	ASSERT_USAGE(&o, rc, "replay: only");
	options_fini(&o);
	rc = parse(&o, "replay", "a", "--once", NULL);
	ASSERT_USAGE(&o, rc, "need --json");
	options_fini(&o);
	rc = parse(&o, "replay", "a", "--batch", "--json", "--at", "#1", NULL);
	ASSERT_USAGE(&o, rc, "--at: needs --once");
	options_fini(&o);
	rc = parse(&o, "--at", "#1", NULL);
	ASSERT_USAGE(&o, rc, "--at: only with replay");
	options_fini(&o);
	rc = parse(&o, "--max-size", "1M", NULL);
	ASSERT_USAGE(&o, rc, "--max-size: only with record");
	options_fini(&o);
}

void test_register(void)
{
	TEST_SUITE("options", NULL, NULL,
		   "defaults", test_defaults,
		   "--once --json", test_once_json,
		   "--batch -n -d", test_batch,
		   "--format --textfile", test_format_textfile,
		   "--pid lists", test_pids,
		   "--sysroot --demo", test_sysroot_demo,
		   "--help --version", test_help_version,
		   "demo subcommand", test_demo_subcommand,
		   "bad usage", test_bad_usage,
		   "parse twice", test_reparse,
		   "usage text", test_usage_text,
		   "record and replay", test_record_replay);
}
