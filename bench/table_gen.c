/*
 * table_gen: the synthetic table's draws (see table_gen.h). The mixes are
 * from general knowledge of public table reports, rounded; they aim at the
 * shape of a real table, not at any one day's numbers.
 */
#include "table_gen.h"

#include <err.h>
#include <string.h>

#include "../src/bgp/aspath.h"

#define MAX_PATH	32

/*
 * Prefix-length mix, per 10000, of today's IPv4 default-free table: /24
 * about 60%, /23 and /22 about 8% each, /21 6%, /20 5%, /8../19 together
 * about 11.6% and the rare, mostly filtered, /25../32 about 1.4%.
 */
static const unsigned len_mix4[33] = {
	[8] = 1, [9] = 2, [10] = 5, [11] = 10, [12] = 20, [13] = 35,
	[14] = 60, [15] = 80, [16] = 200, [17] = 150, [18] = 250, [19] = 350,
	[20] = 500, [21] = 600, [22] = 800, [23] = 800, [24] = 6000,
	[25] = 30, [26] = 25, [27] = 20, [28] = 20, [29] = 15, [30] = 10,
	[31] = 5, [32] = 12,
};

/*
 * The same for IPv6 (about 200k prefixes today): /48 about 47%, /32 13%,
 * /44 7.5%, /40 5.5%, /29 2.5%, /36 2.8%, /46 and /47 5.5% together, the
 * rest spread over /16../64.
 */
static const unsigned len_mix6[65] = {
	[16] = 2, [19] = 3, [20] = 10, [22] = 5, [24] = 10, [26] = 5,
	[27] = 5, [28] = 40, [29] = 250, [30] = 40, [31] = 40, [32] = 1300,
	[33] = 80, [34] = 80, [35] = 60, [36] = 280, [37] = 40, [38] = 100,
	[39] = 60, [40] = 550, [41] = 60, [42] = 150, [43] = 50, [44] = 750,
	[45] = 150, [46] = 300, [47] = 250, [48] = 4700, [49] = 10, [50] = 5,
	[52] = 10, [56] = 40, [64] = 60,
};

