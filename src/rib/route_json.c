/*
 * route_json_line: a path as JSON text. Most of a line is numbers and
 * fixed keys; they are written by hand, one step per group of fields,
 * straight into the output buffer, with room reserved first for the
 * most the path's attributes can take (line_bound).
 */
#include "route_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfilter.h"
#include "../bgp/aspath.h"
#include "../bgp/format.h"

struct jw {
	char	*p;		/* the next byte */
};

static inline void
put(struct jw *w, const char *s, size_t n)
{
	memcpy(w->p, s, n);
	w->p += n;
}

/* lit must be a string literal (sizeof of anything else is wrong). */
#define PUT(w, lit)	put((w), "" lit, sizeof(lit) - 1)

static inline void
put_u32(struct jw *w, uint32_t v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*w->p++ = tmp[--n];
}

/* A string known to need no escaping (addresses, prefixes, AS paths). */
static inline void
put_plain(struct jw *w, const char *s)
{
	*w->p++ = '"';
	put(w, s, strlen(s));
	*w->p++ = '"';
}

/* Escaped: at most 6 bytes per byte of s, plus quotes. */
static void
put_string(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*w->p++ = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*w->p++ = '\\';
			*w->p++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			/* Names are ASCII (config.c); anything else is shown
			 * as its byte, so the line stays valid UTF-8. */
			PUT(w, "\\u00");
			*w->p++ = hex[c >> 4];
			*w->p++ = hex[c & 15];
		} else
			*w->p++ = (char)c;
	}
	*w->p++ = '"';
}

void
route_json_string(struct strbuf *out, const char *s)
{
	size_t n = strlen(s) * 6 + 3;
	char stack[256], *buf = n <= sizeof(stack) ? stack : malloc(n);
	struct jw w = { buf };

	if (buf == NULL) {
		out->failed = true;
		return;
	}
	put_string(&w, s);
	strbuf_append(out, buf, (size_t)(w.p - buf));
	if (buf != stack)
		free(buf);
}

/* An IPv4 address, dotted (inet_ntop's snprintf is most of a line's
 * cost otherwise). */
static void
put_v4(struct jw *w, const uint8_t *a)
{
	for (unsigned k = 0; k < 4; k++) {
		if (k > 0)
			*w->p++ = '.';
		put_u32(w, a[k]);
	}
}

/* The AS path's text as bgp_format_aspath writes it ("1 2 {3 4}",
 * confederations "(1 2)" and "({1 2})"), without its snprintf per AS. */
static void
put_aspath_text(struct jw *w, struct rbuf path)
{
	struct aspath_iter it;
	struct aspath_seg s;
	bool first = true;

	aspath_iter_init(&it, path);
	while (aspath_iter_next(&it, &s) == 1) {
		bool set = s.type == BGP_AS_SET || s.type == BGP_AS_CONFED_SET;
		bool confed = s.type == BGP_AS_CONFED_SEQUENCE ||
		    s.type == BGP_AS_CONFED_SET;

		if (!first)
			*w->p++ = ' ';
		first = false;
		if (confed)
			*w->p++ = '(';
		if (set)
			*w->p++ = '{';
		for (unsigned k = 0; k < s.count; k++) {
			if (k > 0)
				*w->p++ = ' ';
			put_u32(w, aspath_seg_as(&s, k));
		}
		if (set)
			*w->p++ = '}';
		if (confed)
			*w->p++ = ')';
	}
}

/* Bytes the line can take at most, with these attributes. */
static size_t
line_bound(const struct rattrs_lists *a, const char *mux)
{
	/* A 4-byte AS: 10 digits and a separator in the text, the same in
	 * the array; a community 2 x 5 digits and 5 more bytes; a large
	 * one 3 x 10 and 6. */
	return 1024 + strlen(mux) * 6 + a->as_path.len / 4 * 24 +
	    a->as_path.len * 4 + a->communities.len / 4 * 16 +
	    a->large_communities.len / 12 * 40;
}

/* "prefix": IPv4 by hand, IPv6 through prefix_format. */
static void
put_prefix(struct jw *w, const struct prefix *p)
{
	char text[PREFIX_STRLEN];

	PUT(w, "{\"prefix\":");
	if (p->af != AF_IDX_IPV4) {
		put_plain(w, prefix_format(p, text, sizeof(text)));
		return;
	}
	*w->p++ = '"';
	put_v4(w, p->addr);
	*w->p++ = '/';
	put_u32(w, p->len);
	*w->p++ = '"';
}

/* "path_id", "mux", and "upstream_peer_id" when the next hop is one of
 * the PEERING formula's. */
static void
put_source(struct jw *w, const struct rattrs *ra, uint32_t path_id,
    const char *mux)
{
	long up;

	PUT(w, ",\"path_id\":");
	put_u32(w, path_id);
	PUT(w, ",\"mux\":");
	put_string(w, mux);
	if ((up = rfilter_upstream(ra)) >= 0) {
		PUT(w, ",\"upstream_peer_id\":");
		put_u32(w, (uint32_t)up);
	}
}

