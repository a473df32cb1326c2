/*
 * Message header (RFC 4271 4.1, 6.1; RFC 8654 extended messages),
 * KEEPALIVE, message framing and the error record. Vectors are written
 * from the RFCs, not from our encoder.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/msg.h"
#include "testutil.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

struct header_case {
	const char	*name;
	const char	*hex;		/* the 19 header bytes */
	size_t		 max_len;
	int		 rc;
	uint8_t		 subcode;	/* error code is always 1 */
	const char	*data;		/* NOTIFICATION data, NULL: unchecked */
	uint16_t	 len;		/* decoded length when rc == 0 */
	uint8_t		 type;
};

static const struct header_case header_cases[] = {
	{ "keepalive", MARKER "0013 04", 4096, 0, 0, NULL, 19, 4 },
	{ "open minimum", MARKER "001d 01", 4096, 0, 0, NULL, 29, 1 },
	{ "update minimum", MARKER "0017 02", 4096, 0, 0, NULL, 23, 2 },
	{ "notification minimum", MARKER "0015 03", 4096, 0, 0, NULL, 21, 3 },
	{ "route refresh", MARKER "0017 05", 4096, 0, 0, NULL, 23, 5 },
	{ "update at 4096", MARKER "1000 02", 4096, 0, 0, NULL, 4096, 2 },
	{ "open at 4096", MARKER "1000 01", 4096, 0, 0, NULL, 4096, 1 },
	/* RFC 8654: larger UPDATEs once extended messages are negotiated */
	{ "update 4097 extended", MARKER "1001 02", 65535, 0, 0, NULL,
	    4097, 2 },
	{ "update 65535 extended", MARKER "ffff 02", 65535, 0, 0, NULL,
	    65535, 2 },
	{ "notification 5000 extended", MARKER "1388 03", 65535, 0, 0, NULL,
	    5000, 3 },

	/* RFC 4271 6.1: Connection Not Synchronized */
	{ "marker last byte", "ffffffff ffffffff ffffffff fffffffe 0013 04",
	    4096, -1, 1, NULL, 0, 0 },
	{ "marker first byte", "7fffffff ffffffff ffffffff ffffffff 0013 04",
	    4096, -1, 1, NULL, 0, 0 },
	{ "marker zero", "00000000 00000000 00000000 00000000 0013 04",
	    4096, -1, 1, NULL, 0, 0 },

	/* Bad Message Length, data is the length field */
	{ "length 0", MARKER "0000 04", 4096, -1, 2, "0000", 0, 0 },
	{ "length 18", MARKER "0012 02", 4096, -1, 2, "0012", 0, 0 },
	{ "update 4097", MARKER "1001 02", 4096, -1, 2, "1001", 0, 0 },
	{ "update 65535", MARKER "ffff 02", 4096, -1, 2, "ffff", 0, 0 },
	{ "notification 4097", MARKER "1001 03", 4096, -1, 2, "1001", 0, 0 },
	{ "open 28", MARKER "001c 01", 4096, -1, 2, "001c", 0, 0 },
	{ "update 22", MARKER "0016 02", 4096, -1, 2, "0016", 0, 0 },
	{ "notification 20", MARKER "0014 03", 4096, -1, 2, "0014", 0, 0 },
	{ "keepalive 20", MARKER "0014 04", 4096, -1, 2, "0014", 0, 0 },
	{ "keepalive 4096", MARKER "1000 04", 4096, -1, 2, "1000", 0, 0 },
	/* RFC 8654 4: OPEN and KEEPALIVE stay within 4096 */
	{ "open 4097 extended", MARKER "1001 01", 65535, -1, 2, "1001", 0, 0 },
	{ "open 65535 extended", MARKER "ffff 01", 65535, -1, 2, "ffff", 0,
	    0 },
	{ "keepalive 4097 ext", MARKER "1001 04", 65535, -1, 2, "1001", 0, 0 },

	/* Bad Message Type, data is the type byte */
	{ "type 0", MARKER "0013 00", 4096, -1, 3, "00", 0, 0 },
	{ "type 6", MARKER "0017 06", 4096, -1, 3, "06", 0, 0 },
	{ "type 255", MARKER "0017 ff", 4096, -1, 3, "ff", 0, 0 },
};

#define N_HEADER_CASES	(sizeof(header_cases) / sizeof(header_cases[0]))

