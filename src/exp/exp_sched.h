/*
 * An experiment run by the daemon (docs/experiment.md): rounds of
 * announcement requests, variables A..D bound to the user's prefixes, and
 * the schedule played ahead of time on a copy of the announcement store
 * through the same plan as every request (ann_plan_make), so a run the
 * change-rate rule would refuse halfway is refused before its first round,
 * and a dry run shows what each session would hear. Pure: the store, the
 * sessions and the clock come in.
 */
#ifndef PEERING_EXP_SCHED_H
#define PEERING_EXP_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../announce/ann_json.h"
#include "../announce/ann_plan.h"
#include "../announce/ann_store.h"
#include "../announce/export_attrs.h"
#include "../lib/strbuf.h"

#define EXP_ROUND_DEFAULT	5400	/* seconds: the guidelines' 90 min */
#define EXP_ROUND_MAX		(30 * 86400)
#define EXP_FAST_MIN		2	/* the test schedule's shortest round */

/* Variables A..D: index 0..3. */
struct exp_bindings {
	struct prefix	prefix[ANN_EXP_VARS];	/* len 0 and af 0: unbound */
	bool		bound[ANN_EXP_VARS];
	bool		chosen[ANN_EXP_VARS];	/* by the daemon, not given */
};

/*
 * The file of `peering experiment run`: an experiment
 * (ann_json_parse_experiment), or an announcement file (ann_json_parse,
 * docs/announce-json.md) run as an experiment of one round. A JSON object
 * with a key "experiment" or "rounds" is an experiment; anything else is
 * read as announcements. -1 with err as the parser wrote it.
 */
int	exp_parse_file(const char *buf, size_t len, const char *const *names,
	    size_t n_names, const struct ann_policy *pol, struct ann_exp *out,
	    char *err, size_t errlen);
/* "A=184.164.224.0/24" into b (each variable once); -1 with err. */
int	exp_bind_parse(const char *arg, struct exp_bindings *b, char *err,
	    size_t errlen);
/* Bitmask of the variables e uses (bit 0: A). */
unsigned exp_vars_used(const struct ann_exp *e);
/* Whether the file names p as a prefix of its own. */
bool	exp_names_prefix(const struct ann_exp *e, const struct prefix *p);
/*
 * The bindings of the variables e uses: each bound, to an IPv4 prefix of
 * pol->allowed (the user's lists) in the experiment allocation, no two to
 * one prefix, none to a prefix the file names itself. -1 with err.
 */
int	exp_bindings_check(const struct ann_exp *e, const struct exp_bindings *b,
	    const struct ann_policy *pol, char *err, size_t errlen);

/* A candidate for a variable: the daemon's view of one user prefix. */
struct exp_idle {
	struct prefix	prefix;
	time_t		last;		/* its last change; 0: none known */
	bool		excluded;	/* announced now, bound, or named */
};
/* The candidate idle the longest (oldest last change, none known first;
 * ties: list order): its index, or -1 when none is left. */
long	exp_idle_pick(const struct exp_idle *c, size_t n);

/* Request i of e with its variable's prefix in place and the rate
 * interval of the run. */
void	exp_request(const struct ann_exp *e, const struct exp_bindings *b,
	    size_t i, unsigned rate_interval, struct ann_request *out);
/* "A", "B".. for var 1..4; "" for 0. */
const char *exp_var_name(uint8_t var);

/* A session as the schedule sees it. */
struct exp_target {
	struct ann_target	t;	/* name, hears_all; wire per step */
	struct export_peer	peer;	/* family, iBGP, our AS */
};

/* What one session hears at one step of the schedule. */
struct exp_step {
	size_t			 round;
	size_t			 req;	/* index into e->req */
	const struct ann_request *r;
	uint8_t			 var;
	const struct exp_target	*target;
	enum ann_wire		 wire;	/* ANNOUNCE or WITHDRAW */
	const struct ann_attrs	*attrs;	/* ANNOUNCE: what it hears */
	time_t			 at;	/* the round's start */
};
typedef void (*exp_step_cb)(void *ctx, const struct exp_step *st);

struct exp_sim {
	const struct ann_exp		*e;
	const struct exp_bindings	*b;
	const struct exp_target		*t;
	size_t				 nt;
	time_t				 start;	/* of round from_round */
	unsigned			 round_seconds;
	unsigned			 rate_interval;	/* 0: the rule's */
	size_t				 from_round;
	size_t				 from_req;	/* of from_round: the
							 * requests before it
							 * are done */
};

/*
 * Plays rounds from_round.. on a copy of s: round k at start + (k -
 * from_round) * round_seconds, each request planned (ann_plan_make) and
 * applied as the daemon applies it; cb (may be NULL) for each session
 * that hears a change. Returns 0, or -1 with err naming the round, the
 * prefix (and its variable), the mux and when the change would be allowed.
 */
int	exp_sim_run(const struct exp_sim *sim, const struct ann_store *s,
	    exp_step_cb cb, void *ctx, char *err, size_t errlen);

/* The dry run's text of a schedule: per round its time, then per session
 * that hears a change the exact attributes (AS path as the session hears
 * it, communities, large communities, next hop kind). */
int	exp_dry_run(const struct exp_sim *sim, const struct ann_store *s,
	    struct strbuf *out, char *err, size_t errlen);

#endif
