/*
 * MRT (RFC 6396, RFC 8050): records written by our encoder read back,
 * hand-made records of the forms other writers use (whole MP_REACH_NLRI
 * in a RIB entry, RIB_GENERIC, multicast, 2-octet BGP4MP), and every
 * truncation refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/aspath.h"
#include "../../src/mrt/mrt.h"
#include "testutil.h"

static uint8_t buf[8192];
static uint8_t scratch[8192];
static struct bgp_attrs attrs, back;

/* An attribute set as a route carries it: ORIGIN, AS_PATH, a community. */
static void
make_attrs(struct bgp_attrs *a, uint8_t *pathbuf, size_t size)
{
	static const uint32_t path[] = { 47065, 3356, 4200000000u };
	static const uint8_t comm[] = { 0xb7, 0xd9, 0x00, 0x01 };
	struct wbuf w;

	wbuf_init(&w, pathbuf, size);
	aspath_encode_seq(&w, path, sizeof(path) / sizeof(path[0]));
	bgp_attrs_init(a);
	a->origin = BGP_ORIGIN_IGP;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);
	a->as_path = rbuf_make(pathbuf, w.len);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);
	a->communities = rbuf_make(comm, sizeof(comm));
	bgp_attr_set(a, BGP_ATTR_COMMUNITIES);
	a->local_pref = 100;
	bgp_attr_set(a, BGP_ATTR_LOCAL_PREF);
}

static struct rbuf
one_record(struct wbuf *w, struct mrt_header *h)
{
	struct rbuf in = rbuf_make(w->p, w->len), body;
	const char *reason;

	ck_assert(!w->overflow);
	ck_assert_int_eq(mrt_record_next(&in, h, &body, &reason), 1);
	ck_assert_uint_eq(in.len, 0);
	return body;
}

