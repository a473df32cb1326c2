/*
 * Announcements: the AS path rules (REFERENCE.md's, and the JSON files')
 * for every flag combination, every safety gate with its text, the
 * PEERING space at its edges, the control request line both ways, the -c
 * forms, and the next hop of every mode (the change-rate rule is
 * test_ann_plan.c).
 * The expected values are worked out by hand from REFERENCE.md.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../src/announce/ann_store.h"
#include "../../src/announce/ann_text.h"
#include "../../src/announce/announce.h"
#include "../../src/ctl/control.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define END		0	/* ends a list of AS numbers below */

/* ---- helpers ---- */

/* Splits line as the control server does (words point into buf). */
static int
split(const char *line, char *buf, size_t size, char **w)
{
	const char *why;
	size_t len = strlen(line);

	ck_assert_uint_lt(len + 1, size);
	memcpy(buf, line, len);
	buf[len] = '\n';
	return control_parse_request(buf, len + 1, w, CONTROL_MAX_WORDS, &why);
}

/* from_words over a line; returns its result, err filled. */
static int
req_parse(const char *line, struct ann_request *r, char *err, size_t errlen)
{
	static char buf[CONTROL_MAX_REQUEST + 2];
	char *w[CONTROL_MAX_WORDS];
	int n = split(line, buf, sizeof(buf), w);

	err[0] = '\0';
	return ann_request_from_words(n < 0 ? 0 : n, w, r, err, errlen);
}

static struct ann_request
req(const char *line)
{
	struct ann_request r;
	char err[256];

	ck_assert_msg(req_parse(line, &r, err, sizeof(err)) == 0,
	    "%s: %s", line, err);
	return r;
}

static bool
req_same(const struct ann_request *a, const struct ann_request *b)
{
	const struct ann_attrs *x = &a->attrs, *y = &b->attrs;

	return a->withdraw == b->withdraw &&
	    prefix_equal(&a->prefix, &b->prefix) &&
	    strcmp(a->mux, b->mux) == 0 && a->no_dataplane == b->no_dataplane &&
	    a->force == b->force && a->check == b->check &&
	    x->origin == y->origin &&
	    x->prepend == y->prepend && x->n_poisons == y->n_poisons &&
	    memcmp(x->poisons, y->poisons, x->n_poisons * 4) == 0 &&
	    x->n_communities == y->n_communities &&
	    memcmp(x->communities, y->communities, x->n_communities * 4) == 0 &&
	    x->n_large == y->n_large &&
	    memcmp(x->large, y->large, x->n_large * 12) == 0 &&
	    x->container_nexthop == y->container_nexthop &&
	    x->json_rule == y->json_rule;
}

/* ---- the AS path ---- */

/*
 * Both rules side by side: `peering prefix` (REFERENCE.md) and, with
 * json_rule, JSON files (the old client's BIRD template: no second origin
 * in front of the poisons). They differ only where the origin is not
 * 47065, poisons are given and the last poison is not the origin.
 */
struct path_case {
	const char	*flags;		/* what the user typed */
	uint32_t	 origin;	/* 0: not given (47065) */
	uint8_t		 prepend;
	uint32_t	 poisons[4];	/* in -p order, END-terminated */
	uint32_t	 path[8];	/* left to right, END-terminated */
	uint32_t	 json[8];	/* the same with json_rule */
};

static const struct path_case path_cases[] = {
	/* No flags: empty; the mux puts 47065 in front itself (iBGP). */
	{ "", 0, 0, { END }, { END }, { END } },
	{ "-P 1", 0, 1, { END }, { 47065, END }, { 47065, END } },
	{ "-P 2", 0, 2, { END }, { 47065, 47065, END },
	    { 47065, 47065, END } },
	{ "-P 3", 0, 3, { END }, { 47065, 47065, 47065, END },
	    { 47065, 47065, 47065, END } },
	{ "-P 4", 0, 4, { END }, { 47065, 47065, 47065, 47065, END },
	    { 47065, 47065, 47065, 47065, END } },
	/* Origin another PEERING ASN: P=1; no poison, so nothing more. */
	{ "-o 61574", 61574, 0, { END }, { 61574, END }, { 61574, END } },
	{ "-o 61574 -P 1", 61574, 1, { END }, { 61574, END },
	    { 61574, END } },
	{ "-o 61574 -P 3", 61574, 3, { END }, { 61574, 61574, 61574, END },
	    { 61574, 61574, 61574, END } },
	/* JSON: an explicit "origin": 47065 is the empty path too. */
	{ "-o 47065 (the default, given)", 47065, 0, { END }, { END },
	    { END } },
	/* A non-PEERING origin (any_origin) follows the same rule. */
	{ "-o 3356", 3356, 0, { END }, { 3356, END }, { 3356, END } },
	/* REFERENCE.md's examples. JSON "prepend": [3356] without an
	 * origin is applied (the old client ignored it). */
	{ "-p 3356", 0, 0, { 3356, END }, { 3356, 47065, END },
	    { 3356, 47065, END } },
	/* JSON "origin": 61574, "prepend": [3356]: the old client's
	 * 3356 61574, no second origin. */
	{ "-o 61574 -p 3356", 61574, 0, { 3356, END },
	    { 61574, 3356, 61574, END }, { 3356, 61574, END } },
	/* Several poisons: each prepended in turn, the last one leftmost
	 * (JSON "prepend": [174, 3356] is -p 3356 -p 174). */
	{ "-p 3356 -p 174", 0, 0, { 3356, 174, END },
	    { 174, 3356, 47065, END }, { 174, 3356, 47065, END } },
	{ "-p 3356 -p 174 -p 2914", 0, 0, { 3356, 174, 2914, END },
	    { 2914, 174, 3356, 47065, END },
	    { 2914, 174, 3356, 47065, END } },
	{ "-o 61574 -p 3356 -p 174", 61574, 0, { 3356, 174, END },
	    { 61574, 174, 3356, 61574, END }, { 174, 3356, 61574, END } },
	{ "-p 3356 -P 2", 0, 2, { 3356, END }, { 3356, 47065, 47065, END },
	    { 3356, 47065, 47065, END } },
	{ "-o 61574 -P 2 -p 3356", 61574, 2, { 3356, END },
	    { 61574, 3356, 61574, 61574, END },
	    { 3356, 61574, 61574, END } },
	{ "-o 3356 -p 174 (any_origin)", 3356, 0, { 174, END },
	    { 3356, 174, 3356, END }, { 174, 3356, END } },
	/* Origin == last poison: not prepended once more. */
	{ "-o 61574 -p 61574", 61574, 0, { 61574, END },
	    { 61574, 61574, END }, { 61574, 61574, END } },
	{ "-o 61574 -p 3356 -p 61574", 61574, 0, { 3356, 61574, END },
	    { 61574, 3356, 61574, END }, { 61574, 3356, 61574, END } },
	/* Origin == a poison that is not the last: prepended. */
	{ "-o 61574 -p 61574 -p 3356", 61574, 0, { 61574, 3356, END },
	    { 61574, 3356, 61574, 61574, END },
	    { 3356, 61574, 61574, END } },
	/* Origin 47065 == last poison: 47065 is never added again. */
	{ "-p 47065", 0, 0, { 47065, END }, { 47065, 47065, END },
	    { 47065, 47065, END } },
};

