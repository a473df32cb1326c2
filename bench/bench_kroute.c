/*
 * bench_kroute: how fast kroute fills kernel table 20000.
 *
 * Runs as root in a network namespace of its own (unshare at start), with
 * a veth pair whose kb0 end (100.65.128.2/24) carries the next hops, so
 * nothing touches the host. A seeded PRNG makes the same 1M IPv4 prefixes
 * on every run, with the length mix of today's default-free table and one
 * of four next hops each. Phases, each timed until every change is
 * acknowledged:
 *   install   1M kroute_changed() on a tree of 1M prefixes (made before
 *             the clock starts), into an empty table
 *   reopen    kroute_close() and kroute_open() on the full table (the
 *             restart: the table is dumped, every route is stale)
 *   replace   1M kroute_changed() for another next hop, confirming them
 *   delete    1M prefixes leaving the tree, kroute_changed() for each
 * `--floor` instead writes the same 1M routes with a minimal raw netlink
 * loop (hand-built RTM_NEWROUTE, 64 per sendmsg(), answers read without
 * waiting): what the kernel itself costs, the cheapest way it offers
 * (`floor`: nexthop objects, an ack per sendmsg) and PEERS.md's way
 * (`floor-gateway`: the gateway in each route, an ack per route), each
 * in a namespace of its own. `--gateway` runs the kroute phases with the
 * gateway in each route instead of nexthop objects, as the per-mux tables
 * write theirs (peertable.h). After install and delete, kernel_mib: the
 * kernel's Slab + VmallocUsed (/proc/meminfo) against before the install,
 * machine-wide (other programs add noise: compare with the floor runs).
 * Numbers only, no verdict.
 */
#include <arpa/inet.h>
#include <err.h>
#include <malloc.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <ev.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "../src/lib/log.h"
#include "../src/lib/prefix.h"
#include "../src/rib/kroute.h"

#define SEED		0x2545f4914f6cdd1dull
#define N_DEFAULT	1000000
#define N_NEXTHOPS	4
#define FLOOR_BATCH	64

/*
 * Prefix-length mix, per 10000, of today's IPv4 default-free table (as in
 * bench_decode): /24 about 60%, /23 and /22 8% each, /21 6%, /20 5%,
 * /8../19 11.6% together, /25../32 1.4%.
 */
static const unsigned len_mix[33] = {
	[8] = 1, [9] = 2, [10] = 5, [11] = 10, [12] = 20, [13] = 35,
	[14] = 60, [15] = 80, [16] = 200, [17] = 150, [18] = 250, [19] = 350,
	[20] = 500, [21] = 600, [22] = 800, [23] = 800, [24] = 6000,
	[25] = 30, [26] = 25, [27] = 20, [28] = 20, [29] = 15, [30] = 10,
	[31] = 5, [32] = 12,
};

static const uint8_t nexthops[N_NEXTHOPS][4] = {
	{ 100, 65, 128, 1 }, { 100, 65, 128, 3 }, { 100, 65, 128, 4 },
	{ 100, 65, 128, 5 },
};

struct route {
	struct prefix	p;
	uint8_t		nh;		/* index into nexthops */
};

static uint64_t rng_state = SEED;

/* splitmix64 */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
pick_len(void)
{
	unsigned r = (unsigned)(rng_next() % 10000), len;

	for (len = 0; len < 32; len++) {
		if (r < len_mix[len])
			return len;
		r -= len_mix[len];
	}
	return 32;
}

/* ---- distinct prefixes: an open-addressing set of (address, length) ---- */

struct seen {
	uint64_t	*v;
	size_t		 mask;
};

static bool
seen_add(struct seen *s, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & s->mask;

	for (; s->v[i] != 0; i = (i + 1) & s->mask)
		if (s->v[i] == key)
			return false;
	s->v[i] = key;
	return true;
}

static struct route *
make_routes(size_t n)
{
	struct route *r;
	struct seen s;
	uint32_t a;
	unsigned len, first;
	size_t i = 0, cap = 1;

	while (cap < n * 2)
		cap <<= 1;
	if ((r = calloc(n, sizeof(*r))) == NULL ||
	    (s.v = calloc(cap, sizeof(*s.v))) == NULL)
		err(1, "calloc");
	s.mask = cap - 1;
	while (i < n) {
		len = pick_len();
		a = (uint32_t)rng_next();
		first = a >> 24;
		/* Unicast space, as a table has it. */
		if (first == 0 || first == 10 || first == 127 || first >= 224)
			continue;
		a &= len == 0 ? 0 : 0xffffffffu << (32 - len);
		if (!seen_add(&s, ((uint64_t)a << 8 | len) + 1))
			continue;
		r[i].p.af = AF_IDX_IPV4;
		r[i].p.len = (uint8_t)len;
		a = htonl(a);
		memcpy(r[i].p.addr, &a, 4);
		r[i].nh = (uint8_t)(rng_next() % N_NEXTHOPS);
		i++;
	}
	free(s.v);
	return r;
}

