/*
 * Text forms of attributes as BIRD users know them. Each formatter has
 * snprintf's contract: it writes at most size bytes (NUL included) and
 * returns the length the whole text needs.
 */
#ifndef PEERING_BGP_FORMAT_H
#define PEERING_BGP_FORMAT_H

#include "bgp.h"
#include "../lib/rbuf.h"

/* "47065 3356 {64500 64501}"; confederation segments "(1 2)" and "({1 2})" */
size_t	bgp_format_aspath(struct rbuf path4, char *buf, size_t size);
/* "(47065,1) (47065,1001)" */
size_t	bgp_format_communities(struct rbuf comms, char *buf, size_t size);
/* "(47065, 1, 2) (47065, 3, 4)" */
size_t	bgp_format_large_communities(struct rbuf lc, char *buf, size_t size);
/* "(rt, 47065, 100) (ro, 1.2.3.4, 5) (generic, 0x43000000, 0x1)" */
size_t	bgp_format_ext_communities(struct rbuf ec, char *buf, size_t size);
/* "AS_SEQUENCE", "AS_SET", "AS_CONFED_SEQUENCE", "AS_CONFED_SET" or
 * "unknown": an AS path segment's type (docs/decode.md). */
const char *bgp_aspath_seg_name(unsigned type);
/* "IGP", "EGP", "Incomplete" or "?" */
const char *bgp_origin_name(unsigned origin);

struct bgp_attrs;
/*
 * The detail lines of `show route all`, one per present attribute whose
 * row has a text key, in display order: line(ctx, "community",
 * "(47065,1)") for "BGP.community: (47065,1)". The attribute table
 * (attr.c) decides which and how.
 */
typedef void	bgp_text_line_fn(void *ctx, const char *key, const char *text);
void	bgp_attrs_text_lines(const struct bgp_attrs *a, bgp_text_line_fn *line,
	    void *ctx);

#endif
