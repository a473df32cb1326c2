/*
 * table_gen: a synthetic but realistic BGP table from a seeded PRNG, the
 * same bytes on every run and every machine. Prefix lengths, AS paths,
 * communities and how many prefixes share one attribute set follow
 * today's default-free tables (the mixes are in table_gen.c).
 *
 * The generator is a set of draws from one PRNG stream; the caller decides
 * the order. bench_decode draws everything from one stream; bgpfeed draws
 * prefixes from one stream and attributes from another, so that several
 * feeders send the same prefixes with their own attributes.
 */
#ifndef PEERING_BENCH_TABLE_GEN_H
#define PEERING_BENCH_TABLE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "../src/bgp/update.h"
#include "../src/lib/prefix.h"
#include "../src/lib/wbuf.h"

struct tg_rng {
	uint64_t	s;
};

/* splitmix64: small, fast, good enough for test data. */
uint64_t tg_next(struct tg_rng *r);
uint32_t tg_below(struct tg_rng *r, uint32_t n);
/* An index into weights[0..n), drawn in proportion to the weights. */
unsigned tg_pick(struct tg_rng *r, const unsigned *weights, size_t n);

/* A prefix of public unicast IPv4 space (not 0/8, 10/8, 127/8, 224/3)
 * with the IPv4 table's length mix; duplicates are possible. */
void	tg_prefix4(struct tg_rng *r, struct prefix *p);
/* A prefix of 2000::/3 with the IPv6 table's length mix. */
void	tg_prefix6(struct tg_rng *r, struct prefix *p);
/* How many prefixes share the next attribute set (mean about 3). */
unsigned tg_group_size(struct tg_rng *r);
/* A transit AS from a small pool of real ones (a few 4-octet). */
uint32_t tg_transit(struct tg_rng *r);

/* How many 2-octet transits tg_upstream() knows. */
#define TG_UPSTREAMS	25
/* The i-th (modulo) 2-octet transit of the pool: a mux's upstreams. */
uint32_t tg_upstream(unsigned i);

/*
 * One attribute set: ORIGIN, an AS_PATH starting with first_as (mean
 * length about 4.3, some prepending, rarely an AS_SET), NEXT_HOP
 * 185.15.90.1 (callers change it), MED on 30%, 0..10 communities on 60%
 * (most with first_as as their high half), large communities on 10%.
 * The variable-length values are written into space, which must outlive
 * a; errx() if it is too small.
 */
void	tg_attrs(struct tg_rng *r, uint32_t first_as, struct bgp_attrs *a,
	    struct wbuf *space);

#endif
