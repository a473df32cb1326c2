/*
 * `peering app`, the pure parts: the arguments (the old script's
 * messages), ids and -u MUX[:PEER], and the plan (names, first and last
 * host, table and priority, the gateway by the PEERING formulas).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../../src/cli/app_args.h"
#include "../../src/netns/app.h"
#include "../../src/cli/proxy_conf.h"
#include "../../src/vpn/mux.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXARGS		12

struct args_case {
	const char	*argv[MAXARGS];	/* after "app", NULL-terminated */
	int		 rc;
	const char	*err;		/* with APP_ARGS_BAD */
};

static const struct args_case args_cases[] = {
	{ { "-i", "7", "-n", "-p", "184.164.224.0/24" }, APP_ARGS_OK, NULL },
	{ { "-n", "-p", "p", "-i", "999", "-u", "amsterdam01:2" },
	    APP_ARGS_OK, NULL },
	{ { "-i", "7", "-b", "-d" }, APP_ARGS_OK, NULL },
	{ { "-i", "7", "-b", "-d", "-p", "x" }, APP_ARGS_OK, NULL },
	{ { "status" }, APP_ARGS_OK, NULL },
	{ { "status", "--json" }, APP_ARGS_OK, NULL },
	{ { "--help" }, APP_ARGS_HELP, NULL },
	{ { "-i", "7", "-h" }, APP_ARGS_HELP, NULL },
	{ { "status", "--help" }, APP_ARGS_HELP, NULL },
	{ { "-i", "0", "-n", "-d" }, APP_ARGS_BAD, "We require 0 < ID < 1000" },
	{ { "-i", "1000", "-n", "-d" }, APP_ARGS_BAD,
	    "We require 0 < ID < 1000" },
	{ { "-i", "07x", "-n", "-d" }, APP_ARGS_BAD,
	    "We require 0 < ID < 1000" },
	{ { "-i", "", "-n", "-d" }, APP_ARGS_BAD, "We require 0 < ID < 1000" },
	{ { "-n", "-d" }, APP_ARGS_BAD, "Need -i ID" },
	{ { "-i", "3", "-n", "-b", "-d" }, APP_ARGS_BAD,
	    "Cannot have -b and -n together" },
	{ { "-i", "3", "-n" }, APP_ARGS_BAD, "Need at least one of -p or -d" },
	{ { "-i", "3", "-d" }, APP_ARGS_BAD, "Need at least one of -b or -n" },
	{ { "-i" }, APP_ARGS_BAD, "-i needs a value" },
	{ { "-i", "3", "-x" }, APP_ARGS_BAD, "unknown option -x" },
	{ { "-i", "3", "--bogus" }, APP_ARGS_BAD, "unknown option --bogus" },
	{ { "-i", "3", "-n", "-d", "extra" }, APP_ARGS_BAD,
	    "unexpected argument extra" },
	{ { "-i", "3", "-n", "-d", "--json" }, APP_ARGS_BAD,
	    "--json goes with status" },
	{ { "status", "now" }, APP_ARGS_BAD,
	    "status takes only --json, not now" },
};

