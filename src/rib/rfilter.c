/* Route filters (rfilter.h). */
#include "rfilter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bgp/aspath.h"
#include "../vpn/mux.h"

void
rfilter_init(struct rfilter *f)
{
	memset(f, 0, sizeof(*f));
	f->af = AF_IDX_COUNT;
	f->upstream = -1;
}

/* A decimal number up to max, all of s. */
static int
number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return (errno != 0 || *end != '\0' || *out > max) ? -1 : 0;
}

/* "A:B" (16-bit parts) or "A:B:C" (32-bit) into wire order. */
static int
community_parse(const char *s, unsigned parts, uint8_t *out)
{
	unsigned long long max = parts == 2 ? 0xffff : 0xffffffff, v;
	unsigned width = parts == 2 ? 2 : 4;
	char buf[48], *save = NULL, *tok;
	unsigned n = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	for (tok = strtok_r(buf, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		if (n == parts || number(tok, max, &v) == -1)
			return -1;
		for (unsigned k = 0; k < width; k++)
			out[n * width + k] = (uint8_t)(v >> (8 * (width - 1 -
			    k)));
		n++;
	}
	/* strtok_r skips empty fields: "1::2" must not pass. */
	return n == parts && strstr(s, "::") == NULL && s[0] != ':' &&
	    s[strlen(s) - 1] != ':' ? 0 : -1;
}

static int
bad(char *err, size_t errlen, const char *what, const char *value)
{
	snprintf(err, errlen, "bad %s: %s", what, value);
	return -1;
}

/* One filter by name and value text (both forms come here). */
static int
set(struct rfilter *f, const char *name, const char *v, char *err,
    size_t errlen)
{
	unsigned long long n;

	if (strcmp(name, "family") == 0) {
		if (strcmp(v, "ipv4") == 0)
			f->af = AF_IDX_IPV4;
		else if (strcmp(v, "ipv6") == 0)
			f->af = AF_IDX_IPV6;
		else
			return bad(err, errlen, "family (ipv4 or ipv6)", v);
	} else if (strcmp(name, "prefix") == 0 || strcmp(name, "in") == 0) {
		if (prefix_parse(v, false, &f->pfx) == -1)
			return bad(err, errlen, "prefix", v);
		f->range = name[0] == 'p' ? RFILTER_EXACT : RFILTER_IN;
	} else if (strcmp(name, "for") == 0) {
		if (addr_parse(v, &f->pfx) == -1 &&
		    prefix_parse(v, false, &f->pfx) == -1)
			return bad(err, errlen, "address", v);
		f->range = RFILTER_FOR;
	} else if (strcmp(name, "mux") == 0) {
		if (*v == '\0' || strlen(v) >= sizeof(f->mux))
			return bad(err, errlen, "mux", v);
		memcpy(f->mux, v, strlen(v) + 1);
	} else if (strcmp(name, "upstream") == 0) {
		if (number(v, MUX_PEERID_MAX, &n) == -1)
			return bad(err, errlen, "upstream peer id", v);
		f->upstream = (long)n;
	} else if (strcmp(name, "as") == 0 || strcmp(name, "origin-as") == 0 ||
	    strcmp(name, "origin_as") == 0) {
		if (number(v, 0xffffffff, &n) == -1 || n == 0)
			return bad(err, errlen, "AS number", v);
		*(name[0] == 'a' ? &f->as : &f->origin_as) = (uint32_t)n;
	} else if (strcmp(name, "community") == 0) {
		if (community_parse(v, 2, f->community) == -1)
			return bad(err, errlen, "community (A:B)", v);
		f->has_community = true;
	} else if (strcmp(name, "large-community") == 0 ||
	    strcmp(name, "large_community") == 0) {
		if (community_parse(v, 3, f->large) == -1)
			return bad(err, errlen, "large community (A:B:C)", v);
		f->has_large = true;
	} else
		return 0;
	return 1;
}

int
rfilter_word(struct rfilter *f, int argc, char **argv, int i, char *err,
    size_t errlen)
{
	static const char *const valued[] = { "for", "in", "mux",
	    "upstream", "as", "origin-as", "community", "large-community" };
	const char *w = argv[i];
	struct prefix p;

	if (strcmp(w, "ipv4") == 0 || strcmp(w, "ipv6") == 0)
		return set(f, "family", w, err, errlen);
	if (strcmp(w, "best") == 0 || strcmp(w, "primary") == 0) {
		f->best = true;
		return 1;
	}
	for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
		if (strcmp(w, valued[k]) != 0)
			continue;
		if (i + 1 >= argc) {
			snprintf(err, errlen, "%s needs a value", w);
			return -1;
		}
		return set(f, w, argv[i + 1], err, errlen) == -1 ? -1 : 2;
	}
	if (prefix_parse(w, false, &p) == 0)
		return set(f, "prefix", w, err, errlen);
	return 0;
}

