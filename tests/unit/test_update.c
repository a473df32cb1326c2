/*
 * Well-formed UPDATEs (RFC 4271 4.3 and 5, RFC 4760, RFC 6793, RFC 7911,
 * RFC 4724 End-of-RIB, RFC 1997, RFC 4360, RFC 4456, RFC 8092): decoding,
 * canonical encoding, the 2-octet AS world and the packer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/msg.h"
#include "../../src/bgp/nlri.h"
#include "../../src/bgp/update.h"
#include "testutil.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

/* Attributes, each written from its RFC: flags, type, length, value. */
#define A_ORIGIN	"40 01 01 00 "
#define A_ORIGIN_INC	"40 01 01 02 "
#define A_PATH4		"40 02 0e 02 03 0000fde8 0000b7d9 fa56ea01 "
#define A_PATH_SHORT	"40 02 06 02 01 0000fde8 "
#define A_NH		"40 03 04 c0000201 "
#define A_MED		"80 04 04 00000064 "
#define A_LP		"40 05 04 000000c8 "
#define A_ATOMIC	"40 06 00 "
#define A_AGG8		"c0 07 08 fa56ea01 c0000202 "
#define A_COMM		"c0 08 08 b7d90001 b7d903e9 "
#define A_ORIGID	"80 09 04 0a000001 "
#define A_CLUSTER	"80 0a 08 0a000001 0a000002 "
#define A_EXT		"c0 10 08 0002b7d9 00000064 "
#define A_LARGE		"c0 20 0c 0000b7d9 00000001 00000002 "
#define NH6		"20010db8 00000000 00000000 00000001 "
#define NH6_LL		"fe800000 00000000 00000000 00000001 "
/* IPv6 unicast, global next hop, 2001:db8:1::/48 */
#define A_MPREACH	"80 0e 1c 0002 01 10 " NH6 "00 30 20010db80001 "
/* IPv6 unicast, global and link-local next hop */
#define A_MPREACH_LL	"80 0e 2c 0002 01 20 " NH6 NH6_LL "00 30 20010db80001 "
#define A_MPUNREACH	"80 0f 0a 0002 01 30 20010db80002 "
#define A_BASE		A_ORIGIN A_PATH_SHORT A_NH

static struct bgp_scratch scratch_a, scratch_b;

static enum bgp_action
decode(const uint8_t *msg, size_t len, const struct bgp_codec_opts *o,
    struct bgp_update *u, struct bgp_scratch *s, struct bgp_err *e)
{
	bgp_err_clear(e);
	return bgp_update_decode(rbuf_make(msg, len), o, u,
	    o->as4 ? NULL : s, e);
}

static void
decode_ok(const uint8_t *msg, size_t len, const struct bgp_codec_opts *o,
    struct bgp_update *u, struct bgp_scratch *s)
{
	struct bgp_err e;
	enum bgp_action a;

	a = decode(msg, len, o, u, s, &e);
	ck_assert_msg(a == BGP_ACT_ACCEPT, "not accepted: action %d %u/%u "
	    "attr %u: %s", a, e.code, e.subcode, e.attr_type,
	    e.reason != NULL ? e.reason : "");
	ck_assert_int_eq(e.action, BGP_ACT_ACCEPT);
}

/* The prefixes of an NLRI view as text: "1.2.3.0/24 id:5.6.0.0/16". */
static void
nlri_text(struct rbuf b, unsigned af, bool addpath, char *out, size_t size)
{
	struct nlri_iter it;
	struct prefix p;
	char pb[PREFIX_STRLEN];
	uint32_t id;
	size_t o = 0;
	int rc;

	out[0] = '\0';
	nlri_iter_init(&it, b, af, addpath);
	while ((rc = nlri_iter_next(&it, &p, &id)) == 1) {
		prefix_format(&p, pb, sizeof(pb));
		if (addpath)
			o += (size_t)snprintf(out + o, size - o, "%s%u:%s",
			    o ? " " : "", id, pb);
		else
			o += (size_t)snprintf(out + o, size - o, "%s%s",
			    o ? " " : "", pb);
		ck_assert_uint_lt(o, size);
	}
	ck_assert_int_eq(rc, 0);
}

/* Our own text of a 4-octet path; adjacent sequences read as one. */
static void
path_text(struct rbuf path, char *out, size_t size)
{
	const uint8_t *p = path.p;
	size_t off = 0, o = 0, i;

	out[0] = '\0';
	while (off + 2 <= path.len) {
		uint8_t type = p[off], count = p[off + 1];

		off += 2;
		ck_assert(off + 4u * count <= path.len);
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "",
		    type == 1 ? "{" : type == 3 ? "(" : type == 4 ? "({" : "");
		for (i = 0; i < count; i++, off += 4)
			o += (size_t)snprintf(out + o, size - o, "%s%u",
			    i ? " " : "", load_u32(p + off));
		o += (size_t)snprintf(out + o, size - o, "%s",
		    type == 1 ? "}" : type == 3 ? ")" : type == 4 ? "})" : "");
		ck_assert_uint_lt(o, size);
	}
	ck_assert(off == path.len);
}

static void
assert_view(struct rbuf v, const char *hex)
{
	uint8_t want[512];
	size_t n;

	n = th_hex(hex, want, sizeof(want));
	ck_assert_msg(v.len == n, "view length %zu, want %zu (%s)", v.len, n,
	    hex);
	ck_assert(n == 0 || memcmp(v.p, want, n) == 0);
}

static const struct bgp_attr_raw *
find_unknown(const struct bgp_attrs *a, uint8_t type)
{
	unsigned i;

	for (i = 0; i < a->n_unknown; i++)
		if (a->unknown[i].type == type)
			return &a->unknown[i];
	return NULL;
}

/* ---- decoding ---- */

#define FULL_ATTRS	A_MPREACH A_MPUNREACH A_ORIGIN_INC A_PATH4 A_NH A_MED \
	A_LP A_ATOMIC A_AGG8 A_COMM A_ORIGID A_CLUSTER A_EXT A_LARGE

