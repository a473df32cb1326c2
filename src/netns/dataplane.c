/*
 * dataplane: the address on lo and the source rule of an announced
 * prefix, through nlroute.c (libnl-route) on one short-lived netlink
 * socket per call.
 *
 * Idempotence comes from looking first: rules are read with a raw dump
 * (we must see, count and remove duplicates), and an address that
 * already exists is the kernel's EEXIST.
 */
#include "dataplane.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../lib/log.h"
#include "nlroute.h"

/* p masked into net, and its first address; -1 (err set) if unusable. */
static int
dp_check(const struct prefix *p, struct prefix *net, struct prefix *first,
    char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN];

	if (p->af >= AF_IDX_COUNT || p->len > af_max_bits(p->af)) {
		nlr_err(err, errlen, "invalid prefix");
		return -1;
	}
	*net = *p;
	prefix_mask(net);
	if (dataplane_first_addr(net, first) == -1) {
		nlr_err(err, errlen, "%s: no room for a first address",
		    prefix_format(net, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static int
lo_index(struct nl_sock *sk, int *index, char *err, size_t errlen)
{
	int i = nlr_link_index(sk, DATAPLANE_IFNAME, err, errlen);

	if (i == 0)
		nlr_err(err, errlen, "link %s: no such link", DATAPLANE_IFNAME);
	if (i <= 0)
		return -1;
	*index = i;
	return 0;
}

/* One of ours (whatever its prefix): its source in out. */
static bool
rule_ours(const struct nlr_rule *d, struct prefix *out)
{
	unsigned table;

	return nlr_rule_plain_lookup(d, &table, out) &&
	    table == DATAPLANE_TABLE;
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

	nlr_err_clear(err, errlen);
	if (dp_check(p, &net, &first, err, errlen) == -1 ||
	    (sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (lo_index(sk, &ifindex, err, errlen) == 0 &&
	    nlr_addr_add(sk, ifindex, DATAPLANE_IFNAME, &first, err,
	    errlen) == 0 &&
	    nlr_rule_add(sk, &net, DATAPLANE_TABLE, DATAPLANE_PRIO, err,
	    errlen) == 0)
		rc = 0;
	nlr_close(sk);
	return rc;
}

int
dataplane_remove(const struct prefix *p, char *err, size_t errlen)
{
	struct prefix net, first;
	struct nl_sock *sk;
	int ifindex, rc = 0;

	nlr_err_clear(err, errlen);
	if (dp_check(p, &net, &first, err, errlen) == -1 ||
	    (sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (lo_index(sk, &ifindex, err, errlen) == -1 ||
	    nlr_addr_del(sk, ifindex, DATAPLANE_IFNAME, &first, err,
	    errlen) == -1)
		rc = -1;
	if (nlr_rules_del(sk, &net, DATAPLANE_TABLE, DATAPLANE_PRIO, err,
	    errlen) == -1)
		rc = -1;
	nlr_close(sk);
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
		    nlr_addr_del(sk, ifindex, DATAPLANE_IFNAME, &first, err,
		    errlen) == -1)
			rc = -1;
	return rc;
}

int
dataplane_flush(const struct prefix *addrs, size_t naddrs, char *err,
    size_t errlen)
{
	struct nlr_rules rs;
	struct nl_sock *sk;
	size_t i;
	int n = 0, rc = 0, r;

	nlr_err_clear(err, errlen);
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (nlr_rules_dump(sk, DATAPLANE_PRIO, DATAPLANE_PRIO, &rs, err,
	    errlen) == -1)
		rc = -1;
	for (i = 0; i < rs.n; i++) {
		if ((r = nlr_rule_del(sk, &rs.v[i], err, errlen)) == -1)
			rc = -1;
		else
			n += r;
	}
	nlr_rules_free(&rs);
	if (flush_addrs(sk, addrs, naddrs, err, errlen) == -1)
		rc = -1;
	nlr_close(sk);
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
	struct nlr_rules rs;
	struct nl_sock *sk;
	struct prefix p;
	size_t i;
	int n = 0;

	nlr_err_clear(err, errlen);
	if ((sk = nlr_open(err, errlen)) == NULL)
		return -1;
	if (nlr_rules_dump(sk, DATAPLANE_PRIO, DATAPLANE_PRIO, &rs, err,
	    errlen) == -1) {
		nlr_close(sk);
		return -1;
	}
	for (i = 0; i < rs.n; i++) {
		if (!rule_ours(&rs.v[i], &p))
			continue;
		if ((size_t)n < max)
			out[n] = p;
		n++;
	}
	nlr_rules_free(&rs);
	nlr_close(sk);
	return n;
}
