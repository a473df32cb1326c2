/*
 * The daemon's config file (docs/config.md): every keyword, the defaults,
 * and each error with the exact "FILE:LINE: message" the user sees.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/conf/config.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* struct config is large: one per test, off the stack. */
static struct config *cfg;
static char err[512];

static void
cfg_setup(void)
{
	cfg = malloc(sizeof(*cfg));
	ck_assert_ptr_nonnull(cfg);
	err[0] = '\0';
}

static void
cfg_teardown(void)
{
	free(cfg);
}

/* Parses text from a buffer of exactly its length, no NUL after it. */
static int
parse(const char *text)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	int rc;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, len);
	rc = config_parse(buf, len, "t.conf", cfg, err, sizeof(err));
	free(buf);
	return rc;
}

static void
parse_ok(const char *text)
{
	ck_assert_msg(parse(text) == 0, "unexpected error: %s", err);
}

static const char *
fmt(const struct prefix *p)
{
	static char buf[PREFIX_STRLEN];

	return prefix_format(p, buf, sizeof(buf));
}

START_TEST(test_config_kernel_on_stop)
{
	parse_ok("");
	ck_assert(!cfg->kernel_remove_on_stop);
	parse_ok("kernel-routes-on-stop remove\n");
	ck_assert(cfg->kernel_remove_on_stop);
	parse_ok("kernel-routes-on-stop keep\n");
	ck_assert(!cfg->kernel_remove_on_stop);
	ck_assert_int_eq(parse("kernel-routes-on-stop flush\n"), -1);
	ck_assert_str_eq(err, "t.conf:1: kernel-routes-on-stop must be keep "
	    "or remove");
	ck_assert_int_eq(parse("mux a {\n\tkernel-routes-on-stop keep\n}\n"),
	    -1);
}
END_TEST

START_TEST(test_config_read_only_socket)
{
	parse_ok("");
	ck_assert_uint_eq(cfg->ro_mode, 0660);
	ck_assert_str_eq(cfg->ro_group, "");
	parse_ok("control-read-only-group peering\ncontrol-read-only-mode 0666\n");
	ck_assert_uint_eq(cfg->ro_mode, 0666);
	ck_assert_str_eq(cfg->ro_group, "peering");
	parse_ok("control-read-only-mode 600\n");
	ck_assert_uint_eq(cfg->ro_mode, 0600);
	ck_assert_int_eq(parse("control-read-only-mode 0777\n"), -1);
	ck_assert_str_eq(err, "t.conf:1: control-read-only-mode must be octal "
	    "read and write bits, e.g. 0660 or 0666");
	ck_assert_int_eq(parse("control-read-only-mode 0668\n"), -1);
	ck_assert_int_eq(parse("control-read-only-mode \"\"\n"), -1);
	ck_assert_int_eq(parse("mux a {\n\tcontrol-read-only-mode 0660\n}\n"),
	    -1);
}
END_TEST

START_TEST(test_config_mux_table)
{
	parse_ok("mux seattle01 {\n}\n");
	ck_assert(!cfg->defaults.mux_table);
	ck_assert(!config_mux_session(cfg, "seattle01")->mux_table);
	/* The top level's is every mux's but those that say otherwise. */
	parse_ok("mux-table yes\nmux seattle01 {\n\tmux-table no\n}\n"
	    "mux amsterdam01 {\n}\n");
	ck_assert(config_mux_session(cfg, "amsterdam01")->mux_table);
	ck_assert(config_mux_session(cfg, "ufmg01")->mux_table);
	ck_assert(!config_mux_session(cfg, "seattle01")->mux_table);
	parse_ok("mux amsterdam01 {\n\tmux-table yes\n}\n");
	ck_assert(config_mux_session(cfg, "amsterdam01")->mux_table);
	ck_assert(!config_mux_session(cfg, "seattle01")->mux_table);
	ck_assert_int_eq(parse("mux-table maybe\n"), -1);
	ck_assert_int_eq(parse("neighbor 10.0.0.1 {\nname a\nremote-as 1\n"
	    "mux-table yes\n}\n"), -1);
	ck_assert_str_eq(err, "t.conf:4: mux-table is not allowed inside a "
	    "neighbor block");
}
END_TEST

START_TEST(test_config_defaults)
{
	parse_ok("");
	ck_assert_str_eq(cfg->file, "t.conf");
	ck_assert_uint_eq(cfg->local_as, 47065);
	ck_assert_uint_eq(cfg->router_id, 0);
	ck_assert_uint_eq(cfg->defaults.hold_time, 90);
	ck_assert_uint_eq(cfg->connect_retry, 5);
	ck_assert_uint_eq(cfg->gr_time, 120);
	ck_assert_uint_eq(cfg->defaults.import.mode, IMPORT_ALL);
	ck_assert(!cfg->defaults.passive);
	ck_assert(!cfg->defaults.disabled);
	ck_assert_uint_eq(cfg->defaults.max_paths.max, 20000000);
	ck_assert_uint_eq(cfg->defaults.max_paths.action, CONFIG_LIMIT_DROP);
	ck_assert_uint_eq(cfg->defaults.max_prefix_paths.max, 500);
	ck_assert_uint_eq(cfg->defaults.max_prefix_paths.action,
	    CONFIG_LIMIT_DROP);
	ck_assert_uint_eq(cfg->n_muxes, 0);
	ck_assert_uint_eq(cfg->n_neighbors, 0);

	/* comments and blank lines only */
	parse_ok("# nothing\n\n   \t\n  # indented\r\n");
	ck_assert_uint_eq(cfg->local_as, 47065);
}
END_TEST