START_TEST(test_decode_every_attribute)
{
	uint8_t buf[512], *msg;
	struct bgp_codec_opts o = th_opts(true, true);
	struct bgp_update u;
	const struct bgp_attrs *a = &u.attrs;
	char text[512];
	size_t n;

	n = th_update(buf, sizeof(buf), "18 0a0100", FULL_ATTRS,
	    "18 c00002 10 c612");
	msg = malloc(n);
	memcpy(msg, buf, n);
	decode_ok(msg, n, &o, &u, NULL);

	nlri_text(u.withdrawn, AF_IDX_IPV4, false, text, sizeof(text));
	ck_assert_str_eq(text, "10.1.0.0/24");
	nlri_text(u.nlri, AF_IDX_IPV4, false, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24 198.18.0.0/16");

	ck_assert(bgp_attr_has(a, BGP_ATTR_ORIGIN));
	ck_assert_uint_eq(a->origin, BGP_ORIGIN_INCOMPLETE);
	ck_assert(bgp_attr_has(a, BGP_ATTR_AS_PATH));
	assert_view(a->as_path, "02 03 0000fde8 0000b7d9 fa56ea01");
	ck_assert(bgp_attr_has(a, BGP_ATTR_NEXT_HOP));
	ck_assert_mem_eq(a->next_hop, "\xc0\x00\x02\x01", 4);
	ck_assert(bgp_attr_has(a, BGP_ATTR_MED));
	ck_assert_uint_eq(a->med, 100);
	ck_assert(bgp_attr_has(a, BGP_ATTR_LOCAL_PREF));
	ck_assert_uint_eq(a->local_pref, 200);
	ck_assert(bgp_attr_has(a, BGP_ATTR_ATOMIC_AGGREGATE));
	ck_assert(bgp_attr_has(a, BGP_ATTR_AGGREGATOR));
	ck_assert_uint_eq(a->aggregator_as, 4200000001u);
	ck_assert_mem_eq(a->aggregator_addr, "\xc0\x00\x02\x02", 4);
	ck_assert(bgp_attr_has(a, BGP_ATTR_COMMUNITIES));
	assert_view(a->communities, "b7d90001 b7d903e9");
	ck_assert(bgp_attr_has(a, BGP_ATTR_ORIGINATOR_ID));
	ck_assert_uint_eq(a->originator_id, 0x0a000001);
	ck_assert(bgp_attr_has(a, BGP_ATTR_CLUSTER_LIST));
	assert_view(a->cluster_list, "0a000001 0a000002");
	ck_assert(bgp_attr_has(a, BGP_ATTR_EXT_COMMUNITIES));
	assert_view(a->ext_communities, "0002b7d9 00000064");
	ck_assert(bgp_attr_has(a, BGP_ATTR_LARGE_COMMUNITIES));
	assert_view(a->large_communities, "0000b7d9 00000001 00000002");

	ck_assert(bgp_attr_has(a, BGP_ATTR_MP_REACH));
	ck_assert_uint_eq(a->mp_reach.afi, BGP_AFI_IPV6);
	ck_assert_uint_eq(a->mp_reach.safi, BGP_SAFI_UNICAST);
	ck_assert_int_eq(a->mp_reach.af, AF_IDX_IPV6);
	ck_assert_uint_eq(a->mp_reach.nh_len, 16);
	ck_assert_mem_eq(a->mp_reach.nexthop,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_view(a->mp_reach.nh_raw, NH6);
	nlri_text(a->mp_reach.nlri, AF_IDX_IPV6, false, text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8:1::/48");
	ck_assert(bgp_attr_has(a, BGP_ATTR_MP_UNREACH));
	ck_assert_uint_eq(a->mp_unreach.afi, BGP_AFI_IPV6);
	ck_assert_uint_eq(a->mp_unreach.safi, BGP_SAFI_UNICAST);
	ck_assert_int_eq(a->mp_unreach.af, AF_IDX_IPV6);
	nlri_text(a->mp_unreach.nlri, AF_IDX_IPV6, false, text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8:2::/48");

	ck_assert_uint_eq(a->n_unknown, 0);
	ck_assert_uint_eq(a->n_notes, 0);
	ck_assert_int_eq(bgp_update_eor(&u), -1);
	free(msg);
}
END_TEST

/* The smallest route: what an eBGP peer sends most. */
START_TEST(test_decode_plain_route)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_BASE, "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(u.withdrawn.len, 0);
	nlri_text(u.nlri, AF_IDX_IPV4, false, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24");
	ck_assert_uint_eq(u.attrs.origin, BGP_ORIGIN_IGP);
	assert_view(u.attrs.as_path, "02 01 0000fde8");
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_MED));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_LOCAL_PREF));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_MP_REACH));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_COMMUNITIES));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_ATOMIC_AGGREGATE));
}
END_TEST

/* The Extended Length bit is allowed on any attribute (RFC 4271 4.3). */
START_TEST(test_decode_extended_length)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), "", "50 01 0001 01 "
	    "50 02 0006 02 01 0000fde8 " "50 03 0004 c0000201 "
	    "d0 08 0004 b7d90001", "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(u.attrs.origin, BGP_ORIGIN_EGP);
	assert_view(u.attrs.as_path, "02 01 0000fde8");
	ck_assert_mem_eq(u.attrs.next_hop, "\xc0\x00\x02\x01", 4);
	assert_view(u.attrs.communities, "b7d90001");
}
END_TEST

struct path_case {
	const char	*name;
	bool		 as4, ibgp;
	const char	*attr;		/* the AS_PATH attribute */
	const char	*want;		/* 4-octet form */
};

static const struct path_case path_cases[] = {
	{ "4-octet sequence", true, false,
	    "40 02 0e 02 03 0000fde8 0000b7d9 fa56ea01",
	    "02 03 0000fde8 0000b7d9 fa56ea01" },
	{ "4-octet sequence and set", true, false,
	    "40 02 14 02 02 0000fde8 0000b7d9 01 02 00000001 00000002",
	    "02 02 0000fde8 0000b7d9 01 02 00000001 00000002" },
	{ "4-octet confed sequence", true, true,
	    "40 02 0c 03 01 0000fc00 02 01 0000fde8",
	    "03 01 0000fc00 02 01 0000fde8" },
	{ "4-octet confed set", true, true,
	    "40 02 10 04 02 0000fc00 0000fc01 02 01 0000fde8",
	    "04 02 0000fc00 0000fc01 02 01 0000fde8" },
	{ "2-octet sequence", false, false,
	    "40 02 08 02 03 fde8 b7d9 0001",
	    "02 03 0000fde8 0000b7d9 00000001" },
	{ "2-octet sequence and set", false, false,
	    "40 02 0a 02 01 fde8 01 02 0001 0002",
	    "02 01 0000fde8 01 02 00000001 00000002" },
	{ "2-octet confed sequence", false, true,
	    "40 02 08 03 01 fc00 02 01 fde8",
	    "03 01 0000fc00 02 01 0000fde8" },
	{ "2-octet confed set", false, true,
	    "40 02 0a 04 02 fc00 fc01 02 01 fde8",
	    "04 02 0000fc00 0000fc01 02 01 0000fde8" },
	{ "empty, iBGP", true, true, "40 02 00", "" },
	{ "empty, iBGP, 2-octet", false, true, "40 02 00", "" },
};

#define N_PATH	(sizeof(path_cases) / sizeof(path_cases[0]))

START_TEST(test_decode_as_path)
{
	const struct path_case *c = &path_cases[_i];
	char attrs[256];
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(c->as4, c->ibgp);
	struct bgp_update u;
	size_t n;

	snprintf(attrs, sizeof(attrs), A_ORIGIN "%s " A_NH, c->attr);
	n = th_update(buf, sizeof(buf), "", attrs, "18 c00002");
	decode_ok(buf, n, &o, &u, &scratch_a);
	assert_view(u.attrs.as_path, c->want);
}
END_TEST

/* AGGREGATOR from an old speaker: 2-octet AS (RFC 4271 5.1.7). */
START_TEST(test_decode_aggregator_6)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(false, false);
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN "40 02 04 02 01 fde8 "
	    A_NH "c0 07 06 fde9 c0000202", "18 c00002");
	decode_ok(buf, n, &o, &u, &scratch_a);
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_AGGREGATOR));
	ck_assert_uint_eq(u.attrs.aggregator_as, 65001);
	ck_assert_mem_eq(u.attrs.aggregator_addr, "\xc0\x00\x02\x02", 4);
}
END_TEST

START_TEST(test_decode_mp_reach_link_local)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	/* no NEXT_HOP: RFC 4760 3, only MP_REACH_NLRI carries NLRI */
	n = th_update(buf, sizeof(buf), "", A_MPREACH_LL A_ORIGIN
	    A_PATH_SHORT, "");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(u.attrs.mp_reach.nh_len, 32);
	ck_assert_int_eq(u.attrs.mp_reach.af, AF_IDX_IPV6);
	ck_assert_mem_eq(u.attrs.mp_reach.nexthop,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	ck_assert_mem_eq(u.attrs.mp_reach.nexthop_ll,
	    "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_view(u.attrs.mp_reach.nh_raw, NH6 NH6_LL);
	nlri_text(u.attrs.mp_reach.nlri, AF_IDX_IPV6, false, text,
	    sizeof(text));
	ck_assert_str_eq(text, "2001:db8:1::/48");
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_NEXT_HOP));
	ck_assert_uint_eq(u.nlri.len, 0);
}
END_TEST

