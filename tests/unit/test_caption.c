/*
 * test_caption.c - the demo record stream: the parser a reader of `ipctop demo run` uses, the
 * shared ring the demo processes write, the speed ladder and the demo table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demos/caption.h"
#include "demos/demo.h"
#include "tests/unit/testmain.h"

static bool parse(const char *text, struct caption_rec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", text);
	return caption_parse(buf, r);
}

static void test_parse_records(void)
{
	struct caption_rec r;
	char buf[256];

	CU_ASSERT_TRUE(parse("ready 1234", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_READY);
	CU_ASSERT_EQUAL(r.pid, 1234);

	CU_ASSERT_TRUE(parse("status\tpaused\t0.5", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_STATUS);
	CU_ASSERT_TRUE(r.paused);
	CU_ASSERT_DOUBLE_EQUAL(r.speed, 0.5, 1e-9);
	CU_ASSERT_TRUE(parse("status\trunning\tfull", &r, buf, sizeof(buf)));
	CU_ASSERT_FALSE(r.paused);
	CU_ASSERT_TRUE(r.speed <= 0);

	CU_ASSERT_TRUE(parse("process\t42\tpipe-reader\t41", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_PROCESS);
	CU_ASSERT_EQUAL(r.pid, 42);
	CU_ASSERT_EQUAL(r.ppid, 41);
	CU_ASSERT_STRING_EQUAL(r.role, "pipe-reader");

	CU_ASSERT_TRUE(parse("object\tmsg:7\tSystem V message queue", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_OBJECT);
	CU_ASSERT_STRING_EQUAL(r.id, "msg:7");
	CU_ASSERT_STRING_EQUAL(r.text, "System V message queue");

	CU_ASSERT_TRUE(parse("caption\t17\t42\tpipe:9,pid:42\tread() returned 3 bytes", &r, buf,
			     sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_CAPTION);
	CU_ASSERT_EQUAL(r.step, 17);
	CU_ASSERT_EQUAL(r.pid, 42);
	CU_ASSERT_STRING_EQUAL(r.objects, "pipe:9,pid:42");
	CU_ASSERT_STRING_EQUAL(r.text, "read() returned 3 bytes");
	CU_ASSERT_TRUE(parse("caption\t1\t42\t-\tno objects", &r, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(r.objects, "");

	CU_ASSERT_TRUE(parse("dropped\t12", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_DROPPED);
	CU_ASSERT_EQUAL(r.count, 12);
	CU_ASSERT_TRUE(parse("restart", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_RESTART);
	CU_ASSERT_TRUE(parse("error\tmsgget: No space left on device", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_ERROR);
	CU_ASSERT_STRING_EQUAL(r.text, "msgget: No space left on device");
	CU_ASSERT_TRUE(parse("end\tseconds", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_END);
	CU_ASSERT_STRING_EQUAL(r.text, "seconds");
	/* a record type from a newer ipctop: known to be unknown, not an error */
	CU_ASSERT_TRUE(parse("hint\twhatever\tcomes", &r, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(r.kind, CAPTION_UNKNOWN);
}

static void test_parse_malformed(void)
{
	struct caption_rec r;
	char buf[256];
	static const char *const bad[] = {
		"ready", "ready x", "ready 0", "ready 12 13", "ready -4",
		"caption\t1\t2\tpipe:1", "caption\tx\t2\t-\ttext", "caption\t1\t0\t-\ttext",
		"status\tsleeping\t1", "status\trunning\t0", "status\trunning\tfast", "status\trunning",
		"process\t1\t\t1", "process\tx\trole\t1", "process\t1\trole",
		"object\tnocolon\tlabel", "dropped\t-1", "dropped", "restart\textra", "end",
		"error", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool okp = parse(bad[i], &r, buf, sizeof(buf));

		if (okp && r.kind != CAPTION_UNKNOWN)
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		CU_ASSERT_FALSE(okp && r.kind != CAPTION_UNKNOWN);
	}
}

static struct caption_ring *ring_new(void)
{
	struct caption_ring *r = malloc(sizeof(*r));

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(caption_ring_init(r), 0);
	return r;
}

static void ring_free(struct caption_ring *r)
{
	caption_ring_fini(r);
	free(r);
}

static void test_ring_order_and_steps(void)
{
	struct caption_ring *ring = ring_new();
	const char *f[3] = { "42", "pipe-reader", "41" };
	char line[CAPTION_LINE_MAX];
	struct caption_rec r;
	uint64_t dropped = 99;

	CU_ASSERT_FALSE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_EQUAL(dropped, 0);
	CU_ASSERT_TRUE(caption_ring_push(ring, "process", f, 3));
	CU_ASSERT_TRUE(caption_ring_caption(ring, 42, "pipe:9", "first\tstep\nwith controls"));
	CU_ASSERT_TRUE(caption_ring_caption(ring, 43, NULL, "second"));

	CU_ASSERT_TRUE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_STRING_EQUAL(line, "process\t42\tpipe-reader\t41");
	CU_ASSERT_TRUE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_TRUE(caption_parse(line, &r));
	CU_ASSERT_EQUAL(r.kind, CAPTION_CAPTION);
	CU_ASSERT_EQUAL(r.step, 1);
	CU_ASSERT_EQUAL(r.pid, 42);
	CU_ASSERT_STRING_EQUAL(r.objects, "pipe:9");
	CU_ASSERT_STRING_EQUAL(r.text, "first step with controls");	/* tab, newline -> space */
	CU_ASSERT_TRUE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_TRUE(caption_parse(line, &r));
	CU_ASSERT_EQUAL(r.step, 2);
	CU_ASSERT_STRING_EQUAL(r.objects, "");
	CU_ASSERT_FALSE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	ring_free(ring);
}

static void test_ring_full_drops(void)
{
	struct caption_ring *ring = ring_new();
	char line[CAPTION_LINE_MAX];
	uint64_t dropped = 0;
	struct caption_rec r;
	size_t popped = 0;

	for (int i = 0; i < CAPTION_SLOTS; i++)
		CU_ASSERT_TRUE(caption_ring_caption(ring, 1, NULL, "x"));
	CU_ASSERT_FALSE(caption_ring_caption(ring, 1, NULL, "lost"));
	CU_ASSERT_FALSE(caption_ring_caption(ring, 1, NULL, "lost"));
	CU_ASSERT_TRUE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_EQUAL(dropped, 2);
	CU_ASSERT_TRUE(caption_parse(line, &r));
	CU_ASSERT_EQUAL(r.step, 1);
	/* room again: the next caption gets the next step number (drops used none) */
	CU_ASSERT_TRUE(caption_ring_caption(ring, 1, NULL, "after"));
	while (caption_ring_pop(ring, line, sizeof(line), &dropped)) {
		CU_ASSERT_EQUAL(dropped, 0);
		popped++;
	}
	CU_ASSERT_EQUAL(popped, CAPTION_SLOTS);
	CU_ASSERT_TRUE(caption_parse(line, &r));
	CU_ASSERT_EQUAL(r.step, CAPTION_SLOTS + 1);
	CU_ASSERT_STRING_EQUAL(r.text, "after");
	caption_ring_caption(ring, 1, NULL, "y");
	caption_ring_clear(ring);
	CU_ASSERT_FALSE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	ring_free(ring);
}

static void test_ring_long_text_is_cut(void)
{
	struct caption_ring *ring = ring_new();
	char text[3 * CAPTION_LINE_MAX], line[CAPTION_LINE_MAX];
	uint64_t dropped;
	struct caption_rec r;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CU_ASSERT_TRUE(caption_ring_caption(ring, 7, "pipe:1", text));
	CU_ASSERT_TRUE(caption_ring_pop(ring, line, sizeof(line), &dropped));
	CU_ASSERT_TRUE(strlen(line) < CAPTION_LINE_MAX);
	CU_ASSERT_TRUE(caption_parse(line, &r));
	CU_ASSERT_EQUAL(r.kind, CAPTION_CAPTION);
	CU_ASSERT_EQUAL(r.pid, 7);
	ring_free(ring);
}

static void test_clean(void)
{
	char buf[16];

	CU_ASSERT_STRING_EQUAL(caption_clean(buf, sizeof(buf), "a\tb\nc\rd\x7f" "e"), "a b c d e");
	CU_ASSERT_STRING_EQUAL(caption_clean(buf, 4, "abcdef"), "abc");
	CU_ASSERT_STRING_EQUAL(caption_clean(buf, sizeof(buf), NULL), "");
}

static void test_speed_ladder(void)
{
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_faster(1), 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_faster(3), 4, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_faster(0.125), 0.25, 1e-9);
	CU_ASSERT_TRUE(demo_speed_faster(16) <= 0);	/* past the top: full */
	CU_ASSERT_TRUE(demo_speed_faster(0) <= 0);	/* full stays full */
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_slower(0), 16, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_slower(1), 0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_slower(3), 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(demo_speed_slower(0.125), 0.125, 1e-9);
}

