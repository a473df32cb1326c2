/* peertable: a peer's own best per prefix, from its paths alone (ADD-PATH
 * included), as the RIB tells their changes (rib_peer_watch): add,
 * implicit withdraw, withdraw, session down, stale sweep, import filter;
 * other peers' paths never count; random changes against a brute-force
 * reference. No kernel table here (the e2e test has one). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../../src/bgp/aspath.h"
#include "../../src/fib/peertable.h"

static struct rib rib;
static struct peertable *pt;
static int pa, pb;	/* the followed peer and another */

static void
setup(void)
{
	struct prefix a, b;

	ck_assert_int_eq(rib_init(&rib, NULL, NULL), 0);
	ck_assert_int_eq(addr_parse("100.69.128.1", &a), 0);
	ck_assert_int_eq(addr_parse("100.65.128.1", &b), 0);
	pa = rib_peer_add(&rib, "amsterdam01", AF_IDX_IPV4, &a, 47065, true);
	pb = rib_peer_add(&rib, "seattle01", AF_IDX_IPV4, &b, 47065, true);
	ck_assert_int_ge(pa, 0);
	ck_assert_int_ge(pb, 0);
	rib_peer_set_router_id(&rib, pa, 5);
	rib_peer_set_router_id(&rib, pb, 1);	/* wins the ties */
	ck_assert_ptr_nonnull(pt = peertable_new(&rib));
	peertable_set_peer(pt, AF_IDX_IPV4, pa);
}

static void
teardown(void)
{
	peertable_free(pt);
	rib_destroy(&rib);
}

/* Local pref, AS path text, next hop's last byte; one reference is the
 * caller's (put it after rib_update). */
static struct rattrs *
attrs(uint32_t lp, const char *path, uint8_t nh)
{
	static uint8_t pathbuf[256];
	struct bgp_attrs a;
	struct wbuf w;
	uint8_t hop[4] = { 100, 69, 0, nh };

	bgp_attrs_init(&a);
	wbuf_init(&w, pathbuf, sizeof(pathbuf));
	ck_assert_int_eq(aspath_parse_text(path, &w), 0);
	a.as_path = rbuf_make(pathbuf, w.len);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	memcpy(a.next_hop, hop, 4);
	bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
	a.local_pref = lp;
	bgp_attr_set(&a, BGP_ATTR_LOCAL_PREF);
	return rattrs_get(&rib.attrs, &a, AF_IDX_IPV4, hop, NULL);
}

static void
update(int peer, const char *p, uint32_t id, uint32_t lp, const char *path,
    uint8_t nh)
{
	struct prefix x;
	struct rattrs *ra = attrs(lp, path, nh);

	ck_assert_int_eq(prefix_parse(p, true, &x), 0);
	ck_assert_int_eq(rib_update(&rib, peer, &x, id, ra), RIB_OK);
	rattrs_put(&rib.attrs, ra);
}

static void
withdraw(int peer, const char *p, uint32_t id)
{
	struct prefix x;

	ck_assert_int_eq(prefix_parse(p, true, &x), 0);
	rib_withdraw(&rib, peer, &x, id);
}

/* The followed peer's best path id for p, -1 for none. */
static long
best_id(const char *p)
{
	struct prefix x;
	const struct rib_path *b;

	ck_assert_int_eq(prefix_parse(p, true, &x), 0);
	b = peertable_best(pt, &x);
	if (b != NULL)
		ck_assert_int_eq(b->peer, pa);
	return b == NULL ? -1 : (long)b->path_id;
}

static size_t
prefixes(void)
{
	struct kroute_stats st;
	size_t bytes, n;

	peertable_get_stats(pt, &st, &bytes, &n);
	ck_assert_uint_gt(bytes, 0);
	return n;
}

#define P1	"192.0.2.0/24"
#define P2	"198.51.100.0/24"

