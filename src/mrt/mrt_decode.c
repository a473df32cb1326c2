/* MRT records read from bytes (RFC 6396, RFC 8050 ADD-PATH subtypes). */
#include "mrt.h"
#include "../bgp/msg.h"
#include "../bgp/nlri.h"

int
mrt_record_next(struct rbuf *in, struct mrt_header *h, struct rbuf *body,
    const char **reason)
{
	struct rbuf b = *in;

	if (in->len == 0)
		return 0;
	if (rbuf_get_u32(&b, &h->time) == -1 ||
	    rbuf_get_u16(&b, &h->type) == -1 ||
	    rbuf_get_u16(&b, &h->subtype) == -1 ||
	    rbuf_get_u32(&b, &h->length) == -1) {
		*reason = "truncated header";
		return -1;
	}
	if (h->length > MRT_MAX_LEN) {
		*reason = "record longer than 16 MB";
		return -1;
	}
	if (rbuf_sub(&b, h->length, body) == -1) {
		*reason = "truncated record";
		return -1;
	}
	h->usec = 0;
	/* RFC 6396 3: the microseconds count in the length. */
	if (mrt_type_et(h->type) && rbuf_get_u32(body, &h->usec) == -1) {
		*reason = "extended timestamp missing";
		return -1;
	}
	*in = b;
	return 1;
}

/* ---- PEER_INDEX_TABLE ---- */

static int
peer_get(struct rbuf *b, struct mrt_peer *p)
{
	unsigned n;

	if (rbuf_get_u8(b, &p->type) == -1 ||
	    rbuf_get_u32(b, &p->bgp_id) == -1)
		return -1;
	p->af = (p->type & MRT_PEER_TYPE_IPV6) ? AF_IDX_IPV6 : AF_IDX_IPV4;
	n = af_addr_bytes(p->af);
	memset(p->addr, 0, sizeof(p->addr));
	if (rbuf_get_bytes(b, p->addr, n) == -1)
		return -1;
	if (p->type & MRT_PEER_TYPE_AS4)
		return rbuf_get_u32(b, &p->as);
	{
		uint16_t as2;

		if (rbuf_get_u16(b, &as2) == -1)
			return -1;
		p->as = as2;
	}
	return 0;
}

int
mrt_peer_table_decode(struct rbuf body, struct mrt_peer_table *t,
    const char **reason)
{
	uint16_t name_len;
	struct rbuf walk;
	struct mrt_peer p;

	if (rbuf_get_u32(&body, &t->collector_id) == -1 ||
	    rbuf_get_u16(&body, &name_len) == -1 ||
	    rbuf_sub(&body, name_len, &t->view_name) == -1 ||
	    rbuf_get_u16(&body, &t->count) == -1) {
		*reason = "peer table header truncated";
		return -1;
	}
	walk = body;
	for (unsigned i = 0; i < t->count; i++) {
		if (peer_get(&walk, &p) == -1) {
			*reason = "peer entry truncated";
			return -1;
		}
	}
	t->entries = rbuf_make(body.p, body.len - walk.len);
	return 0;
}

int
mrt_peer_next(struct rbuf *entries, struct mrt_peer *p)
{
	if (entries->len == 0)
		return 0;
	return peer_get(entries, p) == 0 ? 1 : 0;
}

/* ---- RIB records ---- */

bool
mrt_rib_subtype(uint16_t subtype)
{
	return (subtype >= MRT_RIB_IPV4_UNICAST && subtype <= MRT_RIB_GENERIC) ||
	    (subtype >= MRT_RIB_IPV4_UNICAST_ADDPATH &&
	    subtype <= MRT_RIB_GENERIC_ADDPATH);
}

static int
rib_entry_get(struct rbuf *b, bool addpath, struct mrt_rib_entry *e)
{
	uint16_t alen;

	e->path_id = 0;
	if (rbuf_get_u16(b, &e->peer_index) == -1 ||
	    rbuf_get_u32(b, &e->originated) == -1 ||
	    (addpath && rbuf_get_u32(b, &e->path_id) == -1) ||
	    rbuf_get_u16(b, &alen) == -1 ||
	    rbuf_sub(b, alen, &e->attrs) == -1)
		return -1;
	return 0;
}

