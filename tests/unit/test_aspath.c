/*
 * AS paths: RFC 4271 4.3 and 9.1.2.2, RFC 5065 (confederations),
 * RFC 6793 (4-octet AS numbers, AS4_PATH merge), RFC 7606 7.2 syntax.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/aspath.h"
#include "../../src/bgp/format.h"
#include "testutil.h"

/*
 * Our own text of a 4-octet path, independent of the code under test.
 * Sequences are printed number by number, so two adjacent AS_SEQUENCE
 * segments read like one: the RFC does not fix where segments split.
 */
static void
path_text(const uint8_t *p, size_t len, char *out, size_t size)
{
	size_t off = 0, i = 0, o = 0;

	out[0] = '\0';
	while (off + 2 <= len) {
		uint8_t type = p[off], count = p[off + 1];
		const char *open = "", *close = "";

		off += 2;
		ck_assert_msg(off + 4u * count <= len, "bad test path");
		if (type == 1) {
			open = "{";
			close = "}";
		} else if (type == 3) {
			open = "(";
			close = ")";
		} else if (type == 4) {
			open = "({";
			close = "})";
		}
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "",
		    open);
		for (i = 0; i < count; i++, off += 4)
			o += (size_t)snprintf(out + o, size - o, "%s%u",
			    i ? " " : "", load_u32(p + off));
		o += (size_t)snprintf(out + o, size - o, "%s", close);
		ck_assert_uint_lt(o, size);
	}
	ck_assert_msg(off == len, "bad test path");
}

static uint8_t *
load(const char *hex, size_t *len)
{
	uint8_t tmp[2048], *buf;

	*len = th_hex(hex, tmp, sizeof(tmp));
	buf = malloc(*len > 0 ? *len : 1);
	memcpy(buf, tmp, *len);
	return buf;
}

/* ---- validate ---- */

struct valid_case {
	const char	*hex;
	unsigned	 as_size;
	bool		 ok;
};

static const struct valid_case valid_cases[] = {
	{ "", 4, true },
	{ "", 2, true },
	{ "02 01 0000fde8", 4, true },
	{ "02 03 0000fde8 0000b7d9 fa56ea01", 4, true },
	{ "01 02 00000001 00000002", 4, true },
	{ "03 01 0000fc00 04 02 0000fc01 0000fc02 02 01 00000001", 4, true },
	{ "02 01 fde8", 2, true },
	{ "02 02 fde8 b7d9 01 01 0001 03 01 fc00 04 01 fc01", 2, true },
	{ "02 01 fde8", 4, false },
	{ "02 02 fde8 b7d9", 4, false },
	{ "02 01 0000fde8", 2, false },		/* one AS and two bytes */
	{ "00 01 00000001", 4, false },		/* segment type 0 */
	{ "05 01 00000001", 4, false },		/* segment type 5 */
	{ "02 01 00000001 ff 01 00000002", 4, false },
	{ "02 00", 4, false },			/* empty segment */
	{ "02 01 00000001 02 00", 4, false },
	{ "02 00", 2, false },
	{ "02 02 00000001", 4, false },		/* overrun */
	{ "02 01 000000", 4, false },
	{ "02 01 00000001 02", 4, false },	/* one trailing byte */
	{ "02", 4, false },
	{ "02", 2, false },
	{ "02 01 fde8 02", 2, false },
	{ "02 01 fde8 0201", 2, false },	/* count 1, no AS */
};

#define N_VALID	(sizeof(valid_cases) / sizeof(valid_cases[0]))

START_TEST(test_aspath_validate)
{
	const struct valid_case *c = &valid_cases[_i];
	const char *reason = NULL;
	uint8_t *buf;
	size_t len;
	int rc;

	buf = load(c->hex, &len);
	rc = aspath_validate(rbuf_make(buf, len), c->as_size, &reason);
	ck_assert_msg(rc == (c->ok ? 0 : -1), "\"%s\"/%u: rc %d", c->hex,
	    c->as_size, rc);
	if (!c->ok)
		ck_assert_msg(reason != NULL, "%s: no reason", c->hex);
	free(buf);
}
END_TEST

