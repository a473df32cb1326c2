/*
 * Text forms: attributes as documented in format.h, prefixes and
 * addresses (prefix.h), hex (hex.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/format.h"
#include "../../src/lib/prefix.h"
#include "testutil.h"

enum fmt_kind { F_ASPATH, F_COMM, F_LARGE, F_EXT };

struct fmt_case {
	enum fmt_kind	 kind;
	const char	*hex;
	const char	*text;
};

static const struct fmt_case fmt_cases[] = {
	{ F_ASPATH, "02 02 0000b7d9 00000d1c 01 02 0000fbf4 0000fbf5",
	    "47065 3356 {64500 64501}" },
	{ F_ASPATH, "03 02 00000001 00000002", "(1 2)" },
	{ F_ASPATH, "04 02 00000001 00000002", "({1 2})" },
	{ F_ASPATH, "03 02 0000fc00 0000fc01 02 01 00000d1c",
	    "(64512 64513) 3356" },
	{ F_ASPATH, "02 01 fa56ea00", "4200000000" },
	{ F_ASPATH, "02 02 00000000 ffffffff", "0 4294967295" },
	{ F_ASPATH, "", "" },
	{ F_COMM, "b7d90001 b7d903e9", "(47065,1) (47065,1001)" },
	{ F_COMM, "00000000", "(0,0)" },
	{ F_COMM, "", "" },
	{ F_LARGE, "0000b7d9 00000001 00000002 0000b7d9 00000003 00000004",
	    "(47065, 1, 2) (47065, 3, 4)" },
	{ F_LARGE, "fa56ea00 ffffffff 00000000",
	    "(4200000000, 4294967295, 0)" },
	{ F_LARGE, "", "" },
	/* RFC 4360 3.1 route target 0x0002, 3.2 route origin 0x0103 */
	{ F_EXT, "0002 b7d9 00000064 0103 01020304 0005 43 00 00000000 0001",
	    "(rt, 47065, 100) (ro, 1.2.3.4, 5) (generic, 0x43000000, 0x1)" },
	{ F_EXT, "0002 b7d9 00000064", "(rt, 47065, 100)" },
	{ F_EXT, "0103 01020304 0005", "(ro, 1.2.3.4, 5)" },
	{ F_EXT, "", "" },
};

#define N_FMT	(sizeof(fmt_cases) / sizeof(fmt_cases[0]))

static size_t
fmt(enum fmt_kind k, struct rbuf b, char *buf, size_t size)
{
	switch (k) {
	case F_ASPATH:
		return bgp_format_aspath(b, buf, size);
	case F_COMM:
		return bgp_format_communities(b, buf, size);
	case F_LARGE:
		return bgp_format_large_communities(b, buf, size);
	case F_EXT:
		return bgp_format_ext_communities(b, buf, size);
	}
	return 0;
}

START_TEST(test_format_text)
{
	const struct fmt_case *c = &fmt_cases[_i];
	uint8_t tmp[256], *val;
	char buf[512];
	size_t n, need;

	n = th_hex(c->hex, tmp, sizeof(tmp));
	val = malloc(n > 0 ? n : 1);
	memcpy(val, tmp, n);
	memset(buf, 'X', sizeof(buf));
	need = fmt(c->kind, rbuf_make(val, n), buf, sizeof(buf));
	ck_assert_str_eq(buf, c->text);
	ck_assert_uint_eq(need, strlen(c->text));
	free(val);
}
END_TEST

/* snprintf's contract: the needed length back, a NUL-terminated prefix
 * in the buffer, nothing written past size. */
START_TEST(test_format_truncate)
{
	const struct fmt_case *c = &fmt_cases[_i];
	uint8_t val[256];
	char buf[64];
	size_t n, len, size;

	len = strlen(c->text);
	n = th_hex(c->hex, val, sizeof(val));
	for (size = 0; size <= len + 1 && size < sizeof(buf) - 1; size++) {
		memset(buf, 'X', sizeof(buf));
		ck_assert_uint_eq(fmt(c->kind, rbuf_make(val, n), buf, size),
		    len);
		if (size == 0) {
			ck_assert_int_eq(buf[0], 'X');
			continue;
		}
		ck_assert_msg(strlen(buf) == (len < size ? len : size - 1),
		    "size %zu: \"%s\"", size, buf);
		ck_assert(strncmp(buf, c->text, strlen(buf)) == 0);
		ck_assert_int_eq(buf[size], 'X');
	}
}
END_TEST

