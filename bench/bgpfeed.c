/*
 * bgpfeed: a BGP speaker that feeds a generated realistic table to the
 * daemon under test, for bench/bench_rib.sh.
 *
 * It builds the table first (bench/table_gen.c, encoded with our packer
 * into UPDATEs), then connects to the daemon (or, with -L, accepts its
 * connection), exchanges OPEN and KEEPALIVE (4-octet AS, multiprotocol for
 * the families fed, ADD-PATH send when paths per prefix > 1 or -A,
 * extended messages offered), writes the whole table as fast as the socket
 * takes it, then End-of-RIB, and keeps the session up with KEEPALIVEs
 * until SIGTERM (then Cease/Administrative Shutdown).
 *
 * The prefixes come from the seed alone and the attributes from the seed
 * and the variant, so feeders with different variants send the same
 * prefixes with their own attributes (AS paths starting with their own
 * upstream, their own communities, MEDs, next hops).
 *
 * What it says on stdout, one line each, times CLOCK_REALTIME seconds:
 *   generated af=ipv4 prefixes=N paths=N messages=N bytes=N sets=N gen_s=X
 *   ready                      (table built; with -w, waiting for SIGUSR1)
 *   established t=T as4=B addpath=B ext=B hold=S
 *   sent t=T messages=N bytes=N (the table and End-of-RIB are in the socket)
 *   stopped                    (SIGTERM: Cease sent)
 * Failures go to stderr and end it with status 1.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../src/bgp/aspath.h"
#include "../src/bgp/msg.h"
#include "../src/bgp/update.h"
#include "../src/lib/hex.h"
#include "table_gen.h"

#define DEFAULT_SEED	0x5bd1e9955bd1e995ull
#define DEFAULT_AS	47065
#define MAX_GROUP	64
#define IN_CAP		(4 * BGP_EXT_MAX_LEN)
#define WRITE_CHUNK	(1u << 20)

struct feed_opts {
	struct sockaddr_storage	 peer;
	struct sockaddr_storage	 local;
	bool			 has_local;
	bool			 listen_mode;
	uint16_t		 port;
	bool			 af[AF_IDX_COUNT];
	size_t			 prefixes;
	unsigned		 paths;
	bool			 addpath;	/* path ids even with one path */
	uint64_t		 seed;
	unsigned		 variant;
	struct prefix		 nexthop[AF_IDX_COUNT];
	bool			 has_nexthop[AF_IDX_COUNT];
	uint32_t		 local_as;
	uint32_t		 peer_as;
	uint32_t		 router_id;
	uint16_t		 hold_time;
	bool			 ext_pack;	/* UPDATEs up to 65535 bytes */
	bool			 wait_go;
	bool			 dump;		/* -D: print the table, exit */
	double			 timeout;
};

/* UPDATE messages back to back, for one family, End-of-RIB last. */
struct feed_table {
	uint8_t		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 msgs;
	size_t		 prefixes;
	size_t		 paths;
	size_t		 sets;
};

/* The set of prefixes drawn so far, by a 64-bit hash of each (0: free). */
struct seen {
	uint64_t	*slot;
	size_t		 mask;
};

static volatile sig_atomic_t stop_requested;

static double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- the table ---- */

static void
table_append(struct feed_table *t, const struct wbuf *w)
{
	if (w->overflow)
		errx(1, "packer output overflowed");
	if (t->len + w->len > t->cap) {
		t->cap = 2 * (t->cap + w->len);
		if ((t->buf = realloc(t->buf, t->cap)) == NULL)
			err(1, "realloc");
	}
	memcpy(t->buf + t->len, w->p, w->len);
	t->len += w->len;
}

static uint64_t
prefix_hash(const struct prefix *p)
{
	struct tg_rng r = { 0 };
	uint64_t h = (uint64_t)p->af << 8 | p->len;

	for (unsigned i = 0; i < af_addr_bytes(p->af); i += 8) {
		uint64_t part = 0;

		memcpy(&part, p->addr + i, 8 > af_addr_bytes(p->af) - i ?
		    af_addr_bytes(p->af) - i : 8);
		r.s = h ^ part;
		h = tg_next(&r);
	}
	return h == 0 ? 1 : h;
}

