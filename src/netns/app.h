/*
 * app: a PEERING prefix given to applications (`peering app`,
 * docs/app.md): a network namespace papp<ID> whose eth0 holds the
 * prefix's first address, joined by a veth to papp<ID>h on the host,
 * which holds its last; or a Linux bridge pbr<ID> holding the last
 * address, for Docker containers (or any namespace) to attach to. Traffic
 * from the prefix is source-routed: `from PREFIX lookup TABLE priority
 * 10000+ID`, TABLE being 20000 (the best route from any mux) or the app's
 * own 10000+ID with one default route: via the mux on its tap (-u MUX) or
 * via one upstream peer's next hop at that mux (-u MUX:PEER, IPv4). With
 * -u MUX a rule of the same priority, added first, looks up the mux's own
 * table 21000+N before (muxrule.h): its routes when the daemon keeps
 * them, the default route when not.
 *
 * The names are the state: everything app_create makes is found again
 * from the kernel by its name or its priority (app_remove, app_list).
 *
 * app_plan_make is pure (tests); the rest works the kernel through
 * nlroute.c and netns.c.
 */
#ifndef PEERING_NETNS_APP_H
#define PEERING_NETNS_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/prefix.h"
#include "../vpn/mux.h"

#define APP_ID_MIN		1
#define APP_ID_MAX		999
#define APP_TABLE_BASE		10000	/* app tables and rule priorities */
#define APP_TABLE_ALL		20000	/* the best routes from every mux */
#define APP_NS_PREFIX		"papp"
#define APP_BRIDGE_PREFIX	"pbr"
#define APP_NS_DEV		"eth0"
#define APP_NAME_MAX		16	/* IFNAMSIZ */

enum app_mode {
	APP_MODE_NS,
	APP_MODE_BRIDGE,
};

enum app_egress {
	APP_EGRESS_ALL,		/* table 20000 */
	APP_EGRESS_MUX,		/* -u MUX */
	APP_EGRESS_PEER,	/* -u MUX:PEER */
};

struct app_spec {
	unsigned	id;
	enum app_mode	mode;
	struct prefix	prefix;
	enum app_egress	egress;
	char		mux[MUX_NAME_MAX + 1];
	unsigned	tap;	/* the mux's, with -u */
	unsigned	peer;	/* with -u MUX:PEER */
};

/* What app_create makes, derived from a spec by app_plan_make. */
struct app_plan {
	char		ns[APP_NAME_MAX];	/* papp7 (namespace mode) */
	char		hostdev[APP_NAME_MAX];	/* papp7h or pbr7 */
	char		tapdev[APP_NAME_MAX];	/* tapN, with -u */
	struct prefix	net;		/* the prefix */
	struct prefix	app_addr;	/* first host, len = the prefix's */
	struct prefix	host_addr;	/* last host, len = the prefix's */
	struct prefix	any;		/* 0.0.0.0/0 or ::/0 */
	unsigned	prio;		/* 10000 + ID */
	unsigned	table;		/* 20000, or 10000 + ID */
	unsigned	mux_table;	/* -u MUX: 21000 + N, first; 0 */
	bool		has_gw;		/* a default route in table */
	struct prefix	gw;		/* via, on tapdev */
	bool		onlink;
};

/* Names and addresses for spec. -1 with err: a prefix with no room for
 * two hosts (IPv4 longer than /30, IPv6 than /126), -u MUX:PEER with an
 * IPv6 prefix, a tap out of range. */
int	app_plan_make(const struct app_spec *spec, struct app_plan *plan,
	    char *err, size_t errlen);
/* papp<ID> / papp<ID>h / pbr<ID>: the names of mode and id. */
void	app_names(unsigned id, enum app_mode mode, char *ns, char *hostdev);

/* ---- the kernel (root) ---- */

/* Everything of plan; on failure what was made is removed again. */
int	app_create(const struct app_spec *spec, const struct app_plan *plan,
	    const char *netns_dir, char *err, size_t errlen);
/*
 * The app of id in mode: its namespace or bridge and veth, its rules
 * (priority 10000+ID, lookup 20000 or 10000+ID), the routes of table
 * 10000+ID. *found: whether there was anything. -1 with err (the first
 * failure; the rest is still tried).
 */
int	app_remove(unsigned id, enum app_mode mode, const char *netns_dir,
	    bool *found, char *err, size_t errlen);

/* What is in use: 1 if id's namespace or bridge exists (*mode says
 * which), 0 if neither, -1 with err. */
int	app_in_use(unsigned id, const char *netns_dir, enum app_mode *mode,
	    char *err, size_t errlen);

/* One app as found in the kernel. */
struct app_state {
	unsigned	id;
	bool		has_ns, has_bridge;	/* mode */
	bool		has_link;	/* papp<ID>h or pbr<ID> */
	bool		has_rule;
	struct prefix	prefix;		/* from the rule */
	unsigned	table;
	unsigned	mux_table;	/* the rule looking it up first, 0 */
	bool		has_addr;	/* host address on the link */
	bool		has_route;	/* table 10000+ID's default */
	bool		has_gw;
	struct prefix	gw;
	char		oif[APP_NAME_MAX];	/* the default route's */
};

/* Every app found (namespaces, bridges, rules), by id, at most max;
 * returns how many there are, or -1 with err. */
int	app_list(const char *netns_dir, struct app_state *out, size_t max,
	    char *err, size_t errlen);

#endif