static void
path_attrs(const struct path_case *c, struct ann_attrs *a)
{
	ann_attrs_init(a);
	if (c->origin != 0)
		a->origin = c->origin;
	a->prepend = c->prepend;
	for (; c->poisons[a->n_poisons] != END; a->n_poisons++)
		a->poisons[a->n_poisons] = c->poisons[a->n_poisons];
}

static void
path_expect(const struct ann_attrs *a, const uint32_t *path,
    const char *flags, const char *rule)
{
	uint32_t out[ANN_MAX_PATH];
	size_t n, want = 0;

	while (path[want] != END)
		want++;
	n = ann_aspath(a, out, NELEM(out));
	ck_assert_msg(n == want, "%s (%s): %zu AS numbers, want %zu", flags,
	    rule, n, want);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(out[i] == path[i], "%s (%s): [%zu] = %u, want %u",
		    flags, rule, i, out[i], path[i]);
}

START_TEST(test_aspath)
{
	const struct path_case *c = &path_cases[_i];
	struct ann_attrs a;

	path_attrs(c, &a);
	path_expect(&a, c->path, c->flags, "prefix rule");
	a.json_rule = true;
	path_expect(&a, c->json, c->flags, "json rule");
}
END_TEST

START_TEST(test_aspath_bounded)
{
	struct ann_attrs a = req("announce 184.164.236.0/24 origin 61574 "
	    "poison 3356,174").attrs;
	uint32_t out[4] = { 1, 1, 1, 1 };

	/* 61574 174 3356 61574, cut at max. */
	ck_assert_uint_eq(ann_aspath(&a, out, 2), 2);
	ck_assert_uint_eq(out[0], 61574);
	ck_assert_uint_eq(out[1], 174);
	ck_assert_uint_eq(out[2], 1);
	ck_assert_uint_eq(ann_aspath(&a, out, 0), 0);
	/* A count past the array is bounded, not trusted. */
	a.n_poisons = 200;
	ck_assert_uint_le(ann_aspath(&a, out, NELEM(out)), NELEM(out));
}
END_TEST

/* ---- equality ---- */

static bool
attrs_eq(const char *x, const char *y)
{
	struct ann_request a = req(x), b = req(y);

	return ann_attrs_equal(&a.attrs, &b.attrs);
}

START_TEST(test_attrs_equal)
{
	struct ann_attrs a, b;

	ann_attrs_init(&a);
	ck_assert_uint_eq(a.origin, ANN_AS_PEERING);
	ck_assert_uint_eq(a.prepend, 0);
	ck_assert_uint_eq(a.n_poisons + a.n_communities + a.n_large, 0);
	ck_assert(!a.container_nexthop);
	ann_attrs_init(&b);
	ck_assert(ann_attrs_equal(&a, &b));
#define EQ(x, y, want) \
	ck_assert_msg(attrs_eq("announce 184.164.236.0/24 " x, \
	    "announce 184.164.236.0/24 " y) == (want), "'%s' vs '%s'", x, y)
	/* The same path on the wire. */
	EQ("origin 61574", "origin 61574 prepend 1", true);
	EQ("poison 3356", "poison 3356 prepend 1", true);
	EQ("", "origin 47065", true);
	EQ("", "prepend 1", false);
	EQ("poison 3356,174", "poison 174,3356", false);
	EQ("origin 61574", "origin 61575", false);
	/* Communities are a set. */
	EQ("community 1:2,3:4", "community 3:4,1:2", true);
	EQ("community 1:2,3:4", "community 1:2", false);
	EQ("community 1:2", "community 1:3", false);
	EQ("large 1:2:3,4:5:6", "large 4:5:6,1:2:3", true);
	EQ("large 1:2:3", "large 1:2:4", false);
	EQ("mux a container", "mux a", false);
	/* The rule counts only where it changes the path. */
	EQ("origin 61574 poison 3356 jsonrule", "origin 61574 poison 3356",
	    false);
	EQ("origin 61574 jsonrule", "origin 61574", true);
	EQ("poison 3356 jsonrule", "poison 3356", true);
	EQ("origin 61574 poison 61574 jsonrule", "origin 61574 poison 61574",
	    true);
#undef EQ
}
END_TEST

/* ---- the PEERING space ---- */

struct space_case {
	const char	*prefix;
	bool		 inside;
};

static const struct space_case space_cases[] = {
	{ "184.164.224.0/19", true },
	{ "184.164.192.0/18", false },		/* shorter than the block */
	{ "184.164.236.0/24", true },
	{ "184.164.255.0/24", true },
	{ "184.164.236.0/25", false },		/* longer than /24 */
	{ "184.164.236.128/25", false },
	{ "184.164.223.0/24", false },		/* just below */
	{ "184.165.0.0/24", false },		/* just above */
	{ "66.180.190.0/23", true },
	{ "66.180.191.0/24", true },
	{ "66.180.188.0/22", false },
	{ "66.180.192.0/24", false },
	{ "138.185.228.0/22", true },
	{ "138.185.231.0/24", true },
	{ "138.185.232.0/24", false },
	{ "199.36.157.0/24", true },
	{ "199.36.156.0/23", false },
	{ "199.36.157.0/25", false },
	{ "204.9.168.0/22", true },
	{ "204.9.171.0/24", true },
	{ "204.9.172.0/24", false },
	{ "208.87.172.0/23", true },
	{ "208.87.173.0/24", true },
	{ "208.87.174.0/24", false },
	{ "2604:4540::/48", true },
	{ "2604:4540::/47", false },
	{ "2604:4540::/49", false },
	{ "2604:4540:1::/48", false },
	{ "2620:33:c000::/48", true },
	{ "2620:33:c001::/48", false },
	{ "2804:269c::/42", true },
	{ "2804:269c::/41", false },
	{ "2804:269c::/43", true },
	{ "2804:269c::/48", true },
	{ "2804:269c:3f::/48", true },		/* last /48 of the /42 */
	{ "2804:269c:40::/48", false },		/* first past it */
	{ "2804:269c:1::/49", false },
	{ "2804:269c::/64", false },
	{ "10.0.0.0/8", false },
	{ "0.0.0.0/0", false },
	{ "::/0", false },
	{ "::ffff:184.164.236.0/120", false },	/* v4-mapped is IPv6 */
};

START_TEST(test_peering_space)
{
	const struct space_case *c = &space_cases[_i];
	struct prefix p;

	ck_assert_msg(prefix_parse(c->prefix, true, &p) == 0, "%s", c->prefix);
	ck_assert_msg(ann_in_peering_space(&p) == c->inside, "%s: want %s",
	    c->prefix, c->inside ? "inside" : "outside");
}
END_TEST

