/* The RIB: best path (every tie-breaker, in order), paths per peer and path
 * id, implicit withdraw, peer down and graceful-restart stale sweep, best
 * change reports; and the import policy. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../../src/bgp/aspath.h"
#include "../../src/rib/policy.h"
#include "../../src/rib/rib.h"

static struct rib rib;
static int changes;
static struct rib_path last_best;
static bool last_gone;

static void
best_cb(void *ctx, const struct prefix *p, struct ptree_node *n,
    const struct rib_path *best)
{
	(void)ctx;
	(void)p;
	(void)n;
	changes++;
	last_gone = best == NULL;
	if (best != NULL)
		last_best = *best;
}

static void
setup(void)
{
	changes = 0;
	ck_assert_int_eq(rib_init(&rib, best_cb, NULL), 0);
}

static void
teardown(void)
{
	rib_destroy(&rib);
}

/* Attributes: local pref (0: none), AS path text, origin, MED (-1: none),
 * next hop's last byte. */
static struct rattrs *
attrs(uint32_t lp, const char *path, uint8_t origin, long med, uint8_t nh)
{
	static uint8_t pathbuf[256];
	struct bgp_attrs a;
	struct wbuf w;
	uint8_t hop[4] = { 100, 65, 0, nh };

	bgp_attrs_init(&a);
	wbuf_init(&w, pathbuf, sizeof(pathbuf));
	ck_assert_int_eq(aspath_parse_text(path, &w), 0);
	a.as_path = rbuf_make(pathbuf, w.len);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	a.origin = origin;
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	memcpy(a.next_hop, hop, 4);
	bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
	if (lp != 0) {
		a.local_pref = lp;
		bgp_attr_set(&a, BGP_ATTR_LOCAL_PREF);
	}
	if (med >= 0) {
		a.med = (uint32_t)med;
		bgp_attr_set(&a, BGP_ATTR_MED);
	}
	return rattrs_get(&rib.attrs, &a, AF_IDX_IPV4, hop, NULL);
}

static int
peer(const char *name, const char *addr, uint32_t as, bool ibgp, uint32_t id)
{
	struct prefix a;
	int p;

	ck_assert_int_eq(addr_parse(addr, &a), 0);
	p = rib_peer_add(&rib, name, AF_IDX_IPV4, &a, as, ibgp);
	ck_assert_int_ge(p, 0);
	rib_peer_set_router_id(&rib, p, id);
	return p;
}

static struct prefix
pfx(const char *text)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(text, true, &p), 0);
	return p;
}

/* Adds two paths in both orders; the winner must not depend on it. */
static void
check_winner(int peer_a, struct rattrs *a, uint32_t id_a, int peer_b,
    struct rattrs *b, uint32_t id_b, bool a_wins)
{
	for (int order = 0; order < 2; order++) {
		struct prefix p = pfx("184.164.224.0/24");
		const struct rib_path *best;

		if (order == 0) {
			rib_update(&rib, peer_a, &p, id_a, a);
			rib_update(&rib, peer_b, &p, id_b, b);
		} else {
			rib_update(&rib, peer_b, &p, id_b, b);
			rib_update(&rib, peer_a, &p, id_a, a);
		}
		best = rib_lookup(&rib, &p, NULL);
		ck_assert_ptr_nonnull(best);
		ck_assert_msg((best->attrs == a && best->peer == peer_a &&
		    best->path_id == id_a) == a_wins, "order %d", order);
		rib_withdraw(&rib, peer_a, &p, id_a);
		rib_withdraw(&rib, peer_b, &p, id_b);
		ck_assert_ptr_null(rib_lookup(&rib, &p, NULL));
	}
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
}

START_TEST(test_best_local_pref)
{
	int p1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int p2 = peer("m2", "100.66.128.1", 47065, true, 2);

	/* Higher LOCAL_PREF wins over a shorter path. */
	check_winner(p2, attrs(200, "1 2 3 4", 0, -1, 2), 0,
	    p1, attrs(100, "1", 0, -1, 1), 0, true);
	/* Absent LOCAL_PREF counts as 100. */
	check_winner(p2, attrs(101, "1 2", 0, -1, 2), 0,
	    p1, attrs(0, "1", 0, -1, 1), 0, true);
}
END_TEST

