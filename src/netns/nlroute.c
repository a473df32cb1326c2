/*
 * nlroute: links, addresses, rules and routes through libnl-route, on
 * the caller's socket. Rules are read with a raw dump (their selectors
 * are checked on the message: whatever libnl does not parse makes a rule
 * somebody else's); routes and addresses with a libnl cache.
 */
#include "nlroute.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <netlink/route/rule.h>

#include "../lib/errmsg.h"
#include "../lib/log.h"

#define NLR_DUMP_TRIES	3	/* dumps cut short by concurrent changes */

/* ---- helpers ---- */

void
nlr_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0 || err[0] != '\0')
		return;
	va_start(ap, fmt);
	errmsg_vset(err, errlen, fmt, ap);
	va_end(ap);
}

void
nlr_err_clear(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

static int
af_family(unsigned af)
{
	return af == AF_IDX_IPV4 ? AF_INET : AF_INET6;
}

int
nlr_prefix_to_nl(const struct prefix *p, struct nl_addr **out)
{
	*out = nl_addr_build(af_family(p->af), p->addr, af_addr_bytes(p->af));
	if (*out == NULL)
		return -NLE_NOMEM;
	nl_addr_set_prefixlen(*out, p->len);
	return 0;
}

int
nlr_prefix_from_nl(struct nl_addr *a, struct prefix *out)
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

struct nl_sock *
nlr_open(char *err, size_t errlen)
{
	struct nl_sock *sk;
	int e;

	if ((sk = nl_socket_alloc()) == NULL) {
		nlr_err(err, errlen, "netlink socket: %s",
		    nl_geterror(-NLE_NOMEM));
		return NULL;
	}
	if ((e = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		nlr_err(err, errlen, "netlink socket: %s", nl_geterror(e));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void
nlr_close(struct nl_sock *sk)
{
	if (sk != NULL)
		nl_socket_free(sk);
}

/* ---- links ---- */

int
nlr_link_index(struct nl_sock *sk, const char *name, char *err,
    size_t errlen)
{
	struct rtnl_link *l;
	int e, index;

	if ((e = rtnl_link_get_kernel(sk, 0, name, &l)) == -NLE_NODEV ||
	    e == -NLE_OBJ_NOTFOUND)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "link %s: %s", name, nl_geterror(e));
		return -1;
	}
	index = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return index;
}

struct link_names {
	const char	*prefix;
	char		(*names)[16];
	size_t		 max, n;
};

static void
link_names_one(struct nl_object *obj, void *arg)
{
	struct link_names *ln = arg;
	const char *name = rtnl_link_get_name((struct rtnl_link *)obj);

	if (name == NULL || strncmp(name, ln->prefix, strlen(ln->prefix)) != 0)
		return;
	if (ln->n < ln->max)
		snprintf(ln->names[ln->n], sizeof(ln->names[ln->n]), "%s",
		    name);
	ln->n++;
}

int
nlr_link_names(struct nl_sock *sk, const char *prefix, char (*names)[16],
    size_t max, char *err, size_t errlen)
{
	struct link_names ln = { prefix, names, max, 0 };
	struct nl_cache *c;
	int e;

	if ((e = rtnl_link_alloc_cache(sk, AF_UNSPEC, &c)) < 0) {
		nlr_err(err, errlen, "reading links: %s", nl_geterror(e));
		return -1;
	}
	nl_cache_foreach(c, link_names_one, &ln);
	nl_cache_free(c);
	return (int)ln.n;
}

int
nlr_link_up(struct nl_sock *sk, const char *name, char *err, size_t errlen)
{
	struct rtnl_link *l, *chg;
	int e;

	if ((e = rtnl_link_get_kernel(sk, 0, name, &l)) < 0) {
		nlr_err(err, errlen, "link %s: %s", name, nl_geterror(e));
		return -1;
	}
	if ((chg = rtnl_link_alloc()) == NULL) {
		rtnl_link_put(l);
		nlr_err(err, errlen, "link %s: %s", name,
		    nl_geterror(-NLE_NOMEM));
		return -1;
	}
	rtnl_link_set_flags(chg, IFF_UP);
	e = rtnl_link_change(sk, l, chg, 0);
	rtnl_link_put(chg);
	rtnl_link_put(l);
	if (e < 0) {
		nlr_err(err, errlen, "setting %s up: %s", name, nl_geterror(e));
		return -1;
	}
	return 0;
}

int
nlr_link_del(struct nl_sock *sk, const char *name, char *err, size_t errlen)
{
	struct rtnl_link *l;
	int e;

	if ((l = rtnl_link_alloc()) == NULL) {
		nlr_err(err, errlen, "removing %s: %s", name,
		    nl_geterror(-NLE_NOMEM));
		return -1;
	}
	rtnl_link_set_name(l, name);
	e = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	if (e == -NLE_NODEV || e == -NLE_OBJ_NOTFOUND)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "removing %s: %s", name, nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: link %s removed", name);
	return 0;
}

static int
link_created(int e, const char *what, const char *name, char *err,
    size_t errlen)
{
	if (e < 0) {
		nlr_err(err, errlen, "creating %s %s: %s", what, name,
		    nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: %s %s created", what, name);
	return 0;
}

int
nlr_veth_add(struct nl_sock *sk, const char *name, const char *peer_name,
    int ns_fd, char *err, size_t errlen)
{
	struct rtnl_link *l, *peer;
	int e;

	if ((l = rtnl_link_veth_alloc()) == NULL)
		return link_created(-NLE_NOMEM, "veth", name, err, errlen);
	rtnl_link_set_name(l, name);
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(peer, peer_name);
	if (ns_fd >= 0)
		rtnl_link_set_ns_fd(peer, ns_fd);
	rtnl_link_put(peer);
	e = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(l);
	return link_created(e, "veth", name, err, errlen);
}

int
nlr_bridge_add(struct nl_sock *sk, const char *name, char *err,
    size_t errlen)
{
	struct rtnl_link *l;
	int e;

	if ((l = rtnl_link_alloc()) == NULL)
		return link_created(-NLE_NOMEM, "bridge", name, err, errlen);
	rtnl_link_set_name(l, name);
	if ((e = rtnl_link_set_type(l, "bridge")) == 0)
		e = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	return link_created(e, "bridge", name, err, errlen);
}

/* ---- addresses ---- */

static int
addr_make(int ifindex, const struct prefix *a, struct rtnl_addr **out)
{
	struct nl_addr *local;
	int e;

	if ((*out = rtnl_addr_alloc()) == NULL)
		return -NLE_NOMEM;
	if ((local = nl_addr_build(af_family(a->af), a->addr,
	    af_addr_bytes(a->af))) == NULL) {
		rtnl_addr_put(*out);
		return -NLE_NOMEM;
	}
	nl_addr_set_prefixlen(local, a->len);
	e = rtnl_addr_set_local(*out, local);
	nl_addr_put(local);
	if (e < 0) {
		rtnl_addr_put(*out);
		return e;
	}
	rtnl_addr_set_ifindex(*out, ifindex);
	rtnl_addr_set_scope(*out, RT_SCOPE_UNIVERSE);
	if (a->af == AF_IDX_IPV6)
		rtnl_addr_set_flags(*out, IFA_F_NODAD);
	return 0;
}

/* The address with its length, as `ip` shows it. */
static char *
addr_text(const struct prefix *a, char *buf, size_t size)
{
	char s[ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", addr_format(a->af, a->addr, s,
	    sizeof(s)), a->len);
	return buf;
}

int
nlr_addr_add(struct nl_sock *sk, int ifindex, const char *ifname,
    const struct prefix *a, char *err, size_t errlen)
{
	struct rtnl_addr *ra;
	char buf[PREFIX_STRLEN];
	int e;

	if ((e = addr_make(ifindex, a, &ra)) == 0) {
		e = rtnl_addr_add(sk, ra, 0);
		rtnl_addr_put(ra);
	}
	addr_text(a, buf, sizeof(buf));
	if (e == -NLE_EXIST)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "adding %s to %s: %s", buf, ifname,
		    nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: %s added to %s", buf, ifname);
	return 0;
}

int
nlr_addr_del(struct nl_sock *sk, int ifindex, const char *ifname,
    const struct prefix *a, char *err, size_t errlen)
{
	struct rtnl_addr *ra;
	char buf[PREFIX_STRLEN];
	int e;

	if ((e = addr_make(ifindex, a, &ra)) == 0) {
		e = rtnl_addr_delete(sk, ra, 0);
		rtnl_addr_put(ra);
	}
	addr_text(a, buf, sizeof(buf));
	/* Absent: EADDRNOTAVAIL from the kernel. */
	if (e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "removing %s from %s: %s", buf, ifname,
		    nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: %s removed from %s", buf, ifname);
	return 0;
}

struct addr_find {
	const struct prefix	*a;
	bool			 found;
};

static void
addr_find_one(struct nl_object *obj, void *arg)
{
	struct addr_find *f = arg;
	struct nl_addr *local = rtnl_addr_get_local((struct rtnl_addr *)obj);

	if (local != NULL && nl_addr_get_family(local) ==
	    af_family(f->a->af) && nl_addr_get_len(local) ==
	    af_addr_bytes(f->a->af) && memcmp(nl_addr_get_binary_addr(local),
	    f->a->addr, af_addr_bytes(f->a->af)) == 0)
		f->found = true;
}

struct link_addr {
	int		 ifindex;
	unsigned	 af;
	struct prefix	*out;
	bool		 found;
};

static void
link_addr_one(struct nl_object *obj, void *arg)
{
	struct link_addr *la = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct prefix p;

	if (la->found || rtnl_addr_get_ifindex(a) != la->ifindex ||
	    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
	    nlr_prefix_from_nl(rtnl_addr_get_local(a), &p) == -1 ||
	    p.af != la->af)
		return;
	/* The address itself, not its subnet. */
	memcpy(p.addr, nl_addr_get_binary_addr(rtnl_addr_get_local(a)),
	    af_addr_bytes(p.af));
	p.len = (uint8_t)af_max_bits(p.af);
	*la->out = p;
	la->found = true;
}

int
nlr_link_addr(struct nl_sock *sk, int ifindex, unsigned af,
    struct prefix *out, char *err, size_t errlen)
{
	struct link_addr la = { ifindex, af, out, false };
	struct nl_cache *c;
	int e;

	if ((e = rtnl_addr_alloc_cache(sk, &c)) < 0) {
		nlr_err(err, errlen, "reading addresses: %s", nl_geterror(e));
		return -1;
	}
	nl_cache_foreach(c, link_addr_one, &la);
	nl_cache_free(c);
	return la.found ? 1 : 0;
}

int
nlr_addr_present(struct nl_sock *sk, const struct prefix *a, char *err,
    size_t errlen)
{
	struct nl_cache *c;
	struct addr_find f = { a, false };
	int e;

	if ((e = rtnl_addr_alloc_cache(sk, &c)) < 0) {
		nlr_err(err, errlen, "reading addresses: %s", nl_geterror(e));
		return -1;
	}
	nl_cache_foreach(c, addr_find_one, &f);
	nl_cache_free(c);
	return f.found ? 1 : 0;
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
	struct nlr_rules *rs = arg;
	struct rtnl_rule *r = (struct rtnl_rule *)obj;
	struct nlr_rule *v;
	unsigned prio = rtnl_rule_get_prio(r);

	/* IPv4 and IPv6 only: not the multicast routing rules. */
	if (rs->err || prio < rs->prio_lo || prio > rs->prio_hi ||
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
	struct nlr_rules *rs = arg;
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

void
nlr_rules_free(struct nlr_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rtnl_rule_put(rs->v[i].r);
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
	rs->err = 0;
}

static int
rules_dump_once(struct nl_sock *sk, struct nlr_rules *rs)
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

int
nlr_rules_dump(struct nl_sock *sk, unsigned prio_lo, unsigned prio_hi,
    struct nlr_rules *rs, char *err, size_t errlen)
{
	int e, tries = 0;

	memset(rs, 0, sizeof(*rs));
	rs->prio_lo = prio_lo;
	rs->prio_hi = prio_hi;
	do {
		nlr_rules_free(rs);
		e = rules_dump_once(sk, rs);
	} while (e == -NLE_DUMP_INTR && ++tries < NLR_DUMP_TRIES);
	if (e < 0) {
		nlr_rules_free(rs);
		nlr_err(err, errlen, "reading rules: %s", nl_geterror(e));
		return -1;
	}
	return 0;
}

unsigned
nlr_rule_prio(const struct nlr_rule *d)
{
	return rtnl_rule_get_prio(d->r);
}

bool
nlr_rule_plain_lookup(const struct nlr_rule *d, unsigned *table,
    struct prefix *src)
{
	struct prefix p;

	if (!d->plain || rtnl_rule_get_action(d->r) != FR_ACT_TO_TBL ||
	    nlr_prefix_from_nl(rtnl_rule_get_src(d->r), &p) == -1)
		return false;
	if (table != NULL)
		*table = rtnl_rule_get_table(d->r);
	if (src != NULL)
		*src = p;
	return true;
}

static bool
rule_is(const struct nlr_rule *d, const struct prefix *net, unsigned table,
    unsigned prio)
{
	struct prefix p;
	unsigned t;

	return nlr_rule_prio(d) == prio &&
	    nlr_rule_plain_lookup(d, &t, &p) && t == table &&
	    prefix_equal(&p, net);
}

/* ---- changing the rules ---- */

static int
rule_make(const struct prefix *net, unsigned table, unsigned prio,
    struct rtnl_rule **out)
{
	struct nl_addr *src;
	int e;

	if ((*out = rtnl_rule_alloc()) == NULL)
		return -NLE_NOMEM;
	if ((e = nlr_prefix_to_nl(net, &src)) < 0) {
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
	rtnl_rule_set_prio(*out, prio);
	rtnl_rule_set_table(*out, table);
	rtnl_rule_set_action(*out, FR_ACT_TO_TBL);
	return 0;
}

/*
 * Added without NLM_F_EXCL: the kernel would call a rule with more
 * selectors (`from P iif X ...`) "ours" and refuse, while our own look
 * at the dump is exact.
 */
int
nlr_rule_add(struct nl_sock *sk, const struct prefix *net, unsigned table,
    unsigned prio, char *err, size_t errlen)
{
	struct nlr_rules rs;
	struct rtnl_rule *r;
	char buf[PREFIX_STRLEN];
	bool found = false;
	size_t i;
	int e;

	if (nlr_rules_dump(sk, prio, prio, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n && !found; i++)
		found = rule_is(&rs.v[i], net, table, prio);
	nlr_rules_free(&rs);
	if (found)
		return 0;
	if ((e = rule_make(net, table, prio, &r)) == 0) {
		e = rtnl_rule_add(sk, r, 0);
		rtnl_rule_put(r);
	}
	prefix_format(net, buf, sizeof(buf));
	if (e < 0) {
		nlr_err(err, errlen, "adding rule from %s lookup %u priority "
		    "%u: %s", buf, table, prio, nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: rule from %s lookup %u priority %u added", buf,
	    table, prio);
	return 0;
}

/*
 * Deletes the rule the dump showed, naming all its attributes. The kernel
 * deletes the first rule that has what the request names, so a rule with
 * more selectors, listed earlier, may go instead (as with `ip rule del`).
 */
int
nlr_rule_del(struct nl_sock *sk, const struct nlr_rule *d, char *err,
    size_t errlen)
{
	char buf[PREFIX_STRLEN] = "all";
	struct prefix src;
	unsigned prio = nlr_rule_prio(d);
	int e;

	if ((e = rtnl_rule_delete(sk, d->r, 0)) == -NLE_OBJ_NOTFOUND)
		return 0;
	if (nlr_prefix_from_nl(rtnl_rule_get_src(d->r), &src) == 0)
		prefix_format(&src, buf, sizeof(buf));
	if (e < 0) {
		nlr_err(err, errlen, "removing rule from %s priority %u: %s",
		    buf, prio, nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: rule from %s priority %u removed", buf, prio);
	return 1;
}

int
nlr_rules_del(struct nl_sock *sk, const struct prefix *net, unsigned table,
    unsigned prio, char *err, size_t errlen)
{
	struct nlr_rules rs;
	size_t i;
	int rc = 0;

	if (nlr_rules_dump(sk, prio, prio, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++)
		if (rule_is(&rs.v[i], net, table, prio) &&
		    nlr_rule_del(sk, &rs.v[i], err, errlen) == -1)
			rc = -1;
	nlr_rules_free(&rs);
	return rc;
}

/* ---- routes ---- */

static int
route_make(const struct nlr_route *rt, struct rtnl_route **out)
{
	struct rtnl_nexthop *nh;
	struct nl_addr *a;
	int e;

	if ((*out = rtnl_route_alloc()) == NULL)
		return -NLE_NOMEM;
	if ((e = nlr_prefix_to_nl(rt->dst, &a)) < 0)
		goto fail;
	e = rtnl_route_set_dst(*out, a);
	nl_addr_put(a);
	if (e < 0)
		goto fail;
	rtnl_route_set_family(*out, af_family(rt->dst->af));
	rtnl_route_set_table(*out, rt->table);
	rtnl_route_set_type(*out, RTN_UNICAST);
	rtnl_route_set_protocol(*out, RTPROT_STATIC);
	rtnl_route_set_scope(*out, rt->gw != NULL ? RT_SCOPE_UNIVERSE :
	    RT_SCOPE_LINK);
	if ((nh = rtnl_route_nh_alloc()) == NULL) {
		e = -NLE_NOMEM;
		goto fail;
	}
	rtnl_route_nh_set_ifindex(nh, rt->ifindex);
	if (rt->gw != NULL) {
		if ((a = nl_addr_build(af_family(rt->gw->af), rt->gw->addr,
		    af_addr_bytes(rt->gw->af))) == NULL) {
			rtnl_route_nh_free(nh);
			e = -NLE_NOMEM;
			goto fail;
		}
		rtnl_route_nh_set_gateway(nh, a);
		nl_addr_put(a);
		if (rt->onlink)
			rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	}
	rtnl_route_add_nexthop(*out, nh);
	return 0;
fail:
	rtnl_route_put(*out);
	return e;
}

static char *
route_text(const struct nlr_route *rt, char *buf, size_t size)
{
	char d[PREFIX_STRLEN], g[ADDR_STRLEN];

	prefix_format(rt->dst, d, sizeof(d));
	if (rt->gw != NULL)
		snprintf(buf, size, "%s via %s table %u", d,
		    addr_format(rt->gw->af, rt->gw->addr, g, sizeof(g)),
		    rt->table);
	else
		snprintf(buf, size, "%s table %u", d, rt->table);
	return buf;
}

int
nlr_route_add(struct nl_sock *sk, const struct nlr_route *rt, char *err,
    size_t errlen)
{
	struct rtnl_route *r;
	char buf[160];
	int e;

	if ((e = route_make(rt, &r)) == 0) {
		e = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_route_put(r);
	}
	if (e == -NLE_EXIST)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "adding route %s: %s",
		    route_text(rt, buf, sizeof(buf)), nl_geterror(e));
		return -1;
	}
	log_debug("nlroute: route %s added", route_text(rt, buf,
	    sizeof(buf)));
	return 0;
}

int
nlr_route_del(struct nl_sock *sk, const struct nlr_route *rt, char *err,
    size_t errlen)
{
	struct rtnl_route *r;
	char buf[160];
	int e;

	if ((e = route_make(rt, &r)) == 0) {
		e = rtnl_route_delete(sk, r, 0);
		rtnl_route_put(r);
	}
	/* Absent: ESRCH from the kernel. */
	if (e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV)
		return 0;
	if (e < 0) {
		nlr_err(err, errlen, "removing route %s: %s",
		    route_text(rt, buf, sizeof(buf)), nl_geterror(e));
		return -1;
	}
	return 0;
}

struct route_walk {
	struct nl_sock		*sk;
	const struct prefix	*dst;	/* NULL: every route */
	unsigned		 table;
	int			 found, err;
	struct prefix		 gw;	/* of the first found */
	int			 oif;
};

/* The first next hop's gateway and device. */
static void
route_walk_nh(struct route_walk *w, struct rtnl_route *r)
{
	struct rtnl_nexthop *nh;
	struct nl_addr *gw;

	if (w->found != 1 || rtnl_route_get_nnexthops(r) < 1 ||
	    (nh = rtnl_route_nexthop_n(r, 0)) == NULL)
		return;
	w->oif = rtnl_route_nh_get_ifindex(nh);
	if ((gw = rtnl_route_nh_get_gateway(nh)) != NULL &&
	    nlr_prefix_from_nl(gw, &w->gw) == 0)
		w->gw.len = (uint8_t)af_max_bits(w->gw.af);
}

/* A route's destination; a default route's has no bytes at all. */
static int
route_dst(struct rtnl_route *r, struct prefix *p)
{
	struct nl_addr *a = rtnl_route_get_dst(r);

	if (a != NULL && nl_addr_get_len(a) == 0 &&
	    nl_addr_get_prefixlen(a) == 0) {
		memset(p, 0, sizeof(*p));
		p->af = rtnl_route_get_family(r) == AF_INET ? AF_IDX_IPV4 :
		    AF_IDX_IPV6;
		return rtnl_route_get_family(r) == AF_INET ||
		    rtnl_route_get_family(r) == AF_INET6 ? 0 : -1;
	}
	return nlr_prefix_from_nl(a, p);
}

static void
route_walk_one(struct nl_object *obj, void *arg)
{
	struct route_walk *w = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct prefix p;
	int e;

	if (rtnl_route_get_table(r) != w->table || route_dst(r, &p) == -1)
		return;
	if (w->dst != NULL) {
		if (prefix_equal(&p, w->dst)) {
			w->found++;
			route_walk_nh(w, r);
		}
		return;
	}
	if ((e = rtnl_route_delete(w->sk, r, 0)) == 0)
		w->found++;
	else if (e != -NLE_OBJ_NOTFOUND && w->err == 0)
		w->err = e;
}

static int
route_walk(struct nl_sock *sk, struct route_walk *w, char *err,
    size_t errlen)
{
	struct nl_cache *c;
	int e;

	/* Every table: the cache asks for them all. */
	if ((e = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &c)) < 0) {
		nlr_err(err, errlen, "reading routes: %s", nl_geterror(e));
		return -1;
	}
	nl_cache_foreach(c, route_walk_one, w);
	nl_cache_free(c);
	if (w->err) {
		nlr_err(err, errlen, "removing routes of table %u: %s",
		    w->table, nl_geterror(w->err));
		return -1;
	}
	return w->found;
}

int
nlr_route_present(struct nl_sock *sk, const struct prefix *dst,
    unsigned table, char *err, size_t errlen)
{
	struct route_walk w = { sk, dst, table, 0, 0, { 0, 0, { 0 } }, 0 };
	int n = route_walk(sk, &w, err, errlen);

	return n < 0 ? -1 : n > 0;
}

int
nlr_route_find(struct nl_sock *sk, const struct prefix *dst, unsigned table,
    struct prefix *gw, char *oif, size_t oiflen, char *err, size_t errlen)
{
	struct route_walk w = { sk, dst, table, 0, 0, { 0, 0, { 0 } }, 0 };
	struct rtnl_link *l;
	int n = route_walk(sk, &w, err, errlen);

	if (n <= 0)
		return n;
	*gw = w.gw;
	oif[0] = '\0';
	if (w.oif > 0 && rtnl_link_get_kernel(sk, w.oif, NULL, &l) == 0) {
		snprintf(oif, oiflen, "%s", rtnl_link_get_name(l));
		rtnl_link_put(l);
	}
	return 1;
}

int
nlr_route_flush_table(struct nl_sock *sk, unsigned table, char *err,
    size_t errlen)
{
	struct route_walk w = { sk, NULL, table, 0, 0, { 0, 0, { 0 } }, 0 };

	return route_walk(sk, &w, err, errlen);
}
