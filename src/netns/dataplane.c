/*
 * dataplane: the address on lo and the source rule of an announced
 * prefix, through libnl-route on one short-lived netlink socket per call.
 *
 * Idempotence comes from looking first: rules are read with a raw dump
 * (a libnl cache would fold identical rules into one object, and we must
 * see, count and remove duplicates), and an address that already exists
 * is the kernel's EEXIST. A rule is added without NLM_F_EXCL: the kernel
 * would call a rule with more selectors (`from P iif X ...`) "ours" and
 * refuse, while our own look at the dump is exact.
 */
#include "../lib/errmsg.h"
#include "dataplane.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>
#include <netlink/route/rule.h>

#include "../lib/log.h"

#define DP_DUMP_TRIES	3	/* dumps cut short by concurrent changes */

/* A rule at DATAPLANE_PRIO, as the dump had it. */
struct dp_rule {
	struct rtnl_rule	*r;
	bool			 plain;	/* selects by source alone */
};

struct dp_rules {
	struct dp_rule	*v;
	size_t		 n, cap;
	int		 err;		/* NLE_*: collecting failed */
	bool		 cur_plain;	/* of the message being parsed */
};

/* ---- helpers ---- */

/* The first error of a call wins: later ones are its consequences. */
static void __attribute__((format(printf, 3, 4)))
dp_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0 || err[0] != '\0')
		return;
	va_start(ap, fmt);
	errmsg_vset(err, errlen, fmt, ap);
	va_end(ap);
}

