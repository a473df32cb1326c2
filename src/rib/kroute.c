/*
 * kroute: our best routes in a kernel table, through netlink.
 *
 * Three pieces of state:
 * - nodes: per family, an open-addressing hash set of the prefixes that
 *   are ours in the table or on their way there: the key, flags and a
 *   count of messages in flight; 8 bytes a slot for IPv4. It answers
 *   `installed` and `stale`, the sweep and the flush, without asking the
 *   kernel.
 * - the queue: a FIFO of changes not yet sent, with an index by prefix so
 *   that a later change to a queued prefix overwrites the queued one (only
 *   the last is sent), and a short list of failed changes waiting for
 *   their retry.
 * - the window: changes sent and not yet acknowledged, in a ring indexed
 *   by sequence number. The kernel answers a whole batch while sendmsg()
 *   runs, and an ack that does not fit the receive buffer is lost
 *   (ENOBUFS), so the window is what that buffer holds.
 *
 * libnl builds every route message; many are copied into one buffer and
 * sent with one sendmsg(). The flush runs from an ev_prepare watcher, once
 * per loop iteration, after every callback of the iteration had its say.
 * Acks are read from an ev_io watcher; they are queued by the time
 * sendmsg() returns, so the socket's readiness clocks the next batch.
 */
#include "kroute.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "../lib/log.h"

#define KR_BATCH_MSGS	256		/* route messages per sendmsg() */
#define KR_BATCH_BYTES	(32 * 1024)	/* and bytes: below any sndbuf */
#define KR_MSG_MAX	256		/* more than a route message of ours */
#define KR_FLUSH_MAX	2048		/* messages per loop iteration */
#define KR_RING		8192		/* changes in flight, at most; 2^n */
#define KR_RCVBUF	(4 << 20)	/* asked for; the kernel doubles it */
#define KR_SNDBUF	(256 * 1024)
#define KR_ACK_COST	1024		/* rcvbuf bytes an ack takes (832
					 * measured on 6.x: skb truesize) */
#define KR_RECV_VLEN	64		/* datagrams per recvmmsg() */
#define KR_RECV_SIZE	1024		/* an ack; capped, with its text */
#define KR_READ_ROUNDS	64		/* recvmmsg() calls per wakeup */
#define KR_RETRY_MAX	5		/* attempts of a failing change */
#define KR_RETRY_FIRST	1.0		/* seconds; doubled each time */
#define KR_SEND_AGAIN	0.05		/* seconds after sendmsg() failed */
#define KR_LOG_BURST	20		/* error lines a second, at most */
#define KR_DUMP_TRIES	3		/* dumps cut short by changes */
#define KR_HASH_MIN	16
#define KR_KEY_V4	5		/* an address and a length */
#define KR_KEY_V6	17
#define KR_KEY_MAX	KR_KEY_V6
#define KR_POS_WAIT	0x80000000u	/* queue index: in the retry list */

enum kr_op { KR_OP_NONE, KR_OP_SET, KR_OP_DEL };

/* Node flags; the byte after a node's key, never 0 in a used slot. */
#define KR_N_USED	0x01
#define KR_N_KERNEL	0x02	/* in the table, as acks and dumps tell */
#define KR_N_STALE	0x04	/* found at open, not confirmed since */
#define KR_N_SEEN	0x08	/* in the table, says the dump going on */

struct kr_hash {
	uint8_t		*slot;
	size_t		 esize;		/* bytes per slot */
	size_t		 klen;		/* key bytes, first in a slot; the
					 * byte after is 0 in a free slot */
	size_t		 cap;		/* slots: 0 or a power of 2 */
	size_t		 n;
};

struct kr_change {
	struct prefix	p;
	uint8_t		op;		/* enum kr_op; NONE: superseded */
	uint8_t		tries;		/* attempts that failed */
	uint8_t		nh[16];
	int		ifindex;
};

struct kr_sent {
	struct kr_change c;
	uint32_t	 seq;
	bool		 live;		/* its ack has not come */
};

struct kr_wait {
	struct kr_change c;
	ev_tstamp	 due;
};

struct kr_build {
	struct rtnl_route	*set[AF_IDX_COUNT];	/* with one next hop */
	struct rtnl_route	*del[AF_IDX_COUNT];	/* the prefix only */
	struct rtnl_nexthop	*nh[AF_IDX_COUNT];	/* set[]'s */
	struct nl_addr		*dst[AF_IDX_COUNT];	/* in set[], del[] */
	struct nl_addr		*gw[AF_IDX_COUNT];	/* nh[]'s */
	struct nl_msg		*msg;
};

struct kr_fam {
	struct kr_hash	nodes;
	struct kr_hash	queued;		/* prefix -> position of its change */
};

struct kroute {
	struct ev_loop		*loop;
	struct nl_sock		*sk;
	int			 fd;
	uint32_t		 table;
	uint8_t			 proto;
	bool			 swept;		/* no stale routes wanted now */
	bool			 overrun;	/* acks lost: resync */
	struct kr_fam		 fam[AF_IDX_COUNT];

	struct kr_change	*q;		/* ready: q[qhead..qlen) */
	size_t			 qhead, qlen, qcap;
	struct kr_wait		*wait;		/* failed, for a retry */
	size_t			 nwait, waitcap;

	struct kr_sent		*ring;		/* KR_RING, by sequence */
	uint32_t		 seq;		/* the next to send */
	size_t			 inflight, window, ack_cost;

	struct kr_build		 build;
	uint8_t			*batch;		/* KR_BATCH_BYTES */
	uint8_t			*rbuf;		/* KR_RECV_VLEN acks */
	struct mmsghdr		 mm[KR_RECV_VLEN];
	struct iovec		 iov[KR_RECV_VLEN];

	ev_prepare		 flush_w;
	ev_io			 io_w;
	ev_timer		 retry_w;	/* the retry list is due */
	ev_tstamp		 retry_at;
	ev_timer		 again_w;	/* sendmsg() failed: pause */
	ev_tstamp		 log_until;	/* the budget's second ends */
	size_t			 log_left, log_dropped;
	struct kroute_stats	 st;
};

static const char *const op_names[] = { "none", "replace", "delete" };

static int	queue_put(struct kroute *, const struct kr_change *);
static void	resync(struct kroute *);

/* ---- hash sets keyed by a prefix ---- */