/* ---- the namespace ---- */

static int
setup_netns(void)
{
	struct nl_sock *sk;
	struct rtnl_link *l, *chg;
	struct rtnl_addr *a;
	struct nl_addr *local;
	const char *names[] = { "kb0", "kb1" };
	int i, ifindex = 0;

	if (unshare(CLONE_NEWNET) == -1)
		err(1, "unshare(CLONE_NEWNET) (root needed)");
	if ((sk = nl_socket_alloc()) == NULL || nl_connect(sk, NETLINK_ROUTE))
		errx(1, "netlink");
	if (rtnl_link_veth_add(sk, "kb0", "kb1", getpid()) < 0)
		errx(1, "veth");
	for (i = 0; i < 2; i++) {
		if (rtnl_link_get_kernel(sk, 0, names[i], &l) < 0 ||
		    (chg = rtnl_link_alloc()) == NULL)
			errx(1, "link %s", names[i]);
		rtnl_link_set_flags(chg, IFF_UP);
		if (rtnl_link_change(sk, l, chg, 0) < 0)
			errx(1, "link %s up", names[i]);
		rtnl_link_put(chg);
		if (i == 0)
			ifindex = rtnl_link_get_ifindex(l);
		rtnl_link_put(l);
	}
	if ((a = rtnl_addr_alloc()) == NULL ||
	    nl_addr_parse("100.65.128.2/24", AF_INET, &local) < 0)
		errx(1, "address");
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	if (rtnl_addr_add(sk, a, 0) < 0)
		errx(1, "address add");
	nl_addr_put(local);
	rtnl_addr_put(a);
	nl_socket_free(sk);
	return ifindex;
}

static void
link_down(const char *name)
{
	struct nl_sock *sk;
	struct rtnl_link *l, *chg;

	if ((sk = nl_socket_alloc()) == NULL || nl_connect(sk, NETLINK_ROUTE) ||
	    rtnl_link_get_kernel(sk, 0, name, &l) < 0 ||
	    (chg = rtnl_link_alloc()) == NULL)
		errx(1, "link %s", name);
	rtnl_link_unset_flags(chg, IFF_UP);
	if (rtnl_link_change(sk, l, chg, 0) < 0)
		errx(1, "link %s down", name);
	rtnl_link_put(chg);
	rtnl_link_put(l);
	nl_socket_free(sk);
}

