/*
 * ROUTE-REFRESH (RFC 2918) with the enhanced route refresh subtypes and
 * their length rule (RFC 7313 3 and 5).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/msg.h"
#include "testutil.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

struct rr_case {
	const char	*body;	/* AFI, subtype, SAFI */
	uint16_t	 afi;
	uint8_t		 subtype;
	uint8_t		 safi;
};

static const struct rr_case rr_cases[] = {
	{ "0001 00 01", 1, BGP_REFRESH_NORMAL, 1 },
	{ "0002 00 01", 2, BGP_REFRESH_NORMAL, 1 },
	{ "0001 01 01", 1, BGP_REFRESH_BORR, 1 },
	{ "0002 01 01", 2, BGP_REFRESH_BORR, 1 },
	{ "0001 02 01", 1, BGP_REFRESH_EORR, 1 },
	{ "0002 02 01", 2, BGP_REFRESH_EORR, 1 },
	{ "0001 00 02", 1, BGP_REFRESH_NORMAL, 2 },
};

#define N_RR	(sizeof(rr_cases) / sizeof(rr_cases[0]))

START_TEST(test_refresh_decode)
{
	const struct rr_case *c = &rr_cases[_i];
	uint8_t tmp[64], *buf;
	struct bgp_route_refresh rr;
	struct bgp_err err;
	size_t n;

	n = th_msg(tmp, sizeof(tmp), BGP_ROUTE_REFRESH, c->body);
	ck_assert_uint_eq(n, BGP_ROUTE_REFRESH_LEN);
	buf = malloc(n);
	memcpy(buf, tmp, n);
	bgp_err_clear(&err);
	memset(&rr, 0xee, sizeof(rr));
	ck_assert_int_eq(bgp_route_refresh_decode(rbuf_make(buf, n), &rr,
	    &err), 0);
	ck_assert_uint_eq(rr.afi, c->afi);
	ck_assert_uint_eq(rr.subtype, c->subtype);
	ck_assert_uint_eq(rr.safi, c->safi);
	free(buf);
}
END_TEST

START_TEST(test_refresh_encode)
{
	const struct rr_case *c = &rr_cases[_i];
	uint8_t want[64], mem[64];
	struct bgp_route_refresh rr;
	struct wbuf w;
	size_t n;

	n = th_msg(want, sizeof(want), BGP_ROUTE_REFRESH, c->body);
	memset(&rr, 0, sizeof(rr));
	rr.afi = c->afi;
	rr.subtype = c->subtype;
	rr.safi = c->safi;
	wbuf_init(&w, mem, sizeof(mem));
	bgp_route_refresh_encode(&w, &rr);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

/* RFC 7313 5: BoRR/EoRR whose body is not 4 bytes: 7/1, the data being
 * the whole message. */
static const char *const bad_len[] = {
	"0001 01 01 00",
	"0002 02 01 0000",
	"0001 01",
	"0002 02",
	"0001 01 01 00000000 00000000",
};

#define N_BAD_LEN	(sizeof(bad_len) / sizeof(bad_len[0]))

START_TEST(test_refresh_bad_length)
{
	uint8_t tmp[64], *buf;
	struct bgp_route_refresh rr;
	struct bgp_err err;
	const uint8_t *d;
	size_t n, dl;

	n = th_msg(tmp, sizeof(tmp), BGP_ROUTE_REFRESH, bad_len[_i]);
	buf = malloc(n);
	memcpy(buf, tmp, n);
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_route_refresh_decode(rbuf_make(buf, n), &rr,
	    &err), -1);
	ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
	ck_assert_uint_eq(err.code, BGP_ERR_REFRESH);
	ck_assert_uint_eq(err.subcode, BGP_ERR_REFRESH_LEN);
	d = bgp_err_data(&err, &dl);
	ck_assert_uint_eq(dl, n);
	ck_assert_mem_eq(d, tmp, n);
	free(buf);
}
END_TEST

/* RFC 7313 5: an unknown subtype is ignored, never a NOTIFICATION. */
START_TEST(test_refresh_unknown_subtype)
{
	uint8_t buf[64];
	struct bgp_route_refresh rr;
	struct bgp_err err;
	size_t n;

	n = th_msg(buf, sizeof(buf), BGP_ROUTE_REFRESH, "0001 03 01");
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_route_refresh_decode(rbuf_make(buf, n), &rr,
	    &err), 0);
	ck_assert_uint_eq(rr.subtype, 3);
}
END_TEST

Suite *refresh_suite(void)
{
	Suite *s = suite_create("refresh");
	TCase *tc = tcase_create("refresh");

	tcase_add_loop_test(tc, test_refresh_decode, 0, (int)N_RR);
	tcase_add_loop_test(tc, test_refresh_encode, 0, (int)N_RR);
	tcase_add_loop_test(tc, test_refresh_bad_length, 0, (int)N_BAD_LEN);
	tcase_add_test(tc, test_refresh_unknown_subtype);
	suite_add_tcase(s, tc);
	return s;
}
