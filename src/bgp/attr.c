/*
 * Path attributes: the table (at the end of this file) and, per known
 * type, its own decoder, encoder and comparison. Its text and JSON
 * writers are in format.c and msg_json.c. The length rule of a row is
 * checked by the decode walk before the decoder runs.
 */
#include "attr.h"
#include "aspath.h"

#define OPT	BGP_ATTR_FLAG_OPTIONAL
#define TRANS	BGP_ATTR_FLAG_TRANSITIVE

/* The flags a row writes: its own, with the Partial bit an optional
 * transitive attribute came with. */
static uint8_t
own_flags(const struct bgp_attrs *a, uint8_t type)
{
	uint8_t f = attr_table[type].flags;

	if (f == (OPT | TRANS) && ((a->partial[type >> 3] >> (type & 7)) & 1))
		f |= BGP_ATTR_FLAG_PARTIAL;
	return f;
}

static void
put_u32(struct wbuf *w, const struct bgp_attrs *a, uint8_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	attr_put(w, own_flags(a, type), type, b, sizeof(b));
}

static void
put_view(struct wbuf *w, const struct bgp_attrs *a, uint8_t type,
    struct rbuf v)
{
	attr_put(w, own_flags(a, type), type, v.p, v.len);
}

/* RFC 7606 7.1 */
static int
origin_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (v.p[0] > BGP_ORIGIN_INCOMPLETE) {
		*reason = "undefined ORIGIN value";
		return -1;
	}
	c->a->origin = v.p[0];
	return 0;
}

static void
origin_encode(struct wbuf *w, const struct bgp_attrs *a, struct attr_enc *e)
{
	(void)e;
	attr_put(w, own_flags(a, BGP_ATTR_ORIGIN), BGP_ATTR_ORIGIN,
	    &a->origin, 1);
}

static bool
origin_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->origin == y->origin;
}

/* RFC 7606 7.2 */
static int
as_path_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	unsigned as_size = c->opts->as4 ? 4 : 2;

	if (aspath_validate(v, as_size, reason) == -1)
		return -1;
	if (!c->opts->as4) {
		size_t start = c->scratch.len;

		aspath_widen(v, &c->scratch);
		if (c->scratch.overflow) {
			*reason = "AS_PATH too long";
			return -1;
		}
		v = rbuf_make(c->scratch.p + start, c->scratch.len - start);
	}
	/* RFC 5065 5, RFC 7606 7.2: no confederation segments from
	 * outside the confederation. */
	if (!c->opts->ibgp && aspath_has_confed(v)) {
		*reason = "confederation segment from an external peer";
		return -1;
	}
	c->a->as_path = v;
	return 0;
}

/* AS_PATH, and for an old speaker AS4_PATH too (RFC 6793 4.2.2). */
static void
as_path_encode(struct wbuf *w, const struct bgp_attrs *a, struct attr_enc *e)
{
	uint8_t buf[BGP_EXT_MAX_LEN];
	struct wbuf n;

	if (e->opts->as4) {
		put_view(w, a, BGP_ATTR_AS_PATH, a->as_path);
		return;
	}
	wbuf_init(&n, buf, sizeof(buf));
	if (aspath_narrow(a->as_path, &n))
		aspath_strip_confed(a->as_path, &e->as4_path);
	if (n.overflow)
		w->overflow = true;
	else
		attr_put(w, own_flags(a, BGP_ATTR_AS_PATH), BGP_ATTR_AS_PATH,
		    buf, n.len);
}

static bool
as_path_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return rbuf_equal(x->as_path, y->as_path);
}

/* RFC 7606 7.3 */
static int
next_hop_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	memcpy(c->a->next_hop, v.p, 4);
	return 0;
}

static void
next_hop_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	attr_put(w, own_flags(a, BGP_ATTR_NEXT_HOP), BGP_ATTR_NEXT_HOP,
	    a->next_hop, 4);
}

