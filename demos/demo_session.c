/*
 * demo_session.c - starting, reading, steering and stopping a demo from the dashboard (see
 * demo_session.h). The demo is a separate process (its own conductor), so the dashboard
 * never runs IPC on the scenario's behalf and a crash on either side leaves the other whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_session.h"

int demo_session_start(struct demo_session *s, const char *exe, const char *name, double speed)
{
	int out[2], ctl[2];
	char sp[32];
	pid_t pid;

	memset(s, 0, sizeof(*s));
	s->out_fd = s->ctl_fd = -1;
	s->status = -1;
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ctl, O_CLOEXEC) < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		return -e;
	}
	if (speed > 0)
		snprintf(sp, sizeof(sp), "%g", speed);
	else
		snprintf(sp, sizeof(sp), "full");
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		close(ctl[0]);
		close(ctl[1]);
		return -e;
	}
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_WRONLY);

		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(ctl[0], STDIN_FILENO);	/* dup2 clears close-on-exec on the copy */
		dup2(out[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execl(exe ? exe : "/proc/self/exe", "ipctop", "demo", "run", name, "--speed", sp, "--control", "0",
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(ctl[0]);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	s->pid = pid;
	s->out_fd = out[0];
	s->ctl_fd = ctl[1];
	return 0;
}

static void deliver(struct demo_session *s, char *line, demo_record_fn fn, void *arg)
{
	struct caption_rec rec;

	if (!caption_parse(line, &rec))
		return;
	if (rec.kind == CAPTION_READY)
		s->root = rec.pid;
	if (fn)
		fn(arg, &rec);
}

int demo_session_read(struct demo_session *s, demo_record_fn fn, void *arg)
{
	if (s->out_fd < 0 || s->ended)
		return -EPIPE;
	for (;;) {
		ssize_t n = read(s->out_fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
		char *start, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			s->ended = true;
			return -EPIPE;
		}
		s->len += (size_t)n;
		s->buf[s->len] = '\0';
		start = s->buf;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			deliver(s, start, fn, arg);
			start = nl + 1;
		}
		s->len -= (size_t)(start - s->buf);
		memmove(s->buf, start, s->len);
		if (s->len == sizeof(s->buf) - 1)
			s->len = 0;	/* a line longer than any record: drop it */
	}
}

int demo_session_send(struct demo_session *s, char cmd)
{
	sigset_t pipe_set, old;
	ssize_t n;
	int rc = 0;

	if (s->ctl_fd < 0)
		return -EPIPE;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	while ((n = write(s->ctl_fd, &cmd, 1)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		struct timespec zero = { 0, 0 };

		rc = -errno;
		if (rc == -EPIPE)
			sigtimedwait(&pipe_set, NULL, &zero);	/* consume the SIGPIPE we caused */
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* waitpid with a deadline (milliseconds); true once reaped. */
static bool reap_within(struct demo_session *s, int ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0;; waited += 10) {
		int st;
		pid_t rc = waitpid(s->pid, &st, WNOHANG);

		if (rc == s->pid || (rc < 0 && errno == ECHILD)) {
			s->status = rc == s->pid ? st : -1;
			s->pid = 0;
			return true;
		}
		if (waited >= ms)
			return false;
		nanosleep(&tick, NULL);
	}
}

int demo_session_stop(struct demo_session *s, int timeout_ms)
{
	if (s->pid > 0) {
		demo_session_send(s, 'q');
		/* Nobody reads the stream from now on: a conductor blocked writing it gets EPIPE
		 * instead, and cleans up just the same. */
		if (s->out_fd >= 0)
			close(s->out_fd);
		s->out_fd = -1;
		if (!reap_within(s, timeout_ms)) {
			kill(s->pid, SIGTERM);
			if (!reap_within(s, timeout_ms)) {
				kill(s->pid, SIGKILL);
				reap_within(s, 1000);
			}
		}
	}
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->ctl_fd >= 0)
		close(s->ctl_fd);
	s->out_fd = s->ctl_fd = -1;
	s->ended = true;
	return s->status;
}
