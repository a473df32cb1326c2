/*
 * Session I/O: carries out what the FSM decides. Events come from the
 * socket, the timers and the daemon (start/stop, link up/down); each goes
 * through bgp_fsm_step() and its actions are applied here, in one place.
 */
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/escape.h"
#include "../lib/log.h"

#define BGP_PORT		179
#define HOLD_LARGE		240.	/* RFC 4271 8.2.2: 4 minutes */
#define IN_BUF_SIZE		(2 * BGP_EXT_MAX_LEN)
#define OUT_QUEUE_MAX		(64u << 20)	/* a peer that never reads */

static void session_event(struct session *s, enum bgp_event type,
    const struct bgp_err *err);

const char *
session_af_name(const struct session *s)
{
	return s->conf.af == AF_IDX_IPV4 ? "ipv4" : "ipv6";
}

static void
session_info(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->info, sizeof(s->info), fmt, ap);
	va_end(ap);
}

/* ---- output queue ---- */

static int
out_flush(struct session *s)
{
	while (s->out.len > 0) {
		ssize_t n = write(s->fd, s->out.p, s->out.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		memmove(s->out.p, s->out.p + n, s->out.len - (size_t)n);
		s->out.len -= (size_t)n;
	}
	if (s->out.len > 0)
		ev_io_start(s->loop, &s->io_write);
	else
		ev_io_stop(s->loop, &s->io_write);
	return 0;
}

/* The messages of w, one by one, to the message hook. */
static void
out_tell(struct session *s, const struct wbuf *w)
{
	struct rbuf b = rbuf_make(w->p, w->len);
	struct rbuf msg;

	while (b.len >= BGP_HEADER_LEN &&
	    load_u16(b.p + BGP_MARKER_LEN) >= BGP_HEADER_LEN &&
	    rbuf_sub(&b, load_u16(b.p + BGP_MARKER_LEN), &msg) == 0)
		s->hooks->message(s->hooks->ctx, s, msg, true);
}

/* Queues one encoded message; a write error shows up on the next
 * write-ready callback, never re-entering the FSM from here. */
static void
out_queue(struct session *s, const struct wbuf *w)
{
	if (s->fd < 0 || w->overflow)
		return;
	if (s->out.cap - s->out.len < w->len) {
		size_t cap = s->out.cap ? s->out.cap : 4096;
		uint8_t *p;

		while (cap - s->out.len < w->len)
			cap *= 2;
		if (cap > OUT_QUEUE_MAX || (p = realloc(s->out.p, cap)) == NULL) {
			log_warn("%s/%s: output queue full, dropping message",
			    s->conf.name, session_af_name(s));
			return;
		}
		s->out.p = p;
		s->out.cap = cap;
	}
	memcpy(s->out.p + s->out.len, w->p, w->len);
	s->out.len += w->len;
	if (s->hooks != NULL && s->hooks->message != NULL)
		out_tell(s, w);
	if (out_flush(s) == -1)
		ev_io_start(s->loop, &s->io_write);
}

static void
send_keepalive(struct session *s)
{
	uint8_t b[BGP_HEADER_LEN];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_keepalive_encode(&w);
	out_queue(s, &w);
}

static void
send_notification(struct session *s, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t len)
{
	uint8_t b[BGP_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_notification_encode(&w, code, subcode, data, len);
	out_queue(s, &w);
	s->notified = true;
	log_info("%s/%s: sent NOTIFICATION %s/%s", s->conf.name,
	    session_af_name(s), bgp_err_code_name(code),
	    bgp_err_subcode_name(code, subcode) ?
	    bgp_err_subcode_name(code, subcode) : "?");
}

/* ---- the connection ---- */

static void
conn_close(struct session *s)
{
	ev_io_stop(s->loop, &s->io_read);
	ev_io_stop(s->loop, &s->io_write);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->conn_gen++;
	s->connecting = false;
	s->in.len = 0;
	s->out.len = 0;
}

static void
conn_adopt(struct session *s, int fd)
{
	int one = 1;

	s->fd = fd;
	s->notified = false;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ev_io_set(&s->io_read, fd, EV_READ);
	ev_io_set(&s->io_write, fd, EV_WRITE);
	ev_io_start(s->loop, &s->io_read);
}

static socklen_t
sockaddr_of(const struct prefix *p, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->af == AF_IDX_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, p->addr, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, p->addr, 16);
	return sizeof(*sin6);
}

/* A failed connect is reported from the loop, not from inside the FSM
 * action that started it. */
static void
conn_fail_later(struct session *s, const char *what, int fd)
{
	session_info(s, "connect: %s: %s", what, strerror(errno));
	if (fd >= 0)
		close(fd);
	s->connecting = true;
	ev_io_stop(s->loop, &s->io_write);
	ev_feed_event(s->loop, &s->io_write, EV_WRITE);
}

static void
conn_start(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, family = s->conf.af == AF_IDX_IPV4 ? AF_INET : AF_INET6;

	conn_close(s);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		conn_fail_later(s, "socket", -1);
		return;
	}
	if (s->conf.local.len > 0) {
		sl = sockaddr_of(&s->conf.local, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			conn_fail_later(s, "bind", fd);
			return;
		}
	}
	sl = sockaddr_of(&s->conf.peer, BGP_PORT, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 &&
	    errno != EINPROGRESS) {
		conn_fail_later(s, "connect", fd);
		return;
	}
	conn_adopt(s, fd);
	ev_io_stop(s->loop, &s->io_read);
	s->connecting = true;
	s->outbound = true;
	ev_io_start(s->loop, &s->io_write);
}

