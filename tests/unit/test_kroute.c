/*
 * kroute against the real kernel: routes written into table 20000 of a
 * private network namespace, next hops on a veth pair made there through
 * libnl, and the table read back through libnl to check them. Each test
 * forks (also under CK_FORK=no), the child unshares its network
 * namespace, runs the scenario on a libev loop bounded by timers and
 * reports through its exit status; the namespace dies with the child.
 * Needs root; skipped otherwise.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/rtnetlink.h>

#include <ev.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "../../src/lib/log.h"
#include "../../src/lib/prefix.h"
#include "../../src/fib/kroute.h"
#include "th_netns.h"

#define WAIT		20.0	/* seconds, for anything the kernel does */
#define N4		10000
#define N6		1000
#define TABLE		KROUTE_TABLE_PEERING
#define PROTO		KROUTE_PROTO_PEERING
#define OTHER_TABLE	(TABLE + 1)

/* ---- the child's side: failing, waiting ---- */

static struct nl_sock	*nl;			/* the test's own requests */
static struct ev_loop	*loop;
static int		 ifindex;		/* kr0, the next hops' link */

static void __attribute__((noreturn))
child_fail(int line, const char *what)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "line %d: %s", line, what);
	if (write(th_netns_report_fd, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(1);
}

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		child_fail(__LINE__, #cond);				\
} while (0)

static struct kroute_stats stats(struct kroute *k);

/* As REQUIRE, with kroute's counters in the message. */
#define REQUIRE_K(k, cond) do {						\
	if (!(cond)) {							\
		struct kroute_stats st_ = stats(k);			\
		char m_[512];						\
									\
		snprintf(m_, sizeof(m_), "%s (sent %llu acked %llu "	\
		    "errors %llu retries %llu queued %zu installed %zu "\
		    "stale %zu)", #cond, (unsigned long long)st_.sent,	\
		    (unsigned long long)st_.acked,			\
		    (unsigned long long)st_.errors,			\
		    (unsigned long long)st_.retries, st_.queued,	\
		    st_.installed, st_.stale);				\
		child_fail(__LINE__, m_);				\
	}								\
} while (0)

static bool timed_out;

static void
on_timeout(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	timed_out = true;
}

static void
on_tick(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

/*
 * Run the loop until pred(k) holds or secs pass; whether it held. kroute
 * reads the kernel's answers as soon as it has sent (no event follows
 * its last batch), so a tick ends each iteration to look at pred again.
 */
static bool
run_until(bool (*pred)(struct kroute *), struct kroute *k, double secs)
{
	ev_timer t, tick;

	timed_out = false;
	ev_timer_init(&t, on_timeout, secs, 0.);
	ev_timer_init(&tick, on_tick, 0.01, 0.01);
	ev_timer_start(loop, &t);
	ev_timer_start(loop, &tick);
	while (!pred(k) && !timed_out)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &t);
	ev_timer_stop(loop, &tick);
	return pred(k);
}

static struct kroute_stats
stats(struct kroute *k)
{
	struct kroute_stats st;

	kroute_get_stats(k, &st);
	return st;
}

/* Every change sent and answered. */
static bool
settled(struct kroute *k)
{
	struct kroute_stats st = stats(k);

	return st.queued == 0 && st.inflight == 0;
}

/* ---- the trees kroute mirrors, one per family as the RIB's ---- */

static struct ptree trees[AF_IDX_COUNT];

static void
trees_init(void)
{
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++)
		ptree_init(&trees[af], af);
}

static void
trees_destroy(void)
{
	unsigned af;

	for (af = 0; af < AF_IDX_COUNT; af++)
		ptree_destroy(&trees[af]);
}

/* ---- the namespace: a veth pair, kr0 100.65.128.2/24 ---- */

