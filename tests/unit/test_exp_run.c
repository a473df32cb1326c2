/*
 * Experiments run by the daemon, the pure parts: bindings and the
 * idle-longest choice, the schedule played through the plan (which
 * request goes at which round, the 10-minute rule refused up front, the
 * test schedule's shorter interval on neighbours only), the dry run's
 * text, the run state read back, the resume point from a journal, the
 * run request's words.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/exp/exp_sched.h"
#include "../../src/exp/exp_state.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		((time_t)1700000000)

static const char *const names[] = { "nb1", "nb2", "amsterdam01" };
static struct prefix allowed[3];
static struct ann_policy pol;
static struct ann_store st;
static struct exp_target tg[3];
static char err[4096];

static void
setup(void)
{
	prefix_parse("184.164.224.0/24", true, &allowed[0]);
	prefix_parse("184.164.225.0/24", true, &allowed[1]);
	prefix_parse("184.164.226.0/24", true, &allowed[2]);
	memset(&pol, 0, sizeof(pol));
	pol.allowed = allowed;
	pol.n_allowed = NELEM(allowed);
	ann_store_init(&st, NULL);
	memset(tg, 0, sizeof(tg));
	for (size_t i = 0; i < NELEM(tg); i++) {
		tg[i].t.name = names[i];
		tg[i].peer.af = AF_IDX_IPV4;
		tg[i].peer.ibgp = i == 2;
		tg[i].peer.local_as = 47065;
	}
	tg[2].t.hears_all = true;	/* a PEERING mux */
}

static void
teardown(void)
{
	ann_store_free(&st);
}

static int
parse(const char *rounds, struct ann_exp *e)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "{\"description\": \"t\", \"email\": "
	    "\"a@b.org\", \"rounds\": [%s]}", rounds);
	return ann_json_parse_experiment(buf, strlen(buf), names, NELEM(names),
	    &pol, e, err, sizeof(err));
}

/* Three rounds on two neighbours over A. */
#define THREE	"{\"A\": {\"announce\": [{\"muxes\": [\"nb1\"]}]}}, " \
	"{\"A\": {\"announce\": [{\"muxes\": [\"nb2\"], \"prepend\": " \
	"[3356]}]}}, {\"A\": {\"withdraw\": [\"nb1\"]}}"

static void
sim_init(struct exp_sim *s, const struct ann_exp *e,
    const struct exp_bindings *b, unsigned round_seconds, unsigned interval)
{
	memset(s, 0, sizeof(*s));
	s->e = e;
	s->b = b;
	s->t = tg;
	s->nt = 2;	/* the neighbours */
	s->start = T0;
	s->round_seconds = round_seconds;
	s->rate_interval = interval;
}

