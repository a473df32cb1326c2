/*
 * JSON announcements (docs/announce-json.md): the cases of the old
 * client's examples, written here as our own files (a valid announcement,
 * one naming a mux outside the table, a withdrawal), every schema rule
 * with the path of its error, the gates, and the requests a valid file
 * gives, down to the AS path (the old template's rule, beside `peering
 * prefix`'s) and the communities.
 *
 * The JSON below is written with ' for " so it stays readable; parse()
 * swaps them back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../../src/announce/ann_json.h"
#include "../../src/ctl/control.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define COMM(a, b)	((uint32_t)(a) << 16 | (uint32_t)(b))

static const char *const muxes[] = {
	"amsterdam01", "isi01", "seattle01", "ufmg01", "vtrtokyo",
};

/* prefixes.txt and prefixes6.txt of the tests; 10.0.0.0/24 is listed
 * but outside the PEERING space, so only the space gate refuses it. */
static const char *const allowed_text[] = {
	"184.164.224.0/24", "184.164.236.0/24", "184.164.237.0/24",
	"2804:269c:1::/48", "10.0.0.0/24",
};

static struct prefix		 allowed[NELEM(allowed_text)];
static struct ann_policy	 pol;
static struct ann_request	*reqs;
static size_t			 n_reqs;
static char			 err[4096];

static void
setup(void)
{
	size_t i;

	for (i = 0; i < NELEM(allowed_text); i++)
		ck_assert_int_eq(prefix_parse(allowed_text[i], true,
		    &allowed[i]), 0);
	memset(&pol, 0, sizeof(pol));
	pol.allowed = allowed;
	pol.n_allowed = NELEM(allowed);
	reqs = NULL;
	n_reqs = 0;
}

static void
teardown(void)
{
	ann_json_free(reqs);
	reqs = NULL;
}

/* Exactly strlen(text) bytes, no NUL after them, ' turned into ". */
static int
parse_len(const char *text, size_t len)
{
	char *buf = malloc(len > 0 ? len : 1);
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < len; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	ann_json_free(reqs);
	rc = ann_json_parse(buf, len, muxes, NELEM(muxes), &pol, &reqs,
	    &n_reqs, err, sizeof(err));
	free(buf);
	if (rc == -1) {
		ck_assert_ptr_null(reqs);
		ck_assert_uint_eq(n_reqs, 0);
		ck_assert_msg(err[0] != '\0', "an error without a message");
	}
	return rc;
}

static int
parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static void
parse_ok(const char *text)
{
	ck_assert_msg(parse(text) == 0, "refused: %s\n%s", text, err);
}

static const char *
pfx(const struct prefix *p)
{
	static char buf[PREFIX_STRLEN];

	return prefix_format(p, buf, sizeof(buf));
}

/* The AS path of r as text, "73 74 47065". */
static const char *
path_text(const struct ann_request *r)
{
	static char buf[512];
	uint32_t path[ANN_MAX_PATH];
	size_t n = ann_aspath(&r->attrs, path, NELEM(path)), i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u",
		    i ? " " : "", path[i]);
	return buf;
}

static void
check_req(size_t i, bool withdraw, const char *prefix, const char *mux)
{
	ck_assert_uint_lt(i, n_reqs);
	ck_assert_msg(reqs[i].withdraw == withdraw, "request %zu: withdraw",
	    i);
	ck_assert_str_eq(pfx(&reqs[i].prefix), prefix);
	ck_assert_str_eq(reqs[i].mux, mux);
	ck_assert(!reqs[i].force);
	ck_assert(!reqs[i].no_dataplane);
	ck_assert(!reqs[i].attrs.container_nexthop);
}

static void
check_default_attrs(size_t i)
{
	struct ann_attrs def;

	ann_attrs_init(&def);
	ck_assert_msg(ann_attrs_equal(&reqs[i].attrs, &def),
	    "request %zu: attributes other than the default", i);
}

/* ---- the old client's examples, as our own files ---- */

