/*
 * ovpn_conn: a client of one OpenVPN management socket (a unix socket,
 * `management PATH unix`): connect, send a command, collect its reply
 * (ovpn_mgmt.h parses it). Every wait is bounded by the timeout given at
 * open, per command, so a hung or busy openvpn (the interface serves one
 * client at a time) costs at most that long.
 */
#ifndef PEERING_VPN_OVPN_CONN_H
#define PEERING_VPN_OVPN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ovpn_mgmt.h"

#define OVPN_CONN_TIMEOUT_MS	2000
#define OVPN_CONN_BUF		(64 * 1024)	/* the longest reply */

/* What the socket told; the caller decides what it means for a mux. */
enum ovpn_conn_status {
	OVPN_CONN_OK,
	OVPN_CONN_NONE,		/* no such socket: openvpn is not running */
	OVPN_CONN_STALE,	/* ECONNREFUSED: nobody listens any more */
	OVPN_CONN_DENIED,	/* permission denied, or closed unheard
				   (management-client-user): not root */
	OVPN_CONN_TIMEOUT,	/* no whole reply in time */
	OVPN_CONN_FAILED,	/* anything else: err says what */
};

struct ovpn_conn {
	int	fd;
	int	timeout_ms;
	size_t	len;		/* bytes in buf not yet taken by a reply */
	bool	heard;		/* it has sent something */
	char	buf[OVPN_CONN_BUF];
};

/* Each returns an enum ovpn_conn_status; but for OVPN_CONN_OK, err holds
 * a one-line message naming path. A failed command leaves the
 * connection unusable: close it. */
int	ovpn_conn_open(struct ovpn_conn *c, const char *path, int timeout_ms,
	    char *err, size_t errlen);
int	ovpn_conn_state(struct ovpn_conn *c, struct ovpn_state *st, char *err,
	    size_t errlen);
int	ovpn_conn_pid(struct ovpn_conn *c, pid_t *pid, char *err,
	    size_t errlen);
/* `signal SIGTERM` and the like: sig is one of our constants, never user
 * text (it goes on the wire as is). */
int	ovpn_conn_signal(struct ovpn_conn *c, const char *sig, char *err,
	    size_t errlen);
void	ovpn_conn_close(struct ovpn_conn *c);

/* A short name for a status ("not running", "stale socket", ...). */
const char	*ovpn_conn_status_name(int status);

#endif
