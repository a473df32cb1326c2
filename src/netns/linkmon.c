/*
 * linkmon: a table of links kept in step with the kernel through the
 * RTNLGRP_LINK and RTNLGRP_IPV{4,6}_IFADDR notifications, read on the
 * libev loop from a non-blocking libnl socket. The whole table is re-read
 * (a dump, on a second short-lived socket) at open, after a netlink
 * overrun (ENOBUFS: notifications were lost), and when an address that did
 * not fit the table may now decide a link's state. A re-read is compared
 * with the old table so only real changes reach the callback.
 */
#include "linkmon.h"

#include <linux/if.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "../lib/log.h"

/* Notification datagrams read per wakeup before other watchers run. */
#define LM_BATCH	64
/* Bound on the datagrams thrown away after an overrun. */
#define LM_DRAIN_MAX	65536
/* Receive buffer for bursts (e.g. many taps at once); the kernel caps it
 * at net.core.rmem_max, and an overrun is survived by a re-read anyway. */
#define LM_RCVBUF	(1 << 20)
#define LM_UP_FLAGS	(IFF_UP | IFF_LOWER_UP | IFF_RUNNING)

struct lm_addr {
	struct prefix	addr;		/* the local address, /32 or /128 */
	uint8_t		plen;		/* its prefix length on the link */
	uint8_t		scope;		/* RT_SCOPE_* */
	uint32_t	flags;		/* IFA_F_* */
};

struct lm_link {
	char		name[IFNAMSIZ];
	int		index;
	unsigned	flags;		/* IFF_* */
	bool		overflow[AF_IDX_COUNT];	/* an address did not fit */
	uint8_t		naddrs[AF_IDX_COUNT];
	struct lm_addr	addrs[AF_IDX_COUNT][LINKMON_MAX_ADDRS];
};

struct lm_table {
	struct lm_link	*v;
	size_t		 n, cap;
};

struct linkmon {
	struct ev_loop	*loop;
	ev_io		 io;
	struct nl_sock	*sk;
	linkmon_cb	 cb;
	void		*ctx;
	struct lm_table	 links;
	unsigned long	 nmsgs;		/* notifications seen so far */
	bool		 initial;	/* the links found at open not reported */
	bool		 resync;	/* re-read everything after this batch */
	bool		 draining;	/* skip notifications: they are stale */
};

/* ---- the table ---- */

static struct lm_link *
table_by_index(const struct lm_table *t, int index)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].index == index)
			return &t->v[i];
	return NULL;
}

static struct lm_link *
table_by_name(const struct lm_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

/* A new, empty entry; name must fit IFNAMSIZ. */
static struct lm_link *
table_add(struct lm_table *t, int index, const char *name)
{
	struct lm_link *l;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		if ((l = reallocarray(t->v, cap, sizeof(*l))) == NULL)
			return NULL;
		t->v = l;
		t->cap = cap;
	}
	l = &t->v[t->n++];
	memset(l, 0, sizeof(*l));
	l->index = index;
	memcpy(l->name, name, strlen(name) + 1);
	return l;
}

/* Order of links does not matter: the last one fills the hole. */
static void
table_del(struct lm_table *t, struct lm_link *l)
{
	*l = t->v[--t->n];
}

/* ---- addresses of a link ---- */