/* The afi/safi a subtype stands for; RIB_GENERIC reads them. */
static void
rib_family(uint16_t base, struct mrt_rib *r)
{
	r->afi = base <= MRT_RIB_IPV4_MULTICAST ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	r->safi = (base == MRT_RIB_IPV4_MULTICAST ||
	    base == MRT_RIB_IPV6_MULTICAST) ? 2 : BGP_SAFI_UNICAST;
}

/* One prefix in NLRI form, for an IPv4 or IPv6 family. */
static int
rib_prefix_get(struct rbuf *b, struct mrt_rib *r)
{
	struct nlri_iter it;
	uint8_t plen;
	uint32_t id;
	unsigned af = r->afi == BGP_AFI_IPV4 ? AF_IDX_IPV4 : AF_IDX_IPV6;
	struct rbuf start = *b;

	if (rbuf_get_u8(b, &plen) == -1 || plen > af_max_bits(af) ||
	    rbuf_skip(b, (plen + 7u) / 8) == -1)
		return -1;
	r->nlri = rbuf_make(start.p, start.len - b->len);
	nlri_iter_init(&it, r->nlri, af, false);
	if (nlri_iter_next(&it, &r->prefix, &id) != 1)
		return -1;
	r->has_prefix = true;
	return 0;
}

int
mrt_rib_decode(uint16_t subtype, struct rbuf body, struct mrt_rib *r,
    const char **reason)
{
	uint16_t base = subtype >= MRT_RIB_IPV4_UNICAST_ADDPATH ?
	    (uint16_t)(subtype - 6) : subtype;
	struct mrt_rib_entry e;
	struct rbuf walk;

	memset(r, 0, sizeof(*r));
	r->addpath = subtype >= MRT_RIB_IPV4_UNICAST_ADDPATH;
	*reason = "RIB header truncated";
	if (!mrt_rib_subtype(subtype) || rbuf_get_u32(&body, &r->seq) == -1)
		return -1;
	if (base == MRT_RIB_GENERIC) {
		if (rbuf_get_u16(&body, &r->afi) == -1 ||
		    rbuf_get_u8(&body, &r->safi) == -1)
			return -1;
	} else
		rib_family(base, r);
	if (r->afi == BGP_AFI_IPV4 || r->afi == BGP_AFI_IPV6) {
		if (rib_prefix_get(&body, r) == -1) {
			*reason = "RIB prefix malformed";
			return -1;
		}
	} else {
		/* RFC 6396 4.3.3: a family we do not know; its NLRI cannot
		 * be delimited, so the rest of the record is not read. */
		r->nlri = body;
		r->entries = rbuf_make(NULL, 0);
		return 0;
	}
	if (rbuf_get_u16(&body, &r->count) == -1)
		return -1;
	walk = body;
	for (unsigned i = 0; i < r->count; i++) {
		if (rib_entry_get(&walk, r->addpath, &e) == -1) {
			*reason = "RIB entry truncated";
			return -1;
		}
	}
	r->entries = rbuf_make(body.p, body.len - walk.len);
	return 0;
}

int
mrt_rib_entry_next(struct rbuf *entries, bool addpath, struct mrt_rib_entry *e)
{
	if (entries->len == 0)
		return 0;
	return rib_entry_get(entries, addpath, e) == 0 ? 1 : 0;
}

/* MP_REACH_NLRI in a RIB entry: abbreviated (next hop length, next hop)
 * as RFC 6396 4.3.4 says, or whole as some writers put it. */
static int
rib_mp_reach(struct rbuf v, uint16_t afi, uint8_t safi,
    struct bgp_mp_nlri *mp)
{
	uint8_t nh_len;
	struct rbuf nh;

