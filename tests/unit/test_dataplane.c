/*
 * dataplane against the real kernel, in a private network namespace so
 * nothing touches the host's addresses and rules. Each test forks (also
 * under CK_FORK=no), the child unshares its network namespace, runs the
 * scenario and reports through its exit status and a pipe. What the
 * module did is checked with the test's own libnl dumps, never by
 * trusting its return values. Needs root; skipped otherwise.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/rule.h>

#include "../../src/lib/prefix.h"
#include "../../src/netns/dataplane.h"
#include "th_netns.h"

#define ERRLEN		256

static const char V4[] = "184.164.224.0/24";
static const char V4_ADDR[] = "184.164.224.1/32";
static const char V6[] = "2804:269c:1::/48";
static const char V6_ADDR[] = "2804:269c:1::1/128";

/* ---- the child's side: failing ---- */

static struct nl_sock	*nl;			/* the test's own requests */

static void __attribute__((noreturn))
child_fail(int line, const char *what, const char *err)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "line %d: %s%s%s", line, what,
	    err && *err ? "; err: " : "", err ? err : "");
	if (write(th_netns_report_fd, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(1);
}

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		child_fail(__LINE__, #cond, NULL);			\
} while (0)

/* The same, with the module's error text in the report. */
#define REQUIRE_E(cond, err) do {					\
	if (!(cond))							\
		child_fail(__LINE__, #cond, err);			\
} while (0)

static struct prefix
pfx(const char *text)
{
	struct prefix p;

	REQUIRE(prefix_parse(text, true, &p) == 0);
	return p;
}

static struct nl_addr *
nladdr(const char *text)
{
	struct nl_addr *a;

	REQUIRE(nl_addr_parse(text, AF_UNSPEC, &a) == 0);
	return a;
}

/* ---- looking at the kernel, independently of the module ---- */

struct rule_want {
	int		 family;
	uint32_t	 prio, table;
	struct nl_addr	*src;		/* NULL: any source */
	int		 count;
};

static void
rule_seen(struct nl_object *obj, void *arg)
{
	struct rtnl_rule *r = (struct rtnl_rule *)obj;
	struct rule_want *w = arg;

	if (rtnl_rule_get_family(r) == w->family &&
	    rtnl_rule_get_prio(r) == w->prio &&
	    (w->table == 0 || (rtnl_rule_get_table(r) == w->table &&
	    rtnl_rule_get_action(r) == FR_ACT_TO_TBL)) &&
	    (w->src == NULL || (rtnl_rule_get_src(r) != NULL &&
	    nl_addr_cmp(rtnl_rule_get_src(r), w->src) == 0)))
		w->count++;
}

static int
rule_msg(struct nl_msg *msg, void *arg)
{
	REQUIRE(nl_msg_parse(msg, rule_seen, arg) == 0);
	return NL_OK;
}

/*
 * Rules of family at prio (from src lookup table, when given), counted
 * in a raw dump: a libnl cache may fold identical rules into one.
 */
static int
count_rules(int family, uint32_t prio, uint32_t table, const char *src)
{
	struct rule_want w = { family, prio, table, NULL, 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	REQUIRE(cb != NULL);
	if (src != NULL)
		w.src = nladdr(src);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, rule_msg, &w);
	REQUIRE(nl_rtgen_request(nl, RTM_GETRULE, AF_UNSPEC, NLM_F_DUMP) >= 0);
	REQUIRE(nl_recvmsgs(nl, cb) == 0);
	nl_cb_put(cb);
	if (w.src != NULL)
		nl_addr_put(w.src);
	return w.count;
}

static int
count_ours(const char *prefix)
{
	return count_rules(strchr(prefix, ':') ? AF_INET6 : AF_INET,
	    DATAPLANE_PRIO, DATAPLANE_TABLE, prefix);
}

static int
lo_index(void)
{
	struct rtnl_link *l;
	int index;

	REQUIRE(rtnl_link_get_kernel(nl, 0, "lo", &l) == 0);
	index = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return index;
}

/* IFA_F_* of the address (local/plen) on lo as the kernel has it now; -1
 * if absent, -2 if there twice. */
static long
lo_addr_flags(const char *text)
{
	struct nl_cache *cache;
	struct nl_addr *want = nladdr(text);
	struct nl_object *o;
	long flags = -1;
	int lo = lo_index();

	REQUIRE(rtnl_addr_alloc_cache(nl, &cache) == 0);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) != lo ||
		    nl_addr_cmp(rtnl_addr_get_local(a), want) != 0)
			continue;
		flags = flags == -1 ? (long)rtnl_addr_get_flags(a) : -2;
	}
	nl_cache_free(cache);
	nl_addr_put(want);
	return flags;
}

