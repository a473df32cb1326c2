/*
 * ovpn_proc: the openvpn program and its processes: finding it in PATH,
 * telling an openvpn pid from a recycled one, and starting it. No shell
 * anywhere: fork and execv with an argument array.
 */
#ifndef PEERING_VPN_OVPN_PROC_H
#define PEERING_VPN_OVPN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OVPN_PROGRAM	"openvpn"

/* The first executable regular file named prog in the directories of
 * path (a $PATH value; NULL: the system default), into out. Relative
 * directories are skipped: they would depend on where we stand. -1 when
 * there is none. */
int	ovpn_proc_which(const char *prog, const char *path, char *out,
	    size_t outlen);
/* Whether pid is alive (not a zombie) and its command name (as in
 * /proc/PID/comm) is "openvpn": a pid file can outlive its process and
 * its pid be reused. */
bool	ovpn_proc_is_openvpn(pid_t pid);

/*
 * Runs `openvpn --cd DIR --config CONF --management-client-user root
 * [--daemon NAME]` (daemon_name NULL: the config has its own `daemon`
 * line) and waits for that first process,
 * which exits once openvpn is in the background. Its stdin is /dev/null,
 * stdout and stderr stay ours (openvpn writes early errors there), and
 * its files are created private to root (umask 077). Returns the exit
 * status (0 started), or -1 with err set when it could not run or died
 * on a signal.
 */
int	ovpn_proc_start(const char *program, const char *dir,
	    const char *conf, const char *daemon_name, char *err,
	    size_t errlen);

#endif