START_TEST(test_decode_mp_unreach_only)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	/* withdrawals need no other attribute */
	n = th_update(buf, sizeof(buf), "", "80 0f 13 0002 01 "
	    "30 20010db80002 40 20010db800000003", "");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MP_UNREACH));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_MP_REACH));
	ck_assert_int_eq(u.attrs.mp_unreach.af, AF_IDX_IPV6);
	nlri_text(u.attrs.mp_unreach.nlri, AF_IDX_IPV6, false, text,
	    sizeof(text));
	ck_assert_str_eq(text, "2001:db8:2::/48 2001:db8:0:3::/64");
	ck_assert_int_eq(bgp_update_eor(&u), -1);
}
END_TEST

/* A family we do not route is kept, not checked, not an error. */
START_TEST(test_decode_mp_reach_other_family)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	size_t n;

	/* IPv4 multicast (SAFI 2) */
	n = th_update(buf, sizeof(buf), "", "80 0e 0d 0001 02 04 c0000201 00 "
	    "18 c00002 " A_ORIGIN A_PATH_SHORT, "");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MP_REACH));
	ck_assert_uint_eq(u.attrs.mp_reach.afi, 1);
	ck_assert_uint_eq(u.attrs.mp_reach.safi, 2);
	ck_assert_int_eq(u.attrs.mp_reach.af, -1);
	assert_view(u.attrs.mp_reach.nlri, "18 c00002");
}
END_TEST

/* RFC 4760 6: a session keeps the routes of its own family only. */
START_TEST(test_keep_family)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	size_t n;

	/* IPv4 NLRI + withdrawn, IPv6 reach and unreach, in one UPDATE */
	n = th_update(buf, sizeof(buf), "18 c00002",
	    A_MPREACH_LL A_MPUNREACH A_BASE, "18 c00003");
	decode_ok(buf, n, &o, &u, NULL);
	/* on an IPv4 session: the two IPv6 blocks go */
	ck_assert_uint_eq(bgp_update_keep_family(&u, AF_IDX_IPV4), 2);
	ck_assert_int_eq(u.attrs.mp_reach.af, -1);
	ck_assert_int_eq(u.attrs.mp_unreach.af, -1);
	ck_assert_uint_eq(u.attrs.mp_reach.nlri.len, 0);
	ck_assert_uint_eq(u.nlri.len, 4);
	ck_assert_uint_eq(u.withdrawn.len, 4);
	/* again: nothing left to drop */
	ck_assert_uint_eq(bgp_update_keep_family(&u, AF_IDX_IPV4), 0);

	/* on an IPv6 session: the two IPv4 blocks go, IPv6 stays */
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(bgp_update_keep_family(&u, AF_IDX_IPV6), 2);
	ck_assert_uint_eq(u.nlri.len, 0);
	ck_assert_uint_eq(u.withdrawn.len, 0);
	ck_assert_int_eq(u.attrs.mp_reach.af, AF_IDX_IPV6);
	ck_assert_int_eq(u.attrs.mp_unreach.af, AF_IDX_IPV6);
	ck_assert_uint_gt(u.attrs.mp_reach.nlri.len, 0);

	/* an IPv6 End-of-RIB on an IPv4 session is not one of ours */
	n = th_update(buf, sizeof(buf), "", "80 0f 03 0002 01", "");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_int_eq(bgp_update_eor(&u), AF_IDX_IPV6);
	ck_assert_uint_eq(bgp_update_keep_family(&u, AF_IDX_IPV4), 0);
	ck_assert_int_eq(bgp_update_eor(&u), -1);
}
END_TEST

START_TEST(test_decode_unknown_attrs)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	const struct bgp_attr_raw *r;
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_BASE "e0 f0 03 aabbcc "
	    "80 f1 02 1122 " "d0 f2 0003 010203 " "c0 f3 00", "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(u.attrs.n_unknown, 4);

	r = find_unknown(&u.attrs, 0xf0);	/* optional transitive, P */
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->flags & 0xe0, 0xe0);
	assert_view(r->value, "aabbcc");
	r = find_unknown(&u.attrs, 0xf1);	/* optional non-transitive */
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->flags & 0xe0, 0x80);
	assert_view(r->value, "1122");
	r = find_unknown(&u.attrs, 0xf2);	/* extended length */
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->flags & 0xe0, 0xc0);
	assert_view(r->value, "010203");
	r = find_unknown(&u.attrs, 0xf3);	/* empty */
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->value.len, 0);
}
END_TEST

/* RFC 4724 2: End-of-RIB. */
struct eor_case {
	const char	*name;
	const char	*wd, *attrs, *nlri;
	int		 eor;
};

static const struct eor_case eor_cases[] = {
	{ "ipv4", "", "", "", AF_IDX_IPV4 },
	{ "ipv6", "", "80 0f 03 0002 01", "", AF_IDX_IPV6 },
	{ "ipv6 extended length", "", "90 0f 0003 0002 01", "", AF_IDX_IPV6 },
	{ "ipv4 withdraw", "18 0a0100", "", "", -1 },
	{ "ipv6 withdraw", "", "80 0f 08 0002 01 20 20010db8", "", -1 },
	{ "route", "", A_BASE, "18 c00002", -1 },
	{ "ipv6 and another attribute", "", "80 0f 03 0002 01 " A_ORIGIN, "",
	    -1 },
	{ "other family", "", "80 0f 03 0001 02", "", -1 },
};

#define N_EOR	(sizeof(eor_cases) / sizeof(eor_cases[0]))

START_TEST(test_decode_eor)
{
	const struct eor_case *c = &eor_cases[_i];
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), c->wd, c->attrs, c->nlri);
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_msg(bgp_update_eor(&u) == c->eor, "%s: %d", c->name,
	    bgp_update_eor(&u));
}
END_TEST

/* RFC 7911 3: a path id before each prefix. */
START_TEST(test_decode_addpath_ipv4)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	o.addpath[AF_IDX_IPV4] = true;
	n = th_update(buf, sizeof(buf), "00000005 18 0a0100", A_BASE,
	    "00000001 18 c00002 00000002 18 c00002 ffffffff 10 c612");
	decode_ok(buf, n, &o, &u, NULL);
	nlri_text(u.withdrawn, AF_IDX_IPV4, true, text, sizeof(text));
	ck_assert_str_eq(text, "5:10.1.0.0/24");
	nlri_text(u.nlri, AF_IDX_IPV4, true, text, sizeof(text));
	ck_assert_str_eq(text, "1:192.0.2.0/24 2:192.0.2.0/24 "
	    "4294967295:198.18.0.0/16");
}
END_TEST

START_TEST(test_decode_addpath_ipv6)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	o.addpath[AF_IDX_IPV6] = true;
	n = th_update(buf, sizeof(buf), "",
	    "80 0e 20 0002 01 10 " NH6 "00 00000007 30 20010db80001 "
	    "80 0f 0e 0002 01 00000008 30 20010db80002 " A_ORIGIN
	    A_PATH_SHORT, "");
	decode_ok(buf, n, &o, &u, NULL);
	nlri_text(u.attrs.mp_reach.nlri, AF_IDX_IPV6, true, text,
	    sizeof(text));
	ck_assert_str_eq(text, "7:2001:db8:1::/48");
	nlri_text(u.attrs.mp_unreach.nlri, AF_IDX_IPV6, true, text,
	    sizeof(text));
	ck_assert_str_eq(text, "8:2001:db8:2::/48");
}
END_TEST

/* ADD-PATH for IPv6 only: the IPv4 fields carry no path ids. */
START_TEST(test_decode_addpath_per_family)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	o.addpath[AF_IDX_IPV6] = true;
	n = th_update(buf, sizeof(buf), "", A_BASE, "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	nlri_text(u.nlri, AF_IDX_IPV4, false, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24");
}
END_TEST

/* ---- RFC 6793 4.2.3 on a session with an old speaker ---- */

