/*
 * The daemon's end of the control socket: accepts, reads one request line,
 * lets the daemon's handler write the reply, sends it framed (control.h)
 * and closes. Every request gets a reply with a status: a client over the
 * connection limit, one too slow to send its request and one whose request
 * is too long are told why before the connection closes. Every connection
 * is watchers on the loop (socket and timer); none blocks it.
 */
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/log.h"

/* When even the refusal cannot be built. */
static const char reply_nomem[] = CONTROL_ERROR_PREFIX "out of memory\n."
    CONTROL_STATUS_ERROR_WORD "\n";

struct control_conn {
	struct control_server	*cs;
	struct ev_io		 io;
	struct ev_timer		 timer;
	int			 fd;
	int			 events;	/* what io watches */
	bool			 replying;
	bool			 streaming;	/* next() may be called */
	bool			 idle;		/* the stream waits */
	bool			 nomem;		/* sends reply_nomem */
	bool			 json;		/* errors in JSON */
	bool			 rd_closed;	/* the client sends no more */
	char			 req[CONTROL_MAX_REQUEST];
	size_t			 req_len;
	size_t			 ignored;	/* bytes sent after the request */
	struct control_writer	 w;
	struct strbuf		 wire;		/* the framed reply, pending */
	size_t			 sent;		/* of wire (or reply_nomem) */
	struct strbuf		 err;		/* a failing stream's error */
	struct ctl_stream	 stream;
	struct control_conn	*next;
};

struct control_server {
	struct ev_loop		*loop;
	struct ev_io		 io;
	int			 fd;
	char			 path[108];
	control_handler		 handler;
	void			*ctx;
	struct control_conn	*conns;
	unsigned		 n_conns;
	bool			 full_logged;	/* since the last free slot */
};

/* Once a stream is idle, the server asks it again after this long, even
 * without control_server_wake(). */
#define STREAM_IDLE_POLL	1.0
/* A stream whose reader keeps up gets more than one slice a loop turn:
 * up to this many, while this much time has not passed (a slice of 32 KiB
 * costs some 0.1 ms at full speed, about what the turn around the loop
 * costs). One whose reader lags gets one: its socket is full. */
#define STREAM_TURN_SLICES	8
#define STREAM_TURN_NS		(1000 * 1000L)
/* The wire buffer's capacity kept between slices (pending + a slice fit). */
#define WIRE_KEEP_MAX		(4 * (CTL_STREAM_PENDING_MAX + CTL_STREAM_BUDGET))
/* Bytes a client may send after its request before it is dropped. */
#define MAX_IGNORED		(64 * 1024)

static void
stream_end(struct control_conn *c)
{
	if (c->stream.free != NULL)
		c->stream.free(c->stream.arg);
	memset(&c->stream, 0, sizeof(c->stream));
	c->streaming = false;
	c->idle = false;
}