/* ---- applying the FSM's decisions ---- */

static void
timer_start(struct session *s, struct ev_timer *t, double secs)
{
	ev_timer_stop(s->loop, t);
	if (secs > 0) {
		ev_timer_set(t, secs, 0.);
		ev_timer_start(s->loop, t);
	}
}

static void
send_open(struct session *s)
{
	uint8_t b[BGP_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_open_encode(&w, &s->our_open);
	out_queue(s, &w);
}

static void
session_up(struct session *s)
{
	uint8_t b[64];
	struct wbuf w;

	s->stats.established_count++;
	session_info(s, "Established");
	log_info("%s/%s: session established (hold %u s%s%s)", s->conf.name,
	    session_af_name(s), s->params.hold_time,
	    s->params.rx.addpath[s->conf.af] ? ", ADD-PATH receive" : "",
	    s->params.rx.as4 ? ", 4-octet AS" : "");
	if (s->hooks != NULL && s->hooks->up != NULL)
		s->hooks->up(s->hooks->ctx, s);
	/* Nothing to announce yet: say so, so the peer's GR can finish. */
	wbuf_init(&w, b, sizeof(b));
	bgp_eor_encode(&w, s->conf.af);
	out_queue(s, &w);
}

static void
session_apply(struct session *s, const struct bgp_fsm_step *st,
    const struct bgp_err *err)
{
	uint32_t a = st->actions;

	if (a & BGP_FSM_SEND_NOTIFICATION) {
		size_t len = 0;
		const uint8_t *data = NULL;

		if (err != NULL && err->code == st->code &&
		    err->subcode == st->subcode)
			data = bgp_err_data(err, &len);
		if (st->code == BGP_ERR_CEASE &&
		    st->subcode == BGP_CEASE_ADMIN_SHUTDOWN) {
			/* RFC 9003: tell the peer's operator why. */
			uint8_t b[BGP_MAX_LEN];
			struct wbuf w;

			wbuf_init(&w, b, sizeof(b));
			bgp_shutdown_encode(&w, st->subcode, s->info);
			out_queue(s, &w);
			/* A NOTIFICATION went: no graceful restart follows. */
			s->notified = true;
			log_info("%s/%s: sent NOTIFICATION Cease/Administrative "
			    "Shutdown: \"%s\"", s->conf.name, session_af_name(s),
			    s->info);
		} else
			send_notification(s, st->code, st->subcode, data, len);
		if (s->fd >= 0)
			out_flush(s);
	}
	if (a & BGP_FSM_DROP_TCP)
		conn_close(s);
	if (a & BGP_FSM_STOP_CONNECT_RETRY)
		ev_timer_stop(s->loop, &s->t_connect_retry);
	if (a & BGP_FSM_STOP_TIMERS) {
		ev_timer_stop(s->loop, &s->t_hold);
		ev_timer_stop(s->loop, &s->t_keepalive);
	}
	if (a & BGP_FSM_START_CONNECT_RETRY)
		timer_start(s, &s->t_connect_retry, s->conf.connect_retry);
	if (a & BGP_FSM_SEND_OPEN) {
		if (!s->skip_open)
			send_open(s);
		s->skip_open = false;
	}
	if (a & BGP_FSM_START_HOLD_LARGE)
		timer_start(s, &s->t_hold, HOLD_LARGE);
	if (a & BGP_FSM_SEND_KEEPALIVE)
		send_keepalive(s);
	if (a & BGP_FSM_START_HOLD)
		timer_start(s, &s->t_hold, s->params.hold_time);
	if (a & BGP_FSM_START_KEEPALIVE)
		timer_start(s, &s->t_keepalive, s->params.keepalive);
	if (a & BGP_FSM_SESSION_UP)
		session_up(s);
	if (a & BGP_FSM_SESSION_DOWN) {
		/* RFC 4724 4.2: a failed connection of a restart-capable
		 * peer keeps its routes; a NOTIFICATION ends them. */
		bool graceful = s->params.peer_gr && !s->notified;

		log_info("%s/%s: session down: %s", s->conf.name,
		    session_af_name(s), s->info);
		if (s->hooks != NULL && s->hooks->down != NULL)
			s->hooks->down(s->hooks->ctx, s, graceful);
	}

	if (a & BGP_FSM_START_IDLE_HOLD)
		timer_start(s, &s->t_idle_hold,
		    bgp_fsm_idle_hold_seconds(s->fsm.connect_retry_counter));
	if (a & BGP_FSM_CONNECT)
		conn_start(s);
}

static void collision_resolve(struct session *s);
static void collision_adopt_pending(struct session *s);

static void
session_event(struct session *s, enum bgp_event type,
    const struct bgp_err *err)
{
	struct bgp_fsm_event ev = { type, 0, 0 };
	struct bgp_fsm_step st;

	if (err != NULL) {
		ev.code = err->code;
		ev.subcode = err->subcode;
	}
	st = bgp_fsm_step(&s->fsm, ev);
	if (st.from != st.to) {
		s->since = time(NULL);
		log_debug("%s/%s: %s -> %s on %s", s->conf.name,
		    session_af_name(s), bgp_state_name(st.from),
		    bgp_state_name(st.to), bgp_event_name(type));
	}
	session_apply(s, &st, err);
	if (s->pending_fd >= 0) {
		if (st.to == BGP_STATE_OPENCONFIRM)
			collision_resolve(s);
		else if (s->fd < 0 && (st.to == BGP_STATE_IDLE ||
		    st.to == BGP_STATE_ACTIVE))
			collision_adopt_pending(s);
	}
}

/* ---- connection collisions (RFC 4271 6.8) ---- */

/* Refuses a connection with a Cease (RFC 4486 subcode). */
static void
conn_refuse(int fd, uint8_t subcode)
{
	uint8_t b[BGP_NOTIFICATION_MIN_LEN];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_notification_encode(&w, BGP_ERR_CEASE, subcode, NULL, 0);
	if (write(fd, b, w.len) < 0) {
		/* best effort: the connection goes anyway */
	}
	close(fd);
}

/*
 * Takes the peer's connection in place of ours. A session resting in Idle
 * between attempts is started as a passive one would be, so the peer's
 * connection counts at once instead of after the backoff.
 */
static void
conn_take_incoming(struct session *s, int fd, bool open_sent)
{
	if (s->fsm.state == BGP_STATE_IDLE) {
		bool passive = s->fsm.passive;

		ev_timer_stop(s->loop, &s->t_idle_hold);
		s->fsm.passive = true;
		session_event(s, BGP_EV_START, NULL);
		s->fsm.passive = passive;
	}
	conn_close(s);
	conn_adopt(s, fd);
	s->outbound = false;
	s->skip_open = open_sent;
	session_event(s, BGP_EV_TCP_UP, NULL);
}

static void
collision_adopt_pending(struct session *s)
{
	int fd = s->pending_fd;

	s->pending_fd = -1;
	conn_take_incoming(s, fd, s->pending_open_sent);
	s->pending_open_sent = false;
}

/*
 * A second connection in OpenSent: our OPEN goes out on it at once, so
 * the peer learns our identifier and can resolve the collision on its
 * side; we resolve ours when the peer's OPEN arrives (RFC 4271 6.8).
 */
static void
collision_park(struct session *s, int fd)
{
	uint8_t b[BGP_MAX_LEN];
	struct wbuf w;

	if (s->pending_fd >= 0)
		conn_refuse(s->pending_fd, BGP_CEASE_COLLISION);
	s->pending_fd = fd;
	wbuf_init(&w, b, sizeof(b));
	bgp_open_encode(&w, &s->our_open);
	/* A fresh socket's buffer takes a whole OPEN. */
	s->pending_open_sent = !w.overflow &&
	    write(fd, b, w.len) == (ssize_t)w.len;
}

/*
 * Both sides connected: the connection opened by the speaker with the
 * higher BGP identifier stays (RFC 4271 6.8). Called once the peer's
 * identifier is known, i.e. in OpenConfirm.
 */
static void
collision_resolve(struct session *s)
{
	bool peer_wins = s->params.peer_id > s->our_open.bgp_id;

	if (peer_wins == s->outbound) {
		log_info("%s/%s: connection collision: keeping the peer's "
		    "connection", s->conf.name, session_af_name(s));
		session_info(s, "connection collision");
		session_event(s, BGP_EV_OPEN_COLLISION_DUMP, NULL);
		/* session_event adopts the pending connection once the
		 * dumped one is gone. */
	} else {
		log_info("%s/%s: connection collision: keeping this "
		    "connection", s->conf.name, session_af_name(s));
		conn_refuse(s->pending_fd, BGP_CEASE_COLLISION);
		s->pending_fd = -1;
		s->pending_open_sent = false;
	}
}

/* ---- messages from the peer ---- */

static size_t
nlri_count(struct rbuf nlri, unsigned af, bool addpath)
{
	size_t n = 0;

	nlri_validate(nlri, af, addpath, &n);
	return n;
}

static void
update_account(struct session *s, const struct bgp_update *u,
    enum bgp_action act)
{
	const struct bgp_attrs *a = &u->attrs;
	const bool *ap = s->params.rx.addpath;
	size_t reach = nlri_count(u->nlri, AF_IDX_IPV4, ap[AF_IDX_IPV4]);
	size_t gone = nlri_count(u->withdrawn, AF_IDX_IPV4, ap[AF_IDX_IPV4]);

	if (bgp_attr_has(a, BGP_ATTR_MP_REACH) && a->mp_reach.af >= 0)
		reach += nlri_count(a->mp_reach.nlri, (unsigned)a->mp_reach.af,
		    ap[a->mp_reach.af]);
	if (bgp_attr_has(a, BGP_ATTR_MP_UNREACH) && a->mp_unreach.af >= 0)
		gone += nlri_count(a->mp_unreach.nlri,
		    (unsigned)a->mp_unreach.af, ap[a->mp_unreach.af]);
	s->stats.updates_in++;
	if (bgp_update_eor(u) >= 0)
		s->stats.eor_seen++;
	if (act == BGP_ACT_TREAT_AS_WITHDRAW) {
		/* RFC 7606 2: every prefix of the message is withdrawn. */
		s->stats.treat_as_withdraw++;
		gone += reach;
		reach = 0;
	} else if (act == BGP_ACT_ATTR_DISCARD)
		s->stats.attr_discards++;
	s->stats.prefixes_in += reach;
	s->stats.withdrawals_in += gone;
}

static void
handle_update(struct session *s, struct rbuf msg)
{
	struct bgp_update u;
	struct bgp_err err;
	enum bgp_action act;

	act = bgp_update_decode(msg, &s->params.rx, &u, s->scratch, &err);
	if (act == BGP_ACT_SESSION_RESET) {
		session_info(s, "bad UPDATE: %s", err.reason);
		session_event(s, BGP_EV_UPDATE_ERR, &err);
		return;
	}
	if (act != BGP_ACT_ACCEPT)
		log_warn("%s/%s: UPDATE: %s (%s)", s->conf.name,
		    session_af_name(s), err.reason, bgp_action_name(act));
	if (s->fsm.state == BGP_STATE_ESTABLISHED) {
		if (bgp_update_keep_family(&u, s->conf.af) > 0 &&
		    s->stats.foreign_family++ == 0)
			log_warn("%s/%s: routes of a family this session did "
			    "not negotiate: ignored (RFC 4760 6), counted in "
			    "show protocols", s->conf.name, session_af_name(s));
		update_account(s, &u, act);
		bgp_err_clear(&err);
		if (s->hooks != NULL && s->hooks->update != NULL &&
		    s->hooks->update(s->hooks->ctx, s, &u, act, &err) == -1) {
			session_limit_reached(s, &err);
			return;
		}
	}
	session_event(s, BGP_EV_UPDATE, NULL);
}

static void
handle_open(struct session *s, struct rbuf msg)
{
	struct bgp_open o;
	struct bgp_err err;
	struct bgp_peer_expect ex = { s->conf.peer_as, s->conf.af };

	if (bgp_open_decode(msg, &o, &err) == -1 ||
	    bgp_negotiate(&s->our_open, &o, &ex, &s->params, &err) == -1) {
		session_info(s, "bad OPEN: %s", err.reason);
		session_event(s, BGP_EV_OPEN_ERR, &err);
		return;
	}
	session_event(s, BGP_EV_OPEN, NULL);
}

static void
handle_notification(struct session *s, struct rbuf msg)
{
	struct bgp_notification n;
	struct bgp_err err;
	const char *sub;

	if (bgp_notification_decode(msg, &n, &err) == -1) {
		session_event(s, BGP_EV_HEADER_ERR, &err);
		return;
	}
	s->notified = true;
	sub = bgp_err_subcode_name(n.code, n.subcode);
	if (n.has_shutdown_text) {
		/* RFC 9003 text is the peer's: escaped, it cannot forge a
		 * log line or drive the terminal of `bgp status`. */
		char text[4 * 255 + 1];

		text_escape(text, sizeof(text), n.shutdown_text.p,
		    n.shutdown_text.len, 0);
		session_info(s, "received %s/%s: \"%s\"",
		    bgp_err_code_name(n.code), sub ? sub : "?", text);
	} else
		session_info(s, "received %s/%s", bgp_err_code_name(n.code),
		    sub ? sub : "?");
	log_info("%s/%s: %s", s->conf.name, session_af_name(s), s->info);
	session_event(s, n.code == BGP_ERR_OPEN &&
	    n.subcode == BGP_ERR_OPEN_VERSION ? BGP_EV_NOTIF_VERSION_ERR :
	    BGP_EV_NOTIF, NULL);
}

static void
send_route_refresh(struct session *s, uint8_t subtype)
{
	struct bgp_route_refresh rr = { bgp_af_afi(s->conf.af), subtype,
	    BGP_SAFI_UNICAST };
	uint8_t b[BGP_ROUTE_REFRESH_LEN];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_route_refresh_encode(&w, &rr);
	out_queue(s, &w);
}

bool
session_send(struct session *s, const struct wbuf *w)
{
	if (s->fsm.state != BGP_STATE_ESTABLISHED || w->overflow)
		return false;
	out_queue(s, w);
	return true;
}

int
session_local_addr(const struct session *s, struct prefix *out)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	if (ss.ss_family == AF_INET) {
		out->af = AF_IDX_IPV4;
		out->len = 32;
		memcpy(out->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0xff, 0xff };

		/* An IPv4 session accepted on the dual-stack listener. */
		if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0) {
			out->af = AF_IDX_IPV4;
			out->len = 32;
			memcpy(out->addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			out->af = AF_IDX_IPV6;
			out->len = 128;
			memcpy(out->addr, s6->sin6_addr.s6_addr, 16);
		}
	}
	return 0;
}