START_TEST(test_peer_table_roundtrip)
{
	struct mrt_peer peers[3], p;
	struct mrt_peer_table t;
	struct mrt_header h;
	struct rbuf body, e;
	const char *reason;
	struct wbuf w;
	unsigned n = 0;

	memset(peers, 0, sizeof(peers));
	peers[0].af = AF_IDX_IPV4;
	peers[0].bgp_id = 0x01020304;
	memcpy(peers[0].addr, "\x0a\x00\x00\x01", 4);
	peers[0].as = 47065;
	peers[1].af = AF_IDX_IPV6;
	peers[1].addr[0] = 0x20;
	peers[1].as = 4200000000u;
	peers[2].af = AF_IDX_IPV4;
	peers[2].as = 65000;
	wbuf_init(&w, buf, sizeof(buf));
	mrt_peer_table_encode(&w, 1700000000, 0x0a000001, "peering", peers, 3);
	body = one_record(&w, &h);
	ck_assert_uint_eq(h.time, 1700000000);
	ck_assert_uint_eq(h.type, MRT_TABLE_DUMP_V2);
	ck_assert_uint_eq(h.subtype, MRT_PEER_INDEX_TABLE);
	ck_assert_int_eq(mrt_peer_table_decode(body, &t, &reason), 0);
	ck_assert_uint_eq(t.collector_id, 0x0a000001);
	ck_assert_uint_eq(t.view_name.len, 7);
	ck_assert_uint_eq(t.count, 3);
	e = t.entries;
	while (mrt_peer_next(&e, &p) == 1) {
		ck_assert_uint_eq(p.af, peers[n].af);
		ck_assert_uint_eq(p.as, peers[n].as);
		ck_assert_uint_eq(p.bgp_id, peers[n].bgp_id);
		ck_assert(memcmp(p.addr, peers[n].addr, 16) == 0);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	/* the 4-octet AS bit only where needed */
	ck_assert_uint_eq(t.entries.p[0], 0);
	/* every shorter record is refused */
	for (size_t cut = 0; cut < body.len; cut++)
		ck_assert_int_eq(mrt_peer_table_decode(rbuf_make(body.p, cut),
		    &t, &reason), -1);
}
END_TEST

struct rib_case {
	const char	*name;
	const char	*prefix;
	bool		 addpath;
	unsigned	 nh_len;
	bool		 ll;
	uint16_t	 subtype;
};

static const struct rib_case rib_cases[] = {
	{ "ipv4", "184.164.224.0/24", false, 4, false, MRT_RIB_IPV4_UNICAST },
	{ "ipv4 add-path", "184.164.224.0/24", true, 4, false,
	    MRT_RIB_IPV4_UNICAST_ADDPATH },
	{ "ipv4 rfc 8950", "10.0.0.0/8", false, 16, false,
	    MRT_RIB_IPV4_UNICAST },
	{ "ipv6", "2804:269c::/42", false, 16, false, MRT_RIB_IPV6_UNICAST },
	{ "ipv6 link-local add-path", "2001:db8::/32", true, 16, true,
	    MRT_RIB_IPV6_UNICAST_ADDPATH },
};

START_TEST(test_rib_roundtrip)
{
	const struct rib_case *c = &rib_cases[_i];
	static const uint8_t nh[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t nh_ll[16] = { 0xfe, 0x80, [15] = 2 };
	uint8_t pathbuf[64];
	struct mrt_rib_writer rw;
	struct mrt_rib_entry e;
	struct mrt_header h;
	struct mrt_rib r;
	struct prefix p;
	struct bgp_err err;
	const char *reason;
	struct rbuf body, entries;
	struct wbuf w;
	unsigned n = 0;

	ck_assert_int_eq(prefix_parse(c->prefix, true, &p), 0);
	make_attrs(&attrs, pathbuf, sizeof(pathbuf));
	wbuf_init(&w, buf, sizeof(buf));
	mrt_rib_begin(&w, &rw, 1700000001, 7, &p, c->addpath);
	for (uint32_t id = 1; id <= 3; id++)
		mrt_rib_entry_put(&w, &rw, (uint16_t)(id - 1), 1690000000 + id,
		    id * 10, &attrs, c->nh_len == 4 ?
		    (const uint8_t *)"\x0a\x00\x00\x01" : nh, c->nh_len,
		    c->ll ? nh_ll : NULL);
	mrt_rib_end(&w, &rw);
	body = one_record(&w, &h);
	ck_assert_uint_eq(h.subtype, c->subtype);
	ck_assert_int_eq(mrt_rib_decode(h.subtype, body, &r, &reason), 0);
	ck_assert_uint_eq(r.seq, 7);
	ck_assert(r.has_prefix && prefix_equal(&r.prefix, &p));
	ck_assert_uint_eq(r.count, 3);
	ck_assert_int_eq(r.addpath, c->addpath);
	entries = r.entries;
	while (mrt_rib_entry_next(&entries, r.addpath, &e) == 1) {
		n++;
		ck_assert_uint_eq(e.peer_index, n - 1);
		ck_assert_uint_eq(e.originated, 1690000000 + n);
		ck_assert_uint_eq(e.path_id, c->addpath ? n * 10 : 0);
		ck_assert_int_eq(mrt_rib_attrs_decode(e.attrs, r.afi, r.safi,
		    &back, scratch, sizeof(scratch), &err), BGP_ACT_ACCEPT);
		ck_assert(rbuf_equal(back.as_path, attrs.as_path));
		ck_assert(rbuf_equal(back.communities, attrs.communities));
		ck_assert_uint_eq(back.local_pref, 100);
		if (c->nh_len == 4) {
			ck_assert(bgp_attr_has(&back, BGP_ATTR_NEXT_HOP));
			ck_assert(memcmp(back.next_hop, "\x0a\0\0\x01", 4) == 0);
			ck_assert(!bgp_attr_has(&back, BGP_ATTR_MP_REACH));
			continue;
		}
		ck_assert(bgp_attr_has(&back, BGP_ATTR_MP_REACH));
		ck_assert_uint_eq(back.mp_reach.nh_len, c->ll ? 32 : 16);
		ck_assert_uint_eq(back.mp_reach.afi, r.afi);
		ck_assert(memcmp(back.mp_reach.nexthop, nh, 16) == 0);
		if (c->ll)
			ck_assert(memcmp(back.mp_reach.nexthop_ll, nh_ll,
			    16) == 0);
	}
	ck_assert_uint_eq(n, 3);
	for (size_t cut = 0; cut < body.len; cut++)
		ck_assert_int_eq(mrt_rib_decode(h.subtype,
		    rbuf_make(body.p, cut), &r, &reason), -1);
}
END_TEST

/* RFC 6396 4.3.4 says abbreviated; some writers put MP_REACH_NLRI whole,
 * and RIB_GENERIC carries its own family. Both read the same. */
START_TEST(test_rib_other_forms)
{
	uint8_t rec[256];
	struct mrt_rib r;
	struct mrt_rib_entry e;
	struct bgp_err err;
	const char *reason;
	size_t n;
	/* RIB_IPV6_UNICAST, seq 1, 2001:db8::/32, one entry: peer 0, time 0,
	 * MP_REACH whole (afi 2 safi 1, nh 16, reserved, no NLRI) + ORIGIN */
	n = th_hex("00000001 20 20010db8 0001 0000 00000000 001c"
	    "800e 15 0002 01 10 20010db8000000000000000000000009 00"
	    "400101 00", rec, sizeof(rec));
	ck_assert_int_eq(mrt_rib_decode(MRT_RIB_IPV6_UNICAST,
	    rbuf_make(rec, n), &r, &reason), 0);
	ck_assert_int_eq(mrt_rib_entry_next(&r.entries, false, &e), 1);
	ck_assert_int_eq(mrt_rib_attrs_decode(e.attrs, r.afi, r.safi, &back,
	    scratch, sizeof(scratch), &err), BGP_ACT_ACCEPT);
	ck_assert_uint_eq(back.mp_reach.nh_len, 16);
	ck_assert_uint_eq(back.mp_reach.nexthop[15], 9);
	ck_assert_uint_eq(back.origin, 0);

	/* RIB_GENERIC_ADDPATH, IPv4 multicast 232.1.0.0/16, path id 5 */
	n = th_hex("00000002 0001 02 10 e801 0001 0003 00000000 00000005 0007"
	    "400101 02 400200", rec, sizeof(rec));
	ck_assert_int_eq(mrt_rib_decode(MRT_RIB_GENERIC_ADDPATH,
	    rbuf_make(rec, n), &r, &reason), 0);
	ck_assert_uint_eq(r.afi, 1);
	ck_assert_uint_eq(r.safi, 2);
	ck_assert_uint_eq(r.prefix.len, 16);
	ck_assert_uint_eq(r.prefix.addr[0], 232);
	ck_assert_int_eq(mrt_rib_entry_next(&r.entries, r.addpath, &e), 1);
	ck_assert_uint_eq(e.peer_index, 3);
	ck_assert_uint_eq(e.path_id, 5);
	ck_assert_int_eq(mrt_rib_attrs_decode(e.attrs, r.afi, r.safi, &back,
	    scratch, sizeof(scratch), &err), BGP_ACT_ACCEPT);
	ck_assert_uint_eq(back.origin, 2);

	/* RIB_GENERIC of a family we do not know: NLRI left raw */
	n = th_hex("00000003 0019 46 0102 0304", rec, sizeof(rec));
	ck_assert_int_eq(mrt_rib_decode(MRT_RIB_GENERIC, rbuf_make(rec, n),
	    &r, &reason), 0);
	ck_assert(!r.has_prefix);
	ck_assert_uint_eq(r.nlri.len, 4);

	/* prefix longer than its family */
	n = th_hex("00000001 21 0a000000 00 0000", rec, sizeof(rec));
	ck_assert_int_eq(mrt_rib_decode(MRT_RIB_IPV4_UNICAST,
	    rbuf_make(rec, n), &r, &reason), -1);
	/* an attribute overrunning its block: the codec's verdict */
	n = th_hex("00000001 08 0a 0001 0000 00000000 0003 400105", rec,
	    sizeof(rec));
	ck_assert_int_eq(mrt_rib_decode(MRT_RIB_IPV4_UNICAST,
	    rbuf_make(rec, n), &r, &reason), 0);
	ck_assert_int_eq(mrt_rib_entry_next(&r.entries, false, &e), 1);
	ck_assert_int_ne(mrt_rib_attrs_decode(e.attrs, r.afi, r.safi, &back,
	    scratch, sizeof(scratch), &err), BGP_ACT_ACCEPT);
}
END_TEST

START_TEST(test_bgp4mp_roundtrip)
{
	uint8_t msg[64];
	struct mrt_bgp4mp m, d;
	struct mrt_header h;
	struct bgp_codec_opts o;
	const char *reason;
	struct rbuf body;
	struct wbuf w;
	size_t mlen = th_msg(msg, sizeof(msg), BGP_KEEPALIVE, "");

	for (unsigned flags = 0; flags < 16; flags++) {
		memset(&m, 0, sizeof(m));
		m.as4 = flags & 1;
		m.addpath = (flags >> 1) & 1;
		m.local = (flags >> 2) & 1;
		m.afi = (flags >> 3) & 1 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
		m.peer_as = 65001;
		m.local_as = 47065;
		m.ifindex = 3;
		m.peer_ip[0] = 10;
		m.local_ip[0] = 11;
		m.msg = rbuf_make(msg, mlen);
		wbuf_init(&w, buf, sizeof(buf));
		mrt_bgp4mp_encode(&w, 1700000002, 123456, true, &m);
		body = one_record(&w, &h);
		ck_assert_uint_eq(h.type, MRT_BGP4MP_ET);
		ck_assert_uint_eq(h.usec, 123456);
		ck_assert_uint_eq(h.length, body.len + 4);
		ck_assert_int_eq(mrt_bgp4mp_decode(h.subtype, body, &d,
		    &reason), 0);
		ck_assert_int_eq(d.as4, m.as4);
		ck_assert_int_eq(d.addpath, m.addpath);
		ck_assert_int_eq(d.local, m.local);
		ck_assert_uint_eq(d.afi, m.afi);
		ck_assert_uint_eq(d.peer_as, 65001);
		ck_assert_uint_eq(d.local_as, 47065);
		ck_assert_uint_eq(d.peer_ip[0], 10);
		ck_assert_uint_eq(d.local_ip[0], 11);
		ck_assert(rbuf_equal(d.msg, m.msg));
		mrt_bgp4mp_codec_opts(&d, &o);
		ck_assert_int_eq(o.addpath[AF_IDX_IPV6], m.addpath);
		ck_assert(o.ext_nexthop && o.as4 == m.as4);
		for (size_t cut = 0; cut < (m.as4 ? 12u : 8u) +
		    (m.afi == 2 ? 32u : 8u); cut++)
			ck_assert_int_eq(mrt_bgp4mp_decode(h.subtype,
			    rbuf_make(body.p, cut), &d, &reason), -1);
	}
	/* a state change, 2-octet form, plain BGP4MP (no microseconds) */
	memset(&m, 0, sizeof(m));
	m.state_change = true;
	m.afi = BGP_AFI_IPV4;
	m.peer_as = 65001;
	m.old_state = 5;
	m.new_state = 6;
	wbuf_init(&w, buf, sizeof(buf));
	mrt_bgp4mp_encode(&w, 1, 999, false, &m);
	body = one_record(&w, &h);
	ck_assert_uint_eq(h.subtype, MRT_BGP4MP_STATE_CHANGE);
	ck_assert_uint_eq(h.usec, 0);
	ck_assert_int_eq(mrt_bgp4mp_decode(h.subtype, body, &d, &reason), 0);
	ck_assert(d.state_change);
	ck_assert_uint_eq(d.new_state, 6);
	ck_assert_str_eq(mrt_state_name(d.new_state), "Established");
	ck_assert_int_eq(mrt_bgp4mp_decode(2, body, &d, &reason), -1);
}
END_TEST

/* RFC 8950: an IPv4 route with an IPv6 next hop, decoded as a tool asks. */
START_TEST(test_bgp4mp_rfc8950)
{
	uint8_t msg[256];
	struct bgp_codec_opts o;
	struct mrt_bgp4mp m;
	struct bgp_update u;
	struct bgp_err err;
	size_t n = th_update(msg, sizeof(msg), "",
	    "400101 00 400200 800e 19 0001 01 10 "
	    "20010db8000000000000000000000001 00 18 c00002", "");

	memset(&m, 0, sizeof(m));
	m.as4 = true;
	mrt_bgp4mp_codec_opts(&m, &o);
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(msg, n), &o, &u, NULL,
	    &err), BGP_ACT_ACCEPT);
	ck_assert_uint_eq(u.attrs.mp_reach.nh_len, 16);
	ck_assert_uint_eq(u.attrs.mp_reach.nexthop[0], 0x20);
	/* a session that did not negotiate it still refuses it */
	o.ext_nexthop = false;
	bgp_err_clear(&err);
	ck_assert_int_ne(bgp_update_decode(rbuf_make(msg, n), &o, &u, NULL,
	    &err), BGP_ACT_ACCEPT);
}
END_TEST

