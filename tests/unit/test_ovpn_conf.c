/*
 * Reading OpenVPN configs: the tokenizer (comments, quotes, "--name",
 * inline files) that mux.c shares, the directives `peering openvpn`
 * needs, and every config shipped in configs/openvpn/ (the tests run from
 * the top of the tree).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/lib/readfile.h"
#include "../../src/lib/tail.h"
#include "../../src/vpn/mux.h"
#include "../../src/vpn/ovpn_conf.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The text in a buffer of exactly its length: ASan sees any over-read. */
static int
parse(const char *text, struct ovpn_conf *conf, unsigned *line,
    const char **why)
{
	size_t len = strlen(text);
	char *buf = malloc(len > 0 ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, len);
	rc = ovpn_conf_parse(buf, len, conf, line, why);
	free(buf);
	return rc;
}

/* ---- the tokenizer ---- */

START_TEST(test_conf_words)
{
	const char text[] = "  key \"my key.pem\"\t'a b' c\"d # e\n";
	struct ovpn_conf_cursor c;
	struct ovpn_directive d;
	struct rbuf w;
	const char *why;

	ovpn_conf_begin(&c, text, sizeof(text) - 1);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 1);
	ck_assert(ovpn_conf_word_is(d.name, "key"));
	ck_assert_int_eq(ovpn_conf_word(&d.args, &w), 0);
	ck_assert(ovpn_conf_word_is(w, "my key.pem"));
	ck_assert_int_eq(ovpn_conf_word(&d.args, &w), 0);
	ck_assert(ovpn_conf_word_is(w, "a b"));
	/* a quote inside a word is part of it */
	ck_assert_int_eq(ovpn_conf_word(&d.args, &w), 0);
	ck_assert(ovpn_conf_word_is(w, "c\"d"));
	ck_assert_int_eq(ovpn_conf_word(&d.args, &w), -1);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 0);
}
END_TEST

START_TEST(test_conf_directives)
{
	const char text[] = "# comment\n\n; another\r\n--dev tap5\r\n"
	    "<ca>\n-----BEGIN CERTIFICATE-----\ndev tap9\n</ca>\n"
	    "  daemon\n'unterminated\n";
	struct ovpn_conf_cursor c;
	struct ovpn_directive d;
	const char *why;

	ovpn_conf_begin(&c, text, sizeof(text) - 1);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 1);
	ck_assert(ovpn_conf_word_is(d.name, "dev") && !d.inline_file);
	ck_assert_uint_eq(c.line, 4);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 1);
	ck_assert(ovpn_conf_word_is(d.name, "ca") && d.inline_file);
	ck_assert_uint_eq(d.args.len, 0);
	ck_assert_uint_eq(c.line, 8);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 1);
	ck_assert(ovpn_conf_word_is(d.name, "daemon"));
	ck_assert_uint_eq(c.line, 9);
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 1);
	ck_assert(ovpn_conf_word_is(d.name, "'unterminated"));
	ck_assert_int_eq(ovpn_conf_next(&c, &d, &why), 0);
}
END_TEST

/* mux.c reads the dev line through the same tokenizer. */
struct dev_case {
	const char	*text;
	int		 rc;
	unsigned	 tap;
	unsigned	 line;
	const char	*why;
};

static const struct dev_case dev_cases[] = {
	{ "--dev tap5\n", 0, 5, 1, NULL },
	{ "dev \"tap6\"\n", 0, 6, 1, NULL },
	{ "<ca>\ndev tap9\n</ca>\ndev tap4\n", 0, 4, 4, NULL },
	{ "dev tap4\n<key>\ndev tap9\n", -1, 0, 2,
	    "inline file without its closing tag" },
	{ "</ca>\ndev tap4\n", -1, 0, 1,
	    "closing tag without its opening tag" },
};

START_TEST(test_conf_mux_dev)
{
	const struct dev_case *c = &dev_cases[_i];
	const char *why;
	unsigned tap, line;
	int rc;

	rc = mux_conf_parse_dev(c->text, strlen(c->text), &tap, &line, &why);
	ck_assert_msg(rc == c->rc, "%s: rc %d", c->text, rc);
	ck_assert_uint_eq(line, c->line);
	if (rc == 0)
		ck_assert_uint_eq(tap, c->tap);
	else
		ck_assert_str_eq(why, c->why);
}
END_TEST

/* ---- the directives ---- */

struct good_case {
	const char	*name;
	const char	*text;
	const char	*ca, *cert, *key, *tls_crypt;
	const char	*mgmt, *log, *pidfile;
	bool		 daemon;
};

