/*
 * Our announcements out to the muxes: requests from the control socket
 * through the safety gates into the desired state (ann_store), the
 * UPDATEs that change sends to exactly the sessions it concerns, the data
 * plane, and a session's whole export when it comes up. Nothing learned
 * from a mux is ever exported: only these announcements are.
 */
#ifndef PEERING_DAEMON_EXPORTS_H
#define PEERING_DAEMON_EXPORTS_H

#include <cjson/cJSON.h>
#include <ev.h>
#include <stdbool.h>
#include <time.h>

#include "../announce/announce.h"
#include "../bgp/session.h"
#include "../lib/strbuf.h"

struct bgpd;

#define EXPORTS_DROPPED_SHOWN	16	/* listed in bgp status; all logged */

/* An entry of var/announcements.json the gates refused at start. */
struct exports_dropped {
	struct prefix	prefix;
	char		mux[32];	/* ANN_MUX_ALL: every mux */
	char		why[200];
};

/*
 * What `bgp status` says of the announcements besides the sessions: a
 * store ahead of its file (a save failed: retried on a timer and with the
 * next change), and the entries dropped at start.
 */
struct exports_state {
	struct ev_timer		t_save;		/* the save again */
	double			save_backoff;	/* seconds to the next try */
	bool			unsaved;
	time_t			unsaved_since;	/* the first failure */
	char			save_err[256];
	size_t			n_dropped;
	struct exports_dropped	dropped[EXPORTS_DROPPED_SHOWN];
};

/* Reads var/announcements.json and restores the data plane of what it
 * holds (after a crash or restart); -1 with err on a corrupt file. */
int	exports_open(struct bgpd *d, char *err, size_t errlen);
void	exports_close(struct bgpd *d);
/* Everything the session's mux is to hear, before its End-of-RIB. */
void	exports_session_up(struct bgpd *d, struct session *s);
/* announce/withdraw from the control socket; the reply says what was done
 * or the one-line refusal. */
void	exports_request(struct bgpd *d, const struct ann_request *r,
	    struct strbuf *reply);
/* `announce-file PATH [force] [nodp]` (peering announce FILE.json): the
 * file read here, every request checked, all applied or none, the store
 * saved once before any UPDATE (exports_batch.c). */
void	exports_file(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
/* `peering bgp stop`: every announcement withdrawn and forgotten, every
 * pref-20000 rule removed. */
void	exports_clear(struct bgpd *d, struct strbuf *reply);
/* `peering bgp6 stop`: the announcements of one family (AF_IDX_*)
 * withdrawn and forgotten, with their data plane. */
void	exports_clear_family(struct bgpd *d, unsigned af,
	    struct strbuf *reply);
/* `adv NAME [ipv4|ipv6] [json]`: what a mux was really sent (the
 * Adj-RIB-Out) beside what it is to hear; af -1: both families. */
void	exports_show(struct bgpd *d, const char *name, int af, bool json,
	    struct strbuf *reply);
/* The lines `bgp status` adds after the sessions (nothing when all is
 * well), or, with json, an "announcements" object added to it. */
void	exports_status(struct bgpd *d, struct strbuf *reply, cJSON *json);

#endif