struct as4_case {
	const char	*name;
	bool		 as4;		/* session */
	const char	*attrs;
	const char	*path;		/* path_text() of the result */
	uint32_t	 agg_as;	/* 0: no aggregator */
	const char	*agg_addr;
};

static const struct as4_case as4_cases[] = {
	{ "merge", false,
	    A_ORIGIN "40 02 0a 02 04 fde8 5ba0 5ba0 0001 " A_NH
	    "c0 11 0e 02 03 fa56ea01 fa56ea02 00000001",
	    "65000 4200000001 4200000002 1", 0, NULL },
	{ "as4_path longer: ignored", false,
	    A_ORIGIN "40 02 06 02 02 5ba0 0001 " A_NH
	    "c0 11 0e 02 03 fa56ea01 fa56ea02 00000001",
	    "23456 1", 0, NULL },
	{ "set counts one", false,
	    A_ORIGIN "40 02 0c 02 02 fde8 5ba0 01 02 0001 0002 " A_NH
	    "c0 11 10 02 01 fa56ea01 01 02 00000001 00000002",
	    "65000 4200000001 {1 2}", 0, NULL },
	/* AGGREGATOR not AS_TRANS: AS4_AGGREGATOR and AS4_PATH ignored */
	{ "aggregator not AS_TRANS", false,
	    A_ORIGIN "40 02 06 02 02 fde8 5ba0 " A_NH
	    "c0 07 06 fde9 c0000202 "
	    "c0 11 0a 02 02 0000fde8 fa56ea01 "
	    "c0 12 08 fa56ea01 c0000203",
	    "65000 23456", 65001, "c0000202" },
	/* AGGREGATOR AS_TRANS: AS4_AGGREGATOR taken, path merged */
	{ "aggregator AS_TRANS", false,
	    A_ORIGIN "40 02 06 02 02 fde8 5ba0 " A_NH
	    "c0 07 06 5ba0 c0000202 "
	    "c0 11 0a 02 02 0000fde8 fa56ea01 "
	    "c0 12 08 fa56ea01 c0000203",
	    "65000 4200000001", 4200000001u, "c0000203" },
	/* between new speakers AS4_PATH and AS4_AGGREGATOR mean nothing */
	{ "4-octet session", true,
	    A_ORIGIN "40 02 0a 02 02 0000fde8 00005ba0 " A_NH
	    "c0 07 08 00005ba0 c0000202 "
	    "c0 11 06 02 01 fa56ea01 "
	    "c0 12 08 fa56ea01 c0000203",
	    "65000 23456", 23456, "c0000202" },
};

#define N_AS4	(sizeof(as4_cases) / sizeof(as4_cases[0]))

START_TEST(test_decode_as4_merge)
{
	const struct as4_case *c = &as4_cases[_i];
	uint8_t buf[256], addr[4];
	struct bgp_codec_opts o = th_opts(c->as4, false);
	struct bgp_update u;
	struct bgp_err e;
	enum bgp_action a;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", c->attrs, "18 c00002");
	a = decode(buf, n, &o, &u, &scratch_a, &e);
	/* a 4-octet session may drop the AS4 attributes as discards */
	ck_assert_msg(a == BGP_ACT_ACCEPT || (c->as4 &&
	    a == BGP_ACT_ATTR_DISCARD), "%s: action %d", c->name, a);
	path_text(u.attrs.as_path, text, sizeof(text));
	ck_assert_msg(strcmp(text, c->path) == 0, "%s: \"%s\", want \"%s\"",
	    c->name, text, c->path);
	if (c->agg_as != 0) {
		ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_AGGREGATOR));
		ck_assert_uint_eq(u.attrs.aggregator_as, c->agg_as);
		th_hex(c->agg_addr, addr, sizeof(addr));
		ck_assert_mem_eq(u.attrs.aggregator_addr, addr, 4);
	}
}
END_TEST

/* The AS4_PATH as received stays readable for tools. */
START_TEST(test_decode_as4_path_view)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(false, false);
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN
	    "40 02 0a 02 04 fde8 5ba0 5ba0 0001 " A_NH
	    "c0 11 0e 02 03 fa56ea01 fa56ea02 00000001", "18 c00002");
	decode_ok(buf, n, &o, &u, &scratch_a);
	assert_view(u.attrs.as4_path, "02 03 fa56ea01 fa56ea02 00000001");
}
END_TEST

/* RFC 4760 3: the Reserved byte (once the SNPA count) is ignored. */
START_TEST(test_decode_mp_reach_reserved)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", "80 0e 1c 0002 01 10 " NH6
	    "01 30 20010db80001 " A_ORIGIN A_PATH_SHORT, "");
	decode_ok(buf, n, &o, &u, NULL);
	nlri_text(u.attrs.mp_reach.nlri, AF_IDX_IPV6, false, text,
	    sizeof(text));
	ck_assert_str_eq(text, "2001:db8:1::/48");
}
END_TEST

/* IPv4 unicast may travel in MP_REACH_NLRI too (RFC 4760). */
START_TEST(test_decode_mp_reach_ipv4)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", "80 0e 0d 0001 01 04 c0000209 00 "
	    "18 c00002 " A_ORIGIN A_PATH_SHORT, "");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_int_eq(u.attrs.mp_reach.af, AF_IDX_IPV4);
	ck_assert_uint_eq(u.attrs.mp_reach.nh_len, 4);
	ck_assert_mem_eq(u.attrs.mp_reach.nexthop, "\xc0\x00\x02\x09", 4);
	nlri_text(u.attrs.mp_reach.nlri, AF_IDX_IPV4, false, text,
	    sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24");
}
END_TEST

/* AGGREGATOR with AS_TRANS and no AS4_AGGREGATOR: nothing to take from,
 * the path is merged all the same (RFC 6793 4.2.3). */
START_TEST(test_decode_as_trans_aggregator_alone)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(false, false);
	struct bgp_update u;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN
	    "40 02 06 02 02 fde8 5ba0 " A_NH "c0 07 06 5ba0 c0000202 "
	    "c0 11 0a 02 02 0000fde8 fa56ea01", "18 c00002");
	decode_ok(buf, n, &o, &u, &scratch_a);
	ck_assert_uint_eq(u.attrs.aggregator_as, BGP_AS_TRANS);
	path_text(u.attrs.as_path, text, sizeof(text));
	ck_assert_str_eq(text, "65000 4200000001");
}
END_TEST

/* The largest paths an extended message can carry from an old speaker:
 * the scratch space must hold the widened and the merged path. */
START_TEST(test_decode_huge_old_path)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	static uint32_t as4[31 * 255];
	struct bgp_codec_opts o = th_opts(false, false);
	struct bgp_update u;
	struct wbuf w;
	size_t start, attrs_at, seg, i;
	const size_t n2 = 62 * 255, n4 = 31 * 255;

	o.max_len = BGP_EXT_MAX_LEN;
	wbuf_init(&w, buf, sizeof(buf));
	start = bgp_msg_start(&w, BGP_UPDATE);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, 0);
	attrs_at = w.len;
	wbuf_put_bytes(&w, "\x40\x01\x01\x00", 4);
	wbuf_put_u8(&w, 0x50);				/* AS_PATH */
	wbuf_put_u8(&w, BGP_ATTR_AS_PATH);
	wbuf_put_u16(&w, (uint16_t)(62 * (2 + 255 * 2)));
	for (seg = 0; seg < 62; seg++) {
		wbuf_put_u8(&w, BGP_AS_SEQUENCE);
		wbuf_put_u8(&w, 255);
		for (i = 0; i < 255; i++)
			wbuf_put_u16(&w, BGP_AS_TRANS);
	}
	wbuf_put_bytes(&w, "\x40\x03\x04\xc0\x00\x02\x01", 7);
	wbuf_put_u8(&w, 0xd0);				/* AS4_PATH */
	wbuf_put_u8(&w, BGP_ATTR_AS4_PATH);
	wbuf_put_u16(&w, (uint16_t)(31 * (2 + 255 * 4)));
	for (i = 0; i < n4; i++)
		as4[i] = (uint32_t)(4200000000u + i);
	for (seg = 0; seg < 31; seg++) {
		wbuf_put_u8(&w, BGP_AS_SEQUENCE);
		wbuf_put_u8(&w, 255);
		for (i = 0; i < 255; i++)
			wbuf_put_u32(&w, as4[seg * 255 + i]);
	}
	wbuf_patch_u16(&w, attrs_at - 2, (uint16_t)(w.len - attrs_at));
	wbuf_put_bytes(&w, "\x18\xc0\x00\x02", 4);
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);

	decode_ok(buf, w.len, &o, &u, &scratch_a);
	{
		/* n2 numbers: n2 - n4 AS_TRANS, then the AS4_PATH */
		const uint8_t *p = u.attrs.as_path.p;
		size_t off = 0, k = 0;

		while (off < u.attrs.as_path.len) {
			uint8_t cnt = p[off + 1];

			ck_assert_uint_eq(p[off], BGP_AS_SEQUENCE);
			for (i = 0; i < cnt; i++, k++) {
				uint32_t as = load_u32(p + off + 2 + 4 * i);

				ck_assert_uint_eq(as, k < n2 - n4 ?
				    BGP_AS_TRANS : as4[k - (n2 - n4)]);
			}
			off += 2 + 4u * cnt;
		}
		ck_assert_uint_eq(k, n2);
	}
}
END_TEST

