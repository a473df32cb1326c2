/*
 * linkmon against the real kernel: links and addresses made through libnl
 * in a private network namespace, so nothing touches the host's links.
 * Each test forks (also under CK_FORK=no), the child unshares its network
 * namespace, runs the scenario and reports through its exit status; the
 * namespace dies with the child. Needs root; skipped otherwise.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include <ev.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "../../src/lib/log.h"
#include "../../src/lib/prefix.h"
#include "../../src/netns/linkmon.h"
#include "th_netns.h"

#define MAX_SEEN	1024
#define WAIT		5.0	/* seconds, for anything the kernel does */

enum { DOWN = 0, UP = 1 };

/* ---- the child's side: failing, recording, waiting ---- */

struct seen {
	char	name[IFNAMSIZ];
	bool	up, v4, v6, gone;
};

static struct nl_sock	*nl;			/* the test's own requests */
static struct ev_loop	*loop;
static struct linkmon	*lm;
static struct seen	 seen[MAX_SEEN];
static size_t		 nseen;
static int		 bad_line;		/* a callback saw a mismatch */

static void
trace_events(char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < nseen && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, " %s:%s%s%s%s",
		    seen[i].name, seen[i].gone ? "gone" : seen[i].up ? "up" :
		    "down", seen[i].v4 ? "+4" : "", seen[i].v6 ? "+6" : "",
		    i + 1 < nseen ? "," : "");
}

static void __attribute__((noreturn))
child_fail(int line, const char *what)
{
	char msg[2048];
	int n;

	n = snprintf(msg, sizeof(msg), "line %d: %s; events:", line, what);
	trace_events(msg + n, sizeof(msg) - (size_t)n);
	if (write(th_netns_report_fd, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(1);
}

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		child_fail(__LINE__, #cond);				\
} while (0)

static void
record(void *ctx, const struct linkmon_event *ev)
{
	struct linkmon_event now;
	struct seen *s;

	(void)ctx;
	REQUIRE(nseen < MAX_SEEN);
	s = &seen[nseen++];
	snprintf(s->name, sizeof(s->name), "%s", ev->ifname);
	s->up = ev->up;
	s->v4 = ev->has_v4;
	s->v6 = ev->has_v6;
	s->gone = ev->gone;
	/* The table agrees with what the callback is told. */
	if (ev->gone ? linkmon_get(lm, ev->ifname, &now) :
	    !linkmon_get(lm, ev->ifname, &now) || now.up != ev->up ||
	    now.has_v4 != ev->has_v4 || now.has_v6 != ev->has_v6 ||
	    now.ifindex != ev->ifindex)
		bad_line = __LINE__;
}

static const struct seen *
last_seen(const char *name)
{
	size_t i;

	for (i = nseen; i > 0; i--)
		if (strcmp(seen[i - 1].name, name) == 0)
			return &seen[i - 1];
	return NULL;
}

static size_t
count_seen(const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < nseen; i++)
		n += strcmp(seen[i].name, name) == 0;
	return n;
}

static bool timed_out;

static void
on_timeout(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	timed_out = true;
}

/* Run the loop until pred(arg) holds or secs pass; whether it held. */
static bool
run_until(bool (*pred)(const void *), const void *arg, double secs)
{
	ev_timer t;

	timed_out = false;
	ev_timer_init(&t, on_timeout, secs, 0.);
	ev_timer_start(loop, &t);
	while ((pred == NULL || !pred(arg)) && !timed_out)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &t);
	REQUIRE(bad_line == 0);
	return pred != NULL && pred(arg);
}

struct want {
	const char	*name;
	struct seen	 s;
};

static bool
reached(const void *arg)
{
	const struct want *w = arg;
	const struct seen *s = last_seen(w->name);

	return s != NULL && s->up == w->s.up && s->v4 == w->s.v4 &&
	    s->v6 == w->s.v6 && s->gone == w->s.gone;
}

/* Wait until the last report for name says this. */
static bool
wait_state(const char *name, bool up, bool v4, bool v6, bool gone)
{
	struct want w = { name, { "", up, v4, v6, gone } };

	return run_until(reached, &w, WAIT);
}

