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
#include "../announce/ann_plan.h"

/* What one session heard of a prefix before a change, and after. */
struct exports_heard {
	bool		 had;		/* it heard the prefix */
	struct ann_attrs attrs;		/* with these attributes */
	bool		 changed;	/* it hears a change now */
	bool		 noted;		/* its change record was set */
	time_t		 prev_at;	/* the record before (0: none) */
};

/* One per session, by index in d->sessions. */
struct exports_diff {
	struct exports_heard	s[BGPD_MAX_SESSIONS];
};

/* A PEERING mux hears the "all" entries; a configured neighbour does not
 * (docs/announce.md, "Who hears what"). */
bool	exports_hears_all(const struct bgpd *d, const struct session *s);
/* s is a mux the test schedule's check proved a test bed (d->mux_testbed). */
bool	exports_testbed(const struct bgpd *d, const struct session *s);
bool	exports_session_named(const struct bgpd *d, const char *name);
/* The sessions' names, each once (an IPv4 and an IPv6 session share
 * one), into names (BGPD_MAX_SESSIONS); returns how many. */
size_t	exports_session_names(const struct bgpd *d, const char **names);

/* Before the store changes for p: what every session hears. */
void	exports_diff_begin(struct bgpd *d, const struct prefix *p,
	    struct exports_diff *df);
/* After: which sessions hear a change, each noted as a change of (p,
 * session) at now; -1 when the change records are full (the others are
 * noted). */
int	exports_diff_note(struct bgpd *d, const struct prefix *p,
	    struct exports_diff *df, time_t now);
/* The notes taken back, as they were before exports_diff_note. */
void	exports_diff_undo(struct bgpd *d, const struct prefix *p,
	    struct exports_diff *df);
/* Each session that hears a change gets the UPDATE for it. */
void	exports_diff_send(struct bgpd *d, const struct prefix *p,
	    const struct exports_diff *df);

/* The requests' common steps (exports_req.c), for the one request and
 * for a file's batch (exports_batch.c). */
/* The sessions of p's family, as the plan sees them (t holds
 * BGPD_MAX_SESSIONS); returns how many. */
size_t	exports_plan_targets(const struct bgpd *d, const struct prefix *p,
	    struct ann_target *t);
/* The verdicts that answer without changing anything (the reply says
 * why); 0: apply, 1: nothing to do, -1: refused. */
int	exports_plan_answer(const struct ann_request *r,
	    const struct ann_plan *pl, struct strbuf *reply);
/* Whether an entry of p sets up the data plane. */
bool	exports_dataplane_kept(struct bgpd *d, const struct prefix *p);
/* A withdrawal of what s keeps: it passes whatever the gates now say (a
 * prefix taken out of prefixes.txt, a mux no longer configured). */
bool	exports_withdraw_of_kept(struct ann_store *s,
	    const struct ann_request *r);
/* The gates of r under pol (ann_check, a known session); -1 with the
 * refusal in reply. */
int	exports_gates(struct bgpd *d, const struct ann_policy *pol,
	    const struct ann_request *r, struct strbuf *reply);

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
