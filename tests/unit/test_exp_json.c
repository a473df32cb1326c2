/*
 * Experiments (ann_json_parse_experiment): every rule of the old client's
 * experiment schema, errors named by their JSON path, variables A..D.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../../src/announce/ann_json.h"

static const char *const muxes[] = { "amsterdam01", "seattle01", "ufmg01" };
#define N_MUXES	(sizeof(muxes) / sizeof(muxes[0]))

static struct prefix alloc[ANN_EXP_ALLOCATION_MAX];
static struct ann_policy pol;
static char err[8192];

static void
setup(void)
{
	memset(&pol, 0, sizeof(pol));
	pol.allowed = alloc;
	pol.n_allowed = ann_exp_allocation(alloc, ANN_EXP_ALLOCATION_MAX);
}

static int
parse(const char *text, struct ann_exp *e)
{
	return ann_json_parse_experiment(text, strlen(text), muxes, N_MUXES,
	    &pol, e, err, sizeof(err));
}

/* An experiment with the given rounds (JSON text of the array's items). */
static const char *
exp_with(const char *rounds)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "{\"experiment\": {\"description\": \"t\", "
	    "\"email\": \"noc@example.org\", \"rounds\": [%s]}}", rounds);
	return buf;
}

#define ANN(mux)	"{\"announce\": [{\"muxes\": [\"" mux "\"], " \
			"\"origin\": 47065}]}"

START_TEST(test_exp_three_rounds)
{
	struct ann_exp e;
	char pfx[PREFIX_STRLEN];

	ck_assert_msg(parse(exp_with(
	    "{\"A\": " ANN("amsterdam01") ", \"B\": " ANN("amsterdam01") "},"
	    "{\"A\": " ANN("ufmg01") ", \"B\": " ANN("ufmg01") "},"
	    "{\"A\": " ANN("seattle01") ", \"184.164.230.0/24\": "
	    "{\"withdraw\": [\"all\"]}}"), &e) == 0, "%s", err);
	ck_assert_uint_eq(e.n_rounds, 3);
	ck_assert_uint_eq(e.n_req, 6);
	for (size_t r = 0; r < 3; r++)
		ck_assert_uint_eq(e.round_first[r + 1] - e.round_first[r], 2);
	ck_assert_uint_eq(e.var[0], 1);
	ck_assert_uint_eq(e.var[1], 2);
	ck_assert_str_eq(e.req[2].mux, "ufmg01");
	ck_assert_uint_eq(e.req[2].prefix.len, 0);	/* bound at run time */
	ck_assert_uint_eq(e.var[5], 0);
	ck_assert(e.req[5].withdraw);
	ck_assert_str_eq(prefix_format(&e.req[5].prefix, pfx, sizeof(pfx)),
	    "184.164.230.0/24");
	ck_assert_ptr_nonnull(strstr(e.json, "\"rounds\":[{\"A\""));
	ck_assert_ptr_null(strstr(e.json, "\"experiment\""));
	ann_exp_free(&e);
}
END_TEST

/* The experiment object alone (no "experiment" wrapper) is accepted. */
START_TEST(test_exp_bare)
{
	struct ann_exp e;

	ck_assert_msg(parse("{\"description\": \"d\", \"email\": "
	    "\"a.b@c.example\", \"rounds\": [{\"C\": " ANN("all") "}]}",
	    &e) == 0, "%s", err);
	ck_assert_uint_eq(e.n_rounds, 1);
	ck_assert_uint_eq(e.var[0], 3);
	ck_assert_str_eq(e.req[0].mux, ANN_MUX_ALL);
	ann_exp_free(&e);
}
END_TEST

struct bad_case {
	const char	*rounds;	/* NULL: text is the whole file */
	const char	*text;
	const char	*want;		/* the first error line */
};