static void
link_up(const char *name, int *index)
{
	struct rtnl_link *l, *chg = rtnl_link_alloc();

	REQUIRE(chg != NULL);
	REQUIRE(rtnl_link_get_kernel(nl, 0, name, &l) == 0);
	rtnl_link_set_flags(chg, IFF_UP);
	REQUIRE(rtnl_link_change(nl, l, chg, 0) == 0);
	if (index != NULL)
		*index = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	rtnl_link_put(chg);
}

static void
setup_links(void)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	log_open(NULL, LOG_LEVEL_WARN);		/* the expected, not shown */
	REQUIRE((nl = nl_socket_alloc()) != NULL);
	REQUIRE(nl_connect(nl, NETLINK_ROUTE) == 0);
	/* Onlink next hops need a link that is up. */
	REQUIRE(rtnl_link_veth_add(nl, "kr0", "kr1", getpid()) == 0);
	link_up("kr0", &ifindex);
	link_up("kr1", NULL);
	REQUIRE(a != NULL);
	REQUIRE(nl_addr_parse("100.65.128.2/24", AF_INET, &local) == 0);
	rtnl_addr_set_ifindex(a, ifindex);
	REQUIRE(rtnl_addr_set_local(a, local) == 0);
	REQUIRE(rtnl_addr_add(nl, a, 0) == 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
	REQUIRE((loop = ev_loop_new(EVFLAG_AUTO)) != NULL);
	trees_init();
}

static void
teardown(void)
{
	trees_destroy();
	ev_loop_destroy(loop);
	nl_socket_free(nl);
}

/* ---- the routes: prefix i of a family, next hop g ---- */

/* 10.i.i.0/24 and 2001:db8:i::/48: index and prefix map both ways. */
static struct prefix
pfx(unsigned af, unsigned i)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.af = (uint8_t)af;
	if (af == AF_IDX_IPV4) {
		p.len = 24;
		p.addr[0] = 10;
		p.addr[1] = (uint8_t)(i >> 8);
		p.addr[2] = (uint8_t)i;
	} else {
		p.len = 48;
		memcpy(p.addr, "\x20\x01\x0d\xb8", 4);
		p.addr[4] = (uint8_t)(i >> 8);
		p.addr[5] = (uint8_t)i;
	}
	return p;
}

/* 100.65.128.g or 2001:db8:ffff::g, onlink on kr0. */
static const uint8_t *
gw(unsigned af, uint8_t g)
{
	static uint8_t a[16];

	memset(a, 0, sizeof(a));
	if (af == AF_IDX_IPV4) {
		memcpy(a, "\x64\x41\x80", 3);
		a[3] = g;
	} else {
		memcpy(a, "\x20\x01\x0d\xb8\xff\xff", 6);
		a[15] = g;
	}
	return a;
}

/*
 * What the table must hold: per index, the next hop's last byte (0: no
 * route) and its interface. The tree kroute mirrors (one per family, as
 * the RIB's) has a node per prefix with a route, its data the entry.
 */
struct entry {
	uint8_t		g;
	int		ifindex;
};

struct model {
	struct entry	v4[N4];
	struct entry	v6[N6];
};

static struct entry *
entry_at(struct model *m, unsigned af, unsigned i)
{
	return af == AF_IDX_IPV4 ? &m->v4[i] : &m->v6[i];
}

static uint8_t *
model_at(struct model *m, unsigned af, unsigned i)
{
	return &entry_at(m, af, i)->g;
}

static unsigned
model_size(unsigned af)
{
	return af == AF_IDX_IPV4 ? N4 : N6;
}

static bool
want(void *ctx, unsigned af, const struct ptree_node *n,
    struct kroute_want *w)
{
	const struct entry *e = ptree_data(n);

	(void)ctx;
	if (e == NULL || e->g == 0)
		return false;
	w->nexthop = gw(af, e->g);
	w->ifindex = e->ifindex;
	return true;
}

