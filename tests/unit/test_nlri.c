/*
 * NLRI blocks (RFC 4271 4.3, RFC 4760 5, RFC 7911 3): iteration, host
 * bits, validation and encoding.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/nlri.h"
#include "testutil.h"

#define MAX_PFX	6

struct nlri_case {
	const char	*name;
	unsigned	 af;
	bool		 addpath;
	const char	*hex;
	unsigned	 n;		/* good prefixes before the end */
	const char	*pfx[MAX_PFX];
	uint32_t	 id[MAX_PFX];
	bool		 bad;		/* then -1 */
	bool		 canon;		/* re-encodes to the same bytes */
};

static const struct nlri_case nlri_cases[] = {
	{ "ipv4", AF_IDX_IPV4, false,
	    "18 c0a800 10 0a01 00 20 01020304 08 0a", 5,
	    { "192.168.0.0/24", "10.1.0.0/16", "0.0.0.0/0", "1.2.3.4/32",
	    "10.0.0.0/8" }, { 0 }, false, true },
	/* RFC 4271 4.3: the trailing bits are irrelevant */
	{ "ipv4 host bits", AF_IDX_IPV4, false,
	    "17 c0a801 09 0aff 1e 0a000003 01 ff", 4,
	    { "192.168.0.0/23", "10.128.0.0/9", "10.0.0.0/30", "128.0.0.0/1" },
	    { 0 }, false, false },
	{ "ipv6", AF_IDX_IPV6, false,
	    "20 20010db8 30 20010db80001 "
	    "80 20010db8000000000000000000000001 00 "
	    "2a 2804269c0000", 5,
	    { "2001:db8::/32", "2001:db8:1::/48", "2001:db8::1/128", "::/0",
	    "2804:269c::/42" }, { 0 }, false, true },
	{ "ipv6 host bits", AF_IDX_IPV6, false,
	    "41 20010db8 00000000 ff 2a 2804269cffff", 2,
	    { "2001:db8:0:0:8000::/65", "2804:269c:ffc0::/42" }, { 0 }, false,
	    false },
	{ "ipv4 add-path", AF_IDX_IPV4, true,
	    "00000001 18 c00002 ffffffff 18 c00002 00000000 00", 3,
	    { "192.0.2.0/24", "192.0.2.0/24", "0.0.0.0/0" },
	    { 1, 0xffffffff, 0 }, false, true },
	{ "ipv6 add-path", AF_IDX_IPV6, true,
	    "0000000a 30 20010db80001 00000002 80 "
	    "20010db8000000000000000000000001", 2,
	    { "2001:db8:1::/48", "2001:db8::1/128" }, { 10, 2 }, false, true },
	{ "empty ipv4", AF_IDX_IPV4, false, "", 0, { NULL }, { 0 }, false,
	    true },
	{ "empty add-path", AF_IDX_IPV6, true, "", 0, { NULL }, { 0 }, false,
	    true },

	{ "ipv4 length 33", AF_IDX_IPV4, false, "18 c00002 21 0102030405", 1,
	    { "192.0.2.0/24" }, { 0 }, true, false },
	{ "ipv4 length 255", AF_IDX_IPV4, false, "ff 01020304", 0, { NULL },
	    { 0 }, true, false },
	{ "ipv4 past end", AF_IDX_IPV4, false, "18 c000", 0, { NULL }, { 0 },
	    true, false },
	{ "ipv4 past end later", AF_IDX_IPV4, false, "08 0a 20 010203", 1,
	    { "10.0.0.0/8" }, { 0 }, true, false },
	{ "ipv6 length 129", AF_IDX_IPV6, false,
	    "81 20010db8000000000000000000000001 00", 0, { NULL }, { 0 },
	    true, false },
	{ "ipv6 past end", AF_IDX_IPV6, false, "40 20010db8", 0, { NULL },
	    { 0 }, true, false },
	{ "path id cut", AF_IDX_IPV4, true, "000000", 0, { NULL }, { 0 },
	    true, false },
	{ "no length after id", AF_IDX_IPV4, true, "00000001", 0,
	    { NULL }, { 0 }, true, false },
	{ "add-path length 33", AF_IDX_IPV4, true, "00000001 21 0102030405",
	    0, { NULL }, { 0 }, true, false },
	/* add-path bytes read without add-path are something else */
	{ "add-path read plain", AF_IDX_IPV4, false, "00000001 18 c00002", 4,
	    { "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/1" }, { 0 },
	    true, false },
};

#define N_NLRI	(sizeof(nlri_cases) / sizeof(nlri_cases[0]))

static uint8_t *
load(const char *hex, size_t *len)
{
	uint8_t tmp[256], *buf;

	*len = th_hex(hex, tmp, sizeof(tmp));
	/* exact size, so ASan sees a read past the end */
	buf = malloc(*len > 0 ? *len : 1);
	memcpy(buf, tmp, *len);
	return buf;
}

