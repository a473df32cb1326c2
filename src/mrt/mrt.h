/*
 * MRT (RFC 6396) with the ADD-PATH subtypes of RFC 8050: the files route
 * collectors (RIS, RouteViews) publish and bgpdump reads. A pure codec:
 * records framed and decoded from bytes in memory, written into a wbuf;
 * no I/O. The BGP messages and attributes inside are left to the BGP
 * codec (bgp/update.h); only what MRT changes is handled here: the
 * abbreviated MP_REACH_NLRI of TABLE_DUMP_V2 RIB entries (RFC 6396 4.3.4),
 * the peer table, the BGP4MP headers.
 *
 * Decoders take views (struct rbuf) into the record and return 0, or -1
 * with a static reason when a length does not fit.
 */
#ifndef PEERING_MRT_H
#define PEERING_MRT_H

#include <stdbool.h>
#include <stdint.h>

#include "../bgp/update.h"
#include "../lib/prefix.h"
#include "../lib/rbuf.h"
#include "../lib/wbuf.h"

/* Types (RFC 6396 4). */
#define MRT_TABLE_DUMP		12
#define MRT_TABLE_DUMP_V2	13
#define MRT_BGP4MP		16
#define MRT_BGP4MP_ET		17	/* microsecond timestamp (RFC 6396 3) */

/* TABLE_DUMP_V2 subtypes (RFC 6396 4.3, RFC 8050 4). */
#define MRT_PEER_INDEX_TABLE		1
#define MRT_RIB_IPV4_UNICAST		2
#define MRT_RIB_IPV4_MULTICAST		3
#define MRT_RIB_IPV6_UNICAST		4
#define MRT_RIB_IPV6_MULTICAST		5
#define MRT_RIB_GENERIC			6
#define MRT_RIB_IPV4_UNICAST_ADDPATH	8
#define MRT_RIB_IPV4_MULTICAST_ADDPATH	9
#define MRT_RIB_IPV6_UNICAST_ADDPATH	10
#define MRT_RIB_IPV6_MULTICAST_ADDPATH	11
#define MRT_RIB_GENERIC_ADDPATH		12

/* BGP4MP and BGP4MP_ET subtypes (RFC 6396 4.4, RFC 8050 3). */
#define MRT_BGP4MP_STATE_CHANGE			0
#define MRT_BGP4MP_MESSAGE			1
#define MRT_BGP4MP_MESSAGE_AS4			4
#define MRT_BGP4MP_STATE_CHANGE_AS4		5
#define MRT_BGP4MP_MESSAGE_LOCAL		6
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL		7
#define MRT_BGP4MP_MESSAGE_ADDPATH		8
#define MRT_BGP4MP_MESSAGE_AS4_ADDPATH		9
#define MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH	10
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH	11

#define MRT_HEADER_LEN		12
/* The longest record we accept: a BGP4MP with an extended message, or a
 * RIB record of many entries; longer is taken as a broken file. */
#define MRT_MAX_LEN		(16u << 20)

/* ---- common header (RFC 6396 2, 3) ---- */

struct mrt_header {
	uint32_t	time;		/* seconds since the epoch */
	uint32_t	usec;		/* _ET types only, else 0 */
	uint16_t	type;
	uint16_t	subtype;
	uint32_t	length;		/* of the message, after the header
					 * (the _ET microseconds included) */
};

static inline bool
mrt_type_et(uint16_t type)
{
	return type == MRT_BGP4MP_ET || type == 33 || type == 49;
}

/*
 * Carves the next record off in: its header and its message (after the
 * _ET microseconds). 1: a record; 0: in is empty; -1: in ends inside a
 * record, or its length passes MRT_MAX_LEN (*reason says which; in is
 * left as it was).
 */
int	mrt_record_next(struct rbuf *in, struct mrt_header *h,
	    struct rbuf *body, const char **reason);

