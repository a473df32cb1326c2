/*
 * The export decision (ann_decide): each gate through the one function,
 * the plan's verdicts, and the change-rate rule per (prefix, mux) over a
 * sequence of requests applied as the daemon applies them (ann_apply),
 * with issue 12 item 3's side door; then ann_apply's undo, the reply
 * texts and the net change of several edits (ann_heard_*).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/announce/ann_decide.h"
#include "../../src/ctl/control.h"
#include "th_ann.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define P		"184.164.236.0/24"
#define P6		"2804:269c:1::/48"
#define T0		((time_t)1700000000)

static struct ann_store st;
static struct prefix allowed[3];
static struct ann_policy pol = { allowed, 0, false };
/* Two PEERING muxes (amsterdam01 with an IPv6 session too), a configured
 * neighbour; the IPv6 session sits between the IPv4 ones on purpose. */
static const struct ann_session sessions[] = {
	{ "amsterdam01", AF_IDX_IPV4, true, false },
	{ "amsterdam01", AF_IDX_IPV6, true, false },
	{ "seattle01", AF_IDX_IPV4, true, false },
	{ "lab1", AF_IDX_IPV4, false, false },
};
static struct ann_state state;
static struct ann_decision dec;

static void
setup(void)
{
	static const char *const list[] = { P, P6, "10.0.0.0/24" };

	for (size_t i = 0; i < NELEM(list); i++)
		ck_assert_int_eq(prefix_parse(list[i], true, &allowed[i]), 0);
	pol.n_allowed = NELEM(list);
	ann_store_init(&st, NULL);
	state.store = &st;
	state.pol = &pol;
	state.pol_err = NULL;
	state.sessions = sessions;
	state.n_sessions = NELEM(sessions);
}

static void
teardown(void)
{
	ann_store_free(&st);
}

static const struct ann_decision *
decide(const char *line, time_t now)
{
	struct ann_request r = th_ann_request(line);

	ann_decide(&state, &r, now, &dec);
	return &dec;
}

/* Decided and applied as the daemon does; the verdict must be APPLY. */
static void
apply(const char *line, time_t at)
{
	struct ann_request r = th_ann_request(line);

	ann_decide(&state, &r, at, &dec);
	ck_assert_msg(dec.verdict == ANN_APPLY, "%s: verdict %d (%s)", line,
	    dec.verdict, dec.why);
	ck_assert_int_eq(ann_apply(&st, &r, dec.t, dec.nt, at, NULL), 0);
}

/* The wires by session index: amsterdam01 v4, v6, seattle01, lab1. */
static void
wires(enum ann_wire a, enum ann_wire a6, enum ann_wire s, enum ann_wire l)
{
	ck_assert_int_eq(dec.wire[0], a);
	ck_assert_int_eq(dec.wire[1], a6);
	ck_assert_int_eq(dec.wire[2], s);
	ck_assert_int_eq(dec.wire[3], l);
}

static void
refused(const char *line, time_t now, const char *why)
{
	decide(line, now);
	ck_assert_msg(dec.verdict == ANN_REFUSED, "%s: verdict %d", line,
	    dec.verdict);
	ck_assert_str_eq(dec.why, why);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_SAME);
}

static void
too_soon(const char *line, time_t now, const char *mux, time_t at)
{
	decide(line, now);
	ck_assert_msg(dec.verdict == ANN_TOO_SOON, "%s: verdict %d", line,
	    dec.verdict);
	ck_assert_str_eq(dec.plan.waiting, mux);
	ck_assert_int_eq(dec.plan.allowed_at, at);
}

#define NOT_LISTED(p) "invalid prefix: " p ": not in prefixes.txt or " \
	"prefixes6.txt (announce only the prefixes listed there)"

/* ---- the gates, one by one, through the one function ---- */

