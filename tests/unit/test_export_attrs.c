/*
 * What each kind of session hears of an announcement (export_attrs): an
 * iBGP mux the path as the flags build it with LOCAL_PREF 100; an eBGP
 * neighbour our AS in front (RFC 4271 5.1.2) and no LOCAL_PREF (5.1.5);
 * both ORIGIN IGP, the communities, and the next hop given. Each case is
 * encoded into an UPDATE by the packer and decoded back.
 */
#include <check.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/format.h"
#include "../../src/bgp/nlri.h"
#include "../../src/announce/export_attrs.h"
#include "testutil.h"
#include "th_ann.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct export_case {
	const char	*what;
	const char	*request;	/* announce ... (control words) */
	unsigned	 af;
	bool		 ibgp;
	uint32_t	 local_as;
	const char	*nh;
	const char	*path;		/* as the session hears it */
	const char	*comm;		/* "" for none */
	const char	*large;
} cases[] = {
	{ "iBGP mux, no flags", "announce 184.164.224.0/24", AF_IDX_IPV4,
	    true, 47065, "100.65.128.2", "", "", "" },
	{ "iBGP mux, poison and communities",
	    "announce 184.164.224.0/24 poison 3356 community 47065:1 "
	    "large 47065:1:2", AF_IDX_IPV4, true, 47065, "100.65.128.2",
	    "3356 47065", "(47065,1)", "(47065, 1, 2)" },
	{ "eBGP neighbour, no flags", "announce 184.164.224.0/24",
	    AF_IDX_IPV4, false, 47065, "10.9.0.1", "47065", "", "" },
	{ "eBGP neighbour, origin and poison",
	    "announce 184.164.224.0/24 origin 61574 poison 3356",
	    AF_IDX_IPV4, false, 47065, "10.9.0.1",
	    "47065 61574 3356 61574", "", "" },
	{ "eBGP neighbour, another local AS, prepend",
	    "announce 184.164.224.0/24 prepend 2", AF_IDX_IPV4, false,
	    4200000000u, "10.9.0.1", "4200000000 47065 47065", "", "" },
	{ "eBGP neighbour, IPv6", "announce 2804:269c:1::/48 community 1:2",
	    AF_IDX_IPV6, false, 47065, "2001:db8::1", "47065", "(1,2)", "" },
	{ "iBGP mux, IPv6", "announce 2804:269c:1::/48", AF_IDX_IPV6, true,
	    47065, "2804:269c:ff00:1:1::2", "", "", "" },
};

/* Encoded by the packer as the session would send it, decoded back. */
static void
round_trip(const struct bgp_attrs *a, const struct export_case *c,
    struct bgp_update *u)
{
	static uint8_t msg[BGP_MAX_LEN];
	struct bgp_codec_opts o = { .as4 = true, .ibgp = c->ibgp,
	    .max_len = BGP_MAX_LEN };
	struct ann_request r = th_ann_request(c->request);
	struct bgp_packer pk;
	struct bgp_err e;
	struct wbuf w;

	wbuf_init(&w, msg, sizeof(msg));
	bgp_packer_init(&pk, &o, c->af, a);
	ck_assert_int_eq(bgp_packer_add(&pk, &r.prefix, 0, &w), 0);
	ck_assert_int_eq(bgp_packer_flush(&pk, &w), 1);
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(msg, w.len), &o, u, NULL,
	    &e), BGP_ACT_ACCEPT);
}

START_TEST(test_export_attrs)
{
	const struct export_case *c = &cases[_i];
	struct export_peer peer = { c->af, c->ibgp, c->local_as };
	struct ann_request r = th_ann_request(c->request);
	static struct export_bufs bufs;
	struct bgp_update u;
	struct bgp_attrs a;
	struct prefix nh;
	char text[256];

	ck_assert_int_eq(addr_parse(c->nh, &nh), 0);
	export_attrs(&r.attrs, &peer, &nh, &bufs, &a);
	round_trip(&a, c, &u);
	ck_assert_msg(bgp_attr_has(&u.attrs, BGP_ATTR_ORIGIN) &&
	    u.attrs.origin == BGP_ORIGIN_IGP, "%s: ORIGIN", c->what);
	bgp_format_aspath(u.attrs.as_path, text, sizeof(text));
	ck_assert_msg(strcmp(text, c->path) == 0, "%s: path '%s', want '%s'",
	    c->what, text, c->path);
	ck_assert_msg(bgp_attr_has(&u.attrs, BGP_ATTR_LOCAL_PREF) == c->ibgp,
	    "%s: LOCAL_PREF %s", c->what, c->ibgp ? "missing" : "sent");
	if (c->ibgp)
		ck_assert_uint_eq(u.attrs.local_pref, EXPORT_LOCAL_PREF);
	ck_assert(!bgp_attr_has(&u.attrs, BGP_ATTR_MED));
	text[0] = '\0';
	if (bgp_attr_has(&u.attrs, BGP_ATTR_COMMUNITIES))
		bgp_format_communities(u.attrs.communities, text, sizeof(text));
	ck_assert_str_eq(text, c->comm);
	text[0] = '\0';
	if (bgp_attr_has(&u.attrs, BGP_ATTR_LARGE_COMMUNITIES))
		bgp_format_large_communities(u.attrs.large_communities, text,
		    sizeof(text));
	ck_assert_str_eq(text, c->large);
	if (c->af == AF_IDX_IPV4) {
		ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_NEXT_HOP));
		ck_assert_mem_eq(u.attrs.next_hop, nh.addr, 4);
	} else {
		ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MP_REACH));
		ck_assert_uint_eq(u.attrs.mp_reach.nh_len, 16);
		ck_assert_mem_eq(u.attrs.mp_reach.nexthop, nh.addr, 16);
	}
}
END_TEST

/* The path never runs past the room it is given. */
START_TEST(test_export_aspath_bounded)
{
	struct ann_request r = th_ann_request("announce 184.164.224.0/24 prepend 3");
	struct export_peer ebgp = { AF_IDX_IPV4, false, 65001 };
	struct export_peer ibgp = { AF_IDX_IPV4, true, 47065 };
	uint32_t as[4] = { 0, 0, 0, 7 };

	ck_assert_uint_eq(export_aspath(&r.attrs, &ebgp, as, 3), 3);
	ck_assert_uint_eq(as[0], 65001);
	ck_assert_uint_eq(as[2], 47065);
	ck_assert_uint_eq(as[3], 7);
	ck_assert_uint_eq(export_aspath(&r.attrs, &ebgp, as, 0), 0);
	ck_assert_uint_eq(export_aspath(&r.attrs, &ibgp, as, 4), 3);
	ck_assert_uint_eq(as[0], 47065);
}
END_TEST

Suite *
export_attrs_suite(void)
{
	Suite *s = suite_create("export_attrs");
	TCase *tc = tcase_create("attrs");

	tcase_add_loop_test(tc, test_export_attrs, 0, (int)NELEM(cases));
	tcase_add_test(tc, test_export_aspath_bounded);
	suite_add_tcase(s, tc);
	return s;
}
