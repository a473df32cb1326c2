/*
 * NOTIFICATION (RFC 4271 4.5, 6), Cease subcodes (RFC 4486, RFC 8538,
 * RFC 9384) and the shutdown communication (RFC 9003).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/msg.h"
#include "testutil.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

/* Every code and subcode registered by RFC 4271 (and the Cease ones). */
START_TEST(test_names)
{
	static const uint8_t hdr[] = { 1, 2, 3 };
	static const uint8_t open[] = { 1, 2, 3, 4, 6, 7 };
	static const uint8_t upd[] = { 1, 2, 3, 4, 5, 6, 8, 9, 10, 11 };
	unsigned i;

	for (i = 1; i <= 7; i++)
		ck_assert_msg(bgp_err_code_name(i) != NULL, "code %u", i);
	for (i = 0; i < sizeof(hdr); i++)
		ck_assert_msg(bgp_err_subcode_name(1, hdr[i]) != NULL,
		    "1/%u", hdr[i]);
	for (i = 0; i < sizeof(open); i++)
		ck_assert_msg(bgp_err_subcode_name(2, open[i]) != NULL,
		    "2/%u", open[i]);
	for (i = 0; i < sizeof(upd); i++)
		ck_assert_msg(bgp_err_subcode_name(3, upd[i]) != NULL,
		    "3/%u", upd[i]);
	/* RFC 4486 1..8, RFC 8538 9, RFC 9384 10 */
	for (i = 1; i <= 10; i++)
		ck_assert_msg(bgp_err_subcode_name(6, i) != NULL, "6/%u", i);
	ck_assert_ptr_nonnull(bgp_err_subcode_name(7, 1));
	/* nothing registered there */
	ck_assert_ptr_null(bgp_err_subcode_name(1, 200));
	ck_assert_ptr_null(bgp_err_subcode_name(6, 200));
	ck_assert_ptr_null(bgp_err_subcode_name(3, 200));

	for (i = 1; i <= 5; i++)
		ck_assert_ptr_nonnull(bgp_msg_type_name(i));
	for (i = BGP_ACT_ACCEPT; i <= BGP_ACT_SESSION_RESET; i++)
		ck_assert_ptr_nonnull(bgp_action_name((enum bgp_action)i));
	for (i = 1; i <= 18; i++) {
		if (i >= 11 && i <= 13)
			continue;
		ck_assert_msg(bgp_attr_type_name(i) != NULL, "attr %u", i);
	}
	ck_assert_ptr_nonnull(bgp_attr_type_name(32));
}
END_TEST

/* The names differ from each other (a table that repeats one is wrong). */
START_TEST(test_names_distinct)
{
	unsigned i, j;

	for (i = 1; i <= 10; i++)
		for (j = i + 1; j <= 10; j++)
			ck_assert_msg(strcmp(bgp_err_subcode_name(6, i),
			    bgp_err_subcode_name(6, j)) != 0, "6/%u = 6/%u",
			    i, j);
	for (i = 1; i <= 7; i++)
		for (j = i + 1; j <= 7; j++)
			ck_assert(strcmp(bgp_err_code_name(i),
			    bgp_err_code_name(j)) != 0);
}
END_TEST

struct notif_case {
	const char	*name;
	const char	*body;
	uint8_t		 code, subcode;
	const char	*data;
	int		 shutdown;	/* 1: text expected, 0: none */
	const char	*text;		/* hex */
};