void
session_limit_reached(struct session *s, const struct bgp_err *err)
{
	if (s->fsm.state != BGP_STATE_ESTABLISHED)
		return;
	session_info(s, "%s", err->reason);
	session_event(s, BGP_EV_LIMIT, err);
}

bool
session_route_refresh(struct session *s)
{
	if (s->fsm.state != BGP_STATE_ESTABLISHED || !s->params.route_refresh)
		return false;
	send_route_refresh(s, BGP_REFRESH_NORMAL);
	return true;
}

/* RFC 2918, RFC 7313: a request for our routes, or the peer's markers
 * around a refresh of its own. */
static void
handle_route_refresh(struct session *s, const struct bgp_route_refresh *rr)
{
	switch (rr->subtype) {
	case BGP_REFRESH_NORMAL:
		/* Our whole export again: with enhanced refresh between BoRR
		 * and EoRR, the peer then drops what we did not send again
		 * (RFC 7313 4); without, each route replaces its copy (RFC
		 * 2918 4). Markers with nothing between would make the peer
		 * delete every route of ours. */
		s->stats.refresh_in++;
		if (s->params.enhanced_route_refresh)
			send_route_refresh(s, BGP_REFRESH_BORR);
		if (s->hooks != NULL && s->hooks->export_all != NULL)
			s->hooks->export_all(s->hooks->ctx, s);
		if (s->params.enhanced_route_refresh)
			send_route_refresh(s, BGP_REFRESH_EORR);
		break;
	case BGP_REFRESH_BORR:
	case BGP_REFRESH_EORR:
		if (s->params.enhanced_route_refresh && s->hooks != NULL &&
		    s->hooks->refresh != NULL)
			s->hooks->refresh(s->hooks->ctx, s, rr->subtype);
		break;
	default:
		/* RFC 7313 5: an unknown subtype is ignored. */
		break;
	}
}

