/*
 * The user's announcement files: prefixes.txt / prefixes6.txt (one prefix
 * a line, comments, blanks, strict syntax, errors with file:line) and
 * container.txt (one id), from buffers and from a client directory.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/announce/announce_io.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
fmt(const struct prefix *p)
{
	static char buf[PREFIX_STRLEN];

	return prefix_format(p, buf, sizeof(buf));
}

/* ---- prefix lists from buffers ---- */

struct list_case {
	const char	*text;
	const char	*want;	/* the prefixes, space-separated */
};

static const struct list_case list_cases[] = {
	{ "", "" },
	{ "\n\n\n", "" },
	{ "# only a comment\n", "" },
	{ "184.164.236.0/24\n", "184.164.236.0/24" },
	{ "184.164.236.0/24", "184.164.236.0/24" },	/* no final newline */
	{ "184.164.236.0/24\r\n184.164.237.0/24\r\n",
	    "184.164.236.0/24 184.164.237.0/24" },
	{ "# mine\n\n  184.164.236.0/24\t# the first one\n"
	    "\t2804:269c:1::/48  \n#184.164.238.0/24\n",
	    "184.164.236.0/24 2804:269c:1::/48" },
	/* Either family in either file, as the old client read both. */
	{ "2804:269c::/42\n184.164.224.0/19\n",
	    "2804:269c::/42 184.164.224.0/19" },
	/* Another spelling of the same IPv6 prefix. */
	{ "2804:269C:0000::/48\n", "2804:269c::/48" },
	/* A duplicate is harmless. */
	{ "184.164.236.0/24\n184.164.236.0/24\n",
	    "184.164.236.0/24 184.164.236.0/24" },
	{ "184.164.236.0/24#no space needed\n", "184.164.236.0/24" },
};

START_TEST(test_list_parse)
{
	const struct list_case *c = &list_cases[_i];
	struct prefix *out = NULL;
	char got[512] = "", err[256] = "";
	size_t n = 0;

	ck_assert_msg(announce_parse_prefixes("prefixes.txt", c->text,
	    strlen(c->text), &out, &n, err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, fmt(&out[i]));
	}
	ck_assert_str_eq(got, c->want);
	free(out);
}
END_TEST

struct bad_case {
	const char	*text;
	size_t		 len;	/* 0: strlen */
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	{ "a\n", 0, "prefixes.txt:1: not a prefix: a" },
	{ "\n\n# x\nfoo bar\n", 0, "prefixes.txt:4: not a prefix: foo bar" },
	{ "184.164.236.0/24 184.164.237.0/24\n", 0,
	    "prefixes.txt:1: not a prefix: 184.164.236.0/24 184.164.237.0/24" },
	{ "184.164.236.1/24\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.1/24 (host bits set: 184.164.236.0/24?)" },
	{ "184.164.236.0/24\n2804:269c::1/48\n", 0, "prefixes.txt:2: not a "
	    "prefix: 2804:269c::1/48 (host bits set: 2804:269c::/48?)" },
	{ "184.164.236.0\n", 0, "prefixes.txt:1: not a prefix: 184.164.236.0" },
	{ "/24\n", 0, "prefixes.txt:1: not a prefix: /24" },
	{ "184.164.236.0/33\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.0/33" },
	{ "184.164.236.0/+24\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.0/+24" },
	{ "184.164.236.0/24/\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.0/24/" },
	{ "184.164.236.00/24\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.00/24" },
	{ "184.164.236.0/24;\n", 0, "prefixes.txt:1: not a prefix: "
	    "184.164.236.0/24;" },
	/* Bytes that cannot be printed are shown as '?'. */
	{ "184.164\0.236.0/24\n", 18, "prefixes.txt:1: not a prefix: "
	    "184.164?.236.0/24" },
	{ "\x01\xff\n", 0, "prefixes.txt:1: not a prefix: ??" },
	/* A long line is cut in the message. */
	{ "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789\n", 0, "prefixes.txt:1: not a prefix: "
	    "012345678901234567890123456789012345678901234567890123456789..." },
};

