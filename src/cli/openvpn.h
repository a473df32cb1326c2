/*
 * The parts of `peering openvpn` (cmd_openvpn.c: status, log; openvpn_up.c,
 * openvpn_down.c) and what they share (openvpn_mux.c): a mux with its
 * config read, and a probe of what runs for it.
 *
 * The command works from the client directory (it chdirs there), as
 * openvpn does with --cd: the paths of a config are used as written, and
 * messages show them the way the user reads them in the config.
 */
#ifndef PEERING_CLI_OPENVPN_H
#define PEERING_CLI_OPENVPN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../vpn/mux.h"
#include "../vpn/ovpn_conf.h"
#include "../vpn/ovpn_conn.h"

#define OVPN_LOG_TAIL_LINES	10	/* shown when a start fails */

struct ovpn_ctx {
	char			dir[4096];	/* absolute; our cwd */
	struct mux_table	muxes;
};

struct ovpn_mux {
	const struct mux	*mux;
	char			 conf_path[sizeof(MUX_CONF_DIR) +
				    MUX_NAME_MAX + 8];
	struct ovpn_conf	 conf;
};

/* What runs for a mux: the management socket's answer, and the openvpn
 * process from it or from the pid file. */
struct ovpn_probe {
	int			conn;	/* enum ovpn_conn_status */
	bool			have_state;
	struct ovpn_state	st;
	pid_t			pid;	/* 0: no openvpn process known */
	char			err[256];	/* when conn is not OK */
};

/* Reads the mux's config; prints the error and returns -1 when it cannot
 * be used (it must name a management socket). */
int	ovpn_mux_load(const struct mux *m, struct ovpn_mux *om);
/* "error: unknown mux "x"; known muxes: a, b, ..." to stderr. */
void	ovpn_unknown_mux(const struct ovpn_ctx *ctx, const char *name);

void	ovpn_probe(const struct ovpn_mux *om, struct ovpn_probe *p);
bool	ovpn_probe_up(const struct ovpn_probe *p);
bool	ovpn_probe_running(const struct ovpn_probe *p);
/* "name tapN up V4 V6" or "name tapN down". */
void	ovpn_print_status_line(FILE *f, const struct ovpn_mux *om,
	    const struct ovpn_probe *p);
/* "WAIT" or "RECONNECTING (tls-error)", for messages. */
const char	*ovpn_probe_state_text(const struct ovpn_probe *p, char *buf,
		    size_t size);

/* Removes a socket nobody listens on and a pid file whose process is
 * not an openvpn; says so on stdout. */
void	ovpn_clean_stale(const struct ovpn_mux *om);
/* The last n lines of the mux's log on stderr, indented, after a line
 * naming the file; nothing when there is no log. */
void	ovpn_print_log_tail(const struct ovpn_mux *om, unsigned n);

bool	ovpn_check_root(const char *verb);

int	ovpn_cmd_up(struct ovpn_ctx *ctx, int argc, char **argv);
int	ovpn_cmd_down(struct ovpn_ctx *ctx, int argc, char **argv);

#endif
