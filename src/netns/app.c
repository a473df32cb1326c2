/*
 * app: the namespace or bridge of a `peering app`, its addresses, rules
 * and routes (app.h). Everything through nlroute.c and netns.c: no `ip`,
 * no shell.
 */
#include "app.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>

#include "../lib/errmsg.h"
#include "muxrule.h"
#include "netns.h"
#include "nlroute.h"

#define APP_LIST_LINKS	64	/* bridges named pbr* looked at */

/* ---- the plan (pure) ---- */

void
app_names(unsigned id, enum app_mode mode, char *ns, char *hostdev)
{
	if (mode == APP_MODE_NS) {
		snprintf(ns, APP_NAME_MAX, APP_NS_PREFIX "%u", id);
		snprintf(hostdev, APP_NAME_MAX, APP_NS_PREFIX "%uh", id);
	} else {
		ns[0] = '\0';
		snprintf(hostdev, APP_NAME_MAX, APP_BRIDGE_PREFIX "%u", id);
	}
}

/* The first and last host of net: network + 1 and, for IPv4, the
 * broadcast - 1; for IPv6 every host bit set. */
static int
app_hosts(const struct prefix *net, struct prefix *first,
    struct prefix *last)
{
	unsigned bytes = af_addr_bytes(net->af), i;

	/* Two hosts besides the network (and IPv4's broadcast) address. */
	if (net->len + 2u > af_max_bits(net->af))
		return -1;
	*first = *last = *net;
	first->addr[bytes - 1] |= 1;
	for (i = net->len; i < af_max_bits(net->af); i++)
		last->addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	if (net->af == AF_IDX_IPV4)
		last->addr[bytes - 1] &= 0xfe;
	return 0;
}

static int
plan_egress(const struct app_spec *spec, struct app_plan *plan, char *err,
    size_t errlen)
{
	bool v4 = spec->prefix.af == AF_IDX_IPV4;
	int rc;

	plan->table = APP_TABLE_ALL;
	if (spec->egress == APP_EGRESS_ALL)
		return 0;
	plan->table = plan->prio;
	plan->has_gw = true;
	snprintf(plan->tapdev, sizeof(plan->tapdev), "tap%u", spec->tap);
	if (spec->egress == APP_EGRESS_MUX) {
		rc = v4 ? mux_neighbor_v4(spec->tap, &plan->gw) :
		    mux_neighbor_v6(spec->tap, &plan->gw);
		plan->mux_table = muxrule_table(spec->tap);
	}
	else if (!v4)
		return errmsg_fail(err, errlen, "-u %s:%u: leaving through "
		    "one upstream peer works for IPv4 prefixes only (PEERING "
		    "has no per-peer IPv6 next hop formula); use -u %s",
		    spec->mux, spec->peer, spec->mux);
	else {
		rc = mux_upstream_nexthop_v4(spec->tap, spec->peer, &plan->gw);
		plan->onlink = true;
	}
	if (rc == -1)
		return errmsg_fail(err, errlen, "mux %s: tap%u or peer %u out "
		    "of range", spec->mux, spec->tap, spec->peer);
	return 0;
}

int
app_plan_make(const struct app_spec *spec, struct app_plan *plan,
    char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN];

	memset(plan, 0, sizeof(*plan));
	if (spec->id < APP_ID_MIN || spec->id > APP_ID_MAX)
		return errmsg_fail(err, errlen, "We require 0 < ID < 1000");
	if (spec->prefix.af >= AF_IDX_COUNT)
		return errmsg_fail(err, errlen, "invalid prefix");
	app_names(spec->id, spec->mode, plan->ns, plan->hostdev);
	plan->net = spec->prefix;
	prefix_mask(&plan->net);
	if (app_hosts(&plan->net, &plan->app_addr, &plan->host_addr) == -1)
		return errmsg_fail(err, errlen, "%s has no room for two hosts "
		    "(at most /%u)", prefix_format(&plan->net, buf,
		    sizeof(buf)), af_max_bits(plan->net.af) - 2);
	memset(&plan->any, 0, sizeof(plan->any));
	plan->any.af = plan->net.af;
	plan->prio = APP_TABLE_BASE + spec->id;
	return plan_egress(spec, plan, err, errlen);
}

/* ---- small helpers ---- */

static int
write_sysctl(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return errmsg_fail(err, errlen, "%s: %s", path,
		    strerror(errno));
	n = write(fd, "1\n", 2);
	close(fd);
	if (n != 2)
		return errmsg_fail(err, errlen, "writing 1 to %s: %s", path,
		    n < 0 ? strerror(errno) : "short write");
	return 0;
}