/* murmur3's finalizer: every input bit moves every output bit. */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Keys are KR_KEY_V4 or KR_KEY_V6 bytes; fixed sizes compile inline. */
static uint64_t
key_hash(const uint8_t *key, size_t len)
{
	uint64_t a = 0, b = 0;

	if (len == KR_KEY_V4) {
		memcpy(&a, key, KR_KEY_V4);
		return mix64(a);
	}
	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)key[16] << 56)));
}

static bool
key_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	if (len == KR_KEY_V4)
		return memcmp(a, b, KR_KEY_V4) == 0;
	return memcmp(a, b, KR_KEY_V6) == 0;
}

/* The address bytes, then the length: bits past it are zero. */
static size_t
key_make(const struct prefix *p, uint8_t *key)
{
	size_t n = af_addr_bytes(p->af);

	memcpy(key, p->addr, n);
	key[n] = p->len;
	return n + 1;
}

static void
hash_init(struct kr_hash *h, size_t klen, size_t esize)
{
	memset(h, 0, sizeof(*h));
	h->klen = klen;
	h->esize = esize;
}

static uint8_t *
hash_at(const struct kr_hash *h, size_t i)
{
	return h->slot + i * h->esize;
}

static bool
hash_used(const struct kr_hash *h, const uint8_t *s)
{
	return s[h->klen] != 0;
}

static size_t
hash_home(const struct kr_hash *h, const uint8_t *key)
{
	return key_hash(key, h->klen) & (h->cap - 1);
}

static uint8_t *
hash_find(const struct kr_hash *h, const uint8_t *key)
{
	uint8_t *s;
	size_t i;

	if (h->n == 0)
		return NULL;
	/* The load stays below 3/4: an empty slot ends every probe. */
	for (i = hash_home(h, key);; i = (i + 1) & (h->cap - 1)) {
		s = hash_at(h, i);
		if (!hash_used(h, s))
			return NULL;
		if (key_equal(s, key, h->klen))
			return s;
	}
}

/* The free slot where key goes; the table must have one. */
static uint8_t *
hash_hole(const struct kr_hash *h, const uint8_t *key)
{
	size_t i;

	for (i = hash_home(h, key); hash_used(h, hash_at(h, i));
	    i = (i + 1) & (h->cap - 1))
		;
	return hash_at(h, i);
}

static int
hash_resize(struct kr_hash *h, size_t cap)
{
	struct kr_hash old = *h;
	size_t i;

	if ((h->slot = calloc(cap, h->esize)) == NULL) {
		h->slot = old.slot;
		return -1;
	}
	h->cap = cap;
	for (i = 0; i < old.cap; i++)
		if (hash_used(&old, hash_at(&old, i)))
			memcpy(hash_hole(h, hash_at(&old, i)),
			    hash_at(&old, i), h->esize);
	free(old.slot);
	return 0;
}

/*
 * key's slot; added, zeroed past the key and marked used, if it was not
 * there. One probe does both. NULL: out of memory.
 */
static uint8_t *
hash_get(struct kr_hash *h, const uint8_t *key, bool *added)
{
	uint8_t *s;
	size_t i;

	*added = false;
	if ((h->n + 1) * 4 > h->cap * 3 &&
	    hash_resize(h, h->cap ? h->cap * 2 : KR_HASH_MIN) == -1)
		return hash_find(h, key);
	for (i = hash_home(h, key);; i = (i + 1) & (h->cap - 1)) {
		s = hash_at(h, i);
		if (!hash_used(h, s))
			break;
		if (key_equal(s, key, h->klen))
			return s;
	}
	memset(s, 0, h->esize);
	memcpy(s, key, h->klen);
	s[h->klen] = KR_N_USED;
	h->n++;
	*added = true;
	return s;
}

/* Is home cyclically in (i, j]? Then the entry at j cannot move to i. */
static bool
hash_between(size_t i, size_t home, size_t j)
{
	if (i <= j)
		return i < home && home <= j;
	return i < home || home <= j;
}

/*
 * Backward-shift deletion: no tombstones, so probes stay short however
 * many routes come and go. Invalidates every slot pointer into h.
 */
static void
hash_del(struct kr_hash *h, uint8_t *s)
{
	size_t i = (size_t)(s - h->slot) / h->esize, j = i;
	uint8_t *t;

	for (;;) {
		j = (j + 1) & (h->cap - 1);
		t = hash_at(h, j);
		if (!hash_used(h, t))
			break;
		if (hash_between(i, hash_home(h, t), j))
			continue;
		memcpy(hash_at(h, i), t, h->esize);
		i = j;
	}
	memset(hash_at(h, i), 0, h->esize);
	if (--h->n == 0) {
		free(h->slot);
		h->slot = NULL;
		h->cap = 0;
	} else if (h->cap > KR_HASH_MIN && h->n * 8 < h->cap)
		(void)hash_resize(h, h->cap / 4);	/* a flushed table */
}

/* Start loading key's home slot: many misses in parallel, not in turn. */
static void
hash_prefetch(const struct kr_hash *h, const uint8_t *key)
{
	if (h->cap > 0)
		__builtin_prefetch(hash_at(h, hash_home(h, key)));
}

static void
hash_free(struct kr_hash *h)
{
	free(h->slot);
	h->slot = NULL;
	h->cap = h->n = 0;
}

/* ---- nodes: the prefixes that are ours ---- */

static uint8_t *
node_find(struct kroute *k, const struct prefix *p)
{
	uint8_t key[KR_KEY_MAX];

	key_make(p, key);
	return hash_find(&k->fam[p->af].nodes, key);
}

static uint8_t *
node_get(struct kroute *k, const struct prefix *p)
{
	uint8_t key[KR_KEY_MAX];
	bool added;

	key_make(p, key);
	return hash_get(&k->fam[p->af].nodes, key, &added);
}

static uint8_t *
node_flags(struct kroute *k, uint8_t *n, unsigned af)
{
	return n + k->fam[af].nodes.klen;
}

/* Messages in flight for the prefix: at most KR_RING, so 16 bits. */
static uint16_t
node_inflight(struct kroute *k, const uint8_t *n, unsigned af)
{
	uint16_t v;

	memcpy(&v, n + k->fam[af].nodes.klen + 1, sizeof(v));
	return v;
}

static void
node_inflight_add(struct kroute *k, uint8_t *n, unsigned af, int d)
{
	uint16_t v = (uint16_t)(node_inflight(k, n, af) + d);

	memcpy(n + k->fam[af].nodes.klen + 1, &v, sizeof(v));
}

static void
node_unstale(struct kroute *k, uint8_t *n, unsigned af)
{
	uint8_t *f = node_flags(k, n, af);

	if (*f & KR_N_STALE) {
		*f &= ~KR_N_STALE;
		k->st.stale--;
	}
}

