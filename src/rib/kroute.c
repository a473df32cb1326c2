/*
 * kroute: the RIB's best routes in a kernel table, through netlink.
 *
 * State:
 * - per prefix, the fib byte of its tree node: the kernel has its route
 *   (INSTALLED), it waits to be sent (QUEUED), for its answer (INFLIGHT)
 *   or for a retry (RETRY), it is a previous run's (STALE), and how many
 *   attempts failed. A node with any of it stays in the tree (ptree.h):
 *   a route the RIB no longer has is still there to be deleted.
 * - the queue: the nodes to send, in blocks of pointers mapped and
 *   unmapped as it grows and empties (a full table: 8 MB for a moment).
 * - the next hops: one per (family, gateway, interface), with the id of
 *   its kernel nexthop object. Routes name it (RTA_NH_ID), so the kernel
 *   keeps one fib_info for all of them instead of building and freeing
 *   one per route: half the kernel's cost (bench/README.md).
 * - the ring: the messages sent, by sequence number, until answered.
 *
 * Sending: a batch is built straight into one buffer (header, rtmsg,
 * attributes: nothing allocated per route) and sent with one sendmsg().
 * Only its last message asks for an ack: the kernel answers a failing
 * message anyway, answers in order, and handles the whole batch inside
 * sendmsg(), so the answers are read right after it. An answer for
 * sequence s settles every message before s that got none: they were
 * taken. What a prefix's route is, is asked (want) when it is sent, so a
 * prefix changed ten times while queued is sent once, as it is then.
 *
 * When: a batch every loop iteration (ev_prepare) and more whenever the
 * loop has nothing else to do (ev_idle): a busy BGP input keeps most of
 * the time and the table still fills meanwhile.
 */
#include "kroute.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "../lib/log.h"

#define KR_BATCH_MSGS	256		/* route messages per sendmsg() */
#define KR_MSG_MAX	128		/* more than a route message of ours */
#define KR_BATCH_BYTES	(KR_BATCH_MSGS * KR_MSG_MAX)
#define KR_PREPARE_MSGS	KR_BATCH_MSGS	/* every loop iteration */
#define KR_IDLE_MSGS	8192		/* each time the loop is idle */
#define KR_RING		8192		/* messages in flight, at most; 2^n */
#define KR_RCVBUF	(4 << 20)	/* asked for; the kernel doubles it */
#define KR_SNDBUF	(256 * 1024)
#define KR_ACK_COST	1024		/* rcvbuf bytes an answer takes (832
					 * measured on 6.x: skb truesize) */
#define KR_RECV_VLEN	64		/* datagrams per recvmmsg() */
#define KR_RECV_SIZE	1024		/* an answer; capped, with its text */
#define KR_READ_ROUNDS	64		/* recvmmsg() calls per drain */
#define KR_RETRY_MAX	5		/* attempts of a failing change */
#define KR_RETRY_FIRST	1.0		/* seconds; doubled each time */
#define KR_SEND_AGAIN	0.05		/* seconds after sendmsg() failed */
#define KR_LOG_BURST	20		/* error lines a second, at most */
#define KR_DUMP_TRIES	3		/* dumps cut short by changes */
#define KR_QBLOCK_BYTES	(256 * 1024)	/* a block of the queue */
#define KR_NH_ID_FIRST	(186u << 20)	/* our nexthop ids, unless taken */
#define KR_NH_TRIES	8		/* ids tried when one is taken */
#define KR_SEQ_NH	0x80000000u	/* nexthop messages' sequence bit */
#define KR_SEQ_MASK	0x7fffffffu

/* A node's fib byte. */
#define KR_F_INSTALLED	0x01	/* the kernel has its route */
#define KR_F_QUEUED	0x02
#define KR_F_INFLIGHT	0x04
#define KR_F_STALE	0x08	/* found at open, not confirmed since */
#define KR_F_RETRY	0x10	/* in the retry list */
#define KR_F_TRIES	0xe0	/* failed attempts */
#define KR_F_TRY	0x20

enum kr_op { KR_OP_NONE, KR_OP_SET, KR_OP_DEL };
enum kr_nh_state { KR_NH_NEW, KR_NH_PENDING, KR_NH_OK, KR_NH_FAILED };

_Static_assert(AF_IDX_COUNT == 2, "a family fits a pointer's low bit");

/* A node and its family (bit 0): nodes are 8-byte aligned. */
typedef uintptr_t kr_ref;

struct kr_qblock {
	struct kr_qblock	*next;
	size_t			 n;
	kr_ref			 e[];
};

#define KR_QBLOCK_CAP	((KR_QBLOCK_BYTES - sizeof(struct kr_qblock)) / \
			    sizeof(kr_ref))

struct kr_queue {
	struct kr_qblock	*head, *tail;
	size_t			 head_i;	/* the next to pop in head */
	size_t			 len;
	size_t			 blocks;
};

struct kr_nh {
	uint32_t	id;		/* the kernel's object, 0: none yet */
	uint32_t	seq;		/* of the message making it */
	uint32_t	gen;		/* the flush it was made or failed in */
	int		ifindex;
	uint8_t		af;
	uint8_t		state;		/* enum kr_nh_state */
	bool		ours;		/* id is our object, if it exists */
	uint8_t		gw[16];
	char		why[320];	/* FAILED: the kernel's words */
};

struct kr_nhs {
	struct kr_nh	*v;
	size_t		 n, cap;
	uint32_t	*slot;		/* index + 1; 0: free */
	size_t		 nslots;	/* 0 or a power of 2 */
	uint32_t	 last;		/* index + 1 of the last found */
	uint32_t	 next_id;
	uint32_t	 seq;
};

struct kr_sent {
	kr_ref		 node;
	uint32_t	 seq;
	uint32_t	 nh;		/* index + 1 */
	uint8_t		 op;
	bool		 live;		/* not answered yet */
};

struct kr_wait {
	kr_ref		 node;
	ev_tstamp	 due;
};