/* One prefix to one mux; an empty withdraw and a description are fine. */
START_TEST(test_ann_json_example)
{
	parse_ok("{ '184.164.224.0/24': { 'announce': [ { 'muxes': "
	    "[ 'ufmg01' ] } ], 'withdraw': [], 'description': "
	    "'a first try' } }");
	ck_assert_uint_eq(n_reqs, 1);
	check_req(0, false, "184.164.224.0/24", "ufmg01");
	check_default_attrs(0);
	ck_assert_str_eq(path_text(&reqs[0]), "");
}
END_TEST

/* A whole file, refused for one mux the client does not have. */
static const char announce_bad_mux[] =
	"{\n"
	"  '184.164.236.0/24': {\n"
	"    'announce': [\n"
	"      { 'muxes': ['ufmg01', 'amsterdam01'],\n"
	"        'peers': [12, 345], 'origin': 47065, 'prepend': [64500, 64501] },\n"
	"      { 'muxes': ['gatech01'] },\n"
	"      { 'muxes': ['isi01'] }\n"
	"    ]\n"
	"  }\n"
	"}\n";

START_TEST(test_ann_json_unknown_mux)
{
	ck_assert_int_eq(parse(announce_bad_mux), -1);
	ck_assert_str_eq(err,
	    "184.164.236.0/24.announce[1].muxes[0]: unknown mux \"gatech01\"");
}
END_TEST

/* The same file without the unknown mux: every request, in order. */
START_TEST(test_ann_json_announce_requests)
{
	const uint32_t want_comm[] = { COMM(47065, 12), COMM(47065, 345) };
	size_t i;

	parse_ok("{ '184.164.236.0/24': { 'announce': [\n"
	    "  { 'muxes': ['ufmg01', 'amsterdam01'], 'peers': [12, 345],\n"
	    "    'origin': 47065, 'prepend': [64500, 64501] },\n"
	    "  { 'muxes': ['isi01'] } ] } }");
	ck_assert_uint_eq(n_reqs, 3);
	check_req(0, false, "184.164.236.0/24", "ufmg01");
	check_req(1, false, "184.164.236.0/24", "amsterdam01");
	check_req(2, false, "184.164.236.0/24", "isi01");
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(reqs[i].attrs.origin, 47065);
		ck_assert_uint_eq(reqs[i].attrs.n_communities, 2);
		ck_assert_mem_eq(reqs[i].attrs.communities, want_comm,
		    sizeof(want_comm));
		ck_assert_uint_eq(reqs[i].attrs.n_large, 0);
		/* The prepended ASNs read left to right before the origin. */
		ck_assert_str_eq(path_text(&reqs[i]), "64500 64501 47065");
	}
	ck_assert(ann_attrs_equal(&reqs[0].attrs, &reqs[1].attrs));
	check_default_attrs(2);
}
END_TEST

START_TEST(test_ann_json_withdraw)
{
	parse_ok("{ '184.164.236.0/24': { 'withdraw': ['ufmg01', 'isi01'] } }");
	ck_assert_uint_eq(n_reqs, 2);
	check_req(0, true, "184.164.236.0/24", "ufmg01");
	check_req(1, true, "184.164.236.0/24", "isi01");
	check_default_attrs(0);

	/* The old client's withdraw example names a mux we do not have. */
	ck_assert_int_eq(parse("{ '184.164.236.0/24': { 'withdraw': "
	    "['ufmg01', 'gatech01'] } }"), -1);
	ck_assert_str_eq(err,
	    "184.164.236.0/24.withdraw[1]: unknown mux \"gatech01\"");
}
END_TEST

/* ---- requests: order, all, attributes ---- */

/* Per prefix in file order, withdrawals before announcements, whatever
 * the order of the keys. */
START_TEST(test_ann_json_order)
{
	parse_ok("{ '184.164.237.0/24': { 'announce': [ { 'muxes': "
	    "['seattle01'] } ], 'withdraw': ['all'] },\n"
	    "  '2804:269c:1::/48': { 'withdraw': ['vtrtokyo', 'vtrtokyo'],"
	    " 'announce': [ { 'muxes': ['all'] }, { 'muxes': ['isi01'], "
	    "'origin': 61574 } ] } }");
	ck_assert_uint_eq(n_reqs, 5);
	check_req(0, true, "184.164.237.0/24", ANN_MUX_ALL);
	check_req(1, false, "184.164.237.0/24", "seattle01");
	/* A mux repeated in withdraw (the schema allows it) once. */
	check_req(2, true, "2804:269c:1::/48", "vtrtokyo");
	check_req(3, false, "2804:269c:1::/48", ANN_MUX_ALL);
	check_req(4, false, "2804:269c:1::/48", "isi01");
	ck_assert_uint_eq(reqs[4].attrs.origin, 61574);
	ck_assert_str_eq(path_text(&reqs[4]), "61574");
}
END_TEST

