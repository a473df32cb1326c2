/*
 * Internal: the path attribute table. One entry per attribute we know:
 * the flags it must carry, what RFC 7606 says to do when it is malformed,
 * and one small decoder. Duplicates, flag mismatches and unknown
 * attributes are handled once, in update_decode.c.
 */
#ifndef PEERING_BGP_ATTR_H
#define PEERING_BGP_ATTR_H

#include "update.h"

struct attr_ctx {
	struct bgp_attrs		*a;
	const struct bgp_codec_opts	*opts;
	struct wbuf			 scratch;
	uint8_t				 seen[32];	/* every type met */
	/* AS4_AGGREGATOR of an old speaker, merged after the walk. */
	bool				 has_as4_aggregator;
	uint32_t			 as4_aggregator_as;
	uint8_t				 as4_aggregator_addr[4];
};

struct attr_desc {
	const char	*name;
	uint8_t		 flags;		/* Optional and Transitive bits */
	enum bgp_action	 malformed;	/* RFC 7606 7.x */
	uint8_t		 subcode;	/* UPDATE error subcode to report */
	/* 0, or -1 with *reason set when the value is malformed. */
	int		(*decode)(struct rbuf v, struct attr_ctx *c,
			    const char **reason);
};

/* NULL for an attribute type we do not interpret. */
const struct attr_desc *attr_desc_get(uint8_t type);

/* Appends every present attribute in canonical order (update.h); the
 * multiprotocol ones only with_mp. */
void	attrs_encode(struct wbuf *w, const struct bgp_attrs *a,
	    const struct bgp_codec_opts *opts, bool with_mp);
/* One attribute header; the extended-length bit only past 255 bytes. */
void	attr_put_header(struct wbuf *w, uint8_t flags, uint8_t type,
	    size_t len);
void	attr_put_mp_reach(struct wbuf *w, const struct bgp_mp_nlri *mp);
void	attr_put_mp_unreach(struct wbuf *w, const struct bgp_mp_nlri *mp);

#endif
