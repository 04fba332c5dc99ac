/*
 * demo_ctx.c - the runtime every scenario process shares (see demo_ctx.h): roles and forks
 * that die with their parent, pacing on a futex in the shared control block, captions into
 * the shared ring, and registry-first creation of System V and POSIX objects.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "src/signames.h"

/* ---- futex on the shared (non-private) mapping ---- */

static void futex_wait(uint32_t *addr, uint32_t val, int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

	syscall(SYS_futex, addr, FUTEX_WAIT, val, ns >= 0 ? &ts : NULL, NULL, 0);
}

static void futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int64_t demo_clock_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A consistent copy of the control block (seqlock read). */
struct ctl_view {
	uint32_t gen;
	bool paused, stop;
	int64_t step_ns;
	int64_t vnow;
};

static void ctl_read(struct demo_shared *sh, struct ctl_view *v)
{
	for (;;) {
		uint32_t g1 = __atomic_load_n(&sh->ctl_gen, __ATOMIC_ACQUIRE);
		int64_t vbase, rbase;

		if (g1 & 1) {
			sched_yield();
			continue;
		}
		v->paused = __atomic_load_n(&sh->paused, __ATOMIC_RELAXED) != 0;
		v->stop = __atomic_load_n(&sh->stop, __ATOMIC_RELAXED) != 0;
		v->step_ns = __atomic_load_n(&sh->step_ns, __ATOMIC_RELAXED);
		vbase = __atomic_load_n(&sh->vbase, __ATOMIC_RELAXED);
		rbase = __atomic_load_n(&sh->rbase, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&sh->ctl_gen, __ATOMIC_RELAXED) != g1)
			continue;
		v->gen = g1;
		v->vnow = v->paused ? vbase : vbase + (demo_clock_real() - rbase);
		return;
	}
}

void demo_control_set(struct demo_shared *sh, bool paused, int64_t step_ns, int64_t advance_ns)
{
	struct ctl_view v;
	int64_t now = demo_clock_real();

	ctl_read(sh, &v);	/* vnow before the change */
	__atomic_add_fetch(&sh->ctl_gen, 1, __ATOMIC_ACQ_REL);	/* odd: writing */
	__atomic_store_n(&sh->vbase, v.vnow + advance_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->rbase, now, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->paused, paused ? 1u : 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->step_ns, step_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->ctl_gen, 1, __ATOMIC_ACQ_REL);	/* even: done */
	futex_wake(&sh->ctl_gen);
}

/* ---- processes ---- */

void demo_announce(struct demo_ctx *ctx, pid_t pid, const char *role, pid_t ppid)
{
	char p[16], pp[16];
	const char *f[3] = { p, role, pp };

	snprintf(p, sizeof(p), "%d", (int)pid);
	snprintf(pp, sizeof(pp), "%d", (int)ppid);
	caption_ring_push(&ctx->sh->ring, "process", f, 3);
}

void demo_become(struct demo_ctx *ctx, const char *role)
{
	unsigned long long start = 0;
	char name[16];

	snprintf(name, sizeof(name), "%s", role);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (demo_registry_proc_start(getpid(), &start, NULL) == 0)
		demo_registry_append(ctx->dir, "proc %d %llu %s", (int)getpid(), start, name);
	demo_announce(ctx, getpid(), name, getppid());
}

void demo_reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);	/* EINVAL for glibc's reserved ones: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

pid_t demo_wait(pid_t pid, int *status, int flags)
{
	pid_t rc;

	while ((rc = waitpid(pid, status, flags)) < 0 && errno == EINTR)
		;
	return rc;
}

const char *demo_describe_status(int status, char *buf, size_t len)
{
	char name[32];

	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by %s",
			 signame(WTERMSIG(status), name, sizeof(name)));
	else
		snprintf(buf, len, "changed state (0x%x)", status);
	return buf;
}

pid_t demo_fork(struct demo_ctx *ctx, const char *role, unsigned flags)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (!(flags & DEMO_FORK_ORPHANABLE)) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(0);	/* the parent died before we could ask to follow it */
	}
	demo_reset_signals();
	demo_become(ctx, role);
	return 0;
}

/* ---- pacing ---- */

bool demo_stopping(const struct demo_ctx *ctx)
{
	return __atomic_load_n(&ctx->sh->stop, __ATOMIC_ACQUIRE) != 0;
}

long demo_step_ms(const struct demo_ctx *ctx)
{
	return (long)(__atomic_load_n(&ctx->sh->step_ns, __ATOMIC_ACQUIRE) / 1000000);
}

bool demo_step_scaled(struct demo_ctx *ctx, double factor)
{
	struct demo_shared *sh = ctx->sh;
	struct ctl_view v;
	int64_t start;

	ctl_read(sh, &v);
	start = v.vnow;
	for (;;) {
		int64_t deadline;

		if (v.stop)
			return false;
		deadline = start + (int64_t)((double)v.step_ns * factor + 0.5);
		/* Due: the deadline has come, and (when paused) time did move since we started. */
		if (v.vnow >= deadline && (!v.paused || v.vnow > start))
			return true;
		/* Sleep until the deadline (running) or any control change (paused). */
		futex_wait(&sh->ctl_gen, v.gen, v.paused ? 1000000000 : deadline - v.vnow);
		ctl_read(sh, &v);
	}
}