static void
node_kernel(struct kroute *k, uint8_t *n, unsigned af, bool in)
{
	uint8_t *f = node_flags(k, n, af);

	if (in && !(*f & KR_N_KERNEL)) {
		*f |= KR_N_KERNEL;
		k->st.installed++;
	} else if (!in && (*f & KR_N_KERNEL)) {
		*f &= ~KR_N_KERNEL;
		k->st.installed--;
	}
}

static bool
is_queued(struct kroute *k, const struct prefix *p)
{
	uint8_t key[KR_KEY_MAX];

	key_make(p, key);
	return hash_find(&k->fam[p->af].queued, key) != NULL;
}

/* A node with nothing left to say (not in the table, nothing in flight
 * or queued) is forgotten. */
static bool
node_idle(struct kroute *k, uint8_t *n, unsigned af, const struct prefix *p)
{
	return *node_flags(k, n, af) == KR_N_USED &&
	    node_inflight(k, n, af) == 0 && !is_queued(k, p);
}

static void
node_gc_at(struct kroute *k, uint8_t *n, const struct prefix *p)
{
	if (node_idle(k, n, p->af, p))
		hash_del(&k->fam[p->af].nodes, n);
}

static void
node_gc(struct kroute *k, const struct prefix *p)
{
	uint8_t *n = node_find(k, p);

	if (n != NULL)
		node_gc_at(k, n, p);
}

/* ---- the queue ---- */

static uint32_t
pos_get(const struct kr_hash *h, const uint8_t *s)
{
	uint32_t pos;

	memcpy(&pos, s + h->esize - sizeof(pos), sizeof(pos));
	return pos;
}

static void
pos_set(const struct kr_hash *h, uint8_t *s, uint32_t pos)
{
	memcpy(s + h->esize - sizeof(pos), &pos, sizeof(pos));
}

static size_t
queued_count(const struct kroute *k)
{
	return k->fam[AF_IDX_IPV4].queued.n + k->fam[AF_IDX_IPV6].queued.n;
}

static void
flush_arm(struct kroute *k)
{
	/* After a failed sendmsg(), the pause timer restarts the flush. */
	if (!ev_is_active(&k->again_w))
		ev_prepare_start(k->loop, &k->flush_w);
}

static int
q_append(struct kroute *k, const struct kr_change *c)
{
	struct kr_change *v;
	size_t cap;

	if (k->qlen == k->qcap) {
		cap = k->qcap ? k->qcap * 2 : 1024;
		if ((v = reallocarray(k->q, cap, sizeof(*v))) == NULL)
			return -1;
		k->q = v;
		k->qcap = cap;
	}
	k->q[k->qlen++] = *c;
	return 0;
}

/*
 * Queue c, replacing any change of the same prefix not yet sent: what
 * the kernel must end up with is the last one. -1: out of memory.
 */
static int
queue_put(struct kroute *k, const struct kr_change *c)
{
	struct kr_hash *h = &k->fam[c->p.af].queued;
	uint8_t key[KR_KEY_MAX], *s;
	uint32_t pos;
	bool added;

	key_make(&c->p, key);
	if ((s = hash_get(h, key, &added)) == NULL)
		return -1;
	pos = pos_get(h, s);
	if (!added && !(pos & KR_POS_WAIT)) {
		k->q[pos] = *c;
		return 0;
	}
	if (q_append(k, c) == -1) {
		if (added)
			hash_del(h, s);
		return -1;
	}
	if (!added)
		k->wait[pos & ~KR_POS_WAIT].c.op = KR_OP_NONE;
	pos_set(h, s, (uint32_t)(k->qlen - 1));
	flush_arm(k);
	return 0;
}

static void
queue_forget(struct kroute *k, const struct prefix *p)
{
	struct kr_hash *h = &k->fam[p->af].queued;
	uint8_t key[KR_KEY_MAX], *s;

	key_make(p, key);
	if ((s = hash_find(h, key)) != NULL)
		hash_del(h, s);
}

/* Drop the change queued for p, if any: it will not be sent. */
static void
queue_drop(struct kroute *k, const struct prefix *p)
{
	struct kr_hash *h = &k->fam[p->af].queued;
	uint8_t key[KR_KEY_MAX], *s;
	uint32_t pos;

	key_make(p, key);
	if ((s = hash_find(h, key)) == NULL)
		return;
	pos = pos_get(h, s);
	if (pos & KR_POS_WAIT)
		k->wait[pos & ~KR_POS_WAIT].c.op = KR_OP_NONE;
	else
		k->q[pos].op = KR_OP_NONE;
	hash_del(h, s);
}

/* The ready queue is empty: start over, and give a burst's memory back. */
static void
queue_reset(struct kroute *k)
{
	k->qhead = k->qlen = 0;
	if (k->qcap > 4096) {
		free(k->q);
		k->q = NULL;
		k->qcap = 0;
	}
}