static const struct notif_case notif_cases[] = {
	{ "no data", "04 00", 4, 0, "", 0, NULL },
	{ "with data", "03 01 aabb", 3, 1, "aabb", 0, NULL },
	{ "open version", "02 01 0004", 2, 1, "0004", 0, NULL },
	{ "cease no data", "06 02", 6, 2, "", 0, NULL },
	{ "shutdown text", "06 02 05 68656c6c6f", 6, 2, "05 68656c6c6f", 1,
	    "68656c6c6f" },
	{ "reset text", "06 04 03 627965", 6, 4, "03 627965", 1, "627965" },
	{ "two-byte utf8", "06 02 03 41 c3a9", 6, 2, "03 41 c3a9", 1,
	    "41 c3a9" },
	{ "four-byte utf8", "06 02 04 f09f9880", 6, 2, "04 f09f9880", 1,
	    "f09f9880" },
	/* only subcodes 2 and 4 carry a communication */
	{ "deconfigured", "06 03 03 627965", 6, 3, "03 627965", 0, NULL },
	{ "max prefix", "06 01 0001 01 00000064", 6, 1, "0001 01 00000064", 0,
	    NULL },
	/* the length byte runs past the data */
	{ "length past data", "06 02 06 68656c6c6f", 6, 2, "06 68656c6c6f",
	    0, NULL },
	{ "length alone", "06 02 01", 6, 2, "01", 0, NULL },
	/* RFC 3629: not UTF-8 */
	{ "bad byte ff", "06 02 03 41 ff 42", 6, 2, "03 41 ff 42", 0, NULL },
	{ "lone continuation", "06 02 02 80 41", 6, 2, "02 80 41", 0, NULL },
	{ "cut sequence", "06 02 02 e2 82", 6, 2, "02 e282", 0, NULL },
	{ "overlong slash", "06 02 02 c0 af", 6, 2, "02 c0af", 0, NULL },
	{ "surrogate", "06 02 03 eda080", 6, 2, "03 eda080", 0, NULL },
	{ "beyond U+10FFFF", "06 04 04 f4908080", 6, 4, "04 f4908080", 0,
	    NULL },
};

#define N_NOTIF	(sizeof(notif_cases) / sizeof(notif_cases[0]))

START_TEST(test_notification_decode)
{
	const struct notif_case *c = &notif_cases[_i];
	uint8_t tmp[512], want[512], *buf;
	struct bgp_notification n;
	struct bgp_err err;
	size_t len, wl;

	len = th_msg(tmp, sizeof(tmp), BGP_NOTIFICATION, c->body);
	buf = malloc(len);
	memcpy(buf, tmp, len);
	bgp_err_clear(&err);
	memset(&n, 0, sizeof(n));
	ck_assert_msg(bgp_notification_decode(rbuf_make(buf, len), &n,
	    &err) == 0, "%s: rejected", c->name);
	ck_assert_uint_eq(n.code, c->code);
	ck_assert_uint_eq(n.subcode, c->subcode);
	wl = th_hex(c->data, want, sizeof(want));
	ck_assert_msg(n.data.len == wl, "%s: data len %zu", c->name,
	    n.data.len);
	ck_assert(wl == 0 || memcmp(n.data.p, want, wl) == 0);
	ck_assert_msg(n.has_shutdown_text == (c->shutdown == 1),
	    "%s: has_shutdown_text %d", c->name, n.has_shutdown_text);
	if (c->shutdown == 1) {
		wl = th_hex(c->text, want, sizeof(want));
		ck_assert_uint_eq(n.shutdown_text.len, wl);
		ck_assert_mem_eq(n.shutdown_text.p, want, wl);
	}
	free(buf);
}
END_TEST

/* A communication of the full 255 bytes. */
START_TEST(test_notification_shutdown_255)
{
	uint8_t buf[512];
	struct bgp_notification n;
	struct bgp_err err;
	struct wbuf w;
	size_t start, i;

	wbuf_init(&w, buf, sizeof(buf));
	start = bgp_msg_start(&w, BGP_NOTIFICATION);
	wbuf_put_u8(&w, 6);
	wbuf_put_u8(&w, 2);
	wbuf_put_u8(&w, 255);
	for (i = 0; i < 255; i++)
		wbuf_put_u8(&w, (uint8_t)('a' + i % 26));
	bgp_msg_finish(&w, start);
	ck_assert(!w.overflow);
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_notification_decode(rbuf_make(buf, w.len), &n,
	    &err), 0);
	ck_assert(n.has_shutdown_text);
	ck_assert_uint_eq(n.shutdown_text.len, 255);
	ck_assert_uint_eq(n.shutdown_text.p[254], 'a' + 254 % 26);
}
END_TEST