START_TEST(test_peering_asns)
{
	static const uint32_t yes[] = { 47065, 33207, 61574, 61575, 61576,
	    263842, 263843, 263844 };
	static const uint32_t no[] = { 0, 1, 3356, 23456, 47064, 47066,
	    61573, 61577, 263841, 263845, UINT32_MAX };

	for (size_t i = 0; i < NELEM(yes); i++)
		ck_assert_msg(ann_is_peering_asn(yes[i]), "%u", yes[i]);
	for (size_t i = 0; i < NELEM(no); i++)
		ck_assert_msg(!ann_is_peering_asn(no[i]), "%u", no[i]);
}
END_TEST

/* ---- the gates ---- */

static struct prefix gate_allowed[8];
static struct ann_policy gate_pol = { gate_allowed, 0, false };

static void
gate_setup(void)
{
	static const char *const list[] = {
		"184.164.236.0/24", "184.164.224.0/25", "10.0.0.0/24",
		"2804:269c:1::/48", "2804:269c::/42", "2804:269c:1::/49",
		"204.9.168.0/22",
	};

	for (size_t i = 0; i < NELEM(list); i++)
		ck_assert_int_eq(prefix_parse(list[i], true,
		    &gate_allowed[i]), 0);
	gate_pol.n_allowed = NELEM(list);
	gate_pol.any_origin = false;
}

struct gate_case {
	const char	*line;
	const char	*err;	/* NULL: accepted; else the exact text */
};

#define P	"184.164.236.0/24"
#define C5	"1:1,1:2,1:3,1:4,1:5"
#define C20	C5 "," C5 "," C5 "," C5
#define PATH_HINT \
	" AS numbers: at most 5 (guidelines); poison fewer ASes or prepend less"
#define ASN_HINT	" is not valid: use 1..4294967295, not 23456 (AS_TRANS)"

static const struct gate_case gate_cases[] = {
	{ "announce " P, NULL },
	{ "announce 2804:269c:1::/48", NULL },
	{ "announce 2804:269c::/42", NULL },
	{ "announce 204.9.168.0/22 mux amsterdam01", NULL },
	/* In the list: exactly a listed prefix. */
	{ "announce 184.164.237.0/24", "invalid prefix: 184.164.237.0/24: not "
	    "in prefixes.txt or prefixes6.txt (announce only the prefixes "
	    "listed there)" },
	{ "announce 184.164.236.0/25", "invalid prefix: 184.164.236.0/25: not "
	    "in prefixes.txt or prefixes6.txt (announce only the prefixes "
	    "listed there)" },
	{ "announce 204.9.170.0/24", "invalid prefix: 204.9.170.0/24: not "
	    "in prefixes.txt or prefixes6.txt (announce only the prefixes "
	    "listed there)" },
	{ "withdraw 184.164.237.0/24", "invalid prefix: 184.164.237.0/24: not "
	    "in prefixes.txt or prefixes6.txt (announce only the prefixes "
	    "listed there)" },
	/* Listed, but outside the PEERING space or its lengths. */
	{ "announce 10.0.0.0/24", "prefix 10.0.0.0/24 is outside the PEERING "
	    "address space: announce only PEERING prefixes" },
	{ "withdraw 10.0.0.0/24", "prefix 10.0.0.0/24 is outside the PEERING "
	    "address space: announce only PEERING prefixes" },
	{ "announce 184.164.224.0/25", "prefix 184.164.224.0/25: PEERING "
	    "block 184.164.224.0/19 allows only /19 to /24" },
	{ "announce 2804:269c:1::/49", "prefix 2804:269c:1::/49: PEERING "
	    "block 2804:269c::/42 allows only /42 to /48" },
	/* -M needs one mux. */
	{ "announce " P " container", "-M can only be used with -m" },
	{ "announce " P " mux amsterdam01 container", NULL },
	/* Prepending. */
	{ "announce " P " prepend 1", NULL },
	{ "announce " P " prepend 4", NULL },
	{ "announce " P " prepend 5", "can prepend only 1, 2, 3, or 4 times" },
	{ "announce " P " prepend 255",
	    "can prepend only 1, 2, 3, or 4 times" },
	/* AS numbers. */
	{ "announce " P " origin 0", "origin AS 0" ASN_HINT },
	{ "announce " P " origin 23456", "origin AS 23456" ASN_HINT },
	{ "announce " P " poison 0", "poisoned AS 0" ASN_HINT },
	{ "announce " P " poison 3356,23456", "poisoned AS 23456" ASN_HINT },
	{ "announce " P " poison 4294967295", NULL },
	{ "announce " P " origin 3356", "origin AS 3356 is not a PEERING ASN: "
	    "use 47065, 33207, 61574, 61575, 61576, 263842, 263843 or "
	    "263844" },
	{ "announce " P " origin 33207", NULL },
	{ "announce " P " origin 61574", NULL },
	{ "announce " P " origin 61575", NULL },
	{ "announce " P " origin 61576", NULL },
	{ "announce " P " origin 263842", NULL },
	{ "announce " P " origin 263843", NULL },
	{ "announce " P " origin 263844", NULL },
	/* At most 5 AS numbers in the path we send. */
	{ "announce " P " origin 61574 poison 1,2,3", NULL },
	{ "announce " P " origin 61574 poison 1,2,3,4",
	    "the AS path would have 6" PATH_HINT },
	{ "announce " P " poison 1,2,3,4", NULL },
	{ "announce " P " poison 1,2,3,4,5", "the AS path would have 6"
	    PATH_HINT },
	{ "announce " P " prepend 4 poison 1", NULL },
	{ "announce " P " prepend 4 poison 1,2", "the AS path would have 6"
	    PATH_HINT },
	{ "announce " P " origin 61574 prepend 3 poison 1", NULL },
	{ "announce " P " origin 61574 prepend 4 poison 1",
	    "the AS path would have 6" PATH_HINT },
	/* The JSON rule has no second origin: one poison more fits. */
	{ "announce " P " origin 61574 jsonrule poison 1,2,3,4", NULL },
	{ "announce " P " origin 61574 jsonrule poison 1,2,3,4,5",
	    "the AS path would have 6" PATH_HINT },
	{ "announce " P " origin 61574 prepend 2 jsonrule poison 1,2,3",
	    NULL },
	{ "announce " P " origin 61574 prepend 2 jsonrule poison 1,2,3,4",
	    "the AS path would have 6" PATH_HINT },
	{ "announce " P " jsonrule poison 1,2,3,4,5",
	    "the AS path would have 6" PATH_HINT },
	/* At most 20 communities; large ones are not counted. */
	{ "announce " P " community " C20, NULL },
	{ "announce " P " community " C20 ",1:6", "21 communities: the muxes "
	    "drop all of them past 20; remove 1" },
	{ "announce " P " community " C20 "," C5, "25 communities: the muxes "
	    "drop all of them past 20; remove 5" },
	{ "announce " P " community 65535:65535 large 4294967295:0:1", NULL },
	/* A withdraw passes with the prefix checks alone. */
	{ "withdraw " P " mux amsterdam01 nodp", NULL },
};