static void
seen_init(struct seen *s, size_t n)
{
	size_t cap = 1024;

	while (cap < 2 * n)
		cap <<= 1;
	if ((s->slot = calloc(cap, sizeof(*s->slot))) == NULL)
		err(1, "calloc");
	s->mask = cap - 1;
}

/* true when p was not drawn before (and is now). */
static bool
seen_add(struct seen *s, const struct prefix *p)
{
	uint64_t h = prefix_hash(p);
	size_t i = (size_t)h & s->mask;

	while (s->slot[i] != 0) {
		if (s->slot[i] == h)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slot[i] = h;
	return true;
}

/* The next hop of path j: the base address plus j. */
static void
nexthop_of(const struct prefix *base, unsigned j, uint8_t *out)
{
	unsigned n = af_addr_bytes(base->af), carry = j;

	memcpy(out, base->addr, n);
	for (unsigned i = n; i-- > 0 && carry > 0;) {
		carry += out[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/*
 * Path j's attributes: its own upstream first in the AS path, never our
 * peer's AS in it (AS-path loop detection would drop the path in some
 * daemons and not in others: every daemon must get the same table).
 */
static void
path_attrs(const struct feed_opts *o, unsigned af, unsigned j,
    struct tg_rng *ar, struct bgp_attrs *a, struct wbuf *space)
{
	do {
		space->len = 0;
		tg_attrs(ar, tg_upstream(o->variant + j), a, space);
	} while (aspath_contains(a->as_path, o->peer_as) ||
	    aspath_contains(a->as_path, o->local_as));
	if (o->local_as == o->peer_as) {
		a->local_pref = 100;
		bgp_attr_set(a, BGP_ATTR_LOCAL_PREF);
	}
	if (af == AF_IDX_IPV4) {
		nexthop_of(&o->nexthop[af], j, a->next_hop);
		return;
	}
	bgp_attr_unset(a, BGP_ATTR_NEXT_HOP);
	memset(&a->mp_reach, 0, sizeof(a->mp_reach));
	a->mp_reach.afi = BGP_AFI_IPV6;
	a->mp_reach.safi = BGP_SAFI_UNICAST;
	a->mp_reach.af = AF_IDX_IPV6;
	a->mp_reach.nh_len = 16;
	nexthop_of(&o->nexthop[af], j, a->mp_reach.nexthop);
	bgp_attr_set(a, BGP_ATTR_MP_REACH);
}

/* k new prefixes (never drawn before) from the prefix stream. */
static void
draw_group(struct tg_rng *pr, unsigned af, struct seen *s,
    struct prefix *group, unsigned k)
{
	for (unsigned i = 0; i < k;) {
		if (af == AF_IDX_IPV4)
			tg_prefix4(pr, &group[i]);
		else
			tg_prefix6(pr, &group[i]);
		if (seen_add(s, &group[i]))
			i++;
	}
}

static void
dump_group(const struct prefix *group, unsigned k)
{
	char text[PREFIX_STRLEN];

	for (unsigned i = 0; i < k; i++)
		printf("%s\n", prefix_format(&group[i], text, sizeof(text)));
}

static void
pack_group(struct feed_table *t, const struct bgp_codec_opts *co,
    unsigned af, const struct bgp_attrs *a, const struct prefix *group,
    unsigned k, uint32_t path_id)
{
	static struct bgp_packer packer;
	static uint8_t out[2 * BGP_EXT_MAX_LEN];
	struct wbuf w;
	int n;

	wbuf_init(&w, out, sizeof(out));
	bgp_packer_init(&packer, co, af, a);
	for (unsigned i = 0; i < k; i++) {
		if ((n = bgp_packer_add(&packer, &group[i], path_id, &w)) < 0)
			errx(1, "bgp_packer_add failed");
		t->msgs += (size_t)n;
	}
	t->msgs += (size_t)bgp_packer_flush(&packer, &w);
	table_append(t, &w);
}

static void
table_build(struct feed_table *t, const struct feed_opts *o, unsigned af,
    const struct bgp_codec_opts *co)
{
	struct tg_rng pr = { o->seed ^ (af == AF_IDX_IPV6 ? 0x6666 : 0) };
	struct tg_rng ar = { o->seed ^ (0x9e3779b97f4a7c15ull *
	    (o->variant + 1)) ^ (af == AF_IDX_IPV6 ? 0x6666 : 0) };
	struct prefix group[MAX_GROUP];
	uint8_t space[1024], eor[64];
	struct bgp_attrs *a;
	struct seen s;
	struct wbuf ws, w;
	unsigned k, j;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		err(1, "calloc");
	memset(t, 0, sizeof(*t));
	seen_init(&s, o->prefixes);
	while (t->prefixes < o->prefixes) {
		k = tg_group_size(&pr);
		if (k > o->prefixes - t->prefixes)
			k = (unsigned)(o->prefixes - t->prefixes);
		draw_group(&pr, af, &s, group, k);
		if (o->dump)
			dump_group(group, k);
		for (j = 0; j < o->paths; j++) {
			wbuf_init(&ws, space, sizeof(space));
			path_attrs(o, af, j, &ar, a, &ws);
			pack_group(t, co, af, a, group, k,
			    co->addpath[af] ? j + 1 : 0);
			t->sets++;
		}
		t->prefixes += k;
		t->paths += (size_t)k * o->paths;
	}
	wbuf_init(&w, eor, sizeof(eor));
	bgp_eor_encode(&w, af);
	table_append(t, &w);
	t->msgs++;
	free(s.slot);
	free(a);
}

/* ---- the session ---- */

struct feed {
	const struct feed_opts	*o;
	int			 fd;
	struct feed_table	 table[AF_IDX_COUNT];
	unsigned		 cur_af;	/* table being written */
	size_t			 cur_off;
	bool			 table_done;
	bool			 established;
	uint8_t			 ctl[BGP_MAX_LEN];	/* OPEN, KEEPALIVE, ... */
	size_t			 ctl_len;
	size_t			 ctl_off;
	uint8_t			*in;
	size_t			 in_len;
	struct bgp_open		 ours;
	uint16_t		 hold;
	double			 next_keepalive;
	double			 last_in;
	size_t			 sent_msgs;
	size_t			 sent_bytes;
	size_t			 updates_in;
};

static void
ctl_queue(struct feed *f, void (*enc)(struct wbuf *, const void *),
    const void *arg)
{
	struct wbuf w;

	wbuf_init(&w, f->ctl + f->ctl_len, sizeof(f->ctl) - f->ctl_len);
	enc(&w, arg);
	if (w.overflow)
		errx(1, "control message does not fit");
	f->ctl_len += w.len;
}

static void
enc_open(struct wbuf *w, const void *arg)
{
	bgp_open_encode(w, arg);
}

static void
enc_keepalive(struct wbuf *w, const void *arg)
{
	(void)arg;
	bgp_keepalive_encode(w);
}

static void
open_build(struct feed *f)
{
	const struct feed_opts *o = f->o;
	struct bgp_caps *c = &f->ours.caps;

	memset(&f->ours, 0, sizeof(f->ours));
	f->ours.version = BGP_VERSION;
	f->ours.my_as = (uint16_t)(o->local_as > 65535 ? BGP_AS_TRANS :
	    o->local_as);
	f->ours.hold_time = o->hold_time;
	f->ours.bgp_id = o->router_id;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		if (!o->af[af])
			continue;
		c->mp[c->n_mp].afi = bgp_af_afi(af);
		c->mp[c->n_mp++].safi = BGP_SAFI_UNICAST;
		if (o->addpath) {
			c->addpath[c->n_addpath].afi = bgp_af_afi(af);
			c->addpath[c->n_addpath].safi = BGP_SAFI_UNICAST;
			c->addpath[c->n_addpath++].flags = BGP_ADDPATH_SEND;
		}
	}
	c->as4 = true;
	c->as4_number = o->local_as;
	c->ext_message = true;
}

/* The peer's OPEN: what we asked for must be what we get. */
static void
open_check(struct feed *f, const struct bgp_open *theirs)
{
	const struct feed_opts *o = f->o;
	const struct bgp_caps *tc = &theirs->caps;

	if (!tc->as4)
		errx(1, "peer does not speak 4-octet AS numbers");
	if (bgp_open_peer_as(theirs) != o->peer_as)
		errx(1, "peer AS %u, expected %u", bgp_open_peer_as(theirs),
		    o->peer_as);
	if (o->ext_pack && !tc->ext_message)
		errx(1, "-X: peer does not accept extended messages");
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		if (!o->af[af])
			continue;
		if (!bgp_caps_has_mp(tc, af) &&
		    !(af == AF_IDX_IPV4 && tc->n_mp == 0))
			errx(1, "peer does not carry %s",
			    af == AF_IDX_IPV4 ? "IPv4" : "IPv6");
		if (o->addpath && !(bgp_caps_addpath(tc, af) &
		    BGP_ADDPATH_RECEIVE))
			errx(1, "peer does not receive ADD-PATH for %s",
			    af == AF_IDX_IPV4 ? "IPv4" : "IPv6");
	}
	f->hold = o->hold_time < theirs->hold_time ? o->hold_time :
	    theirs->hold_time;
}

static void
handle_notification(struct rbuf msg)
{
	struct bgp_notification n;
	struct bgp_err e;

	char data[2 * 16 + 1];

	if (bgp_notification_decode(msg, &n, &e) == -1)
		errx(1, "malformed NOTIFICATION from the peer");
	/* The data's first bytes, in hex (RFC 4486: AFI, SAFI, limit). */
	hex_encode(n.data.p, n.data.len < 16 ? n.data.len : 16, data);
	errx(1, "NOTIFICATION from the peer: %u/%u %s%s%.*s data %s", n.code,
	    n.subcode, bgp_err_code_name(n.code), n.has_shutdown_text ?
	    ": " : "", n.has_shutdown_text ? (int)n.shutdown_text.len : 0,
	    n.has_shutdown_text ? (const char *)n.shutdown_text.p : "",
	    n.data.len > 0 ? data : "-");
}

static void
handle_message(struct feed *f, struct rbuf msg, uint8_t type)
{
	struct bgp_open theirs;
	struct bgp_err e;

	switch (type) {
	case BGP_OPEN:
		if (f->established || bgp_open_decode(msg, &theirs, &e) == -1)
			errx(1, "unexpected or malformed OPEN: %s",
			    f->established ? "session up" : e.reason);
		open_check(f, &theirs);
		ctl_queue(f, enc_keepalive, NULL);
		break;
	case BGP_KEEPALIVE:
		if (f->established)
			break;
		f->established = true;
		f->next_keepalive = now_mono() + (f->hold ? f->hold / 3. : 1e9);
		printf("established t=%.6f as4=1 addpath=%d ext=%d hold=%u\n",
		    now_real(), f->o->addpath, f->o->ext_pack, f->hold);
		break;
	case BGP_NOTIFICATION:
		handle_notification(msg);
		break;
	case BGP_UPDATE:
		f->updates_in++;
		break;
	default:
		break;
	}
}

static void
read_in(struct feed *f)
{
	struct bgp_header h;
	struct bgp_err e;
	ssize_t n = read(f->fd, f->in + f->in_len, IN_CAP - f->in_len);
	size_t off = 0;

	if (n == 0)
		errx(1, "the peer closed the connection");
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		err(1, "read");
	}
	f->in_len += (size_t)n;
	f->last_in = now_mono();
	while (f->in_len - off >= BGP_HEADER_LEN) {
		struct rbuf rest = rbuf_make(f->in + off, f->in_len - off);

		if (bgp_header_decode(rest, BGP_EXT_MAX_LEN, &h, &e) == -1)
			errx(1, "bad message header from the peer: %s",
			    e.reason);
		if (h.len > f->in_len - off)
			break;
		handle_message(f, rbuf_make(f->in + off, h.len), h.type);
		off += h.len;
	}
	memmove(f->in, f->in + off, f->in_len - off);
	f->in_len -= off;
}

/* The next bytes to write: control messages first, at table message
 * boundaries only (they are only queued when none is cut). */
static const uint8_t *
next_out(struct feed *f, size_t *len)
{
	struct feed_table *t;

	if (f->ctl_off < f->ctl_len) {
		*len = f->ctl_len - f->ctl_off;
		return f->ctl + f->ctl_off;
	}
	if (!f->established || f->table_done)
		return NULL;
	while (f->cur_af < AF_IDX_COUNT && (!f->o->af[f->cur_af] ||
	    f->cur_off == f->table[f->cur_af].len)) {
		f->cur_af++;
		f->cur_off = 0;
	}
	if (f->cur_af == AF_IDX_COUNT) {
		f->table_done = true;
		printf("sent t=%.6f messages=%zu bytes=%zu\n", now_real(),
		    f->sent_msgs, f->sent_bytes);
		return NULL;
	}
	t = &f->table[f->cur_af];
	*len = t->len - f->cur_off < WRITE_CHUNK ? t->len - f->cur_off :
	    WRITE_CHUNK;
	return t->buf + f->cur_off;
}

static void
write_out(struct feed *f)
{
	size_t len;
	const uint8_t *p = next_out(f, &len);
	ssize_t n;

	if (p == NULL)
		return;
	if ((n = write(f->fd, p, len)) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		err(1, "write");
	}
	if (p == f->ctl + f->ctl_off) {
		f->ctl_off += (size_t)n;
		if (f->ctl_off == f->ctl_len)
			f->ctl_off = f->ctl_len = 0;
		return;
	}
	f->cur_off += (size_t)n;
	f->sent_bytes += (size_t)n;
	if (f->cur_off == f->table[f->cur_af].len)
		f->sent_msgs += f->table[f->cur_af].msgs;
}

static bool
at_boundary(const struct feed *f)
{
	return !f->established || f->table_done || f->cur_off == 0;
}

static void
keepalive_due(struct feed *f)
{
	double t = now_mono();

	if (!f->established || f->hold == 0 || t < f->next_keepalive)
		return;
	f->next_keepalive = t + f->hold / 3.;
	/* UPDATEs being written serve as keepalives meanwhile. */
	if (at_boundary(f) && f->ctl_len == 0)
		ctl_queue(f, enc_keepalive, NULL);
	if (f->last_in > 0 && t - f->last_in > 3. * f->hold)
		fprintf(stderr, "bgpfeed: nothing from the peer for %.0f s\n",
		    t - f->last_in);
}

static void
shutdown_session(struct feed *f)
{
	uint8_t buf[BGP_MAX_LEN];
	struct wbuf w;

	if (at_boundary(f) && f->ctl_off == 0) {
		wbuf_init(&w, buf, sizeof(buf));
		bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_SHUTDOWN,
		    "bgpfeed done");
		if (!w.overflow && write(f->fd, buf, w.len) < 0)
			warn("write NOTIFICATION");
	}
	close(f->fd);
	printf("stopped\n");
}