	memset(mp, 0, sizeof(*mp));
	mp->afi = afi;
	mp->safi = safi;
	mp->af = (int8_t)bgp_af_index(afi, safi);
	if (v.len > 0 && v.p[0] == v.len - 1) {
		(void)rbuf_get_u8(&v, &nh_len);
		nh = v;
	} else {
		uint16_t wafi;
		uint8_t wsafi;

		if (rbuf_get_u16(&v, &wafi) == -1 ||
		    rbuf_get_u8(&v, &wsafi) == -1 ||
		    rbuf_get_u8(&v, &nh_len) == -1 ||
		    rbuf_sub(&v, nh_len, &nh) == -1)
			return -1;
	}
	mp->nh_raw = nh;
	mp->nh_len = (uint8_t)nh.len;
	mp->nlri = rbuf_make(NULL, 0);
	if (nh.len == 4)
		memcpy(mp->nexthop, nh.p, 4);
	else if (nh.len == 16 || nh.len == 32) {
		memcpy(mp->nexthop, nh.p, 16);
		if (nh.len == 32)
			memcpy(mp->nexthop_ll, nh.p + 16, 16);
	} else if (mp->af >= 0)
		return -1;
	return 0;
}

/* Copies the attribute block without MP_REACH_NLRI into out; the value
 * of MP_REACH_NLRI in *mp_value (p NULL when none). -1: malformed. */
static int
rib_attrs_split(struct rbuf attrs, struct wbuf *out, struct rbuf *mp_value)
{
	*mp_value = rbuf_make(NULL, 0);
	while (attrs.len > 0) {
		const uint8_t *start = attrs.p;
		uint8_t flags, type, len8;
		uint16_t len;
		struct rbuf v;

		if (rbuf_get_u8(&attrs, &flags) == -1 ||
		    rbuf_get_u8(&attrs, &type) == -1)
			return -1;
		if (flags & BGP_ATTR_FLAG_EXTLEN) {
			if (rbuf_get_u16(&attrs, &len) == -1)
				return -1;
		} else {
			if (rbuf_get_u8(&attrs, &len8) == -1)
				return -1;
			len = len8;
		}
		if (rbuf_sub(&attrs, len, &v) == -1)
			return -1;
		if (type == BGP_ATTR_MP_REACH && mp_value->p == NULL)
			*mp_value = v;
		else
			wbuf_put_bytes(out, start, (size_t)(v.p - start) +
			    v.len);
	}
	return out->overflow ? -1 : 0;
}

enum bgp_action
mrt_rib_attrs_decode(struct rbuf attrs, uint16_t afi, uint8_t safi,
    struct bgp_attrs *a, uint8_t *scratch, size_t scratch_len,
    struct bgp_err *err)
{
	struct wbuf w;
	struct rbuf mp;

	wbuf_init(&w, scratch, scratch_len);
	if (rib_attrs_split(attrs, &w, &mp) == -1) {
		/* The codec walks it and says what is wrong. */
		return bgp_attrs_decode_block(attrs, a, err);
	}
	if (bgp_attrs_decode_block(rbuf_make(scratch, w.len), a, err) ==
	    BGP_ACT_SESSION_RESET || mp.p == NULL)
		return err->action;
	if (rib_mp_reach(mp, afi, safi, &a->mp_reach) == -1) {
		bgp_err_raise(err, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPDATE,
		    BGP_ERR_UPD_OPTATTR, BGP_ATTR_MP_REACH, mp.p, mp.len,
		    "MP_REACH_NLRI next hop malformed");
		return err->action;
	}
	bgp_attr_set(a, BGP_ATTR_MP_REACH);
	return err->action;
}

/* ---- TABLE_DUMP ---- */

int
mrt_table_dump_decode(uint16_t subtype, struct rbuf body,
    struct mrt_table_dump *t, const char **reason)
{
	unsigned af = subtype == 2 ? AF_IDX_IPV6 : AF_IDX_IPV4;
	unsigned n = af_addr_bytes(af);
	uint16_t alen;

	memset(t, 0, sizeof(*t));
	if (subtype != 1 && subtype != 2) {
		*reason = "unknown TABLE_DUMP subtype";
		return -1;
	}
	*reason = "TABLE_DUMP entry truncated";
	t->prefix.af = (uint8_t)af;
	if (rbuf_get_u16(&body, &t->view) == -1 ||
	    rbuf_get_u16(&body, &t->seq) == -1 ||
	    rbuf_get_bytes(&body, t->prefix.addr, n) == -1 ||
	    rbuf_get_u8(&body, &t->prefix.len) == -1 ||
	    rbuf_get_u8(&body, &t->status) == -1 ||
	    rbuf_get_u32(&body, &t->originated) == -1 ||
	    rbuf_get_bytes(&body, t->peer_ip, n) == -1 ||
	    rbuf_get_u16(&body, &t->peer_as) == -1 ||
	    rbuf_get_u16(&body, &alen) == -1 ||
	    rbuf_sub(&body, alen, &t->attrs) == -1)
		return -1;
	if (t->prefix.len > af_max_bits(af)) {
		*reason = "TABLE_DUMP prefix length past its family";
		return -1;
	}
	prefix_mask(&t->prefix);
	return 0;
}