static void
dp_err_clear(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

static int
af_family(unsigned af)
{
	return af == AF_IDX_IPV4 ? AF_INET : AF_INET6;
}

static int
prefix_to_nl(const struct prefix *p, struct nl_addr **out)
{
	*out = nl_addr_build(af_family(p->af), p->addr, af_addr_bytes(p->af));
	if (*out == NULL)
		return -NLE_NOMEM;
	nl_addr_set_prefixlen(*out, p->len);
	return 0;
}

/* A rule's source as a prefix, masked (the kernel keeps host bits as
 * given); -1 if it has none. */
static int
prefix_from_nl(struct nl_addr *a, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (a == NULL)
		return -1;
	switch (nl_addr_get_family(a)) {
	case AF_INET:
		out->af = AF_IDX_IPV4;
		break;
	case AF_INET6:
		out->af = AF_IDX_IPV6;
		break;
	default:
		return -1;
	}
	if (nl_addr_get_len(a) != af_addr_bytes(out->af) ||
	    nl_addr_get_prefixlen(a) > af_max_bits(out->af))
		return -1;
	memcpy(out->addr, nl_addr_get_binary_addr(a), af_addr_bytes(out->af));
	out->len = (uint8_t)nl_addr_get_prefixlen(a);
	prefix_mask(out);
	return 0;
}

/* p masked into net, and its first address; -1 (err set) if unusable. */
static int
dp_check(const struct prefix *p, struct prefix *net, struct prefix *first,
    char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN];

	if (p->af >= AF_IDX_COUNT || p->len > af_max_bits(p->af)) {
		dp_err(err, errlen, "invalid prefix");
		return -1;
	}
	*net = *p;
	prefix_mask(net);
	if (dataplane_first_addr(net, first) == -1) {
		dp_err(err, errlen, "%s: no room for a first address",
		    prefix_format(net, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static struct nl_sock *
dp_open(char *err, size_t errlen)
{
	struct nl_sock *sk;
	int e;

	if ((sk = nl_socket_alloc()) == NULL) {
		dp_err(err, errlen, "netlink socket: %s",
		    nl_geterror(-NLE_NOMEM));
		return NULL;
	}
	if ((e = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		dp_err(err, errlen, "netlink socket: %s", nl_geterror(e));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* ---- the address on lo ---- */

static int
lo_index(struct nl_sock *sk, int *index, char *err, size_t errlen)
{
	struct rtnl_link *l;
	int e;

	if ((e = rtnl_link_get_kernel(sk, 0, DATAPLANE_IFNAME, &l)) < 0) {
		dp_err(err, errlen, "link %s: %s", DATAPLANE_IFNAME,
		    nl_geterror(e));
		return -1;
	}
	*index = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return 0;
}

static int
addr_make(int ifindex, const struct prefix *a, struct rtnl_addr **out)
{
	struct nl_addr *local;
	int e;

	if ((*out = rtnl_addr_alloc()) == NULL)
		return -NLE_NOMEM;
	if ((e = prefix_to_nl(a, &local)) < 0) {
		rtnl_addr_put(*out);
		return e;
	}
	e = rtnl_addr_set_local(*out, local);
	nl_addr_put(local);
	if (e < 0) {
		rtnl_addr_put(*out);
		return e;
	}
	rtnl_addr_set_ifindex(*out, ifindex);
	/* Global: it is the source of the prefix's traffic. No DAD: lo has
	 * no neighbours, and a tentative address cannot be bound. */
	rtnl_addr_set_scope(*out, RT_SCOPE_UNIVERSE);
	if (a->af == AF_IDX_IPV6)
		rtnl_addr_set_flags(*out, IFA_F_NODAD);
	return 0;
}

static int
addr_add(struct nl_sock *sk, int ifindex, const struct prefix *a,
    char *err, size_t errlen)
{
	struct rtnl_addr *ra;
	char buf[PREFIX_STRLEN];
	int e;

	if ((e = addr_make(ifindex, a, &ra)) == 0) {
		e = rtnl_addr_add(sk, ra, 0);
		rtnl_addr_put(ra);
	}
	prefix_format(a, buf, sizeof(buf));
	if (e == -NLE_EXIST)
		return 0;
	if (e < 0) {
		dp_err(err, errlen, "adding %s to %s: %s", buf,
		    DATAPLANE_IFNAME, nl_geterror(e));
		return -1;
	}
	log_debug("dataplane: %s added to %s", buf, DATAPLANE_IFNAME);
	return 0;
}

static int
addr_del(struct nl_sock *sk, int ifindex, const struct prefix *a,
    char *err, size_t errlen)
{
	struct rtnl_addr *ra;
	char buf[PREFIX_STRLEN];
	int e;

	if ((e = addr_make(ifindex, a, &ra)) == 0) {
		e = rtnl_addr_delete(sk, ra, 0);
		rtnl_addr_put(ra);
	}
	prefix_format(a, buf, sizeof(buf));
	/* Absent: EADDRNOTAVAIL from the kernel. */
	if (e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND)
		return 0;
	if (e < 0) {
		dp_err(err, errlen, "removing %s from %s: %s", buf,
		    DATAPLANE_IFNAME, nl_geterror(e));
		return -1;
	}
	log_debug("dataplane: %s removed from %s", buf, DATAPLANE_IFNAME);
	return 0;
}

/* ---- reading the rules ---- */

/*
 * Ours selects by source alone. The message says so better than the
 * parsed object: any attribute past these (a selector libnl does not
 * know, or one the kernel learns later) makes it somebody else's rule.
 */
static bool
msg_rule_plain(struct nlmsghdr *nlh)
{
	const struct fib_rule_hdr *frh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	if ((frh->flags & FIB_RULE_INVERT) || frh->tos || frh->dst_len)
		return false;
	nlmsg_for_each_attr(a, nlh, sizeof(*frh), rem) {
		switch (nla_type(a)) {
		case FRA_TABLE:
		case FRA_PRIORITY:
		case FRA_SRC:
		case FRA_PROTOCOL:
			break;
		case FRA_SUPPRESS_PREFIXLEN:
		case FRA_SUPPRESS_IFGROUP:
			/* Dumped as -1 when unset. */
			if (nla_len(a) < 4 || nla_get_u32(a) != UINT32_MAX)
				return false;
			break;
		default:
			return false;
		}
	}
	return true;
}

static void
rules_on_object(struct nl_object *obj, void *arg)
{
	struct dp_rules *rs = arg;
	struct rtnl_rule *r = (struct rtnl_rule *)obj;
	struct dp_rule *v;

	/* IPv4 and IPv6 only: not the multicast routing rules. */
	if (rs->err || rtnl_rule_get_prio(r) != DATAPLANE_PRIO ||
	    (rtnl_rule_get_family(r) != AF_INET &&
	    rtnl_rule_get_family(r) != AF_INET6))
		return;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;

		if ((v = reallocarray(rs->v, cap, sizeof(*v))) == NULL) {
			rs->err = -NLE_NOMEM;
			return;
		}
		rs->v = v;
		rs->cap = cap;
	}
	nl_object_get(obj);
	rs->v[rs->n].r = r;
	rs->v[rs->n].plain = rs->cur_plain;
	rs->n++;
}

static int
rules_on_valid(struct nl_msg *msg, void *arg)
{
	struct dp_rules *rs = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int e;

	if (nlh->nlmsg_type != RTM_NEWRULE ||
	    !nlmsg_valid_hdr(nlh, sizeof(struct fib_rule_hdr)))
		return NL_SKIP;
	rs->cur_plain = msg_rule_plain(nlh);
	/* libnl's parser checks every attribute's length. */
	if ((e = nl_msg_parse(msg, rules_on_object, rs)) < 0 && !rs->err)
		rs->err = e;
	return NL_OK;
}

static void
rules_free(struct dp_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rtnl_rule_put(rs->v[i].r);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static int
rules_dump_once(struct nl_sock *sk, struct dp_rules *rs)
{
	struct nl_cb *cb;
	int e;

	if ((cb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, rules_on_valid, rs);
	if ((e = nl_rtgen_request(sk, RTM_GETRULE, AF_UNSPEC,
	    NLM_F_DUMP)) >= 0)
		e = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (e >= 0 && rs->err)
		e = rs->err;
	return e < 0 ? e : 0;
}

/* Every rule at DATAPLANE_PRIO, both families; 0 or -1 (err set). */
static int
rules_dump(struct nl_sock *sk, struct dp_rules *rs, char *err,
    size_t errlen)
{
	int e, tries = 0;

	memset(rs, 0, sizeof(*rs));
	do {
		rules_free(rs);
		e = rules_dump_once(sk, rs);
	} while (e == -NLE_DUMP_INTR && ++tries < DP_DUMP_TRIES);
	if (e < 0) {
		rules_free(rs);
		dp_err(err, errlen, "reading rules: %s", nl_geterror(e));
		return -1;
	}
	return 0;
}

/* One of ours (whatever its prefix): its source in out. */
static bool
rule_ours(const struct dp_rule *d, struct prefix *out)
{
	return d->plain &&
	    rtnl_rule_get_action(d->r) == FR_ACT_TO_TBL &&
	    rtnl_rule_get_table(d->r) == DATAPLANE_TABLE &&
	    prefix_from_nl(rtnl_rule_get_src(d->r), out) == 0;
}

static bool
rule_ours_for(const struct dp_rule *d, const struct prefix *net)
{
	struct prefix p;

	return rule_ours(d, &p) && prefix_equal(&p, net);
}

/* ---- changing the rules ---- */

static int
rule_make(const struct prefix *net, struct rtnl_rule **out)
{
	struct nl_addr *src;
	int e;

	if ((*out = rtnl_rule_alloc()) == NULL)
		return -NLE_NOMEM;
	if ((e = prefix_to_nl(net, &src)) < 0) {
		rtnl_rule_put(*out);
		return e;
	}
	rtnl_rule_set_family(*out, af_family(net->af));
	e = rtnl_rule_set_src(*out, src);
	nl_addr_put(src);
	if (e < 0) {
		rtnl_rule_put(*out);
		return e;
	}
	rtnl_rule_set_prio(*out, DATAPLANE_PRIO);
	rtnl_rule_set_table(*out, DATAPLANE_TABLE);
	rtnl_rule_set_action(*out, FR_ACT_TO_TBL);
	return 0;
}

static int
rule_add(struct nl_sock *sk, const struct prefix *net, char *err,
    size_t errlen)
{
	struct dp_rules rs;
	struct rtnl_rule *r;
	char buf[PREFIX_STRLEN];
	bool found = false;
	size_t i;
	int e;

	if (rules_dump(sk, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n && !found; i++)
		found = rule_ours_for(&rs.v[i], net);
	rules_free(&rs);
	if (found)
		return 0;
	if ((e = rule_make(net, &r)) == 0) {
		e = rtnl_rule_add(sk, r, 0);
		rtnl_rule_put(r);
	}
	prefix_format(net, buf, sizeof(buf));
	if (e < 0) {
		dp_err(err, errlen, "adding rule from %s lookup %d priority "
		    "%d: %s", buf, DATAPLANE_TABLE, DATAPLANE_PRIO,
		    nl_geterror(e));
		return -1;
	}
	log_debug("dataplane: rule from %s lookup %d priority %d added", buf,
	    DATAPLANE_TABLE, DATAPLANE_PRIO);
	return 0;
}

/*
 * Deletes the rule the dump showed, naming all its attributes. The kernel
 * deletes the first rule that has what the request names, so a rule with
 * more selectors, listed earlier, may go instead (as with `ip rule del`).
 * 1: deleted, 0: already gone, -1: failed (err set).
 */
static int
rule_del(struct nl_sock *sk, const struct dp_rule *d, char *err,
    size_t errlen)
{
	char buf[PREFIX_STRLEN] = "all";
	struct prefix src;
	int e;

	if ((e = rtnl_rule_delete(sk, d->r, 0)) == -NLE_OBJ_NOTFOUND)
		return 0;
	if (prefix_from_nl(rtnl_rule_get_src(d->r), &src) == 0)
		prefix_format(&src, buf, sizeof(buf));
	if (e < 0) {
		dp_err(err, errlen, "removing rule from %s priority %d: %s",
		    buf, DATAPLANE_PRIO, nl_geterror(e));
		return -1;
	}
	log_debug("dataplane: rule from %s priority %d removed", buf,
	    DATAPLANE_PRIO);
	return 1;
}

/* Every copy of net's rule; 0 or -1 (err set). */
static int
rules_del_for(struct nl_sock *sk, const struct prefix *net, char *err,
    size_t errlen)
{
	struct dp_rules rs;
	size_t i;
	int rc = 0;

	if (rules_dump(sk, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++)
		if (rule_ours_for(&rs.v[i], net) &&
		    rule_del(sk, &rs.v[i], err, errlen) == -1)
			rc = -1;
	rules_free(&rs);
	return rc;
}

/* ---- the API ---- */

int
dataplane_first_addr(const struct prefix *p, struct prefix *out)
{
	unsigned max;

	if (p->af >= AF_IDX_COUNT || p->len >= (max = af_max_bits(p->af)))
		return -1;
	*out = *p;
	prefix_mask(out);
	out->len = (uint8_t)max;
	/* The network address + 1: its last bit is a zero host bit. */
	out->addr[af_addr_bytes(p->af) - 1] |= 1;
	return 0;
}

int
dataplane_add(const struct prefix *p, char *err, size_t errlen)
{
	struct prefix net, first;
	struct nl_sock *sk;
	int ifindex, rc = -1;

	dp_err_clear(err, errlen);
	if (dp_check(p, &net, &first, err, errlen) == -1 ||
	    (sk = dp_open(err, errlen)) == NULL)
		return -1;
	if (lo_index(sk, &ifindex, err, errlen) == 0 &&
	    addr_add(sk, ifindex, &first, err, errlen) == 0 &&
	    rule_add(sk, &net, err, errlen) == 0)
		rc = 0;
	nl_socket_free(sk);
	return rc;
}

int
dataplane_remove(const struct prefix *p, char *err, size_t errlen)
{
	struct prefix net, first;
	struct nl_sock *sk;
	int ifindex, rc = 0;

	dp_err_clear(err, errlen);
	if (dp_check(p, &net, &first, err, errlen) == -1 ||
	    (sk = dp_open(err, errlen)) == NULL)
		return -1;
	if (lo_index(sk, &ifindex, err, errlen) == -1 ||
	    addr_del(sk, ifindex, &first, err, errlen) == -1)
		rc = -1;
	if (rules_del_for(sk, &net, err, errlen) == -1)
		rc = -1;
	nl_socket_free(sk);
	return rc;
}

/* The lo addresses of addrs; 0 or -1 (err set, the rest still tried). */
static int
flush_addrs(struct nl_sock *sk, const struct prefix *addrs, size_t n,
    char *err, size_t errlen)
{
	struct prefix net, first;
	int ifindex, rc = 0;
	size_t i;

	if (n == 0)
		return 0;
	if (lo_index(sk, &ifindex, err, errlen) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (dp_check(&addrs[i], &net, &first, err, errlen) == -1 ||
		    addr_del(sk, ifindex, &first, err, errlen) == -1)
			rc = -1;
	return rc;
}

int
dataplane_flush(const struct prefix *addrs, size_t naddrs, char *err,
    size_t errlen)
{
	struct dp_rules rs;
	struct nl_sock *sk;
	size_t i;
	int n = 0, rc = 0, r;

	dp_err_clear(err, errlen);
	if ((sk = dp_open(err, errlen)) == NULL)
		return -1;
	if (rules_dump(sk, &rs, err, errlen) == -1)
		rc = -1;
	for (i = 0; i < rs.n; i++) {
		if ((r = rule_del(sk, &rs.v[i], err, errlen)) == -1)
			rc = -1;
		else
			n += r;
	}
	rules_free(&rs);
	if (flush_addrs(sk, addrs, naddrs, err, errlen) == -1)
		rc = -1;
	nl_socket_free(sk);
	if (n > 0)
		log_debug("dataplane: %d rules of priority %d removed", n,
		    DATAPLANE_PRIO);
	return rc == -1 ? -1 : n;
}

int
dataplane_flush_rules(char *err, size_t errlen)
{
	return dataplane_flush(NULL, 0, err, errlen);
}

int
dataplane_list(struct prefix *out, size_t max, char *err, size_t errlen)
{
	struct dp_rules rs;
	struct nl_sock *sk;
	struct prefix p;
	size_t i;
	int n = 0;

	dp_err_clear(err, errlen);
	if ((sk = dp_open(err, errlen)) == NULL)
		return -1;
	if (rules_dump(sk, &rs, err, errlen) == -1) {
		nl_socket_free(sk);
		return -1;
	}
	for (i = 0; i < rs.n; i++) {
		if (!rule_ours(&rs.v[i], &p))
			continue;
		if ((size_t)n < max)
			out[n] = p;
		n++;
	}
	rules_free(&rs);
	nl_socket_free(sk);
	return n;
}