/* Shorter than 21 bytes: Bad Message Length with the length as data. */
START_TEST(test_notification_short)
{
	uint8_t tmp[64], *buf;
	struct bgp_notification n;
	struct bgp_err err;
	const uint8_t *d;
	size_t len, dl;

	len = th_msg(tmp, sizeof(tmp), BGP_NOTIFICATION, "06");
	ck_assert_uint_eq(len, 20);
	buf = malloc(len);
	memcpy(buf, tmp, len);
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_notification_decode(rbuf_make(buf, len), &n,
	    &err), -1);
	ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
	ck_assert_uint_eq(err.code, BGP_ERR_HEADER);
	ck_assert_uint_eq(err.subcode, BGP_ERR_HDR_LEN);
	d = bgp_err_data(&err, &dl);
	ck_assert_uint_eq(dl, 2);
	ck_assert_uint_eq(d[0], 0x00);
	ck_assert_uint_eq(d[1], 0x14);
	free(buf);
}
END_TEST

static void
check_bytes(const struct wbuf *w, const char *hex)
{
	uint8_t want[1024];
	size_t n;

	n = th_hex(hex, want, sizeof(want));
	ck_assert(!w->overflow);
	ck_assert_uint_eq(w->len, n);
	ck_assert_mem_eq(w->p, want, n);
}

START_TEST(test_notification_encode)
{
	static const uint8_t data[] = { 0x00, 0x04 };
	uint8_t mem[128];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_encode(&w, 2, 1, data, sizeof(data));
	check_bytes(&w, MARKER "0017 03 0201 0004");

	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_encode(&w, 4, 0, NULL, 0);
	check_bytes(&w, MARKER "0015 03 0400");
}
END_TEST

/* RFC 4486 4: Cease/1 carries AFI, SAFI and the limit. */
START_TEST(test_max_prefix_err)
{
	struct bgp_err err;
	uint8_t mem[128];
	struct wbuf w;

	bgp_err_clear(&err);
	bgp_max_prefix_err(&err, AF_IDX_IPV4, 500, "limit");
	ck_assert_int_eq(err.action, BGP_ACT_SESSION_RESET);
	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_from_err(&w, &err);
	check_bytes(&w, MARKER "001c 03 0601 0001 01 000001f4");

	bgp_err_clear(&err);
	bgp_max_prefix_err(&err, AF_IDX_IPV6, 20000000, "limit");
	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_from_err(&w, &err);
	check_bytes(&w, MARKER "001c 03 0601 0002 01 01312d00");
}
END_TEST

START_TEST(test_notification_from_err)
{
	static const uint8_t attr[] = { 0x40, 0xfe, 0x01, 0x00 };
	static const uint8_t len[] = { 0x00, 0x12 };
	uint8_t mem[128];
	struct bgp_err e;
	struct wbuf w;

	bgp_err_clear(&e);
	bgp_err_raise(&e, BGP_ACT_SESSION_RESET, 3, 2, 0xfe, attr,
	    sizeof(attr), "unknown well-known");
	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_from_err(&w, &e);
	check_bytes(&w, MARKER "0019 03 0302 40fe0100");

	bgp_err_clear(&e);
	bgp_err_raise_own(&e, 1, 2, len, sizeof(len), "short");
	wbuf_init(&w, mem, sizeof(mem));
	bgp_notification_from_err(&w, &e);
	check_bytes(&w, MARKER "0017 03 0102 0012");
}
END_TEST

START_TEST(test_shutdown_encode)
{
	uint8_t mem[512];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_SHUTDOWN, "bye");
	check_bytes(&w, MARKER "0019 03 0602 03 627965");

	wbuf_init(&w, mem, sizeof(mem));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_RESET, "");
	check_bytes(&w, MARKER "0016 03 0604 00");
}
END_TEST