static void	change_log(struct kroute *, const struct kr_change *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

/* A table going away fails every route on it: a few lines a second
 * say so as well as a million would. */
static bool
log_allowed(struct kroute *k)
{
	ev_tstamp now = ev_now(k->loop);

	if (now >= k->log_until) {
		if (k->log_dropped > 0)
			log_warn("kroute: %zu more errors not logged",
			    k->log_dropped);
		k->log_until = now + 1;
		k->log_left = KR_LOG_BURST;
		k->log_dropped = 0;
	}
	if (k->log_left == 0) {
		k->log_dropped++;
		return false;
	}
	k->log_left--;
	return true;
}

/* One line about a change: what, which prefix, then why. */
static void
change_log(struct kroute *k, const struct kr_change *c, const char *fmt, ...)
{
	char pfx[PREFIX_STRLEN], nh[ADDR_STRLEN], why[512];
	va_list ap;

	if (!log_allowed(k))
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	prefix_format(&c->p, pfx, sizeof(pfx));
	if (c->op == KR_OP_SET) {
		addr_format(c->p.af, c->nh, nh, sizeof(nh));
		log_warn("kroute: %s %s via %s ifindex %d: %s", op_names[c->op],
		    pfx, nh, c->ifindex, why);
	} else
		log_warn("kroute: %s %s: %s", op_names[c->op], pfx, why);
}

/* ---- retries ---- */

/* The retry timer fires at due, or earlier if it was set so. */
static void
retry_arm(struct kroute *k, ev_tstamp due)
{
	if (ev_is_active(&k->retry_w) && k->retry_at <= due)
		return;
	k->retry_at = due;
	due -= ev_now(k->loop);
	ev_timer_stop(k->loop, &k->retry_w);
	ev_timer_set(&k->retry_w, due > 0 ? due : 0, 0);
	ev_timer_start(k->loop, &k->retry_w);
}

/* c failed; the kernel still has what it had before it. */
static void
retry_later(struct kroute *k, const struct kr_change *c, const char *why)
{
	struct kr_hash *h = &k->fam[c->p.af].queued;
	struct kr_wait *w;
	uint8_t key[KR_KEY_MAX], *s;
	ev_tstamp delay = KR_RETRY_FIRST * (1u << c->tries);
	size_t cap;
	bool added;

	if (c->tries + 1 >= KR_RETRY_MAX) {
		change_log(k, c, "%s; giving up after %d attempts", why,
		    KR_RETRY_MAX);
		return;
	}
	change_log(k, c, "%s; again in %.0f s", why, delay);
	if (k->nwait == k->waitcap) {
		cap = k->waitcap ? k->waitcap * 2 : 16;
		if ((w = reallocarray(k->wait, cap, sizeof(*w))) == NULL)
			return;
		k->wait = w;
		k->waitcap = cap;
	}
	key_make(&c->p, key);
	if ((s = hash_get(h, key, &added)) == NULL)
		return;
	w = &k->wait[k->nwait];
	w->c = *c;
	w->c.tries++;
	w->due = ev_now(k->loop) + delay;
	pos_set(h, s, KR_POS_WAIT | (uint32_t)k->nwait++);
	retry_arm(k, w->due);
}

/* Due changes go back to the ready queue; the rest move up the list. */
static void
on_retry(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct kroute *k = t->data;
	struct kr_wait *w;
	struct kr_hash *h;
	uint8_t key[KR_KEY_MAX], *s;
	size_t i, keep = 0;

	(void)loop;
	(void)revents;
	for (i = 0; i < k->nwait; i++) {
		w = &k->wait[i];
		if (w->c.op == KR_OP_NONE)
			continue;		/* superseded, index gone */
		h = &k->fam[w->c.p.af].queued;
		key_make(&w->c.p, key);
		s = hash_find(h, key);
		if (w->due <= ev_now(k->loop) + 0.001) {
			if (q_append(k, &w->c) == 0) {
				pos_set(h, s, (uint32_t)(k->qlen - 1));
				k->st.retries++;
				flush_arm(k);
				continue;
			}
			w->due = ev_now(k->loop) + KR_RETRY_FIRST;
		}
		pos_set(h, s, KR_POS_WAIT | (uint32_t)keep);
		k->wait[keep++] = *w;
	}
	k->nwait = keep;
	if (keep == 0) {
		free(k->wait);
		k->wait = NULL;
		k->waitcap = 0;
	}
	for (i = 0; i < keep; i++)
		retry_arm(k, k->wait[i].due);
}

/* ---- building messages (libnl) ---- */

static int
family_of(unsigned af)
{
	return af == AF_IDX_IPV4 ? AF_INET : AF_INET6;
}

static struct nl_addr *
addr_make(unsigned af)
{
	static const uint8_t zero[16];
	struct nl_addr *a;

	if ((a = nl_addr_alloc(16)) == NULL)
		return NULL;
	nl_addr_set_family(a, family_of(af));
	(void)nl_addr_set_binary_addr(a, zero, af_addr_bytes(af));
	return a;
}

static struct rtnl_route *
route_make(const struct kroute *k, struct nl_addr *dst)
{
	struct rtnl_route *r;

	if ((r = rtnl_route_alloc()) == NULL)
		return NULL;
	rtnl_route_set_table(r, k->table);
	rtnl_route_set_protocol(r, k->proto);
	(void)rtnl_route_set_type(r, RTN_UNICAST);
	/* Said, not guessed: libnl guesses "link" for a delete without a
	 * next hop, and IPv4 would then find no route to delete. */
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	(void)rtnl_route_set_dst(r, dst);
	return r;
}

/* A replace of af's routes: one next hop, on a device, onlink. */
static struct rtnl_route *
route_make_set(const struct kroute *k, struct kr_build *b, unsigned af)
{
	struct rtnl_route *r;

	if ((r = route_make(k, b->dst[af])) == NULL ||
	    (b->nh[af] = rtnl_route_nh_alloc()) == NULL) {
		rtnl_route_put(r);
		return NULL;
	}
	rtnl_route_nh_set_gateway(b->nh[af], b->gw[af]);
	/* The mux's address is not on the tap's subnet; onlink says the
	 * next hop is there anyway. */
	rtnl_route_nh_set_flags(b->nh[af], RTNH_F_ONLINK);
	rtnl_route_add_nexthop(r, b->nh[af]);
	return r;
}

/*
 * libnl objects made once and changed for each message: one route per
 * family and kind, whose destination and gateway addresses we hold too,
 * and one nl_msg emptied before each use. Building a message allocates
 * nothing (rtnl_route_build_add_request() allocates a page each time).
 */
static int
build_init(struct kroute *k)
{
	struct kr_build *b = &k->build;
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++) {
		if ((b->dst[af] = addr_make(af)) == NULL ||
		    (b->gw[af] = addr_make(af)) == NULL ||
		    (b->set[af] = route_make_set(k, b, af)) == NULL ||
		    (b->del[af] = route_make(k, b->dst[af])) == NULL)
			return -1;
	}
	if ((b->msg = nlmsg_alloc_size(KR_MSG_MAX)) == NULL)
		return -1;
	return 0;
}

static void
build_free(struct kr_build *b)
{
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++) {
		if (b->set[af] != NULL)
			rtnl_route_put(b->set[af]);	/* and its nh */
		if (b->del[af] != NULL)
			rtnl_route_put(b->del[af]);
		if (b->dst[af] != NULL)
			nl_addr_put(b->dst[af]);
		if (b->gw[af] != NULL)
			nl_addr_put(b->gw[af]);
	}
	if (b->msg != NULL)
		nlmsg_free(b->msg);
}

