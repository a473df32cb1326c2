/*
 * Route filters: words and JSON parsed (and refused), and each filter
 * asked about a small RIB through the cursor it sets up: the paths it
 * selects, exactly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../../src/bgp/aspath.h"
#include "../../src/rib/rfilter.h"
#include "../../src/rib/route_json.h"
#include "../../src/vpn/mux.h"

static struct rib rib;
static int peers[2];

static void
setup(void)
{
	struct prefix a;

	ck_assert_int_eq(rib_init(&rib, NULL, NULL), 0);
	ck_assert_int_eq(addr_parse("100.65.128.1", &a), 0);
	peers[0] = rib_peer_add(&rib, "seattle01", AF_IDX_IPV4, &a, 47065,
	    true);
	ck_assert_int_eq(addr_parse("100.69.128.1", &a), 0);
	peers[1] = rib_peer_add(&rib, "amsterdam01", AF_IDX_IPV4, &a, 47065,
	    true);
}

static void
teardown(void)
{
	rib_destroy(&rib);
}

/* A path of prefix text from peer k, AS path text, next hop, a community
 * (0: none) and a large community's last part (0: none). */
static void
add(const char *prefix, int k, uint32_t id, const char *path,
    const char *nh, uint16_t comm, uint32_t large)
{
	static uint8_t pathbuf[256], cbuf[4], lbuf[12];
	struct bgp_attrs a;
	struct prefix p, hop;
	struct wbuf w;

	bgp_attrs_init(&a);
	wbuf_init(&w, pathbuf, sizeof(pathbuf));
	ck_assert_int_eq(aspath_parse_text(path, &w), 0);
	a.as_path = rbuf_make(pathbuf, w.len);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	a.origin = 0;
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	if (comm != 0) {
		uint8_t c[4] = { 0xb7, 0xd9, (uint8_t)(comm >> 8),
		    (uint8_t)comm };	/* 47065:comm */

		memcpy(cbuf, c, 4);
		a.communities = rbuf_make(cbuf, 4);
		bgp_attr_set(&a, BGP_ATTR_COMMUNITIES);
	}
	if (large != 0) {
		uint8_t l[12] = { 0, 0, 0xb7, 0xd9, 0, 0, 0, 1,
		    (uint8_t)(large >> 24), (uint8_t)(large >> 16),
		    (uint8_t)(large >> 8), (uint8_t)large };

		memcpy(lbuf, l, 12);
		a.large_communities = rbuf_make(lbuf, 12);
		bgp_attr_set(&a, BGP_ATTR_LARGE_COMMUNITIES);
	}
	ck_assert_int_eq(prefix_parse(prefix, true, &p), 0);
	ck_assert_int_eq(addr_parse(nh, &hop), 0);
	struct rattrs *ra = rattrs_get(&rib.attrs, &a, p.af, hop.addr, NULL);

	ck_assert_ptr_nonnull(ra);
	ck_assert_int_eq(rib_update(&rib, peers[k], &p, id, ra), RIB_OK);
}

static void
table(void)
{
	add("10.0.0.0/8", 0, 1, "47065 3356 15169", "100.65.0.2", 1, 0);
	add("10.0.0.0/8", 1, 1, "47065 174 {64500 64501}", "100.69.1.44",
	    0, 7);
	add("10.1.0.0/16", 0, 1, "47065 2914 64500", "100.65.0.3", 2, 0);
	add("10.1.2.0/24", 0, 1, "47065 3356 64502", "100.65.0.2", 1, 7);
	add("10.1.2.0/24", 0, 2, "47065 1299 64502", "100.65.1.0", 0, 0);
	add("10.2.0.0/16", 1, 1, "47065 6939", "100.69.0.9", 0, 0);
	add("2001:db8::/32", 1, 1, "47065 6939 64500", "2001:db8::1", 0, 7);
}

struct got {
	struct rfilter	*f;
	char		 text[1024];
	size_t		 n;
};

