/*
 * The RIB cursor: ptree_next against a sorted model, a whole walk against
 * ptree_walk, the within and exact ranges, and walks with the RIB changed
 * between every two steps (prefixes and the paths of a cut prefix come
 * and go): every path there throughout is visited exactly once, none
 * twice, prefixes in order.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/rib/cursor.h"
#include "testutil.h"

#define RC_ASSERT(c) do {						\
	if (!(c))							\
		ck_abort_msg("Assertion '%s' failed", #c);		\
} while (0)

static struct rib rib;
static struct rattrs *ra;

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
setup(void)
{
	struct bgp_attrs a;
	uint8_t hop[16] = { 100, 65, 0, 1 };

	ck_assert_int_eq(rib_init(&rib, NULL, NULL), 0);
	bgp_attrs_init(&a);
	a.origin = 0;
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	ra = rattrs_get(&rib.attrs, &a, AF_IDX_IPV4, hop, NULL);
	ck_assert_ptr_nonnull(ra);
}

static void
teardown(void)
{
	rattrs_put(&rib.attrs, ra);
	rib_destroy(&rib);
}

static int
add_peer(int i)
{
	struct prefix a;
	char name[32];
	int p;

	snprintf(name, sizeof(name), "p%d", i);
	memset(&a, 0, sizeof(a));
	a.af = AF_IDX_IPV4;
	a.len = 32;
	a.addr[0] = 10;
	a.addr[3] = (uint8_t)(i + 1);
	p = rib_peer_add(&rib, name, AF_IDX_IPV4, &a, 65000 + (uint32_t)i,
	    false);
	ck_assert_int_ge(p, 0);
	return p;
}

/* A random prefix of af: lengths spread over the three tree levels. */
static struct prefix
random_prefix(uint64_t *s, unsigned af)
{
	static const uint8_t lens4[] = { 0, 8, 12, 15, 16, 17, 19, 20, 22,
	    24, 24, 24, 28, 32 };
	static const uint8_t lens6[] = { 0, 12, 16, 29, 32, 48, 48, 64, 128 };
	struct prefix p;
	uint64_t x = rnd(s);

	memset(&p, 0, sizeof(p));
	p.af = (uint8_t)af;
	if (af == AF_IDX_IPV4)
		p.len = lens4[x % sizeof(lens4)];
	else
		p.len = lens6[x % sizeof(lens6)];
	x = rnd(s);
	/* Few distinct top bits, so prefixes nest and share subtrees. */
	p.addr[0] = (uint8_t)(10 + (x & 3));
	p.addr[1] = (uint8_t)(x >> 8 & 7);
	p.addr[2] = (uint8_t)(x >> 16);
	p.addr[3] = (uint8_t)(x >> 24);
	for (unsigned i = 4; af == AF_IDX_IPV6 && i < 16; i++)
		p.addr[i] = (uint8_t)(rnd(s) & 0x81);
	prefix_mask(&p);
	return p;
}

static int
order_cmp(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, af_addr_bytes(a->af))) != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
order_qcmp(const void *a, const void *b)
{
	return order_cmp(a, b);
}

struct collect {
	struct ptree	*t;
	struct prefix	*v;
	size_t		 n;
};

static int
collect_cb(void *ctx, const struct ptree_node *n)
{
	struct collect *c = ctx;

	ptree_prefix(c->t, n, &c->v[c->n++]);
	return 0;
}

/* ptree_next from every prefix in the tree and from random ones equals
 * the next in the sorted model. */