static void
assert_err_data(const struct bgp_err *err, const char *hex, const char *name)
{
	uint8_t want[64];
	const uint8_t *got;
	size_t wlen, glen;

	wlen = th_hex(hex, want, sizeof(want));
	got = bgp_err_data(err, &glen);
	ck_assert_msg(glen == wlen, "%s: data length %zu, want %zu", name,
	    glen, wlen);
	ck_assert_msg(wlen == 0 || memcmp(got, want, wlen) == 0,
	    "%s: wrong data", name);
}

START_TEST(test_header_table)
{
	const struct header_case *c = &header_cases[_i];
	uint8_t buf[BGP_HEADER_LEN];
	struct bgp_header h;
	struct bgp_err err;
	size_t n;
	int rc;

	n = th_hex(c->hex, buf, sizeof(buf));
	ck_assert_uint_eq(n, BGP_HEADER_LEN);
	bgp_err_clear(&err);
	memset(&h, 0, sizeof(h));
	/* Only the 19 header bytes: the decoder must not need more. */
	rc = bgp_header_decode(rbuf_make(buf, n), c->max_len, &h, &err);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
	if (c->rc == 0) {
		ck_assert_msg(h.len == c->len, "%s: len %u", c->name, h.len);
		ck_assert_msg(h.type == c->type, "%s: type %u", c->name,
		    h.type);
		return;
	}
	ck_assert_msg(err.action == BGP_ACT_SESSION_RESET, "%s: action %d",
	    c->name, err.action);
	ck_assert_msg(err.code == BGP_ERR_HEADER, "%s: code %u", c->name,
	    err.code);
	ck_assert_msg(err.subcode == c->subcode, "%s: subcode %u, want %u",
	    c->name, err.subcode, c->subcode);
	if (c->data != NULL)
		assert_err_data(&err, c->data, c->name);
}
END_TEST

/* Fewer than 19 bytes: an error, and no read past the end. */
START_TEST(test_header_short_buffer)
{
	uint8_t full[BGP_HEADER_LEN];
	struct bgp_header h;
	struct bgp_err err;
	size_t n, i;

	n = th_hex(MARKER "0013 04", full, sizeof(full));
	for (i = 0; i < n; i++) {
		uint8_t *part = malloc(i > 0 ? i : 1);

		memcpy(part, full, i);
		bgp_err_clear(&err);
		ck_assert_int_eq(bgp_header_decode(rbuf_make(part, i), 4096,
		    &h, &err), -1);
		free(part);
	}
}
END_TEST

