/*
 * Between sessions and the RIB, and between the RIB and the kernel table:
 * received UPDATEs through the import policy into the RIB, best-path
 * changes into table 20000, sessions going down (or restarting
 * gracefully) taking their routes along.
 */
#ifndef PEERING_DAEMON_ROUTES_H
#define PEERING_DAEMON_ROUTES_H

#include "../bgp/session.h"

struct bgpd;

extern const struct session_hooks routes_hooks_template;

/* The RIB of the daemon; -1 with err on failure. */
int	routes_open(struct bgpd *d, char *err, size_t errlen);
void	routes_close(struct bgpd *d);
/* The kernel sync of the RIB's best routes into table 20000 (d->kroute,
 * NULL when the kernel refuses) and the per-mux tables; the routes a
 * previous run left there are swept once every session has sent its
 * End-of-RIB, or after a timeout. Stopped before the RIB closes. */
void	routes_kernel_start(struct bgpd *d);
void	routes_kernel_stop(struct bgpd *d);
/* A session's slot in the RIB; -1 when none is left. */
int	routes_session_add(struct bgpd *d, struct session *s);
void	routes_session_remove(struct bgpd *d, struct session *s);
/* The session's import policy changed (in d->conf already): paths it now
 * refuses go, and a ROUTE-REFRESH asks for what it may now accept.
 * Returns the paths removed. */
size_t	routes_import_changed(struct bgpd *d, struct session *s,
	    bool *refreshed);
/* The session's limits (max-paths, max-paths-per-prefix in d->conf) into
 * the RIB, at start and on every reload: a limit raised after paths were
 * dropped for it asks the peer for its routes again (route refresh); a
 * session already past a max-paths whose action is cease ends now.
 * Paths kept before a limit was lowered stay. */
void	routes_limits_apply(struct bgpd *d, struct session *s);
/* The session's settings in d->conf (its mux's or neighbour's block, or
 * the defaults); whoever changes which block a name has bumps
 * d->conf_gen. */
const struct config_session *routes_settings(struct bgpd *d,
	    const struct session *s);

#endif
