/*
 * var/announcements.json: the announcement store (ann_store.c) written
 * atomically and read back strictly.
 *
 * The file (docs/announce-store.md), one announcement per line:
 *
 *	{"version":1,"announcements":[
 *	{"prefix":"184.164.224.0/24","mux":"all","origin":47065,"prepend":0,
 *	 "poisons":[],"communities":[[47065,1]],"large_communities":[],
 *	 "container_nexthop":false,"dataplane":true,"last_change":1700000000},
 *	...
 *	]}
 *
 * "mux" is "all" (ANN_MUX_ALL) or a mux name; "poisons" and "origin" are
 * 32-bit AS numbers; "communities" are [asn, value] pairs of 16-bit
 * numbers; "large_communities" [a, b, c] triples of 32-bit numbers;
 * "prepend" 0..4; "last_change" whole seconds since 1970 (up to the end of
 * the year 9999); "json_rule" true for the AS path rule of JSON files.
 * Only "prefix" is
 * required in an entry; the others default as ann_attrs_init() and a
 * dataplane, never changed. The writer always writes every key but
 * "json_rule", which it writes only when true (so files from before it
 * stay byte for byte), entries sorted by (family, address, length, mux),
 * so the same store always makes the same bytes.
 *
 * Reading is strict and all or nothing: an unknown or repeated key, a
 * wrong type, a number out of range or not whole, a prefix with host bits,
 * a (prefix, mux) given twice or more than ANN_STORE_MAX entries refuse the
 * whole file with one line naming the place ("announcements[3].origin:
 * not a 32-bit AS number"). A daemon that half-read its desired state
 * would withdraw what the user asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../lib/errmsg.h"
#include "../lib/readfile.h"
#include "../lib/strbuf.h"
#include "../vpn/mux.h"
#include "ann_store.h"

#define ANN_STORE_MAX_BYTES	(64 * 1024 * 1024)	/* the whole file */
#define ANN_STORE_VERSION	1

/* ---- reading ---- */

static int
entry_cmp(const struct ann_entry *a, const struct ann_entry *b)
{
	return ann_store_key_cmp(&a->prefix, a->mux, &b->prefix, b->mux);
}

struct pctx {
	char	*err;
	size_t	 errlen;
	size_t	 idx;		/* the entry being read */
};