static const struct bad_case bad_cases[] = {
	{ "{\"A\": " ANN("amsterdam01") "}, {\"A\": " ANN("ufmg01") "}, "
	  "{\"A\": {\"announce\": [{\"muxes\": [\"seattle01\", \"gatech01\"]}]}}",
	  NULL, "rounds[2].A.announce[0].muxes[1]: unknown mux \"gatech01\"" },
	{ "{\"8.8.8.0/24\": " ANN("all") "}", NULL,
	  "rounds[0].8.8.8.0/24: \"8.8.8.0/24\" is not in the experiment "
	  "allocation (184.164.224.0/24 to 184.164.254.0/24, 204.9.168.0/24 "
	  "to 204.9.171.0/24, 138.185.228.0/24 to 138.185.231.0/24)" },
	{ "{\"184.164.255.0/24\": " ANN("all") "}", NULL,
	  "rounds[0].184.164.255.0/24: \"184.164.255.0/24\" is not in the "
	  "experiment allocation (184.164.224.0/24 to 184.164.254.0/24, "
	  "204.9.168.0/24 to 204.9.171.0/24, 138.185.228.0/24 to "
	  "138.185.231.0/24)" },
	{ "{\"E\": " ANN("all") "}", NULL,
	  "rounds[0].E: not a variable (A, B, C, D) or an IPv4 prefix" },
	{ "{\"2804:269c::/48\": " ANN("all") "}", NULL,
	  "rounds[0].2804:269c::/48: not a variable (A, B, C, D) or an IPv4 "
	  "prefix" },
	{ "{\"A\": " ANN("all") ", \"A\": " ANN("seattle01") "}", NULL,
	  "rounds[0].A: the same key as before in this round" },
	{ "{}", NULL, "rounds[0]: must not be empty (announce or withdraw at "
	  "least one prefix)" },
	{ "", NULL, "rounds: 0 rounds: at least 1, at most 1000" },
	{ "{\"A\": {\"announce\": [{\"muxes\": [\"all\"], \"prepend\": "
	  "[1, 2, 3, 4, 5, 6]}]}}", NULL,
	  "rounds[0].A.announce[0].prepend: 6 ASNs, at most 5" },
	{ "{\"A\": {\"announce\": [{\"muxes\": [\"all\"], \"prepend\": "
	  "[]}]}}", NULL,
	  "rounds[0].A.announce[0].prepend: must not be empty (or leave it "
	  "out)" },
	{ "{\"B\": {\"announce\": [{\"muxes\": [\"all\"], \"origin\": 3356}]}}",
	  NULL, "rounds[0].B.announce[0].origin: 3356 is not a PEERING ASN "
	  "(47065, 33207, 61574, 61575, 61576, 263842, 263843, 263844)" },
	{ "{\"A\": {\"announce\": []}}", NULL,
	  "rounds[0].A.announce: must not be empty" },
	{ NULL, "{\"experiment\": {\"description\": \"t\", \"rounds\": "
	  "[{\"A\": " ANN("all") "}]}}",
	  "top level: missing required key \"email\"" },
	{ NULL, "{\"experiment\": {\"description\": \"t\", \"email\": \"noc\", "
	  "\"rounds\": [{\"A\": " ANN("all") "}]}}",
	  "email: not an email address (want name@domain.tld)" },
	{ NULL, "{\"experiment\": {\"description\": 5, \"email\": "
	  "\"a@b.c\", \"rounds\": [{\"A\": " ANN("all") "}], \"x\": 1}}",
	  "x: unknown key (allowed: description, email, rounds)" },
	{ NULL, "[1, 2]", "top level: must be an experiment object, not an "
	  "array" },
};

START_TEST(test_exp_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct ann_exp e;
	const char *text = c->text ? c->text : exp_with(c->rounds);
	size_t n;

	ck_assert_int_eq(parse(text, &e), -1);
	ck_assert_ptr_null(e.req);
	ck_assert_ptr_null(e.json);
	ck_assert_uint_eq(e.n_rounds, 0);
	n = strcspn(err, "\n");
	if (c->want[0] != '\0')
		ck_assert_msg(strlen(c->want) == n &&
		    strncmp(err, c->want, n) == 0, "want: %s\ngot:  %s",
		    c->want, err);
	else
		ck_assert_msg(n > 0, "an error line");
}
END_TEST

Suite *
exp_json_suite(void)
{
	Suite *s = suite_create("exp_json");
	TCase *tc = tcase_create("experiments");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_exp_three_rounds);
	tcase_add_test(tc, test_exp_bare);
	tcase_add_loop_test(tc, test_exp_bad, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
