/*
 * bench_rattrs: interning the attribute sets of a full table.
 *
 * A seeded generator (same sets on every run) makes 1M IPv4 routes from
 * one session whose attributes form about 330k distinct sets: AS paths of
 * mean length about 4.5 starting with the peer's AS, some prepending, a
 * rare AS_SET, 0..10 communities, MED on 30%, large communities on 10%.
 * Each route's set is interned with rattrs_get() in two orders: grouped
 * (a set's routes one after another, as packed UPDATEs bring them) and
 * shuffled (no locality at all). Prints time per call (median of N_RUNS,
 * the cost of filling the struct bgp_attrs taken out) and the memory the
 * sets hold. Numbers only, no verdict.
 */
#include <err.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/bgp/aspath.h"
#include "../src/bgp/update.h"
#include "../src/rib/rattrs.h"

#define SEED		0x5eedba5e0f0a11edull
#define N_ROUTES	1000000
#define N_RUNS		5
#define PEER_AS		47065
#define MAX_PATH	24

/* AS path length before prepending, per 100: mean about 4.2. */
static const unsigned pathlen_mix[] = {
	[1] = 2, [2] = 10, [3] = 24, [4] = 28, [5] = 17, [6] = 9, [7] = 5,
	[8] = 3, [9] = 1, [10] = 1,
};

/* Routes per attribute set, per 100: mean 3.01, so 1M routes make
 * about 332k sets. */
static const unsigned group_mix[] = {
	[1] = 42, [2] = 20, [3] = 12, [4] = 8, [5] = 5, [6] = 3, [7] = 2,
	[8] = 2, [10] = 2, [12] = 1, [14] = 1, [16] = 2,
};

#define NELEMS(x)	(sizeof(x) / sizeof((x)[0]))

/* xorshift-multiply PRNG (64-bit state, Weyl increment). */
static uint64_t rng_state = SEED;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z ^= z >> 31;
	z *= 0xd6e8feb86659fd93ull;
	z ^= z >> 29;
	z *= 0xcb674d999253f6b7ull;
	return z ^ (z >> 32);
}

static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static unsigned
rng_pick(const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return (unsigned)i;
		x -= w[i];
	}
	return (unsigned)(n - 1);
}

/* ---- the generated sets: compact records over one byte arena ---- */

struct gset {
	uint32_t	path_off, comm_off, lc_off;
	uint16_t	path_len, comm_len, lc_len;
	uint8_t		origin;
	uint8_t		has_med;
	uint32_t	med;
};

static struct gset	*sets;
static size_t		 n_sets;
static uint8_t		*arena;
static size_t		 arena_len, arena_cap;
static uint32_t		*route_set;	/* per route, grouped order */
static uint32_t		*route_shuf;	/* per route, shuffled order */

static uint32_t
arena_put(const struct wbuf *w)
{
	uint32_t off = (uint32_t)arena_len;

	if (w->overflow)
		errx(1, "generator buffer overflowed");
	if (arena_len + w->len > arena_cap) {
		arena_cap = 2 * arena_cap + w->len;
		if ((arena = realloc(arena, arena_cap)) == NULL)
			err(1, "realloc");
	}
	memcpy(arena + arena_len, w->p, w->len);
	arena_len += w->len;
	return off;
}

/* Origins: about 30% 4-octet numbers. */
static uint32_t
gen_origin_as(void)
{
	if (rng_below(100) < 30)
		return 131072 + rng_below(270000);
	return 1 + rng_below(64000);
}

static uint32_t
gen_transit_as(void)
{
	static const uint32_t pool[] = { 174, 209, 701, 1273, 1299, 2497,
	    2914, 3257, 3320, 3356, 3491, 4637, 4766, 5511, 6453, 6461,
	    6762, 6939, 7018, 7473, 8359, 9002, 9498, 12956, 20485, 31133,
	    37100, 136907, 262589, 263842 };

	return pool[rng_below(NELEMS(pool))];
}