/* As the RIB does: the node's data, then kroute told. */
static void
set_if(struct kroute *k, struct model *m, unsigned af, unsigned i,
    uint8_t g, int ifx)
{
	struct prefix p = pfx(af, i);
	struct ptree_node *n = ptree_get(&trees[af], &p);
	struct entry *e = entry_at(m, af, i);

	REQUIRE(n != NULL);
	e->g = g;
	e->ifindex = ifx;
	ptree_set_data(&trees[af], n, e);
	kroute_changed(k, af, n);
}

static void
set(struct kroute *k, struct model *m, unsigned af, unsigned i, uint8_t g)
{
	set_if(k, m, af, i, g, ifindex);
}

static void
del(struct kroute *k, struct model *m, unsigned af, unsigned i)
{
	struct prefix p = pfx(af, i);
	struct ptree_node *n = ptree_find(&trees[af], &p);

	*model_at(m, af, i) = 0;
	if (n == NULL)
		return;
	ptree_set_data(&trees[af], n, NULL);
	kroute_changed(k, af, n);
	ptree_release(&trees[af], n);
}

/* ---- reading the table back through libnl ---- */

struct check {
	const struct model	*m;
	size_t			 ours[AF_IDX_COUNT];
	size_t			 foreign;	/* another protocol or table */
	int			 bad_line;
	char			 bad[160];
};

#define CHECK(c, cond) do {						\
	if (!(cond) && (c)->bad_line == 0) {				\
		(c)->bad_line = __LINE__;				\
		snprintf((c)->bad, sizeof((c)->bad), "%s", #cond);	\
	}								\
} while (0)

/* The index of a route's prefix in the model, or -1. */
static long
route_index(struct rtnl_route *r, unsigned *af)
{
	struct nl_addr *dst = rtnl_route_get_dst(r);
	const uint8_t *a;
	unsigned i;

	if (dst == NULL)
		return -1;
	a = nl_addr_get_binary_addr(dst);
	*af = nl_addr_get_family(dst) == AF_INET ? AF_IDX_IPV4 : AF_IDX_IPV6;
	if (nl_addr_get_len(dst) != af_addr_bytes(*af))
		return -1;
	i = (unsigned)a[*af == AF_IDX_IPV4 ? 1 : 4] << 8 |
	    a[*af == AF_IDX_IPV4 ? 2 : 5];
	if (i >= model_size(*af))
		return -1;
	return (long)i;
}

static void
check_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct check *c = arg;
	struct rtnl_nexthop *nh;
	struct prefix want;
	unsigned af;
	long i;
	uint8_t g;

	if (rtnl_route_get_table(r) != TABLE ||
	    rtnl_route_get_protocol(r) != PROTO) {
		if (rtnl_route_get_table(r) == TABLE ||
		    rtnl_route_get_table(r) == OTHER_TABLE)
			c->foreign++;
		return;
	}
	CHECK(c, (i = route_index(r, &af)) >= 0);
	if (i < 0)
		return;
	c->ours[af]++;
	g = af == AF_IDX_IPV4 ? c->m->v4[i].g : c->m->v6[i].g;
	want = pfx(af, (unsigned)i);
	CHECK(c, g != 0);
	CHECK(c, nl_addr_get_prefixlen(rtnl_route_get_dst(r)) == want.len);
	CHECK(c, memcmp(nl_addr_get_binary_addr(rtnl_route_get_dst(r)),
	    want.addr, af_addr_bytes(af)) == 0);
	CHECK(c, rtnl_route_get_nnexthops(r) == 1);
	if (g == 0 || rtnl_route_get_nnexthops(r) != 1)
		return;
	nh = rtnl_route_nexthop_n(r, 0);
	CHECK(c, rtnl_route_nh_get_ifindex(nh) == ifindex);
	CHECK(c, rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK);
	CHECK(c, rtnl_route_nh_get_gateway(nh) != NULL &&
	    memcmp(nl_addr_get_binary_addr(rtnl_route_nh_get_gateway(nh)),
	    gw(af, g), af_addr_bytes(af)) == 0);
	CHECK(c, rtnl_route_get_type(r) == RTN_UNICAST);
}