START_TEST(test_best_path_length)
{
	int p1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int p2 = peer("m2", "100.66.128.1", 47065, true, 2);

	check_winner(p2, attrs(100, "1 2", 2, -1, 2), 0,
	    p1, attrs(100, "1 2 3", 0, -1, 1), 0, true);
	/* An AS_SET counts one, whatever it holds. */
	check_winner(p2, attrs(100, "1 {2 3 4 5}", 0, -1, 2), 0,
	    p1, attrs(100, "1 2 3", 0, -1, 1), 0, true);
}
END_TEST

START_TEST(test_best_origin)
{
	int p1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int p2 = peer("m2", "100.66.128.1", 47065, true, 2);

	check_winner(p2, attrs(100, "1 2", 0, 50, 2), 0,
	    p1, attrs(100, "3 4", 1, 0, 1), 0, true);
	check_winner(p2, attrs(100, "1 2", 1, -1, 2), 0,
	    p1, attrs(100, "3 4", 2, -1, 1), 0, true);
}
END_TEST

START_TEST(test_best_med_same_neighbor_as)
{
	int p1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int p2 = peer("m2", "100.66.128.1", 47065, true, 2);

	/* Same neighbour AS 3356: the lower MED wins (against the router
	 * id, which would pick p1). */
	check_winner(p2, attrs(100, "3356 1", 0, 10, 2), 0,
	    p1, attrs(100, "3356 2", 0, 20, 1), 0, true);
	/* Different neighbour ASes: MED is not compared; router id is. */
	check_winner(p1, attrs(100, "3356 1", 0, 20, 1), 0,
	    p2, attrs(100, "1299 2", 0, 10, 2), 0, true);
}
END_TEST

/* Three paths where pairwise MED comparison is not transitive: the result
 * must be the same in every arrival order (deterministic MED). */
START_TEST(test_best_med_deterministic)
{
	int p[3];
	struct rattrs *a[3];
	static const int orders[6][3] = { {0,1,2}, {0,2,1}, {1,0,2},
	    {1,2,0}, {2,0,1}, {2,1,0} };
	struct prefix x = pfx("8.8.8.0/24");

	p[0] = peer("a", "100.65.128.1", 47065, true, 3);
	p[1] = peer("b", "100.66.128.1", 47065, true, 1);
	p[2] = peer("c", "100.67.128.1", 47065, true, 2);
	a[0] = attrs(100, "3356 9", 0, 5, 1);	/* AS 3356, MED 5 */
	a[1] = attrs(100, "3356 8", 0, 9, 2);	/* AS 3356, MED 9 */
	a[2] = attrs(100, "1299 7", 0, 1, 3);	/* AS 1299 */
	for (int o = 0; o < 6; o++) {
		const struct rib_path *best;

		for (int k = 0; k < 3; k++)
			rib_update(&rib, p[orders[o][k]], &x, 0,
			    a[orders[o][k]]);
		best = rib_lookup(&rib, &x, NULL);
		/* 3356's best is a (MED 5); a against c: router id 3 vs 2:
		 * c wins. */
		ck_assert_int_eq(best->peer, p[2]);
		for (int k = 0; k < 3; k++)
			rib_withdraw(&rib, p[k], &x, 0);
	}
	for (int k = 0; k < 3; k++)
		rattrs_put(&rib.attrs, a[k]);
}
END_TEST

START_TEST(test_best_ebgp_over_ibgp)
{
	int ibgp = peer("m1", "100.65.128.1", 47065, true, 1);
	int ebgp = peer("e1", "100.66.128.1", 65001, false, 2);

	check_winner(ebgp, attrs(100, "65001 2", 0, -1, 2), 0,
	    ibgp, attrs(100, "3 4", 0, -1, 1), 0, true);
}
END_TEST

START_TEST(test_best_router_id_then_address_then_path_id)
{
	int p1 = peer("m1", "100.65.128.9", 47065, true, 7);
	int p2 = peer("m2", "100.65.128.1", 47065, true, 8);
	int p3 = peer("m3", "100.65.128.5", 47065, true, 7);

	/* Lower router id. */
	check_winner(p1, attrs(100, "1 2", 0, -1, 1), 0,
	    p2, attrs(100, "3 4", 0, -1, 2), 0, true);
	/* Same router id: lower peer address. */
	check_winner(p3, attrs(100, "1 2", 0, -1, 3), 0,
	    p1, attrs(100, "3 4", 0, -1, 1), 0, true);
	/* Same peer: lower path id (ADD-PATH). */
	check_winner(p1, attrs(100, "1 2", 0, -1, 1), 4,
	    p1, attrs(100, "3 4", 0, -1, 2), 9, true);
}
END_TEST