static void
gen_path(struct wbuf *w)
{
	uint32_t as[MAX_PATH];
	unsigned len = rng_pick(pathlen_mix, NELEMS(pathlen_mix)), n = 0, i;
	unsigned prepend = 0;

	as[n++] = PEER_AS;
	for (i = 2; i < len; i++)
		as[n++] = gen_transit_as();
	if (len > 1)
		as[n++] = gen_origin_as();
	if (rng_below(100) < 12)
		prepend = 1 + rng_below(4);
	for (i = 0; i < prepend; i++, n++)
		as[n] = as[n - 1];
	aspath_encode_seq(w, as, n);
	if (rng_below(1000) < 5) {
		wbuf_put_u8(w, BGP_AS_SET);
		wbuf_put_u8(w, 2);
		wbuf_put_u32(w, gen_origin_as());
		wbuf_put_u32(w, gen_origin_as());
	}
}

static void
gen_set(struct gset *s)
{
	uint8_t buf[256];
	struct wbuf w;
	unsigned i, n;

	memset(s, 0, sizeof(*s));
	n = rng_below(100);
	s->origin = n < 85 ? BGP_ORIGIN_IGP : n < 98 ?
	    BGP_ORIGIN_INCOMPLETE : BGP_ORIGIN_EGP;
	wbuf_init(&w, buf, sizeof(buf));
	gen_path(&w);
	s->path_len = (uint16_t)w.len;
	s->path_off = arena_put(&w);
	if (rng_below(100) < 30) {
		s->has_med = 1;
		s->med = rng_below(1000);
	}
	/* 0..10 communities, none on about 40%. */
	n = rng_below(100) < 40 ? 0 : 1 + rng_below(10);
	wbuf_init(&w, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		wbuf_put_u32(&w, (i % 3 ? PEER_AS :
		    gen_transit_as() & 0xffff) << 16 | rng_below(5000));
	s->comm_len = (uint16_t)w.len;
	s->comm_off = arena_put(&w);
	n = rng_below(100) < 10 ? 1 + rng_below(3) : 0;
	wbuf_init(&w, buf, sizeof(buf));
	for (i = 0; i < n; i++) {
		wbuf_put_u32(&w, PEER_AS);
		wbuf_put_u32(&w, rng_below(1000));
		wbuf_put_u32(&w, rng_below(100000));
	}
	s->lc_len = (uint16_t)w.len;
	s->lc_off = arena_put(&w);
}

static void
gen_table(void)
{
	size_t routes = 0, cap = N_ROUTES, i, j;
	unsigned k;
	uint32_t tmp;

	sets = calloc(cap, sizeof(*sets));
	route_set = calloc(N_ROUTES, sizeof(*route_set));
	route_shuf = calloc(N_ROUTES, sizeof(*route_shuf));
	if (sets == NULL || route_set == NULL || route_shuf == NULL)
		err(1, "calloc");
	while (routes < N_ROUTES) {
		gen_set(&sets[n_sets]);
		k = rng_pick(group_mix, NELEMS(group_mix));
		for (; k > 0 && routes < N_ROUTES; k--)
			route_set[routes++] = (uint32_t)n_sets;
		n_sets++;
	}
	memcpy(route_shuf, route_set, N_ROUTES * sizeof(*route_shuf));
	for (i = N_ROUTES - 1; i > 0; i--) {
		j = rng_below((uint32_t)i + 1);
		tmp = route_shuf[i];
		route_shuf[i] = route_shuf[j];
		route_shuf[j] = tmp;
	}
}

/* What a session's decoder hands over: views, a few numbers. */
static void
fill_attrs(struct bgp_attrs *a, const struct gset *s)
{
	bgp_attrs_init(a);
	a->origin = s->origin;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);
	a->as_path = rbuf_make(arena + s->path_off, s->path_len);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);
	memcpy(a->next_hop, "\xb9\x0f\x5a\x01", 4);
	bgp_attr_set(a, BGP_ATTR_NEXT_HOP);
	if (s->has_med) {
		a->med = s->med;
		bgp_attr_set(a, BGP_ATTR_MED);
	}
	if (s->comm_len > 0) {
		a->communities = rbuf_make(arena + s->comm_off, s->comm_len);
		bgp_attr_set(a, BGP_ATTR_COMMUNITIES);
	}
	if (s->lc_len > 0) {
		a->large_communities = rbuf_make(arena + s->lc_off,
		    s->lc_len);
		bgp_attr_set(a, BGP_ATTR_LARGE_COMMUNITIES);
	}
}

/* ---- timing ---- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static struct bgp_attrs attrs;
static struct rattrs **held;
static volatile uintptr_t sink;

/* Filling struct bgp_attrs alone, to take out of the timings. */
static double
time_fill(const uint32_t *order)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < N_ROUTES; i++) {
		fill_attrs(&attrs, &sets[order[i]]);
		sink += attrs.as_path.len;
	}
	return now() - t0;
}