START_TEST(test_config_globals)
{
	parse_ok("local-as 4200000000   # private 4-byte\n"
	    "router-id 100.65.128.2\n"
	    "hold-time 0\n"
	    "connect-retry 3600\n"
	    "graceful-restart-time 0\n"
	    "import none\n");
	ck_assert_uint_eq(cfg->local_as, 4200000000u);
	ck_assert_uint_eq(cfg->router_id, 0x64418002);
	ck_assert_uint_eq(cfg->defaults.hold_time, 0);
	ck_assert_uint_eq(cfg->connect_retry, 3600);
	ck_assert_uint_eq(cfg->gr_time, 0);
	ck_assert_uint_eq(cfg->defaults.import.mode, IMPORT_NONE);

	parse_ok("local-as 1\nhold-time 3\ngraceful-restart-time 4095\n");
	ck_assert_uint_eq(cfg->local_as, 1);
	ck_assert_uint_eq(cfg->defaults.hold_time, 3);
	ck_assert_uint_eq(cfg->gr_time, 4095);

	parse_ok("local-as 4294967295\nhold-time 65535\nconnect-retry 1\n");
	ck_assert_uint_eq(cfg->local_as, 4294967295u);
	ck_assert_uint_eq(cfg->defaults.hold_time, 65535);
	ck_assert_uint_eq(cfg->connect_retry, 1);
}
END_TEST

START_TEST(test_config_mux_blocks)
{
	const struct config_mux *m;
	const struct config_session *s;

	parse_ok("mux amsterdam01 {\n"
	    "\timport none\n"
	    "\tpassive yes\n"
	    "\thold-time 30\n"
	    "\tdisabled yes\n"
	    "}\n"
	    "mux seattle01 {   # only one override\n"
	    "  passive no\n"
	    "}\n"
	    "hold-time 60      # after the blocks: still their default\n"
	    "import prefix-list 184.164.224.0/19\n");
	ck_assert_uint_eq(cfg->n_muxes, 2);

	ck_assert_ptr_nonnull(m = config_find_mux(cfg, "amsterdam01"));
	ck_assert_uint_eq(m->line, 1);
	ck_assert_uint_eq(m->s.import.mode, IMPORT_NONE);
	ck_assert(m->s.passive);
	ck_assert_uint_eq(m->s.hold_time, 30);
	ck_assert(m->s.disabled);

	ck_assert_ptr_nonnull(m = config_find_mux(cfg, "seattle01"));
	ck_assert_uint_eq(m->line, 7);
	ck_assert(!m->s.passive);
	ck_assert(!m->s.disabled);
	ck_assert_uint_eq(m->s.hold_time, 60);
	ck_assert_uint_eq(m->s.import.mode, IMPORT_PREFIX_LIST);
	ck_assert_uint_eq(m->s.import.n_prefixes, 1);
	ck_assert_str_eq(fmt(&m->s.import.prefixes[0]), "184.164.224.0/19");

	/* a mux without a block runs with the global settings */
	ck_assert_ptr_null(config_find_mux(cfg, "isi01"));
	s = config_mux_session(cfg, "isi01");
	ck_assert_ptr_eq(s, &cfg->defaults);
	ck_assert_uint_eq(s->hold_time, 60);
	ck_assert_ptr_eq(config_mux_session(cfg, "seattle01"),
	    &config_find_mux(cfg, "seattle01")->s);
}
END_TEST

/* A block to change at run time (`import`): a neighbour's and a mux's
 * own; a mux without one gets one, made from the global settings, and
 * keeps it; past the last block there is none. */
START_TEST(test_config_session_block)
{
	struct config_session *s;
	char name[16];
	bool made;
	unsigned n;

	parse_ok("import none\n"
	    "mux amsterdam01 {\n\thold-time 30\n}\n"
	    "neighbor 10.0.0.2 {\n\tname test1\n\tremote-as 65001\n}\n");
	s = config_session_block(cfg, "test1", &made);
	ck_assert_ptr_eq(s, &config_find_neighbor(cfg, "test1")->s);
	ck_assert(!made);
	s = config_session_block(cfg, "amsterdam01", &made);
	ck_assert_ptr_eq(s, &config_find_mux(cfg, "amsterdam01")->s);
	ck_assert(!made);
	ck_assert_uint_eq(cfg->n_muxes, 1);

	ck_assert_ptr_eq(config_session_named(cfg, "seattle01"),
	    &cfg->defaults);
	s = config_session_block(cfg, "seattle01", &made);
	ck_assert(made);
	ck_assert_uint_eq(cfg->n_muxes, 2);
	ck_assert_ptr_eq(s, &config_find_mux(cfg, "seattle01")->s);
	ck_assert_ptr_eq(config_session_named(cfg, "seattle01"), s);
	ck_assert_ptr_ne(s, &cfg->defaults);
	ck_assert_uint_eq(s->import.mode, IMPORT_NONE);
	ck_assert_uint_eq(s->hold_time, cfg->defaults.hold_time);
	s->import.mode = IMPORT_ALL;	/* the block's, not the defaults' */
	ck_assert_uint_eq(cfg->defaults.import.mode, IMPORT_NONE);
	ck_assert_ptr_eq(config_session_block(cfg, "seattle01", &made), s);
	ck_assert(!made);

	for (n = cfg->n_muxes; n < CONFIG_MAX_MUXES; n++) {
		snprintf(name, sizeof(name), "mux%u", n);
		ck_assert_ptr_nonnull(config_session_block(cfg, name, &made));
		ck_assert(made);
	}
	ck_assert_ptr_null(config_session_block(cfg, "onetoomany", &made));
	ck_assert(!made);
	ck_assert_uint_eq(cfg->n_muxes, CONFIG_MAX_MUXES);
	ck_assert_ptr_eq(config_session_named(cfg, "onetoomany"),
	    &cfg->defaults);
}
END_TEST