static void
conn_free(struct control_conn *c)
{
	struct control_server *cs = c->cs;
	struct control_conn **pp;

	for (pp = &cs->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	cs->n_conns--;
	cs->full_logged = false;
	stream_end(c);
	ev_io_stop(cs->loop, &c->io);
	ev_timer_stop(cs->loop, &c->timer);
	close(c->fd);
	strbuf_free(&c->wire);
	free(c);
}

static void
conn_watch(struct control_conn *c, int events)
{
	if (c->rd_closed)
		events &= ~EV_READ;
	if (c->events == events)
		return;
	ev_io_stop(c->cs->loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	c->events = events;
	if (events != 0)
		ev_io_start(c->cs->loop, &c->io);
}

/* Frames a refusal into wire: "error: MESSAGE", the status line. */
static void
frame_reply(struct strbuf *wire, const struct strbuf *msg, enum ctl_code code)
{
	struct control_writer w;
	struct strbuf body;

	strbuf_init(&body);
	ctl_error_body(&body, false, code, msg->s ? msg->s : "", msg->len);
	control_writer_init(&w);
	control_write_body(&w, wire, body.s, body.len);
	control_write_end_code(&w, wire, code);
	wire->failed |= body.failed;
	strbuf_free(&body);
}

static const char *
conn_out(const struct control_conn *c, size_t *len)
{
	if (c->nomem) {
		*len = sizeof(reply_nomem) - 1;
		return reply_nomem;
	}
	*len = c->wire.len;
	return c->wire.s;
}

/* Sends what is pending: 1 all of it, 0 the socket is full, -1 gone. */
static int
conn_flush(struct control_conn *c, bool *progress)
{
	size_t len;
	const char *out = conn_out(c, &len);

	while (c->sent < len) {
		ssize_t n = send(c->fd, out + c->sent, len - c->sent,
		    MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		c->sent += (size_t)n;
		*progress = true;
	}
	if (!c->nomem) {
		c->wire.len = 0;
		c->sent = 0;
		if (c->wire.cap > WIRE_KEEP_MAX) {	/* after one odd slice */
			strbuf_free(&c->wire);
			strbuf_init(&c->wire);
		}
	}
	return 1;
}

/* A failing stream's text "error: CODE: message" names its code (one of
 * ctl_code_name()'s); any other text is CTL_E_REFUSED. */
static enum ctl_code
stream_fail_code(const char *s, size_t len)
{
	const size_t pl = sizeof(CONTROL_ERROR_PREFIX) - 1;
	const char *colon;
	enum ctl_code code;

	if (s == NULL || len < pl || memcmp(s, CONTROL_ERROR_PREFIX, pl) != 0)
		return CTL_E_REFUSED;
	if ((colon = memchr(s + pl, ':', len - pl)) == NULL)
		return CTL_E_REFUSED;
	code = ctl_code_parse(s + pl, (size_t)(colon - s - pl));
	return code == CTL_CODE_COUNT ? CTL_E_REFUSED : code;
}

/* A failing stream's slice, out->s[start..len): its last line is the
 * error, the lines before it are body; the reply ends with the error. */
static void
conn_produce_fail(struct control_conn *c, size_t start)
{
	size_t len = c->wire.len, ls;
	enum ctl_code code;

	while (len > start && c->wire.s[len - 1] == '\n')
		len--;
	for (ls = len; ls > start && c->wire.s[ls - 1] != '\n'; ls--)
		;
	if (ls == len) {	/* no text: say so */
		static const char none[] = "the reply could not be completed";

		code = CTL_E_REFUSED;
		ctl_error_body(&c->err, c->json, code, none, sizeof(none) - 1);
	} else {
		code = stream_fail_code(c->wire.s + ls, len - ls);
		ctl_error_body(&c->err, c->json, code, c->wire.s + ls,
		    len - ls);
	}
	c->wire.len = ls;
	control_write_stuff(&c->w, &c->wire, start);
	/* The error on a line of its own, in the request's form. */
	if (c->w.mid_line)
		control_write_body(&c->w, &c->wire, "\n", 1);
	control_write_body(&c->w, &c->wire, c->err.s, c->err.len);
	control_write_end_code(&c->w, &c->wire, code);
	c->wire.failed |= c->err.failed;
	strbuf_free(&c->err);
	stream_end(c);
}

/* Asks the stream for one slice, written straight after what is pending
 * and framed in place; false when memory ran out (the reply cannot be
 * completed). */
static bool
conn_produce(struct control_conn *c)
{
	enum ctl_stream_result r;
	size_t start;

	if (c->sent > 0) {	/* what was sent leaves the buffer */
		memmove(c->wire.s, c->wire.s + c->sent, c->wire.len - c->sent);
		c->wire.len -= c->sent;
		c->sent = 0;
	}
	start = c->wire.len;
	r = c->stream.next(c->stream.arg, &c->wire, CTL_STREAM_BUDGET);
	if (r == CTL_STREAM_FAIL)
		conn_produce_fail(c, start);
	else {
		control_write_stuff(&c->w, &c->wire, start);
		if (r == CTL_STREAM_MORE)
			c->idle = c->wire.len == start;
		else {
			control_write_end_code(&c->w, &c->wire, CTL_OK);
			stream_end(c);
		}
	}
	return !c->wire.failed;
}

/* A client that closes mid-reply is noticed by reading; what it sends
 * after its request is ignored, up to a point. */
static bool
conn_read_after(struct control_conn *c)
{
	char buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR;
	if (n == 0) {
		/* The end of what it sends: gone, or only done sending (a
		 * half close, as `nc -N` does): it still reads its reply. */
		struct pollfd p = { c->fd, POLLOUT, 0 };

		if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP))
			return false;
		c->rd_closed = true;
		conn_watch(c, c->events);
		return true;
	}
	c->ignored += (size_t)n;
	return c->ignored <= MAX_IGNORED;
}

static long
turn_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void
conn_write_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct control_conn *c = w->data;
	bool progress = false, held;
	size_t len;
	long t0;
	int rc, n;

	if ((revents & EV_READ) && !conn_read_after(c)) {
		conn_free(c);
		return;
	}
	if (!(revents & EV_WRITE))
		return;
	/* Slices while little is pending and the socket takes them. */
	for (n = 0, t0 = turn_ns(); ; n++) {
		conn_out(c, &len);
		held = false;
		if (c->streaming && !c->idle &&
		    len - c->sent < CTL_STREAM_PENDING_MAX) {
			size_t before = len - c->sent;

			if (!conn_produce(c))
				goto gone;
			/* A producer at full speed (a whole budget) is sent in
			 * writes of CTL_STREAM_PENDING_MAX, not a slice: half
			 * the sends, half the reader's wakeups. A slower one
			 * is sent at once. */
			conn_out(c, &len);
			held = c->streaming && len - before >=
			    CTL_STREAM_BUDGET && len < CTL_STREAM_PENDING_MAX;
		}
		rc = held ? 0 : conn_flush(c, &progress);
		if (rc == -1 || n + 1 >= STREAM_TURN_SLICES ||
		    turn_ns() - t0 >= STREAM_TURN_NS)
			break;
		if (!held && (rc != 1 || !c->streaming || c->idle))
			break;
	}
	if (rc == -1)
		goto gone;
	if (rc == 1 && !c->streaming) {
		conn_free(c);		/* the whole reply went */
		return;
	}
	if (rc == 1 && c->idle) {	/* nothing to send: wait for news */
		conn_watch(c, EV_READ);
		ev_timer_stop(loop, &c->timer);
		c->timer.repeat = STREAM_IDLE_POLL;
		ev_timer_again(loop, &c->timer);
		return;
	}
	/* The stall timeout counts from the last progress. */
	if (progress || c->timer.repeat != CONTROL_SEND_TIMEOUT) {
		c->timer.repeat = CONTROL_SEND_TIMEOUT;
		ev_timer_again(loop, &c->timer);
	}
	return;
gone:
	conn_free(c);
}

