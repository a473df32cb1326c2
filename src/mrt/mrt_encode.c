/* MRT records written (RFC 6396, RFC 8050): the ones the daemon makes. */
#include "mrt.h"
#include "../bgp/nlri.h"

size_t
mrt_record_start(struct wbuf *w, uint32_t time, uint32_t usec,
    uint16_t type, uint16_t subtype)
{
	size_t start = w->len;

	wbuf_put_u32(w, time);
	wbuf_put_u16(w, type);
	wbuf_put_u16(w, subtype);
	wbuf_put_u32(w, 0);
	if (mrt_type_et(type))
		wbuf_put_u32(w, usec);
	return start;
}

void
mrt_record_finish(struct wbuf *w, size_t start)
{
	size_t len;

	if (w->overflow || start + MRT_HEADER_LEN > w->len)
		return;
	len = w->len - start - MRT_HEADER_LEN;
	wbuf_patch_u16(w, start + 8, (uint16_t)(len >> 16));
	wbuf_patch_u16(w, start + 10, (uint16_t)len);
}

/* ---- PEER_INDEX_TABLE ---- */

void
mrt_peer_table_encode(struct wbuf *w, uint32_t time, uint32_t collector_id,
    const char *view_name, const struct mrt_peer *peers, uint16_t count)
{
	size_t start = mrt_record_start(w, time, 0, MRT_TABLE_DUMP_V2,
	    MRT_PEER_INDEX_TABLE);
	size_t name_len = view_name != NULL ? strlen(view_name) : 0;

	if (name_len > UINT16_MAX)
		name_len = UINT16_MAX;
	wbuf_put_u32(w, collector_id);
	wbuf_put_u16(w, (uint16_t)name_len);
	wbuf_put_bytes(w, view_name, name_len);
	wbuf_put_u16(w, count);
	for (unsigned i = 0; i < count; i++) {
		const struct mrt_peer *p = &peers[i];
		uint8_t type = (uint8_t)(p->af == AF_IDX_IPV6 ?
		    MRT_PEER_TYPE_IPV6 : 0);

		if ((p->type & MRT_PEER_TYPE_AS4) || p->as > UINT16_MAX)
			type |= MRT_PEER_TYPE_AS4;
		wbuf_put_u8(w, type);
		wbuf_put_u32(w, p->bgp_id);
		wbuf_put_bytes(w, p->addr, af_addr_bytes(p->af));
		if (type & MRT_PEER_TYPE_AS4)
			wbuf_put_u32(w, p->as);
		else
			wbuf_put_u16(w, (uint16_t)p->as);
	}
	mrt_record_finish(w, start);
}

/* ---- RIB records ---- */

uint16_t
mrt_rib_subtype_for(unsigned af, bool addpath)
{
	uint16_t s = af == AF_IDX_IPV4 ? MRT_RIB_IPV4_UNICAST :
	    MRT_RIB_IPV6_UNICAST;

	return addpath ? (uint16_t)(s + 6) : s;
}

void
mrt_rib_begin(struct wbuf *w, struct mrt_rib_writer *rw, uint32_t time,
    uint32_t seq, const struct prefix *p, bool addpath)
{
	rw->start = mrt_record_start(w, time, 0, MRT_TABLE_DUMP_V2,
	    mrt_rib_subtype_for(p->af, addpath));
	rw->addpath = addpath;
	rw->count = 0;
	wbuf_put_u32(w, seq);
	nlri_encode(w, p, false, 0);
	rw->count_at = w->len;
	wbuf_put_u16(w, 0);
}

/* The abbreviated MP_REACH_NLRI of RFC 6396 4.3.4: next hop only. */
static void
rib_mp_reach_put(struct wbuf *w, const uint8_t *nh, unsigned nh_len,
    const uint8_t *nh_ll)
{
	unsigned len = nh_ll != NULL ? 32 : nh_len;

	wbuf_put_u8(w, BGP_ATTR_FLAG_OPTIONAL);
	wbuf_put_u8(w, BGP_ATTR_MP_REACH);
	wbuf_put_u8(w, (uint8_t)(len + 1));
	wbuf_put_u8(w, (uint8_t)len);
	wbuf_put_bytes(w, nh, nh_len);
	if (nh_ll != NULL)
		wbuf_put_bytes(w, nh_ll, 16);
}

