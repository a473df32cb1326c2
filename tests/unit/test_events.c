/*
 * `events` (src/daemon/events.c) without a daemon: a subscriber's stream
 * hands out whole lines, in order, then goes idle; one that lets its queue
 * pass EVENTS_QUEUE_MAX loses what does not fit and its reply ends with
 * the "lost-events" error once the queued events are out; free() leaves no
 * subscriber behind.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/daemon/events.h"
#include "../../src/lib/jsonint.h"

static struct bgpd d;
static struct session s;

static void
setup(void)
{
	memset(&d, 0, sizeof(d));
	memset(&s, 0, sizeof(s));
	strcpy(s.conf.name, "seattle01");
	strcpy(s.info, "hold timer expired");
}

/* Subscribes (text or JSON): the stream, its first line in *first. */
static void
subscribe(bool json, struct ctl_stream *st, struct strbuf *first)
{
	char *argv[] = { (char *)"json" };

	memset(st, 0, sizeof(*st));
	strbuf_init(first);
	cmd_events(&d, json ? 1 : 0, argv, first, st);
	ck_assert_ptr_nonnull(st->next);
	ck_assert_ptr_nonnull(d.events);
}

START_TEST(test_events_lines)
{
	struct ctl_stream st;
	struct strbuf first, out;

	subscribe(true, &st, &first);
	ck_assert(strstr(first.s, "{\"type\":\"subscribed\"") == first.s);
	strbuf_init(&out);
	ck_assert_int_eq(st.next(st.arg, &out, 4096), CTL_STREAM_MORE);
	ck_assert_uint_eq(out.len, 0);		/* idle: nothing yet */
	events_session(&d, &s, true);
	events_session(&d, &s, false);
	ck_assert_int_eq(st.next(st.arg, &out, 4096), CTL_STREAM_MORE);
	ck_assert(strstr(out.s, "\"type\":\"session\"") != NULL);
	ck_assert(strstr(out.s, "\"state\":\"up\"") < strstr(out.s,
	    "\"state\":\"down\""));
	ck_assert(strstr(out.s, "\"reason\":\"hold timer expired\"") != NULL);
	ck_assert_int_eq(out.s[out.len - 1], '\n');
	/* A small budget: still whole lines, one a call. */
	out.len = 0;
	events_session(&d, &s, true);
	events_session(&d, &s, false);
	ck_assert_int_eq(st.next(st.arg, &out, 10), CTL_STREAM_MORE);
	ck_assert_ptr_eq(strchr(out.s, '\n'), out.s + out.len - 1);
	st.free(st.arg);
	ck_assert_ptr_null(d.events);
	strbuf_free(&out);
	strbuf_free(&first);
}
END_TEST

START_TEST(test_events_lost)
{
	struct ctl_stream st, text;
	struct strbuf first, first2, out;
	size_t got = 0, lines = 0, n = 0;
	enum ctl_stream_result r;

	subscribe(true, &st, &first);
	subscribe(false, &text, &first2);
	/* ~200 bytes an event: 3000 of them are past 256 KiB. */
	for (int i = 0; i < 3000; i++)
		events_session(&d, &s, i % 2);
	strbuf_init(&out);
	while ((r = st.next(st.arg, &out, 32768)) == CTL_STREAM_MORE &&
	    n++ < 1000) {
		got += out.len;
		for (size_t k = 0; k < out.len; k++)
			lines += out.s[k] == '\n';
		out.len = 0;
	}
	ck_assert_int_eq(r, CTL_STREAM_FAIL);
	ck_assert_uint_le(got, EVENTS_QUEUE_MAX);
	ck_assert_uint_gt(got, EVENTS_QUEUE_MAX - 1024);
	ck_assert_uint_lt(lines, 3000);
	ck_assert_msg(strncmp(out.s, "error: lost-events: ", 20) == 0, "%s",
	    out.s);
	ck_assert(strstr(out.s, " events lost") != NULL);
	st.free(st.arg);
	text.free(text.arg);
	ck_assert_ptr_null(d.events);
	strbuf_free(&out);
	strbuf_free(&first);
	strbuf_free(&first2);
}
END_TEST

/* Best-route changes go only to those who asked, and cost nothing when
 * nobody did. */
START_TEST(test_events_best_only_asked)
{
	struct ctl_stream plain, best;
	struct strbuf f1, f2, out;
	char *argv[] = { (char *)"best", (char *)"json" };
	struct prefix p;

	ck_assert_int_eq(prefix_parse("184.164.224.0/24", true, &p), 0);
	events_best(&d, &p, NULL);		/* no subscriber: nothing */
	subscribe(false, &plain, &f1);
	memset(&best, 0, sizeof(best));
	strbuf_init(&f2);
	cmd_events(&d, 2, argv, &f2, &best);
	ck_assert(strstr(f2.s, "\"best\":true") != NULL);
	ck_assert_uint_eq(d.events_best, 1);
	events_best(&d, &p, NULL);
	strbuf_init(&out);
	ck_assert_int_eq(plain.next(plain.arg, &out, 4096), CTL_STREAM_MORE);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(best.next(best.arg, &out, 4096), CTL_STREAM_MORE);
	ck_assert_msg(strstr(out.s, "{\"type\":\"best\",\"time_us\":") ==
	    out.s && strstr(out.s, "\"prefix\":\"184.164.224.0/24\","
	    "\"unreachable\":true}\n") != NULL, "%s", out.s);
	best.free(best.arg);
	ck_assert_uint_eq(d.events_best, 0);
	plain.free(plain.arg);
	strbuf_free(&out);
	strbuf_free(&f1);
	strbuf_free(&f2);
}
END_TEST

/* A microsecond time ending in zeros comes out as digits, not as
 * 1.79663271212345e+15 (cJSON's double), and reads back the same. */
START_TEST(test_events_time_digits)
{
	static const int64_t v[] = { 1796632712123450, 1796632712000000,
	    1796632712123456, 0, -5 };
	static const char *want[] = { "{\"t\":1796632712123450}",
	    "{\"t\":1796632712000000}", "{\"t\":1796632712123456}",
	    "{\"t\":0}", "{\"t\":-5}" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cJSON *o = cJSON_CreateObject(), *back;
		char *text;

		ck_assert_ptr_nonnull(json_add_int(o, "t", v[i]));
		text = cJSON_PrintUnformatted(o);
		ck_assert_str_eq(text, want[i]);
		back = cJSON_Parse(text);
		ck_assert((int64_t)cJSON_GetObjectItem(back, "t")->valuedouble ==
		    v[i]);
		cJSON_Delete(back);
		cJSON_free(text);
		cJSON_Delete(o);
	}
}
END_TEST

START_TEST(test_events_args)
{
	struct ctl_stream st;
	struct strbuf reply;
	char *argv[] = { (char *)"xml" };

	memset(&st, 0, sizeof(st));
	strbuf_init(&reply);
	cmd_events(&d, 1, argv, &reply, &st);
	ck_assert_ptr_null(st.next);
	ck_assert_ptr_null(d.events);
	ck_assert_str_eq(reply.s, "error: events [best] [json]\n");
	strbuf_free(&reply);
}
END_TEST

Suite *
events_suite(void)
{
	Suite *su = suite_create("events");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_events_lines);
	tcase_add_test(tc, test_events_lost);
	tcase_add_test(tc, test_events_best_only_asked);
	tcase_add_test(tc, test_events_args);
	tcase_add_test(tc, test_events_time_digits);
	suite_add_tcase(su, tc);
	return su;
}
