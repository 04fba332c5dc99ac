/*
 * options.c - the command line as ../shared/CONTRACT.md defines it (see options.h).
 *
 * Parsing never prints and never exits: a bad argument leaves one line naming it in
 * opts->error and returns OPT_USAGE. Option parsing stops at the first non-option word,
 * which must be the `demo` subcommand (its own arguments are left to the demo launcher).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/arena.h"
#include "src/keyhelp.h"
#include "src/options.h"

enum {
	LOPT_ONCE = 256,
	LOPT_JSON,
	LOPT_BATCH,
	LOPT_PID,
	LOPT_SYSROOT,
	LOPT_DEMO,
	LOPT_FORMAT,
	LOPT_TEXTFILE,
	LOPT_MAX_SIZE,		/* issue 17: record --max-size, replay --at */
	LOPT_AT,
};

static const struct option long_opts[] = {
	{ "once", no_argument, NULL, LOPT_ONCE },
	{ "json", no_argument, NULL, LOPT_JSON },
	{ "batch", no_argument, NULL, LOPT_BATCH },
	{ "pid", required_argument, NULL, LOPT_PID },
	{ "format", required_argument, NULL, LOPT_FORMAT },
	{ "textfile", required_argument, NULL, LOPT_TEXTFILE },
	{ "sysroot", required_argument, NULL, LOPT_SYSROOT },
	{ "demo", required_argument, NULL, LOPT_DEMO },
	{ "max-size", required_argument, NULL, LOPT_MAX_SIZE },
	{ "at", required_argument, NULL, LOPT_AT },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* '+': stop at the first non-option (the subcommand); ':': report missing arguments. */
static const char short_opts[] = "+:n:d:hV";

static int usage_error(struct options *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(struct options *opts, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(opts->error, sizeof(opts->error), fmt, ap);
	va_end(ap);
	return OPT_USAGE;
}

/* A whole decimal number in [min, max]. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == ' ' || *s == '\t')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

#define DELAY_MAX_SECONDS (86400L * 365)	/* a year */

/* Seconds written in decimal: digits, optionally a point and more digits ("2", "0.5", ".25"),
 * nothing else (no sign, exponent, hex, inf or nan), at most DELAY_MAX_SECONDS. Read here, not
 * with strtod, which would take "0x10" and "1e3" and follow the locale's decimal point. */
static bool parse_seconds(const char *s, double *out)
{
	long whole = 0;
	long long frac = 0, scale = 1;	/* frac / scale: up to 12 digits (a picosecond) */
	bool digits = false;

	if (!s)
		return false;
	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		whole = whole * 10 + (*s - '0');
		if (whole > DELAY_MAX_SECONDS)
			return false;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
			if (scale < 1000000000000LL) {
				frac = frac * 10 + (*s - '0');
				scale *= 10;
			}
	if (*s || !digits || (whole == DELAY_MAX_SECONDS && frac > 0))
		return false;
	*out = (double)whole + (double)frac / (double)scale;
	return true;
}

/* "PID[,PID...]": appends to opts->pids. */
static int add_pids(struct options *opts, const char *arg)
{
	const char *p = arg;

	if (!*arg)
		return usage_error(opts, "--pid '': expected PID[,PID...]");
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char item[32];
		long v;

		if (n == 0 || n >= sizeof(item))
			return usage_error(opts, "--pid '%s': not a list of process ids", arg);
		memcpy(item, p, n);
		item[n] = '\0';
		if (!parse_long(item, 1, INT_MAX, &v))
			return usage_error(opts, "--pid '%s': '%s' is not a process id", arg, item);
		opts->pids = xreallocarray(opts->pids, opts->n_pids + 1, sizeof(*opts->pids));
		opts->pids[opts->n_pids++] = (pid_t)v;
		if (!comma)
			break;
		p = comma + 1;
		if (!*p)
			return usage_error(opts, "--pid '%s': not a list of process ids", arg);
	}
	return OPT_OK;
}

/* --format FMT: one of the names below. */
static int parse_format(struct options *opts, const char *arg)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_OPENMETRICS] = "openmetrics",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i]) == 0) {
			opts->format = (enum out_format)i;
			return OPT_OK;
		}
	}
	return usage_error(opts, "--format '%s': expected text, json or openmetrics", arg);
}