START_TEST(test_decide_gates)
{
	refused("announce 184.164.237.0/24", T0,
	    NOT_LISTED("184.164.237.0/24"));
	refused("withdraw 184.164.237.0/24", T0,
	    NOT_LISTED("184.164.237.0/24"));
	refused("announce 10.0.0.0/24", T0, "prefix 10.0.0.0/24 is outside "
	    "the PEERING address space: announce only PEERING prefixes");
	refused("announce " P " origin 3356", T0, "origin AS 3356 is not a "
	    "PEERING ASN: use 47065, 33207, 61574, 61575, 61576, 263842, "
	    "263843 or 263844");
	refused("announce " P " poison 23456", T0, "poisoned AS 23456 is not "
	    "valid: use 1..4294967295, not 23456 (AS_TRANS)");
	refused("announce " P " poison 1,2,3,4,5", T0, "the AS path would "
	    "have 6 AS numbers: at most 5 (guidelines); poison fewer ASes or "
	    "prepend less");
	refused("announce " P " community 1:1,1:2,1:3,1:4,1:5,1:6,1:7,1:8,"
	    "1:9,1:10,1:11,1:12,1:13,1:14,1:15,1:16,1:17,1:18,1:19,1:20,1:21",
	    T0, "21 communities: the muxes drop all of them past 20; remove 1");
	refused("announce " P " prepend 5", T0,
	    "can prepend only 1, 2, 3, or 4 times");
	refused("announce " P " container", T0, "-M can only be used with -m");
	/* A mux the daemon has no session with. */
	refused("announce " P " mux nowhere01", T0, "mux unknown: nowhere01");
	refused("withdraw " P " mux nowhere01", T0, "mux unknown: nowhere01");
	/* What passes. */
	ck_assert_int_eq(decide("announce " P " mux lab1", T0)->verdict,
	    ANN_APPLY);
	ck_assert_int_eq(decide("announce " P6 " mux amsterdam01",
	    T0)->verdict, ANN_APPLY);
}
END_TEST

/* Prefix lists that could not be read refuse all the gates would see,
 * with the reason given; the withdrawal of what is kept still goes. */
START_TEST(test_decide_no_policy)
{
	apply("announce " P " mux seattle01", T0);
	state.pol = NULL;
	state.pol_err = "prefixes.txt: No such file or directory";
	refused("announce " P, T0 + 9999,
	    "prefixes.txt: No such file or directory");
	refused("withdraw " P " mux amsterdam01", T0 + 1,
	    "prefixes.txt: No such file or directory");
	ck_assert_int_eq(decide("withdraw " P " mux seattle01",
	    T0 + 1)->verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_WITHDRAW, ANN_WIRE_SAME);
	state.pol_err = NULL;
	ck_assert_int_eq(decide("announce " P, T0 + 9999)->verdict,
	    ANN_REFUSED);
	ck_assert_str_ne(dec.why, "");
}
END_TEST

/* Issue 12 item 6: a kept prefix taken out of the lists, or a kept mux no
 * longer configured, can always be withdrawn, never announced again. */
START_TEST(test_decide_withdraw_of_kept)
{
	apply("announce " P " mux lab1", T0);
	apply("announce " P, T0);
	pol.n_allowed = 0;
	refused("announce " P " mux lab1 prepend 2", T0 + 9999,
	    NOT_LISTED(P));
	ck_assert_int_eq(decide("withdraw " P " mux lab1", T0 + 1)->verdict,
	    ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_WITHDRAW);
	ck_assert_int_eq(decide("withdraw " P, T0 + 1)->verdict, ANN_APPLY);
	wires(ANN_WIRE_WITHDRAW, ANN_WIRE_SAME, ANN_WIRE_WITHDRAW,
	    ANN_WIRE_WITHDRAW);
	/* Not kept: the gates again. */
	refused("withdraw " P6, T0 + 1, NOT_LISTED(P6));
	/* A mux gone from the configuration: its kept entry goes. */
	pol.n_allowed = NELEM(allowed);
	state.n_sessions = 3;		/* lab1 gone */
	ck_assert_int_eq(decide("withdraw " P " mux lab1", T0 + 1)->verdict,
	    ANN_APPLY);
	refused("announce " P " mux lab1", T0 + 9999, "mux unknown: lab1");
}
END_TEST

/* ---- the plan: who hears what ---- */