bool demo_step(struct demo_ctx *ctx)
{
	return demo_step_scaled(ctx, 1.0);
}

bool demo_steps(struct demo_ctx *ctx, int n)
{
	for (int i = 0; i < n; i++)
		if (!demo_step(ctx))
			return false;
	return true;
}

void demo_board_set(struct demo_ctx *ctx, int idx, uint32_t value)
{
	__atomic_store_n(&ctx->sh->board[idx], value, __ATOMIC_RELEASE);
	futex_wake(&ctx->sh->board[idx]);
}

uint32_t demo_board_get(struct demo_ctx *ctx, int idx)
{
	return __atomic_load_n(&ctx->sh->board[idx], __ATOMIC_ACQUIRE);
}

bool demo_board_wait(struct demo_ctx *ctx, int idx, uint32_t value)
{
	for (;;) {
		uint32_t v = __atomic_load_n(&ctx->sh->board[idx], __ATOMIC_ACQUIRE);

		if (v >= value)
			return true;
		if (demo_stopping(ctx))
			return false;
		futex_wait(&ctx->sh->board[idx], v, 200000000);
	}
}

/* ---- records ---- */

void demo_caption(struct demo_ctx *ctx, const char *objects, const char *fmt, ...)
{
	char text[CAPTION_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	caption_ring_caption(&ctx->sh->ring, getpid(), objects, text);
}

void demo_object(struct demo_ctx *ctx, const char *id, const char *label)
{
	const char *f[2] = { id, label };

	caption_ring_push(&ctx->sh->ring, "object", f, 2);
}

void demo_ready(struct demo_ctx *ctx)
{
	caption_ring_push(&ctx->sh->ring, "ready", NULL, 0);
}

int demo_fail(struct demo_ctx *ctx, const char *fmt, ...)
{
	char text[CAPTION_LINE_MAX];
	const char *f[1] = { text };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	caption_ring_push(&ctx->sh->ring, "error", f, 1);
	return 1;
}

const char *demo_fd_id(int fd, const char *kind, char *buf, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		snprintf(buf, len, "%s:?", kind);
	else
		snprintf(buf, len, "%s:%llu", kind, (unsigned long long)st.st_ino);
	return buf;
}

/* ---- objects ---- */

const char *demo_path(const struct demo_ctx *ctx, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ctx->dir, name);
	return buf;
}

/* The ftok() file: created once (O_EXCL, then written down), empty, inside the private
 * directory, which is the user's alone: an existing one is the demo's own. */
static int key_for(struct demo_ctx *ctx, int proj, key_t *key)
{
	char path[PATH_MAX];
	int fd;

	demo_path(ctx, "ftok", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		close(fd);
		demo_registry_note_file(ctx->dir, "ftok");
	} else if (errno != EEXIST) {
		return -errno;
	}
	*key = ftok(path, proj);
	return *key == (key_t)-1 ? -errno : 0;
}

/* kind: REG_MSG/REG_SHM/REG_SEM; arg: size or nsems. */
static int sysv_create(struct demo_ctx *ctx, enum reg_sysv_kind kind, int proj, size_t arg,
		       key_t *key_out)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		int p = ((proj + attempt * 17) & 0xff) ? (proj + attempt * 17) & 0xff : 1;
		key_t key;
		int id, rc = key_for(ctx, p, &key);

		if (rc < 0)
			return rc;
		if (kind == REG_MSG)
			id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
		else if (kind == REG_SHM)
			id = shmget(key, arg, IPC_CREAT | IPC_EXCL | 0600);
		else
			id = semget(key, (int)arg, IPC_CREAT | IPC_EXCL | 0600);
		if (id >= 0) {
			/* ours for sure (IPC_EXCL): now its identity is written down */
			demo_registry_note_sysv(ctx->dir, kind, id);
			*key_out = key;
			return id;
		}
		rc = -errno;
		if (rc != -EEXIST)
			return rc;
	}
	return -EEXIST;
}

int demo_msgget(struct demo_ctx *ctx, int proj, key_t *key)
{
	return sysv_create(ctx, REG_MSG, proj, 0, key);
}

int demo_shmget(struct demo_ctx *ctx, int proj, size_t size, key_t *key)
{
	return sysv_create(ctx, REG_SHM, proj, size, key);
}

int demo_semget(struct demo_ctx *ctx, int proj, int nsems, key_t *key)
{
	return sysv_create(ctx, REG_SEM, proj, (size_t)nsems, key);
}

const char *demo_posix_name(struct demo_ctx *ctx, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "/" DEMO_POSIX_PREFIX "%d-%s", (int)ctx->root, suffix);
	return buf;
}

void demo_posix_created(struct demo_ctx *ctx, enum reg_posix_kind kind, const char *name)
{
	demo_registry_note_posix(ctx->dir, kind, name);
}

void demo_sysv_changed(struct demo_ctx *ctx, enum reg_sysv_kind kind, int id)
{
	demo_registry_note_sysv(ctx->dir, kind, id);
}

void demo_file_created(struct demo_ctx *ctx, const char *name)
{
	demo_registry_note_file(ctx->dir, name);
}
