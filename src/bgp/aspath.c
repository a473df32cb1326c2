/* AS paths in their 4-octet wire form (RFC 4271 4.3, RFC 6793, RFC 5065). */
#include "aspath.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int
aspath_iter_next(struct aspath_iter *it, struct aspath_seg *seg)
{
	if (it->b.len == 0)
		return 0;
	if (it->b.len < 2 || it->b.p[1] == 0 ||
	    it->b.len - 2 < (size_t)it->b.p[1] * 4)
		return -1;
	seg->type = it->b.p[0];
	seg->count = it->b.p[1];
	seg->as = it->b.p + 2;
	rbuf_skip(&it->b, 2 + (size_t)seg->count * 4);
	return 1;
}

int
aspath_validate(struct rbuf path, unsigned as_size, const char **reason)
{
	while (path.len > 0) {
		uint8_t type, count;

		/* RFC 7606 7.2: a lone trailing octet is an underrun. */
		if (rbuf_get_u8(&path, &type) == -1 ||
		    rbuf_get_u8(&path, &count) == -1) {
			*reason = "AS_PATH segment header truncated";
			return -1;
		}
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET) {
			*reason = "unknown AS_PATH segment type";
			return -1;
		}
		if (count == 0) {
			*reason = "empty AS_PATH segment";
			return -1;
		}
		if (path.len < (size_t)count * as_size) {
			*reason = "AS_PATH segment overruns the attribute";
			return -1;
		}
		for (unsigned i = 0; i < count; i++, rbuf_skip(&path, as_size))
			if ((as_size == 4 ? load_u32(path.p) :
			    load_u16(path.p)) == 0) {
				/* RFC 7607 2 */
				*reason = "AS number 0 in an AS path";
				return -1;
			}
	}
	return 0;
}

static bool
seg_is_confed(uint8_t type)
{
	return type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET;
}

bool
aspath_has_confed(struct rbuf path4)
{
	struct aspath_iter it;
	struct aspath_seg s;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1)
		if (seg_is_confed(s.type))
			return true;
	return false;
}

static unsigned
seg_length(const struct aspath_seg *s)
{
	if (seg_is_confed(s->type))
		return 0;
	return s->type == BGP_AS_SET ? 1 : s->count;
}

unsigned
aspath_length(struct rbuf path4)
{
	struct aspath_iter it;
	struct aspath_seg s;
	unsigned n = 0;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1)
		n += seg_length(&s);
	return n;
}

uint32_t
aspath_first_as(struct rbuf path4)
{
	struct aspath_iter it;
	struct aspath_seg s;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1) {
		if (s.type == BGP_AS_SEQUENCE)
			return aspath_seg_as(&s, 0);
		if (!seg_is_confed(s.type))
			return 0;
	}
	return 0;
}

uint32_t
aspath_origin_as(struct rbuf path4)
{
	struct aspath_iter it;
	struct aspath_seg s;
	uint32_t origin = 0;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1)
		origin = s.type == BGP_AS_SEQUENCE ?
		    aspath_seg_as(&s, s.count - 1u) : 0;
	return origin;
}

bool
aspath_contains(struct rbuf path4, uint32_t as)
{
	struct aspath_iter it;
	struct aspath_seg s;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1)
		for (unsigned i = 0; i < s.count; i++)
			if (aspath_seg_as(&s, i) == as)
				return true;
	return false;
}

void
aspath_widen(struct rbuf path2, struct wbuf *out)
{
	while (path2.len >= 2) {
		uint8_t type = path2.p[0], count = path2.p[1];

		if (path2.len - 2 < (size_t)count * 2)
			return;
		wbuf_put_u8(out, type);
		wbuf_put_u8(out, count);
		for (unsigned i = 0; i < count; i++)
			wbuf_put_u32(out, load_u16(path2.p + 2 + 2 * i));
		rbuf_skip(&path2, 2 + (size_t)count * 2);
	}
}

bool
aspath_narrow(struct rbuf path4, struct wbuf *out)
{
	struct aspath_iter it;
	struct aspath_seg s;
	bool trans = false;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1) {
		wbuf_put_u8(out, s.type);
		wbuf_put_u8(out, s.count);
		for (unsigned i = 0; i < s.count; i++) {
			uint32_t as = aspath_seg_as(&s, i);

			if (as > 0xffff) {
				as = BGP_AS_TRANS;
				trans = true;
			}
			wbuf_put_u16(out, (uint16_t)as);
		}
	}
	return trans;
}

static void
seg_put(struct wbuf *out, uint8_t type, const uint8_t *as, unsigned count)
{
	wbuf_put_u8(out, type);
	wbuf_put_u8(out, (uint8_t)count);
	wbuf_put_bytes(out, as, (size_t)count * 4);
}

void
aspath_strip_confed(struct rbuf path4, struct wbuf *out)
{
	struct aspath_iter it;
	struct aspath_seg s;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1)
		if (!seg_is_confed(s.type))
			seg_put(out, s.type, s.as, s.count);
}

/*
 * Writes a segment, joining an AS_SEQUENCE onto the AS_SEQUENCE written
 * just before it (at *last) while the count fits, so that merged paths
 * have one canonical form.
 */