START_TEST(test_app_args)
{
	const struct args_case *c = &args_cases[_i];
	char *argv[MAXARGS + 1], err[128] = "";
	struct app_args a;
	int argc = 1;

	argv[0] = (char *)"app";
	while (argc < MAXARGS && c->argv[argc - 1] != NULL) {
		argv[argc] = (char *)c->argv[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	ck_assert_int_eq(app_args_parse(argc, argv, &a, err, sizeof(err)),
	    c->rc);
	if (c->err != NULL)
		ck_assert_str_eq(err, c->err);
}
END_TEST

START_TEST(test_app_args_values)
{
	char *argv[] = { (char *)"app", (char *)"-u", (char *)"seattle01",
	    (char *)"-b", (char *)"-i", (char *)"42", (char *)"-p",
	    (char *)"2804:269c:1::/48", NULL };
	char err[64];
	struct app_args a;

	ck_assert_int_eq(app_args_parse(8, argv, &a, err, sizeof(err)), 0);
	ck_assert(a.bridge && !a.ns && !a.delete && !a.status);
	ck_assert_uint_eq(a.id, 42);
	ck_assert_str_eq(a.prefix_arg, "2804:269c:1::/48");
	ck_assert_str_eq(a.egress_arg, "seattle01");
}
END_TEST

struct egress_case {
	const char	*in;
	int		 rc;
	int		 egress;
	const char	*mux;
	unsigned	 peer;
	const char	*err;
};

static const struct egress_case egress_cases[] = {
	{ "amsterdam01", 0, APP_EGRESS_MUX, "amsterdam01", 0, NULL },
	{ "amsterdam01:1", 0, APP_EGRESS_PEER, "amsterdam01", 1, NULL },
	{ "isi01:65535", 0, APP_EGRESS_PEER, "isi01", 65535, NULL },
	{ "isi01:0", -1, 0, NULL, 0,
	    "-u MUX:PEER takes a peer id of 1..65535 after the colon" },
	{ "isi01:65536", -1, 0, NULL, 0,
	    "-u MUX:PEER takes a peer id of 1..65535 after the colon" },
	{ "isi01:", -1, 0, NULL, 0,
	    "-u MUX:PEER takes a peer id of 1..65535 after the colon" },
	{ "isi01:1:2", -1, 0, NULL, 0,
	    "-u MUX:PEER takes a peer id of 1..65535 after the colon" },
	{ ":1", -1, 0, NULL, 0, "Unknown mux (not a mux name)" },
	{ "", -1, 0, NULL, 0, "Unknown mux (not a mux name)" },
	{ "Bad\033[2J", -1, 0, NULL, 0, "Unknown mux (not a mux name)" },
	{ "a23456789012345678901234567890123", -1, 0, NULL, 0,
	    "Unknown mux (not a mux name)" },
};

START_TEST(test_app_egress)
{
	const struct egress_case *c = &egress_cases[_i];
	struct app_spec spec;
	char err[128] = "";

	memset(&spec, 0, sizeof(spec));
	ck_assert_int_eq(app_parse_egress(c->in, &spec, err, sizeof(err)),
	    c->rc);
	if (c->rc == 0) {
		ck_assert_int_eq(spec.egress, c->egress);
		ck_assert_str_eq(spec.mux, c->mux);
		ck_assert_uint_eq(spec.peer, c->peer);
	} else
		ck_assert_str_eq(err, c->err);
}
END_TEST

struct plan_case {
	unsigned	 id;
	int		 mode;
	const char	*prefix;
	int		 egress;
	unsigned	 tap, peer;
	/* expected; NULL err: success */
	const char	*err;
	const char	*ns, *hostdev, *app, *host, *gw;
	unsigned	 table, prio;
	bool		 onlink;
};

static const struct plan_case plan_cases[] = {
	{ 7, APP_MODE_NS, "184.164.224.0/24", APP_EGRESS_ALL, 0, 0, NULL,
	    "papp7", "papp7h", "184.164.224.1/24", "184.164.224.254/24", NULL,
	    20000, 10007, false },
	{ 999, APP_MODE_BRIDGE, "184.164.224.16/28", APP_EGRESS_MUX, 5, 0,
	    NULL, "", "pbr999", "184.164.224.17/28", "184.164.224.30/28",
	    "100.69.128.1", 10999, 10999, false },
	{ 1, APP_MODE_NS, "184.164.224.0/30", APP_EGRESS_PEER, 2, 300, NULL,
	    "papp1", "papp1h", "184.164.224.1/30", "184.164.224.2/30",
	    "100.66.1.44", 10001, 10001, true },
	{ 12, APP_MODE_NS, "2804:269c:1::/48", APP_EGRESS_MUX, 26, 0, NULL,
	    "papp12", "papp12h", "2804:269c:1::1/48",
	    "2804:269c:1:ffff:ffff:ffff:ffff:ffff/48",
	    "2804:269c:ff00:1a:1::1", 10012, 10012, false },
	{ 12, APP_MODE_NS, "2804:269c:1::/126", APP_EGRESS_ALL, 0, 0, NULL,
	    "papp12", "papp12h", "2804:269c:1::1/126", "2804:269c:1::3/126",
	    NULL, 20000, 10012, false },
#define PLAN_ERR(i, p, e, t, pe, msg) { .id = (i), .mode = APP_MODE_NS, \
	.prefix = (p), .egress = (e), .tap = (t), .peer = (pe), .err = (msg) }
	PLAN_ERR(3, "184.164.224.0/31", APP_EGRESS_ALL, 0, 0,
	    "184.164.224.0/31 has no room for two hosts (at most /30)"),
	PLAN_ERR(3, "2804:269c:1::/127", APP_EGRESS_ALL, 0, 0,
	    "2804:269c:1::/127 has no room for two hosts (at most /126)"),
	PLAN_ERR(3, "2804:269c:1::/48", APP_EGRESS_PEER, 5, 1,
	    "-u amsterdam01:1: leaving through one upstream peer works for "
	    "IPv4 prefixes only (PEERING has no per-peer IPv6 next hop "
	    "formula); use -u amsterdam01"),
	PLAN_ERR(0, "184.164.224.0/24", APP_EGRESS_ALL, 0, 0,
	    "We require 0 < ID < 1000"),
	PLAN_ERR(3, "184.164.224.0/24", APP_EGRESS_MUX, 64, 0,
	    "mux amsterdam01: tap64 or peer 0 out of range"),
};

static const char *
fmt_addr(const struct prefix *p, char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", addr_format(p->af, p->addr, a,
	    sizeof(a)), p->len);
	return buf;
}