static size_t
model_count(const struct model *m, unsigned af)
{
	size_t i, n = 0;

	for (i = 0; i < model_size(af); i++)
		n += (af == AF_IDX_IPV4 ? m->v4[i].g : m->v6[i].g) != 0;
	return n;
}

/* The kernel's table is the model exactly; foreign routes counted. */
static size_t
check_table(const struct model *m)
{
	struct nl_cache *cache;
	struct check c;
	char msg[256];

	memset(&c, 0, sizeof(c));
	c.m = m;
	REQUIRE(rtnl_route_alloc_cache(nl, AF_UNSPEC, 0, &cache) == 0);
	nl_cache_foreach(cache, check_route, &c);
	nl_cache_free(cache);
	if (c.bad_line != 0) {
		snprintf(msg, sizeof(msg), "table check line %d: %s",
		    c.bad_line, c.bad);
		child_fail(__LINE__, msg);
	}
	REQUIRE(c.ours[AF_IDX_IPV4] == model_count(m, AF_IDX_IPV4));
	REQUIRE(c.ours[AF_IDX_IPV6] == model_count(m, AF_IDX_IPV6));
	return c.foreign;
}

/* A route that is not kroute's: given table and protocol, onlink. */
static void
add_foreign(const char *dst, uint32_t table, uint8_t proto)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d, *g;

	REQUIRE(r != NULL && nh != NULL);
	REQUIRE(nl_addr_parse(dst, AF_INET, &d) == 0);
	REQUIRE(nl_addr_parse("100.65.128.1", AF_INET, &g) == 0);
	rtnl_route_set_table(r, table);
	rtnl_route_set_protocol(r, proto);
	REQUIRE(rtnl_route_set_dst(r, d) == 0);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	rtnl_route_add_nexthop(r, nh);
	REQUIRE(rtnl_route_add(nl, r, NLM_F_CREATE | NLM_F_EXCL) == 0);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(r);
}

/* Deleted behind kroute's back. */
static void
del_behind(unsigned af, unsigned i)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct prefix p = pfx(af, i);
	struct nl_addr *d;

	REQUIRE(r != NULL);
	REQUIRE((d = nl_addr_build(af == AF_IDX_IPV4 ? AF_INET : AF_INET6,
	    p.addr, af_addr_bytes(af))) != NULL);
	nl_addr_set_prefixlen(d, p.len);
	rtnl_route_set_table(r, TABLE);
	rtnl_route_set_protocol(r, PROTO);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	REQUIRE(rtnl_route_set_dst(r, d) == 0);
	REQUIRE(rtnl_route_delete(nl, r, 0) == 0);
	nl_addr_put(d);
	rtnl_route_put(r);
}

static struct kroute *
open_table(void)
{
	struct kroute *k = kroute_open(loop, TABLE, PROTO, trees, want, NULL);

	REQUIRE(k != NULL);
	return k;
}

/* ---- scenarios ---- */

static struct model model;	/* large for a stack */
static bool gateway_mode;	/* next hops in each route, not objects */

static struct kroute *
open_fresh(void)
{
	struct kroute *k = open_table();

	kroute_use_nexthop_objects(k, !gateway_mode);
	return k;
}