START_TEST(test_addpath_best)
{
	update(pa, P1, 1, 100, "3356 174", 1);
	ck_assert_int_eq(best_id(P1), 1);
	update(pa, P1, 2, 100, "174", 2);		/* shorter: wins */
	ck_assert_int_eq(best_id(P1), 2);
	update(pa, P1, 3, 100, "6939 3356 174", 3);	/* longer: loses */
	ck_assert_int_eq(best_id(P1), 2);
	update(pa, P1, 1, 200, "3356 174", 1);	/* a non-best gets better */
	ck_assert_int_eq(best_id(P1), 1);
	update(pa, P1, 1, 50, "3356 174", 1);	/* the best gets worse */
	ck_assert_int_eq(best_id(P1), 2);
	withdraw(pa, P1, 3);				/* not the best */
	ck_assert_int_eq(best_id(P1), 2);
	withdraw(pa, P1, 2);				/* the best */
	ck_assert_int_eq(best_id(P1), 1);
	withdraw(pa, P1, 1);
	ck_assert_int_eq(best_id(P1), -1);
	ck_assert_uint_eq(prefixes(), 0);
}
END_TEST

START_TEST(test_other_peers_do_not_count)
{
	struct prefix x;
	size_t n;
	const struct rib_path *v;

	update(pb, P1, 1, 300, "174", 9);		/* the overall best */
	ck_assert_int_eq(best_id(P1), -1);
	update(pa, P1, 7, 100, "3356 174", 1);
	ck_assert_int_eq(prefix_parse(P1, true, &x), 0);
	v = rib_lookup(&rib, &x, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[0].peer, pb);		/* table 20000's */
	ck_assert_int_eq(best_id(P1), 7);		/* the mux's own */
	update(pb, P2, 1, 100, "174", 9);
	ck_assert_uint_eq(prefixes(), 1);
	withdraw(pb, P1, 1);
	ck_assert_int_eq(best_id(P1), 7);
	withdraw(pa, P1, 99);				/* never there */
	ck_assert_int_eq(best_id(P1), 7);
}
END_TEST

START_TEST(test_down_stale_sweep)
{
	update(pa, P1, 1, 100, "174", 1);
	update(pa, P2, 1, 100, "174", 1);
	update(pa, P2, 2, 100, "3356 174", 2);
	update(pb, P2, 1, 100, "174", 9);
	ck_assert_uint_eq(prefixes(), 2);
	rib_peer_down(&rib, pa, true);		/* graceful: kept, stale */
	ck_assert_int_eq(best_id(P1), 1);
	ck_assert_int_eq(best_id(P2), 1);
	update(pa, P2, 2, 300, "3356 174", 2);	/* back, and now better */
	ck_assert_int_eq(best_id(P2), 2);
	rib_peer_sweep(&rib, pa);		/* End-of-RIB */
	ck_assert_int_eq(best_id(P1), -1);
	ck_assert_int_eq(best_id(P2), 2);
	ck_assert_uint_eq(prefixes(), 1);
	rib_peer_down(&rib, pa, false);
	/* Its paths go with the flush, and the table's routes with them. */
	ck_assert_int_eq(best_id(P2), 2);
	rib_flush_all(&rib);
	ck_assert_int_eq(best_id(P2), -1);
	ck_assert_uint_eq(prefixes(), 0);
}
END_TEST

static bool
keep_p1(void *ctx, const struct prefix *p)
{
	struct prefix x;

	(void)ctx;
	ck_assert_int_eq(prefix_parse(P1, true, &x), 0);
	return prefix_equal(p, &x);
}

START_TEST(test_filter_and_peers)
{
	update(pa, P1, 1, 100, "174", 1);
	update(pa, P2, 1, 100, "174", 1);
	ck_assert_uint_eq(rib_peer_filter(&rib, pa, keep_p1, NULL), 1);
	ck_assert_int_eq(best_id(P1), 1);
	ck_assert_int_eq(best_id(P2), -1);
	/* No longer followed: its routes go, its changes are not seen. */
	peertable_clear_peer(pt, AF_IDX_IPV4);
	ck_assert_uint_eq(prefixes(), 0);
	ck_assert_ptr_null(rib.peers[pa].watch);
	update(pa, P2, 1, 100, "174", 1);
	ck_assert_uint_eq(prefixes(), 0);
	/* Another peer followed (a session made again): from then on. */
	peertable_set_peer(pt, AF_IDX_IPV4, pb);
	update(pb, P2, 4, 100, "174", 9);
	ck_assert_uint_eq(prefixes(), 1);
	rib_peer_remove(&rib, pb);
	ck_assert_uint_eq(prefixes(), 1);	/* until the flush */
	ck_assert_ptr_nonnull(rib.peers[pb].watch);
	rib_flush_all(&rib);
	ck_assert_uint_eq(prefixes(), 0);
	ck_assert_ptr_null(rib.peers[pb].watch);
}
END_TEST

