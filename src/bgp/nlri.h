/*
 * NLRI: prefixes as they sit on the wire (RFC 4271 4.3, RFC 7911 path ids).
 * Decoding walks the bytes in place; nothing is copied but one prefix.
 */
#ifndef PEERING_BGP_NLRI_H
#define PEERING_BGP_NLRI_H

#include "../lib/prefix.h"
#include "../lib/rbuf.h"
#include "../lib/wbuf.h"

struct nlri_iter {
	struct rbuf	b;
	uint8_t		af;
	bool		addpath;
};

void	nlri_iter_init(struct nlri_iter *it, struct rbuf nlri, unsigned af,
	    bool addpath);
/* 1: *p (and *path_id, 0 without ADD-PATH) hold the next prefix; 0: done;
 * -1: malformed (length past the family's width, or past the end). */
int	nlri_iter_next(struct nlri_iter *it, struct prefix *p,
	    uint32_t *path_id);
/* Walks the whole block once; RFC 7606 5.3. count may be NULL. */
int	nlri_validate(struct rbuf nlri, unsigned af, bool addpath,
	    size_t *count);
/* Wire size of one prefix entry. */
static inline size_t
nlri_entry_len(const struct prefix *p, bool addpath)
{
	return (addpath ? 4 : 0) + 1 + (p->len + 7u) / 8;
}
void	nlri_encode(struct wbuf *w, const struct prefix *p, bool addpath,
	    uint32_t path_id);

#endif
