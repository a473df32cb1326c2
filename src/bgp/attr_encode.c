/* Path attributes into wire form, in canonical order (update.h): the walk;
 * each attribute's own encoder is in its row (attr.c). */
#include "attr.h"

#define OPT	BGP_ATTR_FLAG_OPTIONAL

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

/* Old speakers get the derived attributes too (AS4_PATH and
 * AS4_AGGREGATOR, made while AS_PATH and AGGREGATOR are written). */
static void
mark_derived(uint8_t *want)
{
	for (unsigned type = 0; type < attr_table_size; type++)
		if (attr_def_get(type) != NULL &&
		    (attr_table[type].props & ATTR_P_DERIVED))
			want[type >> 3] |= (uint8_t)(1u << (type & 7));
}

void
attrs_encode(struct wbuf *w, const struct bgp_attrs *a,
    const struct bgp_codec_opts *opts, bool with_mp)
{
	uint8_t order[BGP_MAX_UNKNOWN_ATTRS], as4buf[BGP_EXT_MAX_LEN];
	uint8_t want[sizeof(a->present)];
	struct attr_enc e = { .opts = opts };
	size_t n_unknown = unknown_order(a, order), u = 0;
	const struct attr_def *d;
	unsigned type, end;

	wbuf_init(&e.as4_path, as4buf, sizeof(as4buf));
	memcpy(want, a->present, sizeof(want));
	if (!opts->as4)
		mark_derived(want);
	/* Past the last row and the last unknown type nothing is left. */
	end = n_unknown > 0 && a->unknown[order[n_unknown - 1]].type >=
	    attr_table_size ? a->unknown[order[n_unknown - 1]].type + 1u :
	    attr_table_size;
	/* RFC 7606 5.1: the multiprotocol attributes first. */
	for (type = attr_bits_next(want, 0, attr_table_size); with_mp &&
	    type < attr_table_size;
	    type = attr_bits_next(want, type + 1, attr_table_size))
		if ((d = attr_def_get(type)) != NULL &&
		    (d->props & ATTR_P_FIRST))
			d->encode(w, a, &e);
	/* Then by type, unknown ones among them (a reserved type too). */
	for (type = attr_bits_next(want, 0, end); ;
	    type = attr_bits_next(want, type + 1, end)) {
		for (; u < n_unknown && a->unknown[order[u]].type <= type; u++) {
			const struct bgp_attr_raw *r = &a->unknown[order[u]];

			attr_put(w, r->flags, r->type, r->value.p, r->value.len);
		}
		if (type >= end)
			break;
		if ((d = attr_def_get(type)) != NULL &&
		    !(d->props & ATTR_P_FIRST))
			d->encode(w, a, &e);
	}
	if (e.as4_path.overflow)
		w->overflow = true;
}