/* 11,000 routes in, some replaced, some deleted; batched, coalesced. */
static void
scenario_install(void)
{
	struct kroute *k = open_fresh();
	struct kroute_stats st;
	unsigned af, i;
	uint64_t sent;

	memset(&model, 0, sizeof(model));
	st = stats(k);
	REQUIRE(st.installed == 0 && st.stale == 0 && st.sent == 0);
	for (af = 0; af < AF_IDX_COUNT; af++)
		for (i = 0; i < model_size(af); i++)
			set(k, &model, af, i, 1);
	REQUIRE(stats(k).queued == N4 + N6);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	st = stats(k);
	REQUIRE(st.sent == N4 + N6 && st.acked == N4 + N6 && st.errors == 0);
	REQUIRE(st.installed == N4 + N6);
	/* Many routes per sendmsg(), not one; one next hop object each. */
	REQUIRE(st.batches > 0 && st.sent / st.batches >= 64);
	REQUIRE(st.nexthops == (gateway_mode ? 0 : 2));
	REQUIRE(check_table(&model) == 0);

	/* One in ten replaced, one in ten deleted; a prefix changed twice
	 * goes once, as it is last. */
	sent = st.sent;
	for (af = 0; af < AF_IDX_COUNT; af++)
		for (i = 0; i < model_size(af); i++) {
			if (i % 10 == 0) {
				set(k, &model, af, i, 7);
				set(k, &model, af, i, 3);
			} else if (i % 10 == 5)
				del(k, &model, af, i);
		}
	REQUIRE(stats(k).queued == (N4 + N6) / 5);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	st = stats(k);
	REQUIRE(st.sent - sent == (N4 + N6) / 5 && st.errors == 0);
	REQUIRE(st.installed == (N4 + N6) * 9 / 10);
	REQUIRE(st.nexthops == (gateway_mode ? 0 : 4));	/* and .3 */
	REQUIRE(check_table(&model) == 0);

	/* Set and deleted before the loop ran: nothing is sent, and the
	 * node kept meanwhile goes. */
	sent = st.sent;
	set(k, &model, AF_IDX_IPV4, 5, 1);
	del(k, &model, AF_IDX_IPV4, 5);
	ev_run(loop, EVRUN_NOWAIT);
	REQUIRE(settled(k) && stats(k).sent == sent);
	REQUIRE(trees[AF_IDX_IPV4].n_data == N4 * 9 / 10);
	kroute_close(k);
	/* Closing left the routes, and the nodes with data. */
	REQUIRE(check_table(&model) == 0);
	REQUIRE(trees[AF_IDX_IPV4].n_data == N4 * 9 / 10);
}

static void
scenario_install_gateway(void)
{
	gateway_mode = true;
	scenario_install();
}

/* A restarted daemon: the previous run's routes are stale until swept;
 * routes of other protocols or tables are never touched. */
static void
scenario_restart(void)
{
	struct kroute *k = open_fresh();
	struct kroute_stats st;
	unsigned af, i, n[AF_IDX_COUNT] = { 2000, 200 };

	memset(&model, 0, sizeof(model));
	add_foreign("192.0.2.0/24", TABLE, RTPROT_STATIC);
	add_foreign("198.51.100.0/24", OTHER_TABLE, PROTO);
	for (af = 0; af < AF_IDX_COUNT; af++)
		for (i = 0; i < n[af]; i++)
			set(k, &model, af, i, 1);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	kroute_close(k);
	REQUIRE(check_table(&model) == 2);	/* closing kept them */

	/* A new process: an empty RIB. */
	trees_destroy();
	trees_init();
	k = open_table();
	st = stats(k);
	REQUIRE(st.stale == 2200 && st.installed == 2200 && st.queued == 0);
	REQUIRE(trees[AF_IDX_IPV4].n_nodes >= 2000);
	REQUIRE(trees[AF_IDX_IPV4].n_data == 0);
	/* Confirm half, with a new next hop. */
	for (af = 0; af < AF_IDX_COUNT; af++)
		for (i = 0; i < n[af]; i += 2)
			set(k, &model, af, i, 3);
	REQUIRE(stats(k).stale == 1100);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	REQUIRE(check_table(&model) == 2);
	/* The next hop .1's object from the first run was used again. */
	kroute_sweep_stale(k);
	for (af = 0; af < AF_IDX_COUNT; af++)
		for (i = 1; i < n[af]; i += 2)
			*model_at(&model, af, i) = 0;
	REQUIRE(stats(k).stale == 0 && stats(k).queued == 1100);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	st = stats(k);
	REQUIRE(st.installed == 1100 && st.errors == 0);
	REQUIRE(check_table(&model) == 2);
	/* The swept nodes, kept only by kroute, are gone. */
	REQUIRE(trees[AF_IDX_IPV4].n_nodes < 2000);

	kroute_flush(k);
	memset(&model, 0, sizeof(model));
	REQUIRE_K(k, run_until(settled, k, WAIT));
	REQUIRE(stats(k).installed == 0);
	REQUIRE(check_table(&model) == 2);
	/* Nothing of ours is left: no nexthop object either. */
	REQUIRE(system("test -z \"$(ip nexthop show proto 186)\"") == 0);
	kroute_close(k);
}

