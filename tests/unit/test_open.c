/*
 * OPEN and capabilities (RFC 4271 4.2 and 6.2, RFC 5492, RFC 4760,
 * RFC 2918, RFC 6793, RFC 7911, RFC 4724, RFC 8654, RFC 7313, RFC 9072).
 * The capability bytes are written from those RFCs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/msg.h"
#include "testutil.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

/* version 4, AS 65000, hold 180, BGP identifier 192.0.2.1 */
#define FIXED		"04 fde8 00b4 c0000201 "

/* One capability each: code, length, value. */
#define CAP_MP4		"01 04 0001 00 01 "
#define CAP_MP6		"01 04 0002 00 01 "
#define CAP_MP4MC	"01 04 0001 00 02 "	/* multicast: not ours */
#define CAP_RR		"02 00 "
#define CAP_ERR		"46 00 "
#define CAP_EXTMSG	"06 00 "
#define CAP_AS4		"41 04 fa56ea00 "	/* AS 4200000000 */
/* IPv4 unicast send+receive, IPv6 unicast receive */
#define CAP_ADDPATH	"45 08 0001 01 03 0002 01 01 "
/* R bit, 120 s; IPv4 unicast with F bit, IPv6 unicast without */
#define CAP_GR		"40 0a 8078 0001 01 80 0002 01 00 "
#define CAP_UNK1	"f0 00 "
#define CAP_UNK2	"f1 03 aabbcc "

/* An OPEN whose optional parameters length is computed here. */
static size_t
open_make(uint8_t *buf, size_t size, const char *fixed, const char *params)
{
	size_t n, p;

	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[18] = BGP_OPEN;
	n = BGP_HEADER_LEN + th_hex(fixed, buf + BGP_HEADER_LEN,
	    size - BGP_HEADER_LEN);
	ck_assert_uint_eq(n, BGP_HEADER_LEN + 9);
	p = th_hex(params, buf + n + 1, size - n - 1);
	ck_assert_uint_lt(p, 255);
	buf[n] = (uint8_t)p;
	n += 1 + p;
	th_put16(buf + BGP_MARKER_LEN, n);
	return n;
}

static bool
has_mp(const struct bgp_caps *c, uint16_t afi, uint8_t safi)
{
	unsigned i;

	for (i = 0; i < c->n_mp; i++)
		if (c->mp[i].afi == afi && c->mp[i].safi == safi)
			return true;
	return false;
}

static const struct bgp_capa_raw *
find_unknown(const struct bgp_caps *c, uint8_t code)
{
	unsigned i;

	for (i = 0; i < c->n_unknown; i++)
		if (c->unknown[i].code == code)
			return &c->unknown[i];
	return NULL;
}

static const struct bgp_afi_safi *
find_af(const struct bgp_afi_safi *v, unsigned n, uint16_t afi, uint8_t safi)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i].afi == afi && v[i].safi == safi)
			return &v[i];
	return NULL;
}

static void
decode_ok(const uint8_t *buf, size_t len, struct bgp_open *o)
{
	struct bgp_err err;
	int rc;

	bgp_err_clear(&err);
	memset(o, 0, sizeof(*o));
	rc = bgp_open_decode(rbuf_make(buf, len), o, &err);
	ck_assert_msg(rc == 0, "decode failed: %u/%u %s", err.code,
	    err.subcode, err.reason != NULL ? err.reason : "");
}