START_TEST(test_bind_parse)
{
	struct exp_bindings b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(exp_bind_parse("A=184.164.224.0/24", &b, err,
	    sizeof(err)), 0);
	ck_assert(b.bound[0] && !b.chosen[0]);
	ck_assert_int_eq(exp_bind_parse("A=184.164.225.0/24", &b, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "twice"));
	ck_assert_int_eq(exp_bind_parse("E=184.164.224.0/24", &b, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(exp_bind_parse("B=2804:269c::/48", &b, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(exp_bind_parse("B=184.164.224.1/24", &b, err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(test_bindings_check)
{
	struct ann_exp e;
	struct exp_bindings b;

	ck_assert_int_eq(parse(THREE, &e), 0);
	ck_assert_uint_eq(exp_vars_used(&e), 1);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(exp_bindings_check(&e, &b, &pol, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "variable A is not bound"));
	exp_bind_parse("A=184.164.230.0/24", &b, err, sizeof(err));
	ck_assert_int_eq(exp_bindings_check(&e, &b, &pol, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "not one of your prefixes"));
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.225.0/24", &b, err, sizeof(err));
	ck_assert_int_eq(exp_bindings_check(&e, &b, &pol, err, sizeof(err)),
	    0);
	exp_bind_parse("B=184.164.226.0/24", &b, err, sizeof(err));
	ck_assert_int_eq(exp_bindings_check(&e, &b, &pol, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "does not use it"));
	ann_exp_free(&e);
}
END_TEST

START_TEST(test_idle_pick)
{
	struct exp_idle c[4];

	memset(c, 0, sizeof(c));
	c[0].last = T0;
	c[1].last = T0 - 100;
	c[2].last = T0 - 50;
	c[3].last = T0 - 1000;
	c[3].excluded = true;	/* announced now */
	ck_assert_int_eq(exp_idle_pick(c, 4), 1);
	c[2].last = 0;		/* never changed: idle the longest */
	ck_assert_int_eq(exp_idle_pick(c, 4), 2);
	c[0].last = 0;		/* a tie: list order */
	ck_assert_int_eq(exp_idle_pick(c, 4), 0);
	for (size_t i = 0; i < 4; i++)
		c[i].excluded = true;
	ck_assert_int_eq(exp_idle_pick(c, 4), -1);
}
END_TEST

struct steps {
	size_t	n;
	size_t	round[16];
	char	mux[16][16];
	int	wire[16];
	time_t	at[16];
};

static void
steps_cb(void *ctx, const struct exp_step *s)
{
	struct steps *x = ctx;

	if (x->n >= 16)
		return;
	x->round[x->n] = s->round;
	snprintf(x->mux[x->n], sizeof(x->mux[0]), "%s", s->target->t.name);
	x->wire[x->n] = s->wire;
	x->at[x->n] = s->at;
	x->n++;
}

START_TEST(test_schedule_rounds)
{
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;
	struct steps x;

	ck_assert_int_eq(parse(THREE, &e), 0);
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.225.0/24", &b, err, sizeof(err));
	sim_init(&sim, &e, &b, 5400, 0);
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(exp_sim_run(&sim, &st, steps_cb, &x, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(x.n, 3);
	ck_assert_uint_eq(x.round[0], 0);
	ck_assert_str_eq(x.mux[0], "nb1");
	ck_assert_int_eq(x.at[0], T0);
	ck_assert_uint_eq(x.round[1], 1);
	ck_assert_str_eq(x.mux[1], "nb2");
	ck_assert_int_eq(x.at[1], T0 + 5400);
	ck_assert_uint_eq(x.round[2], 2);
	ck_assert_int_eq(x.wire[2], ANN_WIRE_WITHDRAW);
	/* Resumed in round 2 after its first request: round 3 alone. */
	sim.from_round = 1;
	sim.from_req = e.round_first[2];
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(exp_sim_run(&sim, &st, steps_cb, &x, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(x.n, 0);	/* nb1 was never announced here */
	ann_exp_free(&e);
}
END_TEST

/* Announce, withdraw, announce again to nb1 in 10 s rounds. */
#define FLAP	"{\"A\": {\"announce\": [{\"muxes\": [\"nb1\"]}]}}, " \
	"{\"A\": {\"withdraw\": [\"nb1\"]}}, " \
	"{\"A\": {\"announce\": [{\"muxes\": [\"nb1\"]}]}}"

START_TEST(test_schedule_rate_refused)
{
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;

	ck_assert_int_eq(parse(FLAP, &e), 0);
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.224.0/24", &b, err, sizeof(err));
	sim_init(&sim, &e, &b, 300, 0);
	ck_assert_int_eq(exp_sim_run(&sim, &st, NULL, NULL, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "round 3: 184.164.224.0/24 (A) to "
	    "nb1"));
	ck_assert_ptr_nonnull(strstr(err, "600 s"));
	ck_assert_ptr_nonnull(strstr(err, "allowed from"));
	/* 10-minute rounds pass. */
	sim.round_seconds = 600;
	ck_assert_int_eq(exp_sim_run(&sim, &st, NULL, NULL, err, sizeof(err)),
	    0);
	/* The test schedule's interval on neighbours: 10 s rounds pass. */
	sim.round_seconds = 10;
	sim.rate_interval = 10;
	ck_assert_int_eq(exp_sim_run(&sim, &st, NULL, NULL, err, sizeof(err)),
	    0);
	ann_exp_free(&e);
}
END_TEST

/* The shorter interval never holds on a PEERING mux. */
START_TEST(test_schedule_fast_not_on_mux)
{
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;
	ck_assert_int_eq(parse("{\"A\": {\"announce\": [{\"muxes\": "
	    "[\"amsterdam01\"]}]}}, {\"A\": {\"withdraw\": [\"amsterdam01\"]}},"
	    " {\"A\": {\"announce\": [{\"muxes\": [\"amsterdam01\"]}]}}", &e), 0);
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.224.0/24", &b, err, sizeof(err));
	sim_init(&sim, &e, &b, 10, 10);
	sim.nt = 3;
	ck_assert_int_eq(exp_sim_run(&sim, &st, NULL, NULL, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "to amsterdam01"));
	ck_assert_ptr_nonnull(strstr(err, "600 s"));
	ann_exp_free(&e);
}
END_TEST

/* A change made by hand just before the run refuses its first round. */
START_TEST(test_schedule_store_recent)
{
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;
	struct prefix p;

	ck_assert_int_eq(parse(THREE, &e), 0);
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.224.0/24", &b, err, sizeof(err));
	prefix_parse("184.164.224.0/24", true, &p);
	ck_assert_int_eq(ann_store_change_note(&st, &p, "nb1", T0 - 60, NULL),
	    0);
	sim_init(&sim, &e, &b, 5400, 0);
	ck_assert_int_eq(exp_sim_run(&sim, &st, NULL, NULL, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "round 1: 184.164.224.0/24 (A) to "
	    "nb1"));
	ck_assert_ptr_nonnull(strstr(err, "540 s after the round starts"));
	ann_exp_free(&e);
}
END_TEST

START_TEST(test_dry_run_text)
{
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;
	struct strbuf out;

	ck_assert_int_eq(parse("{\"A\": {\"announce\": [{\"muxes\": [\"nb1\"],"
	    " \"prepend\": [3356], \"communities\": [[47065, 3]], "
	    "\"large_communities\": [[47065, 1, 2]]}]}}, "
	    "{\"A\": {\"withdraw\": [\"nb1\"]}}", &e), 0);
	memset(&b, 0, sizeof(b));
	exp_bind_parse("A=184.164.224.0/24", &b, err, sizeof(err));
	sim_init(&sim, &e, &b, 5400, 0);
	strbuf_init(&out);
	ck_assert_int_eq(exp_dry_run(&sim, &st, &out, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out.s, "round 1 of 2 at "));
	ck_assert_ptr_nonnull(strstr(out.s, "  184.164.224.0/24 (A) -> nb1: "
	    "announce as-path 47065 3356 47065, communities 47065:3, large "
	    "47065:1:2, next hop self\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "round 2 of 2 at "));
	ck_assert_ptr_nonnull(strstr(out.s, "  184.164.224.0/24 (A) -> nb1: "
	    "withdraw\n"));
	strbuf_free(&out);
	/* On a PEERING mux (iBGP): the path as built, here empty (the mux
	 * puts 47065 in front). */
	ann_exp_free(&e);
	ck_assert_int_eq(parse("{\"A\": {\"announce\": [{\"muxes\": "
	    "[\"amsterdam01\"]}]}}", &e), 0);
	sim.e = &e;
	sim.nt = 3;
	strbuf_init(&out);
	ck_assert_int_eq(exp_dry_run(&sim, &st, &out, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out.s, "-> amsterdam01: announce as-path "
	    "(empty), communities -, large -, next hop self\n"));
	strbuf_free(&out);
	ann_exp_free(&e);
}
END_TEST

START_TEST(test_state_roundtrip)
{
	struct exp_state a, b;
	char *text;

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "20261206-183000");
	snprintf(a.file, sizeof(a.file), "/tmp/x.json");
	a.status = EXP_RUNNING;
	a.n_rounds = 3;
	a.next_round = 1;
	a.in_round = true;
	a.round_seconds = 10;
	a.rate_interval = 10;
	a.fast = true;
	a.started = T0;
	a.round_at = T0 + 10;
	a.updated = T0 + 11;
	exp_bind_parse("B=184.164.225.0/24", &a.b, err, sizeof(err));
	a.b.chosen[1] = true;
	text = exp_state_format(&a);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(exp_state_parse(text, strlen(text), &b, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(b.id, a.id);
	ck_assert_uint_eq(b.next_round, 1);
	ck_assert(b.in_round && b.fast && b.b.bound[1] && b.b.chosen[1]);
	ck_assert(!b.b.bound[0]);
	ck_assert_int_eq(b.round_at, T0 + 10);
	free(text);
	/* Refused: a short interval outside the test schedule, a round past
	 * the last, an id that climbs out of the directory. */
	ck_assert_int_eq(exp_state_parse("{\"version\":1,\"id\":\"..\"}", 24,
	    &b, err, sizeof(err)), -1);
	a.fast = false;
	text = exp_state_format(&a);
	ck_assert_int_eq(exp_state_parse(text, strlen(text), &b, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside the test schedule"));
	free(text);
	a.fast = true;
	a.next_round = 3;
	text = exp_state_format(&a);
	ck_assert_int_eq(exp_state_parse(text, strlen(text), &b, err,
	    sizeof(err)), -1);
	free(text);
}
END_TEST

START_TEST(test_journal_last)
{
	static const char j[] =
	    "{\"event\":\"start\",\"time_us\":1}\n"
	    "{\"event\":\"request\",\"round\":1,\"req\":0}\n"
	    "{\"event\":\"update\",\"round\":2,\"req\":1,\"mux\":\"nb2\"}\n"
	    "{\"event\":\"request\",\"round\":2,\"req\":0}\n"
	    "{\"event\":\"request\",\"round\":3,\"re";	/* cut by a crash */
	uint32_t r = 99, q = 99;

	ck_assert_int_eq(exp_journal_last(j, sizeof(j) - 1, &r, &q), 1);
	ck_assert_uint_eq(r, 1);	/* round 2, counted from 0 */
	ck_assert_uint_eq(q, 1);
	ck_assert_int_eq(exp_journal_last("{\"event\":\"start\"}\n", 18, &r,
	    &q), 0);
	ck_assert_int_eq(exp_journal_last("", 0, &r, &q), 0);
}
END_TEST

START_TEST(test_run_args)
{
	char w0[] = "/x/e.json", w1[] = "bind", w2[] = "A=184.164.224.0/24",
	    w3[] = "round-seconds", w4[] = "10", w5[] = "dry-run";
	char *argv[] = { w0, w1, w2, w3, w4, w5 };
	struct exp_run_args a;
	char rel[] = "e.json", one[] = "1";

	ck_assert_int_eq(exp_run_args_parse(6, argv, &a, err, sizeof(err)),
	    0);
	ck_assert_str_eq(a.path, "/x/e.json");
	ck_assert(a.b.bound[0] && a.dry_run);
	ck_assert_uint_eq(a.round_seconds, 10);
	argv[4] = one;
	ck_assert_int_eq(exp_run_args_parse(5, argv, &a, err, sizeof(err)),
	    -1);
	argv[0] = rel;
	ck_assert_int_eq(exp_run_args_parse(1, argv, &a, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "absolute"));
}
END_TEST

/* An announcement file runs as one round; an experiment as its rounds. */
START_TEST(test_parse_file_kinds)
{
	static const char ann[] = "{\"184.164.225.0/24\": {\"announce\": "
	    "[{\"muxes\": [\"nb1\", \"nb2\"]}]}}";
	static const char expt[] = "{\"rounds\": [{\"A\": {\"withdraw\": "
	    "[\"nb1\"]}}], \"description\": \"d\", \"email\": \"a@b.org\"}";
	struct ann_exp e;
	struct exp_bindings b;
	struct exp_sim sim;
	struct steps x;

	ck_assert_int_eq(exp_parse_file(ann, sizeof(ann) - 1, names,
	    NELEM(names), &pol, &e, err, sizeof(err)), 0);
	ck_assert_uint_eq(e.n_rounds, 1);
	ck_assert_uint_eq(e.n_req, 2);
	ck_assert_uint_eq(e.round_first[1], 2);
	ck_assert_uint_eq(exp_vars_used(&e), 0);
	memset(&b, 0, sizeof(b));
	sim_init(&sim, &e, &b, 5400, 0);
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(exp_sim_run(&sim, &st, steps_cb, &x, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(x.n, 2);
	/* Sessions of the other family hear nothing of it. */
	tg[0].peer.af = tg[1].peer.af = AF_IDX_IPV6;
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(exp_sim_run(&sim, &st, steps_cb, &x, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(x.n, 0);
	ann_exp_free(&e);
	ck_assert_int_eq(exp_parse_file(expt, sizeof(expt) - 1, names,
	    NELEM(names), &pol, &e, err, sizeof(err)), 0);
	ck_assert_uint_eq(exp_vars_used(&e), 1);
	ann_exp_free(&e);
	/* An announcement file's errors are its parser's. */
	ck_assert_int_eq(exp_parse_file("{\"8.8.8.0/24\": {}}", 18, names,
	    NELEM(names), &pol, &e, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "8.8.8.0/24"));
	ck_assert_int_eq(exp_parse_file("[1", 2, names, NELEM(names), &pol,
	    &e, err, sizeof(err)), -1);
}
END_TEST

Suite *
exp_run_suite(void)
{
	Suite *s = suite_create("exp_run");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bind_parse);
	tcase_add_test(tc, test_bindings_check);
	tcase_add_test(tc, test_idle_pick);
	tcase_add_test(tc, test_schedule_rounds);
	tcase_add_test(tc, test_schedule_rate_refused);
	tcase_add_test(tc, test_schedule_fast_not_on_mux);
	tcase_add_test(tc, test_schedule_store_recent);
	tcase_add_test(tc, test_dry_run_text);
	tcase_add_test(tc, test_state_roundtrip);
	tcase_add_test(tc, test_journal_last);
	tcase_add_test(tc, test_run_args);
	tcase_add_test(tc, test_parse_file_kinds);
	suite_add_tcase(s, tc);
	return s;
}