/* The message for c, sequence seq, into buf; its length, or -1. */
static int
msg_build(struct kroute *k, const struct kr_change *c, uint32_t seq,
    uint8_t *buf, size_t room)
{
	struct kr_build *b = &k->build;
	struct nlmsghdr *nlh = nlmsg_hdr(b->msg);
	unsigned af = c->p.af;
	bool set = c->op == KR_OP_SET;

	(void)nl_addr_set_binary_addr(b->dst[af], c->p.addr,
	    af_addr_bytes(af));
	nl_addr_set_prefixlen(b->dst[af], c->p.len);
	if (set) {
		(void)nl_addr_set_binary_addr(b->gw[af], c->nh,
		    af_addr_bytes(af));
		rtnl_route_nh_set_ifindex(b->nh[af], c->ifindex);
	}
	/* nlmsg_len is where libnl appends: the message is empty again. */
	memset(nlh, 0, NLMSG_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = set ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
	    (set ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nlh->nlmsg_seq = seq;
	if (rtnl_route_build_msg(b->msg, set ? b->set[af] : b->del[af]) < 0 ||
	    NLMSG_ALIGN(nlh->nlmsg_len) > room)
		return -1;
	memcpy(buf, nlh, NLMSG_ALIGN(nlh->nlmsg_len));
	return (int)NLMSG_ALIGN(nlh->nlmsg_len);
}

/* ---- sending ---- */

static void
ring_put(struct kroute *k, const struct kr_change *c)
{
	struct kr_sent *e = &k->ring[k->seq & (KR_RING - 1)];
	uint8_t *n = node_find(k, &c->p);

	e->c = *c;
	e->seq = k->seq++;
	e->live = true;
	k->inflight++;
	node_inflight_add(k, n, c->p.af, 1);
}

/*
 * One batch from the head of the queue in one sendmsg(). The changes
 * leave the queue only once sent: a failed send leaves all as they were.
 * -1 when sendmsg() failed.
 */
static int
send_batch(struct kroute *k)
{
	struct kr_change *c;
	struct kr_fam *f;
	uint8_t key[KR_KEY_MAX];
	size_t off = 0, n = 0, room = k->window - k->inflight, i, end;
	int len, err;

	for (end = k->qhead; end < k->qlen && n < KR_BATCH_MSGS && n < room &&
	    off + KR_MSG_MAX <= KR_BATCH_BYTES; end++) {
		c = &k->q[end];
		if (c->op == KR_OP_NONE)
			continue;
		/* For the bookkeeping after the send. */
		f = &k->fam[c->p.af];
		key_make(&c->p, key);
		hash_prefetch(&f->nodes, key);
		hash_prefetch(&f->queued, key);
		len = msg_build(k, c, k->seq + (uint32_t)n, k->batch + off,
		    KR_BATCH_BYTES - off);
		if (len < 0) {
			if (n > 0)
				break;
			/* Nothing else of the batch to lose: drop it. */
			change_log(k, c, "cannot build the message");
			queue_drop(k, &c->p);
			node_gc(k, &c->p);
			continue;
		}
		off += (size_t)len;
		n++;
	}
	if (n > 0 && (err = nl_sendto(k->sk, k->batch, off)) < 0) {
		if (log_allowed(k))
			log_warn("kroute: sending %zu route messages: %s", n,
			    nl_geterror(err));
		return -1;
	}
	for (i = k->qhead; i < end; i++) {
		c = &k->q[i];
		if (c->op == KR_OP_NONE)
			continue;
		queue_forget(k, &c->p);
		ring_put(k, c);
	}
	k->qhead = end;
	if (n > 0) {
		k->st.sent += n;
		k->st.batches++;
	}
	return 0;
}

static void
on_flush(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct kroute *k = w->data;
	uint64_t stop = k->st.sent + KR_FLUSH_MAX;
	size_t head;

	(void)revents;
	/* Bounded, so the loop goes on; the acks wake it for more. */
	while (k->qhead < k->qlen && k->inflight < k->window &&
	    k->st.sent < stop) {
		head = k->qhead;
		if (send_batch(k) == -1) {
			ev_prepare_stop(loop, w);
			ev_timer_set(&k->again_w, KR_SEND_AGAIN, 0);
			ev_timer_start(loop, &k->again_w);
			return;
		}
		if (k->qhead == head)
			break;
	}
	if (k->qhead == k->qlen) {
		queue_reset(k);
		ev_prepare_stop(loop, w);
	}
}

static void
on_again(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct kroute *k = t->data;

	(void)revents;
	ev_timer_stop(loop, t);
	ev_prepare_start(loop, &k->flush_w);
}

/* ---- acknowledgements ---- */

/* The kernel's own words on an error (NETLINK_EXT_ACK), or "". */
static void
ack_text(struct nlmsghdr *nlh, const struct nlmsgerr *e, char *buf,
    size_t size)
{
	static struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* The TLVs follow the request as echoed: its header, or all. */
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_ALIGN(
		    sizeof(e->msg));
	if (off >= nlh->nlmsg_len ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((uint8_t *)nlh +
	    off), (int)(nlh->nlmsg_len - off), policy) < 0 ||
	    tb[NLMSGERR_ATTR_MSG] == NULL)
		return;
	snprintf(buf, size, " (%s)", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static void
change_done(struct kroute *k, const struct kr_change *c, int error,
    const char *text)
{
	uint8_t *n = node_find(k, &c->p);
	char why[320];

	if (n == NULL) {
		change_log(k, c, "acknowledged, but not known");
		return;
	}
	node_inflight_add(k, n, c->p.af, -1);
	/* Deleting what is not there: it is not, as wanted. */
	if (error == 0 || (error == -ESRCH && c->op == KR_OP_DEL)) {
		k->st.acked++;
		node_kernel(k, n, c->p.af, c->op == KR_OP_SET);
	} else {
		k->st.errors++;
		snprintf(why, sizeof(why), "%s%s", strerror(-error), text);
		/* Retried only if nothing newer for the prefix was sent
		 * (acks come in order) or queued since. */
		if (node_inflight(k, n, c->p.af) == 0 &&
		    !is_queued(k, &c->p))
			retry_later(k, c, why);
		else
			change_log(k, c, "%s", why);
	}
	node_gc_at(k, n, &c->p);
}

static void
on_ack(struct kroute *k, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e;
	struct kr_sent *s;
	char text[256];

	if (!nlmsg_valid_hdr(nlh, sizeof(*e)))
		return;
	e = nlmsg_data(nlh);
	s = &k->ring[nlh->nlmsg_seq & (KR_RING - 1)];
	if (!s->live || s->seq != nlh->nlmsg_seq) {
		log_debug("kroute: ack for unknown sequence %u",
		    nlh->nlmsg_seq);
		return;
	}
	s->live = false;
	k->inflight--;
	ack_text(nlh, e, text, sizeof(text));
	change_done(k, &s->c, e->error, text);
}

static void
parse_datagram(struct kroute *k, uint8_t *buf, size_t len, int flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int rem = (int)len;

	if (flags & MSG_TRUNC) {
		log_warn("kroute: netlink message truncated");
		return;
	}
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		if (nlh->nlmsg_type == NLMSG_ERROR)
			on_ack(k, nlh);
}

/* Start loading the nodes a datagram's acks will touch. */
static void
prefetch_datagram(struct kroute *k, uint8_t *buf, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct kr_sent *e;
	uint8_t key[KR_KEY_MAX];
	int rem = (int)len;

	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		e = &k->ring[nlh->nlmsg_seq & (KR_RING - 1)];
		if (nlh->nlmsg_type != NLMSG_ERROR || !e->live)
			continue;
		key_make(&e->c.p, key);
		hash_prefetch(&k->fam[e->c.p.af].nodes, key);
	}
}

static void
on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kroute *k = w->data;
	bool drained = false;
	int n, i, round;

	(void)loop;
	(void)revents;
	for (round = 0; round < KR_READ_ROUNDS; round++) {
		n = recvmmsg(k->fd, k->mm, KR_RECV_VLEN, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The acks still queued came before the
				 * loss: read them first. */
				k->overrun = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("kroute: netlink: %s",
				    strerror(errno));
			drained = true;
			break;
		}
		/* All the misses of a read at once, then the work. */
		for (i = 0; i < n; i++)
			prefetch_datagram(k, k->rbuf + (size_t)i * KR_RECV_SIZE,
			    k->mm[i].msg_len);
		for (i = 0; i < n; i++)
			parse_datagram(k, k->rbuf + (size_t)i * KR_RECV_SIZE,
			    k->mm[i].msg_len, k->mm[i].msg_hdr.msg_flags);
	}
	if (k->overrun && drained)
		resync(k);
}

/* ---- reading the table (a dump, on a short-lived socket) ---- */

struct kr_dump {
	struct kroute	*k;
	void		(*found)(struct kroute *, const struct prefix *);
	size_t		 n;
};

/* A route message into a prefix of ours; -1 if it is not one. */
static int
route_prefix(const struct kroute *k, struct nlmsghdr *nlh,
    struct prefix *p)
{
	static struct nla_policy policy[RTA_MAX + 1] = {
		[RTA_TABLE] = { .type = NLA_U32 },
	};
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;
	uint32_t table;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, policy) < 0)
		return -1;
	rtm = nlmsg_data(nlh);
	table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	memset(p, 0, sizeof(*p));
	if (rtm->rtm_family == AF_INET)
		p->af = AF_IDX_IPV4;
	else if (rtm->rtm_family == AF_INET6)
		p->af = AF_IDX_IPV6;
	else
		return -1;
	/* The kernel filters too (strict checking), older ones do not. */
	if (table != k->table || rtm->rtm_protocol != k->proto ||
	    rtm->rtm_dst_len > af_max_bits(p->af))
		return -1;
	p->len = rtm->rtm_dst_len;
	if (tb[RTA_DST] != NULL) {
		if (nla_len(tb[RTA_DST]) != (int)af_addr_bytes(p->af))
			return -1;
		memcpy(p->addr, nla_data(tb[RTA_DST]), af_addr_bytes(p->af));
	}
	prefix_mask(p);
	return 0;
}