/* "next_hop", and "next_hop_link_local" when there is one. */
static void
put_next_hops(struct jw *w, const struct rattrs *ra)
{
	char text[ADDR_STRLEN];

	PUT(w, ",\"next_hop\":");
	if (ra->af == AF_IDX_IPV4) {
		*w->p++ = '"';
		put_v4(w, rattrs_nexthop(ra));
		*w->p++ = '"';
	} else
		put_plain(w, addr_format(ra->af, rattrs_nexthop(ra), text,
		    sizeof(text)));
	if (rattrs_nexthop_ll(ra) != NULL) {
		PUT(w, ",\"next_hop_link_local\":");
		put_plain(w, addr_format(AF_IDX_IPV6, rattrs_nexthop_ll(ra),
		    text, sizeof(text)));
	}
}

/* "as_path" as text, then "as_path_segments": each segment's type and
 * ASNs (AS_SETs intact). */
static void
put_aspath(struct jw *w, struct rbuf path)
{
	struct aspath_iter it;
	struct aspath_seg s;

	PUT(w, ",\"as_path\":\"");
	put_aspath_text(w, path);
	PUT(w, "\",\"as_path_segments\":[");
	aspath_iter_init(&it, path);
	for (size_t i = 0; aspath_iter_next(&it, &s) == 1; i++) {
		if (i > 0)
			*w->p++ = ',';
		PUT(w, "{\"type\":");
		put_plain(w, bgp_aspath_seg_name(s.type));
		PUT(w, ",\"asns\":[");
		for (unsigned k = 0; k < s.count; k++) {
			if (k > 0)
				*w->p++ = ',';
			put_u32(w, aspath_seg_as(&s, k));
		}
		PUT(w, "]}");
	}
	*w->p++ = ']';
}

/* "origin", "med" when there is one, "local_pref". */
static void
put_preference(struct jw *w, const struct rattrs *ra)
{
	PUT(w, ",\"origin\":");
	put_plain(w, bgp_origin_name(ra->origin));
	if (ra->flags & RATTRS_HAS_MED) {
		PUT(w, ",\"med\":");
		put_u32(w, ra->med);
	}
	PUT(w, ",\"local_pref\":");
	put_u32(w, ra->local_pref);
}

/* "communities": [[asn,value],...]. */
static void
put_communities(struct jw *w, struct rbuf list)
{
	PUT(w, ",\"communities\":[");
	for (size_t i = 0; i + 4 <= list.len; i += 4) {
		const uint8_t *c = list.p + i;

		*w->p++ = '[';
		put_u32(w, (uint32_t)c[0] << 8 | c[1]);
		*w->p++ = ',';
		put_u32(w, (uint32_t)c[2] << 8 | c[3]);
		*w->p++ = ']';
		if (i + 4 < list.len)
			*w->p++ = ',';
	}
	*w->p++ = ']';
}

/* "large_communities": [[global,local1,local2],...]. */
static void
put_large_communities(struct jw *w, struct rbuf list)
{
	PUT(w, ",\"large_communities\":[");
	for (size_t i = 0; i + 12 <= list.len; i += 12) {
		const uint8_t *c = list.p + i;

		for (unsigned k = 0; k < 3; k++) {
			*w->p++ = k == 0 ? '[' : ',';
			put_u32(w, (uint32_t)c[4 * k] << 24 |
			    (uint32_t)c[4 * k + 1] << 16 |
			    (uint32_t)c[4 * k + 2] << 8 | c[4 * k + 3]);
		}
		*w->p++ = ']';
		if (i + 12 < list.len)
			*w->p++ = ',';
	}
	*w->p++ = ']';
}

/* "best", "stale", and the line's end. */
static void
put_flags(struct jw *w, bool best, bool stale)
{
	if (best)
		PUT(w, ",\"best\":true");
	else
		PUT(w, ",\"best\":false");
	if (stale)
		PUT(w, ",\"stale\":true}\n");
	else
		PUT(w, ",\"stale\":false}\n");
}

void
route_json_line(const struct rib *r, const struct prefix *p,
    const struct rib_path *path, bool best, struct strbuf *out)
{
	const struct rattrs *ra = path->attrs;
	const char *mux = r->peers[path->peer].name;
	struct rattrs_lists a;
	struct jw w;
	char *buf;

	rattrs_lists(ra, &a);
	/* Straight into out: no copy of the line. */
	if ((buf = strbuf_reserve(out, line_bound(&a, mux))) == NULL)
		return;
	w.p = buf;
	put_prefix(&w, p);
	put_source(&w, ra, path->path_id, mux);
	put_next_hops(&w, ra);
	put_aspath(&w, a.as_path);
	put_preference(&w, ra);
	put_communities(&w, a.communities);
	put_large_communities(&w, a.large_communities);
	put_flags(&w, best, path->flags & RIB_PATH_STALE);
	strbuf_commit(out, (size_t)(w.p - buf));
}
