/*
 * `show route` and `show memory`: the RIB as people read it (BIRD-like
 * lines) and as programs read it (JSON with the attributes of
 * docs/decode.md).
 */
#include "control_cmds.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bgp/format.h"
#include "../cli/decode_json.h"
#include "muxtables.h"
#include "routes.h"

#define SHOW_ROUTE_DEFAULT_LIMIT	1000

struct show_route {
	struct bgpd	*d;
	struct strbuf	*reply;
	const struct ptree *tree;	/* being walked */
	cJSON		*routes;	/* JSON output, or NULL for text */
	bool		 all;		/* every attribute */
	size_t		 limit;
	size_t		 shown;
	size_t		 more;		/* prefixes past the limit */
};

static char *
attr_text(size_t (*fmt)(struct rbuf, char *, size_t), struct rbuf v)
{
	size_t n = fmt(v, NULL, 0) + 1;
	char *s = malloc(n);

	if (s != NULL)
		fmt(v, s, n);
	return s;
}

/* "via 100.65.0.1 on tap1 [seattle01 path 1] * (100) [AS3356 15169i]" */
static void
path_text(struct show_route *sr, const struct prefix *p,
    const struct rib_path *path, bool best)
{
	const struct rib_peer *peer = &sr->d->rib->peers[path->peer];
	const struct rattrs *ra = path->attrs;
	struct bgp_attrs a;
	char pfx[PREFIX_STRLEN], nh[ADDR_STRLEN], *aspath = NULL;

	rattrs_decode(ra, &a);
	if (bgp_attr_has(&a, BGP_ATTR_AS_PATH))
		aspath = attr_text(bgp_format_aspath, a.as_path);
	strbuf_printf(sr->reply, "%-20s via %s on %s [%s path %u]%s%s (%u) "
	    "[%s%s%s]\n", prefix_format(p, pfx, sizeof(pfx)),
	    addr_format(ra->af, rattrs_nexthop(ra), nh, sizeof(nh)),
	    peer->ifname[0] ? peer->ifname : "-", peer->name, path->path_id,
	    best ? " *" : "", path->flags & RIB_PATH_STALE ? " stale" : "",
	    ra->local_pref, aspath && *aspath ? "AS" : "", aspath ? aspath : "",
	    ra->origin == 0 ? "i" : ra->origin == 1 ? "e" : "?");
	free(aspath);
	if (!sr->all)
		return;
	if (bgp_attr_has(&a, BGP_ATTR_MED))
		strbuf_printf(sr->reply, "\tBGP.med: %u\n", a.med);
	if (bgp_attr_has(&a, BGP_ATTR_COMMUNITIES)) {
		char *t = attr_text(bgp_format_communities, a.communities);

		strbuf_printf(sr->reply, "\tBGP.community: %s\n", t ? t : "");
		free(t);
	}
	if (bgp_attr_has(&a, BGP_ATTR_LARGE_COMMUNITIES)) {
		char *t = attr_text(bgp_format_large_communities,
		    a.large_communities);

		strbuf_printf(sr->reply, "\tBGP.large_community: %s\n",
		    t ? t : "");
		free(t);
	}
	if (bgp_attr_has(&a, BGP_ATTR_EXT_COMMUNITIES)) {
		char *t = attr_text(bgp_format_ext_communities,
		    a.ext_communities);

		strbuf_printf(sr->reply, "\tBGP.ext_community: %s\n", t ? t : "");
		free(t);
	}
	for (unsigned i = 0; i < a.n_unknown; i++) {
		strbuf_printf(sr->reply, "\tBGP.%u [%s%s]:", a.unknown[i].type,
		    a.unknown[i].flags & BGP_ATTR_FLAG_TRANSITIVE ? "t" : "",
		    a.unknown[i].flags & BGP_ATTR_FLAG_PARTIAL ? "p" : "");
		for (size_t k = 0; k < a.unknown[i].value.len; k++)
			strbuf_printf(sr->reply, " %02x", a.unknown[i].value.p[k]);
		strbuf_printf(sr->reply, "\n");
	}
}