static int
on_dumped(struct nl_msg *msg, void *arg)
{
	struct kr_dump *d = arg;
	struct prefix p;

	if (route_prefix(d->k, nlmsg_hdr(msg), &p) == 0) {
		d->found(d->k, &p);
		d->n++;
	}
	return NL_OK;
}

static int
dump_request(struct kroute *k, struct nl_sock *sk)
{
	struct rtmsg rtm;
	struct nl_msg *msg;
	int err, one = 1;

	/* Let the kernel send only our table and protocol (4.20+). */
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK,
	    NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_UNSPEC;	/* both; no ENOENT for a new table */
	rtm.rtm_protocol = k->proto;
	if ((msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP)) == NULL)
		return -NLE_NOMEM;
	if ((err = nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO)) < 0 ||
	    (err = nla_put_u32(msg, RTA_TABLE, k->table)) < 0 ||
	    (err = nl_send_auto(sk, msg)) < 0) {
		nlmsg_free(msg);
		return err;
	}
	nlmsg_free(msg);
	return 0;
}

/* Calls found for every route of ours; the count, or -1 (logged). */
static long
table_dump(struct kroute *k, void (*found)(struct kroute *,
    const struct prefix *))
{
	struct kr_dump d = { k, found, 0 };
	struct nl_sock *sk;
	int err;

	if ((sk = nl_socket_alloc()) == NULL) {
		log_warn("kroute: dump: out of memory");
		return -1;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_dumped, &d);
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0 ||
	    (err = dump_request(k, sk)) < 0 ||
	    (err = nl_recvmsgs_default(sk)) < 0) {
		if (err != -NLE_DUMP_INTR)
			log_warn("kroute: reading table %u: %s", k->table,
			    nl_geterror(err));
		nl_socket_free(sk);
		return err == -NLE_DUMP_INTR ? -2 : -1;
	}
	nl_socket_free(sk);
	return (long)d.n;
}

/* A dump cut short because the table changed meanwhile is redone. */
static long
table_read(struct kroute *k, void (*reset)(struct kroute *),
    void (*found)(struct kroute *, const struct prefix *))
{
	long n = -1;
	int i;

	for (i = 0; i < KR_DUMP_TRIES; i++) {
		reset(k);
		if ((n = table_dump(k, found)) != -2)
			break;
	}
	if (n == -2)
		log_warn("kroute: reading table %u: interrupted %d times",
		    k->table, KR_DUMP_TRIES);
	return n < 0 ? -1 : n;
}

/* At open: every route of ours is a previous run's, stale until swept. */
static void
found_at_open(struct kroute *k, const struct prefix *p)
{
	uint8_t *n;

	if ((n = node_get(k, p)) == NULL) {
		log_warn("kroute: out of memory reading the table");
		return;
	}
	node_kernel(k, n, p->af, true);
	/* Once, though a prefix may have more than one route. */
	if (!(*node_flags(k, n, p->af) & KR_N_STALE)) {
		*node_flags(k, n, p->af) |= KR_N_STALE;
		k->st.stale++;
	}
}

static void
nodes_forget_all(struct kroute *k)
{
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++)
		hash_free(&k->fam[af].nodes);
	k->st.installed = k->st.stale = 0;
}

