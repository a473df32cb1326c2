/*
 * Between experiment.c (the control commands, start, resume, stop) and
 * experiment_run.c (the rounds on the loop, the journal, the snapshots).
 */
#ifndef PEERING_DAEMON_EXPERIMENT_INT_H
#define PEERING_DAEMON_EXPERIMENT_INT_H

#include <ev.h>
#include <stdint.h>

#include "bgpd.h"
#include "experiment.h"
#include "../exp/exp_state.h"

#define EXP_SLICE		8	/* requests per loop turn */
/* The RIB snapshot, written in slices of at most this long on the loop,
 * buffered up to EXP_SNAP_BUF bytes between writes. */
#define EXP_SNAP_SLICE_US	4000
#define EXP_SNAP_BUF		(256 * 1024)
#define EXP_UPDATES_MAX		100000	/* lines of a round's UPDATE log */
#define EXP_PREFIXES_MAX	(ANN_EXP_ALLOCATION_MAX + ANN_EXP_VARS)

/* A round's RIB snapshot being written (experiment_snap.c). */
struct xp_snap {
	bool			 active;
	uint32_t		 round;		/* 0-based */
	int			 fd;		/* the temp file, or -1 */
	unsigned		 af;		/* the family being walked */
	bool			 resumed;	/* last is set for af */
	struct prefix		 last;		/* the last prefix written */
	size_t			 routes, slices, len;
	int64_t			 began_us, max_slice_us, busy_us;
	struct ev_timer		 t;		/* the next slice */
	char			*buf;		/* EXP_SNAP_BUF bytes */
};

struct experiment {
	struct bgpd		*d;
	struct exp_state	 st;
	struct ann_exp		 e;
	char			 dir[4096];
	int			 journal;	/* fd, O_APPEND */
	struct ev_timer		 t;		/* the next round or slice */
	uint32_t		 cur_req;	/* in_round: the next request */
	bool			 applying;	/* a request of ours runs */
	uint32_t		 ap_round, ap_req;
	const char		*phase;		/* "round" or "stop" */
	int			 updates;	/* the round's UPDATE log */
	size_t			 upd_lines;
	struct prefix		 pfx[EXP_PREFIXES_MAX];	/* its prefixes */
	size_t			 n_pfx;
	size_t			 n_stopped;	/* stop: withdrawn */
	struct xp_snap		 snap;
};

/* The run's directory path of name into buf. */
int	xp_path(const struct experiment *x, const char *name, char *buf,
	    size_t size);
/* The state saved atomically; logged when it fails. */
int	xp_save(struct experiment *x);
/* One journal line: the object o (consumed) with "event" and "time_us". */
void	xp_journal(struct experiment *x, const char *event, cJSON *o);
/* Microseconds since the epoch. */
int64_t	xp_now_us(void);
/* Now, rounded up to the whole second: a round's start, so that the next
 * (a whole number of seconds on) comes no sooner than round_seconds. */
time_t	xp_now_ceil(void);
/* Arms the timer for what comes next (a slice now, or the next round). */
void	xp_schedule(struct experiment *x);
/* The sessions as the schedule sees them, of family af; returns how many
 * (t holds BGPD_MAX_SESSIONS). */
size_t	xp_targets(const struct bgpd *d, unsigned af, struct exp_target *t);
/* Each announce request of the run up to its current point: cb each. */
void	xp_announced(struct experiment *x,
	    void (*cb)(struct experiment *x, const struct ann_request *r));
void	xp_free(struct experiment *x);

/* The RIB snapshot at round's end (experiment_snap.c): every prefix's
 * best path, to round-K.rib.jsonl.tmp in slices, renamed when whole; a
 * snapshot still being written when the next begins is abandoned. Both
 * journal what came of it; a write error is journaled, never fatal. */
void	xp_snapshot(struct experiment *x, uint32_t round);
/* An unfinished snapshot abandoned (its temp file removed). */
void	xp_snapshot_abandon(struct experiment *x, const char *why);

/* The UPDATE log (experiment_log.c): the experiment's prefixes, bound;
 * round-K.updates.jsonl opened (appended to) and closed; the daemon's
 * update hook wrapped, once. */
void	xp_prefixes_collect(struct experiment *x);
void	xp_updates_open(struct experiment *x, uint32_t round);
void	xp_updates_close(struct experiment *x);
void	xp_hooks_install(struct bgpd *d);

#endif