/* A text longer than any buffer a caller would pass. */
START_TEST(test_format_long_path)
{
	uint8_t path[2 + 200 * 4];
	char small[32], *big;
	size_t need, i;

	path[0] = BGP_AS_SEQUENCE;
	path[1] = 200;
	for (i = 0; i < 200; i++) {
		path[2 + 4 * i] = 0xfa;
		path[3 + 4 * i] = 0x56;
		path[4 + 4 * i] = 0xea;
		path[5 + 4 * i] = (uint8_t)i;
	}
	need = bgp_format_aspath(rbuf_make(path, sizeof(path)), small,
	    sizeof(small));
	ck_assert_uint_gt(need, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	big = malloc(need + 1);
	ck_assert_uint_eq(bgp_format_aspath(rbuf_make(path, sizeof(path)),
	    big, need + 1), need);
	ck_assert_uint_eq(strlen(big), need);
	ck_assert(strncmp(big, small, sizeof(small) - 1) == 0);
	ck_assert(strncmp(big, "4200000000 4200000001 ", 22) == 0);
	free(big);
}
END_TEST

START_TEST(test_origin_name)
{
	ck_assert_str_eq(bgp_origin_name(0), "IGP");
	ck_assert_str_eq(bgp_origin_name(1), "EGP");
	ck_assert_str_eq(bgp_origin_name(2), "Incomplete");
	ck_assert_str_eq(bgp_origin_name(3), "?");
	ck_assert_str_eq(bgp_origin_name(255), "?");
}
END_TEST

/* ---- prefixes and addresses ---- */

struct pfx_case {
	const char	*text;
	bool		 strict;
	int		 rc;
	const char	*canon;		/* prefix_format of the result */
	unsigned	 af, len;
};

static const struct pfx_case pfx_cases[] = {
	{ "184.164.224.0/24", true, 0, "184.164.224.0/24", AF_IDX_IPV4, 24 },
	{ "2804:269c::/42", true, 0, "2804:269c::/42", AF_IDX_IPV6, 42 },
	{ "0.0.0.0/0", true, 0, "0.0.0.0/0", AF_IDX_IPV4, 0 },
	{ "::/0", true, 0, "::/0", AF_IDX_IPV6, 0 },
	{ "1.2.3.4/32", true, 0, "1.2.3.4/32", AF_IDX_IPV4, 32 },
	{ "2001:db8::1/128", true, 0, "2001:db8::1/128", AF_IDX_IPV6, 128 },
	{ "2001:DB8::/32", true, 0, "2001:db8::/32", AF_IDX_IPV6, 32 },
	/* host bits: an error when strict, masked otherwise */
	{ "184.164.224.1/24", true, -1, NULL, 0, 0 },
	{ "184.164.224.1/24", false, 0, "184.164.224.0/24", AF_IDX_IPV4, 24 },
	{ "184.164.225.0/23", false, 0, "184.164.224.0/23", AF_IDX_IPV4, 23 },
	{ "2804:269c:ffff::/42", true, -1, NULL, 0, 0 },
	{ "2804:269c:ffff::/42", false, 0, "2804:269c:ffc0::/42", AF_IDX_IPV6,
	    42 },
	{ "10.0.0.1/0", false, 0, "0.0.0.0/0", AF_IDX_IPV4, 0 },
	{ "184.164.224.0", false, -1, NULL, 0, 0 },
	{ "184.164.224.0/33", false, -1, NULL, 0, 0 },
	{ "2001:db8::/129", false, -1, NULL, 0, 0 },
	{ "/24", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/-1", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/+24", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/ 24", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/24x", false, -1, NULL, 0, 0 },
	{ "1.2.3.4/0x18", false, -1, NULL, 0, 0 },
	{ "1.2.3/24", false, -1, NULL, 0, 0 },
	{ "1.2.3.256/24", false, -1, NULL, 0, 0 },
	{ "", false, -1, NULL, 0, 0 },
	{ "example.com/24", false, -1, NULL, 0, 0 },
};

#define N_PFX	(sizeof(pfx_cases) / sizeof(pfx_cases[0]))

START_TEST(test_prefix_parse)
{
	const struct pfx_case *c = &pfx_cases[_i];
	char buf[PREFIX_STRLEN];
	struct prefix p, again;

	ck_assert_msg(prefix_parse(c->text, c->strict, &p) == c->rc,
	    "\"%s\" strict %d", c->text, c->strict);
	if (c->rc != 0)
		return;
	ck_assert_uint_eq(p.af, c->af);
	ck_assert_uint_eq(p.len, c->len);
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), c->canon);
	/* the canonical text parses strictly into the same prefix */
	ck_assert_int_eq(prefix_parse(buf, true, &again), 0);
	ck_assert(prefix_equal(&p, &again));
	ck_assert(memcmp(&p, &again, sizeof(p)) == 0);
}
END_TEST