static bool
error_seen(struct kroute *k)
{
	struct kroute_stats st = stats(k);

	return st.acked == 99 && st.errors == 1;
}

static bool
retried(struct kroute *k)
{
	return stats(k).retries >= 1 && stats(k).errors >= 2;
}

static bool
all_in(struct kroute *k)
{
	return settled(k) && stats(k).installed == 100;
}

static bool
all_out(struct kroute *k)
{
	return settled(k) && stats(k).installed == 0;
}

/* A bad next hop fails its own route only: counted, logged, retried,
 * and superseded by a good one. */
static void
scenario_error(void)
{
	struct kroute *k = open_fresh();
	struct kroute_stats st;
	char *text = NULL;
	size_t textlen = 0;
	FILE *logf;
	unsigned i;
	uint64_t errors;

	memset(&model, 0, sizeof(model));
	REQUIRE((logf = open_memstream(&text, &textlen)) != NULL);
	log_open(logf, LOG_LEVEL_INFO);
	for (i = 0; i < 100; i++) {
		if (i == 50) {
			set_if(k, &model, AF_IDX_IPV4, i, 1, 9999);
			continue;
		}
		set(k, &model, AF_IDX_IPV4, i, 1);
	}
	REQUIRE_K(k, run_until(error_seen, k, WAIT));
	st = stats(k);
	REQUIRE(st.batches == 1);		/* the others in the same one */
	REQUIRE(st.installed == 99 && st.queued == 1);	/* for a retry */
	model.v4[50].g = 0;		/* wanted, not in the table */
	REQUIRE(check_table(&model) == 0);
	model.v4[50].g = 1;
	fflush(logf);
	REQUIRE(text != NULL && strstr(text, "10.0.50.0/24") != NULL);
	/* The kernel's words: on the nexthop object, or on the route. */
	REQUIRE(strstr(text, gateway_mode ? strerror(ENODEV) :
	    "Invalid device index") != NULL);
	REQUIRE_K(k, run_until(retried, k, 3.0));

	/* The next hop is fixed before the next retry. */
	set(k, &model, AF_IDX_IPV4, 50, 1);
	REQUIRE_K(k, run_until(all_in, k, WAIT));
	REQUIRE(check_table(&model) == 0);

	/* Gone already: deleting it is no error. */
	del_behind(AF_IDX_IPV4, 7);
	errors = stats(k).errors;
	del(k, &model, AF_IDX_IPV4, 7);
	REQUIRE_K(k, run_until(settled, k, WAIT));
	REQUIRE(stats(k).errors == errors && stats(k).installed == 99);
	REQUIRE(check_table(&model) == 0);
	kroute_close(k);
	log_open(NULL, LOG_LEVEL_WARN);
	fclose(logf);
	free(text);
}

static void
scenario_error_gateway(void)
{
	gateway_mode = true;
	scenario_error();
}

static uint64_t rng = 0x853c49e6748fea9bull;

/* splitmix64: the same churn on every run */
static unsigned
rnd(unsigned n)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (unsigned)((z ^ (z >> 31)) % n);
}

static size_t
model_total(const struct model *m)
{
	return model_count(m, AF_IDX_IPV4) + model_count(m, AF_IDX_IPV6);
}

