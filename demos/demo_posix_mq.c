/*
 * demo_posix_mq.c - a POSIX message queue: priorities instead of types, and a full queue.
 *
 * pmq-sender creates /ipctop-demo-ROOT-jobs (at most 8 messages of 64 bytes). Each round it
 * sends five messages with priorities 3, 9, 1, 7, 5 while pmq-receiver waits; the receiver
 * then gets them highest priority first. Next the sender sends nine messages: the ninth finds
 * the queue full and mq_send() sleeps until the receiver, a few steps later, drains it.
 * Processes: pmq-sender (top), pmq-receiver (opens the queue by name).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define MAXMSG 8
#define MSGSIZE 64
#define BOARD_SENT 0		/* board: phases the sender finished */
#define BOARD_RECEIVED 1	/* board: phases the receiver finished */

static const unsigned burst_prio[] = { 3, 9, 1, 7, 5 };
#define BURST (sizeof(burst_prio) / sizeof(burst_prio[0]))

static long curmsgs(mqd_t q)
{
	struct mq_attr a;

	return mq_getattr(q, &a) == 0 ? a.mq_curmsgs : -1;
}

static bool receive_n(struct demo_ctx *ctx, mqd_t q, const char *qid, const char *objs, int n,
		      bool explain)
{
	char buf[MSGSIZE + 1];

	for (int i = 0; i < n; i++) {
		unsigned prio = 0;
		ssize_t got;

		if (!demo_step(ctx))
			return false;
		while ((got = mq_receive(q, buf, MSGSIZE, &prio)) < 0 && errno == EINTR)
			;
		if (got < 0) {
			demo_fail(ctx, "pmq-receiver: mq_receive: %s", strerror(errno));
			return false;
		}
		buf[got] = '\0';
		demo_caption(ctx, objs, "pmq-receiver: mq_receive(%s) returned \"%s\" with priority "
			     "%u; %ld message(s) left.%s", qid, buf, prio, curmsgs(q),
			     explain && i == 0 ? " The highest priority comes out first, whatever "
			     "the order of sending; equal priorities leave in FIFO order." : "");
	}
	return true;
}

static void receiver(struct demo_ctx *ctx, const char *name, const char *qid)
{
	char objs[160];
	mqd_t q;

	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	q = mq_open(name, O_RDONLY | O_CLOEXEC);
	if (q == (mqd_t)-1)
		_exit(demo_fail(ctx, "pmq-receiver: mq_open %s: %s", name, strerror(errno)));
	demo_caption(ctx, objs, "pmq-receiver closed the descriptor it inherited and opened the "
		     "queue again by its name, \"%s\", as an unrelated process would.", name);
	for (uint32_t round = 1;; round++) {
		if (!demo_board_wait(ctx, BOARD_SENT, 2 * round - 1) ||
		    !receive_n(ctx, q, qid, objs, (int)BURST, true))
			_exit(0);
		demo_board_set(ctx, BOARD_RECEIVED, 2 * round - 1);
		if (!demo_board_wait(ctx, BOARD_SENT, 2 * round) || !demo_steps(ctx, 3) ||
		    !receive_n(ctx, q, qid, objs, MAXMSG + 1, false))
			_exit(0);
		demo_board_set(ctx, BOARD_RECEIVED, 2 * round);
	}
}

static bool send_one(struct demo_ctx *ctx, mqd_t q, const char *qid, const char *objs,
		     unsigned prio, const char *text)
{
	long n = curmsgs(q);

	if (n >= MAXMSG)
		demo_caption(ctx, objs, "mq_send(%s): the queue already holds its maximum of %d "
			     "messages, so the kernel puts pmq-sender to sleep until a message is "
			     "received.", qid, MAXMSG);
	while (mq_send(q, text, strlen(text), prio) < 0) {
		if (errno != EINTR) {
			demo_fail(ctx, "pmq-sender: mq_send: %s", strerror(errno));
			return false;
		}
	}
	demo_caption(ctx, objs, "mq_send(%s, \"%s\", priority %u): %ld message(s) queued.", qid,
		     text, prio, curmsgs(q));
	return true;
}

int demo_posix_mq_run(struct demo_ctx *ctx)
{
	struct mq_attr attr = { .mq_maxmsg = MAXMSG, .mq_msgsize = MSGSIZE };
	char name[96], qid[112], objs[160], text[MSGSIZE];
	pid_t child;
	mqd_t q;

	demo_become(ctx, "pmq-sender");
	demo_posix_name(ctx, "jobs", name, sizeof(name));
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (q == (mqd_t)-1)
		return demo_fail(ctx, "mq_open %s: %s", name, strerror(errno));
	demo_posix_created(ctx, REG_PMQ, name);
	snprintf(qid, sizeof(qid), "pmq:%s", name + 1);
	demo_object(ctx, qid, "POSIX message queue");
	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	demo_caption(ctx, objs, "mq_open(\"%s\", O_CREAT) created a POSIX queue for at most %d "
		     "messages of %d bytes; it appears as a file in /dev/mqueue.", name, MAXMSG,
		     MSGSIZE);
	demo_ready(ctx);
	if (!demo_step(ctx))
		return 0;
	child = demo_fork(ctx, "pmq-receiver", 0);
	if (child < 0)
		return demo_fail(ctx, "fork: %s", strerror(errno));
	if (child == 0) {
		mq_close(q);
		receiver(ctx, name, qid);
		_exit(0);
	}
	for (uint32_t round = 1;; round++) {
		for (size_t i = 0; i < BURST; i++) {
			if (!demo_step(ctx))
				return 0;
			snprintf(text, sizeof(text), "job %zu", i + 1);
			if (!send_one(ctx, q, qid, objs, burst_prio[i], text))
				return 1;
		}
		demo_board_set(ctx, BOARD_SENT, 2 * round - 1);
		if (!demo_board_wait(ctx, BOARD_RECEIVED, 2 * round - 1))
			return 0;
		for (int i = 0; i <= MAXMSG; i++) {
			if (i == MAXMSG)
				demo_board_set(ctx, BOARD_SENT, 2 * round);
			if (!demo_step_scaled(ctx, 0.5))
				return 0;
			snprintf(text, sizeof(text), "bulk %d", i + 1);
			if (!send_one(ctx, q, qid, objs, 0, text))
				return 1;
		}
		if (!demo_board_wait(ctx, BOARD_RECEIVED, 2 * round) || !demo_step(ctx))
			return 0;
	}
}
