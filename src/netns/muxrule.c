/*
 * muxrule: `oif tapN lookup 21000+N priority 19000+N` rules (muxrule.h),
 * through libnl.
 */
#include "muxrule.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <netlink/netlink.h>
#include <netlink/route/rule.h>

#include "nlroute.h"
#include "../lib/log.h"

static const int families[] = { AF_INET, AF_INET6 };

/* Whether d is tap's rule (tap 0: any tap's). */
static bool
rule_is_ours(const struct nlr_rule *d, unsigned tap)
{
	unsigned prio = nlr_rule_prio(d), n = prio - MUXRULE_PRIO_BASE;
	const char *oif = rtnl_rule_get_oif(d->r);
	char want[16];

	if (prio <= MUXRULE_PRIO_BASE || n > MUX_TAP_MAX ||
	    (tap != 0 && n != tap) || oif == NULL ||
	    rtnl_rule_get_action(d->r) != FR_ACT_TO_TBL ||
	    rtnl_rule_get_table(d->r) != muxrule_table(n) ||
	    rtnl_rule_get_src(d->r) != NULL || rtnl_rule_get_iif(d->r) != NULL)
		return false;
	snprintf(want, sizeof(want), "tap%u", n);
	return strcmp(oif, want) == 0;
}

/* Deletes tap's rules (0: every tap's); how many. */
static int
rules_del(struct nl_sock *sk, unsigned tap, char *err, size_t errlen)
{
	unsigned lo = MUXRULE_PRIO_BASE + (tap ? tap : MUX_TAP_MIN);
	unsigned hi = MUXRULE_PRIO_BASE + (tap ? tap : MUX_TAP_MAX);
	struct nlr_rules rs;
	int n = 0, rc;
	size_t i;

	if (nlr_rules_dump(sk, lo, hi, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++) {
		if (!rule_is_ours(&rs.v[i], tap))
			continue;
		if ((rc = nlr_rule_del(sk, &rs.v[i], err, errlen)) == -1) {
			n = -1;
			break;
		}
		n += rc;
	}
	nlr_rules_free(&rs);
	return n;
}

/* Which families have tap's rule already (bit per families[] entry). */
static int
rules_present(struct nl_sock *sk, unsigned tap, unsigned *have, char *err,
    size_t errlen)
{
	struct nlr_rules rs;
	size_t i, f;

	*have = 0;
	if (nlr_rules_dump(sk, MUXRULE_PRIO_BASE + tap, MUXRULE_PRIO_BASE +
	    tap, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++)
		for (f = 0; f < 2; f++)
			if (rule_is_ours(&rs.v[i], tap) &&
			    rtnl_rule_get_family(rs.v[i].r) == families[f])
				*have |= 1u << f;
	nlr_rules_free(&rs);
	return 0;
}

int
muxrule_add(struct nl_sock *sk, unsigned tap, char *err, size_t errlen)
{
	struct rtnl_rule *r;
	char dev[16];
	unsigned have, f;
	int e;

	if (tap < MUX_TAP_MIN || tap > MUX_TAP_MAX) {
		nlr_err(err, errlen, "tap%u: out of range", tap);
		return -1;
	}
	if (rules_present(sk, tap, &have, err, errlen) == -1)
		return -1;
	snprintf(dev, sizeof(dev), "tap%u", tap);
	for (f = 0; f < 2; f++) {
		if (have & (1u << f))
			continue;
		if ((r = rtnl_rule_alloc()) == NULL) {
			nlr_err(err, errlen, "out of memory");
			return -1;
		}
		rtnl_rule_set_family(r, families[f]);
		rtnl_rule_set_prio(r, MUXRULE_PRIO_BASE + tap);
		rtnl_rule_set_table(r, muxrule_table(tap));
		rtnl_rule_set_action(r, FR_ACT_TO_TBL);
		if ((e = rtnl_rule_set_oif(r, dev)) == 0)
			e = rtnl_rule_add(sk, r, 0);
		rtnl_rule_put(r);
		if (e < 0) {
			nlr_err(err, errlen, "adding rule oif %s lookup %u "
			    "priority %u: %s", dev, muxrule_table(tap),
			    MUXRULE_PRIO_BASE + tap, nl_geterror(e));
			return -1;
		}
	}
	log_debug("muxrule: oif %s lookup %u priority %u", dev,
	    muxrule_table(tap), MUXRULE_PRIO_BASE + tap);
	return 0;
}

int
muxrule_del(struct nl_sock *sk, unsigned tap, char *err, size_t errlen)
{
	if (tap < MUX_TAP_MIN || tap > MUX_TAP_MAX) {
		nlr_err(err, errlen, "tap%u: out of range", tap);
		return -1;
	}
	return rules_del(sk, tap, err, errlen);
}

int
muxrule_flush(struct nl_sock *sk, char *err, size_t errlen)
{
	return rules_del(sk, 0, err, errlen);
}