static bool
next_hop_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return memcmp(x->next_hop, y->next_hop, 4) == 0;
}

/* RFC 7606 7.4 */
static int
med_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->med = load_u32(v.p);
	return 0;
}

static void
med_encode(struct wbuf *w, const struct bgp_attrs *a, struct attr_enc *e)
{
	(void)e;
	put_u32(w, a, BGP_ATTR_MED, a->med);
}

static bool
med_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->med == y->med;
}

/* RFC 7606 7.5: LOCAL_PREF from an external peer is ignored. */
static const char *
local_pref_admit(const struct attr_ctx *c)
{
	return c->opts->ibgp ? NULL : "LOCAL_PREF from an external peer";
}

/* RFC 7606 7.5 */
static int
local_pref_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->local_pref = load_u32(v.p);
	return 0;
}

static void
local_pref_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_u32(w, a, BGP_ATTR_LOCAL_PREF, a->local_pref);
}

static bool
local_pref_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->local_pref == y->local_pref;
}

/* RFC 7606 7.6: no value; the length rule is all. */
static int
atomic_aggregate_decode(struct rbuf v, struct attr_ctx *c,
    const char **reason)
{
	(void)v;
	(void)c;
	(void)reason;
	return 0;
}

static void
atomic_aggregate_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	attr_put(w, own_flags(a, BGP_ATTR_ATOMIC_AGGREGATE),
	    BGP_ATTR_ATOMIC_AGGREGATE, NULL, 0);
}

/* Presence is all there is to compare (the walk compares that). */
static bool
always_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	(void)x;
	(void)y;
	return true;
}

/* RFC 7606 7.7 */
static int
aggregator_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	size_t as_size = c->opts->as4 ? 4 : 2;

	c->a->aggregator_as = as_size == 4 ? load_u32(v.p) : load_u16(v.p);
	memcpy(c->a->aggregator_addr, v.p + as_size, 4);
	if (c->a->aggregator_as == 0) {
		*reason = "AGGREGATOR with AS 0";	/* RFC 7607 2 */
		return -1;
	}
	return 0;
}

/* For an old speaker a 4-octet AS goes as AS_TRANS, and AS4_AGGREGATOR
 * follows (RFC 6793 4.2.2). */
static void
aggregator_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	uint8_t b[8];
	size_t len = 0;
	uint32_t as = a->aggregator_as;

	if (e->opts->as4) {
		b[len++] = (uint8_t)(as >> 24);
		b[len++] = (uint8_t)(as >> 16);
	} else if (as > 0xffff) {
		as = BGP_AS_TRANS;
		e->need_as4_aggregator = true;
	}
	b[len++] = (uint8_t)(as >> 8);
	b[len++] = (uint8_t)as;
	memcpy(b + len, a->aggregator_addr, 4);
	attr_put(w, own_flags(a, BGP_ATTR_AGGREGATOR), BGP_ATTR_AGGREGATOR,
	    b, len + 4);
}

static bool
aggregator_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->aggregator_as == y->aggregator_as &&
	    memcmp(x->aggregator_addr, y->aggregator_addr, 4) == 0;
}

/* RFC 7606 7.8 */
static int
communities_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->communities = v;
	return 0;
}

static void
communities_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_view(w, a, BGP_ATTR_COMMUNITIES, a->communities);
}

static bool
communities_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return rbuf_equal(x->communities, y->communities);
}

/* RFC 7606 7.9 */
static int
originator_id_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->originator_id = load_u32(v.p);
	return 0;
}

static void
originator_id_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_u32(w, a, BGP_ATTR_ORIGINATOR_ID, a->originator_id);
}

static bool
originator_id_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->originator_id == y->originator_id;
}

/* RFC 7606 7.10 */
static int
cluster_list_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->cluster_list = v;
	return 0;
}

static void
cluster_list_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_view(w, a, BGP_ATTR_CLUSTER_LIST, a->cluster_list);
}

static bool
cluster_list_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return rbuf_equal(x->cluster_list, y->cluster_list);
}

