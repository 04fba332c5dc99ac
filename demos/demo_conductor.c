/*
 * demo_conductor.c - `ipctop demo run`: the root process of a running demo.
 *
 * The conductor owns the demo's lifetime: it writes the registry header, maps the shared
 * control block, forks the scenario's top process into a new process group, relays the
 * record stream from the shared ring to stdout, applies control commands, and on every way
 * out (deadline, SIGINT/SIGTERM/SIGHUP, 'q', end of the control channel, a failure) kills
 * the scenario's process group, reaps every descendant (it is a child subreaper) and
 * removes every object the registry lists. It never touches the scenario's objects while
 * the scenario runs. Signals only set flags; the loop waits in ppoll() with them unblocked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_ctx.h"

static volatile sig_atomic_t got_stop_sig;
static volatile sig_atomic_t got_chld;

static void on_stop(int sig)
{
	got_stop_sig = sig;
}

static void on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

struct conductor {
	const struct demo *d;
	struct demo_run_opts o;
	struct demo_ctx ctx;
	struct demo_shared *sh;
	pid_t top;		/* the scenario's top process (and process group), 0 none */
	double speed;		/* <= 0: full */
	bool paused;
	bool ready;
	bool stopping;		/* tearing down: the top's death is expected */
	const char *end;	/* why the loop ends, NULL while running */
	int status;		/* exit status */
	bool out_broken;
};

static const double speed_ladder[] = { 0.125, 0.25, 0.5, 1, 2, 4, 8, 16 };
#define N_LADDER (sizeof(speed_ladder) / sizeof(speed_ladder[0]))

double demo_speed_faster(double speed)
{
	if (speed <= 0)
		return 0;
	for (size_t i = 0; i < N_LADDER; i++)
		if (speed_ladder[i] > speed * 1.0001)
			return speed_ladder[i];
	return 0;	/* past the top: full */
}

