/* UPDATE encoding, End-of-RIB, value equality and pass-through. */
#include "attr.h"
#include "msg.h"

void
bgp_update_encode(struct wbuf *w, const struct bgp_update *u,
    const struct bgp_codec_opts *opts)
{
	size_t start = bgp_msg_start(w, BGP_UPDATE), alen_at, attrs_start;
	size_t max = opts->max_len ? opts->max_len : BGP_MAX_LEN;

	wbuf_put_u16(w, (uint16_t)u->withdrawn.len);
	wbuf_put_bytes(w, u->withdrawn.p, u->withdrawn.len);
	alen_at = w->len;
	wbuf_put_u16(w, 0);
	attrs_start = w->len;
	attrs_encode(w, &u->attrs, opts, true);
	if (w->len - attrs_start > UINT16_MAX)
		w->overflow = true;
	wbuf_patch_u16(w, alen_at, (uint16_t)(w->len - attrs_start));
	wbuf_put_bytes(w, u->nlri.p, u->nlri.len);
	bgp_msg_finish(w, start);
	if (!w->overflow && w->len - start > max)
		w->overflow = true;
}

void
bgp_attrs_encode_block(struct wbuf *w, const struct bgp_attrs *a)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true,
	    .max_len = BGP_EXT_MAX_LEN };

	attrs_encode(w, a, &opts, false);
}

void
bgp_eor_encode(struct wbuf *w, unsigned af)
{
	size_t start = bgp_msg_start(w, BGP_UPDATE), attrs_start;
	struct bgp_mp_nlri mp;

	wbuf_put_u16(w, 0);
	if (af == AF_IDX_IPV4) {
		wbuf_put_u16(w, 0);
	} else {
		memset(&mp, 0, sizeof(mp));
		mp.afi = bgp_af_afi(af);
		mp.safi = BGP_SAFI_UNICAST;
		wbuf_put_u16(w, 0);
		attrs_start = w->len;
		attr_put_mp_unreach(w, &mp);
		wbuf_patch_u16(w, attrs_start - 2,
		    (uint16_t)(w->len - attrs_start));
	}
	bgp_msg_finish(w, start);
}

static bool
unknown_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	if (a->n_unknown != b->n_unknown)
		return false;
	/* Compared as sets: encoding sorts them by type. */
	for (size_t i = 0; i < a->n_unknown; i++) {
		const struct bgp_attr_raw *x = &a->unknown[i];
		bool found = false;

		for (size_t j = 0; j < b->n_unknown && !found; j++)
			found = x->type == b->unknown[j].type &&
			    x->flags == b->unknown[j].flags &&
			    rbuf_equal(x->value, b->unknown[j].value);
		if (!found)
			return false;
	}
	return true;
}

/* The same attributes with the same values, each compared by its row. */
static bool
attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	if (memcmp(a->present, b->present, sizeof(a->present)) != 0)
		return false;
	for (size_t i = 0; i < sizeof(a->partial); i++)
		if ((a->partial[i] & a->present[i]) !=
		    (b->partial[i] & b->present[i]))
			return false;
	for (unsigned type = attr_bits_next(a->present, 0, attr_table_size);
	    type < attr_table_size;
	    type = attr_bits_next(a->present, type + 1, attr_table_size)) {
		const struct attr_def *d = attr_def_get(type);

		if (d != NULL && !d->equal(a, b))
			return false;
	}
	return unknown_equal(a, b);
}

bool
bgp_update_equal(const struct bgp_update *a, const struct bgp_update *b)
{
	return rbuf_equal(a->withdrawn, b->withdrawn) &&
	    rbuf_equal(a->nlri, b->nlri) && attrs_equal(&a->attrs, &b->attrs);
}

void
bgp_attrs_pass_through(struct bgp_attrs *a)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_unknown; i++) {
		struct bgp_attr_raw r = a->unknown[i];

		if (!(r.flags & BGP_ATTR_FLAG_TRANSITIVE)) {
			bgp_attr_unset(a, r.type);
			continue;
		}
		/* RFC 4271 5: we did not understand it, so say so. */
		r.flags |= BGP_ATTR_FLAG_PARTIAL;
		a->unknown[kept++] = r;
	}
	a->n_unknown = (uint16_t)kept;
}
