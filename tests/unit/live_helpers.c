/*
 * live_helpers.c - children, cleanup and deadline waits for the live tests (see the header).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes/collect.h"
#include "tests/unit/live_helpers.h"

#define MAX_TRACKED 64

static volatile pid_t pids[MAX_TRACKED];
static volatile int sems[MAX_TRACKED];
static char paths[8][4096];
static volatile bool path_is_dir[8];
static volatile int n_paths;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void remove_all(void)
{
	for (int i = 0; i < MAX_TRACKED; i++) {
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
		if (sems[i] >= 0)
			semctl(sems[i], 0, IPC_RMID);
	}
	for (int i = n_paths - 1; i >= 0; i--) {
		if (path_is_dir[i])
			rmdir(paths[i]);
		else
			unlink(paths[i]);
	}
}

static void on_signal(int sig)
{
	remove_all();
	collector_cleanup_signal_safe();
	_exit(128 + sig);
}

void live_init(void)
{
	struct sigaction sa;

	for (int i = 0; i < MAX_TRACKED; i++) {
		pids[i] = 0;
		sems[i] = -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

void live_cleanup(void)
{
	remove_all();
	for (int i = 0; i < MAX_TRACKED; i++) {
		if (pids[i] > 0) {
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
		sems[i] = -1;
	}
	n_paths = 0;
}

void live_track(pid_t pid)
{
	for (int i = 0; i < MAX_TRACKED; i++)
		if (pids[i] == 0) {
			pids[i] = pid;
			return;
		}
	fprintf(stderr, "live_helpers: too many children\n");
	abort();
}

static void forget(pid_t pid)
{
	for (int i = 0; i < MAX_TRACKED; i++)
		if (pids[i] == pid)
			pids[i] = 0;
}

pid_t live_spawn(void (*fn)(void *arg), void *arg)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		fn(arg);
		_exit(0);
	}
	live_track(pid);
	return pid;
}

int live_reap(pid_t pid, double timeout)
{
	double end = now() + timeout;
	int status;

	if (pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			forget(pid);
			return status;
		}
		if (r < 0 || now() > end)
			return -1;
		poll(NULL, 0, 10);
	}
}

void live_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	if (live_reap(pid, 10.0) < 0)
		fprintf(stderr, "live_helpers: pid %d not reaped\n", (int)pid);
}

void live_track_sem(int id)
{
	for (int i = 0; i < MAX_TRACKED; i++)
		if (sems[i] < 0) {
			sems[i] = id;
			return;
		}
	abort();
}

void live_remove_sem(int id)
{
	semctl(id, 0, IPC_RMID);
	for (int i = 0; i < MAX_TRACKED; i++)
		if (sems[i] == id)
			sems[i] = -1;
}

void live_track_path(const char *path, bool is_dir)
{
	if (n_paths >= 8)
		abort();
	snprintf(paths[n_paths], sizeof(paths[0]), "%s", path);
	path_is_dir[n_paths] = is_dir;
	n_paths++;
}

bool live_read_all(int fd, void *buf, size_t n, double timeout)
{
	double end = now() + timeout;
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = (int)((end - now()) * 1000);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		r = read(fd, (char *)buf + got, n - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

int live_read_byte(int fd, double timeout)
{
	unsigned char c;

	return live_read_all(fd, &c, 1, timeout) ? c : -1;
}

void live_write_byte(int fd, char c)
{
	while (write(fd, &c, 1) < 0 && errno == EINTR)
		;
}

bool live_wait(struct sampler *sm, bool (*pred)(const struct snapshot *s, void *arg),
	       void (*each)(const struct snapshot *s, void *arg), void *arg, double timeout,
	       struct snapshot **out)
{
	double end = now() + timeout;
	struct snapshot *s = NULL;
	bool ok = false;

	for (;;) {
		snapshot_unref(s);
		s = NULL;
		if (sampler_take(sm, &s) < 0) {
			fprintf(stderr, "live_wait: sampler_take failed\n");
			break;
		}
		if (each)
			each(s, arg);
		if (pred(s, arg)) {
			ok = true;
			break;
		}
		if (now() > end)
			break;
		poll(NULL, 0, 20);
	}
	if (out)
		*out = s;
	else
		snapshot_unref(s);
	return ok;
}
