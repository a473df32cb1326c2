/*
 * kroute: the best routes in a kernel routing table (PEERING: table 20000)
 * through netlink (libnl-route-3). Changes are queued and sent in batches
 * (many RTM_NEWROUTE/RTM_DELROUTE per sendmsg) when the loop is otherwise
 * idle; acknowledgements are read as they come, never waited for; errors
 * are logged and the change retried, never fatal.
 */
#ifndef PEERING_RIB_KROUTE_H
#define PEERING_RIB_KROUTE_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/prefix.h"

#define KROUTE_TABLE_PEERING	20000
#define KROUTE_PROTO_PEERING	186	/* rtm_protocol of our routes */

struct kroute;

struct kroute_stats {
	uint64_t	sent;		/* route messages sent */
	uint64_t	batches;	/* sendmsg calls */
	uint64_t	acked;
	uint64_t	errors;		/* negative acks */
	uint64_t	retries;
	size_t		queued;		/* changes waiting now */
	size_t		installed;	/* routes of ours in the table */
	size_t		stale;		/* found at start, not yet confirmed */
};

/*
 * Opens the netlink socket and reads the table once: routes of ours found
 * there are marked stale (a previous run's) and stay until
 * kroute_sweep_stale(). NULL on failure.
 */
struct kroute *kroute_open(struct ev_loop *loop, uint32_t table,
	    uint8_t protocol);
void	kroute_close(struct kroute *k);
/* Installs or replaces p via nexthop (the family's width) on ifindex,
 * onlink; confirms a stale route. */
void	kroute_set(struct kroute *k, const struct prefix *p,
	    const uint8_t *nexthop, int ifindex);
void	kroute_delete(struct kroute *k, const struct prefix *p);
/* Deletes the stale routes not confirmed since kroute_open(). */
void	kroute_sweep_stale(struct kroute *k);
/* Deletes every route of ours in the table (a configured `bgp stop`). */
void	kroute_flush(struct kroute *k);
void	kroute_get_stats(const struct kroute *k, struct kroute_stats *st);

#endif