/* The longest segment: 255 numbers. */
START_TEST(test_aspath_validate_255)
{
	uint8_t buf[2 + 255 * 4];
	const char *reason;
	unsigned i;

	buf[0] = BGP_AS_SEQUENCE;
	buf[1] = 255;
	for (i = 0; i < 255; i++) {
		buf[2 + 4 * i] = 0;
		buf[3 + 4 * i] = 0;
		buf[4 + 4 * i] = 0;
		buf[5 + 4 * i] = (uint8_t)(i + 1);
	}
	ck_assert_int_eq(aspath_validate(rbuf_make(buf, sizeof(buf)), 4,
	    &reason), 0);
	ck_assert_int_eq(aspath_validate(rbuf_make(buf, sizeof(buf) - 1), 4,
	    &reason), -1);
	ck_assert_uint_eq(aspath_length(rbuf_make(buf, sizeof(buf))), 255);
}
END_TEST

START_TEST(test_aspath_iter)
{
	struct aspath_iter it;
	struct aspath_seg seg;
	uint8_t *buf;
	size_t len;

	buf = load("02 02 00000001 fa56ea01 01 01 00000003 03 01 0000fc00",
	    &len);
	aspath_iter_init(&it, rbuf_make(buf, len));
	ck_assert_int_eq(aspath_iter_next(&it, &seg), 1);
	ck_assert_uint_eq(seg.type, BGP_AS_SEQUENCE);
	ck_assert_uint_eq(seg.count, 2);
	ck_assert_uint_eq(aspath_seg_as(&seg, 0), 1);
	ck_assert_uint_eq(aspath_seg_as(&seg, 1), 4200000001u);
	ck_assert_int_eq(aspath_iter_next(&it, &seg), 1);
	ck_assert_uint_eq(seg.type, BGP_AS_SET);
	ck_assert_uint_eq(seg.count, 1);
	ck_assert_uint_eq(aspath_seg_as(&seg, 0), 3);
	ck_assert_int_eq(aspath_iter_next(&it, &seg), 1);
	ck_assert_uint_eq(seg.type, BGP_AS_CONFED_SEQUENCE);
	ck_assert_uint_eq(aspath_seg_as(&seg, 0), 64512);
	ck_assert_int_eq(aspath_iter_next(&it, &seg), 0);
	free(buf);

	buf = load("02 02 00000001", &len);
	aspath_iter_init(&it, rbuf_make(buf, len));
	ck_assert_int_eq(aspath_iter_next(&it, &seg), -1);
	free(buf);
}
END_TEST

/* ---- properties of a path ---- */

struct prop_case {
	const char	*hex;
	unsigned	 length;
	uint32_t	 first, origin;
	bool		 confed;
};

static const struct prop_case prop_cases[] = {
	{ "", 0, 0, 0, false },
	{ "02 03 0000fde8 0000b7d9 fa56ea01", 3, 65000, 4200000001u, false },
	/* RFC 4271 9.1.2.2: a set counts one */
	{ "02 02 0000fde8 0000b7d9 01 03 00000001 00000002 00000003", 3,
	    65000, 0, false },
	{ "02 01 0000fde8 02 02 0000b7d9 00000005", 3, 65000, 5, false },
	{ "01 02 00000001 00000002 01 01 00000003", 2, 0, 0, false },
	/* RFC 5065 5.3: confederation segments count zero */
	{ "03 02 0000fc00 0000fc01 02 01 00000001", 1, 1, 1, true },
	{ "04 02 0000fc00 0000fc01 02 02 00000001 00000002", 2, 1, 2, true },
	{ "03 01 0000fc00 04 01 0000fc01", 0, 0, 0, true },
	{ "02 01 00000007 01 01 00000008 02 01 00000009", 3, 7, 9, false },
};

#define N_PROP	(sizeof(prop_cases) / sizeof(prop_cases[0]))

START_TEST(test_aspath_props)
{
	const struct prop_case *c = &prop_cases[_i];
	struct rbuf p;
	uint8_t *buf;
	size_t len;

	buf = load(c->hex, &len);
	p = rbuf_make(buf, len);
	ck_assert_msg(aspath_length(p) == c->length, "%s: length %u", c->hex,
	    aspath_length(p));
	ck_assert_msg(aspath_first_as(p) == c->first, "%s: first %u", c->hex,
	    aspath_first_as(p));
	ck_assert_msg(aspath_origin_as(p) == c->origin, "%s: origin %u",
	    c->hex, aspath_origin_as(p));
	ck_assert(aspath_has_confed(p) == c->confed);
	free(buf);
}
END_TEST

