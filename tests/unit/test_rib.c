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

/* What the random tests know of each prefix: every path, and the best
 * the RIB last reported. */
#define MODEL_PREFIXES	3
#define MODEL_MAX	64

struct model {
	struct prefix	 pfx[MODEL_PREFIXES];
	struct rib_path	 paths[MODEL_PREFIXES][MODEL_MAX];
	size_t		 n[MODEL_PREFIXES];
	bool		 reported[MODEL_PREFIXES];	/* a best, or none */
	struct rib_path	 reported_best[MODEL_PREFIXES];
};

static struct model *cb_model;

static void
best_cb(void *ctx, const struct prefix *p, struct ptree_node *n,
    const struct rib_path *best)
{
	(void)ctx;
	(void)n;
	changes++;
	last_gone = best == NULL;
	if (best != NULL)
		last_best = *best;
	for (int k = 0; cb_model != NULL && k < MODEL_PREFIXES; k++)
		if (prefix_equal(&cb_model->pfx[k], p)) {
			cb_model->reported[k] = best != NULL;
			if (best != NULL)
				cb_model->reported_best[k] = *best;
		}
}

static void
setup(void)
{
	changes = 0;
	cb_model = NULL;
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

/* More paths than the short arrays hold: the array grows into a long
 * one and shrinks back, the best stays right, nothing is left behind. */
START_TEST(test_many_paths)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	struct prefix p = pfx("1.1.1.0/24");
	struct rattrs *a[100];
	const struct rib_path *v;
	size_t n, i;

	for (i = 0; i < 100; i++)
		a[i] = attrs((uint32_t)(100 + i), "1 2", 0, -1, 1);
	for (i = 0; i < 100; i++) {
		rib_update(&rib, m, &p, (uint32_t)(i * 7 % 100),
		    a[i * 7 % 100]);
		v = rib_lookup(&rib, &p, &n);
		ck_assert_uint_eq(n, i + 1);
	}
	ck_assert_uint_gt(rib.paths.heap_bytes, 0);
	v = rib_lookup(&rib, &p, &n);
	ck_assert_uint_eq(v[0].path_id, 99);	/* the highest LOCAL_PREF */
	for (i = 0; i < n; i++)
		ck_assert_ptr_eq(v[i].attrs, a[v[i].path_id]);
	/* The best goes first, then the others in another order. */
	for (i = 0; i < 100; i++) {
		rib_withdraw(&rib, m, &p, i == 0 ? 99 : (uint32_t)(i * 7 % 99));
		v = rib_lookup(&rib, &p, &n);
		ck_assert_uint_eq(n, 99 - i);
		if (n > 0)
			ck_assert_uint_eq(v[0].attrs->local_pref,
			    100 + v[0].path_id);
	}
	ck_assert_ptr_null(rib_lookup(&rib, &p, NULL));
	ck_assert_uint_eq(rib.paths.heap_bytes, 0);
	ck_assert_uint_eq(rib.n_paths, 0);
	for (i = 0; i < 100; i++)
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
	/* Retired, their paths there until the flush. */
	ck_assert_uint_eq(rib.n_flush, 200);
	ck_assert(rib.peers[m1].in_use && rib.peers[m1].retired);
	rib_flush_all(&rib);
	ck_assert(!rib.peers[m1].in_use && !rib.peers[m2].in_use);
	ck_assert_uint_eq(rib.n_paths, 0);
	ck_assert_uint_eq(rib.tree[AF_IDX_IPV4].n_data, 0);
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
	ck_assert_uint_eq(rib.attrs.count, 0);
}
END_TEST

/* ---- best path against a brute-force reference ---- */

/* The order of docs/rib.md, written again from the page (not from
 * rib.c): < 0 when a is better; with_med compares the MEDs of paths from
 * one neighbour AS. */