/* IPv4 forwarding always (the old client's sysctl); IPv6 forwarding
 * for an IPv6 app only: it stops the host from taking router
 * advertisements. */
static int
forwarding_on(const struct app_plan *plan, char *err, size_t errlen)
{
	if (write_sysctl("/proc/sys/net/ipv4/ip_forward", err, errlen) == -1)
		return -1;
	if (plan->net.af == AF_IDX_IPV6)
		return write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding",
		    err, errlen);
	return 0;
}

static int
link_index_of(struct nl_sock *sk, const char *name, char *err,
    size_t errlen)
{
	int i = nlr_link_index(sk, name, err, errlen);

	if (i == 0)
		nlr_err(err, errlen, "link %s: no such link", name);
	return i > 0 ? i : -1;
}

/* ---- creating ---- */

/* Inside the namespace: lo and eth0 up, the first address, the default
 * route via the host. */
static int
ns_inside(int nsfd, const struct app_plan *plan, char *err, size_t errlen)
{
	struct nl_sock *sk;
	struct nlr_route rt = { &plan->any, &plan->host_addr, 0, 254, false };
	int saved, ifindex, rc = -1;

	if (netns_enter(nsfd, &saved, err, errlen) == -1)
		return -1;
	sk = nlr_open(err, errlen);
	if (netns_leave(saved, err, errlen) == -1 || sk == NULL) {
		nlr_close(sk);
		return -1;
	}
	if (nlr_link_up(sk, "lo", err, errlen) == 0 &&
	    (ifindex = link_index_of(sk, APP_NS_DEV, err, errlen)) > 0 &&
	    nlr_link_up(sk, APP_NS_DEV, err, errlen) == 0 &&
	    nlr_addr_add(sk, ifindex, APP_NS_DEV, &plan->app_addr, err,
	    errlen) == 0) {
		rt.ifindex = ifindex;
		rc = nlr_route_add(sk, &rt, err, errlen);
	}
	nlr_close(sk);
	return rc;
}

static int
create_ns(struct nl_sock *sk, const struct app_plan *plan,
    const char *netns_dir, char *err, size_t errlen)
{
	int nsfd, rc;

	if (netns_add(netns_dir, plan->ns, err, errlen) == -1)
		return -1;
	if ((nsfd = netns_open(netns_dir, plan->ns, err, errlen)) == -1)
		return -1;
	rc = nlr_veth_add(sk, plan->hostdev, APP_NS_DEV, nsfd, err, errlen);
	if (rc == 0)
		rc = ns_inside(nsfd, plan, err, errlen);
	close(nsfd);
	return rc;
}

/* The host side: the last address on the veth or bridge, up. */
static int
create_host_side(struct nl_sock *sk, const struct app_plan *plan,
    int *ifindex, char *err, size_t errlen)
{
	if ((*ifindex = link_index_of(sk, plan->hostdev, err, errlen)) < 0 ||
	    nlr_addr_add(sk, *ifindex, plan->hostdev, &plan->host_addr, err,
	    errlen) == -1)
		return -1;
	return nlr_link_up(sk, plan->hostdev, err, errlen);
}

/* Table 10000+ID: the prefix on its link (the host reaches the app from
 * its own address) and the default route out of the tap. */
static int
create_table(struct nl_sock *sk, const struct app_plan *plan, int ifindex,
    char *err, size_t errlen)
{
	struct nlr_route on_link = { &plan->net, NULL, ifindex, plan->table,
	    false };
	struct nlr_route dflt = { &plan->any, &plan->gw, 0, plan->table,
	    plan->onlink };
	int tap;

	if (!plan->has_gw)
		return 0;
	if ((tap = nlr_link_index(sk, plan->tapdev, err, errlen)) <= 0) {
		nlr_err(err, errlen, "%s does not exist: is the tunnel up? "
		    "(./peering openvpn up MUX)", plan->tapdev);
		return -1;
	}
	dflt.ifindex = tap;
	if (nlr_route_add(sk, &on_link, err, errlen) == -1)
		return -1;
	return nlr_route_add(sk, &dflt, err, errlen);
}