static void
session_run(struct feed *f)
{
	struct pollfd pfd = { .fd = f->fd };
	size_t len;
	int timeout_ms;

	open_build(f);
	ctl_queue(f, enc_open, &f->ours);
	while (!stop_requested) {
		keepalive_due(f);
		pfd.events = POLLIN | (next_out(f, &len) != NULL ? POLLOUT : 0);
		timeout_ms = f->established && f->hold ? 1000 : 200;
		if (poll(&pfd, 1, timeout_ms) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			read_in(f);
		if (pfd.revents & POLLOUT)
			write_out(f);
	}
	shutdown_session(f);
}

/* ---- connecting ---- */

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

static void
sa_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int
socket_for(const struct feed_opts *o)
{
	int fd = socket(o->peer.ss_family, SOCK_STREAM, 0), one = 1;
	struct sockaddr_storage local = o->local;

	if (fd < 0)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->has_local) {
		sa_set_port(&local, o->listen_mode ? o->port : 0);
		if (bind(fd, (struct sockaddr *)&local, sa_len(&local)) < 0)
			err(1, "bind");
	}
	return fd;
}

/* Connects, retrying while the daemon is not listening yet. */
static int
connect_peer(const struct feed_opts *o)
{
	struct sockaddr_storage peer = o->peer;
	double deadline = now_mono() + o->timeout;
	int fd;

	sa_set_port(&peer, o->port);
	for (;;) {
		fd = socket_for(o);
		if (connect(fd, (struct sockaddr *)&peer, sa_len(&peer)) == 0)
			return fd;
		if (now_mono() > deadline)
			err(1, "connect (gave up after %.0f s)", o->timeout);
		close(fd);
		usleep(100000);
		if (stop_requested)
			exit(0);
	}
}

