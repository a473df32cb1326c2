/*
 * The pid file and the control socket: one daemon per client directory.
 *
 * The daemon holds an exclusive lock (flock) on its pid file for as long
 * as it runs, so a pid file is the daemon's only while it is locked: a
 * stale file whose pid now belongs to another program is told apart from
 * a running daemon without trusting the number in it, and nothing is
 * unlinked and re-created while another daemon could be starting.
 */
#ifndef PEERING_DAEMON_PIDFILE_H
#define PEERING_DAEMON_PIDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The pid in path if that process is alive, else 0 (no file, garbage, or
 * a stale pid). For pid files of other programs (OpenVPN's), which hold
 * no lock. */
pid_t	pidfile_read_live(const char *path);

/* What a client finds at the daemon's pid file. */
struct pidfile_state {
	pid_t	pid;		/* the running daemon's, or 0 */
	pid_t	stale_pid;	/* an unlocked file's number, or 0 */
	bool	stale_alive;	/* ... and a process (not ours) has it */
};

/* Reads path: pid > 0 only when a daemon holds its lock. */
void	pidfile_probe(const char *path, struct pidfile_state *st);
/* One line on a stale file for the user ("" when there is none). */
void	pidfile_stale_text(const char *path, const struct pidfile_state *st,
	    char *buf, size_t size);

/*
 * The daemon's claim: opens (creating, mode 0644, never through a
 * symlink) and locks path, and removes a stale control socket. Returns
 * the locked descriptor to keep open, or -1 with err ("already running
 * (pid N)" when another daemon holds the lock, or the error). The lock
 * survives fork (daemonizing).
 */
int	pidfile_claim(const char *pidfile, const char *control, char *err,
	    size_t errlen);
/* Writes our pid into the claimed file (after daemonizing). */
int	pidfile_write(int fd);

#endif
