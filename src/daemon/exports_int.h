/*
 * Between the files of the exports (exports.c: what each session hears
 * and sends; exports_req.c: the requests; exports_store.c: the store's
 * load, its gates and its saves).
 */
#ifndef PEERING_DAEMON_EXPORTS_INT_H
#define PEERING_DAEMON_EXPORTS_INT_H

#include <stdbool.h>
#include <time.h>

#include "bgpd.h"
#include "../announce/ann_decide.h"

/* Several changes of one prefix at once (a file, `bgp stop`, an entry
 * dropped at start): what each session heard before, by index in
 * d->sessions, and what it hears a change of after (ann_heard_*). */
struct exports_diff {
	struct ann_heard	h[BGPD_MAX_SESSIONS];
	enum ann_wire		wire[BGPD_MAX_SESSIONS];
};

/* What the decision reads of the daemon: the store, the gates' policy
 * (the user's prefix lists, read afresh) and the sessions. */
struct exports_view {
	struct ann_state	st;
	struct ann_session	s[BGPD_MAX_SESSIONS];
	struct ann_policy	pol;
	struct prefix		*owned;
	char			pol_err[512];
};
_Static_assert(BGPD_MAX_SESSIONS <= ANN_SESSIONS_MAX,
    "a decision lists every session");

/* A PEERING mux hears the "all" entries; a configured neighbour does not
 * (docs/announce.md, "Who hears what"). */
bool	exports_hears_all(const struct bgpd *d, const struct session *s);
/* s is a mux the test schedule's check proved a test bed (d->mux_testbed). */
bool	exports_testbed(const struct bgpd *d, const struct session *s);
bool	exports_session_named(const struct bgpd *d, const char *name);
/* The sessions' names, each once (an IPv4 and an IPv6 session share
 * one), into names (BGPD_MAX_SESSIONS); returns how many. */
size_t	exports_session_names(const struct bgpd *d, const char **names);

/* d's sessions as the decision sees them, into ss (BGPD_MAX_SESSIONS);
 * returns how many. */
size_t	exports_sessions(const struct bgpd *d, struct ann_session *ss);
/* The view of d for ann_decide (exports_view_free after). */
void	exports_view_open(struct bgpd *d, struct exports_view *v);
void	exports_view_free(struct exports_view *v);

/* Before the store changes for p: what every session hears. */
void	exports_diff_begin(struct bgpd *d, const struct prefix *p,
	    struct exports_diff *df);
/* After: which sessions hear a change (df->wire), each noted as a change
 * of (p, session) at now; -1 when the change records are full (the
 * others are noted). */
int	exports_diff_note(struct bgpd *d, const struct prefix *p,
	    struct exports_diff *df, time_t now);
/* Each session whose wire[] (by index in d->sessions) is not
 * ANN_WIRE_SAME gets the UPDATE of what it now hears of p. */
void	exports_changes_send(struct bgpd *d, const struct prefix *p,
	    const enum ann_wire *wire);

/* Whether an entry of p sets up the data plane. */
bool	exports_dataplane_kept(struct bgpd *d, const struct prefix *p);

/* The policy of the gates: the user's prefix lists, read afresh
 * (*owned to free). -1 with err. */
int	exports_policy_load(struct bgpd *d, struct ann_policy *pol,
	    struct prefix **owned, char *err, size_t errlen);

/* Saves (exports_store.c): the store with its old change records pruned;
 * a success ends an unsaved state. -1 with err. */
void	exports_save_init(struct bgpd *d);
int	exports_save(struct bgpd *d, char *err, size_t errlen);
/* A save failed with memory ahead of the file: logged, retried. */
void	exports_save_failed(struct bgpd *d, const char *err);

#endif
