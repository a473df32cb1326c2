/* Session parameters from a pair of OPENs. */
#include <check.h>
#include <string.h>

#include "../../src/bgp/negotiate.h"

/* A PEERING-style OPEN: AS 47065, both families, 4-octet AS. */
static struct bgp_open
make_open(uint32_t id, uint16_t hold)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = 47065;
	o.hold_time = hold;
	o.bgp_id = id;
	o.caps.n_mp = 2;
	o.caps.mp[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1, 0 };
	o.caps.mp[1] = (struct bgp_afi_safi){ BGP_AFI_IPV6, 1, 0 };
	o.caps.as4 = true;
	o.caps.as4_number = 47065;
	o.caps.route_refresh = true;
	return o;
}

static const struct bgp_peer_expect v4_ibgp = { 47065, AF_IDX_IPV4 };

START_TEST(test_negotiate_hold_and_keepalive)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 240);
	struct bgp_session_params p;
	struct bgp_err err;

	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert_uint_eq(p.hold_time, 90);
	ck_assert_uint_eq(p.keepalive, 30);
	ck_assert(p.ibgp);
	ck_assert(p.rx.as4 && p.tx.as4);
	ck_assert(p.rx.ibgp);
	ck_assert_uint_eq(p.rx.max_len, BGP_MAX_LEN);
	ck_assert(p.route_refresh);
	theirs.hold_time = 0;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert_uint_eq(p.hold_time, 0);
	ck_assert_uint_eq(p.keepalive, 0);
}
END_TEST

START_TEST(test_negotiate_as4_needs_both)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;

	theirs.caps.as4 = false;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert(!p.rx.as4);
	ck_assert(!p.tx.as4);
}
END_TEST

START_TEST(test_negotiate_addpath_directions)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;

	ours.caps.n_addpath = 1;
	ours.caps.addpath[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1,
	    BGP_ADDPATH_RECEIVE };
	theirs.caps.n_addpath = 1;
	theirs.caps.addpath[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1,
	    BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE };
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert(p.rx.addpath[AF_IDX_IPV4]);
	ck_assert(!p.tx.addpath[AF_IDX_IPV4]);
	ck_assert(!p.rx.addpath[AF_IDX_IPV6]);
	/* The peer only receives: nothing flows towards us. */
	theirs.caps.addpath[0].flags = BGP_ADDPATH_RECEIVE;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert(!p.rx.addpath[AF_IDX_IPV4]);
}
END_TEST

START_TEST(test_negotiate_extended_message)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;

	ours.caps.ext_message = true;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert_uint_eq(p.rx.max_len, BGP_MAX_LEN);
	theirs.caps.ext_message = true;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert_uint_eq(p.rx.max_len, BGP_EXT_MAX_LEN);
	ck_assert_uint_eq(p.tx.max_len, BGP_EXT_MAX_LEN);
}
END_TEST

START_TEST(test_negotiate_bad_peer_as)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;
	const uint8_t *data;
	size_t len;

	theirs.my_as = 3356;
	theirs.caps.as4_number = 3356;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), -1);
	ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
	ck_assert_uint_eq(err.code, BGP_ERR_OPEN);
	ck_assert_uint_eq(err.subcode, BGP_ERR_OPEN_PEER_AS);
	data = bgp_err_data(&err, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_uint_eq(data[0] << 8 | data[1], 3356);
}
END_TEST

START_TEST(test_negotiate_same_identifier)
{
	struct bgp_open ours = make_open(7, 90), theirs = make_open(7, 90);
	struct bgp_session_params p;
	struct bgp_err err;
	const struct bgp_peer_expect ebgp = { 65001, AF_IDX_IPV4 };

	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_ERR_OPEN_BGPID);
	/* Across ASes the same identifier is allowed (RFC 6286 2.2). */
	theirs.my_as = 65001;
	theirs.caps.as4_number = 65001;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &ebgp, &p, &err), 0);
	ck_assert(!p.ibgp);
}
END_TEST

START_TEST(test_negotiate_missing_family)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;
	const struct bgp_peer_expect v6 = { 47065, AF_IDX_IPV6 };
	const uint8_t *data;
	size_t len;

	theirs.caps.n_mp = 1;	/* IPv4 only */
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v6, &p, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_OPEN);
	ck_assert_uint_eq(err.subcode, BGP_ERR_OPEN_CAPA);
	data = bgp_err_data(&err, &len);
	ck_assert_uint_eq(len, 6);
	ck_assert_uint_eq(data[0], BGP_CAPA_MP);
	ck_assert_uint_eq(data[3], BGP_AFI_IPV6);
	/* No multiprotocol capability at all means IPv4 unicast. */
	theirs.caps.n_mp = 0;
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v6, &p, &err), -1);
}
END_TEST

START_TEST(test_negotiate_graceful_restart)
{
	struct bgp_open ours = make_open(1, 90), theirs = make_open(2, 90);
	struct bgp_session_params p;
	struct bgp_err err;

	theirs.caps.graceful_restart = true;
	theirs.caps.gr_flags = BGP_GR_RESTARTING;
	theirs.caps.gr_time = 120;
	theirs.caps.n_gr = 1;
	theirs.caps.gr[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1,
	    BGP_GR_AF_FORWARDING };
	ck_assert_int_eq(bgp_negotiate(&ours, &theirs, &v4_ibgp, &p, &err), 0);
	ck_assert(p.peer_gr);
	ck_assert(p.peer_gr_restarting);
	ck_assert_uint_eq(p.peer_gr_time, 120);
	ck_assert(p.peer_gr_forwarding);
}
END_TEST

Suite *
negotiate_suite(void)
{
	Suite *s = suite_create("negotiate");
	TCase *tc = tcase_create("negotiate");

	tcase_add_test(tc, test_negotiate_hold_and_keepalive);
	tcase_add_test(tc, test_negotiate_as4_needs_both);
	tcase_add_test(tc, test_negotiate_addpath_directions);
	tcase_add_test(tc, test_negotiate_extended_message);
	tcase_add_test(tc, test_negotiate_bad_peer_as);
	tcase_add_test(tc, test_negotiate_same_identifier);
	tcase_add_test(tc, test_negotiate_missing_family);
	tcase_add_test(tc, test_negotiate_graceful_restart);
	suite_add_tcase(s, tc);
	return s;
}
