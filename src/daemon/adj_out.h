/*
 * The Adj-RIB-Out: what each session was really sent (RFC 4271 3.2), as
 * opposed to the desired state of the announcements (ann_store). One
 * record per (session, prefix): the announcement's attributes, what kind
 * of session heard them (for the AS path it got) and the next hop, set
 * when an UPDATE went out and removed with the withdrawal. A session that
 * comes up gets its whole export again, so its records start afresh then.
 * Pure bookkeeping: `bgp adv`, `bgp6 adv` and `show route export` read it.
 */
#ifndef PEERING_DAEMON_ADJ_OUT_H
#define PEERING_DAEMON_ADJ_OUT_H

#include <stddef.h>
#include <time.h>

#include "export_attrs.h"
#include "../announce/announce.h"
#include "../lib/prefix.h"

struct adj_out_route {
	char			name[32];	/* the session's mux or neighbour */
	struct prefix		prefix;		/* its family: the session's */
	struct ann_attrs	attrs;
	struct export_peer	peer;
	struct prefix		nexthop;
	time_t			sent;
};

struct adj_out {
	struct adj_out_route	*r;
	size_t			 n, cap;
};

/* An UPDATE announcing p went to (name, p's family); -1: out of memory
 * (the record is then missing, never wrong: an older one is removed). */
int	adj_out_announced(struct adj_out *ao, const char *name,
	    const struct prefix *p, const struct ann_attrs *a,
	    const struct export_peer *peer, const struct prefix *nh,
	    time_t now);
/* A withdrawal of p went out. */
void	adj_out_withdrawn(struct adj_out *ao, const char *name,
	    const struct prefix *p);
/* The session (name, af) starts afresh: every record of it removed. */
void	adj_out_reset(struct adj_out *ao, const char *name, unsigned af);
/* The record of (name, p), or NULL: nothing of p was sent there. */
const struct adj_out_route *adj_out_find(const struct adj_out *ao,
	    const char *name, const struct prefix *p);
void	adj_out_free(struct adj_out *ao);

#endif