START_TEST(test_ann_json_communities)
{
	const uint32_t want[] = { COMM(47065, 7), COMM(47065, 1000),
	    COMM(3356, 70), COMM(0, 0), COMM(65535, 65535) };
	const uint32_t large[][3] = { { 47065, 1, 2 },
	    { 4294967295u, 0, 4294967295u } };

	/* 47065:7 from peers is not sent twice. */
	parse_ok("{ '184.164.224.0/24': { 'announce': [ { 'muxes': "
	    "['ufmg01'], 'peers': [7, 1000], 'communities': [ [47065, 7], "
	    "[3356, 70], [0, 0], [65535, 65535] ], 'large_communities': "
	    "[ [47065, 1, 2], [4294967295, 0, 4294967295] ] } ] } }");
	ck_assert_uint_eq(n_reqs, 1);
	ck_assert_uint_eq(reqs[0].attrs.n_communities, NELEM(want));
	ck_assert_mem_eq(reqs[0].attrs.communities, want, sizeof(want));
	ck_assert_uint_eq(reqs[0].attrs.n_large, NELEM(large));
	ck_assert_mem_eq(reqs[0].attrs.large, large, sizeof(large));
	ck_assert_str_eq(path_text(&reqs[0]), "");
}
END_TEST

/* JSON numbers are numbers: 4.7065e4 is 47065. */
START_TEST(test_ann_json_number_forms)
{
	parse_ok("{ '184.164.224.0/24': { 'announce': [ { 'muxes': "
	    "['ufmg01'], 'origin': 4.7065e4, 'prepend': [3356.0] } ] } }");
	ck_assert_uint_eq(reqs[0].attrs.origin, 47065);
	ck_assert_str_eq(path_text(&reqs[0]), "3356 47065");
}
END_TEST

/* With any_origin configured the origin need not be a PEERING ASN. */
START_TEST(test_ann_json_any_origin)
{
	const char *text = "{ '184.164.224.0/24': { 'announce': [ { 'muxes':"
	    " ['ufmg01'], 'origin': 3356 } ] } }";

	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "184.164.224.0/24.announce[0].origin: 3356 is "
	    "not a PEERING ASN (47065, 33207, 61574, 61575, 61576, 263842, "
	    "263843, 263844)");
	pol.any_origin = true;
	parse_ok(text);
	ck_assert_uint_eq(reqs[0].attrs.origin, 3356);
}
END_TEST

/* ---- every schema rule: the error and its path ---- */

struct bad_case {
	const char	*json;
	const char	*err;	/* the whole message */
};

#define P	"'184.164.224.0/24'"
#define PE	"184.164.224.0/24"
#define ANN(x)	"{ " P ": { 'announce': [ " x " ] } }"
#define ONE(x)	ANN("{ 'muxes': ['ufmg01'], " x " }")