/* A message of the batch being built. */
struct kr_pending {
	kr_ref		 node;
	uint32_t	 nh;
	uint8_t		 op;
};

struct kroute {
	struct ev_loop		*loop;
	struct nl_sock		*sk;
	int			 fd;
	uint32_t		 table;
	uint8_t			 proto;
	bool			 nh_objects;	/* else gateway in each route */
	bool			 swept;		/* no stale routes wanted now */
	bool			 flushing;	/* every route goes */
	bool			 blocked;	/* waiting for answers */
	bool			 overrun;	/* answers lost */
	struct ptree		*trees;
	kroute_want_fn		 want;
	void			*ctx;

	struct kr_queue		 q;
	size_t			 n_queued, n_retry;
	struct kr_wait		*wait;		/* for a retry */
	size_t			 nwait, waitcap;
	struct kr_nhs		 nhs;
	uint32_t		 gen;		/* flushes so far */

	struct kr_sent		*ring;		/* KR_RING, by sequence */
	uint32_t		 seq;		/* the next route message's */
	uint32_t		 ack_next;	/* the oldest in flight */
	size_t			 inflight, window, ack_cost;

	uint8_t			*batch;		/* KR_BATCH_BYTES */
	struct kr_pending	 pend[KR_BATCH_MSGS];
	uint8_t			*rbuf;		/* KR_RECV_VLEN answers */
	struct mmsghdr		 mm[KR_RECV_VLEN];
	struct iovec		 iov[KR_RECV_VLEN];

	ev_prepare		 prepare_w;	/* a batch each iteration */
	ev_idle			 idle_w;	/* more when idle */
	ev_io			 io_w;
	ev_timer		 retry_w;	/* the retry list is due */
	ev_tstamp		 retry_at;
	ev_timer		 again_w;	/* sendmsg() failed: pause */
	ev_tstamp		 log_until;	/* the budget's second ends */
	size_t			 log_left, log_dropped;
	struct kroute_stats	 st;
};

static const char *const op_names[] = { "none", "replace", "delete" };

static void	drain(struct kroute *);
static void	flush_arm(struct kroute *);

/* ---- nodes ---- */

static kr_ref
ref_make(unsigned af, struct ptree_node *n)
{
	return (kr_ref)n | af;
}

static struct ptree_node *
ref_node(kr_ref r)
{
	return (struct ptree_node *)(r & ~(kr_ref)1);
}

static unsigned
ref_af(kr_ref r)
{
	return (unsigned)(r & 1);
}

static int
family_of(unsigned af)
{
	return af == AF_IDX_IPV4 ? AF_INET : AF_INET6;
}

static void
set_installed(struct kroute *k, struct ptree_node *n, bool in)
{
	if (in && !(n->fib & KR_F_INSTALLED)) {
		n->fib |= KR_F_INSTALLED;
		k->st.installed++;
	} else if (!in && (n->fib & KR_F_INSTALLED)) {
		n->fib &= (uint8_t)~KR_F_INSTALLED;
		k->st.installed--;
	}
	if (!in && (n->fib & KR_F_STALE)) {
		n->fib &= (uint8_t)~KR_F_STALE;
		k->st.stale--;
	}
}

static void
unstale(struct kroute *k, struct ptree_node *n)
{
	if (n->fib & KR_F_STALE) {
		n->fib &= (uint8_t)~KR_F_STALE;
		k->st.stale--;
	}
}

/* A node kroute no longer needs goes, unless its owner has data in it. */
static void
node_done(struct kroute *k, kr_ref r)
{
	struct ptree_node *n = ref_node(r);

	if (n->fib == 0 && ptree_data(n) == NULL)
		ptree_release(&k->trees[ref_af(r)], n);
}

/* ---- the queue ---- */

static int
q_push(struct kr_queue *q, kr_ref r)
{
	struct kr_qblock *b = q->tail;

	if (b == NULL || b->n == KR_QBLOCK_CAP) {
		b = mmap(NULL, KR_QBLOCK_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b == MAP_FAILED)
			return -1;
		b->next = NULL;
		b->n = 0;
		if (q->tail != NULL)
			q->tail->next = b;
		else
			q->head = b;
		q->tail = b;
		q->blocks++;
	}
	b->e[b->n++] = r;
	q->len++;
	return 0;
}

static void
q_unmap_head(struct kr_queue *q)
{
	struct kr_qblock *b = q->head;

	q->head = b->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->head_i = 0;
	q->blocks--;
	munmap(b, KR_QBLOCK_BYTES);
}

/* The oldest entry, or 0 when empty. A block read to its end goes. */
static kr_ref
q_pop(struct kr_queue *q)
{
	kr_ref r;

	if (q->len == 0)
		return 0;
	r = q->head->e[q->head_i++];
	q->len--;
	if (q->head_i == q->head->n && (q->head != q->tail || q->len == 0))
		q_unmap_head(q);
	return r;
}

static void
q_free(struct kr_queue *q)
{
	while (q->head != NULL)
		q_unmap_head(q);
	q->len = 0;
}

/* The node goes to the queue, once. */
static void
enqueue(struct kroute *k, kr_ref r)
{
	struct ptree_node *n = ref_node(r);

	if (n->fib & KR_F_QUEUED)
		return;
	if (q_push(&k->q, r) == -1) {
		log_warn("kroute: out of memory queueing a route");
		return;
	}
	n->fib |= KR_F_QUEUED;
	k->n_queued++;
	flush_arm(k);
}

/* ---- logging ---- */

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

static void	change_log(struct kroute *, kr_ref, enum kr_op, uint32_t,
		    const char *, ...) __attribute__((format(printf, 5, 6)));

