/*
 * `show route`, `routes` and `show memory`: the RIB as people read it
 * (BIRD-like lines) and as programs read it (`routes`: one JSON object per
 * path, route_json.h; `show route json`: one document with the attributes
 * of docs/decode.md). Both are streams (ctl_stream): a cursor over the
 * RIB (rib/cursor.h) and the filters (rib/rfilter.h), a slice of about
 * the budget's bytes at a time; nothing holds the whole table.
 */
#include "control_cmds.h"

#include <cjson/cJSON.h>
#include <ev.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bgp/format.h"
#include "../bgp/msg_json.h"
#include "../rib/cursor.h"
#include "../rib/rfilter.h"
#include "../rib/route_json.h"
#include "muxtables.h"
#include "routes.h"

#define SHOW_ROUTE_DEFAULT_LIMIT	1000
/* A slice gives the loop back after about budget bytes, or after this
 * long (a filter that matches little looks at many paths for few
 * bytes; the clock is read every ROUTE_STREAM_CLOCK_EVERY paths). */
#define ROUTE_STREAM_SLICE_NS	3000000
#define ROUTE_STREAM_CLOCK_EVERY 1024

enum route_fmt {
	ROUTE_FMT_LINES,	/* routes: one JSON object per path */
	ROUTE_FMT_TEXT,		/* show route */
	ROUTE_FMT_JSON,		/* show route json: one document */
};

struct route_stream {
	struct bgpd	*d;
	struct rfilter	 f;
	struct rib_cursor c;
	enum route_fmt	 fmt;
	bool		 all;		/* text: every attribute */
	bool		 count;		/* only the counts */
	bool		 per_path;	/* the filter asks about paths */
	bool		 head_done;
	bool		 over;		/* the current prefix is past limit */
	bool		 any;		/* last is set */
	size_t		 limit;		/* prefixes; 0: none */
	size_t		 prefixes;	/* matched so far */
	size_t		 paths;
	size_t		 more;		/* prefixes past the limit */
	size_t		 visited;	/* in this slice */
	size_t		 paths_in_prefix;	/* json: written */
	struct prefix	 last;		/* the last prefix matched */
	struct strbuf	*out;		/* of this slice */
	/* A slice that looked at its paths and matched none must not make
	 * the stream idle (the server would wait a second): the next loop
	 * turn wakes it. */
	struct ev_timer	 wake;
};

static void
stream_wake_cb(struct ev_loop *loop, struct ev_timer *w, int revents)
{
	struct route_stream *st = w->data;

	(void)loop;
	(void)revents;
	control_server_wake(st->d->control);
}

static char *
attr_text(size_t (*fmt)(struct rbuf, char *, size_t), struct rbuf v)
{
	size_t n = fmt(v, NULL, 0) + 1;
	char *s = malloc(n);

	if (s != NULL)
		fmt(v, s, n);
	return s;
}

/* "\tBGP.community: (47065,1)": one attribute's line of `show route all`. */
static void
path_text_line(void *ctx, const char *key, const char *text)
{
	strbuf_printf(ctx, "\tBGP.%s: %s\n", key, text);
}

/* "via 100.65.0.1 on tap1 [seattle01 path 1] * (100) [AS3356 15169i]" */
static void
path_text(struct route_stream *sr, const struct prefix *p,
    const struct rib_path *path, bool best)
{
	const struct rib_peer *peer = rib_peer_info(sr->d->rib, path->peer);
	const struct rattrs *ra = path->attrs;
	struct bgp_attrs a;
	char pfx[PREFIX_STRLEN], nh[ADDR_STRLEN], *aspath = NULL;

	rattrs_decode(ra, &a);
	if (bgp_attr_has(&a, BGP_ATTR_AS_PATH))
		aspath = attr_text(bgp_format_aspath, a.as_path);
	strbuf_printf(sr->out, "%-20s via %s on %s [%s path %u]%s%s (%u) "
	    "[%s%s%s]\n", prefix_format(p, pfx, sizeof(pfx)),
	    addr_format(ra->af, rattrs_nexthop(ra), nh, sizeof(nh)),
	    peer->ifname[0] ? peer->ifname : "-", peer->name, path->path_id,
	    best ? " *" : "", path->flags & RIB_PATH_STALE ? " stale" : "",
	    ra->local_pref, aspath && *aspath ? "AS" : "", aspath ? aspath : "",
	    ra->origin == 0 ? "i" : ra->origin == 1 ? "e" : "?");
	free(aspath);
	if (!sr->all)
		return;
	bgp_attrs_text_lines(&a, path_text_line, sr->out);
	for (unsigned i = 0; i < a.n_unknown; i++) {
		strbuf_printf(sr->out, "\tBGP.%u [%s%s]:", a.unknown[i].type,
		    a.unknown[i].flags & BGP_ATTR_FLAG_TRANSITIVE ? "t" : "",
		    a.unknown[i].flags & BGP_ATTR_FLAG_PARTIAL ? "p" : "");
		for (size_t k = 0; k < a.unknown[i].value.len; k++)
			strbuf_printf(sr->out, " %02x", a.unknown[i].value.p[k]);
		strbuf_printf(sr->out, "\n");
	}
}

