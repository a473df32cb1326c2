#include "listener.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct listener {
	struct ev_loop	*loop;
	struct ev_io	 io;
	int		 fd;
	listener_cb	 cb;
	void		*ctx;
};

/* An IPv4 peer reaches the dual-stack socket as ::ffff:a.b.c.d. */
static void
peer_of(const struct sockaddr_in6 *sin6, struct prefix *p)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(p, 0, sizeof(*p));
	if (memcmp(sin6->sin6_addr.s6_addr, mapped, sizeof(mapped)) == 0) {
		p->af = AF_IDX_IPV4;
		p->len = 32;
		memcpy(p->addr, sin6->sin6_addr.s6_addr + 12, 4);
	} else {
		p->af = AF_IDX_IPV6;
		p->len = 128;
		memcpy(p->addr, sin6->sin6_addr.s6_addr, 16);
	}
}

static void
accept_cb(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct listener *l = w->data;
	struct sockaddr_in6 sin6;
	socklen_t sl = sizeof(sin6);
	struct prefix peer;
	int fd;

	(void)loop;
	(void)revents;
	fd = accept4(l->fd, (struct sockaddr *)&sin6, &sl,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (sin6.sin6_family != AF_INET6) {
		close(fd);
		return;
	}
	peer_of(&sin6, &peer);
	l->cb(l->ctx, fd, &peer);
}

struct listener *
listener_open(struct ev_loop *loop, uint16_t port, listener_cb cb, void *ctx)
{
	struct listener *l = calloc(1, sizeof(*l));
	struct sockaddr_in6 sin6;
	int one = 1, zero = 0, e;

	if (l == NULL)
		return NULL;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	sin6.sin6_addr = in6addr_any;
	l->fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 ||
	    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    bind(l->fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1 ||
	    listen(l->fd, 64) == -1) {
		e = errno;
		if (l->fd >= 0)
			close(l->fd);
		free(l);
		errno = e;
		return NULL;
	}
	l->loop = loop;
	l->cb = cb;
	l->ctx = ctx;
	ev_io_init(&l->io, accept_cb, l->fd, EV_READ);
	l->io.data = l;
	ev_io_start(loop, &l->io);
	return l;
}

void
listener_close(struct listener *l)
{
	if (l == NULL)
		return;
	ev_io_stop(l->loop, &l->io);
	close(l->fd);
	free(l);
}