START_TEST(test_decide_who_hears)
{
	/* "All muxes": the PEERING muxes of the family, not the neighbour,
	 * not the IPv6 session. */
	decide("announce " P, T0);
	ck_assert_int_eq(dec.verdict, ANN_APPLY);
	ck_assert_uint_eq(dec.plan.n_changed, 2);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE,
	    ANN_WIRE_SAME);
	ck_assert_uint_eq(dec.nt, 3);
	ck_assert_uint_eq(dec.session[1], 2);
	decide("announce " P6, T0);
	wires(ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME, ANN_WIRE_SAME);
	decide("announce " P " mux lab1", T0);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE);
	/* Nothing to do, and nothing kept to withdraw. */
	apply("announce " P " origin 61574", T0);
	ck_assert_int_eq(decide("announce " P " origin 61574 prepend 1",
	    T0 + 1)->verdict, ANN_NOOP);
	ck_assert_int_eq(decide("announce " P " mux seattle01 origin 61574",
	    T0 + 1)->verdict, ANN_NOOP);
	ck_assert_int_eq(decide("withdraw " P6, T0)->verdict,
	    ANN_NOT_ANNOUNCED);
	ck_assert_int_eq(decide("withdraw " P " mux lab1", T0)->verdict,
	    ANN_NOT_ANNOUNCED);
	ck_assert_int_eq(decide("withdraw " P " mux seattle01", T0)->verdict,
	    ANN_WITHDRAW_ALL_FIRST);
}
END_TEST

/* ---- the change rate per (prefix, mux) ---- */

/* Other attributes within 10 minutes: refused, naming the mux and when;
 * allowed at the tenth minute, or forced; another mux is free. */
START_TEST(test_decide_rate)
{
	apply("announce " P " mux seattle01", T0);
	too_soon("announce " P " mux seattle01 prepend 2", T0 + 599,
	    "seattle01", T0 + 600);
	ck_assert_int_eq(decide("announce " P " mux seattle01 prepend 2",
	    T0 + 600)->verdict, ANN_APPLY);
	ck_assert_int_eq(decide("announce " P " mux seattle01 prepend 2 force",
	    T0 + 1)->verdict, ANN_APPLY);
	ck_assert_int_eq(decide("announce " P " mux amsterdam01 prepend 2",
	    T0 + 1)->verdict, ANN_APPLY);
	/* "All" does not change what seattle01 hears (its own entry): it
	 * goes to amsterdam01 alone. */
	ck_assert_int_eq(decide("announce " P " prepend 2", T0 + 1)->verdict,
	    ANN_APPLY);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_SAME);
	/* Withdrawing seattle01's own entry would make it hear "all": a
	 * change, too soon. */
	apply("announce " P " prepend 2", T0 + 1);
	too_soon("withdraw " P " mux seattle01", T0 + 2, "seattle01",
	    T0 + 600);
	ck_assert_uint_eq(dec.plan.n_waiting, 1);
}
END_TEST

/*
 * Issue 12 item 3: an "all" entry older than 10 minutes, then announce to
 * one mux with prepend 3 and withdraw from it in turn. The first change
 * goes; each next one within 10 minutes is refused without --force, and
 * never reaches another mux. Before, this sent the mux 6 changes in 1.6 s.
 */
START_TEST(test_decide_side_door)
{
	time_t t = T0 + 3600;
	size_t sent = 0;

	apply("announce " P, T0);
	for (int i = 0; i < 6; i++, t++) {
		const char *line = i % 2 == 0 ?
		    "announce " P " mux seattle01 prepend 3" :
		    "withdraw " P " mux seattle01";

		decide(line, t);
		if (dec.verdict != ANN_APPLY)
			continue;
		wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE,
		    ANN_WIRE_SAME);
		apply(line, t);
		sent++;
	}
	ck_assert_uint_eq(sent, 1);
	too_soon("withdraw " P " mux seattle01", t, "seattle01", T0 + 4200);
	too_soon("announce " P " mux seattle01 prepend 2", t, "seattle01",
	    T0 + 4200);
	/* With --force, as always. */
	ck_assert_int_eq(decide("withdraw " P " mux seattle01 force",
	    t)->verdict, ANN_APPLY);
	/* Stopping is always allowed: from all muxes, at once. */
	ck_assert_int_eq(decide("withdraw " P, t)->verdict, ANN_APPLY);
	wires(ANN_WIRE_WITHDRAW, ANN_WIRE_SAME, ANN_WIRE_WITHDRAW,
	    ANN_WIRE_SAME);
}
END_TEST

/* A withdrawal is always allowed but counts: the next announcement to
 * that mux waits, whatever entry it comes from, and the withdrawn mux's
 * record survives in the store (saved with it). */
