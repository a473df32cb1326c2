#include "../bgp/bgp.h"
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/rbuf.h"
#include "../lib/readfile.h"

#define CFG_MAX_ARGS	(CONFIG_LINE_MAX / 2 + 1)

enum cfg_scope {
	SCOPE_GLOBAL = 0x1,
	SCOPE_MUX = 0x2,
	SCOPE_NEIGHBOR = 0x4,
};
#define SCOPE_BLOCK	(SCOPE_MUX | SCOPE_NEIGHBOR)
#define SCOPE_ALL	(SCOPE_GLOBAL | SCOPE_BLOCK)

enum cfg_kw {
	KW_LOCAL_AS,
	KW_ROUTER_ID,
	KW_HOLD_TIME,
	KW_CONNECT_RETRY,
	KW_GR_TIME,
	KW_IMPORT,
	KW_MUX,
	KW_NEIGHBOR,
	KW_PASSIVE,
	KW_DISABLED,
	KW_NAME,
	KW_REMOTE_AS,
	KW_INTERFACE,
	KW_LOCAL_ADDRESS,
	KW_ADD_PATH,
	KW_KERNEL_ON_STOP,
	KW_MAX_PATHS,
	KW_MAX_PREFIX_PATHS,
	KW_RO_GROUP,
	KW_RO_MODE,
	KW_MUX_TABLE,
	KW_COUNT
};
#define KW_BIT(kw)	(1u << (kw))

struct cfg_parser {
	struct config		*c;
	const char		*file;
	char			*err;
	size_t			 errlen;
	unsigned		 line;
	unsigned		 scope;
	unsigned		 block_line;
	struct config_session	*sess;	/* what session keys set */
	struct config_neighbor	*nbr;	/* in a neighbor block */
	unsigned		 global_seen[KW_COUNT];	/* line, 0: not yet */
	unsigned		 block_seen[KW_COUNT];
	uint32_t		 mux_set[CONFIG_MAX_MUXES];
	uint32_t		 nbr_set[CONFIG_MAX_NEIGHBORS];
};

typedef int (*cfg_handler)(struct cfg_parser *, unsigned, char **);

struct cfg_keyword {
	const char	*name;
	unsigned	 scopes;
	int		 nargs;		/* words after the keyword; -1: any */
	bool		 repeat;	/* a block opener, not a setting */
	cfg_handler	 fn;
};