/* ---- changing the kernel behind the module's back ---- */

static void
lo_up(void)
{
	struct rtnl_link *old, *chg = rtnl_link_alloc();

	REQUIRE(chg != NULL);
	REQUIRE(rtnl_link_get_kernel(nl, 0, "lo", &old) == 0);
	rtnl_link_set_flags(chg, IFF_UP);
	REQUIRE(rtnl_link_change(nl, old, chg, 0) == 0);
	rtnl_link_put(old);
	rtnl_link_put(chg);
}

/* `from src [iif iif] lookup table priority prio`; flags NLM_F_EXCL:
 * as `ip rule add` does. */
static void
add_rule_iif(const char *src, const char *iif, uint32_t table,
    uint32_t prio, int flags)
{
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_addr *a = nladdr(src);

	REQUIRE(r != NULL);
	rtnl_rule_set_family(r, nl_addr_get_family(a));
	REQUIRE(rtnl_rule_set_src(r, a) == 0);
	if (iif != NULL)
		REQUIRE(rtnl_rule_set_iif(r, iif) == 0);
	rtnl_rule_set_table(r, table);
	rtnl_rule_set_prio(r, prio);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	REQUIRE(rtnl_rule_add(nl, r, flags) == 0);
	nl_addr_put(a);
	rtnl_rule_put(r);
}

static void
add_rule(const char *src, uint32_t table, uint32_t prio, int flags)
{
	add_rule_iif(src, NULL, table, prio, flags);
}

static void
add_lo_addr(const char *text)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nladdr(text);

	REQUIRE(a != NULL);
	rtnl_addr_set_ifindex(a, lo_index());
	REQUIRE(rtnl_addr_set_local(a, local) == 0);
	REQUIRE(rtnl_addr_add(nl, a, 0) == 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
}

/* A sysctl of this namespace (net.* is per namespace). */
static void
set_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	REQUIRE(fd != -1);
	REQUIRE(write(fd, value, strlen(value)) == (ssize_t)strlen(value));
	close(fd);
}

static void
start(void)
{
	nl = nl_socket_alloc();
	REQUIRE(nl != NULL);
	REQUIRE(nl_connect(nl, NETLINK_ROUTE) == 0);
	lo_up();
}

static void
stop(void)
{
	nl_socket_free(nl);
}

static bool
listed(const struct prefix *v, int n, const char *text)
{
	struct prefix p = pfx(text);
	int i;

	for (i = 0; i < n; i++)
		if (prefix_equal(&v[i], &p))
			return true;
	return false;
}

/* ---- the scenarios (in the child, in its own namespace) ---- */

static void
scenario_add_remove(void)
{
	struct prefix v4 = pfx(V4), v6 = pfx(V6), got[4];
	char err[ERRLEN];
	long flags;

	start();
	REQUIRE(count_ours(V4) == 0 && lo_addr_flags(V4_ADDR) == -1);

	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V4_ADDR) >= 0);
	REQUIRE(count_ours(V4) == 1);
	/* Again: nothing fails, nothing doubles. */
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V4_ADDR) >= 0);
	REQUIRE(count_ours(V4) == 1);
	REQUIRE(count_rules(AF_INET, DATAPLANE_PRIO, 0, NULL) == 1);

	REQUIRE_E(dataplane_add(&v6, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_add(&v6, err, sizeof(err)) == 0, err);
	flags = lo_addr_flags(V6_ADDR);
	REQUIRE(flags >= 0 && (flags & IFA_F_NODAD) &&
	    !(flags & IFA_F_TENTATIVE));
	REQUIRE(count_ours(V6) == 1);
	REQUIRE(count_rules(AF_INET6, DATAPLANE_PRIO, 0, NULL) == 1);

	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 2, err);
	REQUIRE(listed(got, 2, V4) && listed(got, 2, V6));
	/* Truncated: the count says how many there are. */
	REQUIRE_E(dataplane_list(got, 1, err, sizeof(err)) == 2, err);
	REQUIRE(listed(got, 1, V4) || listed(got, 1, V6));
	REQUIRE_E(dataplane_list(NULL, 0, err, sizeof(err)) == 2, err);

	REQUIRE_E(dataplane_remove(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V4_ADDR) == -1);
	REQUIRE(count_ours(V4) == 0);
	REQUIRE(lo_addr_flags(V6_ADDR) >= 0 && count_ours(V6) == 1);
	REQUIRE_E(dataplane_remove(&v4, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 1, err);
	REQUIRE(listed(got, 1, V6));

	REQUIRE_E(dataplane_remove(&v6, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V6_ADDR) == -1 && count_ours(V6) == 0);
	REQUIRE_E(dataplane_remove(&v6, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 0, err);
	stop();
}

/* What was there before us: found, not doubled; duplicates all go. */
static void
scenario_existing(void)
{
	struct prefix v4 = pfx(V4), got[4];
	char err[ERRLEN];

	start();
	add_lo_addr(V4_ADDR);
	add_rule(V4, DATAPLANE_TABLE, DATAPLANE_PRIO, NLM_F_EXCL);
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V4_ADDR) >= 0 && count_ours(V4) == 1);

	/* Two copies (an older client added without NLM_F_EXCL). */
	add_rule(V4, DATAPLANE_TABLE, DATAPLANE_PRIO, 0);
	REQUIRE(count_ours(V4) == 2);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 2, err);
	/* Same source, other table: not ours, stays. */
	add_rule(V4, 254, DATAPLANE_PRIO, 0);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 2, err);
	REQUIRE_E(dataplane_remove(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(count_ours(V4) == 0 && lo_addr_flags(V4_ADDR) == -1);
	REQUIRE(count_rules(AF_INET, DATAPLANE_PRIO, 254, V4) == 1);

	/* Same source, table and priority, but only from one interface:
	 * not ours either, so ours is added next to it, once. */
	add_rule_iif(V4, "lo", DATAPLANE_TABLE, DATAPLANE_PRIO, 0);
	REQUIRE(count_ours(V4) == 1);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE(count_ours(V4) == 2);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 1, err);
	REQUIRE(listed(got, 1, V4));
	REQUIRE_E(dataplane_flush(&v4, 1, err, sizeof(err)) == 3, err);
	REQUIRE(count_rules(AF_INET, DATAPLANE_PRIO, 0, NULL) == 0);
	REQUIRE(lo_addr_flags(V4_ADDR) == -1);
	stop();
}