cJSON *
routes_path_json(struct bgpd *d, const struct rib_path *path, bool best)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	const struct rib_peer *peer = &d->rib->peers[path->peer];
	const struct rattrs *ra = path->attrs;
	cJSON *o = cJSON_CreateObject();
	struct bgp_attrs a;
	char nh[ADDR_STRLEN];

	cJSON_AddStringToObject(o, "peer", peer->name);
	cJSON_AddStringToObject(o, "interface", peer->ifname);
	cJSON_AddNumberToObject(o, "path_id", path->path_id);
	cJSON_AddBoolToObject(o, "best", best);
	cJSON_AddBoolToObject(o, "stale", path->flags & RIB_PATH_STALE);
	cJSON_AddStringToObject(o, "next_hop", addr_format(ra->af,
	    rattrs_nexthop(ra), nh, sizeof(nh)));
	if (rattrs_nexthop_ll(ra) != NULL)
		cJSON_AddStringToObject(o, "next_hop_link_local",
		    addr_format(AF_IDX_IPV6, rattrs_nexthop_ll(ra), nh,
		    sizeof(nh)));
	if (rattrs_decode(ra, &a) == 0)
		cJSON_AddItemToObject(o, "attributes",
		    decode_json_attrs(&a, &opts));
	return o;
}

static int
show_node(void *ctx, const struct ptree_node *n)
{
	struct show_route *sr = ctx;
	size_t count, i;
	const struct rib_path *v = rib_node_paths(n, &count);
	struct prefix pfx;
	char text[PREFIX_STRLEN];
	cJSON *r, *paths;

	if (sr->shown >= sr->limit) {
		sr->more++;
		return 0;
	}
	sr->shown++;
	ptree_prefix(sr->tree, n, &pfx);
	if (sr->routes == NULL) {
		for (i = 0; i < count; i++)
			path_text(sr, &pfx, &v[i], i == 0);
		return 0;
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "prefix", prefix_format(&pfx, text,
	    sizeof(text)));
	paths = cJSON_AddArrayToObject(r, "paths");
	for (i = 0; i < count; i++)
		cJSON_AddItemToArray(paths, routes_path_json(sr->d, &v[i],
		    i == 0));
	cJSON_AddItemToArray(sr->routes, r);
	return 0;
}

/* show route [ipv4|ipv6] [PREFIX] [all] [json] [limit N] */
static int
show_route_args(struct show_route *sr, int argc, char **argv, int *af,
    struct prefix *only, bool *json)
{
	*af = -1;
	*json = false;
	only->len = 0xff;	/* none */
	for (int i = 0; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "ipv4") == 0)
			*af = AF_IDX_IPV4;
		else if (strcmp(argv[i], "ipv6") == 0)
			*af = AF_IDX_IPV6;
		else if (strcmp(argv[i], "all") == 0)
			sr->all = true;
		else if (strcmp(argv[i], "json") == 0)
			*json = true;
		else if (strcmp(argv[i], "limit") == 0 && i + 1 < argc) {
			sr->limit = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || sr->limit == 0)
				goto bad;
		} else if (prefix_parse(argv[i], false, only) == 0)
			*af = only->af;
		else
			goto bad;
	}
	return 0;
bad:
	strbuf_printf(sr->reply, CONTROL_ERROR_PREFIX "show route [ipv4|ipv6] "
	    "[PREFIX] [all] [json] [limit N]: bad argument\n");
	return -1;
}

void
cmd_show_route(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct show_route sr = { .d = d, .reply = reply,
	    .limit = SHOW_ROUTE_DEFAULT_LIMIT };
	struct prefix only;
	cJSON *root = NULL;
	bool json;
	int af;

	if (show_route_args(&sr, argc, argv, &af, &only, &json) == -1)
		return;
	if (json) {
		root = cJSON_CreateObject();
		sr.routes = cJSON_AddArrayToObject(root, "routes");
	}
	for (unsigned f = 0; f < AF_IDX_COUNT; f++) {
		const struct ptree_node *n;

		if (af >= 0 && (unsigned)af != f)
			continue;
		sr.tree = &d->rib->tree[f];
		if (only.len != 0xff) {
			if ((n = ptree_find(sr.tree, &only)) != NULL)
				show_node(&sr, n);
		} else
			ptree_walk(sr.tree, show_node, &sr);
	}
	if (root != NULL) {
		char *text;

		cJSON_AddNumberToObject(root, "more", (double)sr.more);
		text = cJSON_PrintUnformatted(root);
		if (text != NULL)
			strbuf_printf(reply, "%s\n", text);
		cJSON_free(text);
		cJSON_Delete(root);
		return;
	}
	if (sr.more > 0)
		strbuf_printf(reply, "(%zu more prefixes: add `limit N`, or "
		    "name a prefix)\n", sr.more);
}