/* --json is --format json; --textfile writes metrics. Output options need --once/--batch. */
static int check_format(struct options *opts, const char *format_arg, bool headless)
{
	if (opts->json && format_arg && opts->format != FORMAT_JSON)
		return usage_error(opts, "--json: cannot be combined with --format %s", format_arg);
	if (opts->json)
		opts->format = FORMAT_JSON;
	if (opts->textfile) {
		if (format_arg && opts->format != FORMAT_OPENMETRICS)
			return usage_error(opts, "--textfile: writes openmetrics, not --format %s",
					   format_arg);
		if (opts->json)
			return usage_error(opts, "--textfile: writes openmetrics, not --json");
		opts->format = FORMAT_OPENMETRICS;
	}
	opts->json = opts->format == FORMAT_JSON;
	if (!headless) {
		if (opts->textfile)
			return usage_error(opts, "--textfile: needs --batch or --once");
		if (format_arg)
			return usage_error(opts, "--format: needs --once or --batch");
		if (opts->json)
			return usage_error(opts, "--json: needs --once or --batch");
	}
	return OPT_OK;
}

/* What the option words said, before the mode is decided. */
struct opt_flags {
	bool once, batch;
	const char *delay_arg, *format_arg;
};

/* "100M", "2G", "4096": bytes (K, M, G: powers of 1024). */
static bool parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end && !end[1] && strchr("kKmMgG", *end))
		mul = *end == 'k' || *end == 'K' ? 1ULL << 10 : *end == 'm' || *end == 'M' ? 1ULL << 20 : 1ULL << 30;
	else if (*end)
		return false;
	if (v == 0 || v > (1ULL << 50) / mul)
		return false;
	*out = v * mul;
	return true;
}

/* One getopt pass over argv (from argv[1]); short_opts decides whether it stops at the first
 * word that is no option. */
static int parse_words(struct options *opts, struct opt_flags *fl, int argc, char **argv,
		       const char *shorts)
{
	int c, rc;

	optind = 0;		/* glibc: full re-initialisation (options_parse may run twice) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
		const char *bad = argv[optind - 1];
		long v;

		switch (c) {
		case LOPT_ONCE:
			fl->once = true;
			break;
		case LOPT_BATCH:
			fl->batch = true;
			break;
		case LOPT_JSON:
			opts->json = true;
			break;
		case LOPT_FORMAT:
			rc = parse_format(opts, optarg);
			if (rc != OPT_OK)
				return rc;
			fl->format_arg = optarg;
			break;
		case LOPT_TEXTFILE:
			if (!*optarg)
				return usage_error(opts, "--textfile '': expected a directory");
			opts->textfile = optarg;
			break;
		case 'n':
			if (!parse_long(optarg, 0, INT_MAX, &v))
				return usage_error(opts, "-n '%s': expected a whole number of snapshots >= 0",
						   optarg);
			opts->iterations = (int)v;
			break;
		case 'd':
			if (!parse_seconds(optarg, &opts->delay))
				return usage_error(opts, "-d '%s': expected decimal seconds from 0 to %ld "
						   "(a year), e.g. 0.5", optarg, DELAY_MAX_SECONDS);
			opts->delay_given = true;
			fl->delay_arg = optarg;
			break;
		case LOPT_PID:
			rc = add_pids(opts, optarg);
			if (rc != OPT_OK)
				return rc;
			break;
		case LOPT_SYSROOT:
			if (!*optarg)
				return usage_error(opts, "--sysroot '': expected a directory");
			opts->sysroot = optarg;
			break;
		case LOPT_DEMO:
			if (!*optarg)
				return usage_error(opts, "--demo '': expected a demo name");
			opts->demo = optarg;
			break;
		case LOPT_MAX_SIZE:
			if (!parse_size(optarg, &opts->max_size))
				return usage_error(opts, "--max-size '%s': expected bytes > 0 (e.g. 100M, 2G)",
						   optarg);
			break;
		case LOPT_AT:
			if (!*optarg)
				return usage_error(opts, "--at '': expected #N or a time (HH:MM:SS, -5m)");
			opts->at = optarg;
			break;
		case 'h':
			opts->mode = MODE_HELP;
			return OPT_OK;
		case 'V':
			opts->mode = MODE_VERSION;
			return OPT_OK;
		case ':':
			/* the option was the last thing in its word, so that word names it */
			return usage_error(opts, "%s: missing argument", bad);
		case '?':
		default:
			/* unknown short options set optopt; unknown long ones leave it 0 */
			if (optopt > 0 && optopt < 256)
				return usage_error(opts, "-%c: unknown option", optopt);
			return usage_error(opts, "%s: unknown option", bad);
		}
	}

	return OPT_OK;
}