START_TEST(test_aspath_contains)
{
	struct rbuf p;
	uint8_t *buf;
	size_t len;

	buf = load("02 02 0000fde8 fa56ea01 01 02 00000001 00000002", &len);
	p = rbuf_make(buf, len);
	ck_assert(aspath_contains(p, 65000));
	ck_assert(aspath_contains(p, 4200000001u));
	ck_assert(aspath_contains(p, 2));		/* in the set */
	ck_assert(!aspath_contains(p, 3));
	ck_assert(!aspath_contains(p, 0));
	ck_assert(!aspath_contains(p, 4200000002u));
	ck_assert(!aspath_contains(p, 0xfde80000u));
	ck_assert(!aspath_contains(rbuf_make(buf, 0), 65000));
	free(buf);
}
END_TEST

/* ---- rewriting ---- */

static void
check_out(const struct wbuf *w, const char *hex)
{
	uint8_t want[2048];
	size_t n;

	n = th_hex(hex, want, sizeof(want));
	ck_assert(!w->overflow);
	ck_assert_msg(w->len == n, "length %zu, want %zu (%s)", w->len, n,
	    hex);
	ck_assert(n == 0 || memcmp(w->p, want, n) == 0);
}

START_TEST(test_aspath_widen)
{
	uint8_t mem[256], *buf;
	struct wbuf w;
	size_t len;

	buf = load("02 03 fde8 b7d9 0001 01 02 0001 ffff 03 01 fc00 04 01 fc01",
	    &len);
	wbuf_init(&w, mem, sizeof(mem));
	aspath_widen(rbuf_make(buf, len), &w);
	check_out(&w, "02 03 0000fde8 0000b7d9 00000001 01 02 00000001 "
	    "0000ffff 03 01 0000fc00 04 01 0000fc01");
	free(buf);

	wbuf_init(&w, mem, sizeof(mem));
	aspath_widen(rbuf_make(mem, 0), &w);
	check_out(&w, "");
}
END_TEST

struct narrow_case {
	const char	*in;
	const char	*out;
	bool		 as4;
};

static const struct narrow_case narrow_cases[] = {
	{ "02 02 0000fde8 fa56ea01", "02 02 fde8 5ba0", true },
	{ "02 02 0000fde8 0000ffff", "02 02 fde8 ffff", false },
	{ "02 01 00010000", "02 01 5ba0", true },	/* 65536 */
	{ "01 02 fa56ea01 00000001", "01 02 5ba0 0001", true },
	{ "03 01 0000fc00 02 01 00000001", "03 01 fc00 02 01 0001", false },
	{ "", "", false },
};

#define N_NARROW (sizeof(narrow_cases) / sizeof(narrow_cases[0]))

START_TEST(test_aspath_narrow)
{
	const struct narrow_case *c = &narrow_cases[_i];
	uint8_t mem[256], *buf;
	struct wbuf w;
	size_t len;

	buf = load(c->in, &len);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert(aspath_narrow(rbuf_make(buf, len), &w) == c->as4);
	check_out(&w, c->out);
	free(buf);
}
END_TEST

START_TEST(test_aspath_strip_confed)
{
	uint8_t mem[256], *buf;
	struct wbuf w;
	size_t len;

	buf = load("03 01 0000fc00 04 02 0000fc01 0000fc02 "
	    "02 02 00000001 fa56ea01 01 01 00000003", &len);
	wbuf_init(&w, mem, sizeof(mem));
	aspath_strip_confed(rbuf_make(buf, len), &w);
	check_out(&w, "02 02 00000001 fa56ea01 01 01 00000003");
	free(buf);

	buf = load("02 01 00000001", &len);
	wbuf_init(&w, mem, sizeof(mem));
	aspath_strip_confed(rbuf_make(buf, len), &w);
	check_out(&w, "02 01 00000001");
	free(buf);

	buf = load("03 01 0000fc00", &len);
	wbuf_init(&w, mem, sizeof(mem));
	aspath_strip_confed(rbuf_make(buf, len), &w);
	check_out(&w, "");
	free(buf);
}
END_TEST

/* ---- RFC 6793 4.2.3 ---- */

