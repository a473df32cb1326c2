/*
 * Announcements: the AS path rule of the old client, the safety gates and
 * the control request line (announce.h; the change-rate rule is
 * ann_plan.c). Pure.
 */
#include "../bgp/bgp.h"
#include "../lib/errmsg.h"
#include "announce.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ann_text.h"
#include "announce_io.h"
#include "../vpn/mux.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A word of the request as it can go into a one-line error: at most
 * QUOTE_MAX characters, bytes that cannot be printed as '?'. */
#define QUOTE_MAX	40

static const char *
quote(const char *s, size_t len, char buf[QUOTE_MAX + 1])
{
	size_t i;

	for (i = 0; i < len && i < QUOTE_MAX; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

void
ann_attrs_init(struct ann_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->origin = ANN_AS_PEERING;
}

/* The counts, bounded: a struct from a file or a socket may lie. */
static size_t
n_poisons(const struct ann_attrs *a)
{
	return a->n_poisons < ANN_MAX_POISONS ? a->n_poisons : ANN_MAX_POISONS;
}

static size_t
n_communities(const struct ann_attrs *a)
{
	return a->n_communities < ANN_MAX_COMMUNITIES ? a->n_communities :
	    ANN_MAX_COMMUNITIES;
}

static size_t
n_large(const struct ann_attrs *a)
{
	return a->n_large < ANN_MAX_LARGE ? a->n_large : ANN_MAX_LARGE;
}

/* ---- the AS path (REFERENCE.md) ---- */

/* P: -P, else 1 when poisons are given or the origin is not ours. */
static size_t
aspath_prepends(const struct ann_attrs *a)
{
	if (a->prepend != 0)
		return a->prepend;
	return n_poisons(a) > 0 || a->origin != ANN_AS_PEERING ? 1 : 0;
}

/*
 * Where the two rules differ: `peering prefix` puts the origin once more
 * in front of the poisons, so the AS next to 47065 is the origin and no
 * poison looks like PEERING's neighbour. Without poisons there is no "last
 * poison" and the path already starts with the origin: `-o 61574` is
 * `61574`, not `61574 61574` (-o "sets -P to 1").
 */
static bool
aspath_rules_differ(const struct ann_attrs *a)
{
	size_t n = n_poisons(a);

	return a->origin != ANN_AS_PEERING && n > 0 &&
	    a->poisons[n - 1] != a->origin;
}

/* The JSON files' rule (the old BIRD template) has no second origin. */
static bool
aspath_sandwich(const struct ann_attrs *a)
{
	return !a->json_rule && aspath_rules_differ(a);
}

static size_t
aspath_len(const struct ann_attrs *a)
{
	return (aspath_sandwich(a) ? 1 : 0) + n_poisons(a) +
	    aspath_prepends(a);
}

size_t
ann_aspath(const struct ann_attrs *a, uint32_t *out, size_t max)
{
	size_t n = 0, np = n_poisons(a), p = aspath_prepends(a);

#define PUT(v)	do { if (n < max) out[n++] = (v); } while (0)
	if (aspath_sandwich(a))
		PUT(a->origin);
	/* Each poison was prepended in turn: the last one given is leftmost. */
	for (size_t i = np; i-- > 0;)
		PUT(a->poisons[i]);
	for (size_t i = 0; i < p; i++)
		PUT(a->origin);
#undef PUT
	return n;
}

/* ---- equality: the same attributes on the wire ---- */

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static int
cmp_large(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;

	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Communities are a set on the wire: the order typed does not matter. */
static bool
same_communities(const struct ann_attrs *a, const struct ann_attrs *b)
{
	uint32_t x[ANN_MAX_COMMUNITIES], y[ANN_MAX_COMMUNITIES];
	size_t n = n_communities(a);

	if (n != n_communities(b))
		return false;
	memcpy(x, a->communities, n * sizeof(x[0]));
	memcpy(y, b->communities, n * sizeof(y[0]));
	qsort(x, n, sizeof(x[0]), cmp_u32);
	qsort(y, n, sizeof(y[0]), cmp_u32);
	return memcmp(x, y, n * sizeof(x[0])) == 0;
}

static bool
same_large(const struct ann_attrs *a, const struct ann_attrs *b)
{
	uint32_t x[ANN_MAX_LARGE][3], y[ANN_MAX_LARGE][3];
	size_t n = n_large(a);

	if (n != n_large(b))
		return false;
	memcpy(x, a->large, n * sizeof(x[0]));
	memcpy(y, b->large, n * sizeof(y[0]));
	qsort(x, n, sizeof(x[0]), cmp_large);
	qsort(y, n, sizeof(y[0]), cmp_large);
	return memcmp(x, y, n * sizeof(x[0])) == 0;
}

/*
 * Equal when the mux would get the same UPDATE: the same AS path (so
 * `-o 61574` equals `-o 61574 -P 1`), the same communities in any order,
 * the same next hop mode.
 */
bool
ann_attrs_equal(const struct ann_attrs *a, const struct ann_attrs *b)
{
	uint32_t pa[ANN_MAX_PATH], pb[ANN_MAX_PATH];
	size_t na, nb;

	if (a->container_nexthop != b->container_nexthop)
		return false;
	na = aspath_len(a);
	nb = aspath_len(b);
	if (na != nb)
		return false;
	na = ann_aspath(a, pa, NELEM(pa));
	nb = ann_aspath(b, pb, NELEM(pb));
	if (na != nb || memcmp(pa, pb, na * sizeof(pa[0])) != 0)
		return false;
	return same_communities(a, b) && same_large(a, b);
}

/* ---- the PEERING space and ASNs (REFERENCE.md) ---- */

static const struct peering_block {
	const char	*prefix;
	uint8_t		 min, max;	/* {a,b}: lengths allowed */
} peering_blocks[] = {
	{ "66.180.190.0/23",	23, 24 },
	{ "138.185.228.0/22",	22, 24 },
	{ "184.164.224.0/19",	19, 24 },
	{ "199.36.157.0/24",	24, 24 },
	{ "204.9.168.0/22",	22, 24 },
	{ "208.87.172.0/23",	23, 24 },
	{ "2604:4540::/48",	48, 48 },
	{ "2620:33:c000::/48",	48, 48 },
	{ "2804:269c::/42",	42, 48 },
};

static const uint32_t peering_asns[] = {
	47065, 33207, 61574, 61575, 61576, 263842, 263843, 263844,
};

/* Whether p lies inside block b (is b or more specific). */
static bool
prefix_inside(const struct prefix *p, const struct prefix *b)
{
	unsigned full = b->len / 8, rest = b->len % 8;

	if (p->af != b->af || p->len < b->len)
		return false;
	if (memcmp(p->addr, b->addr, full) != 0)
		return false;
	return rest == 0 ||
	    ((p->addr[full] ^ b->addr[full]) & (0xff << (8 - rest))) == 0;
}

/* The PEERING block holding p, whatever p's length; NULL if none. */
static const struct peering_block *
peering_block_of(const struct prefix *p)
{
	struct prefix b;

	for (size_t i = 0; i < NELEM(peering_blocks); i++) {
		if (prefix_parse(peering_blocks[i].prefix, true, &b) == -1)
			continue;
		if (prefix_inside(p, &b))
			return &peering_blocks[i];
	}
	return NULL;
}

bool
ann_in_peering_space(const struct prefix *p)
{
	const struct peering_block *b = peering_block_of(p);

	return b != NULL && p->len >= b->min && p->len <= b->max;
}

bool
ann_is_peering_asn(uint32_t as)
{
	for (size_t i = 0; i < NELEM(peering_asns); i++)
		if (peering_asns[i] == as)
			return true;
	return false;
}

/* ---- the safety gates ---- */

static bool
asn_valid(uint32_t as)
{
	return as != 0 && as != BGP_AS_TRANS;
}

static bool
prefix_sane(const struct prefix *p)
{
	return p->af < AF_IDX_COUNT && p->len <= af_max_bits(p->af);
}

/* Exactly a listed prefix, as the old client's lookup: a more specific
 * of a listed prefix is not listed (it may belong to someone else's
 * experiment inside a shared block). */
static bool
prefix_listed(const struct prefix *p, const struct ann_policy *pol)
{
	for (size_t i = 0; i < pol->n_allowed; i++)
		if (prefix_equal(p, &pol->allowed[i]))
			return true;
	return false;
}

static int
check_prefix(const struct prefix *p, const struct ann_policy *pol,
    char *err, size_t errlen)
{
	const struct peering_block *b;
	char s[PREFIX_STRLEN];

	if (!prefix_sane(p)) {
		errmsg_set(err, errlen, "invalid prefix: not an IPv4 or IPv6 "
		    "prefix");
		return -1;
	}
	prefix_format(p, s, sizeof(s));
	if (!prefix_listed(p, pol)) {
		errmsg_set(err, errlen, "invalid prefix: %s: not in prefixes.txt "
		    "or prefixes6.txt (announce only the prefixes listed "
		    "there)", s);
		return -1;
	}
	if ((b = peering_block_of(p)) == NULL) {
		errmsg_set(err, errlen, "prefix %s is outside the PEERING address "
		    "space: announce only PEERING prefixes", s);
		return -1;
	}
	if (p->len < b->min || p->len > b->max) {
		if (b->min == b->max)
			errmsg_set(err, errlen, "prefix %s: PEERING block %s is "
			    "announced only as a /%u", s, b->prefix, b->min);
		else
			errmsg_set(err, errlen, "prefix %s: PEERING block %s "
			    "allows only /%u to /%u", s, b->prefix, b->min,
			    b->max);
		return -1;
	}
	return 0;
}

static int
check_asns(const struct ann_attrs *a, bool any_origin, char *err,
    size_t errlen)
{
	if (!asn_valid(a->origin)) {
		errmsg_set(err, errlen, "origin AS %u is not valid: use "
		    "1..4294967295, not 23456 (AS_TRANS)", a->origin);
		return -1;
	}
	if (a->n_poisons > ANN_MAX_POISONS) {
		errmsg_set(err, errlen, "%u poisoned ASes: at most %d",
		    a->n_poisons, ANN_MAX_POISONS);
		return -1;
	}
	for (size_t i = 0; i < a->n_poisons; i++)
		if (!asn_valid(a->poisons[i])) {
			errmsg_set(err, errlen, "poisoned AS %u is not valid: "
			    "use 1..4294967295, not 23456 (AS_TRANS)",
			    a->poisons[i]);
			return -1;
		}
	if (!any_origin && !ann_is_peering_asn(a->origin)) {
		errmsg_set(err, errlen, "origin AS %u is not a PEERING ASN: use "
		    "47065, 33207, 61574, 61575, 61576, 263842, 263843 or "
		    "263844", a->origin);
		return -1;
	}
	return 0;
}

/* Communities can only hold 16-bit parts (asn << 16 | value): the
 * parsers refuse larger ones with REFERENCE.md's text. */
static int
check_communities(const struct ann_attrs *a, char *err, size_t errlen)
{
	if (a->n_communities > ANN_GATE_COMMUNITIES) {
		errmsg_set(err, errlen, "%u communities: the muxes drop all of "
		    "them past %d; remove %u", a->n_communities,
		    ANN_GATE_COMMUNITIES,
		    a->n_communities - ANN_GATE_COMMUNITIES);
		return -1;
	}
	if (a->n_large > ANN_MAX_LARGE) {
		errmsg_set(err, errlen, "%u large communities: at most %d",
		    a->n_large, ANN_MAX_LARGE);
		return -1;
	}
	return 0;
}

/*
 * The guideline's "AS hops" are counted on the path we send: the 47065
 * the mux puts in front is PEERING's own and on every announcement, so
 * `-P 4` (47065 47065 47065 47065) is allowed. We never send an AS_SET,
 * so its guideline (at most 5 ASes in one) always holds.
 */
static int
check_path(const struct ann_attrs *a, char *err, size_t errlen)
{
	size_t n = aspath_len(a);

	if (n > ANN_GATE_PATH_HOPS) {
		errmsg_set(err, errlen, "the AS path would have %zu AS numbers: "
		    "at most %d (guidelines); poison fewer ASes or prepend "
		    "less", n, ANN_GATE_PATH_HOPS);
		return -1;
	}
	return 0;
}

int
ann_check(const struct ann_request *r, const struct ann_policy *pol,
    char *err, size_t errlen)
{
	const struct ann_attrs *a = &r->attrs;

	if (check_prefix(&r->prefix, pol, err, errlen) == -1)
		return -1;
	if (memchr(r->mux, '\0', sizeof(r->mux)) == NULL ||
	    (r->mux[0] != '\0' && !mux_name_valid(r->mux))) {
		errmsg_set(err, errlen, "bad mux name");
		return -1;
	}
	if (r->withdraw)
		return 0;
	if (a->container_nexthop && r->mux[0] == '\0') {
		errmsg_set(err, errlen, "-M can only be used with -m");
		return -1;
	}
	if (a->prepend > ANN_MAX_PREPEND) {
		errmsg_set(err, errlen, "can prepend only 1, 2, 3, or 4 times");
		return -1;
	}
	if (check_asns(a, pol->any_origin, err, errlen) == -1 ||
	    check_communities(a, err, errlen) == -1)
		return -1;
	return check_path(a, err, errlen);
}

/* ---- the next hop ---- */

bool
ann_nexthop_container(const struct ann_attrs *a, unsigned af)
{
	return a->container_nexthop && af == AF_IDX_IPV4;
}

int
ann_container_nexthop(const char *mux, unsigned tap, long ctxid,
    struct prefix *nh, char *err, size_t errlen)
{
	if (ctxid == ANN_NH_NO_CTXID)
		return errmsg_fail(err, errlen, "-M: no container id: "
		    "%s is missing or not valid (echo ID > %s)",
		    ANN_CONTAINER_FILE, ANN_CONTAINER_FILE);
	if (ctxid < 0 || ctxid > MUX_CTXID_MAX)
		return errmsg_fail(err, errlen, "-M: container id %ld is out "
		    "of range (0..%d)", ctxid, MUX_CTXID_MAX);
	if (tap == 0)
		return errmsg_fail(err, errlen, "-M: %s is not a mux of "
		    "configs/openvpn/: no container there", mux);
	if (mux_container_nexthop_v4(tap, (unsigned)ctxid, nh) == -1)
		return errmsg_fail(err, errlen, "-M: mux %s (tap%u) has no "
		    "container space", mux, tap);
	return 0;
}

/* "self": our end of the tunnel, which the mux reaches on the tap. */
static int
nexthop_self(const struct ann_nh_input *in, struct prefix *nh, char *err,
    size_t errlen)
{
	char s[PREFIX_STRLEN];

	if (in->local == NULL)
		return errmsg_fail(err, errlen, "%s: no tunnel address of ours "
		    "yet (the session is not up)", in->mux);
	if (in->local->af != in->af || in->af >= AF_IDX_COUNT)
		return errmsg_fail(err, errlen, "%s: our tunnel address %s is "
		    "not IPv%c", in->mux, addr_format(in->local->af,
		    in->local->addr, s, sizeof(s)),
		    in->af == AF_IDX_IPV4 ? '4' : '6');
	*nh = *in->local;
	nh->len = (uint8_t)af_max_bits(nh->af);
	return 0;
}

int
ann_nexthop(const struct ann_attrs *a, const struct ann_nh_input *in,
    struct prefix *nh, char *err, size_t errlen)
{
	if (ann_nexthop_container(a, in->af))
		return ann_container_nexthop(in->mux, in->tap, in->ctxid, nh,
		    err, errlen);
	return nexthop_self(in, nh, err, errlen);
}

/* ---- the control request line ---- */

struct line {
	char	*buf;
	size_t	 size, len;
	bool	 failed;
};

static void
line_add(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= l->size - l->len) {
		l->failed = true;
		return;
	}
	l->len += (size_t)n;
}

/* "poison 3356,174": one word per list, so 20 communities fit the
 * control socket's word limit. */
static void
line_lists(struct line *l, const struct ann_attrs *a)
{
	for (size_t i = 0; i < a->n_poisons; i++)
		line_add(l, "%s%u", i ? "," : " poison ", a->poisons[i]);
	for (size_t i = 0; i < a->n_communities; i++)
		line_add(l, "%s%u:%u", i ? "," : " community ",
		    a->communities[i] >> 16, a->communities[i] & 0xffff);
	for (size_t i = 0; i < a->n_large; i++)
		line_add(l, "%s%u:%u:%u", i ? "," : " large ", a->large[i][0],
		    a->large[i][1], a->large[i][2]);
}

int
ann_request_to_line(const struct ann_request *r, char *buf, size_t size)
{
	const struct ann_attrs *a = &r->attrs;
	struct line l = { buf, size, 0, size == 0 };
	char p[PREFIX_STRLEN];

	if (!prefix_sane(&r->prefix) ||
	    memchr(r->mux, '\0', sizeof(r->mux)) == NULL ||
	    (r->mux[0] != '\0' && !mux_name_valid(r->mux)) ||
	    a->n_poisons > ANN_MAX_POISONS ||
	    a->n_communities > ANN_MAX_COMMUNITIES ||
	    a->n_large > ANN_MAX_LARGE)
		return -1;
	line_add(&l, "%s %s", r->withdraw ? "withdraw" : "announce",
	    prefix_format(&r->prefix, p, sizeof(p)));
	if (r->mux[0] != '\0')
		line_add(&l, " mux %s", r->mux);
	if (!r->withdraw) {
		if (a->origin != ANN_AS_PEERING)
			line_add(&l, " origin %u", a->origin);
		if (a->prepend != 0)
			line_add(&l, " prepend %u", a->prepend);
		/* Only where it changes the path, as "origin 47065" is not
		 * written: the line is canonical. */
		if (a->json_rule && aspath_rules_differ(a))
			line_add(&l, " jsonrule");
		line_lists(&l, a);
		if (a->container_nexthop)
			line_add(&l, " container");
	}
	if (r->no_dataplane)
		line_add(&l, " nodp");
	if (r->force)
		line_add(&l, " force");
	if (r->check)
		line_add(&l, " check");
	return l.failed ? -1 : (int)l.len;
}

/* The keys after the prefix, from a table. */
struct word_key;
typedef int (*word_fn)(struct ann_request *, const char *, char *, size_t);

struct word_key {
	const char	*name;
	word_fn		 fn;
	bool		 value;		/* takes the next word */
	bool		 list;		/* may repeat; values append */
	bool		 announce_only;
};

static int
word_mux(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];

	if (strcmp(v, "all") == 0) {
		errmsg_set(err, errlen, "mux all: leave out 'mux' for every mux");
		return -1;
	}
	if (!mux_name_valid(v)) {
		errmsg_set(err, errlen, "bad mux name '%s' (want [a-z0-9_-], "
		    "at most %d characters)", quote(v, strlen(v), q),
		    MUX_NAME_MAX);
		return -1;
	}
	snprintf(r->mux, sizeof(r->mux), "%s", v);
	return 0;
}

static int
word_origin(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];

	if (ann_text_u32(v, strlen(v), UINT32_MAX, &r->attrs.origin) != 0) {
		errmsg_set(err, errlen, "origin: bad AS number '%s'",
		    quote(v, strlen(v), q));
		return -1;
	}
	return 0;
}