/* One line about a change: what, which prefix (and next hop), then why. */
static void
change_log(struct kroute *k, kr_ref r, enum kr_op op, uint32_t nh,
    const char *fmt, ...)
{
	char pfx[PREFIX_STRLEN], gw[ADDR_STRLEN], why[512];
	const struct kr_nh *h = nh ? &k->nhs.v[nh - 1] : NULL;
	struct prefix p;
	va_list ap;

	if (!log_allowed(k))
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ptree_prefix(&k->trees[ref_af(r)], ref_node(r), &p);
	prefix_format(&p, pfx, sizeof(pfx));
	if (op == KR_OP_SET && h != NULL) {
		addr_format(h->af, h->gw, gw, sizeof(gw));
		log_warn("kroute: %s %s via %s ifindex %d: %s", op_names[op],
		    pfx, gw, h->ifindex, why);
	} else
		log_warn("kroute: %s %s: %s", op_names[op], pfx, why);
}

/* ---- next hops ---- */

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static uint64_t
nh_hash(unsigned af, const uint8_t *gw, int ifindex)
{
	uint64_t a = 0, b = 0;

	memcpy(&a, gw, 8);
	memcpy(&b, gw + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)(uint32_t)ifindex << 8 | af)));
}

static bool
nh_is(const struct kr_nh *h, unsigned af, const uint8_t *gw, int ifindex)
{
	return h->af == af && h->ifindex == ifindex &&
	    memcmp(h->gw, gw, sizeof(h->gw)) == 0;
}

static int
nh_slots_grow(struct kr_nhs *s)
{
	size_t cap = s->nslots ? s->nslots * 2 : 64, i, j;
	uint32_t *slot;
	struct kr_nh *h;

	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		h = &s->v[i];
		for (j = nh_hash(h->af, h->gw, h->ifindex) & (cap - 1);
		    slot[j] != 0; j = (j + 1) & (cap - 1))
			;
		slot[j] = (uint32_t)i + 1;
	}
	free(s->slot);
	s->slot = slot;
	s->nslots = cap;
	return 0;
}

/* The next hop's index + 1, added if new; 0: out of memory. */
static uint32_t
nh_get(struct kroute *k, unsigned af, const uint8_t *addr, int ifindex)
{
	struct kr_nhs *s = &k->nhs;
	uint8_t gw[16] = { 0 };
	struct kr_nh *h, *v;
	size_t i;

	memcpy(gw, addr, af_addr_bytes(af));
	if (s->last != 0 && nh_is(&s->v[s->last - 1], af, gw, ifindex))
		return s->last;
	if ((s->n + 1) * 2 > s->nslots && nh_slots_grow(s) == -1)
		return 0;
	for (i = nh_hash(af, gw, ifindex) & (s->nslots - 1); s->slot[i] != 0;
	    i = (i + 1) & (s->nslots - 1))
		if (nh_is(&s->v[s->slot[i] - 1], af, gw, ifindex))
			return s->last = s->slot[i];
	if (s->n == s->cap) {
		if ((v = reallocarray(s->v, s->cap ? s->cap * 2 : 16,
		    sizeof(*v))) == NULL)
			return 0;
		s->v = v;
		s->cap = s->cap ? s->cap * 2 : 16;
	}
	h = &s->v[s->n];
	memset(h, 0, sizeof(*h));
	h->af = (uint8_t)af;
	memcpy(h->gw, gw, sizeof(h->gw));
	h->ifindex = ifindex;
	s->slot[i] = (uint32_t)++s->n;
	return s->last = s->slot[i];
}

static uint32_t
nh_next_id(struct kroute *k)
{
	if (k->nhs.next_id == 0 || k->nhs.next_id > KR_SEQ_MASK)
		k->nhs.next_id = KR_NH_ID_FIRST;
	return k->nhs.next_id++;
}

static size_t
put_attr(uint8_t *buf, size_t off, uint16_t type, const void *v, size_t len)
{
	struct rtattr *a = (struct rtattr *)(buf + off);

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), v, len);
	return off + RTA_ALIGN(a->rta_len);
}

/* Sends the message making h's nexthop object, or deleting it (del);
 * -1 if sendmsg() failed. */
static int
nh_send(struct kroute *k, struct kr_nh *h, bool del)
{
	uint8_t buf[128];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nhmsg *nhm = NLMSG_DATA(nlh);
	uint32_t oif = (uint32_t)h->ifindex;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nhm));

	memset(buf, 0, off);
	nlh->nlmsg_type = del ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
	    (del ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	h->seq = KR_SEQ_NH | (++k->nhs.seq & KR_SEQ_MASK);
	nlh->nlmsg_seq = h->seq;
	off = put_attr(buf, off, NHA_ID, &h->id, sizeof(h->id));
	/* A delete names the id only: the kernel refuses anything else. */
	if (!del) {
		nhm->nh_family = (uint8_t)family_of(h->af);
		nhm->nh_protocol = k->proto;
		/* The mux's address is not on the tap's subnet; onlink says
		 * the next hop is there anyway. */
		nhm->nh_flags = RTNH_F_ONLINK;
		off = put_attr(buf, off, NHA_GATEWAY, h->gw,
		    af_addr_bytes(h->af));
		off = put_attr(buf, off, NHA_OIF, &oif, sizeof(oif));
	}
	nlh->nlmsg_len = (uint32_t)off;
	return send(k->fd, buf, off, 0) == -1 ? -1 : 0;
}

/* After a flush deleted every route: the nexthop objects go too (their
 * answers, ENOENT or not, matter to no one). */
static void
nh_delete_all(struct kroute *k)
{
	struct kr_nh *h;
	size_t i;

	for (i = 0; i < k->nhs.n; i++) {
		h = &k->nhs.v[i];
		if (h->state != KR_NH_OK || !h->ours)
			continue;
		(void)nh_send(k, h, true);
		h->state = KR_NH_NEW;
		h->ours = false;
	}
	drain(k);
}

/*
 * Whether route messages may name next hop nh now: its object made if
 * need be, its answer read at once (the kernel has answered when
 * sendmsg() returns). In a message of its own, not in a batch: if its id
 * were someone else's, routes in the same batch would take their next hop.
 */
