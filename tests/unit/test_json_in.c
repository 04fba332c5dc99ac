/*
 * test_json_in.c - the JSON importer: a live snapshot (with its delta) printed, imported and
 * printed again gives the same bytes; malformed and hostile input is refused or read as
 * unknown, never a crash.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "src/json_in.h"
#include "src/json_out.h"
#include "src/sampler.h"
#include "tests/unit/testmain.h"

static char *print(const struct snapshot *s, const struct snapshot_delta *d, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(json_out_write(m, s, d), 0);
	fclose(m);
	return text;
}

static void roundtrip(const struct snapshot *s, const struct snapshot_delta *d)
{
	size_t len, len2;
	char *text = print(s, d, &len), *again, err[256] = "";
	struct snapshot_delta *d2 = NULL;
	struct snapshot *s2 = json_in_snapshot(text, len - 1, &d2, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_TRUE(s2->sealed);
	CU_ASSERT_EQUAL(d2 == NULL, d == NULL);
	again = print(s2, d2, &len2);
	CU_ASSERT_EQUAL(len, len2);
	CU_ASSERT_TRUE(len == len2 && memcmp(text, again, len) == 0);
	if (len != len2 || memcmp(text, again, len) != 0) {
		size_t i = 0;

		while (i < len && i < len2 && text[i] == again[i])
			i++;
		fprintf(stderr, "differs at %zu:\n  %.200s\n  %.200s\n", i, text + (i > 80 ? i - 80 : 0),
			again + (i > 80 ? i - 80 : 0));
	}
	free(text);
	free(again);
	snapshot_delta_free(d2);
	snapshot_unref(s2);
}

/* Two live snapshots of this machine, with a queue holding known bytes: the first without a
 * delta, the second with one. */
static void test_roundtrip_live(void)
{
	struct collect_opts co = { .sysroot = "/", .self = 0, .trace_signals = false };
	struct { long type; char text[32]; } msg = { 1, "0123456789" };
	int err = 0, q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct sampler *sm = sampler_new(&co, &err);
	struct snapshot *a = NULL, *b = NULL;
	struct snapshot_delta *d;

	CU_ASSERT_FATAL(q >= 0 && sm != NULL);
	CU_ASSERT_EQUAL(msgsnd(q, &msg, 10, 0), 0);
	CU_ASSERT_EQUAL(sampler_take(sm, &a), 0);
	CU_ASSERT_EQUAL(msgsnd(q, &msg, 7, 0), 0);
	CU_ASSERT_EQUAL(sampler_take(sm, &b), 0);
	msgctl(q, IPC_RMID, NULL);
	d = snapshot_diff(a, b);
	roundtrip(a, NULL);
	roundtrip(b, d);
	{
		size_t len;
		char *text = print(b, d, &len), e[128];
		struct snapshot_delta *d2;
		struct snapshot *s2 = json_in_snapshot(text, len - 1, &d2, e, sizeof(e));
		const struct msgq_rec *r = s2 ? snapshot_find_msgq(s2, q) : NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->bytes, 17);
		CU_ASSERT_EQUAL(r->messages, 2);
		CU_ASSERT_PTR_NOT_NULL(snapshot_find_proc(s2, getpid()));
		free(text);
		snapshot_delta_free(d2);
		snapshot_unref(s2);
	}
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
	sampler_free(sm);
}

static void refused(const char *text, const char *why)
{
	char err[256] = "";
	struct snapshot_delta *d = (void *)1;
	struct snapshot *s = json_in_snapshot(text, strlen(text), &d, err, sizeof(err));

	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
	snapshot_unref(s);
}

static void test_refused(void)
{
	refused("", "not JSON");
	refused("{", "not JSON");
	refused("[1,2]", "not an ipctop snapshot");
	refused("{\"time\":1}", "not an ipctop snapshot");
	refused("{\"schema\":1}", "not an ipctop snapshot");
	refused("{\"schema\":\"1\",\"time\":1}", "not an ipctop snapshot");
	refused("{\"schema\":2,\"time\":1}", "newer");
	refused("{\"schema\":1,\"time\":1} x", "not JSON");
	refused("\"just a string\"", "not an ipctop snapshot");
}

