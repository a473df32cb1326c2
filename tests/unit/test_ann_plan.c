/*
 * The plan of a request (ann_plan_make): what each session hears, and the
 * change-rate rule per (prefix, mux) whatever entry makes the change,
 * counting withdrawals, read from the change records the store keeps.
 * Each test builds a store by hand, as the daemon leaves it after the
 * requests named in its comments.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/announce/ann_plan.h"
#include "../../src/vpn/testbed.h"
#include "th_ann.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define P		"184.164.224.0/24"
#define T0		((time_t)1700000000)

static struct ann_store st;
/* Two PEERING muxes and a configured neighbour, all of P's family. */
static struct ann_target tg[3];

static void
setup(void)
{
	ann_store_init(&st, NULL);
	memset(tg, 0, sizeof(tg));
	tg[0].name = "amsterdam01";
	tg[0].hears_all = true;
	tg[1].name = "seattle01";
	tg[1].hears_all = true;
	tg[2].name = "lab1";
	tg[2].hears_all = false;
}

static void
teardown(void)
{
	ann_store_free(&st);
}

/* What the daemon does when it applies r at `at`: the entry set or
 * removed, a change record for each session that hears a change. */
static void
apply(const char *line, time_t at)
{
	struct ann_request r = th_ann_request(line);
	struct ann_plan pl;
	struct ann_entry e;

	ann_plan_make(&st, &r, tg, NELEM(tg), at, &pl);
	ck_assert_msg(pl.verdict == ANN_APPLY, "%s: verdict %d", line,
	    pl.verdict);
	if (r.withdraw && r.mux[0] == '\0')
		while (ann_store_first(&st, &r.prefix) != NULL)
			ann_store_remove(&st, &r.prefix,
			    ann_store_first(&st, &r.prefix)->mux);
	else if (r.withdraw)
		ann_store_remove(&st, &r.prefix, r.mux);
	else {
		memset(&e, 0, sizeof(e));
		e.prefix = r.prefix;
		memcpy(e.mux, r.mux, sizeof(e.mux));
		e.attrs = r.attrs;
		e.last_change = at;
		ck_assert_int_eq(ann_store_set(&st, &e), 0);
	}
	for (size_t i = 0; i < NELEM(tg); i++)
		if (tg[i].wire != ANN_WIRE_SAME)
			ck_assert_int_eq(ann_store_change_note(&st, &r.prefix,
			    tg[i].name, at, NULL), 0);
}

static struct ann_plan
plan(const char *line, time_t now)
{
	struct ann_request r = th_ann_request(line);
	struct ann_plan pl;

	ann_plan_make(&st, &r, tg, NELEM(tg), now, &pl);
	return pl;
}

static void
wires(enum ann_wire a, enum ann_wire s, enum ann_wire l)
{
	ck_assert_int_eq(tg[0].wire, a);
	ck_assert_int_eq(tg[1].wire, s);
	ck_assert_int_eq(tg[2].wire, l);
}

static void
too_soon(const struct ann_plan *pl, const char *mux, time_t at, size_t n)
{
	ck_assert_int_eq(pl->verdict, ANN_TOO_SOON);
	ck_assert_str_eq(pl->waiting, mux);
	ck_assert_int_eq(pl->allowed_at, at);
	ck_assert_uint_eq(pl->n_waiting, n);
}

/* "All muxes" is the PEERING muxes; the neighbour only when named. */
START_TEST(test_plan_first)
{
	struct ann_plan pl = plan("announce " P, T0);

	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	ck_assert_uint_eq(pl.n_changed, 2);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME);
	pl = plan("announce " P " mux lab1 poison 3356", T0);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE);
}
END_TEST

/* The same attributes again, by the entry or by "all": nothing to do,
 * forced or not, early or late. */