static bool
addr_usable(unsigned af, const struct lm_addr *a)
{
	if (af == AF_IDX_IPV4)
		return true;
	/* RFC 4862 5.4: a tentative address is not ours yet, and a failed
	 * one never will be; fe80::/10 (scope link) and ::1 (scope host)
	 * cannot carry a session to a mux. */
	return a->scope == RT_SCOPE_UNIVERSE &&
	    (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0;
}

static const struct lm_addr *
addr_first_usable(const struct lm_link *l, unsigned af)
{
	unsigned i;

	for (i = 0; i < l->naddrs[af]; i++)
		if (addr_usable(af, &l->addrs[af][i]))
			return &l->addrs[af][i];
	return NULL;
}

/* The kernel tells addresses of a link apart by local address and
 * prefix length (10.0.0.1/24 and 10.0.0.1/16 may coexist). */
static int
addr_find(const struct lm_link *l, unsigned af, const struct lm_addr *a)
{
	unsigned i;

	for (i = 0; i < l->naddrs[af]; i++)
		if (l->addrs[af][i].plen == a->plen &&
		    prefix_equal(&l->addrs[af][i].addr, &a->addr))
			return (int)i;
	return -1;
}

static int
addr_find_unusable(const struct lm_link *l, unsigned af)
{
	unsigned i;

	for (i = 0; i < l->naddrs[af]; i++)
		if (!addr_usable(af, &l->addrs[af][i]))
			return (int)i;
	return -1;
}

/*
 * Add or update an address. When the family is full, a usable address
 * takes the place of an unusable one, so a link with any usable address
 * always keeps one.
 */
static void
addr_set(struct lm_link *l, unsigned af, const struct lm_addr *a)
{
	int i;

	if ((i = addr_find(l, af, a)) >= 0) {
		l->addrs[af][i] = *a;
		return;
	}
	if (l->naddrs[af] < LINKMON_MAX_ADDRS) {
		l->addrs[af][l->naddrs[af]++] = *a;
		return;
	}
	if (!l->overflow[af])
		log_info("linkmon: %s: more than %d addresses of a family, "
		    "keeping %d", l->name, LINKMON_MAX_ADDRS, LINKMON_MAX_ADDRS);
	l->overflow[af] = true;
	if (addr_usable(af, a) && (i = addr_find_unusable(l, af)) >= 0)
		l->addrs[af][i] = *a;
}

static void
addr_del(struct lm_link *l, unsigned af, const struct lm_addr *a)
{
	int i;

	if ((i = addr_find(l, af, a)) < 0)
		return;
	l->naddrs[af]--;
	memmove(&l->addrs[af][i], &l->addrs[af][i + 1],
	    (l->naddrs[af] - (unsigned)i) * sizeof(l->addrs[af][0]));
}

/* Our copy of a libnl address; -1 if it is not IPv4 or IPv6. */
static int
addr_from_nl(struct rtnl_addr *ra, unsigned *af, struct lm_addr *out)
{
	struct nl_addr *local = rtnl_addr_get_local(ra);

	switch (rtnl_addr_get_family(ra)) {
	case AF_INET:
		*af = AF_IDX_IPV4;
		break;
	case AF_INET6:
		*af = AF_IDX_IPV6;
		break;
	default:
		return -1;
	}
	if (local == NULL || nl_addr_get_len(local) != af_addr_bytes(*af))
		return -1;
	memset(out, 0, sizeof(*out));
	out->addr.af = *af;
	out->addr.len = af_max_bits(*af);
	memcpy(out->addr.addr, nl_addr_get_binary_addr(local),
	    af_addr_bytes(*af));
	out->plen = rtnl_addr_get_prefixlen(ra);
	out->scope = rtnl_addr_get_scope(ra);
	out->flags = rtnl_addr_get_flags(ra);
	return 0;
}

/* ---- state and reports ---- */

static void
link_state(const struct lm_link *l, struct linkmon_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ifname = l->name;
	ev->ifindex = l->index;
	/* Carrier too, not only admin up: a tap is administratively up
	 * while no openvpn holds it, and then nothing goes through. */
	ev->up = (l->flags & LM_UP_FLAGS) == LM_UP_FLAGS;
	ev->has_v4 = addr_first_usable(l, AF_IDX_IPV4) != NULL;
	ev->has_v6 = addr_first_usable(l, AF_IDX_IPV6) != NULL;
}

static bool
state_differs(const struct linkmon_event *a, const struct linkmon_event *b)
{
	return a->up != b->up || a->has_v4 != b->has_v4 ||
	    a->has_v6 != b->has_v6;
}

static void
report(struct linkmon *lm, const struct lm_link *l, bool gone)
{
	struct linkmon_event ev;

	link_state(l, &ev);
	ev.gone = gone;
	log_debug("linkmon: %s: %s%s%s", l->name,
	    gone ? "gone" : ev.up ? "up" : "down",
	    ev.has_v4 ? " ipv4" : "", ev.has_v6 ? " ipv6" : "");
	lm->cb(lm->ctx, &ev);
}

/* Take the freshly read table; report what changed against the old one. */
static void
table_replace(struct linkmon *lm, struct lm_table *fresh)
{
	struct lm_table old = lm->links;
	struct linkmon_event a, b;
	const struct lm_link *o, *n;
	size_t i;

	lm->links = *fresh;
	for (i = 0; i < old.n; i++) {
		o = &old.v[i];
		n = table_by_index(&lm->links, o->index);
		if (n == NULL || strcmp(n->name, o->name) != 0)
			report(lm, o, true);
	}
	for (i = 0; i < lm->links.n; i++) {
		n = &lm->links.v[i];
		o = table_by_index(&old, n->index);
		if (o != NULL && strcmp(n->name, o->name) == 0) {
			link_state(o, &a);
			link_state(n, &b);
			if (!state_differs(&a, &b))
				continue;
		}
		report(lm, n, false);
	}
	free(old.v);
}

/* ---- reading everything (dump) ---- */

struct lm_fill {
	struct lm_table	*t;
	int		 err;
};

static void
fill_link(struct nl_object *obj, void *arg)
{
	struct rtnl_link *rl = (struct rtnl_link *)obj;
	struct lm_fill *f = arg;
	const char *name = rtnl_link_get_name(rl);
	struct lm_link *l;

	if (f->err || name == NULL || strlen(name) >= IFNAMSIZ ||
	    table_by_index(f->t, rtnl_link_get_ifindex(rl)) != NULL)
		return;
	if ((l = table_add(f->t, rtnl_link_get_ifindex(rl), name)) == NULL) {
		f->err = -1;
		return;
	}
	l->flags = rtnl_link_get_flags(rl);
}

static void
fill_addr(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)obj;
	struct lm_fill *f = arg;
	struct lm_link *l;
	struct lm_addr a;
	unsigned af;

	/* An address of a link born after the link dump: its own
	 * notifications follow on the subscribed socket. */
	l = table_by_index(f->t, rtnl_addr_get_ifindex(ra));
	if (l != NULL && addr_from_nl(ra, &af, &a) == 0)
		addr_set(l, af, &a);
}