START_TEST(test_gates)
{
	const struct gate_case *c = &gate_cases[_i];
	struct ann_request r = req(c->line);
	char err[512] = "";
	int rc = ann_check(&r, &gate_pol, err, sizeof(err));

	if (c->err == NULL) {
		ck_assert_msg(rc == 0, "%s: refused: %s", c->line, err);
		return;
	}
	ck_assert_msg(rc == -1, "%s: accepted", c->line);
	ck_assert_str_eq(err, c->err);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* The path gate's boundary value off the table: exactly 5 is fine. */
START_TEST(test_gate_path_five)
{
	struct ann_request r = req("announce " P " origin 61574 prepend 2 "
	    "poison 1,2");
	char err[256];

	/* 61574 2 1 61574 61574 */
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_gate_any_origin)
{
	struct ann_request r = req("announce " P " origin 3356 poison 174");
	char err[256];

	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	gate_pol.any_origin = true;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), 0);
	/* Configured or not, AS_TRANS is never an origin. */
	r.attrs.origin = 23456;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	gate_pol.any_origin = false;
}
END_TEST

/* What no parser makes but a struct can hold: refused, not trusted. */
START_TEST(test_gate_bad_structs)
{
	struct ann_request r = req("announce " P);
	char err[256];

	r.attrs.n_poisons = ANN_MAX_POISONS + 1;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	r = req("announce " P);
	r.attrs.n_large = ANN_MAX_LARGE + 1;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	r = req("announce " P);
	r.attrs.n_communities = 200;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	r = req("announce " P);
	memset(r.mux, 'a', sizeof(r.mux));	/* no NUL */
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	r = req("announce " P);
	strcpy(r.mux, "two words");
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	r = req("announce " P);
	r.prefix.af = 7;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), -1);
	/* An empty list allows nothing. */
	r = req("announce " P);
	{
		struct ann_policy none = { NULL, 0, false };

		ck_assert_int_eq(ann_check(&r, &none, err, sizeof(err)), -1);
	}
	/* No room for the error is fine too. */
	ck_assert_int_eq(ann_check(&r, &(struct ann_policy){ NULL, 0, false },
	    NULL, 0), -1);
}
END_TEST

/* A withdraw does not look at attributes (the CLI leaves them at their
 * defaults, but another client may not). */
START_TEST(test_gate_withdraw_attrs)
{
	struct ann_request r = req("withdraw " P);
	char err[256];

	r.attrs.prepend = 9;
	r.attrs.origin = 0;
	r.attrs.container_nexthop = true;
	ck_assert_int_eq(ann_check(&r, &gate_pol, err, sizeof(err)), 0);
}
END_TEST

/* The rule survives a restart: var/announcements.json holds
 * "json_rule":true where it is set, and nothing where it is not. */