static void
visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	struct got *g = ctx;
	char buf[PREFIX_STRLEN];
	size_t len = strlen(g->text);

	if (!rfilter_path(g->f, &rib, path, best))
		return;
	snprintf(g->text + len, sizeof(g->text) - len, "%s%s/%s/%u",
	    g->n++ ? " " : "", prefix_format(p, buf, sizeof(buf)),
	    rib.peers[path->peer].name, path->path_id);
}

static void
json_visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	route_json_line(&rib, p, path, best, ctx);
}

/* The paths the words select, as "prefix/peer/id ...". */
static const char *
select_words(const char *words)
{
	static struct got g;
	static struct rfilter f;
	char buf[256], *argv[16], *save = NULL, err[128];
	int argc = 0, i = 0, k;
	struct rib_cursor c;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *t = strtok_r(buf, " ", &save); t != NULL && argc < 16;
	    t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	rfilter_init(&f);
	while (i < argc) {
		k = rfilter_word(&f, argc, argv, i, err, sizeof(err));
		ck_assert_msg(k > 0, "%s: %d %s", argv[i], k, err);
		i += k;
	}
	memset(&g, 0, sizeof(g));
	g.f = &f;
	rfilter_cursor(&f, &rib, &c);
	while (rib_cursor_step(&rib, &c, visit, &g) > 0)
		rfilter_reset(&f);
	return g.text;
}

#define SEL(words, want)	ck_assert_str_eq(select_words(words), want)

START_TEST(test_select)
{
	table();
	SEL("10.1.0.0/16", "10.1.0.0/16/seattle01/1");
	SEL("ipv6", "2001:db8::/32/amsterdam01/1");
	SEL("for 10.1.2.3", "10.1.2.0/24/seattle01/1 10.1.2.0/24/seattle01/2");
	SEL("for 10.1.3.3", "10.1.0.0/16/seattle01/1");
	SEL("for 10.9.9.9", "10.0.0.0/8/seattle01/1 10.0.0.0/8/amsterdam01/1");
	SEL("for 11.0.0.1", "");
	SEL("for 10.1.2.3 ipv6", "");
	SEL("for 2001:db8::5", "2001:db8::/32/amsterdam01/1");
	SEL("in 10.1.0.0/16", "10.1.0.0/16/seattle01/1 "
	    "10.1.2.0/24/seattle01/1 10.1.2.0/24/seattle01/2");
	SEL("in 10.0.0.0/15", "10.1.0.0/16/seattle01/1 "
	    "10.1.2.0/24/seattle01/1 10.1.2.0/24/seattle01/2");
	SEL("mux amsterdam01 ipv4", "10.0.0.0/8/amsterdam01/1 "
	    "10.2.0.0/16/amsterdam01/1");
	SEL("upstream 300", "10.0.0.0/8/amsterdam01/1");
	SEL("upstream 2", "10.0.0.0/8/seattle01/1 10.1.2.0/24/seattle01/1");
	SEL("upstream 256", "10.1.2.0/24/seattle01/2");
	SEL("as 64501", "10.0.0.0/8/amsterdam01/1");
	SEL("as 64500", "10.0.0.0/8/amsterdam01/1 10.1.0.0/16/seattle01/1 "
	    "2001:db8::/32/amsterdam01/1");
	/* A path ending in an AS_SET has no origin AS. */
	SEL("origin-as 64500", "10.1.0.0/16/seattle01/1 "
	    "2001:db8::/32/amsterdam01/1");
	SEL("origin-as 64502 community 47065:1", "10.1.2.0/24/seattle01/1");
	SEL("large-community 47065:1:7 ipv4", "10.0.0.0/8/amsterdam01/1 "
	    "10.1.2.0/24/seattle01/1");
	SEL("large-community 47065:1:8", "");
	SEL("community 47065:2", "10.1.0.0/16/seattle01/1");
	/* The best of 10.1.2.0/24: 3356 and 1299 tie to the path id. */
	SEL("best in 10.1.2.0/24", "10.1.2.0/24/seattle01/1");
	SEL("primary ipv4 mux amsterdam01", "10.2.0.0/16/amsterdam01/1");
}
END_TEST