double demo_speed_slower(double speed)
{
	if (speed <= 0)
		return speed_ladder[N_LADDER - 1];
	for (size_t i = N_LADDER; i-- > 0;)
		if (speed_ladder[i] < speed * 0.9999)
			return speed_ladder[i];
	return speed_ladder[0];
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- output ---- */

/* The mask the conductor waits with (stop signals and SIGCHLD unblocked), set up once. */
static sigset_t wait_mask;
static bool wait_mask_set;

static void out_line(struct conductor *c, const char *line)
{
	char buf[CAPTION_LINE_MAX + 2];
	size_t len = (size_t)snprintf(buf, sizeof(buf) - 1, "%s", line);
	size_t off = 0;
	sigset_t old;

	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	if (c->out_broken)
		return;
	/* A reader that stops reading must not make us deaf to SIGTERM: write() with the stop
	 * signals unblocked, so one interrupts it (no SA_RESTART) and we give up the stream. */
	if (wait_mask_set)
		sigprocmask(SIG_SETMASK, &wait_mask, &old);
	while (off < len) {
		ssize_t n = write(STDOUT_FILENO, buf + off, len - off);

		if (n < 0 && errno == EINTR && !got_stop_sig)
			continue;
		if (n <= 0) {
			c->out_broken = true;	/* nobody reads us any more, or we must stop */
			if (!c->end)
				c->end = got_stop_sig ? "signal" : "output";
			break;
		}
		off += (size_t)n;
	}
	if (wait_mask_set)
		sigprocmask(SIG_SETMASK, &old, NULL);
}

static void print_status(struct conductor *c)
{
	char line[64];

	if (c->speed > 0)
		snprintf(line, sizeof(line), "status\t%s\t%g", c->paused ? "paused" : "running",
			 c->speed);
	else
		snprintf(line, sizeof(line), "status\t%s\tfull", c->paused ? "paused" : "running");
	out_line(c, line);
}

static void fail(struct conductor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct conductor *c, const char *fmt, ...)
{
	char text[CAPTION_LINE_MAX - 8], clean[CAPTION_LINE_MAX - 8], line[CAPTION_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	caption_clean(clean, sizeof(clean), text);
	snprintf(line, sizeof(line), "error\t%s", clean);
	out_line(c, line);
	fprintf(stderr, "ipctop: demo %s: %s\n", c->d->name, clean);
	c->status = 1;
	if (!c->end)
		c->end = "error";
}

/* Relays every queued record; "ready" becomes "ready ROOTPID", "error" stops the demo. */
static void drain(struct conductor *c)
{
	char line[CAPTION_LINE_MAX];
	uint64_t dropped;

	while (caption_ring_pop(&c->sh->ring, line, sizeof(line), &dropped)) {
		if (dropped) {
			char d[48];

			snprintf(d, sizeof(d), "dropped\t%llu", (unsigned long long)dropped);
			out_line(c, d);
		}
		if (strcmp(line, "ready") == 0) {
			char r[32];

			snprintf(r, sizeof(r), "ready %d", (int)getpid());
			out_line(c, r);
			c->ready = true;
		} else if (strncmp(line, "error\t", 6) == 0) {
			if (!c->stopping)
				fail(c, "%s", line + 6);
		} else {
			out_line(c, line);
		}
	}
	dropped = caption_ring_take_dropped(&c->sh->ring);
	if (dropped) {
		char d[48];

		snprintf(d, sizeof(d), "dropped\t%llu", (unsigned long long)dropped);
		out_line(c, d);
	}
}

/* ---- control ---- */

static int64_t step_ns(const struct conductor *c)
{
	return c->speed > 0 ? (int64_t)(1e9 / c->speed + 0.5) : 0;
}

/* Publishes speed and pause (and moves the virtual clock by advance_ns), waking everyone. */
static void control_changed(struct conductor *c, int64_t advance_ns)
{
	demo_control_set(c->sh, c->paused, step_ns(c), advance_ns);
}

static void restart(struct conductor *c);

static void command(struct conductor *c, char ch)
{
	switch (ch) {
	case 'p': c->paused = true; break;
	case 'c': c->paused = false; break;
	case ' ': c->paused = !c->paused; break;
	case 's':
		/* pause, then move the clock one step: every step that falls due happens */
		c->paused = true;
		control_changed(c, step_ns(c) > 0 ? step_ns(c) : 1);
		print_status(c);
		return;
	case '+': c->speed = demo_speed_faster(c->speed); break;
	case '-': c->speed = demo_speed_slower(c->speed); break;
	case 'f': c->speed = 0; break;
	case '1': c->speed = 1; break;
	case 'r': restart(c); return;
	case 'q': c->end = "quit"; return;
	default: return;	/* newlines and anything else */
	}
	control_changed(c, 0);
	print_status(c);
}

/* ---- the scenario's processes ---- */

static void start_scenario(struct conductor *c)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		fail(c, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int rc;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(0);
		demo_reset_signals();
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		syscall(SYS_close_range, 3U, ~0U, 0U);	/* the control channel, anything else */
		rc = c->d->run(&c->ctx);
		_exit(rc == 0 ? 0 : 1);
	}
	setpgid(pid, pid);	/* both sides, so no kill(-pgid) can miss it */
	c->top = pid;
}

static void reap(struct conductor *c)
{
	int st;
	pid_t pid;

	got_chld = 0;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != c->top)
			continue;	/* an adopted orphan, or the scenario's own leftovers */
		c->top = 0;
		if (c->stopping || c->end)
			continue;
		drain(c);	/* its last words (an "error" record) come first */
		if (!c->end) {
			char why[64];

			demo_describe_status(st, why, sizeof(why));
			fail(c, "the scenario's process %d %s", (int)pid, why);
		}
	}
}

/* Kills the scenario's process group, reaps every descendant, removes every object. */
static void stop_scenario(struct conductor *c)
{
	struct demo_registry r;
	struct demo_cleanup_log log = { stderr, false, 0, 0, 0 };
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	int64_t deadline = now_ns() + 5 * (int64_t)1000000000;
	int rc;

	c->stopping = true;
	__atomic_store_n(&c->sh->stop, 1u, __ATOMIC_RELEASE);
	control_changed(c, 0);
	if (c->top > 0) {
		kill(-c->top, SIGKILL);
		kill(c->top, SIGKILL);
	}
	/* As subreaper every orphaned descendant becomes our child: ECHILD means all gone. */
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			if (pid == c->top)
				c->top = 0;
			continue;
		}
		if (pid < 0 || now_ns() > deadline)
			break;
		nanosleep(&tick, NULL);
	}
	c->top = 0;
	drain(c);	/* records written before the end */
	rc = demo_registry_load(c->ctx.dir, &r);
	if (rc == 0) {
		/* any listed process that escaped the process group (none should), then objects */
		demo_registry_kill(&r, getpid(), &log);
		demo_registry_remove_objects(&r, &log);
		demo_registry_fini(&r);
	} else {
		fprintf(stderr, "ipctop: demo %s: %s/%s: %s\n", c->d->name, c->ctx.dir,
			DEMO_REGISTRY_FILE, strerror(-rc));
		c->status = 1;
	}
	if (log.failed)
		c->status = 1;
}