/* More unknown attributes than we keep: no spill into the notes. */
START_TEST(test_decode_many_unknown)
{
	char attrs[2048];
	uint8_t buf[2048];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct bgp_err e;
	size_t n, off;
	unsigned i;

	off = (size_t)snprintf(attrs, sizeof(attrs), "%s", A_BASE);
	for (i = 0; i < 80; i++)
		off += (size_t)snprintf(attrs + off, sizeof(attrs) - off,
		    "c0 %02x 01 %02x ", 0x80 + i, i);
	ck_assert_uint_lt(off, sizeof(attrs));
	n = th_update(buf, sizeof(buf), "", attrs, "18 c00002");
	memset(&u, 0, sizeof(u));
	(void)decode(buf, n, &o, &u, NULL, &e);
	ck_assert_uint_le(u.attrs.n_unknown, BGP_MAX_UNKNOWN_ATTRS);
	ck_assert_uint_le(u.attrs.n_notes, BGP_MAX_NOTES);
	for (i = 0; i < u.attrs.n_unknown; i++)
		ck_assert_uint_eq(u.attrs.unknown[i].value.len, 1);
}
END_TEST

/* More discarded attributes than notes. */
START_TEST(test_decode_many_discards)
{
	char attrs[1024];
	uint8_t buf[1024];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct bgp_err e;
	size_t n, off;
	unsigned i;

	off = (size_t)snprintf(attrs, sizeof(attrs), "%s", A_BASE);
	for (i = 0; i < 20; i++)
		off += (size_t)snprintf(attrs + off, sizeof(attrs) - off,
		    "40 06 01 00 c0 07 07 00000001 000000 ");
	n = th_update(buf, sizeof(buf), "", attrs, "18 c00002");
	ck_assert_int_eq(decode(buf, n, &o, &u, NULL, &e),
	    BGP_ACT_ATTR_DISCARD);
	ck_assert_uint_le(u.attrs.n_notes, BGP_MAX_NOTES);
	ck_assert_uint_ge(u.attrs.n_notes, 1);
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_ATOMIC_AGGREGATE));
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_AGGREGATOR));
	ck_assert_uint_eq(u.attrs.origin, BGP_ORIGIN_IGP);
}
END_TEST

START_TEST(test_decode_partial_bits)
{
	uint8_t buf[256];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_BASE "e0 08 04 b7d90001 "
	    "c0 20 0c 0000b7d9 00000001 00000002", "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert((u.attrs.partial[BGP_ATTR_COMMUNITIES >> 3] >>
	    (BGP_ATTR_COMMUNITIES & 7)) & 1);
	ck_assert(!((u.attrs.partial[BGP_ATTR_LARGE_COMMUNITIES >> 3] >>
	    (BGP_ATTR_LARGE_COMMUNITIES & 7)) & 1));
	ck_assert(!((u.attrs.partial[BGP_ATTR_ORIGIN >> 3] >>
	    (BGP_ATTR_ORIGIN & 7)) & 1));
}
END_TEST

/* ---- encoding ---- */

struct canon_case {
	const char	*name;
	bool		 as4, ibgp, addpath4, addpath6;
	const char	*wd, *attrs, *nlri;
};

/* Messages already in canonical form: MP_REACH_NLRI, MP_UNREACH_NLRI,
 * then by type code; flags as the RFCs define them; short lengths. */
static const struct canon_case canon_cases[] = {
	{ "every attribute", true, true, false, false, "18 0a0100",
	    FULL_ATTRS, "18 c00002 10 c612" },
	{ "plain route", true, false, false, false, "", A_BASE, "18 c00002" },
	{ "withdraw only", true, false, false, false, "18 0a0100 10 c612", "",
	    "" },
	{ "ipv6 link-local", true, false, false, false, "",
	    A_MPREACH_LL A_MPUNREACH A_ORIGIN A_PATH_SHORT, "" },
	{ "unknown attributes", true, false, false, false, "",
	    A_BASE A_COMM "c0 15 02 abcd e0 f0 03 aabbcc 80 f1 02 1122",
	    "18 c00002" },
	{ "2-octet session", false, false, false, false, "",
	    A_ORIGIN "40 02 08 02 03 fde8 b7d9 0001 " A_NH
	    "c0 07 06 fde9 c0000202", "18 c00002" },
	{ "add-path", true, false, true, true, "00000005 18 0a0100",
	    "80 0e 20 0002 01 10 " NH6 "00 00000007 30 20010db80001 "
	    A_BASE, "00000001 18 c00002 00000002 18 c00002" },
	/* RFC 4271 5: a Partial bit received stays set when passed on */
	{ "partial known attributes", true, false, false, false, "",
	    A_BASE "e0 07 08 fa56ea01 c0000202 e0 08 04 b7d90001 "
	    "e0 20 0c 0000b7d9 00000001 00000002", "18 c00002" },
	{ "eor ipv4", true, false, false, false, "", "", "" },
	{ "eor ipv6", true, false, false, false, "", "80 0f 03 0002 01", "" },
};

#define N_CANON	(sizeof(canon_cases) / sizeof(canon_cases[0]))

START_TEST(test_encode_canonical)
{
	const struct canon_case *c = &canon_cases[_i];
	uint8_t buf[1024], mem[4096];
	struct bgp_codec_opts o = th_opts(c->as4, c->ibgp);
	struct bgp_update a, b;
	struct wbuf w;
	size_t n;

	o.addpath[AF_IDX_IPV4] = c->addpath4;
	o.addpath[AF_IDX_IPV6] = c->addpath6;
	n = th_update(buf, sizeof(buf), c->wd, c->attrs, c->nlri);
	decode_ok(buf, n, &o, &a, &scratch_a);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o);
	ck_assert_msg(!w.overflow, "%s: overflow", c->name);
	ck_assert_msg(w.len == n, "%s: %zu bytes, want %zu", c->name, w.len,
	    n);
	ck_assert_msg(memcmp(mem, buf, n) == 0, "%s: bytes differ", c->name);

	decode_ok(mem, w.len, &o, &b, &scratch_b);
	ck_assert_msg(bgp_update_equal(&a, &b), "%s: not equal", c->name);
	ck_assert(bgp_update_equal(&b, &a));
}
END_TEST

/* Attributes out of order and with the Extended Length bit where not
 * needed come out canonical, and mean the same. */