int
app_create(const struct app_spec *spec, const struct app_plan *plan,
    const char *netns_dir, char *err, size_t errlen)
{
	struct nl_sock *sk;
	bool found;
	int ifindex, rc = -1;

	nlr_err_clear(err, errlen);
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (spec->mode == APP_MODE_NS)
		rc = create_ns(sk, plan, netns_dir, err, errlen);
	else
		rc = nlr_bridge_add(sk, plan->hostdev, err, errlen);
	if (rc == 0 &&
	    create_host_side(sk, plan, &ifindex, err, errlen) == 0 &&
	    create_table(sk, plan, ifindex, err, errlen) == 0 &&
	    (plan->mux_table == 0 || nlr_rule_add(sk, &plan->net,
	    plan->mux_table, plan->prio, err, errlen) == 0) &&
	    nlr_rule_add(sk, &plan->net, plan->table, plan->prio, err,
	    errlen) == 0 &&
	    forwarding_on(plan, err, errlen) == 0)
		rc = 0;
	else
		rc = -1;
	nlr_close(sk);
	if (rc == -1) {
		char ignored[256] = "";

		app_remove(spec->id, spec->mode, netns_dir, &found, ignored,
		    sizeof(ignored));
	}
	return rc;
}

/* ---- removing ---- */

static bool
rule_of_app(const struct nlr_rule *d, unsigned prio, struct prefix *src,
    unsigned *table)
{
	unsigned t;

	if (nlr_rule_prio(d) != prio || !nlr_rule_plain_lookup(d, &t, src))
		return false;
	if (table != NULL)
		*table = t;
	return t == APP_TABLE_ALL || t == prio || muxrule_is_table(t);
}

static int
remove_rules(struct nl_sock *sk, unsigned prio, bool *found, char *err,
    size_t errlen)
{
	struct nlr_rules rs;
	size_t i;
	int rc = 0;

	if (nlr_rules_dump(sk, prio, prio, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++) {
		if (!rule_of_app(&rs.v[i], prio, NULL, NULL))
			continue;
		*found = true;
		if (nlr_rule_del(sk, &rs.v[i], err, errlen) == -1)
			rc = -1;
	}
	nlr_rules_free(&rs);
	return rc;
}

int
app_remove(unsigned id, enum app_mode mode, const char *netns_dir,
    bool *found, char *err, size_t errlen)
{
	char ns[APP_NAME_MAX], dev[APP_NAME_MAX];
	struct nl_sock *sk;
	int rc = 0, i, n;

	*found = false;
	nlr_err_clear(err, errlen);
	app_names(id, mode, ns, dev);
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if ((i = nlr_link_index(sk, dev, err, errlen)) > 0)
		*found = true;
	if (i < 0 || nlr_link_del(sk, dev, err, errlen) == -1)
		rc = -1;
	if (mode == APP_MODE_NS) {
		if (netns_exists(netns_dir, ns))
			*found = true;
		if (netns_del(netns_dir, ns, err, errlen) == -1)
			rc = -1;
	}
	if (remove_rules(sk, APP_TABLE_BASE + id, found, err, errlen) == -1)
		rc = -1;
	if ((n = nlr_route_flush_table(sk, APP_TABLE_BASE + id, err,
	    errlen)) < 0)
		rc = -1;
	else if (n > 0)
		*found = true;
	nlr_close(sk);
	return rc;
}

int
app_in_use(unsigned id, const char *netns_dir, enum app_mode *mode,
    char *err, size_t errlen)
{
	char ns[APP_NAME_MAX], dev[APP_NAME_MAX];
	struct nl_sock *sk;
	int i;

	app_names(id, APP_MODE_NS, ns, dev);
	*mode = APP_MODE_NS;
	if (netns_exists(netns_dir, ns))
		return 1;
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	i = nlr_link_index(sk, dev, err, errlen);
	if (i == 0) {
		app_names(id, APP_MODE_BRIDGE, ns, dev);
		*mode = APP_MODE_BRIDGE;
		i = nlr_link_index(sk, dev, err, errlen);
	}
	nlr_close(sk);
	return i < 0 ? -1 : i > 0;
}

/* ---- listing ---- */

static struct app_state *
state_for(struct app_state *v, size_t *n, size_t max, unsigned id)
{
	size_t i;

	for (i = 0; i < *n && i < max; i++)
		if (v[i].id == id)
			return &v[i];
	if (*n >= max) {
		(*n)++;
		return NULL;
	}
	memset(&v[*n], 0, sizeof(v[*n]));
	v[*n].id = id;
	return &v[(*n)++];
}

/* "papp12" -> 12 when the rest is an id without leading zeros. */
static bool
name_id(const char *name, const char *prefix, const char *suffix,
    unsigned *id)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), len = strlen(name);
	unsigned v = 0;
	size_t i;

	if (len <= pl + sl || len - pl - sl > 3 ||
	    strncmp(name, prefix, pl) != 0 ||
	    strcmp(name + len - sl, suffix) != 0 || name[pl] == '0')
		return false;
	for (i = pl; i < len - sl; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (unsigned)(name[i] - '0');
	}
	*id = v;
	return v >= APP_ID_MIN && v <= APP_ID_MAX;
}

