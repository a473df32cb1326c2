/*
 * The mux table: the address formulas of REFERENCE.md (values checked by
 * hand against mux-metadata.csv: seattle01=tap1, amsterdam01=tap5,
 * ufmg01=tap7, vtrtokyo=tap26), the `dev tapN` line of an OpenVPN config,
 * and loading configs/openvpn/ from a directory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/vpn/mux.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
fmt(const struct prefix *p)
{
	static char buf[PREFIX_STRLEN];

	return addr_format(p->af, p->addr, buf, sizeof(buf));
}

struct formula_case {
	unsigned	 tap;
	const char	*v4;
	const char	*v6;
	unsigned	 peerid;
	const char	*upstream;
	unsigned	 ctxid;
	const char	*container;	/* NULL: no container space */
};

static const struct formula_case formula_cases[] = {
	{ 1, "100.65.128.1", "2804:269c:ff00:1:1::1", 1, "100.65.0.1",
	    1, "100.125.8.6" },
	{ 5, "100.69.128.1", "2804:269c:ff00:5:1::1", 300, "100.69.1.44",
	    0, "100.125.40.2" },
	{ 7, "100.71.128.1", "2804:269c:ff00:7:1::1", 65535,
	    "100.71.255.255", 63, "100.125.56.254" },
	{ 26, "100.90.128.1", "2804:269c:ff00:1a:1::1", 256, "100.90.1.0",
	    64, "100.125.209.2" },
	{ 31, "100.95.128.1", "2804:269c:ff00:1f:1::1", 0, "100.95.0.0",
	    511, "100.125.255.254" },
	{ 63, "100.127.128.1", "2804:269c:ff00:3f:1::1", 47065,
	    "100.127.183.217", 1, NULL },
};

START_TEST(test_mux_formulas)
{
	const struct formula_case *c = &formula_cases[_i];
	struct prefix p;

	ck_assert_int_eq(mux_neighbor_v4(c->tap, &p), 0);
	ck_assert_uint_eq(p.len, 32);
	ck_assert_str_eq(fmt(&p), c->v4);
	ck_assert_int_eq(mux_neighbor_v6(c->tap, &p), 0);
	ck_assert_uint_eq(p.len, 128);
	ck_assert_str_eq(fmt(&p), c->v6);
	ck_assert_int_eq(mux_upstream_nexthop_v4(c->tap, c->peerid, &p), 0);
	ck_assert_str_eq(fmt(&p), c->upstream);
	if (c->container == NULL) {
		ck_assert_int_eq(mux_container_nexthop_v4(c->tap, c->ctxid,
		    &p), -1);
		return;
	}
	ck_assert_int_eq(mux_container_nexthop_v4(c->tap, c->ctxid, &p), 0);
	ck_assert_str_eq(fmt(&p), c->container);
}
END_TEST

START_TEST(test_mux_formulas_range)
{
	struct prefix p;

	ck_assert_int_eq(mux_neighbor_v4(0, &p), -1);
	ck_assert_int_eq(mux_neighbor_v4(64, &p), -1);
	ck_assert_int_eq(mux_neighbor_v6(0, &p), -1);
	ck_assert_int_eq(mux_neighbor_v6(64, &p), -1);
	ck_assert_int_eq(mux_upstream_nexthop_v4(64, 1, &p), -1);
	ck_assert_int_eq(mux_upstream_nexthop_v4(1, 65536, &p), -1);
	ck_assert_int_eq(mux_container_nexthop_v4(0, 1, &p), -1);
	ck_assert_int_eq(mux_container_nexthop_v4(1, 512, &p), -1);
	ck_assert_int_eq(mux_container_nexthop_v4(32, 0, &p), -1);
}
END_TEST

struct dev_case {
	const char	*name;
	const char	*text;
	int		 rc;
	unsigned	 tap;
	unsigned	 line;
	const char	*why;		/* NULL when rc == 0 */
};

#define BAD_TAP	"dev must be tapN with N in 1..63"