START_TEST(test_encode_reorders)
{
	uint8_t buf[512], want[512], mem[4096];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update a, b;
	struct wbuf w;
	size_t n, wn;

	n = th_update(buf, sizeof(buf), "", "c0 08 04 b7d90001 "
	    "50 03 0004 c0000201 " A_MPUNREACH A_PATH_SHORT A_ORIGIN,
	    "18 c00002");
	wn = th_update(want, sizeof(want), "", A_MPUNREACH A_BASE
	    "c0 08 04 b7d90001", "18 c00002");
	decode_ok(buf, n, &o, &a, NULL);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);
	decode_ok(mem, w.len, &o, &b, NULL);
	ck_assert(bgp_update_equal(&a, &b));
}
END_TEST

/* An attribute longer than 255 bytes needs the Extended Length bit. */
START_TEST(test_encode_long_attribute)
{
	uint8_t head[256], buf[1024], mem[4096];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update a, b;
	struct wbuf w;
	size_t hn, i, start;

	hn = th_hex(A_BASE, head, sizeof(head));
	wbuf_init(&w, buf, sizeof(buf));
	start = bgp_msg_start(&w, BGP_UPDATE);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, (uint16_t)(hn + 4 + 70 * 4));
	wbuf_put_bytes(&w, head, hn);
	wbuf_put_u8(&w, 0xd0);		/* optional transitive extended */
	wbuf_put_u8(&w, BGP_ATTR_COMMUNITIES);
	wbuf_put_u16(&w, 70 * 4);
	for (i = 0; i < 70; i++)
		wbuf_put_u32(&w, (uint32_t)(47065u << 16 | i));
	wbuf_put_u8(&w, 24);
	wbuf_put_u8(&w, 192);
	wbuf_put_u8(&w, 0);
	wbuf_put_u8(&w, 2);
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);

	decode_ok(buf, w.len, &o, &a, NULL);
	ck_assert_uint_eq(a.attrs.communities.len, 280);
	{
		struct wbuf e;

		wbuf_init(&e, mem, sizeof(mem));
		bgp_update_encode(&e, &a, &o);
		ck_assert(!e.overflow);
		ck_assert_uint_eq(e.len, w.len);
		ck_assert_mem_eq(mem, buf, w.len);
		decode_ok(mem, e.len, &o, &b, NULL);
		ck_assert(bgp_update_equal(&a, &b));
	}
}
END_TEST

START_TEST(test_update_not_equal)
{
	static const char *const attrs[] = {
		A_BASE,
		A_ORIGIN_INC A_PATH_SHORT A_NH,
		A_ORIGIN A_PATH4 A_NH,
		A_ORIGIN A_PATH_SHORT "40 03 04 c0000202",
		A_BASE A_MED,
		A_BASE "80 04 04 00000065",
		A_BASE A_COMM,
		A_BASE "c0 08 08 b7d90001 b7d903ea",
		A_BASE "e0 f0 03 aabbcc",
		A_BASE "e0 f0 03 aabbcd",
	};
	uint8_t buf[10][256];
	struct bgp_codec_opts o = th_opts(true, false);
	static struct bgp_update u[10];
	size_t n, i, j;

	for (i = 0; i < 10; i++) {
		n = th_update(buf[i], sizeof(buf[i]), "", attrs[i], "18 c00002");
		decode_ok(buf[i], n, &o, &u[i], NULL);
	}
	for (i = 0; i < 10; i++)
		for (j = 0; j < 10; j++)
			ck_assert_msg(bgp_update_equal(&u[i], &u[j]) ==
			    (i == j), "%zu vs %zu", i, j);

	/* same attributes, other prefixes */
	n = th_update(buf[1], sizeof(buf[1]), "", A_BASE, "18 c00003");
	decode_ok(buf[1], n, &o, &u[1], NULL);
	ck_assert(!bgp_update_equal(&u[0], &u[1]));
	n = th_update(buf[1], sizeof(buf[1]), "18 c00002", A_BASE, "18 c00002");
	decode_ok(buf[1], n, &o, &u[1], NULL);
	ck_assert(!bgp_update_equal(&u[0], &u[1]));
}
END_TEST

/* RFC 6793 4.2.2: to an old speaker, AS_TRANS plus AS4_PATH and
 * AS4_AGGREGATOR carrying the real numbers. */
START_TEST(test_encode_old_speaker)
{
	uint8_t buf[512], want[512], mem[4096];
	struct bgp_codec_opts o4 = th_opts(true, false);
	struct bgp_codec_opts o2 = th_opts(false, false);
	struct bgp_update a, b;
	struct wbuf w;
	char text[256];
	size_t n, wn;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN
	    "40 02 0a 02 02 0000fde8 fa56ea01 " A_NH A_AGG8, "18 c00002");
	decode_ok(buf, n, &o4, &a, NULL);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o2);
	ck_assert(!w.overflow);
	wn = th_update(want, sizeof(want), "", A_ORIGIN
	    "40 02 06 02 02 fde8 5ba0 " A_NH "c0 07 06 5ba0 c0000202 "
	    "c0 11 0a 02 02 0000fde8 fa56ea01 "
	    "c0 12 08 fa56ea01 c0000202", "18 c00002");
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);

	decode_ok(mem, w.len, &o2, &b, &scratch_b);
	path_text(b.attrs.as_path, text, sizeof(text));
	ck_assert_str_eq(text, "65000 4200000001");
	ck_assert_uint_eq(b.attrs.aggregator_as, 4200000001u);
	ck_assert_mem_eq(b.attrs.aggregator_addr, "\xc0\x00\x02\x02", 4);
	ck_assert(bgp_update_equal(&a, &b));
}
END_TEST

/* Nothing above 65535: no AS4 attributes. */
START_TEST(test_encode_old_speaker_small)
{
	uint8_t buf[512], want[512], mem[4096];
	struct bgp_codec_opts o4 = th_opts(true, false);
	struct bgp_codec_opts o2 = th_opts(false, false);
	struct bgp_update a;
	struct wbuf w;
	size_t n, wn;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN
	    "40 02 0a 02 02 0000fde8 0000ffff " A_NH
	    "c0 07 08 0000fde9 c0000202", "18 c00002");
	decode_ok(buf, n, &o4, &a, NULL);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o2);
	ck_assert(!w.overflow);
	wn = th_update(want, sizeof(want), "", A_ORIGIN
	    "40 02 06 02 02 fde8 ffff " A_NH "c0 07 06 fde9 c0000202",
	    "18 c00002");
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);
}
END_TEST

/* A confederation path to an old speaker: AS4_PATH without the
 * confederation segments (RFC 6793 3). */
START_TEST(test_encode_old_speaker_confed)
{
	uint8_t buf[512], mem[4096];
	struct bgp_codec_opts o4 = th_opts(true, true);
	struct bgp_codec_opts o2 = th_opts(false, true);
	struct bgp_update a, b;
	struct wbuf w;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_ORIGIN
	    "40 02 10 03 01 0000fc00 02 02 0000fde8 fa56ea01 " A_NH,
	    "18 c00002");
	decode_ok(buf, n, &o4, &a, NULL);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o2);
	ck_assert(!w.overflow);
	decode_ok(mem, w.len, &o2, &b, &scratch_b);
	assert_view(b.attrs.as4_path, "02 02 0000fde8 fa56ea01");
	path_text(b.attrs.as_path, text, sizeof(text));
	ck_assert_str_eq(text, "(64512) 65000 4200000001");
}
END_TEST

START_TEST(test_encode_too_long)
{
	uint8_t buf[512], mem[4096];
	struct bgp_codec_opts o = th_opts(true, true);
	struct bgp_update a;
	struct wbuf w;
	size_t n;

	n = th_update(buf, sizeof(buf), "18 0a0100", FULL_ATTRS,
	    "18 c00002 10 c612");
	decode_ok(buf, n, &o, &a, NULL);
	o.max_len = (uint16_t)(n - 1);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o);
	ck_assert(w.overflow);
	o.max_len = (uint16_t)n;
	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &a, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
}
END_TEST