void
cmd_show_memory(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct muxtables_stats mts;
	struct kroute_stats ks;
	struct rib_mem m;
	size_t total;

	rib_memory(d->rib, &m);
	memset(&ks, 0, sizeof(ks));
	if (d->kroute != NULL)
		kroute_get_stats(d->kroute, &ks);
	muxtables_get_stats(d, &mts);
	total = m.node_bytes[0] + m.node_bytes[1] + m.path_bytes +
	    m.attr_bytes + m.attr_hash_bytes + ks.bytes + mts.bytes;
	if (argc == 1 && strcmp(argv[0], "json") == 0) {
		strbuf_printf(reply, "{\"prefixes\":{\"ipv4\":%zu,\"ipv6\":%zu},"
		    "\"tree_nodes\":{\"ipv4\":%zu,\"ipv6\":%zu},"
		    "\"tree_bytes\":{\"ipv4\":%zu,\"ipv6\":%zu},"
		    "\"paths\":%zu,\"path_bytes\":%zu,\"attribute_sets\":%zu,"
		    "\"attribute_bytes\":%zu,\"attribute_hash_bytes\":%zu,"
		    "\"attribute_lookups\":%llu,\"attribute_hits\":%llu,"
		    "\"kernel_routes\":%zu,\"kernel_queued\":%zu,"
		    "\"kernel_bytes\":%zu,\"paths_refused\":%llu,"
		    "\"mux_tables\":%u,\"mux_table_routes\":%zu,"
		    "\"mux_table_queued\":%zu,\"mux_table_prefixes\":%zu,"
		    "\"mux_table_bytes\":%zu,"
		    "\"total_bytes\":%zu}\n", m.prefixes[0], m.prefixes[1],
		    m.nodes[0], m.nodes[1], m.node_bytes[0], m.node_bytes[1],
		    m.paths, m.path_bytes, m.attr_sets, m.attr_bytes,
		    m.attr_hash_bytes, (unsigned long long)m.attr_lookups,
		    (unsigned long long)m.attr_hits, ks.installed, ks.queued,
		    ks.bytes, (unsigned long long)m.paths_refused, mts.tables,
		    mts.routes, mts.queued, mts.prefixes, mts.bytes, total);
		return;
	}
	if (argc != 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "show memory [json]\n");
		return;
	}
	strbuf_printf(reply, "%-22s %12s %14s\n", "structure", "count", "bytes");
	strbuf_printf(reply, "%-22s %12zu %14s\n", "IPv4 prefixes",
	    m.prefixes[0], "");
	strbuf_printf(reply, "%-22s %12zu %14zu\n", "IPv4 tree nodes",
	    m.nodes[0], m.node_bytes[0]);
	strbuf_printf(reply, "%-22s %12zu %14s\n", "IPv6 prefixes",
	    m.prefixes[1], "");
	strbuf_printf(reply, "%-22s %12zu %14zu\n", "IPv6 tree nodes",
	    m.nodes[1], m.node_bytes[1]);
	strbuf_printf(reply, "%-22s %12zu %14zu\n", "paths", m.paths,
	    m.path_bytes);
	strbuf_printf(reply, "%-22s %12zu %14zu\n", "attribute sets",
	    m.attr_sets, m.attr_bytes);
	strbuf_printf(reply, "%-22s %12s %14zu\n", "attribute hash", "",
	    m.attr_hash_bytes);
	strbuf_printf(reply, "%-22s %12zu %14zu\n", "kernel table routes",
	    ks.installed, ks.bytes);
	if (mts.tables > 0)
		strbuf_printf(reply, "%-22s %12zu %14zu\n", "mux table routes",
		    mts.routes, mts.bytes);
	strbuf_printf(reply, "%-22s %12s %14zu\n", "total", "", total);
	if (m.paths_refused > 0)
		strbuf_printf(reply, "%llu paths dropped by the sessions' "
		    "limits (show protocols says whose)\n",
		    (unsigned long long)m.paths_refused);
	if (m.paths > 0)
		strbuf_printf(reply, "%.1f paths per attribute set, %.1f bytes "
		    "per path, %.0f%% of lookups found a shared set\n",
		    m.attr_sets ? (double)m.paths / (double)m.attr_sets : 0.,
		    (double)total / (double)m.paths, m.attr_lookups ?
		    100. * (double)m.attr_hits / (double)m.attr_lookups : 0.);
}