static void
check_next(unsigned af, uint64_t seed)
{
	struct ptree *t = &rib.tree[af];
	struct prefix *model;
	size_t n = 0, i;
	int peer = add_peer(0);

	model = calloc(3000, sizeof(*model));
	for (i = 0; i < 3000; i++) {
		struct prefix p = random_prefix(&seed, af);

		if (rib_lookup(&rib, &p, NULL) != NULL)
			continue;
		rattrs_ref(ra);
		ck_assert_int_eq(rib_update(&rib, peer, &p, 1, ra), RIB_OK);
		model[n++] = p;
	}
	qsort(model, n, sizeof(*model), order_qcmp);
	{
		struct collect c = { t, calloc(n, sizeof(struct prefix)), 0 };

		ptree_walk(t, collect_cb, &c);
		ck_assert_uint_eq(c.n, n);
		for (i = 0; i < n; i++)
			RC_ASSERT(prefix_equal(&c.v[i], &model[i]));
		free(c.v);
	}
	for (i = 0; i < 3 * n; i++) {
		struct prefix q = i < n ? model[i] : random_prefix(&seed, af);
		bool strict = (i & 1) != 0 || i < n;
		struct ptree_node *got = ptree_next(t, &q, strict);
		size_t j = 0;
		struct prefix gp;

		while (j < n && (order_cmp(&model[j], &q) < 0 ||
		    (strict && order_cmp(&model[j], &q) == 0)))
			j++;
		if (j == n) {
			RC_ASSERT(got == NULL);
			continue;
		}
		RC_ASSERT(got != NULL);
		ptree_prefix(t, got, &gp);
		RC_ASSERT(prefix_equal(&gp, &model[j]));
	}
	free(model);
}

START_TEST(test_next_v4)
{
	check_next(AF_IDX_IPV4, 0x1234567ull);
}
END_TEST

START_TEST(test_next_v6)
{
	check_next(AF_IDX_IPV6, 0x7654321ull);
}
END_TEST

/* ---- walks ---- */

#define RC_PEERS	8

struct seen {
	struct prefix	 last;
	bool		 any;
	size_t		 paths;
	size_t		 bests;
	/* visits per (prefix slot, peer, id) of the random tests */
	const struct prefix *pfx;
	size_t		 n_pfx;
	uint8_t		*count;		/* n_pfx * RC_PEERS * RC_IDS */
	uint32_t	 n_ids;
};

static void
seen_visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	struct seen *s = ctx;

	if (s->any && !prefix_equal(&s->last, p))
		RC_ASSERT(order_cmp(&s->last, p) < 0);
	s->last = *p;
	s->any = true;
	s->paths++;
	s->bests += best;
	if (s->count != NULL) {
		size_t lo = 0, hi = s->n_pfx;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (order_cmp(&s->pfx[mid], p) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		RC_ASSERT(lo < s->n_pfx && prefix_equal(&s->pfx[lo], p));
		RC_ASSERT(path->path_id < s->n_ids);
		s->count[(lo * RC_PEERS + path->peer) * s->n_ids +
		    path->path_id]++;
	}
}

static size_t
walk_all(struct rib_cursor *c, struct seen *s)
{
	size_t steps = 0;

	while (rib_cursor_step(&rib, c, seen_visit, s) > 0)
		steps++;
	return steps;
}

START_TEST(test_walk_ranges)
{
	const char *v[] = { "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16",
	    "10.1.2.0/24", "10.1.2.128/25", "10.1.3.0/24", "10.2.0.0/16",
	    "11.0.0.0/8", "2001:db8::/32", "2001:db8:1::/48" };
	struct rib_cursor c;
	struct seen s;
	struct prefix p;
	int peer = add_peer(0), peer2 = add_peer(1);

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(prefix_parse(v[i], true, &p), 0);
		rattrs_ref(ra);
		ck_assert_int_eq(rib_update(&rib, peer, &p, 1, ra), RIB_OK);
		rattrs_ref(ra);
		ck_assert_int_eq(rib_update(&rib, peer2, &p, 7, ra), RIB_OK);
	}
	memset(&s, 0, sizeof(s));
	rib_cursor_init(&c, AF_IDX_COUNT, NULL, false);
	ck_assert_uint_eq(walk_all(&c, &s), 10);
	ck_assert_uint_eq(s.paths, 20);
	ck_assert_uint_eq(s.bests, 10);
	ck_assert_uint_eq(rib_cursor_step(&rib, &c, seen_visit, &s), 0);

	memset(&s, 0, sizeof(s));
	rib_cursor_init(&c, AF_IDX_IPV6, NULL, false);
	ck_assert_uint_eq(walk_all(&c, &s), 2);

	/* 10.1.0.0/16 and what it covers: 4 prefixes. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(prefix_parse("10.1.0.0/16", true, &p), 0);
	rib_cursor_init(&c, AF_IDX_COUNT, &p, false);
	ck_assert_uint_eq(walk_all(&c, &s), 4);
	ck_assert_int_eq(prefix_parse("10.1.3.0/24", true, &p), 0);
	ck_assert(prefix_equal(&s.last, &p));

	/* A range with no prefix of its own: 10.1.2.0/23. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(prefix_parse("10.1.2.0/23", true, &p), 0);
	rib_cursor_init(&c, AF_IDX_COUNT, &p, false);
	ck_assert_uint_eq(walk_all(&c, &s), 3);
	rib_cursor_init(&c, AF_IDX_COUNT, &p, true);
	ck_assert_uint_eq(walk_all(&c, &s), 0);

	/* Exactly 10.1.2.0/24. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(prefix_parse("10.1.2.0/24", true, &p), 0);
	rib_cursor_init(&c, AF_IDX_COUNT, &p, true);
	ck_assert_uint_eq(walk_all(&c, &s), 1);
	ck_assert_uint_eq(s.paths, 2);
}
END_TEST

/*
 * A random table walked a step at a time, with random announcements and
 * withdrawals between steps; some prefixes with more paths than a step
 * (cut). Each (prefix, peer, id) there from start to end is visited once;
 * nothing is visited twice.
 */