static int
ref_cmp(const struct rib_path *a, const struct rib_path *b, bool with_med)
{
	const struct rattrs *x = a->attrs, *y = b->attrs;
	const struct rib_peer *pa = &rib.peers[a->peer];
	const struct rib_peer *pb = &rib.peers[b->peer];
	int c;

	if (x->local_pref != y->local_pref)
		return x->local_pref > y->local_pref ? -1 : 1;
	if (x->path_len != y->path_len)
		return x->path_len < y->path_len ? -1 : 1;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (with_med && x->neighbor_as == y->neighbor_as && x->med != y->med)
		return x->med < y->med ? -1 : 1;
	if (pa->ibgp != pb->ibgp)
		return pa->ibgp ? 1 : -1;
	if (pa->router_id != pb->router_id)
		return pa->router_id < pb->router_id ? -1 : 1;
	if ((c = memcmp(pa->addr.addr, pb->addr.addr,
	    sizeof(pa->addr.addr))) != 0)
		return c;
	if (a->path_id != b->path_id)
		return a->path_id < b->path_id ? -1 : 1;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

/* Deterministic MED by brute force: a path competes unless a path of its
 * neighbour AS beats it with MED; the best is the least competitor
 * without MED. */
static const struct rib_path *
ref_best(const struct rib_path *v, size_t n)
{
	const struct rib_path *best = NULL;

	for (size_t i = 0; i < n; i++) {
		bool beaten = false;

		for (size_t j = 0; j < n && !beaten; j++)
			beaten = j != i && v[j].attrs->neighbor_as ==
			    v[i].attrs->neighbor_as &&
			    ref_cmp(&v[j], &v[i], true) < 0;
		if (!beaten && (best == NULL || ref_cmp(&v[i], best, false) < 0))
			best = &v[i];
	}
	return best;
}

/* Gives back the test's references to n attribute sets: with the paths
 * gone, none is left. */
static void
attrs_put_all(struct rattrs **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rattrs_put(&rib.attrs, v[i]);
	ck_assert_uint_eq(rib.attrs.count, 0);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random attributes with few values each, so that every step of the
 * order decides often: LOCAL_PREF 100 or 200, neighbour AS 10, 20, ...
 * (n_as of them), paths of 1..3 ASes, ORIGIN IGP or EGP, MED none, 0, 5
 * or 10. med_only: LOCAL_PREF, length and ORIGIN all alike, so that MED
 * and the tie-breakers decide everything. */
static struct rattrs *
random_attrs(uint64_t *s, unsigned n_as, bool med_only)
{
	static const long meds[] = { -1, 0, 5, 10 };
	char path[64];
	unsigned len = med_only ? 2 : 1 + (unsigned)(rnd(s) % 3);
	int off;

	off = snprintf(path, sizeof(path), "%u", 10 * (1 + (unsigned)(rnd(s) %
	    n_as)));
	for (unsigned i = 1; i < len; i++)
		off += snprintf(path + off, sizeof(path) - (size_t)off, " %u",
		    100 + i);
	if (med_only)
		return attrs(100, path, 0, meds[rnd(s) % 4],
		    (uint8_t)(1 + rnd(s) % 3));
	return attrs(rnd(s) % 4 == 0 ? 200 : 100, path,
	    (uint8_t)(rnd(s) % 3 == 0), meds[rnd(s) % 4],
	    (uint8_t)(1 + rnd(s) % 3));
}

static long
model_find(const struct model *m, int k, int peer, uint32_t id)
{
	for (size_t i = 0; i < m->n[k]; i++)
		if (m->paths[k][i].peer == peer && m->paths[k][i].path_id == id)
			return (long)i;
	return -1;
}

static void
model_del(struct model *m, int k, size_t i)
{
	m->paths[k][i] = m->paths[k][--m->n[k]];
}

static bool
model_old(const struct rib_path *p)
{
	return p->epoch != rib.peers[p->peer].epoch;
}

/* After a flush step: the earlier lives' paths the RIB no longer has
 * go from the model too (which ones is the pass's business; that only
 * they went, and the best after, model_check sees). */
static void
model_flushed(struct model *m)
{
	for (int k = 0; k < MODEL_PREFIXES; k++)
		for (size_t i = m->n[k]; i-- > 0;) {
			const struct rib_path *p = &m->paths[k][i];
			const struct ptree_node *n = ptree_find(
			    &rib.tree[m->pfx[k].af], &m->pfx[k]);

			if (model_old(p) && (n == NULL || rib_node_path(&rib,
			    n, p->peer, p->path_id) == NULL))
				model_del(m, k, i);
		}
}

/* Each peer's counts, of this life and of earlier ones, are the model's. */
static void
model_counts_check(const struct model *m, const int *peers, int n_peers,
    const char *what, int step)
{
	size_t all_old = 0;

	for (int j = 0; j < n_peers; j++) {
		size_t now = 0, old = 0;

		for (int k = 0; k < MODEL_PREFIXES; k++)
			for (size_t i = 0; i < m->n[k]; i++)
				if (m->paths[k][i].peer == peers[j]) {
					if (model_old(&m->paths[k][i]))
						old++;
					else
						now++;
				}
		ck_assert_msg(rib.peers[peers[j]].n_paths == now &&
		    rib.peers[peers[j]].n_flush == old, "step %d (%s): peer %d "
		    "has %zu + %zu old paths, model %zu + %zu", step, what,
		    peers[j], rib.peers[peers[j]].n_paths,
		    rib.peers[peers[j]].n_flush, now, old);
		all_old += old;
	}
	ck_assert_uint_eq(rib.n_flush, all_old);
}

/* The peer's paths everywhere: removed, marked stale, or (sweep) the
 * stale ones removed; only in prefix `only` unless it is -1. */
static void
model_peer(struct model *m, int peer, int only, bool mark, bool stale_only)
{
	for (int k = 0; k < MODEL_PREFIXES; k++)
		for (size_t i = m->n[k]; i-- > 0;) {
			struct rib_path *p = &m->paths[k][i];

			if (p->peer != peer || (only >= 0 && k != only))
				continue;
			if (mark)
				p->flags |= RIB_PATH_STALE;
			else if (!stale_only || (p->flags & RIB_PATH_STALE))
				model_del(m, k, i);
		}
}

static bool
same_path(const struct rib_path *a, const struct rib_path *b)
{
	return a->peer == b->peer && a->path_id == b->path_id &&
	    a->attrs == b->attrs;
}

/* The RIB holds exactly the model's paths, the reference's best first,
 * and reported that best. Returns whether the best is another than
 * `before` (NULL: none before). */
static bool
model_check(const struct model *m, int k, const struct rib_path *before,
    const char *what, int step)
{
	const struct rib_path *v, *best;
	size_t n;

	v = rib_lookup(&rib, &m->pfx[k], &n);
	ck_assert_msg(n == m->n[k], "step %d (%s): %zu paths, model %zu",
	    step, what, n, m->n[k]);
	if (n == 0) {
		ck_assert_msg(!m->reported[k], "step %d (%s): gone, not "
		    "reported", step, what);
		return before != NULL;
	}
	best = ref_best(m->paths[k], m->n[k]);
	ck_assert_msg(same_path(&v[0], best), "step %d (%s): best peer %d "
	    "id %u, reference peer %d id %u", step, what, v[0].peer,
	    v[0].path_id, best->peer, best->path_id);
	ck_assert_msg(m->reported[k] && same_path(&m->reported_best[k], best),
	    "step %d (%s): best not reported", step, what);
	for (size_t i = 0; i < m->n[k]; i++) {
		const struct rib_path *p = &m->paths[k][i];
		size_t j;

		for (j = 0; j < n && !(v[j].peer == p->peer &&
		    v[j].path_id == p->path_id); j++)
			;
		ck_assert_msg(j < n && v[j].attrs == p->attrs &&
		    (v[j].flags & RIB_PATH_STALE) == (p->flags &
		    RIB_PATH_STALE), "step %d (%s): path %d/%u", step, what,
		    p->peer, p->path_id);
	}
	return before == NULL || !same_path(before, best);
}

static const struct {
	const char	*name, *addr;
	uint32_t	 as, id;
	bool		 ibgp;
} ref_peers[] = {
	{ "p0", "100.65.128.1", 47065, 1, true },
	{ "p1", "100.65.128.2", 47065, 2, true },
	{ "p2", "100.65.128.3", 47065, 2, true },	/* p1's router id */
	{ "p3", "100.65.128.4", 65001, 3, false },
	{ "p4", "100.65.128.5", 65002, 1, false },
};
#define N_REF_PEERS	((int)(sizeof(ref_peers) / sizeof(ref_peers[0])))
#define N_POOL		40

static bool
keep_other_prefix(void *ctx, const struct prefix *p)
{
	return !prefix_equal(ctx, p);
}

/* One random step on the RIB and the model alike. */
static const char *
random_step(struct model *m, const int *peers, struct rattrs **pool,
    uint64_t *s)
{
	int k = (int)(rnd(s) % MODEL_PREFIXES), pi = (int)(rnd(s) % N_REF_PEERS);
	int pr = peers[pi], op = (int)(rnd(s) % 100);
	uint32_t id = (uint32_t)(rnd(s) % 6);
	long i = model_find(m, k, pr, id);

	if (op < 55) {
		struct rattrs *ra = pool[rnd(s) % N_POOL];

		ck_assert_int_eq(rib_update(&rib, pr, &m->pfx[k], id, ra),
		    RIB_OK);
		if (i < 0)
			i = (long)m->n[k]++;
		/* Of the peer's life now, an earlier life's path or not. */
		m->paths[k][i] = (struct rib_path){ ra, id, (uint16_t)pr, 0,
		    rib.peers[pr].epoch };
		return "update";
	}
	if (op < 80) {
		rib_withdraw(&rib, pr, &m->pfx[k], id);
		if (i >= 0)
			model_del(m, k, (size_t)i);
		return "withdraw";
	}
	if (op < 85) {
		/* Its paths stay, an earlier life's, until flushed. */
		rib_peer_down(&rib, pr, false);
		return "peer down";
	}
	if (op < 90) {
		if (rnd(s) % 4 == 0)
			rib_flush_all(&rib);
		else
			rib_flush_step(&rib, 1 + rnd(s) % 3, 1 + rnd(s) % 4);
		model_flushed(m);
		return "flush";
	}
	if (op < 95) {
		rib_peer_down(&rib, pr, true);
		model_peer(m, pr, -1, true, false);
		return "stale";
	}
	if (op < 98) {
		rib_peer_sweep(&rib, pr);
		model_peer(m, pr, -1, false, true);
		return "sweep";
	}
	rib_peer_filter(&rib, pr, keep_other_prefix, &m->pfx[k]);
	model_peer(m, pr, k, false, false);
	return "filter";
}

/*
 * The key test of incremental best-path selection: thousands of random
 * announcements, replacements, withdrawals, peers going down, stale marks
 * and sweeps, over paths that differ in every step of the order (MEDs
 * and neighbour ASes mixed), each followed by a comparison with the
 * brute-force reference: the same paths, the same best, that best
 * reported, and one report per prefix whose best changed, none
 * otherwise.
 */
START_TEST(test_best_random_vs_reference)
{
	static struct model m;
	struct rattrs *pool[N_POOL];
	int peers[N_REF_PEERS];
	uint64_t s = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);

	memset(&m, 0, sizeof(m));
	cb_model = &m;
	m.pfx[0] = pfx("184.164.224.0/24");
	m.pfx[1] = pfx("184.164.225.0/24");
	m.pfx[2] = pfx("2804:269c::/48");
	for (int i = 0; i < N_REF_PEERS; i++) {
		struct prefix a;

		ck_assert_int_eq(addr_parse(ref_peers[i].addr, &a), 0);
		peers[i] = rib_peer_add(&rib, ref_peers[i].name, AF_IDX_IPV4,
		    &a, ref_peers[i].as, ref_peers[i].ibgp);
		rib_peer_set_router_id(&rib, peers[i], ref_peers[i].id);
	}
	/* Odd runs: MED and the tie-breakers alone, three ASes. */
	for (int i = 0; i < N_POOL; i++)
		pool[i] = random_attrs(&s, _i % 2 ? 3 : 4, _i % 2);
	for (int step = 0; step < 4000; step++) {
		struct rib_path before[MODEL_PREFIXES];
		bool had[MODEL_PREFIXES];
		const char *what;
		int want = 0;

		for (int k = 0; k < MODEL_PREFIXES; k++) {
			had[k] = m.reported[k];
			before[k] = m.reported_best[k];
		}
		changes = 0;
		what = random_step(&m, peers, pool, &s);
		for (int k = 0; k < MODEL_PREFIXES; k++)
			want += model_check(&m, k, had[k] ? &before[k] : NULL,
			    what, step);
		ck_assert_msg(changes == want, "step %d (%s): %d reports, %d "
		    "changes", step, what, changes, want);
		model_counts_check(&m, peers, N_REF_PEERS, what, step);
	}
	for (int i = 0; i < N_REF_PEERS; i++)
		rib_peer_remove(&rib, peers[i]);
	rib_flush_all(&rib);
	ck_assert_uint_eq(rib.n_paths, 0);
	ck_assert_uint_eq(rib.n_flush, 0);
	ck_assert_uint_eq(rib.flush_miscounts, 0);
	for (int i = 0; i < N_REF_PEERS; i++)
		ck_assert(!rib.peers[peers[i]].in_use);
	attrs_put_all(pool, N_POOL);
}
END_TEST

/* The best of a long array against the reference. */
static void
check_long(const struct prefix *p, const struct rib_path *shadow, size_t n,
    const char *what)
{
	size_t count;
	const struct rib_path *v = rib_lookup(&rib, p, &count);
	const struct rib_path *best = ref_best(shadow, n);

	ck_assert_uint_eq(count, n);
	ck_assert_msg(same_path(&v[0], best), "%s: %zu paths: best peer %d "
	    "id %u, reference peer %d id %u", what, n, v[0].peer, v[0].path_id,
	    best->peer, best->path_id);
}

/* Few passes over all paths since *since (then now): not one per path. */
static void
rescans_check(uint64_t *since, const char *phase)
{
	ck_assert_msg(rib.best_rescans - *since < 100, "%s: %llu rescans",
	    phase, (unsigned long long)(rib.best_rescans - *since));
	*since = rib.best_rescans;
}

/*
 * 10,000 paths of one prefix from one ADD-PATH peer, twenty neighbour
 * ASes, MEDs mixed: announced in random order, each replaced, withdrawn
 * in random order, the best checked against the reference as it goes.
 * Per path the work must not grow with the paths: the passes over all
 * of them (rescans) stay a few dozen where selecting anew per update
 * made 10,000 per phase.
 */
#define LONG_PATHS	10000
START_TEST(test_best_10000_paths)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	struct prefix p = pfx("8.8.8.0/24");
	static struct rib_path shadow[LONG_PATHS];
	static uint32_t order[LONG_PATHS];
	struct rattrs *pool[200];
	uint64_t s = 42, rescans;
	size_t n = 0, i;
	long k;

	for (i = 0; i < 200; i++)
		pool[i] = random_attrs(&s, 20, false);
	for (i = 0; i < LONG_PATHS; i++)
		order[i] = (uint32_t)i;
	for (i = LONG_PATHS - 1; i > 0; i--) {
		size_t j = rnd(&s) % (i + 1);
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	rescans = rib.best_rescans;
	for (i = 0; i < LONG_PATHS; i++) {
		struct rattrs *ra = pool[rnd(&s) % 200];

		ck_assert_int_eq(rib_update(&rib, m, &p, order[i], ra), RIB_OK);
		shadow[n++] = (struct rib_path){ ra, order[i], (uint16_t)m, 0, 0 };
		if (n % 2500 == 0)
			check_long(&p, shadow, n, "announced");
	}
	rescans_check(&rescans, "announced");
	for (i = 0; i < LONG_PATHS; i++) {
		struct rattrs *ra = pool[rnd(&s) % 200];

		ck_assert_int_eq(rib_update(&rib, m, &p, shadow[i].path_id, ra),
		    RIB_OK);
		shadow[i].attrs = ra;
		if (i % 2500 == 2499)
			check_long(&p, shadow, n, "replaced");
	}
	rescans_check(&rescans, "replaced");
	for (i = 0; i < LONG_PATHS; i++) {
		rib_withdraw(&rib, m, &p, order[i]);
		for (k = 0; shadow[k].path_id != order[i]; k++)
			;
		shadow[k] = shadow[--n];
		if (n > 0 && n % 2500 == 0)
			check_long(&p, shadow, n, "withdrawn");
	}
	rescans_check(&rescans, "withdrawn");
	ck_assert_ptr_null(rib_lookup(&rib, &p, NULL));
	ck_assert_uint_eq(rib.paths.heap_bytes, 0);
	attrs_put_all(pool, 200);
}
END_TEST

/* 10,000 paths of one prefix from forty peers: the peer goes down,
 * then another, each taking its 250 paths along. */
START_TEST(test_long_peers_down)
{
	struct prefix p = pfx("8.8.8.0/24");
	int peers[40];
	struct rattrs *pool[50];
	uint64_t s = 7;
	size_t n;
	char name[16], addr[32];

	for (int i = 0; i < 50; i++)
		pool[i] = random_attrs(&s, 10, false);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(addr, sizeof(addr), "100.65.128.%d", i + 1);
		peers[i] = peer(name, addr, 47065, true, (uint32_t)(i % 7));
		for (uint32_t id = 0; id < 250; id++)
			rib_update(&rib, peers[i], &p, id,
			    pool[rnd(&s) % 50]);
	}
	ck_assert_ptr_nonnull(rib_lookup(&rib, &p, &n));
	ck_assert_uint_eq(n, 10000);
	for (int i = 0; i < 40; i++) {
		const struct rib_path *v;
		static struct rib_path shadow[10000];

		rib_peer_down(&rib, peers[i], false);
		/* The flush takes the 250 in one step of one prefix. */
		ck_assert_uint_eq(rib_flush_step(&rib, 1, SIZE_MAX), 250);
		ck_assert(!rib_flush_pending(&rib));
		v = rib_lookup(&rib, &p, &n);
		ck_assert_uint_eq(n, (size_t)(39 - i) * 250);
		if (n == 0)
			break;
		memcpy(shadow, v, n * sizeof(*v));
		check_long(&p, shadow, n, "peer down");
	}
	ck_assert_uint_eq(rib.n_paths, 0);
	attrs_put_all(pool, 50);
}
END_TEST

