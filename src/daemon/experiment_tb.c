/*
 * The test schedule's test-bed check (docs/experiment.md, "The test
 * schedule"; the rule is vpn/testbed.h's) without waiting on the loop: a
 * mux's OpenVPN management socket is connected to without blocking (a unix
 * socket: at once, or refused), sent `state`, and its answer read when it
 * comes, each probe on its own ev_io, all of them bounded by one timer of
 * TESTBED_TIMEOUT_MS. The answers are kept for XP_TB_FRESH_MS: the command
 * that asked (experiment run or resume, streamed: experiment.c) runs
 * again once the last probe ends, and finds them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "experiment_int.h"
#include "../lib/errmsg.h"
#include "../vpn/ovpn_conn.h"
#include "../vpn/testbed.h"

#define XP_TB_TAPS	(MUX_TAP_MAX + 1)
#define XP_TB_FRESH_MS	5000	/* how long an answer is taken as true */

struct xp_probe {
	struct xp_tb		*tb;
	unsigned		 tap;
	struct ev_io		 io;
	struct ovpn_conn	 c;
};

struct xp_tb {
	struct bgpd		*d;
	uint64_t		 known, proven;
	int64_t			 at[XP_TB_TAPS];	/* when known, us */
	char			 why[XP_TB_TAPS][200];
	struct xp_probe		*p[XP_TB_TAPS];	/* running */
	unsigned		 running;
	struct ev_timer		 t;		/* their deadline */
	void			(*done)(struct bgpd *d);
};

static void
probe_end(struct xp_tb *tb, struct xp_probe *p, int verdict, const char *why)
{
	unsigned tap = p->tap;

	ev_io_stop(tb->d->loop, &p->io);
	ovpn_conn_close(&p->c);
	free(p);
	tb->p[tap] = NULL;
	tb->known |= UINT64_C(1) << tap;
	if (verdict == 1)
		tb->proven |= UINT64_C(1) << tap;
	else
		tb->proven &= ~(UINT64_C(1) << tap);
	tb->at[tap] = xp_now_us();
	snprintf(tb->why[tap], sizeof(tb->why[tap]), "%s", why);
	if (--tb->running > 0)
		return;
	ev_timer_stop(tb->d->loop, &tb->t);
	if (tb->d->control != NULL)
		control_server_wake(tb->d->control);
	if (tb->done != NULL) {
		void (*done)(struct bgpd *) = tb->done;

		tb->done = NULL;
		done(tb->d);
	}
}

static void
probe_read(struct ev_loop *loop, struct ev_io *w, int revents)
{
	struct xp_probe *p = w->data;
	struct ovpn_conn *c = &p->c;
	struct ovpn_state st;
	char err[200], why[200];
	size_t used;
	ssize_t n;
	int rc;

	(void)loop;
	(void)revents;
	if (c->len == sizeof(c->buf)) {
		probe_end(p->tb, p, 0, "its tunnel cannot be seen (the "
		    "management socket's answer is too long)");
		return;
	}
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		errmsg_set(why, sizeof(why), "its tunnel cannot be seen (the "
		    "management socket %s)", n == 0 ? "closed" :
		    strerror(errno));
		probe_end(p->tb, p, 0, why);
		return;
	}
	c->len += (size_t)n;
	rc = ovpn_mgmt_state_reply(c->buf, c->len, &st, &used, err,
	    sizeof(err));
	if (rc == OVPN_MGMT_MORE)
		return;
	if (rc == -1) {
		errmsg_set(why, sizeof(why), "its tunnel cannot be seen (%s)",
		    err);
		probe_end(p->tb, p, 0, why);
		return;
	}
	rc = testbed_verdict(&st, why, sizeof(why));
	probe_end(p->tb, p, rc, rc == 1 ? "" : why);
}

static void
deadline_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	struct xp_tb *tb = t->data;
	char why[200];

	(void)loop;
	(void)revents;
	errmsg_set(why, sizeof(why), "its tunnel cannot be seen (no answer "
	    "from its management socket within %d ms)", TESTBED_TIMEOUT_MS);
	for (unsigned i = 0; i < XP_TB_TAPS && tb->running > 0; i++)
		if (tb->p[i] != NULL)
			probe_end(tb, tb->p[i], 0, why);
}