/* CPU seconds of this process so far: user, or system. */
static double
cpu_s(bool sys)
{
	struct rusage ru;
	struct timeval *tv = sys ? &ru.ru_stime : &ru.ru_utime;

	getrusage(RUSAGE_SELF, &ru);
	return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

/* Resident set size in MiB, from /proc, after giving freed heap back
 * (a burst's queue is freed once sent; glibc may keep it otherwise). */
static double
rss_mib(void)
{
	char line[256];
	double kb = 0;
	FILE *f;

	malloc_trim(0);
	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- through kroute ---- */

static struct ev_loop *loop;

static bool
all_answered(struct kroute *k)
{
	struct kroute_stats st;

	kroute_get_stats(k, &st);
	return st.queued == 0 && st.inflight == 0;
}

static void
on_tick(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

/* kroute reads the answers as soon as it sends: no event follows its
 * last batch, so a tick ends each iteration to look again. */
static void
run_until_answered(struct kroute *k)
{
	ev_timer tick;

	ev_timer_init(&tick, on_tick, 0.01, 0.01);
	ev_timer_start(loop, &tick);
	while (!all_answered(k))
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &tick);
}

/* Where a phase started: wall clock, CPU, and kroute's counters. */
struct mark {
	double			wall, user, sys;
	struct kroute_stats	st;
};

static void
mark_start(struct mark *m, struct kroute *k)
{
	kroute_get_stats(k, &m->st);
	m->user = cpu_s(false);
	m->sys = cpu_s(true);
	m->wall = now_s();
}

static void
report(const char *phase, size_t n, const struct mark *m, struct kroute *k)
{
	struct kroute_stats st;
	double secs = now_s() - m->wall;
	uint64_t batches, sent;

	kroute_get_stats(k, &st);
	batches = st.batches - m->st.batches;
	sent = st.sent - m->st.sent;
	printf("bench kroute %-8s routes=%zu s=%.3f routes_per_s=%.0f "
	    "user_s=%.3f sys_s=%.3f batches=%llu msgs_per_batch=%.1f "
	    "errors=%llu installed=%zu stale=%zu kroute_bytes=%zu "
	    "rss_mib=%.1f\n", phase, n, secs, n / secs, cpu_s(false) - m->user,
	    cpu_s(true) - m->sys, (unsigned long long)batches,
	    batches ? (double)sent / batches : 0.0,
	    (unsigned long long)(st.errors - m->st.errors), st.installed,
	    st.stale, st.bytes, rss_mib());
	fflush(stdout);
}

/* The tree kroute mirrors: a node per route, its data the route. */
static struct ptree trees[AF_IDX_COUNT];
static unsigned nh_shift;		/* the replace phase moves them */
static int bench_ifindex;

static bool
bench_want(void *ctx, unsigned af, const struct ptree_node *n,
    struct kroute_want *w)
{
	const struct route *r = ptree_data(n);

	(void)ctx;
	(void)af;
	if (r == NULL)
		return false;
	w->nexthop = nexthops[(r->nh + nh_shift) % N_NEXTHOPS];
	w->ifindex = bench_ifindex;
	return true;
}

static bool gateway_mode;		/* --gateway */
static double kernel_before;

/* The kernel's slab and vmalloc memory, MiB (machine-wide). */
static double
kernel_mib(void)
{
	char line[256];
	double kb, sum = 0;
	FILE *f;

	if ((f = fopen("/proc/meminfo", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Slab: %lf kB", &kb) == 1 ||
		    sscanf(line, "VmallocUsed: %lf kB", &kb) == 1)
			sum += kb;
	fclose(f);
	return sum / 1024;
}

static struct kroute *
open_or_die(void)
{
	struct kroute *k;

	if ((k = kroute_open(loop, KROUTE_TABLE_PEERING,
	    KROUTE_PROTO_PEERING, trees, bench_want, NULL)) == NULL)
		errx(1, "kroute_open");
	if (gateway_mode)
		kroute_use_nexthop_objects(k, false);
	return k;
}

static struct ptree_node *
node_of(const struct route *r)
{
	struct ptree_node *n = ptree_get(&trees[AF_IDX_IPV4], &r->p);

	if (n == NULL)
		errx(1, "out of memory");
	return n;
}

static void
bench_kroute(const struct route *r, size_t n, int ifindex)
{
	struct ptree_node **node;
	struct kroute *k;
	struct mark m;
	size_t i;

	bench_ifindex = ifindex;
	for (i = 0; i < AF_IDX_COUNT; i++)
		ptree_init(&trees[i], (unsigned)i);
	/* The tree first, untimed: what is timed is kroute's. */
	if ((node = calloc(n, sizeof(*node))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		node[i] = node_of(&r[i]);
		ptree_set_data(&trees[AF_IDX_IPV4], node[i], (void *)&r[i]);
	}
	printf("bench kroute start    routes=%zu rss_mib=%.1f (the routes' "
	    "own array and tree included)\n", n, rss_mib());
	k = open_or_die();

	kernel_before = kernel_mib();
	mark_start(&m, k);
	for (i = 0; i < n; i++)
		kroute_changed(k, AF_IDX_IPV4, node[i]);
	run_until_answered(k);
	report("install", n, &m, k);
	printf("bench kroute kernel   routes=%zu gateway=%d kernel_mib=%.1f "
	    "bytes_per_route=%.0f\n", n, gateway_mode, kernel_mib() -
	    kernel_before, (kernel_mib() - kernel_before) * 1048576. / n);

	mark_start(&m, k);
	kroute_close(k);
	k = open_or_die();
	m.st.batches = m.st.sent = m.st.errors = 0;
	report("reopen", n, &m, k);

	mark_start(&m, k);
	nh_shift = 1;
	for (i = 0; i < n; i++)
		kroute_changed(k, AF_IDX_IPV4, node[i]);
	kroute_sweep_stale(k);
	run_until_answered(k);
	report("replace", n, &m, k);

	mark_start(&m, k);
	for (i = 0; i < n; i++) {
		ptree_set_data(&trees[AF_IDX_IPV4], node[i], NULL);
		kroute_changed(k, AF_IDX_IPV4, node[i]);
		ptree_release(&trees[AF_IDX_IPV4], node[i]);
	}
	run_until_answered(k);
	report("delete", n, &m, k);
	kroute_close(k);
	free(node);
	for (i = 0; i < AF_IDX_COUNT; i++)
		ptree_destroy(&trees[i]);
}

/* ---- the floor: raw netlink, nothing else ---- */

/*
 * Two ways to write the routes, each timed in a fresh namespace:
 * - floor: the cheapest the kernel offers. The four next hops are nexthop
 *   objects (RTM_NEWNEXTHOP, made before the clock starts) and each route
 *   names one (RTA_NH_ID): the kernel then shares one fib_info for all
 *   the routes of a next hop instead of building one per route and
 *   freeing it again. Only the last message of a sendmsg() asks for an
 *   ack: the kernel answers every failing one anyway, and it has handled
 *   the whole batch by the time sendmsg() returns.
 * - floor-gateway: PEERS.md's loop, for comparison: RTA_GATEWAY and
 *   RTA_OIF in every route, every message acknowledged.
 */
struct floor_way {
	const char	*name;
	bool		 nh_objects;
	bool		 ack_each;
};

static const struct floor_way floor_ways[] = {
	{ "floor", true, false },
	{ "floor-gateway", false, true },
};

struct rta_u32 {
	struct rtattr	rta;
	uint32_t	v;
};

struct floor_msg {
	struct nlmsghdr	h;
	struct rtmsg	r;
	struct rta_u32	table, dst, gw, oif;	/* gw: RTA_NH_ID instead */
};

/* The message for r into buf (4-byte aligned); its length. */
static size_t
floor_fill(uint8_t *buf, const struct floor_way *w, const struct route *r,
    uint32_t seq, int ifindex, bool ack)
{
	struct floor_msg m;

	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = RTM_NEWROUTE;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE |
	    (ack ? NLM_F_ACK : 0);
	m.h.nlmsg_seq = seq;
	m.r.rtm_family = AF_INET;
	m.r.rtm_dst_len = r->p.len;
	m.r.rtm_table = RT_TABLE_UNSPEC;
	m.r.rtm_protocol = KROUTE_PROTO_PEERING;
	m.r.rtm_scope = RT_SCOPE_UNIVERSE;
	m.r.rtm_type = RTN_UNICAST;
	m.table.rta = (struct rtattr){ sizeof(m.table), RTA_TABLE };
	m.table.v = KROUTE_TABLE_PEERING;
	m.dst.rta = (struct rtattr){ sizeof(m.dst), RTA_DST };
	memcpy(&m.dst.v, r->p.addr, 4);
	if (w->nh_objects) {
		m.gw.rta = (struct rtattr){ sizeof(m.gw), RTA_NH_ID };
		m.gw.v = 1u + r->nh;
		m.h.nlmsg_len -= sizeof(m.oif);
	} else {
		m.r.rtm_flags = RTNH_F_ONLINK;
		m.gw.rta = (struct rtattr){ sizeof(m.gw), RTA_GATEWAY };
		memcpy(&m.gw.v, nexthops[r->nh], 4);
		m.oif.rta = (struct rtattr){ sizeof(m.oif), RTA_OIF };
		m.oif.v = (uint32_t)ifindex;
	}
	memcpy(buf, &m, m.h.nlmsg_len);
	return m.h.nlmsg_len;
}

/* Every answer already queued; the number read, errors counted. */
static size_t
floor_read(int fd, size_t *errors)
{
	char buf[8192];
	struct nlmsghdr *h;
	struct nlmsgerr *e;
	ssize_t len;
	size_t n = 0;

	while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		h = (struct nlmsghdr *)buf;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = NLMSG_DATA(h);
			if (e->error != 0)
				(*errors)++;
			n++;
		}
	}
	if (len == -1 && errno != EAGAIN)
		err(1, "recv");
	return n;
}

/* The four next hops as nexthop objects 1..4, onlink on kb0. */
static void
floor_nexthops(int fd, int ifindex)
{
	struct {
		struct nlmsghdr	h;
		struct nhmsg	nh;
		struct rta_u32	id, gw, oif;
	} m;
	size_t errors = 0;
	uint32_t i;

	for (i = 0; i < N_NEXTHOPS; i++) {
		memset(&m, 0, sizeof(m));
		m.h.nlmsg_len = sizeof(m);
		m.h.nlmsg_type = RTM_NEWNEXTHOP;
		m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
		m.h.nlmsg_seq = i + 1;
		m.nh.nh_family = AF_INET;
		m.nh.nh_protocol = KROUTE_PROTO_PEERING;
		m.nh.nh_flags = RTNH_F_ONLINK;
		m.id.rta = (struct rtattr){ sizeof(m.id), NHA_ID };
		m.id.v = i + 1;
		m.gw.rta = (struct rtattr){ sizeof(m.gw), NHA_GATEWAY };
		memcpy(&m.gw.v, nexthops[i], 4);
		m.oif.rta = (struct rtattr){ sizeof(m.oif), NHA_OIF };
		m.oif.v = (uint32_t)ifindex;
		if (send(fd, &m, sizeof(m), 0) == -1)
			err(1, "send");
	}
	for (i = 0; i < N_NEXTHOPS;)
		i += (uint32_t)floor_read(fd, &errors);
	if (errors > 0)
		errx(1, "nexthop objects: %zu errors", errors);
}

static void
bench_floor(const struct floor_way *w, const struct route *r, size_t n,
    int ifindex)
{
	uint8_t buf[FLOOR_BATCH * sizeof(struct floor_msg)];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t i, j, off, acks = 0, want = 0, errors = 0, batches = 0;
	int fd, size = 4 << 20;
	double t, user, sys;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		err(1, "netlink socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		err(1, "SO_RCVBUFFORCE");
	if (w->nh_objects)
		floor_nexthops(fd, ifindex);
	user = cpu_s(false);
	sys = cpu_s(true);
	t = now_s();
	for (i = 0; i < n; i += FLOOR_BATCH) {
		for (j = 0, off = 0; j < FLOOR_BATCH && i + j < n; j++)
			off += floor_fill(buf + off, w, &r[i + j],
			    (uint32_t)(i + j + 1), ifindex, w->ack_each ||
			    j + 1 == FLOOR_BATCH || i + j + 1 == n);
		if (send(fd, buf, off, 0) == -1)
			err(1, "send");
		batches++;
		want += w->ack_each ? j : 1;
		acks += floor_read(fd, &errors);
	}
	/* Without an ack each, a failing message adds an answer. */
	while (acks < want + (w->ack_each ? 0 : errors))
		acks += floor_read(fd, &errors);
	t = now_s() - t;
	printf("bench S1 %s kernel_s=%.3f routes=%zu routes_per_s=%.0f "
	    "user_s=%.3f sys_s=%.3f batches=%zu errors=%zu (%s)\n", w->name,
	    t, n, n / t, cpu_s(false) - user, cpu_s(true) - sys, batches,
	    errors, w->nh_objects ? "nexthop objects, an ack per sendmsg" :
	    "gateway in each route, an ack per route");
	fflush(stdout);
	close(fd);
	/* The routes go now, with their link, not in the kernel's cleanup
	 * of the namespace while the next way is timed. */
	link_down("kb0");
}

/* Each way in a child of its own, in a namespace of its own. */
static void
floors(const struct route *r, size_t n)
{
	size_t i;
	pid_t pid;
	int status;

	for (i = 0; i < sizeof(floor_ways) / sizeof(floor_ways[0]); i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			bench_floor(&floor_ways[i], r, n, setup_netns());
			_exit(0);
		}
		if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			errx(1, "%s: failed", floor_ways[i].name);
	}
}

int
main(int argc, char **argv)
{
	struct route *r;
	size_t n = N_DEFAULT;
	bool floor_mode = false;
	int i, ifindex = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--floor") == 0)
			floor_mode = true;
		else if (strcmp(argv[i], "--gateway") == 0)
			gateway_mode = true;
		else if (strcmp(argv[i], "--routes") == 0 && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else
			errx(2, "usage: bench_kroute [--floor | --gateway] "
			    "[--routes N]");
	}
	log_open(NULL, LOG_LEVEL_WARN);
	r = make_routes(n);
	if (floor_mode)
		floors(r, n);
	else {
		ifindex = setup_netns();
		loop = ev_loop_new(EVFLAG_AUTO);
		bench_kroute(r, n, ifindex);
		ev_loop_destroy(loop);
	}
	free(r);
	return 0;
}