/* n prefixes 10.x.y.0/24 from peer with attributes a. */
static void
announce_n(int peer, int n, struct rattrs *a)
{
	char text[32];

	for (int i = 0; i < n; i++) {
		struct prefix p;

		snprintf(text, sizeof(text), "10.%d.%d.0/24", i / 250, i % 250);
		p = pfx(text);
		ck_assert_int_eq(rib_update(&rib, peer, &p, 0, a), RIB_OK);
	}
}

static const struct rib_path *
path_at(int i, int peer)
{
	char text[32];
	struct prefix p;
	const struct ptree_node *n;

	snprintf(text, sizeof(text), "10.%d.%d.0/24", i / 250, i % 250);
	p = pfx(text);
	n = ptree_find(&rib.tree[AF_IDX_IPV4], &p);
	return n != NULL ? rib_node_path(&rib, n, peer, 0) : NULL;
}

/*
 * A session down without graceful restart: its 1000 paths stay, best
 * paths and all, until the flush reaches them, each step within its
 * budget of prefixes visited and paths removed; the best of each prefix
 * goes to the other peer as its path goes, reported once.
 */
START_TEST(test_flush_in_steps)
{
	int m1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int m2 = peer("m2", "100.66.128.1", 47065, true, 2);
	struct rattrs *a = attrs(200, "1 2", 0, -1, 1);
	struct rattrs *b = attrs(100, "1 2", 0, -1, 2);
	size_t got, total = 0, steps = 0;

	announce_n(m1, 1000, a);
	announce_n(m2, 500, b);
	changes = 0;
	rib_peer_down(&rib, m1, false);
	ck_assert_int_eq(changes, 0);		/* nothing yet */
	ck_assert_uint_eq(rib.peers[m1].n_paths, 0);
	ck_assert_uint_eq(rib.peers[m1].n_flush, 1000);
	ck_assert_uint_eq(rib.n_paths, 1500);
	ck_assert(rib_flush_pending(&rib));
	ck_assert_ptr_nonnull(path_at(999, m1));
	/* 100 prefixes visited at most. */
	got = rib_flush_step(&rib, 100, SIZE_MAX);
	ck_assert_uint_eq(got, 100);
	total += got;
	/* 7 paths removed, then it stops (one path a prefix here). */
	got = rib_flush_step(&rib, SIZE_MAX, 7);
	ck_assert_uint_eq(got, 7);
	total += got;
	ck_assert_ptr_null(path_at(0, m1));
	ck_assert_ptr_null(path_at(106, m1));
	ck_assert_ptr_nonnull(path_at(107, m1));
	while (rib_flush_pending(&rib)) {
		got = rib_flush_step(&rib, 64, 16);
		ck_assert_uint_le(got, 16);
		total += got;
		ck_assert_uint_lt(++steps, 1000);
	}
	ck_assert_uint_eq(total, 1000);
	ck_assert_uint_eq(rib.n_paths, 500);
	ck_assert_uint_eq(rib.peers[m1].n_flush, 0);
	/* Each prefix's best changed once: to m2, or to none. */
	ck_assert_int_eq(changes, 1000);
	ck_assert_ptr_null(path_at(999, m1));
	ck_assert_ptr_nonnull(path_at(0, m2));
	ck_assert_uint_eq(rib.tree[AF_IDX_IPV4].n_data, 500);
	ck_assert_uint_eq(rib.flush_miscounts, 0);
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
}
END_TEST

