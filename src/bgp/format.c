/* Text forms of attributes, as BIRD prints them; each attribute's own
 * text writer, named in its row (attr.c); the `show route all` lines. */
#include "format.h"
#include "attr.h"
#include "aspath.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* An appender with snprintf's contract: counts what the whole text needs,
 * writes what fits, always NUL-terminated when size > 0. */
struct textbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

static void
tb_printf(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	size_t room = t->len < t->size ? t->size - t->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

static size_t
tb_finish(struct textbuf *t)
{
	if (t->size > 0 && t->len == 0)
		t->buf[0] = '\0';
	return t->len;
}

size_t
bgp_format_aspath(struct rbuf path4, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };
	struct aspath_iter it;
	struct aspath_seg s;
	const char *sep = "";

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1) {
		const char *open = "", *close = "";

		switch (s.type) {
		case BGP_AS_SET:
			open = "{", close = "}";
			break;
		case BGP_AS_CONFED_SEQUENCE:
			open = "(", close = ")";
			break;
		case BGP_AS_CONFED_SET:
			open = "({", close = "})";
			break;
		}
		tb_printf(&t, "%s%s", sep, open);
		for (unsigned i = 0; i < s.count; i++)
			tb_printf(&t, "%s%u", i ? " " : "", aspath_seg_as(&s, i));
		tb_printf(&t, "%s", close);
		sep = " ";
	}
	return tb_finish(&t);
}

size_t
bgp_format_communities(struct rbuf comms, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	for (size_t off = 0; off + 4 <= comms.len; off += 4)
		tb_printf(&t, "%s(%u,%u)", off ? " " : "",
		    load_u16(comms.p + off), load_u16(comms.p + off + 2));
	return tb_finish(&t);
}

size_t
bgp_format_large_communities(struct rbuf lc, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	for (size_t off = 0; off + 12 <= lc.len; off += 12)
		tb_printf(&t, "%s(%u, %u, %u)", off ? " " : "",
		    load_u32(lc.p + off), load_u32(lc.p + off + 4),
		    load_u32(lc.p + off + 8));
	return tb_finish(&t);
}

/* RFC 4360 3, RFC 5668: the route target and route origin kinds. */
static void
format_ext_one(struct textbuf *t, const uint8_t *ec)
{
	uint8_t type = ec[0] & 0x3f, sub = ec[1];
	const char *kind = sub == 0x02 ? "rt" : sub == 0x03 ? "ro" : NULL;

	if (kind != NULL && type == 0x00)
		tb_printf(t, "(%s, %u, %u)", kind, load_u16(ec + 2),
		    load_u32(ec + 4));
	else if (kind != NULL && type == 0x01)
		tb_printf(t, "(%s, %u.%u.%u.%u, %u)", kind, ec[2], ec[3], ec[4],
		    ec[5], load_u16(ec + 6));
	else if (kind != NULL && type == 0x02)
		tb_printf(t, "(%s, %u, %u)", kind, load_u32(ec + 2),
		    load_u16(ec + 6));
	else
		tb_printf(t, "(generic, 0x%x, 0x%x)", load_u32(ec),
		    load_u32(ec + 4));
}

size_t
bgp_format_ext_communities(struct rbuf ec, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	for (size_t off = 0; off + 8 <= ec.len; off += 8) {
		if (off)
			tb_printf(&t, " ");
		format_ext_one(&t, ec.p + off);
	}
	return tb_finish(&t);
}

const char *
bgp_origin_name(unsigned origin)
{
	static const char *const names[] = { "IGP", "EGP", "Incomplete" };

	return origin < 3 ? names[origin] : "?";
}

const char *
bgp_aspath_seg_name(unsigned type)
{
	switch (type) {
	case BGP_AS_SET:
		return "AS_SET";
	case BGP_AS_SEQUENCE:
		return "AS_SEQUENCE";
	case BGP_AS_CONFED_SEQUENCE:
		return "AS_CONFED_SEQUENCE";
	case BGP_AS_CONFED_SET:
		return "AS_CONFED_SET";
	}
	return "unknown";
}

/* ---- the attributes' own text writers (attr.h) ---- */

size_t
attr_text_as_path(const struct bgp_attrs *a, char *buf, size_t size)
{
	return bgp_format_aspath(a->as_path, buf, size);
}

size_t
attr_text_med(const struct bgp_attrs *a, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	tb_printf(&t, "%u", a->med);
	return tb_finish(&t);
}

size_t
attr_text_communities(const struct bgp_attrs *a, char *buf, size_t size)
{
	return bgp_format_communities(a->communities, buf, size);
}

size_t
attr_text_ext_communities(const struct bgp_attrs *a, char *buf, size_t size)
{
	return bgp_format_ext_communities(a->ext_communities, buf, size);
}

size_t
attr_text_large_communities(const struct bgp_attrs *a, char *buf,
    size_t size)
{
	return bgp_format_large_communities(a->large_communities, buf, size);
}

/* One row's text, whatever its length ("" when memory runs out). */
static void
text_line(const struct attr_def *d, const struct bgp_attrs *a,
    bgp_text_line_fn *line, void *ctx)
{
	char small[256], *big;
	size_t n;

	if ((n = d->text(a, small, sizeof(small))) < sizeof(small)) {
		line(ctx, d->text_key, small);
		return;
	}
	if ((big = malloc(n + 1)) == NULL) {
		line(ctx, d->text_key, "");
		return;
	}
	d->text(a, big, n + 1);
	line(ctx, d->text_key, big);
	free(big);
}

void
bgp_attrs_text_lines(const struct bgp_attrs *a, bgp_text_line_fn *line,
    void *ctx)
{
	uint8_t types[BGP_ATTR_SHOW_MAX];
	size_t n = attrs_show_order(a, types);

	for (size_t i = 0; i < n; i++) {
		const struct attr_def *d = attr_def_get(types[i]);

		if (d->text != NULL && d->text_key != NULL &&
		    bgp_attr_has(a, types[i]))
			text_line(d, a, line, ctx);
	}
}