static enum kr_nh_state
nh_ready(struct kroute *k, uint32_t nh)
{
	struct kr_nh *h = &k->nhs.v[nh - 1];
	int tries;

	if (!k->nh_objects)
		return KR_NH_OK;
	if (h->state == KR_NH_FAILED && h->gen != k->gen)
		h->state = KR_NH_NEW;		/* try it again */
	for (tries = 0; h->state == KR_NH_NEW && tries < KR_NH_TRIES;
	    tries++) {
		if (h->id == 0)
			h->id = nh_next_id(k);
		if (nh_send(k, h, false) == -1) {
			h->state = KR_NH_FAILED;
			snprintf(h->why, sizeof(h->why), "%s (its next hop)",
			    strerror(errno));
			h->gen = k->gen;
			break;
		}
		h->state = KR_NH_PENDING;
		drain(k);
		if (!k->nh_objects)
			return KR_NH_OK;	/* the kernel has none */
	}
	if (h->state == KR_NH_NEW) {
		h->state = KR_NH_FAILED;
		snprintf(h->why, sizeof(h->why), "every nexthop id tried was "
		    "taken");
		h->gen = k->gen;
	}
	return (enum kr_nh_state)h->state;
}

/* The answer to a nexthop message. */
static void
nh_answer(struct kroute *k, uint32_t seq, int error, const char *text)
{
	struct kr_nh *h = NULL;
	size_t i;

	for (i = 0; i < k->nhs.n; i++)
		if (k->nhs.v[i].seq == seq && k->nhs.v[i].state ==
		    KR_NH_PENDING)
			h = &k->nhs.v[i];
	if (h == NULL)
		return;
	if (error == 0 || (error == -EEXIST && h->ours)) {
		h->state = KR_NH_OK;	/* made, or still there */
		h->ours = true;
		h->gen = k->gen;
		k->st.nexthops += error == 0;
	} else if (error == -EEXIST) {
		h->id = 0;			/* someone else's: another */
		h->state = KR_NH_NEW;
	} else if (error == -EOPNOTSUPP) {
		log_info("kroute: no nexthop objects in this kernel: the next "
		    "hop goes in each route");
		k->nh_objects = false;
		h->state = KR_NH_NEW;
	} else {
		h->state = KR_NH_FAILED;
		snprintf(h->why, sizeof(h->why), "%s%s (its next hop)",
		    strerror(-error), text);
		h->gen = k->gen;
	}
	if (h->state != KR_NH_PENDING && k->blocked) {
		k->blocked = false;
		flush_arm(k);
	}
}

/* The kernel deleted a nexthop object (its link went down, or someone
 * did): made again when a route needs it. */
