/*
 * var/announcements.json: the announcement store (ann_store.c) written
 * atomically and read back strictly.
 *
 * The file (docs/announce-store.md), one announcement or change record
 * per line:
 *
 *	{"version":2,"announcements":[
 *	{"prefix":"184.164.224.0/24","mux":"all","origin":47065,"prepend":0,
 *	 "poisons":[],"communities":[[47065,1]],"large_communities":[],
 *	 "container_nexthop":false,"dataplane":true,"last_change":1700000000},
 *	...
 *	],"changes":[
 *	{"prefix":"184.164.224.0/24","mux":"amsterdam01","at":1700000000},
 *	...
 *	]}
 *
 * "mux" is "all" (ANN_MUX_ALL) or a mux name; "poisons" and "origin" are
 * 32-bit AS numbers; "communities" are [asn, value] pairs of 16-bit
 * numbers; "large_communities" [a, b, c] triples of 32-bit numbers;
 * "prepend" 0..4; "last_change" whole seconds since 1970 (up to the end of
 * the year 9999); "json_rule" true for the AS path rule of JSON files.
 * Only "prefix" is required in an entry; the others default as
 * ann_attrs_init() and a dataplane, never changed. A change record (when
 * a session last heard a change of the prefix) needs all three keys, a
 * session's name (never "all") and a time after 0. Version 1 files (no
 * "changes") still read. The writer always writes version 2, every key
 * but "json_rule", which it writes only when true, and both arrays sorted
 * by (family, address, length, mux), so the same store always makes the
 * same bytes.
 *
 * Reading is strict and all or nothing: an unknown or repeated key, a
 * wrong type, a number out of range or not whole, a prefix with host bits,
 * a (prefix, mux) given twice or more than ANN_STORE_MAX elements in an
 * array refuse the whole file with one line naming the place ("announcements[3].origin:
 * not a 32-bit AS number"). A daemon that half-read its desired state
 * would withdraw what the user asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../lib/atomicfile.h"
#include "../lib/errmsg.h"
#include "../lib/readfile.h"
#include "../lib/strbuf.h"
#include "../vpn/mux.h"
#include "ann_store.h"

#define ANN_STORE_MAX_BYTES	(64 * 1024 * 1024)	/* the whole file */
#define ANN_STORE_VERSION	2	/* written; 1 had no change records */
#define ANN_STORE_VERSION_OLDEST 1

/* ---- reading ---- */


struct pctx {
	char		*err;
	size_t		 errlen;
	const char	*array;		/* "announcements" or "changes" */
	size_t		 idx;		/* the element being read */
};

/* "announcements[3].origin: ..."; key NULL names the element itself. */
static int
entry_err(struct pctx *c, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errmsg_fail(c->err, c->errlen, "%s[%zu]%s%s: %s", c->array,
	    c->idx, key != NULL ? "." : "", key != NULL ? key : "", msg);
}

/* A key as the user wrote it, when it is safe in a one-line message. */
static const char *
key_name(const char *k)
{
	size_t i;

	for (i = 0; k[i] != '\0'; i++)
		if (i >= 40 || k[i] < 0x20 || k[i] > 0x7e || k[i] == '"')
			return "?";
	return k;
}