START_TEST(test_paths_and_implicit_withdraw)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	struct prefix p = pfx("1.1.1.0/24");
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);
	struct rattrs *b = attrs(100, "1", 0, -1, 2);
	const struct rib_path *best;
	size_t n = 0;

	/* ADD-PATH: three ids from one peer are three paths. */
	rib_update(&rib, m, &p, 1, a);
	rib_update(&rib, m, &p, 2, a);
	rib_update(&rib, m, &p, 3, a);
	ck_assert_ptr_nonnull(rib_lookup(&rib, &p, &n));
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(rib.n_paths, 3);
	ck_assert_uint_eq(a->refs, 4);	/* ours + 3 paths */
	/* Path 2 again with other attributes: replaced, becomes best. */
	rib_update(&rib, m, &p, 2, b);
	ck_assert_uint_eq(rib.n_paths, 3);
	ck_assert_uint_eq(a->refs, 3);
	best = rib_lookup(&rib, &p, NULL);
	ck_assert_uint_eq(best->path_id, 2);
	ck_assert_ptr_eq(best->attrs, b);
	ck_assert(!last_gone);
	ck_assert_uint_eq(last_best.path_id, 2);
	/* A withdraw of an unknown id changes nothing. */
	changes = 0;
	rib_withdraw(&rib, m, &p, 77);
	ck_assert_int_eq(changes, 0);
	rib_withdraw(&rib, m, &p, 2);
	ck_assert_int_eq(changes, 1);
	rib_withdraw(&rib, m, &p, 1);
	rib_withdraw(&rib, m, &p, 3);
	ck_assert(last_gone);
	ck_assert_ptr_null(rib_lookup(&rib, &p, NULL));
	ck_assert_uint_eq(rib.n_paths, 0);
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
	ck_assert_uint_eq(rib.attrs.count, 0);
}
END_TEST

/* More paths than the slabs' arrays hold: the array grows and shrinks
 * through malloc, the best stays right, nothing is left behind. */
START_TEST(test_many_paths)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	struct prefix p = pfx("1.1.1.0/24");
	struct rattrs *a[40];
	const struct rib_path *v;
	size_t n, i;

	for (i = 0; i < 40; i++)
		a[i] = attrs((uint32_t)(100 + i), "1 2", 0, -1, 1);
	for (i = 0; i < 40; i++) {
		rib_update(&rib, m, &p, (uint32_t)(i * 7 % 40), a[i * 7 % 40]);
		v = rib_lookup(&rib, &p, &n);
		ck_assert_uint_eq(n, i + 1);
	}
	ck_assert_uint_gt(rib.big_path_bytes, 0);
	v = rib_lookup(&rib, &p, &n);
	ck_assert_uint_eq(v[0].path_id, 39);	/* the highest LOCAL_PREF */
	for (i = 0; i < n; i++)
		ck_assert_ptr_eq(v[i].attrs, a[v[i].path_id]);
	/* The best goes first, then the others in another order. */
	for (i = 0; i < 40; i++) {
		rib_withdraw(&rib, m, &p, i == 0 ? 39 : (uint32_t)(i * 7 % 39));
		v = rib_lookup(&rib, &p, &n);
		ck_assert_uint_eq(n, 39 - i);
		if (n > 0)
			ck_assert_uint_eq(v[0].attrs->local_pref,
			    100 + v[0].path_id);
	}
	ck_assert_ptr_null(rib_lookup(&rib, &p, NULL));
	ck_assert_uint_eq(rib.big_path_bytes, 0);
	ck_assert_uint_eq(rib.n_paths, 0);
	for (i = 0; i < 40; i++)
		rattrs_put(&rib.attrs, a[i]);
	ck_assert_uint_eq(rib.attrs.count, 0);
}
END_TEST

/* A best path re-sent unchanged is not a change for the kernel. */
START_TEST(test_best_unchanged_not_reported)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	struct prefix p = pfx("1.1.1.0/24");
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);

	rib_update(&rib, m, &p, 0, a);
	ck_assert_int_eq(changes, 1);
	rib_update(&rib, m, &p, 0, a);
	ck_assert_int_eq(changes, 1);
	rib_withdraw(&rib, m, &p, 0);
	rattrs_put(&rib.attrs, a);
}
END_TEST