static int
accept_peer(const struct feed_opts *o)
{
	int lfd = socket_for(o), fd;
	struct pollfd pfd = { .events = POLLIN };
	double deadline = now_mono() + o->timeout;

	if (listen(lfd, 4) < 0)
		err(1, "listen");
	pfd.fd = lfd;
	while (now_mono() < deadline && !stop_requested) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) >= 0) {
			close(lfd);
			return fd;
		}
	}
	errx(1, "no connection from the peer within %.0f s", o->timeout);
}

/* -w: after building, until SIGUSR1 (or SIGTERM, or the timeout). */
static void
wait_go(const struct feed_opts *o)
{
	sigset_t set;
	struct timespec ts = { .tv_sec = (time_t)o->timeout };
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sig = sigtimedwait(&set, NULL, &ts);
	if (sig == SIGTERM)
		exit(0);
	if (sig != SIGUSR1)
		errx(1, "-w: no SIGUSR1 within %.0f s", o->timeout);
}

/* ---- options ---- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bgpfeed -r PEER [-l LOCAL] [-L] [-P PORT] [-a 4|6|46]\n"
	    "               [-n PREFIXES] [-p PATHS] [-A] [-s SEED] [-v VARIANT]\n"
	    "               [-N NEXTHOP]... [-m AS] [-M PEER-AS] [-i ROUTER-ID]\n"
	    "               [-t HOLD] [-X] [-w] [-T SECONDS]\n"
	    "  -r PEER      the daemon's address (connect to it; -L: accept it)\n"
	    "  -l LOCAL     our address (bind); required with -L\n"
	    "  -L           listen on LOCAL:PORT instead of connecting\n"
	    "  -P PORT      BGP port (179)\n"
	    "  -a FAMILIES  4, 6 or 46 (the PEER's family)\n"
	    "  -n PREFIXES  distinct prefixes per family (1000000)\n"
	    "  -p PATHS     paths per prefix, ADD-PATH ids 1..PATHS (1)\n"
	    "  -A           ADD-PATH even with one path\n"
	    "  -s SEED      the prefixes' seed\n"
	    "  -v VARIANT   the attributes' variant (0): feeders with other\n"
	    "               variants send the same prefixes, other attributes\n"
	    "  -N NEXTHOP   next hop of path 1 (path j: NEXTHOP + j - 1), one\n"
	    "               per family (default: LOCAL for its family)\n"
	    "  -m AS        our AS (47065); -M PEER-AS the peer's (ours: iBGP)\n"
	    "  -i ID        router id (default LOCAL if IPv4, else 10.255.0.V)\n"
	    "  -t HOLD      hold time offered (240)\n"
	    "  -X           pack UPDATEs up to 65535 bytes (RFC 8654)\n"
	    "  -w           after building the table, wait for SIGUSR1\n"
	    "  -T SECONDS   give up connecting or waiting after this (120)\n"
	    "  -D           print the prefixes, one a line, and exit\n");
	exit(2);
}

static void
parse_addr(const char *s, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, s,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		errx(2, "not an address: %s", s);
}

static unsigned long long
parse_num(const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max)
		errx(2, "bad number: %s", s);
	return v;
}

static void
parse_nexthop(struct feed_opts *o, const char *s)
{
	struct prefix p;

	if (addr_parse(s, &p) == -1)
		errx(2, "bad next hop: %s", s);
	o->nexthop[p.af] = p;
	o->has_nexthop[p.af] = true;
}

/* Defaults that depend on other options. */
static void
opts_finish(struct feed_opts *o, bool has_peer)
{
	if (!has_peer || (o->listen_mode && !o->has_local))
		usage();
	if (!o->af[AF_IDX_IPV4] && !o->af[AF_IDX_IPV6])
		o->af[o->peer.ss_family == AF_INET ? AF_IDX_IPV4 :
		    AF_IDX_IPV6] = true;
	if (o->paths > 1)
		o->addpath = true;
	if (o->peer_as == 0)
		o->peer_as = o->local_as;
	if (o->has_local && o->local.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (void *)&o->local;

		if (o->router_id == 0)
			o->router_id = ntohl(sin->sin_addr.s_addr);
		if (!o->has_nexthop[AF_IDX_IPV4]) {
			memset(&o->nexthop[0], 0, sizeof(o->nexthop[0]));
			memcpy(o->nexthop[0].addr, &sin->sin_addr, 4);
			o->has_nexthop[AF_IDX_IPV4] = true;
		}
	}
	if (o->has_local && o->local.ss_family == AF_INET6 &&
	    !o->has_nexthop[AF_IDX_IPV6]) {
		const struct sockaddr_in6 *sin6 = (void *)&o->local;

		memset(&o->nexthop[1], 0, sizeof(o->nexthop[1]));
		o->nexthop[1].af = AF_IDX_IPV6;
		memcpy(o->nexthop[1].addr, &sin6->sin6_addr, 16);
		o->has_nexthop[AF_IDX_IPV6] = true;
	}
	if (o->router_id == 0)
		o->router_id = 0x0aff0000u | ((o->variant + 1) & 0xffff);
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		if (o->af[af] && !o->has_nexthop[af])
			errx(2, "-N: no next hop for IPv%c", af ? '6' : '4');
}

