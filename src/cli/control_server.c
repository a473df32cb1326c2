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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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
	bool			 replying;
	char			 req[CONTROL_MAX_REQUEST];
	size_t			 req_len;
	struct strbuf		 wire;		/* the framed reply */
	const char		*out;		/* wire.s or reply_nomem */
	size_t			 out_len;
	size_t			 sent;
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
	ev_io_stop(cs->loop, &c->io);
	ev_timer_stop(cs->loop, &c->timer);
	close(c->fd);
	strbuf_free(&c->wire);
	free(c);
}

/* The body framed into wire; the canned refusal if memory ran out. */
static void
frame_reply(struct strbuf *wire, const struct strbuf *body,
    const char **out, size_t *out_len)
{
	struct control_writer w;

	control_writer_init(&w);
	if (!body->failed) {
		control_write_body(&w, wire, body->s, body->len);
		control_write_end(&w, wire, control_body_status(body->s,
		    body->len));
	}
	if (body->failed || wire->failed) {
		*out = reply_nomem;
		*out_len = sizeof(reply_nomem) - 1;
	} else {
		*out = wire->s;
		*out_len = wire->len;
	}
}

static void
conn_write_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct control_conn *c = w->data;
	size_t before = c->sent;

	(void)revents;
	while (c->sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->sent, c->out_len - c->sent,
		    MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* The stall timeout counts from the last progress. */
			if (c->sent != before)
				ev_timer_again(loop, &c->timer);
			return;
		}
		if (n <= 0)
			break;
		c->sent += (size_t)n;
	}
	conn_free(c);
}

/* Sends body (framed) and closes; the connection may be freed on return. */
static void
conn_send(struct control_conn *c, const struct strbuf *body)
{
	struct ev_loop *loop = c->cs->loop;

	frame_reply(&c->wire, body, &c->out, &c->out_len);
	c->replying = true;
	ev_io_stop(loop, &c->io);
	ev_io_init(&c->io, conn_write_cb, c->fd, EV_WRITE);
	c->io.data = c;
	ev_io_start(loop, &c->io);
	ev_timer_stop(loop, &c->timer);
	c->timer.repeat = CONTROL_SEND_TIMEOUT;
	ev_timer_again(loop, &c->timer);
	conn_write_cb(loop, &c->io, EV_WRITE);
}

static void
conn_fail(struct control_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A refusal the server itself gives: "error: ...", then close. */
static void
conn_fail(struct control_conn *c, const char *fmt, ...)
{
	struct strbuf body;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	strbuf_init(&body);
	strbuf_printf(&body, CONTROL_ERROR_PREFIX "%s\n", msg);
	conn_send(c, &body);
	strbuf_free(&body);
}

static void
conn_reply(struct control_conn *c)
{
	char *words[CONTROL_MAX_WORDS];
	const char *why = NULL;
	struct strbuf body;
	int n = control_parse_request(c->req, c->req_len, words,
	    CONTROL_MAX_WORDS, &why);

	if (n < 0) {
		conn_fail(c, "%s", why);
		return;
	}
	strbuf_init(&body);
	c->cs->handler(c->cs->ctx, n, words, &body);
	conn_send(c, &body);
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
	c->req_len += (size_t)n;
	nl = memchr(c->req, '\n', c->req_len);
	if (nl != NULL) {
		c->req_len = (size_t)(nl - c->req) + 1;
		conn_reply(c);
	} else if (c->req_len == sizeof(c->req))
		conn_fail(c, "request longer than %d bytes",
		    CONTROL_MAX_REQUEST);
}

/* No whole request in time, or a reply nobody reads. */
static void
conn_timer_cb(struct ev_loop *loop, struct ev_timer *w, int revents)
{
	struct control_conn *c = w->data;

	(void)loop;
	(void)revents;
	if (c->replying) {
		log_debug("control: a client read nothing of its reply for "
		    "%d s: dropped", CONTROL_SEND_TIMEOUT);
		conn_free(c);
		return;
	}
	log_debug("control: no request within %d s: closing",
	    CONTROL_IDLE_TIMEOUT);
	conn_fail(c, "no request within %d seconds (idle timeout)",
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
	const char *out;
	size_t out_len;
	char drain[CONTROL_MAX_REQUEST];
	struct strbuf body, wire;

	strbuf_init(&body);
	strbuf_init(&wire);
	strbuf_printf(&body, CONTROL_ERROR_PREFIX "too many control "
	    "connections (%u); try again in a few seconds\n", n);
	frame_reply(&wire, &body, &out, &out_len);
	for (int i = 0; i < 4 && recv(fd, drain, sizeof(drain),
	    MSG_DONTWAIT) > 0; i++)
		;
	if (send(fd, out, out_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
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