/* Every capability we know, and two we do not, in one parameter. */
static void
check_all_caps(const struct bgp_open *o)
{
	const struct bgp_caps *c = &o->caps;
	const struct bgp_afi_safi *af;
	const struct bgp_capa_raw *u;

	ck_assert_uint_eq(o->version, 4);
	ck_assert_uint_eq(o->my_as, 65000);
	ck_assert_uint_eq(o->hold_time, 180);
	ck_assert_uint_eq(o->bgp_id, 0xc0000201);

	ck_assert_uint_eq(c->n_mp, 3);
	ck_assert(has_mp(c, BGP_AFI_IPV4, BGP_SAFI_UNICAST));
	ck_assert(has_mp(c, BGP_AFI_IPV6, BGP_SAFI_UNICAST));
	ck_assert(has_mp(c, BGP_AFI_IPV4, 2));
	ck_assert(bgp_caps_has_mp(c, AF_IDX_IPV4));
	ck_assert(bgp_caps_has_mp(c, AF_IDX_IPV6));

	ck_assert(c->route_refresh);
	ck_assert(c->enhanced_route_refresh);
	ck_assert(c->ext_message);
	ck_assert(c->as4);
	ck_assert_uint_eq(c->as4_number, 4200000000u);

	ck_assert_uint_eq(c->n_addpath, 2);
	af = find_af(c->addpath, c->n_addpath, BGP_AFI_IPV4, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags, BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE);
	af = find_af(c->addpath, c->n_addpath, BGP_AFI_IPV6, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags, BGP_ADDPATH_RECEIVE);
	ck_assert_uint_eq(bgp_caps_addpath(c, AF_IDX_IPV4), 3);
	ck_assert_uint_eq(bgp_caps_addpath(c, AF_IDX_IPV6), 1);

	ck_assert(c->graceful_restart);
	ck_assert_uint_eq(c->gr_flags, BGP_GR_RESTARTING);
	ck_assert_uint_eq(c->gr_time, 120);
	ck_assert_uint_eq(c->n_gr, 2);
	af = find_af(c->gr, c->n_gr, BGP_AFI_IPV4, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags & BGP_GR_AF_FORWARDING,
	    BGP_GR_AF_FORWARDING);
	af = find_af(c->gr, c->n_gr, BGP_AFI_IPV6, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags & BGP_GR_AF_FORWARDING, 0);

	ck_assert_uint_eq(c->n_unknown, 2);
	u = find_unknown(c, 0xf0);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->value.len, 0);
	u = find_unknown(c, 0xf1);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->value.len, 3);
	ck_assert_mem_eq(u->value.p, "\xaa\xbb\xcc", 3);

	ck_assert_uint_eq(bgp_open_peer_as(o), 4200000000u);
}

START_TEST(test_open_caps_one_param)
{
	uint8_t buf[256];
	struct bgp_open o;
	size_t n;

	/* 59 bytes of capabilities in one parameter */
	n = open_make(buf, sizeof(buf), FIXED, "02 3b" CAP_MP4 CAP_MP6
	    CAP_MP4MC CAP_RR CAP_ERR CAP_EXTMSG CAP_AS4 CAP_ADDPATH CAP_GR
	    CAP_UNK1 CAP_UNK2);
	decode_ok(buf, n, &o);
	check_all_caps(&o);
}
END_TEST

START_TEST(test_open_caps_many_params)
{
	uint8_t buf[256];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), FIXED,
	    "02 06" CAP_MP4 "02 06" CAP_MP6 "02 06" CAP_MP4MC
	    "02 02" CAP_RR "02 02" CAP_ERR "02 02" CAP_EXTMSG
	    "02 06" CAP_AS4 "02 0a" CAP_ADDPATH "02 0c" CAP_GR
	    "02 02" CAP_UNK1 "02 05" CAP_UNK2);
	decode_ok(buf, n, &o);
	check_all_caps(&o);
}
END_TEST

/* Some parameters with one capability, one with several. */
START_TEST(test_open_caps_mixed_params)
{
	uint8_t buf[256];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), FIXED,
	    "02 12" CAP_MP4 CAP_MP6 CAP_MP4MC "02 06" CAP_RR CAP_ERR
	    CAP_EXTMSG "02 06" CAP_AS4 "02 16" CAP_ADDPATH CAP_GR
	    "02 07" CAP_UNK1 CAP_UNK2);
	decode_ok(buf, n, &o);
	check_all_caps(&o);
}
END_TEST

START_TEST(test_open_no_params)
{
	uint8_t buf[64];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), "04 fde9 0000 0a000001", "");
	ck_assert_uint_eq(n, BGP_OPEN_MIN_LEN);
	decode_ok(buf, n, &o);
	ck_assert_uint_eq(o.my_as, 65001);
	ck_assert_uint_eq(o.hold_time, 0);	/* 0 is allowed */
	ck_assert_uint_eq(o.bgp_id, 0x0a000001);
	ck_assert_uint_eq(o.caps.n_mp, 0);
	ck_assert(!o.caps.as4);
	ck_assert(!o.caps.route_refresh);
	ck_assert(!o.caps.graceful_restart);
	ck_assert_uint_eq(o.caps.n_unknown, 0);
	ck_assert(!bgp_caps_has_mp(&o.caps, AF_IDX_IPV4));
	ck_assert_uint_eq(bgp_caps_addpath(&o.caps, AF_IDX_IPV4), 0);
	/* without the capability the header's AS is the real one */
	ck_assert_uint_eq(bgp_open_peer_as(&o), 65001);
}
END_TEST