/* RFC 4271 5: Partial on unknown optional transitive attributes passed
 * on; unknown non-transitive ones dropped. */
START_TEST(test_pass_through)
{
	uint8_t buf[512], want[512], mem[4096];
	struct bgp_codec_opts o = th_opts(true, false);
	const struct bgp_attr_raw *r;
	struct bgp_update u;
	struct wbuf w;
	size_t n, wn;

	n = th_update(buf, sizeof(buf), "", A_BASE "c0 f0 03 aabbcc "
	    "80 f1 02 1122 e0 f2 01 55", "18 c00002");
	decode_ok(buf, n, &o, &u, NULL);
	ck_assert_uint_eq(u.attrs.n_unknown, 3);
	bgp_attrs_pass_through(&u.attrs);
	ck_assert_uint_eq(u.attrs.n_unknown, 2);
	r = find_unknown(&u.attrs, 0xf0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->flags & 0xe0, 0xe0);
	assert_view(r->value, "aabbcc");
	ck_assert_ptr_null(find_unknown(&u.attrs, 0xf1));
	r = find_unknown(&u.attrs, 0xf2);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->flags & 0xe0, 0xe0);

	wbuf_init(&w, mem, sizeof(mem));
	bgp_update_encode(&w, &u, &o);
	ck_assert(!w.overflow);
	wn = th_update(want, sizeof(want), "", A_BASE "e0 f0 03 aabbcc "
	    "e0 f2 01 55", "18 c00002");
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);
}
END_TEST

START_TEST(test_eor_encode)
{
	uint8_t want[64], mem[64];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct wbuf w;
	size_t n;

	n = th_hex(MARKER "0017 02 0000 0000", want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	bgp_eor_encode(&w, AF_IDX_IPV4);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
	decode_ok(mem, w.len, &o, &u, NULL);
	ck_assert_int_eq(bgp_update_eor(&u), AF_IDX_IPV4);

	n = th_hex(MARKER "001d 02 0000 0006 800f03 000201", want,
	    sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	bgp_eor_encode(&w, AF_IDX_IPV6);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
	decode_ok(mem, w.len, &o, &u, NULL);
	ck_assert_int_eq(bgp_update_eor(&u), AF_IDX_IPV6);
}
END_TEST

/* ---- the packer ---- */

#define PACK_N		20000
#define PACK_OUT	(1 << 20)

struct pack_case {
	unsigned	 af;
	bool		 withdraw;
	bool		 addpath;
	uint16_t	 max_len;
};

static const struct pack_case pack_cases[] = {
	{ AF_IDX_IPV4, false, false, BGP_MAX_LEN },
	{ AF_IDX_IPV4, false, true, BGP_MAX_LEN },
	{ AF_IDX_IPV4, true, false, BGP_MAX_LEN },
	{ AF_IDX_IPV4, true, true, BGP_MAX_LEN },
	{ AF_IDX_IPV6, false, false, BGP_MAX_LEN },
	{ AF_IDX_IPV6, false, true, BGP_MAX_LEN },
	{ AF_IDX_IPV6, true, false, BGP_MAX_LEN },
	{ AF_IDX_IPV6, true, true, BGP_MAX_LEN },
	/* RFC 8654 extended messages */
	{ AF_IDX_IPV4, false, false, BGP_EXT_MAX_LEN },
	{ AF_IDX_IPV6, false, true, BGP_EXT_MAX_LEN },
	{ AF_IDX_IPV6, true, false, BGP_EXT_MAX_LEN },
};

#define N_PACK	(sizeof(pack_cases) / sizeof(pack_cases[0]))

static struct bgp_packer packer;
static uint8_t pack_out[PACK_OUT];
static struct prefix pack_pfx[PACK_N];
static uint32_t pack_id[PACK_N];

/* Prefixes of many lengths, spread over the space. */
static void
pack_prefixes(unsigned af)
{
	uint32_t x = 0x12345678;
	size_t i, j;

	for (i = 0; i < PACK_N; i++) {
		struct prefix *p = &pack_pfx[i];

		memset(p, 0, sizeof(*p));
		p->af = (uint8_t)af;
		p->len = (uint8_t)(af == AF_IDX_IPV4 ? 8 + i % 25 :
		    16 + i % 113);
		for (j = 0; j < af_addr_bytes(af); j++) {
			x = x * 1103515245u + 12345u;
			p->addr[j] = (uint8_t)(x >> 16);
		}
		prefix_mask(p);
		pack_id[i] = (uint32_t)(i * 7 + 1);
	}
}

/* The attribute set of a template route. */
static void
pack_template(unsigned af, struct bgp_update *t, uint8_t *buf, size_t size)
{
	struct bgp_codec_opts o = th_opts(true, false);
	size_t n;

	if (af == AF_IDX_IPV4)
		n = th_update(buf, size, "", A_ORIGIN A_PATH4 A_NH A_MED A_COMM
		    A_LARGE, "18 c00002");
	else
		n = th_update(buf, size, "", A_MPREACH A_ORIGIN A_PATH4 A_MED
		    A_COMM A_LARGE, "");
	decode_ok(buf, n, &o, t, NULL);
	/* the packer brings its own prefixes */
	t->attrs.mp_reach.nlri = rbuf_make(buf, 0);
}

START_TEST(test_packer)
{
	const struct pack_case *c = &pack_cases[_i];
	uint8_t tbuf[512];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update t, u;
	struct wbuf w;
	size_t i, off, got = 0, msgs = 0, written = 0, prev_len = 0;
	int rc;

	o.addpath[c->af] = c->addpath;
	o.max_len = c->max_len;
	pack_prefixes(c->af);
	pack_template(c->af, &t, tbuf, sizeof(tbuf));
	bgp_packer_init(&packer, &o, c->af, c->withdraw ? NULL : &t.attrs);
	wbuf_init(&w, pack_out, sizeof(pack_out));
	for (i = 0; i < PACK_N; i++) {
		rc = bgp_packer_add(&packer, &pack_pfx[i], pack_id[i], &w);
		ck_assert_msg(rc == 0 || rc == 1, "add #%zu: %d", i, rc);
		written += (size_t)rc;
	}
	rc = bgp_packer_flush(&packer, &w);
	ck_assert_int_eq(rc, 1);
	written += (size_t)rc;
	ck_assert(!w.overflow);
	ck_assert_int_eq(bgp_packer_flush(&packer, &w), 0);

	for (off = 0; off < w.len; off += load_u16(pack_out + off + 16)) {
		struct bgp_header h;
		struct bgp_err e;
		struct nlri_iter it;
		struct prefix p;
		struct rbuf block;
		uint32_t id;
		size_t first = got;

		ck_assert_uint_ge(w.len - off, BGP_HEADER_LEN);
		bgp_err_clear(&e);
		ck_assert_int_eq(bgp_header_decode(rbuf_make(pack_out + off,
		    w.len - off), c->max_len, &h, &e), 0);
		ck_assert_uint_le(h.len, c->max_len);
		ck_assert_uint_le(h.len, w.len - off);
		ck_assert_uint_eq(h.type, BGP_UPDATE);
		decode_ok(pack_out + off, h.len, &o, &u, NULL);

		if (c->af == AF_IDX_IPV4)
			block = c->withdraw ? u.withdrawn : u.nlri;
		else
			block = c->withdraw ? u.attrs.mp_unreach.nlri :
			    u.attrs.mp_reach.nlri;
		if (c->af == AF_IDX_IPV4 && c->withdraw)
			ck_assert_uint_eq(u.nlri.len, 0);
		if (c->af == AF_IDX_IPV4 && !c->withdraw)
			ck_assert_uint_eq(u.withdrawn.len, 0);
		if (c->af == AF_IDX_IPV6)
			ck_assert_uint_eq(u.nlri.len + u.withdrawn.len, 0);
		if (!c->withdraw) {
			ck_assert(rbuf_equal(u.attrs.as_path,
			    t.attrs.as_path));
			ck_assert_uint_eq(u.attrs.med, 100);
			ck_assert(rbuf_equal(u.attrs.communities,
			    t.attrs.communities));
			ck_assert(rbuf_equal(u.attrs.large_communities,
			    t.attrs.large_communities));
		}
		if (c->af == AF_IDX_IPV6 && !c->withdraw)
			ck_assert_mem_eq(u.attrs.mp_reach.nexthop,
			    t.attrs.mp_reach.nexthop, 16);
		if (c->af == AF_IDX_IPV4 && !c->withdraw)
			ck_assert_mem_eq(u.attrs.next_hop, t.attrs.next_hop,
			    4);

		nlri_iter_init(&it, block, c->af, c->addpath);
		while ((rc = nlri_iter_next(&it, &p, &id)) == 1) {
			ck_assert_uint_lt(got, PACK_N);
			ck_assert_msg(memcmp(&p, &pack_pfx[got],
			    sizeof(p)) == 0, "prefix #%zu differs", got);
			ck_assert_uint_eq(id, c->addpath ? pack_id[got] : 0);
			got++;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_gt(got, first);
		/* as few messages as fit: the previous one had no room
		 * for the first prefix of this one */
		if (msgs > 0)
			ck_assert_msg(prev_len + nlri_entry_len(
			    &pack_pfx[first], c->addpath) > c->max_len,
			    "message %zu of %zu bytes had room", msgs,
			    prev_len);
		prev_len = h.len;
		msgs++;
	}
	ck_assert_uint_eq(off, w.len);
	ck_assert_uint_eq(got, PACK_N);
	ck_assert_uint_eq(msgs, written);
	ck_assert_uint_gt(msgs, 1);
}
END_TEST

/* Attributes that fill the message on their own leave no room. */
START_TEST(test_packer_no_room)
{
	static uint8_t big[4080];
	uint8_t tbuf[512], mem[8192];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update t;
	struct prefix p;
	struct wbuf w;

	pack_template(AF_IDX_IPV4, &t, tbuf, sizeof(tbuf));
	t.attrs.unknown[t.attrs.n_unknown].flags = 0xd0;
	t.attrs.unknown[t.attrs.n_unknown].type = 0xf0;
	t.attrs.unknown[t.attrs.n_unknown].value = rbuf_make(big,
	    sizeof(big));
	t.attrs.n_unknown++;
	bgp_packer_init(&packer, &o, AF_IDX_IPV4, &t.attrs);
	ck_assert_int_eq(prefix_parse("192.0.2.0/24", true, &p), 0);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_packer_add(&packer, &p, 0, &w), -1);
	ck_assert_int_eq(bgp_packer_flush(&packer, &w), 0);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

/* One prefix: one message, the same as encoding the route. */
START_TEST(test_packer_one)
{
	uint8_t tbuf[512], want[512], mem[8192];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update t;
	struct prefix p;
	struct wbuf w;
	size_t wn;

	pack_template(AF_IDX_IPV4, &t, tbuf, sizeof(tbuf));
	bgp_packer_init(&packer, &o, AF_IDX_IPV4, &t.attrs);
	ck_assert_int_eq(prefix_parse("198.18.0.0/15", true, &p), 0);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_packer_add(&packer, &p, 0, &w), 0);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(bgp_packer_flush(&packer, &w), 1);
	wn = th_update(want, sizeof(want), "", A_ORIGIN A_PATH4 A_NH A_MED
	    A_COMM A_LARGE, "0f c612");
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);

	bgp_packer_init(&packer, &o, AF_IDX_IPV4, NULL);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_packer_add(&packer, &p, 0, &w), 0);
	ck_assert_int_eq(bgp_packer_flush(&packer, &w), 1);
	wn = th_update(want, sizeof(want), "0f c612", "", "");
	ck_assert_uint_eq(w.len, wn);
	ck_assert_mem_eq(mem, want, wn);
}
END_TEST