static void
list_namespaces(const char *dir, struct app_state *v, size_t *n,
    size_t max)
{
	struct app_state *s;
	struct dirent *de;
	unsigned id;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (name_id(de->d_name, APP_NS_PREFIX, "", &id) &&
		    netns_exists(dir, de->d_name) &&
		    (s = state_for(v, n, max, id)) != NULL)
			s->has_ns = true;
	closedir(d);
}

static int
list_rules(struct nl_sock *sk, struct app_state *v, size_t *n, size_t max,
    char *err, size_t errlen)
{
	struct app_state *s;
	struct nlr_rules rs;
	struct prefix src;
	unsigned table;
	size_t i;

	if (nlr_rules_dump(sk, APP_TABLE_BASE + APP_ID_MIN, APP_TABLE_BASE +
	    APP_ID_MAX, &rs, err, errlen) == -1)
		return -1;
	for (i = 0; i < rs.n; i++) {
		unsigned prio = nlr_rule_prio(&rs.v[i]);

		if (!rule_of_app(&rs.v[i], prio, &src, &table) ||
		    (s = state_for(v, n, max, prio - APP_TABLE_BASE)) == NULL)
			continue;
		if (muxrule_is_table(table)) {
			s->mux_table = table;	/* -u MUX's first look */
			continue;
		}
		s->has_rule = true;
		s->prefix = src;
		s->table = table;
	}
	nlr_rules_free(&rs);
	return 0;
}

/* Both kinds of link for ids already known, and bridges by name. */
static int
list_links(struct nl_sock *sk, struct app_state *s, char *err,
    size_t errlen)
{
	char ns[APP_NAME_MAX], dev[APP_NAME_MAX];
	int i;

	app_names(s->id, APP_MODE_BRIDGE, ns, dev);
	if ((i = nlr_link_index(sk, dev, err, errlen)) < 0)
		return -1;
	if (i > 0)
		s->has_bridge = true;
	app_names(s->id, s->has_bridge ? APP_MODE_BRIDGE : APP_MODE_NS, ns,
	    dev);
	if ((i = nlr_link_index(sk, dev, err, errlen)) < 0)
		return -1;
	s->has_link = i > 0;
	return 0;
}

static int
list_details(struct nl_sock *sk, struct app_state *s, char *err,
    size_t errlen)
{
	struct prefix first, host, any;
	int i;

	if (list_links(sk, s, err, errlen) == -1)
		return -1;
	if (!s->has_rule)
		return 0;
	if (app_hosts(&s->prefix, &first, &host) == 0 &&
	    (i = nlr_addr_present(sk, &host, err, errlen)) >= 0)
		s->has_addr = i > 0;
	if (s->table == APP_TABLE_ALL)
		return 0;
	memset(&any, 0, sizeof(any));
	any.af = s->prefix.af;
	if ((i = nlr_route_find(sk, &any, s->table, &s->gw, s->oif,
	    sizeof(s->oif), err, errlen)) < 0)
		return -1;
	s->has_route = i > 0;
	s->has_gw = i > 0 && s->gw.len > 0;
	return 0;
}

/* Bridges pbr<ID> without a rule are apps too (half removed). */
static int
list_bridges(struct nl_sock *sk, struct app_state *v, size_t *n,
    size_t max, char *err, size_t errlen)
{
	char names[APP_LIST_LINKS][APP_NAME_MAX];
	int k, j;
	unsigned id;

	if ((k = nlr_link_names(sk, APP_BRIDGE_PREFIX, names, APP_LIST_LINKS,
	    err, errlen)) < 0)
		return -1;
	for (j = 0; j < k && j < APP_LIST_LINKS; j++)
		if (name_id(names[j], APP_BRIDGE_PREFIX, "", &id))
			(void)state_for(v, n, max, id);
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct app_state *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int
app_list(const char *netns_dir, struct app_state *out, size_t max,
    char *err, size_t errlen)
{
	struct nl_sock *sk;
	size_t n = 0, i;
	int rc = 0;

	nlr_err_clear(err, errlen);
	list_namespaces(netns_dir, out, &n, max);
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (list_rules(sk, out, &n, max, err, errlen) == -1 ||
	    list_bridges(sk, out, &n, max, err, errlen) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < n && i < max; i++)
		if (list_details(sk, &out[i], err, errlen) == -1)
			rc = -1;
	nlr_close(sk);
	if (rc == -1)
		return -1;
	qsort(out, n < max ? n : max, sizeof(*out), by_id);
	return (int)n;
}
