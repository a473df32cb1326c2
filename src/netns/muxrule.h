/*
 * muxrule: the policy rules of the per-mux tables (docs/dataplane.md,
 * "Per-mux tables"): for the mux on tapN, IPv4 and IPv6,
 *
 *   oif tapN lookup 21000+N priority 19000+N
 *
 * so that a socket bound to the tap (SO_BINDTODEVICE, `ping -I tapN`)
 * leaves by that mux's own routes, ahead of the `from PREFIX lookup 20000`
 * rules (priority 20000) and after the apps' (10000+ID). The numbers are
 * the state: every rule in 19001..19063 that is an `oif tapN lookup
 * 21000+N` is ours.
 */
#ifndef PEERING_NETNS_MUXRULE_H
#define PEERING_NETNS_MUXRULE_H

#include <stdbool.h>
#include <stddef.h>

#include "../vpn/mux.h"

#define MUXRULE_TABLE_BASE	21000	/* tapN's table: 21000+N */
#define MUXRULE_PRIO_BASE	19000	/* its rule's priority: 19000+N */

struct nl_sock;

static inline unsigned
muxrule_table(unsigned tap)
{
	return MUXRULE_TABLE_BASE + tap;
}

/* Whether table is a per-mux table (21001..21063). */
static inline bool
muxrule_is_table(unsigned table)
{
	return table >= MUXRULE_TABLE_BASE + MUX_TAP_MIN &&
	    table <= MUXRULE_TABLE_BASE + MUX_TAP_MAX;
}

/* tapN's rules, both families, unless there already. -1 with err. */
int	muxrule_add(struct nl_sock *sk, unsigned tap, char *err,
	    size_t errlen);
/* Every copy of tapN's rules; how many went, or -1 with err. */
int	muxrule_del(struct nl_sock *sk, unsigned tap, char *err,
	    size_t errlen);
/* Every rule of ours, of any tap (a daemon's stop, or a previous run's
 * at start); how many went, or -1 with err. */
int	muxrule_flush(struct nl_sock *sk, char *err, size_t errlen);

#endif
