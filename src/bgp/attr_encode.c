/* Path attributes into wire form, in canonical order (update.h). */
#include "attr.h"
#include "aspath.h"

#define OPT	BGP_ATTR_FLAG_OPTIONAL
#define TRANS	BGP_ATTR_FLAG_TRANSITIVE

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

static void
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

static void
attr_put_u32(struct wbuf *w, uint8_t flags, uint8_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	attr_put(w, flags, type, b, sizeof(b));
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

/* Optional transitive attributes keep the Partial bit they came with. */
static uint8_t
opt_trans_flags(const struct bgp_attrs *a, uint8_t type)
{
	bool partial = (a->partial[type >> 3] >> (type & 7)) & 1;

	return OPT | TRANS | (partial ? BGP_ATTR_FLAG_PARTIAL : 0);
}

/* AS_PATH, and for an old speaker AS4_PATH too (RFC 6793 4.2.2). */
static void
put_as_path(struct wbuf *w, const struct bgp_attrs *a, bool as4,
    struct wbuf *as4_path)
{
	uint8_t buf[BGP_EXT_MAX_LEN];
	struct wbuf n;

	if (as4) {
		attr_put(w, TRANS, BGP_ATTR_AS_PATH, a->as_path.p,
		    a->as_path.len);
		return;
	}
	wbuf_init(&n, buf, sizeof(buf));
	if (aspath_narrow(a->as_path, &n))
		aspath_strip_confed(a->as_path, as4_path);
	if (n.overflow)
		w->overflow = true;
	else
		attr_put(w, TRANS, BGP_ATTR_AS_PATH, buf, n.len);
}

static void
put_aggregator(struct wbuf *w, const struct bgp_attrs *a, bool as4,
    bool *need_as4_aggregator)
{
	uint8_t b[8];
	size_t len = 0;
	uint32_t as = a->aggregator_as;

	if (as4) {
		b[len++] = (uint8_t)(as >> 24);
		b[len++] = (uint8_t)(as >> 16);
	} else if (as > 0xffff) {
		as = BGP_AS_TRANS;
		*need_as4_aggregator = true;
	}
	b[len++] = (uint8_t)(as >> 8);
	b[len++] = (uint8_t)as;
	memcpy(b + len, a->aggregator_addr, 4);
	attr_put(w, opt_trans_flags(a, BGP_ATTR_AGGREGATOR),
	    BGP_ATTR_AGGREGATOR, b, len + 4);
}

static void
put_as4_aggregator(struct wbuf *w, const struct bgp_attrs *a)
{
	uint8_t b[8] = { (uint8_t)(a->aggregator_as >> 24),
	    (uint8_t)(a->aggregator_as >> 16), (uint8_t)(a->aggregator_as >> 8),
	    (uint8_t)a->aggregator_as };

	memcpy(b + 4, a->aggregator_addr, 4);
	attr_put(w, OPT | TRANS, BGP_ATTR_AS4_AGGREGATOR, b, sizeof(b));
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

/* Known attributes of one type, in the canonical walk. */
static void
put_known(struct wbuf *w, const struct bgp_attrs *a, uint8_t type, bool as4,
    struct wbuf *as4_path, bool *need_as4_aggregator)
{
	switch (type) {
	case BGP_ATTR_ORIGIN:
		attr_put(w, TRANS, type, &a->origin, 1);
		break;
	case BGP_ATTR_AS_PATH:
		put_as_path(w, a, as4, as4_path);
		break;
	case BGP_ATTR_NEXT_HOP:
		attr_put(w, TRANS, type, a->next_hop, 4);
		break;
	case BGP_ATTR_MED:
		attr_put_u32(w, OPT, type, a->med);
		break;
	case BGP_ATTR_LOCAL_PREF:
		attr_put_u32(w, TRANS, type, a->local_pref);
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		attr_put(w, TRANS, type, NULL, 0);
		break;
	case BGP_ATTR_AGGREGATOR:
		put_aggregator(w, a, as4, need_as4_aggregator);
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		attr_put_u32(w, OPT, type, a->originator_id);
		break;
	case BGP_ATTR_CLUSTER_LIST:
		attr_put(w, OPT, type, a->cluster_list.p, a->cluster_list.len);
		break;
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_EXT_COMMUNITIES:
	case BGP_ATTR_LARGE_COMMUNITIES: {
		struct rbuf v = type == BGP_ATTR_COMMUNITIES ? a->communities :
		    type == BGP_ATTR_EXT_COMMUNITIES ? a->ext_communities :
		    a->large_communities;

		attr_put(w, opt_trans_flags(a, type), type, v.p, v.len);
		break;
	}
	}
}

void
attrs_encode(struct wbuf *w, const struct bgp_attrs *a,
    const struct bgp_codec_opts *opts, bool with_mp)
{
	uint8_t order[BGP_MAX_UNKNOWN_ATTRS], as4buf[BGP_EXT_MAX_LEN];
	struct wbuf as4_path;
	size_t n_unknown = unknown_order(a, order), u = 0;
	bool need_as4_aggregator = false;

	wbuf_init(&as4_path, as4buf, sizeof(as4buf));
	/* RFC 7606 5.1: the multiprotocol attributes first. */
	if (with_mp && bgp_attr_has(a, BGP_ATTR_MP_REACH))
		attr_put_mp_reach(w, &a->mp_reach);
	if (with_mp && bgp_attr_has(a, BGP_ATTR_MP_UNREACH))
		attr_put_mp_unreach(w, &a->mp_unreach);
	/* From 0: a reserved type is still an unknown attribute to pass on. */
	for (unsigned type = 0; type <= 255; type++) {
		for (; u < n_unknown && a->unknown[order[u]].type == type; u++) {
			const struct bgp_attr_raw *r = &a->unknown[order[u]];

			attr_put(w, r->flags, r->type, r->value.p, r->value.len);
		}
		if (type == BGP_ATTR_AS4_PATH && as4_path.len > 0)
			attr_put(w, OPT | TRANS, BGP_ATTR_AS4_PATH, as4buf,
			    as4_path.len);
		else if (type == BGP_ATTR_AS4_AGGREGATOR && need_as4_aggregator)
			put_as4_aggregator(w, a);
		else if (bgp_attr_has(a, type) && type != BGP_ATTR_MP_REACH &&
		    type != BGP_ATTR_MP_UNREACH)
			put_known(w, a, (uint8_t)type, opts->as4, &as4_path,
			    &need_as4_aggregator);
		/* Past the last known type only unknown ones remain. */
		if (type > BGP_ATTR_LARGE_COMMUNITIES && u == n_unknown)
			break;
	}
	if (as4_path.overflow)
		w->overflow = true;
}