static const struct dev_case dev_cases[] = {
	{ "plain", "dev tap5\n", 0, 5, 1, NULL },
	{ "no newline at end", "client\ndev tap7", 0, 7, 2, NULL },
	{ "like the real file", "# PEERING VPN client config file\n"
	    "client\npull # accept configs pushed from server\n\n"
	    "proto udp4\nremote vpn.amsterdam01.mux.peering.ee.columbia.edu\n"
	    "dev tap5\n\nca certs/ca.crt\n", 0, 5, 7, NULL },
	{ "leading spaces and tabs", "client\n  \t dev \t tap26  \n", 0, 26,
	    2, NULL },
	{ "crlf", "client\r\ndev tap63\r\n", 0, 63, 2, NULL },
	{ "trailing comment", "dev tap1 # seattle01\n", 0, 1, 1, NULL },
	{ "trailing ; comment", "dev tap1 ;seattle01\n", 0, 1, 1, NULL },
	{ "hash comment", "# dev tap9\ndev tap2\n", 0, 2, 2, NULL },
	{ "semicolon comment", "; dev tap9\ndev tap2\n", 0, 2, 2, NULL },
	{ "indented comment", "   # dev tap9\ndev tap3\n", 0, 3, 2, NULL },
	{ "dev-type is another option", "dev-type tap\ndev tap4\n", 0, 4, 2,
	    NULL },
	{ "dev inside a word", "devtap4\ndev tap4\n", 0, 4, 2, NULL },
	{ "tun", "client\ndev tun0\n", -1, 0, 2, BAD_TAP },
	{ "tap0", "dev tap0\n", -1, 0, 1, BAD_TAP },
	{ "tap64", "\n\ndev tap64\n", -1, 0, 3, BAD_TAP },
	{ "tap leading zero", "dev tap05\n", -1, 0, 1, BAD_TAP },
	{ "tap without number", "dev tap\n", -1, 0, 1, BAD_TAP },
	{ "tap huge", "dev tap99999999999\n", -1, 0, 1, BAD_TAP },
	{ "tap sign", "dev tap+5\n", -1, 0, 1, BAD_TAP },
	{ "upper case", "dev TAP5\n", -1, 0, 1, BAD_TAP },
	{ "dev alone", "client\n\n\ndev\n", -1, 0, 4, BAD_TAP },
	{ "dev then comment", "dev # tap5\n", -1, 0, 1, BAD_TAP },
	{ "two arguments", "dev tap5 tap6\n", -1, 0, 1,
	    "dev takes one argument" },
	{ "second dev line", "dev tap5\nclient\ndev tap5\n", -1, 0, 3,
	    "second dev line" },
	{ "missing", "client\nproto udp4\n", -1, 0, 0, "no dev line" },
	{ "only commented", "# dev tap5\n;dev tap5\n", -1, 0, 0,
	    "no dev line" },
	{ "empty", "", -1, 0, 0, "no dev line" },
};

START_TEST(test_mux_dev)
{
	const struct dev_case *c = &dev_cases[_i];
	size_t len = strlen(c->text);
	const char *why;
	unsigned tap, line;
	char *buf;
	int rc;

	/* Exactly len bytes, no NUL after them. */
	buf = malloc(len + 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, c->text, len);
	rc = mux_conf_parse_dev(buf, len, &tap, &line, &why);
	free(buf);
	ck_assert_msg(rc == c->rc, "%s: rc %d", c->name, rc);
	ck_assert_msg(line == c->line, "%s: line %u", c->name, line);
	if (rc == 0) {
		ck_assert_msg(tap == c->tap, "%s: tap %u", c->name, tap);
		ck_assert_ptr_null(why);
	} else
		ck_assert_str_eq(why, c->why);
}
END_TEST

START_TEST(test_mux_dev_bounded)
{
	const char text[] = "dev tap12";
	const char *why;
	unsigned tap, line;

	/* The buffer's length decides, not a NUL: "dev tap1" here. */
	ck_assert_int_eq(mux_conf_parse_dev(text, 8, &tap, &line, &why), 0);
	ck_assert_uint_eq(tap, 1);
	ck_assert_int_eq(mux_conf_parse_dev(text, 0, &tap, &line, &why), -1);
}
END_TEST