START_TEST(test_plan_noop)
{
	apply("announce " P " origin 61574", T0);
	ck_assert_int_eq(plan("announce " P " origin 61574 prepend 1",
	    T0 + 1).verdict, ANN_NOOP);
	ck_assert_int_eq(plan("announce " P " origin 61574 force",
	    T0 + 9999).verdict, ANN_NOOP);
	ck_assert_int_eq(plan("announce " P " mux seattle01 origin 61574",
	    T0 + 1).verdict, ANN_NOOP);
	/* The neighbour does not hear "all": for it, this is new. */
	ck_assert_int_eq(plan("announce " P " mux lab1 origin 61574",
	    T0 + 1).verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE);
}
END_TEST

/* Other attributes within 10 minutes: refused, naming the mux and when;
 * allowed at the tenth minute, or forced. */
START_TEST(test_plan_too_soon)
{
	struct ann_plan pl;

	apply("announce " P " mux seattle01", T0);
	pl = plan("announce " P " mux seattle01 prepend 2", T0);
	too_soon(&pl, "seattle01", T0 + 600, 1);
	pl = plan("announce " P " mux seattle01 prepend 2", T0 + 599);
	too_soon(&pl, "seattle01", T0 + 600, 1);
	ck_assert_int_eq(plan("announce " P " mux seattle01 prepend 2",
	    T0 + 600).verdict, ANN_APPLY);
	ck_assert_int_eq(plan("announce " P " mux seattle01 prepend 2 force",
	    T0 + 1).verdict, ANN_APPLY);
	/* A clock set back: still refused until the interval ends. */
	pl = plan("announce " P " mux seattle01 prepend 2", T0 - 100);
	too_soon(&pl, "seattle01", T0 + 600, 1);
	/* Another mux never heard it: free. */
	ck_assert_int_eq(plan("announce " P " mux amsterdam01 prepend 2",
	    T0 + 1).verdict, ANN_APPLY);
}
END_TEST

/*
 * The side door of the issue: an "all" entry older than 10 minutes, then
 * `announce -m M prepend 3` and `withdraw -m M` in turn. The first is
 * allowed; the withdraw would make M hear the "all" entry again, a change
 * within 10 minutes of the last: refused, and so is the next announce.
 */
START_TEST(test_plan_alternating)
{
	struct ann_plan pl;

	apply("announce " P, T0);
	apply("announce " P " mux seattle01 prepend 3", T0 + 3600);
	wires(ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME);
	pl = plan("withdraw " P " mux seattle01", T0 + 3600);
	too_soon(&pl, "seattle01", T0 + 4200, 1);
	wires(ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME);
	pl = plan("announce " P " mux seattle01 prepend 2", T0 + 3601);
	too_soon(&pl, "seattle01", T0 + 4200, 1);
	/* Stopping is always allowed: from all muxes, at once. */
	pl = plan("withdraw " P, T0 + 3601);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_WITHDRAW, ANN_WIRE_WITHDRAW, ANN_WIRE_SAME);
	/* --force as always. */
	ck_assert_int_eq(plan("withdraw " P " mux seattle01 force",
	    T0 + 3601).verdict, ANN_APPLY);
}
END_TEST

/* A withdrawal is always allowed, counts, and the next announcement to
 * that mux waits, whatever entry it comes from. */
START_TEST(test_plan_withdraw_counts)
{
	struct ann_plan pl;

	apply("announce " P " mux seattle01", T0);
	pl = plan("withdraw " P " mux seattle01", T0 + 1);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_WITHDRAW, ANN_WIRE_SAME);
	apply("withdraw " P " mux seattle01", T0 + 1);
	/* Withdraw from one mux, announce to all: seattle01 waits. */
	pl = plan("announce " P, T0 + 2);
	too_soon(&pl, "seattle01", T0 + 601, 1);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME);
	pl = plan("announce " P " mux seattle01", T0 + 300);
	too_soon(&pl, "seattle01", T0 + 601, 1);
	ck_assert_int_eq(plan("announce " P, T0 + 601).verdict, ANN_APPLY);
	ck_assert_int_eq(plan("announce " P " force", T0 + 2).verdict,
	    ANN_APPLY);
}
END_TEST

