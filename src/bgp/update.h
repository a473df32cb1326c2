/*
 * UPDATE messages (RFC 4271 4.3) with MP-BGP (RFC 4760), 4-octet AS
 * (RFC 6793), ADD-PATH (RFC 7911) and RFC 7606 error handling.
 *
 * bgp_update_decode() walks the message in place: variable-length values
 * (NLRI blocks, AS path, community lists, unknown attributes) are views into
 * the message, valid as long as it is. Only a path from an old (2-octet)
 * speaker is rewritten, into the caller's scratch space. Nothing is
 * allocated. Every NLRI block is validated during decoding, so iterating
 * over it afterwards cannot fail.
 */
#ifndef PEERING_BGP_UPDATE_H
#define PEERING_BGP_UPDATE_H

#include "bgp.h"
#include "nlri.h"
#include "../lib/rbuf.h"
#include "../lib/wbuf.h"

/* What the session negotiated, for one direction. */
struct bgp_codec_opts {
	bool		as4;			/* 4-octet AS numbers */
	bool		ibgp;			/* LOCAL_PREF is meaningful */
	bool		addpath[AF_IDX_COUNT];	/* path ids in NLRI */
	uint16_t	max_len;		/* 4096 or 65535 (RFC 8654) */
	bool		ext_nexthop;		/* IPv6 next hops for IPv4
						 * NLRI (RFC 8950; tools) */
};

/* Multiprotocol NLRI (MP_REACH_NLRI / MP_UNREACH_NLRI). */
struct bgp_mp_nlri {
	uint16_t	afi;
	uint8_t		safi;
	int8_t		af;		/* enum afi_index, -1: not ours */
	uint8_t		nh_len;		/* MP_REACH only: 0, 4, 16 or 32
					 * (16 or 32 for IPv4: RFC 8950) */
	uint8_t		nexthop[16];	/* IPv4 in the first 4 bytes */
	uint8_t		nexthop_ll[16];	/* IPv6 link-local if nh_len 32 */
	struct rbuf	nh_raw;		/* next hop field as sent */
	struct rbuf	nlri;		/* wire form; validated if af >= 0 */
};

struct bgp_attr_raw {
	uint8_t		flags;
	uint8_t		type;
	struct rbuf	value;
};

/* An attribute dropped by the decoder (RFC 7606 attribute discard). */
struct bgp_attr_note {
	uint8_t		 type;
	enum bgp_action	 action;
	const char	*reason;
};

/* Every type but the known ones can occur once: no unknown one is lost. */
#define BGP_MAX_UNKNOWN_ATTRS	256
#define BGP_MAX_NOTES		16

struct bgp_attrs {
	uint8_t			present[32];	/* bitset by attribute type */
	uint8_t			partial[32];	/* Partial bit as received */
	uint8_t			origin;
	struct rbuf		as_path;	/* 4-octet form, merged */
	uint8_t			next_hop[4];
	uint32_t		med;
	uint32_t		local_pref;
	uint32_t		aggregator_as;	/* merged with AS4_AGGREGATOR */
	uint8_t			aggregator_addr[4];
	struct rbuf		communities;	/* n x 4 bytes */
	uint32_t		originator_id;
	struct rbuf		cluster_list;	/* n x 4 bytes */
	struct bgp_mp_nlri	mp_reach;
	struct bgp_mp_nlri	mp_unreach;
	struct rbuf		ext_communities;	/* n x 8 bytes */
	struct rbuf		large_communities;	/* n x 12 bytes */
	/* As received from an old speaker, before the merge (for tools);
	 * as4_path.p is NULL when none came. */
	struct rbuf		as4_path;
	uint16_t		n_unknown;
	struct bgp_attr_raw	unknown[BGP_MAX_UNKNOWN_ATTRS];
	uint8_t			n_notes;
	uint16_t		n_notes_lost;	/* past BGP_MAX_NOTES */
	struct bgp_attr_note	notes[BGP_MAX_NOTES];
};

static inline bool
bgp_attr_has(const struct bgp_attrs *a, unsigned type)
{
	return (a->present[type >> 3] >> (type & 7)) & 1;
}

static inline void
bgp_attr_set(struct bgp_attrs *a, unsigned type)
{
	a->present[type >> 3] |= (uint8_t)(1u << (type & 7));
}

static inline void
bgp_attr_unset(struct bgp_attrs *a, unsigned type)
{
	a->present[type >> 3] &= (uint8_t)~(1u << (type & 7));
}

/* Resets the presence bits and counters; nothing else needs zeroing. */
void	bgp_attrs_init(struct bgp_attrs *a);