#define RC_PFX		400
#define RC_IDS		200

static void
random_walk(uint64_t seed, unsigned af)
{
	struct prefix *pfx = calloc(RC_PFX, sizeof(*pfx));
	uint8_t *start = calloc(RC_PFX * RC_PEERS * RC_IDS, 1);
	uint8_t *now = calloc(RC_PFX * RC_PEERS * RC_IDS, 1);
	uint8_t *always = calloc(RC_PFX * RC_PEERS * RC_IDS, 1);
	uint8_t *count = calloc(RC_PFX * RC_PEERS * RC_IDS, 1);
	int peers[RC_PEERS];
	struct rib_cursor c;
	struct seen s;
	size_t n = 0, i, total = 0, steps = 0;

	for (i = 0; i < RC_PEERS; i++)
		peers[i] = add_peer((int)i);
	while (n < RC_PFX) {
		struct prefix p = random_prefix(&seed, af);

		for (i = 0; i < n && !prefix_equal(&pfx[i], &p); i++)
			;
		if (i == n)
			pfx[n++] = p;
	}
	qsort(pfx, n, sizeof(*pfx), order_qcmp);

	/* Most prefixes get 1 to 4 paths, every 20th hundreds. */
	for (i = 0; i < n; i++) {
		size_t many = i % 20 == 3 ? RC_PEERS * RC_IDS * 3 / 4 : 1 +
		    rnd(&seed) % 4;

		for (size_t k = 0; k < many; k++) {
			size_t pe = rnd(&seed) % RC_PEERS;
			uint32_t id = (uint32_t)(rnd(&seed) % RC_IDS);
			size_t slot = (i * RC_PEERS + pe) * RC_IDS + id;

			if (i % 3 == 1 && k == 0)
				break;		/* some prefixes start empty */
			rattrs_ref(ra);
			ck_assert_int_eq(rib_update(&rib, peers[pe], &pfx[i],
			    id, ra), RIB_OK);
			now[slot] = 1;
		}
	}
	memcpy(start, now, RC_PFX * RC_PEERS * RC_IDS);
	memcpy(always, now, RC_PFX * RC_PEERS * RC_IDS);

	memset(&s, 0, sizeof(s));
	s.pfx = pfx;
	s.n_pfx = n;
	s.count = count;
	s.n_ids = RC_IDS;
	rib_cursor_init(&c, af, NULL, false);
	for (;;) {
		size_t k = rib_cursor_step(&rib, &c, seen_visit, &s);

		if (k == 0)
			break;
		RC_ASSERT(k <= RIB_CURSOR_CHUNK);
		total += k;
		steps++;
		/* Change a few paths, anywhere (also the prefix being cut:
		 * prefix 3 and every 20th after it). */
		for (int ch = 0; ch < 12; ch++) {
			size_t pi = ch < 4 ? 3 + 20 * (rnd(&seed) % (n / 20)) :
			    rnd(&seed) % n;
			size_t pe = rnd(&seed) % RC_PEERS;
			uint32_t id = (uint32_t)(rnd(&seed) % RC_IDS);
			size_t slot = (pi * RC_PEERS + pe) * RC_IDS + id;

			if (now[slot]) {
				rib_withdraw(&rib, peers[pe], &pfx[pi], id);
				now[slot] = 0;
				always[slot] = 0;
			} else {
				rattrs_ref(ra);
				ck_assert_int_eq(rib_update(&rib, peers[pe],
				    &pfx[pi], id, ra), RIB_OK);
				now[slot] = 1;
			}
		}
	}
	ck_assert_uint_eq(total, s.paths);
	ck_assert_uint_gt(steps, n / 2);
	for (i = 0; i < RC_PFX * RC_PEERS * RC_IDS; i++) {
		RC_ASSERT(count[i] <= 1);
		if (always[i])
			RC_ASSERT(count[i] == 1);
	}
	free(pfx);
	free(start);
	free(now);
	free(always);
	free(count);
}