START_TEST(test_peer_down_and_stale)
{
	int m1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int m2 = peer("m2", "100.66.128.1", 47065, true, 2);
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);
	struct rattrs *b = attrs(100, "1 2 3", 0, -1, 2);
	char text[32];

	for (int i = 0; i < 200; i++) {
		struct prefix p;

		snprintf(text, sizeof(text), "10.%d.%d.0/24", i / 100, i % 100);
		p = pfx(text);
		rib_update(&rib, m1, &p, 0, a);
		if (i % 2 == 0)
			rib_update(&rib, m2, &p, 0, b);
	}
	ck_assert_uint_eq(rib.n_paths, 300);
	/* Graceful restart: m1's paths kept, marked stale. */
	rib_peer_down(&rib, m1, true);
	ck_assert_uint_eq(rib.n_paths, 300);

	{
		struct prefix p = pfx("10.0.1.0/24");
		const struct rib_path *best = rib_lookup(&rib, &p, NULL);

		ck_assert(best->flags & RIB_PATH_STALE);
	}
	/* m1 is back and announces half again: those are fresh. */
	for (int i = 0; i < 100; i++) {
		struct prefix p;

		snprintf(text, sizeof(text), "10.%d.%d.0/24", i / 100, i % 100);
		p = pfx(text);
		rib_update(&rib, m1, &p, 0, a);
	}
	ck_assert_uint_eq(rib.peers[m1].n_stale, 100);	/* 200 - 100 renewed */
	rib_peer_sweep(&rib, m1);
	ck_assert_uint_eq(rib.peers[m1].n_stale, 0);
	ck_assert_uint_eq(rib.peers[m1].n_paths, 100);
	ck_assert_uint_eq(rib.n_paths, 200);
	/* Prefixes only m1 had, and that it did not announce again, are
	 * gone; m2's remain. */
	{
		struct prefix odd = pfx("10.1.1.0/24"), even = pfx("10.1.2.0/24");

		ck_assert_ptr_null(rib_lookup(&rib, &odd, NULL));
		ck_assert_ptr_nonnull(rib_lookup(&rib, &even, NULL));
	}
	rib_peer_remove(&rib, m2);
	rib_peer_remove(&rib, m1);
	ck_assert_uint_eq(rib.n_paths, 0);
	ck_assert_uint_eq(rib.tree[AF_IDX_IPV4].n_data, 0);
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
	ck_assert_uint_eq(rib.attrs.count, 0);
}
END_TEST

START_TEST(test_policy)
{
	struct config_import imp;
	struct prefix p;

	memset(&imp, 0, sizeof(imp));
	p = pfx("184.164.224.0/24");
	imp.mode = CONFIG_IMPORT_ALL;
	ck_assert(policy_import(&imp, &p));
	imp.mode = CONFIG_IMPORT_NONE;
	ck_assert(!policy_import(&imp, &p));
	imp.mode = CONFIG_IMPORT_PREFIX_LIST;
	imp.n_prefixes = 2;
	imp.prefixes[0] = pfx("184.164.224.0/19");
	imp.prefixes[1] = pfx("2804:269c::/42");
	ck_assert(policy_import(&imp, &p));			/* within */
	p = pfx("184.164.224.0/19");
	ck_assert(policy_import(&imp, &p));			/* itself */
	p = pfx("184.164.0.0/16");
	ck_assert(!policy_import(&imp, &p));			/* wider */
	p = pfx("184.165.0.0/24");
	ck_assert(!policy_import(&imp, &p));			/* outside */
	p = pfx("2804:269c:1::/48");
	ck_assert(policy_import(&imp, &p));
	p = pfx("2804:269d::/48");
	ck_assert(!policy_import(&imp, &p));
}
END_TEST

Suite *
rib_suite(void)
{
	Suite *s = suite_create("rib");
	TCase *tc = tcase_create("rib");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_best_local_pref);
	tcase_add_test(tc, test_best_path_length);
	tcase_add_test(tc, test_best_origin);
	tcase_add_test(tc, test_best_med_same_neighbor_as);
	tcase_add_test(tc, test_best_med_deterministic);
	tcase_add_test(tc, test_best_ebgp_over_ibgp);
	tcase_add_test(tc, test_best_router_id_then_address_then_path_id);
	tcase_add_test(tc, test_paths_and_implicit_withdraw);
	tcase_add_test(tc, test_many_paths);
	tcase_add_test(tc, test_best_unchanged_not_reported);
	tcase_add_test(tc, test_peer_down_and_stale);
	tcase_add_test(tc, test_policy);
	suite_add_tcase(s, tc);
	return s;
}