START_TEST(test_open_hold_3)
{
	uint8_t buf[64];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), "04 fde9 0003 0a000001", "");
	decode_ok(buf, n, &o);
	ck_assert_uint_eq(o.hold_time, 3);
}
END_TEST

/* RFC 6793: a 4-byte AS in the header as AS_TRANS. */
START_TEST(test_open_as_trans)
{
	uint8_t buf[64];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), "04 5ba0 005a c0000202",
	    "02 06" CAP_AS4);
	decode_ok(buf, n, &o);
	ck_assert_uint_eq(o.my_as, BGP_AS_TRANS);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_number, 4200000000u);
	ck_assert_uint_eq(bgp_open_peer_as(&o), 4200000000u);
}
END_TEST

/* Graceful restart: R and N bits, the largest time, no families. */
START_TEST(test_open_gr_flags)
{
	uint8_t buf[64];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), FIXED, "02 04 40 02 cfff");
	decode_ok(buf, n, &o);
	ck_assert(o.caps.graceful_restart);
	ck_assert_uint_eq(o.caps.gr_flags,
	    BGP_GR_RESTARTING | BGP_GR_NOTIFICATION);
	ck_assert_uint_eq(o.caps.gr_time, 4095);
	ck_assert_uint_eq(o.caps.n_gr, 0);
}
END_TEST

/* ADD-PATH send only for IPv6. */
START_TEST(test_open_addpath_send)
{
	uint8_t buf[64];
	struct bgp_open o;
	size_t n;

	n = open_make(buf, sizeof(buf), FIXED, "02 06 45 04 0002 01 02");
	decode_ok(buf, n, &o);
	ck_assert_uint_eq(o.caps.n_addpath, 1);
	ck_assert_uint_eq(bgp_caps_addpath(&o.caps, AF_IDX_IPV6),
	    BGP_ADDPATH_SEND);
	ck_assert_uint_eq(bgp_caps_addpath(&o.caps, AF_IDX_IPV4), 0);
}
END_TEST

/* RFC 9072: extended optional parameters, two-byte lengths. */
START_TEST(test_open_ext_params)
{
	uint8_t buf[256];
	struct bgp_open o;
	size_t n;

	n = th_msg(buf, sizeof(buf), BGP_OPEN, FIXED
	    "ff ff 000f 02 000c" CAP_MP4 CAP_AS4);
	decode_ok(buf, n, &o);
	ck_assert_uint_eq(o.caps.n_mp, 1);
	ck_assert(has_mp(&o.caps, BGP_AFI_IPV4, 1));
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_number, 4200000000u);

	n = th_msg(buf, sizeof(buf), BGP_OPEN, FIXED
	    "ff ff 0014 02 0006" CAP_MP6 "02 0008" CAP_RR CAP_AS4);
	decode_ok(buf, n, &o);
	ck_assert(has_mp(&o.caps, BGP_AFI_IPV6, 1));
	ck_assert(o.caps.route_refresh);
	ck_assert(o.caps.as4);
}
END_TEST