/* Read all links and addresses into t (empty); 0 or -1 (logged). */
static int
table_dump(struct lm_table *t)
{
	struct nl_sock *sk;
	struct nl_cache *links = NULL, *addrs = NULL;
	struct lm_fill f = { t, 0 };
	int err;

	if ((sk = nl_socket_alloc()) == NULL) {
		log_warn("linkmon: dump: out of memory");
		return -1;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0 ||
	    (err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 ||
	    (err = rtnl_addr_alloc_cache(sk, &addrs)) < 0) {
		log_warn("linkmon: reading links and addresses: %s",
		    nl_geterror(err));
		f.err = -1;
	} else {
		nl_cache_foreach(links, fill_link, &f);
		nl_cache_foreach(addrs, fill_addr, &f);
		if (f.err)
			log_warn("linkmon: dump: out of memory");
	}
	if (addrs != NULL)
		nl_cache_free(addrs);
	if (links != NULL)
		nl_cache_free(links);
	nl_socket_free(sk);
	if (f.err) {
		free(t->v);
		memset(t, 0, sizeof(*t));
		return -1;
	}
	return 0;
}

/* 0, or -1 with lm->resync set to try again on the next wakeup. */
static int
resync(struct linkmon *lm)
{
	struct lm_table t = { 0 };

	lm->resync = false;
	if (table_dump(&t) == -1) {
		lm->resync = true;
		return -1;
	}
	table_replace(lm, &t);
	return 0;
}

/* ---- notifications ---- */

static void
link_gone(struct linkmon *lm, struct lm_link *l)
{
	struct lm_link copy = *l;

	/* Out of the table first: linkmon_get() in the callback says so. */
	table_del(&lm->links, l);
	report(lm, &copy, true);
}

static void
on_link(struct linkmon *lm, struct rtnl_link *rl, int type)
{
	const char *name = rtnl_link_get_name(rl);
	struct lm_link *l;
	struct linkmon_event a, b;

	/* Bridge port notifications (AF_BRIDGE, even RTM_DELLINK when a
	 * port leaves) say nothing about the link itself. */
	if (rtnl_link_get_family(rl) != AF_UNSPEC)
		return;
	l = table_by_index(&lm->links, rtnl_link_get_ifindex(rl));
	if (type == RTM_DELLINK) {
		if (l != NULL)
			link_gone(lm, l);
		return;
	}
	if (name == NULL || *name == '\0' || strlen(name) >= IFNAMSIZ)
		return;
	if (l != NULL && strcmp(l->name, name) != 0) {
		/* Renamed: users know links by name, so the old one is gone
		 * and a new one appears, addresses and all. */
		struct lm_link copy = *l;

		memcpy(l->name, name, strlen(name) + 1);
		l->flags = rtnl_link_get_flags(rl);
		report(lm, &copy, true);
		report(lm, l, false);
		return;
	}
	if (l == NULL) {
		l = table_add(&lm->links, rtnl_link_get_ifindex(rl), name);
		if (l == NULL) {
			log_warn("linkmon: %s: out of memory", name);
			lm->resync = true;
			return;
		}
		l->flags = rtnl_link_get_flags(rl);
		report(lm, l, false);
		return;
	}
	link_state(l, &a);
	l->flags = rtnl_link_get_flags(rl);
	link_state(l, &b);
	if (state_differs(&a, &b))
		report(lm, l, false);
}

static void
on_addr(struct linkmon *lm, struct rtnl_addr *ra, int type)
{
	struct lm_link *l, next;
	struct lm_addr addr;
	struct linkmon_event a, b;
	unsigned af;

	/* An unknown index: the link is already gone (its RTM_DELLINK
	 * follows the addresses' RTM_DELADDR). */
	l = table_by_index(&lm->links, rtnl_addr_get_ifindex(ra));
	if (l == NULL || addr_from_nl(ra, &af, &addr) == -1)
		return;
	next = *l;
	if (type == RTM_DELADDR)
		addr_del(&next, af, &addr);
	else
		addr_set(&next, af, &addr);
	link_state(l, &a);
	link_state(&next, &b);
	if (!state_differs(&a, &b)) {
		*l = next;
		return;
	}
	/* Some addresses were not kept: one of them may keep the state as
	 * it is, and only the kernel knows. */
	if (l->overflow[af] && resync(lm) == 0)
		return;
	*l = next;
	report(lm, l, false);
}

static void
on_object(struct nl_object *obj, void *arg)
{
	struct linkmon *lm = arg;
	int type = nl_object_get_msgtype(obj);

	switch (type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		on_link(lm, (struct rtnl_link *)obj, type);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		on_addr(lm, (struct rtnl_addr *)obj, type);
		break;
	}
}

static int
on_valid(struct nl_msg *msg, void *arg)
{
	struct linkmon *lm = arg;
	int err;

	lm->nmsgs++;
	if (lm->draining)
		return NL_SKIP;
	/* libnl's own parsers check every length and attribute. */
	if ((err = nl_msg_parse(msg, on_object, lm)) < 0)
		log_debug("linkmon: notification not parsed: %s",
		    nl_geterror(err));
	return NL_OK;
}

/*
 * After an overrun the queue holds only what came before the loss (the
 * kernel queues nothing new until the queue is empty). The dump that
 * follows is newer; replaying that older part without the lost rest
 * would bring back links and addresses that no longer exist.
 */
static void
drain(struct linkmon *lm)
{
	unsigned long seen;
	int err, n;

	lm->draining = true;
	for (n = 0; n < LM_DRAIN_MAX; n++) {
		seen = lm->nmsgs;
		err = nl_recvmsgs_default(lm->sk);
		if (err == -NLE_NOMEM)
			continue;
		if (err < 0 || lm->nmsgs == seen)
			break;
	}
	lm->draining = false;
}

static void
on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct linkmon *lm = w->data;
	unsigned long seen;
	int err, n = 0;

	(void)loop;
	(void)revents;
	if (lm->initial) {
		struct lm_table t = lm->links;

		/* Report the links found at open, all as new. */
		lm->initial = false;
		memset(&lm->links, 0, sizeof(lm->links));
		table_replace(lm, &t);
	}
	/* One datagram per nl_recvmsgs_default(); stop when nothing new. */
	do {
		seen = lm->nmsgs;
		err = nl_recvmsgs_default(lm->sk);
	} while (err >= 0 && lm->nmsgs != seen && ++n < LM_BATCH);
	if (err == -NLE_NOMEM || err == -NLE_MSG_OVERFLOW) {
		/* recvmsg() said ENOBUFS: the kernel dropped notifications. */
		log_warn("linkmon: netlink overrun, re-reading links and "
		    "addresses");
		drain(lm);
		lm->resync = true;
	} else if (err < 0 && err != -NLE_AGAIN)
		log_warn("linkmon: netlink: %s", nl_geterror(err));
	if (lm->resync)
		(void)resync(lm);
}