/*
 * Back before the flush: what the session announces again is its new
 * life's (not flushed, counted as its paths), the rest goes; a second
 * peer going down while the pass is half-way is flushed whole too (its
 * paths behind the pass by the next one).
 */
START_TEST(test_flush_new_life)
{
	int m1 = peer("m1", "100.65.128.1", 47065, true, 1);
	int m2 = peer("m2", "100.66.128.1", 47065, true, 2);
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);
	struct rattrs *b = attrs(100, "1 2 3", 0, -1, 1);

	announce_n(m1, 1000, a);
	announce_n(m2, 1000, a);
	rib_peer_down(&rib, m1, false);
	/* Half again, with other attributes, before any flush. */
	announce_n(m1, 500, b);
	ck_assert_uint_eq(rib.peers[m1].n_paths, 500);
	ck_assert_uint_eq(rib.peers[m1].n_flush, 500);
	/* The pass half-way, then m2 goes. */
	/* (prefixes 500 to 599: m1's first life's 100 of them) */
	ck_assert_uint_eq(rib_flush_step(&rib, 600, SIZE_MAX), 100);
	rib_peer_down(&rib, m2, false);
	ck_assert_uint_eq(rib.n_flush, 1400);
	rib_flush_all(&rib);
	ck_assert_uint_eq(rib.n_paths, 500);
	ck_assert_uint_eq(rib.peers[m1].n_paths, 500);
	ck_assert_uint_eq(rib.peers[m2].n_paths, 0);
	for (int i = 0; i < 1000; i++) {
		const struct rib_path *v = path_at(i, m1);

		ck_assert_ptr_null(path_at(i, m2));
		if (i < 500)
			ck_assert(v != NULL && v->attrs == b);
		else
			ck_assert_ptr_null(v);
	}
	ck_assert_uint_eq(rib.flush_miscounts, 0);
	/* Down with nothing of this life: no new life, nothing to flush. */
	rib_peer_down(&rib, m2, false);
	ck_assert(!rib_flush_pending(&rib));
	rib_peer_remove(&rib, m1);
	rib_peer_remove(&rib, m2);
	ck_assert(!rib.peers[m2].in_use);	/* nothing left: free now */
	ck_assert(rib.peers[m1].retired);
	rib_flush_all(&rib);
	ck_assert_uint_eq(rib.n_paths, 0);
	ck_assert(!rib.peers[m1].in_use);
	rattrs_put(&rib.attrs, a);
	rattrs_put(&rib.attrs, b);
}
END_TEST