/* The next hop of MP_REACH_NLRI must have the family's size (RFC 4760 3;
 * RFC 2545 3: IPv6 global, optionally followed by link-local; RFC 8950 4:
 * an IPv6 one for IPv4 routes, when the codec is told to take it). */
static int
mp_nexthop_decode(struct rbuf nh, struct bgp_mp_nlri *mp, bool ext_nexthop,
    const char **reason)
{
	bool v6 = mp->af == AF_IDX_IPV6 || (mp->af == AF_IDX_IPV4 &&
	    ext_nexthop && (nh.len == 16 || nh.len == 32));

	mp->nh_raw = nh;
	mp->nh_len = (uint8_t)nh.len;
	memset(mp->nexthop, 0, sizeof(mp->nexthop));
	memset(mp->nexthop_ll, 0, sizeof(mp->nexthop_ll));
	if (mp->af == AF_IDX_IPV4 && !v6 && nh.len != 4) {
		*reason = "MP_REACH_NLRI IPv4 next hop length is not 4";
		return -1;
	}
	if (mp->af == AF_IDX_IPV6 && nh.len != 16 && nh.len != 32) {
		*reason = "MP_REACH_NLRI IPv6 next hop length is not 16 or 32";
		return -1;
	}
	if (mp->af == AF_IDX_IPV4 && !v6)
		memcpy(mp->nexthop, nh.p, 4);
	else if (v6) {
		memcpy(mp->nexthop, nh.p, 16);
		if (nh.len == 32)
			memcpy(mp->nexthop_ll, nh.p + 16, 16);
	}
	return 0;
}

static int
mp_nlri_check(struct bgp_mp_nlri *mp, struct attr_ctx *c, const char **reason)
{
	if (mp->af >= 0 && nlri_validate(mp->nlri, (unsigned)mp->af,
	    c->opts->addpath[mp->af], NULL) == -1) {
		*reason = "malformed NLRI in a multiprotocol attribute";
		return -1;
	}
	return 0;
}

/* RFC 4760 3, RFC 7606 7.11 */
static int
mp_reach_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	struct bgp_mp_nlri *mp = &c->a->mp_reach;
	uint8_t nh_len, reserved;
	struct rbuf nh;

	if (rbuf_get_u16(&v, &mp->afi) == -1 || rbuf_get_u8(&v, &mp->safi) ==
	    -1 || rbuf_get_u8(&v, &nh_len) == -1 ||
	    rbuf_sub(&v, nh_len, &nh) == -1 ||
	    rbuf_get_u8(&v, &reserved) == -1) {
		*reason = "MP_REACH_NLRI truncated";
		return -1;
	}
	mp->af = (int8_t)bgp_af_index(mp->afi, mp->safi);
	mp->nlri = v;
	if (mp_nexthop_decode(nh, mp, c->opts->ext_nexthop, reason) == -1)
		return -1;
	return mp_nlri_check(mp, c, reason);
}

static void
mp_reach_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	attr_put_mp_reach(w, &a->mp_reach);
}

static bool
mp_equal(const struct bgp_mp_nlri *a, const struct bgp_mp_nlri *b,
    bool reach)
{
	if (a->afi != b->afi || a->safi != b->safi || a->af != b->af ||
	    !rbuf_equal(a->nlri, b->nlri))
		return false;
	if (!reach)
		return true;
	if (a->af < 0)
		return rbuf_equal(a->nh_raw, b->nh_raw);
	return a->nh_len == b->nh_len &&
	    memcmp(a->nexthop, b->nexthop, sizeof(a->nexthop)) == 0 &&
	    memcmp(a->nexthop_ll, b->nexthop_ll, sizeof(a->nexthop_ll)) == 0;
}

static bool
mp_reach_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return mp_equal(&x->mp_reach, &y->mp_reach, true);
}

