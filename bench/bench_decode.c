/*
 * bench_decode: how fast we decode a full IPv4 table as a peer sends it.
 *
 * Builds a synthetic but realistic table with a seeded PRNG (same bytes on
 * every run), encodes it with our own packer into UPDATE messages, then
 * decodes every message several times, walking every prefix, and prints
 * MB/s of UPDATE bytes and prefixes/s. Three sessions: 4-octet AS, 4-octet
 * AS with ADD-PATH, and a 2-octet AS session (AS_TRANS in AS_PATH and the
 * AS4_PATH merge on every 4-octet path). Numbers only, no verdict.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/bgp/aspath.h"
#include "../src/bgp/msg.h"
#include "../src/bgp/nlri.h"
#include "../src/bgp/update.h"

#define SEED		0x9e3779b97f4a7c15ull
#define N_PREFIXES	1000000
#define N_RUNS		9
#define PASSES		4	/* table decodes per timed run */
#define PEER_AS		47065
#define MAX_PATH	32

/*
 * Prefix-length mix, per 10000, of today's IPv4 default-free table, from
 * general knowledge of public table reports: /24 about 60%, /23 and /22
 * about 8% each, /21 6%, /20 5%, /8../19 together about 11.6% and the
 * rare, mostly filtered, /25../32 about 1.4%.
 */
static const unsigned len_mix[33] = {
	[8] = 1, [9] = 2, [10] = 5, [11] = 10, [12] = 20, [13] = 35,
	[14] = 60, [15] = 80, [16] = 200, [17] = 150, [18] = 250, [19] = 350,
	[20] = 500, [21] = 600, [22] = 800, [23] = 800, [24] = 6000,
	[25] = 30, [26] = 25, [27] = 20, [28] = 20, [29] = 15, [30] = 10,
	[31] = 5, [32] = 12,
};

/* AS path length (before prepending), per 100: mean about 4.3. */
static const unsigned pathlen_mix[11] = {
	[1] = 3, [2] = 12, [3] = 25, [4] = 25, [5] = 15, [6] = 9, [7] = 5,
	[8] = 3, [9] = 2, [10] = 1,
};

/* Prefixes per attribute set, per 100: mean about 3. */
static const unsigned group_mix[17] = {
	[1] = 42, [2] = 20, [3] = 12, [4] = 8, [5] = 5, [6] = 3, [7] = 2,
	[8] = 2, [10] = 2, [12] = 1, [14] = 1, [16] = 2,
};

struct rng {
	uint64_t	s;
};

/* splitmix64: small, fast, good enough for test data. */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static unsigned
rng_pick(struct rng *r, const unsigned *weights, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = rng_below(r, total);
	for (i = 0; i < n; i++) {
		if (x < weights[i])
			return (unsigned)i;
		x -= weights[i];
	}
	return (unsigned)(n - 1);
}

/* ---- the table ---- */

struct table {
	uint8_t		*buf;		/* UPDATE messages back to back */
	size_t		 len;
	size_t		 cap;
	size_t		 msgs;
	size_t		 prefixes;
	size_t		 sets;
};

static struct bgp_packer packer;

static void
table_append(struct table *t, const struct wbuf *w)
{
	if (w->overflow)
		errx(1, "packer output overflowed");
	if (t->len + w->len > t->cap) {
		t->cap = 2 * (t->cap + w->len);
		if ((t->buf = realloc(t->buf, t->cap)) == NULL)
			err(1, "realloc");
	}
	memcpy(t->buf + t->len, w->p, w->len);
	t->len += w->len;
}

/* Public unicast space, roughly: skip 0, 10, 127 and multicast up. */
static void
gen_prefix(struct rng *r, struct prefix *p)
{
	uint32_t a;
	uint8_t first;

	do {
		a = (uint32_t)rng_next(r);
		first = (uint8_t)(a >> 24);
	} while (first == 0 || first == 10 || first == 127 || first >= 224);
	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV4;
	p->len = (uint8_t)rng_pick(r, len_mix, 33);
	p->addr[0] = (uint8_t)(a >> 24);
	p->addr[1] = (uint8_t)(a >> 16);
	p->addr[2] = (uint8_t)(a >> 8);
	p->addr[3] = (uint8_t)a;
	prefix_mask(p);
}

/* Origins: about 30% 4-octet numbers, as in today's table. */
static uint32_t
gen_origin(struct rng *r)
{
	if (rng_below(r, 100) < 30)
		return 131072 + rng_below(r, 270000);
	return 1 + rng_below(r, 64000);
}