cJSON *
routes_path_json(struct bgpd *d, const struct rib_path *path, bool best)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	const struct rib_peer *peer = rib_peer_info(d->rib, path->peer);
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
		    bgp_json_attrs(&a, &opts));
	return o;
}

/* The cursor's visit: the filter, the limit, then the path's output. */
static void
stream_visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	struct route_stream *st = ctx;
	char text[PREFIX_STRLEN];

	st->visited++;
	if (st->per_path && !rfilter_path(&st->f, st->d->rib, path, best))
		return;
	if (!st->any || !prefix_equal(&st->last, p)) {
		st->last = *p;
		st->any = true;
		st->prefixes++;
		st->over = st->limit != 0 && st->prefixes > st->limit;
		if (st->over)
			st->more++;
		else if (st->fmt == ROUTE_FMT_JSON && !st->count) {
			if (st->prefixes > 1)
				strbuf_append(st->out, "]},", 3);
			strbuf_printf(st->out, "{\"prefix\":\"%s\",\"paths\":[",
			    prefix_format(p, text, sizeof(text)));
			st->paths_in_prefix = 0;
		}
	}
	if (st->over)
		return;
	st->paths++;
	if (st->count)
		return;
	switch (st->fmt) {
	case ROUTE_FMT_LINES:
		route_json_line(st->d->rib, p, path, best, st->out);
		break;
	case ROUTE_FMT_TEXT:
		path_text(st, p, path, best);
		break;
	case ROUTE_FMT_JSON: {
		cJSON *o = routes_path_json(st->d, path, best);
		char *t = cJSON_PrintUnformatted(o);

		if (st->paths_in_prefix++ > 0)
			strbuf_append(st->out, ",", 1);
		if (t != NULL)
			strbuf_append(st->out, t, strlen(t));
		else
			st->out->failed = true;
		cJSON_free(t);
		cJSON_Delete(o);
		break;
	}
	}
}

/* What comes after the last path. */
static void
stream_tail(struct route_stream *st)
{
	if (st->count) {
		if (st->fmt == ROUTE_FMT_TEXT)
			strbuf_printf(st->out, "%zu paths for %zu prefixes\n",
			    st->paths, st->prefixes - st->more);
		else
			strbuf_printf(st->out, "{\"paths\":%zu,\"prefixes\":%zu}"
			    "\n", st->paths, st->prefixes - st->more);
		return;
	}
	if (st->fmt == ROUTE_FMT_JSON) {
		if (st->prefixes - st->more > 0)
			strbuf_append(st->out, "]}", 2);
		strbuf_printf(st->out, "],\"more\":%zu}\n", st->more);
	} else if (st->fmt == ROUTE_FMT_TEXT && st->more > 0)
		strbuf_printf(st->out, "(%zu more prefixes: add `limit N`, or "
		    "name a prefix)\n", st->more);
}