/* RFC 9072 for what it is for: more than 255 bytes of parameters. */
START_TEST(test_open_ext_params_large)
{
	uint8_t buf[1024], cap[256];
	struct bgp_open o;
	struct wbuf w;
	size_t start, lenpos, plen, caps_at, i;
	const struct bgp_capa_raw *u;
	struct bgp_err err;

	for (i = 0; i < sizeof(cap); i++)
		cap[i] = (uint8_t)i;
	wbuf_init(&w, buf, sizeof(buf));
	start = bgp_msg_start(&w, BGP_OPEN);
	wbuf_put_u8(&w, 4);
	wbuf_put_u16(&w, 65000);
	wbuf_put_u16(&w, 180);
	wbuf_put_u32(&w, 0xc0000201);
	wbuf_put_u8(&w, 255);		/* non-ext length */
	wbuf_put_u8(&w, 255);		/* non-ext type */
	lenpos = w.len;
	wbuf_put_u16(&w, 0);		/* patched below */
	wbuf_put_u8(&w, 2);		/* capabilities */
	wbuf_put_u16(&w, 0);
	caps_at = w.len;
	wbuf_put_u8(&w, 1);		/* MP IPv6 unicast */
	wbuf_put_u8(&w, 4);
	wbuf_put_u16(&w, 2);
	wbuf_put_u8(&w, 0);
	wbuf_put_u8(&w, 1);
	wbuf_put_u8(&w, 0xf0);		/* two large unknown ones */
	wbuf_put_u8(&w, 200);
	wbuf_put_bytes(&w, cap, 200);
	wbuf_put_u8(&w, 0xf1);
	wbuf_put_u8(&w, 250);
	wbuf_put_bytes(&w, cap, 250);
	plen = w.len - caps_at;
	wbuf_patch_u16(&w, caps_at - 2, (uint16_t)plen);
	wbuf_patch_u16(&w, lenpos, (uint16_t)(w.len - lenpos - 2));
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);
	ck_assert_uint_gt(plen, 255);

	bgp_err_clear(&err);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(bgp_open_decode(rbuf_make(buf, w.len), &o, &err), 0);
	ck_assert(has_mp(&o.caps, BGP_AFI_IPV6, 1));
	ck_assert_uint_eq(o.caps.n_unknown, 2);
	u = find_unknown(&o.caps, 0xf0);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->value.len, 200);
	ck_assert_mem_eq(u->value.p, cap, 200);
	u = find_unknown(&o.caps, 0xf1);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->value.len, 250);
	ck_assert_mem_eq(u->value.p, cap, 250);
}
END_TEST

struct open_err_case {
	const char	*name;
	const char	*body;		/* after the header, lengths as is */
	uint8_t		 code;		/* 0: any code */
	uint8_t		 subcode;
	const char	*data;		/* NULL: unchecked */
};

static const struct open_err_case open_err_cases[] = {
	/* RFC 4271 6.2: data is the version we would speak */
	{ "version 3", "03 fde8 00b4 c0000201 00", 2, 1, "0004" },
	{ "version 5", "05 fde8 00b4 c0000201 00", 2, 1, "0004" },
	{ "hold time 1", "04 fde8 0001 c0000201 00", 2, 6, NULL },
	{ "hold time 2", "04 fde8 0002 c0000201 00", 2, 6, NULL },
	{ "bgp id 0", "04 fde8 00b4 00000000 00", 2, 3, NULL },
	{ "unknown param type", FIXED "04 03 02 0000", 2, 4, NULL },
	{ "unknown param after caps", FIXED "08 02 02" CAP_RR "03 02 0000",
	    2, 4, NULL },
	/* RFC 9072 2: type 255 means extended only after length 255 */
	{ "param type 255, short length", FIXED "04 ff 02 0000", 2, 4, NULL },
	/* lengths that overrun: reset, the code is not fixed by the RFC */
	{ "opt len past end", FIXED "05 02 02" CAP_RR, 0, 0, NULL },
	{ "opt len 255 past end", FIXED "ff 02 02" CAP_RR, 0, 0, NULL },
	{ "param past opt block", FIXED "02 02 02" CAP_RR, 0, 0, NULL },
	{ "param len past end", FIXED "04 02 05" CAP_RR, 0, 0, NULL },
	{ "param header cut", FIXED "01 02", 0, 0, NULL },
	{ "capability past param", FIXED "04 02 02 41 04", 0, 0, NULL },
	{ "capability past param 2", FIXED "08 02 06 41 05 fa56ea00", 0, 0,
	    NULL },
	{ "body short", "04 fde8 00b4 c00002", 0, 0, NULL },
	{ "ext params past end", FIXED "ff ff 0010 02 000c" CAP_MP4 CAP_AS4,
	    0, 0, NULL },
	{ "ext param past end", FIXED "ff ff 000f 02 000d" CAP_MP4 CAP_AS4,
	    0, 0, NULL },
	{ "ext header cut", FIXED "ff ff 00", 0, 0, NULL },
};

#define N_OPEN_ERR	(sizeof(open_err_cases) / sizeof(open_err_cases[0]))