static void
handle_message(struct session *s, struct rbuf msg, uint8_t type)
{
	struct bgp_route_refresh rr;
	struct bgp_err err;

	s->stats.msgs_in++;
	if (s->hooks != NULL && s->hooks->message != NULL)
		s->hooks->message(s->hooks->ctx, s, msg, false);
	switch (type) {
	case BGP_OPEN:
		handle_open(s, msg);
		break;
	case BGP_UPDATE:
		handle_update(s, msg);
		break;
	case BGP_NOTIFICATION:
		handle_notification(s, msg);
		break;
	case BGP_KEEPALIVE:
		session_event(s, BGP_EV_KEEPALIVE, NULL);
		break;
	case BGP_ROUTE_REFRESH:
		if (bgp_route_refresh_decode(msg, &rr, &err) == -1) {
			session_info(s, "bad ROUTE-REFRESH: %s", err.reason);
			session_event(s, BGP_EV_HEADER_ERR, &err);
			break;
		}
		session_event(s, BGP_EV_ROUTE_REFRESH, NULL);
		if (s->fsm.state == BGP_STATE_ESTABLISHED &&
		    bgp_af_index(rr.afi, rr.safi) == (int)s->conf.af)
			handle_route_refresh(s, &rr);
		break;
	}
}

/* Frames whole messages out of the input buffer. A message may end the
 * connection, or even replace it (a collision): then the rest is gone. */