enum bgp_action
mrt_table_dump_attrs_decode(struct rbuf attrs, struct bgp_update *u,
    uint8_t *msg, size_t msg_len, struct bgp_scratch *scratch,
    struct bgp_err *err)
{
	static const struct bgp_codec_opts opts = { .as4 = false,
	    .ibgp = true, .max_len = BGP_EXT_MAX_LEN, .ext_nexthop = true };
	struct wbuf w;
	size_t start;

	bgp_err_clear(err);
	wbuf_init(&w, msg, msg_len);
	start = bgp_msg_start(&w, BGP_UPDATE);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, (uint16_t)attrs.len);
	wbuf_put_bytes(&w, attrs.p, attrs.len);
	bgp_msg_finish(&w, start);
	if (w.overflow || w.len > BGP_EXT_MAX_LEN) {
		bgp_err_raise(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
		    BGP_ERR_UPD_ATTRLIST, 0, NULL, 0,
		    "attributes too long for one message");
		return err->action;
	}
	return bgp_update_decode(rbuf_make(msg, w.len), &opts, u, scratch,
	    err);
}

/* ---- BGP4MP ---- */

bool
mrt_bgp4mp_subtype(uint16_t subtype)
{
	return subtype <= MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH &&
	    subtype != 2 && subtype != 3;
}

static void
bgp4mp_flags(uint16_t subtype, struct mrt_bgp4mp *m)
{
	m->state_change = subtype == MRT_BGP4MP_STATE_CHANGE ||
	    subtype == MRT_BGP4MP_STATE_CHANGE_AS4;
	m->as4 = subtype == MRT_BGP4MP_MESSAGE_AS4 ||
	    subtype == MRT_BGP4MP_STATE_CHANGE_AS4 ||
	    subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL ||
	    subtype == MRT_BGP4MP_MESSAGE_AS4_ADDPATH ||
	    subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->local = subtype == MRT_BGP4MP_MESSAGE_LOCAL ||
	    subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL ||
	    subtype == MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH ||
	    subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->addpath = subtype >= MRT_BGP4MP_MESSAGE_ADDPATH;
}

static int
as_get(struct rbuf *b, bool as4, uint32_t *as)
{
	uint16_t v;

	if (as4)
		return rbuf_get_u32(b, as);
	if (rbuf_get_u16(b, &v) == -1)
		return -1;
	*as = v;
	return 0;
}

int
mrt_bgp4mp_decode(uint16_t subtype, struct rbuf body, struct mrt_bgp4mp *m,
    const char **reason)
{
	size_t n;

	memset(m, 0, sizeof(*m));
	if (!mrt_bgp4mp_subtype(subtype)) {
		*reason = "unknown BGP4MP subtype";
		return -1;
	}
	bgp4mp_flags(subtype, m);
	*reason = "BGP4MP header truncated";
	if (as_get(&body, m->as4, &m->peer_as) == -1 ||
	    as_get(&body, m->as4, &m->local_as) == -1 ||
	    rbuf_get_u16(&body, &m->ifindex) == -1 ||
	    rbuf_get_u16(&body, &m->afi) == -1)
		return -1;
	if (m->afi != BGP_AFI_IPV4 && m->afi != BGP_AFI_IPV6) {
		*reason = "BGP4MP address family unknown";
		return -1;
	}
	n = m->afi == BGP_AFI_IPV4 ? 4 : 16;
	if (rbuf_get_bytes(&body, m->peer_ip, n) == -1 ||
	    rbuf_get_bytes(&body, m->local_ip, n) == -1)
		return -1;
	if (m->state_change) {
		if (rbuf_get_u16(&body, &m->old_state) == -1 ||
		    rbuf_get_u16(&body, &m->new_state) == -1)
			return -1;
		m->msg = rbuf_make(NULL, 0);
		return 0;
	}
	m->msg = body;
	return 0;
}