/* Starts a record; mrt_record_finish() writes its length. */
size_t	mrt_record_start(struct wbuf *w, uint32_t time, uint32_t usec,
	    uint16_t type, uint16_t subtype);
void	mrt_record_finish(struct wbuf *w, size_t start);

/* ---- TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 4.3.1) ---- */

#define MRT_PEER_TYPE_IPV6	0x01
#define MRT_PEER_TYPE_AS4	0x02

struct mrt_peer {
	uint8_t		type;		/* MRT_PEER_TYPE_* bits */
	uint8_t		af;		/* enum afi_index of addr */
	uint32_t	bgp_id;		/* host order */
	uint8_t		addr[16];
	uint32_t	as;
};

struct mrt_peer_table {
	uint32_t	collector_id;	/* host order */
	struct rbuf	view_name;
	uint16_t	count;
	struct rbuf	entries;	/* count entries, all checked */
};

int	mrt_peer_table_decode(struct rbuf body, struct mrt_peer_table *t,
	    const char **reason);
/* 1: *p is the next peer; 0: done. Only after a successful decode. */
int	mrt_peer_next(struct rbuf *entries, struct mrt_peer *p);

/* The whole record. Peers are written as their type says (IPv6 address,
 * 4-octet AS); a peer whose AS needs 4 octets gets the bit itself. */
void	mrt_peer_table_encode(struct wbuf *w, uint32_t time,
	    uint32_t collector_id, const char *view_name,
	    const struct mrt_peer *peers, uint16_t count);

/* ---- TABLE_DUMP_V2 RIB records (RFC 6396 4.3.2-4, RFC 8050 4) ---- */

struct mrt_rib {
	uint32_t	seq;
	uint16_t	afi;
	uint8_t		safi;
	bool		addpath;	/* entries carry path ids */
	bool		has_prefix;	/* afi IPv4/IPv6: prefix is set */
	struct prefix	prefix;
	struct rbuf	nlri;		/* RIB_GENERIC of another AFI: raw */
	uint16_t	count;
	struct rbuf	entries;	/* count entries, all checked */
};

struct mrt_rib_entry {
	uint16_t	peer_index;
	uint32_t	originated;
	uint32_t	path_id;	/* 0 without ADD-PATH */
	struct rbuf	attrs;
};

/* Is subtype one of the RIB records? */
bool	mrt_rib_subtype(uint16_t subtype);
int	mrt_rib_decode(uint16_t subtype, struct rbuf body, struct mrt_rib *r,
	    const char **reason);
/* 1: *e is the next entry; 0: done. Only after a successful decode. */
int	mrt_rib_entry_next(struct rbuf *entries, bool addpath,
	    struct mrt_rib_entry *e);

/* The RIB subtype for a unicast family, with or without path ids. */
uint16_t mrt_rib_subtype_for(unsigned af, bool addpath);

/*
 * A RIB entry's attributes, decoded into *a as the BGP codec decodes an
 * attribute block, with its MP_REACH_NLRI (abbreviated: next hop only,
 * RFC 6396 4.3.4; or, as some writers do, whole) made a regular
 * mp_reach of the record's AFI/SAFI with no NLRI. Views point into attrs
 * or into scratch (the block without MP_REACH_NLRI: as big as attrs).
 */
enum bgp_action mrt_rib_attrs_decode(struct rbuf attrs, uint16_t afi,
	    uint8_t safi, struct bgp_attrs *a, uint8_t *scratch,
	    size_t scratch_len, struct bgp_err *err);

/*
 * Record writing, entry by entry: start (header, sequence number, prefix,
 * a count patched later), one mrt_rib_entry_put per path, finish.
 */
struct mrt_rib_writer {
	size_t		start;		/* of the record */
	size_t		count_at;	/* of its entry count */
	uint16_t	count;
	bool		addpath;
};

void	mrt_rib_begin(struct wbuf *w, struct mrt_rib_writer *rw,
	    uint32_t time, uint32_t seq, const struct prefix *p,
	    bool addpath);
