/*
 * Route filters: which paths `show route` and `routes` give. Pure: parsed
 * from words or from a JSON object, then asked about each path. The
 * prefix filters (family, exact prefix, `for ADDR`, `in PREFIX`) set the
 * cursor's range, so they go straight to the prefixes they name; the
 * others are asked per path.
 *
 * Words (birdc's where they exist):
 *   ipv4 | ipv6            family
 *   PREFIX                 exactly this prefix
 *   for ADDR|PREFIX        the longest prefix that covers it
 *   in PREFIX              the prefix and its more-specifics
 *   mux NAME               paths from this session (mux or neighbour)
 *   upstream N             next hop 100.(64+T).N/256.N%256 (REFERENCE.md)
 *   as N                   N anywhere in the AS path (AS_SETs too)
 *   origin-as N            the last AS of a path ending in an AS_SEQUENCE
 *   community A:B          has this community
 *   large-community A:B:C  has this large community
 *   best | primary         only each prefix's best path
 * JSON: {"family": "ipv4", "prefix": P, "for": A, "in": P, "mux": NAME,
 *   "upstream": N, "as": N, "origin_as": N, "community": "A:B",
 *   "large_community": "A:B:C", "best": true}, every key optional.
 */
#ifndef PEERING_RIB_RFILTER_H
#define PEERING_RIB_RFILTER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "rib.h"

enum rfilter_range {
	RFILTER_ALL = 0,
	RFILTER_EXACT,
	RFILTER_FOR,
	RFILTER_IN,
};

struct rfilter {
	unsigned		af;	/* AF_IDX_COUNT: both */
	enum rfilter_range	range;
	struct prefix		pfx;	/* of the range */
	char			mux[32];	/* "" : any */
	long			upstream;	/* -1: any */
	uint32_t		as;		/* 0: any */
	uint32_t		origin_as;	/* 0: any */
	bool			has_community;
	uint8_t			community[4];	/* wire order */
	bool			has_large;
	uint8_t			large[12];
	bool			best;
	/* The last attribute set judged (a cache: paths share sets). Only
	 * good while the RIB does not change: rfilter_reset between slices. */
	const struct rattrs	*last_attrs;
	bool			last_ok;
};

void	rfilter_init(struct rfilter *f);
/* The filter that words argv[i..] start with: how many words it took,
 * 0 when argv[i] is not a filter word, -1 on a bad value (err says). */
int	rfilter_word(struct rfilter *f, int argc, char **argv, int i,
	    char *err, size_t errlen);
/* The keys of a JSON object (others are the caller's); -1 on a bad
 * value (err says). */
int	rfilter_json(struct rfilter *f, const cJSON *o, char *err,
	    size_t errlen);
/* Whether the filter has attribute tests (to skip rfilter_path). */
bool	rfilter_per_path(const struct rfilter *f);
/* A cursor over the range (for ADDR: the longest match now, or nothing). */
void	rfilter_cursor(const struct rfilter *f, const struct rib *r,
	    struct rib_cursor *c);
/* Forget the cache (the RIB may have changed). */
void	rfilter_reset(struct rfilter *f);
/* Does path (best: its prefix's best) pass? */
bool	rfilter_path(struct rfilter *f, const struct rib *r,
	    const struct rib_path *path, bool best);
/* The upstream peer id of a path's next hop, or -1. */
long	rfilter_upstream(const struct rattrs *ra);

#endif