/* A transit AS from a small pool, a few of them 4-octet. */
static uint32_t
gen_transit(struct rng *r)
{
	static const uint32_t pool[] = { 174, 1299, 2914, 3257, 3356, 3491,
	    6453, 6461, 6762, 6939, 7018, 9002, 12956, 20485, 31133, 37100,
	    262589, 263842, 136907, 9498, 4637, 7473, 2497, 4766, 1273,
	    5511, 3320, 8359, 209, 701 };

	return pool[rng_below(r, sizeof(pool) / sizeof(pool[0]))];
}

/* Peer AS, transits, origin; sometimes prepended, rarely an AS_SET. */
static void
gen_path(struct rng *r, struct wbuf *w)
{
	uint32_t as[MAX_PATH], set[3];
	unsigned len = rng_pick(r, pathlen_mix, 11), n = 0, i, prepend = 0;

	as[n++] = PEER_AS;
	for (i = 2; i < len; i++)
		as[n++] = gen_transit(r);
	if (len > 1)
		as[n++] = gen_origin(r);
	if (rng_below(r, 100) < 12)
		prepend = 1 + rng_below(r, 4);
	for (i = 0; i < prepend && n < MAX_PATH; i++, n++)
		as[n] = as[n - 1];
	aspath_encode_seq(w, as, n);
	if (rng_below(r, 1000) < 5) {
		for (i = 0; i < 3; i++)
			set[i] = gen_origin(r);
		wbuf_put_u8(w, BGP_AS_SET);
		wbuf_put_u8(w, 3);
		for (i = 0; i < 3; i++)
			wbuf_put_u32(w, set[i]);
	}
}

static void
gen_attrs(struct rng *r, struct bgp_attrs *a, struct wbuf *space)
{
	size_t start;
	unsigned i, n;

	bgp_attrs_init(a);
	n = rng_below(r, 100);
	a->origin = n < 85 ? BGP_ORIGIN_IGP : n < 98 ? BGP_ORIGIN_INCOMPLETE :
	    BGP_ORIGIN_EGP;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);

	start = space->len;
	gen_path(r, space);
	a->as_path = rbuf_make(space->p + start, space->len - start);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);

	memcpy(a->next_hop, "\xb9\x0f\x5a\x01", 4);
	bgp_attr_set(a, BGP_ATTR_NEXT_HOP);
	if (rng_below(r, 100) < 30) {
		a->med = rng_below(r, 1000);
		bgp_attr_set(a, BGP_ATTR_MED);
	}

	/* 0..10 communities, none on about 40% of the sets. */
	n = rng_below(r, 100) < 40 ? 0 : 1 + rng_below(r, 10);
	if (n > 0) {
		start = space->len;
		for (i = 0; i < n; i++)
			wbuf_put_u32(space, (uint32_t)(i % 3 ? PEER_AS :
			    gen_transit(r) & 0xffff) << 16 |
			    rng_below(r, 5000));
		a->communities = rbuf_make(space->p + start,
		    space->len - start);
		bgp_attr_set(a, BGP_ATTR_COMMUNITIES);
	}
	if (rng_below(r, 100) < 10) {
		n = 1 + rng_below(r, 3);
		start = space->len;
		for (i = 0; i < n; i++) {
			wbuf_put_u32(space, PEER_AS);
			wbuf_put_u32(space, rng_below(r, 1000));
			wbuf_put_u32(space, rng_below(r, 100000));
		}
		a->large_communities = rbuf_make(space->p + start,
		    space->len - start);
		bgp_attr_set(a, BGP_ATTR_LARGE_COMMUNITIES);
	}
	if (space->overflow)
		errx(1, "attribute space overflowed");
}

/*
 * The whole table for one session. The same seed gives the same prefixes
 * and attributes for every session, so only the encoding differs.
 */
static void
table_build(struct table *t, const struct bgp_codec_opts *o, bool addpath)
{
	static uint8_t out[2 * BGP_EXT_MAX_LEN];
	uint8_t space[1024];
	struct rng r = { SEED };
	struct bgp_attrs a;
	struct prefix p;
	struct wbuf w, ws;
	unsigned k, i;
	int n;

	memset(t, 0, sizeof(*t));
	memset(&a, 0, sizeof(a));
	while (t->prefixes < N_PREFIXES) {
		wbuf_init(&ws, space, sizeof(space));
		gen_attrs(&r, &a, &ws);
		k = rng_pick(&r, group_mix, 17);
		if (k > N_PREFIXES - t->prefixes)
			k = (unsigned)(N_PREFIXES - t->prefixes);
		wbuf_init(&w, out, sizeof(out));
		bgp_packer_init(&packer, o, AF_IDX_IPV4, &a);
		for (i = 0; i < k; i++) {
			gen_prefix(&r, &p);
			/* Small path ids, as a route server numbers them. */
			n = bgp_packer_add(&packer, &p, addpath ?
			    1 + i % 4 : 0, &w);
			if (n < 0)
				errx(1, "bgp_packer_add failed");
			t->msgs += (size_t)n;
		}
		t->msgs += (size_t)bgp_packer_flush(&packer, &w);
		table_append(t, &w);
		t->prefixes += k;
		t->sets++;
	}
}