static void
nh_deleted(struct kroute *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[NHA_MAX + 1];
	uint32_t id;
	size_t i;

	if (nlmsg_parse(nlh, sizeof(struct nhmsg), tb, NHA_MAX, NULL) < 0 ||
	    tb[NHA_ID] == NULL)
		return;
	id = nla_get_u32(tb[NHA_ID]);
	for (i = 0; i < k->nhs.n; i++)
		if (k->nhs.v[i].id == id && k->nhs.v[i].state == KR_NH_OK) {
			k->nhs.v[i].state = KR_NH_NEW;
			k->nhs.v[i].ours = false;	/* anyone's now */
		}
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

/* A change failed; the kernel still has what it had before it. */
static void
retry_later(struct kroute *k, kr_ref r, enum kr_op op, uint32_t nh,
    const char *why)
{
	struct ptree_node *n = ref_node(r);
	unsigned tries = (n->fib & KR_F_TRIES) / KR_F_TRY;
	ev_tstamp delay = KR_RETRY_FIRST * (1u << tries);
	struct kr_wait *w;
	size_t cap;

	if (tries + 1 >= KR_RETRY_MAX) {
		change_log(k, r, op, nh, "%s; giving up after %d attempts",
		    why, KR_RETRY_MAX);
		n->fib &= (uint8_t)~KR_F_TRIES;
		return;
	}
	change_log(k, r, op, nh, "%s; again in %.0f s", why, delay);
	n->fib = (uint8_t)((n->fib & ~KR_F_TRIES) | (tries + 1) * KR_F_TRY);
	if (n->fib & KR_F_RETRY)
		return;			/* already waiting */
	if (k->nwait == k->waitcap) {
		cap = k->waitcap ? k->waitcap * 2 : 16;
		if ((w = reallocarray(k->wait, cap, sizeof(*w))) == NULL)
			return;
		k->wait = w;
		k->waitcap = cap;
	}
	w = &k->wait[k->nwait++];
	w->node = r;
	w->due = ev_now(k->loop) + delay;
	n->fib |= KR_F_RETRY;
	k->n_retry++;
	retry_arm(k, w->due);
}

/* Due nodes go back to the queue; the rest move up the list. */
static void
on_retry(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct kroute *k = t->data;
	struct ptree_node *n;
	size_t i, keep = 0;

	(void)loop;
	(void)revents;
	for (i = 0; i < k->nwait; i++) {
		if (k->wait[i].due > ev_now(k->loop) + 0.001) {
			k->wait[keep++] = k->wait[i];
			continue;
		}
		n = ref_node(k->wait[i].node);
		n->fib &= (uint8_t)~KR_F_RETRY;
		k->n_retry--;
		k->st.retries++;
		enqueue(k, k->wait[i].node);
		node_done(k, k->wait[i].node);
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

/* ---- answers ---- */

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

/*
 * A route message failed. EINVAL naming a next hop not made or found in
 * this flush: its object may be gone unnoticed (a link going down takes
 * its nexthop objects along, and says nothing); it is made again (or
 * found still there) and the route sent again at once.
 */
static void
route_failed(struct kroute *k, const struct kr_sent *e, int error,
    const char *text)
{
	struct kr_nh *h = e->nh ? &k->nhs.v[e->nh - 1] : NULL;
	char why[320];

	if (e->op == KR_OP_SET && k->nh_objects && error == -EINVAL &&
	    h != NULL && (h->state == KR_NH_NEW || (h->state == KR_NH_OK &&
	    h->gen != k->gen))) {
		h->state = KR_NH_NEW;
		enqueue(k, e->node);
		return;
	}
	k->st.errors++;
	snprintf(why, sizeof(why), "%s%s", strerror(-error), text);
	retry_later(k, e->node, (enum kr_op)e->op, e->nh, why);
}

/* Message e answered: error 0 (or none: it was taken) or -errno. */
static void
settle(struct kroute *k, struct kr_sent *e, int error, const char *text)
{
	struct ptree_node *n = ref_node(e->node);

	e->live = false;
	k->inflight--;
	n->fib &= (uint8_t)~KR_F_INFLIGHT;
	/* Deleting what is not there: it is not, as wanted. */
	if (error == 0 || (error == -ESRCH && e->op == KR_OP_DEL)) {
		k->st.acked++;
		set_installed(k, n, e->op == KR_OP_SET);
		n->fib &= (uint8_t)~KR_F_TRIES;
	} else
		route_failed(k, e, error, text);
	node_done(k, e->node);
}

static uint32_t
seq_next(uint32_t s)
{
	return (s & KR_SEQ_MASK) == KR_SEQ_MASK ? 1 : s + 1;
}

/* The answer to route message seq; those before it got none. */
static void
route_answer(struct kroute *k, uint32_t seq, int error, const char *text)
{
	struct kr_sent *e = &k->ring[seq & (KR_RING - 1)];

	if (!e->live || e->seq != seq) {
		log_debug("kroute: answer for unknown sequence %u", seq);
		return;
	}
	while (k->ack_next != seq) {
		settle(k, &k->ring[k->ack_next & (KR_RING - 1)], 0, "");
		k->ack_next = seq_next(k->ack_next);
	}
	settle(k, e, error, text);
	k->ack_next = seq_next(seq);
}

static void
on_answer(struct kroute *k, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e;
	char text[256];

	if (!nlmsg_valid_hdr(nlh, sizeof(*e)))
		return;
	e = nlmsg_data(nlh);
	text[0] = '\0';
	if (e->error != 0)
		ack_text(nlh, e, text, sizeof(text));
	if (nlh->nlmsg_seq & KR_SEQ_NH)
		nh_answer(k, nlh->nlmsg_seq, e->error, text);
	else
		route_answer(k, nlh->nlmsg_seq, e->error, text);
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
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type == NLMSG_ERROR)
			on_answer(k, nlh);
		else if (nlh->nlmsg_type == RTM_DELNEXTHOP)
			nh_deleted(k, nlh);
	}
}

/*
 * Answers were lost (the receive buffer overflowed): the messages still
 * waiting for one are sent again, which is always right (a replace is
 * idempotent, a delete of what is gone is fine), with a smaller window.
 */
static void
overrun(struct kroute *k)
{
	struct kr_sent *e;
	size_t n = k->inflight, window, i;

	k->overrun = false;
	for (i = 0; i < KR_RING && k->inflight > 0; i++) {
		e = &k->ring[k->ack_next & (KR_RING - 1)];
		k->ack_next = seq_next(k->ack_next);
		if (!e->live)
			continue;
		e->live = false;
		k->inflight--;
		ref_node(e->node)->fib &= (uint8_t)~KR_F_INFLIGHT;
		enqueue(k, e->node);
	}
	k->ack_cost *= 2;
	window = k->window / 2 > 0 ? k->window / 2 : 1;
	log_warn("kroute: netlink overrun: answers lost, sending %zu changes "
	    "again, at most %zu at a time", n, window);
	k->window = window;
	k->blocked = false;
	flush_arm(k);
}

/* Reads every answer there is. */
static void
drain(struct kroute *k)
{
	int n, i, round;

	for (round = 0; round < KR_READ_ROUNDS; round++) {
		n = recvmmsg(k->fd, k->mm, KR_RECV_VLEN, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The answers still queued came before the
				 * loss: read them first. */
				k->overrun = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("kroute: netlink: %s",
				    strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			parse_datagram(k, k->rbuf + (size_t)i * KR_RECV_SIZE,
			    k->mm[i].msg_len, k->mm[i].msg_hdr.msg_flags);
	}
	if (k->overrun)
		overrun(k);
}

static void
on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kroute *k = w->data;

	(void)loop;
	(void)revents;
	drain(k);
	if (k->blocked && k->inflight < k->window) {
		k->blocked = false;
		flush_arm(k);
	}
}

/* ---- sending ---- */

/* What n's route must become: SET (via *nh), DEL or nothing. */
static enum kr_op
decide(struct kroute *k, unsigned af, struct ptree_node *n, uint32_t *nh)
{
	struct kroute_want w;

	if (!k->flushing && k->want(k->ctx, af, n, &w)) {
		unstale(k, n);
		if ((*nh = nh_get(k, af, w.nexthop, w.ifindex)) == 0) {
			log_warn("kroute: out of memory for a next hop");
			return KR_OP_NONE;
		}
		return KR_OP_SET;
	}
	*nh = 0;
	return (n->fib & KR_F_INSTALLED) ? KR_OP_DEL : KR_OP_NONE;
}

/* The message into buf: header, rtmsg, attributes. Its length. */
static size_t
msg_build(struct kroute *k, uint8_t *buf, unsigned af,
    const struct ptree_node *n, enum kr_op op, uint32_t nh, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = NLMSG_DATA(nlh);
	const struct kr_nh *h = nh ? &k->nhs.v[nh - 1] : NULL;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*rtm));
	uint32_t oif;

	memset(buf, 0, off);
	nlh->nlmsg_type = op == KR_OP_SET ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST |
	    (op == KR_OP_SET ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nlh->nlmsg_seq = seq;
	rtm->rtm_family = (uint8_t)family_of(af);
	rtm->rtm_dst_len = n->len;
	rtm->rtm_table = RT_TABLE_UNSPEC;	/* RTA_TABLE says */
	rtm->rtm_protocol = k->proto;
	/* Said, not guessed: IPv4 finds no route to delete otherwise. */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	off = put_attr(buf, off, RTA_TABLE, &k->table, sizeof(k->table));
	off = put_attr(buf, off, RTA_DST, n->key, af_addr_bytes(af));
	if (op == KR_OP_SET && k->nh_objects)
		off = put_attr(buf, off, RTA_NH_ID, &h->id, sizeof(h->id));
	else if (op == KR_OP_SET) {
		rtm->rtm_flags = RTNH_F_ONLINK;
		oif = (uint32_t)h->ifindex;
		off = put_attr(buf, off, RTA_GATEWAY, h->gw,
		    af_addr_bytes(af));
		off = put_attr(buf, off, RTA_OIF, &oif, sizeof(oif));
	}
	nlh->nlmsg_len = (uint32_t)off;
	return NLMSG_ALIGN(off);
}

/*
 * One batch from the queue in one sendmsg(): at most max nodes taken.
 * Returns the nodes taken (sent, settled without a message, or failed),
 * or -1 when sendmsg() failed (then all of the batch is queued again).
 */
static long
batch_send(struct kroute *k, size_t max)
{
	kr_ref later[KR_BATCH_MSGS], r;
	struct ptree_node *n;
	struct nlmsghdr *last = NULL;
	size_t off = 0, i, nmsg = 0, nlater = 0, taken = 0;
	uint32_t nh, seq = k->seq;
	enum kr_op op;

	while (taken < max && nmsg < KR_BATCH_MSGS && nlater < KR_BATCH_MSGS &&
	    k->inflight + nmsg < k->window && (r = q_pop(&k->q)) != 0) {
		n = ref_node(r);
		n->fib &= (uint8_t)~KR_F_QUEUED;
		k->n_queued--;
		if (n->fib & KR_F_INFLIGHT) {
			later[nlater++] = r;	/* after its answer */
			continue;
		}
		taken++;
		if ((op = decide(k, ref_af(r), n, &nh)) == KR_OP_NONE) {
			node_done(k, r);
			continue;
		}
		if (op == KR_OP_SET) {
			switch (nh_ready(k, nh)) {
			case KR_NH_OK:
				break;
			case KR_NH_PENDING:
				taken--;
				later[nlater++] = r;
				continue;
			default:
				k->st.errors++;
				retry_later(k, r, op, nh, k->nhs.v[nh - 1].why);
				node_done(k, r);
				continue;
			}
		}
		last = (struct nlmsghdr *)(k->batch + off);
		off += msg_build(k, k->batch + off, ref_af(r), n, op, nh, seq);
		k->pend[nmsg].node = r;
		k->pend[nmsg].nh = nh;
		k->pend[nmsg].op = (uint8_t)op;
		n->fib |= KR_F_INFLIGHT;
		seq = seq_next(seq);
		nmsg++;
	}
	for (i = 0; i < nlater; i++)
		enqueue(k, later[i]);
	if (nlater > 0 && taken == 0)
		k->blocked = true;	/* only answers can move it on */
	if (nmsg == 0)
		return (long)taken;
	last->nlmsg_flags |= NLM_F_ACK;
	if (send(k->fd, k->batch, off, 0) == -1) {
		if (log_allowed(k))
			log_warn("kroute: sending %zu route messages: %s",
			    nmsg, strerror(errno));
		for (i = 0; i < nmsg; i++) {
			ref_node(k->pend[i].node)->fib &=
			    (uint8_t)~KR_F_INFLIGHT;
			enqueue(k, k->pend[i].node);
		}
		return -1;
	}
	for (i = 0; i < nmsg; i++) {
		struct kr_sent *e = &k->ring[k->seq & (KR_RING - 1)];

		e->node = k->pend[i].node;
		e->nh = k->pend[i].nh;
		e->op = k->pend[i].op;
		e->seq = k->seq;
		e->live = true;
		if (k->inflight++ == 0)
			k->ack_next = k->seq;
		k->seq = seq_next(k->seq);
	}
	k->st.sent += nmsg;
	k->st.batches++;
	drain(k);
	return (long)taken;
}

static void
flush_stop(struct kroute *k)
{
	ev_prepare_stop(k->loop, &k->prepare_w);
	ev_idle_stop(k->loop, &k->idle_w);
}

static void
flush_arm(struct kroute *k)
{
	/* After a failed sendmsg(), the pause timer restarts the flush. */
	if (k->q.len == 0 || k->blocked || ev_is_active(&k->again_w))
		return;
	ev_prepare_start(k->loop, &k->prepare_w);
	ev_idle_start(k->loop, &k->idle_w);
}

/* Sends from the queue, about quota messages. */
static void
flush(struct kroute *k, size_t quota)
{
	long n;

	k->gen++;
	while (quota > 0 && k->q.len > 0 && !k->blocked) {
		if (k->inflight >= k->window) {
			k->blocked = true;	/* the answers say when */
			break;
		}
		if ((n = batch_send(k, quota)) == -1) {
			flush_stop(k);
			ev_timer_set(&k->again_w, KR_SEND_AGAIN, 0);
			ev_timer_start(k->loop, &k->again_w);
			return;
		}
		quota = (size_t)n < quota ? quota - (size_t)n : 0;
	}
	if (k->q.len == 0 || k->blocked)
		flush_stop(k);
	/* Without objects of its own (peertable.h), none of the objects
	 * found at open is this table's to delete. */
	if (k->flushing && k->q.len == 0 && k->inflight == 0 &&
	    k->n_retry == 0 && k->nh_objects)
		nh_delete_all(k);
}

static void
on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	flush(w->data, KR_PREPARE_MSGS);
}

