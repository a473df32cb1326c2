/*
 * kroute: the best route of every prefix of the RIB in a kernel routing
 * table (PEERING: table 20000), through netlink.
 *
 * The RIB's prefix trees say what the table must hold. kroute_changed()
 * tells kroute that the route of a prefix may differ now; when kroute
 * sends, it asks (the want callback) what that route is: a next hop on
 * an interface, or none. What the kernel holds is a byte in each tree
 * node (ptree_node.fib), not a copy of the table. Changes go out in
 * batches (many messages per sendmsg) when the loop has nothing else to
 * do, and a batch every iteration so a busy input does not starve them;
 * errors are logged and the change retried, never fatal. Next hops are
 * kernel nexthop objects (one per next hop and interface, shared by all
 * its routes) where the kernel has them.
 */
#ifndef PEERING_FIB_KROUTE_H
#define PEERING_FIB_KROUTE_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/prefix.h"
#include "../rib/ptree.h"

#define KROUTE_TABLE_PEERING	20000
#define KROUTE_PROTO_PEERING	186	/* rtm_protocol of our routes */

struct kroute;

struct kroute_stats {
	uint64_t	sent;		/* route messages sent */
	uint64_t	batches;	/* sendmsg calls with route messages */
	uint64_t	acked;		/* route messages the kernel took */
	uint64_t	errors;		/* changes that failed: refused, or
					 * their next hop's object was */
	uint64_t	retries;
	uint64_t	nexthops;	/* nexthop objects made */
	size_t		queued;		/* prefixes to send, now or to retry */
	size_t		inflight;	/* route messages not answered yet */
	size_t		installed;	/* routes of ours in the table */
	size_t		stale;		/* found at start, not yet confirmed */
	size_t		bytes;		/* memory held */
};

/* The route a prefix must have: via nexthop (the family's width) on
 * ifindex, onlink. */
struct kroute_want {
	const uint8_t	*nexthop;
	int		 ifindex;
};

/* Whether n, a node of the tree of family af, wants a route (*w). */
typedef bool (*kroute_want_fn)(void *ctx, unsigned af,
	    const struct ptree_node *n, struct kroute_want *w);

/*
 * Opens the netlink socket and reads the table once: routes of ours found
 * there get a node in trees[their family] (made if missing), marked stale
 * (a previous run's) until kroute_sweep_stale(). trees is an array of
 * AF_IDX_COUNT trees, which must outlive kroute. NULL on failure.
 */
struct kroute *kroute_open(struct ev_loop *loop, uint32_t table,
	    uint8_t protocol, struct ptree *trees, kroute_want_fn want,
	    void *ctx);
/* Leaves the table as it is; the nodes' fib bytes are cleared (and nodes
 * kept only by them released). */
void	kroute_close(struct kroute *k);
/*
 * The route of n (a node of trees[af]) may have changed; called after
 * the change. When it returns, n may be kept by kroute (fib set) until
 * the kernel has the change: the owner releases n as usual (ptree_release
 * does nothing while fib is set) and kroute releases it later.
 */
void	kroute_changed(struct kroute *k, unsigned af, struct ptree_node *n);
/* Deletes the stale routes not confirmed since kroute_open(). */
void	kroute_sweep_stale(struct kroute *k);
/* Deletes every route of ours in the table (a configured `bgp stop`);
 * from then on nothing is installed. */
void	kroute_flush(struct kroute *k);
void	kroute_get_stats(const struct kroute *k, struct kroute_stats *st);
/* Next hops as nexthop objects (the default where the kernel has them),
 * or in each route (RTA_GATEWAY and RTA_OIF). For tests. */
void	kroute_use_nexthop_objects(struct kroute *k, bool on);

#endif