/* RFC 4760 4, RFC 7606 7.12 */
static int
mp_unreach_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	struct bgp_mp_nlri *mp = &c->a->mp_unreach;

	if (rbuf_get_u16(&v, &mp->afi) == -1 ||
	    rbuf_get_u8(&v, &mp->safi) == -1) {
		*reason = "MP_UNREACH_NLRI truncated";
		return -1;
	}
	mp->af = (int8_t)bgp_af_index(mp->afi, mp->safi);
	mp->nh_len = 0;
	mp->nh_raw = rbuf_make(NULL, 0);
	mp->nlri = v;
	return mp_nlri_check(mp, c, reason);
}

static void
mp_unreach_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	attr_put_mp_unreach(w, &a->mp_unreach);
}

static bool
mp_unreach_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return mp_equal(&x->mp_unreach, &y->mp_unreach, false);
}

/* RFC 7606 7.14 */
static int
ext_communities_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	(void)reason;
	c->a->ext_communities = v;
	return 0;
}

static void
ext_communities_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_view(w, a, BGP_ATTR_EXT_COMMUNITIES, a->ext_communities);
}

static bool
ext_communities_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return rbuf_equal(x->ext_communities, y->ext_communities);
}

/* RFC 6793 4.1: a new speaker never sends AS4_PATH/AS4_AGGREGATOR; from
 * one, they are dropped. */
static const char *
as4_admit(const struct attr_ctx *c)
{
	return c->opts->as4 ? "AS4 attribute from a 4-octet AS speaker" :
	    NULL;
}

/* RFC 6793 6: a malformed AS4_PATH is discarded. */
static int
as4_path_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (aspath_validate(v, 4, reason) == -1)
		return -1;
	c->a->as4_path = v;
	return 0;
}

/* Made by as_path_encode for an old speaker; written here, in its place
 * in the type order. */
static void
as4_path_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)a;
	if (e->as4_path.len > 0)
		attr_put(w, OPT | TRANS, BGP_ATTR_AS4_PATH, e->as4_path.p,
		    e->as4_path.len);
}

static int
as4_aggregator_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (load_u32(v.p) == 0) {
		*reason = "AS4_AGGREGATOR with AS 0";	/* RFC 7607 2 */
		return -1;
	}
	c->has_as4_aggregator = true;
	c->as4_aggregator_as = load_u32(v.p);
	memcpy(c->as4_aggregator_addr, v.p + 4, 4);
	return 0;
}

static void
as4_aggregator_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	uint8_t b[8] = { (uint8_t)(a->aggregator_as >> 24),
	    (uint8_t)(a->aggregator_as >> 16), (uint8_t)(a->aggregator_as >> 8),
	    (uint8_t)a->aggregator_as };

	if (!e->need_as4_aggregator)
		return;
	memcpy(b + 4, a->aggregator_addr, 4);
	attr_put(w, OPT | TRANS, BGP_ATTR_AS4_AGGREGATOR, b, sizeof(b));
}

/* RFC 8092 6 */
static int
large_communities_decode(struct rbuf v, struct attr_ctx *c,
    const char **reason)
{
	(void)reason;
	c->a->large_communities = v;
	return 0;
}

static void
large_communities_encode(struct wbuf *w, const struct bgp_attrs *a,
    struct attr_enc *e)
{
	(void)e;
	put_view(w, a, BGP_ATTR_LARGE_COMMUNITIES, a->large_communities);
}

static bool
large_communities_equal(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return rbuf_equal(x->large_communities, y->large_communities);
}

/* ---- the table ---- */

#define TAW	BGP_ACT_TREAT_AS_WITHDRAW
#define DISC	BGP_ACT_ATTR_DISCARD
#define RESET	BGP_ACT_SESSION_RESET

/* Length rules; the note names the attribute. */
#define FIXED(name, n)	{ ATTR_LEN_FIXED, n, name " length is not " #n }
#define LIST(name, n)	{ ATTR_LEN_LIST, n, \
	    name " length is not a non-zero multiple of " #n }