static void
seg_put_joined(struct wbuf *out, size_t *last, uint8_t type, const uint8_t *as,
    unsigned count)
{
	while (count > 0) {
		unsigned room = 0, n;

		if (type == BGP_AS_SEQUENCE && *last != SIZE_MAX &&
		    !out->overflow && out->p[*last] == BGP_AS_SEQUENCE)
			room = 255u - out->p[*last + 1];
		if (room == 0) {
			*last = out->len;
			n = count > 255 ? 255 : count;
			seg_put(out, type, as, n);
		} else {
			n = count > room ? room : count;
			wbuf_patch_u8(out, *last + 1,
			    (uint8_t)(out->p[*last + 1] + n));
			wbuf_put_bytes(out, as, (size_t)n * 4);
		}
		as += (size_t)n * 4;
		count -= n;
		if (type != BGP_AS_SEQUENCE)
			*last = SIZE_MAX;
	}
}

void
aspath_merge_as4(struct rbuf path4, struct rbuf as4_path, struct wbuf *out)
{
	struct aspath_iter it;
	struct aspath_seg s;
	unsigned n_path = aspath_length(path4);
	unsigned n_as4 = aspath_length(as4_path), take;
	size_t last = SIZE_MAX;

	/* RFC 6793 4.2.3: a longer AS4_PATH is ignored. */
	if (n_path < n_as4) {
		wbuf_put_bytes(out, path4.p, path4.len);
		return;
	}
	/* The leading (n_path - n_as4) numbers of AS_PATH, then AS4_PATH.
	 * Confederation segments before the cut count nothing and are kept. */
	take = n_path - n_as4;
	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1) {
		unsigned len = seg_length(&s);

		if (seg_is_confed(s.type)) {
			seg_put_joined(out, &last, s.type, s.as, s.count);
			continue;
		}
		if (take == 0)
			break;
		if (s.type == BGP_AS_SEQUENCE && len > take) {
			seg_put_joined(out, &last, s.type, s.as, take);
			take = 0;
			break;
		}
		seg_put_joined(out, &last, s.type, s.as, s.count);
		take -= len;
	}
	/* Confederation segments are never taken from AS4_PATH. */
	aspath_iter_init(&it, as4_path);
	while (aspath_iter_next(&it, &s) == 1)
		if (!seg_is_confed(s.type))
			seg_put_joined(out, &last, s.type, s.as, s.count);
}

void
aspath_encode_seq(struct wbuf *out, const uint32_t *as, size_t n)
{
	while (n > 0) {
		unsigned count = n > 255 ? 255 : (unsigned)n;

		wbuf_put_u8(out, BGP_AS_SEQUENCE);
		wbuf_put_u8(out, (uint8_t)count);
		for (unsigned i = 0; i < count; i++)
			wbuf_put_u32(out, as[i]);
		as += count;
		n -= count;
	}
}

/* Reads one AS number; advances *s past it. */
static int
parse_asn(const char **s, uint32_t *as)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	v = strtoul(*s, &end, 10);
	if (errno != 0 || v > UINT32_MAX)
		return -1;
	*as = (uint32_t)v;
	*s = end;
	return 0;
}

static const char *
skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* Reads the numbers of one segment up to `close`, writing the segment. */
static int
parse_segment(const char **s, uint8_t type, const char *close,
    struct wbuf *out)
{
	uint32_t as[255];
	unsigned n = 0;
	size_t clen = strlen(close);

	for (;;) {
		*s = skip_spaces(*s);
		if (strncmp(*s, close, clen) == 0) {
			*s += clen;
			break;
		}
		if (n == 255 || parse_asn(s, &as[n++]) == -1)
			return -1;
	}
	if (n == 0)
		return -1;
	wbuf_put_u8(out, type);
	wbuf_put_u8(out, (uint8_t)n);
	for (unsigned i = 0; i < n; i++)
		wbuf_put_u32(out, as[i]);
	return 0;
}

int
aspath_parse_text(const char *s, struct wbuf *out)
{
	uint32_t seq[255];
	unsigned n = 0;

	for (;;) {
		int rc = 0;

		s = skip_spaces(s);
		if (isdigit((unsigned char)*s)) {
			if (n == 255) {
				aspath_encode_seq(out, seq, n);
				n = 0;
			}
			if (parse_asn(&s, &seq[n++]) == -1)
				return -1;
			if (*s != ' ' && *s != '\0')
				return -1;
			continue;
		}
		if (n > 0) {
			aspath_encode_seq(out, seq, n);
			n = 0;
		}
		if (*s == '\0')
			break;
		if (strncmp(s, "({", 2) == 0) {
			s += 2;
			rc = parse_segment(&s, BGP_AS_CONFED_SET, "})", out);
		} else if (*s == '(') {
			s++;
			rc = parse_segment(&s, BGP_AS_CONFED_SEQUENCE, ")", out);
		} else if (*s == '{') {
			s++;
			rc = parse_segment(&s, BGP_AS_SET, "}", out);
		} else
			return -1;
		if (rc == -1)
			return -1;
	}
	return out->overflow ? -1 : 0;
}
