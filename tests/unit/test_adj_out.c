/*
 * The Adj-RIB-Out's bookkeeping: a record per (session, prefix), replaced
 * by the next UPDATE, removed by a withdrawal, and a session's records of
 * one family gone when it starts afresh, the others kept.
 */
#include "testutil.h"

#include <stdio.h>

#include "../../src/daemon/adj_out.h"

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, true, &p), 0);
	return p;
}

START_TEST(test_adj_out)
{
	struct adj_out ao = { 0 };
	struct ann_attrs a = { .origin = 47065 };
	struct export_peer ibgp = { AF_IDX_IPV4, true, 47065 };
	struct export_peer ibgp6 = { AF_IDX_IPV6, true, 47065 };
	struct prefix p4 = pfx("184.164.224.0/24"), p6 = pfx("2804:269c:1::/48");
	struct prefix nh = pfx("100.69.128.2/32"), nh2 = pfx("100.69.128.3/32");
	struct prefix nh6 = pfx("2804:269c:ff00:5:1::2/128");
	const struct adj_out_route *r;

	ck_assert_ptr_null(adj_out_find(&ao, "amsterdam01", &p4));
	ck_assert_int_eq(adj_out_announced(&ao, "amsterdam01", &p4, &a, &ibgp,
	    &nh, 100), 0);
	ck_assert_int_eq(adj_out_announced(&ao, "seattle01", &p4, &a, &ibgp,
	    &nh, 101), 0);
	ck_assert_int_eq(adj_out_announced(&ao, "amsterdam01", &p6, &a, &ibgp6,
	    &nh6, 102), 0);
	/* The next UPDATE replaces the record. */
	a.prepend = 2;
	ck_assert_int_eq(adj_out_announced(&ao, "amsterdam01", &p4, &a, &ibgp,
	    &nh2, 103), 0);
	ck_assert_uint_eq(ao.n, 3);
	r = adj_out_find(&ao, "amsterdam01", &p4);
	ck_assert_ptr_nonnull(r);
	ck_assert(prefix_equal(&r->nexthop, &nh2));
	ck_assert_uint_eq(r->attrs.prepend, 2);
	ck_assert_int_eq((int)r->sent, 103);
	/* A withdrawal removes it; the other session's stays. */
	adj_out_withdrawn(&ao, "amsterdam01", &p4);
	ck_assert_ptr_null(adj_out_find(&ao, "amsterdam01", &p4));
	ck_assert_ptr_nonnull(adj_out_find(&ao, "seattle01", &p4));
	adj_out_withdrawn(&ao, "amsterdam01", &p4);	/* twice: nothing */
	ck_assert_uint_eq(ao.n, 2);
	/* A session up again: its family's records go, the rest stay. */
	ck_assert_int_eq(adj_out_announced(&ao, "amsterdam01", &p4, &a, &ibgp,
	    &nh, 104), 0);
	adj_out_reset(&ao, "amsterdam01", AF_IDX_IPV4);
	ck_assert_ptr_null(adj_out_find(&ao, "amsterdam01", &p4));
	ck_assert_ptr_nonnull(adj_out_find(&ao, "amsterdam01", &p6));
	ck_assert_ptr_nonnull(adj_out_find(&ao, "seattle01", &p4));
	adj_out_free(&ao);
	ck_assert_uint_eq(ao.n, 0);
}
END_TEST

/* Many records: the array grows, each found again. */
START_TEST(test_adj_out_many)
{
	struct adj_out ao = { 0 };
	struct ann_attrs a = { .origin = 47065 };
	struct export_peer peer = { AF_IDX_IPV4, false, 61574 };
	struct prefix nh = pfx("10.0.0.1/32");
	char name[32];

	for (int i = 0; i < 200; i++) {
		struct prefix p = pfx("184.164.224.0/24");

		snprintf(name, sizeof(name), "mux%d", i);
		ck_assert_int_eq(adj_out_announced(&ao, name, &p, &a, &peer,
		    &nh, i), 0);
	}
	for (int i = 0; i < 200; i++) {
		struct prefix p = pfx("184.164.224.0/24");

		snprintf(name, sizeof(name), "mux%d", i);
		ck_assert_int_eq((int)adj_out_find(&ao, name, &p)->sent, i);
	}
	adj_out_free(&ao);
}
END_TEST

Suite *
adj_out_suite(void)
{
	Suite *s = suite_create("adj_out");
	TCase *t = tcase_create("records");

	tcase_add_test(t, test_adj_out);
	tcase_add_test(t, test_adj_out_many);
	suite_add_tcase(s, t);
	return s;
}