static const struct bad_case bad_cases[] = {
	/* the text */
	{ "", "top level: line 1, column 1: not valid JSON" },
	{ "{ " P ": { 'withdraw': [] }", "top level: line 1, column 41: "
	    "not valid JSON" },
	{ "{ " P ": { 'withdraw': [] } } x", "top level: line 1, column 44: "
	    "text after the JSON value" },
	{ "{ " P ": {\n 'withdraw': ['\001'] } }", "top level: line 2, "
	    "column 16: control byte 0x01 (not allowed in JSON)" },
	{ "{ " P ": { 'withdraw': ['ufmg01\\u0000x'] } }", "top level: "
	    "line 1, column 45: \\u0000 in a string (not allowed here)" },
	/* the top level */
	{ "[]", "top level: must be an object keyed by prefix, not an array" },
	{ "{}", "top level: no prefixes (the object is empty)" },
	{ "{ 'peering': { 'withdraw': [] } }", "peering: not a prefix (the "
	    "key must be ADDRESS/LENGTH)" },
	{ "{ '184.164.224.0/24 ': { 'withdraw': [] } }", "184.164.224.0/24?: "
	    "not a prefix (the key must be ADDRESS/LENGTH)" },
	{ "{ '184.164.224.0/33': { 'withdraw': [] } }", "184.164.224.0/33: "
	    "not a prefix (the key must be ADDRESS/LENGTH)" },
	{ "{ '184.164.224.1/24': { 'withdraw': [] } }", "184.164.224.1/24: "
	    "address bits set past the length (the prefix is "
	    "184.164.224.0/24)" },
	{ "{ '2804:269c:1::/48': { 'withdraw': [] }, '2804:269c:0001::/48': "
	    "{ 'withdraw': [] } }", "2804:269c:0001::/48: the same prefix as "
	    "the key \"2804:269c:1::/48\" before it" },
	/* one prefix */
	{ "{ " P ": [] }", PE ": must be an object, not an array" },
	{ "{ " P ": {} }", PE ": must not be empty (give \"announce\" or "
	    "\"withdraw\")" },
	{ "{ " P ": { 'anounce': [] } }", PE ".anounce: unknown key (allowed: "
	    "announce, withdraw, description)" },
	{ "{ " P ": { 'withdraw': [], 'withdraw': [] } }", PE ".withdraw: "
	    "duplicate key" },
	{ "{ " P ": { 'description': 7 } }", PE ".description: must be a "
	    "string, not a number" },
	{ "{ " P ": { 'withdraw': 'ufmg01' } }", PE ".withdraw: must be an "
	    "array of mux names, not a string" },
	{ "{ " P ": { 'withdraw': [ 1 ] } }", PE ".withdraw[0]: must be a mux "
	    "name (a string), not a number" },
	{ "{ " P ": { 'announce': {} } }", PE ".announce: must be an array of "
	    "announcements, not an object" },
	/* one announcement */
	{ ANN("'ufmg01'"), PE ".announce[0]: must be an object, not a "
	    "string" },
	{ ANN("{ 'peers': [1] }"), PE ".announce[0]: missing required key "
	    "\"muxes\"" },
	{ ONE("'peer_ids': [1]"), PE ".announce[0].peer_ids: unknown key "
	    "(allowed: muxes, peers, communities, large_communities, prepend, "
	    "origin)" },
	{ ONE("'origin': 47065, 'origin': 47065"), PE ".announce[0].origin: "
	    "duplicate key" },
	{ ANN("{ 'muxes': [] }"), PE ".announce[0].muxes: must name at least "
	    "one mux" },
	{ ANN("{ 'muxes': 'all' }"), PE ".announce[0].muxes: must be an array "
	    "of mux names, not a string" },
	{ ANN("{ 'muxes': [ null ] }"), PE ".announce[0].muxes[0]: must be a "
	    "mux name (a string), not null" },
	{ ANN("{ 'muxes': ['ufmg01', 'isi01', 'ufmg01'] }"), PE
	    ".announce[0].muxes[2]: \"ufmg01\" is already at muxes[0]" },
	{ ANN("{ 'muxes': ['isi01'] }, { 'muxes': ['ufmg01', 'isi01'] }"), PE
	    ".announce[1].muxes[1]: mux \"isi01\" is already announced by "
	    "announce[0]" },
	/* origin */
	{ ONE("'origin': '47065'"), PE ".announce[0].origin: must be a "
	    "number, not a string" },
	{ ONE("'origin': 0"), PE ".announce[0].origin: 0 is out of range for "
	    "an ASN (1..4294967295)" },
	{ ONE("'origin': 4294967296"), PE ".announce[0].origin: 4294967296 is "
	    "out of range for an ASN (1..4294967295)" },
	{ ONE("'origin': 47065.5"), PE ".announce[0].origin: 47065.5 is not "
	    "an integer" },
	{ ONE("'origin': 1e400"), PE ".announce[0].origin: inf is out of "
	    "range for an ASN (1..4294967295)" },
	/* prepend */
	{ ONE("'prepend': 3356"), PE ".announce[0].prepend: must be an array "
	    "of ASNs, not a number" },
	{ ONE("'prepend': [1, 2, 3, 4, 5, 6]"), PE ".announce[0].prepend: 6 "
	    "ASNs, at most 5" },
	{ ONE("'prepend': [3356, 0]"), PE ".announce[0].prepend[1]: 0 is out "
	    "of range for an ASN (1..4294967295)" },
	/* peers */
	{ ONE("'peers': {}"), PE ".announce[0].peers: must be an array of "
	    "peer ids, not an object" },
	{ ONE("'peers': [0]"), PE ".announce[0].peers[0]: 0 is out of range "
	    "for a peer id (1..1000)" },
	{ ONE("'peers': [1001]"), PE ".announce[0].peers[0]: 1001 is out of "
	    "range for a peer id (1..1000)" },
	{ ONE("'peers': [5, true]"), PE ".announce[0].peers[1]: must be a "
	    "number, not a boolean" },
	{ ONE("'peers': [5, 6, 5]"), PE ".announce[0].peers[2]: peer 5 is "
	    "already at peers[0]" },
	/* communities */
	{ ONE("'communities': [ '3356:1' ]"), PE ".announce[0].communities[0]:"
	    " must be a community [asn, value], not a string" },
	{ ONE("'communities': [ [3356, 1, 2] ]"), PE ".announce[0]."
	    "communities[0]: must be a community [asn, value]: 2 numbers, "
	    "not 3" },
	{ ONE("'communities': [ [3356, 65536] ]"), PE ".announce[0]."
	    "communities[0][1]: 65536 is out of range for a 16-bit number "
	    "(0..65535)" },
	{ ONE("'communities': [ [3356, 1], [3356, 1] ]"), PE ".announce[0]."
	    "communities[1]: 3356:1 is already at communities[0]" },
	/* large communities */
	{ ONE("'large_communities': [ [1, 2] ]"), PE ".announce[0]."
	    "large_communities[0]: must be a large community [asn, value, "
	    "value]: 3 numbers, not 2" },
	{ ONE("'large_communities': [ [1, -2, 3] ]"), PE ".announce[0]."
	    "large_communities[0][1]: -2 is out of range for a 32-bit number "
	    "(0..4294967295)" },
	{ ONE("'large_communities': [ [1, 2, 3], [1, 2, 3] ]"), PE
	    ".announce[0].large_communities[1]: 1:2:3 is already at "
	    "large_communities[0]" },
};