START_TEST(test_config_neighbors)
{
	const struct config_neighbor *n;

	parse_ok("hold-time 45\n"
	    "neighbor 10.0.0.2 {\n"
	    "\tname test1\n"
	    "\tremote-as 65001\n"
	    "\tinterface veth0\n"
	    "\tlocal-address 10.0.0.1\n"
	    "\tpassive yes\n"
	    "\thold-time 9\n"
	    "\tadd-path none\n"
	    "\timport all\n"
	    "\tdisabled no\n"
	    "}\n"
	    "neighbor 2001:db8::2 {\n"
	    "\tname test-6\n"
	    "\tremote-as 4200000001\n"
	    "\tlocal-address 2001:db8::1\n"
	    "\timport prefix-list 2804:269c::/42 2001:db8:1::/48 "
	    "10.0.0.0/8\n"
	    "}\n"
	    "neighbor fe80::1 {\n"
	    "\tname ll\n"
	    "\tremote-as 65002\n"
	    "\tinterface eth-1.100\n"
	    "\tadd-path receive\n"
	    "}\n");
	ck_assert_uint_eq(cfg->n_neighbors, 3);

	ck_assert_ptr_nonnull(n = config_find_neighbor(cfg, "test1"));
	ck_assert_uint_eq(n->line, 2);
	ck_assert_str_eq(fmt(&n->addr), "10.0.0.2/32");
	ck_assert_uint_eq(n->remote_as, 65001);
	ck_assert_str_eq(n->ifname, "veth0");
	ck_assert_str_eq(fmt(&n->local), "10.0.0.1/32");
	ck_assert(n->s.passive);
	ck_assert_uint_eq(n->s.hold_time, 9);
	ck_assert(!n->addpath_rx);
	ck_assert_uint_eq(n->s.import.mode, IMPORT_ALL);
	ck_assert(!n->s.disabled);

	ck_assert_ptr_nonnull(n = config_find_neighbor(cfg, "test-6"));
	ck_assert_uint_eq(n->addr.af, AF_IDX_IPV6);
	ck_assert_str_eq(fmt(&n->addr), "2001:db8::2/128");
	ck_assert_str_eq(fmt(&n->local), "2001:db8::1/128");
	ck_assert_uint_eq(n->remote_as, 4200000001u);
	ck_assert_str_eq(n->ifname, "");
	ck_assert(!n->s.passive);
	ck_assert_uint_eq(n->s.hold_time, 45);
	ck_assert(n->addpath_rx);	/* the default */
	ck_assert_uint_eq(n->s.import.mode, IMPORT_PREFIX_LIST);
	ck_assert_uint_eq(n->s.import.n_prefixes, 3);
	ck_assert_str_eq(fmt(&n->s.import.prefixes[0]), "2804:269c::/42");
	ck_assert_str_eq(fmt(&n->s.import.prefixes[1]), "2001:db8:1::/48");
	ck_assert_str_eq(fmt(&n->s.import.prefixes[2]), "10.0.0.0/8");

	ck_assert_ptr_nonnull(n = config_find_neighbor(cfg, "ll"));
	ck_assert_str_eq(n->ifname, "eth-1.100");
	ck_assert_uint_eq(n->local.len, 0);	/* the kernel chooses */
	ck_assert(n->addpath_rx);
	ck_assert_ptr_null(config_find_neighbor(cfg, "test2"));
}
END_TEST

START_TEST(test_config_prefix_list_limit)
{
	char text[CONFIG_LINE_MAX + 64];
	size_t n;
	int i;

	/* 64 prefixes fit in one line and one list */
	n = (size_t)snprintf(text, sizeof(text), "import prefix-list");
	for (i = 0; i < IMPORT_MAX_PREFIXES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    " 10.%d.0.0/16", i);
	ck_assert_uint_le(n, CONFIG_LINE_MAX);
	parse_ok(text);
	ck_assert_uint_eq(cfg->defaults.import.n_prefixes, 64);
	ck_assert_str_eq(fmt(&cfg->defaults.import.prefixes[63]),
	    "10.63.0.0/16");

	snprintf(text + n, sizeof(text) - n, " 10.64.0.0/16\n");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "t.conf:1: import prefix-list: more than 64 "
	    "prefixes");
}
END_TEST

START_TEST(test_config_long_line)
{
	char text[CONFIG_LINE_MAX + 16];

	/* 1024 bytes is the most a line may have, not counting '\n' */
	memset(text, ' ', sizeof(text));
	memcpy(text, "\nlocal-as 1", 11);
	text[CONFIG_LINE_MAX + 1] = '\n';
	text[CONFIG_LINE_MAX + 2] = '\0';
	parse_ok(text);
	ck_assert_uint_eq(cfg->local_as, 1);

	text[CONFIG_LINE_MAX + 1] = ' ';
	text[CONFIG_LINE_MAX + 2] = '\n';
	text[CONFIG_LINE_MAX + 3] = '\0';
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "t.conf:2: line longer than 1024 bytes");
}
END_TEST