START_TEST(test_nlri_iter)
{
	const struct nlri_case *c = &nlri_cases[_i];
	struct nlri_iter it;
	struct prefix p, want;
	uint32_t id;
	uint8_t *buf;
	size_t len;
	unsigned i;
	int rc;

	buf = load(c->hex, &len);
	nlri_iter_init(&it, rbuf_make(buf, len), c->af, c->addpath);
	for (i = 0; i < c->n; i++) {
		memset(&p, 0xee, sizeof(p));
		id = 0xeeeeeeee;
		rc = nlri_iter_next(&it, &p, &id);
		ck_assert_msg(rc == 1, "%s: #%u rc %d", c->name, i, rc);
		ck_assert_int_eq(prefix_parse(c->pfx[i], true, &want), 0);
		/* bits past the length are zero: equal as whole structs */
		ck_assert_msg(memcmp(&p, &want, sizeof(p)) == 0,
		    "%s: #%u af %u len %u, want %s", c->name, i, p.af, p.len,
		    c->pfx[i]);
		ck_assert_msg(id == (c->addpath ? c->id[i] : 0),
		    "%s: #%u path id %u", c->name, i, id);
	}
	rc = nlri_iter_next(&it, &p, &id);
	ck_assert_msg(rc == (c->bad ? -1 : 0), "%s: end rc %d", c->name, rc);
	free(buf);
}
END_TEST

START_TEST(test_nlri_validate)
{
	const struct nlri_case *c = &nlri_cases[_i];
	uint8_t *buf;
	size_t len, count = 9999;
	int rc;

	buf = load(c->hex, &len);
	rc = nlri_validate(rbuf_make(buf, len), c->af, c->addpath, &count);
	ck_assert_msg(rc == (c->bad ? -1 : 0), "%s: rc %d", c->name, rc);
	if (!c->bad)
		ck_assert_msg(count == c->n, "%s: count %zu", c->name, count);
	/* count may be NULL */
	rc = nlri_validate(rbuf_make(buf, len), c->af, c->addpath, NULL);
	ck_assert_int_eq(rc, c->bad ? -1 : 0);
	free(buf);
}
END_TEST

/* Encoding the prefixes again gives the bytes we started from. */
START_TEST(test_nlri_encode)
{
	const struct nlri_case *c = &nlri_cases[_i];
	uint8_t want[256], mem[256];
	struct prefix p;
	struct wbuf w;
	size_t n, total = 0;
	unsigned i;

	if (!c->canon)
		return;
	n = th_hex(c->hex, want, sizeof(want));
	wbuf_init(&w, mem, sizeof(mem));
	for (i = 0; i < c->n; i++) {
		ck_assert_int_eq(prefix_parse(c->pfx[i], true, &p), 0);
		nlri_encode(&w, &p, c->addpath, c->addpath ? c->id[i] : 0);
		total += nlri_entry_len(&p, c->addpath);
	}
	ck_assert(!w.overflow);
	ck_assert_uint_eq(total, n);
	ck_assert_uint_eq(w.len, n);
	ck_assert(n == 0 || memcmp(mem, want, n) == 0);
}
END_TEST

/* Only the length decides how many bytes go out. */
START_TEST(test_nlri_encode_sizes)
{
	uint8_t mem[64];
	struct prefix p;
	struct wbuf w;

	ck_assert_int_eq(prefix_parse("10.1.2.0/23", false, &p), 0);
	wbuf_init(&w, mem, sizeof(mem));
	nlri_encode(&w, &p, false, 0);
	ck_assert_uint_eq(w.len, 4);
	ck_assert_mem_eq(mem, "\x17\x0a\x01\x02", 4);

	ck_assert_int_eq(prefix_parse("0.0.0.0/0", true, &p), 0);
	wbuf_init(&w, mem, sizeof(mem));
	nlri_encode(&w, &p, true, 0x01020304);
	ck_assert_uint_eq(w.len, 5);
	ck_assert_mem_eq(mem, "\x01\x02\x03\x04\x00", 5);

	/* overflow is sticky, nothing partial */
	ck_assert_int_eq(prefix_parse("2001:db8::/32", true, &p), 0);
	wbuf_init(&w, mem, 3);
	nlri_encode(&w, &p, false, 0);
	ck_assert(w.overflow);
}
END_TEST

Suite *nlri_suite(void)
{
	Suite *s = suite_create("nlri");
	TCase *tc = tcase_create("nlri");

	tcase_add_loop_test(tc, test_nlri_iter, 0, (int)N_NLRI);
	tcase_add_loop_test(tc, test_nlri_validate, 0, (int)N_NLRI);
	tcase_add_loop_test(tc, test_nlri_encode, 0, (int)N_NLRI);
	tcase_add_test(tc, test_nlri_encode_sizes);
	suite_add_tcase(s, tc);
	return s;
}
