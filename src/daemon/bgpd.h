/*
 * The daemon's state: every session, the listener, the control socket and
 * the link monitor, on one libev loop.
 */
#ifndef PEERING_DAEMON_BGPD_H
#define PEERING_DAEMON_BGPD_H

#include <ev.h>
#include <stdbool.h>

#include "adj_out.h"
#include "exports.h"
#include "../announce/ann_store.h"
#include "../bgp/listener.h"
#include "../bgp/session.h"
#include "../conf/config.h"
#include "../ctl/control.h"
#include "../fib/kroute.h"
#include "../netns/linkmon.h"
#include "../rib/rib.h"
#include "../vpn/mux.h"

#define BGPD_MAX_SESSIONS	(2 * MUX_MAX + CONFIG_MAX_NEIGHBORS)

struct bgpd_paths {
	const char	*client_dir;	/* where configs/ and var/ are */
	const char	*config;
	bool		 config_optional;	/* the default path: absent
						 * means the defaults */
	const char	*control;	/* the control socket */
	const char	*pidfile;
	const char	*logfile;
};

struct bgpd {
	struct ev_loop		*loop;
	struct bgpd_paths	 paths;
	struct config		*conf;		/* large: on the heap */
	struct mux_table	 muxes;
	unsigned		 n_sessions;
	struct session		*sessions[BGPD_MAX_SESSIONS];
	struct bgp_scratch	*scratch;
	struct listener		*listener;
	struct control_server	*control;
	struct control_server	*control_ro;	/* show, routes, events */
	char			 control_ro_path[128];
	struct linkmon		*linkmon;
	struct rib		*rib;
	struct kroute		*kroute;
	struct muxtables	*muxtables;	/* per-mux tables, or NULL */
	struct session_hooks	 hooks;
	struct ann_store	 ann;		/* our announcements */
	struct exports_state	 exp;		/* their saves, their load */
	struct adj_out		 adj_out;	/* what each session was sent */
	/* `peering bgp6 stop`: a family's sessions held down (AF_IDX_*). */
	bool			 af_stopped[2];
	struct experiment	*xp;		/* the experiment run, or NULL */
	struct xp_tb		*xp_tb;		/* test-bed probes (experiment_tb.c) */
	struct events_sub	*events;	/* `events` subscribers */
	unsigned		 events_best;	/* of them, "best" ones */
	struct mrt_ctl		*mrt;		/* `log mrt`, or NULL */
	/* Bit N: the mux on tapN was proven a test bed (vpn/testbed.h) by
	 * the last test-schedule check (experiment.c); only a request with
	 * a rate_interval, which only such a run sets, heeds it. */
	uint64_t		 mux_testbed;
	/* Routes a previous run left in the kernel go once every session
	 * has sent its End-of-RIB, or after this timer. */
	struct ev_timer		 t_stale;
	bool			 stale_swept;
	/* The flush of a down session's paths (routes.c): a slice every
	 * loop iteration, more when the loop is idle. */
	struct ev_prepare	 flush_prepare;
	struct ev_idle		 flush_idle;
	bool			 stopping;	/* RIB freed whole, not path
						 * by path */
	uint16_t		 bgp_port;
	time_t			 started;
	/* Changes with every change of *conf that can move a session's
	 * settings (a reload, `import` giving a mux its block). */
	unsigned		 conf_gen;
	/* Each session's settings by its RIB peer (routes.c): found by name
	 * once per conf_gen, not once per UPDATE. */
	struct bgpd_settings {
		const struct session		*s;
		const struct config_session	*cs;
		unsigned			 gen;
	}			 settings[BGPD_MAX_SESSIONS];
};

/* Loads the configuration and mux table and builds every session (all
 * Idle); err gets "FILE:LINE: message" on failure. */
int	bgpd_init(struct bgpd *d, struct ev_loop *loop,
	    const struct bgpd_paths *paths, char *err, size_t errlen);
/* Opens the listener, the control socket and the link monitor, and
 * starts the sessions whose link is up (or that need none). */
int	bgpd_start(struct bgpd *d, char *err, size_t errlen);
struct bgpd_reload_stats {
	unsigned	kept;		/* same settings: untouched */
	unsigned	changed;	/* restarted with new settings */
	unsigned	added;
	unsigned	removed;
	unsigned	reimported;	/* kept, with a new import policy */
};

/* SIGHUP and `configure`: re-reads the configuration and applies what
 * changed, session by session; on error (err) nothing changes. */
int	bgpd_reload(struct bgpd *d, struct bgpd_reload_stats *st, char *err,
	    size_t errlen);
/* Cease to every peer, then everything closed and freed. */
void	bgpd_shutdown(struct bgpd *d, const char *why);

/*
 * `peering openvpn down` tells the daemon before it closes a mux's tunnel
 * (closing): the mux's sessions stop at once with a Cease the mux still
 * receives, instead of the mux holding the session (and the upstreams our
 * routes) until its hold timer runs out. They wait in Idle for the tunnel
 * to return; `open` brings them back if the tunnel stayed. Returns the
 * number of sessions of that mux.
 */
int	bgpd_tunnel_event(struct bgpd *d, const char *mux, bool closing);

/*
 * The sessions the user holds down: `disable NAME` (both families of a
 * mux or neighbour) and `bgp6 stop` (a whole family) stop them with a
 * Cease and keep them in Idle, whatever their link does, until `enable`
 * or `bgp6 start`. Each returns the number of sessions it concerned.
 */
int	bgpd_session_enable(struct bgpd *d, const char *name, bool enable);
int	bgpd_family_enable(struct bgpd *d, unsigned af, bool enable);

/* The control socket's command dispatcher (control_cmds.c). */
enum ctl_code bgpd_control(void *ctx, struct ctl_request *rq,
	    struct strbuf *reply, struct ctl_stream *stream);
/* The same on the read-only socket: requests that change state refused. */
enum ctl_code bgpd_control_ro(void *ctx, struct ctl_request *rq,
	    struct strbuf *reply, struct ctl_stream *stream);

#endif