static int write_header(struct conductor *c)
{
	unsigned long long start = 0;
	int rc = demo_registry_proc_start(getpid(), &start, NULL);

	if (rc < 0)
		return rc;
	if ((rc = demo_registry_create(c->ctx.dir)) < 0 ||
	    (rc = demo_registry_append(c->ctx.dir, "demo %s", c->d->name)) < 0 ||
	    (rc = demo_registry_append(c->ctx.dir, "root %d %llu", (int)getpid(), start)) < 0 ||
	    (rc = demo_registry_append(c->ctx.dir, "start %lld", (long long)time(NULL))) < 0 ||
	    (rc = demo_registry_append(c->ctx.dir, "uid %u", (unsigned)geteuid())) < 0)
		return rc;
	return 0;
}

/* Removes what the registry lists in the private directory (FIFOs, sockets, the key file)
 * and the registry, then starts a fresh registry: the next round must be able to create the
 * same names again. */
static int reset_dir(struct conductor *c)
{
	struct demo_cleanup_log log = { stderr, false, 0, 0, 0 };
	struct demo_registry r;
	int rc = demo_registry_load(c->ctx.dir, &r);

	if (rc < 0)
		return rc;
	demo_registry_remove_files(c->ctx.dir, &r, &log);
	demo_registry_fini(&r);
	if (log.failed || log.left)
		return -EIO;
	return write_header(c);
}

static void restart(struct conductor *c)
{
	int rc;

	stop_scenario(c);
	if (c->end)
		return;
	rc = reset_dir(c);	/* the registry starts over */
	if (rc < 0) {
		fail(c, "restart: %s: %s", c->ctx.dir, strerror(-rc));
		return;
	}
	memset(c->sh->board, 0, sizeof(c->sh->board));
	__atomic_store_n(&c->sh->stop, 0u, __ATOMIC_RELEASE);
	c->stopping = false;
	c->ready = false;
	control_changed(c, 0);
	out_line(c, "restart");
	start_scenario(c);
}

/* ---- setup and the loop ---- */

static int setup_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);	/* a closed stdout is an EPIPE we handle */

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaddset(&block, stops[i]);
	sigaddset(&block, SIGCHLD);
	return sigprocmask(SIG_BLOCK, &block, old);
}

static int make_dir(struct conductor *c)
{
	char base[200];
	struct stat st;
	char why[160];
	int rc = demo_registry_base(base, sizeof(base), true, why, sizeof(why));

	if (rc < 0) {
		fprintf(stderr, "ipctop: demo %s: registry directory %s: %s%s\n", c->d->name, base,
			why, rc == -EPERM ? " (it must be a directory of this user's alone; set "
			"IPCTOP_DEMO_DIR to one)" : "");
		return rc;
	}
	snprintf(c->ctx.dir, sizeof(c->ctx.dir), "%s/%d", base, (int)getpid());
	if (lstat(c->ctx.dir, &st) == 0) {
		/* A dead demo that had our pid and was never cleaned up: clean it now. */
		struct demo_registry r;
		struct demo_cleanup_log log = { stderr, false, 0, 0, 0 };

		if (demo_registry_load(c->ctx.dir, &r) == 0 && r.root != getpid())
			demo_registry_fini(&r);	/* not a registry of this pid: no file is ours */
		demo_registry_remove(c->ctx.dir, &r, getpid(), &log);
		demo_registry_fini(&r);
	}
	if (mkdir(c->ctx.dir, 0700) < 0)
		return -errno;
	return write_header(c);
}