static int
word_prepend(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];
	uint32_t n;
	int rc = ann_text_u32(v, strlen(v), UINT8_MAX, &n);

	if (rc == ANN_TEXT_RANGE) {
		errmsg_set(err, errlen, "can prepend only 1, 2, 3, or 4 times");
		return -1;
	}
	if (rc != 0) {
		errmsg_set(err, errlen, "prepend: bad number '%s'",
		    quote(v, strlen(v), q));
		return -1;
	}
	r->attrs.prepend = (uint8_t)n;
	return 0;
}

/* Calls one(r, element, len) for each element of "a,b,c". */
static int
word_list(struct ann_request *r, const char *v, const char *what,
    int (*one)(struct ann_request *, const char *, size_t, char *, size_t),
    char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];
	const char *s = v;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma == NULL ? strlen(s) : (size_t)(comma - s);

		if (len == 0) {
			errmsg_set(err, errlen, "%s: empty value in '%s'", what,
			    quote(v, strlen(v), q));
			return -1;
		}
		if (one(r, s, len, err, errlen) == -1)
			return -1;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

static int
one_poison(struct ann_request *r, const char *s, size_t len, char *err,
    size_t errlen)
{
	char q[QUOTE_MAX + 1];
	struct ann_attrs *a = &r->attrs;

	if (a->n_poisons == ANN_MAX_POISONS) {
		errmsg_set(err, errlen, "more than %d poisoned ASes",
		    ANN_MAX_POISONS);
		return -1;
	}
	if (ann_text_u32(s, len, UINT32_MAX, &a->poisons[a->n_poisons]) != 0) {
		errmsg_set(err, errlen, "poison: bad AS number '%s'",
		    quote(s, len, q));
		return -1;
	}
	a->n_poisons++;
	return 0;
}