/* Issue 17: `record [options] FILE` and `replay FILE [options]`, options anywhere. */
static int parse_record_replay(struct options *opts, struct opt_flags *fl, int argc, char **argv)
{
	bool record = strcmp(argv[0], "record") == 0;
	int rc = parse_words(opts, fl, argc, argv, ":n:d:hV");

	if (rc != OPT_OK || opts->mode == MODE_HELP || opts->mode == MODE_VERSION)
		return rc;
	if (optind >= argc)
		return usage_error(opts, "%s: expected a FILE (- for standard %s)", argv[0],
				   record ? "output" : "input");
	if (optind + 1 < argc)
		return usage_error(opts, "%s: '%s': unexpected argument after FILE", argv[0],
				   argv[optind + 1]);
	opts->file = argv[optind];
	if (fl->format_arg || opts->textfile)
		return usage_error(opts, "%s: %s does not apply (a recording holds JSON)", argv[0],
				   fl->format_arg ? "--format" : "--textfile");
	if (record) {
		if (fl->once || fl->batch || opts->json || opts->at || opts->demo)
			return usage_error(opts, "record: %s does not apply", fl->once ? "--once" :
					   fl->batch ? "--batch" : opts->json ? "--json" :
					   opts->at ? "--at" : "--demo");
		if (opts->max_size && strcmp(opts->file, "-") == 0)
			return usage_error(opts, "record: --max-size needs a file (a stream cannot "
					   "drop what it has sent)");
		opts->mode = MODE_RECORD;
		return OPT_OK;
	}
	if (opts->max_size || opts->n_pids || opts->demo || opts->delay_given ||
	    strcmp(opts->sysroot, "/") != 0 || opts->iterations)
		return usage_error(opts, "replay: only --once, --batch, --json and --at apply "
				   "(the recording decides the rest)");
	if (fl->once && fl->batch)
		return usage_error(opts, "--batch: cannot be combined with --once");
	if ((fl->once || fl->batch) && !opts->json)
		return usage_error(opts, "replay: --once and --batch need --json (the recording "
				   "holds JSON)");
	if (opts->json && !fl->once && !fl->batch)
		return usage_error(opts, "--json: needs --once or --batch");
	if (opts->at && fl->batch)
		return usage_error(opts, "--at: needs --once (--batch prints every snapshot)");
	opts->mode = MODE_REPLAY;
	opts->replay_out = fl->once ? REPLAY_ONCE : fl->batch ? REPLAY_BATCH : REPLAY_DASHBOARD;
	return OPT_OK;
}

int options_parse(struct options *opts, int argc, char **argv)
{
	struct opt_flags fl = { 0 };
	bool once, batch, delay_given;
	const char *delay_arg;
	int rc;

	memset(opts, 0, sizeof(*opts));
	opts->mode = MODE_DASHBOARD;
	opts->delay = 1.0;
	opts->sysroot = "/";

	rc = parse_words(opts, &fl, argc, argv, short_opts);
	if (rc != OPT_OK || opts->mode == MODE_HELP || opts->mode == MODE_VERSION)
		return rc;
	if (optind < argc && (strcmp(argv[optind], "record") == 0 ||
			      strcmp(argv[optind], "replay") == 0)) {
		rc = parse_record_replay(opts, &fl, argc - optind, argv + optind);
		if (rc != OPT_OK || opts->mode != MODE_DASHBOARD)
			return rc;
	}
	once = fl.once;
	batch = fl.batch;
	delay_arg = fl.delay_arg;
	delay_given = opts->delay_given;

	if (optind < argc) {
		if (strcmp(argv[optind], "demo") != 0)
			return usage_error(opts, "'%s': unexpected argument (commands: demo, record, replay)",
					   argv[optind]);
		if (once || batch)
			return usage_error(opts, "demo: cannot be combined with %s",
					   once ? "--once" : "--batch");
		opts->mode = MODE_DEMO;
		opts->demo_argc = argc - optind - 1;
		opts->demo_argv = argv + optind + 1;
		return OPT_OK;
	}

	if (opts->max_size || opts->at)
		return usage_error(opts, "%s: only with %s", opts->at ? "--at" : "--max-size",
				   opts->at ? "replay" : "record");
	if (once && batch)
		return usage_error(opts, "--batch: cannot be combined with --once");
	if (once)
		opts->mode = MODE_ONCE;
	else if (batch)
		opts->mode = MODE_BATCH;
	rc = check_format(opts, fl.format_arg, once || batch);
	if (rc != OPT_OK)
		return rc;
	if (opts->demo && (once || batch))	/* headless: `ipctop demo run NAME` */
		return usage_error(opts, "--demo: needs the dashboard (without --once or --batch; "
				   "'ipctop demo run %s' runs it without one)", opts->demo);
	if (opts->mode == MODE_DASHBOARD && delay_given && !(opts->delay > 0))
		return usage_error(opts, "-d '%s': the dashboard needs a delay > 0", delay_arg);
	return OPT_OK;
}

void options_fini(struct options *opts)
{
	free(opts->pids);
	opts->pids = NULL;
	opts->n_pids = 0;
}

