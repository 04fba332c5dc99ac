/*
 * demo_msgqueue.c - a System V message queue: typed messages, receivers choosing by type, a
 * full queue blocking its sender, and a queue that outlives every process that used it.
 *
 * msg-owner makes the queue from an ftok() key and shrinks msg_qbytes to 256 bytes (four
 * 64-byte messages). msg-sender sends types 1, 2, 3, 3, ... one per step; msg-recv-type1 and
 * msg-recv-type2 each msgrcv() only their type, so type 3 piles up until the queue is full
 * and msgsnd() blocks - even for a type-1 message its receiver is waiting for. msg-owner
 * then starts msg-drainer, which shows every way msgrcv() chooses (type 0, MSG_EXCEPT,
 * MSG_NOERROR, a negative type) and stops at ENOMSG (IPC_NOWAIT).
 * The sender tells the receivers to quit, sends two last type-3 messages and exits. With no
 * process left using it, the queue still holds them, until msg-owner's IPC_RMID. Repeats
 * with a new queue. Processes: msg-owner (top), msg-sender, msg-recv-type1, msg-recv-type2,
 * msg-drainer.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define MSG_TEXT 64
#define QBYTES 256
#define BOARD_DRAINED 0		/* board: rounds whose drainer has finished */

struct msg {
	long mtype;
	char mtext[MSG_TEXT];
};

static int queue_state(int id, long *msgs, long *bytes, long *max)
{
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	*msgs = (long)ds.msg_qnum;
	*bytes = (long)ds.__msg_cbytes;
	*max = (long)ds.msg_qbytes;
	return 0;
}

static void receiver(struct demo_ctx *ctx, int id, const char *qid, long type)
{
	char objs[64];
	struct msg m;

	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	demo_caption(ctx, objs, "msg-recv-type%ld calls msgrcv(%s, type %ld): it takes only "
		     "messages of type %ld, and sleeps while none is there.", type, qid, type, type);
	for (;;) {
		ssize_t n;

		while ((n = msgrcv(id, &m, sizeof(m.mtext), type, 0)) < 0 && errno == EINTR)
			;
		if (n < 0)
			_exit(demo_fail(ctx, "msg-recv-type%ld: msgrcv: %s", type, strerror(errno)));
		m.mtext[MSG_TEXT - 1] = '\0';
		if (strcmp(m.mtext, "quit") == 0) {
			demo_caption(ctx, objs, "msg-recv-type%ld received \"quit\" (type %ld) and "
				     "exits.", type, type);
			_exit(0);
		}
		demo_caption(ctx, objs, "msg-recv-type%ld: msgrcv() returned \"%s\", the first "
			     "message of type %ld, skipping older messages of other types.", type,
			     m.mtext, type);
		if (!demo_step_scaled(ctx, 0.5))
			_exit(0);
	}
}

static bool send_one(struct demo_ctx *ctx, int id, const char *qid, const char *objs,
		     long type, const char *text)
{
	struct msg m;
	long msgs = 0, bytes = 0, max = 0;

	memset(&m, 0, sizeof(m));
	m.mtype = type;
	snprintf(m.mtext, sizeof(m.mtext), "%s", text);
	if (queue_state(id, &msgs, &bytes, &max) == 0 && bytes + MSG_TEXT > max)
		demo_caption(ctx, objs, "msgsnd(%s, type %ld): the queue holds %ld of its %ld bytes, "
			     "so the kernel puts msg-sender to sleep until a receiver makes room "
			     "- even though msg-recv-type1 is waiting: a full queue blocks every "
			     "type.", qid, type, bytes, max);
	while (msgsnd(id, &m, sizeof(m.mtext), 0) < 0) {
		if (errno != EINTR) {
			demo_fail(ctx, "msg-sender: msgsnd: %s", strerror(errno));
			return false;
		}
	}
	if (queue_state(id, &msgs, &bytes, &max) == 0)
		demo_caption(ctx, objs, "msgsnd(%s, type %ld, \"%s\"): the kernel copied the message "
			     "into the queue or straight to a waiting receiver; %ld message(s), %ld "
			     "of %ld bytes now queued.%s", qid, type, text, msgs, bytes, max,
			     type == 3 ? " Nobody asks for type 3, so these pile up." : "");
	return true;
}