static void
input_process(struct session *s)
{
	size_t off = 0;
	unsigned gen = s->conn_gen;

	while (s->fd >= 0 && s->conn_gen == gen &&
	    s->in.len - off >= BGP_HEADER_LEN) {
		struct rbuf rest = rbuf_make(s->in.p + off, s->in.len - off);
		size_t max = s->fsm.state == BGP_STATE_ESTABLISHED ||
		    s->fsm.state == BGP_STATE_OPENCONFIRM ?
		    s->params.rx.max_len : BGP_MAX_LEN;
		struct bgp_header h;
		struct bgp_err err;

		if (bgp_header_decode(rest, max, &h, &err) == -1) {
			session_info(s, "bad message header: %s", err.reason);
			session_event(s, BGP_EV_HEADER_ERR, &err);
			return;
		}
		if (h.len > rest.len)
			break;
		off += h.len;
		handle_message(s, rbuf_make(rest.p, h.len), h.type);
	}
	if (s->fd < 0 || s->conn_gen != gen)
		return;		/* the connection went; so did its input */
	memmove(s->in.p, s->in.p + off, s->in.len - off);
	s->in.len -= off;
}

static void
read_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct session *s = w->data;
	ssize_t n;

	(void)loop;
	(void)revents;
	n = read(s->fd, s->in.p + s->in.len, s->in.cap - s->in.len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		session_info(s, n == 0 ? "connection closed by peer" :
		    "read: %s", strerror(errno));
		session_event(s, BGP_EV_TCP_FAILS, NULL);
		return;
	}
	s->in.len += (size_t)n;
	input_process(s);
}

