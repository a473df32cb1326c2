/*
 * muxtables: the per-mux tables (docs/dataplane.md, "Per-mux tables"):
 * for every mux with `mux-table yes` (docs/config.md), a kernel table
 * 21000+N of the mux's own best routes (a peertable over its IPv4 and
 * IPv6 sessions' paths) and, while its tapN exists, the rules `oif tapN
 * lookup 21000+N` (muxrule.h). Opened at start; at stop every route and
 * rule goes. What the configuration says is read at start only.
 */
#ifndef PEERING_DAEMON_MUXTABLES_H
#define PEERING_DAEMON_MUXTABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "../netns/linkmon.h"

struct bgpd;
struct session;

struct muxtables_stats {
	unsigned	tables;
	size_t		routes;		/* installed, all tables */
	size_t		queued;
	size_t		prefixes;	/* the muxes' own bests kept */
	size_t		bytes;		/* trees and kernel syncs */
};

/* The tables of the muxes configured so, their rules for the taps there
 * already (and none of a previous run's). Failures are logged; the rest
 * of the daemon runs on. */
void	muxtables_open(struct bgpd *d);
/* Every route and rule removed (bounded wait), everything freed. */
void	muxtables_close(struct bgpd *d);
/* The sessions may have changed (a reload): each table follows its mux's
 * sessions of now. */
void	muxtables_sessions(struct bgpd *d);
/* A reload to c (muxes t): a mux-table setting it changes is logged as
 * taking effect at the next start. */
struct config;
struct mux_table;
void	muxtables_reload_note(const struct bgpd *d, const struct config *c,
	    const struct mux_table *t);
/* A link came, changed or went: its rules follow. */
void	muxtables_link(struct bgpd *d, const struct linkmon_event *ev);
/* Routes of a previous run not confirmed since start go. */
void	muxtables_sweep_stale(struct bgpd *d);
void	muxtables_get_stats(const struct bgpd *d, struct muxtables_stats *st);

#endif