START_TEST(test_walk_changes_v4)
{
	random_walk(0xabcdef12345ull + (uint64_t)_i, AF_IDX_IPV4);
}
END_TEST

START_TEST(test_walk_changes_v6)
{
	random_walk(0x9876543210ull + (uint64_t)_i, AF_IDX_IPV6);
}
END_TEST

/* One prefix of 5,000 paths, cut in steps; between steps paths are
 * withdrawn and added on both sides of the cursor. */
#define RC_CUT_IDS	2600

START_TEST(test_cut_prefix)
{
	struct prefix p;
	struct rib_cursor c;
	struct seen s;
	int peers[4];
	size_t k, steps = 0;
	uint8_t *count = calloc(RC_PEERS * RC_CUT_IDS, 1);
	uint8_t *always = calloc(RC_PEERS * RC_CUT_IDS, 1);

	for (int i = 0; i < 4; i++)
		peers[i] = add_peer(i);
	ck_assert_int_eq(prefix_parse("192.0.2.0/24", true, &p), 0);
	for (uint32_t id = 0; id < 1250; id++)
		for (int i = 0; i < 4; i++) {
			rattrs_ref(ra);
			ck_assert_int_eq(rib_update(&rib, peers[i], &p, id * 2,
			    ra), RIB_OK);
			always[peers[i] * RC_CUT_IDS + id * 2] = 1;
		}
	memset(&s, 0, sizeof(s));
	s.pfx = &p;
	s.n_pfx = 1;
	s.count = count;
	s.n_ids = RC_CUT_IDS;
	rib_cursor_init(&c, AF_IDX_COUNT, NULL, false);
	while ((k = rib_cursor_step(&rib, &c, seen_visit, &s)) > 0) {
		RC_ASSERT(k <= RIB_CURSOR_CHUNK);
		steps++;
		for (int i = 0; i < 3; i++) {
			int pe = peers[(steps + (size_t)i) % 4];
			uint32_t id = (uint32_t)((steps * 37 + (size_t)i * 411) %
			    1250) * 2;

			if (always[pe * RC_CUT_IDS + id]) {
				rib_withdraw(&rib, pe, &p, id);
				always[pe * RC_CUT_IDS + id] = 0;
			}
			rattrs_ref(ra);
			ck_assert_int_eq(rib_update(&rib, pe, &p, id + 1, ra),
			    RIB_OK);
		}
	}
	ck_assert_uint_ge(steps, 5000 / RIB_CURSOR_CHUNK);
	for (size_t i = 0; i < RC_PEERS * RC_CUT_IDS; i++) {
		RC_ASSERT(count[i] <= 1);
		if (always[i])
			RC_ASSERT(count[i] == 1);
	}
	free(count);
	free(always);
}
END_TEST

Suite *
rib_cursor_suite(void)
{
	Suite *s = suite_create("rib_cursor");
	TCase *tc = tcase_create("rib_cursor");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_next_v4);
	tcase_add_test(tc, test_next_v6);
	tcase_add_test(tc, test_walk_ranges);
	tcase_add_loop_test(tc, test_walk_changes_v4, 0, 3);
	tcase_add_loop_test(tc, test_walk_changes_v6, 0, 2);
	tcase_add_test(tc, test_cut_prefix);
	suite_add_tcase(s, tc);
	return s;
}