static void	cfg_error(struct cfg_parser *, unsigned, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
cfg_error(struct cfg_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->file, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---- values ---- */

/* Plain decimal in min..max: no sign, no hex, no leading zeros, no
 * overflow. range says what is allowed, for the message. */
static int
cfg_number(struct cfg_parser *p, const char *key, const char *s,
    unsigned long min, unsigned long max, const char *range, uint32_t *v)
{
	unsigned long n;
	char *end;
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (i == 0 || s[i] != '\0' || (s[0] == '0' && s[1] != '\0')) {
		cfg_error(p, p->line, "%s: \"%s\" is not a plain decimal "
		    "number", key, s);
		return -1;
	}
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		cfg_error(p, p->line, "%s must be %s", key, range);
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static int
cfg_asn(struct cfg_parser *p, const char *key, const char *s, uint32_t *v)
{
	if (cfg_number(p, key, s, 1, UINT32_MAX, "1..4294967295", v) == -1)
		return -1;
	if (*v == BGP_AS_TRANS) {
		cfg_error(p, p->line, "%s 23456 is AS_TRANS, not a usable AS",
		    key);
		return -1;
	}
	return 0;
}

static int
cfg_bool(struct cfg_parser *p, const char *key, const char *s, bool *v)
{
	if (strcmp(s, "yes") == 0)
		*v = true;
	else if (strcmp(s, "no") == 0)
		*v = false;
	else {
		cfg_error(p, p->line, "%s must be yes or no", key);
		return -1;
	}
	return 0;
}

static bool
cfg_ifname_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > CONFIG_IFNAME_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.'))
			return false;
	}
	return true;
}

static bool
cfg_addr_zero(const struct prefix *a)
{
	static const uint8_t zero[16];

	return memcmp(a->addr, zero, af_addr_bytes(a->af)) == 0;
}

/* An address a session can use: not unspecified, multicast or broadcast. */
static bool
cfg_addr_unicast(const struct prefix *a)
{
	if (cfg_addr_zero(a))
		return false;
	if (a->af == AF_IDX_IPV4)
		return (a->addr[0] & 0xf0) != 0xe0 &&
		    load_u32(a->addr) != 0xffffffff;
	return a->addr[0] != 0xff;
}

static bool
cfg_addr_linklocal(const struct prefix *a)
{
	return a->af == AF_IDX_IPV6 && a->addr[0] == 0xfe &&
	    (a->addr[1] & 0xc0) == 0x80;
}

static int
cfg_unicast(struct cfg_parser *p, const char *key, const char *s,
    struct prefix *a)
{
	if (addr_parse(s, a) == -1) {
		cfg_error(p, p->line, "%s: \"%s\" is not an IPv4 or IPv6 "
		    "address", key, s);
		return -1;
	}
	if (!cfg_addr_unicast(a)) {
		cfg_error(p, p->line, "%s: %s is not a unicast address", key,
		    s);
		return -1;
	}
	return 0;
}

/* ---- keywords ---- */

static int
kw_local_as(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_asn(p, argv[0], argv[1], &p->c->local_as);
}

static int
kw_router_id(struct cfg_parser *p, unsigned argc, char **argv)
{
	struct prefix a;

	(void)argc;
	if (addr_parse(argv[1], &a) == -1 || a.af != AF_IDX_IPV4) {
		cfg_error(p, p->line, "router-id: \"%s\" is not an IPv4 "
		    "address", argv[1]);
		return -1;
	}
	/* RFC 6286 2.1: a BGP Identifier is never 0 */
	if (cfg_addr_zero(&a)) {
		cfg_error(p, p->line, "router-id must not be 0.0.0.0");
		return -1;
	}
	p->c->router_id = load_u32(a.addr);
	return 0;
}

static int
kw_hold_time(struct cfg_parser *p, unsigned argc, char **argv)
{
	static const char range[] = "0 or 3..65535";
	uint32_t v;

	(void)argc;
	if (cfg_number(p, argv[0], argv[1], 0, 65535, range, &v) == -1)
		return -1;
	/* RFC 4271 4.2: zero or at least three seconds */
	if (v == 1 || v == 2) {
		cfg_error(p, p->line, "%s must be %s", argv[0], range);
		return -1;
	}
	p->sess->hold_time = (uint16_t)v;
	return 0;
}

static int
kw_connect_retry(struct cfg_parser *p, unsigned argc, char **argv)
{
	uint32_t v;

	(void)argc;
	if (cfg_number(p, argv[0], argv[1], 1, 3600, "1..3600", &v) == -1)
		return -1;
	p->c->connect_retry = (uint16_t)v;
	return 0;
}

static int
kw_gr_time(struct cfg_parser *p, unsigned argc, char **argv)
{
	uint32_t v;

	(void)argc;
	/* RFC 4724 3: the restart time is a 12-bit field */
	if (cfg_number(p, argv[0], argv[1], 0, 4095, "0..4095", &v) == -1)
		return -1;
	p->c->gr_time = (uint16_t)v;
	return 0;
}

/* What `bgp stop` does to table 20000: keep (BIRD's "persist") or remove. */
static int
kw_kernel_on_stop(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	if (strcmp(argv[1], "keep") == 0)
		p->c->kernel_remove_on_stop = false;
	else if (strcmp(argv[1], "remove") == 0)
		p->c->kernel_remove_on_stop = true;
	else {
		cfg_error(p, p->line, "kernel-routes-on-stop must be keep or "
		    "remove");
		return -1;
	}
	return 0;
}

static int
cfg_prefix_list(struct cfg_parser *p, unsigned argc, char **argv,
    struct import_policy *im)
{
	unsigned i, j;

	if (argc < 3) {
		cfg_error(p, p->line, "import prefix-list needs at least one "
		    "prefix");
		return -1;
	}
	if (argc - 2 > IMPORT_MAX_PREFIXES) {
		cfg_error(p, p->line, "import prefix-list: more than %d "
		    "prefixes", IMPORT_MAX_PREFIXES);
		return -1;
	}
	for (i = 2; i < argc; i++) {
		struct prefix *pfx = &im->prefixes[im->n_prefixes];

		if (prefix_parse(argv[i], true, pfx) == -1) {
			cfg_error(p, p->line, "import prefix-list: \"%s\" is "
			    "not a prefix (no bits set past the length)",
			    argv[i]);
			return -1;
		}
		for (j = 0; j < im->n_prefixes; j++)
			if (prefix_equal(&im->prefixes[j], pfx)) {
				cfg_error(p, p->line, "import prefix-list: "
				    "%s listed twice", argv[i]);
				return -1;
			}
		im->n_prefixes++;
	}
	im->mode = IMPORT_PREFIX_LIST;
	return 0;
}

static int
kw_import(struct cfg_parser *p, unsigned argc, char **argv)
{
	struct import_policy im;

	memset(&im, 0, sizeof(im));
	if (argc < 2 || (strcmp(argv[1], "all") != 0 &&
	    strcmp(argv[1], "none") != 0 &&
	    strcmp(argv[1], "prefix-list") != 0)) {
		cfg_error(p, p->line, "import must be all, none or "
		    "prefix-list P [P ...]");
		return -1;
	}
	if (strcmp(argv[1], "prefix-list") == 0) {
		if (cfg_prefix_list(p, argc, argv, &im) == -1)
			return -1;
	} else if (argc > 2) {
		cfg_error(p, p->line, "unexpected \"%s\" after import %s",
		    argv[2], argv[1]);
		return -1;
	} else
		im.mode = strcmp(argv[1], "all") == 0 ? IMPORT_ALL :
		    IMPORT_NONE;
	p->sess->import = im;
	return 0;
}

/* "N drop|cease": at most max paths, and what going past it does. */
static int
cfg_limit(struct cfg_parser *p, char **argv, unsigned long max,
    const char *range, struct config_limit *l)
{
	uint32_t v;

	if (cfg_number(p, argv[0], argv[1], 1, max, range, &v) == -1)
		return -1;
	if (strcmp(argv[2], "drop") == 0)
		l->action = CONFIG_LIMIT_DROP;
	else if (strcmp(argv[2], "cease") == 0)
		l->action = CONFIG_LIMIT_CEASE;
	else {
		cfg_error(p, p->line, "%s: the action must be drop or cease, "
		    "not \"%s\"", argv[0], argv[2]);
		return -1;
	}
	l->max = v;
	return 0;
}

static int
kw_max_paths(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_limit(p, argv, UINT32_MAX, "1..4294967295",
	    &p->sess->max_paths);
}

static int
kw_max_prefix_paths(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_limit(p, argv, CONFIG_MAX_PREFIX_PATHS, "1..65535",
	    &p->sess->max_prefix_paths);
}

/* A kernel table of the mux's own best routes (docs/dataplane.md). */
static int
kw_mux_table(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_bool(p, argv[0], argv[1], &p->sess->mux_table);
}

static int
kw_passive(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_bool(p, argv[0], argv[1], &p->sess->passive);
}

static int
kw_disabled(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_bool(p, argv[0], argv[1], &p->sess->disabled);
}

/* "KEYWORD VALUE {" opens a block. */
static int
cfg_block_open(struct cfg_parser *p, unsigned argc, char **argv,
    unsigned scope)
{
	if (p->scope != SCOPE_GLOBAL) {
		cfg_error(p, p->line, "%s block inside another block (line "
		    "%u): blocks do not nest", argv[0], p->block_line);
		return -1;
	}
	if (argc != 3 || strcmp(argv[2], "{") != 0) {
		cfg_error(p, p->line, "expected \"%s %s {\"", argv[0],
		    scope == SCOPE_MUX ? "NAME" : "ADDRESS");
		return -1;
	}
	p->scope = scope;
	p->block_line = p->line;
	memset(p->block_seen, 0, sizeof(p->block_seen));
	return 0;
}

/* The position of the mux or neighbour block called name, or -1. */
static int
mux_index(const struct config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_muxes; i++)
		if (strcmp(c->muxes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
neighbor_index(const struct config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_neighbors; i++)
		if (strcmp(c->neighbors[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A new, empty block for mux name; NULL when there are as many as can
 * be. */
static struct config_mux *
mux_block_add(struct config *c, const char *name)
{
	struct config_mux *m;

	if (c->n_muxes == CONFIG_MAX_MUXES)
		return NULL;
	m = &c->muxes[c->n_muxes++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

static int
kw_mux(struct cfg_parser *p, unsigned argc, char **argv)
{
	const struct config_mux *other;
	struct config_mux *m;

	if (cfg_block_open(p, argc, argv, SCOPE_MUX) == -1)
		return -1;
	if (!mux_name_valid(argv[1])) {
		cfg_error(p, p->line, "mux name \"%s\" must be [a-z0-9_-]+, "
		    "at most %d characters", argv[1], MUX_NAME_MAX);
		return -1;
	}
	if ((other = config_find_mux(p->c, argv[1])) != NULL) {
		cfg_error(p, p->line, "mux %s already configured on line %u",
		    argv[1], other->line);
		return -1;
	}
	if ((m = mux_block_add(p->c, argv[1])) == NULL) {
		cfg_error(p, p->line, "more than %d mux blocks",
		    CONFIG_MAX_MUXES);
		return -1;
	}
	m->line = p->line;
	p->sess = &m->s;
	return 0;
}

static int
kw_neighbor(struct cfg_parser *p, unsigned argc, char **argv)
{
	struct config_neighbor *n;
	struct prefix a;
	unsigned i;

	if (cfg_block_open(p, argc, argv, SCOPE_NEIGHBOR) == -1)
		return -1;
	if (cfg_unicast(p, argv[0], argv[1], &a) == -1)
		return -1;
	for (i = 0; i < p->c->n_neighbors; i++)
		if (prefix_equal(&p->c->neighbors[i].addr, &a)) {
			cfg_error(p, p->line, "neighbor %s already configured "
			    "on line %u", argv[1], p->c->neighbors[i].line);
			return -1;
		}
	if (p->c->n_neighbors == CONFIG_MAX_NEIGHBORS) {
		cfg_error(p, p->line, "more than %d neighbor blocks",
		    CONFIG_MAX_NEIGHBORS);
		return -1;
	}
	n = &p->c->neighbors[p->c->n_neighbors++];
	memset(n, 0, sizeof(*n));
	n->addr = a;
	n->line = p->line;
	n->addpath_rx = true;
	p->nbr = n;
	p->sess = &n->s;
	return 0;
}

static int
kw_name(struct cfg_parser *p, unsigned argc, char **argv)
{
	const struct config_neighbor *other;

	(void)argc;
	if (!mux_name_valid(argv[1])) {
		cfg_error(p, p->line, "name \"%s\" must be [a-z0-9_-]+, at "
		    "most %d characters", argv[1], CONFIG_NAME_MAX);
		return -1;
	}
	if ((other = config_find_neighbor(p->c, argv[1])) != NULL) {
		cfg_error(p, p->line, "name %s already used by the neighbor "
		    "on line %u", argv[1], other->line);
		return -1;
	}
	memcpy(p->nbr->name, argv[1], strlen(argv[1]));
	return 0;
}

static int
kw_remote_as(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	return cfg_asn(p, argv[0], argv[1], &p->nbr->remote_as);
}

static int
kw_interface(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	if (!cfg_ifname_valid(argv[1])) {
		cfg_error(p, p->line, "interface \"%s\" must be [A-Za-z0-9_.-]+"
		    ", at most %d characters", argv[1], CONFIG_IFNAME_MAX);
		return -1;
	}
	memcpy(p->nbr->ifname, argv[1], strlen(argv[1]));
	return 0;
}

static int
kw_local_address(struct cfg_parser *p, unsigned argc, char **argv)
{
	struct prefix a;

	(void)argc;
	if (cfg_unicast(p, argv[0], argv[1], &a) == -1)
		return -1;
	if (a.af != p->nbr->addr.af) {
		cfg_error(p, p->line, "local-address %s is not of the "
		    "neighbor's address family", argv[1]);
		return -1;
	}
	p->nbr->local = a;
	return 0;
}

static int
kw_add_path(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	if (strcmp(argv[1], "receive") == 0)
		p->nbr->addpath_rx = true;
	else if (strcmp(argv[1], "none") == 0)
		p->nbr->addpath_rx = false;
	else {
		cfg_error(p, p->line, "add-path must be receive or none");
		return -1;
	}
	return 0;
}

/* The read-only control socket's group: a name or a number. */
static int
kw_ro_group(struct cfg_parser *p, unsigned argc, char **argv)
{
	(void)argc;
	if (strlen(argv[1]) >= sizeof(p->c->ro_group)) {
		cfg_error(p, p->line, "control-read-only-group: name too long");
		return -1;
	}
	snprintf(p->c->ro_group, sizeof(p->c->ro_group), "%s", argv[1]);
	return 0;
}

/* Its mode: octal, read and write bits only (0660). */
static int
kw_ro_mode(struct cfg_parser *p, unsigned argc, char **argv)
{
	char *end;
	unsigned long v;

	(void)argc;
	v = strtoul(argv[1], &end, 8);
	if (*argv[1] == '\0' || *end != '\0' || (v & ~0666ul) != 0) {
		cfg_error(p, p->line, "control-read-only-mode must be octal "
		    "read and write bits, e.g. 0660 or 0666");
		return -1;
	}
	p->c->ro_mode = (unsigned)v;
	return 0;
}

static const struct cfg_keyword keywords[KW_COUNT] = {
	[KW_LOCAL_AS] = { "local-as", SCOPE_GLOBAL, 1, false, kw_local_as },
	[KW_ROUTER_ID] = { "router-id", SCOPE_GLOBAL, 1, false,
	    kw_router_id },
	[KW_HOLD_TIME] = { "hold-time", SCOPE_ALL, 1, false, kw_hold_time },
	[KW_CONNECT_RETRY] = { "connect-retry", SCOPE_GLOBAL, 1, false,
	    kw_connect_retry },
	[KW_GR_TIME] = { "graceful-restart-time", SCOPE_GLOBAL, 1, false,
	    kw_gr_time },
	[KW_IMPORT] = { "import", SCOPE_ALL, -1, false, kw_import },
	[KW_MUX] = { "mux", SCOPE_ALL, -1, true, kw_mux },
	[KW_NEIGHBOR] = { "neighbor", SCOPE_ALL, -1, true, kw_neighbor },
	[KW_PASSIVE] = { "passive", SCOPE_BLOCK, 1, false, kw_passive },
	[KW_DISABLED] = { "disabled", SCOPE_BLOCK, 1, false, kw_disabled },
	[KW_NAME] = { "name", SCOPE_NEIGHBOR, 1, false, kw_name },
	[KW_REMOTE_AS] = { "remote-as", SCOPE_NEIGHBOR, 1, false,
	    kw_remote_as },
	[KW_INTERFACE] = { "interface", SCOPE_NEIGHBOR, 1, false,
	    kw_interface },
	[KW_LOCAL_ADDRESS] = { "local-address", SCOPE_NEIGHBOR, 1, false,
	    kw_local_address },
	[KW_ADD_PATH] = { "add-path", SCOPE_NEIGHBOR, 1, false, kw_add_path },
	[KW_KERNEL_ON_STOP] = { "kernel-routes-on-stop", SCOPE_GLOBAL, 1,
	    false, kw_kernel_on_stop },
	[KW_MAX_PATHS] = { "max-paths", SCOPE_ALL, 2, false, kw_max_paths },
	[KW_MAX_PREFIX_PATHS] = { "max-paths-per-prefix", SCOPE_ALL, 2, false,
	    kw_max_prefix_paths },
	[KW_RO_GROUP] = { "control-read-only-group", SCOPE_GLOBAL, 1, false,
	    kw_ro_group },
	[KW_RO_MODE] = { "control-read-only-mode", SCOPE_GLOBAL, 1, false,
	    kw_ro_mode },
	[KW_MUX_TABLE] = { "mux-table", SCOPE_GLOBAL | SCOPE_MUX, 1, false,
	    kw_mux_table },
};

/* ---- statements ---- */

static const char *
cfg_scope_name(unsigned scope)
{
	switch (scope) {
	case SCOPE_MUX:
		return "inside a mux block";
	case SCOPE_NEIGHBOR:
		return "inside a neighbor block";
	default:
		return "outside a block";
	}
}

static int
cfg_block_close(struct cfg_parser *p, unsigned argc, char **argv)
{
	struct config_neighbor *n = p->nbr;
	uint32_t set = 0;
	unsigned kw;
	char a[ADDR_STRLEN];

	if (argc > 1) {
		cfg_error(p, p->line, "unexpected \"%s\" after }", argv[1]);
		return -1;
	}
	if (p->scope == SCOPE_GLOBAL) {
		cfg_error(p, p->line, "} without a block");
		return -1;
	}
	for (kw = 0; kw < KW_COUNT; kw++)
		if (p->block_seen[kw])
			set |= KW_BIT(kw);
	if (p->scope == SCOPE_MUX) {
		p->mux_set[p->c->n_muxes - 1] = set;
		goto done;
	}
	addr_format(n->addr.af, n->addr.addr, a, sizeof(a));
	if (n->name[0] == '\0' || n->remote_as == 0) {
		cfg_error(p, p->block_line, "neighbor %s: %s missing", a,
		    n->name[0] == '\0' ? "name" : "remote-as");
		return -1;
	}
	if (cfg_addr_linklocal(&n->addr) && n->ifname[0] == '\0') {
		cfg_error(p, p->block_line, "neighbor %s: a link-local "
		    "neighbor needs an interface", a);
		return -1;
	}
	p->nbr_set[p->c->n_neighbors - 1] = set;
done:
	p->scope = SCOPE_GLOBAL;
	p->sess = &p->c->defaults;
	p->nbr = NULL;
	return 0;
}

static int
cfg_keyword_find(const char *name)
{
	int kw;

	for (kw = 0; kw < KW_COUNT; kw++)
		if (strcmp(keywords[kw].name, name) == 0)
			return kw;
	return -1;
}

/* One line's words: argv[0] is the keyword. */
static int
cfg_statement(struct cfg_parser *p, unsigned argc, char **argv)
{
	const struct cfg_keyword *k;
	unsigned *seen;
	int kw;

	if (strcmp(argv[0], "}") == 0)
		return cfg_block_close(p, argc, argv);
	if ((kw = cfg_keyword_find(argv[0])) == -1) {
		cfg_error(p, p->line, "unknown keyword \"%s\"", argv[0]);
		return -1;
	}
	k = &keywords[kw];
	if (!(k->scopes & p->scope)) {
		cfg_error(p, p->line, "%s is not allowed %s", k->name,
		    cfg_scope_name(p->scope));
		return -1;
	}
	seen = p->scope == SCOPE_GLOBAL ? p->global_seen : p->block_seen;
	if (!k->repeat && seen[kw] != 0) {
		cfg_error(p, p->line, "%s given twice (first on line %u)",
		    k->name, seen[kw]);
		return -1;
	}
	if (k->nargs >= 0 && argc < (unsigned)k->nargs + 1) {
		cfg_error(p, p->line, "%s needs a value", k->name);
		return -1;
	}
	if (k->nargs >= 0 && argc > (unsigned)k->nargs + 1) {
		cfg_error(p, p->line, "unexpected \"%s\" after %s %s",
		    argv[k->nargs + 1], k->name, argv[1]);
		return -1;
	}
	if (!k->repeat)
		seen[kw] = p->line;
	return k->fn(p, argc, argv);
}

/* ---- lines ---- */

/* Carve the next line, without its '\n', off b. */
static int
cfg_next_line(struct rbuf *b, struct rbuf *line)
{
	const uint8_t *nl;
	size_t n;

	if (b->len == 0)
		return -1;
	nl = memchr(b->p, '\n', b->len);
	n = nl != NULL ? (size_t)(nl - b->p) : b->len;
	(void)rbuf_sub(b, n, line);
	(void)rbuf_skip(b, nl != NULL ? 1 : 0);
	return 0;
}

/* The line as a C string in buf, refusing what a text file never has. */
static int
cfg_copy_line(struct cfg_parser *p, struct rbuf l, char *buf)
{
	size_t i;

	if (l.len > CONFIG_LINE_MAX) {
		cfg_error(p, p->line, "line longer than %d bytes",
		    CONFIG_LINE_MAX);
		return -1;
	}
	for (i = 0; i < l.len; i++) {
		uint8_t c = l.p[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			cfg_error(p, p->line, "control character 0x%02x",
			    c);
			return -1;
		}
	}
	memcpy(buf, l.p, l.len);
	buf[l.len] = '\0';
	return 0;
}

static bool
cfg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Splits s in place into words, up to a '#'. A line of n bytes has at
 * most n / 2 + 1 words, so argv never fills. */
static unsigned
cfg_split(char *s, char **argv)
{
	unsigned argc = 0;
	char *hash;

	if ((hash = strchr(s, '#')) != NULL)
		*hash = '\0';
	for (;;) {
		while (cfg_space(*s))
			*s++ = '\0';
		if (*s == '\0')
			return argc;
		argv[argc++] = s;
		while (*s != '\0' && !cfg_space(*s))
			s++;
	}
}

/* Sessions take the global settings they did not set themselves. */
static void
cfg_resolve(const struct config_session *def, struct config_session *s,
    uint32_t set)
{
	if (!(set & KW_BIT(KW_HOLD_TIME)))
		s->hold_time = def->hold_time;
	if (!(set & KW_BIT(KW_IMPORT)))
		s->import = def->import;
	if (!(set & KW_BIT(KW_MAX_PATHS)))
		s->max_paths = def->max_paths;
	if (!(set & KW_BIT(KW_MAX_PREFIX_PATHS)))
		s->max_prefix_paths = def->max_prefix_paths;
	if (!(set & KW_BIT(KW_MUX_TABLE)))
		s->mux_table = def->mux_table;
}

static void
cfg_finish(struct cfg_parser *p)
{
	struct config *c = p->c;
	unsigned i;

	for (i = 0; i < c->n_muxes; i++)
		cfg_resolve(&c->defaults, &c->muxes[i].s, p->mux_set[i]);
	for (i = 0; i < c->n_neighbors; i++)
		cfg_resolve(&c->defaults, &c->neighbors[i].s, p->nbr_set[i]);
}

static int
cfg_lines(struct cfg_parser *p, const char *buf, size_t len)
{
	char line[CONFIG_LINE_MAX + 1], *argv[CFG_MAX_ARGS];
	struct rbuf b = rbuf_make(buf, len), l = rbuf_make(NULL, 0);
	unsigned argc;

	while (cfg_next_line(&b, &l) == 0) {
		p->line++;
		if (cfg_copy_line(p, l, line) == -1)
			return -1;
		if ((argc = cfg_split(line, argv)) == 0)
			continue;
		if (cfg_statement(p, argc, argv) == -1)
			return -1;
	}
	if (p->scope != SCOPE_GLOBAL) {
		cfg_error(p, p->block_line, "block not closed: } missing");
		return -1;
	}
	return 0;
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->local_as = CONFIG_DEF_LOCAL_AS;
	c->connect_retry = CONFIG_DEF_CONNECT_RETRY;
	c->gr_time = CONFIG_DEF_GR_TIME;
	c->ro_mode = CONFIG_DEF_RO_MODE;
	c->defaults.hold_time = CONFIG_DEF_HOLD_TIME;
	c->defaults.import.mode = IMPORT_ALL;
	c->defaults.max_paths.max = CONFIG_DEF_MAX_PATHS;
	c->defaults.max_paths.action = CONFIG_LIMIT_DROP;
	c->defaults.max_prefix_paths.max = CONFIG_DEF_MAX_PREFIX_PATHS;
	c->defaults.max_prefix_paths.action = CONFIG_LIMIT_DROP;
}

int
config_parse(const char *buf, size_t len, const char *filename,
    struct config *out, char *err, size_t errlen)
{
	struct cfg_parser p;

	if (filename == NULL)
		filename = "-";
	config_init(out);
	snprintf(out->file, sizeof(out->file), "%s", filename);
	memset(&p, 0, sizeof(p));
	p.c = out;
	p.file = filename;
	p.err = err;
	p.errlen = errlen;
	p.scope = SCOPE_GLOBAL;
	p.sess = &out->defaults;
	if (cfg_lines(&p, buf, len) == -1) {
		config_init(out);
		snprintf(out->file, sizeof(out->file), "%s", filename);
		return -1;
	}
	cfg_finish(&p);
	return 0;
}

int
config_load(const char *path, struct config *out, char *err, size_t errlen)
{
	size_t len;
	char *buf;
	int rc;

	if (readfile(path, CONFIG_FILE_MAX_BYTES, &buf, &len) == -1) {
		config_init(out);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path,
			    readfile_strerror(errno));
		return -1;
	}
	rc = config_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

/* ---- after parsing ---- */

int
config_check_muxes(const struct config *c, const struct mux_table *t,
    char *err, size_t errlen)
{
	unsigned i;

	if (err == NULL)
		errlen = 0;
	for (i = 0; i < c->n_muxes; i++) {
		if (mux_find(t, c->muxes[i].name) != NULL)
			continue;
		snprintf(err, errlen, "%s:%u: mux %s: no configs/openvpn/%s"
		    ".conf", c->file, c->muxes[i].line, c->muxes[i].name,
		    c->muxes[i].name);
		return -1;
	}
	for (i = 0; i < c->n_neighbors; i++) {
		if (mux_find(t, c->neighbors[i].name) == NULL)
			continue;
		snprintf(err, errlen, "%s:%u: neighbor name %s is the name "
		    "of a mux", c->file, c->neighbors[i].line,
		    c->neighbors[i].name);
		return -1;
	}
	return 0;
}

const struct config_mux *
config_find_mux(const struct config *c, const char *name)
{
	int i = mux_index(c, name);

	return i >= 0 ? &c->muxes[i] : NULL;
}

const struct config_neighbor *
config_find_neighbor(const struct config *c, const char *name)
{
	int i = neighbor_index(c, name);

	return i >= 0 ? &c->neighbors[i] : NULL;
}

const struct config_session *
config_session_named(const struct config *c, const char *name)
{
	const struct config_neighbor *n = config_find_neighbor(c, name);

	return n != NULL ? &n->s : config_mux_session(c, name);
}

const struct config_session *
config_mux_session(const struct config *c, const char *name)
{
	const struct config_mux *m = config_find_mux(c, name);

	return m != NULL ? &m->s : &c->defaults;
}

struct config_session *
config_session_block(struct config *c, const char *name, bool *made)
{
	struct config_mux *m;
	int i;

	*made = false;
	if ((i = neighbor_index(c, name)) >= 0)
		return &c->neighbors[i].s;
	if ((i = mux_index(c, name)) >= 0)
		return &c->muxes[i].s;
	if ((m = mux_block_add(c, name)) == NULL)
		return NULL;
	m->s = c->defaults;
	*made = true;
	return &m->s;
}

bool
config_limits_equal(const struct config_session *a,
    const struct config_session *b)
{
	return a->max_paths.max == b->max_paths.max &&
	    a->max_paths.action == b->max_paths.action &&
	    a->max_prefix_paths.max == b->max_prefix_paths.max &&
	    a->max_prefix_paths.action == b->max_prefix_paths.action;
}

bool
config_globals_equal(const struct config *a, const struct config *b)
{
	return a->local_as == b->local_as && a->router_id == b->router_id &&
	    a->connect_retry == b->connect_retry && a->gr_time == b->gr_time &&
	    a->kernel_remove_on_stop == b->kernel_remove_on_stop;
}

unsigned
config_session_diff(const struct config_session *a,
    const struct config_session *b)
{
	unsigned diff = 0;

	if (a->hold_time != b->hold_time || a->passive != b->passive)
		diff |= CONFIG_DIFF_SESSION;
	if (!import_policy_equal(&a->import, &b->import))
		diff |= CONFIG_DIFF_IMPORT;
	if (a->disabled != b->disabled)
		diff |= CONFIG_DIFF_DISABLED;
	if (!config_limits_equal(a, b))
		diff |= CONFIG_DIFF_LIMITS;
	return diff;
}

unsigned
config_neighbor_diff(const struct config_neighbor *a,
    const struct config_neighbor *b)
{
	unsigned diff = config_session_diff(&a->s, &b->s);

	if (strcmp(a->name, b->name) != 0 ||
	    !prefix_equal(&a->addr, &b->addr) ||
	    a->local.len != b->local.len ||
	    (a->local.len != 0 && !prefix_equal(&a->local, &b->local)) ||
	    strcmp(a->ifname, b->ifname) != 0 ||
	    a->remote_as != b->remote_as || a->addpath_rx != b->addpath_rx)
		diff |= CONFIG_DIFF_SESSION;
	return diff;
}

bool
config_neighbor_equal(const struct config_neighbor *a,
    const struct config_neighbor *b)
{
	return config_neighbor_diff(a, b) == 0;
}

const char *
config_limit_action_name(unsigned action)
{
	return action == CONFIG_LIMIT_CEASE ? "cease" : "drop";
}