static int
word_result(const char *words, char *err)
{
	char buf[256], *argv[8], *save = NULL;
	struct rfilter f;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *t = strtok_r(buf, " ", &save); t != NULL && argc < 8;
	    t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	rfilter_init(&f);
	return rfilter_word(&f, argc, argv, 0, err, 128);
}

START_TEST(test_words_bad)
{
	char err[128];

	ck_assert_int_eq(word_result("all", err), 0);
	ck_assert_int_eq(word_result("json", err), 0);
	ck_assert_int_eq(word_result("for", err), -1);
	ck_assert_str_eq(err, "for needs a value");
	ck_assert_int_eq(word_result("for x", err), -1);
	ck_assert_int_eq(word_result("in 10.0.0.0/33", err), -1);
	ck_assert_int_eq(word_result("upstream 65536", err), -1);
	ck_assert_int_eq(word_result("upstream -1", err), -1);
	ck_assert_int_eq(word_result("as 0", err), -1);
	ck_assert_int_eq(word_result("as 4294967296", err), -1);
	ck_assert_int_eq(word_result("as 4294967295", err), 2);
	ck_assert_int_eq(word_result("community 1:65536", err), -1);
	ck_assert_int_eq(word_result("community 1:2:3", err), -1);
	ck_assert_int_eq(word_result("community 1::2", err), -1);
	ck_assert_int_eq(word_result("community :1:2", err), -1);
	ck_assert_int_eq(word_result("community 1:", err), -1);
	ck_assert_int_eq(word_result("community 65535:65535", err), 2);
	ck_assert_int_eq(word_result("large-community 1:2", err), -1);
	ck_assert_int_eq(word_result("large-community 1:2:4294967296", err),
	    -1);
	ck_assert_int_eq(word_result("large-community 1:2:4294967295", err),
	    2);
	ck_assert_int_eq(word_result("mux 0123456789012345678901234567890123",
	    err), -1);
	ck_assert_int_eq(word_result("10.0.0.0/8", err), 1);
	ck_assert_int_eq(word_result("ipv6", err), 1);
}
END_TEST

START_TEST(test_json)
{
	struct rfilter f;
	char err[128];
	cJSON *o;

	o = cJSON_Parse("{\"family\":\"ipv4\",\"in\":\"10.0.0.0/8\","
	    "\"mux\":\"seattle01\",\"upstream\":2,\"as\":3356,"
	    "\"origin_as\":\"15169\",\"community\":\"47065:1\","
	    "\"large_community\":\"47065:1:7\",\"best\":true,\"other\":1}");
	rfilter_init(&f);
	ck_assert_int_eq(rfilter_json(&f, o, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.af, AF_IDX_IPV4);
	ck_assert_int_eq(f.range, RFILTER_IN);
	ck_assert_str_eq(f.mux, "seattle01");
	ck_assert_int_eq(f.upstream, 2);
	ck_assert_uint_eq(f.as, 3356);
	ck_assert_uint_eq(f.origin_as, 15169);
	ck_assert(f.has_community && f.has_large && f.best);
	cJSON_Delete(o);

	table();
	o = cJSON_Parse("{\"as\":3356,\"community\":\"47065:1\"}");
	rfilter_init(&f);
	ck_assert_int_eq(rfilter_json(&f, o, err, sizeof(err)), 0);
	cJSON_Delete(o);
	{
		struct got g = { .f = &f };
		struct rib_cursor c;

		rfilter_cursor(&f, &rib, &c);
		while (rib_cursor_step(&rib, &c, visit, &g) > 0)
			rfilter_reset(&f);
		ck_assert_str_eq(g.text, "10.0.0.0/8/seattle01/1 "
		    "10.1.2.0/24/seattle01/1");
	}

	static const char *const bads[] = { "[]", "{\"as\":-1}",
	    "{\"as\":1.5}", "{\"as\":true}", "{\"best\":1}",
	    "{\"family\":\"ipx\"}", "{\"for\":\"\"}",
	    "{\"upstream\":70000}", "{\"as\":4294967296}" };
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		o = cJSON_Parse(bads[i]);
		ck_assert_ptr_nonnull(o);
		rfilter_init(&f);
		ck_assert_msg(rfilter_json(&f, o, err, sizeof(err)) == -1,
		    "%s accepted", bads[i]);
		cJSON_Delete(o);
	}
}
END_TEST