/* Found by fuzz_update: a reserved type 0 attribute sorted first must not
 * stop the canonical walk from writing the unknown ones after it. */
START_TEST(test_round_trip_unknown_type_zero)
{
	uint8_t msg[256], out[256];
	struct bgp_codec_opts o = th_opts(true, true);
	struct bgp_update u, u2;
	struct bgp_err e;
	struct wbuf w;
	size_t n;

	n = th_update(msg, sizeof(msg), "",
	    "40010100 40020602010000fde8 40030464418001 "
	    "c06304deadbeef 80000401020304", "18b8a4e0");
	ck_assert_int_eq(decode(msg, n, &o, &u, &scratch_a, &e),
	    BGP_ACT_ACCEPT);
	ck_assert_uint_eq(u.attrs.n_unknown, 2);
	wbuf_init(&w, out, sizeof(out));
	bgp_update_encode(&w, &u, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_int_eq(decode(out, w.len, &o, &u2, &scratch_b, &e),
	    BGP_ACT_ACCEPT);
	ck_assert_uint_eq(u2.attrs.n_unknown, 2);
	ck_assert(bgp_update_equal(&u, &u2));
}
END_TEST

Suite *update_suite(void)
{
	Suite *s = suite_create("update");
	TCase *tc = tcase_create("decode");
	TCase *te = tcase_create("encode");

	tcase_add_test(tc, test_decode_every_attribute);
	tcase_add_test(tc, test_decode_plain_route);
	tcase_add_test(tc, test_decode_extended_length);
	tcase_add_loop_test(tc, test_decode_as_path, 0, (int)N_PATH);
	tcase_add_test(tc, test_decode_aggregator_6);
	tcase_add_test(tc, test_decode_mp_reach_link_local);
	tcase_add_test(tc, test_keep_family);
	tcase_add_test(tc, test_decode_mp_unreach_only);
	tcase_add_test(tc, test_decode_mp_reach_other_family);
	tcase_add_test(tc, test_decode_unknown_attrs);
	tcase_add_loop_test(tc, test_decode_eor, 0, (int)N_EOR);
	tcase_add_test(tc, test_decode_addpath_ipv4);
	tcase_add_test(tc, test_decode_addpath_ipv6);
	tcase_add_test(tc, test_decode_addpath_per_family);
	tcase_add_loop_test(tc, test_decode_as4_merge, 0, (int)N_AS4);
	tcase_add_test(tc, test_decode_as4_path_view);
	tcase_add_test(tc, test_decode_mp_reach_reserved);
	tcase_add_test(tc, test_decode_mp_reach_ipv4);
	tcase_add_test(tc, test_decode_as_trans_aggregator_alone);
	tcase_add_test(tc, test_decode_huge_old_path);
	tcase_add_test(tc, test_decode_many_unknown);
	tcase_add_test(tc, test_decode_many_discards);
	tcase_add_test(tc, test_decode_partial_bits);
	tcase_add_test(tc, test_round_trip_unknown_type_zero);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(te, test_encode_canonical, 0, (int)N_CANON);
	tcase_add_test(te, test_encode_reorders);
	tcase_add_test(te, test_encode_long_attribute);
	tcase_add_test(te, test_update_not_equal);
	tcase_add_test(te, test_encode_old_speaker);
	tcase_add_test(te, test_encode_old_speaker_small);
	tcase_add_test(te, test_encode_old_speaker_confed);
	tcase_add_test(te, test_encode_too_long);
	tcase_add_test(te, test_pass_through);
	tcase_add_test(te, test_eor_encode);
	tcase_add_loop_test(te, test_packer, 0, (int)N_PACK);
	tcase_add_test(te, test_packer_no_room);
	tcase_add_test(te, test_packer_one);
	suite_add_tcase(s, te);
	return s;
}