static bool
gone(const void *name)
{
	const struct seen *s = last_seen(name);

	return s != NULL && s->gone;
}

static bool
is_seen(const struct seen *s, bool up, bool v4, bool v6, bool gone)
{
	return s->up == up && s->v4 == v4 && s->v6 == v6 && s->gone == gone;
}

/* The reports for name, in order. */
static size_t
reports_of(const char *name, const struct seen **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < nseen && n < max; i++)
		if (strcmp(seen[i].name, name) == 0)
			out[n++] = &seen[i];
	return n;
}

/* ---- making links and addresses through libnl ---- */

static int
ifindex_of(const char *name)
{
	struct rtnl_link *l;
	int index;

	REQUIRE(rtnl_link_get_kernel(nl, 0, name, &l) == 0);
	index = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return index;
}

/* A veth pair: the test kernel may lack the dummy driver, and a veth
 * has what a tap has, a carrier (the peer being up). */
static void
add_veth(const char *name, const char *peer)
{
	REQUIRE(rtnl_link_veth_add(nl, name, peer, getpid()) == 0);
}

static void
add_bridge(const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();

	REQUIRE(l != NULL);
	rtnl_link_set_name(l, name);
	REQUIRE(rtnl_link_set_type(l, "bridge") == 0);
	REQUIRE(rtnl_link_add(nl, l, NLM_F_CREATE | NLM_F_EXCL) == 0);
	rtnl_link_put(l);
}

/* A tap as OpenVPN holds it: the link lives while fd is open (or is
 * persistent), and has a carrier only while fd is open. */
static int
tap_attach(const char *name)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1) {
		if (write(th_netns_report_fd, "no /dev/net/tun", 15) < 0)
			_exit(2);
		_exit(TH_NETNS_SKIPPED);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	REQUIRE(ioctl(fd, TUNSETIFF, &ifr) == 0);
	return fd;
}

static void
del_link(const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();

	REQUIRE(l != NULL);
	rtnl_link_set_name(l, name);
	REQUIRE(rtnl_link_delete(nl, l) == 0);
	rtnl_link_put(l);
}

/* up: 1 or 0; mtu: 0 leaves it. */
static void
change_link(const char *name, int up, unsigned mtu)
{
	struct rtnl_link *old, *chg = rtnl_link_alloc();

	REQUIRE(chg != NULL);
	REQUIRE(rtnl_link_get_kernel(nl, 0, name, &old) == 0);
	if (up == UP)
		rtnl_link_set_flags(chg, IFF_UP);
	else if (up == DOWN)
		rtnl_link_unset_flags(chg, IFF_UP);
	if (mtu)
		rtnl_link_set_mtu(chg, mtu);
	REQUIRE(rtnl_link_change(nl, old, chg, 0) == 0);
	rtnl_link_put(old);
	rtnl_link_put(chg);
}

static struct rtnl_addr *
make_addr(const char *name, const char *text, int flags)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	REQUIRE(a != NULL);
	REQUIRE(nl_addr_parse(text, AF_UNSPEC, &local) == 0);
	rtnl_addr_set_ifindex(a, ifindex_of(name));
	REQUIRE(rtnl_addr_set_local(a, local) == 0);
	rtnl_addr_set_flags(a, flags);
	nl_addr_put(local);
	return a;
}

static void
add_addr(const char *name, const char *text, int flags)
{
	struct rtnl_addr *a = make_addr(name, text, flags);

	REQUIRE(rtnl_addr_add(nl, a, 0) == 0);
	rtnl_addr_put(a);
}

static void
del_addr(const char *name, const char *text)
{
	struct rtnl_addr *a = make_addr(name, text, 0);

	REQUIRE(rtnl_addr_delete(nl, a, 0) == 0);
	rtnl_addr_put(a);
}