void
mrt_bgp4mp_codec_opts(const struct mrt_bgp4mp *m, struct bgp_codec_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->as4 = m->as4;
	o->ibgp = true;
	o->max_len = BGP_EXT_MAX_LEN;
	o->ext_nexthop = true;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		o->addpath[af] = m->addpath;
}

/* ---- names ---- */

const char *
mrt_type_name(uint16_t type)
{
	switch (type) {
	case MRT_TABLE_DUMP:	return "TABLE_DUMP";
	case MRT_TABLE_DUMP_V2:	return "TABLE_DUMP_V2";
	case MRT_BGP4MP:	return "BGP4MP";
	case MRT_BGP4MP_ET:	return "BGP4MP_ET";
	default:		return "unknown";
	}
}

static const char *const rib_names[] = {
	[MRT_PEER_INDEX_TABLE] = "PEER_INDEX_TABLE",
	[MRT_RIB_IPV4_UNICAST] = "RIB_IPV4_UNICAST",
	[MRT_RIB_IPV4_MULTICAST] = "RIB_IPV4_MULTICAST",
	[MRT_RIB_IPV6_UNICAST] = "RIB_IPV6_UNICAST",
	[MRT_RIB_IPV6_MULTICAST] = "RIB_IPV6_MULTICAST",
	[MRT_RIB_GENERIC] = "RIB_GENERIC",
	[7] = "GEO_PEER_TABLE",
	[MRT_RIB_IPV4_UNICAST_ADDPATH] = "RIB_IPV4_UNICAST_ADDPATH",
	[MRT_RIB_IPV4_MULTICAST_ADDPATH] = "RIB_IPV4_MULTICAST_ADDPATH",
	[MRT_RIB_IPV6_UNICAST_ADDPATH] = "RIB_IPV6_UNICAST_ADDPATH",
	[MRT_RIB_IPV6_MULTICAST_ADDPATH] = "RIB_IPV6_MULTICAST_ADDPATH",
	[MRT_RIB_GENERIC_ADDPATH] = "RIB_GENERIC_ADDPATH",
};

static const char *const bgp4mp_names[] = {
	[MRT_BGP4MP_STATE_CHANGE] = "STATE_CHANGE",
	[MRT_BGP4MP_MESSAGE] = "MESSAGE",
	[MRT_BGP4MP_MESSAGE_AS4] = "MESSAGE_AS4",
	[MRT_BGP4MP_STATE_CHANGE_AS4] = "STATE_CHANGE_AS4",
	[MRT_BGP4MP_MESSAGE_LOCAL] = "MESSAGE_LOCAL",
	[MRT_BGP4MP_MESSAGE_AS4_LOCAL] = "MESSAGE_AS4_LOCAL",
	[MRT_BGP4MP_MESSAGE_ADDPATH] = "MESSAGE_ADDPATH",
	[MRT_BGP4MP_MESSAGE_AS4_ADDPATH] = "MESSAGE_AS4_ADDPATH",
	[MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH] = "MESSAGE_LOCAL_ADDPATH",
	[MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH] = "MESSAGE_AS4_LOCAL_ADDPATH",
};

const char *
mrt_subtype_name(uint16_t type, uint16_t subtype)
{
	const char *n = NULL;

	if (type == MRT_TABLE_DUMP_V2 && subtype < sizeof(rib_names) /
	    sizeof(rib_names[0]))
		n = rib_names[subtype];
	else if ((type == MRT_BGP4MP || type == MRT_BGP4MP_ET) &&
	    subtype < sizeof(bgp4mp_names) / sizeof(bgp4mp_names[0]))
		n = bgp4mp_names[subtype];
	else if (type == MRT_TABLE_DUMP && (subtype == 1 || subtype == 2))
		n = subtype == 1 ? "AFI_IPV4" : "AFI_IPV6";
	return n != NULL ? n : "unknown";
}

const char *
mrt_state_name(uint16_t state)
{
	static const char *const names[] = { "unknown", "Idle", "Connect",
	    "Active", "OpenSent", "OpenConfirm", "Established" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
	    "unknown";
}