START_TEST(test_prefix_mask_equal)
{
	struct prefix a, b;

	memset(&a, 0, sizeof(a));
	a.af = AF_IDX_IPV4;
	a.len = 20;
	memcpy(a.addr, "\x0a\x01\xff\xff", 4);
	a.addr[10] = 0x77;		/* past the family's width */
	prefix_mask(&a);
	ck_assert_int_eq(prefix_parse("10.1.240.0/20", true, &b), 0);
	ck_assert(prefix_equal(&a, &b));
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);
	b.len = 21;
	ck_assert(!prefix_equal(&a, &b));
}
END_TEST

START_TEST(test_addr_parse)
{
	char buf[ADDR_STRLEN];
	struct prefix p;

	ck_assert_int_eq(addr_parse("100.65.128.1", &p), 0);
	ck_assert_uint_eq(p.af, AF_IDX_IPV4);
	ck_assert_uint_eq(p.len, 32);
	ck_assert_mem_eq(p.addr, "\x64\x41\x80\x01", 4);
	ck_assert_str_eq(addr_format(p.af, p.addr, buf, sizeof(buf)),
	    "100.65.128.1");

	ck_assert_int_eq(addr_parse("2804:269c:ff00:1:1::1", &p), 0);
	ck_assert_uint_eq(p.af, AF_IDX_IPV6);
	ck_assert_uint_eq(p.len, 128);
	ck_assert_mem_eq(p.addr, "\x28\x04\x26\x9c\xff\x00\x00\x01"
	    "\x00\x01\x00\x00\x00\x00\x00\x01", 16);
	ck_assert_str_eq(addr_format(p.af, p.addr, buf, sizeof(buf)),
	    "2804:269c:ff00:1:1::1");

	ck_assert_int_eq(addr_parse("1.2.3.4.5", &p), -1);
	ck_assert_int_eq(addr_parse("1.2.3.4/32", &p), -1);
	ck_assert_int_eq(addr_parse("abc", &p), -1);
	ck_assert_int_eq(addr_parse("", &p), -1);
	ck_assert_int_eq(addr_parse("2001:db8:::1", &p), -1);
}
END_TEST

/* ---- hex ---- */

START_TEST(test_hex)
{
	static const uint8_t bytes[] = { 0x00, 0xab, 0xff, 0x10 };
	uint8_t out[8];
	char text[2 * sizeof(bytes) + 1];

	ck_assert_int_eq(hex_decode("00 ab:FF\n10", out, sizeof(out)), 4);
	ck_assert_mem_eq(out, bytes, sizeof(bytes));
	ck_assert_int_eq(hex_decode("", out, sizeof(out)), 0);
	ck_assert_int_eq(hex_decode("0", out, sizeof(out)), -1);
	ck_assert_int_eq(hex_decode("0 0", out, sizeof(out)), 1);
	ck_assert_int_eq(hex_decode("zz", out, sizeof(out)), -1);
	ck_assert_int_eq(hex_decode("0x10", out, sizeof(out)), -1);
	ck_assert_int_eq(hex_decode("000102", out, 2), -1);
	ck_assert_int_eq(hex_decode("0001", out, 2), 2);

	ck_assert_str_eq(hex_encode(bytes, sizeof(bytes), text), "00abff10");
	ck_assert_str_eq(hex_encode(bytes, 0, text), "");
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_format_text, 0, (int)N_FMT);
	tcase_add_loop_test(tc, test_format_truncate, 0, (int)N_FMT);
	tcase_add_test(tc, test_format_long_path);
	tcase_add_test(tc, test_origin_name);
	tcase_add_loop_test(tc, test_prefix_parse, 0, (int)N_PFX);
	tcase_add_test(tc, test_prefix_mask_equal);
	tcase_add_test(tc, test_addr_parse);
	tcase_add_test(tc, test_hex);
	suite_add_tcase(s, tc);
	return s;
}
