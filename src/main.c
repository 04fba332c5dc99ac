/*
 * main.c - ipctop's entry point: parse the command line (before anything touches the
 * terminal), then hand over to one mode: the dashboard (ui/), --once/--batch (output.c),
 * or the demo launcher. Exit status as CONTRACT.md says: 0, 1 (no snapshot), 2 (bad usage).
 */
#include "config.h"

#include <stdio.h>

#include "demos/demo.h"
#include "src/crash.h"
#include "src/filter.h"
#include "src/options.h"
#include "src/output.h"
#include "src/record.h"
#include "ui/ui.h"

int main(int argc, char **argv)
{
	struct options opts;
	int status = 0;

	if (options_parse(&opts, argc, argv) != OPT_OK) {
		fprintf(stderr, "ipctop: %s (see ipctop --help)\n", opts.error);
		options_fini(&opts);
		return 2;
	}

	/* --demo NAME: a name that is no demo is bad usage, said before the terminal is touched */
	if (opts.mode == MODE_DASHBOARD && opts.demo && !demo_find(opts.demo)) {
		fprintf(stderr, "ipctop: --demo '%s': no such demo (see 'ipctop demo list')\n",
			opts.demo);
		options_fini(&opts);
		return 2;
	}

	/* --pid: a pid that names no process is said on stderr; naming none at all is bad usage
	 * (a process that exits later is not, nor one of a list that has exited: scripts follow
	 * lists of pids some of which may be gone) */
	if (opts.n_pids && (opts.mode == MODE_ONCE || opts.mode == MODE_BATCH ||
			    opts.mode == MODE_DASHBOARD || opts.mode == MODE_RECORD)) {
		char missing[256];
		size_t n = filter_missing_pids(opts.sysroot, opts.pids, opts.n_pids, missing,
					       sizeof(missing));

		if (n)
			fprintf(stderr, "ipctop: --pid %s: no such process%s\n", missing,
				n > 1 ? "es" : "");
		if (n == opts.n_pids) {
			options_fini(&opts);
			return 2;
		}
	}

	/* a crash restores the terminal and removes the tracefs instance (src/crash.h) */
	if (opts.mode == MODE_ONCE || opts.mode == MODE_BATCH || opts.mode == MODE_DASHBOARD ||
	    opts.mode == MODE_RECORD || opts.mode == MODE_REPLAY)
		crash_guard_init();
	switch (opts.mode) {
	case MODE_HELP:
		options_usage(stdout);
		break;
	case MODE_VERSION:
		printf("ipctop %s\n", PACKAGE_VERSION);
		break;
	case MODE_ONCE:
	case MODE_BATCH:
		status = output_run(&opts, stdout);
		break;
	case MODE_DASHBOARD:
		status = ui_run(&opts);
		break;
	case MODE_RECORD:
		status = record_run(&opts);
		break;
	case MODE_REPLAY:
		status = opts.replay_out == REPLAY_DASHBOARD ? ui_run(&opts) : replay_print(&opts);
		break;
	case MODE_DEMO:
		status = demo_cli_main(opts.demo_argc, opts.demo_argv);
		break;
	}
	if (fflush(stdout) == EOF && status == 0)
		status = 1;
	options_fini(&opts);
	return status;
}