static void
scenario_flush(void)
{
	struct prefix v4 = pfx(V4), v6 = pfx(V6), addrs[2], got[4];
	char err[ERRLEN];
	int base4, base6;

	start();
	/* The kernel's own rules (priorities 0, 32766, 32767). */
	base4 = count_rules(AF_INET, 0, 0, NULL) +
	    count_rules(AF_INET, 32766, 0, NULL) +
	    count_rules(AF_INET, 32767, 0, NULL);
	base6 = count_rules(AF_INET6, 0, 0, NULL) +
	    count_rules(AF_INET6, 32766, 0, NULL);
	REQUIRE(base4 > 0 && base6 > 0);

	add_rule("10.0.0.0/8", 100, 100, NLM_F_EXCL);
	add_rule("2001:db8::/32", 100, 100, NLM_F_EXCL);
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_add(&v6, err, sizeof(err)) == 0, err);
	/* Any priority-20000 rule goes, ours or not. */
	add_rule("192.0.2.0/24", 254, DATAPLANE_PRIO, NLM_F_EXCL);
	REQUIRE(count_rules(AF_INET, DATAPLANE_PRIO, 0, NULL) == 2);

	addrs[0] = v6;
	REQUIRE_E(dataplane_flush(addrs, 1, err, sizeof(err)) == 3, err);
	REQUIRE(count_rules(AF_INET, DATAPLANE_PRIO, 0, NULL) == 0);
	REQUIRE(count_rules(AF_INET6, DATAPLANE_PRIO, 0, NULL) == 0);
	REQUIRE(count_rules(AF_INET, 100, 100, "10.0.0.0/8") == 1);
	REQUIRE(count_rules(AF_INET6, 100, 100, "2001:db8::/32") == 1);
	REQUIRE(count_rules(AF_INET, 0, 0, NULL) +
	    count_rules(AF_INET, 32766, 0, NULL) +
	    count_rules(AF_INET, 32767, 0, NULL) == base4);
	REQUIRE(count_rules(AF_INET6, 0, 0, NULL) +
	    count_rules(AF_INET6, 32766, 0, NULL) == base6);
	/* Only the addresses asked for. */
	REQUIRE(lo_addr_flags(V6_ADDR) == -1);
	REQUIRE(lo_addr_flags(V4_ADDR) >= 0);
	REQUIRE_E(dataplane_list(got, 4, err, sizeof(err)) == 0, err);

	/* Nothing left: 0, and absent addresses are fine. */
	addrs[1] = v4;
	REQUIRE_E(dataplane_flush(addrs, 2, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags(V4_ADDR) == -1);
	REQUIRE_E(dataplane_flush_rules(err, sizeof(err)) == 0, err);

	/* Rules only: the address stays. */
	REQUIRE_E(dataplane_add(&v4, err, sizeof(err)) == 0, err);
	REQUIRE_E(dataplane_flush_rules(err, sizeof(err)) == 1, err);
	REQUIRE(count_ours(V4) == 0 && lo_addr_flags(V4_ADDR) >= 0);
	REQUIRE(count_rules(AF_INET, 100, 100, "10.0.0.0/8") == 1);
	stop();
}