START_TEST(test_ann_json_schema)
{
	const struct bad_case *c = &bad_cases[_i];

	ck_assert_msg(parse(c->json) == -1, "accepted: %s", c->json);
	ck_assert_msg(strcmp(err, c->err) == 0, "%s\n got: %s\nwant: %s",
	    c->json, err, c->err);
}
END_TEST

/* Every error of a file, each on its line, in file order. */
START_TEST(test_ann_json_all_errors)
{
	ck_assert_int_eq(parse("{ '184.164.236.0/24': { 'withdraw': "
	    "['gatech01'], 'announce': [ { 'muxes': ['ufmg01'], 'peers': "
	    "[0] }, { 'muxes': ['gatech01', 'isi01'], 'origin': 1 } ] },\n"
	    "  'x/24': { 'withdraw': [] } }"), -1);
	ck_assert_str_eq(err,
	    "184.164.236.0/24.withdraw[0]: unknown mux \"gatech01\"\n"
	    "184.164.236.0/24.announce[0].peers[0]: 0 is out of range for a "
	    "peer id (1..1000)\n"
	    "184.164.236.0/24.announce[1].muxes[0]: unknown mux \"gatech01\"\n"
	    "184.164.236.0/24.announce[1].origin: 1 is not a PEERING ASN "
	    "(47065, 33207, 61574, 61575, 61576, 263842, 263843, 263844)\n"
	    "x/24: not a prefix (the key must be ADDRESS/LENGTH)");
}
END_TEST

