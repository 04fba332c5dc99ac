/*
 * test_openmetrics_out.c - the metrics text (src/openmetrics_out.c) on hand-built, sealed
 * snapshots: label values are valid UTF-8 without control characters and decode back to the
 * original bytes (every byte value, hostile names); the text's shape (HELP/TYPE once per
 * family, each sample under its family, `# EOF` last, no timestamps); unknown values have no
 * sample; the bounds (at most OPENMETRICS_TOP objects per kind, the fullest, whatever the
 * snapshot holds; the rest counted); stall and deadlock ages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/openmetrics_out.h"
#include "tests/unit/testmain.h"

/* The text of openmetrics_out_write (caller frees). */
static char *render(const struct snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(openmetrics_out_write(f, s), 0);
	fclose(f);
	return buf;
}

static char *label_text(const char *value)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	openmetrics_out_label_value(f, value);
	fclose(f);
	return buf;
}

/* Whether s is valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		size_t n;
		unsigned long cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n;
	}
	return true;
}

/* No control character (C0 but the line ends, DEL, C1 as UTF-8). */
static bool no_controls(const unsigned char *s)
{
	for (; *s; s++) {
		if ((*s < 0x20 && *s != '\n') || *s == 0x7f)
			return false;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0)
			return false;
	}
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A quoted label value decoded as the documentation says: backslash escapes, then %XX.
 * NULL when the text breaks the rules. Caller frees. */
static char *decode_label(const char *quoted)
{
	size_t n = strlen(quoted);
	char *unq = malloc(n + 1), *out = malloc(n + 1);
	size_t u = 0, o = 0;

	if (n < 2 || quoted[0] != '"' || quoted[n - 1] != '"')
		goto bad;
	for (size_t i = 1; i < n - 1; i++) {
		char c = quoted[i];

		if (c == '"')
			goto bad;	/* unescaped quote inside */
		if (c == '\\') {
			c = quoted[++i];
			if (c == 'n')
				c = '\n';
			else if (c != '\\' && c != '"')
				goto bad;
		}
		unq[u++] = c;
	}
	for (size_t i = 0; i < u; i++) {
		if (unq[i] == '%') {
			int hi, lo;

			if (i + 2 >= u || (hi = hexval(unq[i + 1])) < 0 ||
			    (lo = hexval(unq[i + 2])) < 0)
				goto bad;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = unq[i];
		}
	}
	out[o] = '\0';
	free(unq);
	return out;
bad:
	free(unq);
	free(out);
	return NULL;
}

static void check_label_roundtrip(const char *value)
{
	char *text = label_text(value);
	char *back = decode_label(text);

	CU_ASSERT_TRUE(valid_utf8((const unsigned char *)text));
	CU_ASSERT_TRUE(no_controls((const unsigned char *)text));
	CU_ASSERT_PTR_NULL(strchr(text, '\n'));
	CU_ASSERT_PTR_NOT_NULL(back);
	if (back)
		CU_ASSERT_STRING_EQUAL(back, value);
	free(back);
	free(text);
}

static void test_label_escaping(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "msg:5", "\"msg:5\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "50%", "\"50%25\"" },
		{ "new\nline\ttab\x1b[2J", "\"new%0Aline%09tab%1B[2J\"" },
		{ "\x7f", "\"%7F\"" },
		{ "bad\xff\xfe", "\"bad%FF%FE\"" },
		{ "\xc3\x28", "\"%C3(\"" },			/* a lead byte without its follower */
		{ "\xc0\xaf", "\"%C0%AF\"" },			/* overlong '/' */
		{ "\xed\xa0\x80", "\"%ED%A0%80\"" },		/* a surrogate */
		{ "\xf4\x90\x80\x80", "\"%F4%90%80%80\"" },	/* above U+10FFFF */
		{ "csi\xc2\x9b" "2J", "\"csi%C2%9B2J\"" },	/* C1 control U+009B */
		{ "\xc2\xa0nbsp", "\"\xc2\xa0nbsp\"" },	/* U+00A0 is printable */
		{ "\xe9\x98\x9f\xe5\x88\x97", "\"\xe9\x98\x9f\xe5\x88\x97\"" },	/* 队列 */
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
		{ "", "\"\"" },
	};
	char all[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = label_text(cases[i].in);

		CU_ASSERT_STRING_EQUAL(text, cases[i].out);
		free(text);
		check_label_roundtrip(cases[i].in);
	}
	/* every byte value, alone and all in a row */
	for (int b = 1; b < 256; b++) {
		char one[2] = { (char)b, '\0' };

		check_label_roundtrip(one);
		all[b - 1] = (char)b;
	}
	all[255] = '\0';
	check_label_roundtrip(all);
}