START_TEST(test_mux_table_add)
{
	struct mux_table t;
	char err[256];

	mux_table_init(&t);
	ck_assert_int_eq(mux_table_add(&t, "vtrtokyo", 26, err, sizeof(err)),
	    0);
	ck_assert_int_eq(mux_table_add(&t, "amsterdam01", 5, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(mux_table_add(&t, "seattle01", 1, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.mux[0].name, "amsterdam01");
	ck_assert_str_eq(t.mux[1].name, "seattle01");
	ck_assert_str_eq(t.mux[2].name, "vtrtokyo");
	ck_assert_str_eq(t.mux[2].dev, "tap26");
	ck_assert_ptr_eq(mux_find(&t, "seattle01"), &t.mux[1]);
	ck_assert_ptr_eq(mux_find_by_tap(&t, 26), &t.mux[2]);
	ck_assert_ptr_null(mux_find(&t, "isi01"));
	ck_assert_ptr_null(mux_find_by_tap(&t, 2));

	ck_assert_int_eq(mux_table_add(&t, "isi01", 5, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "mux isi01: tap5 already used by amsterdam01");
	ck_assert_int_eq(mux_table_add(&t, "seattle01", 9, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(mux_table_add(&t, "isi01", 64, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(mux_table_add(&t, "Isi01", 2, err, sizeof(err)), -1);
	ck_assert_uint_eq(t.n, 3);
}
END_TEST

START_TEST(test_mux_names)
{
	ck_assert(mux_name_valid("amsterdam01"));
	ck_assert(mux_name_valid("a_b-c"));
	ck_assert(mux_name_valid("abcdefghijklmnopqrstuvwxyz01234"));
	ck_assert(!mux_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	ck_assert(!mux_name_valid(""));
	ck_assert(!mux_name_valid("Amsterdam"));
	ck_assert(!mux_name_valid("a.b"));
	ck_assert(!mux_name_valid("a b"));
}
END_TEST

/* ---- loading a client directory ---- */

static char client_dir[64];

static void
put_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", client_dir, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
rm_file(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", client_dir, rel);
	ck_assert_int_eq(unlink(path), 0);
}

static void
client_setup(void)
{
	char path[256];

	snprintf(client_dir, sizeof(client_dir), "/tmp/test_mux.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(client_dir));
	snprintf(path, sizeof(path), "%s/configs", client_dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/configs/openvpn", client_dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

static void
client_teardown(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/configs/openvpn", client_dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/configs", client_dir);
	rmdir(path);
	rmdir(client_dir);
}

START_TEST(test_mux_load)
{
	struct mux_table t;
	char err[256] = "";

	put_file("configs/openvpn/vtrtokyo.conf", "client\ndev tap26\n");
	put_file("configs/openvpn/amsterdam01.conf",
	    "# amsterdam01\nclient\npull # accept configs\ndev tap5\n");
	put_file("configs/openvpn/seattle01.conf", "dev tap1");
	put_file("configs/openvpn/README", "not a config\n");
	put_file("configs/openvpn/ufmg01.conf~", "dev tap5\n");
	ck_assert_msg(mux_table_load(client_dir, &t, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.mux[0].name, "amsterdam01");
	ck_assert_uint_eq(t.mux[0].tap, 5);
	ck_assert_str_eq(t.mux[1].name, "seattle01");
	ck_assert_uint_eq(t.mux[1].tap, 1);
	ck_assert_str_eq(t.mux[2].name, "vtrtokyo");
	ck_assert_uint_eq(t.mux[2].tap, 26);

	/* The same tap twice: the later name is blamed, at its line. */
	put_file("configs/openvpn/zurich.conf", "client\n\ndev tap5\n");
	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "configs/openvpn/zurich.conf:3: tap5 already "
	    "used by configs/openvpn/amsterdam01.conf");
	ck_assert_uint_eq(t.n, 0);

	put_file("configs/openvpn/zurich.conf", "client\n\ndev tun0\n");
	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "configs/openvpn/zurich.conf:3: dev must be "
	    "tapN with N in 1..63");

	put_file("configs/openvpn/zurich.conf", "client\n");
	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "configs/openvpn/zurich.conf: no dev line");
	rm_file("configs/openvpn/zurich.conf");

	put_file("configs/openvpn/Bad Name.conf", "dev tap9\n");
	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "configs/openvpn/Bad Name.conf: mux name must "
	    "be [a-z0-9_-]+, at most 31 characters");
	rm_file("configs/openvpn/Bad Name.conf");

	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 3);

	rm_file("configs/openvpn/vtrtokyo.conf");
	rm_file("configs/openvpn/amsterdam01.conf");
	rm_file("configs/openvpn/seattle01.conf");
	rm_file("configs/openvpn/README");
	rm_file("configs/openvpn/ufmg01.conf~");
	ck_assert_int_eq(mux_table_load(client_dir, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(test_mux_load_no_dir)
{
	struct mux_table t;
	char path[256], err[256];

	snprintf(path, sizeof(path), "%s/nothing", client_dir);
	ck_assert_int_eq(mux_table_load(path, &t, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "configs/openvpn: No such file or directory");
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

Suite *mux_suite(void)
{
	Suite *s = suite_create("mux");
	TCase *tc = tcase_create("mux");
	TCase *load = tcase_create("mux_load");

	tcase_add_loop_test(tc, test_mux_formulas, 0,
	    (int)NELEM(formula_cases));
	tcase_add_test(tc, test_mux_formulas_range);
	tcase_add_loop_test(tc, test_mux_dev, 0, (int)NELEM(dev_cases));
	tcase_add_test(tc, test_mux_dev_bounded);
	tcase_add_test(tc, test_mux_table_add);
	tcase_add_test(tc, test_mux_names);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(load, client_setup, client_teardown);
	tcase_add_test(load, test_mux_load);
	tcase_add_test(load, test_mux_load_no_dir);
	suite_add_tcase(s, load);
	return s;
}