/* "all", "none" or "prefix-list P..." (strict prefixes) into imp. */
static int
import_parse(int argc, char **argv, struct config_import *imp,
    struct strbuf *reply)
{
	memset(imp, 0, sizeof(*imp));
	if (argc == 1 && strcmp(argv[0], "all") == 0)
		imp->mode = CONFIG_IMPORT_ALL;
	else if (argc == 1 && strcmp(argv[0], "none") == 0)
		imp->mode = CONFIG_IMPORT_NONE;
	else if (argc >= 2 && strcmp(argv[0], "prefix-list") == 0 &&
	    argc - 1 <= CONFIG_MAX_PREFIXES) {
		imp->mode = CONFIG_IMPORT_PREFIX_LIST;
		for (int i = 1; i < argc; i++)
			if (prefix_parse(argv[i], true,
			    &imp->prefixes[imp->n_prefixes++]) == -1) {
				strbuf_printf(reply, CONTROL_ERROR_PREFIX
				    "not a prefix: %s\n", argv[i]);
				return -1;
			}
	} else {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "import NAME all|none|"
		    "prefix-list PREFIX... (at most %d prefixes)\n",
		    CONFIG_MAX_PREFIXES);
		return -1;
	}
	return 0;
}

/* The settings block of session name, made for a mux that had none. */
static struct config_session *
import_target(struct bgpd *d, const char *name)
{
	struct config *c = d->conf;
	struct config_mux *m;

	for (unsigned i = 0; i < c->n_neighbors; i++)
		if (strcmp(c->neighbors[i].name, name) == 0)
			return &c->neighbors[i].s;
	if (mux_find(&d->muxes, name) == NULL)
		return NULL;
	for (unsigned i = 0; i < c->n_muxes; i++)
		if (strcmp(c->muxes[i].name, name) == 0)
			return &c->muxes[i].s;
	if (c->n_muxes == CONFIG_MAX_MUXES)
		return NULL;
	m = &c->muxes[c->n_muxes++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->s = c->defaults;
	return &m->s;
}

/* import NAME all|none|prefix-list P...: until the next reload. */
void
cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct config_import imp;
	struct config_session *cs;
	size_t gone = 0;
	unsigned n = 0;
	bool refreshed = false;

	if (argc < 2 || import_parse(argc - 1, argv + 1, &imp, reply) == -1) {
		if (argc < 2)
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "import NAME "
			    "all|none|prefix-list PREFIX...\n");
		return;
	}
	if ((cs = import_target(d, argv[0])) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "no mux or neighbor "
		    "named %s\n", argv[0]);
		return;
	}
	cs->import = imp;
	for (unsigned i = 0; i < d->n_sessions; i++) {
		bool r;

		if (strcmp(d->sessions[i]->conf.name, argv[0]) != 0)
			continue;
		gone += routes_import_changed(d, d->sessions[i], &r);
		refreshed |= r;
		n++;
	}
	strbuf_printf(reply, "%s: import %s on %u sessions, %zu paths removed%s"
	    " (until the configuration is reloaded)\n", argv[0],
	    config_import_name(imp.mode), n, gone, refreshed ?
	    ", route refresh sent" : "");
}
