/*
 * One BGP session: the socket, buffers and timers around the pure FSM and
 * codec, as watchers on the daemon's libev loop. Nothing here blocks: the
 * connect is non-blocking, reads are framed from a buffer, writes queue.
 */
#ifndef PEERING_BGP_SESSION_H
#define PEERING_BGP_SESSION_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "fsm.h"
#include "msg.h"
#include "negotiate.h"
#include "update.h"
#include "../lib/prefix.h"

struct session_conf {
	char		name[32];	/* mux or neighbour name */
	unsigned	af;		/* enum afi_index the session carries */
	struct prefix	peer;		/* /32 or /128 */
	struct prefix	local;		/* len 0: let the kernel choose */
	char		ifname[16];	/* "" when no link to wait for */
	uint32_t	peer_as;
	uint32_t	local_as;
	uint32_t	router_id;
	uint16_t	hold_time;
	uint16_t	connect_retry;	/* seconds */
	uint16_t	gr_time;	/* 0: no graceful restart capability */
	bool		passive;
	bool		addpath_rx;
};

/* What arrived, until the RIB keeps the routes themselves. */
struct session_stats {
	uint64_t	msgs_in;
	uint64_t	updates_in;
	uint64_t	prefixes_in;	/* announcements, counting each path */
	uint64_t	withdrawals_in;
	uint64_t	treat_as_withdraw;
	uint64_t	attr_discards;
	uint32_t	eor_seen;	/* End-of-RIB received */
	uint64_t	foreign_family;	/* UPDATEs with routes of a family
					 * not negotiated: ignored */
	uint64_t	refresh_in;	/* requests for our routes */
	uint32_t	established_count;
};

struct session;

/*
 * What a session hands on, and to whom (the daemon wires these to the
 * RIB): decoded UPDATEs while Established, and the session coming up and
 * going down. Any may be NULL.
 */
struct session_hooks {
	/* 0, or -1 with *err set (a Cease, when the peer went past a limit:
	 * RFC 4486): the session ends with that NOTIFICATION. */
	int	(*update)(void *ctx, struct session *s,
		    const struct bgp_update *u, enum bgp_action act,
		    struct bgp_err *err);
	void	(*up)(void *ctx, struct session *s);
	/* graceful: the connection failed (no NOTIFICATION either way) and
	 * the peer can restart gracefully: its routes may be kept stale. */
	void	(*down)(void *ctx, struct session *s, bool graceful);
	/* The peer begins (BGP_REFRESH_BORR) or ends (BGP_REFRESH_EORR) an
	 * enhanced route refresh of its routes (RFC 7313 4). */
	void	(*refresh)(void *ctx, struct session *s, uint8_t subtype);
	/* The peer asked for our routes (ROUTE-REFRESH, RFC 2918): queue
	 * the session's whole export now (session_send). */
	void	(*export_all)(void *ctx, struct session *s);
	/* Every whole message (header included): read from the peer (sent
	 * false), before it is acted on; queued for the peer (sent true).
	 * For message logs (MRT); it must not touch the session. */
	void	(*message)(void *ctx, struct session *s, struct rbuf msg,
		    bool sent);
	void	*ctx;
};

struct session_buf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
};

struct session {
	struct session_conf		 conf;
	struct bgp_fsm			 fsm;
	struct ev_loop			*loop;
	int				 fd;
	bool				 outbound;	/* fd is ours */
	unsigned			 conn_gen;	/* bumped per fd */
	/* A second connection from the peer that arrived in OpenSent,
	 * waiting for the collision to be resolved (RFC 4271 6.8). */
	int				 pending_fd;
	bool				 pending_open_sent;
	bool				 skip_open;	/* it was sent already */
	bool				 connecting;
	bool				 link_up;
	struct ev_io			 io_read;
	struct ev_io			 io_write;
	struct ev_timer			 t_connect_retry;
	struct ev_timer			 t_hold;
	struct ev_timer			 t_keepalive;
	struct ev_timer			 t_idle_hold;
	struct ev_timer			 t_restart;	/* peer's GR time;
							 * the hooks' */
	struct session_buf		 in;
	struct session_buf		 out;
	struct bgp_open			 our_open;
	struct bgp_session_params	 params;
	time_t				 since;		/* last state change */
	char				 info[160];	/* why, for `show` */
	struct session_stats		 stats;
	struct bgp_scratch		*scratch;	/* shared, per UPDATE */
	const struct session_hooks	*hooks;
	int				 rib_peer;	/* the daemon's */
	uint8_t				 limits_logged;	/* the daemon's */
	bool				 disabled;	/* the daemon's: held
							 * down by the user */
	bool				 notified;	/* a NOTIFICATION went
							 * either way */
};

/* Sets up a session in Idle; nothing runs until session_start(). */
int	session_init(struct session *s, struct ev_loop *loop,
	    const struct session_conf *conf, struct bgp_scratch *scratch,
	    const struct session_hooks *hooks);
/* Start (link up, or no link needed) and stop (user or link down). */
void	session_start(struct session *s);
void	session_stop(struct session *s, const char *why);
/* Stop for good: a Cease NOTIFICATION (subcode: enum bgp_err_cease_sub)
 * with text, the connection closed, the timers stopped. */
void	session_shutdown(struct session *s, uint8_t subcode, const char *text);
/* Hands over a connection the listener accepted from the peer. */
void	session_accept(struct session *s, int fd);
/* The session's link became usable (start) or not (stop; why is the
 * status text, e.g. "waiting for tap5: link down"). */
void	session_link_event(struct session *s, bool up, const char *why);
/* Ends an Established session with err's NOTIFICATION, a Cease for a
 * limit of ours (RFC 4486; bgp_max_prefix_err); err->reason says why.
 * Not from within the session's own hooks: their verdict does it. */
void	session_limit_reached(struct session *s, const struct bgp_err *err);
/* Asks the peer to send its routes again (RFC 2918), when Established and
 * the peer accepts it. Returns whether it was sent. */
bool	session_route_refresh(struct session *s);
/* Queues whole encoded messages (UPDATEs of ours), when Established. */
bool	session_send(struct session *s, const struct wbuf *w);
/* Our address on the session's connection (next hop self); -1 if none. */
int	session_local_addr(const struct session *s, struct prefix *out);
void	session_free(struct session *s);
const char *session_af_name(const struct session *s);

#endif