/* ---- decoding ---- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pass {
	size_t		msgs;
	size_t		prefixes;
	size_t		errors;
	uint64_t	sum;		/* keeps the work observable */
};

static void
decode_all(const struct table *t, const struct bgp_codec_opts *o,
    struct bgp_scratch *scratch, struct pass *ps)
{
	static struct bgp_update u;
	struct bgp_header h;
	struct bgp_err e;
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;
	size_t off = 0, len;

	memset(ps, 0, sizeof(*ps));
	while (off + BGP_HEADER_LEN <= t->len) {
		struct rbuf msg;

		len = load_u16(t->buf + off + 16);
		msg = rbuf_make(t->buf + off, len);
		off += len;
		ps->msgs++;
		if (bgp_header_decode(msg, o->max_len, &h, &e) == -1 ||
		    bgp_update_decode(msg, o, &u, scratch, &e) !=
		    BGP_ACT_ACCEPT) {
			ps->errors++;
			continue;
		}
		ps->sum += u.attrs.as_path.len + u.attrs.communities.len;
		nlri_iter_init(&it, u.nlri, AF_IDX_IPV4,
		    o->addpath[AF_IDX_IPV4]);
		while (nlri_iter_next(&it, &p, &id) == 1) {
			ps->prefixes++;
			ps->sum += p.len + p.addr[0] + id;
		}
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench(const char *name, bool as4, bool addpath)
{
	static struct bgp_scratch scratch;
	struct bgp_codec_opts o;
	struct table t;
	struct pass ps;
	double mbs[N_RUNS], pps[N_RUNS], t0, dt;
	uint64_t sum = 0;
	int i, k;

	memset(&o, 0, sizeof(o));
	o.as4 = as4;
	o.addpath[AF_IDX_IPV4] = addpath;
	o.max_len = BGP_MAX_LEN;
	table_build(&t, &o, addpath);

	printf("\n%s\n", name);
	printf("  messages %zu, bytes %zu (%.1f MB), prefixes %zu, "
	    "attribute sets %zu (%.2f prefixes/set, %.1f bytes/prefix)\n",
	    t.msgs, t.len, (double)t.len / 1e6, t.prefixes, t.sets,
	    (double)t.prefixes / (double)t.sets,
	    (double)t.len / (double)t.prefixes);
	for (i = 0; i < N_RUNS; i++) {
		t0 = now();
		for (k = 0; k < PASSES; k++) {
			decode_all(&t, &o, &scratch, &ps);
			sum += ps.sum;
		}
		dt = now() - t0;
		mbs[i] = (double)t.len * PASSES / 1e6 / dt;
		pps[i] = (double)ps.prefixes * PASSES / dt;
		if (i == 0)
			printf("  decoded: messages %zu, prefixes %zu, "
			    "errors %zu\n", ps.msgs, ps.prefixes, ps.errors);
		printf("  run %d: %8.1f MB/s %12.0f prefixes/s (%.3f s)\n",
		    i + 1, mbs[i], pps[i], dt);
	}
	qsort(mbs, N_RUNS, sizeof(mbs[0]), cmp_double);
	qsort(pps, N_RUNS, sizeof(pps[0]), cmp_double);
	printf("  best   %8.1f MB/s %12.0f prefixes/s\n", mbs[N_RUNS - 1],
	    pps[N_RUNS - 1]);
	printf("  median %8.1f MB/s %12.0f prefixes/s\n", mbs[N_RUNS / 2],
	    pps[N_RUNS / 2]);
	printf("  (checksum %llu)\n", (unsigned long long)sum);
	free(t.buf);
}

int
main(void)
{
	printf("bench_decode: synthetic full IPv4 table, %d prefixes, "
	    "seed %#llx\n", N_PREFIXES, (unsigned long long)SEED);
	printf("%d timed runs per session, each decoding the whole table "
	    "%d times\n", N_RUNS, PASSES);
	printf("each run: header + UPDATE decode of every message, then "
	    "every NLRI prefix walked\n");
	printf("target >= 300 MB/s\n");
	bench("4-octet AS session", true, false);
	bench("4-octet AS session, ADD-PATH", true, true);
	bench("2-octet AS session (AS_TRANS, AS4_PATH merge)", false, false);
	return 0;
}