static void
on_idle(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)revents;
	flush(w->data, KR_IDLE_MSGS);
}

static void
on_again(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct kroute *k = t->data;

	(void)revents;
	ev_timer_stop(loop, t);
	flush_arm(k);
}

/* ---- reading the table and the next hops (dumps, on a short-lived
 * socket) ---- */

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

/* At open: every route of ours is a previous run's, stale until swept. */
static int
found_route(struct nl_msg *msg, void *arg)
{
	struct kroute *k = arg;
	struct ptree_node *n;
	struct prefix p;

	if (route_prefix(k, nlmsg_hdr(msg), &p) == -1)
		return NL_OK;
	if ((n = ptree_get(&k->trees[p.af], &p)) == NULL) {
		log_warn("kroute: out of memory reading the table");
		return NL_OK;
	}
	set_installed(k, n, true);
	/* Once, though a prefix may have more than one route. */
	if (!(n->fib & KR_F_STALE)) {
		n->fib |= KR_F_STALE;
		k->st.stale++;
	}
	return NL_OK;
}

/* At open: our nexthop objects are used again; every id is not ours to
 * take. */
static int
found_nexthop(struct nl_msg *msg, void *arg)
{
	struct kroute *k = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NHA_MAX + 1];
	struct nhmsg *nhm;
	struct kr_nh *h;
	uint32_t id, nh;
	unsigned af;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP ||
	    nlmsg_parse(nlh, sizeof(*nhm), tb, NHA_MAX, NULL) < 0 ||
	    tb[NHA_ID] == NULL || nla_len(tb[NHA_ID]) != 4)
		return NL_OK;
	id = nla_get_u32(tb[NHA_ID]);
	if (id >= k->nhs.next_id && id < KR_SEQ_MASK)
		k->nhs.next_id = id + 1;
	nhm = nlmsg_data(nlh);
	af = nhm->nh_family == AF_INET ? AF_IDX_IPV4 : AF_IDX_IPV6;
	if (nhm->nh_protocol != k->proto || tb[NHA_GATEWAY] == NULL ||
	    tb[NHA_OIF] == NULL || tb[NHA_GROUP] != NULL ||
	    (nhm->nh_family != AF_INET && nhm->nh_family != AF_INET6) ||
	    nla_len(tb[NHA_GATEWAY]) != (int)af_addr_bytes(af) ||
	    !(nhm->nh_flags & RTNH_F_ONLINK))
		return NL_OK;
	if ((nh = nh_get(k, af, nla_data(tb[NHA_GATEWAY]),
	    (int)nla_get_u32(tb[NHA_OIF]))) == 0)
		return NL_OK;
	h = &k->nhs.v[nh - 1];
	if (h->state != KR_NH_OK) {
		h->id = id;
		h->state = KR_NH_OK;
		h->ours = true;
	}
	return NL_OK;
}