START_TEST(test_decide_withdraw_counts)
{
	struct prefix p = th_ann_request("announce " P).prefix;

	apply("announce " P " mux seattle01", T0);
	ck_assert_int_eq(decide("withdraw " P " mux seattle01",
	    T0 + 1)->verdict, ANN_APPLY);
	apply("withdraw " P " mux seattle01", T0 + 1);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "seattle01"), T0 + 1);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "amsterdam01"), 0);
	too_soon("announce " P, T0 + 2, "seattle01", T0 + 601);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE,
	    ANN_WIRE_SAME);
	too_soon("announce " P " mux seattle01", T0 + 300, "seattle01",
	    T0 + 601);
	ck_assert_int_eq(decide("announce " P, T0 + 601)->verdict, ANN_APPLY);
	/* A withdrawal right after an announcement goes at once. */
	apply("announce " P " mux lab1", T0 + 700);
	ck_assert_int_eq(decide("withdraw " P " mux lab1", T0 + 701)->verdict,
	    ANN_APPLY);
}
END_TEST

/* The test schedule's shorter interval holds on a neighbour or a proven
 * test bed, never on a PEERING mux. */
START_TEST(test_decide_rate_interval)
{
	static const struct ann_session tb[] = {
		{ "amsterdam01", AF_IDX_IPV4, true, true },
		{ "seattle01", AF_IDX_IPV4, true, false },
		{ "lab1", AF_IDX_IPV4, false, false },
	};
	struct ann_request r;

	state.sessions = tb;
	state.n_sessions = NELEM(tb);
	apply("announce " P " mux amsterdam01", T0);
	apply("announce " P " mux seattle01", T0);
	apply("announce " P " mux lab1", T0);
	r = th_ann_request("announce " P " mux amsterdam01 prepend 2");
	r.rate_interval = 5;
	ann_decide(&state, &r, T0 + 5, &dec);
	ck_assert_int_eq(dec.verdict, ANN_APPLY);
	r = th_ann_request("announce " P " mux lab1 prepend 2");
	r.rate_interval = 5;
	ann_decide(&state, &r, T0 + 4, &dec);
	ck_assert_int_eq(dec.verdict, ANN_TOO_SOON);
	ck_assert_int_eq(dec.plan.allowed_at, T0 + 5);
	r = th_ann_request("announce " P " mux seattle01 prepend 2");
	r.rate_interval = 5;
	ann_decide(&state, &r, T0 + 5, &dec);
	ck_assert_int_eq(dec.verdict, ANN_TOO_SOON);
	ck_assert_int_eq(dec.plan.allowed_at, T0 + 600);
}
END_TEST

/* ---- applying it ---- */

/* An announcement taken back (a save that failed): its entry and the
 * change records as they were. */
START_TEST(test_apply_undo)
{
	struct ann_request r = th_ann_request("announce " P " mux seattle01 "
	    "prepend 2");
	struct prefix p = r.prefix;
	struct ann_undo u;

	apply("announce " P " mux seattle01", T0);
	ann_decide(&state, &r, T0 + 700, &dec);
	ck_assert_int_eq(dec.verdict, ANN_APPLY);
	ck_assert_int_eq(ann_apply(&st, &r, dec.t, dec.nt, T0 + 700, &u), 0);
	ck_assert_int_eq(ann_store_find(&st, &p, "seattle01")->attrs.prepend,
	    2);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "seattle01"), T0 + 700);
	ann_undo(&st, &r, &u);
	ck_assert_int_eq(ann_store_find(&st, &p, "seattle01")->attrs.prepend,
	    0);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "seattle01"), T0);
	/* A new entry taken back is gone, its records with it. */
	r = th_ann_request("announce " P " mux lab1");
	ann_decide(&state, &r, T0 + 700, &dec);
	ck_assert_int_eq(ann_apply(&st, &r, dec.t, dec.nt, T0 + 700, &u), 0);
	ann_undo(&st, &r, &u);
	ck_assert_ptr_null(ann_store_find(&st, &p, "lab1"));
	ck_assert_int_eq(ann_store_change_at(&st, &p, "lab1"), 0);
}
END_TEST

