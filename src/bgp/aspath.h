/*
 * AS paths. Inside the daemon a path is always in its wire form with
 * 4-octet AS numbers (segments: type, count, count x 4 bytes); 2-octet paths
 * from old speakers are widened on receipt (RFC 6793).
 */
#ifndef PEERING_BGP_ASPATH_H
#define PEERING_BGP_ASPATH_H

#include "bgp.h"
#include "../lib/rbuf.h"
#include "../lib/wbuf.h"

struct aspath_seg {
	uint8_t		 type;		/* enum bgp_aspath_seg_type */
	uint8_t		 count;
	const uint8_t	*as;		/* count x 4 bytes, big endian */
};

struct aspath_iter {
	struct rbuf	b;
};

static inline void
aspath_iter_init(struct aspath_iter *it, struct rbuf path4)
{
	it->b = path4;
}
/* 1: next segment in *seg; 0: done; -1: malformed (validate first). */
int	aspath_iter_next(struct aspath_iter *it, struct aspath_seg *seg);
static inline uint32_t
aspath_seg_as(const struct aspath_seg *s, unsigned i)
{
	return load_u32(s->as + 4 * i);
}

/*
 * RFC 7606 7.2 syntax: known segment types, no zero-length segment, no
 * overrun or single trailing octet; and no AS number 0 (RFC 7607 2).
 * as_size is 2 or 4. Returns 0 or -1 with
 * *reason set.
 */
int	aspath_validate(struct rbuf path, unsigned as_size, const char **reason);
bool	aspath_has_confed(struct rbuf path4);
/* Path length for best-path selection: AS_SET counts one, confederation
 * segments count zero (RFC 4271 9.1.2.2, RFC 5065 5.3). */
unsigned aspath_length(struct rbuf path4);
/* The leftmost AS of the first AS_SEQUENCE, 0 if none. */
uint32_t aspath_first_as(struct rbuf path4);
/* The origin: the rightmost AS of a trailing AS_SEQUENCE, 0 otherwise. */
uint32_t aspath_origin_as(struct rbuf path4);
bool	aspath_contains(struct rbuf path4, uint32_t as);

/* A validated 2-octet path rewritten with 4-octet numbers. */
void	aspath_widen(struct rbuf path2, struct wbuf *out);
/*
 * A 4-octet path for an old speaker: numbers above 65535 become AS_TRANS.
 * Returns true when any did, i.e. when an AS4_PATH must go along.
 */
bool	aspath_narrow(struct rbuf path4, struct wbuf *out);
/* The AS4_PATH to send: the path without confederation segments. */
void	aspath_strip_confed(struct rbuf path4, struct wbuf *out);
/*
 * RFC 6793 4.2.3: rebuild the real path from the (widened) AS_PATH and the
 * AS4_PATH of an old speaker. Confederation segments in the AS4_PATH are
 * ignored. When the AS_PATH holds fewer numbers than the AS4_PATH, the
 * AS_PATH is taken as it is.
 */
void	aspath_merge_as4(struct rbuf path4, struct rbuf as4_path,
	    struct wbuf *out);
/* Builds an AS_SEQUENCE of n numbers (split in 255-AS segments). */
void	aspath_encode_seq(struct wbuf *out, const uint32_t *as, size_t n);
/*
 * Reads the text form printed by bgp_format_aspath(): "47065 3356 {1 2}",
 * "(64512 64513) 3356", "({1 2})". Returns 0, -1 on bad text.
 */
int	aspath_parse_text(const char *s, struct wbuf *out);

#endif