/* Dumps type (RTM_GETROUTE or RTM_GETNEXTHOP) into found. 0, -2 when
 * the dump was cut short, or a negative libnl error. */
static int
dump(struct kroute *k, int type, nl_recvmsg_msg_cb_t found)
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	struct rtmsg rtm;
	struct nhmsg nhm;
	int err, one = 1;

	if ((sk = nl_socket_alloc()) == NULL)
		return -NLE_NOMEM;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, found, k);
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0)
		goto out;
	/* Let the kernel send only our table and protocol (4.20+). */
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK,
	    NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if ((msg = nlmsg_alloc_simple(type, NLM_F_DUMP)) == NULL) {
		err = -NLE_NOMEM;
		goto out;
	}
	memset(&rtm, 0, sizeof(rtm));
	memset(&nhm, 0, sizeof(nhm));
	rtm.rtm_family = AF_UNSPEC;	/* both; no ENOENT for a new table */
	rtm.rtm_protocol = k->proto;
	if (type == RTM_GETROUTE)
		err = nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
	else
		err = nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO);
	if (err == 0 && type == RTM_GETROUTE)
		err = nla_put_u32(msg, RTA_TABLE, k->table);
	if (err == 0 && (err = nl_send_auto(sk, msg)) >= 0)
		err = nl_recvmsgs_default(sk);
	nlmsg_free(msg);
out:
	nl_socket_free(sk);
	if (err == -NLE_DUMP_INTR)
		return -2;
	return err < 0 ? err : 0;
}

/* A dump cut short because the table changed meanwhile is redone; what
 * it found twice counts once. */
static int
dump_retry(struct kroute *k, int type, nl_recvmsg_msg_cb_t found)
{
	int i, err = -2;

	for (i = 0; i < KR_DUMP_TRIES && err == -2; i++)
		err = dump(k, type, found);
	return err;
}

static int
nexthops_read(struct kroute *k)
{
	int err;

	k->nhs.next_id = KR_NH_ID_FIRST;
	if ((err = dump_retry(k, RTM_GETNEXTHOP, found_nexthop)) == 0)
		return 0;
	/* Before 5.3, no nexthop objects: the gateway in each route. */
	k->nh_objects = false;
	if (err != -NLE_OPNOTSUPP && err != -NLE_INVAL)
		log_warn("kroute: reading nexthop objects: %s: the next hop "
		    "goes in each route", err == -2 ? "interrupted" :
		    nl_geterror(err));
	return 0;
}

static long
table_read(struct kroute *k)
{
	int err;

	if ((err = dump_retry(k, RTM_GETROUTE, found_route)) == 0)
		return (long)k->st.installed;
	log_warn("kroute: reading table %u: %s", k->table, err == -2 ?
	    "interrupted" : nl_geterror(err));
	return -1;
}

/* ---- the socket ---- */

static void
window_update(struct kroute *k)
{
	socklen_t len = sizeof(int);
	int rcvbuf = 0;

	/* getsockopt() says what the kernel accounts against. */
	if (getsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) == -1 ||
	    rcvbuf <= 0)
		rcvbuf = 208 * 1024;
	/* Every message could fail, and each failure is an answer. */
	k->window = (size_t)rcvbuf / k->ack_cost;
	if (k->window > KR_RING)
		k->window = KR_RING;
	/* The first skb in an empty queue always fits. */
	if (k->window == 0)
		k->window = 1;
}