static const struct good_case good_cases[] = {
	{ "as shipped",
	    "client\ndaemon peering-amsterdam01\ndev tap5\n"
	    "ca certs/ca.crt\ncert certs/client.crt\nkey certs/client.key\n"
	    "management var/amsterdam01.sock unix\n"
	    "log var/amsterdam01.log\nwritepid var/amsterdam01.pid\n",
	    "certs/ca.crt", "certs/client.crt", "certs/client.key", "",
	    "var/amsterdam01.sock", "var/amsterdam01.log",
	    "var/amsterdam01.pid", true },
	/* an inline <ca> after the ca line: nothing to check on disk; the
	 * last key wins */
	{ "inline files, the last one",
	    "ca certs/ca.crt\n<ca>\nPEM\n</ca>\n"
	    "key /etc/a.key\nkey \"/etc/my key\"\n"
	    "tls-crypt [inline]\n<tls-crypt>\nx\n</tls-crypt>\n"
	    "log-append /var/log/x.log\n"
	    "management /run/x.sock unix pwfile\n",
	    "", "", "/etc/my key", "", "/run/x.sock", "/var/log/x.log", "",
	    false },
	{ "tls-crypt file, --daemon",
	    "--daemon\ntls-crypt certs/ta.key\nlog a.log\nlog-append b.log\n",
	    "", "", "", "certs/ta.key", "", "b.log", "", true },
};

START_TEST(test_conf_good)
{
	const struct good_case *c = &good_cases[_i];
	struct ovpn_conf conf;
	const char *why;
	unsigned line;

	ck_assert_msg(parse(c->text, &conf, &line, &why) == 0, "%s", c->name);
	ck_assert_str_eq(conf.cred[OVPN_CRED_CA], c->ca);
	ck_assert_str_eq(conf.cred[OVPN_CRED_CERT], c->cert);
	ck_assert_str_eq(conf.cred[OVPN_CRED_KEY], c->key);
	ck_assert_str_eq(conf.cred[OVPN_CRED_TLS_CRYPT], c->tls_crypt);
	ck_assert_str_eq(conf.cred[OVPN_CRED_TLS_AUTH], "");
	ck_assert_str_eq(conf.mgmt, c->mgmt);
	ck_assert_str_eq(conf.log, c->log);
	ck_assert_str_eq(conf.pidfile, c->pidfile);
	ck_assert(conf.daemon == c->daemon);
}
END_TEST

START_TEST(test_conf_creds)
{
	ck_assert(ovpn_cred_secret(OVPN_CRED_KEY));
	ck_assert(ovpn_cred_secret(OVPN_CRED_TLS_CRYPT));
	ck_assert(!ovpn_cred_secret(OVPN_CRED_CA));
	ck_assert_str_eq(ovpn_cred_name(OVPN_CRED_TLS_CRYPT_V2),
	    "tls-crypt-v2");
}
END_TEST

struct bad_case {
	const char	*text;
	unsigned	 line;
	const char	*why;
};

#define LONG_PATH	"var/0123456789012345678901234567890123456789" \
	"0123456789012345678901234567890123456789012345678901234567890123" \
	"0123456789012345678901234567890123456789012345678901234567890123" \
	"0123456789012345678901234567890123456789012345678901234567890123" \
	"0123456789012345678901234567890123456789012345678901234567890123"

static const struct bad_case bad_cases[] = {
	{ "client\nkey\n", 2, "a file name is missing" },
	{ "key \"\"\n", 1, "a file name is missing" },
	{ "log # var/x.log\n", 1, "a file name is missing" },
	{ "writepid " LONG_PATH "\n", 1, "file name too long" },
	{ "\n\nmanagement 127.0.0.1 7505\n", 3, "the management interface "
	    "must be a unix socket (management PATH unix)" },
	{ "management var/x.sock\n", 1, "the management interface must be a "
	    "unix socket (management PATH unix)" },
	{ "cd /etc/openvpn\n", 1, "cd is not supported: paths are relative to "
	    "the client directory" },
	{ "ca certs/ca.crt\n<cert>\nPEM\n", 2,
	    "inline file without its closing tag" },
};

START_TEST(test_conf_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct ovpn_conf conf;
	const char *why;
	unsigned line;

	ck_assert_int_eq(parse(c->text, &conf, &line, &why), -1);
	ck_assert_str_eq(why, c->why);
	ck_assert_uint_eq(line, c->line);
	/* nothing half-read is left */
	ck_assert_str_eq(conf.cred[OVPN_CRED_CA], "");
}
END_TEST