static void
write_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct session *s = w->data;
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	(void)loop;
	(void)revents;
	if (s->connecting) {
		s->connecting = false;
		if (s->fd < 0 || getsockopt(s->fd, SOL_SOCKET, SO_ERROR,
		    &soerr, &sl) == -1 || soerr != 0) {
			if (soerr != 0)
				session_info(s, "connect: %s", strerror(soerr));
			session_event(s, BGP_EV_TCP_FAILS, NULL);
			return;
		}
		ev_io_start(s->loop, &s->io_read);
		ev_io_stop(s->loop, &s->io_write);
		session_event(s, BGP_EV_TCP_UP, NULL);
		return;
	}
	if (out_flush(s) == -1) {
		session_info(s, "write: %s", strerror(errno));
		session_event(s, BGP_EV_TCP_FAILS, NULL);
	}
}

/* ---- timers ---- */

#define TIMER_CB(name, ev, text)					\
static void								\
name(struct ev_loop *loop, struct ev_timer *t, int revents)		\
{									\
	struct session *s = t->data;					\
									\
	(void)loop;							\
	(void)revents;							\
	if ((text) != NULL)						\
		session_info(s, "%s", (const char *)(text));		\
	session_event(s, ev, NULL);					\
}

TIMER_CB(connect_retry_cb, BGP_EV_CONNECT_RETRY_EXPIRES, NULL)
TIMER_CB(hold_cb, BGP_EV_HOLD_EXPIRES, "hold timer expired")
TIMER_CB(keepalive_cb, BGP_EV_KEEPALIVE_EXPIRES, NULL)
TIMER_CB(idle_hold_cb, BGP_EV_IDLE_HOLD_EXPIRES, NULL)