static void sender(struct demo_ctx *ctx, int id, const char *qid, uint32_t round)
{
	static const long types[] = { 1, 2, 3, 3, 1, 2, 3, 3, 1, 2 };
	char objs[64], text[MSG_TEXT];

	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!demo_step(ctx))
			_exit(0);
		snprintf(text, sizeof(text), "job %zu", i + 1);
		if (!send_one(ctx, id, qid, objs, types[i], text))
			_exit(1);
	}
	for (long t = 1; t <= 2; t++) {
		if (!demo_step(ctx))
			_exit(0);
		if (!send_one(ctx, id, qid, objs, t, "quit"))
			_exit(1);
	}
	if (!demo_board_wait(ctx, BOARD_DRAINED, round))
		_exit(0);
	for (int i = 1; i <= 2; i++) {
		if (!demo_step(ctx))
			_exit(0);
		snprintf(text, sizeof(text), "left behind %d", i);
		if (!send_one(ctx, id, qid, objs, 3, text))
			_exit(1);
	}
	demo_caption(ctx, objs, "msg-sender exits. Its messages stay: they belong to the queue, "
		     "not to the process.");
	_exit(0);
}

/* The drainer shows each way msgrcv() can choose, one call per step: type 0, MSG_EXCEPT,
 * MSG_NOERROR with a short buffer, then the lowest type <= 3 with IPC_NOWAIT until ENOMSG. */
static void drainer(struct demo_ctx *ctx, int id, const char *qid, uint32_t round)
{
	char objs[64];
	struct msg m;

	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	for (int call = 0;; call++) {
		long type = call == 0 ? 0 : call == 1 ? 1 : -3;
		int flags = call == 1 ? MSG_EXCEPT : call == 2 ? MSG_NOERROR : IPC_NOWAIT;
		size_t size = call == 2 ? 16 : sizeof(m.mtext);
		ssize_t n;

		if (!demo_step(ctx))
			_exit(0);
		memset(&m, 0, sizeof(m));
		while ((n = msgrcv(id, &m, size, type, flags)) < 0 && errno == EINTR)
			;
		if (n < 0 && errno == ENOMSG) {
			demo_caption(ctx, objs, "msg-drainer: msgrcv(type -3, IPC_NOWAIT) failed with "
				     "ENOMSG - nothing of type <= 3 is left, and IPC_NOWAIT means "
				     "fail instead of sleep. It exits.");
			demo_board_set(ctx, BOARD_DRAINED, round);
			_exit(0);
		}
		if (n < 0)
			_exit(demo_fail(ctx, "msg-drainer: msgrcv: %s", strerror(errno)));
		m.mtext[n < MSG_TEXT ? n : MSG_TEXT - 1] = '\0';
		if (call == 0)
			demo_caption(ctx, objs, "msg-drainer: msgrcv(%s, type 0) returned \"%s\" "
				     "(type %ld): type 0 takes the oldest message, whatever its "
				     "type. Room is made, so msg-sender can go on.", qid, m.mtext,
				     m.mtype);
		else if (call == 1)
			demo_caption(ctx, objs, "msg-drainer: msgrcv(%s, type 1, MSG_EXCEPT) returned "
				     "\"%s\" (type %ld): the oldest message of any type but 1.", qid,
				     m.mtext, m.mtype);
		else if (call == 2)
			demo_caption(ctx, objs, "msg-drainer: msgrcv(%s, 16 bytes, MSG_NOERROR) "
				     "returned %zd bytes, \"%s\": the 64-byte message was cut to fit "
				     "instead of failing with E2BIG.", qid, n, m.mtext);
		else
			demo_caption(ctx, objs, "msg-drainer: msgrcv(%s, type -3) returned \"%s\" "
				     "(type %ld): a negative type takes the lowest type up to 3 "
				     "first, so messages need not leave in arrival order.", qid,
				     m.mtext, m.mtype);
	}
}