START_TEST(test_keepalive_encode)
{
	uint8_t want[32], mem[64];
	struct wbuf w;
	size_t n;

	n = th_hex(MARKER "0013 04", want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	bgp_keepalive_encode(&w);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

START_TEST(test_keepalive_encode_overflow)
{
	uint8_t mem[BGP_HEADER_LEN - 1];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_keepalive_encode(&w);
	ck_assert(w.overflow);
}
END_TEST

/* The framing helpers after other bytes already in the buffer. */
START_TEST(test_msg_start_finish)
{
	static const uint8_t before[] = { 0xaa, 0xbb, 0xcc };
	static const uint8_t body[] = { 0x00, 0x00, 0x00, 0x00 };
	uint8_t want[64], mem[128];
	struct wbuf w;
	size_t start, n;

	n = th_hex("aabbcc" MARKER "0017 02 0000 0000", want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	wbuf_put_bytes(&w, before, sizeof(before));
	start = bgp_msg_start(&w, BGP_UPDATE);
	wbuf_put_bytes(&w, body, sizeof(body));
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

START_TEST(test_msg_start_finish_two)
{
	uint8_t want[64], mem[128];
	struct wbuf w;
	size_t start, n;

	n = th_hex(MARKER "0013 04" MARKER "0015 03 0602", want,
	    sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	start = bgp_msg_start(&w, BGP_KEEPALIVE);
	bgp_msg_finish(&w, start);
	start = bgp_msg_start(&w, BGP_NOTIFICATION);
	wbuf_put_u8(&w, 6);
	wbuf_put_u8(&w, 2);
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

START_TEST(test_msg_start_overflow)
{
	uint8_t mem[10];
	struct wbuf w;
	size_t start;

	wbuf_init(&w, mem, sizeof(mem));
	start = bgp_msg_start(&w, BGP_UPDATE);
	bgp_msg_finish(&w, start);
	ck_assert(w.overflow);
}
END_TEST

START_TEST(test_af_index)
{
	ck_assert_int_eq(bgp_af_index(BGP_AFI_IPV4, BGP_SAFI_UNICAST),
	    AF_IDX_IPV4);
	ck_assert_int_eq(bgp_af_index(BGP_AFI_IPV6, BGP_SAFI_UNICAST),
	    AF_IDX_IPV6);
	ck_assert_int_eq(bgp_af_index(BGP_AFI_IPV4, 2), -1);
	ck_assert_int_eq(bgp_af_index(BGP_AFI_IPV6, 128), -1);
	ck_assert_int_eq(bgp_af_index(25, BGP_SAFI_UNICAST), -1);
	ck_assert_int_eq(bgp_af_index(0, 0), -1);
	ck_assert_uint_eq(bgp_af_afi(AF_IDX_IPV4), BGP_AFI_IPV4);
	ck_assert_uint_eq(bgp_af_afi(AF_IDX_IPV6), BGP_AFI_IPV6);
}
END_TEST

/* RFC 7606 3(i): of several errors the strongest action wins. */
START_TEST(test_err_strongest_wins)
{
	static const uint8_t d1[] = { 1, 2 }, d2[] = { 3 };
	struct bgp_err e;

	bgp_err_clear(&e);
	ck_assert_int_eq(e.action, BGP_ACT_ACCEPT);
	bgp_err_raise(&e, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPDATE,
	    BGP_ERR_UPD_OPTATTR, BGP_ATTR_AGGREGATOR, d1, sizeof(d1), "a");
	ck_assert_int_eq(e.action, BGP_ACT_ATTR_DISCARD);
	ck_assert_uint_eq(e.attr_type, BGP_ATTR_AGGREGATOR);
	bgp_err_raise(&e, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPDATE,
	    BGP_ERR_UPD_ORIGIN, BGP_ATTR_ORIGIN, d2, sizeof(d2), "b");
	ck_assert_int_eq(e.action, BGP_ACT_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(e.attr_type, BGP_ATTR_ORIGIN);
	/* a weaker one later changes nothing */
	bgp_err_raise(&e, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPDATE,
	    BGP_ERR_UPD_OPTATTR, BGP_ATTR_ATOMIC_AGGREGATE, d1, sizeof(d1),
	    "c");
	ck_assert_int_eq(e.action, BGP_ACT_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(e.attr_type, BGP_ATTR_ORIGIN);
	bgp_err_raise(&e, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
	    BGP_ERR_UPD_ATTRLIST, 0, NULL, 0, "d");
	ck_assert_int_eq(e.action, BGP_ACT_SESSION_RESET);
	ck_assert_uint_eq(e.code, BGP_ERR_UPDATE);
	ck_assert_uint_eq(e.subcode, BGP_ERR_UPD_ATTRLIST);
	bgp_err_clear(&e);
	ck_assert_int_eq(e.action, BGP_ACT_ACCEPT);
}
END_TEST

START_TEST(test_err_raise_own)
{
	uint8_t src[2] = { 0x00, 0x12 };
	const uint8_t *d;
	struct bgp_err e;
	size_t len;

	bgp_err_clear(&e);
	bgp_err_raise_own(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, src,
	    sizeof(src), "short");
	ck_assert_int_eq(e.action, BGP_ACT_SESSION_RESET);
	ck_assert_uint_eq(e.code, 1);
	ck_assert_uint_eq(e.subcode, 2);
	/* the data is a copy: changing the source must not change it */
	src[1] = 0x99;
	d = bgp_err_data(&e, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_uint_eq(d[0], 0x00);
	ck_assert_uint_eq(d[1], 0x12);
}
END_TEST

Suite *header_suite(void)
{
	Suite *s = suite_create("header");
	TCase *tc = tcase_create("header");

	tcase_add_loop_test(tc, test_header_table, 0, (int)N_HEADER_CASES);
	tcase_add_test(tc, test_header_short_buffer);
	tcase_add_test(tc, test_keepalive_encode);
	tcase_add_test(tc, test_keepalive_encode_overflow);
	tcase_add_test(tc, test_msg_start_finish);
	tcase_add_test(tc, test_msg_start_finish_two);
	tcase_add_test(tc, test_msg_start_overflow);
	tcase_add_test(tc, test_af_index);
	tcase_add_test(tc, test_err_strongest_wins);
	tcase_add_test(tc, test_err_raise_own);
	suite_add_tcase(s, tc);
	return s;
}
