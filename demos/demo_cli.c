/*
 * demo_cli.c - `ipctop demo list | run NAME [--speed X] [--seconds S] [--control FD] |
 * cleanup`, as CONTRACT.md and demo.h describe. Bad usage: one line naming the bad argument
 * on stderr, exit status 2. `demo _exec-child` is the internal mode fork-exec re-execs into.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "demos/demo_ctx.h"

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ipctop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static bool parse_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "--opt VALUE" or "--opt=VALUE": the value, advancing *i; NULL if missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int cmd_run(int argc, char **argv)
{
	struct demo_run_opts o = { 1.0, 0, -1 };
	const struct demo *d = NULL;
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (is_opt(a, "--speed")) {
			v = opt_value(argc, argv, &i, "--speed");
			if (!v)
				return usage("demo run: --speed: missing argument");
			if (strcmp(v, "full") == 0 || strcmp(v, "max") == 0)
				o.speed = 0;
			else if (!parse_number(v, 0.001, 1000, &o.speed) || o.speed <= 0)
				return usage("demo run: --speed '%s': expected a number > 0 (1 = one step a "
					     "second) or 'full'", v);
		} else if (is_opt(a, "--seconds")) {
			v = opt_value(argc, argv, &i, "--seconds");
			if (!v)
				return usage("demo run: --seconds: missing argument");
			if (!parse_number(v, 0, 1e7, &o.seconds) || o.seconds <= 0)
				return usage("demo run: --seconds '%s': expected seconds > 0", v);
		} else if (is_opt(a, "--control")) {
			double fd;

			v = opt_value(argc, argv, &i, "--control");
			if (!v)
				return usage("demo run: --control: missing argument");
			if (!parse_number(v, 0, 1 << 20, &fd) || fd != (double)(int)fd)
				return usage("demo run: --control '%s': expected a file descriptor number", v);
			o.control_fd = (int)fd;
			if (fcntl(o.control_fd, F_GETFD) < 0)
				return usage("demo run: --control '%s': descriptor not open", v);
		} else if (a[0] == '-' && a[1]) {
			return usage("demo run: '%s': unknown option", a);
		} else if (!name) {
			name = a;
		} else {
			return usage("demo run: '%s': unexpected argument (one demo at a time)", a);
		}
	}
	if (!name)
		return usage("demo run: missing demo name (see 'ipctop demo list')");
	d = demo_find(name);
	if (!d)
		return usage("demo run: '%s': no such demo (see 'ipctop demo list')", name);
	fflush(stdout);
	return demo_conductor_run(d, &o);
}

static int cmd_cleanup(void)
{
	struct demo_cleanup_log log = { stdout, true, 0, 0, 0 };
	char base[PATH_MAX], why[160] = "";
	int rc = demo_registry_cleanup_all(&log, why, sizeof(why));

	if (rc < 0) {
		if (demo_registry_base(base, sizeof(base), false, NULL, 0) < 0 && !base[0])
			snprintf(base, sizeof(base), "(base)");
		fprintf(stderr, "ipctop: demo cleanup: %s: %s%s\n", base, why[0] ? why : strerror(-rc),
			rc == -EPERM ? ": refusing to remove anything in a directory that is not "
			"this user's alone (set IPCTOP_DEMO_DIR to one)" : "");
		return 1;
	}
	printf("demo cleanup: %u removed, %u left, %u could not be removed\n", log.removed,
	       log.left, log.failed);
	return log.failed ? 1 : 0;
}

int demo_cli_main(int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : NULL;

	if (!cmd)
		return usage("demo: missing subcommand (list, run NAME, cleanup)");
	if (strcmp(cmd, "list") == 0) {
		if (argc > 1)
			return usage("demo list: '%s': unexpected argument", argv[1]);
		for (size_t i = 0; i < demo_count; i++)
			printf("%s\t%s\n", demo_table[i].name, demo_table[i].description);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc, argv);
	if (strcmp(cmd, "cleanup") == 0) {
		if (argc > 1)
			return usage("demo cleanup: '%s': unexpected argument", argv[1]);
		return cmd_cleanup();
	}
	if (strcmp(cmd, "_exec-child") == 0)
		return demo_fork_exec_child_main(argc, argv);
	return usage("demo '%s': unknown subcommand (list, run NAME, cleanup)", cmd);
}