/* ---- resync after lost acks ---- */

/*
 * Changes whose ack was lost go back to the queue, the newest of a
 * prefix only (older ones are superseded). A replace is idempotent and a
 * delete of what is gone is fine, so sending them again is always right.
 */
static void
requeue_inflight(struct kroute *k)
{
	struct kr_sent *e;
	uint8_t *n;
	uint32_t seq;
	size_t i;

	for (i = 0; i < KR_RING; i++) {
		seq = k->seq - KR_RING + (uint32_t)i;
		e = &k->ring[seq & (KR_RING - 1)];
		if (!e->live || e->seq != seq)
			continue;
		e->live = false;
		k->inflight--;
		n = node_find(k, &e->c.p);
		node_inflight_add(k, n, e->c.p.af, -1);
		if (node_inflight(k, n, e->c.p.af) == 0 &&
		    !is_queued(k, &e->c.p) && queue_put(k, &e->c) == -1)
			change_log(k, &e->c, "out of memory: dropped");
	}
}

/* Calls fn for every node of af. fn must not add or delete nodes. */
static void
nodes_walk(struct kroute *k, unsigned af, void (*fn)(struct kroute *,
    uint8_t *, unsigned))
{
	struct kr_hash *h = &k->fam[af].nodes;
	size_t i;

	for (i = 0; i < h->cap; i++)
		if (hash_used(h, hash_at(h, i)))
			fn(k, hash_at(h, i), af);
}

static void
seen_clear(struct kroute *k, uint8_t *n, unsigned af)
{
	*node_flags(k, n, af) &= ~KR_N_SEEN;
}

static void
seen_reset(struct kroute *k)
{
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++)
		nodes_walk(k, af, seen_clear);
}

/* After a whole dump: in the table is what the kernel said. */
static void
seen_apply(struct kroute *k, uint8_t *n, unsigned af)
{
	node_kernel(k, n, af, *node_flags(k, n, af) & KR_N_SEEN);
	seen_clear(k, n, af);
}

/* During a resync: what the kernel has is the truth. */
static void
found_resync(struct kroute *k, const struct prefix *p)
{
	uint8_t *n = node_find(k, p);
	struct kr_change c;

	if (n == NULL && !k->swept) {
		found_at_open(k, p);
		n = node_find(k, p);
	} else if (n == NULL) {
		/* Ours, unknown, and no stale route is wanted any more. */
		memset(&c, 0, sizeof(c));
		c.p = *p;
		c.op = KR_OP_DEL;
		if ((n = node_get(k, p)) == NULL || queue_put(k, &c) == -1) {
			change_log(k, &c, "out of memory");
			return;
		}
	}
	if (n != NULL)
		*node_flags(k, n, p->af) |= KR_N_SEEN;
}

/* A node's prefix, from its key. */
static void
node_prefix(const uint8_t *n, unsigned af, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->af = (uint8_t)af;
	memcpy(p->addr, n, af_addr_bytes(af));
	p->len = n[af_addr_bytes(af)];
}

/*
 * Stale nodes the kernel no longer has lose their mark, and idle nodes
 * go: the kept ones are copied into a new table, as deleting in place
 * while walking would move entries under the walk.
 */
static void
nodes_prune(struct kroute *k)
{
	struct kr_hash *h, old;
	struct prefix p;
	uint8_t *n, *f;
	unsigned af;
	size_t i;

	for (af = 0; af < AF_IDX_COUNT; af++) {
		h = &k->fam[af].nodes;
		old = *h;
		if (old.n == 0 ||
		    (h->slot = calloc(old.cap, h->esize)) == NULL) {
			h->slot = old.slot;
			continue;
		}
		h->n = 0;
		for (i = 0; i < old.cap; i++) {
			n = hash_at(&old, i);
			if (!hash_used(&old, n))
				continue;
			f = node_flags(k, n, af);
			if ((*f & (KR_N_STALE | KR_N_KERNEL)) == KR_N_STALE)
				node_unstale(k, n, af);
			node_prefix(n, af, &p);
			if (node_idle(k, n, af, &p))
				continue;
			memcpy(hash_hole(h, n), n, h->esize);
			h->n++;
		}
		free(old.slot);
		if (h->n == 0)
			hash_free(h);
	}
}

static void
window_update(struct kroute *k)
{
	socklen_t len = sizeof(int);
	int rcvbuf = 0;

	/* getsockopt() says what the kernel accounts against. */
	if (getsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) == -1 ||
	    rcvbuf <= 0)
		rcvbuf = 208 * 1024;
	k->window = (size_t)rcvbuf / k->ack_cost;
	if (k->window > KR_RING)
		k->window = KR_RING;
	/* The first skb in an empty queue always fits. */
	if (k->window == 0)
		k->window = 1;
}

static void
resync(struct kroute *k)
{
	unsigned af;
	long n;

	log_warn("kroute: netlink overrun: acknowledgements lost, re-reading "
	    "table %u", k->table);
	k->overrun = false;
	requeue_inflight(k);
	/* The acks were larger than thought, or the buffer smaller. */
	k->ack_cost *= 2;
	window_update(k);
	if ((n = table_read(k, seen_reset, found_resync)) < 0) {
		seen_reset(k);
		return;		/* the changes sent again still fix it */
	}
	for (af = 0; af < AF_IDX_COUNT; af++)
		nodes_walk(k, af, seen_apply);
	nodes_prune(k);
	log_info("kroute: table %u: %ld routes of ours", k->table, n);
}

/* ---- the socket ---- */

