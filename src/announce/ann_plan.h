/*
 * What one announce or withdraw request changes, session by session, and
 * whether the change-rate rule lets it (docs/announce.md, "The change
 * rate"). Pure: the store, the sessions of the prefix's family and the
 * time in; a verdict and what each session would hear out.
 *
 * The rule is per (prefix, mux): the mux whose session hears the change,
 * whichever entry ("all" or the mux's own) makes it. Every change that
 * reaches the wire counts (an announcement, other attributes, a
 * withdrawal), and the store keeps when each (prefix, mux) last heard one
 * (ann_store_change_at). An announcement or other attributes less than
 * ANN_CHANGE_INTERVAL after the last change there is refused unless
 * forced; a withdrawal is always allowed (stopping is never the risk) and
 * counts, so the next announcement there waits.
 *
 * r->rate_interval may ask for a shorter interval (the experiments' test
 * schedule): it holds only on targets that are not PEERING muxes
 * (hears_all false: configured neighbours) or are muxes proven emulated
 * (testbed: a tunnel to a test bed, src/vpn/testbed.h); a PEERING mux
 * always waits ANN_CHANGE_INTERVAL, whoever asks.
 */
#ifndef PEERING_ANN_PLAN_H
#define PEERING_ANN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ann_store.h"

/* What one session hears of the request. */
enum ann_wire {
	ANN_WIRE_SAME,		/* nothing changes there */
	ANN_WIRE_ANNOUNCE,	/* an announcement, or other attributes */
	ANN_WIRE_WITHDRAW,
};

/* A session that may hear the prefix: one per mux or neighbour of the
 * prefix's family. */
struct ann_target {
	const char	*name;
	bool		 hears_all;	/* a PEERING mux: the "all" entries
					 * apply to it (a neighbour: no) */
	bool		 testbed;	/* a mux of configs/openvpn whose tunnel
					 * goes to a test bed, not to PEERING
					 * (vpn/testbed.h) */
	enum ann_wire	 wire;		/* set by ann_plan_make */
};

enum ann_verdict {
	ANN_APPLY,		/* store it; targets[].wire is what goes out */
	ANN_NOOP,		/* announce of the attributes there already */
	ANN_NOT_ANNOUNCED,	/* withdraw of what is not there */
	ANN_WITHDRAW_ALL_FIRST,	/* withdraw from a mux that hears only the
				 * "all" entry */
	ANN_TOO_SOON,		/* refused by the change-rate rule */
	ANN_REFUSED,		/* refused by a gate (ann_decide only) */
};

struct ann_plan {
	enum ann_verdict verdict;
	size_t		 n_changed;	/* targets whose wire is not SAME */
	/* ANN_TOO_SOON: how many targets must wait, the one that waits
	 * longest and when the whole request becomes allowed. */
	size_t		 n_waiting;
	const char	*waiting;	/* points into the targets */
	time_t		 allowed_at;
};

/*
 * The plan of r (announce or withdraw, r->force honoured) on the store s
 * at time now, for the nt sessions t[] of r->prefix's family; fills each
 * t[i].wire. The last change of (prefix, mux) is its change record, or,
 * when later, the last_change of the entry the mux hears now (a store
 * from before the records, or a mux configured after the record went).
 */
void	ann_plan_make(const struct ann_store *s, const struct ann_request *r,
	    struct ann_target *t, size_t nt, time_t now, struct ann_plan *out);

/* When a change after one at `last` is allowed (no overflow). */
time_t	ann_plan_allowed_at(time_t last);
/* The same with another interval (seconds). */
time_t	ann_plan_allowed_after(time_t last, unsigned interval);
/* The interval r has on target t: ANN_CHANGE_INTERVAL, or r's shorter
 * rate_interval on a target that is not a PEERING mux (a neighbour, or a
 * mux of a test bed). */
unsigned ann_plan_interval(const struct ann_request *r,
	    const struct ann_target *t);

#endif