/* Past ANN_JSON_MAX_ERRORS lines, a count of the rest. */
START_TEST(test_ann_json_error_limit)
{
	char text[2048];
	size_t o, i, lines = 1;

	o = (size_t)snprintf(text, sizeof(text), "{ " P ": { 'withdraw': [");
	for (i = 0; i < ANN_JSON_MAX_ERRORS + 5; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s'x%zu'",
		    i ? ", " : "", i);
	snprintf(text + o, sizeof(text) - o, "] } }");
	ck_assert_int_eq(parse(text), -1);
	for (i = 0; err[i] != '\0'; i++)
		lines += err[i] == '\n';
	ck_assert_uint_eq(lines, ANN_JSON_MAX_ERRORS + 1);
	ck_assert_ptr_nonnull(strstr(err, PE ".withdraw[19]: unknown mux "
	    "\"x19\"\n... and 5 more errors"));
	ck_assert_ptr_null(strstr(err, "x20"));
}
END_TEST

/* A short error buffer holds what fits, NUL-terminated; none at all is
 * fine too. */
START_TEST(test_ann_json_small_err)
{
	const char *text = "{ \"10.1.0.0/24\": [] }";
	char small[12];

	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(ann_json_parse(text, strlen(text), muxes,
	    NELEM(muxes), &pol, &reqs, &n_reqs, small, sizeof(small)), -1);
	ck_assert_str_eq(small, "10.1.0.0/24");
	ck_assert_int_eq(ann_json_parse(text, strlen(text), muxes,
	    NELEM(muxes), &pol, &reqs, &n_reqs, NULL, 0), -1);
	ck_assert_ptr_null(reqs);
}
END_TEST

/* ---- the gates, named by the path they concern ---- */

START_TEST(test_ann_json_gate_prefix)
{
	/* Not in prefixes.txt. */
	ck_assert_int_eq(parse("{ '184.164.230.0/24': { 'announce': [ { "
	    "'muxes': ['ufmg01'] } ], 'withdraw': ['isi01'] } }"), -1);
	ck_assert_msg(strncmp(err, "184.164.230.0/24: ", 18) == 0 &&
	    strchr(err, '\n') == NULL, "got: %s", err);
	/* Listed, but outside the PEERING space. */
	ck_assert_int_eq(parse("{ '10.0.0.0/24': { 'withdraw': ['isi01'] } }"),
	    -1);
	ck_assert_msg(strncmp(err, "10.0.0.0/24: ", 13) == 0 &&
	    strchr(err, '\n') == NULL, "got: %s", err);
	/* A good prefix beside a bad one: the file is refused. */
	ck_assert_int_eq(parse("{ " P ": { 'withdraw': ['isi01'] }, "
	    "'184.164.230.0/24': { 'withdraw': ['isi01'] } }"), -1);
	ck_assert_msg(strncmp(err, "184.164.230.0/24: ", 18) == 0, "got: %s",
	    err);
}
END_TEST

/* Attribute gates name the announcement: one line for all its muxes. */
START_TEST(test_ann_json_gate_attrs)
{
	char text[1024];
	size_t o, i;

	o = (size_t)snprintf(text, sizeof(text), "{ " P ": { 'announce': [ "
	    "{ 'muxes': ['ufmg01'] }, { 'muxes': ['isi01', 'seattle01'], "
	    "'peers': [");
	for (i = 1; i <= ANN_GATE_COMMUNITIES + 1; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%zu",
		    i > 1 ? ", " : "", i);
	snprintf(text + o, sizeof(text) - o, "] } ] } }");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_msg(strncmp(err, PE ".announce[1]: ", 17) == 0 &&
	    strchr(err, '\n') == NULL, "got: %s", err);
}
END_TEST

/*
 * Whatever ann_check decides about the path length, the JSON verdict is
 * the same as its verdict on the request the JSON describes.
 */