static int
one_community(struct ann_request *r, const char *s, size_t len, char *err,
    size_t errlen)
{
	char q[QUOTE_MAX + 1];
	struct ann_attrs *a = &r->attrs;
	int rc;

	if (a->n_communities == ANN_MAX_COMMUNITIES) {
		errmsg_set(err, errlen, "more than %d communities",
		    ANN_MAX_COMMUNITIES);
		return -1;
	}
	rc = ann_text_community(s, len, ':',
	    &a->communities[a->n_communities]);
	if (rc == ANN_TEXT_RANGE) {
		errmsg_set(err, errlen, "community %s: -c ASN:COMM accepts only "
		    "16-bit numbers", quote(s, len, q));
		return -1;
	}
	if (rc != 0) {
		errmsg_set(err, errlen, "community: want ASN:VALUE, not '%s'",
		    quote(s, len, q));
		return -1;
	}
	a->n_communities++;
	return 0;
}

static int
one_large(struct ann_request *r, const char *s, size_t len, char *err,
    size_t errlen)
{
	char q[QUOTE_MAX + 1];
	struct ann_attrs *a = &r->attrs;

	if (a->n_large == ANN_MAX_LARGE) {
		errmsg_set(err, errlen, "more than %d large communities",
		    ANN_MAX_LARGE);
		return -1;
	}
	if (ann_text_large(s, len, ':', a->large[a->n_large]) != 0) {
		errmsg_set(err, errlen, "large: want three 32-bit numbers A:B:C, "
		    "not '%s'", quote(s, len, q));
		return -1;
	}
	a->n_large++;
	return 0;
}

