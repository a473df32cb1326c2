/* Path attributes into wire form, in canonical order (update.h): the walk;
 * each attribute's own encoder is in its row (attr.c). */
#include "attr.h"

#define OPT	BGP_ATTR_FLAG_OPTIONAL

void
attr_put_header(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	flags &= (uint8_t)~BGP_ATTR_FLAG_EXTLEN;
	if (len > 255) {
		wbuf_put_u8(w, flags | BGP_ATTR_FLAG_EXTLEN);
		wbuf_put_u8(w, type);
		wbuf_put_u16(w, (uint16_t)len);
	} else {
		wbuf_put_u8(w, flags);
		wbuf_put_u8(w, type);
		wbuf_put_u8(w, (uint8_t)len);
	}
}

void
attr_put(struct wbuf *w, uint8_t flags, uint8_t type, const void *v,
    size_t len)
{
	if (len > UINT16_MAX) {
		w->overflow = true;
		return;
	}
	attr_put_header(w, flags, type, len);
	wbuf_put_bytes(w, v, len);
}

void
attr_put_mp_reach(struct wbuf *w, const struct bgp_mp_nlri *mp)
{
	size_t nh_len = mp->af < 0 ? mp->nh_raw.len : mp->nh_len;

	attr_put_header(w, OPT, BGP_ATTR_MP_REACH, 5 + nh_len + mp->nlri.len);
	wbuf_put_u16(w, mp->afi);
	wbuf_put_u8(w, mp->safi);
	wbuf_put_u8(w, (uint8_t)nh_len);
	if (mp->af < 0)
		wbuf_put_bytes(w, mp->nh_raw.p, mp->nh_raw.len);
	else {
		wbuf_put_bytes(w, mp->nexthop, nh_len > 16 ? 16 : nh_len);
		if (nh_len == 32)
			wbuf_put_bytes(w, mp->nexthop_ll, 16);
	}
	wbuf_put_u8(w, 0);
	wbuf_put_bytes(w, mp->nlri.p, mp->nlri.len);
}

void
attr_put_mp_unreach(struct wbuf *w, const struct bgp_mp_nlri *mp)
{
	attr_put_header(w, OPT, BGP_ATTR_MP_UNREACH, 3 + mp->nlri.len);
	wbuf_put_u16(w, mp->afi);
	wbuf_put_u8(w, mp->safi);
	wbuf_put_bytes(w, mp->nlri.p, mp->nlri.len);
}

/* The unknown attributes sorted by type, by index (few; insertion sort). */
static size_t
unknown_order(const struct bgp_attrs *a, uint8_t *order)
{
	size_t n = a->n_unknown;

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 && a->unknown[order[j - 1]].type >
		    a->unknown[i].type) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = (uint8_t)i;
	}
	return n;
}

void
attrs_encode(struct wbuf *w, const struct bgp_attrs *a,
    const struct bgp_codec_opts *opts, bool with_mp)
{
	uint8_t order[BGP_MAX_UNKNOWN_ATTRS], as4buf[BGP_EXT_MAX_LEN];
	struct attr_enc e = { .opts = opts };
	size_t n_unknown = unknown_order(a, order), u = 0;
	const struct attr_def *d;

	wbuf_init(&e.as4_path, as4buf, sizeof(as4buf));
	/* RFC 7606 5.1: the multiprotocol attributes first. */
	for (unsigned type = 0; with_mp && type < attr_table_size; type++)
		if ((d = attr_def_get(type)) != NULL &&
		    (d->props & ATTR_P_FIRST) && bgp_attr_has(a, type))
			d->encode(w, a, &e);
	/* From 0: a reserved type is still an unknown attribute to pass on. */
	for (unsigned type = 0; type <= 255; type++) {
		for (; u < n_unknown && a->unknown[order[u]].type == type; u++) {
			const struct bgp_attr_raw *r = &a->unknown[order[u]];

			attr_put(w, r->flags, r->type, r->value.p, r->value.len);
		}
		if ((d = attr_def_get(type)) != NULL &&
		    !(d->props & ATTR_P_FIRST) && (bgp_attr_has(a, type) ||
		    (d->props & ATTR_P_DERIVED)))
			d->encode(w, a, &e);
		/* Past the last known type only unknown ones remain. */
		if (type + 1 >= attr_table_size && u == n_unknown)
			break;
	}
	if (e.as4_path.overflow)
		w->overflow = true;
}
