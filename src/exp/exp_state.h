/*
 * What an experiment run keeps on disk and what the control socket says
 * of it (docs/experiment.md): the run state (var/experiments/ID/state.json,
 * replaced atomically at every step), the journal read back for the
 * resume point, and the words of the `experiment run` request. Pure: every
 * parser takes bytes and checks every length and range.
 */
#ifndef PEERING_EXP_STATE_H
#define PEERING_EXP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "exp_sched.h"

#define EXP_ID_MAX		32	/* with its NUL */
#define EXP_PATH_MAX		1024	/* the file's path, with its NUL */
#define EXP_STATE_MAX_BYTES	(64 * 1024)
#define EXP_JOURNAL_LINE_MAX	(64 * 1024)
#define EXP_STATE_VERSION	1

enum exp_status {
	EXP_RUNNING,
	EXP_DONE,	/* every round out and held its time */
	EXP_STOPPED,	/* experiment stop: its announcements withdrawn */
};

struct exp_state {
	char			id[EXP_ID_MAX];
	char			file[EXP_PATH_MAX];	/* as the user gave it */
	enum exp_status		status;
	uint32_t		n_rounds;
	uint32_t		next_round;	/* rounds before it are out */
	bool			in_round;	/* next_round started, not all
						 * of its requests are out */
	unsigned		round_seconds;
	unsigned		rate_interval;	/* 0: the rule's 600 s */
	bool			fast;		/* the test schedule */
	time_t			started;
	time_t			round_at;	/* next_round's start (due) */
	time_t			updated;
	struct exp_bindings	b;
};

const char *exp_status_name(enum exp_status st);
/* The JSON text of st (malloc'd, one line with '\n'), or NULL. */
char	*exp_state_format(const struct exp_state *st);
/* Reads it back strictly; -1 with err. */
int	exp_state_parse(const char *buf, size_t len, struct exp_state *st,
	    char *err, size_t errlen);
/* Whether s is a run id: 1..EXP_ID_MAX-1 of [A-Za-z0-9_.-], not "." or
 * "..". */
bool	exp_id_valid(const char *s);

/*
 * The journal's last request out: the greatest (round, req) of its
 * "request" and "update" lines (an update left before the crash counts).
 * Lines that do not parse (a line cut by a crash) are skipped; a line
 * longer than EXP_JOURNAL_LINE_MAX is skipped whole. 1 with *round, *req;
 * 0 when none.
 */
int	exp_journal_last(const char *buf, size_t len, uint32_t *round,
	    uint32_t *req);

/* `experiment run PATH [bind A=PREFIX]... [round-seconds N] [dry-run]`,
 * the words after "run". */
struct exp_run_args {
	char			path[EXP_PATH_MAX];	/* absolute */
	struct exp_bindings	b;
	unsigned		round_seconds;	/* 0: not given */
	bool			dry_run;
};

int	exp_run_args_parse(int argc, char **argv, struct exp_run_args *a,
	    char *err, size_t errlen);

#endif