/* ---- the API ---- */

static int
subscribe(struct linkmon *lm)
{
	int err;

	if ((lm->sk = nl_socket_alloc()) == NULL) {
		log_warn("linkmon: netlink socket: out of memory");
		return -1;
	}
	/* Notifications answer no request of ours: no sequence to check. */
	nl_socket_disable_seq_check(lm->sk);
	nl_socket_modify_cb(lm->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, lm);
	if ((err = nl_connect(lm->sk, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_add_memberships(lm->sk, RTNLGRP_LINK,
	    RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0)) < 0 ||
	    (err = nl_socket_set_nonblocking(lm->sk)) < 0 ||
	    (err = nl_socket_set_buffer_size(lm->sk, LM_RCVBUF, 0)) < 0) {
		log_warn("linkmon: netlink: %s", nl_geterror(err));
		return -1;
	}
	return 0;
}

struct linkmon *
linkmon_open(struct ev_loop *loop, linkmon_cb cb, void *ctx)
{
	struct linkmon *lm;

	if ((lm = calloc(1, sizeof(*lm))) == NULL) {
		log_warn("linkmon: out of memory");
		return NULL;
	}
	lm->loop = loop;
	lm->cb = cb;
	lm->ctx = ctx;
	/* Subscribe first, then dump: a change racing the dump is also
	 * queued on the socket, so the table ends up right. */
	if (subscribe(lm) == -1 || table_dump(&lm->links) == -1) {
		linkmon_close(lm);
		return NULL;
	}
	ev_io_init(&lm->io, on_readable, nl_socket_get_fd(lm->sk), EV_READ);
	lm->io.data = lm;
	ev_io_start(loop, &lm->io);
	/* The first reports come from the loop, when the caller holds lm
	 * and may call linkmon_get() from the callback. */
	lm->initial = true;
	ev_feed_event(loop, &lm->io, EV_READ);
	return lm;
}

void
linkmon_close(struct linkmon *lm)
{
	if (lm == NULL)
		return;
	ev_io_stop(lm->loop, &lm->io);
	if (lm->sk != NULL)
		nl_socket_free(lm->sk);
	free(lm->links.v);
	free(lm);
}

bool
linkmon_get(const struct linkmon *lm, const char *ifname,
    struct linkmon_event *out)
{
	const struct lm_link *l = table_by_name(&lm->links, ifname);

	if (l == NULL)
		return false;
	link_state(l, out);
	return true;
}

int
linkmon_local_addr(const struct linkmon *lm, const char *ifname,
    unsigned af, struct prefix *out)
{
	const struct lm_link *l = table_by_name(&lm->links, ifname);
	const struct lm_addr *a;

	if (l == NULL || af >= AF_IDX_COUNT ||
	    (a = addr_first_usable(l, af)) == NULL)
		return -1;
	*out = a->addr;
	return 0;
}