static void
opts_parse(struct feed_opts *o, int argc, char **argv)
{
	bool has_peer = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->port = 179;
	o->prefixes = 1000000;
	o->paths = 1;
	o->seed = DEFAULT_SEED;
	o->local_as = DEFAULT_AS;
	o->hold_time = 240;
	o->timeout = 120;
	while ((c = getopt(argc, argv, "r:l:LP:a:n:p:As:v:N:m:M:i:t:XwT:D")) !=
	    -1) {
		switch (c) {
		case 'r': parse_addr(optarg, &o->peer); has_peer = true; break;
		case 'l': parse_addr(optarg, &o->local); o->has_local = true;
			break;
		case 'L': o->listen_mode = true; break;
		case 'P': o->port = (uint16_t)parse_num(optarg, 65535); break;
		case 'a':
			o->af[AF_IDX_IPV4] = strchr(optarg, '4') != NULL;
			o->af[AF_IDX_IPV6] = strchr(optarg, '6') != NULL;
			break;
		case 'n': o->prefixes = parse_num(optarg, 100000000); break;
		case 'p': o->paths = (unsigned)parse_num(optarg, 65535);
			break;
		case 'A': o->addpath = true; break;
		case 's': o->seed = parse_num(optarg, UINT64_MAX); break;
		case 'v': o->variant = (unsigned)parse_num(optarg, 65535); break;
		case 'N': parse_nexthop(o, optarg); break;
		case 'm': o->local_as = (uint32_t)parse_num(optarg, UINT32_MAX);
			break;
		case 'M': o->peer_as = (uint32_t)parse_num(optarg, UINT32_MAX);
			break;
		case 'i': {
			struct in_addr in;

			if (inet_pton(AF_INET, optarg, &in) != 1)
				errx(2, "bad router id: %s", optarg);
			o->router_id = ntohl(in.s_addr);
			break;
		}
		case 't': o->hold_time = (uint16_t)parse_num(optarg, 65535);
			break;
		case 'X': o->ext_pack = true; break;
		case 'w': o->wait_go = true; break;
		case 'T': o->timeout = (double)parse_num(optarg, 86400); break;
		case 'D': o->dump = true; break;
		default: usage();
		}
	}
	if (optind != argc || o->paths == 0)
		usage();
	opts_finish(o, has_peer);
}