/* Wrong types, unknown keys and kinds, hostile strings: read as unknown, never a crash. */
static void test_wrong_types(void)
{
	static const char text[] =
		"{\"schema\":1,\"time\":5.5,\"future_key\":{\"x\":[1,2]},\"sources\":[1],"
		"\"errors\":[1,{\"where\":\"w\"},{\"where\":\"pid 1\",\"error\":\"EACCES\"}],"
		"\"processes\":[1,\"x\",null,{\"pid\":\"a\",\"comm\":5,\"signals\":[],"
		"\"waiting\":{\"kind\":\"bogus\"},\"threads\":-4,\"uid\":-7},"
		"{\"pid\":42,\"comm\":\"a\\u0000b\\n\\u001b[2J\",\"state\":\"SS\",\"signals\":"
		"{\"pending\":[\"SIGBOGUS\",7,\"SIGINT\"]},\"new\":true}],"
		"\"pipes\":{},\"unix_sockets\":[{\"holders\":[{\"pid\":1},{\"pid\":2,\"fd\":-1},"
		"{\"pid\":3,\"fd\":4}],\"type\":\"raw\",\"pending_inodes\":[\"x\",5]}],"
		"\"sem_sets\":[{\"sysv_id\":3,\"nsems\":3,\"values\":[1],\"wait_zero\":\"x\"},"
		"{\"sysv_id\":4,\"nsems\":99999999}],"
		"\"shm_segments\":[{\"sysv_id\":1,\"attached_pids\":[0,-1,\"x\",5]}],"
		"\"misc_fds\":[{\"kind\":\"timerfd\"}],\"signal_events\":[{\"signal\":\"SIGNOPE\"},"
		"{\"signal\":\"SIGUSR1\",\"result\":\"weird\"}],\"deadlocks\":[{\"objects\":[1,\"pipe:1\"]}],"
		"\"events\":[{\"kind\":\"nope\"},{\"kind\":\"process_started\",\"pid\":42}],"
		"\"interval\":1.0}";
	char err[256] = "";
	struct snapshot_delta *d = NULL;
	struct snapshot *s = json_in_snapshot(text, strlen(text), &d, err, sizeof(err));
	const struct proc_rec *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_DOUBLE_EQUAL(s->time, 5.5, 1e-9);
	CU_ASSERT_EQUAL(s->n_errors, 1);
	CU_ASSERT_EQUAL(s->n_procs, 2);
	p = snapshot_find_proc(s, 42);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "a");	/* up to the NUL */
	CU_ASSERT_EQUAL(p->state, '?');
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_EQUAL(p->sig[SIGSET_PENDING], 1ULL << 1);
	p = snapshot_find_proc(s, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "?");
	CU_ASSERT_EQUAL(p->uid, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_OTHER);
	CU_ASSERT_EQUAL(s->n_pipes, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_usocks, 1);
	CU_ASSERT_EQUAL(s->usocks[0].n_holders, 1);
	CU_ASSERT_EQUAL(s->usocks[0].n_icons, 1);
	CU_ASSERT_EQUAL(s->usocks[0].type, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_sems, 2);
	CU_ASSERT_EQUAL(s->sems[0].values[0], 1);
	CU_ASSERT_EQUAL(s->sems[0].values[2], SNAP_UNKNOWN);
	CU_ASSERT_PTR_NULL(s->sems[0].wait_zero);
	CU_ASSERT_EQUAL(s->sems[1].nsems, -1);
	CU_ASSERT_EQUAL(s->shms[0].n_attached, 1);
	CU_ASSERT_EQUAL(s->n_miscfds, 0);
	CU_ASSERT_EQUAL(s->n_sigevents, 1);
	CU_ASSERT_EQUAL(s->sigevents[0].result, SIGRES_UNKNOWN);
	CU_ASSERT_EQUAL(s->deadlocks[0].n_objects, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->n_events, 1);
	snapshot_delta_free(d);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("json_in", NULL, NULL,
		   "live snapshot round trip", test_roundtrip_live,
		   "refused text", test_refused,
		   "wrong types and unknown keys", test_wrong_types);
}