START_TEST(test_app_plan)
{
	const struct plan_case *c = &plan_cases[_i];
	struct app_spec spec;
	struct app_plan plan;
	char err[256] = "", buf[PREFIX_STRLEN + 8];

	memset(&spec, 0, sizeof(spec));
	spec.id = c->id;
	spec.mode = c->mode;
	ck_assert_int_eq(prefix_parse(c->prefix, true, &spec.prefix), 0);
	spec.egress = c->egress;
	spec.tap = c->tap;
	spec.peer = c->peer;
	snprintf(spec.mux, sizeof(spec.mux), "amsterdam01");
	if (c->err != NULL) {
		ck_assert_int_eq(app_plan_make(&spec, &plan, err, sizeof(err)),
		    -1);
		ck_assert_str_eq(err, c->err);
		return;
	}
	ck_assert_int_eq(app_plan_make(&spec, &plan, err, sizeof(err)), 0);
	ck_assert_str_eq(plan.ns, c->ns);
	ck_assert_str_eq(plan.hostdev, c->hostdev);
	ck_assert_str_eq(fmt_addr(&plan.app_addr, buf, sizeof(buf)), c->app);
	ck_assert_str_eq(fmt_addr(&plan.host_addr, buf, sizeof(buf)),
	    c->host);
	ck_assert_uint_eq(plan.table, c->table);
	ck_assert_uint_eq(plan.prio, c->prio);
	ck_assert_int_eq(plan.has_gw, c->gw != NULL);
	ck_assert_int_eq(plan.onlink, c->onlink);
	ck_assert_uint_eq(plan.any.len, 0);
	ck_assert_uint_eq(plan.any.af, spec.prefix.af);
	/* -u MUX alone looks the mux's own table (21000+N) up first. */
	ck_assert_uint_eq(plan.mux_table, c->egress == APP_EGRESS_MUX ?
	    21000 + c->tap : 0);
	if (c->gw != NULL) {
		ck_assert_str_eq(addr_format(plan.gw.af, plan.gw.addr, buf,
		    sizeof(buf)), c->gw);
		snprintf(buf, sizeof(buf), "tap%u", c->tap);
		ck_assert_str_eq(plan.tapdev, buf);
	}
}
END_TEST