struct bgp_update {
	struct rbuf		withdrawn;	/* IPv4 withdrawn, wire form */
	struct rbuf		nlri;		/* IPv4 NLRI, wire form */
	struct bgp_attrs	attrs;
};

/* Room to widen and merge a 2-octet AS path of the largest message. */
struct bgp_scratch {
	uint8_t	buf[4 * BGP_EXT_MAX_LEN];
};

/*
 * Decodes the whole message (header included). Returns the action (also in
 * err->action): ACCEPT, ATTR_DISCARD (some attributes were dropped; the
 * rest is good), TREAT_AS_WITHDRAW (every prefix in the message, reachable
 * or not, is to be withdrawn; the NLRI views are valid for that) or
 * SESSION_RESET (send the NOTIFICATION in err; nothing else is valid).
 * scratch may be NULL when opts->as4 is set.
 */
enum bgp_action bgp_update_decode(struct rbuf msg,
	    const struct bgp_codec_opts *opts, struct bgp_update *u,
	    struct bgp_scratch *scratch, struct bgp_err *err);

/* End-of-RIB marker (RFC 4724 2): the family index, or -1 if not one. */
int	bgp_update_eor(const struct bgp_update *u);

/*
 * Keeps only the routes of family af (the one the session negotiated):
 * the IPv4 withdrawn/NLRI fields are emptied on a session of another
 * family, an MP_REACH/MP_UNREACH of another family is marked not ours
 * (af -1). RFC 4760 6: a speaker sends only the families both sides
 * advertised; what comes for another is ignored, not installed. Returns
 * how many of the three blocks were dropped with routes in them.
 */
unsigned bgp_update_keep_family(struct bgp_update *u, unsigned af);

/*
 * Encodes u as one message: withdrawn and NLRI views as they are,
 * attributes in canonical form and order (MP_REACH_NLRI, MP_UNREACH_NLRI,
 * then by type code, unknown ones among them; RFC 7606 5.1). For an old
 * speaker (!opts->as4) 4-octet numbers become AS_TRANS with AS4_PATH and
 * AS4_AGGREGATOR alongside. Check w->overflow: a message longer than
 * opts->max_len also sets it.
 */
void	bgp_update_encode(struct wbuf *w, const struct bgp_update *u,
	    const struct bgp_codec_opts *opts);
void	bgp_eor_encode(struct wbuf *w, unsigned af);

/*
 * An attribute set on its own, as the RIB keeps it: the canonical wire
 * form (4-octet AS numbers, no MP_REACH/MP_UNREACH: next hops and NLRI are
 * kept apart), so equal sets are equal bytes. decode reads such a block
 * back (views into it), with the same RFC 7606 verdicts.
 */
void	bgp_attrs_encode_block(struct wbuf *w, const struct bgp_attrs *a);
enum bgp_action bgp_attrs_decode_block(struct rbuf block, struct bgp_attrs *a,
	    struct bgp_err *err);
/* Value equality of two decoded updates (views compared by content). */
bool	bgp_update_equal(const struct bgp_update *a, const struct bgp_update *b);
/* Sets the Partial bit on unknown optional transitive attributes and drops
 * unknown non-transitive ones, as for passing the route on (RFC 4271 5). */
void	bgp_attrs_pass_through(struct bgp_attrs *a);

/*
 * Packs many prefixes sharing one attribute set into as few UPDATEs as fit
 * the negotiated maximum. Announcing IPv6 puts NLRI in MP_REACH_NLRI,
 * withdrawing it in MP_UNREACH_NLRI.
 */
struct bgp_packer {
	struct bgp_codec_opts	opts;
	unsigned		af;
	bool			withdraw;
	const struct bgp_attrs	*attrs;		/* announce only */
	size_t			fixed_len;	/* message bytes without NLRI */
	size_t			nlri_len;
	size_t			count;
	uint8_t			nlri[BGP_EXT_MAX_LEN];
};

void	bgp_packer_init(struct bgp_packer *p, const struct bgp_codec_opts *o,
	    unsigned af, const struct bgp_attrs *attrs_or_null_to_withdraw);
/*
 * Adds one prefix; when it does not fit, the pending message is first
 * appended to out. Returns the number of messages written (0 or 1), or -1
 * when the attributes alone leave no room for a prefix.
 */
int	bgp_packer_add(struct bgp_packer *p, const struct prefix *pfx,
	    uint32_t path_id, struct wbuf *out);
/* Writes the pending message, if any. Returns messages written. */
int	bgp_packer_flush(struct bgp_packer *p, struct wbuf *out);

#endif
