/*
 * peertable: the own best routes of one neighbour (a mux) in a kernel
 * table of their own, beside table 20000's best of all (docs/dataplane.md,
 * "Per-mux tables").
 *
 * Per family one RIB peer (a mux has one session per family); its best
 * path per prefix is the best (rib_path_cmp) of that peer's paths alone,
 * ADD-PATH paths included. The RIB tells each change of the peer's paths
 * (rib_peer_watch); peertable keeps, per prefix the peer has paths for,
 * a node in a prefix tree of its own holding the best path's id, and
 * kroute writes the nodes' routes into the table in its bounded batches.
 * Per change the work is a lookup of the best kept and one comparison,
 * and a pass over the prefix's paths only when the best itself changed
 * or went.
 *
 * Routes carry the gateway and device themselves (no nexthop objects:
 * those are shared by name with table 20000's, and a table flushed alone
 * must not take them along).
 */
#ifndef PEERING_RIB_PEERTABLE_H
#define PEERING_RIB_PEERTABLE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kroute.h"
#include "rib.h"

struct peertable;

/* An empty one over r, no peer, no kernel table; NULL without memory. */
struct peertable *peertable_new(struct rib *r);
/* Closes the kernel table (leaving it as it is: peertable_flush first
 * to empty it), stops watching, frees the trees. */
void	peertable_free(struct peertable *t);

/* peer's paths of family af are followed from now on, in place of any
 * peer before (whose routes go). peer has no paths yet. */
void	peertable_set_peer(struct peertable *t, unsigned af, int peer);
/* The peer followed for af, -1 for none. */
int	peertable_peer(const struct peertable *t, unsigned af);
/* No peer of af any more: its routes go. */
void	peertable_clear_peer(struct peertable *t, unsigned af);

/* Writes the routes into table, rtm_protocol proto (kroute_open: routes
 * of ours found there are stale until peertable_sweep_stale). -1 when
 * the table cannot be opened. */
int	peertable_kernel_open(struct peertable *t, struct ev_loop *loop,
	    uint32_t table, uint8_t proto);
void	peertable_sweep_stale(struct peertable *t);
/* Deletes every route of ours in the table; nothing is installed after. */
void	peertable_flush(struct peertable *t);
/* The kernel sync's counters (zero without a table); *tree_bytes: the
 * memory of the trees. */
void	peertable_get_stats(const struct peertable *t, struct kroute_stats *st,
	    size_t *tree_bytes, size_t *prefixes);

/* The best path of the peer for exactly p, or NULL. */
const struct rib_path *peertable_best(const struct peertable *t,
	    const struct prefix *p);

/* The kernel route of path (of family af's tree): its next hop on its
 * peer's interface. false when it has none (no interface, or a next hop
 * of the other family). Table 20000's rule too. */
bool	peertable_path_want(const struct rib *r, const struct rib_path *path,
	    unsigned af, struct kroute_want *w);

#endif