int
rfilter_json(struct rfilter *f, const cJSON *o, char *err, size_t errlen)
{
	static const char *const names[] = { "family", "prefix", "for", "in",
	    "mux", "upstream", "as", "origin_as", "community",
	    "large_community" };
	const cJSON *v;
	char num[24];

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "the filters are not a JSON object");
		return -1;
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *text;

		if ((v = cJSON_GetObjectItemCaseSensitive(o, names[k])) == NULL)
			continue;
		if (cJSON_IsString(v))
			text = v->valuestring;
		else if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		    v->valuedouble <= 4294967295.0 &&
		    v->valuedouble == (double)(uint64_t)v->valuedouble) {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)v->valuedouble);
			text = num;
		} else
			return bad(err, errlen, names[k], "not a string or "
			    "number");
		if (set(f, names[k], text, err, errlen) == -1)
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "best")) != NULL) {
		if (!cJSON_IsBool(v))
			return bad(err, errlen, "best", "not true or false");
		f->best = cJSON_IsTrue(v);
	}
	return 0;
}

bool
rfilter_per_path(const struct rfilter *f)
{
	return f->mux[0] != '\0' || f->upstream >= 0 || f->as != 0 ||
	    f->origin_as != 0 || f->has_community || f->has_large || f->best;
}

void
rfilter_cursor(const struct rfilter *f, const struct rib *r,
    struct rib_cursor *c)
{
	const struct ptree_node *n;
	struct prefix p;

	switch (f->range) {
	case RFILTER_ALL:
		rib_cursor_init(c, f->af, NULL, false);
		break;
	case RFILTER_EXACT:
	case RFILTER_IN:
		rib_cursor_init(c, f->af, &f->pfx, f->range == RFILTER_EXACT);
		if (f->af != AF_IDX_COUNT && f->af != f->pfx.af)
			c->done = true;
		break;
	case RFILTER_FOR:
		n = ptree_match(&r->tree[f->pfx.af], &f->pfx);
		if (n != NULL)
			ptree_prefix(&r->tree[f->pfx.af], n, &p);
		rib_cursor_init(c, f->af, n != NULL ? &p : &f->pfx, true);
		if (n == NULL || (f->af != AF_IDX_COUNT && f->af != f->pfx.af))
			c->done = true;
		break;
	}
}

void
rfilter_reset(struct rfilter *f)
{
	f->last_attrs = NULL;
}

long
rfilter_upstream(const struct rattrs *ra)
{
	if (ra->af != AF_IDX_IPV4)
		return -1;
	return mux_upstream_peerid_v4(rattrs_nexthop(ra));
}

static bool
has_value(struct rbuf list, const uint8_t *v, size_t size)
{
	for (size_t i = 0; i + size <= list.len; i += size)
		if (memcmp(list.p + i, v, size) == 0)
			return true;
	return false;
}

/* The tests on the attribute set alone. */
static bool
attrs_pass(const struct rfilter *f, const struct rattrs *ra)
{
	struct rattrs_lists a;

	if (f->upstream >= 0 && rfilter_upstream(ra) != f->upstream)
		return false;
	if (f->as == 0 && f->origin_as == 0 && !f->has_community &&
	    !f->has_large)
		return true;
	rattrs_lists(ra, &a);
	if (f->as != 0 && !aspath_contains(a.as_path, f->as))
		return false;
	if (f->origin_as != 0 && aspath_origin_as(a.as_path) != f->origin_as)
		return false;
	if (f->has_community && !has_value(a.communities, f->community, 4))
		return false;
	if (f->has_large && !has_value(a.large_communities, f->large, 12))
		return false;
	return true;
}

bool
rfilter_path(struct rfilter *f, const struct rib *r,
    const struct rib_path *path, bool best)
{
	if (f->best && !best)
		return false;
	if (f->mux[0] != '\0' && strcmp(r->peers[path->peer].name, f->mux) != 0)
		return false;
	if (f->last_attrs != path->attrs) {
		f->last_attrs = path->attrs;
		f->last_ok = attrs_pass(f, path->attrs);
	}
	return f->last_ok;
}
