/*
 * mrt_log: an MRT file (RFC 6396) appended to from the event loop, for
 * `log mrt` and any other log of BGP messages (the experiment's per-round
 * UPDATE log can write through it: docs/mrt.md).
 *
 * Records go to a memory buffer of at most MRT_LOG_BUF_MAX bytes; a timer
 * writes it out, at most MRT_LOG_WRITE_MAX bytes a loop turn, so a slow
 * disk costs the loop one bounded write a turn and the buffer, never a
 * wait: when the buffer is full, records are dropped (and counted). A
 * write error (a full disk) stops the log with one log line; the daemon
 * goes on. Files are named DIR/PREFIX.YYYYMMDD.HHMMSS.mrt (UTC, when the
 * file was opened; a -N suffix if that name is taken) and rotated when
 * they reach a size or an age.
 */
#ifndef PEERING_DAEMON_MRT_LOG_H
#define PEERING_DAEMON_MRT_LOG_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mrt/mrt.h"

#define MRT_LOG_BUF_MAX		(16u << 20)
#define MRT_LOG_WRITE_MAX	(1u << 20)
#define MRT_LOG_ROTATE_BYTES	(64ull << 20)	/* defaults */
#define MRT_LOG_ROTATE_SECONDS	900

struct mrt_log_conf {
	const char	*dir;		/* created if missing */
	const char	*prefix;	/* "updates" */
	uint64_t	 rotate_bytes;	/* 0: no size limit */
	unsigned	 rotate_seconds;	/* 0: no age limit */
};

struct mrt_log_stats {
	uint64_t	records;	/* taken */
	uint64_t	bytes;		/* written to files */
	uint64_t	dropped;	/* buffer full or log stopped */
	unsigned	files;		/* opened */
	size_t		buffered;
	bool		stopped;	/* a write failed: nothing more */
	char		path[4096];	/* the file being written */
};

struct mrt_log;

/* Opens the first file. NULL with errno when it cannot. */
struct mrt_log *mrt_log_open(struct ev_loop *loop,
	    const struct mrt_log_conf *conf);
/* Appends one whole record as encoded; false when it was dropped. */
bool	mrt_log_append(struct mrt_log *l, const uint8_t *rec, size_t len);
/* A BGP4MP_ET record of m stamped now (microseconds); false: dropped. */
bool	mrt_log_message(struct mrt_log *l, const struct mrt_bgp4mp *m);
void	mrt_log_stats(const struct mrt_log *l, struct mrt_log_stats *st);
/* Writes what is buffered (at most MRT_LOG_BUF_MAX: bounded) and closes. */
void	mrt_log_close(struct mrt_log *l);

#endif
