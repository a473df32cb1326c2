/*
 * The path attributes of one announcement on one session (export_attrs.h).
 */
#include "export_attrs.h"

#include <string.h>

#include "../bgp/aspath.h"
#include "../lib/wbuf.h"

size_t
export_aspath(const struct ann_attrs *a, const struct export_peer *peer,
    uint32_t *out, size_t max)
{
	size_t n = 0;

	/* RFC 4271 5.1.2: to an external peer, our AS goes in front. */
	if (!peer->ibgp && max > 0)
		out[n++] = peer->local_as;
	return n + ann_aspath(a, out + n, max - n);
}

static void
put_u32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

static void
attrs_communities(const struct ann_attrs *a, struct export_bufs *b,
    struct bgp_attrs *out)
{
	size_t nc = a->n_communities < ANN_MAX_COMMUNITIES ?
	    a->n_communities : ANN_MAX_COMMUNITIES;
	size_t nl = a->n_large < ANN_MAX_LARGE ? a->n_large : ANN_MAX_LARGE;

	for (size_t i = 0; i < nc; i++)
		put_u32(b->comm + 4 * i, a->communities[i]);
	if (nc > 0) {
		out->communities = rbuf_make(b->comm, 4 * nc);
		bgp_attr_set(out, BGP_ATTR_COMMUNITIES);
	}
	for (size_t i = 0; i < nl; i++)
		for (size_t k = 0; k < 3; k++)
			put_u32(b->large + 12 * i + 4 * k, a->large[i][k]);
	if (nl > 0) {
		out->large_communities = rbuf_make(b->large, 12 * nl);
		bgp_attr_set(out, BGP_ATTR_LARGE_COMMUNITIES);
	}
}

void
export_attrs(const struct ann_attrs *a, const struct export_peer *peer,
    const struct prefix *nh, struct export_bufs *b, struct bgp_attrs *out)
{
	uint32_t as[ANN_MAX_PATH + 1];
	struct wbuf pw;
	size_t n;

	bgp_attrs_init(out);
	out->origin = BGP_ORIGIN_IGP;
	bgp_attr_set(out, BGP_ATTR_ORIGIN);
	n = export_aspath(a, peer, as, sizeof(as) / sizeof(as[0]));
	wbuf_init(&pw, b->path, sizeof(b->path));
	aspath_encode_seq(&pw, as, n);
	out->as_path = rbuf_make(b->path, pw.len);
	bgp_attr_set(out, BGP_ATTR_AS_PATH);
	/* RFC 4271 5.1.5: LOCAL_PREF only to internal peers. */
	if (peer->ibgp) {
		out->local_pref = EXPORT_LOCAL_PREF;
		bgp_attr_set(out, BGP_ATTR_LOCAL_PREF);
	}
	attrs_communities(a, b, out);
	if (peer->af == AF_IDX_IPV4) {
		memcpy(out->next_hop, nh->addr, 4);
		bgp_attr_set(out, BGP_ATTR_NEXT_HOP);
	} else {
		out->mp_reach.afi = BGP_AFI_IPV6;
		out->mp_reach.safi = BGP_SAFI_UNICAST;
		out->mp_reach.af = AF_IDX_IPV6;
		out->mp_reach.nh_len = 16;
		memcpy(out->mp_reach.nexthop, nh->addr, 16);
	}
}