/* TABLE_DUMP (RFC 6396 4.2): 2-octet ASes, AS4_PATH merged; every
 * shorter entry refused; host bits past the length cleared. */
START_TEST(test_table_dump)
{
	static uint8_t msg[BGP_EXT_MAX_LEN], big[BGP_EXT_MAX_LEN];
	static struct bgp_scratch scr;
	static struct bgp_update u;
	uint8_t rec[128];
	struct mrt_table_dump t;
	struct bgp_err err;
	const char *reason;
	size_t n = th_hex("0000 0007 b8a4e0ff 18 01 6553f100 0a000002 fde9 0021"
	    "40010100 4002060202fde95ba0 4003040a000002"
	    "c0110a02020000fde9fa56ea00", rec, sizeof(rec));

	ck_assert_int_eq(mrt_table_dump_decode(1, rbuf_make(rec, n), &t,
	    &reason), 0);
	ck_assert_uint_eq(t.seq, 7);
	ck_assert_uint_eq(t.prefix.len, 24);
	ck_assert_uint_eq(t.prefix.addr[3], 0);
	ck_assert_uint_eq(t.peer_as, 65001);
	ck_assert_uint_eq(t.originated, 1700000000);
	ck_assert_int_eq(mrt_table_dump_attrs_decode(t.attrs, &u, msg,
	    sizeof(msg), &scr, &err), BGP_ACT_ACCEPT);
	ck_assert_uint_eq(aspath_length(u.attrs.as_path), 2);
	ck_assert_uint_eq(aspath_origin_as(u.attrs.as_path), 4200000000u);
	for (size_t cut = 0; cut < n; cut++)
		ck_assert_int_eq(mrt_table_dump_decode(1, rbuf_make(rec, cut),
		    &t, &reason), -1);
	ck_assert_int_eq(mrt_table_dump_decode(3, rbuf_make(rec, n), &t,
	    &reason), -1);
	/* a prefix longer than its family */
	rec[8] = 33;
	ck_assert_int_eq(mrt_table_dump_decode(1, rbuf_make(rec, n), &t,
	    &reason), -1);
	/* attributes too long for one message */
	ck_assert_int_eq(mrt_table_dump_attrs_decode(rbuf_make(big, 65520),
	    &u, msg, sizeof(msg), &scr, &err), BGP_ACT_SESSION_RESET);
}
END_TEST