/* A whole number in 0..max; -1 for anything else. */
static int
json_uint(const cJSON *v, double max, uint64_t *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!(d >= 0 && d <= max) || (double)(uint64_t)d != d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

static int
json_bool(struct pctx *c, const char *key, const cJSON *v, bool *out)
{
	if (!cJSON_IsBool(v))
		return entry_err(c, key, "not true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
json_asn(struct pctx *c, const char *key, const cJSON *v, uint32_t *out)
{
	uint64_t u;

	if (json_uint(v, UINT32_MAX, &u) == -1)
		return entry_err(c, key, "not a 32-bit AS number");
	*out = (uint32_t)u;
	return 0;
}

/* An array of at most max elements; *n its length. */
static int
json_array(struct pctx *c, const char *key, const cJSON *v, size_t max,
    size_t *n)
{
	const cJSON *x;

	if (!cJSON_IsArray(v))
		return entry_err(c, key, "not an array");
	*n = 0;
	cJSON_ArrayForEach(x, v)
		if (++*n > max)
			return entry_err(c, key, "more than %zu elements", max);
	return 0;
}

/* A community: exactly n numbers of bits bits each. */
static int
json_tuple(struct pctx *c, const char *key, const cJSON *v, unsigned bits,
    uint32_t *out, size_t n, const char *what)
{
	const cJSON *x;
	char k[80];
	uint64_t u;
	size_t i = 0;

	if (!cJSON_IsArray(v) || (size_t)cJSON_GetArraySize(v) != n)
		return entry_err(c, key, "not %s", what);
	cJSON_ArrayForEach(x, v) {
		if (json_uint(x, bits == 16 ? UINT16_MAX : UINT32_MAX,
		    &u) == -1) {
			snprintf(k, sizeof(k), "%s[%zu]", key, i);
			return entry_err(c, k, "not a %u-bit number", bits);
		}
		out[i++] = (uint32_t)u;
	}
	return 0;
}

/* Reads one key's value into the element being read. */
typedef int	elem_key_fn(struct pctx *, const char *, const cJSON *, void *);

static int
read_prefix(struct pctx *c, const char *key, const cJSON *v,
    struct prefix *out)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	if (!cJSON_IsString(v))
		return entry_err(c, key, "not a string");
	if (prefix_parse(v->valuestring, true, out) == 0)
		return 0;
	if (prefix_parse(v->valuestring, false, &p) == 0)
		return entry_err(c, key, "host bits set (the prefix is %s)",
		    prefix_format(&p, buf, sizeof(buf)));
	return entry_err(c, key, "not a prefix");
}

/* A mux name into out[32]; "all" is ANN_MUX_ALL where all_ok. */
static int
read_mux(struct pctx *c, const char *key, const cJSON *v, char *out,
    bool all_ok)
{
	const char *m;

	if (!cJSON_IsString(v))
		return entry_err(c, key, "not a string");
	m = v->valuestring;
	if (all_ok && strcmp(m, ANN_STORE_MUX_ALL) == 0)
		m = ANN_MUX_ALL;
	else if (!mux_name_valid(m) || strcmp(m, ANN_STORE_MUX_ALL) == 0)
		return entry_err(c, key, "not %sa mux name ([a-z0-9_-], at "
		    "most %d characters)", all_ok ? "\"all\" or " : "",
		    MUX_NAME_MAX);
	snprintf(out, 32, "%s", m);
	return 0;
}

/* Whole seconds since 1970, before the year 10000. */
static int
read_time(struct pctx *c, const char *key, const cJSON *v, time_t *out)
{
	uint64_t u;

	if (json_uint(v, ANN_STORE_TIME_MAX, &u) == -1)
		return entry_err(c, key, "not a time (whole seconds since "
		    "1970, before the year 10000)");
	*out = (time_t)u;
	return 0;
}

static int
key_prefix(struct pctx *c, const char *key, const cJSON *v,
    void *e)
{
	return read_prefix(c, key, v, &((struct ann_entry *)e)->prefix);
}

static int
key_mux(struct pctx *c, const char *key, const cJSON *v,
    void *e)
{
	return read_mux(c, key, v, ((struct ann_entry *)e)->mux, true);
}

static int
key_origin(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;

	return json_asn(c, key, v, &e->attrs.origin);
}

static int
key_prepend(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;
	uint64_t u;

	if (json_uint(v, ANN_MAX_PREPEND, &u) == -1)
		return entry_err(c, key, "not a number 0..%d",
		    ANN_MAX_PREPEND);
	e->attrs.prepend = (uint8_t)u;
	return 0;
}

static int
key_poisons(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;
	const cJSON *x;
	char k[64];
	size_t n, i = 0;

	if (json_array(c, key, v, ANN_MAX_POISONS, &n) == -1)
		return -1;
	cJSON_ArrayForEach(x, v) {
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (json_asn(c, k, x, &e->attrs.poisons[i++]) == -1)
			return -1;
	}
	e->attrs.n_poisons = (uint8_t)n;
	return 0;
}

static int
key_communities(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;
	const cJSON *x;
	uint32_t pair[2];
	char k[64];
	size_t n, i = 0;

	if (json_array(c, key, v, ANN_MAX_COMMUNITIES, &n) == -1)
		return -1;
	cJSON_ArrayForEach(x, v) {
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (json_tuple(c, k, x, 16, pair, 2,
		    "[asn, value]") == -1)
			return -1;
		e->attrs.communities[i++] = pair[0] << 16 | pair[1];
	}
	e->attrs.n_communities = (uint8_t)n;
	return 0;
}

static int
key_large(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;
	const cJSON *x;
	char k[64];
	size_t n, i = 0;

	if (json_array(c, key, v, ANN_MAX_LARGE, &n) == -1)
		return -1;
	cJSON_ArrayForEach(x, v) {
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (json_tuple(c, k, x, 32, e->attrs.large[i++], 3,
		    "[a, b, c]") == -1)
			return -1;
	}
	e->attrs.n_large = (uint8_t)n;
	return 0;
}

static int
key_container(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;

	return json_bool(c, key, v, &e->attrs.container_nexthop);
}

static int
key_json_rule(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;

	return json_bool(c, key, v, &e->attrs.json_rule);
}

static int
key_dataplane(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	struct ann_entry *e = obj;
	bool dp = true;

	if (json_bool(c, key, v, &dp) == -1)
		return -1;
	e->no_dataplane = !dp;
	return 0;
}

static int
key_last_change(struct pctx *c, const char *key, const cJSON *v,
    void *obj)
{
	return read_time(c, key, v, &((struct ann_entry *)obj)->last_change);
}

static int
chg_prefix(struct pctx *c, const char *key, const cJSON *v, void *obj)
{
	return read_prefix(c, key, v, &((struct ann_change *)obj)->prefix);
}

static int
chg_mux(struct pctx *c, const char *key, const cJSON *v, void *obj)
{
	return read_mux(c, key, v, ((struct ann_change *)obj)->mux, false);
}

static int
chg_at(struct pctx *c, const char *key, const cJSON *v, void *obj)
{
	struct ann_change *ch = obj;

	if (read_time(c, key, v, &ch->at) == -1)
		return -1;
	if (ch->at == 0)
		return entry_err(c, key, "0 is no time (leave the record out)");
	return 0;
}

struct elem_key {
	const char	*name;
	elem_key_fn	*read;
};

/* The keys of an entry, in the order they are written. */
static const struct elem_key entry_keys[] = {
	{ "prefix",		key_prefix },
	{ "mux",		key_mux },
	{ "origin",		key_origin },
	{ "prepend",		key_prepend },
	{ "poisons",		key_poisons },
	{ "json_rule",		key_json_rule },
	{ "communities",	key_communities },
	{ "large_communities",	key_large },
	{ "container_nexthop",	key_container },
	{ "dataplane",		key_dataplane },
	{ "last_change",	key_last_change },
};

/* The keys of a change record, every one required. */
static const struct elem_key change_keys[] = {
	{ "prefix",		chg_prefix },
	{ "mux",		chg_mux },
	{ "at",			chg_at },
};

static void
entry_init(void *obj)
{
	ann_attrs_init(&((struct ann_entry *)obj)->attrs);
}

/* One kind of array element of the file: entries or change records. Each
 * begins with its prefix and has its mux name at mux_off. */
struct elem_kind {
	const char		*array;		/* its key in the file */
	size_t			 size;
	size_t			 mux_off;
	const struct elem_key	*keys;
	size_t			 n_keys;
	unsigned		 required;	/* bits of keys[] */
	void			(*init)(void *);
};

static const struct elem_kind entry_kind = {
	"announcements", sizeof(struct ann_entry),
	offsetof(struct ann_entry, mux), entry_keys,
	sizeof(entry_keys) / sizeof(entry_keys[0]), 1u, entry_init,
};

static const struct elem_kind change_kind = {
	"changes", sizeof(struct ann_change),
	offsetof(struct ann_change, mux), change_keys,
	sizeof(change_keys) / sizeof(change_keys[0]), 7u, NULL,
};

static int
elem_read_key(struct pctx *c, const struct elem_kind *k, const cJSON *v,
    void *el, unsigned *seen)
{
	size_t i;

	for (i = 0; i < k->n_keys; i++)
		if (strcmp(v->string, k->keys[i].name) == 0)
			break;
	if (i == k->n_keys)
		return entry_err(c, key_name(v->string), "unknown key");
	if (*seen & 1u << i)
		return entry_err(c, k->keys[i].name, "given twice");
	*seen |= 1u << i;
	return k->keys[i].read(c, k->keys[i].name, v, el);
}

static int
elem_read(struct pctx *c, const struct elem_kind *k, const cJSON *obj,
    void *el)
{
	const cJSON *v;
	unsigned seen = 0;
	size_t i;

	memset(el, 0, k->size);
	if (k->init != NULL)
		k->init(el);
	if (!cJSON_IsObject(obj))
		return entry_err(c, NULL, "not an object");
	cJSON_ArrayForEach(v, obj)
		if (elem_read_key(c, k, v, el, &seen) == -1)
			return -1;
	for (i = 0; i < k->n_keys; i++)
		if ((k->required & ~seen) & 1u << i)
			return entry_err(c, k->keys[i].name, "missing");
	return 0;
}

static int
elem_cmp(const struct elem_kind *k, const char *a, const char *b)
{
	return ann_store_key_cmp((const struct prefix *)(const void *)a,
	    a + k->mux_off, (const struct prefix *)(const void *)b,
	    b + k->mux_off);
}

static int
ptr_cmp(const void *a, const void *b, void *kind)
{
	const char *ea = *(const char *const *)a;
	const char *eb = *(const char *const *)b;
	int c;

	if ((c = elem_cmp(kind, ea, eb)) != 0)
		return c;
	/* File order among equals, so the later one is named. */
	return ea < eb ? -1 : ea > eb;
}

/* Moves element i to where order[i] points, following each cycle once;
 * saved holds one element. */
static void
elem_permute(const struct elem_kind *k, char *base, char **order, size_t n,
    char *saved)
{
	size_t i, j, m, sz = k->size;

	for (i = 0; i < n; i++) {
		if (order[i] == NULL)
			continue;
		memcpy(saved, base + i * sz, sz);
		for (j = i;; j = m) {
			m = (size_t)(order[j] - base) / sz;
			order[j] = NULL;
			if (m == i) {
				memcpy(base + j * sz, saved, sz);
				break;
			}
			memcpy(base + j * sz, base + m * sz, sz);
		}
	}
}

/* Sorts the elements read in file order; a (prefix, mux) twice is an
 * error naming the first element that repeats an earlier one. */
static int
elem_sort(const struct elem_kind *k, char *base, size_t n, char *err,
    size_t errlen)
{
	char **order, *saved, buf[PREFIX_STRLEN];
	const char *mux;
	size_t i, dup = n, later;

	if (n < 2)
		return 0;
	order = malloc(n * sizeof(*order));
	saved = malloc(k->size);
	if (order == NULL || saved == NULL) {
		free(order);
		free(saved);
		return errmsg_fail(err, errlen, "out of memory");
	}
	for (i = 0; i < n; i++)
		order[i] = base + i * k->size;
	qsort_r(order, n, sizeof(*order), ptr_cmp, (void *)k);
	for (i = 1; i < n; i++) {
		later = (size_t)(order[i] - base) / k->size;
		if (elem_cmp(k, order[i - 1], order[i]) == 0 && later < dup)
			dup = later;
	}
	if (dup < n) {
		mux = base + dup * k->size + k->mux_off;
		errmsg_fail(err, errlen, "%s[%zu]: %s mux %s given twice",
		    k->array, dup, prefix_format((const struct prefix *)
		    (const void *)(base + dup * k->size), buf, sizeof(buf)),
		    mux[0] != '\0' ? mux : ANN_STORE_MUX_ALL);
	} else
		elem_permute(k, base, order, n, saved);
	free(saved);
	free(order);
	return dup < n ? -1 : 0;
}

/* The array of k in the file, read and sorted into a new array (*n
 * elements; NULL when empty). On error *base may hold what was read. */
static int
elems_read(const cJSON *arr, const struct elem_kind *k, void **base,
    size_t *n, char *err, size_t errlen)
{
	struct pctx c = { err, errlen, k->array, 0 };
	const cJSON *v;
	size_t count = 0;

	*base = NULL;
	*n = 0;
	if (!cJSON_IsArray(arr))
		return errmsg_fail(err, errlen, "%s: not an array", k->array);
	cJSON_ArrayForEach(v, arr)
		if (++count > ANN_STORE_MAX)
			return errmsg_fail(err, errlen, "%s: more than %d "
			    "entries", k->array, ANN_STORE_MAX);
	if (count > 0 && (*base = calloc(count, k->size)) == NULL)
		return errmsg_fail(err, errlen, "out of memory");
	cJSON_ArrayForEach(v, arr) {
		if (elem_read(&c, k, v, (char *)*base + c.idx * k->size) == -1)
			return -1;
		c.idx++;
	}
	*n = count;
	return elem_sort(k, *base, count, err, errlen);
}

/* The root's three keys; any other is refused. */
struct root_keys {
	const cJSON	*version, *announcements, *changes;
};

static int
root_keys_read(const cJSON *root, struct root_keys *rk, char *err,
    size_t errlen)
{
	const cJSON *v;

	memset(rk, 0, sizeof(*rk));
	cJSON_ArrayForEach(v, root) {
		const cJSON **slot;

		if (strcmp(v->string, "version") == 0)
			slot = &rk->version;
		else if (strcmp(v->string, "announcements") == 0)
			slot = &rk->announcements;
		else if (strcmp(v->string, "changes") == 0)
			slot = &rk->changes;
		else
			return errmsg_fail(err, errlen, "%s: unknown key",
			    key_name(v->string));
		if (*slot != NULL)
			return errmsg_fail(err, errlen, "%s: given twice",
			    v->string);
		*slot = v;
	}
	return 0;
}

static int
root_read(const cJSON *root, struct ann_store *tmp, char *err, size_t errlen)
{
	struct root_keys rk;
	uint64_t u;
	void *base;
	int rc;

	if (!cJSON_IsObject(root))
		return errmsg_fail(err, errlen, "not a JSON object (want "
		    "{\"version\": %d, \"announcements\": [...], "
		    "\"changes\": [...]})", ANN_STORE_VERSION);
	if (root_keys_read(root, &rk, err, errlen) == -1)
		return -1;
	if (rk.version == NULL)
		return errmsg_fail(err, errlen, "version: missing");
	if (json_uint(rk.version, UINT32_MAX, &u) == -1 ||
	    u < ANN_STORE_VERSION_OLDEST || u > ANN_STORE_VERSION)
		return errmsg_fail(err, errlen, "version: not %d or %d (the "
		    "versions this daemon reads)", ANN_STORE_VERSION_OLDEST,
		    ANN_STORE_VERSION);
	if (rk.changes != NULL && u < 2)
		return errmsg_fail(err, errlen, "changes: not in version %d "
		    "(they came with version 2)", (int)u);
	if (rk.announcements == NULL)
		return errmsg_fail(err, errlen, "announcements: missing");
	rc = elems_read(rk.announcements, &entry_kind, &base, &tmp->n, err,
	    errlen);
	tmp->e = base;
	tmp->cap = tmp->n;
	if (rc == -1 || rk.changes == NULL)
		return rc;
	rc = elems_read(rk.changes, &change_kind, &base, &tmp->nc, err,
	    errlen);
	tmp->c = base;
	tmp->ccap = tmp->nc;
	return rc;
}

static unsigned
line_of(const char *buf, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

/* The one JSON value in buf, with only white space after it. */
static cJSON *
json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	const char *end = NULL, *nul;
	cJSON *root;
	size_t off;

	/* cJSON would end a string at a raw NUL and read on. */
	if (len > 0 && (nul = memchr(buf, '\0', len)) != NULL) {
		errmsg_fail(err, errlen, "line %u: a NUL byte",
		    line_of(buf, (size_t)(nul - buf)));
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	off = end != NULL && end >= buf && end <= buf + len ?
	    (size_t)(end - buf) : len;
	if (root == NULL) {
		errmsg_fail(err, errlen, "line %u: not valid JSON",
		    line_of(buf, off));
		return NULL;
	}
	for (; off < len; off++)
		if (strchr(" \t\r\n", buf[off]) == NULL) {
			errmsg_fail(err, errlen, "line %u: more after the JSON "
			    "object", line_of(buf, off));
			cJSON_Delete(root);
			return NULL;
		}
	return root;
}

/* On error s is left as it was. */
int
ann_store_parse(struct ann_store *s, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct ann_store tmp;
	cJSON *root;
	int rc;

	if ((root = json_parse(buf, len, err, errlen)) == NULL)
		return -1;
	memset(&tmp, 0, sizeof(tmp));
	rc = root_read(root, &tmp, err, errlen);
	cJSON_Delete(root);
	if (rc == -1) {
		free(tmp.e);
		free(tmp.c);
		return -1;
	}
	free(s->e);
	free(s->c);
	s->e = tmp.e;
	s->n = tmp.n;
	s->cap = tmp.cap;
	s->c = tmp.c;
	s->nc = tmp.nc;
	s->ccap = tmp.ccap;
	return 0;
}

int
ann_store_load(struct ann_store *s, char *err, size_t errlen)
{
	char *buf, msg[512];
	size_t len;
	int rc;

	ann_store_free(s);
	if (s->path[0] == '\0')
		return 0;
	if (readfile(s->path, ANN_STORE_MAX_BYTES, &buf, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		return errmsg_fail(err, errlen, "%s: %s", s->path,
		    readfile_strerror(errno));
	}
	rc = ann_store_parse(s, buf, len, msg, sizeof(msg));
	free(buf);
	if (rc == -1)
		return errmsg_fail(err, errlen, "%s: %s", s->path, msg);
	return 0;
}

/* ---- writing ---- */

static bool
json_add(cJSON *parent, const char *key, cJSON *item)
{
	cJSON_bool ok;

	if (item == NULL)
		return false;
	ok = key != NULL ? cJSON_AddItemToObject(parent, key, item) :
	    cJSON_AddItemToArray(parent, item);
	if (!ok)
		cJSON_Delete(item);
	return ok;
}

/* An array of n tuples of width numbers each. */
static cJSON *
json_numbers(const uint32_t *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		if (!json_add(arr, NULL, cJSON_CreateNumber(v[i]))) {
			cJSON_Delete(arr);
			return NULL;
		}
	return arr;
}

static cJSON *
json_communities(const struct ann_attrs *a)
{
	cJSON *arr = cJSON_CreateArray();
	uint32_t pair[2];
	size_t i;

	for (i = 0; arr != NULL && i < a->n_communities; i++) {
		pair[0] = a->communities[i] >> 16;
		pair[1] = a->communities[i] & 0xffff;
		if (!json_add(arr, NULL, json_numbers(pair, 2))) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

static cJSON *
json_large(const struct ann_attrs *a)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr != NULL && i < a->n_large; i++)
		if (!json_add(arr, NULL, json_numbers(a->large[i], 3))) {
			cJSON_Delete(arr);
			return NULL;
		}
	return arr;
}

static cJSON *
entry_json(const struct ann_entry *e)
{
	const struct ann_attrs *a = &e->attrs;
	cJSON *o = cJSON_CreateObject();
	char buf[PREFIX_STRLEN];
	bool ok;

	if (o == NULL)
		return NULL;
	ok = json_add(o, "prefix", cJSON_CreateString(prefix_format(
	    &e->prefix, buf, sizeof(buf)))) &&
	    json_add(o, "mux", cJSON_CreateString(e->mux[0] != '\0' ?
	    e->mux : ANN_STORE_MUX_ALL)) &&
	    json_add(o, "origin", cJSON_CreateNumber(a->origin)) &&
	    json_add(o, "prepend", cJSON_CreateNumber(a->prepend)) &&
	    json_add(o, "poisons", json_numbers(a->poisons, a->n_poisons)) &&
	    (!a->json_rule || json_add(o, "json_rule", cJSON_CreateTrue())) &&
	    json_add(o, "communities", json_communities(a)) &&
	    json_add(o, "large_communities", json_large(a)) &&
	    json_add(o, "container_nexthop",
	    cJSON_CreateBool(a->container_nexthop)) &&
	    json_add(o, "dataplane", cJSON_CreateBool(!e->no_dataplane)) &&
	    json_add(o, "last_change",
	    cJSON_CreateNumber((double)e->last_change));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* One entry per line, so the file reads and diffs well. */
static int
format_entries(struct strbuf *b, const struct ann_store *s)
{
	cJSON *o;
	char *line;
	size_t i;

	strbuf_printf(b, "\"announcements\":[");
	for (i = 0; i < s->n && !b->failed; i++) {
		if ((o = entry_json(&s->e[i])) == NULL ||
		    (line = cJSON_PrintUnformatted(o)) == NULL) {
			cJSON_Delete(o);
			return -1;
		}
		strbuf_printf(b, "%s\n%s", i > 0 ? "," : "", line);
		cJSON_free(line);
		cJSON_Delete(o);
	}
	strbuf_printf(b, "%s]", s->n > 0 ? "\n" : "");
	return 0;
}

/* A record's mux is a session name ([a-z0-9_-]): nothing to escape. */
static void
format_changes(struct strbuf *b, const struct ann_store *s)
{
	char pfx[PREFIX_STRLEN];
	size_t i;

	strbuf_printf(b, "\"changes\":[");
	for (i = 0; i < s->nc && !b->failed; i++)
		strbuf_printf(b, "%s\n{\"prefix\":\"%s\",\"mux\":\"%s\","
		    "\"at\":%lld}", i > 0 ? "," : "", prefix_format(
		    &s->c[i].prefix, pfx, sizeof(pfx)), s->c[i].mux,
		    (long long)s->c[i].at);
	strbuf_printf(b, "%s]", s->nc > 0 ? "\n" : "");
}

char *
ann_store_format(const struct ann_store *s)
{
	struct strbuf b;

	strbuf_init(&b);
	strbuf_printf(&b, "{\"version\":%d,", ANN_STORE_VERSION);
	if (format_entries(&b, s) == -1) {
		strbuf_free(&b);
		return NULL;
	}
	strbuf_printf(&b, ",");
	format_changes(&b, s);
	strbuf_printf(&b, "}\n");
	if (b.failed) {
		strbuf_free(&b);
		return NULL;
	}
	return b.s;
}

/* A store without a path is not persisted: nothing to do. */
int
ann_store_save(const struct ann_store *s, char *err, size_t errlen)
{
	char *text;
	int rc;

	if (s->path[0] == '\0')
		return 0;
	if ((text = ann_store_format(s)) == NULL)
		return errmsg_fail(err, errlen, "%s: out of memory", s->path);
	/* What load would refuse is never written over a good file. */
	if (strlen(text) > ANN_STORE_MAX_BYTES) {
		free(text);
		return errmsg_fail(err, errlen, "%s: the store needs more than "
		    "%d MiB", s->path, ANN_STORE_MAX_BYTES >> 20);
	}
	rc = atomicfile_write(s->path, text, strlen(text), err, errlen);
	free(text);
	return rc;
}