/* IFA_F_* of an address as the kernel has it now; -1 if absent. */
static long
kernel_addr_flags(const char *name, const char *text)
{
	struct nl_cache *cache;
	struct rtnl_addr *want = make_addr(name, text, 0);
	struct nl_object *o;
	long flags = -1;

	REQUIRE(rtnl_addr_alloc_cache(nl, &cache) == 0);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) == rtnl_addr_get_ifindex(want) &&
		    nl_addr_cmp(rtnl_addr_get_local(a),
		    rtnl_addr_get_local(want)) == 0)
			flags = (long)rtnl_addr_get_flags(a);
	}
	nl_cache_free(cache);
	rtnl_addr_put(want);
	return flags;
}

static bool
local_is(const char *name, unsigned af, const char *text)
{
	struct prefix got, want;

	REQUIRE(addr_parse(text, &want) == 0);
	return linkmon_local_addr(lm, name, af, &got) == 0 &&
	    prefix_equal(&got, &want);
}

static void
start(void)
{
	nl = nl_socket_alloc();
	REQUIRE(nl != NULL);
	REQUIRE(nl_connect(nl, NETLINK_ROUTE) == 0);
	loop = ev_loop_new(EVFLAG_AUTO);
	REQUIRE(loop != NULL);
	lm = linkmon_open(loop, record, NULL);
	REQUIRE(lm != NULL);
	/* Every link found at open is reported once, from the loop. */
	REQUIRE(nseen == 0);
	run_until(NULL, NULL, 0.05);
	REQUIRE(count_seen("lo") == 1);
}

static void
stop(void)
{
	linkmon_close(lm);
	ev_loop_destroy(loop);
	nl_socket_free(nl);
}

/* ---- the scenarios (in the child, in its own namespace) ---- */

static void
scenario_lifecycle(void)
{
	const struct seen *r[16];
	struct linkmon_event st;
	struct prefix p;
	size_t n, i;

	start();
	REQUIRE(linkmon_get(lm, "lo", &st) && !st.up && !st.gone);
	REQUIRE(!linkmon_get(lm, "lmnone", &st));
	REQUIRE(linkmon_local_addr(lm, "lmnone", AF_IDX_IPV4, &p) == -1);
	REQUIRE(linkmon_local_addr(lm, "lo", AF_IDX_COUNT, &p) == -1);

	add_veth("lmtest0", "lmtest0p");
	REQUIRE(wait_state("lmtest0", DOWN, false, false, false));
	REQUIRE(wait_state("lmtest0p", DOWN, false, false, false));
	/* Administratively up without a carrier (the peer is down) is
	 * still down: no report. */
	n = nseen;
	change_link("lmtest0", UP, 0);
	run_until(NULL, NULL, 0.3);
	REQUIRE(nseen == n);
	REQUIRE(linkmon_get(lm, "lmtest0", &st) && !st.up);
	change_link("lmtest0p", UP, 0);
	REQUIRE(wait_state("lmtest0", UP, false, false, false));
	add_addr("lmtest0", "192.0.2.1/24", 0);
	REQUIRE(wait_state("lmtest0", UP, true, false, false));
	REQUIRE(local_is("lmtest0", AF_IDX_IPV4, "192.0.2.1"));
	REQUIRE(linkmon_local_addr(lm, "lmtest0", AF_IDX_IPV6, &p) == -1);
	add_addr("lmtest0", "2001:db8::1/64", IFA_F_NODAD);
	REQUIRE(wait_state("lmtest0", UP, true, true, false));
	REQUIRE(local_is("lmtest0", AF_IDX_IPV6, "2001:db8::1"));
	REQUIRE(linkmon_get(lm, "lmtest0", &st) && st.ifindex ==
	    ifindex_of("lmtest0"));

	/* MTU, another link-local address, a second IPv4 address: none of
	 * them changes up / has_v4 / has_v6, so no report. */
	n = nseen;
	change_link("lmtest0", -1, 1400);
	add_addr("lmtest0", "fe80::99/64", IFA_F_NODAD);
	add_addr("lmtest0", "198.51.100.1/24", 0);
	run_until(NULL, NULL, 0.3);
	REQUIRE(nseen == n);
	REQUIRE(local_is("lmtest0", AF_IDX_IPV4, "192.0.2.1"));
	del_addr("lmtest0", "192.0.2.1/24");
	run_until(NULL, NULL, 0.3);
	REQUIRE(nseen == n);
	REQUIRE(local_is("lmtest0", AF_IDX_IPV4, "198.51.100.1"));

	/* Down: the kernel drops the IPv6 addresses, keeps the IPv4 one. */
	change_link("lmtest0", DOWN, 0);
	REQUIRE(wait_state("lmtest0", DOWN, true, false, false));
	del_link("lmtest0");
	REQUIRE(run_until(gone, "lmtest0", WAIT));
	REQUIRE(!linkmon_get(lm, "lmtest0", &st));

	/* Exactly: appear down, up, +v4, +v6; then down (maybe a moment
	 * with the IPv6 address still there), maybe without IPv4 as the
	 * kernel removes the addresses of a link it deletes, and gone. */
	n = reports_of("lmtest0", r, 16);
	REQUIRE(n >= 6);
	REQUIRE(is_seen(r[0], DOWN, false, false, false));
	REQUIRE(is_seen(r[1], UP, false, false, false));
	REQUIRE(is_seen(r[2], UP, true, false, false));
	REQUIRE(is_seen(r[3], UP, true, true, false));
	i = 4;
	if (is_seen(r[i], DOWN, true, true, false))
		i++;
	REQUIRE(i < n && is_seen(r[i++], DOWN, true, false, false));
	if (i < n && is_seen(r[i], DOWN, false, false, false))
		i++;
	REQUIRE(i + 1 == n && r[i]->gone && !r[i]->up && !r[i]->v6);
	stop();
}