START_TEST(test_record_framing)
{
	uint8_t rec[64];
	struct mrt_header h;
	struct rbuf in, body;
	const char *reason;
	size_t n;

	/* BGP4MP_ET with 4 bytes: only the microseconds */
	n = th_hex("00000001 0011 0004 00000004 000f4240"
	    "00000002 000d 0001 00000000", rec, sizeof(rec));
	in = rbuf_make(rec, n);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), 1);
	ck_assert_uint_eq(h.usec, 1000000);
	ck_assert_uint_eq(body.len, 0);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), 1);
	ck_assert_uint_eq(h.type, MRT_TABLE_DUMP_V2);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), 0);
	/* truncated header, truncated body, ET without its microseconds,
	 * a length past the limit */
	in = rbuf_make(rec, 11);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), -1);
	ck_assert_uint_eq(in.len, 11);
	in = rbuf_make(rec, 15);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), -1);
	n = th_hex("00000001 0011 0004 00000002 0000", rec, sizeof(rec));
	in = rbuf_make(rec, n);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), -1);
	n = th_hex("00000001 000d 0001 7fffffff", rec, sizeof(rec));
	in = rbuf_make(rec, n);
	ck_assert_int_eq(mrt_record_next(&in, &h, &body, &reason), -1);
	ck_assert_str_eq(mrt_subtype_name(MRT_TABLE_DUMP_V2, 10),
	    "RIB_IPV6_UNICAST_ADDPATH");
	ck_assert_str_eq(mrt_subtype_name(MRT_BGP4MP_ET, 9),
	    "MESSAGE_AS4_ADDPATH");
	ck_assert_str_eq(mrt_subtype_name(MRT_BGP4MP, 99), "unknown");
}
END_TEST

Suite *
mrt_suite(void)
{
	Suite *s = suite_create("mrt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_peer_table_roundtrip);
	tcase_add_loop_test(tc, test_rib_roundtrip, 0,
	    sizeof(rib_cases) / sizeof(rib_cases[0]));
	tcase_add_test(tc, test_rib_other_forms);
	tcase_add_test(tc, test_bgp4mp_roundtrip);
	tcase_add_test(tc, test_bgp4mp_rfc8950);
	tcase_add_test(tc, test_table_dump);
	tcase_add_test(tc, test_record_framing);
	suite_add_tcase(s, tc);
	return s;
}