/* The words the user reads, and the code behind them. */
START_TEST(test_decision_reply)
{
	struct ann_request r;
	struct strbuf b;

	strbuf_init(&b);
	r = th_ann_request("announce " P " mux nowhere01");
	ann_decide(&state, &r, T0, &dec);
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), -1);
	ck_assert_str_eq(b.s, CONTROL_ERROR_PREFIX "mux unknown: nowhere01\n");
	b.len = 0;
	r = th_ann_request("withdraw " P " mux lab1");
	ann_decide(&state, &r, T0, &dec);
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), 1);
	ck_assert_str_eq(b.s, P ": not announced to lab1: nothing sent\n");
	b.len = 0;
	r.check = true;
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), 1);
	ck_assert_uint_eq(b.len, 0);
	apply("announce " P, T0);
	r = th_ann_request("withdraw " P " mux seattle01");
	ann_decide(&state, &r, T0, &dec);
	ck_assert_int_eq(ann_decision_code(&dec), -1);
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), -1);
	ck_assert_str_eq(b.s, CONTROL_ERROR_PREFIX P " is announced to all "
	    "muxes: withdraw it from all, then announce it to the muxes you "
	    "want\n");
	b.len = 0;
	r = th_ann_request("announce " P " prepend 2");
	ann_decide(&state, &r, T0 + 1, &dec);
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), -1);
	ck_assert_ptr_nonnull(strstr(b.s, "was changed less than 10 minutes "
	    "ago at amsterdam01 and 1 other mux (route-flap dampening)"));
	b.len = 0;
	r = th_ann_request("announce " P);
	ann_decide(&state, &r, T0 + 1, &dec);
	ck_assert_int_eq(ann_decision_reply(&r, &dec, &b), 1);
	ck_assert_str_eq(b.s, P ": already announced with these attributes: "
	    "nothing sent\n");
	strbuf_free(&b);
}
END_TEST

/* Several edits of one prefix at once: only the net change is heard, and
 * only it is noted. */
START_TEST(test_heard_net)
{
	struct ann_heard h[NELEM(sessions)];
	enum ann_wire w[NELEM(sessions)];
	struct prefix p = th_ann_request("announce " P).prefix;
	struct ann_entry e;

	apply("announce " P, T0);
	apply("announce " P " mux lab1", T0);
	ann_heard_take(&st, sessions, NELEM(sessions), &p, h);
	/* seattle01's own entry with the same attributes as "all"; the
	 * "all" one gone; lab1 gets prepend 2. */
	memset(&e, 0, sizeof(e));
	e.prefix = p;
	snprintf(e.mux, sizeof(e.mux), "seattle01");
	e.attrs = ann_store_find(&st, &p, ANN_MUX_ALL)->attrs;
	ck_assert_int_eq(ann_store_set(&st, &e), 0);
	ck_assert(ann_store_remove(&st, &p, ANN_MUX_ALL));
	e = *ann_store_find(&st, &p, "lab1");
	e.attrs.prepend = 2;
	ck_assert_int_eq(ann_store_set(&st, &e), 0);
	ck_assert_int_eq(ann_heard_note(&st, sessions, NELEM(sessions), &p, h,
	    T0 + 5, w), 0);
	ck_assert_int_eq(w[0], ANN_WIRE_WITHDRAW);
	ck_assert_int_eq(w[1], ANN_WIRE_SAME);
	ck_assert_int_eq(w[2], ANN_WIRE_SAME);
	ck_assert_int_eq(w[3], ANN_WIRE_ANNOUNCE);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "amsterdam01"), T0 + 5);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "seattle01"), T0);
	ck_assert_int_eq(ann_store_change_at(&st, &p, "lab1"), T0 + 5);
}
END_TEST

Suite *
ann_decide_suite(void)
{
	Suite *s = suite_create("ann_decide");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decide_gates);
	tcase_add_test(tc, test_decide_no_policy);
	tcase_add_test(tc, test_decide_withdraw_of_kept);
	tcase_add_test(tc, test_decide_who_hears);
	tcase_add_test(tc, test_decide_rate);
	tcase_add_test(tc, test_decide_side_door);
	tcase_add_test(tc, test_decide_withdraw_counts);
	tcase_add_test(tc, test_decide_rate_interval);
	tcase_add_test(tc, test_apply_undo);
	tcase_add_test(tc, test_decision_reply);
	tcase_add_test(tc, test_heard_net);
	suite_add_tcase(s, tc);
	return s;
}