static void
conn_resume(struct control_conn *c)
{
	c->idle = false;
	conn_watch(c, EV_READ | EV_WRITE);
	c->timer.repeat = CONTROL_SEND_TIMEOUT;
	ev_timer_again(c->cs->loop, &c->timer);
}

/* Sends body (framed), then the stream if there is one; the connection
 * may be freed on return. An error (code, or a body "error: ...") is
 * sent as an error body in the request's form (text or JSON). */
static void
conn_send(struct control_conn *c, const struct strbuf *body,
    struct ctl_stream *stream, enum ctl_code code)
{
	if (code == CTL_OK && control_body_status(body->s, body->len) ==
	    CONTROL_STATUS_ERROR)
		code = CTL_E_REFUSED;
	c->replying = true;
	control_writer_init(&c->w);
	if (code != CTL_OK) {
		struct strbuf e;

		strbuf_init(&e);
		ctl_error_body(&e, c->json, code, body->s ? body->s : "",
		    body->len);
		control_write_body(&c->w, &c->wire, e.s, e.len);
		c->wire.failed |= e.failed;
		strbuf_free(&e);
	} else
		control_write_body(&c->w, &c->wire, body->s, body->len);
	if (stream != NULL && stream->next != NULL && code == CTL_OK) {
		c->stream = *stream;
		c->streaming = true;
	} else {
		if (stream != NULL && stream->free != NULL)
			stream->free(stream->arg);
		control_write_end_code(&c->w, &c->wire, code);
	}
	if (body->failed || c->wire.failed) {
		c->nomem = true;
		stream_end(c);
	}
	ev_timer_stop(c->cs->loop, &c->timer);
	ev_io_stop(c->cs->loop, &c->io);
	ev_io_init(&c->io, conn_write_cb, c->fd, 0);
	c->io.data = c;
	c->events = 0;
	conn_resume(c);
	conn_write_cb(c->cs->loop, &c->io, EV_WRITE);
}