static double
time_get(struct rattrs_table *t, const uint32_t *order, size_t base)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < N_ROUTES; i++) {
		fill_attrs(&attrs, &sets[order[i]]);
		held[base + i] = rattrs_get(t, &attrs, AF_IDX_IPV4,
		    attrs.next_hop, NULL);
		if (held[base + i] == NULL)
			errx(1, "rattrs_get failed");
	}
	return now() - t0;
}

static double
time_put(struct rattrs_table *t, size_t n)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < n; i++)
		rattrs_put(t, held[i]);
	return now() - t0;
}

/* What the table holds from the system for the sets: slabs and the
 * larger ones (its slots apart). */
static size_t
held_bytes(const struct rattrs_table *t)
{
	return rattrs_table_bytes(t) - rattrs_table_index_bytes(t);
}

struct result {
	double	fill, first, again, shuffled, put;
};

static void
run(struct result *r, bool report)
{
	struct rattrs_table t;
	double fill_g, fill_s;

	if (rattrs_table_init(&t) == -1)
		err(1, "rattrs_table_init");
	fill_g = time_fill(route_set);
	fill_s = time_fill(route_shuf);
	r->fill = fill_g / N_ROUTES;
	r->first = (time_get(&t, route_set, 0) - fill_g) / N_ROUTES;
	r->again = (time_get(&t, route_set, N_ROUTES) - fill_g) / N_ROUTES;
	r->shuffled = (time_get(&t, route_shuf, 2 * N_ROUTES) - fill_s) /
	    N_ROUTES;
	if (report) {
		struct rattrs_probes p;

		rattrs_table_probes(&t, &p);
		printf("routes %d\n", N_ROUTES);
		printf("generated_sets %zu\n", n_sets);
		printf("distinct_sets %zu\n", t.count);
		printf("set_bytes %zu\n", t.bytes);
		printf("bytes_per_set %.1f\n", (double)t.bytes /
		    (double)t.count);
		printf("bytes_per_route %.1f\n", (double)t.bytes / N_ROUTES);
		printf("set_held_bytes %zu\n", held_bytes(&t));
		printf("held_bytes_per_route %.1f\n",
		    (double)held_bytes(&t) / N_ROUTES);
		printf("slot_bytes %zu\n", rattrs_table_index_bytes(&t));
		printf("slot_bytes_per_route %.1f\n",
		    (double)rattrs_table_index_bytes(&t) / N_ROUTES);
		printf("slots %zu\n", p.slots);
		printf("probe_mean %.2f\n", p.mean);
		printf("probe_max %zu\n", p.max);
		printf("lookups %llu\n", (unsigned long long)t.lookups);
		printf("hits %llu\n", (unsigned long long)t.hits);
	}
	r->put = time_put(&t, 3 * N_ROUTES) / (3 * N_ROUTES);
	if (t.count != 0 || t.bytes != 0)
		errx(1, "sets left after every put: %zu", t.count);
	rattrs_table_destroy(&t);
}

/* The median over the runs of one field of struct result. */
static double
median_of(const struct result *r, size_t field)
{
	double v[N_RUNS];
	int i;

	for (i = 0; i < N_RUNS; i++)
		memcpy(&v[i], (const char *)&r[i] + field, sizeof(double));
	return median(v, N_RUNS);
}

int
main(void)
{
	struct result r[N_RUNS];
	int i;

	gen_table();
	if ((held = calloc(3 * (size_t)N_ROUTES, sizeof(*held))) == NULL)
		err(1, "calloc");
	for (i = 0; i < N_RUNS; i++)
		run(&r[i], i == 0);
	printf("ns_per_get %.1f\n", median_of(r, offsetof(struct result,
	    first)));
	printf("ns_per_get_hit %.1f\n", median_of(r, offsetof(struct result,
	    again)));
	printf("ns_per_get_hit_shuffled %.1f\n", median_of(r,
	    offsetof(struct result, shuffled)));
	printf("ns_per_put %.1f\n", median_of(r, offsetof(struct result,
	    put)));
	printf("ns_fill_attrs_excluded %.1f\n", median_of(r,
	    offsetof(struct result, fill)));
	free(held);
	free(route_shuf);
	free(route_set);
	free(sets);
	free(arena);
	return 0;
}