static void
signals_setup(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: poll() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* SIGUSR1 (and SIGTERM until then) are taken by wait_go(). */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void
build_tables(struct feed *f)
{
	const struct feed_opts *o = f->o;
	struct bgp_codec_opts co;

	memset(&co, 0, sizeof(co));
	co.as4 = true;
	co.ibgp = o->local_as == o->peer_as;
	co.max_len = o->ext_pack ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		struct feed_table *t = &f->table[af];
		double t0 = now_mono();

		if (!o->af[af])
			continue;
		co.addpath[af] = o->addpath;
		table_build(t, o, af, &co);
		if (o->dump)
			continue;
		printf("generated af=%s prefixes=%zu paths=%zu messages=%zu "
		    "bytes=%zu sets=%zu gen_s=%.2f\n", af ? "ipv6" : "ipv4",
		    t->prefixes, t->paths, t->msgs, t->len, t->sets,
		    now_mono() - t0);
	}
}

int
main(int argc, char **argv)
{
	static struct feed f;
	struct feed_opts o;
	sigset_t set;

	opts_parse(&o, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signals_setup();
	f.o = &o;
	build_tables(&f);
	if (o.dump)
		return 0;
	printf("ready\n");
	if (o.wait_go)
		wait_go(&o);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if ((f.in = malloc(IN_CAP)) == NULL)
		err(1, "malloc");
	f.fd = o.listen_mode ? accept_peer(&o) : connect_peer(&o);
	fcntl(f.fd, F_SETFL, fcntl(f.fd, F_GETFL) | O_NONBLOCK);
	session_run(&f);
	return 0;
}