/*
 * Lives are counted in 8 bits: 300 downs, each after one path again and
 * no flush in between, must not bring the first life's paths back when
 * the count comes round (they go at the 255th, at once).
 */
START_TEST(test_flush_lives_wrap)
{
	int m1 = peer("m1", "100.65.128.1", 47065, true, 1);
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);

	announce_n(m1, 10, a);
	for (int i = 0; i < 300; i++) {
		rib_peer_down(&rib, m1, false);
		announce_n(m1, 1, a);
	}
	ck_assert_uint_eq(rib.peers[m1].n_paths, 1);
	rib_flush_all(&rib);
	ck_assert_uint_eq(rib.n_paths, 1);
	ck_assert_ptr_nonnull(path_at(0, m1));
	for (int i = 1; i < 10; i++)
		ck_assert_ptr_null(path_at(i, m1));
	ck_assert_uint_eq(rib.flush_miscounts, 0);
	rattrs_put(&rib.attrs, a);
}
END_TEST

/* Every slot taken, one of them retired: a new peer gets it, its paths
 * flushed first. */
START_TEST(test_flush_retired_slot)
{
	struct prefix any = pfx("0.0.0.0/0");
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);
	int m1 = peer("m1", "100.65.128.1", 47065, true, 1), again;

	announce_n(m1, 100, a);
	while (rib_peer_add(&rib, "x", AF_IDX_IPV4, &any, 1, false) >= 0)
		;
	rib_peer_remove(&rib, m1);
	ck_assert(rib.peers[m1].in_use && rib.peers[m1].retired);
	again = rib_peer_add(&rib, "m1", AF_IDX_IPV4, &any, 1, false);
	ck_assert_int_eq(again, m1);
	ck_assert_uint_eq(rib.n_paths, 0);
	ck_assert_uint_eq(rib.peers[again].n_paths, 0);
	ck_assert(!rib.peers[again].retired);
	rattrs_put(&rib.attrs, a);
}
END_TEST