/* A mux with its own entry hears no change when "all" changes: neither
 * refused nor counted there. */
START_TEST(test_plan_own_entry_shields)
{
	struct ann_plan pl;

	apply("announce " P, T0);
	apply("announce " P " mux seattle01 prepend 2", T0 + 700);
	pl = plan("announce " P " poison 3356", T0 + 1400);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME, ANN_WIRE_SAME);
	apply("announce " P " poison 3356", T0 + 1400);
	/* amsterdam01 changed at T0 + 1400; seattle01 at T0 + 700. */
	pl = plan("announce " P " poison 174", T0 + 1500);
	too_soon(&pl, "amsterdam01", T0 + 2000, 1);
	/* seattle01 last changed at T0 + 700: falling back on "all" now is
	 * allowed (it never heard the version of T0 + 1400). */
	pl = plan("withdraw " P " mux seattle01", T0 + 1500);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_ANNOUNCE, ANN_WIRE_SAME);
}
END_TEST

/* Several muxes wait: the one that waits longest is named, the time is
 * when the whole request is allowed. */
START_TEST(test_plan_several_wait)
{
	struct ann_plan pl;

	apply("announce " P " mux amsterdam01", T0);
	apply("announce " P " mux seattle01", T0 + 100);
	apply("withdraw " P " mux amsterdam01", T0 + 700);
	apply("withdraw " P " mux seattle01", T0 + 650);
	pl = plan("announce " P, T0 + 800);
	too_soon(&pl, "amsterdam01", T0 + 1300, 2);
	pl = plan("announce " P, T0 + 1260);
	too_soon(&pl, "amsterdam01", T0 + 1300, 1);
}
END_TEST

/* Withdrawals of what is not there, and from a mux that hears only the
 * "all" entry; the neighbour has no "all" to fall back on. */
START_TEST(test_plan_withdraw_kinds)
{
	struct ann_plan pl;

	ck_assert_int_eq(plan("withdraw " P, T0).verdict, ANN_NOT_ANNOUNCED);
	ck_assert_int_eq(plan("withdraw " P " mux seattle01", T0).verdict,
	    ANN_NOT_ANNOUNCED);
	apply("announce " P, T0);
	ck_assert_int_eq(plan("withdraw " P " mux seattle01", T0).verdict,
	    ANN_WITHDRAW_ALL_FIRST);
	ck_assert_int_eq(plan("withdraw " P " mux lab1", T0).verdict,
	    ANN_NOT_ANNOUNCED);
	apply("announce " P " mux lab1 prepend 2", T0);
	pl = plan("withdraw " P " mux lab1", T0 + 1);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	wires(ANN_WIRE_SAME, ANN_WIRE_SAME, ANN_WIRE_WITHDRAW);
	/* From all muxes: the neighbour's own entry goes too. */
	pl = plan("withdraw " P, T0 + 1);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	ck_assert_uint_eq(pl.n_changed, 3);
	wires(ANN_WIRE_WITHDRAW, ANN_WIRE_WITHDRAW, ANN_WIRE_WITHDRAW);
}
END_TEST

/* A mux's own entry equal to "all": withdrawing it changes nothing on
 * the wire, so nothing waits. */
START_TEST(test_plan_withdraw_same)
{
	struct ann_plan pl;

	apply("announce " P " mux seattle01 prepend 2", T0);
	apply("announce " P " prepend 2", T0 + 1);
	pl = plan("withdraw " P " mux seattle01", T0 + 2);
	ck_assert_int_eq(pl.verdict, ANN_APPLY);
	ck_assert_uint_eq(pl.n_changed, 0);
}
END_TEST

/* A store without change records (version 1): the entry's last_change
 * stands in for the muxes that hear it. */