/* ---- the daemon's side ---- */

static void
our_open_build(struct session *s)
{
	struct bgp_open *o = &s->our_open;
	struct bgp_caps *c = &o->caps;
	uint16_t afi = bgp_af_afi(s->conf.af);

	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = s->conf.local_as > 0xffff ? BGP_AS_TRANS :
	    (uint16_t)s->conf.local_as;
	o->hold_time = s->conf.hold_time;
	o->bgp_id = s->conf.router_id;
	c->n_mp = 1;
	c->mp[0] = (struct bgp_afi_safi){ afi, BGP_SAFI_UNICAST, 0 };
	c->route_refresh = true;
	c->enhanced_route_refresh = true;
	c->ext_message = true;
	c->as4 = true;
	c->as4_number = s->conf.local_as;
	if (s->conf.addpath_rx) {
		c->n_addpath = 1;
		c->addpath[0] = (struct bgp_afi_safi){ afi, BGP_SAFI_UNICAST,
		    BGP_ADDPATH_RECEIVE };
	}
	/* RFC 4724 3: as a receiving speaker only, no family is listed. */
	if (s->conf.gr_time > 0) {
		c->graceful_restart = true;
		c->gr_time = s->conf.gr_time;
	}
}

int
session_init(struct session *s, struct ev_loop *loop,
    const struct session_conf *conf, struct bgp_scratch *scratch,
    const struct session_hooks *hooks)
{
	memset(s, 0, sizeof(*s));
	s->conf = *conf;
	s->loop = loop;
	s->fd = -1;
	s->pending_fd = -1;
	s->scratch = scratch;
	s->hooks = hooks;
	s->rib_peer = -1;
	s->fsm.state = BGP_STATE_IDLE;
	s->fsm.passive = conf->passive;
	s->since = time(NULL);
	s->params.rx.max_len = s->params.tx.max_len = BGP_MAX_LEN;
	if ((s->in.p = malloc(IN_BUF_SIZE)) == NULL)
		return -1;
	s->in.cap = IN_BUF_SIZE;
	our_open_build(s);
	ev_io_init(&s->io_read, read_cb, -1, EV_READ);
	ev_io_init(&s->io_write, write_cb, -1, EV_WRITE);
	ev_init(&s->t_connect_retry, connect_retry_cb);
	ev_init(&s->t_hold, hold_cb);
	ev_init(&s->t_keepalive, keepalive_cb);
	ev_init(&s->t_idle_hold, idle_hold_cb);
	s->io_read.data = s->io_write.data = s;
	s->t_connect_retry.data = s->t_hold.data = s;
	s->t_keepalive.data = s->t_idle_hold.data = s;
	session_info(s, "not started");
	return 0;
}