static int
socket_open(struct kroute *k)
{
	int err, size = KR_RCVBUF, snd = KR_SNDBUF, one = 1;
	int group = RTNLGRP_NEXTHOP;

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
	/* Nexthop objects the kernel deletes (their link went down). */
	(void)setsockopt(k->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
	    sizeof(group));
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

/* ---- walks over the nodes kroute holds ---- */

struct kr_walk {
	struct kroute		*k;
	unsigned		 af;
	uint8_t			 mask;		/* nodes with any of it */
	struct ptree_node	**dead;		/* close: to release after */
	size_t			 ndead, deadcap;
};

/* Sweep and flush: the node's route is decided again. */
static int
walk_requeue(void *ctx, struct ptree_node *n)
{
	struct kr_walk *w = ctx;

	if (!(n->fib & w->mask))
		return 0;
	unstale(w->k, n);
	enqueue(w->k, ref_make(w->af, n));
	return 0;
}

static void
requeue_where(struct kroute *k, uint8_t mask)
{
	struct kr_walk w = { .k = k, .mask = mask };

	for (w.af = 0; w.af < AF_IDX_COUNT; w.af++)
		ptree_walk_fib(&k->trees[w.af], walk_requeue, &w);
}

/* Close: the nodes forget kroute; those kept only by it go after. */
static int
walk_forget(void *ctx, struct ptree_node *n)
{
	struct kr_walk *w = ctx;
	struct ptree_node **v;
	size_t cap;

	n->fib = 0;
	if (ptree_data(n) != NULL)
		return 0;
	if (w->ndead == w->deadcap) {
		cap = w->deadcap ? w->deadcap * 2 : 256;
		if ((v = reallocarray(w->dead, cap, sizeof(*v))) == NULL)
			return 0;	/* left in the tree, harmless */
		w->dead = v;
		w->deadcap = cap;
	}
	w->dead[w->ndead++] = n;
	return 0;
}

static void
nodes_forget(struct kroute *k)
{
	struct kr_walk w = { .k = k };
	size_t i;

	for (w.af = 0; w.af < AF_IDX_COUNT; w.af++) {
		w.ndead = 0;
		ptree_walk_fib(&k->trees[w.af], walk_forget, &w);
		for (i = 0; i < w.ndead; i++)
			ptree_release(&k->trees[w.af], w.dead[i]);
	}
	free(w.dead);
}

/* ---- the API ---- */

struct kroute *
kroute_open(struct ev_loop *loop, uint32_t table, uint8_t protocol,
    struct ptree *trees, kroute_want_fn want, void *ctx)
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
	k->trees = trees;
	k->want = want;
	k->ctx = ctx;
	k->nh_objects = true;
	k->seq = 1;
	k->ack_cost = KR_ACK_COST;
	ev_prepare_init(&k->prepare_w, on_prepare);
	ev_idle_init(&k->idle_w, on_idle);
	ev_timer_init(&k->retry_w, on_retry, 0, 0);
	ev_timer_init(&k->again_w, on_again, 0, 0);
	k->prepare_w.data = k->idle_w.data = k->retry_w.data =
	    k->again_w.data = k;
	if (buffers_alloc(k) == -1) {
		log_warn("kroute: out of memory");
		kroute_close(k);
		return NULL;
	}
	if (socket_open(k) == -1 || nexthops_read(k) == -1 ||
	    (n = table_read(k)) < 0) {
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
	if (k == NULL)
		return;
	if (k->n_queued + k->n_retry > 0 || k->inflight > 0)
		log_info("kroute: closing with %zu changes unsent, %zu "
		    "unanswered", k->n_queued + k->n_retry, k->inflight);
	flush_stop(k);
	ev_io_stop(k->loop, &k->io_w);
	ev_timer_stop(k->loop, &k->retry_w);
	ev_timer_stop(k->loop, &k->again_w);
	nodes_forget(k);
	if (k->sk != NULL)
		nl_socket_free(k->sk);
	q_free(&k->q);
	free(k->wait);
	free(k->nhs.v);
	free(k->nhs.slot);
	free(k->ring);
	free(k->batch);
	free(k->rbuf);
	free(k);
}

void
kroute_changed(struct kroute *k, unsigned af, struct ptree_node *n)
{
	struct kroute_want w;

	if (n->fib & KR_F_QUEUED)
		return;		/* asked what it wants when sent */
	if (!k->flushing && k->want(k->ctx, af, n, &w))
		unstale(k, n);
	else if (!(n->fib & (KR_F_INSTALLED | KR_F_INFLIGHT)))
		return;		/* none wanted, none there */
	enqueue(k, ref_make(af, n));
}

void
kroute_sweep_stale(struct kroute *k)
{
	k->swept = true;
	if (k->st.stale == 0)
		return;		/* no walk of a full table for nothing */
	log_info("kroute: table %u: deleting %zu stale routes", k->table,
	    k->st.stale);
	requeue_where(k, KR_F_STALE);
}

void
kroute_flush(struct kroute *k)
{
	log_info("kroute: table %u: deleting all %zu routes of ours",
	    k->table, k->st.installed);
	k->swept = true;
	k->flushing = true;
	requeue_where(k, KR_F_INSTALLED | KR_F_STALE);
}

void
kroute_get_stats(const struct kroute *k, struct kroute_stats *st)
{
	*st = k->st;
	st->queued = k->n_queued + k->n_retry;
	st->inflight = k->inflight;
	st->bytes = sizeof(*k) + KR_RING * sizeof(*k->ring) + KR_BATCH_BYTES +
	    (size_t)KR_RECV_VLEN * KR_RECV_SIZE +
	    k->q.blocks * KR_QBLOCK_BYTES + k->waitcap * sizeof(*k->wait) +
	    k->nhs.cap * sizeof(*k->nhs.v) +
	    k->nhs.nslots * sizeof(*k->nhs.slot);
}

void
kroute_use_nexthop_objects(struct kroute *k, bool on)
{
	k->nh_objects = on;
}