START_TEST(test_open_errors)
{
	const struct open_err_case *c = &open_err_cases[_i];
	uint8_t tmp[512], *buf;
	struct bgp_open o;
	struct bgp_err err;
	size_t n;
	int rc;

	n = th_msg(tmp, sizeof(tmp), BGP_OPEN, c->body);
	/* an exact-size copy, so a read past the end is caught by ASan */
	buf = malloc(n);
	memcpy(buf, tmp, n);
	bgp_err_clear(&err);
	rc = bgp_open_decode(rbuf_make(buf, n), &o, &err);
	ck_assert_msg(rc == -1, "%s: accepted", c->name);
	ck_assert_msg(err.action == BGP_ACT_SESSION_RESET, "%s: action %d",
	    c->name, err.action);
	if (c->code != 0) {
		ck_assert_msg(err.code == c->code && err.subcode == c->subcode,
		    "%s: %u/%u, want %u/%u", c->name, err.code, err.subcode,
		    c->code, c->subcode);
	} else
		ck_assert_msg(err.code != 0, "%s: no code", c->name);
	if (c->data != NULL) {
		uint8_t want[16];
		const uint8_t *d;
		size_t wl, dl;

		wl = th_hex(c->data, want, sizeof(want));
		d = bgp_err_data(&err, &dl);
		ck_assert_msg(dl == wl && memcmp(d, want, wl) == 0,
		    "%s: wrong data", c->name);
	}
	free(buf);
}
END_TEST

