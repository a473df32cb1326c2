/*
 * nlroute: the few libnl-route operations the host's data plane is made
 * of (dataplane.c for announced prefixes, app.c for app namespaces and
 * bridges, the proxy's routes): links by name, addresses, policy rules
 * and routes, each on a socket the caller opened (which may belong to
 * another network namespace: a socket stays in the namespace it was
 * made in).
 *
 * Synchronous, one request and its acknowledgement at a time: these are
 * rare, user-triggered operations. Errors are one line in err (the first
 * error of a call wins: later ones are its consequences; the netlink
 * text from nl_geterror) and -1. Adding what is there and removing what
 * is absent both succeed.
 */
#ifndef PEERING_NETNS_NLROUTE_H
#define PEERING_NETNS_NLROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/prefix.h"

struct nl_sock;
struct nl_addr;
struct rtnl_rule;

/* A NETLINK_ROUTE socket in the caller's current network namespace. */
struct nl_sock	*nlr_open(char *err, size_t errlen);
void		 nlr_close(struct nl_sock *sk);

/* err, if still empty, gets the message; err[0] = '\0' clears it. */
void	nlr_err(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	nlr_err_clear(char *err, size_t errlen);

int	nlr_prefix_to_nl(const struct prefix *p, struct nl_addr **out);
/* An address as a prefix, masked; -1 if it is none of ours. */
int	nlr_prefix_from_nl(struct nl_addr *a, struct prefix *out);

/* ---- links ---- */

/* The index of link name, 0 when there is none; -1 with err on a
 * netlink failure. */
int	nlr_link_index(struct nl_sock *sk, const char *name, char *err,
	    size_t errlen);
/* The names of the links starting with prefix, at most max into
 * names; how many there are, or -1 with err. */
int	nlr_link_names(struct nl_sock *sk, const char *prefix,
	    char (*names)[16], size_t max, char *err, size_t errlen);
/* Sets link name up; -1 with err (also when it does not exist). */
int	nlr_link_up(struct nl_sock *sk, const char *name, char *err,
	    size_t errlen);
/* Removes link name; absent is fine. */
int	nlr_link_del(struct nl_sock *sk, const char *name, char *err,
	    size_t errlen);
/* A veth pair: name here, peer named peer_name in the network namespace
 * of ns_fd (-1: here too). Fails (EEXIST) if name exists. */
int	nlr_veth_add(struct nl_sock *sk, const char *name,
	    const char *peer_name, int ns_fd, char *err, size_t errlen);
/* A Linux bridge. Fails (EEXIST) if name exists. */
int	nlr_bridge_add(struct nl_sock *sk, const char *name, char *err,
	    size_t errlen);

/* ---- addresses ---- */

/*
 * a is the address and a->len the length of its subnet (a /24 address
 * gets the connected route of its /24). Scope global; IPv6 without DAD
 * (the links are ours and new: no one to collide with, and a tentative
 * address cannot be bound). ifname is for messages.
 */
int	nlr_addr_add(struct nl_sock *sk, int ifindex, const char *ifname,
	    const struct prefix *a, char *err, size_t errlen);
int	nlr_addr_del(struct nl_sock *sk, int ifindex, const char *ifname,
	    const struct prefix *a, char *err, size_t errlen);
/* The first address of family af on link ifindex (a /32 or /128):
 * 1, or 0 when it has none, or -1 with err. */
int	nlr_link_addr(struct nl_sock *sk, int ifindex, unsigned af,
	    struct prefix *out, char *err, size_t errlen);
/* Whether address a (a->len ignored) is on any link; -1 with err. */
int	nlr_addr_present(struct nl_sock *sk, const struct prefix *a,
	    char *err, size_t errlen);

/* ---- policy rules ---- */

/* One rule of the dump. */
struct nlr_rule {
	struct rtnl_rule	*r;
	bool			 plain;	/* selects by source alone */
};

struct nlr_rules {
	struct nlr_rule	*v;
	size_t		 n, cap;
	int		 err;		/* NLE_*: collecting failed */
	bool		 cur_plain;	/* of the message being parsed */
	unsigned	 prio_lo, prio_hi;
};

/*
 * Every IPv4 and IPv6 rule with a priority in prio_lo..prio_hi (a raw
 * dump: a libnl cache would fold identical rules into one, and
 * duplicates must be seen). Free with nlr_rules_free. 0 or -1 (err).
 */
int	nlr_rules_dump(struct nl_sock *sk, unsigned prio_lo, unsigned prio_hi,
	    struct nlr_rules *rs, char *err, size_t errlen);
void	nlr_rules_free(struct nlr_rules *rs);
unsigned nlr_rule_prio(const struct nlr_rule *d);
/*
 * `from SRC lookup TABLE` with nothing else: ours. *table and *src (may
 * be NULL) are filled for any plain rule that looks a table up; false for
 * any other rule.
 */
bool	nlr_rule_plain_lookup(const struct nlr_rule *d, unsigned *table,
	    struct prefix *src);
/* `from net lookup table priority prio`, unless already there. */
int	nlr_rule_add(struct nl_sock *sk, const struct prefix *net,
	    unsigned table, unsigned prio, char *err, size_t errlen);
/* Deletes the rule the dump showed. 1 deleted, 0 already gone, -1. */
int	nlr_rule_del(struct nl_sock *sk, const struct nlr_rule *d,
	    char *err, size_t errlen);
/* Every copy of `from net lookup table priority prio`. */
int	nlr_rules_del(struct nl_sock *sk, const struct prefix *net,
	    unsigned table, unsigned prio, char *err, size_t errlen);

/* ---- routes ---- */

/*
 * A unicast route to dst in table through ifindex: via gw when gw is not
 * NULL (onlink: the gateway need not be on a subnet of the link), else
 * directly on the link. Adding an existing route is fine (NLE_EXIST).
 */
struct nlr_route {
	const struct prefix	*dst;
	const struct prefix	*gw;	/* NULL: on-link */
	int			 ifindex;
	unsigned		 table;
	bool			 onlink;
};

int	nlr_route_add(struct nl_sock *sk, const struct nlr_route *rt,
	    char *err, size_t errlen);
int	nlr_route_del(struct nl_sock *sk, const struct nlr_route *rt,
	    char *err, size_t errlen);
/* Whether the route to dst in table (any gateway and device) is there. */
int	nlr_route_present(struct nl_sock *sk, const struct prefix *dst,
	    unsigned table, char *err, size_t errlen);
/* The route to dst in table: 1 with its first gateway in *gw (len 0
 * when it has none) and its device's name in oif, 0 when absent, -1. */
int	nlr_route_find(struct nl_sock *sk, const struct prefix *dst,
	    unsigned table, struct prefix *gw, char *oif, size_t oiflen,
	    char *err, size_t errlen);
/* Every route of table, both families; the count removed, or -1. */
int	nlr_route_flush_table(struct nl_sock *sk, unsigned table, char *err,
	    size_t errlen);

#endif