START_TEST(test_plan_no_records)
{
	struct ann_request r = th_ann_request("announce " P);
	struct ann_entry e;
	struct ann_plan pl;

	memset(&e, 0, sizeof(e));
	e.prefix = r.prefix;
	e.attrs = r.attrs;
	e.last_change = T0;
	ck_assert_int_eq(ann_store_set(&st, &e), 0);
	pl = plan("announce " P " prepend 2", T0 + 10);
	too_soon(&pl, "amsterdam01", T0 + 600, 2);
	ck_assert_int_eq(plan("announce " P " mux lab1 prepend 2",
	    T0 + 10).verdict, ANN_APPLY);
}
END_TEST

/* A corrupt stored time does not overflow (UBSan would say). */
START_TEST(test_plan_far_future)
{
	time_t far = (time_t)INT64_MAX - 5;
	struct prefix p = th_ann_request("announce " P).prefix;
	struct ann_plan pl;

	ck_assert_int_eq(ann_plan_allowed_at(far), (time_t)INT64_MAX);
	ck_assert_int_eq(ann_plan_allowed_at(T0), T0 + 600);
	/* The store holds no such time; the rule must not care. */
	st.c = calloc(1, sizeof(*st.c));
	ck_assert_ptr_nonnull(st.c);
	st.c[0].prefix = p;
	snprintf(st.c[0].mux, sizeof(st.c[0].mux), "seattle01");
	st.c[0].at = far;
	st.nc = st.ccap = 1;
	pl = plan("announce " P, T0);
	too_soon(&pl, "seattle01", (time_t)INT64_MAX, 1);
}
END_TEST

/* The test schedule's shorter interval: on a neighbour and on a mux
 * proven a test bed, never on a PEERING mux; never longer than the rule. */
START_TEST(test_plan_interval_testbed)
{
	struct ann_request r = th_ann_request("announce " P " mux lab1");

	r.rate_interval = 8;
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[2]), 8);
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[0]), ANN_CHANGE_INTERVAL);
	tg[0].testbed = true;
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[0]), 8);
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[1]), ANN_CHANGE_INTERVAL);
	r.rate_interval = 0;
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[0]), ANN_CHANGE_INTERVAL);
	r.rate_interval = ANN_CHANGE_INTERVAL + 1;
	ck_assert_uint_eq(ann_plan_interval(&r, &tg[0]), ANN_CHANGE_INTERVAL);
}
END_TEST

/* RFC 2544's 198.18.0.0/15 and nothing around it. */
START_TEST(test_testbed_addr)
{
	ck_assert(testbed_addr("198.18.5.1"));
	ck_assert(testbed_addr("198.19.255.255"));
	ck_assert(!testbed_addr("198.17.255.255"));
	ck_assert(!testbed_addr("198.20.0.0"));
	ck_assert(!testbed_addr("128.59.16.1"));
	ck_assert(!testbed_addr("::ffff:198.18.0.1"));
	ck_assert(!testbed_addr(""));
	ck_assert(!testbed_addr("198.18.0.0/15"));
}
END_TEST

Suite *
ann_plan_suite(void)
{
	Suite *s = suite_create("ann_plan");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plan_first);
	tcase_add_test(tc, test_plan_noop);
	tcase_add_test(tc, test_plan_too_soon);
	tcase_add_test(tc, test_plan_alternating);
	tcase_add_test(tc, test_plan_withdraw_counts);
	tcase_add_test(tc, test_plan_own_entry_shields);
	tcase_add_test(tc, test_plan_several_wait);
	tcase_add_test(tc, test_plan_withdraw_kinds);
	tcase_add_test(tc, test_plan_withdraw_same);
	tcase_add_test(tc, test_plan_no_records);
	tcase_add_test(tc, test_plan_far_future);
	tcase_add_test(tc, test_plan_interval_testbed);
	tcase_add_test(tc, test_testbed_addr);
	suite_add_tcase(s, tc);
	return s;
}