/* First 16 bits of IPv6 prefixes, by registry block, per 100. */
static const struct {
	uint16_t	base;
	uint16_t	span;
	unsigned	weight;
} v6_blocks[] = {
	{ 0x2001, 1, 15 },	/* 2001::/16, the first allocations */
	{ 0x2400, 16, 25 },	/* APNIC */
	{ 0x2600, 16, 20 },	/* ARIN */
	{ 0x2800, 16, 10 },	/* LACNIC */
	{ 0x2a00, 21, 28 },	/* RIPE NCC */
	{ 0x2c0f, 1, 2 },	/* AFRINIC */
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

static const uint32_t transit_pool[] = { 174, 1299, 2914, 3257, 3356, 3491,
    6453, 6461, 6762, 6939, 7018, 9002, 12956, 20485, 31133, 37100,
    262589, 263842, 136907, 9498, 4637, 7473, 2497, 4766, 1273,
    5511, 3320, 8359, 209, 701 };

uint64_t
tg_next(struct tg_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t
tg_below(struct tg_rng *r, uint32_t n)
{
	return (uint32_t)(tg_next(r) % n);
}

unsigned
tg_pick(struct tg_rng *r, const unsigned *weights, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = tg_below(r, total);
	for (i = 0; i < n; i++) {
		if (x < weights[i])
			return (unsigned)i;
		x -= weights[i];
	}
	return (unsigned)(n - 1);
}

void
tg_prefix4(struct tg_rng *r, struct prefix *p)
{
	uint32_t a;
	uint8_t first;

	do {
		a = (uint32_t)tg_next(r);
		first = (uint8_t)(a >> 24);
	} while (first == 0 || first == 10 || first == 127 || first >= 224);
	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV4;
	p->len = (uint8_t)tg_pick(r, len_mix4, 33);
	p->addr[0] = (uint8_t)(a >> 24);
	p->addr[1] = (uint8_t)(a >> 16);
	p->addr[2] = (uint8_t)(a >> 8);
	p->addr[3] = (uint8_t)a;
	prefix_mask(p);
}

void
tg_prefix6(struct tg_rng *r, struct prefix *p)
{
	unsigned weights[sizeof(v6_blocks) / sizeof(v6_blocks[0])], b;
	uint64_t hi = tg_next(r), lo = tg_next(r);
	uint16_t top;
	size_t i;

	for (i = 0; i < sizeof(weights) / sizeof(weights[0]); i++)
		weights[i] = v6_blocks[i].weight;
	b = tg_pick(r, weights, sizeof(weights) / sizeof(weights[0]));
	top = (uint16_t)(v6_blocks[b].base + tg_below(r, v6_blocks[b].span));
	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV6;
	p->len = (uint8_t)tg_pick(r, len_mix6, 65);
	p->addr[0] = (uint8_t)(top >> 8);
	p->addr[1] = (uint8_t)top;
	for (i = 2; i < 8; i++)
		p->addr[i] = (uint8_t)(hi >> (8 * i));
	for (i = 8; i < 16; i++)
		p->addr[i] = (uint8_t)(lo >> (8 * (i - 8)));
	prefix_mask(p);
}

unsigned
tg_group_size(struct tg_rng *r)
{
	return tg_pick(r, group_mix, 17);
}

uint32_t
tg_transit(struct tg_rng *r)
{
	return transit_pool[tg_below(r,
	    sizeof(transit_pool) / sizeof(transit_pool[0]))];
}

uint32_t
tg_upstream(unsigned i)
{
	static uint32_t two_octet[TG_UPSTREAMS];
	static unsigned n;
	size_t k;

	if (n == 0)
		for (k = 0; k < sizeof(transit_pool) / sizeof(transit_pool[0]) &&
		    n < TG_UPSTREAMS; k++)
			if (transit_pool[k] < 65536)
				two_octet[n++] = transit_pool[k];
	return two_octet[i % n];
}

/* Origins: about 30% 4-octet numbers, as in today's table. */
static uint32_t
gen_origin(struct tg_rng *r)
{
	if (tg_below(r, 100) < 30)
		return 131072 + tg_below(r, 270000);
	return 1 + tg_below(r, 64000);
}

/* first_as, transits, origin; sometimes prepended, rarely an AS_SET. */
static void
gen_path(struct tg_rng *r, uint32_t first_as, struct wbuf *w)
{
	uint32_t as[MAX_PATH], set[3];
	unsigned len = tg_pick(r, pathlen_mix, 11), n = 0, i, prepend = 0;

	as[n++] = first_as;
	for (i = 2; i < len; i++)
		as[n++] = tg_transit(r);
	if (len > 1)
		as[n++] = gen_origin(r);
	if (tg_below(r, 100) < 12)
		prepend = 1 + tg_below(r, 4);
	for (i = 0; i < prepend && n < MAX_PATH; i++, n++)
		as[n] = as[n - 1];
	aspath_encode_seq(w, as, n);
	if (tg_below(r, 1000) < 5) {
		for (i = 0; i < 3; i++)
			set[i] = gen_origin(r);
		wbuf_put_u8(w, BGP_AS_SET);
		wbuf_put_u8(w, 3);
		for (i = 0; i < 3; i++)
			wbuf_put_u32(w, set[i]);
	}
}

void
tg_attrs(struct tg_rng *r, uint32_t first_as, struct bgp_attrs *a,
    struct wbuf *space)
{
	size_t start;
	unsigned i, n;

	bgp_attrs_init(a);
	n = tg_below(r, 100);
	a->origin = n < 85 ? BGP_ORIGIN_IGP : n < 98 ? BGP_ORIGIN_INCOMPLETE :
	    BGP_ORIGIN_EGP;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);

	start = space->len;
	gen_path(r, first_as, space);
	a->as_path = rbuf_make(space->p + start, space->len - start);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);

	memcpy(a->next_hop, "\xb9\x0f\x5a\x01", 4);
	bgp_attr_set(a, BGP_ATTR_NEXT_HOP);
	if (tg_below(r, 100) < 30) {
		a->med = tg_below(r, 1000);
		bgp_attr_set(a, BGP_ATTR_MED);
	}

	/* 0..10 communities, none on about 40% of the sets. */
	n = tg_below(r, 100) < 40 ? 0 : 1 + tg_below(r, 10);
	if (n > 0) {
		start = space->len;
		for (i = 0; i < n; i++)
			wbuf_put_u32(space, (uint32_t)(i % 3 ? first_as :
			    tg_transit(r) & 0xffff) << 16 |
			    tg_below(r, 5000));
		a->communities = rbuf_make(space->p + start,
		    space->len - start);
		bgp_attr_set(a, BGP_ATTR_COMMUNITIES);
	}
	if (tg_below(r, 100) < 10) {
		n = 1 + tg_below(r, 3);
		start = space->len;
		for (i = 0; i < n; i++) {
			wbuf_put_u32(space, first_as);
			wbuf_put_u32(space, tg_below(r, 1000));
			wbuf_put_u32(space, tg_below(r, 100000));
		}
		a->large_communities = rbuf_make(space->p + start,
		    space->len - start);
		bgp_attr_set(a, BGP_ATTR_LARGE_COMMUNITIES);
	}
	if (space->overflow)
		errx(1, "attribute space overflowed");
}