static enum ctl_stream_result
stream_next(void *arg, struct strbuf *out, size_t budget)
{
	struct route_stream *st = arg;
	size_t start = out->len, next_clock = ROUTE_STREAM_CLOCK_EVERY;
	struct timespec t0, t1;

	st->out = out;
	st->visited = 0;
	/* The RIB may have changed since the last slice. */
	rfilter_reset(&st->f);
	if (!st->head_done) {
		st->head_done = true;
		if (st->fmt == ROUTE_FMT_JSON && !st->count)
			strbuf_append(out, "{\"routes\":[", 11);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (out->len - start < budget) {
		if (rib_cursor_step(st->d->rib, &st->c, stream_visit, st) == 0) {
			stream_tail(st);
			return out->failed ? CTL_STREAM_FAIL : CTL_STREAM_DONE;
		}
		if (st->visited >= next_clock) {
			next_clock = st->visited + ROUTE_STREAM_CLOCK_EVERY;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((t1.tv_sec - t0.tv_sec) * 1000000000LL +
			    (t1.tv_nsec - t0.tv_nsec) > ROUTE_STREAM_SLICE_NS)
				break;
		}
	}
	if (out->len == start && st->d->loop != NULL) {
		ev_timer_stop(st->d->loop, &st->wake);
		ev_timer_set(&st->wake, 0., 0.);
		ev_timer_start(st->d->loop, &st->wake);
	}
	return out->failed ? CTL_STREAM_FAIL : CTL_STREAM_MORE;
}

static void
stream_free(void *arg)
{
	struct route_stream *st = arg;

	if (st->d->loop != NULL)
		ev_timer_stop(st->d->loop, &st->wake);
	free(st);
}

/* A stream of f's paths in fmt; -1 when memory runs out. */
static int
stream_new(struct bgpd *d, const struct rfilter *f, enum route_fmt fmt,
    bool all, bool count, size_t limit, struct ctl_stream *out)
{
	struct route_stream *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	st->d = d;
	st->f = *f;
	st->fmt = fmt;
	st->all = all;
	st->count = count;
	st->limit = limit;
	st->per_path = rfilter_per_path(f);
	ev_timer_init(&st->wake, stream_wake_cb, 0., 0.);
	st->wake.data = st;
	rfilter_cursor(&st->f, d->rib, &st->c);
	out->next = stream_next;
	out->free = stream_free;
	out->arg = st;
	return 0;
}

int
routes_stream_json(struct bgpd *d, const cJSON *filters,
    struct ctl_stream *out, char *err, size_t errlen)
{
	struct rfilter f;

	rfilter_init(&f);
	if (filters != NULL && rfilter_json(&f, filters, err, errlen) == -1)
		return -1;
	if (stream_new(d, &f, ROUTE_FMT_LINES, false, false, 0, out) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * show route [FILTER]... [all] [json] [count] [limit N]
 * routes [FILTER]... [text]  (text: as show route, without a limit)
 * The filters are rfilter.h's words.
 */
int
routes_stream_words(struct bgpd *d, bool show, int argc, char **argv,
    struct ctl_stream *out, char *err, size_t errlen)
{
	struct rfilter f;
	bool all = false, json = false, count = false, text = false;
	size_t limit = show ? SHOW_ROUTE_DEFAULT_LIMIT : 0;
	int i = 0, k;

	rfilter_init(&f);
	while (i < argc) {
		char *end;

		if ((k = rfilter_word(&f, argc, argv, i, err, errlen)) == -1)
			return -1;
		if (k > 0) {
			i += k;
			continue;
		}
		if (show && strcmp(argv[i], "all") == 0)
			all = true;
		else if (strcmp(argv[i], "json") == 0)
			json = true;
		else if (!show && strcmp(argv[i], "text") == 0)
			text = true;
		else if (show && strcmp(argv[i], "count") == 0)
			count = true;
		else if (show && strcmp(argv[i], "limit") == 0 &&
		    i + 1 < argc) {
			limit = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || limit == 0 || argv[i][0] == '-') {
				snprintf(err, errlen, "bad limit: %s", argv[i]);
				return -1;
			}
		} else {
			snprintf(err, errlen, "%s: unknown word %s (%s)",
			    show ? "show route" : "routes", argv[i],
			    show ? "show route [FILTER]... [all] [json] "
			    "[count] [limit N]" : "routes [FILTER]... [text]");
			return -1;
		}
		i++;
	}
	if (stream_new(d, &f, !show && !text ? ROUTE_FMT_LINES : show && json ?
	    ROUTE_FMT_JSON : ROUTE_FMT_TEXT, all, count, limit, out) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
stream_cmd(struct bgpd *d, bool show, int argc, char **argv,
    struct strbuf *reply, struct ctl_stream *stream)
{
	char err[256];

	if (routes_stream_words(d, show, argc, argv, stream, err,
	    sizeof(err)) == -1)
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
}

void
cmd_show_route(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
    struct ctl_stream *stream)
{
	stream_cmd(d, true, argc, argv, reply, stream);
}

void
cmd_routes(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
    struct ctl_stream *stream)
{
	stream_cmd(d, false, argc, argv, reply, stream);
}

/* What `show memory` reports: the RIB, the kernel sync, the mux tables. */
struct memory_report {
	struct rib_mem		m;
	struct kroute_stats	ks;
	struct muxtables_stats	mts;
	size_t			total;
};

static void
memory_gather(struct bgpd *d, struct memory_report *r)
{
	const struct rib_mem *m = &r->m;

	rib_memory(d->rib, &r->m);
	memset(&r->ks, 0, sizeof(r->ks));
	if (d->kroute != NULL)
		kroute_get_stats(d->kroute, &r->ks);
	muxtables_get_stats(d, &r->mts);
	r->total = m->node_bytes[0] + m->node_bytes[1] + m->path_bytes +
	    m->attr_bytes + m->attr_hash_bytes + r->ks.bytes + r->mts.bytes;
}

static void
memory_json(const struct memory_report *r, struct strbuf *reply)
{
	const struct rib_mem *m = &r->m;

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
	    "\"total_bytes\":%zu}\n", m->prefixes[0], m->prefixes[1],
	    m->nodes[0], m->nodes[1], m->node_bytes[0], m->node_bytes[1],
	    m->paths, m->path_bytes, m->attr_sets, m->attr_bytes,
	    m->attr_hash_bytes, (unsigned long long)m->attr_lookups,
	    (unsigned long long)m->attr_hits, r->ks.installed, r->ks.queued,
	    r->ks.bytes, (unsigned long long)m->paths_refused, r->mts.tables,
	    r->mts.routes, r->mts.queued, r->mts.prefixes, r->mts.bytes,
	    r->total);
}

/* One row of the table; count or bytes SIZE_MAX: left blank. */
static void
memory_row(struct strbuf *reply, const char *what, size_t count,
    size_t bytes)
{
	char c[24] = "", b[24] = "";

	if (count != SIZE_MAX)
		snprintf(c, sizeof(c), "%zu", count);
	if (bytes != SIZE_MAX)
		snprintf(b, sizeof(b), "%zu", bytes);
	strbuf_printf(reply, "%-22s %12s %14s\n", what, c, b);
}

static void
memory_table(const struct memory_report *r, struct strbuf *reply)
{
	const struct rib_mem *m = &r->m;

	strbuf_printf(reply, "%-22s %12s %14s\n", "structure", "count",
	    "bytes");
	memory_row(reply, "IPv4 prefixes", m->prefixes[0], SIZE_MAX);
	memory_row(reply, "IPv4 tree nodes", m->nodes[0], m->node_bytes[0]);
	memory_row(reply, "IPv6 prefixes", m->prefixes[1], SIZE_MAX);
	memory_row(reply, "IPv6 tree nodes", m->nodes[1], m->node_bytes[1]);
	memory_row(reply, "paths", m->paths, m->path_bytes);
	memory_row(reply, "attribute sets", m->attr_sets, m->attr_bytes);
	memory_row(reply, "attribute hash", SIZE_MAX, m->attr_hash_bytes);
	memory_row(reply, "kernel table routes", r->ks.installed,
	    r->ks.bytes);
	if (r->mts.tables > 0)
		memory_row(reply, "mux table routes", r->mts.routes,
		    r->mts.bytes);
	memory_row(reply, "total", SIZE_MAX, r->total);
}

/* The lines under the table: what the limits dropped, what is shared. */
static void
memory_notes(const struct memory_report *r, struct strbuf *reply)
{
	const struct rib_mem *m = &r->m;

	if (m->paths_refused > 0)
		strbuf_printf(reply, "%llu paths dropped by the sessions' "
		    "limits (show protocols says whose)\n",
		    (unsigned long long)m->paths_refused);
	if (m->paths > 0)
		strbuf_printf(reply, "%.1f paths per attribute set, %.1f bytes "
		    "per path, %.0f%% of lookups found a shared set\n",
		    m->attr_sets ? (double)m->paths / (double)m->attr_sets : 0.,
		    (double)r->total / (double)m->paths, m->attr_lookups ?
		    100. * (double)m->attr_hits / (double)m->attr_lookups : 0.);
}

void
cmd_show_memory(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct memory_report r;
	bool json = argc == 1 && strcmp(argv[0], "json") == 0;

	if (argc != 0 && !json) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "show memory [json]\n");
		return;
	}
	memory_gather(d, &r);
	if (json) {
		memory_json(&r, reply);
		return;
	}
	memory_table(&r, reply);
	memory_notes(&r, reply);
}

/* "all", "none" or "prefix-list P..." (strict prefixes) into imp. */
static int
import_parse(int argc, char **argv, struct import_policy *imp,
    struct strbuf *reply)
{
	memset(imp, 0, sizeof(*imp));
	if (argc == 1 && strcmp(argv[0], "all") == 0)
		imp->mode = IMPORT_ALL;
	else if (argc == 1 && strcmp(argv[0], "none") == 0)
		imp->mode = IMPORT_NONE;
	else if (argc >= 2 && strcmp(argv[0], "prefix-list") == 0 &&
	    argc - 1 <= IMPORT_MAX_PREFIXES) {
		imp->mode = IMPORT_PREFIX_LIST;
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
		    IMPORT_MAX_PREFIXES);
		return -1;
	}
	return 0;
}

/* The settings block of session name, made for a mux that had none. */
static struct config_session *
import_target(struct bgpd *d, const char *name)
{
	struct config_session *cs;
	bool made;

	if (config_find_neighbor(d->conf, name) == NULL &&
	    mux_find(&d->muxes, name) == NULL)
		return NULL;
	cs = config_session_block(d->conf, name, &made);
	if (made)
		d->conf_gen++;	/* its sessions' settings are these now */
	return cs;
}

/* import NAME all|none|prefix-list P...: until the next reload. */
void
cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct import_policy imp;
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
	    import_mode_name(imp.mode), n, gone, refreshed ?
	    ", route refresh sent" : "");
}