static bool
churn_done(struct kroute *k)
{
	return settled(k) && stats(k).installed == model_total(&model);
}

/* Random replaces and deletes of few prefixes, while earlier changes
 * of the same prefixes are still queued: the table ends up as the last
 * change of each says, and no node is left behind. */
static void
scenario_churn(void)
{
	static const uint8_t gws[] = { 1, 3, 4, 5 };	/* .2 is kr0 */
	struct kroute *k = open_fresh();
	unsigned round, op, af, i, spins;

	memset(&model, 0, sizeof(model));
	for (round = 0; round < 40; round++) {
		for (op = 0; op < 1500; op++) {
			af = rnd(5) == 0 ? AF_IDX_IPV6 : AF_IDX_IPV4;
			i = rnd(af == AF_IDX_IPV4 ? 1000 : 200);
			if (rnd(3) == 0)
				del(k, &model, af, i);
			else
				set(k, &model, af, i, gws[rnd(4)]);
		}
		for (spins = rnd(4); spins > 0; spins--)
			ev_run(loop, EVRUN_NOWAIT);
	}
	REQUIRE_K(k, run_until(churn_done, k, WAIT));
	REQUIRE(stats(k).errors == 0);
	REQUIRE(check_table(&model) == 0);
	REQUIRE(trees[AF_IDX_IPV4].n_data == model_count(&model,
	    AF_IDX_IPV4));
	kroute_close(k);
}

static void
link_set(const char *name, bool up)
{
	struct rtnl_link *l, *chg = rtnl_link_alloc();

	REQUIRE(chg != NULL);
	REQUIRE(rtnl_link_get_kernel(nl, 0, name, &l) == 0);
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	else
		rtnl_link_unset_flags(chg, IFF_UP);
	REQUIRE(rtnl_link_change(nl, l, chg, 0) == 0);
	rtnl_link_put(l);
	rtnl_link_put(chg);
}

/* 10.0.0.0/24 .. 10.0.99.0/24 via .1 (again), all in the table. */
static void
hundred_in(struct kroute *k)
{
	unsigned i;

	for (i = 0; i < 100; i++)
		set(k, &model, AF_IDX_IPV4, i, 1);
	REQUIRE_K(k, run_until(all_in, k, WAIT));
}

/* The link goes down: the kernel deletes the next hops' objects and
 * their routes. When it is back, the objects are made again. */
static void
scenario_link_flap(void)
{
	struct kroute *k = open_fresh();
	unsigned i;

	memset(&model, 0, sizeof(model));
	hundred_in(k);
	link_set("kr0", false);
	for (i = 0; i < 100; i++)
		del(k, &model, AF_IDX_IPV4, i);	/* gone already */
	REQUIRE_K(k, run_until(all_out, k, WAIT));
	REQUIRE(stats(k).errors == 0);
	link_set("kr0", true);
	hundred_in(k);
	REQUIRE(stats(k).errors == 0 && stats(k).nexthops == 2);
	REQUIRE(check_table(&model) == 0);
	kroute_close(k);
}

/* Deleted behind kroute's back, with its routes: the first route that
 * names it fails, the object is made again and the route sent again. */
static void
scenario_nexthop_gone(void)
{
	struct kroute *k = open_fresh();

	memset(&model, 0, sizeof(model));
	hundred_in(k);
	/* The kernel's notice of it is not read before the routes go. */
	REQUIRE(system("ip nexthop flush proto 186 >/dev/null 2>&1") == 0);
	hundred_in(k);
	REQUIRE(check_table(&model) == 0);
	REQUIRE(stats(k).nexthops == 2);
	kroute_close(k);
}

static bool
overrun_in(struct kroute *k)
{
	return stats(k).queued == 0 && stats(k).installed == 3000;
}

static bool
overrun_out(struct kroute *k)
{
	return stats(k).queued == 0 && stats(k).installed == 0;
}