/* Exact bytes where the encoding has a single choice. */
START_TEST(test_open_encode_bytes)
{
	uint8_t want[64], mem[128];
	struct bgp_open o;
	struct wbuf w;
	size_t n;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = 65000;
	o.hold_time = 180;
	o.bgp_id = 0xc0000201;
	n = th_hex(MARKER "001d 01" FIXED "00", want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	bgp_open_encode(&w, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);

	o.caps.route_refresh = true;
	n = th_hex(MARKER "0021 01" FIXED "04 02 02" CAP_RR, want,
	    sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	bgp_open_encode(&w, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

START_TEST(test_open_roundtrip)
{
	uint8_t mem[512];
	struct bgp_open o, d;
	const struct bgp_afi_safi *af;
	struct bgp_header h;
	struct bgp_err err;
	struct wbuf w;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = BGP_AS_TRANS;
	o.hold_time = 90;
	o.bgp_id = 0x64418001;
	o.caps.n_mp = 2;
	o.caps.mp[0].afi = BGP_AFI_IPV4;
	o.caps.mp[0].safi = 1;
	o.caps.mp[1].afi = BGP_AFI_IPV6;
	o.caps.mp[1].safi = 1;
	o.caps.route_refresh = true;
	o.caps.enhanced_route_refresh = true;
	o.caps.ext_message = true;
	o.caps.as4 = true;
	o.caps.as4_number = 4200000001u;
	o.caps.n_addpath = 2;
	o.caps.addpath[0].afi = BGP_AFI_IPV4;
	o.caps.addpath[0].safi = 1;
	o.caps.addpath[0].flags = BGP_ADDPATH_RECEIVE;
	o.caps.addpath[1].afi = BGP_AFI_IPV6;
	o.caps.addpath[1].safi = 1;
	o.caps.addpath[1].flags = BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE;
	o.caps.graceful_restart = true;
	o.caps.gr_flags = BGP_GR_RESTARTING | BGP_GR_NOTIFICATION;
	o.caps.gr_time = 300;
	o.caps.n_gr = 2;
	o.caps.gr[0].afi = BGP_AFI_IPV4;
	o.caps.gr[0].safi = 1;
	o.caps.gr[0].flags = BGP_GR_AF_FORWARDING;
	o.caps.gr[1].afi = BGP_AFI_IPV6;
	o.caps.gr[1].safi = 1;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_open_encode(&w, &o);
	ck_assert(!w.overflow);

	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_header_decode(rbuf_make(mem, w.len), 4096, &h,
	    &err), 0);
	ck_assert_uint_eq(h.len, w.len);
	ck_assert_uint_eq(h.type, BGP_OPEN);
	decode_ok(mem, w.len, &d);

	ck_assert_uint_eq(d.version, 4);
	ck_assert_uint_eq(d.my_as, BGP_AS_TRANS);
	ck_assert_uint_eq(d.hold_time, 90);
	ck_assert_uint_eq(d.bgp_id, 0x64418001);
	ck_assert_uint_eq(d.caps.n_mp, 2);
	ck_assert(bgp_caps_has_mp(&d.caps, AF_IDX_IPV4));
	ck_assert(bgp_caps_has_mp(&d.caps, AF_IDX_IPV6));
	ck_assert(d.caps.route_refresh);
	ck_assert(d.caps.enhanced_route_refresh);
	ck_assert(d.caps.ext_message);
	ck_assert(d.caps.as4);
	ck_assert_uint_eq(d.caps.as4_number, 4200000001u);
	ck_assert_uint_eq(bgp_open_peer_as(&d), 4200000001u);
	ck_assert_uint_eq(d.caps.n_addpath, 2);
	ck_assert_uint_eq(bgp_caps_addpath(&d.caps, AF_IDX_IPV4),
	    BGP_ADDPATH_RECEIVE);
	ck_assert_uint_eq(bgp_caps_addpath(&d.caps, AF_IDX_IPV6),
	    BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE);
	ck_assert(d.caps.graceful_restart);
	ck_assert_uint_eq(d.caps.gr_flags,
	    BGP_GR_RESTARTING | BGP_GR_NOTIFICATION);
	ck_assert_uint_eq(d.caps.gr_time, 300);
	ck_assert_uint_eq(d.caps.n_gr, 2);
	af = find_af(d.caps.gr, d.caps.n_gr, BGP_AFI_IPV4, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags, BGP_GR_AF_FORWARDING);
	af = find_af(d.caps.gr, d.caps.n_gr, BGP_AFI_IPV6, 1);
	ck_assert_ptr_nonnull(af);
	ck_assert_uint_eq(af->flags, 0);
	ck_assert_uint_eq(d.caps.n_unknown, 0);
}
END_TEST

/* A decoded OPEN encodes again into something that decodes the same. */
START_TEST(test_open_decode_encode_decode)
{
	uint8_t buf[256], mem[512];
	struct bgp_open a, b;
	struct wbuf w;
	size_t n;

	n = open_make(buf, sizeof(buf), FIXED, "02 34" CAP_MP4 CAP_MP6
	    CAP_MP4MC CAP_RR CAP_ERR CAP_EXTMSG CAP_AS4 CAP_ADDPATH CAP_GR);
	decode_ok(buf, n, &a);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_open_encode(&w, &a);
	ck_assert(!w.overflow);
	decode_ok(mem, w.len, &b);
	ck_assert_uint_eq(b.caps.n_mp, 3);
	ck_assert(has_mp(&b.caps, BGP_AFI_IPV4, 2));
	ck_assert(b.caps.route_refresh && b.caps.enhanced_route_refresh);
	ck_assert(b.caps.ext_message && b.caps.as4);
	ck_assert_uint_eq(b.caps.as4_number, a.caps.as4_number);
	ck_assert_uint_eq(bgp_caps_addpath(&b.caps, AF_IDX_IPV4), 3);
	ck_assert_uint_eq(bgp_caps_addpath(&b.caps, AF_IDX_IPV6), 1);
	ck_assert_uint_eq(b.caps.gr_flags, a.caps.gr_flags);
	ck_assert_uint_eq(b.caps.gr_time, 120);
	ck_assert_uint_eq(b.caps.n_gr, 2);
}
END_TEST

/* Starts an OPEN with RFC 9072 extended parameters and one capability
 * parameter; returns where the parameter's value begins. */
static size_t
ext_open_start(struct wbuf *w, size_t *start)
{
	*start = bgp_msg_start(w, BGP_OPEN);
	wbuf_put_u8(w, 4);
	wbuf_put_u16(w, 65000);
	wbuf_put_u16(w, 180);
	wbuf_put_u32(w, 0xc0000201);
	wbuf_put_u8(w, 255);
	wbuf_put_u8(w, 255);
	wbuf_put_u16(w, 0);
	wbuf_put_u8(w, 2);
	wbuf_put_u16(w, 0);
	return w->len;
}

static void
ext_open_finish(struct wbuf *w, size_t start, size_t caps_at)
{
	wbuf_patch_u16(w, caps_at - 2, (uint16_t)(w->len - caps_at));
	wbuf_patch_u16(w, caps_at - 5, (uint16_t)(w->len - caps_at + 3));
	bgp_msg_finish(w, start);
	ck_assert(!w->overflow);
}

/* RFC 5492 3: capabilities we do not understand are ignored, however
 * many; more than we keep must not spill into the other fields. */
START_TEST(test_open_many_unknown_caps)
{
	uint8_t buf[1024];
	struct bgp_open o;
	struct wbuf w;
	size_t start, caps_at;
	unsigned i;

	wbuf_init(&w, buf, sizeof(buf));
	caps_at = ext_open_start(&w, &start);
	for (i = 0; i < 40; i++) {
		wbuf_put_u8(&w, (uint8_t)(0xc0 + i));
		wbuf_put_u8(&w, 2);
		wbuf_put_u16(&w, (uint16_t)i);
	}
	wbuf_put_u8(&w, BGP_CAPA_ROUTE_REFRESH);
	wbuf_put_u8(&w, 0);
	wbuf_put_u8(&w, BGP_CAPA_AS4);
	wbuf_put_u8(&w, 4);
	wbuf_put_u32(&w, 4200000000u);
	ext_open_finish(&w, start, caps_at);
	decode_ok(buf, w.len, &o);
	ck_assert_uint_le(o.caps.n_unknown, BGP_CAPA_MAX_UNKNOWN);
	ck_assert(o.caps.route_refresh);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_number, 4200000000u);
	ck_assert_uint_eq(o.caps.n_mp, 0);
	for (i = 0; i < o.caps.n_unknown; i++)
		ck_assert_uint_eq(o.caps.unknown[i].value.len, 2);
}
END_TEST

/* More families than we keep, in every per-family capability. */
START_TEST(test_open_many_families)
{
	uint8_t buf[1024];
	struct bgp_open o;
	struct bgp_err err;
	struct wbuf w;
	size_t start, caps_at;
	unsigned i;

	wbuf_init(&w, buf, sizeof(buf));
	caps_at = ext_open_start(&w, &start);
	wbuf_put_u8(&w, BGP_CAPA_AS4);
	wbuf_put_u8(&w, 4);
	wbuf_put_u32(&w, 4200000000u);
	wbuf_put_u8(&w, BGP_CAPA_ROUTE_REFRESH);
	wbuf_put_u8(&w, 0);
	for (i = 0; i < 24; i++) {
		wbuf_put_u8(&w, BGP_CAPA_MP);
		wbuf_put_u8(&w, 4);
		wbuf_put_u16(&w, (uint16_t)(i % 2 + 1));
		wbuf_put_u8(&w, 0);
		wbuf_put_u8(&w, (uint8_t)(i + 1));
	}
	wbuf_put_u8(&w, BGP_CAPA_ADD_PATH);
	wbuf_put_u8(&w, 24 * 4);
	for (i = 0; i < 24; i++) {
		wbuf_put_u16(&w, (uint16_t)(i % 2 + 1));
		wbuf_put_u8(&w, (uint8_t)(i + 1));
		wbuf_put_u8(&w, 3);
	}
	wbuf_put_u8(&w, BGP_CAPA_GRACEFUL_RESTART);
	wbuf_put_u8(&w, 2 + 24 * 4);
	wbuf_put_u16(&w, 0x8000 | 90);
	for (i = 0; i < 24; i++) {
		wbuf_put_u16(&w, (uint16_t)(i % 2 + 1));
		wbuf_put_u8(&w, (uint8_t)(i + 1));
		wbuf_put_u8(&w, 0x80);
	}
	ext_open_finish(&w, start, caps_at);

	bgp_err_clear(&err);
	memset(&o, 0, sizeof(o));
	if (bgp_open_decode(rbuf_make(buf, w.len), &o, &err) != 0)
		return;		/* refusing is allowed; spilling is not */
	ck_assert_uint_le(o.caps.n_mp, BGP_CAPA_MAX_AFS);
	ck_assert_uint_le(o.caps.n_addpath, BGP_CAPA_MAX_AFS);
	ck_assert_uint_le(o.caps.n_gr, BGP_CAPA_MAX_AFS);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_number, 4200000000u);
	ck_assert(o.caps.route_refresh);
	ck_assert(o.caps.graceful_restart);
	ck_assert_uint_eq(o.caps.gr_time, 90);
	ck_assert_uint_eq(o.caps.gr_flags, BGP_GR_RESTARTING);
	ck_assert_uint_eq(bgp_caps_addpath(&o.caps, AF_IDX_IPV4), 3);
	ck_assert(bgp_caps_has_mp(&o.caps, AF_IDX_IPV4));
}
END_TEST

/* Every cut of a good OPEN (length field patched) is an error, and no
 * cut is read past its end. */
START_TEST(test_open_truncations)
{
	uint8_t full[256], *m;
	struct bgp_open o;
	struct bgp_err err;
	size_t n, cut;

	n = open_make(full, sizeof(full), FIXED, "02 3b" CAP_MP4 CAP_MP6
	    CAP_MP4MC CAP_RR CAP_ERR CAP_EXTMSG CAP_AS4 CAP_ADDPATH CAP_GR
	    CAP_UNK1 CAP_UNK2);
	for (cut = 0; cut < n; cut++) {
		m = malloc(cut > 0 ? cut : 1);
		memcpy(m, full, cut);
		if (cut >= BGP_HEADER_LEN)
			th_put16(m + BGP_MARKER_LEN, cut);
		bgp_err_clear(&err);
		ck_assert_msg(bgp_open_decode(rbuf_make(m, cut), &o, &err) ==
		    -1, "cut at %zu accepted", cut);
		ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
		free(m);
	}
}
END_TEST

/* Every value of every byte: no crash, and an error always says what
 * to send. */
START_TEST(test_open_byte_flips)
{
	uint8_t full[256], *m;
	struct bgp_open o;
	struct bgp_err err;
	size_t n, pos;
	unsigned v;

	n = open_make(full, sizeof(full), FIXED, "02 3b" CAP_MP4 CAP_MP6
	    CAP_MP4MC CAP_RR CAP_ERR CAP_EXTMSG CAP_AS4 CAP_ADDPATH CAP_GR
	    CAP_UNK1 CAP_UNK2);
	m = malloc(n);
	for (pos = BGP_HEADER_LEN; pos < n; pos++)
		for (v = 0; v < 256; v++) {
			memcpy(m, full, n);
			m[pos] = (uint8_t)v;
			bgp_err_clear(&err);
			if (bgp_open_decode(rbuf_make(m, n), &o, &err) == 0)
				continue;
			ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
			ck_assert_uint_ne(err.code, 0);
		}
	free(m);
}
END_TEST

START_TEST(test_capa_names)
{
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_MP));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_ROUTE_REFRESH));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_EXT_MESSAGE));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_GRACEFUL_RESTART));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_AS4));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_ADD_PATH));
	ck_assert_ptr_nonnull(bgp_capa_name(BGP_CAPA_ENHANCED_RR));
}
END_TEST

