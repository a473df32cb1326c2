/*
 * muxrule against the real kernel, in a private network namespace (a
 * forked child, th_netns.h): `oif tapN lookup 21000+N priority 19000+N`
 * added once per family however often asked, also before the tap exists;
 * removed with every copy; other rules at the same priorities (another
 * table, a source, another tap's) left alone, the flush taking only ours.
 * Needs root; skipped otherwise.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/fib_rules.h>
#include <netlink/netlink.h>
#include <netlink/route/rule.h>

#include "../../src/netns/muxrule.h"
#include "../../src/netns/nlroute.h"
#include "th_netns.h"

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

#define REQUIRE(cond, err) do {						\
	if (!(cond))							\
		child_fail(__LINE__, #cond, err);			\
} while (0)

/* Rules at prio of family (AF_INET, AF_INET6) looking up table, with
 * oif (NULL: any) and no source. */
static int
count(struct nl_sock *sk, unsigned prio, int family, unsigned table,
    const char *oif)
{
	struct nlr_rules rs;
	char err[256] = "";
	int n = 0;

	REQUIRE(nlr_rules_dump(sk, prio, prio, &rs, err, sizeof(err)) == 0,
	    err);
	for (size_t i = 0; i < rs.n; i++) {
		struct rtnl_rule *r = rs.v[i].r;
		const char *o = rtnl_rule_get_oif(r);

		if (rtnl_rule_get_family(r) == family &&
		    rtnl_rule_get_table(r) == table &&
		    (oif == NULL || (o != NULL && strcmp(o, oif) == 0)))
			n++;
	}
	nlr_rules_free(&rs);
	return n;
}

/* A rule of someone else's at priority 19005. */
static void
foreign(struct nl_sock *sk, const char *oif, const char *src,
    unsigned table)
{
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_addr *a = NULL;

	REQUIRE(r != NULL, NULL);
	rtnl_rule_set_family(r, AF_INET);
	rtnl_rule_set_prio(r, 19005);
	rtnl_rule_set_table(r, table);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	if (oif != NULL)
		REQUIRE(rtnl_rule_set_oif(r, oif) == 0, NULL);
	if (src != NULL) {
		REQUIRE(nl_addr_parse(src, AF_INET, &a) == 0, NULL);
		REQUIRE(rtnl_rule_set_src(r, a) == 0, NULL);
		nl_addr_put(a);
	}
	REQUIRE(rtnl_rule_add(sk, r, 0) == 0, NULL);
	rtnl_rule_put(r);
}

static void
scenario(void)
{
	char err[256] = "";
	struct nl_sock *sk = nlr_open(err, sizeof(err));

	REQUIRE(sk != NULL, err);
	/* No tap5 here: the rules wait for it (the kernel's "detached"). */
	REQUIRE(muxrule_add(sk, 5, err, sizeof(err)) == 0, err);
	REQUIRE(muxrule_add(sk, 5, err, sizeof(err)) == 0, err);
	REQUIRE(count(sk, 19005, AF_INET, 21005, "tap5") == 1, NULL);
	REQUIRE(count(sk, 19005, AF_INET6, 21005, "tap5") == 1, NULL);
	REQUIRE(muxrule_add(sk, 6, err, sizeof(err)) == 0, err);
	foreign(sk, "tap5", NULL, 999);
	foreign(sk, NULL, "10.0.0.0/8", 21005);
	foreign(sk, "eth0", NULL, 21005);
	/* Ours, twice over (an `ip rule add` by hand): every copy goes. */
	foreign(sk, "tap5", NULL, 21005);
	REQUIRE(muxrule_add(sk, 5, err, sizeof(err)) == 0, err);
	REQUIRE(count(sk, 19005, AF_INET, 21005, "tap5") == 2, NULL);
	REQUIRE(muxrule_del(sk, 5, err, sizeof(err)) == 3, err);
	REQUIRE(count(sk, 19005, AF_INET, 21005, "tap5") == 0, NULL);
	REQUIRE(count(sk, 19005, AF_INET6, 21005, NULL) == 0, NULL);
	REQUIRE(count(sk, 19005, AF_INET, 999, "tap5") == 1, NULL);
	REQUIRE(count(sk, 19005, AF_INET, 21005, "eth0") == 1, NULL);
	REQUIRE(count(sk, 19005, AF_INET, 21005, NULL) == 2, NULL);
	REQUIRE(count(sk, 19006, AF_INET, 21006, "tap6") == 1, NULL);
	REQUIRE(muxrule_del(sk, 5, err, sizeof(err)) == 0, err);
	/* The flush: tap6's, not the others'. */
	REQUIRE(muxrule_flush(sk, err, sizeof(err)) == 2, err);
	REQUIRE(count(sk, 19006, AF_INET, 21006, NULL) == 0, NULL);
	REQUIRE(count(sk, 19006, AF_INET6, 21006, NULL) == 0, NULL);
	REQUIRE(count(sk, 19005, AF_INET, 999, "tap5") == 1, NULL);
	REQUIRE(count(sk, 19005, AF_INET, 21005, NULL) == 2, NULL);
	REQUIRE(muxrule_add(sk, 64, err, sizeof(err)) == -1, NULL);
	REQUIRE(strcmp(err, "tap64: out of range") == 0, err);
	nlr_close(sk);
}

START_TEST(test_muxrule_kernel)
{
	th_in_netns("muxrule", "rules of the per-mux tables", 20, scenario);
}
END_TEST

START_TEST(test_muxrule_numbers)
{
	ck_assert_uint_eq(muxrule_table(5), 21005);
	ck_assert(muxrule_is_table(21001));
	ck_assert(muxrule_is_table(21063));
	ck_assert(!muxrule_is_table(21000));
	ck_assert(!muxrule_is_table(21064));
	ck_assert(!muxrule_is_table(20000));
	/* Between the apps' (10001..10999) and table 20000's priorities. */
	ck_assert_uint_gt(MUXRULE_PRIO_BASE + MUX_TAP_MIN, 10999);
	ck_assert_uint_lt(MUXRULE_PRIO_BASE + MUX_TAP_MAX, 20000);
}
END_TEST

Suite *
muxrule_suite(void)
{
	Suite *s = suite_create("muxrule");
	TCase *tc = tcase_create("muxrule");

	tcase_add_test(tc, test_muxrule_numbers);
	tcase_add_test(tc, test_muxrule_kernel);
	suite_add_tcase(s, tc);
	return s;
}