/* "announcements[3].origin: ..."; key NULL names the entry itself. */
static int
entry_err(struct pctx *c, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errmsg_fail(c->err, c->errlen, "announcements[%zu]%s%s: %s",
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

typedef int	entry_key_fn(struct pctx *, const char *, const cJSON *,
		    struct ann_entry *);

static int
key_prefix(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	if (!cJSON_IsString(v))
		return entry_err(c, key, "not a string");
	if (prefix_parse(v->valuestring, true, &e->prefix) == 0)
		return 0;
	if (prefix_parse(v->valuestring, false, &p) == 0)
		return entry_err(c, key, "host bits set (the prefix is %s)",
		    prefix_format(&p, buf, sizeof(buf)));
	return entry_err(c, key, "not a prefix");
}

static int
key_mux(struct pctx *c, const char *key, const cJSON *v, struct ann_entry *e)
{
	const char *m;

	if (!cJSON_IsString(v))
		return entry_err(c, key, "not a string");
	m = v->valuestring;
	if (strcmp(m, ANN_STORE_MUX_ALL) == 0)
		m = ANN_MUX_ALL;
	else if (!mux_name_valid(m))
		return entry_err(c, key, "not \"all\" or a mux name "
		    "([a-z0-9_-], at most %d characters)", MUX_NAME_MAX);
	snprintf(e->mux, sizeof(e->mux), "%s", m);
	return 0;
}

static int
key_origin(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	return json_asn(c, key, v, &e->attrs.origin);
}

static int
key_prepend(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	uint64_t u;

	if (json_uint(v, ANN_MAX_PREPEND, &u) == -1)
		return entry_err(c, key, "not a number 0..%d",
		    ANN_MAX_PREPEND);
	e->attrs.prepend = (uint8_t)u;
	return 0;
}

static int
key_poisons(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
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
    struct ann_entry *e)
{
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
    struct ann_entry *e)
{
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
    struct ann_entry *e)
{
	return json_bool(c, key, v, &e->attrs.container_nexthop);
}

static int
key_json_rule(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	return json_bool(c, key, v, &e->attrs.json_rule);
}

static int
key_dataplane(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	bool dp = true;

	if (json_bool(c, key, v, &dp) == -1)
		return -1;
	e->no_dataplane = !dp;
	return 0;
}

static int
key_last_change(struct pctx *c, const char *key, const cJSON *v,
    struct ann_entry *e)
{
	uint64_t u;

	if (json_uint(v, ANN_STORE_TIME_MAX, &u) == -1)
		return entry_err(c, key, "not a time (whole seconds since "
		    "1970, before the year 10000)");
	e->last_change = (time_t)u;
	return 0;
}

/* The keys of an entry, in the order they are written. */
static const struct {
	const char	*name;
	entry_key_fn	*read;
} entry_keys[] = {
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
#define N_ENTRY_KEYS	(sizeof(entry_keys) / sizeof(entry_keys[0]))

static int
entry_read_key(struct pctx *c, const cJSON *v, struct ann_entry *e,
    unsigned *seen)
{
	size_t i;

	for (i = 0; i < N_ENTRY_KEYS; i++)
		if (strcmp(v->string, entry_keys[i].name) == 0)
			break;
	if (i == N_ENTRY_KEYS)
		return entry_err(c, key_name(v->string), "unknown key");
	if (*seen & 1u << i)
		return entry_err(c, entry_keys[i].name, "given twice");
	*seen |= 1u << i;
	return entry_keys[i].read(c, entry_keys[i].name, v, e);
}

static int
entry_read(struct pctx *c, const cJSON *obj, struct ann_entry *e)
{
	const cJSON *v;
	unsigned seen = 0;

	memset(e, 0, sizeof(*e));
	ann_attrs_init(&e->attrs);
	if (!cJSON_IsObject(obj))
		return entry_err(c, NULL, "not an object");
	cJSON_ArrayForEach(v, obj)
		if (entry_read_key(c, v, e, &seen) == -1)
			return -1;
	if (!(seen & 1u))		/* entry_keys[0] */
		return entry_err(c, "prefix", "missing");
	return 0;
}

static int
ptr_cmp(const void *a, const void *b)
{
	const struct ann_entry *ea = *(const struct ann_entry *const *)a;
	const struct ann_entry *eb = *(const struct ann_entry *const *)b;
	int c;

	if ((c = entry_cmp(ea, eb)) != 0)
		return c;
	/* File order among equals, so the later one is named. */
	return ea < eb ? -1 : ea > eb;
}

/* Moves e[i] to where order[i] points, following each cycle once. */
static void
store_permute(struct ann_entry *e, struct ann_entry **order, size_t n)
{
	struct ann_entry saved;
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (order[i] == NULL)
			continue;
		saved = e[i];
		for (j = i;; j = k) {
			k = (size_t)(order[j] - e);
			order[j] = NULL;
			if (k == i) {
				e[j] = saved;
				break;
			}
			e[j] = e[k];
		}
	}
}

/* Sorts the entries read in file order; a (prefix, mux) twice is an
 * error naming the first entry that repeats an earlier one. */
static int
store_sort(struct ann_entry *e, size_t n, char *err, size_t errlen)
{
	struct ann_entry **order;
	char buf[PREFIX_STRLEN];
	size_t i, dup = n, later;

	if (n < 2)
		return 0;
	if ((order = malloc(n * sizeof(*order))) == NULL)
		return errmsg_fail(err, errlen, "out of memory");
	for (i = 0; i < n; i++)
		order[i] = &e[i];
	qsort(order, n, sizeof(*order), ptr_cmp);
	for (i = 1; i < n; i++) {
		later = (size_t)(order[i] - e);
		if (entry_cmp(order[i - 1], order[i]) == 0 && later < dup)
			dup = later;
	}
	if (dup < n) {
		free(order);
		return errmsg_fail(err, errlen, "announcements[%zu]: %s mux %s "
		    "given twice", dup, prefix_format(&e[dup].prefix, buf,
		    sizeof(buf)), e[dup].mux[0] != '\0' ? e[dup].mux :
		    ANN_STORE_MUX_ALL);
	}
	store_permute(e, order, n);
	free(order);
	return 0;
}

static int
entries_read(const cJSON *arr, struct ann_store *tmp, char *err,
    size_t errlen)
{
	struct pctx c = { err, errlen, 0 };
	const cJSON *v;
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return errmsg_fail(err, errlen, "announcements: not an array");
	cJSON_ArrayForEach(v, arr)
		if (++n > ANN_STORE_MAX)
			return errmsg_fail(err, errlen, "announcements: more "
			    "than %d entries", ANN_STORE_MAX);
	if (n > 0 && (tmp->e = calloc(n, sizeof(*tmp->e))) == NULL)
		return errmsg_fail(err, errlen, "out of memory");
	tmp->cap = n;
	cJSON_ArrayForEach(v, arr) {
		if (entry_read(&c, v, &tmp->e[c.idx]) == -1)
			return -1;
		c.idx++;
	}
	tmp->n = n;
	return store_sort(tmp->e, n, err, errlen);
}

static int
root_read(const cJSON *root, struct ann_store *tmp, char *err, size_t errlen)
{
	const cJSON *v, *version = NULL, *arr = NULL;
	uint64_t u;

	if (!cJSON_IsObject(root))
		return errmsg_fail(err, errlen, "not a JSON object (want "
		    "{\"version\": 1, \"announcements\": [...]})");
	cJSON_ArrayForEach(v, root) {
		const cJSON **slot;

		if (strcmp(v->string, "version") == 0)
			slot = &version;
		else if (strcmp(v->string, "announcements") == 0)
			slot = &arr;
		else
			return errmsg_fail(err, errlen, "%s: unknown key",
			    key_name(v->string));
		if (*slot != NULL)
			return errmsg_fail(err, errlen, "%s: given twice",
			    v->string);
		*slot = v;
	}
	if (version == NULL)
		return errmsg_fail(err, errlen, "version: missing");
	if (json_uint(version, UINT32_MAX, &u) == -1 ||
	    u != ANN_STORE_VERSION)
		return errmsg_fail(err, errlen, "version: not %d (the only "
		    "version this daemon reads)", ANN_STORE_VERSION);
	if (arr == NULL)
		return errmsg_fail(err, errlen, "announcements: missing");
	return entries_read(arr, tmp, err, errlen);
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
		return -1;
	}
	free(s->e);
	s->e = tmp.e;
	s->n = tmp.n;
	s->cap = tmp.cap;
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
char *
ann_store_format(const struct ann_store *s)
{
	struct strbuf b;
	cJSON *o;
	char *line;
	size_t i;

	strbuf_init(&b);
	strbuf_printf(&b, "{\"version\":%d,\"announcements\":[",
	    ANN_STORE_VERSION);
	for (i = 0; i < s->n && !b.failed; i++) {
		if ((o = entry_json(&s->e[i])) == NULL ||
		    (line = cJSON_PrintUnformatted(o)) == NULL) {
			cJSON_Delete(o);
			strbuf_free(&b);
			return NULL;
		}
		strbuf_printf(&b, "%s\n%s", i > 0 ? "," : "", line);
		cJSON_free(line);
		cJSON_Delete(o);
	}
	strbuf_printf(&b, "%s]}\n", s->n > 0 ? "\n" : "");
	if (b.failed) {
		strbuf_free(&b);
		return NULL;
	}
	return b.s;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The rename is durable only once the directory is on disk. */
static int
fsync_dir(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errmsg_fail(err, errlen, "%s: open: %s", dir,
		    strerror(errno));
	rc = fsync(fd);
	if (rc == -1)
		errmsg_fail(err, errlen, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* Writes text to tmp and renames it over path; tmp never outlives a
 * failure, and path is either the old file or the new one. */
static int
file_replace(const char *path, const char *tmp, const char *text,
    char *err, size_t errlen)
{
	const char *op = NULL;
	int fd, saved = 0;

	/* No symlink followed; fchmod since O_TRUNC keeps an old mode. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return errmsg_fail(err, errlen, "%s: open: %s", tmp,
		    strerror(errno));
	if (fchmod(fd, 0600) == -1)
		op = "fchmod";
	else if (write_all(fd, text, strlen(text)) == -1)
		op = "write";
	else if (fsync(fd) == -1)
		op = "fsync";
	saved = errno;
	if (close(fd) == -1 && op == NULL) {
		op = "close";
		saved = errno;
	}
	if (op == NULL && rename(tmp, path) == -1) {
		op = "rename";
		saved = errno;
	}
	if (op != NULL) {
		unlink(tmp);
		return errmsg_fail(err, errlen, "%s: %s%s%s: %s", tmp, op,
		    op[0] == 'r' ? " to " : "", op[0] == 'r' ? path : "",
		    strerror(saved));
	}
	return fsync_dir(path, err, errlen);
}

/* A store without a path is not persisted: nothing to do. */
int
ann_store_save(const struct ann_store *s, char *err, size_t errlen)
{
	char tmp[sizeof(s->path) + 4];
	char *text;
	int rc;

	if (s->path[0] == '\0')
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", s->path) >=
	    sizeof(tmp))
		return errmsg_fail(err, errlen, "%s: path too long", s->path);
	if ((text = ann_store_format(s)) == NULL)
		return errmsg_fail(err, errlen, "%s: out of memory", s->path);
	/* What load would refuse is never written over a good file. */
	if (strlen(text) > ANN_STORE_MAX_BYTES) {
		free(text);
		return errmsg_fail(err, errlen, "%s: the store needs more than "
		    "%d MiB", s->path, ANN_STORE_MAX_BYTES >> 20);
	}
	rc = file_replace(s->path, tmp, text, err, errlen);
	free(text);
	return rc;
}