START_TEST(test_rule_stored)
{
	static const char bad[] = "{\"version\":1,\"announcements\":[\n"
	    "{\"prefix\":\"184.164.236.0/24\",\"json_rule\":1}]}";
	static const char kept[] = "\"poisons\":[3356],\"json_rule\":true,";
	struct ann_store s, t;
	struct ann_entry e;
	char err[256], *text, *hit;
	uint32_t pa[ANN_MAX_PATH], pb[ANN_MAX_PATH];
	size_t na, nb;

	ann_store_init(&s, NULL);
	ann_store_init(&t, NULL);
	memset(&e, 0, sizeof(e));
	e.attrs = req("announce " P " origin 61574 jsonrule poison 3356").attrs;
	e.prefix = req("announce " P).prefix;
	ck_assert_int_eq(ann_store_set(&s, &e), 0);
	e.attrs.json_rule = false;
	strcpy(e.mux, "isi01");
	ck_assert_int_eq(ann_store_set(&s, &e), 0);
	text = ann_store_format(&s);
	ck_assert_ptr_nonnull(text);
	hit = strstr(text, kept);
	ck_assert_ptr_nonnull(hit);
	ck_assert_ptr_null(strstr(hit + strlen(kept), "json_rule"));
	ck_assert_int_eq(ann_store_parse(&t, text, strlen(text), err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert(t.e[0].attrs.json_rule);	/* "all" sorts first */
	ck_assert(!t.e[1].attrs.json_rule);
	na = ann_aspath(&t.e[0].attrs, pa, NELEM(pa));
	nb = ann_aspath(&s.e[0].attrs, pb, NELEM(pb));
	ck_assert_uint_eq(na, 2);
	ck_assert_uint_eq(nb, 2);
	ck_assert_mem_eq(pa, pb, na * sizeof(pa[0]));
	free(text);
	ann_store_free(&t);
	ann_store_init(&t, NULL);
	ck_assert_int_eq(ann_store_parse(&t, bad, strlen(bad), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "announcements[0].json_rule: not true or false");
	ann_store_free(&t);
	ann_store_free(&s);
}
END_TEST

/* ---- the control request line ---- */

/* Canonical lines: to_line(from_words(line)) gives the line back. */
static const char *const line_cases[] = {
	"announce 184.164.236.0/24",
	"announce 2804:269c:1::/48",
	"announce 184.164.236.0/24 mux amsterdam01",
	"announce 184.164.236.0/24 origin 61574",
	"announce 184.164.236.0/24 prepend 3",
	"announce 184.164.236.0/24 poison 3356",
	"announce 184.164.236.0/24 poison 3356,174,4294967295",
	"announce 184.164.236.0/24 community 47065:1,0:0,65535:65535",
	"announce 184.164.236.0/24 large 47065:4294967295:0,1:2:3",
	"announce 184.164.236.0/24 mux ufmg01 container",
	"announce 184.164.236.0/24 nodp",
	"announce 184.164.236.0/24 force",
	"announce 184.164.236.0/24 mux isi01 origin 61574 prepend 2 "
	    "poison 3356,174 community 47065:1001,47065:0 large 1:2:3 "
	    "container nodp force",
	/* The JSON files' path rule, where it changes the path. */
	"announce 184.164.236.0/24 mux isi01 origin 61574 jsonrule "
	    "poison 3356,174",
	"announce 184.164.236.0/24 origin 61574 prepend 3 jsonrule "
	    "poison 3356",
	/* Values the gates refuse still travel: the daemon refuses them. */
	"announce 184.164.236.0/24 origin 0 prepend 9",
	"withdraw 184.164.236.0/24",
	"withdraw 2804:269c::/42 mux seattle01",
	"withdraw 184.164.236.0/24 mux seattle01 nodp",
	/* The dry run of `peering announce FILE`: gates only. */
	"announce 184.164.236.0/24 mux seattle01 force check",
	"withdraw 184.164.236.0/24 check",
};

START_TEST(test_line_roundtrip)
{
	const char *line = line_cases[_i];
	struct ann_request r = req(line), back;
	char out[CONTROL_MAX_REQUEST], err[256];
	int n = ann_request_to_line(&r, out, sizeof(out));

	ck_assert_int_eq(n, (int)strlen(line));
	ck_assert_str_eq(out, line);
	ck_assert_int_eq(req_parse(out, &back, err, sizeof(err)), 0);
	ck_assert(req_same(&r, &back));
}
END_TEST

/* The longest request there can be fits one control line and its word
 * limit, and comes back the same. */
START_TEST(test_line_largest)
{
	struct ann_request r, back;
	char out[CONTROL_MAX_REQUEST], err[256];
	int n;

	memset(&r, 0, sizeof(r));
	ann_attrs_init(&r.attrs);
	ck_assert_int_eq(prefix_parse("2620:33:c000::/48", true, &r.prefix), 0);
	strcpy(r.mux, "abcdefghijklmnopqrstuvwxyz01234");
	r.attrs.origin = UINT32_MAX;
	r.attrs.prepend = 255;
	r.attrs.n_poisons = ANN_MAX_POISONS;
	for (int i = 0; i < ANN_MAX_POISONS; i++)
		r.attrs.poisons[i] = UINT32_MAX - (uint32_t)i;
	r.attrs.n_communities = ANN_MAX_COMMUNITIES;
	for (int i = 0; i < ANN_MAX_COMMUNITIES; i++)
		r.attrs.communities[i] = UINT32_MAX - (uint32_t)i;
	r.attrs.n_large = ANN_MAX_LARGE;
	for (int i = 0; i < ANN_MAX_LARGE; i++)
		for (int k = 0; k < 3; k++)
			r.attrs.large[i][k] = UINT32_MAX - (uint32_t)(i + k);
	r.attrs.container_nexthop = r.no_dataplane = r.force = true;
	r.attrs.json_rule = true;
	n = ann_request_to_line(&r, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n + 1, CONTROL_MAX_REQUEST);	/* with its \n */
	ck_assert_int_eq(req_parse(out, &back, err, sizeof(err)), 0);
	ck_assert(req_same(&r, &back));
	/* Too small a buffer: -1, never a cut line. */
	ck_assert_int_eq(ann_request_to_line(&r, out, (size_t)n), -1);
	ck_assert_int_eq(ann_request_to_line(&r, out, (size_t)n + 1), n);
	ck_assert_int_eq(ann_request_to_line(&r, out, 0), -1);
}
END_TEST

/* Other spellings that read the same, and what to_line does with them. */
START_TEST(test_line_forms)
{
	struct ann_request a, b;
	char out[CONTROL_MAX_REQUEST];

	a = req("announce 184.164.236.0/24 community 1:2 poison 7 "
	    "community 3:4,5:6 poison 8 large 1:1:1 large 2:2:2");
	b = req("announce 184.164.236.0/24 poison 7,8 community 1:2,3:4,5:6 "
	    "large 1:1:1,2:2:2");
	ck_assert(req_same(&a, &b));
	/* Order of keys is free; flags in any place. */
	a = req("announce 184.164.236.0/24 force nodp mux x origin 61574");
	b = req("announce 184.164.236.0/24 mux x origin 61574 nodp force");
	ck_assert(req_same(&a, &b));
	/* "origin 47065" is the default: not written back. */
	a = req("announce 184.164.236.0/24 origin 47065 prepend 0");
	ck_assert_int_gt(ann_request_to_line(&a, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "announce 184.164.236.0/24");
	/* jsonrule only where the path differs: not without poisons, not
	 * for origin 47065, not when the last poison is the origin. */
	static const char *const rule_same[] = {
		"jsonrule", "origin 61574 jsonrule", "poison 3356 jsonrule",
		"origin 61574 jsonrule poison 3356,61574",
	};
	for (size_t i = 0; i < NELEM(rule_same); i++) {
		char line[128];

		snprintf(line, sizeof(line), "announce 184.164.236.0/24 %s",
		    rule_same[i]);
		a = req(line);
		ck_assert(a.attrs.json_rule);
		ck_assert_int_gt(ann_request_to_line(&a, out, sizeof(out)), 0);
		ck_assert_ptr_null(strstr(out, "jsonrule"));
		b = req(out);
		ck_assert(ann_attrs_equal(&a.attrs, &b.attrs));
	}
	/* A withdraw's attributes are not sent; force is (a withdraw from
	 * one mux may make it hear the "all" announcement again). */
	a = req("withdraw 184.164.236.0/24");
	a.attrs.prepend = 2;
	ck_assert_int_gt(ann_request_to_line(&a, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "withdraw 184.164.236.0/24");
	a.force = true;
	ck_assert_int_gt(ann_request_to_line(&a, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "withdraw 184.164.236.0/24 force");
	/* A mux that would split into two words is not written. */
	strcpy(a.mux, "two words");
	ck_assert_int_eq(ann_request_to_line(&a, out, sizeof(out)), -1);
	a = req("withdraw 184.164.236.0/24");
	a.attrs.n_communities = ANN_MAX_COMMUNITIES + 1;
	ck_assert_int_eq(ann_request_to_line(&a, out, sizeof(out)), -1);
}
END_TEST

struct reject_case {
	const char	*line;
	const char	*err;
};

static const struct reject_case reject_cases[] = {
	{ "show", "want announce or withdraw" },
	{ "Announce " P, "want announce or withdraw" },
	{ "announce", "announce: no prefix" },
	{ "withdraw", "withdraw: no prefix" },
	{ "announce 184.164.236.1/24", "bad prefix '184.164.236.1/24'" },
	{ "announce 184.164.236.0", "bad prefix '184.164.236.0'" },
	{ "announce 184.164.236.0/33", "bad prefix '184.164.236.0/33'" },
	{ "announce mux", "bad prefix 'mux'" },
	{ "announce " P " bogus", "unknown word 'bogus'" },
	{ "announce " P " " P, "unknown word '184.164.236.0/24'" },
	{ "announce " P " MUX x", "unknown word 'MUX'" },
	{ "announce " P " origin", "'origin' needs a value" },
	{ "announce " P " mux", "'mux' needs a value" },
	{ "announce " P " community", "'community' needs a value" },
	{ "announce " P " origin x", "origin: bad AS number 'x'" },
	{ "announce " P " origin -1", "origin: bad AS number '-1'" },
	{ "announce " P " origin +1", "origin: bad AS number '+1'" },
	{ "announce " P " origin 061574", "origin: bad AS number '061574'" },
	{ "announce " P " origin 4294967296",
	    "origin: bad AS number '4294967296'" },
	{ "announce " P " origin 99999999999",
	    "origin: bad AS number '99999999999'" },
	{ "announce " P " origin 0x10", "origin: bad AS number '0x10'" },
	{ "announce " P " origin 1 origin 2", "'origin' given twice" },
	{ "announce " P " origin 47065 origin 47065", "'origin' given twice" },
	{ "announce " P " mux a mux b", "'mux' given twice" },
	{ "announce " P " prepend 1 prepend 1", "'prepend' given twice" },
	{ "announce " P " container container", "'container' given twice" },
	{ "announce " P " nodp nodp", "'nodp' given twice" },
	{ "announce " P " force force", "'force' given twice" },
	{ "announce " P " jsonrule jsonrule", "'jsonrule' given twice" },
	{ "announce " P " jsonrule json", "unknown word 'json'" },
	{ "announce " P " prepend x", "prepend: bad number 'x'" },
	{ "announce " P " prepend 256",
	    "can prepend only 1, 2, 3, or 4 times" },
	{ "announce " P " poison x", "poison: bad AS number 'x'" },
	{ "announce " P " poison 1,,2", "poison: empty value in '1,,2'" },
	{ "announce " P " poison 1,", "poison: empty value in '1,'" },
	{ "announce " P " poison ,1", "poison: empty value in ',1'" },
	{ "announce " P " poison 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
	    "more than 16 poisoned ASes" },
	{ "announce " P " poison 1,2,3,4,5,6,7,8 poison "
	    "9,10,11,12,13,14,15,16 poison 17", "more than 16 poisoned ASes" },
	{ "announce " P " community 70000:1",
	    "community 70000:1: -c ASN:COMM accepts only 16-bit numbers" },
	{ "announce " P " community 1:65536",
	    "community 1:65536: -c ASN:COMM accepts only 16-bit numbers" },
	{ "announce " P " community 1,2",
	    "community: want ASN:VALUE, not '1'" },
	{ "announce " P " community 1:2:3",
	    "community: want ASN:VALUE, not '1:2:3'" },
	{ "announce " P " community x:70000",
	    "community: want ASN:VALUE, not 'x:70000'" },
	{ "announce " P " community 1:",
	    "community: want ASN:VALUE, not '1:'" },
	{ "announce " P " community 1:2,", "community: empty value in '1:2,'" },
	{ "announce " P " large 1:2",
	    "large: want three 32-bit numbers A:B:C, not '1:2'" },
	{ "announce " P " large 1:2:4294967296",
	    "large: want three 32-bit numbers A:B:C, not '1:2:4294967296'" },
	{ "announce " P " large 1:2:3:4",
	    "large: want three 32-bit numbers A:B:C, not '1:2:3:4'" },
	{ "announce " P " mux all", "mux all: leave out 'mux' for every mux" },
	{ "announce " P " mux Seattle01", "bad mux name 'Seattle01' (want "
	    "[a-z0-9_-], at most 31 characters)" },
	{ "announce " P " mux abcdefghijklmnopqrstuvwxyz0123456",
	    "bad mux name 'abcdefghijklmnopqrstuvwxyz0123456' (want "
	    "[a-z0-9_-], at most 31 characters)" },
	{ "withdraw " P " origin 1", "withdraw takes no 'origin'" },
	{ "withdraw " P " prepend 1", "withdraw takes no 'prepend'" },
	{ "withdraw " P " poison 1", "withdraw takes no 'poison'" },
	{ "withdraw " P " community 1:1", "withdraw takes no 'community'" },
	{ "withdraw " P " large 1:1:1", "withdraw takes no 'large'" },
	{ "withdraw " P " container", "withdraw takes no 'container'" },
	{ "withdraw " P " jsonrule", "withdraw takes no 'jsonrule'" },
};

START_TEST(test_line_rejects)
{
	const struct reject_case *c = &reject_cases[_i];
	struct ann_request r;
	char err[256];

	ck_assert_msg(req_parse(c->line, &r, err, sizeof(err)) == -1,
	    "%s: accepted", c->line);
	ck_assert_str_eq(err, c->err);
}
END_TEST

START_TEST(test_line_rejects_other)
{
	char *none[1] = { NULL };
	char *many[66];
	char words[66][8], err[128];
	struct ann_request r;

	/* No words at all. */
	ck_assert_int_eq(ann_request_from_words(0, none, &r, err,
	    sizeof(err)), -1);
	/* 65 communities in one list, past what the struct holds. */
	{
		static char list[65 * 4 + 1];
		char *w[4] = { (char *)"announce", (char *)P,
		    (char *)"community", list };

		list[0] = '\0';
		for (int i = 0; i < 65; i++)
			strcat(list, i ? ",1:1" : "1:1");
		ck_assert_int_eq(ann_request_from_words(4, w, &r, err,
		    sizeof(err)), -1);
		ck_assert_str_eq(err, "more than 64 communities");
	}
	/* 65 large communities, as repeated words (no word limit here). */
	many[0] = (char *)"announce";
	many[1] = (char *)P;
	for (int i = 0; i < 32; i++) {
		strcpy(words[i], "large");
		many[2 + 2 * i] = words[i];
		many[3 + 2 * i] = (char *)"1:2:3,4:5:6";
	}
	ck_assert_int_eq(ann_request_from_words(66, many, &r, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(r.attrs.n_large, 64);
	many[65] = (char *)"1:2:3,4:5:6,7:8:9";
	ck_assert_int_eq(ann_request_from_words(66, many, &r, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "more than 64 large communities");
	/* No room for an error is fine. */
	ck_assert_int_eq(ann_request_from_words(0, none, &r, NULL, 0), -1);
	/* Words from a caller other than the control server may hold any
	 * byte: the error stays one printable line. */
	{
		char *w[3] = { (char *)"announce", (char *)P,
		    (char *)"x\ny\x80" };

		ck_assert_int_eq(ann_request_from_words(3, w, &r, err,
		    sizeof(err)), -1);
		ck_assert_str_eq(err, "unknown word 'x?y?'");
	}
}
END_TEST

/* ---- the text forms ---- */

struct text_case {
	const char	*s;
	int		 rc;
	uint32_t	 v;
};

#define TEXT_UNSET	12345	/* a value no failed read may change */

/* A reader's result rc and value v (set to TEXT_UNSET before) against
 * the case. */
static void
text_expect(const struct text_case *c, int rc, uint32_t v)
{
	ck_assert_msg(rc == c->rc, "'%s': %d, want %d", c->s, rc, c->rc);
	ck_assert_uint_eq(v, c->rc == ANN_TEXT_OK ? c->v : TEXT_UNSET);
}

static const struct text_case u32_cases[] = {
	{ "0", ANN_TEXT_OK, 0 },
	{ "1", ANN_TEXT_OK, 1 },
	{ "47065", ANN_TEXT_OK, 47065 },
	{ "4294967295", ANN_TEXT_OK, UINT32_MAX },
	{ "4294967296", ANN_TEXT_RANGE, 0 },
	{ "10000000000", ANN_TEXT_RANGE, 0 },
	{ "", ANN_TEXT_SYNTAX, 0 },
	{ "00", ANN_TEXT_SYNTAX, 0 },
	{ "01", ANN_TEXT_SYNTAX, 0 },
	{ "-1", ANN_TEXT_SYNTAX, 0 },
	{ "+1", ANN_TEXT_SYNTAX, 0 },
	{ " 1", ANN_TEXT_SYNTAX, 0 },
	{ "1 ", ANN_TEXT_SYNTAX, 0 },
	{ "1a", ANN_TEXT_SYNTAX, 0 },
	{ "0x1", ANN_TEXT_SYNTAX, 0 },
	{ "AS1", ANN_TEXT_SYNTAX, 0 },
};

START_TEST(test_text_u32)
{
	const struct text_case *c = &u32_cases[_i];
	uint32_t v = TEXT_UNSET;
	int rc = ann_text_u32(c->s, strlen(c->s), UINT32_MAX, &v);

	text_expect(c, rc, v);
}
END_TEST

START_TEST(test_text_pairs)
{
	uint32_t c = 0, l[3] = { 0 };

	ck_assert_int_eq(ann_text_u32("5", 1, 4, &c), ANN_TEXT_RANGE);
	ck_assert_int_eq(ann_text_u32("4", 1, 4, &c), ANN_TEXT_OK);
	/* Lengths are honoured: "12" read as "1". */
	ck_assert_int_eq(ann_text_u32("12", 1, 99, &c), ANN_TEXT_OK);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(ann_text_community("47065,1", 7, ',', &c), 0);
	ck_assert_uint_eq(c, 47065u << 16 | 1);
	ck_assert_int_eq(ann_text_community("65535:65535", 11, ':', &c), 0);
	ck_assert_uint_eq(c, UINT32_MAX);
	ck_assert_int_eq(ann_text_community("47065:1", 7, ',', &c),
	    ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_community("65536,1", 7, ',', &c),
	    ANN_TEXT_RANGE);
	ck_assert_int_eq(ann_text_community("1,65536", 7, ',', &c),
	    ANN_TEXT_RANGE);
	/* A syntax error anywhere wins over a number out of range. */
	ck_assert_int_eq(ann_text_community("65536,x", 7, ',', &c),
	    ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_community("1,2,3", 5, ',', &c),
	    ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_community(",", 1, ',', &c), ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_community("1", 1, ',', &c), ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_large("1,2,3", 5, ',', l), 0);
	ck_assert_uint_eq(l[0], 1);
	ck_assert_uint_eq(l[1], 2);
	ck_assert_uint_eq(l[2], 3);
	ck_assert_int_eq(ann_text_large("4294967295:0:4294967295", 23, ':', l),
	    0);
	ck_assert_uint_eq(l[2], UINT32_MAX);
	ck_assert_int_eq(ann_text_large("1,2", 3, ',', l), ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_large("1,2,3,", 6, ',', l), ANN_TEXT_SYNTAX);
	ck_assert_int_eq(ann_text_large("1,2,4294967296", 14, ',', l),
	    ANN_TEXT_RANGE);
}
END_TEST

/* `peering prefix -c`: the old client's comma, or a colon. */
static const struct text_case flag_cases[] = {
	{ "47065,1", ANN_TEXT_OK, 47065u << 16 | 1 },
	{ "47065:1", ANN_TEXT_OK, 47065u << 16 | 1 },
	{ "0,0", ANN_TEXT_OK, 0 },
	{ "65535:65535", ANN_TEXT_OK, UINT32_MAX },
	{ "65536,1", ANN_TEXT_RANGE, 0 },
	{ "65536:1", ANN_TEXT_RANGE, 0 },
	{ "1,65536", ANN_TEXT_RANGE, 0 },
	{ "1:65536", ANN_TEXT_RANGE, 0 },
	{ "70000:70000", ANN_TEXT_RANGE, 0 },
	{ "1,2:3", ANN_TEXT_SYNTAX, 0 },	/* one separator, not two */
	{ "1:2,3", ANN_TEXT_SYNTAX, 0 },
	{ "1:2:3", ANN_TEXT_SYNTAX, 0 },
	{ "1,2,3", ANN_TEXT_SYNTAX, 0 },
	{ "65536:x", ANN_TEXT_SYNTAX, 0 },
	{ "1", ANN_TEXT_SYNTAX, 0 },
	{ ":", ANN_TEXT_SYNTAX, 0 },
	{ ":1", ANN_TEXT_SYNTAX, 0 },
	{ "1:", ANN_TEXT_SYNTAX, 0 },
	{ "", ANN_TEXT_SYNTAX, 0 },
	{ "01:1", ANN_TEXT_SYNTAX, 0 },
	{ "-1:1", ANN_TEXT_SYNTAX, 0 },
};

START_TEST(test_text_community_flag)
{
	const struct text_case *c = &flag_cases[_i];
	uint32_t v = TEXT_UNSET;
	int rc = ann_text_community_flag(c->s, strlen(c->s), &v);

	text_expect(c, rc, v);
}
END_TEST

/* `peering prefix -l`: "A,B,C" or "A:B:C", one separator. */
static const struct {
	const char	*s;
	int		 rc;
	uint32_t	 v[3];
} large_flag_cases[] = {
	{ "1,2,3", ANN_TEXT_OK, { 1, 2, 3 } },
	{ "1:2:3", ANN_TEXT_OK, { 1, 2, 3 } },
	{ "47065:4294967295:0", ANN_TEXT_OK, { 47065, UINT32_MAX, 0 } },
	{ "1:2:4294967296", ANN_TEXT_RANGE, { 0, 0, 0 } },
	{ "1:2,3", ANN_TEXT_SYNTAX, { 0, 0, 0 } },
	{ "1,2:3", ANN_TEXT_SYNTAX, { 0, 0, 0 } },
	{ "1:2", ANN_TEXT_SYNTAX, { 0, 0, 0 } },
	{ "1:2:3:4", ANN_TEXT_SYNTAX, { 0, 0, 0 } },
	{ "", ANN_TEXT_SYNTAX, { 0, 0, 0 } },
};

START_TEST(test_text_large_flag)
{
	uint32_t v[3] = { 0, 0, 0 };
	int rc = ann_text_large_flag(large_flag_cases[_i].s,
	    strlen(large_flag_cases[_i].s), v);

	ck_assert_int_eq(rc, large_flag_cases[_i].rc);
	ck_assert_mem_eq(v, large_flag_cases[_i].v, sizeof(v));
}
END_TEST

/* ---- the next hop ---- */

struct nh_case {
	const char	*what;
	bool		 container;	/* -M */
	unsigned	 af;		/* the session's */
	const char	*local;		/* our tunnel address; NULL: none */
	const char	*mux;
	unsigned	 tap;
	long		 ctxid;
	const char	*want;		/* the next hop, or NULL ... */
	const char	*err;		/* ... and this error */
};

#define V4	AF_IDX_IPV4
#define V6	AF_IDX_IPV6
#define NOID	ANN_NH_NO_CTXID
#define A4	"100.69.0.7"		/* ours on tap5 */
#define A6	"2804:269c:ff00:5:1::7"
#define NOT_UP	": no tunnel address of ours yet (the session is not up)"

static const struct nh_case nh_cases[] = {
	/* Self: our tunnel address, whatever container.txt says. */
	{ "self v4", false, V4, A4, "amsterdam01", 5, NOID, A4, NULL },
	{ "self v6", false, V6, A6, "amsterdam01", 5, NOID, A6, NULL },
	{ "self v4, container.txt there", false, V4, A4, "amsterdam01", 5, 3,
	    A4, NULL },
	{ "self v4, a neighbour not in the mux table", false, V4, A4, "n1",
	    0, NOID, A4, NULL },
	{ "self v4, tap past 31", false, V4, A4, "far01", 40, NOID, A4,
	    NULL },
	{ "self v4, no address yet", false, V4, NULL, "amsterdam01", 5, NOID,
	    NULL, "amsterdam01" NOT_UP },
	{ "self v6, no address yet", false, V6, NULL, "amsterdam01", 5, NOID,
	    NULL, "amsterdam01" NOT_UP },
	{ "self v4, an IPv6 address", false, V4, A6, "amsterdam01", 5, NOID,
	    NULL, "amsterdam01: our tunnel address " A6 " is not IPv4" },
	{ "self v6, an IPv4 address", false, V6, A4, "amsterdam01", 5, NOID,
	    NULL, "amsterdam01: our tunnel address " A4 " is not IPv6" },
	/* -M: 100.125.(N*8).(ctxid*4+2); no address of ours needed. */
	{ "-M v4", true, V4, A4, "amsterdam01", 5, 3, "100.125.40.14",
	    NULL },
	{ "-M v4, no address yet", true, V4, NULL, "amsterdam01", 5, 3,
	    "100.125.40.14", NULL },
	{ "-M v4, first", true, V4, A4, "isi01", 1, 0, "100.125.8.2", NULL },
	{ "-M v4, ctxid 64 carries", true, V4, A4, "isi01", 2, 64,
	    "100.125.17.2", NULL },
	{ "-M v4, last", true, V4, A4, "x31", 31, 511, "100.125.255.254",
	    NULL },
	/* -M has no IPv6 form: self, with its failures. */
	{ "-M v6", true, V6, A6, "amsterdam01", 5, 3, A6, NULL },
	{ "-M v6, no container.txt", true, V6, A6, "amsterdam01", 5, NOID,
	    A6, NULL },
	{ "-M v6, no address yet", true, V6, NULL, "amsterdam01", 5, 3, NULL,
	    "amsterdam01" NOT_UP },
	/* -M failures. */
	{ "-M v4, no container.txt", true, V4, A4, "amsterdam01", 5, NOID,
	    NULL, "-M: no container id: container.txt is missing or not valid "
	    "(echo ID > container.txt)" },
	{ "-M v4, ctxid 512", true, V4, A4, "amsterdam01", 5, 512, NULL,
	    "-M: container id 512 is out of range (0..511)" },
	{ "-M v4, ctxid -2", true, V4, A4, "amsterdam01", 5, -2, NULL,
	    "-M: container id -2 is out of range (0..511)" },
	{ "-M v4, tap 32", true, V4, A4, "far01", 32, 0, NULL,
	    "-M: mux far01 (tap32) has no container space" },
	{ "-M v4, tap 63", true, V4, NULL, "far01", 63, 511, NULL,
	    "-M: mux far01 (tap63) has no container space" },
	{ "-M v4, not a mux", true, V4, A4, "n1", 0, 3, NULL,
	    "-M: n1 is not a mux of configs/openvpn/: no container there" },
};

START_TEST(test_nexthop)
{
	const struct nh_case *c = &nh_cases[_i];
	struct ann_nh_input in = { c->af, NULL, c->mux, c->tap, c->ctxid };
	struct prefix local, nh, want;
	struct ann_attrs a;
	char err[256] = "", s[PREFIX_STRLEN];
	int rc;

	ann_attrs_init(&a);
	a.container_nexthop = c->container;
	if (c->local != NULL) {
		ck_assert_int_eq(addr_parse(c->local, &local), 0);
		in.local = &local;
	}
	ck_assert(ann_nexthop_container(&a, c->af) ==
	    (c->container && c->af == V4));
	memset(&nh, 0, sizeof(nh));
	rc = ann_nexthop(&a, &in, &nh, err, sizeof(err));
	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "%s: accepted", c->what);
		ck_assert_str_eq(err, c->err);
		/* No room for the error is fine too. */
		ck_assert_int_eq(ann_nexthop(&a, &in, &nh, NULL, 0), -1);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", c->what, err);
	ck_assert_int_eq(addr_parse(c->want, &want), 0);
	ck_assert_msg(prefix_equal(&nh, &want), "%s: %s, want %s", c->what,
	    prefix_format(&nh, s, sizeof(s)), c->want);
}
END_TEST

#undef V4
#undef V6
#undef NOID
#undef A4
#undef A6
#undef NOT_UP

Suite *
announce_suite(void)
{
	Suite *s = suite_create("announce");
	TCase *path = tcase_create("aspath"), *gates = tcase_create("gates");
	TCase *line = tcase_create("line");
	TCase *text = tcase_create("text"), *nh = tcase_create("nexthop");

	tcase_add_loop_test(path, test_aspath, 0, (int)NELEM(path_cases));
	tcase_add_test(path, test_aspath_bounded);
	tcase_add_test(path, test_attrs_equal);
	suite_add_tcase(s, path);
	tcase_add_checked_fixture(gates, gate_setup, NULL);
	tcase_add_loop_test(gates, test_peering_space, 0,
	    (int)NELEM(space_cases));
	tcase_add_test(gates, test_peering_asns);
	tcase_add_loop_test(gates, test_gates, 0, (int)NELEM(gate_cases));
	tcase_add_test(gates, test_gate_path_five);
	tcase_add_test(gates, test_gate_any_origin);
	tcase_add_test(gates, test_gate_bad_structs);
	tcase_add_test(gates, test_gate_withdraw_attrs);
	suite_add_tcase(s, gates);
	tcase_add_loop_test(line, test_line_roundtrip, 0,
	    (int)NELEM(line_cases));
	tcase_add_test(line, test_line_largest);
	tcase_add_test(line, test_line_forms);
	tcase_add_loop_test(line, test_line_rejects, 0,
	    (int)NELEM(reject_cases));
	tcase_add_test(line, test_line_rejects_other);
	tcase_add_test(line, test_rule_stored);
	suite_add_tcase(s, line);
	tcase_add_loop_test(text, test_text_u32, 0, (int)NELEM(u32_cases));
	tcase_add_test(text, test_text_pairs);
	tcase_add_loop_test(text, test_text_large_flag, 0,
	    (int)NELEM(large_flag_cases));
	tcase_add_loop_test(text, test_text_community_flag, 0,
	    (int)NELEM(flag_cases));
	suite_add_tcase(s, text);
	tcase_add_loop_test(nh, test_nexthop, 0, (int)NELEM(nh_cases));
	suite_add_tcase(s, nh);
	return s;
}