START_TEST(test_conf_nul_in_path)
{
	const char text[] = "key certs/a\0b\n";
	struct ovpn_conf conf;
	const char *why;
	unsigned line;

	ck_assert_int_eq(ovpn_conf_parse(text, sizeof(text) - 1, &conf, &line,
	    &why), -1);
	ck_assert_str_eq(why, "NUL byte in a file name");
}
END_TEST

/* What `peering openvpn` relies on in every config we ship. */
START_TEST(test_conf_every_shipped)
{
	struct mux_table t;
	struct ovpn_conf conf;
	char path[128], want[128], err[256];
	const char *why;
	unsigned i, line;
	size_t len;
	char *buf;

	ck_assert_msg(mux_table_load(".", &t, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_uint_ge(t.n, 43);
	for (i = 0; i < t.n; i++) {
		snprintf(path, sizeof(path), "%s/%s.conf", MUX_CONF_DIR,
		    t.mux[i].name);
		ck_assert_int_eq(readfile(path, MUX_CONF_MAX_BYTES, &buf, &len),
		    0);
		ck_assert_msg(ovpn_conf_parse(buf, len, &conf, &line, &why) ==
		    0, "%s:%u: %s", path, line, why);
		free(buf);
		snprintf(want, sizeof(want), "var/%s.sock", t.mux[i].name);
		ck_assert_str_eq(conf.mgmt, want);
		snprintf(want, sizeof(want), "var/%s.log", t.mux[i].name);
		ck_assert_str_eq(conf.log, want);
		snprintf(want, sizeof(want), "var/%s.pid", t.mux[i].name);
		ck_assert_str_eq(conf.pidfile, want);
		ck_assert_str_eq(conf.cred[OVPN_CRED_KEY], "certs/client.key");
		ck_assert(conf.daemon);
	}
}
END_TEST

/* ---- the last lines of a log (src/lib/tail) ---- */

struct tail_case {
	const char	*text;
	unsigned	 n;
	const char	*want;
};

static const struct tail_case tail_cases[] = {
	{ "a\nb\nc\n", 2, "b\nc\n" },
	{ "a\nb\nc\n", 3, "a\nb\nc\n" },
	{ "a\nb\nc\n", 9, "a\nb\nc\n" },
	{ "a\nb\nc", 1, "c\n" },
	{ "a\nb\nc\n", 1, "c\n" },
	{ "a\n\n\n", 2, "\n\n" },
	{ "", 5, "" },
	{ "a\nb\n", 0, "" },
};

static void
tail_check(const char *text, size_t len, unsigned n, const char *want,
    const char *indent)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *tmp = tmpfile(), *mem;
	off_t off;

	ck_assert_ptr_nonnull(tmp);
	ck_assert_uint_eq(fwrite(text, 1, len, tmp), len);
	fflush(tmp);
	mem = open_memstream(&out, &outlen);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(tail_offset(fileno(tmp), n, &off), 0);
	ck_assert_int_eq(tail_copy(fileno(tmp), off, mem, indent), 0);
	fclose(mem);
	fclose(tmp);
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(test_tail)
{
	const struct tail_case *c = &tail_cases[_i];

	tail_check(c->text, strlen(c->text), c->n, c->want, "");
}
END_TEST

/* Lines across the 4 KB blocks read from the end, and the indent. */
START_TEST(test_tail_long)
{
	size_t len = 0, i;
	char *text = malloc(100000);

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 9000; i++)
		len += (size_t)sprintf(text + len, "line %zu\n", i);
	tail_check(text, len, 3, "> line 8997\n> line 8998\n> line 8999\n",
	    "> ");
	free(text);
}
END_TEST

Suite *ovpn_conf_suite(void)
{
	Suite *s = suite_create("ovpn_conf");
	TCase *tc = tcase_create("ovpn_conf");

	tcase_add_test(tc, test_conf_words);
	tcase_add_test(tc, test_conf_directives);
	tcase_add_loop_test(tc, test_conf_mux_dev, 0, (int)NELEM(dev_cases));
	tcase_add_loop_test(tc, test_conf_good, 0, (int)NELEM(good_cases));
	tcase_add_test(tc, test_conf_creds);
	tcase_add_loop_test(tc, test_conf_bad, 0, (int)NELEM(bad_cases));
	tcase_add_test(tc, test_conf_nul_in_path);
	tcase_add_test(tc, test_conf_every_shipped);
	tcase_add_loop_test(tc, test_tail, 0, (int)NELEM(tail_cases));
	tcase_add_test(tc, test_tail_long);
	suite_add_tcase(s, tc);
	return s;
}