static int
socket_open(struct kroute *k)
{
	int err, size = KR_RCVBUF, snd = KR_SNDBUF, one = 1;

	if ((k->sk = nl_socket_alloc()) == NULL) {
		log_warn("kroute: netlink socket: out of memory");
		return -1;
	}
	if ((err = nl_connect(k->sk, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_set_nonblocking(k->sk)) < 0) {
		log_warn("kroute: netlink: %s", nl_geterror(err));
		return -1;
	}
	k->fd = nl_socket_get_fd(k->sk);
	/* As root past net.core.rmem_max; else what the sysctl allows,
	 * and the window shrinks to fit. */
	if (setsockopt(k->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		(void)setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof(size));
	(void)setsockopt(k->fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	/* Errors echo only the request's header, and say why in words. */
	(void)setsockopt(k->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
	    sizeof(one));
	(void)setsockopt(k->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one));
	return 0;
}

static int
buffers_alloc(struct kroute *k)
{
	int i;

	k->ring = calloc(KR_RING, sizeof(*k->ring));
	k->batch = malloc(KR_BATCH_BYTES);
	k->rbuf = malloc((size_t)KR_RECV_VLEN * KR_RECV_SIZE);
	if (k->ring == NULL || k->batch == NULL || k->rbuf == NULL)
		return -1;
	for (i = 0; i < KR_RECV_VLEN; i++) {
		k->iov[i].iov_base = k->rbuf + (size_t)i * KR_RECV_SIZE;
		k->iov[i].iov_len = KR_RECV_SIZE;
		memset(&k->mm[i], 0, sizeof(k->mm[i]));
		k->mm[i].msg_hdr.msg_iov = &k->iov[i];
		k->mm[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/* ---- the API ---- */

struct kroute *
kroute_open(struct ev_loop *loop, uint32_t table, uint8_t protocol)
{
	struct kroute *k;
	long n;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		log_warn("kroute: out of memory");
		return NULL;
	}
	k->loop = loop;
	k->table = table;
	k->proto = protocol;
	k->seq = 1;
	k->ack_cost = KR_ACK_COST;
	hash_init(&k->fam[AF_IDX_IPV4].nodes, 5, 8);
	hash_init(&k->fam[AF_IDX_IPV6].nodes, 17, 20);
	hash_init(&k->fam[AF_IDX_IPV4].queued, 5, 12);
	hash_init(&k->fam[AF_IDX_IPV6].queued, 17, 24);
	ev_prepare_init(&k->flush_w, on_flush);
	ev_timer_init(&k->retry_w, on_retry, 0, 0);
	ev_timer_init(&k->again_w, on_again, 0, 0);
	k->flush_w.data = k->retry_w.data = k->again_w.data = k;
	if (buffers_alloc(k) == -1 || build_init(k) == -1) {
		log_warn("kroute: out of memory");
		kroute_close(k);
		return NULL;
	}
	if (socket_open(k) == -1 ||
	    (n = table_read(k, nodes_forget_all, found_at_open)) < 0) {
		kroute_close(k);
		return NULL;
	}
	window_update(k);
	ev_io_init(&k->io_w, on_readable, k->fd, EV_READ);
	k->io_w.data = k;
	ev_io_start(loop, &k->io_w);
	if (n > 0)
		log_info("kroute: table %u: %ld routes from an earlier run, "
		    "kept until swept", table, n);
	return k;
}

void
kroute_close(struct kroute *k)
{
	unsigned af;

	if (k == NULL)
		return;
	if (queued_count(k) > 0 || k->inflight > 0)
		log_info("kroute: closing with %zu changes unsent, %zu "
		    "unacknowledged", queued_count(k), k->inflight);
	ev_prepare_stop(k->loop, &k->flush_w);
	ev_io_stop(k->loop, &k->io_w);
	ev_timer_stop(k->loop, &k->retry_w);
	ev_timer_stop(k->loop, &k->again_w);
	if (k->sk != NULL)
		nl_socket_free(k->sk);
	build_free(&k->build);
	for (af = 0; af < AF_IDX_COUNT; af++) {
		hash_free(&k->fam[af].nodes);
		hash_free(&k->fam[af].queued);
	}
	free(k->q);
	free(k->wait);
	free(k->ring);
	free(k->batch);
	free(k->rbuf);
	free(k);
}

static bool
prefix_ok(const struct prefix *p)
{
	if (p->af < AF_IDX_COUNT && p->len <= af_max_bits(p->af))
		return true;
	log_warn("kroute: not a prefix (family %u, length %u)", p->af,
	    p->len);
	return false;
}

void
kroute_set(struct kroute *k, const struct prefix *p, const uint8_t *nexthop,
    int ifindex)
{
	struct kr_change c;
	uint8_t *n;

	if (!prefix_ok(p))
		return;
	memset(&c, 0, sizeof(c));
	c.p = *p;
	prefix_mask(&c.p);
	c.op = KR_OP_SET;
	memcpy(c.nh, nexthop, af_addr_bytes(p->af));
	c.ifindex = ifindex;
	if ((n = node_get(k, &c.p)) == NULL) {
		change_log(k, &c, "out of memory");
		return;
	}
	node_unstale(k, n, c.p.af);
	if (queue_put(k, &c) == -1) {
		change_log(k, &c, "out of memory");
		node_gc(k, &c.p);
	}
}

void
kroute_delete(struct kroute *k, const struct prefix *p)
{
	struct kr_change c;
	uint8_t *n;

	if (!prefix_ok(p))
		return;
	memset(&c, 0, sizeof(c));
	c.p = *p;
	prefix_mask(&c.p);
	c.op = KR_OP_DEL;
	if ((n = node_find(k, &c.p)) == NULL)
		return;			/* nothing of ours there */
	node_unstale(k, n, c.p.af);
	if (!(*node_flags(k, n, c.p.af) & KR_N_KERNEL) &&
	    node_inflight(k, n, c.p.af) == 0) {
		/* Never sent: the queued replace just goes. */
		queue_drop(k, &c.p);
		node_gc(k, &c.p);
		return;
	}
	if (queue_put(k, &c) == -1)
		change_log(k, &c, "out of memory");
}

/* Delete every node whose flags have all of mask set. */
static void
delete_where(struct kroute *k, uint8_t mask)
{
	struct kr_change c;
	struct kr_hash *h;
	uint8_t *n;
	unsigned af;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.op = KR_OP_DEL;
	for (af = 0; af < AF_IDX_COUNT; af++) {
		h = &k->fam[af].nodes;
		for (i = 0; i < h->cap; i++) {
			n = hash_at(h, i);
			if ((*node_flags(k, n, af) & mask) != mask)
				continue;
			node_unstale(k, n, af);
			node_prefix(n, af, &c.p);
			if (queue_put(k, &c) == -1)
				change_log(k, &c, "out of memory");
		}
	}
}

void
kroute_sweep_stale(struct kroute *k)
{
	if (k->st.stale > 0)
		log_info("kroute: table %u: deleting %zu stale routes",
		    k->table, k->st.stale);
	k->swept = true;
	delete_where(k, KR_N_USED | KR_N_STALE);
}

void
kroute_flush(struct kroute *k)
{
	log_info("kroute: table %u: deleting all %zu routes of ours",
	    k->table, k->st.installed);
	k->swept = true;
	delete_where(k, KR_N_USED);
}

void
kroute_get_stats(const struct kroute *k, struct kroute_stats *st)
{
	*st = k->st;
	st->queued = queued_count(k);
}