static void
scenario_dad(void)
{
	struct linkmon_event st;

	start();
	add_veth("lmveth0", "lmveth1");
	change_link("lmveth1", UP, 0);
	change_link("lmveth0", UP, 0);
	REQUIRE(wait_state("lmveth0", UP, false, false, false));

	/* lmveth1 owns 2001:db8:1::1, so lmveth0's DAD for it fails;
	 * 2001:db8:2::1 passes DAD after a second or two. */
	add_addr("lmveth1", "2001:db8:1::1/64", IFA_F_NODAD);
	add_addr("lmveth0", "2001:db8:1::1/64", 0);
	add_addr("lmveth0", "2001:db8:2::1/64", 0);
	/* Notifications come in order: once +v4 is seen, both tentative
	 * IPv6 addresses have been too, and they did not count. */
	add_addr("lmveth0", "192.0.2.1/24", 0);
	REQUIRE(wait_state("lmveth0", UP, true, false, false));
	REQUIRE(linkmon_get(lm, "lmveth0", &st) && !st.has_v6);

	REQUIRE(wait_state("lmveth0", UP, true, true, false));
	REQUIRE(kernel_addr_flags("lmveth0", "2001:db8:1::1/64") >= 0);
	REQUIRE(kernel_addr_flags("lmveth0", "2001:db8:1::1/64") &
	    IFA_F_DADFAILED);
	REQUIRE(local_is("lmveth0", AF_IDX_IPV6, "2001:db8:2::1"));
	REQUIRE(local_is("lmveth1", AF_IDX_IPV6, "2001:db8:1::1"));

	/* One delete takes both ends. */
	del_link("lmveth0");
	REQUIRE(run_until(gone, "lmveth0", WAIT));
	REQUIRE(run_until(gone, "lmveth1", WAIT));
	REQUIRE(!linkmon_get(lm, "lmveth0", &st));
	REQUIRE(!linkmon_get(lm, "lmveth1", &st));
	stop();
}

/* The OpenVPN case: the tap stays administratively up, its carrier
 * follows whether a process holds it. */
