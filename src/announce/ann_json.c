/*
 * JSON announcements (docs/announce-json.md). One walk over the cJSON tree
 * checks every rule of the old client's schema, the mux table and the
 * safety gates, collecting every error with its JSON path; requests are
 * handed out only when there was none.
 */
#include "ann_json.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AJ_PATH_MAX	256
#define AJ_LINE_MAX	512
#define AJ_SHOW_MAX	40	/* characters of a user string in a message */
#define AJ_PREPEND_MAX	5	/* schema: prepend maxItems */
#define AJ_ASN_MAX	4294967295.0
#define AJ_ALL		"all"

struct aj_path {
	char	s[AJ_PATH_MAX];
	size_t	len;
};

/* Per mux (the table's, then "all"): when it was last seen, and where. */
struct aj_mark {
	unsigned	stamp;
	size_t		at;
};

struct aj_ctx {
	const char *const	*muxes;
	size_t			 n_muxes;	/* index n_muxes is "all" */
	const struct ann_policy	*pol;

	struct ann_request	*req;
	size_t			 n_req;
	size_t			 cap_req;
	bool			 full;		/* stop storing requests */

	char			*err;
	size_t			 errlen;
	size_t			 errpos;
	unsigned		 n_err;

	struct aj_path		 path;
	struct aj_mark		*item;		/* within one array */
	struct aj_mark		*ann;		/* within one prefix's announce */
	unsigned		 item_stamp;
	unsigned		 ann_stamp;
	size_t			*entry_mux;	/* muxes of one announce entry */
	size_t			 n_entry_mux;
	size_t			 min_items;	/* of announce and prepend: 0
						 * in files, 1 in experiments
						 * (their schemas differ) */
};

/* ---- errors and paths ---- */