/* max-paths and max-paths-per-prefix: top level, per mux, per
 * neighbour; a block without them takes the top level's. */
START_TEST(test_config_path_limits)
{
	const struct config_session *s;

	parse_ok("max-paths 1000 cease\nmax-paths-per-prefix 20 drop\n"
	    "mux a {\n\tmax-paths-per-prefix 65535 cease\n}\n"
	    "neighbor 10.0.0.2 {\n\tname n\n\tremote-as 1\n"
	    "\tmax-paths 4294967295 drop\n}\n");
	ck_assert_uint_eq(cfg->defaults.max_paths.max, 1000);
	ck_assert_uint_eq(cfg->defaults.max_paths.action, CONFIG_LIMIT_CEASE);
	ck_assert_uint_eq(cfg->defaults.max_prefix_paths.max, 20);
	ck_assert_uint_eq(cfg->defaults.max_prefix_paths.action,
	    CONFIG_LIMIT_DROP);
	s = &cfg->muxes[0].s;
	ck_assert_uint_eq(s->max_paths.max, 1000);
	ck_assert_uint_eq(s->max_paths.action, CONFIG_LIMIT_CEASE);
	ck_assert_uint_eq(s->max_prefix_paths.max, 65535);
	ck_assert_uint_eq(s->max_prefix_paths.action, CONFIG_LIMIT_CEASE);
	s = &cfg->neighbors[0].s;
	ck_assert_uint_eq(s->max_paths.max, 4294967295u);
	ck_assert_uint_eq(s->max_paths.action, CONFIG_LIMIT_DROP);
	ck_assert_uint_eq(s->max_prefix_paths.max, 20);
	/* A mux without a block: the top level's. */
	s = config_mux_session(cfg, "b");
	ck_assert_uint_eq(s->max_paths.max, 1000);
	ck_assert_str_eq(config_limit_action_name(CONFIG_LIMIT_CEASE),
	    "cease");
	ck_assert_str_eq(config_limit_action_name(CONFIG_LIMIT_DROP), "drop");
}
END_TEST

START_TEST(test_config_limits)
{
	size_t size = (CONFIG_MAX_MUXES + 1) * 16, n = 0;
	char *text;
	int i;

	ck_assert_ptr_nonnull(text = malloc(size));
	for (i = 0; i <= CONFIG_MAX_MUXES; i++)
		n += (size_t)snprintf(text + n, size - n, "mux m%d {\n}\n", i);
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "t.conf:257: more than 128 mux blocks");
	text[n - strlen("mux m128 {\n}\n")] = '\0';
	parse_ok(text);
	ck_assert_uint_eq(cfg->n_muxes, 128);
	free(text);

	size = (CONFIG_MAX_NEIGHBORS + 1) * 64;
	ck_assert_ptr_nonnull(text = malloc(size));
	n = 0;
	for (i = 0; i <= CONFIG_MAX_NEIGHBORS; i++)
		n += (size_t)snprintf(text + n, size - n, "neighbor 10.0.0.%d "
		    "{\nname n%d\nremote-as 65000\n}\n", i + 1, i);
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, "t.conf:257: more than 64 neighbor blocks");
	free(text);
}
END_TEST

struct error_case {
	const char	*name;
	const char	*text;
	const char	*err;
};