static void
scenario_tap(void)
{
	int fd;

	start();
	fd = tap_attach("lmtap0");
	REQUIRE(ioctl(fd, TUNSETPERSIST, 1) == 0);
	REQUIRE(wait_state("lmtap0", DOWN, false, false, false));
	change_link("lmtap0", UP, 0);
	add_addr("lmtap0", "100.65.128.2/24", 0);
	REQUIRE(wait_state("lmtap0", UP, true, false, false));
	close(fd);				/* openvpn exits */
	REQUIRE(wait_state("lmtap0", DOWN, true, false, false));
	fd = tap_attach("lmtap0");		/* and comes back */
	REQUIRE(wait_state("lmtap0", UP, true, false, false));
	REQUIRE(ioctl(fd, TUNSETPERSIST, 0) == 0);
	close(fd);
	REQUIRE(run_until(gone, "lmtap0", WAIT));
	stop();
}

/* A link joining and leaving a bridge gets AF_BRIDGE notifications,
 * RTM_DELLINK among them: the link is not gone. */
static void
scenario_bridge_port(void)
{
	const struct seen *r[8];
	struct linkmon_event st;
	size_t i, n;

	start();
	add_bridge("lmbr0");
	add_veth("lmb0", "lmb1");
	REQUIRE(wait_state("lmb0", DOWN, false, false, false));
	REQUIRE(rtnl_link_enslave_ifindex(nl, ifindex_of("lmbr0"),
	    ifindex_of("lmb0")) == 0);
	REQUIRE(rtnl_link_release_ifindex(nl, ifindex_of("lmb0")) == 0);
	/* In order after the release: when +v4 is seen, it is done. */
	add_addr("lmb1", "192.0.2.9/24", 0);
	REQUIRE(wait_state("lmb1", DOWN, true, false, false));
	REQUIRE(linkmon_get(lm, "lmb0", &st) && !st.gone);
	n = reports_of("lmb0", r, 8);
	for (i = 0; i < n; i++)
		REQUIRE(!r[i]->gone);
	stop();
}

/* More addresses than the table keeps: removing the kept ones re-reads
 * the link, so has_v4 never turns false while one remains. */
static void
scenario_many_addrs(void)
{
	const struct seen *r[8];
	char text[32];
	int k;

	start();
	log_open(NULL, LOG_LEVEL_WARN);	/* "keeping 8" is expected */
	add_veth("lmtest1", "lmtest1p");
	change_link("lmtest1", UP, 0);
	change_link("lmtest1p", UP, 0);
	REQUIRE(wait_state("lmtest1", UP, false, false, false));
	for (k = 1; k <= LINKMON_MAX_ADDRS + 2; k++) {
		snprintf(text, sizeof(text), "10.0.%d.1/24", k);
		add_addr("lmtest1", text, 0);
	}
	REQUIRE(wait_state("lmtest1", UP, true, false, false));
	REQUIRE(local_is("lmtest1", AF_IDX_IPV4, "10.0.1.1"));
	for (k = 1; k <= LINKMON_MAX_ADDRS; k++) {
		snprintf(text, sizeof(text), "10.0.%d.1/24", k);
		del_addr("lmtest1", text);
	}
	/* In order after the deletes: when +v6 is seen, they are done. */
	add_addr("lmtest1", "2001:db8::1/64", IFA_F_NODAD);
	REQUIRE(wait_state("lmtest1", UP, true, true, false));
	REQUIRE(reports_of("lmtest1", r, 8) == 4);
	REQUIRE(is_seen(r[2], UP, true, false, false));
	snprintf(text, sizeof(text), "10.0.%d.1", LINKMON_MAX_ADDRS + 1);
	REQUIRE(local_is("lmtest1", AF_IDX_IPV4, text) ||
	    local_is("lmtest1", AF_IDX_IPV4, "10.0.10.1"));
	snprintf(text, sizeof(text), "10.0.%d.1/24", LINKMON_MAX_ADDRS + 1);
	del_addr("lmtest1", text);
	snprintf(text, sizeof(text), "10.0.%d.1/24", LINKMON_MAX_ADDRS + 2);
	del_addr("lmtest1", text);
	REQUIRE(wait_state("lmtest1", UP, false, true, false));
	stop();
}