START_TEST(test_path_want)
{
	struct kroute_want w;
	struct prefix x;

	update(pa, P1, 1, 100, "174", 42);
	ck_assert_int_eq(prefix_parse(P1, true, &x), 0);
	/* No interface yet: no route. */
	ck_assert(!peertable_path_want(&rib, peertable_best(pt, &x),
	    AF_IDX_IPV4, &w));
	rib.peers[pa].ifindex = 7;
	ck_assert(peertable_path_want(&rib, peertable_best(pt, &x),
	    AF_IDX_IPV4, &w));
	ck_assert_int_eq(w.ifindex, 7);
	ck_assert_uint_eq(w.nexthop[3], 42);
	/* A next hop of the other family: none. */
	ck_assert(!peertable_path_want(&rib, peertable_best(pt, &x),
	    AF_IDX_IPV6, &w));
	ck_assert(!peertable_path_want(&rib, NULL, AF_IDX_IPV4, &w));
}
END_TEST

/* The followed peer's best by brute force: the least of its paths. */
static long
reference_best(const char *p)
{
	struct prefix x;
	size_t n, i;
	const struct rib_path *v, *b = NULL;

	ck_assert_int_eq(prefix_parse(p, true, &x), 0);
	v = rib_lookup(&rib, &x, &n);
	for (i = 0; i < n; i++)
		if (v[i].peer == pa && (b == NULL ||
		    rib_path_cmp(&rib, &v[i], b) < 0))
			b = &v[i];
	return b == NULL ? -1 : (long)b->path_id;
}

START_TEST(test_random_vs_reference)
{
	static const char *const pfxs[] = { P1, P2, "203.0.113.0/24" };
	static const char *const paths[] = { "174", "3356 174", "6939 174",
	    "1299 3356 174" };
	const size_t np = sizeof(pfxs) / sizeof(pfxs[0]);
	unsigned seed = 0x5eed0000u + (unsigned)_i;

	for (int step = 0; step < 4000; step++) {
		const char *p = pfxs[(unsigned)rand_r(&seed) % np];
		int peer = rand_r(&seed) % 3 == 0 ? pb : pa;
		uint32_t id = (uint32_t)(rand_r(&seed) % 6);
		unsigned op = (unsigned)rand_r(&seed) % 10;

		if (op < 6)
			update(peer, p, id, 100 + (uint32_t)(rand_r(&seed) %
			    3) * 50, paths[rand_r(&seed) % 4],
			    (uint8_t)(rand_r(&seed) % 4));
		else if (op < 9)
			withdraw(peer, p, id);
		else if (rand_r(&seed) % 2)
			rib_peer_down(&rib, peer, rand_r(&seed) % 2);
		else
			rib_peer_sweep(&rib, peer);
		for (size_t k = 0; k < np; k++)
			ck_assert_int_eq(best_id(pfxs[k]),
			    reference_best(pfxs[k]));
	}
}
END_TEST

Suite *
peertable_suite(void)
{
	Suite *s = suite_create("peertable");
	TCase *tc = tcase_create("peertable");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_addpath_best);
	tcase_add_test(tc, test_other_peers_do_not_count);
	tcase_add_test(tc, test_down_stale_sweep);
	tcase_add_test(tc, test_filter_and_peers);
	tcase_add_test(tc, test_path_want);
	tcase_add_loop_test(tc, test_random_vs_reference, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