/* "  KEYS      text..." wrapped at 80 columns, continuation lines under the text. */
static void print_wrapped(FILE *out, const char *keys, const char *what)
{
	const int indent = 24, width = 80;
	int col = fprintf(out, "  %s", keys);
	const char *p = what;

	if (col >= indent) {
		fputc('\n', out);
		col = 0;
	}
	fprintf(out, "%*s", indent - col, "");
	col = indent;
	while (*p) {
		const char *sp = p;
		int len;

		while (*sp && *sp != ' ')
			sp++;
		len = (int)(sp - p);
		if (col > indent && col + 1 + len > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, (size_t)len, out);
		col += len;
		p = *sp ? sp + 1 : sp;
	}
	fputc('\n', out);
}

void options_usage(FILE *out)
{
	fputs("Usage: ipctop [OPTION]...                     the interactive dashboard\n"
	      "       ipctop --once [--json | --format FMT] [OPTION]...\n"
	      "       ipctop --batch [-n N] [-d SECONDS] [--json | --format FMT] [OPTION]...\n"
	      "       ipctop --batch [-d SECONDS] --textfile DIR [OPTION]...\n"
	      "       ipctop record [-d SECONDS] [-n N] [--pid PID,...] [--max-size SIZE] FILE\n"
	      "       ipctop replay FILE [--once --json [--at WHEN] | --batch --json]\n"
	      "       ipctop demo list | cleanup\n"
	      "       ipctop demo run NAME [--speed X] [--seconds S] [--control FD]\n"
	      "\n"
	      "Shows which processes talk to which through pipes, FIFOs, sockets, System V and\n"
	      "POSIX IPC and signals, live.\n"
	      "\n"
	      "Modes:\n"
	      "      --once              print one snapshot (text tables, or see --format)\n"
	      "      --batch             print snapshots repeatedly (see -n and -d)\n"
	      "      --json              with --once/--batch: JSON, one object per line\n"
	      "                          (the same as --format json)\n"
	      "      --format FMT        with --once/--batch: text (default), json or\n"
	      "                          openmetrics (Prometheus metrics, ending in '# EOF')\n"
	      "      --textfile DIR      with --batch/--once: metrics replace DIR/ipctop.prom\n"
	      "                          atomically each snapshot (the node exporter's textfile\n"
	      "                          collector), nothing on stdout\n"
	      "  -n, --iterations N      --batch: stop after N snapshots (default 0: run until\n"
	      "                          interrupted)\n"
	      "  -d, --delay SECONDS     seconds between snapshots, fractions allowed (default 1);\n"
	      "                          0 in --batch means back to back\n"
	      "\n"
	      "What to look at:\n"
	      "      --pid PID[,PID...]  only these processes, the objects they use and the\n"
	      "                          processes at the other ends (repeatable)\n"
	      "      --sysroot DIR       read DIR/proc/... instead of /proc/... (recorded trees,\n"
	      "                          containers; default /)\n"
	      "      --demo NAME         start the dashboard focused on a running demo\n"
	      "\n"
	      "Recording (FILE - is standard output / input):\n"
	      "  record FILE             record snapshots (-d apart, -n of them, --pid) to a new\n"
	      "                          FILE until SIGINT/SIGTERM; never overwrites a file\n"
	      "      --max-size SIZE     record: keep FILE under SIZE (K, M, G) by dropping the\n"
	      "                          oldest snapshots\n"
	      "  replay FILE             the dashboard on a recording ([ ] { } g, space plays)\n"
	      "      --at WHEN           replay --once --json: the snapshot at WHEN: #N (from 0),\n"
	      "                          HH:MM[:SS], -5m (before the last), @EPOCH (default: the\n"
	      "                          last)\n"
	      "\n"
	      "Other:\n"
	      "  -h, --help              show this help and exit\n"
	      "  -V, --version           show the version and exit\n"
	      "\n"
	      "Demos (real processes doing real IPC, for learning and testing):\n"
	      "  demo list               one demo name per line, a tab, its description\n"
	      "  demo run NAME [--speed X] [--seconds S] [--control FD]\n"
	      "                          run a demo without the dashboard; prints 'ready' and its\n"
	      "                          root PID; stops after S seconds or on SIGINT/SIGTERM;\n"
	      "                          with --control, one-byte commands from FD steer it\n"
	      "                          (p pause, c continue, s step, + / - speed, r restart,\n"
	      "                          q quit)\n"
	      "  demo cleanup            remove objects left by a demo killed with SIGKILL\n"
	      "\n"
	      "Dashboard keys:\n", out);
	for (size_t i = 0; i < n_key_help; i++)
		print_wrapped(out, key_help[i].keys, key_help[i].what);
	fputs("\n"
	      "Exit status: 0 success; 1 the snapshot could not be taken at all (e.g. no /proc);\n"
	      "2 bad usage.\n"
	      "--json writes schema 1: every list present, null for what could not be read,\n"
	      "and the reason in \"errors\".\n", out);
}
