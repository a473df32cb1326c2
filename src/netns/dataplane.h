/*
 * dataplane: what the host needs to send and receive traffic of an
 * announced prefix (REFERENCE.md, "Data plane (unless -R)"): the prefix's
 * first address (.1, or ::1) as a /32 or /128 on `lo`, and the policy
 * rule `from <prefix> lookup 20000 priority 20000`, so replies sourced
 * from the prefix leave through the routes learned from the muxes.
 *
 * Synchronous netlink (libnl-route) on a short-lived socket: these are
 * rare, user-triggered operations of a few round trips each; not for the
 * per-route path. Every call is idempotent. Errors are one line in err
 * (with the netlink error text) and -1; nothing here is fatal.
 */
#ifndef PEERING_DATAPLANE_H
#define PEERING_DATAPLANE_H

#include <stddef.h>

#include "../lib/prefix.h"

#define DATAPLANE_TABLE		20000	/* lookup: the muxes' routes */
#define DATAPLANE_PRIO		20000	/* priority of the source rules */
#define DATAPLANE_IFNAME	"lo"

/*
 * The first address of p on lo and p's rule, each only if not already
 * there. p needs room for a first address (IPv4 up to /31, IPv6 up to
 * /127). Returns 0, or -1 with err set (what was added stays).
 */
int	dataplane_add(const struct prefix *p, char *err, size_t errlen);

/*
 * Removes p's first address (the /32 or /128) from lo and every copy of
 * p's rule; what is absent is fine. Returns 0, or -1 with err set (the
 * first failure; the rest is still tried).
 */
int	dataplane_remove(const struct prefix *p, char *err, size_t errlen);

/*
 * `bgp start` / `bgp stop`: removes every rule with priority
 * DATAPLANE_PRIO, IPv4 and IPv6, whatever it selects or does. Returns
 * the number removed, or -1 with err set (the first failure; the rest is
 * still tried).
 */
int	dataplane_flush_rules(char *err, size_t errlen);

/* The same, then the lo addresses of addrs[0..naddrs) (may be NULL, 0),
 * absent ones being fine. */
int	dataplane_flush(const struct prefix *addrs, size_t naddrs,
	    char *err, size_t errlen);

/*
 * The prefixes that have a rule of ours now (priority, table and action
 * as dataplane_add makes them, no other selector), one per rule, in the
 * kernel's order. Writes at most max into out; returns how many there
 * are (more than max: out is truncated), or -1 with err set.
 */
int	dataplane_list(struct prefix *out, size_t max, char *err,
	    size_t errlen);

/* The address dataplane_add puts on lo for p, as a /32 or /128;
 * -1 if p has no room for one. */
int	dataplane_first_addr(const struct prefix *p, struct prefix *out);

#endif