struct cut_case {
	size_t		 ascii;		/* leading 'a's */
	const char	*tail;		/* then these bytes */
	size_t		 want;		/* bytes kept */
};

static const struct cut_case cut_cases[] = {
	{ 255, "", 255 },
	{ 300, "", 255 },
	{ 254, "c3a9", 254 },		/* e-acute would end at 256 */
	{ 253, "c3a9", 255 },		/* ends at 255 exactly */
	{ 253, "e282ac", 253 },	/* euro sign cut in the middle */
	{ 252, "e282ac", 255 },
	{ 252, "f09f9880", 252 },	/* four bytes from 253 to 256 */
	{ 251, "f09f9880", 255 },
	{ 254, "41 c3a9", 255 },	/* an ASCII byte fits, then stop */
};

#define N_CUT	(sizeof(cut_cases) / sizeof(cut_cases[0]))

START_TEST(test_shutdown_encode_cut)
{
	const struct cut_case *c = &cut_cases[_i];
	char text[400];
	uint8_t tail[8], mem[512];
	struct bgp_notification n;
	struct bgp_err err;
	struct wbuf w;
	size_t tl;

	memset(text, 'a', c->ascii);
	tl = th_hex(c->tail, tail, sizeof(tail));
	memcpy(text + c->ascii, tail, tl);
	text[c->ascii + tl] = '\0';

	wbuf_init(&w, mem, sizeof(mem));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_SHUTDOWN, text);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, BGP_HEADER_LEN + 3 + c->want);
	ck_assert_uint_eq(load_u16(mem + 16), w.len);
	ck_assert_uint_eq(mem[18], BGP_NOTIFICATION);
	ck_assert_uint_eq(mem[19], 6);
	ck_assert_uint_eq(mem[20], 2);
	ck_assert_uint_eq(mem[21], c->want);
	ck_assert_mem_eq(mem + 22, text, c->want);

	/* and it reads back as a valid communication */
	bgp_err_clear(&err);
	ck_assert_int_eq(bgp_notification_decode(rbuf_make(mem, w.len), &n,
	    &err), 0);
	ck_assert(n.has_shutdown_text);
	ck_assert_uint_eq(n.shutdown_text.len, c->want);
}
END_TEST

/* Cuts of a NOTIFICATION with a communication: no read past the end. */
START_TEST(test_notification_truncations)
{
	uint8_t full[64], *m;
	struct bgp_notification n;
	struct bgp_err err;
	size_t len, cut;
	int rc;

	len = th_msg(full, sizeof(full), BGP_NOTIFICATION,
	    "06 02 05 68656c6c6f");
	for (cut = 0; cut <= len; cut++) {
		m = malloc(cut > 0 ? cut : 1);
		memcpy(m, full, cut);
		if (cut >= BGP_HEADER_LEN)
			th_put16(m + BGP_MARKER_LEN, cut);
		bgp_err_clear(&err);
		rc = bgp_notification_decode(rbuf_make(m, cut), &n, &err);
		ck_assert_int_eq(rc, cut < BGP_NOTIFICATION_MIN_LEN ? -1 : 0);
		/* only the whole text is a communication */
		if (rc == 0)
			ck_assert(n.has_shutdown_text == (cut == len));
		free(m);
	}
}
END_TEST

Suite *notification_suite(void)
{
	Suite *s = suite_create("notification");
	TCase *tc = tcase_create("notification");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_names_distinct);
	tcase_add_loop_test(tc, test_notification_decode, 0, (int)N_NOTIF);
	tcase_add_test(tc, test_notification_shutdown_255);
	tcase_add_test(tc, test_notification_short);
	tcase_add_test(tc, test_notification_encode);
	tcase_add_test(tc, test_max_prefix_err);
	tcase_add_test(tc, test_notification_from_err);
	tcase_add_test(tc, test_shutdown_encode);
	tcase_add_loop_test(tc, test_shutdown_encode_cut, 0, (int)N_CUT);
	tcase_add_test(tc, test_notification_truncations);
	suite_add_tcase(s, tc);
	return s;
}
