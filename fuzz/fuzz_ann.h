/*
 * What the announcement fuzzers compare after a round trip: every field
 * the user gave, which ann_attrs_equal (what goes on the wire) does not.
 */
#ifndef PEERING_FUZZ_ANN_H
#define PEERING_FUZZ_ANN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../src/announce/announce.h"

/* json_rule is only kept where it changes the path, so the path it gives
 * is compared rather than the flag. */
static inline bool
fuzz_ann_attrs_same(const struct ann_attrs *a, const struct ann_attrs *b)
{
	uint32_t pa[64], pb[64];
	size_t na = ann_aspath(a, pa, 64), nb = ann_aspath(b, pb, 64);

	return a->origin == b->origin && a->prepend == b->prepend &&
	    a->container_nexthop == b->container_nexthop &&
	    a->n_poisons == b->n_poisons &&
	    a->n_communities == b->n_communities && a->n_large == b->n_large &&
	    memcmp(a->poisons, b->poisons,
	    a->n_poisons * sizeof(a->poisons[0])) == 0 &&
	    memcmp(a->communities, b->communities,
	    a->n_communities * sizeof(a->communities[0])) == 0 &&
	    memcmp(a->large, b->large, a->n_large * sizeof(a->large[0])) == 0 &&
	    na == nb && memcmp(pa, pb, na * sizeof(pa[0])) == 0;
}

#endif
