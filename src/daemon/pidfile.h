/* The pid file and the control socket: one daemon per client directory. */
#ifndef PEERING_DAEMON_PIDFILE_H
#define PEERING_DAEMON_PIDFILE_H

#include <sys/types.h>

/* The pid in path if that process is alive, else 0 (no file, garbage, or
 * a stale pid). */
pid_t	pidfile_read_live(const char *path);
/* Refuses (-1, message in err) when a daemon is running; removes a stale
 * pid file and control socket, as the old scripts did. */
int	pidfile_claim(const char *pidfile, const char *control, char *err,
	    size_t errlen);
int	pidfile_write(const char *path);

#endif