static void	aj_error(struct aj_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	aj_error_at(struct aj_ctx *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
aj_append(struct aj_ctx *c, const char *line)
{
	int n;

	if (c->errlen == 0 || c->errpos + 1 >= c->errlen)
		return;
	n = snprintf(c->err + c->errpos, c->errlen - c->errpos, "%s%s",
	    c->errpos > 0 ? "\n" : "", line);
	if (n > 0)
		c->errpos += (size_t)n;
	if (c->errpos >= c->errlen)
		c->errpos = c->errlen - 1;
}

static void
aj_verror(struct aj_ctx *c, const char *path, const char *fmt, va_list ap)
{
	char msg[AJ_LINE_MAX], line[AJ_LINE_MAX + AJ_PATH_MAX + 4];

	if (++c->n_err > ANN_JSON_MAX_ERRORS)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(line, sizeof(line), "%s: %s", path[0] ? path : "top level",
	    msg);
	aj_append(c, line);
}

/* One line: the current path, then the message. */
static void
aj_error(struct aj_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aj_verror(c, c->path.s, fmt, ap);
	va_end(ap);
}

static void
aj_error_at(struct aj_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aj_verror(c, path, fmt, ap);
	va_end(ap);
}

static void
aj_error_finish(struct aj_ctx *c)
{
	char line[64];

	if (c->n_err <= ANN_JSON_MAX_ERRORS)
		return;
	snprintf(line, sizeof(line), "... and %u more errors",
	    c->n_err - ANN_JSON_MAX_ERRORS);
	aj_append(c, line);
}

/* A user's string for a message: quoted, printable, cut short. */
static const char *
aj_show(const char *s, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[o++] = '"';
	for (i = 0; s[i] != '\0' && o + 5 < size; i++) {
		if (i == AJ_SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static size_t
path_mark(const struct aj_path *p)
{
	return p->len;
}

static void
path_pop(struct aj_path *p, size_t mark)
{
	p->len = mark;
	p->s[mark] = '\0';
}

static void
path_add(struct aj_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
path_add(struct aj_path *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->s + p->len, sizeof(p->s) - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n;
	if (p->len >= sizeof(p->s))
		p->len = sizeof(p->s) - 1;
}

/* A key of the file as a path step: printable, cut short. */
static void
path_key(struct aj_path *p, const char *key)
{
	char buf[AJ_SHOW_MAX + 8];
	size_t i;

	for (i = 0; key[i] != '\0' && i < AJ_SHOW_MAX; i++)
		buf[i] = (key[i] > 0x20 && key[i] < 0x7f) ? key[i] : '?';
	buf[i] = '\0';
	if (key[i] != '\0')
		strcat(buf, "...");
	path_add(p, "%s%s", p->len > 0 ? "." : "", buf);
}

static void
path_index(struct aj_path *p, size_t i)
{
	path_add(p, "[%zu]", i);
}

static const char *
aj_type(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	return "null";
}

/* ---- the bytes before cJSON sees them ---- */

static void
aj_where(const char *buf, size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/*
 * cJSON strings are C strings: a raw control byte or a \u0000 escape
 * would cut a name short instead of failing. RFC 8259 allows neither
 * unescaped, so refuse them up front.
 */
static int
aj_prescan(struct aj_ctx *c, const char *buf, size_t len)
{
	unsigned line, col;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
			aj_where(buf, i, &line, &col);
			aj_error(c, "line %u, column %u: control byte 0x%02x "
			    "(not allowed in JSON)", line, col, ch);
			return -1;
		}
		if (ch != '\\' || i + 1 >= len)
			continue;
		if (len - i >= 6 && memcmp(buf + i + 1, "u0000", 5) == 0) {
			aj_where(buf, i, &line, &col);
			aj_error(c, "line %u, column %u: \\u0000 in a string "
			    "(not allowed here)", line, col);
			return -1;
		}
		i++;	/* the escaped character */
	}
	return 0;
}

static cJSON *
aj_parse_text(struct aj_ctx *c, const char *buf, size_t len)
{
	const char *end = NULL;
	unsigned line, col;
	char *copy;
	cJSON *root;
	size_t off;

	if (len > ANN_JSON_MAX_BYTES) {
		aj_error(c, "%zu bytes, more than the %u allowed", len,
		    (unsigned)ANN_JSON_MAX_BYTES);
		return NULL;
	}
	if (aj_prescan(c, buf, len) == -1)
		return NULL;
	/* cJSON reads C strings; the caller's bytes need not end in NUL. */
	if ((copy = malloc(len + 1)) == NULL) {
		aj_error(c, "out of memory");
		return NULL;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	root = cJSON_ParseWithOpts(copy, &end, 0);
	off = end != NULL ? (size_t)(end - copy) : 0;
	if (root != NULL) {
		while (off < len && strchr(" \t\r\n", copy[off]) != NULL)
			off++;
		if (off < len) {
			aj_where(copy, off, &line, &col);
			aj_error(c, "line %u, column %u: text after the JSON "
			    "value", line, col);
			cJSON_Delete(root);
			root = NULL;
		}
	} else {
		aj_where(copy, off > len ? len : off, &line, &col);
		aj_error(c, "line %u, column %u: not valid JSON", line, col);
	}
	free(copy);
	return root;
}

/* ---- values ---- */

static bool
aj_want(struct aj_ctx *c, const cJSON *v, bool ok, const char *what)
{
	if (!ok)
		aj_error(c, "must be %s, not %s", what, aj_type(v));
	return ok;
}

/* An integer in [min, max]; JSON numbers are doubles. */
static int
aj_uint(struct aj_ctx *c, const cJSON *v, double min, double max,
    const char *what, uint32_t *out)
{
	double d;

	if (!aj_want(c, v, cJSON_IsNumber(v), "a number"))
		return -1;
	d = v->valuedouble;
	if (d >= -1e18 && d <= 1e18 && (double)(int64_t)d != d) {
		aj_error(c, "%.15g is not an integer", d);
		return -1;
	}
	if (!(d >= min && d <= max)) {
		aj_error(c, "%.15g is out of range for %s (%.0f..%.0f)", d,
		    what, min, max);
		return -1;
	}
	*out = (uint32_t)d;
	return 0;
}

/*
 * A mux name: "all" or a name of the table. Returns its index (n_muxes
 * for "all") or -1 after an error.
 */
static long
aj_mux(struct aj_ctx *c, const cJSON *v)
{
	char show[AJ_SHOW_MAX + 8];
	size_t i;

	if (!aj_want(c, v, cJSON_IsString(v), "a mux name (a string)"))
		return -1;
	if (strcmp(v->valuestring, AJ_ALL) == 0)
		return (long)c->n_muxes;
	for (i = 0; i < c->n_muxes; i++) {
		if (strcmp(v->valuestring, c->muxes[i]) != 0)
			continue;
		if (strlen(c->muxes[i]) >= sizeof(c->req->mux)) {
			aj_error(c, "mux name %s is longer than %zu characters",
			    aj_show(v->valuestring, show, sizeof(show)),
			    sizeof(c->req->mux) - 1);
			return -1;
		}
		return (long)i;
	}
	aj_error(c, "unknown mux %s", aj_show(v->valuestring, show,
	    sizeof(show)));
	return -1;
}

static const char *
aj_mux_name(const struct aj_ctx *c, size_t idx)
{
	return idx == c->n_muxes ? AJ_ALL : c->muxes[idx];
}

/* ---- requests ---- */

static void
aj_fill(const struct aj_ctx *c, const struct ann_request *tmpl, size_t mux,
    struct ann_request *r)
{
	*r = *tmpl;
	memset(r->mux, 0, sizeof(r->mux));
	if (mux != c->n_muxes)
		memcpy(r->mux, c->muxes[mux], strlen(c->muxes[mux]));
	else
		memcpy(r->mux, ANN_MUX_ALL, sizeof(ANN_MUX_ALL));
}

/* The gates (ann_check) on r; the error goes to the current path. */
static int
aj_gate(struct aj_ctx *c, const struct ann_request *r)
{
	char why[256];

	if (ann_check(r, c->pol, why, sizeof(why)) == 0)
		return 0;
	aj_error(c, "%s", why);
	return -1;
}

static bool
aj_grow(struct aj_ctx *c)
{
	struct ann_request *r;
	size_t cap;

	if (c->n_req < c->cap_req)
		return true;
	cap = c->cap_req ? c->cap_req * 2 : 16;
	if (cap > ANN_JSON_MAX_REQUESTS)
		cap = ANN_JSON_MAX_REQUESTS;
	if ((r = realloc(c->req, cap * sizeof(*r))) == NULL)
		return false;
	c->req = r;
	c->cap_req = cap;
	return true;
}

/*
 * Keeps one request. Nothing is stored once an error is known (the result
 * is thrown away), but the count goes on for the limit.
 */
static void
aj_emit(struct aj_ctx *c, const struct ann_request *r)
{
	char line[80];

	if (c->n_req == ANN_JSON_MAX_REQUESTS) {
		if (!c->full) {
			snprintf(line, sizeof(line), "top level: more than %u "
			    "(prefix, mux) requests",
			    (unsigned)ANN_JSON_MAX_REQUESTS);
			/* Shown even past the error limit: it explains
			 * the errors it cut short. */
			if (c->n_err < ANN_JSON_MAX_ERRORS)
				c->n_err++;
			aj_append(c, line);
		}
		c->full = true;
		return;
	}
	if (c->n_err > 0 || c->full) {
		c->n_req++;
		return;
	}
	if (!aj_grow(c)) {
		aj_error_at(c, "", "out of memory");
		c->full = true;
		return;
	}
	c->req[c->n_req++] = *r;
}

/* ---- withdraw: [mux, ...] ---- */

static void
aj_withdraw(struct aj_ctx *c, const cJSON *arr, const struct prefix *p,
    bool gate)
{
	struct ann_request tmpl, r;
	const cJSON *v;
	size_t i = 0, mark = path_mark(&c->path);
	long m;

	path_key(&c->path, "withdraw");
	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of mux names"))
		goto out;
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.withdraw = true;
	tmpl.prefix = *p;
	ann_attrs_init(&tmpl.attrs);
	c->item_stamp++;
	cJSON_ArrayForEach(v, arr) {
		size_t imark = path_mark(&c->path);

		path_index(&c->path, i);
		/* The schema lets a mux repeat here: one request each. */
		if ((m = aj_mux(c, v)) >= 0 &&
		    c->item[m].stamp != c->item_stamp) {
			c->item[m].stamp = c->item_stamp;
			aj_fill(c, &tmpl, (size_t)m, &r);
			if (!gate || aj_gate(c, &r) == 0)
				aj_emit(c, &r);
		}
		path_pop(&c->path, imark);
		i++;
	}
out:
	path_pop(&c->path, mark);
}

/* ---- one announcement: {muxes, peers, communities, ...} ---- */

enum aj_key {
	K_MUXES, K_PEERS, K_COMMUNITIES, K_LARGE, K_PREPEND, K_ORIGIN,
	K_COUNT
};

static const char *const aj_ann_keys[K_COUNT] = {
	"muxes", "peers", "communities", "large_communities", "prepend",
	"origin"
};

/* Each known key once, no other key. */
static void
aj_ann_keys_get(struct aj_ctx *c, const cJSON *obj,
    const cJSON *val[K_COUNT])
{
	const cJSON *v;
	size_t k;

	memset(val, 0, K_COUNT * sizeof(val[0]));
	cJSON_ArrayForEach(v, obj) {
		size_t mark = path_mark(&c->path);

		path_key(&c->path, v->string);
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(v->string, aj_ann_keys[k]) == 0)
				break;
		if (k == K_COUNT)
			aj_error(c, "unknown key (allowed: muxes, peers, "
			    "communities, large_communities, prepend, "
			    "origin)");
		else if (val[k] != NULL)
			aj_error(c, "duplicate key");
		else
			val[k] = v;
		path_pop(&c->path, mark);
	}
}

/* muxes: at least one, each once, each known. */
static void
aj_ann_muxes(struct aj_ctx *c, const cJSON *arr)
{
	char show[AJ_SHOW_MAX + 8];
	const cJSON *v;
	size_t i = 0;
	long m;

	c->n_entry_mux = 0;
	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of mux names"))
		return;
	if (arr->child == NULL) {
		aj_error(c, "must name at least one mux");
		return;
	}
	c->item_stamp++;
	cJSON_ArrayForEach(v, arr) {
		size_t mark = path_mark(&c->path);

		path_index(&c->path, i);
		if ((m = aj_mux(c, v)) < 0)
			;
		else if (c->item[m].stamp == c->item_stamp)
			aj_error(c, "%s is already at muxes[%zu]",
			    aj_show(v->valuestring, show, sizeof(show)),
			    c->item[m].at);
		else {
			c->item[m].stamp = c->item_stamp;
			c->item[m].at = i;
			c->entry_mux[c->n_entry_mux++] = (size_t)m;
		}
		path_pop(&c->path, mark);
		i++;
	}
}

static void
aj_ann_origin(struct aj_ctx *c, const cJSON *v, struct ann_attrs *a)
{
	uint32_t as;

	if (aj_uint(c, v, 1, AJ_ASN_MAX, "an ASN", &as) == -1)
		return;
	if (!c->pol->any_origin && !ann_is_peering_asn(as)) {
		aj_error(c, "%u is not a PEERING ASN (47065, 33207, 61574, "
		    "61575, 61576, 263842, 263843, 263844)", as);
		return;
	}
	a->origin = as;
}

/*
 * prepend: ASNs written left of the origin, as the old client's BIRD
 * template did. They are the poisons of announce.h, which prepends each in
 * turn: so the last one given goes first. With json_rule (aj_announcement)
 * the origin is not put in front of them once more.
 */
static void
aj_ann_prepend(struct aj_ctx *c, const cJSON *arr, struct ann_attrs *a)
{
	uint32_t as[AJ_PREPEND_MAX];
	const cJSON *v;
	size_t i = 0, n;

	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of ASNs"))
		return;
	if ((n = (size_t)cJSON_GetArraySize(arr)) > AJ_PREPEND_MAX) {
		aj_error(c, "%zu ASNs, at most %d", n, AJ_PREPEND_MAX);
		return;
	}
	if (n < c->min_items) {
		aj_error(c, "must not be empty (or leave it out)");
		return;
	}
	cJSON_ArrayForEach(v, arr) {
		size_t mark = path_mark(&c->path);

		path_index(&c->path, i);
		if (aj_uint(c, v, 1, AJ_ASN_MAX, "an ASN", &as[i]) == -1)
			n = 0;
		path_pop(&c->path, mark);
		i++;
	}
	for (i = 0; i < n; i++)
		a->poisons[i] = as[n - 1 - i];
	a->n_poisons = (uint8_t)n;
}

static bool
aj_has_community(const struct ann_attrs *a, uint32_t comm, size_t *at)
{
	size_t i;

	for (i = 0; i < a->n_communities; i++)
		if (a->communities[i] == comm) {
			*at = i;
			return true;
		}
	return false;
}

/* A bounded array: the key's items past max cannot be held. */
static bool
aj_array_max(struct aj_ctx *c, const cJSON *arr, size_t max,
    const char *what)
{
	size_t n;

	if (!aj_want(c, arr, cJSON_IsArray(arr), what))
		return false;
	if ((n = (size_t)cJSON_GetArraySize(arr)) > max) {
		aj_error(c, "%zu items, at most %zu", n, max);
		return false;
	}
	return true;
}

/* peers: [X] means community 47065:X, "announce only to peer X". */
static void
aj_ann_peers(struct aj_ctx *c, const cJSON *arr, struct ann_attrs *a)
{
	const cJSON *v;
	uint32_t x;
	size_t i = 0, at;

	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of peer ids"))
		return;
	cJSON_ArrayForEach(v, arr) {
		size_t mark = path_mark(&c->path);
		uint32_t comm;

		path_index(&c->path, i);
		if (aj_uint(c, v, 1, ANN_JSON_PEER_MAX, "a peer id", &x) == 0) {
			comm = (uint32_t)ANN_AS_PEERING << 16 | x;
			if (aj_has_community(a, comm, &at))
				aj_error(c, "peer %u is already at peers[%zu]",
				    x, at);
			else
				a->communities[a->n_communities++] = comm;
		}
		path_pop(&c->path, mark);
		i++;
	}
}

/* [a, b, ...]: exactly n integers of at most max each. */
static int
aj_tuple(struct aj_ctx *c, const cJSON *v, size_t n, double max,
    const char *what, uint32_t *out)
{
	const cJSON *e;
	size_t i = 0;
	int rc = 0;

	if (!aj_want(c, v, cJSON_IsArray(v), what))
		return -1;
	if ((size_t)cJSON_GetArraySize(v) != n) {
		aj_error(c, "must be %s: %zu numbers, not %d", what, n,
		    cJSON_GetArraySize(v));
		return -1;
	}
	cJSON_ArrayForEach(e, v) {
		size_t mark = path_mark(&c->path);

		path_index(&c->path, i);
		if (aj_uint(c, e, 0, max, n == 2 ? "a 16-bit number" :
		    "a 32-bit number", &out[i]) == -1)
			rc = -1;
		path_pop(&c->path, mark);
		i++;
	}
	return rc;
}

/*
 * communities: [[asn, value], ...], 16 bits each (the schema's "minimum
 * 2, maximum 3" on an array means nothing to a validator; the old client
 * unpacked exactly two). One the peers already gave is not sent twice.
 */
static void
aj_ann_communities(struct aj_ctx *c, const cJSON *arr, size_t n_peers,
    struct ann_attrs *a)
{
	const cJSON *v;
	uint32_t pair[2], comm;
	size_t i = 0, at;

	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of communities"))
		return;
	cJSON_ArrayForEach(v, arr) {
		size_t mark = path_mark(&c->path);

		path_index(&c->path, i);
		if (aj_tuple(c, v, 2, 65535, "a community [asn, value]",
		    pair) == 0) {
			comm = pair[0] << 16 | pair[1];
			if (!aj_has_community(a, comm, &at))
				a->communities[a->n_communities++] = comm;
			else if (at >= n_peers)
				aj_error(c, "%u:%u is already at "
				    "communities[%zu]", pair[0], pair[1],
				    at - n_peers);
		}
		path_pop(&c->path, mark);
		i++;
	}
}

static void
aj_ann_large(struct aj_ctx *c, const cJSON *arr, struct ann_attrs *a)
{
	const cJSON *v;
	uint32_t l[3];
	size_t i = 0, k;

	if (!aj_array_max(c, arr, ANN_MAX_LARGE,
	    "an array of large communities"))
		return;
	cJSON_ArrayForEach(v, arr) {
		size_t mark = path_mark(&c->path);

		path_index(&c->path, i);
		if (aj_tuple(c, v, 3, AJ_ASN_MAX,
		    "a large community [asn, value, value]", l) == 0) {
			for (k = 0; k < a->n_large; k++)
				if (memcmp(a->large[k], l, sizeof(l)) == 0)
					break;
			if (k < a->n_large)
				aj_error(c, "%u:%u:%u is already at "
				    "large_communities[%zu]", l[0], l[1], l[2],
				    k);
			else
				memcpy(a->large[a->n_large++], l, sizeof(l));
		}
		path_pop(&c->path, mark);
		i++;
	}
}

/* One attribute key's value, under its own path step. */
static void
aj_ann_attr(struct aj_ctx *c, enum aj_key k, const cJSON *v,
    struct ann_attrs *a, size_t *n_peers)
{
	size_t mark = path_mark(&c->path);

	path_key(&c->path, aj_ann_keys[k]);
	switch (k) {
	case K_MUXES:
		aj_ann_muxes(c, v);
		break;
	case K_PEERS:
		aj_ann_peers(c, v, a);
		*n_peers = a->n_communities;
		break;
	case K_COMMUNITIES:
		aj_ann_communities(c, v, *n_peers, a);
		break;
	case K_LARGE:
		aj_ann_large(c, v, a);
		break;
	case K_PREPEND:
		aj_ann_prepend(c, v, a);
		break;
	case K_ORIGIN:
		aj_ann_origin(c, v, a);
		break;
	case K_COUNT:
		break;
	}
	path_pop(&c->path, mark);
}

/*
 * A (prefix, mux) is announced once per file: two entries for one mux
 * would leave the result to their order. "all" and a named mux may both
 * be given: the mux's own announcement overrides "all" there. Requests
 * come out only for an entry without errors (valid).
 */
static void
aj_ann_emit(struct aj_ctx *c, size_t entry, const struct ann_request *tmpl,
    bool valid, bool gate)
{
	struct ann_request r;
	size_t i, m, mark = path_mark(&c->path);

	for (i = 0; i < c->n_entry_mux; i++) {
		m = c->entry_mux[i];
		if (c->ann[m].stamp == c->ann_stamp) {
			path_key(&c->path, "muxes");
			path_index(&c->path, c->item[m].at);
			aj_error(c, "mux \"%s\" is already announced by "
			    "announce[%zu]", aj_mux_name(c, m), c->ann[m].at);
			path_pop(&c->path, mark);
			continue;
		}
		c->ann[m].stamp = c->ann_stamp;
		c->ann[m].at = entry;
		if (!valid)
			continue;
		aj_fill(c, tmpl, m, &r);
		/* Same attributes for every mux: one refusal is enough. */
		if (gate && aj_gate(c, &r) == -1)
			gate = valid = false;
		else
			aj_emit(c, &r);
	}
}

/*
 * peers and communities share the COMMUNITIES attribute: more than it can
 * hold is refused before either is read (the gate allows far fewer).
 */
static bool
aj_ann_comm_room(struct aj_ctx *c, const cJSON *val[K_COUNT])
{
	size_t n = 0;

	if (cJSON_IsArray(val[K_PEERS]))
		n += (size_t)cJSON_GetArraySize(val[K_PEERS]);
	if (cJSON_IsArray(val[K_COMMUNITIES]))
		n += (size_t)cJSON_GetArraySize(val[K_COMMUNITIES]);
	if (n <= ANN_MAX_COMMUNITIES)
		return true;
	aj_error(c, "%zu peers and communities, at most %d (the muxes drop "
	    "them all past %d)", n, ANN_MAX_COMMUNITIES, ANN_GATE_COMMUNITIES);
	return false;
}

static void
aj_announcement(struct aj_ctx *c, const cJSON *obj, size_t entry,
    const struct prefix *p, bool gate)
{
	const cJSON *val[K_COUNT];
	struct ann_request tmpl;
	unsigned errs = c->n_err;
	size_t k, n_peers = 0;

	c->n_entry_mux = 0;
	if (!aj_want(c, obj, cJSON_IsObject(obj), "an object"))
		return;
	aj_ann_keys_get(c, obj, val);
	if (val[K_MUXES] == NULL)
		aj_error(c, "missing required key \"muxes\"");
	if (!aj_ann_comm_room(c, val))
		val[K_PEERS] = val[K_COMMUNITIES] = NULL;
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.prefix = *p;
	ann_attrs_init(&tmpl.attrs);
	/* The old template's path: "origin": 61574, "prepend": [3356] is
	 * 3356 61574, not peering prefix's 61574 3356 61574. */
	tmpl.attrs.json_rule = true;
	/* muxes first; peers before communities, the old client's order. */
	for (k = 0; k < K_COUNT; k++)
		if (val[k] != NULL)
			aj_ann_attr(c, (enum aj_key)k, val[k], &tmpl.attrs,
			    &n_peers);
	aj_ann_emit(c, entry, &tmpl, c->n_err == errs, gate);
}

static void
aj_announce(struct aj_ctx *c, const cJSON *arr, const struct prefix *p,
    bool gate)
{
	const cJSON *v;
	size_t i = 0, mark = path_mark(&c->path);

	path_key(&c->path, "announce");
	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of announcements"))
		goto out;
	if ((size_t)cJSON_GetArraySize(arr) < c->min_items)
		aj_error(c, "must not be empty");
	c->ann_stamp++;
	cJSON_ArrayForEach(v, arr) {
		size_t imark = path_mark(&c->path);

		path_index(&c->path, i);
		aj_announcement(c, v, i, p, gate);
		path_pop(&c->path, imark);
		i++;
	}
out:
	path_pop(&c->path, mark);
}

/* ---- one prefix: {"announce": [...], "withdraw": [...]} ---- */

/* The schema's pattern, ^[0-9a-fA-F.:]+/[0-9]+$, then a real prefix. */
static int
aj_prefix_key(struct aj_ctx *c, const char *key, struct prefix *p)
{
	char show[PREFIX_STRLEN];
	const char *slash = strchr(key, '/');
	size_t n = slash != NULL ? (size_t)(slash - key) : 0;

	if (n == 0 || strspn(key, "0123456789abcdefABCDEF.:") != n ||
	    slash[1] == '\0' || strspn(slash + 1, "0123456789") !=
	    strlen(slash + 1)) {
		aj_error(c, "not a prefix (the key must be ADDRESS/LENGTH)");
		return -1;
	}
	if (prefix_parse(key, true, p) == 0)
		return 0;
	if (prefix_parse(key, false, p) == 0)
		aj_error(c, "address bits set past the length (the prefix is "
		    "%s)", prefix_format(p, show, sizeof(show)));
	else
		aj_error(c, "not a prefix (the key must be ADDRESS/LENGTH)");
	return -1;
}

static void
aj_prefix(struct aj_ctx *c, const cJSON *obj, const struct prefix *p,
    bool prefix_ok)
{
	struct ann_request wd;
	const cJSON *v, *announce = NULL, *withdraw = NULL, *desc = NULL;
	bool gate = prefix_ok;

	if (!aj_want(c, obj, cJSON_IsObject(obj), "an object"))
		return;
	if (obj->child == NULL)
		aj_error(c, "must not be empty (give \"announce\" or "
		    "\"withdraw\")");
	cJSON_ArrayForEach(v, obj) {
		size_t mark = path_mark(&c->path);
		const cJSON **slot = NULL;

		path_key(&c->path, v->string);
		if (strcmp(v->string, "announce") == 0)
			slot = &announce;
		else if (strcmp(v->string, "withdraw") == 0)
			slot = &withdraw;
		else if (strcmp(v->string, "description") == 0)
			slot = &desc;
		if (slot == NULL)
			aj_error(c, "unknown key (allowed: announce, withdraw, "
			    "description)");
		else if (*slot != NULL)
			aj_error(c, "duplicate key");
		else
			*slot = v;
		if (slot == &desc && *slot == v)
			(void)aj_want(c, v, cJSON_IsString(v), "a string");
		path_pop(&c->path, mark);
	}
	/* The prefix gates once, on their own, named by the key. */
	if (prefix_ok) {
		memset(&wd, 0, sizeof(wd));
		wd.withdraw = true;
		wd.prefix = *p;
		ann_attrs_init(&wd.attrs);
		gate = aj_gate(c, &wd) == 0;
	}
	/* Withdrawals first, as the old client did them. */
	if (withdraw != NULL)
		aj_withdraw(c, withdraw, p, gate);
	if (announce != NULL)
		aj_announce(c, announce, p, gate);
}

/* Two keys for one prefix: the same text, or "10.0.0.0/24" twice. */
static bool
aj_prefix_dup(struct aj_ctx *c, const struct prefix *seen, const char **keys,
    size_t n, const struct prefix *p)
{
	char show[AJ_SHOW_MAX + 8];
	size_t i;

	for (i = 0; i < n; i++)
		if (prefix_equal(&seen[i], p)) {
			aj_error(c, "the same prefix as the key %s before it",
			    aj_show(keys[i], show, sizeof(show)));
			return true;
		}
	return false;
}

static void
aj_root(struct aj_ctx *c, const cJSON *root)
{
	struct prefix *seen, p;
	const char **keys;
	const cJSON *v;
	size_t n = 0, total;

	if (!aj_want(c, root, cJSON_IsObject(root),
	    "an object keyed by prefix"))
		return;
	if ((total = (size_t)cJSON_GetArraySize(root)) == 0) {
		aj_error(c, "no prefixes (the object is empty)");
		return;
	}
	if (total > ANN_JSON_MAX_PREFIXES) {
		aj_error(c, "%zu prefixes, at most %u", total,
		    (unsigned)ANN_JSON_MAX_PREFIXES);
		return;
	}
	seen = calloc(total, sizeof(*seen));
	keys = calloc(total, sizeof(*keys));
	if (seen == NULL || keys == NULL) {
		aj_error(c, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(v, root) {
		bool ok;

		memset(&p, 0, sizeof(p));
		path_pop(&c->path, 0);
		path_key(&c->path, v->string);
		ok = aj_prefix_key(c, v->string, &p) == 0;
		if (ok && aj_prefix_dup(c, seen, keys, n, &p))
			ok = false;
		else if (ok) {
			seen[n] = p;
			keys[n++] = v->string;
		}
		aj_prefix(c, v, &p, ok);
	}
	path_pop(&c->path, 0);
out:
	free(seen);
	free(keys);
}

/* ---- the API ---- */

/* A context for one file; -1 (with the error in err) on no memory. */
static int
aj_ctx_open(struct aj_ctx *c, const char *const *muxes, size_t n_muxes,
    const struct ann_policy *pol, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	memset(c, 0, sizeof(*c));
	c->muxes = muxes;
	c->n_muxes = n_muxes;
	c->pol = pol;
	c->err = err;
	c->errlen = errlen;
	c->item = calloc(n_muxes + 1, sizeof(*c->item));
	c->ann = calloc(n_muxes + 1, sizeof(*c->ann));
	c->entry_mux = calloc(n_muxes + 1, sizeof(*c->entry_mux));
	if (c->item != NULL && c->ann != NULL && c->entry_mux != NULL)
		return 0;
	aj_error(c, "out of memory");
	return -1;
}

/* Whether the file had errors (then its requests are freed). */
static bool
aj_ctx_close(struct aj_ctx *c)
{
	free(c->item);
	free(c->ann);
	free(c->entry_mux);
	if (c->n_err == 0)
		return false;
	aj_error_finish(c);
	free(c->req);
	c->req = NULL;
	c->n_req = 0;
	return true;
}

int
ann_json_parse(const char *buf, size_t len, const char *const *muxes,
    size_t n_muxes, const struct ann_policy *pol, struct ann_request **out,
    size_t *n_out, char *err, size_t errlen)
{
	struct aj_ctx c;
	cJSON *root;

	if (aj_ctx_open(&c, muxes, n_muxes, pol, err, errlen) == 0 &&
	    (root = aj_parse_text(&c, buf, len)) != NULL) {
		aj_root(&c, root);
		cJSON_Delete(root);
	}
	if (aj_ctx_close(&c)) {
		*out = NULL;
		*n_out = 0;
		return -1;
	}
	*out = c.req;
	*n_out = c.n_req;
	return 0;
}

void
ann_json_free(struct ann_request *reqs)
{
	free(reqs);
}

/* ---- experiments: {description, email, rounds: [{PREFIX|A..D: ...}]} ---- */

/* The schema's allocatedPrefix: /24s of three PEERING blocks. */
static const struct {
	uint8_t	a, b, c_first, c_last;
} exp_blocks[] = {
	{ 184, 164, 224, 254 },
	{ 204, 9, 168, 171 },
	{ 138, 185, 228, 231 },
};

size_t
ann_exp_allocation(struct prefix *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(exp_blocks) / sizeof(exp_blocks[0]); i++)
		for (unsigned c = exp_blocks[i].c_first;
		    c <= exp_blocks[i].c_last && n < max; c++) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].af = AF_IDX_IPV4;
			out[n].len = 24;
			out[n].addr[0] = exp_blocks[i].a;
			out[n].addr[1] = exp_blocks[i].b;
			out[n].addr[2] = (uint8_t)c;
			n++;
		}
	return n;
}

static bool
exp_allocated(const struct prefix *p)
{
	struct prefix all[ANN_EXP_ALLOCATION_MAX];
	size_t n = ann_exp_allocation(all, ANN_EXP_ALLOCATION_MAX);

	for (size_t i = 0; i < n; i++)
		if (prefix_equal(p, &all[i]))
			return true;
	return false;
}

/* The schema's "format": "email": one @, a local part, a dotted domain. */
static void
aj_exp_email(struct aj_ctx *c, const cJSON *v)
{
	const char *s, *at;

	if (!aj_want(c, v, cJSON_IsString(v), "a string (an email address)"))
		return;
	s = v->valuestring;
	at = strchr(s, '@');
	for (const char *q = s; *q != '\0'; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f) {
			aj_error(c, "not an email address (a space or "
			    "control character)");
			return;
		}
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[strlen(s) - 1] == '.' || strlen(s) > 254)
		aj_error(c, "not an email address (want name@domain.tld)");
}

/* A round's key: a variable A..D (*var 1..4) or an allocated prefix. */
static int
aj_exp_key(struct aj_ctx *c, const char *key, struct prefix *p, uint8_t *var)
{
	char show[AJ_SHOW_MAX + 8];
	const char *slash = strchr(key, '/');

	*var = 0;
	if (key[0] >= 'A' && key[0] <= 'D' && key[1] == '\0') {
		*var = (uint8_t)(key[0] - 'A' + 1);
		return 0;
	}
	/* The schema's pattern, ^[0-9.]+/[0-9]+$, then a real prefix. */
	if (slash == NULL || slash == key ||
	    strspn(key, "0123456789.") != (size_t)(slash - key) ||
	    slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    prefix_parse(key, true, p) == -1 || p->af != AF_IDX_IPV4) {
		aj_error(c, "not a variable (A, B, C, D) or an IPv4 prefix");
		return -1;
	}
	if (!exp_allocated(p)) {
		aj_error(c, "%s is not in the experiment allocation "
		    "(184.164.224.0/24 to 184.164.254.0/24, 204.9.168.0/24 to "
		    "204.9.171.0/24, 138.185.228.0/24 to 138.185.231.0/24)",
		    aj_show(key, show, sizeof(show)));
		return -1;
	}
	return 0;
}

/* One round; var[] gets each new request's variable. */
static void
aj_exp_round(struct aj_ctx *c, const cJSON *obj, uint8_t **var,
    size_t *var_cap)
{
	struct prefix seen[ANN_JSON_MAX_PREFIXES], p;
	const char *keys[ANN_JSON_MAX_PREFIXES];
	const cJSON *v;
	size_t n = 0, total;

	if (!aj_want(c, obj, cJSON_IsObject(obj),
	    "an object keyed by prefix or variable"))
		return;
	if ((total = (size_t)cJSON_GetArraySize(obj)) == 0)
		aj_error(c, "must not be empty (announce or withdraw at least "
		    "one prefix)");
	if (total > ANN_JSON_MAX_PREFIXES) {
		aj_error(c, "%zu prefixes, at most %u", total,
		    (unsigned)ANN_JSON_MAX_PREFIXES);
		return;
	}
	cJSON_ArrayForEach(v, obj) {
		size_t mark = path_mark(&c->path), before = c->n_req, i;
		uint8_t vr = 0;
		bool ok;

		memset(&p, 0, sizeof(p));
		path_key(&c->path, v->string);
		ok = aj_exp_key(c, v->string, &p, &vr) == 0;
		for (i = 0; ok && i < n; i++)
			if (strcmp(keys[i], v->string) == 0 ||
			    (vr == 0 && prefix_equal(&seen[i], &p))) {
				aj_error(c, "the same key as before in this "
				    "round");
				ok = false;
			}
		if (ok) {
			seen[n] = p;
			keys[n++] = v->string;
		}
		/* A variable's attributes pass the gates on a stand-in for
		 * the prefix it will be bound to. */
		if (ok && vr != 0 && c->pol->n_allowed > 0)
			p = c->pol->allowed[0];
		aj_prefix(c, v, &p, ok && (vr == 0 || c->pol->n_allowed > 0));
		if (c->n_err == 0 && c->n_req > *var_cap) {
			size_t cap = c->n_req * 2;
			uint8_t *nv = realloc(*var, cap);

			if (nv == NULL) {
				aj_error(c, "out of memory");
				return;
			}
			*var = nv;
			*var_cap = cap;
		}
		for (i = before; c->n_err == 0 && i < c->n_req; i++) {
			(*var)[i] = vr;
			if (vr != 0)
				memset(&c->req[i].prefix, 0,
				    sizeof(c->req[i].prefix));
		}
		path_pop(&c->path, mark);
	}
}

static void
aj_exp_rounds(struct aj_ctx *c, const cJSON *arr, struct ann_exp *e,
    size_t *var_cap)
{
	const cJSON *v;
	size_t i = 0, n, mark = path_mark(&c->path);

	path_key(&c->path, "rounds");
	if (!aj_want(c, arr, cJSON_IsArray(arr), "an array of rounds"))
		goto out;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0 || n > ANN_EXP_MAX_ROUNDS) {
		aj_error(c, "%zu rounds: at least 1, at most %u", n,
		    (unsigned)ANN_EXP_MAX_ROUNDS);
		goto out;
	}
	if ((e->round_first = calloc(n + 1, sizeof(size_t))) == NULL) {
		aj_error(c, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(v, arr) {
		size_t imark = path_mark(&c->path);

		e->round_first[i] = c->n_req;
		path_index(&c->path, i);
		aj_exp_round(c, v, &e->var, var_cap);
		path_pop(&c->path, imark);
		i++;
	}
	e->round_first[n] = c->n_req;
	e->n_rounds = n;
out:
	path_pop(&c->path, mark);
}

static void
aj_exp_root(struct aj_ctx *c, const cJSON *root, struct ann_exp *e,
    size_t *var_cap)
{
	const cJSON *x = root, *v, *desc = NULL, *email = NULL, *rounds = NULL;

	if (cJSON_IsObject(root) && root->child != NULL &&
	    root->child->next == NULL &&
	    strcmp(root->child->string, "experiment") == 0)
		x = root->child;
	if (!aj_want(c, x, cJSON_IsObject(x), "an experiment object"))
		return;
	cJSON_ArrayForEach(v, x) {
		size_t mark = path_mark(&c->path);
		const cJSON **slot = NULL;

		path_key(&c->path, v->string);
		if (strcmp(v->string, "description") == 0)
			slot = &desc;
		else if (strcmp(v->string, "email") == 0)
			slot = &email;
		else if (strcmp(v->string, "rounds") == 0)
			slot = &rounds;
		if (slot == NULL)
			aj_error(c, "unknown key (allowed: description, email, "
			    "rounds)");
		else if (*slot != NULL)
			aj_error(c, "duplicate key");
		else
			*slot = v;
		path_pop(&c->path, mark);
	}
	if (desc == NULL)
		aj_error(c, "missing required key \"description\"");
	if (email == NULL)
		aj_error(c, "missing required key \"email\"");
	if (rounds == NULL)
		aj_error(c, "missing required key \"rounds\"");
	if (desc != NULL) {
		path_key(&c->path, "description");
		(void)aj_want(c, desc, cJSON_IsString(desc), "a string");
		path_pop(&c->path, 0);
	}
	if (email != NULL) {
		path_key(&c->path, "email");
		aj_exp_email(c, email);
		path_pop(&c->path, 0);
	}
	if (rounds != NULL)
		aj_exp_rounds(c, rounds, e, var_cap);
	if (c->n_err == 0 && (e->json = cJSON_PrintUnformatted(x)) == NULL)
		aj_error(c, "out of memory");
}

int
ann_json_parse_experiment(const char *buf, size_t len,
    const char *const *muxes, size_t n_muxes, const struct ann_policy *pol,
    struct ann_exp *out, char *err, size_t errlen)
{
	struct aj_ctx c;
	cJSON *root;
	size_t var_cap = 0;

	memset(out, 0, sizeof(*out));
	if (aj_ctx_open(&c, muxes, n_muxes, pol, err, errlen) == 0 &&
	    (root = aj_parse_text(&c, buf, len)) != NULL) {
		c.min_items = 1;
		aj_exp_root(&c, root, out, &var_cap);
		cJSON_Delete(root);
	}
	if (aj_ctx_close(&c)) {
		ann_exp_free(out);
		return -1;
	}
	out->req = c.req;
	out->n_req = c.n_req;
	return 0;
}

void
ann_exp_free(struct ann_exp *e)
{
	free(e->round_first);
	free(e->req);
	free(e->var);
	if (e->json != NULL)
		cJSON_free(e->json);
	memset(e, 0, sizeof(*e));
}