static int
word_poison(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	return word_list(r, v, "poison", one_poison, err, errlen);
}

static int
word_community(struct ann_request *r, const char *v, char *err,
    size_t errlen)
{
	return word_list(r, v, "community", one_community, err, errlen);
}

static int
word_large(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	return word_list(r, v, "large", one_large, err, errlen);
}

static int
word_container(struct ann_request *r, const char *v, char *err,
    size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	r->attrs.container_nexthop = true;
	return 0;
}

static int
word_jsonrule(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	r->attrs.json_rule = true;
	return 0;
}

static int
word_nodp(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	r->no_dataplane = true;
	return 0;
}

static int
word_force(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	r->force = true;
	return 0;
}

static int
word_check(struct ann_request *r, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	r->check = true;
	return 0;
}

static const struct word_key word_keys[] = {
	{ "mux",	word_mux,	true,	false,	false },
	{ "origin",	word_origin,	true,	false,	true },
	{ "prepend",	word_prepend,	true,	false,	true },
	{ "jsonrule",	word_jsonrule,	false,	false,	true },
	{ "poison",	word_poison,	true,	true,	true },
	{ "community",	word_community,	true,	true,	true },
	{ "large",	word_large,	true,	true,	true },
	{ "container",	word_container,	false,	false,	true },
	{ "nodp",	word_nodp,	false,	false,	false },
	{ "force",	word_force,	false,	false,	false },
	{ "check",	word_check,	false,	false,	false },
};