static void test_table(void)
{
	CU_ASSERT_EQUAL(demo_count, 14);
	for (size_t i = 0; i < demo_count; i++) {
		const struct demo *d = &demo_table[i];

		CU_ASSERT_PTR_NOT_NULL(d->run);
		CU_ASSERT_PTR_EQUAL(demo_find(d->name), d);
		CU_ASSERT_PTR_NULL(strpbrk(d->name, " \t\n"));
		CU_ASSERT_PTR_NULL(strpbrk(d->description, "\t\n"));
		CU_ASSERT_TRUE(strlen(d->description) > 10 && strlen(d->description) < 100);
		for (size_t j = i + 1; j < demo_count; j++)
			CU_ASSERT_STRING_NOT_EQUAL(d->name, demo_table[j].name);
	}
	CU_ASSERT_PTR_NULL(demo_find("no-such-demo"));
	CU_ASSERT_PTR_NOT_NULL(demo_find("deadlock"));
}

void test_register(void)
{
	TEST_SUITE("caption", NULL, NULL,
		   "parse every record type", test_parse_records,
		   "reject malformed records", test_parse_malformed,
		   "ring keeps order and numbers steps", test_ring_order_and_steps,
		   "full ring drops and counts", test_ring_full_drops,
		   "long text is cut to one slot", test_ring_long_text_is_cut,
		   "clean control characters", test_clean,
		   "speed ladder", test_speed_ladder,
		   "demo table", test_table);
}