struct merge_case {
	const char	*name;
	const char	*as_path;	/* widened AS_PATH */
	const char	*as4_path;
	const char	*want;		/* text, path_text() form */
};

static const struct merge_case merge_cases[] = {
	{ "two 4-byte numbers",
	    "02 04 0000fde8 00005ba0 00005ba0 00000001",
	    "02 03 fa56ea01 fa56ea02 00000001",
	    "65000 4200000001 4200000002 1" },
	{ "equal counts",
	    "02 02 00005ba0 00005ba0",
	    "02 02 fa56ea01 fa56ea02",
	    "4200000001 4200000002" },
	{ "as4_path longer: ignored",
	    "02 02 00005ba0 00000001",
	    "02 03 fa56ea01 fa56ea02 00000001",
	    "23456 1" },
	{ "empty as4_path",
	    "02 02 0000fde8 00005ba0",
	    "",
	    "65000 23456" },
	{ "split inside a sequence",
	    "02 04 00000001 00000002 00000003 00000004",
	    "02 02 0000001e 00000028",
	    "1 2 30 40" },
	/* a set counts one, whatever its size */
	{ "trailing set",
	    "02 02 0000fde8 00005ba0 01 02 00000001 00000002",
	    "02 01 fa56ea01 01 02 00000001 00000002",
	    "65000 4200000001 {1 2}" },
	{ "leading set kept",
	    "02 01 00000001 01 02 00000002 00000003 02 01 00005ba0",
	    "02 01 fa56ea01",
	    "1 {2 3} 4200000001" },
	{ "set makes as4_path longer",
	    "02 01 00005ba0 01 03 00000001 00000002 00000003",
	    "02 03 fa56ea01 00000001 00000002",
	    "23456 {1 2 3}" },
	/* confederation segments in AS4_PATH are ignored */
	{ "confed in as4_path",
	    "02 02 0000fde8 00005ba0",
	    "03 01 0000fc00 02 01 fa56ea01",
	    "65000 4200000001" },
	/* and count zero in AS_PATH, where they stay at the front */
	{ "confed in as_path",
	    "03 01 0000fc00 02 02 0000fde8 00005ba0",
	    "02 01 fa56ea01",
	    "(64512) 65000 4200000001" },
	{ "confed only difference",
	    "03 02 0000fc00 0000fc01 02 01 00005ba0",
	    "02 01 fa56ea01",
	    "(64512 64513) 4200000001" },
};

#define N_MERGE	(sizeof(merge_cases) / sizeof(merge_cases[0]))

START_TEST(test_aspath_merge_as4)
{
	const struct merge_case *c = &merge_cases[_i];
	uint8_t mem[512], *p, *p4;
	const char *reason;
	char got[256];
	struct wbuf w;
	size_t len, len4;

	p = load(c->as_path, &len);
	p4 = load(c->as4_path, &len4);
	wbuf_init(&w, mem, sizeof(mem));
	aspath_merge_as4(rbuf_make(p, len), rbuf_make(p4, len4), &w);
	ck_assert(!w.overflow);
	ck_assert_msg(aspath_validate(rbuf_make(mem, w.len), 4, &reason) == 0,
	    "%s: merged path invalid", c->name);
	path_text(mem, w.len, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->want) == 0, "%s: \"%s\", want \"%s\"",
	    c->name, got, c->want);
	free(p);
	free(p4);
}
END_TEST

/* ---- building ---- */

static void
check_seq(const uint32_t *as, size_t n)
{
	static uint8_t mem[8192], want[8192];
	struct wbuf w;
	size_t i, off = 0, seg;

	for (i = 0; i < n; i += seg) {
		size_t j;

		seg = n - i > 255 ? 255 : n - i;
		want[off++] = BGP_AS_SEQUENCE;
		want[off++] = (uint8_t)seg;
		for (j = 0; j < seg; j++) {
			want[off++] = (uint8_t)(as[i + j] >> 24);
			want[off++] = (uint8_t)(as[i + j] >> 16);
			want[off++] = (uint8_t)(as[i + j] >> 8);
			want[off++] = (uint8_t)as[i + j];
		}
	}
	wbuf_init(&w, mem, sizeof(mem));
	aspath_encode_seq(&w, as, n);
	ck_assert(!w.overflow);
	ck_assert_msg(w.len == off, "%zu numbers: %zu bytes, want %zu", n,
	    w.len, off);
	ck_assert(memcmp(mem, want, off) == 0);
	ck_assert_uint_eq(aspath_length(rbuf_make(mem, w.len)), n);
}

