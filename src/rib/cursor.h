/*
 * A cursor over the RIB: its prefixes and their paths in walk order
 * (family, then address, then the shorter first), visited a step at a
 * time with any change to the RIB in between. The cursor holds no
 * pointer into the RIB: it keeps the last prefix by value and resumes
 * with a search for the next one after it (ptree_next), so prefixes that
 * come and go between steps cost nothing. A prefix with more than
 * RIB_CURSOR_CHUNK paths is cut: its paths go in (peer, path id) order,
 * RIB_CURSOR_CHUNK a step, each step the next ones after the last
 * (peer, path id) visited.
 *
 * What a walk guarantees: every path that is in the RIB from the start
 * of the walk to its end is visited exactly once; a path added or removed
 * meanwhile is visited at most once; prefixes come in order.
 */
#ifndef PEERING_RIB_CURSOR_H
#define PEERING_RIB_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rib.h"

#define RIB_CURSOR_CHUNK	256	/* paths a step, at most */

struct rib_cursor {
	/* What to visit: the families from af to af_end - 1, and with
	 * within set only within and the prefixes it covers (exact: only
	 * within itself). */
	uint8_t		af_end;
	bool		has_within;
	bool		exact;
	struct prefix	within;
	/* Where it stands. */
	uint8_t		af;
	bool		started;	/* last is set */
	bool		done;
	bool		cut;		/* last is being cut */
	bool		cut_started;	/* ... and (peer, path_id) is set */
	uint16_t	peer;
	uint32_t	path_id;
	struct prefix	last;
	/* Scratch of a cut step (the RIB's positions, good for one step). */
	uint64_t	heap[RIB_CURSOR_CHUNK];
};

/* Every prefix of af (AF_IDX_COUNT: both families), or only within and
 * what it covers (within non-NULL; its family then), or only within
 * (exact). */
void	rib_cursor_init(struct rib_cursor *c, unsigned af,
	    const struct prefix *within, bool exact);

/* Called for each path visited; best: it is its prefix's best. */
typedef void (*rib_cursor_visit_fn)(void *ctx, const struct prefix *p,
	    const struct rib_path *path, bool best);

/* Visits the next prefix's paths (the best first), or the next
 * RIB_CURSOR_CHUNK paths of a prefix being cut. Returns how many paths
 * it visited; 0 when the walk is over. */
size_t	rib_cursor_step(const struct rib *r, struct rib_cursor *c,
	    rib_cursor_visit_fn visit, void *ctx);

#endif