static void loop(struct conductor *c, const sigset_t *waitmask)
{
	int64_t deadline = c->o.seconds > 0 ? now_ns() + (int64_t)(c->o.seconds * 1e9 + 0.5) : 0;

	while (!c->end) {
		struct pollfd pfd = { c->o.control_fd, POLLIN, 0 };
		int64_t wait = 20 * 1000000;
		struct timespec ts;
		int n;

		if (deadline) {
			int64_t left = deadline - now_ns();

			if (left <= 0) {
				drain(c);
				c->end = "seconds";
				break;
			}
			if (left < wait)
				wait = left;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)wait;
		n = ppoll(c->o.control_fd >= 0 ? &pfd : NULL, c->o.control_fd >= 0 ? 1 : 0, &ts,
			  waitmask);
		if (got_stop_sig) {
			drain(c);
			c->end = "signal";
			break;
		}
		if (got_chld)
			reap(c);
		if (n > 0 && pfd.revents) {
			char buf[64];
			ssize_t got = read(c->o.control_fd, buf, sizeof(buf));

			if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
				drain(c);
				c->end = "eof";
				break;
			}
			for (ssize_t i = 0; i < got && !c->end; i++)
				command(c, buf[i]);
		}
		drain(c);
	}
}

int demo_conductor_run(const struct demo *d, const struct demo_run_opts *o)
{
	struct conductor c;
	sigset_t waitmask;
	ssize_t n;
	pid_t ppid = getppid();
	char line[64];
	int rc;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.o = *o;
	c.speed = o->speed;
	c.ctx.demo = d;
	c.ctx.root = getpid();
	n = readlink("/proc/self/exe", c.ctx.exe, sizeof(c.ctx.exe) - 1);
	if (n > 0)
		c.ctx.exe[n] = '\0';
	else
		snprintf(c.ctx.exe, sizeof(c.ctx.exe), "/proc/self/exe");

	/* Descriptors inherited from whoever started us (a shell's, make's jobserver pipe)
	 * would show up as the demo's: keep only stdin/stdout/stderr and the control channel. */
	if (o->control_fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)o->control_fd - 1, 0U);
	syscall(SYS_close_range, (unsigned)(o->control_fd >= 3 ? o->control_fd + 1 : 3), ~0U, 0U);

	if (setup_signals(&waitmask) < 0) {
		fprintf(stderr, "ipctop: demo %s: sigprocmask: %s\n", d->name, strerror(errno));
		return 1;
	}
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	sigdelset(&waitmask, SIGQUIT);
	sigdelset(&waitmask, SIGCHLD);
	wait_mask = waitmask;
	wait_mask_set = true;
	/* Die with whatever launched us, but cleanly: SIGTERM runs the teardown. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != ppid)
		got_stop_sig = SIGTERM;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "ipctop-demo", 0, 0, 0);

	rc = make_dir(&c);
	if (rc < 0) {
		fprintf(stderr, "ipctop: demo %s: cannot create its registry directory %s: %s\n",
			d->name, c.ctx.dir[0] ? c.ctx.dir : "(base)", strerror(-rc));
		return 1;
	}
	c.sh = mmap(NULL, sizeof(*c.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c.sh == MAP_FAILED) {
		struct demo_cleanup_log log = { stderr, false, 0, 0, 0 };
		struct demo_registry none = { 0 };

		fprintf(stderr, "ipctop: demo %s: mmap: %s\n", d->name, strerror(errno));
		demo_registry_remove(c.ctx.dir, &none, getpid(), &log);
		return 1;
	}
	c.ctx.sh = c.sh;
	rc = caption_ring_init(&c.sh->ring);
	if (rc) {
		fprintf(stderr, "ipctop: demo %s: caption ring: %s\n", d->name, strerror(rc));
		c.status = 1;
		c.end = "error";
	}
	control_changed(&c, 0);
	print_status(&c);
	if (!c.end)
		start_scenario(&c);
	loop(&c, &waitmask);

	stop_scenario(&c);
	{
		struct demo_registry r;
		struct demo_cleanup_log log = { stderr, false, 0, 0, 0 };

		if (demo_registry_load(c.ctx.dir, &r) == 0)
			demo_registry_remove(c.ctx.dir, &r, getpid(), &log);
		else
			demo_registry_remove(c.ctx.dir, &(struct demo_registry){ 0 }, getpid(), &log);
		demo_registry_fini(&r);
		if (log.failed)
			c.status = 1;
	}
	snprintf(line, sizeof(line), "end\t%s", c.end ? c.end : "error");
	c.out_broken = false;	/* try to say goodbye even after a write failed */
	out_line(&c, line);
	caption_ring_fini(&c.sh->ring);
	munmap(c.sh, sizeof(*c.sh));
	return c.status;
}