Suite *open_suite(void)
{
	Suite *s = suite_create("open");
	TCase *tc = tcase_create("open");

	tcase_add_test(tc, test_open_caps_one_param);
	tcase_add_test(tc, test_open_caps_many_params);
	tcase_add_test(tc, test_open_caps_mixed_params);
	tcase_add_test(tc, test_open_no_params);
	tcase_add_test(tc, test_open_hold_3);
	tcase_add_test(tc, test_open_as_trans);
	tcase_add_test(tc, test_open_gr_flags);
	tcase_add_test(tc, test_open_addpath_send);
	tcase_add_test(tc, test_open_ext_params);
	tcase_add_test(tc, test_open_ext_params_large);
	tcase_add_loop_test(tc, test_open_errors, 0, (int)N_OPEN_ERR);
	tcase_add_test(tc, test_open_encode_bytes);
	tcase_add_test(tc, test_open_roundtrip);
	tcase_add_test(tc, test_open_decode_encode_decode);
	tcase_add_test(tc, test_open_many_unknown_caps);
	tcase_add_test(tc, test_open_many_families);
	tcase_add_test(tc, test_open_truncations);
	tcase_add_test(tc, test_open_byte_flips);
	tcase_add_test(tc, test_capa_names);
	suite_add_tcase(s, tc);
	return s;
}