static bool round_(struct demo_ctx *ctx, uint32_t round, bool *first)
{
	struct msqid_ds ds;
	char qid[32], objs[64], why[64];
	key_t key;
	pid_t kids[4] = { 0 };	/* sender, recv1, recv2, drainer */
	int id, alive, full_steps = 0;
	long msgs = 0, bytes = 0, max = 0;

	id = demo_msgget(ctx, 'q', &key);
	if (id < 0) {
		demo_fail(ctx, "msgget: %s", strerror(-id));
		return false;
	}
	snprintf(qid, sizeof(qid), "msg:%d", id);
	demo_object(ctx, qid, "System V message queue");
	snprintf(objs, sizeof(objs), "%s,pid:%d", qid, (int)getpid());
	demo_caption(ctx, objs, "msgget(key 0x%08x, IPC_CREAT) created %s; the key came from "
		     "ftok() on a file, so unrelated processes can find the same queue.",
		     (unsigned)key, qid);
	if (msgctl(id, IPC_STAT, &ds) == 0) {
		ds.msg_qbytes = QBYTES;
		if (msgctl(id, IPC_SET, &ds) < 0) {
			demo_fail(ctx, "msgctl IPC_SET: %s", strerror(errno));
			return false;
		}
		demo_sysv_changed(ctx, REG_MSG, id);
	}
	demo_caption(ctx, objs, "msgctl(IPC_SET) limits %s to msg_qbytes = %d bytes: four "
		     "64-byte messages fill it.", qid, QBYTES);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	for (int i = 1; i <= 2; i++) {
		pid_t p = demo_fork(ctx, i == 1 ? "msg-recv-type1" : "msg-recv-type2", 0);

		if (p < 0) {
			demo_fail(ctx, "fork: %s", strerror(errno));
			return false;
		}
		if (p == 0)
			receiver(ctx, id, qid, i);
		kids[i] = p;
	}
	if (!demo_step(ctx))
		return false;
	kids[0] = demo_fork(ctx, "msg-sender", 0);
	if (kids[0] < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (kids[0] == 0)
		sender(ctx, id, qid, round);
	do {
		if (!demo_step(ctx))
			return false;
		if (!kids[3] && queue_state(id, &msgs, &bytes, &max) == 0 &&
		    bytes + MSG_TEXT > max && ++full_steps >= 2) {
			kids[3] = demo_fork(ctx, "msg-drainer", 0);
			if (kids[3] < 0) {
				demo_fail(ctx, "fork: %s", strerror(errno));
				return false;
			}
			if (kids[3] == 0)
				drainer(ctx, id, qid, round);
			demo_caption(ctx, objs, "msg-owner starts msg-drainer (PID %d) to empty the "
				     "full queue.", (int)kids[3]);
		}
		alive = 0;
		for (int i = 0; i < 4; i++) {
			int st;

			if (kids[i] > 0 && demo_wait(kids[i], &st, WNOHANG) == kids[i]) {
				demo_caption(ctx, objs, "waitpid(): PID %d %s.", (int)kids[i],
					     demo_describe_status(st, why, sizeof(why)));
				kids[i] = -1;
			}
			alive += kids[i] > 0;
		}
	} while (alive > 0);
	if (msgctl(id, IPC_STAT, &ds) == 0)
		demo_caption(ctx, objs, "Every process that used %s has exited, yet the queue and "
			     "its %ld message(s) (%ld bytes) are still in the kernel, and IPC_STAT "
			     "still names the last sender (PID %d) and receiver (PID %d): a System V "
			     "queue lives until IPC_RMID (or ipcrm) or a reboot.", qid,
			     (long)ds.msg_qnum, (long)ds.__msg_cbytes, (int)ds.msg_lspid,
			     (int)ds.msg_lrpid);
	if (!demo_steps(ctx, 3))
		return false;
	if (msgctl(id, IPC_RMID, NULL) < 0) {
		demo_fail(ctx, "msgctl IPC_RMID: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "msgctl(%s, IPC_RMID): the kernel frees the queue and the "
		     "messages in it at once.", qid);
	return demo_step(ctx);
}

int demo_msgqueue_run(struct demo_ctx *ctx)
{
	bool first = true;

	demo_become(ctx, "msg-owner");
	for (uint32_t round = 1;; round++)
		if (!round_(ctx, round, &first))
			return demo_stopping(ctx) ? 0 : 1;
}