/* A peer's limits: in all and per prefix, refused and counted, a
 * replacement never refused, room again after a withdraw; other peers'
 * paths count for them, not for it. */
START_TEST(test_limits)
{
	int m = peer("m1", "100.65.128.1", 47065, true, 1);
	int o = peer("m2", "100.66.128.1", 47065, true, 2);
	struct prefix p = pfx("1.1.1.0/24"), q = pfx("1.1.2.0/24");
	struct prefix r = pfx("1.1.3.0/24");
	struct rattrs *a = attrs(100, "1 2", 0, -1, 1);
	size_t nodes = rib.tree[AF_IDX_IPV4].n_data;

	rib_peer_set_limits(&rib, m, 5, 3);
	for (uint32_t id = 0; id < 3; id++)
		ck_assert_int_eq(rib_update(&rib, m, &p, id, a), RIB_OK);
	ck_assert_int_eq(rib_update(&rib, m, &p, 3, a),
	    RIB_OVER_MAX_PREFIX_PATHS);
	ck_assert_int_eq(rib_update(&rib, m, &p, 1, a), RIB_OK);
	for (uint32_t id = 0; id < 100; id++)
		ck_assert_int_eq(rib_update(&rib, o, &p, id, a), RIB_OK);
	ck_assert_int_eq(rib_update(&rib, m, &p, 4, a),
	    RIB_OVER_MAX_PREFIX_PATHS);
	rib_withdraw(&rib, m, &p, 0);
	ck_assert_int_eq(rib_update(&rib, m, &p, 4, a), RIB_OK);
	ck_assert_uint_eq(rib.peers[m].refused_max_prefix_paths, 2);
	ck_assert_int_eq(rib_update(&rib, m, &q, 0, a), RIB_OK);
	ck_assert_int_eq(rib_update(&rib, m, &q, 1, a), RIB_OK);
	/* Five paths: a new prefix is refused and leaves no node. */
	ck_assert_int_eq(rib_update(&rib, m, &r, 0, a), RIB_OVER_MAX_PATHS);
	ck_assert_ptr_null(rib_lookup(&rib, &r, NULL));
	ck_assert_uint_eq(rib.tree[AF_IDX_IPV4].n_data, nodes + 2);
	ck_assert_uint_eq(rib.peers[m].refused_max_paths, 1);
	ck_assert_uint_eq(rib.peers[m].n_paths, 5);
	{
		struct rib_mem mem;

		rib_memory(&rib, &mem);
		ck_assert_uint_eq(mem.paths_refused, 3);
	}
	/* No limit: anything goes. */
	rib_peer_set_limits(&rib, m, 0, 0);
	ck_assert_int_eq(rib_update(&rib, m, &r, 0, a), RIB_OK);
	ck_assert_int_eq(rib_update(&rib, m, &p, 9, a), RIB_OK);
	rib_peer_remove(&rib, m);
	rib_peer_remove(&rib, o);
	rib_flush_all(&rib);
	ck_assert_uint_eq(rib.n_paths, 0);
	rattrs_put(&rib.attrs, a);
}
END_TEST