static const struct error_case error_cases[] = {
	/* keywords and scopes */
	{ "unknown keyword", "local-as 1\n\nfoo bar\n",
	    "t.conf:3: unknown keyword \"foo\"" },
	{ "unknown in block", "mux a {\n  hold 3\n}\n",
	    "t.conf:2: unknown keyword \"hold\"" },
	{ "global key in block", "mux a {\nlocal-as 5\n}\n",
	    "t.conf:2: local-as is not allowed inside a mux block" },
	{ "neighbor key in mux", "mux a {\nremote-as 5\n}\n",
	    "t.conf:2: remote-as is not allowed inside a mux block" },
	{ "neighbor key at top", "# x\nname foo\n",
	    "t.conf:2: name is not allowed outside a block" },
	{ "passive at top", "passive yes\n",
	    "t.conf:1: passive is not allowed outside a block" },
	/* path limits */
	{ "max-paths without action", "max-paths 10\n",
	    "t.conf:1: max-paths needs a value" },
	{ "max-paths bad action", "max-paths 10 warn\n",
	    "t.conf:1: max-paths: the action must be drop or cease, not "
	    "\"warn\"" },
	{ "max-paths zero", "max-paths 0 drop\n",
	    "t.conf:1: max-paths must be 1..4294967295" },
	{ "max-paths too big", "max-paths 4294967296 drop\n",
	    "t.conf:1: max-paths must be 1..4294967295" },
	{ "max-paths-per-prefix too big",
	    "mux a {\nmax-paths-per-prefix 65536 cease\n}\n",
	    "t.conf:2: max-paths-per-prefix must be 1..65535" },
	{ "max-paths-per-prefix hex", "max-paths-per-prefix 0x10 drop\n",
	    "t.conf:1: max-paths-per-prefix: \"0x10\" is not a plain "
	    "decimal number" },
	{ "max-paths extra word", "max-paths 10 drop now\n",
	    "t.conf:1: unexpected \"now\" after max-paths 10" },
	{ "max-paths twice", "max-paths 10 drop\nmax-paths 20 drop\n",
	    "t.conf:2: max-paths given twice (first on line 1)" },
	{ "connect-retry in neighbor",
	    "neighbor 10.0.0.1 {\nconnect-retry 5\n}\n",
	    "t.conf:2: connect-retry is not allowed inside a neighbor block" },
	{ "keyword case", "Local-as 1\n",
	    "t.conf:1: unknown keyword \"Local-as\"" },

	/* duplicates */
	{ "duplicate global", "hold-time 30\nlocal-as 1\nhold-time 30\n",
	    "t.conf:3: hold-time given twice (first on line 1)" },
	{ "duplicate in block", "mux a {\npassive yes\n\npassive no\n}\n",
	    "t.conf:4: passive given twice (first on line 2)" },
	{ "duplicate import", "import all\nimport none\n",
	    "t.conf:2: import given twice (first on line 1)" },
	{ "duplicate mux", "mux a {\n}\nmux b {\n}\nmux a {\n}\n",
	    "t.conf:5: mux a already configured on line 1" },
	{ "duplicate neighbor",
	    "neighbor 10.0.0.1 {\nname a\nremote-as 1\n}\n"
	    "neighbor 10.0.0.1 {\n}\n",
	    "t.conf:5: neighbor 10.0.0.1 already configured on line 1" },
	{ "duplicate neighbor v6 spelling",
	    "neighbor 2001:db8::1 {\nname a\nremote-as 1\n}\n"
	    "neighbor 2001:DB8:0::1 {\n}\n",
	    "t.conf:5: neighbor 2001:DB8:0::1 already configured on line 1" },
	{ "duplicate neighbor name",
	    "neighbor 10.0.0.1 {\nname a\nremote-as 1\n}\n"
	    "neighbor 10.0.0.2 {\nremote-as 2\nname a\n}\n",
	    "t.conf:7: name a already used by the neighbor on line 1" },

	/* values */
	{ "local-as 0", "local-as 0\n", "t.conf:1: local-as must be "
	    "1..4294967295" },
	{ "local-as overflow", "local-as 4294967296\n",
	    "t.conf:1: local-as must be 1..4294967295" },
	{ "local-as huge", "local-as 99999999999999999999999999\n",
	    "t.conf:1: local-as must be 1..4294967295" },
	{ "local-as as_trans", "local-as 23456\n",
	    "t.conf:1: local-as 23456 is AS_TRANS, not a usable AS" },
	{ "local-as sign", "local-as +5\n",
	    "t.conf:1: local-as: \"+5\" is not a plain decimal number" },
	{ "local-as negative", "local-as -1\n",
	    "t.conf:1: local-as: \"-1\" is not a plain decimal number" },
	{ "local-as hex", "local-as 0x10\n",
	    "t.conf:1: local-as: \"0x10\" is not a plain decimal number" },
	{ "local-as leading zero", "local-as 047065\n",
	    "t.conf:1: local-as: \"047065\" is not a plain decimal number" },
	{ "local-as asdot", "local-as 1.10\n",
	    "t.conf:1: local-as: \"1.10\" is not a plain decimal number" },
	{ "local-as missing", "local-as\n", "t.conf:1: local-as needs a "
	    "value" },
	{ "local-as garbage", "local-as 5 6\n",
	    "t.conf:1: unexpected \"6\" after local-as 5" },
	{ "hold-time 1", "hold-time 1\n", "t.conf:1: hold-time must be 0 or "
	    "3..65535" },
	{ "hold-time 2", "hold-time 2\n", "t.conf:1: hold-time must be 0 or "
	    "3..65535" },
	{ "hold-time 65536", "hold-time 65536\n",
	    "t.conf:1: hold-time must be 0 or 3..65535" },
	{ "hold-time in mux", "mux a {\nhold-time 2\n}\n",
	    "t.conf:2: hold-time must be 0 or 3..65535" },
	{ "connect-retry 0", "connect-retry 0\n",
	    "t.conf:1: connect-retry must be 1..3600" },
	{ "connect-retry 3601", "connect-retry 3601\n",
	    "t.conf:1: connect-retry must be 1..3600" },
	{ "gr 4096", "graceful-restart-time 4096\n",
	    "t.conf:1: graceful-restart-time must be 0..4095" },
	{ "router-id v6", "router-id 2001:db8::1\n",
	    "t.conf:1: router-id: \"2001:db8::1\" is not an IPv4 address" },
	{ "router-id short", "router-id 10.1\n",
	    "t.conf:1: router-id: \"10.1\" is not an IPv4 address" },
	{ "router-id zero", "router-id 0.0.0.0\n",
	    "t.conf:1: router-id must not be 0.0.0.0" },
	{ "import bad", "import some\n",
	    "t.conf:1: import must be all, none or prefix-list P [P ...]" },
	{ "import empty", "import\n",
	    "t.conf:1: import must be all, none or prefix-list P [P ...]" },
	{ "import garbage", "import all none\n",
	    "t.conf:1: unexpected \"none\" after import all" },
	{ "prefix-list empty", "import prefix-list # none\n",
	    "t.conf:1: import prefix-list needs at least one prefix" },
	{ "prefix-list host bits", "import prefix-list 10.0.0.0/8 "
	    "10.0.0.1/8\n", "t.conf:1: import prefix-list: \"10.0.0.1/8\" is "
	    "not a prefix (no bits set past the length)" },
	{ "prefix-list v6 host bits", "import prefix-list 2804:269c::1/42\n",
	    "t.conf:1: import prefix-list: \"2804:269c::1/42\" is not a "
	    "prefix (no bits set past the length)" },
	{ "prefix-list no length", "import prefix-list 10.0.0.0\n",
	    "t.conf:1: import prefix-list: \"10.0.0.0\" is not a prefix (no "
	    "bits set past the length)" },
	{ "prefix-list too long", "import prefix-list 10.0.0.0/33\n",
	    "t.conf:1: import prefix-list: \"10.0.0.0/33\" is not a prefix (no "
	    "bits set past the length)" },
	{ "prefix-list twice", "import prefix-list 10.0.0.0/8 1.0.0.0/8 "
	    "10.0.0.0/8\n", "t.conf:1: import prefix-list: 10.0.0.0/8 listed "
	    "twice" },
	{ "passive maybe", "mux a {\npassive maybe\n}\n",
	    "t.conf:2: passive must be yes or no" },
	{ "disabled 1", "mux a {\ndisabled 1\n}\n",
	    "t.conf:2: disabled must be yes or no" },
	{ "add-path send", "neighbor 10.0.0.1 {\nadd-path send\n}\n",
	    "t.conf:2: add-path must be receive or none" },
	{ "remote-as 0", "neighbor 10.0.0.1 {\nremote-as 0\n}\n",
	    "t.conf:2: remote-as must be 1..4294967295" },

	/* names and addresses */
	{ "mux name upper", "mux Amsterdam01 {\n}\n",
	    "t.conf:1: mux name \"Amsterdam01\" must be [a-z0-9_-]+, at most "
	    "31 characters" },
	{ "mux name long", "mux abcdefghijklmnopqrstuvwxyz012345 {\n}\n",
	    "t.conf:1: mux name \"abcdefghijklmnopqrstuvwxyz012345\" must be "
	    "[a-z0-9_-]+, at most 31 characters" },
	{ "neighbor name", "neighbor 10.0.0.1 {\nname a.b\n}\n",
	    "t.conf:2: name \"a.b\" must be [a-z0-9_-]+, at most 31 "
	    "characters" },
	{ "neighbor bad address", "neighbor 10.0.0 {\n}\n",
	    "t.conf:1: neighbor: \"10.0.0\" is not an IPv4 or IPv6 address" },
	{ "neighbor prefix", "neighbor 10.0.0.0/24 {\n}\n",
	    "t.conf:1: neighbor: \"10.0.0.0/24\" is not an IPv4 or IPv6 "
	    "address" },
	{ "neighbor unspecified", "neighbor :: {\n}\n",
	    "t.conf:1: neighbor: :: is not a unicast address" },
	{ "neighbor multicast", "neighbor 224.0.0.5 {\n}\n",
	    "t.conf:1: neighbor: 224.0.0.5 is not a unicast address" },
	{ "neighbor v6 multicast", "neighbor ff02::5 {\n}\n",
	    "t.conf:1: neighbor: ff02::5 is not a unicast address" },
	{ "local-address family", "neighbor 10.0.0.2 {\n"
	    "local-address 2001:db8::1\n}\n",
	    "t.conf:2: local-address 2001:db8::1 is not of the neighbor's "
	    "address family" },
	{ "local-address v4 for v6", "neighbor 2001:db8::2 {\n"
	    "local-address 10.0.0.1\n}\n",
	    "t.conf:2: local-address 10.0.0.1 is not of the neighbor's "
	    "address family" },
	{ "local-address bad", "neighbor 10.0.0.2 {\nlocal-address x\n}\n",
	    "t.conf:2: local-address: \"x\" is not an IPv4 or IPv6 address" },
	{ "interface long", "neighbor 10.0.0.2 {\n"
	    "interface abcdefghijklmnop\n}\n",
	    "t.conf:2: interface \"abcdefghijklmnop\" must be [A-Za-z0-9_.-]+"
	    ", at most 15 characters" },
	{ "interface slash", "neighbor 10.0.0.2 {\ninterface a/b\n}\n",
	    "t.conf:2: interface \"a/b\" must be [A-Za-z0-9_.-]+, at most 15 "
	    "characters" },
	{ "interface dotdot", "neighbor 10.0.0.2 {\ninterface ..\n}\n",
	    "t.conf:2: interface \"..\" must be [A-Za-z0-9_.-]+, at most 15 "
	    "characters" },
	{ "neighbor without name", "\nneighbor 10.0.0.2 {\n"
	    "remote-as 65001\n}\n",
	    "t.conf:2: neighbor 10.0.0.2: name missing" },
	{ "neighbor without remote-as", "neighbor 2001:db8::2 {\n"
	    "name x\n}\n",
	    "t.conf:1: neighbor 2001:db8::2: remote-as missing" },
	{ "link-local without interface", "neighbor fe80::2 {\nname x\n"
	    "remote-as 1\n}\n",
	    "t.conf:1: neighbor fe80::2: a link-local neighbor needs an "
	    "interface" },

	/* blocks */
	{ "unterminated mux", "local-as 1\nmux a {\n  passive yes\n",
	    "t.conf:2: block not closed: } missing" },
	{ "unterminated at eof without newline", "mux a {",
	    "t.conf:1: block not closed: } missing" },
	{ "stray close", "local-as 1\n}\n", "t.conf:2: } without a block" },
	{ "close twice", "mux a {\n}\n}\n", "t.conf:3: } without a block" },
	{ "close with garbage", "mux a {\n} mux\n",
	    "t.conf:2: unexpected \"mux\" after }" },
	{ "brace on next line", "mux a\n{\n}\n",
	    "t.conf:1: expected \"mux NAME {\"" },
	{ "brace glued", "mux a{\n}\n",
	    "t.conf:1: expected \"mux NAME {\"" },
	{ "block trailing garbage", "neighbor 10.0.0.1 { x\n}\n",
	    "t.conf:1: expected \"neighbor ADDRESS {\"" },
	{ "one-line block", "mux a { passive yes }\n",
	    "t.conf:1: expected \"mux NAME {\"" },
	{ "nested", "mux a {\nmux b {\n}\n}\n",
	    "t.conf:2: mux block inside another block (line 1): blocks do "
	    "not nest" },
	{ "nested neighbor", "mux a {\n\nneighbor 10.0.0.1 {\n}\n}\n",
	    "t.conf:3: neighbor block inside another block (line 1): blocks "
	    "do not nest" },

	/* bytes a text file never has */
	{ "control char", "local-as 1\nhold-time\x01 3\n",
	    "t.conf:2: control character 0x01" },
	{ "escape in comment", "# \x1b[31m\n",
	    "t.conf:1: control character 0x1b" },
	{ "del", "local-as 1\x7f\n", "t.conf:1: control character 0x7f" },
};