START_TEST(test_list_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct prefix *out = NULL;
	char err[256] = "";
	size_t n = 0;

	ck_assert_int_eq(announce_parse_prefixes("prefixes.txt", c->text,
	    c->len ? c->len : strlen(c->text), &out, &n, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, c->err);
	free(out);
}
END_TEST

/* Two files into one array; a failure keeps what came before. */
START_TEST(test_list_append)
{
	static const char a[] = "184.164.236.0/24\n";
	static const char b[] = "2804:269c:1::/48\n2804:269c:2::/48\n";
	static const char bad[] = "184.164.238.0/24\nnope\n";
	struct prefix *out = NULL;
	char err[256];
	size_t n = 0;

	ck_assert_int_eq(announce_parse_prefixes("prefixes.txt", a,
	    sizeof(a) - 1, &out, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(announce_parse_prefixes("prefixes6.txt", b,
	    sizeof(b) - 1, &out, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(fmt(&out[0]), "184.164.236.0/24");
	ck_assert_str_eq(fmt(&out[2]), "2804:269c:2::/48");
	ck_assert_int_eq(announce_parse_prefixes("prefixes6.txt", bad,
	    sizeof(bad) - 1, &out, &n, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "prefixes6.txt:2: not a prefix: nope");
	ck_assert_uint_ge(n, 3);
	ck_assert_str_eq(fmt(&out[1]), "2804:269c:1::/48");
	/* No room for the error is fine. */
	ck_assert_int_eq(announce_parse_prefixes("x", bad, sizeof(bad) - 1,
	    &out, &n, NULL, 0), -1);
	free(out);
}
END_TEST

/* ---- container.txt from buffers ---- */

struct ctx_case {
	const char	*text;
	int		 rc;
	unsigned	 id;
	const char	*err;
};

static const struct ctx_case ctx_cases[] = {
	{ "7\n", 0, 7, NULL },
	{ "0", 0, 0, NULL },
	{ " 511 \r\n\n", 0, 511, NULL },
	{ "\n\t42", 0, 42, NULL },
	{ "512\n", -1, 0, "container.txt: not a container id (0..511): 512" },
	{ "abc\n", -1, 0, "container.txt: not a container id (0..511): abc" },
	{ "1 2\n", -1, 0, "container.txt: not a container id (0..511): 1 2" },
	{ "-1\n", -1, 0, "container.txt: not a container id (0..511): -1" },
	{ "07\n", -1, 0, "container.txt: not a container id (0..511): 07" },
	{ "7 # mine\n", -1, 0,
	    "container.txt: not a container id (0..511): 7 # mine" },
	{ "", -1, 0, "container.txt is empty: write your container id in it "
	    "(echo ID > container.txt)" },
	{ " \n\n", -1, 0, "container.txt is empty: write your container id "
	    "in it (echo ID > container.txt)" },
};

START_TEST(test_container_parse)
{
	const struct ctx_case *c = &ctx_cases[_i];
	unsigned id = 9999;
	char err[256] = "";

	ck_assert_int_eq(announce_parse_container(c->text, strlen(c->text),
	    &id, err, sizeof(err)), c->rc);
	if (c->rc == 0)
		ck_assert_uint_eq(id, c->id);
	else {
		ck_assert_uint_eq(id, 9999);
		ck_assert_str_eq(err, c->err);
	}
	/* err may be NULL. */
	ck_assert_int_eq(announce_parse_container(c->text, strlen(c->text),
	    &id, NULL, 0), c->rc);
}
END_TEST

/* ---- from a client directory ---- */

static char client_dir[64];

static void
put_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", client_dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
rm_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", client_dir, name);
	unlink(path);
	rmdir(path);
}

static void
client_setup(void)
{
	snprintf(client_dir, sizeof(client_dir), "/tmp/test_ann_io.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(client_dir));
}

static void
client_teardown(void)
{
	rm_file(ANN_PREFIXES_FILE);
	rm_file(ANN_PREFIXES6_FILE);
	rm_file(ANN_CONTAINER_FILE);
	rmdir(client_dir);
}

START_TEST(test_read_prefixes)
{
	struct prefix *out = (struct prefix *)1;
	char err[256] = "";
	size_t n = 99;

	/* Neither file: nothing may be announced. */
	ck_assert_int_eq(announce_read_prefixes(client_dir, &out, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(out);

	put_file(ANN_PREFIXES6_FILE, "2804:269c:1::/48\n");
	ck_assert_int_eq(announce_read_prefixes(client_dir, &out, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(fmt(&out[0]), "2804:269c:1::/48");
	free(out);

	put_file(ANN_PREFIXES_FILE, "# v4\n184.164.236.0/24\n"
	    "184.164.237.0/24\n");
	ck_assert_int_eq(announce_read_prefixes(client_dir, &out, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(fmt(&out[0]), "184.164.236.0/24");
	ck_assert_str_eq(fmt(&out[2]), "2804:269c:1::/48");
	free(out);

	put_file(ANN_PREFIXES6_FILE, "2804:269c:1::/48\n2804:269c:1::1/48\n");
	ck_assert_int_eq(announce_read_prefixes(client_dir, &out, &n, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "prefixes6.txt:2: not a prefix: "
	    "2804:269c:1::1/48 (host bits set: 2804:269c:1::/48?)");
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(n, 0);

	/* Not a file. */
	rm_file(ANN_PREFIXES6_FILE);
	put_file(ANN_PREFIXES_FILE, "");
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", client_dir,
		    ANN_PREFIXES6_FILE);
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
	ck_assert_int_eq(announce_read_prefixes(client_dir, &out, &n, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "prefixes6.txt: not a regular file");
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_read_container)
{
	unsigned id = 0;
	char err[256] = "";

	ck_assert_int_eq(announce_read_container(client_dir, &id, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "container.txt not found: -M needs your "
	    "container id (echo ID > container.txt)");
	ck_assert_int_eq(announce_read_container(client_dir, &id, NULL, 0), -1);
	put_file(ANN_CONTAINER_FILE, "17\n");
	ck_assert_int_eq(announce_read_container(client_dir, &id, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(id, 17);
	put_file(ANN_CONTAINER_FILE, "seventeen\n");
	ck_assert_int_eq(announce_read_container(client_dir, &id, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "container.txt: not a container id (0..511): "
	    "seventeen");
}
END_TEST

Suite *
announce_io_suite(void)
{
	Suite *s = suite_create("announce_io");
	TCase *buf = tcase_create("buffers"), *dir = tcase_create("files");

	tcase_add_loop_test(buf, test_list_parse, 0, (int)NELEM(list_cases));
	tcase_add_loop_test(buf, test_list_bad, 0, (int)NELEM(bad_cases));
	tcase_add_test(buf, test_list_append);
	tcase_add_loop_test(buf, test_container_parse, 0,
	    (int)NELEM(ctx_cases));
	suite_add_tcase(s, buf);
	tcase_add_checked_fixture(dir, client_setup, client_teardown);
	tcase_add_test(dir, test_read_prefixes);
	tcase_add_test(dir, test_read_container);
	suite_add_tcase(s, dir);
	return s;
}
