/* Path attributes: the table and one decoder per known type. */
#include "attr.h"
#include "aspath.h"

#define OPT	BGP_ATTR_FLAG_OPTIONAL
#define TRANS	BGP_ATTR_FLAG_TRANSITIVE

static int
fixed_len(struct rbuf v, size_t len, const char **reason, const char *what)
{
	if (v.len != len) {
		*reason = what;
		return -1;
	}
	return 0;
}

/* A non-zero multiple of n (RFC 7606 7.8, 7.10, 7.14; RFC 8092 6). */
static int
list_len(struct rbuf v, size_t n, const char **reason, const char *what)
{
	if (v.len == 0 || v.len % n != 0) {
		*reason = what;
		return -1;
	}
	return 0;
}

/* RFC 7606 7.1 */
static int
origin_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 1, reason, "ORIGIN length is not 1") == -1)
		return -1;
	if (v.p[0] > BGP_ORIGIN_INCOMPLETE) {
		*reason = "undefined ORIGIN value";
		return -1;
	}
	c->a->origin = v.p[0];
	return 0;
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

/* RFC 7606 7.3 */
static int
next_hop_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 4, reason, "NEXT_HOP length is not 4") == -1)
		return -1;
	memcpy(c->a->next_hop, v.p, 4);
	return 0;
}

/* RFC 7606 7.4 */
static int
med_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 4, reason, "MULTI_EXIT_DISC length is not 4") == -1)
		return -1;
	c->a->med = load_u32(v.p);
	return 0;
}

/* RFC 7606 7.5; LOCAL_PREF from an external peer is dropped by the
 * caller before this is reached. */
static int
local_pref_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 4, reason, "LOCAL_PREF length is not 4") == -1)
		return -1;
	c->a->local_pref = load_u32(v.p);
	return 0;
}

/* RFC 7606 7.6 */
static int
atomic_aggregate_decode(struct rbuf v, struct attr_ctx *c,
    const char **reason)
{
	(void)c;
	return fixed_len(v, 0, reason, "ATOMIC_AGGREGATE length is not 0");
}

/* RFC 7606 7.7 */
static int
aggregator_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	size_t as_size = c->opts->as4 ? 4 : 2;

	if (fixed_len(v, as_size + 4, reason,
	    "AGGREGATOR length does not match the AS size") == -1)
		return -1;
	c->a->aggregator_as = as_size == 4 ? load_u32(v.p) : load_u16(v.p);
	memcpy(c->a->aggregator_addr, v.p + as_size, 4);
	if (c->a->aggregator_as == 0) {
		*reason = "AGGREGATOR with AS 0";	/* RFC 7607 2 */
		return -1;
	}
	return 0;
}

/* RFC 7606 7.8 */
static int
communities_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (list_len(v, 4, reason,
	    "COMMUNITIES length is not a non-zero multiple of 4") == -1)
		return -1;
	c->a->communities = v;
	return 0;
}

/* RFC 7606 7.9 */
static int
originator_id_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 4, reason, "ORIGINATOR_ID length is not 4") == -1)
		return -1;
	c->a->originator_id = load_u32(v.p);
	return 0;
}

/* RFC 7606 7.10 */
static int
cluster_list_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (list_len(v, 4, reason,
	    "CLUSTER_LIST length is not a non-zero multiple of 4") == -1)
		return -1;
	c->a->cluster_list = v;
	return 0;
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

/* RFC 7606 7.14 */
static int
ext_communities_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (list_len(v, 8, reason, "EXTENDED_COMMUNITIES length is not a "
	    "non-zero multiple of 8") == -1)
		return -1;
	c->a->ext_communities = v;
	return 0;
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

static int
as4_aggregator_decode(struct rbuf v, struct attr_ctx *c, const char **reason)
{
	if (fixed_len(v, 8, reason, "AS4_AGGREGATOR length is not 8") == -1)
		return -1;
	if (load_u32(v.p) == 0) {
		*reason = "AS4_AGGREGATOR with AS 0";	/* RFC 7607 2 */
		return -1;
	}
	c->has_as4_aggregator = true;
	c->as4_aggregator_as = load_u32(v.p);
	memcpy(c->as4_aggregator_addr, v.p + 4, 4);
	return 0;
}

/* RFC 8092 6 */
static int
large_communities_decode(struct rbuf v, struct attr_ctx *c,
    const char **reason)
{
	if (list_len(v, 12, reason, "LARGE_COMMUNITIES length is not a "
	    "non-zero multiple of 12") == -1)
		return -1;
	c->a->large_communities = v;
	return 0;
}

#define TAW	BGP_ACT_TREAT_AS_WITHDRAW
#define DISC	BGP_ACT_ATTR_DISCARD
#define RESET	BGP_ACT_SESSION_RESET

static const struct attr_desc attr_table[256] = {
	[BGP_ATTR_ORIGIN] = { "ORIGIN", TRANS, TAW,
	    BGP_ERR_UPD_ORIGIN, origin_decode },
	[BGP_ATTR_AS_PATH] = { "AS_PATH", TRANS, TAW,
	    BGP_ERR_UPD_ASPATH, as_path_decode },
	[BGP_ATTR_NEXT_HOP] = { "NEXT_HOP", TRANS, TAW,
	    BGP_ERR_UPD_NEXTHOP, next_hop_decode },
	[BGP_ATTR_MED] = { "MULTI_EXIT_DISC", OPT, TAW,
	    BGP_ERR_UPD_LENGTH, med_decode },
	[BGP_ATTR_LOCAL_PREF] = { "LOCAL_PREF", TRANS, TAW,
	    BGP_ERR_UPD_LENGTH, local_pref_decode },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", TRANS, DISC,
	    BGP_ERR_UPD_LENGTH, atomic_aggregate_decode },
	[BGP_ATTR_AGGREGATOR] = { "AGGREGATOR", OPT | TRANS, DISC,
	    BGP_ERR_UPD_LENGTH, aggregator_decode },
	[BGP_ATTR_COMMUNITIES] = { "COMMUNITIES", OPT | TRANS, TAW,
	    BGP_ERR_UPD_OPTATTR, communities_decode },
	[BGP_ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", OPT, TAW,
	    BGP_ERR_UPD_OPTATTR, originator_id_decode },
	[BGP_ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", OPT, TAW,
	    BGP_ERR_UPD_OPTATTR, cluster_list_decode },
	[BGP_ATTR_MP_REACH] = { "MP_REACH_NLRI", OPT, RESET,
	    BGP_ERR_UPD_OPTATTR, mp_reach_decode },
	[BGP_ATTR_MP_UNREACH] = { "MP_UNREACH_NLRI", OPT, RESET,
	    BGP_ERR_UPD_OPTATTR, mp_unreach_decode },
	[BGP_ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", OPT | TRANS,
	    TAW, BGP_ERR_UPD_OPTATTR, ext_communities_decode },
	[BGP_ATTR_AS4_PATH] = { "AS4_PATH", OPT | TRANS, DISC,
	    BGP_ERR_UPD_OPTATTR, as4_path_decode },
	[BGP_ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", OPT | TRANS, DISC,
	    BGP_ERR_UPD_OPTATTR, as4_aggregator_decode },
	[BGP_ATTR_LARGE_COMMUNITIES] = { "LARGE_COMMUNITIES", OPT | TRANS,
	    TAW, BGP_ERR_UPD_OPTATTR, large_communities_decode },
};

const struct attr_desc *
attr_desc_get(uint8_t type)
{
	return attr_table[type].decode != NULL ? &attr_table[type] : NULL;
}
