/*
 * linkmon: which network links exist, whether they can carry traffic and
 * which addresses they hold, learned from netlink (libnl-route) on the
 * daemon's libev loop. No polling, no `ip`: the kernel tells us.
 *
 * The callback fires once per link found at open (from the loop's next
 * iteration, so the caller already holds the handle; linkmon_get() works
 * as soon as linkmon_open() returns), and afterwards whenever one of
 * up / has_v4 / has_v6 / gone changes for a link; other attribute changes
 * (MTU, statistics, link-local addresses, ...) are not reported.
 */
#ifndef PEERING_LINKMON_H
#define PEERING_LINKMON_H

#include <stdbool.h>

#include "../lib/prefix.h"

struct ev_loop;
struct linkmon;

/* Addresses kept per link and address family. Past that, a change that
 * would flip has_v4/has_v6 re-reads the link from the kernel first, so the
 * state stays right; linkmon_local_addr() picks among the kept ones. */
#define LINKMON_MAX_ADDRS	8

struct linkmon_event {
	const char	*ifname;	/* valid during the callback only */
	int		 ifindex;
	bool		 up;		/* IFF_UP, IFF_LOWER_UP and IFF_RUNNING */
	bool		 has_v4;	/* at least one IPv4 address */
	bool		 has_v6;	/* a global IPv6 address past DAD */
	bool		 gone;		/* the link was deleted (or renamed) */
};

/* The callback may call linkmon_get() and linkmon_local_addr(), but must
 * not call linkmon_close(). */
typedef void	(*linkmon_cb)(void *ctx, const struct linkmon_event *ev);

/* Subscribe to link and address changes, read the links that exist and
 * report each one through cb before returning. NULL on failure (logged). */
struct linkmon	*linkmon_open(struct ev_loop *loop, linkmon_cb cb, void *ctx);
void		 linkmon_close(struct linkmon *lm);

/* Current state of a link by name; false if unknown. out->ifname points
 * into the table and is valid until the loop runs again. */
bool	linkmon_get(const struct linkmon *lm, const char *ifname,
	    struct linkmon_event *out);

/* A local address of the link for af (AF_IDX_IPV4: the first IPv4
 * address; AF_IDX_IPV6: the first global IPv6 address past DAD), as a
 * /32 or /128. Returns 0, or -1 if the link is unknown or has none. */
int	linkmon_local_addr(const struct linkmon *lm, const char *ifname,
	    unsigned af, struct prefix *out);

#endif