/*
 * One path: a's attributes (its multiprotocol ones ignored) with the next
 * hop nh (4 bytes, or 16 for IPv6, or an IPv6 one for an IPv4 route: RFC
 * 8950) and nh_ll (16 bytes, or NULL). An IPv4 next hop goes in NEXT_HOP;
 * an IPv6 one in an abbreviated MP_REACH_NLRI. A record holds at most
 * 65535 entries: check rw->count.
 */
void	mrt_rib_entry_put(struct wbuf *w, struct mrt_rib_writer *rw,
	    uint16_t peer_index, uint32_t originated, uint32_t path_id,
	    const struct bgp_attrs *a, const uint8_t *nh, unsigned nh_len,
	    const uint8_t *nh_ll);
void	mrt_rib_end(struct wbuf *w, struct mrt_rib_writer *rw);

/* ---- TABLE_DUMP (RFC 6396 4.2): the older RIB format, 2-octet ASes ---- */

struct mrt_table_dump {
	uint16_t	view;
	uint16_t	seq;
	struct prefix	prefix;
	uint8_t		status;
	uint32_t	originated;
	uint8_t		peer_ip[16];	/* the prefix's family */
	uint16_t	peer_as;
	struct rbuf	attrs;
};

/* Subtypes 1 (AFI_IPv4) and 2 (AFI_IPv6). */
int	mrt_table_dump_decode(uint16_t subtype, struct rbuf body,
	    struct mrt_table_dump *t, const char **reason);
/*
 * Its attributes, as an old (2-octet AS) speaker's UPDATE would carry
 * them (AS4_PATH merged): u->attrs. msg is room for the UPDATE made
 * around them (attrs.len + 23 bytes, at most 65535: else -1 before any
 * decoding); views point into it and into scratch.
 */
enum bgp_action mrt_table_dump_attrs_decode(struct rbuf attrs,
	    struct bgp_update *u, uint8_t *msg, size_t msg_len,
	    struct bgp_scratch *scratch, struct bgp_err *err);

/* ---- BGP4MP and BGP4MP_ET (RFC 6396 4.4, RFC 8050 3) ---- */

struct mrt_bgp4mp {
	uint32_t	peer_as;
	uint32_t	local_as;
	uint16_t	ifindex;
	uint16_t	afi;		/* of the two addresses */
	uint8_t		peer_ip[16];
	uint8_t		local_ip[16];
	bool		as4;		/* 4-octet AS in the message */
	bool		addpath;	/* path ids in every NLRI */
	bool		local;		/* sent by the local side */
	bool		state_change;
	uint16_t	old_state;	/* state change only */
	uint16_t	new_state;
	struct rbuf	msg;		/* the BGP message, header included */
};

/* Is subtype a BGP4MP subtype we read? */
bool	mrt_bgp4mp_subtype(uint16_t subtype);
int	mrt_bgp4mp_decode(uint16_t subtype, struct rbuf body,
	    struct mrt_bgp4mp *m, const char **reason);
/* The subtype m's flags call for. */
uint16_t mrt_bgp4mp_subtype_for(const struct mrt_bgp4mp *m);
/* The whole record (BGP4MP_ET when et), m->msg as the message. */
void	mrt_bgp4mp_encode(struct wbuf *w, uint32_t time, uint32_t usec,
	    bool et, const struct mrt_bgp4mp *m);
/* The options to decode m->msg with: iBGP (LOCAL_PREF kept), extended
 * messages, RFC 8950 next hops, and m's AS width and ADD-PATH. */
void	mrt_bgp4mp_codec_opts(const struct mrt_bgp4mp *m,
	    struct bgp_codec_opts *o);

/* Names for tools: "TABLE_DUMP_V2", "RIB_IPV4_UNICAST_ADDPATH", "Idle". */
const char *mrt_type_name(uint16_t type);
const char *mrt_subtype_name(uint16_t type, uint16_t subtype);
const char *mrt_state_name(uint16_t state);

#endif