START_TEST(test_aspath_encode_seq)
{
	static const size_t sizes[] = { 1, 3, 254, 255, 256, 300, 510, 511 };
	uint32_t as[600];
	size_t i;

	for (i = 0; i < 600; i++)
		as[i] = (uint32_t)(4200000000u + i);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_seq(as, sizes[i]);
}
END_TEST

/* ---- text ---- */

struct text_case {
	const char	*text;
	const char	*hex;
};

static const struct text_case text_cases[] = {
	{ "47065 3356 {64500 64501}",
	    "02 02 0000b7d9 00000d1c 01 02 0000fbf4 0000fbf5" },
	{ "(64512 64513) 3356", "03 02 0000fc00 0000fc01 02 01 00000d1c" },
	{ "({1 2})", "04 02 00000001 00000002" },
	{ "4200000000 23456", "02 02 fa56ea00 00005ba0" },
	{ "4294967295", "02 01 ffffffff" },
	{ "{1}", "01 01 00000001" },
	{ "({1 2}) (3) 4 {5}",
	    "04 02 00000001 00000002 03 01 00000003 02 01 00000004 "
	    "01 01 00000005" },
	{ "1 {2} 3", "02 01 00000001 01 01 00000002 02 01 00000003" },
	{ "", "" },
};

#define N_TEXT	(sizeof(text_cases) / sizeof(text_cases[0]))

START_TEST(test_aspath_text)
{
	const struct text_case *c = &text_cases[_i];
	uint8_t mem[512], want[512];
	char buf[256];
	struct wbuf w;
	size_t n, need;

	n = th_hex(c->hex, want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_msg(aspath_parse_text(c->text, &w) == 0, "\"%s\" rejected",
	    c->text);
	ck_assert(!w.overflow);
	ck_assert_msg(w.len == n && (n == 0 || memcmp(mem, want, n) == 0),
	    "\"%s\": wrong bytes", c->text);

	need = bgp_format_aspath(rbuf_make(want, n), buf, sizeof(buf));
	ck_assert_str_eq(buf, c->text);
	ck_assert_uint_eq(need, strlen(c->text));

	/* and once more around */
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(aspath_parse_text(buf, &w), 0);
	ck_assert_uint_eq(w.len, n);
}
END_TEST

static const char *const bad_texts[] = {
	"abc",
	"{1 2",
	"(1 2",
	"1 2)",
	"1 2}",
	"4294967296",
	"99999999999999999999",
	"1 {2 {3}}",
	"-1",
	"1,2",
	"{}",
	"()",
	"1x",
	"0x10",
};

#define N_BAD_TEXT (sizeof(bad_texts) / sizeof(bad_texts[0]))

START_TEST(test_aspath_text_bad)
{
	uint8_t mem[512];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_msg(aspath_parse_text(bad_texts[_i], &w) == -1,
	    "\"%s\" accepted", bad_texts[_i]);
}
END_TEST

Suite *aspath_suite(void)
{
	Suite *s = suite_create("aspath");
	TCase *tc = tcase_create("aspath");

	tcase_add_loop_test(tc, test_aspath_validate, 0, (int)N_VALID);
	tcase_add_test(tc, test_aspath_validate_255);
	tcase_add_test(tc, test_aspath_iter);
	tcase_add_loop_test(tc, test_aspath_props, 0, (int)N_PROP);
	tcase_add_test(tc, test_aspath_contains);
	tcase_add_test(tc, test_aspath_widen);
	tcase_add_loop_test(tc, test_aspath_narrow, 0, (int)N_NARROW);
	tcase_add_test(tc, test_aspath_strip_confed);
	tcase_add_loop_test(tc, test_aspath_merge_as4, 0, (int)N_MERGE);
	tcase_add_test(tc, test_aspath_encode_seq);
	tcase_add_loop_test(tc, test_aspath_text, 0, (int)N_TEXT);
	tcase_add_loop_test(tc, test_aspath_text_bad, 0, (int)N_BAD_TEXT);
	suite_add_tcase(s, tc);
	return s;
}