struct overrun_want {
	int	first, deleted, last;
};

static bool
overrun_done(const void *arg)
{
	const struct overrun_want *w = arg;
	struct linkmon_event st;
	char name[IFNAMSIZ];
	int i;

	for (i = w->first; i <= w->last; i++) {
		snprintf(name, sizeof(name), "lmo%d", i);
		if (linkmon_get(lm, name, &st) != (i >= w->deleted))
			return false;
	}
	return linkmon_get(lm, name, &st) && st.up && st.has_v4;
}

/* A receive queue far too small: notifications are lost (ENOBUFS), and
 * the table must still end up exactly as the kernel's. */
static void
scenario_overrun(void)
{
	struct overrun_want w = { 0, 10, 39 };
	const struct seen *s;
	char name[IFNAMSIZ], peer[IFNAMSIZ], *text = NULL;
	size_t textlen = 0;
	FILE *logf;
	int i, tiny = 1;

	start();
	REQUIRE((logf = open_memstream(&text, &textlen)) != NULL);
	log_open(logf, LOG_LEVEL_INFO);
	REQUIRE(setsockopt(th_other_route_socket(nl_socket_get_fd(nl)),
	    SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)) == 0);
	for (i = w.first; i <= w.last; i++) {
		snprintf(name, sizeof(name), "lmo%d", i);
		snprintf(peer, sizeof(peer), "lmp%d", i);
		add_veth(name, peer);
	}
	for (i = w.first; i < w.deleted; i++) {
		snprintf(name, sizeof(name), "lmo%d", i);
		del_link(name);
	}
	change_link("lmo39", UP, 0);
	change_link("lmp39", UP, 0);
	add_addr("lmo39", "198.51.100.1/24", 0);
	REQUIRE(run_until(overrun_done, &w, WAIT));
	fflush(logf);
	REQUIRE(text != NULL && strstr(text, "netlink overrun") != NULL);

	/* What was told matches the table: deleted links are unknown or
	 * were reported gone, the others' last report is their state. */
	for (i = w.first; i <= w.last; i++) {
		snprintf(name, sizeof(name), "lmo%d", i);
		s = last_seen(name);
		if (i < w.deleted)
			REQUIRE(s == NULL || s->gone);
		else
			REQUIRE(s != NULL && !s->gone &&
			    s->up == (i == w.last) && s->v4 == (i == w.last));
	}
	/* And it keeps working. */
	del_link("lmo39");
	REQUIRE(wait_state("lmo39", UP, true, false, true));
	log_open(NULL, LOG_LEVEL_INFO);
	fclose(logf);
	free(text);
	stop();
}

/* ---- the parent's side ---- */

static void
in_netns(void (*fn)(void), const char *what)
{
	th_in_netns("linkmon", what, 30, fn);
}

START_TEST(test_lm_lifecycle)
{
	in_netns(scenario_lifecycle, "lifecycle");
}
END_TEST

START_TEST(test_lm_dad)
{
	in_netns(scenario_dad, "dad");
}
END_TEST

START_TEST(test_lm_tap)
{
	in_netns(scenario_tap, "tap");
}
END_TEST

START_TEST(test_lm_bridge_port)
{
	in_netns(scenario_bridge_port, "bridge port");
}
END_TEST

START_TEST(test_lm_many_addrs)
{
	in_netns(scenario_many_addrs, "many addresses");
}
END_TEST

START_TEST(test_lm_overrun)
{
	in_netns(scenario_overrun, "overrun");
}
END_TEST

Suite *
linkmon_suite(void)
{
	Suite *s = suite_create("linkmon");
	TCase *tc = tcase_create("linkmon");

	/* DAD alone takes one to two seconds. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_lm_lifecycle);
	tcase_add_test(tc, test_lm_dad);
	tcase_add_test(tc, test_lm_tap);
	tcase_add_test(tc, test_lm_bridge_port);
	tcase_add_test(tc, test_lm_many_addrs);
	tcase_add_test(tc, test_lm_overrun);
	suite_add_tcase(s, tc);
	return s;
}