void
mrt_rib_entry_put(struct wbuf *w, struct mrt_rib_writer *rw,
    uint16_t peer_index, uint32_t originated, uint32_t path_id,
    const struct bgp_attrs *a, const uint8_t *nh, unsigned nh_len,
    const uint8_t *nh_ll)
{
	size_t len_at, attrs_start;

	wbuf_put_u16(w, peer_index);
	wbuf_put_u32(w, originated);
	if (rw->addpath)
		wbuf_put_u32(w, path_id);
	len_at = w->len;
	wbuf_put_u16(w, 0);
	attrs_start = w->len;
	/* MP_REACH_NLRI first, as in a canonical UPDATE (RFC 7606 5.1). */
	if (nh_len != 4)
		rib_mp_reach_put(w, nh, nh_len, nh_ll);
	bgp_attrs_encode_block(w, a);
	if (nh_len == 4 && !bgp_attr_has(a, BGP_ATTR_NEXT_HOP)) {
		wbuf_put_u8(w, BGP_ATTR_FLAG_TRANSITIVE);
		wbuf_put_u8(w, BGP_ATTR_NEXT_HOP);
		wbuf_put_u8(w, 4);
		wbuf_put_bytes(w, nh, 4);
	}
	if (w->len - attrs_start > UINT16_MAX)
		w->overflow = true;
	wbuf_patch_u16(w, len_at, (uint16_t)(w->len - attrs_start));
	rw->count++;
}

void
mrt_rib_end(struct wbuf *w, struct mrt_rib_writer *rw)
{
	wbuf_patch_u16(w, rw->count_at, rw->count);
	mrt_record_finish(w, rw->start);
}

/* ---- BGP4MP ---- */

uint16_t
mrt_bgp4mp_subtype_for(const struct mrt_bgp4mp *m)
{
	if (m->state_change)
		return m->as4 ? MRT_BGP4MP_STATE_CHANGE_AS4 :
		    MRT_BGP4MP_STATE_CHANGE;
	if (m->addpath)
		return (uint16_t)(MRT_BGP4MP_MESSAGE_ADDPATH + (m->as4 ? 1 : 0) +
		    (m->local ? 2 : 0));
	if (m->local)
		return m->as4 ? MRT_BGP4MP_MESSAGE_AS4_LOCAL :
		    MRT_BGP4MP_MESSAGE_LOCAL;
	return m->as4 ? MRT_BGP4MP_MESSAGE_AS4 : MRT_BGP4MP_MESSAGE;
}

static void
as_put(struct wbuf *w, bool as4, uint32_t as)
{
	if (as4)
		wbuf_put_u32(w, as);
	else
		wbuf_put_u16(w, as > UINT16_MAX ? BGP_AS_TRANS : (uint16_t)as);
}

void
mrt_bgp4mp_encode(struct wbuf *w, uint32_t time, uint32_t usec, bool et,
    const struct mrt_bgp4mp *m)
{
	size_t start = mrt_record_start(w, time, usec, et ? MRT_BGP4MP_ET :
	    MRT_BGP4MP, mrt_bgp4mp_subtype_for(m));
	size_t n = m->afi == BGP_AFI_IPV6 ? 16 : 4;

	as_put(w, m->as4, m->peer_as);
	as_put(w, m->as4, m->local_as);
	wbuf_put_u16(w, m->ifindex);
	wbuf_put_u16(w, m->afi == BGP_AFI_IPV6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	wbuf_put_bytes(w, m->peer_ip, n);
	wbuf_put_bytes(w, m->local_ip, n);
	if (m->state_change) {
		wbuf_put_u16(w, m->old_state);
		wbuf_put_u16(w, m->new_state);
	} else
		wbuf_put_bytes(w, m->msg.p, m->msg.len);
	mrt_record_finish(w, start);
}