void
session_start(struct session *s)
{
	if (s->fsm.state != BGP_STATE_IDLE)
		return;
	session_info(s, s->conf.passive ? "waiting for the peer to connect" :
	    "connecting");
	session_event(s, BGP_EV_START, NULL);
}

void
session_stop(struct session *s, const char *why)
{
	ev_timer_stop(s->loop, &s->t_idle_hold);
	session_info(s, "%s", why);
	session_event(s, BGP_EV_STOP, NULL);
}

void
session_link_event(struct session *s, bool up, const char *why)
{
	s->link_up = up;
	if (up)
		session_start(s);
	else
		session_stop(s, why);
}

void
session_accept(struct session *s, int fd)
{
	switch (s->fsm.state) {
	case BGP_STATE_IDLE:
		/* Stopped by the user or waiting for its link: not wanted. */
		if (!s->link_up) {
			conn_refuse(fd, BGP_CEASE_REJECTED);
			break;
		}
		conn_take_incoming(s, fd, false);
		break;
	case BGP_STATE_CONNECT:
	case BGP_STATE_ACTIVE:
		/* Our own attempt has not got anywhere: take the peer's. */
		conn_take_incoming(s, fd, false);
		break;
	case BGP_STATE_OPENSENT:
		/* The peer's identifier is not known yet. */
		collision_park(s, fd);
		break;
	case BGP_STATE_OPENCONFIRM:
		s->pending_fd = fd;
		s->pending_open_sent = false;
		collision_resolve(s);
		break;
	case BGP_STATE_ESTABLISHED:
		/* RFC 4271 6.8: the established connection stays. */
		conn_refuse(fd, BGP_CEASE_COLLISION);
		break;
	}
}

void
session_shutdown(struct session *s, uint8_t subcode, const char *text)
{
	if (s->fsm.state >= BGP_STATE_OPENSENT && s->fd >= 0) {
		uint8_t b[BGP_MAX_LEN];
		struct wbuf w;

		wbuf_init(&w, b, sizeof(b));
		bgp_shutdown_encode(&w, subcode, text);
		out_queue(s, &w);
		out_flush(s);
	}
	conn_close(s);
	if (s->pending_fd >= 0)
		close(s->pending_fd);
	s->pending_fd = -1;
	s->pending_open_sent = false;
	ev_timer_stop(s->loop, &s->t_connect_retry);
	ev_timer_stop(s->loop, &s->t_hold);
	ev_timer_stop(s->loop, &s->t_keepalive);
	ev_timer_stop(s->loop, &s->t_idle_hold);
	ev_timer_stop(s->loop, &s->t_restart);
	s->fsm.state = BGP_STATE_IDLE;
}

void
session_free(struct session *s)
{
	session_shutdown(s, BGP_CEASE_ADMIN_SHUTDOWN, "");
	free(s->in.p);
	free(s->out.p);
	s->in.p = s->out.p = NULL;
}