START_TEST(test_ann_json_gate_same_as_check)
{
	static const char *const prepends[] = { "", "1", "1, 2", "1, 2, 3",
	    "1, 2, 3, 4", "1, 2, 3, 4, 5" };
	static const uint32_t origins[] = { 47065, 61574 };
	struct ann_request r;
	char text[512], why[256];
	size_t i, k, n;

	for (i = 0; i < NELEM(prepends); i++)
		for (k = 0; k < NELEM(origins); k++) {
			snprintf(text, sizeof(text), ONE("'origin': %u, "
			    "'prepend': [%s]"), origins[k], prepends[i]);
			memset(&r, 0, sizeof(r));
			ck_assert_int_eq(prefix_parse(PE, true, &r.prefix), 0);
			memcpy(r.mux, "ufmg01", 7);
			ann_attrs_init(&r.attrs);
			r.attrs.json_rule = true;
			r.attrs.origin = origins[k];
			for (n = 0; n < i; n++)
				r.attrs.poisons[n] = (uint32_t)(i - n);
			r.attrs.n_poisons = (uint8_t)i;
			if (ann_check(&r, &pol, why, sizeof(why)) == 0) {
				parse_ok(text);
				ck_assert(ann_attrs_equal(&reqs[0].attrs,
				    &r.attrs));
			} else {
				ck_assert_int_eq(parse(text), -1);
				snprintf(text, sizeof(text), PE ".announce[0]: "
				    "%s", why);
				ck_assert_str_eq(err, text);
			}
		}
}
END_TEST

/*
 * The AS path of the old client's template, beside `peering prefix`'s
 * rule for the same values: no second origin in front of the prepended
 * ASNs. Each case: the JSON origin and prepend, the JSON path, and what
 * `peering prefix` with the same origin and poisons sends.
 */
struct json_path_case {
	const char	*attrs;		/* inside the announcement */
	const char	*path;		/* the JSON files' rule */
	const char	*prefix_path;	/* peering prefix's, the same values */
};

static const struct json_path_case json_path_cases[] = {
	{ "'origin': 61574, 'prepend': [3356]", "3356 61574",
	    "61574 3356 61574" },
	{ "'origin': 61574, 'prepend': [3356, 174]", "3356 174 61574",
	    "61574 3356 174 61574" },
	{ "'origin': 61574, 'prepend': [61574, 3356]", "61574 3356 61574",
	    "61574 3356 61574" },
	{ "'origin': 61574, 'prepend': [3356, 61574]", "3356 61574 61574",
	    "61574 3356 61574 61574" },
	/* The other documented choices stay. */
	{ "'prepend': [3356]", "3356 47065", "3356 47065" },
	{ "'origin': 47065, 'prepend': [3356]", "3356 47065", "3356 47065" },
	{ "'origin': 47065", "", "" },
	{ "'origin': 61574", "61574", "61574" },
	/* The hop gate counts the JSON result: 5 AS numbers pass. */
	{ "'origin': 61574, 'prepend': [1, 2, 3, 4]", "1 2 3 4 61574",
	    "61574 1 2 3 4 61574" },
};

