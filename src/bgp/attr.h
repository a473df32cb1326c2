/*
 * Internal: the path attribute table (attr.c). One row per attribute type
 * we know says everything the codec and its writers know about it: name,
 * flags, length rule, RFC 7606 actions, and its own functions to decode,
 * encode, compare, print as text and as JSON. The generic walks
 * (update_decode.c, attr_encode.c, update_encode.c, msg_json.c) dispatch
 * through it and handle duplicates, flag mismatches and unknown attributes
 * once, for every type. docs/codec.md "Adding an attribute" says what to
 * touch.
 */
#ifndef PEERING_BGP_ATTR_H
#define PEERING_BGP_ATTR_H

#include "update.h"

struct cJSON;

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

/* What one encoding carries from attribute to attribute: for an old
 * speaker, AS_PATH and AGGREGATOR leave AS4_PATH and AS4_AGGREGATOR to
 * write later in the walk (RFC 6793 4.2.2). */
struct attr_enc {
	const struct bgp_codec_opts	*opts;
	struct wbuf			 as4_path;
	bool				 need_as4_aggregator;
};

/* The length rule of a value, checked before the decoder runs. */
enum attr_len_kind {
	ATTR_LEN_FIXED,		/* exactly n bytes */
	ATTR_LEN_LIST,		/* a non-zero multiple of n (RFC 7606 7.8) */
	ATTR_LEN_AS_PLUS,	/* the session's AS size plus n */
	ATTR_LEN_DECODER,	/* structured: the decoder checks each part */
};

struct attr_len {
	enum attr_len_kind	 kind;
	uint8_t			 n;
	const char		*reason;	/* the note when it fails */
};

/* Row properties (attr_def.props). */
/* Encoded before every other attribute and only in a whole UPDATE, not
 * in a stored attribute set; a repeat or an overrun resets the session
 * (the multiprotocol ones: RFC 7606 3(g), 5.1). */
#define ATTR_P_FIRST		0x01
/* Not kept in bgp_attrs past decoding: made again while encoding for an
 * old speaker from other attributes (AS4_PATH, AS4_AGGREGATOR), so for
 * one its encoder is called whether or not its presence bit is set, and
 * its JSON writer always (it shows what was received, if anything). */
#define ATTR_P_DERIVED		0x02

struct attr_def {
	const char	*name;		/* as IANA writes it */
	uint8_t		 flags;		/* Optional and Transitive bits */
	uint8_t		 props;		/* ATTR_P_* */
	struct attr_len	 len;
	enum bgp_action	 malformed;	/* RFC 7606 7.x: a bad value */
	enum bgp_action	 bad_flags;	/* RFC 7606 3(c): contradicting flags */
	uint8_t		 subcode;	/* UPDATE error subcode to report */
	/* Where its JSON key and text line come among the others: lower
	 * first (the order `peering decode` has always printed). */
	uint8_t		 rank;
	/* NULL, or why this session must not take it: then it is dropped
	 * (attribute discard) before its value is read. */
	const char	*(*admit)(const struct attr_ctx *c);
	/* 0, or -1 with *reason set when the value is malformed. v passed
	 * the length rule already. */
	int		(*decode)(struct rbuf v, struct attr_ctx *c,
			    const char **reason);
	/* The whole attribute, header included, in canonical form. */
	void		(*encode)(struct wbuf *w, const struct bgp_attrs *a,
			    struct attr_enc *e);
	/* Value equality of two sets that both carry it. */
	bool		(*equal)(const struct bgp_attrs *x,
			    const struct bgp_attrs *y);
	/* NULL, or its BIRD-style text with snprintf's contract ... */
	size_t		(*text)(const struct bgp_attrs *a, char *buf,
			    size_t size);
	/* ... and the key of its `show route all` line ("BGP.<key>: ..."),
	 * NULL when it is shown on the route's own line instead. */
	const char	*text_key;
	/* Its keys in the "attributes" object (docs/decode.md). */
	void		(*json)(struct cJSON *j, const struct bgp_attrs *a,
			    const struct bgp_codec_opts *o);
};

/* The table (attr.c), indexed by type code; attr_table_size is one past
 * the highest code in it. A row without a decoder is a type we do not
 * interpret. */
extern const struct attr_def	attr_table[];
extern const unsigned		attr_table_size;

/* NULL for an attribute type we do not interpret. */
static inline const struct attr_def *
attr_def_get(unsigned type)
{
	return type < attr_table_size && attr_table[type].decode != NULL ?
	    &attr_table[type] : NULL;
}

/* Appends every present attribute in canonical order (update.h); the
 * multiprotocol ones only with_mp. */
void	attrs_encode(struct wbuf *w, const struct bgp_attrs *a,
	    const struct bgp_codec_opts *opts, bool with_mp);
/* One attribute header; the extended-length bit only past 255 bytes. */
static inline void
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

/* Header and value; past 65535 bytes only w->overflow. */
static inline void
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

/* The first type in [t, end) whose bit is set in a 256-bit set (the
 * presence bits); end when none is. */
static inline unsigned
attr_bits_next(const uint8_t *bits, unsigned t, unsigned end)
{
	while (t < end) {
		unsigned b = bits[t >> 3] >> (t & 7);

		if (b != 0) {
			t += (unsigned)__builtin_ctz(b);
			return t < end ? t : end;
		}
		t = (t | 7) + 1;
	}
	return end;
}

void	attr_put_mp_reach(struct wbuf *w, const struct bgp_mp_nlri *mp);
void	attr_put_mp_unreach(struct wbuf *w, const struct bgp_mp_nlri *mp);

/*
 * The present attributes with a row, and the derived ones, in rank order
 * (display order: JSON keys, text lines). types must hold
 * BGP_ATTR_SHOW_MAX entries. Returns how many.
 */
#define BGP_ATTR_SHOW_MAX	64
size_t	attrs_show_order(const struct bgp_attrs *a, uint8_t *types);

/* The attributes' own text writers (format.c) and JSON writers
 * (msg_json.c), named in their rows. */
size_t	attr_text_as_path(const struct bgp_attrs *a, char *buf, size_t size);
size_t	attr_text_med(const struct bgp_attrs *a, char *buf, size_t size);
size_t	attr_text_communities(const struct bgp_attrs *a, char *buf,
	    size_t size);
size_t	attr_text_ext_communities(const struct bgp_attrs *a, char *buf,
	    size_t size);
size_t	attr_text_large_communities(const struct bgp_attrs *a, char *buf,
	    size_t size);

#define ATTR_JSON_FN(name) void name(struct cJSON *j, \
	    const struct bgp_attrs *a, const struct bgp_codec_opts *o)
ATTR_JSON_FN(attr_json_origin);
ATTR_JSON_FN(attr_json_as_path);
ATTR_JSON_FN(attr_json_next_hop);
ATTR_JSON_FN(attr_json_med);
ATTR_JSON_FN(attr_json_local_pref);
ATTR_JSON_FN(attr_json_atomic_aggregate);
ATTR_JSON_FN(attr_json_aggregator);
ATTR_JSON_FN(attr_json_communities);
ATTR_JSON_FN(attr_json_originator_id);
ATTR_JSON_FN(attr_json_cluster_list);
ATTR_JSON_FN(attr_json_mp_reach);
ATTR_JSON_FN(attr_json_mp_unreach);
ATTR_JSON_FN(attr_json_ext_communities);
ATTR_JSON_FN(attr_json_as4_path);
ATTR_JSON_FN(attr_json_large_communities);

#endif