/* A probe of mx started: 2; or its answer known at once (no socket): 0. */
static int
probe_start(struct xp_tb *tb, const struct mux *mx, char *why,
    size_t whylen)
{
	struct xp_probe *p;
	char path[4200], err[256];
	int rc;

	if (testbed_mgmt_path(tb->d->paths.client_dir, mx, path, sizeof(path),
	    why, whylen) == -1)
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		errmsg_set(why, whylen, "out of memory");
		return 0;
	}
	rc = ovpn_conn_open(&p->c, path, TESTBED_TIMEOUT_MS, err, sizeof(err));
	/* A fresh unix socket's buffer takes the 6 bytes at once. */
	if (rc == OVPN_CONN_OK && send(p->c.fd, "state\n", 6, MSG_NOSIGNAL) !=
	    6) {
		errmsg_set(err, sizeof(err), "%s: %s", path, strerror(errno));
		rc = OVPN_CONN_FAILED;
	}
	if (rc != OVPN_CONN_OK) {
		ovpn_conn_close(&p->c);
		free(p);
		errmsg_set(why, whylen, "its tunnel cannot be seen (%s)", err);
		return 0;
	}
	p->tb = tb;
	p->tap = mx->tap;
	ev_io_init(&p->io, probe_read, p->c.fd, EV_READ);
	p->io.data = p;
	ev_io_start(tb->d->loop, &p->io);
	tb->p[mx->tap] = p;
	if (tb->running++ == 0) {
		ev_timer_init(&tb->t, deadline_cb, TESTBED_TIMEOUT_MS / 1000.0,
		    0.);
		tb->t.data = tb;
		ev_timer_start(tb->d->loop, &tb->t);
	}
	return 2;
}

int
xp_tb_query(struct bgpd *d, const struct mux *mx, char *why, size_t whylen)
{
	struct xp_tb *tb = d->xp_tb;
	uint64_t bit = UINT64_C(1) << mx->tap;
	int rc;

	if (mx->tap >= XP_TB_TAPS) {
		errmsg_set(why, whylen, "tap%u: no such tap", mx->tap);
		return 0;
	}
	if (tb == NULL) {
		if ((tb = calloc(1, sizeof(*tb))) == NULL) {
			errmsg_set(why, whylen, "out of memory");
			return 0;
		}
		tb->d = d;
		d->xp_tb = tb;
	}
	if (tb->p[mx->tap] != NULL)
		return 2;
	if ((tb->known & bit) && xp_now_us() - tb->at[mx->tap] <
	    (int64_t)XP_TB_FRESH_MS * 1000) {
		snprintf(why, whylen, "%s", tb->why[mx->tap]);
		return (tb->proven & bit) != 0;
	}
	rc = probe_start(tb, mx, why, whylen);
	if (rc == 0) {
		tb->known |= bit;
		tb->proven &= ~bit;
		tb->at[mx->tap] = xp_now_us();
		snprintf(tb->why[mx->tap], sizeof(tb->why[mx->tap]), "%s",
		    why);
	}
	return rc;
}

bool
xp_tb_busy(const struct bgpd *d)
{
	return d->xp_tb != NULL && d->xp_tb->running > 0;
}

void
xp_tb_when_done(struct bgpd *d, void (*done)(struct bgpd *d))
{
	if (xp_tb_busy(d))
		d->xp_tb->done = done;
	else
		done(d);
}

void
xp_tb_free(struct bgpd *d)
{
	struct xp_tb *tb = d->xp_tb;

	if (tb == NULL)
		return;
	tb->done = NULL;
	for (unsigned i = 0; i < XP_TB_TAPS; i++)
		if (tb->p[i] != NULL) {
			ev_io_stop(d->loop, &tb->p[i]->io);
			ovpn_conn_close(&tb->p[i]->c);
			free(tb->p[i]);
		}
	ev_timer_stop(d->loop, &tb->t);
	free(tb);
	d->xp_tb = NULL;
}