/* The seams the daemon uses instead of the RIB's structs. */
START_TEST(test_peer_seams)
{
	int a = peer("mux1", "100.65.0.1", 47065, true, 1);
	struct rattrs *ra = attrs(100, "", 0, -1, 1);
	struct prefix p = pfx("184.164.224.0/24");
	size_t n;

	ck_assert_ptr_null(rib_peer_info(&rib, -1));
	ck_assert_str_eq(rib_peer_info(&rib, a)->name, "mux1");
	rib_peer_set_ifname(&rib, a, "tap1");
	rib_peer_set_link(&rib, a, false, 7);
	ck_assert_str_eq(rib_peer_info(&rib, a)->ifname, "tap1");
	ck_assert_int_eq(rib_peer_info(&rib, a)->ifindex, 7);
	ck_assert(!rib_peer_info(&rib, a)->ibgp);
	ck_assert_ptr_eq(rib_tree(&rib, AF_IDX_IPV6), &rib_trees(&rib)[1]);
	ck_assert_int_eq(rib_update(&rib, a, &p, 0, ra), RIB_OK);
	rib_attrs_put(&rib, ra);
	ck_assert_int_eq(changes, 1);
	ck_assert_ptr_nonnull(ptree_find(rib_tree(&rib, AF_IDX_IPV4), &p));
	rib_best_mute(&rib);
	rib_withdraw(&rib, a, &p, 0);		/* told nobody */
	ck_assert_int_eq(changes, 1);
	ck_assert_ptr_null(rib_lookup(&rib, &p, &n));
}
END_TEST

START_TEST(test_policy)
{
	struct import_policy imp;
	struct prefix p;

	memset(&imp, 0, sizeof(imp));
	p = pfx("184.164.224.0/24");
	imp.mode = IMPORT_ALL;
	ck_assert(policy_import(&imp, &p));
	imp.mode = IMPORT_NONE;
	ck_assert(!policy_import(&imp, &p));
	imp.mode = IMPORT_PREFIX_LIST;
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
	tcase_add_test(tc, test_peer_seams);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_flush_in_steps);
	tcase_add_test(tc, test_flush_new_life);
	tcase_add_test(tc, test_flush_lives_wrap);
	tcase_add_test(tc, test_flush_retired_slot);
	suite_add_tcase(s, tc);
	/* Thousands of steps, each checked by brute force. */
	tc = tcase_create("rib best vs reference");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_best_random_vs_reference, 0, 8);
	tcase_add_test(tc, test_best_10000_paths);
	tcase_add_test(tc, test_long_peers_down);
	suite_add_tcase(s, tc);
	return s;
}