Suite *app_suite(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("app");

	tcase_add_loop_test(tc, test_app_args, 0, (int)NELEM(args_cases));
	tcase_add_test(tc, test_app_args_values);
	tcase_add_loop_test(tc, test_app_egress, 0, (int)NELEM(egress_cases));
	tcase_add_loop_test(tc, test_app_plan, 0, (int)NELEM(plan_cases));
	suite_add_tcase(s, tc);
	return s;
}

/* ---- peering proxy: the formulas and the configuration text ---- */

struct subnet_case {
	unsigned	 tap, ctxid;
	const char	*v4, *v6;	/* NULL: refused */
	unsigned	 port;
};

static const struct subnet_case subnet_cases[] = {
	{ 2, 2, "100.125.16.8/30", "2804:269c:ff03:2:2::/80", 8802 },
	{ 5, 0, "100.125.40.0/30", "2804:269c:ff03:5::/80", 8805 },
	{ 26, 64, "100.125.209.0/30", "2804:269c:ff03:1a:64::/80", 8826 },
	{ 31, 511, "100.125.255.252/30", "2804:269c:ff03:1f:511::/80", 8831 },
	{ 63, 1, NULL, "2804:269c:ff03:3f:1::/80", 8863 },
};

START_TEST(test_proxy_subnets)
{
	const struct subnet_case *c = &subnet_cases[_i];
	struct prefix p;
	char buf[PREFIX_STRLEN];

	ck_assert_int_eq(mux_container_subnet_v4(c->tap, c->ctxid, &p),
	    c->v4 != NULL ? 0 : -1);
	if (c->v4 != NULL)
		ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), c->v4);
	ck_assert_int_eq(mux_container_subnet_v6(c->tap, c->ctxid, &p), 0);
	ck_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), c->v6);
	ck_assert_uint_eq(mux_proxy_port(c->tap), c->port);
	ck_assert_int_eq(mux_container_subnet_v6(c->tap, MUX_CTXID_MAX + 1,
	    &p), -1);
	ck_assert_int_eq(mux_container_subnet_v4(0, c->ctxid, &p), -1);
}
END_TEST

START_TEST(test_proxy_conf)
{
	struct proxy_conf c;
	char buf[2048];
	int n;

	memset(&c, 0, sizeof(c));
	c.mux = "isi01";
	ck_assert_int_eq(addr_parse("100.66.128.6", &c.listen), 0);
	c.port = 8802;
	ck_assert_int_eq(prefix_parse("100.125.16.8/30", true, &c.subnet4), 0);
	ck_assert_int_eq(prefix_parse("2804:269c:ff03:2:2::/80", true,
	    &c.subnet6), 0);
	c.pidfile = "/c/var/tinyproxy.isi01.pid";
	c.logfile = "/c/var/tinyproxy.isi01.log";
	n = proxy_conf_text(&c, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	ck_assert_ptr_nonnull(strstr(buf, "\nListen 100.66.128.6\nPort 8802\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "\nPidFile \"/c/var/tinyproxy.isi01.pid\"\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "\nLogFile \"/c/var/tinyproxy.isi01.log\"\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nAllow 100.125.16.8/30\n"
	    "Allow 2804:269c:ff03:2:2::/80\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nUser nobody\n"));
	/* Too small a buffer, paths TinyProxy could not read back. */
	ck_assert_int_eq(proxy_conf_text(&c, buf, (size_t)n), -1);
	c.logfile = "/c/a\"b";
	ck_assert_int_eq(proxy_conf_text(&c, buf, sizeof(buf)), -1);
	c.logfile = "/c/a\nAllow 0.0.0.0/0";
	ck_assert_int_eq(proxy_conf_text(&c, buf, sizeof(buf)), -1);
	c.logfile = "relative.log";
	ck_assert_int_eq(proxy_conf_text(&c, buf, sizeof(buf)), -1);
}
END_TEST

Suite *proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("proxy");

	tcase_add_loop_test(tc, test_proxy_subnets, 0,
	    (int)NELEM(subnet_cases));
	tcase_add_test(tc, test_proxy_conf);
	suite_add_tcase(s, tc);
	return s;
}