/* ---- snapshots ----------------------------------------------------------------------------- */

static pid_t *pid_list(struct snapshot *s, size_t n, pid_t first)
{
	pid_t *v = snapshot_alloc(s, n * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = first + (pid_t)i;
	return v;
}

/* A small snapshot with a hostile POSIX queue name, unknowns and one of each kind. */
static struct snapshot *build_small(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct msgq_rec *q;
	struct pmq_rec *pq;
	struct pipe_rec *pp;
	struct stall_rec *st;
	struct deadlock_rec *d;
	struct sem_rec *sm;
	int64_t *ninc, *nzero;

	s->time = 1000.5;
	s->duration = 0.125;
	snapshot_set_source(s, "sysv_msg", true, NULL);
	snapshot_set_source(s, "sig_trace", false, "EPERM");
	snapshot_add_error(s, "pid 9 fd", "EACCES");

	p = snapshot_add_proc(s);
	p->pid = 9;
	p->comm = snapshot_strdup(s, "evil\"\n\x1b[31m\xff");
	p->waiting.kind = WAIT_MSG_SEND;
	p->waiting.object = snapshot_strdup(s, "msg:5");
	p = snapshot_add_proc(s);
	p->pid = 10;
	p->comm = snapshot_strdup(s, "b");
	p->waiting.kind = WAIT_PIPE_READ;
	p = snapshot_add_proc(s);
	p->pid = 11;
	p->comm = snapshot_strdup(s, "c");
	p->waiting.kind = WAIT_PIPE_READ;

	q = snapshot_add_msgq(s);
	q->perm.id = 5;
	q->perm.key = 1234;
	q->bytes = 100;
	q->messages = 4;
	q->max_bytes = 100;
	q = snapshot_add_msgq(s);
	q->perm.id = 6;
	q->perm.key = -2;
	q->bytes = 7;
	q->messages = 1;		/* max_bytes stays unknown (no permission) */
	q = snapshot_add_msgq(s);
	q->perm.id = 7;			/* nothing readable */
	q->bytes = SNAP_UNKNOWN;
	q->messages = SNAP_UNKNOWN;

	pq = snapshot_add_pmq(s);
	pq->name = snapshot_strdup(s, "q\"\\\n%\xff\xc2\x9b");
	pq->bytes = 10;
	pq->messages = 10;
	pq->max_messages = 10;

	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_FIFO;
	pp->inode = 77;
	pp->queued_bytes = 65536;
	pp->capacity = 65536;
	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_ANON;
	pp->inode = 78;			/* fill unknown */

	sm = snapshot_add_sem(s);
	sm->perm.id = 3;
	sm->nsems = 2;
	ninc = snapshot_alloc(s, 2 * sizeof(*ninc));
	nzero = snapshot_alloc(s, 2 * sizeof(*nzero));
	ninc[0] = 1;
	ninc[1] = 2;
	nzero[0] = 0;
	nzero[1] = 1;
	sm->wait_increase = ninc;
	sm->wait_zero = nzero;

	st = snapshot_add_stall(s);
	st->pid = 9;
	st->object = snapshot_strdup(s, "msg:5");
	st->reason = snapshot_strdup(s, "x");
	st->since = 700.5;
	d = snapshot_add_deadlock(s);
	d->pids = pid_list(s, 2, 10);
	d->n_pids = 2;
	d->since = 1000.5;
	snapshot_seal(s);
	return s;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* The metric name of a sample line (up to '{' or ' '). */
static void sample_name(const char *line, char *name, size_t len)
{
	size_t n = strcspn(line, "{ ");

	snprintf(name, len, "%.*s", (int)n, line);
}

/* Shape: every line is a HELP, TYPE or UNIT of the current family or a sample of it; a
 * family's HELP and TYPE come once; the last line is # EOF; sample lines have two fields
 * after the labels (name{...} value: no timestamp). Returns the number of samples. */
static size_t check_shape(const char *text)
{
	char family[256] = "", seen[8192] = " ";
	size_t samples = 0;
	const char *p = text;
	bool eof = false;

	CU_ASSERT_TRUE(valid_utf8((const unsigned char *)text));
	CU_ASSERT_TRUE(no_controls((const unsigned char *)text));
	while (*p) {
		const char *nl = strchr(p, '\n');
		char line[4096];
		size_t n;

		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		n = (size_t)(nl - p);
		CU_ASSERT_FATAL(n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		CU_ASSERT_FALSE(eof);		/* nothing after # EOF */
		if (strcmp(line, "# EOF") == 0) {
			eof = true;
		} else if (strncmp(line, "# HELP ", 7) == 0) {
			char key[300];

			sample_name(line + 7, family, sizeof(family));
			snprintf(key, sizeof(key), " %s ", family);
			CU_ASSERT_PTR_NULL(strstr(seen, key));	/* each family once */
			if (strlen(seen) + strlen(key) < sizeof(seen))
				strcat(seen, key + 1);
			CU_ASSERT_EQUAL(strncmp(family, "ipctop_", 7), 0);
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			char want[300];

			snprintf(want, sizeof(want), "# TYPE %s gauge", family);
			CU_ASSERT_STRING_EQUAL(line, want);
		} else if (strncmp(line, "# UNIT ", 7) == 0) {
			char want[300];
			const char *unit = strrchr(family, '_');

			snprintf(want, sizeof(want), "# UNIT %s %s", family, unit ? unit + 1 : "");
			CU_ASSERT_STRING_EQUAL(line, want);
		} else {
			char name[256];
			const char *value = strrchr(line, ' ');
			char *end;

			sample_name(line, name, sizeof(name));
			CU_ASSERT_STRING_EQUAL(name, family);
			CU_ASSERT_PTR_NOT_NULL_FATAL(value);
			strtod(value + 1, &end);
			CU_ASSERT_TRUE(end != value + 1 && *end == '\0');
			/* the value follows the labels' closing brace (or the name) directly */
			CU_ASSERT_TRUE(value[-1] == '}' || (size_t)(value - line) == strlen(name));
			samples++;
		}
		p = nl + 1;
	}
	CU_ASSERT_TRUE(eof);
	return samples;
}

static void test_small(void)
{
	struct snapshot *s = build_small();
	char *t = render(s);

	check_shape(t);
	CU_ASSERT_TRUE(has_line(t, "ipctop_build_info{version=\"" PACKAGE_VERSION "\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_snapshot_timestamp_seconds 1000.500000"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_collect_duration_seconds 0.125000"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_source_up{source=\"sysv_msg\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_source_up{source=\"sig_trace\"} 0"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_snapshot_errors 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_processes 3"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_processes_waiting{kind=\"pipe_read\"} 2"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_processes_waiting{kind=\"msg_send\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_processes_waiting{kind=\"sem_wait\"} 0"));
	CU_ASSERT_PTR_NULL(strstr(t, "kind=\"none\""));
	CU_ASSERT_TRUE(has_line(t, "ipctop_deadlocks 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_deadlocked_processes 2"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_stalled_processes 1"));
	/* ages: since first seen; the hostile comm arrives escaped */
	CU_ASSERT_TRUE(has_line(t, "ipctop_stall_observed_seconds{pid=\"9\",comm=\"evil\\\"%0A%1B[31m%FF\","
				"object=\"msg:5\"} 300.000000"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_deadlock_observed_seconds{pids=\"10,11\"} 0.000000"));

	/* SysV queues: id and key labels as in the JSON; unknown values have no sample */
	CU_ASSERT_TRUE(has_line(t, "ipctop_msg_queue_bytes{id=\"msg:5\",key=\"1234\"} 100"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_msg_queue_messages{id=\"msg:5\",key=\"1234\"} 4"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_msg_queue_max_bytes{id=\"msg:5\",key=\"1234\"} 100"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_msg_queue_bytes{id=\"msg:6\",key=\"-2\"} 7"));
	CU_ASSERT_PTR_NULL(strstr(t, "ipctop_msg_queue_max_bytes{id=\"msg:6\""));
	CU_ASSERT_PTR_NULL(strstr(t, "{id=\"msg:7\""));
	CU_ASSERT_TRUE(has_line(t, "ipctop_sem_set_semaphores{id=\"sem:3\",key=\"0\"} 2"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_sem_set_waiting_processes{id=\"sem:3\",key=\"0\"} 4"));

	/* aggregates: full, unknown fills, queued bytes of the known ones */
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects{kind=\"msg_queues\"} 3"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects{kind=\"pipes\"} 2"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_full{kind=\"msg_queues\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_fill_unknown{kind=\"msg_queues\"} 2"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_queued_bytes{kind=\"msg_queues\"} 107"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_full{kind=\"pipes\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_fill_unknown{kind=\"pipes\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_queued_bytes{kind=\"pipes\"} 65536"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_full{kind=\"posix_mqueues\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects_not_exported{kind=\"msg_queues\"} 0"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_pipe_queued_bytes{id=\"fifo:77\"} 65536"));
	CU_ASSERT_PTR_NULL(strstr(t, "ipctop_pipe_queued_bytes{id=\"pipe:78\"}"));

	/* the hostile POSIX queue name: escaped, decodable */
	/* the id is the JSON's (src/names.c escapes the name reversibly), then label-escaped */
	CU_ASSERT_TRUE(has_line(t, "ipctop_posix_mqueue_messages{id=\"pmq:q\\\"\\\\\\\\\\\\x0a%25\\\\xff\\\\xc2\\\\x9b\"} 10"));
	/* no traffic: rates are estimates (CONTRACT.md) and are not exported */
	CU_ASSERT_PTR_NULL(strstr(t, "per_second"));
	CU_ASSERT_PTR_NULL(strstr(t, "_total"));
	free(t);
	snapshot_unref(s);
}

/* N objects of every kind with rising fill: only the OPENMETRICS_TOP fullest are exported. */
static void test_bounds(void)
{
	enum { N = 500 };
	struct snapshot *s = snapshot_new();
	char *t, want[256];
	size_t samples;

	s->time = 5000;
	for (int i = 0; i < 30; i++) {
		char name[32];

		snprintf(name, sizeof(name), "probe%d", i);
		snapshot_set_source(s, name, true, NULL);
	}
	for (int i = 0; i < N; i++) {
		char name[64];
		struct proc_rec *p = snapshot_add_proc(s);
		struct msgq_rec *q = snapshot_add_msgq(s);
		struct shm_rec *m = snapshot_add_shm(s);
		struct sem_rec *sm = snapshot_add_sem(s);
		struct pmq_rec *pq = snapshot_add_pmq(s);
		struct pshm_rec *ps = snapshot_add_pshm(s);
		struct psem_rec *pe = snapshot_add_psem(s);
		struct pipe_rec *pp = snapshot_add_pipe(s);
		struct usock_rec *u = snapshot_add_usock(s);
		struct stall_rec *st = snapshot_add_stall(s);
		struct deadlock_rec *d = snapshot_add_deadlock(s);

		p->pid = 100 + i;
		p->comm = snapshot_strdup(s, "p");
		q->perm.id = i;
		q->bytes = i;
		q->messages = 1;
		q->max_bytes = N;
		m->perm.id = i;
		m->size = 4096 * (int64_t)i;
		m->nattch = 1;
		m->rss = 4096;
		sm->perm.id = i;
		sm->nsems = 1 + i % 7;
		sm->wait_increase = snapshot_alloc(s, (size_t)sm->nsems * sizeof(int64_t));
		sm->wait_zero = snapshot_alloc(s, (size_t)sm->nsems * sizeof(int64_t));
		for (int k = 0; k < sm->nsems; k++)
			sm->wait_increase[k] = sm->wait_zero[k] = k;
		snprintf(name, sizeof(name), "obj%03d\xff", i);
		pq->name = snapshot_strdup(s, name);
		pq->bytes = 10 * (int64_t)i;
		pq->messages = i;
		pq->max_messages = N;
		ps->name = snapshot_strdup(s, name);
		ps->size = i;
		pe->name = snapshot_strdup(s, name);
		pe->value = i;
		pp->inode = (uint64_t)i + 1;
		pp->queued_bytes = i;
		pp->capacity = 65536;
		u->inode = (uint64_t)i + 1;
		u->queued_bytes = i;
		u->pending_conns = 0;
		u->backlog = 128;
		st->pid = 100 + i;
		st->since = 5000 - i;		/* the later, the longer seen */
		d->pids = pid_list(s, 2, 100 + i);
		d->n_pids = 2;
		d->since = 5000 - i;
	}
	snapshot_seal(s);
	t = render(s);
	samples = check_shape(t);
	/* every family full: the bound is reached exactly, not passed */
	CU_ASSERT_EQUAL(samples, OPENMETRICS_MAX_SERIES(30));
	if (samples != OPENMETRICS_MAX_SERIES(30))
		fprintf(stderr, "%zu samples, bound %d\n", samples, OPENMETRICS_MAX_SERIES(30));
	/* the per-object families hold OPENMETRICS_TOP samples each, the fullest */
	{
		static const char *const families[] = {
			"ipctop_msg_queue_bytes{", "ipctop_shm_segment_size_bytes{",
			"ipctop_sem_set_semaphores{", "ipctop_posix_mqueue_messages{",
			"ipctop_posix_shm_size_bytes{", "ipctop_posix_sem_value{",
			"ipctop_pipe_queued_bytes{", "ipctop_unix_socket_queued_bytes{",
			"ipctop_stall_observed_seconds{", "ipctop_deadlock_observed_seconds{",
		};

		for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
			size_t count = 0;
			size_t n = strlen(families[f]);

			for (const char *p = t; (p = strstr(p, families[f])) != NULL; p += n)
				if (p == t || p[-1] == '\n')
					count++;
			CU_ASSERT_EQUAL(count, OPENMETRICS_TOP);
		}
	}
	snprintf(want, sizeof(want), "ipctop_msg_queue_bytes{id=\"msg:%d\",key=\"0\"} %d", N - 1, N - 1);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "ipctop_msg_queue_bytes{id=\"msg:%d\",key=\"0\"} %d",
		 N - OPENMETRICS_TOP, N - OPENMETRICS_TOP);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "{id=\"msg:%d\",", N - OPENMETRICS_TOP - 1);
	CU_ASSERT_PTR_NULL(strstr(t, want));
	snprintf(want, sizeof(want), "ipctop_posix_mqueue_messages{id=\"pmq:obj%03d\\\\xff\"} %d", N - 1, N - 1);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "ipctop_stall_observed_seconds{pid=\"%d\",comm=\"p\"} %d.000000",
		 100 + N - 1, N - 1);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "ipctop_objects_not_exported{kind=\"msg_queues\"} %d",
		 N - OPENMETRICS_TOP);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "ipctop_objects{kind=\"unix_sockets\"} %d", N);
	CU_ASSERT_TRUE(has_line(t, want));
	snprintf(want, sizeof(want), "ipctop_queued_bytes{kind=\"pipes\"} %d", N * (N - 1) / 2);
	CU_ASSERT_TRUE(has_line(t, want));
	free(t);
	snapshot_unref(s);
}

/* An empty snapshot still has every fixed family, zeros and # EOF. */
static void test_empty(void)
{
	struct snapshot *s = snapshot_new();
	char *t;

	snapshot_seal(s);
	t = render(s);
	check_shape(t);
	CU_ASSERT_TRUE(has_line(t, "ipctop_objects{kind=\"posix_sems\"} 0"));
	CU_ASSERT_TRUE(has_line(t, "ipctop_deadlocks 0"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE ipctop_msg_queue_bytes gauge"));
	CU_ASSERT_EQUAL(strcmp(t + strlen(t) - 6, "# EOF\n"), 0);
	free(t);
	snapshot_unref(s);
}

/* A write error is reported. */
static void test_write_error(void)
{
	struct snapshot *s = snapshot_new();
	FILE *f = fopen("/dev/full", "w");

	snapshot_seal(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(openmetrics_out_write(f, s), -1);
	fclose(f);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("openmetrics_out", NULL, NULL,
		   "label values: UTF-8, no controls, reversible", test_label_escaping,
		   "a small snapshot: families, labels, unknowns absent", test_small,
		   "bounds: the fullest OPENMETRICS_TOP per kind, the rest counted", test_bounds,
		   "an empty snapshot", test_empty,
		   "a write error is reported", test_write_error);
}