#define STRUCTURED	{ ATTR_LEN_DECODER, 0, NULL }

/*
 * One row per attribute. `rank` keeps the order `peering decode` and
 * `show route` have always printed; a new attribute takes the next free
 * rank. Sized by its highest code (attr_table_size).
 */
const struct attr_def attr_table[] = {
	[BGP_ATTR_ORIGIN] = {
		.name = "ORIGIN", .flags = TRANS, .rank = 1,
		.len = FIXED("ORIGIN", 1),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_ORIGIN,
		.decode = origin_decode, .encode = origin_encode,
		.equal = origin_equal, .json = attr_json_origin,
	},
	[BGP_ATTR_AS_PATH] = {
		.name = "AS_PATH", .flags = TRANS, .rank = 2,
		.len = STRUCTURED,
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_ASPATH,
		.decode = as_path_decode, .encode = as_path_encode,
		.equal = as_path_equal, .text = attr_text_as_path,
		.json = attr_json_as_path,
	},
	[BGP_ATTR_NEXT_HOP] = {
		.name = "NEXT_HOP", .flags = TRANS, .rank = 3,
		.len = FIXED("NEXT_HOP", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_NEXTHOP,
		.decode = next_hop_decode, .encode = next_hop_encode,
		.equal = next_hop_equal, .json = attr_json_next_hop,
	},
	[BGP_ATTR_MED] = {
		.name = "MULTI_EXIT_DISC", .flags = OPT, .rank = 4,
		.len = FIXED("MULTI_EXIT_DISC", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_LENGTH,
		.decode = med_decode, .encode = med_encode,
		.equal = med_equal, .text = attr_text_med, .text_key = "med",
		.json = attr_json_med,
	},
	[BGP_ATTR_LOCAL_PREF] = {
		.name = "LOCAL_PREF", .flags = TRANS, .rank = 5,
		.len = FIXED("LOCAL_PREF", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_LENGTH, .admit = local_pref_admit,
		.decode = local_pref_decode, .encode = local_pref_encode,
		.equal = local_pref_equal, .json = attr_json_local_pref,
	},
	[BGP_ATTR_ATOMIC_AGGREGATE] = {
		.name = "ATOMIC_AGGREGATE", .flags = TRANS, .rank = 6,
		.len = FIXED("ATOMIC_AGGREGATE", 0),
		.malformed = DISC, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_LENGTH,
		.decode = atomic_aggregate_decode,
		.encode = atomic_aggregate_encode, .equal = always_equal,
		.json = attr_json_atomic_aggregate,
	},
	[BGP_ATTR_AGGREGATOR] = {
		.name = "AGGREGATOR", .flags = OPT | TRANS, .rank = 7,
		.len = { ATTR_LEN_AS_PLUS, 4,
		    "AGGREGATOR length does not match the AS size" },
		.malformed = DISC, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_LENGTH,
		.decode = aggregator_decode, .encode = aggregator_encode,
		.equal = aggregator_equal, .json = attr_json_aggregator,
	},
	[BGP_ATTR_COMMUNITIES] = {
		.name = "COMMUNITIES", .flags = OPT | TRANS, .rank = 8,
		.len = LIST("COMMUNITIES", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = communities_decode, .encode = communities_encode,
		.equal = communities_equal, .text = attr_text_communities,
		.text_key = "community", .json = attr_json_communities,
	},
	[BGP_ATTR_ORIGINATOR_ID] = {
		.name = "ORIGINATOR_ID", .flags = OPT, .rank = 11,
		.len = FIXED("ORIGINATOR_ID", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = originator_id_decode, .encode = originator_id_encode,
		.equal = originator_id_equal, .json = attr_json_originator_id,
	},
	[BGP_ATTR_CLUSTER_LIST] = {
		.name = "CLUSTER_LIST", .flags = OPT, .rank = 12,
		.len = LIST("CLUSTER_LIST", 4),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = cluster_list_decode, .encode = cluster_list_encode,
		.equal = cluster_list_equal, .json = attr_json_cluster_list,
	},
	[BGP_ATTR_MP_REACH] = {
		.name = "MP_REACH_NLRI", .flags = OPT, .rank = 13,
		.props = ATTR_P_FIRST, .len = STRUCTURED,
		.malformed = RESET, .bad_flags = RESET,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = mp_reach_decode, .encode = mp_reach_encode,
		.equal = mp_reach_equal, .json = attr_json_mp_reach,
	},
	[BGP_ATTR_MP_UNREACH] = {
		.name = "MP_UNREACH_NLRI", .flags = OPT, .rank = 14,
		.props = ATTR_P_FIRST, .len = STRUCTURED,
		.malformed = RESET, .bad_flags = RESET,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = mp_unreach_decode, .encode = mp_unreach_encode,
		.equal = mp_unreach_equal, .json = attr_json_mp_unreach,
	},
	[BGP_ATTR_EXT_COMMUNITIES] = {
		.name = "EXTENDED_COMMUNITIES", .flags = OPT | TRANS,
		.rank = 10, .len = LIST("EXTENDED_COMMUNITIES", 8),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = ext_communities_decode,
		.encode = ext_communities_encode,
		.equal = ext_communities_equal,
		.text = attr_text_ext_communities, .text_key = "ext_community",
		.json = attr_json_ext_communities,
	},
	/* RFC 6793 6: a malformed AS4 attribute is discarded. Both are
	 * merged into AS_PATH and AGGREGATOR after the walk and made again
	 * for an old speaker, hence "derived" and no comparison. */
	[BGP_ATTR_AS4_PATH] = {
		.name = "AS4_PATH", .flags = OPT | TRANS, .rank = 15,
		.props = ATTR_P_DERIVED, .len = STRUCTURED,
		.malformed = DISC, .bad_flags = DISC,
		.subcode = BGP_ERR_UPD_OPTATTR, .admit = as4_admit,
		.decode = as4_path_decode, .encode = as4_path_encode,
		.equal = always_equal, .json = attr_json_as4_path,
	},
	[BGP_ATTR_AS4_AGGREGATOR] = {
		.name = "AS4_AGGREGATOR", .flags = OPT | TRANS, .rank = 16,
		.props = ATTR_P_DERIVED, .len = FIXED("AS4_AGGREGATOR", 8),
		.malformed = DISC, .bad_flags = DISC,
		.subcode = BGP_ERR_UPD_OPTATTR, .admit = as4_admit,
		.decode = as4_aggregator_decode,
		.encode = as4_aggregator_encode, .equal = always_equal,
	},
	[BGP_ATTR_LARGE_COMMUNITIES] = {
		.name = "LARGE_COMMUNITIES", .flags = OPT | TRANS, .rank = 9,
		.len = LIST("LARGE_COMMUNITIES", 12),
		.malformed = TAW, .bad_flags = TAW,
		.subcode = BGP_ERR_UPD_OPTATTR,
		.decode = large_communities_decode,
		.encode = large_communities_encode,
		.equal = large_communities_equal,
		.text = attr_text_large_communities,
		.text_key = "large_community",
		.json = attr_json_large_communities,
	},
};

const unsigned attr_table_size = sizeof(attr_table) / sizeof(attr_table[0]);

size_t
attrs_show_order(const struct bgp_attrs *a, uint8_t *types)
{
	size_t n = 0, j;

	for (unsigned t = 0; t < attr_table_size && n < BGP_ATTR_SHOW_MAX;
	    t++) {
		const struct attr_def *d = attr_def_get(t);

		if (d == NULL || !(bgp_attr_has(a, t) ||
		    (d->props & ATTR_P_DERIVED)))
			continue;
		/* Insertion by rank: a handful of entries. */
		for (j = n++; j > 0 && attr_table[types[j - 1]].rank > d->rank;
		    j--)
			types[j] = types[j - 1];
		types[j] = (uint8_t)t;
	}
	return n;
}