static const struct word_key *
word_key_find(const char *name)
{
	for (size_t i = 0; i < NELEM(word_keys); i++)
		if (strcmp(word_keys[i].name, name) == 0)
			return &word_keys[i];
	return NULL;
}

static int
words_head(int argc, char **argv, struct ann_request *r, char *err,
    size_t errlen)
{
	char q[QUOTE_MAX + 1];

	if (argc < 1 || (strcmp(argv[0], "announce") != 0 &&
	    strcmp(argv[0], "withdraw") != 0)) {
		errmsg_set(err, errlen, "want announce or withdraw");
		return -1;
	}
	r->withdraw = argv[0][0] == 'w';
	if (argc < 2) {
		errmsg_set(err, errlen, "%s: no prefix", argv[0]);
		return -1;
	}
	if (prefix_parse(argv[1], true, &r->prefix) == -1) {
		errmsg_set(err, errlen, "bad prefix '%s'",
		    quote(argv[1], strlen(argv[1]), q));
		return -1;
	}
	return 0;
}

int
ann_request_from_words(int argc, char **argv, struct ann_request *r,
    char *err, size_t errlen)
{
	bool seen[NELEM(word_keys)] = { false };
	char q[QUOTE_MAX + 1];

	memset(r, 0, sizeof(*r));
	ann_attrs_init(&r->attrs);
	if (words_head(argc, argv, r, err, errlen) == -1)
		return -1;
	for (int i = 2; i < argc; i++) {
		const struct word_key *k = word_key_find(argv[i]);
		size_t idx;

		if (k == NULL) {
			errmsg_set(err, errlen, "unknown word '%s'",
			    quote(argv[i], strlen(argv[i]), q));
			return -1;
		}
		idx = (size_t)(k - word_keys);
		if (k->announce_only && r->withdraw) {
			errmsg_set(err, errlen, "withdraw takes no '%s'", k->name);
			return -1;
		}
		if (seen[idx] && !k->list) {
			errmsg_set(err, errlen, "'%s' given twice", k->name);
			return -1;
		}
		seen[idx] = true;
		if (k->value && i + 1 == argc) {
			errmsg_set(err, errlen, "'%s' needs a value", k->name);
			return -1;
		}
		if (k->fn(r, k->value ? argv[++i] : NULL, err, errlen) == -1)
			return -1;
	}
	return 0;
}