static void
conn_fail(struct control_conn *c, enum ctl_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A refusal the server itself gives, then close. */
static void
conn_fail(struct control_conn *c, enum ctl_code code, const char *fmt, ...)
{
	struct strbuf body;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	strbuf_init(&body);
	strbuf_printf(&body, "%s\n", msg);
	conn_send(c, &body, NULL, code);
	strbuf_free(&body);
}

static void
conn_reply(struct control_conn *c)
{
	struct ctl_request rq;
	const char *why = NULL;
	struct strbuf body;
	struct ctl_stream stream;
	enum ctl_code code;

	if (ctl_request_parse(c->req, c->req_len, &rq, &code, &why) == -1) {
		c->json = rq.json_form;
		conn_fail(c, code, "%s", why);
		return;
	}
	c->json = rq.json;
	strbuf_init(&body);
	memset(&stream, 0, sizeof(stream));
	code = c->cs->handler(c->cs->ctx, &rq, &body, &stream);
	conn_send(c, &body, &stream, code);
	strbuf_free(&body);
}

static void
conn_read_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct control_conn *c = w->data;
	ssize_t n;
	char *nl;

	(void)loop;
	(void)revents;
	n = read(c->fd, c->req + c->req_len, sizeof(c->req) - c->req_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_free(c);
		return;
	}
	/* Garbage is refused at its first byte, not after 4 KiB of it. */
	for (ssize_t k = 0; k < n; k++) {
		unsigned char b = (unsigned char)c->req[c->req_len + (size_t)k];

		if ((b < 0x20 && b != '\t' && b != '\n') || b > 0x7e) {
			c->json = c->req[0] == '{';
			conn_fail(c, CTL_E_BAD_REQUEST, "request has a "
			    "non-printable byte");
			return;
		}
	}
	c->req_len += (size_t)n;
	nl = memchr(c->req, '\n', c->req_len);
	if (nl != NULL) {
		c->req_len = (size_t)(nl - c->req) + 1;
		conn_reply(c);
	} else if (c->req_len == sizeof(c->req))
		conn_fail(c, CTL_E_TOO_LARGE, "request longer than %d bytes",
		    CONTROL_MAX_REQUEST);
}

/* No whole request in time, or a reply nobody reads. */
static void
conn_timer_cb(struct ev_loop *loop, struct ev_timer *w, int revents)
{
	struct control_conn *c = w->data;

	(void)loop;
	(void)revents;
	if (c->idle) {		/* ask an idle stream again */
		conn_resume(c);
		return;
	}
	if (c->replying) {
		log_debug("control: a client read nothing of its reply for "
		    "%d s: dropped", CONTROL_SEND_TIMEOUT);
		conn_free(c);
		return;
	}
	log_debug("control: no request within %d s: closing",
	    CONTROL_IDLE_TIMEOUT);
	conn_fail(c, CTL_E_TIMEOUT, "no request within %d seconds (idle timeout)",
	    CONTROL_IDLE_TIMEOUT);
}