START_TEST(test_config_error)
{
	const struct error_case *c = &error_cases[_i];

	ck_assert_msg(parse(c->text) == -1, "%s: parsed", c->name);
	ck_assert_msg(strcmp(err, c->err) == 0, "%s: got \"%s\"", c->name,
	    err);
	/* nothing half-parsed is left behind */
	ck_assert_uint_eq(cfg->n_muxes, 0);
	ck_assert_uint_eq(cfg->n_neighbors, 0);
	ck_assert_uint_eq(cfg->local_as, 47065);
}
END_TEST

START_TEST(test_config_nul_byte)
{
	static const char text[] = "local-as 1\nhold-time 3\0 junk\n";

	ck_assert_int_eq(config_parse(text, sizeof(text) - 1, "t.conf", cfg,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: control character 0x00");
	/* a length that stops before the NUL parses */
	ck_assert_int_eq(config_parse(text, 22, "t.conf", cfg, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(cfg->defaults.hold_time, 3);
}
END_TEST

START_TEST(test_config_small_errbuf)
{
	char small[8];

	ck_assert_int_eq(config_parse("foo", 3, "t.conf", cfg, small,
	    sizeof(small)), -1);
	ck_assert_str_eq(small, "t.conf:");
	ck_assert_int_eq(config_parse("foo", 3, "t.conf", cfg, NULL, 0), -1);
}
END_TEST

START_TEST(test_config_check_muxes)
{
	struct mux_table t;
	char e[256];

	mux_table_init(&t);
	ck_assert_int_eq(mux_table_add(&t, "amsterdam01", 5, e, sizeof(e)),
	    0);
	ck_assert_int_eq(mux_table_add(&t, "seattle01", 1, e, sizeof(e)), 0);

	parse_ok("mux amsterdam01 {\n}\nneighbor 10.0.0.2 {\nname test1\n"
	    "remote-as 1\n}\n");
	ck_assert_int_eq(config_check_muxes(cfg, &t, err, sizeof(err)), 0);

	parse_ok("mux amsterdam01 {\n}\n\nmux amsterdam02 {\n}\n");
	ck_assert_int_eq(config_check_muxes(cfg, &t, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:4: mux amsterdam02: no "
	    "configs/openvpn/amsterdam02.conf");

	parse_ok("neighbor 10.0.0.2 {\nname test1\nremote-as 1\n}\n"
	    "neighbor 10.0.0.3 {\nname seattle01\nremote-as 1\n}\n");
	ck_assert_int_eq(config_check_muxes(cfg, &t, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:5: neighbor name seattle01 is the name "
	    "of a mux");
}
END_TEST

START_TEST(test_config_diff)
{
	static const char base[] =
	    "neighbor 10.0.0.2 {\nname a\nremote-as 1\n%s\n}\n";
	static const struct {
		const char	*line;
		unsigned	 diff;
	} cases[] = {
		{ "", 0 },
		{ "# a comment", 0 },
		{ "hold-time 90", 0 },		/* the default, spelt out */
		{ "import all", 0 },
		{ "add-path receive", 0 },
		{ "hold-time 30", CONFIG_DIFF_SESSION },
		{ "passive yes", CONFIG_DIFF_SESSION },
		{ "add-path none", CONFIG_DIFF_SESSION },
		{ "interface veth0", CONFIG_DIFF_SESSION },
		{ "local-address 10.0.0.1", CONFIG_DIFF_SESSION },
		{ "import none", CONFIG_DIFF_IMPORT },
		{ "import prefix-list 10.0.0.0/8", CONFIG_DIFF_IMPORT },
		{ "disabled yes", CONFIG_DIFF_DISABLED },
		{ "max-paths 20000000 drop", 0 },	/* the default */
		{ "max-paths 100 drop", CONFIG_DIFF_LIMITS },
		{ "max-paths 20000000 cease", CONFIG_DIFF_LIMITS },
		{ "max-paths-per-prefix 501 drop", CONFIG_DIFF_LIMITS },
	};
	struct config *old = malloc(sizeof(*old));
	char text[256];
	size_t i;

	ck_assert_ptr_nonnull(old);
	snprintf(text, sizeof(text), base, "");
	ck_assert_int_eq(config_parse(text, strlen(text), "t.conf", old, err,
	    sizeof(err)), 0);
	for (i = 0; i < NELEM(cases); i++) {
		snprintf(text, sizeof(text), base, cases[i].line);
		parse_ok(text);
		ck_assert_msg(config_neighbor_diff(&old->neighbors[0],
		    &cfg->neighbors[0]) == cases[i].diff, "%s",
		    cases[i].line);
		ck_assert(config_neighbor_equal(&old->neighbors[0],
		    &cfg->neighbors[0]) == (cases[i].diff == 0));
		ck_assert(config_globals_equal(old, cfg));
	}

	parse_ok("neighbor 10.0.0.3 {\nname a\nremote-as 1\n}\n");
	ck_assert_uint_eq(config_neighbor_diff(&old->neighbors[0],
	    &cfg->neighbors[0]), CONFIG_DIFF_SESSION);
	parse_ok("neighbor 10.0.0.2 {\nname b\nremote-as 1\n}\n");
	ck_assert_uint_eq(config_neighbor_diff(&old->neighbors[0],
	    &cfg->neighbors[0]), CONFIG_DIFF_SESSION);
	parse_ok("neighbor 10.0.0.2 {\nname a\nremote-as 2\n}\n");
	ck_assert_uint_eq(config_neighbor_diff(&old->neighbors[0],
	    &cfg->neighbors[0]), CONFIG_DIFF_SESSION);

	/* a global that every session inherits shows in each session */
	parse_ok("hold-time 30\nneighbor 10.0.0.2 {\nname a\nremote-as 1\n}\n");
	ck_assert_uint_eq(config_neighbor_diff(&old->neighbors[0],
	    &cfg->neighbors[0]), CONFIG_DIFF_SESSION);
	ck_assert_uint_eq(config_session_diff(&old->defaults, &cfg->defaults),
	    CONFIG_DIFF_SESSION);
	parse_ok("router-id 1.2.3.4\n");
	ck_assert(!config_globals_equal(old, cfg));
	parse_ok("graceful-restart-time 0\n");
	ck_assert(!config_globals_equal(old, cfg));

	ck_assert_str_eq(import_mode_name(IMPORT_ALL), "all");
	ck_assert_str_eq(import_mode_name(IMPORT_NONE), "none");
	ck_assert_str_eq(import_mode_name(IMPORT_PREFIX_LIST),
	    "prefix-list");
	free(old);
}
END_TEST

START_TEST(test_config_load)
{
	char path[] = "/tmp/test_config.XXXXXX";
	static const char text[] = "local-as 65000\nmux x {\n";
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
	    (ssize_t)(sizeof(text) - 1));
	close(fd);
	ck_assert_int_eq(config_load(path, cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err + strlen(path), ":2: block not closed: } "
	    "missing");
	ck_assert_int_eq(strncmp(err, path, strlen(path)), 0);
	unlink(path);

	ck_assert_int_eq(config_load(path, cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err + strlen(path), ": No such file or directory");
	ck_assert_int_eq(config_load("/tmp", cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/tmp: not a regular file");
}
END_TEST

/* The example the repository ships parses, with the defaults only. */
START_TEST(test_config_shipped_example)
{
	struct config *def = malloc(sizeof(*def));

	ck_assert_ptr_nonnull(def);
	config_init(def);
	if (config_load("configs/peering-bgpd.conf", cfg, err,
	    sizeof(err)) == -1 && access("configs", F_OK) == -1) {
		free(def);
		return;		/* not run from the top of the tree */
	}
	ck_assert_msg(err[0] == '\0', "%s", err);
	ck_assert(config_globals_equal(cfg, def));
	ck_assert_uint_eq(config_session_diff(&cfg->defaults, &def->defaults),
	    0);
	ck_assert_uint_eq(cfg->n_muxes, 0);
	ck_assert_uint_eq(cfg->n_neighbors, 0);
	free(def);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, cfg_setup, cfg_teardown);
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_globals);
	tcase_add_test(tc, test_config_mux_blocks);
	tcase_add_test(tc, test_config_session_block);
	tcase_add_test(tc, test_config_neighbors);
	tcase_add_test(tc, test_config_prefix_list_limit);
	tcase_add_test(tc, test_config_long_line);
	tcase_add_test(tc, test_config_limits);
	tcase_add_test(tc, test_config_path_limits);
	tcase_add_loop_test(tc, test_config_error, 0,
	    (int)NELEM(error_cases));
	tcase_add_test(tc, test_config_nul_byte);
	tcase_add_test(tc, test_config_small_errbuf);
	tcase_add_test(tc, test_config_check_muxes);
	tcase_add_test(tc, test_config_diff);
	tcase_add_test(tc, test_config_load);
	tcase_add_test(tc, test_config_shipped_example);
	tcase_add_test(tc, test_config_kernel_on_stop);
	tcase_add_test(tc, test_config_read_only_socket);
	tcase_add_test(tc, test_config_mux_table);
	suite_add_tcase(s, tc);
	return s;
}
