/*
 * The table of `peering bgp cli`: abbreviations expanded (birdc's habits,
 * `sh ro fo 8.8.8.8`), ambiguities and unknown words refused with the
 * candidates named, what may come next (for `?` and tab), and that every
 * command of the table is found by its own words.
 */
#include "testutil.h"

#include <stdio.h>

#include "../../src/cli/shell_table.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Splits a line into words (spaces), in buf. */
static int
split(const char *line, char *buf, size_t size, char **w, int max)
{
	int n = 0;

	snprintf(buf, size, "%s", line);
	for (char *t = strtok(buf, " "); t != NULL && n < max;
	    t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

static void
join(char **w, int n, char *out, size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%s%s",
		    i ? " " : "", w[i]);
}

static const struct {
	const char	*typed;
	const char	*want;	/* NULL: refused ... */
	const char	*why;	/* ... with this */
} expand_cases[] = {
	{ "sh ro fo 8.8.8.8", "show route for 8.8.8.8", NULL },
	{ "sh pro", "show protocols", NULL },
	{ "show protocols all amsterdam01", "show protocols all "
	    "amsterdam01", NULL },
	{ "sh pro a amsterdam01 j", "show protocols all amsterdam01 json",
	    NULL },
	{ "sh ro ex seattle01", "show route export seattle01", NULL },
	{ "sh ro 184.164.224.0/24 al cou", "show route 184.164.224.0/24 all "
	    "count", NULL },
	{ "sh ro c 1:2", NULL, "ambiguous 'c': community count" },
	{ "sh ro comm 47065:1", "show route community 47065:1", NULL },
	{ "sh st", "show status", NULL },
	{ "sh m", "show memory", NULL },
	{ "dis isi01", "disable isi01", NULL },
	{ "res isi01", "restart isi01", NULL },
	{ "conf", "configure", NULL },
	{ "imp isi01 prefix-list 8.0.0.0/8", "import isi01 prefix-list "
	    "8.0.0.0/8", NULL },
	{ "s", NULL, "ambiguous 's': show stop start" },
	{ "st ipv6", NULL, "ambiguous 'st': stop start" },
	{ "sto ipv6", "stop ipv6", NULL },
	{ "show bogus", NULL, "unknown word 'bogus'" },
	{ "bogus", NULL, "unknown word 'bogus'" },
	{ "sh ro i", NULL, "ambiguous 'i': in ipv4 ipv6" },
	{ "configure now", NULL, "unknown word 'now'" },
};

START_TEST(test_expand)
{
	char buf[256], got[256], why[128] = "", *w[16];
	int n = split(expand_cases[_i].typed, buf, sizeof(buf), w, 16), bad;
	int rc = shell_expand(w, n, why, sizeof(why), &bad);

	if (expand_cases[_i].want != NULL) {
		ck_assert_msg(rc == 0, "%s: %s", expand_cases[_i].typed, why);
		join(w, n, got, sizeof(got));
		ck_assert_str_eq(got, expand_cases[_i].want);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(why, expand_cases[_i].why);
	}
}
END_TEST

/* The keywords of shell_next, space-separated, values as their names,
 * "<end>" where the command may end. */
static void
next_text(const char *line, char *out, size_t size)
{
	struct shell_cand c[SHELL_MAX_CANDS];
	char buf[256], *w[16];
	int n = split(line, buf, sizeof(buf), w, 16);
	int k = shell_next(w, n, c, SHELL_MAX_CANDS);
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < k && off < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%s%s",
		    i ? " " : "", c[i].end ? "<end>" : c[i].word != NULL ?
		    c[i].word : shell_arg_name(c[i].arg));
}

START_TEST(test_next)
{
	char got[1024];

	next_text("show", got, sizeof(got));
	ck_assert_str_eq(got, "protocols route status memory");
	next_text("show protocols", got, sizeof(got));
	ck_assert_str_eq(got, "all MUX ipv4 ipv6 json <end>");
	next_text("show route for", got, sizeof(got));
	ck_assert_str_eq(got, "ADDR");
	next_text("enable", got, sizeof(got));
	ck_assert_str_eq(got, "MUX");
	next_text("enable isi01", got, sizeof(got));
	ck_assert_str_eq(got, "<end>");
	next_text("show route export", got, sizeof(got));
	ck_assert_str_eq(got, "MUX");
	next_text("show route", got, sizeof(got));
	ck_assert_ptr_nonnull(strstr(got, "export PREFIX for in mux"));
	ck_assert_ptr_nonnull(strstr(got, "count limit ipv4 ipv6 json <end>"));
	ck_assert_int_eq(shell_next((char *[]){ (char *)"bogus" }, 1, NULL,
	    0), -1);
}
END_TEST

/* Every command is found by its own words, and its synopsis starts with
 * them. */
START_TEST(test_find_all)
{
	for (size_t i = 0; i < shell_n_cmds; i++) {
		const struct shell_cmd *c = &shell_cmds[i];
		char *w[SHELL_MAX_FIXED + 1];
		char want[64];
		int n = 0;

		for (; c->words[n] != NULL; n++)
			w[n] = (char *)c->words[n];
		ck_assert_ptr_eq(shell_find(w, n), c);
		join(w, n, want, sizeof(want));
		ck_assert_msg(strncmp(c->synopsis, want, strlen(want)) == 0,
		    "%s", c->synopsis);
		ck_assert_ptr_nonnull(c->help);
	}
}
END_TEST

Suite *
shell_suite(void)
{
	Suite *s = suite_create("shell");
	TCase *t = tcase_create("table");

	tcase_add_loop_test(t, test_expand, 0, (int)NELEM(expand_cases));
	tcase_add_test(t, test_next);
	tcase_add_test(t, test_find_all);
	suite_add_tcase(s, t);
	return s;
}