START_TEST(test_ann_json_path_rule)
{
	const struct json_path_case *c = &json_path_cases[_i];
	char text[256], line[CONTROL_MAX_REQUEST + 1];
	char *words[CONTROL_MAX_WORDS];
	struct ann_request back;
	const char *why;
	int n;

	snprintf(text, sizeof(text), ONE("%s"), c->attrs);
	parse_ok(text);
	ck_assert_uint_eq(n_reqs, 1);
	ck_assert(reqs[0].attrs.json_rule);
	ck_assert_str_eq(path_text(&reqs[0]), c->path);
	/* The same values by peering prefix's rule. */
	back = reqs[0];
	back.attrs.json_rule = false;
	ck_assert_str_eq(path_text(&back), c->prefix_path);
	/* The daemon gets the same path from the request line. */
	n = ann_request_to_line(&reqs[0], line, CONTROL_MAX_REQUEST);
	ck_assert_int_gt(n, 0);
	line[n] = '\n';
	n = control_parse_request(line, (size_t)n + 1, words,
	    CONTROL_MAX_WORDS, &why);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(ann_request_from_words(n, words, &back, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(path_text(&back), c->path);
	ck_assert(ann_attrs_equal(&back.attrs, &reqs[0].attrs));
}
END_TEST

/* The hop gate on the JSON result: 5 prepended ASNs and an origin are 6. */
START_TEST(test_ann_json_path_gate)
{
	ck_assert_int_eq(parse(ONE("'origin': 61574, 'prepend': "
	    "[1, 2, 3, 4, 5]")), -1);
	ck_assert_str_eq(err, PE ".announce[0]: the AS path would have 6 AS "
	    "numbers: at most 5 (guidelines); poison fewer ASes or prepend "
	    "less");
	ck_assert_int_eq(parse(ONE("'prepend': [1, 2, 3, 4, 5]")), -1);
	ck_assert_str_eq(err, PE ".announce[0]: the AS path would have 6 AS "
	    "numbers: at most 5 (guidelines); poison fewer ASes or prepend "
	    "less");
	parse_ok(ONE("'origin': 61574, 'prepend': [1, 2, 3, 4]"));
	ck_assert_str_eq(path_text(&reqs[0]), "1 2 3 4 61574");
	parse_ok(ONE("'prepend': [1, 2, 3, 4]"));
	ck_assert_str_eq(path_text(&reqs[0]), "1 2 3 4 47065");
}
END_TEST

/* ---- limits ---- */

/* More requests than allowed: refused with the count, even among other
 * errors (10.x is outside the PEERING space). */
START_TEST(test_ann_json_request_limit)
{
	const char *entry = "'withdraw': ['all', 'amsterdam01', 'isi01', "
	    "'seattle01', 'ufmg01', 'vtrtokyo'], 'announce': [ { 'muxes': "
	    "['all', 'amsterdam01', 'isi01', 'seattle01', 'ufmg01', "
	    "'vtrtokyo'] } ]";
	size_t size = ANN_JSON_MAX_PREFIXES * (strlen(entry) + 32) + 16;
	char *text = malloc(size);
	size_t o, i;

	ck_assert_ptr_nonnull(text);
	o = (size_t)snprintf(text, size, "{");
	for (i = 0; i < ANN_JSON_MAX_PREFIXES; i++)
		o += (size_t)snprintf(text + o, size - o, "%s'10.%zu.%zu.0/24':"
		    " { %s }", i ? ", " : "", i / 256, i % 256, entry);
	snprintf(text + o, size - o, "}");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_ptr_nonnull(strstr(err, "top level: more than 10000 "
	    "(prefix, mux) requests"));

	/* One prefix too many is refused before anything else. */
	o = (size_t)snprintf(text, size, "{");
	for (i = 0; i <= ANN_JSON_MAX_PREFIXES; i++)
		o += (size_t)snprintf(text + o, size - o, "%s'10.%zu.%zu.0/24':"
		    " {}", i ? ", " : "", i / 256, i % 256);
	snprintf(text + o, size - o, "}");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "top level: 1025 prefixes, at most 1024");
	free(text);
}
END_TEST

START_TEST(test_ann_json_too_big)
{
	ck_assert_int_eq(ann_json_parse("{}", ANN_JSON_MAX_BYTES + 1, muxes,
	    NELEM(muxes), &pol, &reqs, &n_reqs, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "top level: 4194305 bytes, more than the "
	    "4194304 allowed");
}
END_TEST

Suite *
ann_json_suite(void)
{
	Suite *s = suite_create("ann_json");
	TCase *tc = tcase_create("ann_json");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ann_json_example);
	tcase_add_test(tc, test_ann_json_unknown_mux);
	tcase_add_test(tc, test_ann_json_announce_requests);
	tcase_add_test(tc, test_ann_json_withdraw);
	tcase_add_test(tc, test_ann_json_order);
	tcase_add_test(tc, test_ann_json_communities);
	tcase_add_test(tc, test_ann_json_number_forms);
	tcase_add_test(tc, test_ann_json_any_origin);
	tcase_add_loop_test(tc, test_ann_json_schema, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_ann_json_all_errors);
	tcase_add_test(tc, test_ann_json_error_limit);
	tcase_add_test(tc, test_ann_json_small_err);
	tcase_add_test(tc, test_ann_json_gate_prefix);
	tcase_add_test(tc, test_ann_json_gate_attrs);
	tcase_add_test(tc, test_ann_json_gate_same_as_check);
	tcase_add_loop_test(tc, test_ann_json_path_rule, 0,
	    NELEM(json_path_cases));
	tcase_add_test(tc, test_ann_json_path_gate);
	tcase_add_test(tc, test_ann_json_request_limit);
	tcase_add_test(tc, test_ann_json_too_big);
	suite_add_tcase(s, tc);
	return s;
}
