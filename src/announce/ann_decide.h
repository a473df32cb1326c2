/*
 * The export decision: one announce or withdraw request against the state
 * it would change, decided in one place (docs/announce.md, "The safety
 * gates", "The change rate", "Who hears what"). Pure: the store, the
 * gates' policy, the sessions and the clock come in; the refusal, or the
 * sessions that hear a change, go out. A new gate goes in ann_decide().
 *
 * The order of the decision:
 *   1. the gates (ann_check and a known mux), skipped for a withdrawal of
 *      what the store keeps: stopping is never the risk, even of a prefix
 *      taken out of prefixes.txt or a mux no longer configured;
 *   2. the plan (ann_plan_make): what each session of the prefix's family
 *      hears, nothing to do, or a withdrawal from one mux of what it hears
 *      from "all";
 *   3. the change-rate rule, per (prefix, mux), read from the store's
 *      change records: an announcement too soon is refused unless forced;
 *      a withdrawal is always allowed and counts as a change.
 *
 * The caller then applies it (ann_apply: the entry and the change records
 * of every session that hears the change), saves the store, and only then
 * sends each session whose wire is not ANN_WIRE_SAME what it now hears.
 */
#ifndef PEERING_ANN_DECIDE_H
#define PEERING_ANN_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ann_plan.h"
#include "ann_store.h"
#include "../lib/strbuf.h"

#define ANN_SESSIONS_MAX	256	/* sessions a state may list */

/* A session of the daemon as the decision sees it. */
struct ann_session {
	const char	*name;
	unsigned	 af;		/* AF_IDX_* */
	bool		 hears_all;	/* a PEERING mux (ann_target) */
	bool		 testbed;	/* a mux proven a test bed */
};

/* What a decision reads. */
struct ann_state {
	const struct ann_store	 *store;
	/* The gates' policy (the user's prefix lists); NULL when they could
	 * not be read, pol_err saying why: every request the gates would
	 * see is then refused with it. */
	const struct ann_policy	 *pol;
	const char		 *pol_err;
	const struct ann_session *sessions;	/* both families */
	size_t			  n_sessions;	/* <= ANN_SESSIONS_MAX */
};

struct ann_decision {
	/* ANN_APPLY: apply and send; ANN_NOOP, ANN_NOT_ANNOUNCED: nothing
	 * to do; ANN_REFUSED (why), ANN_TOO_SOON (plan), ANN_WITHDRAW_ALL_FIRST:
	 * refused. */
	enum ann_verdict verdict;
	char		 why[512];	/* ANN_REFUSED: the gate's one line */
	struct ann_plan	 plan;		/* its waiting names a session */
	/* The sessions of the prefix's family, each with what it hears
	 * (ann_plan_make), and where each stands in the state's list. */
	struct ann_target t[ANN_SESSIONS_MAX];
	size_t		 session[ANN_SESSIONS_MAX];
	size_t		 nt;
	/* The same wires by the state's session index (ANN_WIRE_SAME for
	 * the other family): the changes to send. */
	enum ann_wire	 wire[ANN_SESSIONS_MAX];
};

/* The decision on r (r->force honoured) at time now; fills *out. */
void	ann_decide(const struct ann_state *st, const struct ann_request *r,
	    time_t now, struct ann_decision *out);

/* 0: apply; 1: nothing to do; -1: refused. */
int	ann_decision_code(const struct ann_decision *d);
/*
 * The answer to the user (returns ann_decision_code): nothing for ANN_APPLY (0); a line saying why
 * nothing was sent (1, silent for a dry run, r->check); the one-line
 * refusal starting CONTROL_ERROR_PREFIX (-1).
 */
int	ann_decision_reply(const struct ann_request *r,
	    const struct ann_decision *d, struct strbuf *reply);

/* What ann_apply changed, for ann_undo to take back. */
struct ann_undo {
	bool		 had;		/* (prefix, mux) had an entry */
	struct ann_entry old;		/* then this one */
	size_t		 n;		/* change records noted */
	const char	*mux[ANN_SESSIONS_MAX];
	time_t		 prev[ANN_SESSIONS_MAX];	/* 0: none before */
};

/*
 * An applied request, on s: the entry of an announcement set (changed at
 * now), or a withdrawal's entries removed; then the change record of
 * every target t[] whose wire is not ANN_WIRE_SAME noted at now. 0, or
 * ANN_APPLY_FULL (the store: too many announcements, or no memory) or
 * ANN_APPLY_RECORDS_FULL (the change records), the store then half
 * changed. undo (an announcement only; NULL for a withdrawal, which is
 * never taken back) records what ann_undo needs to put it back.
 */
#define ANN_APPLY_FULL		(-1)
#define ANN_APPLY_RECORDS_FULL	(-2)
int	ann_apply(struct ann_store *s, const struct ann_request *r,
	    const struct ann_target *t, size_t nt, time_t now,
	    struct ann_undo *undo);
/* The announcement of r taken back from s as ann_apply recorded it in u
 * (a save that failed). */
void	ann_undo(struct ann_store *s, const struct ann_request *r,
	    const struct ann_undo *u);

/*
 * Several changes of p at once (a file's requests, `bgp stop`, an entry
 * dropped at start): what each session heard before, then after the
 * store changed which of them hear a change (wire, by session index),
 * each change noted at now. -1 when a record could not be kept (the
 * records are full): the others are noted, and every wire is still set.
 */
struct ann_heard {
	bool		 had;
	struct ann_attrs attrs;
};
void	ann_heard_take(const struct ann_store *s,
	    const struct ann_session *ss, size_t ns, const struct prefix *p,
	    struct ann_heard *h);
int	ann_heard_note(struct ann_store *s, const struct ann_session *ss,
	    size_t ns, const struct prefix *p, const struct ann_heard *h,
	    time_t now, enum ann_wire *wire);

#endif