static void
scenario_errors(void)
{
	struct prefix p, got[2];
	char err[ERRLEN];

	start();
	/* No room for a first address: refused before any netlink. */
	p = pfx("184.164.224.7/32");
	REQUIRE(dataplane_add(&p, err, sizeof(err)) == -1);
	REQUIRE(strstr(err, "184.164.224.7/32") != NULL);
	p = pfx("2804:269c::1/128");
	REQUIRE(dataplane_remove(&p, err, sizeof(err)) == -1 && *err);
	p.af = AF_IDX_COUNT;
	REQUIRE(dataplane_add(&p, err, sizeof(err)) == -1 && *err);
	/* A /31 has one: .1. */
	p = pfx("184.164.224.0/31");
	REQUIRE_E(dataplane_add(&p, err, sizeof(err)) == 0, err);
	REQUIRE(lo_addr_flags("184.164.224.1/32") >= 0);
	REQUIRE_E(dataplane_remove(&p, err, sizeof(err)) == 0, err);
	/* err may be NULL. */
	REQUIRE(dataplane_add(&p, NULL, 0) == 0);
	REQUIRE(dataplane_remove(&p, NULL, 0) == 0);

	/* The kernel refuses (IPv6 off): one line with netlink's text,
	 * and no rule without its address. */
	set_sysctl("/proc/sys/net/ipv6/conf/lo/disable_ipv6", "1");
	p = pfx(V6);
	REQUIRE(dataplane_add(&p, err, sizeof(err)) == -1);
	REQUIRE(strstr(err, V6_ADDR) != NULL && strstr(err, "lo") != NULL);
	REQUIRE(strchr(err, '\n') == NULL);
	REQUIRE(count_ours(V6) == 0);
	REQUIRE_E(dataplane_list(got, 2, err, sizeof(err)) == 0, err);
	stop();
}

/* ---- the parent's side ---- */

static void
in_netns(void (*fn)(void), const char *what)
{
	th_in_netns("dataplane", what, 30, fn);
}

/* Pure: needs no namespace. */
START_TEST(test_dp_first_addr)
{
	static const struct {
		const char	*prefix, *first;
	} v[] = {
		{ "184.164.224.0/24", "184.164.224.1" },
		{ "184.164.224.0/23", "184.164.224.1" },
		{ "184.164.225.0/24", "184.164.225.1" },
		{ "184.164.224.0/31", "184.164.224.1" },
		{ "2804:269c:1::/48", "2804:269c:1::1" },
		{ "2804:269c::/42", "2804:269c::1" },
		{ "2804:269c:ff00::/127", "2804:269c:ff00::1" },
	};
	struct prefix p, got, want;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(prefix_parse(v[i].prefix, true, &p), 0);
		ck_assert_int_eq(addr_parse(v[i].first, &want), 0);
		ck_assert_int_eq(dataplane_first_addr(&p, &got), 0);
		ck_assert_msg(prefix_equal(&got, &want), "%s", v[i].prefix);
	}
	/* Host bits given are ignored, as in the kernel's view. */
	ck_assert_int_eq(prefix_parse("184.164.224.77/24", false, &p), 0);
	p.addr[3] = 77;
	ck_assert_int_eq(dataplane_first_addr(&p, &got), 0);
	ck_assert_int_eq(addr_parse("184.164.224.1", &want), 0);
	ck_assert(prefix_equal(&got, &want));
	ck_assert_int_eq(prefix_parse("184.164.224.1/32", true, &p), 0);
	ck_assert_int_eq(dataplane_first_addr(&p, &got), -1);
	ck_assert_int_eq(prefix_parse("::1/128", true, &p), 0);
	ck_assert_int_eq(dataplane_first_addr(&p, &got), -1);
}
END_TEST

START_TEST(test_dp_add_remove)
{
	in_netns(scenario_add_remove, "add/remove");
}
END_TEST

START_TEST(test_dp_existing)
{
	in_netns(scenario_existing, "existing");
}
END_TEST

START_TEST(test_dp_flush)
{
	in_netns(scenario_flush, "flush");
}
END_TEST

START_TEST(test_dp_errors)
{
	in_netns(scenario_errors, "errors");
}
END_TEST

Suite *
dataplane_suite(void)
{
	Suite *s = suite_create("dataplane");
	TCase *tc = tcase_create("dataplane");

	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_dp_first_addr);
	tcase_add_test(tc, test_dp_add_remove);
	tcase_add_test(tc, test_dp_existing);
	tcase_add_test(tc, test_dp_flush);
	tcase_add_test(tc, test_dp_errors);
	suite_add_tcase(s, tc);
	return s;
}