/*
 * Over the limit: the refusal is one small write to a socket that has not
 * been written to yet, so it does not wait. What the client sent is read
 * first, so closing does not reset the connection under its reply.
 */
static void
refuse_conn(int fd, unsigned n)
{
	char drain[CONTROL_MAX_REQUEST];
	struct strbuf body, wire;

	strbuf_init(&body);
	strbuf_init(&wire);
	strbuf_printf(&body, "too many control connections (%u); try again "
	    "in a few seconds\n", n);
	frame_reply(&wire, &body, CTL_E_BUSY);
	for (int i = 0; i < 4 && recv(fd, drain, sizeof(drain),
	    MSG_DONTWAIT) > 0; i++)
		;
	if (wire.failed || send(fd, wire.s, wire.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("control: refusal not sent: %s", strerror(errno));
	close(fd);
	strbuf_free(&wire);
	strbuf_free(&body);
}

static void
accept_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct control_server *cs = w->data;
	struct control_conn *c;
	int fd;

	(void)revents;
	fd = accept4(cs->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (cs->n_conns >= CONTROL_MAX_CONNS) {
		if (!cs->full_logged)
			log_warn("control: %u connections open: refusing "
			    "more until one closes", cs->n_conns);
		cs->full_logged = true;
		refuse_conn(fd, cs->n_conns);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->cs = cs;
	c->fd = fd;
	strbuf_init(&c->wire);
	c->events = EV_READ;
	c->next = cs->conns;
	cs->conns = c;
	cs->n_conns++;
	ev_io_init(&c->io, conn_read_cb, fd, EV_READ);
	c->io.data = c;
	ev_io_start(loop, &c->io);
	ev_timer_init(&c->timer, conn_timer_cb, CONTROL_IDLE_TIMEOUT, 0.);
	c->timer.data = c;
	ev_timer_start(loop, &c->timer);
}

struct control_server *
control_server_open(struct ev_loop *loop, const char *path,
    control_handler handler, void *ctx)
{
	struct control_server *cs;
	struct sockaddr_un sun;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	strcpy(cs->path, path);
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* Created 0600 from the start: no window where others may connect. */
	old = umask(0177);
	if (cs->fd < 0 || bind(cs->fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1 || listen(cs->fd, CONTROL_MAX_CONNS) == -1) {
		int e = errno;

		umask(old);
		if (cs->fd >= 0)
			close(cs->fd);
		free(cs);
		errno = e;
		return NULL;
	}
	umask(old);
	cs->loop = loop;
	cs->handler = handler;
	cs->ctx = ctx;
	ev_io_init(&cs->io, accept_cb, cs->fd, EV_READ);
	cs->io.data = cs;
	ev_io_start(loop, &cs->io);
	return cs;
}

int
control_server_access(struct control_server *cs, gid_t gid, mode_t mode)
{
	if (chown(cs->path, (uid_t)-1, gid) == -1 ||
	    chmod(cs->path, mode) == -1)
		return -1;
	return 0;
}

int
ctl_ro_path(const char *control, char *buf, size_t size)
{
	size_t n = strlen(control);
	int w;

	if (n >= 5 && strcmp(control + n - 5, ".sock") == 0)
		w = snprintf(buf, size, "%.*s.ro.sock", (int)(n - 5), control);
	else
		w = snprintf(buf, size, "%s.ro", control);
	return w < 0 || (size_t)w >= size ? -1 : 0;
}

void
control_server_wake(struct control_server *cs)
{
	if (cs == NULL)
		return;
	for (struct control_conn *c = cs->conns; c != NULL; c = c->next)
		if (c->idle)
			conn_resume(c);
}

void
control_server_close(struct control_server *cs)
{
	if (cs == NULL)
		return;
	while (cs->conns != NULL)
		conn_free(cs->conns);
	ev_io_stop(cs->loop, &cs->io);
	close(cs->fd);
	unlink(cs->path);
	free(cs);
}
