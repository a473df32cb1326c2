/*
 * ovpn_mgmt: the replies of OpenVPN's management interface, parsed from
 * the bytes read so far. Pure functions: ovpn_conn.c does the I/O.
 *
 * The interface speaks in lines ending "\r\n" (a bare "\n" is taken too).
 * Lines starting with '>' are real-time notifications (>INFO:, >STATE:,
 * >LOG:, >HOLD:, ...) that may come before or inside any reply: they are
 * skipped. A reply is one line, "SUCCESS: text" or "ERROR: text", or for
 * `state` lines of comma-separated fields up to "END":
 *
 *	time,STATE,desc,local_v4,remote,rport,laddr,lport,local_v6
 *
 * Each parser returns 0 with *used set to the bytes the reply took (the
 * next reply starts there), OVPN_MGMT_MORE when the reply is not complete
 * yet, or -1 with a one-line message in err (an ERROR: reply, a malformed
 * or overlong line). Nothing past len is read, and nothing is assumed
 * NUL-terminated.
 */
#ifndef PEERING_VPN_OVPN_MGMT_H
#define PEERING_VPN_OVPN_MGMT_H

#include <stddef.h>
#include <sys/types.h>

#include "../lib/prefix.h"
#include "../lib/rbuf.h"

#define OVPN_MGMT_MORE		1
#define OVPN_MGMT_LINE_MAX	1024	/* one line, without its "\r\n" */
#define OVPN_STATE_NAME_MAX	31
#define OVPN_STATE_DESC_MAX	63
#define OVPN_MGMT_TEXT_MAX	200	/* the text of a SUCCESS/ERROR line */

struct ovpn_state {
	unsigned long long	time;
	char			name[OVPN_STATE_NAME_MAX + 1];	/* CONNECTED */
	char			desc[OVPN_STATE_DESC_MAX + 1];
	/* Addresses in text, "" when the field is empty or absent. */
	char			local_v4[ADDR_STRLEN];
	char			remote[ADDR_STRLEN];
	char			local_addr[ADDR_STRLEN];
	char			local_v6[ADDR_STRLEN];
	int			remote_port;	/* -1 when absent */
	int			local_port;	/* -1 when absent */
};

/* The next whole line of b, its end ("\n", "\r\n") cut off: 0, or
 * OVPN_MGMT_MORE without a line end yet, or -1 for a line longer than
 * OVPN_MGMT_LINE_MAX (told as soon as that many bytes lack an end). */
int	ovpn_mgmt_line(struct rbuf *b, struct rbuf *line);

/* One state line (without its line end). Fields past the ninth, which a
 * later OpenVPN may add, are ignored; fewer than five is an error, and
 * missing ones are empty. */
int	ovpn_mgmt_parse_state_line(struct rbuf line, struct ovpn_state *st,
	    char *err, size_t errlen);

/* The reply to `state`: its last state line (the current state). */
int	ovpn_mgmt_state_reply(const void *buf, size_t len,
	    struct ovpn_state *st, size_t *used, char *err, size_t errlen);
/* A SUCCESS: reply, its text (printable, cut to OVPN_MGMT_TEXT_MAX) in
 * text; ERROR: is -1 with "openvpn: <its text>" in err. */
int	ovpn_mgmt_result_reply(const void *buf, size_t len,
	    char text[OVPN_MGMT_TEXT_MAX + 1], size_t *used, char *err,
	    size_t errlen);
/* The reply to `pid`: "SUCCESS: pid=N", N a positive pid_t. */
int	ovpn_mgmt_pid_reply(const void *buf, size_t len, pid_t *pid,
	    size_t *used, char *err, size_t errlen);

#endif