static char *overrun_text;
static size_t overrun_len;
static FILE *overrun_log;

static bool
overrun_seen(struct kroute *k)
{
	(void)k;
	fflush(overrun_log);
	return overrun_text != NULL &&
	    strstr(overrun_text, "netlink overrun") != NULL;
}

/*
 * A receive buffer far too small for the answers of a batch that fails
 * whole (its link is down): they are lost (ENOBUFS), the batch is sent
 * again, fewer at a time, until the errors are read and retried; the link
 * back, the table ends up right.
 */
static void
scenario_overrun(void)
{
	struct kroute *k;
	unsigned i;
	int tiny = 1;

	gateway_mode = true;	/* each route fails, not its next hop */
	k = open_fresh();
	memset(&model, 0, sizeof(model));
	REQUIRE((overrun_log = open_memstream(&overrun_text,
	    &overrun_len)) != NULL);
	log_open(overrun_log, LOG_LEVEL_INFO);
	REQUIRE(setsockopt(th_other_route_socket(nl_socket_get_fd(nl)),
	    SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)) == 0);
	link_set("kr0", false);
	for (i = 0; i < 3000; i++)
		set(k, &model, AF_IDX_IPV4, i, 1);
	REQUIRE_K(k, run_until(overrun_seen, k, WAIT));
	link_set("kr0", true);
	REQUIRE_K(k, run_until(overrun_in, k, WAIT));
	REQUIRE(check_table(&model) == 0);
	for (i = 0; i < 3000; i++)
		del(k, &model, AF_IDX_IPV4, i);
	REQUIRE_K(k, run_until(overrun_out, k, WAIT));
	REQUIRE(check_table(&model) == 0);
	kroute_close(k);
	log_open(NULL, LOG_LEVEL_WARN);
	fclose(overrun_log);
	free(overrun_text);
}

/* ---- the parent's side ---- */

/* Every scenario runs between setup_links() and teardown(). */
static void (*scenario)(void);

static void
scenario_in_links(void)
{
	setup_links();
	scenario();
	teardown();
}

static void
in_netns(void (*fn)(void), const char *what)
{
	scenario = fn;
	th_in_netns("kroute", what, 60, scenario_in_links);
}

START_TEST(test_kr_install)
{
	in_netns(scenario_install, "install");
}
END_TEST

START_TEST(test_kr_install_gateway)
{
	in_netns(scenario_install_gateway, "install, gateway in each route");
}
END_TEST

START_TEST(test_kr_restart)
{
	in_netns(scenario_restart, "restart");
}
END_TEST

START_TEST(test_kr_error)
{
	in_netns(scenario_error, "error");
}
END_TEST

START_TEST(test_kr_error_gateway)
{
	in_netns(scenario_error_gateway, "error, gateway in each route");
}
END_TEST

START_TEST(test_kr_churn)
{
	in_netns(scenario_churn, "churn");
}
END_TEST

START_TEST(test_kr_link_flap)
{
	in_netns(scenario_link_flap, "link flap");
}
END_TEST

START_TEST(test_kr_nexthop_gone)
{
	in_netns(scenario_nexthop_gone, "nexthop object gone");
}
END_TEST

START_TEST(test_kr_overrun)
{
	in_netns(scenario_overrun, "overrun");
}
END_TEST

Suite *
kroute_suite(void)
{
	Suite *s = suite_create("kroute");
	TCase *tc = tcase_create("kroute");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_kr_install);
	tcase_add_test(tc, test_kr_install_gateway);
	tcase_add_test(tc, test_kr_restart);
	tcase_add_test(tc, test_kr_error);
	tcase_add_test(tc, test_kr_error_gateway);
	tcase_add_test(tc, test_kr_churn);
	tcase_add_test(tc, test_kr_link_flap);
	tcase_add_test(tc, test_kr_nexthop_gone);
	tcase_add_test(tc, test_kr_overrun);
	suite_add_tcase(s, tc);
	return s;
}
