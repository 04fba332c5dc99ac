/*
 * options.h - the command line, parsed before anything touches the terminal.
 *
 * options_parse() never exits: it returns OPT_* and leaves a one-line message naming the bad
 * argument in opts->error for main() to print (exit status 2, as CONTRACT.md says).
 */
#ifndef IPCTOP_OPTIONS_H
#define IPCTOP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum run_mode {
	MODE_DASHBOARD,		/* default: the interactive dashboard */
	MODE_ONCE,		/* --once */
	MODE_BATCH,		/* --batch */
	MODE_HELP,
	MODE_VERSION,
	MODE_DEMO,		/* `ipctop demo ...`: demo_argc/demo_argv hold the rest */
	MODE_RECORD,		/* issue 17: `ipctop record ... FILE` */
	MODE_REPLAY,		/* issue 17: `ipctop replay FILE ...` (replay_out says how) */
};

/* What --once/--batch write: --format FMT (--json is --format json). */
enum out_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_OPENMETRICS };

enum replay_out { REPLAY_DASHBOARD, REPLAY_ONCE, REPLAY_BATCH };

struct options {
	enum run_mode mode;
	bool json;		/* --json or --format json (format == FORMAT_JSON) */
	enum out_format format;	/* --format; --textfile implies openmetrics */
	const char *textfile;	/* --textfile DIR: metrics go to DIR/ipctop.prom, not stdout */
	int iterations;		/* -n N (batch); 0 = unlimited */
	double delay;		/* -d SECONDS; default 1.0; 0 allowed in batch */
	bool delay_given;	/* -d was on the command line (it wins over saved settings) */
	const char *sysroot;	/* --sysroot DIR; default "/" */
	pid_t *pids;		/* --pid list (heap, options_fini frees), NULL = all */
	size_t n_pids;
	const char *demo;	/* --demo NAME: dashboard focused on a demo */
	int demo_argc;		/* MODE_DEMO: arguments after "demo" */
	char **demo_argv;
	/* issue 17: record/replay */
	const char *file;	/* FILE ("-": standard output / input) */
	unsigned long long max_size;	/* record --max-size in bytes, 0 = none */
	const char *at;		/* replay --at WHEN */
	enum replay_out replay_out;
	char error[256];	/* set when options_parse returns OPT_USAGE */
};

enum { OPT_OK = 0, OPT_USAGE = 2 };

int options_parse(struct options *opts, int argc, char **argv);
void options_fini(struct options *opts);
/* The full --help text. */
void options_usage(FILE *out);

#endif