START_TEST(test_upstream_formula)
{
	uint8_t a[4] = { 100, 65, 1, 44 }, b[4] = { 100, 64, 0, 1 },
	    c[4] = { 100, 127, 255, 255 }, d[4] = { 100, 128, 0, 1 },
	    e[4] = { 10, 65, 0, 1 };

	ck_assert_int_eq(mux_upstream_peerid_v4(a), 300);
	ck_assert_int_eq(mux_upstream_peerid_v4(b), -1);	/* tap 0 */
	ck_assert_int_eq(mux_upstream_peerid_v4(c), 65535);	/* tap 63 */
	ck_assert_int_eq(mux_upstream_peerid_v4(d), -1);
	ck_assert_int_eq(mux_upstream_peerid_v4(e), -1);
}
END_TEST

/* Each path of the table as a JSON line: valid JSON, the fields right. */
START_TEST(test_json_lines)
{
	struct strbuf out;
	const struct rib_path *v;
	struct prefix p;
	size_t n;
	cJSON *o, *segs;
	char *text;

	table();
	strbuf_init(&out);
	ck_assert_int_eq(prefix_parse("10.0.0.0/8", true, &p), 0);
	v = rib_lookup(&rib, &p, &n);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		if (v[i].peer == peers[1])
			route_json_line(&rib, &p, &v[i], i == 0, &out);
	ck_assert(!out.failed);
	ck_assert_uint_eq(out.s[out.len - 1], '\n');
	ck_assert(strchr(out.s, '\n') + 1 == out.s + out.len);
	ck_assert_str_eq(out.s, "{\"prefix\":\"10.0.0.0/8\",\"path_id\":1,"
	    "\"mux\":\"amsterdam01\",\"upstream_peer_id\":300,"
	    "\"next_hop\":\"100.69.1.44\",\"as_path\":\"47065 174 "
	    "{64500 64501}\",\"as_path_segments\":[{\"type\":\"AS_SEQUENCE\","
	    "\"asns\":[47065,174]},{\"type\":\"AS_SET\",\"asns\":[64500,"
	    "64501]}],\"origin\":\"IGP\",\"local_pref\":100,"
	    "\"communities\":[],\"large_communities\":[[47065,1,7]],"
	    "\"best\":false,\"stale\":false}\n");
	o = cJSON_Parse(out.s);
	ck_assert_ptr_nonnull(o);
	segs = cJSON_GetObjectItem(o, "as_path_segments");
	ck_assert_int_eq(cJSON_GetArraySize(segs), 2);
	cJSON_Delete(o);
	strbuf_free(&out);

	/* Every path of the table parses; a name that needs escaping. */
	snprintf(rib.peers[peers[0]].name, sizeof(rib.peers[0].name),
	    "a\"b\\c\x01\xe9");
	strbuf_init(&out);
	{
		struct rib_cursor c;

		rib_cursor_init(&c, AF_IDX_COUNT, NULL, false);
		while (rib_cursor_step(&rib, &c, json_visit, &out) > 0)
			;
	}
	n = 0;
	for (char *line = out.s, *nl; (nl = strchr(line, '\n')) != NULL;
	    line = nl + 1, n++) {
		*nl = '\0';
		o = cJSON_Parse(line);
		ck_assert_msg(o != NULL, "not JSON: %s", line);
		text = cJSON_GetStringValue(cJSON_GetObjectItem(o, "mux"));
		ck_assert(strcmp(text, "amsterdam01") == 0 ||
		    strcmp(text, "a\"b\\c\x01\xc3\xa9") == 0);
		cJSON_Delete(o);
	}
	ck_assert_uint_eq(n, 7);
	strbuf_free(&out);
}
END_TEST

Suite *
rfilter_suite(void)
{
	Suite *s = suite_create("rfilter");
	TCase *tc = tcase_create("rfilter");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_select);
	tcase_add_test(tc, test_words_bad);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_upstream_formula);
	tcase_add_test(tc, test_json_lines);
	suite_add_tcase(s, tc);
	return s;
}
