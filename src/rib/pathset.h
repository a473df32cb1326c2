/*
 * pathset: the paths of one prefix, as one array (the RIB keeps the best
 * first; pathset does not know the order). The array's owner keeps only
 * its pointer and the count; everything else follows from the count:
 *
 * - up to PATHSET_EXACT paths: a slab object of exactly that many;
 * - up to PATHSET_MEDIUM: a malloc'ed array rounded up to PATHSET_STEP
 *   paths (an array is copied once per PATHSET_STEP new paths, not per
 *   path; malloc, not slabs, so that the sizes a prefix passes through
 *   while a table arrives are memory for others once it has moved on);
 * - more ("long"): one malloc'ed block with a header before the array
 *   (its capacity, grown and shrunk by a quarter, with hysteresis, so
 *   a path costs amortized O(1) copies), and after the array an index
 *   of (peer, path id) to position and the peer's path count here, so
 *   finding a path or counting a peer's costs the same with 100 paths
 *   or 60,000.
 *
 * Short arrays are searched by a scan of at most PATHSET_MEDIUM entries.
 */
#ifndef PEERING_RIB_PATHSET_H
#define PEERING_RIB_PATHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rattrs.h"
#include "../lib/slab.h"

#define PATHSET_EXACT		16	/* slabs of 1..16 paths */
#define PATHSET_STEP		4	/* then 20, 24, ... */
#define PATHSET_MEDIUM		64	/* ... up to 64 */
#define PATHSET_SLABS		PATHSET_EXACT
#define PATHSET_MAX		UINT16_MAX	/* paths per prefix */
#define PATHSET_MAX_PEERS	512

/* One path: 16 bytes. */
struct rib_path {
	struct rattrs	*attrs;
	uint32_t	 path_id;
	uint16_t	 peer;
	uint8_t		 flags;		/* the RIB's */
	uint8_t		 epoch;		/* the RIB's: the life of the peer's
					 * session it came in */
};
_Static_assert(sizeof(struct rib_path) == 16, "a path is 16 bytes");

struct pathset_pool {
	struct slab	slabs[PATHSET_SLABS];
	size_t		heap_bytes;	/* held by malloc'ed arrays */
	uint64_t	seed;		/* of the index's hash */
};

void	pathset_pool_init(struct pathset_pool *pp, uint64_t seed);
/* Frees every slab; long arrays are freed by pathset_free. */
void	pathset_pool_destroy(struct pathset_pool *pp);
/* Bytes held from the system. */
size_t	pathset_pool_bytes(const struct pathset_pool *pp);

/* The position of peer's path_id among v's count paths, or -1. */
long	pathset_find(const struct pathset_pool *pp, const struct rib_path *v,
	    size_t count, uint16_t peer, uint32_t path_id);
/* How many of v's paths are peer's. */
size_t	pathset_peer_count(const struct rib_path *v, size_t count,
	    uint16_t peer);

/* *v (count paths, NULL when 0) gets p at position count. -1 when memory
 * runs out (nothing changed) or count is PATHSET_MAX. */
int	pathset_append(struct pathset_pool *pp, struct rib_path **v,
	    size_t count, const struct rib_path *p);
/* (*v)[i] goes and the last path takes its place; at 0 paths *v is NULL.
 * -1 when memory runs out for the shorter array (nothing changed). */
int	pathset_remove(struct pathset_pool *pp, struct rib_path **v,
	    size_t count, size_t i);
/* Exchanges the paths at i and j. */
void	pathset_swap(const struct pathset_pool *pp, struct rib_path *v,
	    size_t count, size_t i, size_t j);
/* Removes every path match() picks, each given to drop() first; the
 * others keep their order. Returns how many went: 0 also when memory
 * runs out for the shorter array (then nothing changed). */
size_t	pathset_remove_if(struct pathset_pool *pp, struct rib_path **v,
	    size_t count, bool (*match)(const struct rib_path *, void *),
	    void (*drop)(const struct rib_path *, void *), void *ctx);
/* Gives the array back (the paths' attributes are the caller's). */
void	pathset_free(struct pathset_pool *pp, struct rib_path *v,
	    size_t count);

#endif
