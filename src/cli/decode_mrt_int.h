/* decode_mrt's pieces: the record walk (decode_mrt.c), the JSON objects
 * (decode_mrt.c) and the bgpdump-like lines (decode_mrt_line.c). */
#ifndef PEERING_CLI_DECODE_MRT_INT_H
#define PEERING_CLI_DECODE_MRT_INT_H

#include <stdio.h>

#include "../bgp/update.h"
#include "../mrt/mrt.h"
#include "decode_mrt.h"

#define DECODE_MRT_SCRATCH	65536

struct decode_mrt {
	FILE			*out;
	bool			 lines;
	struct mrt_peer		*peers;		/* the last peer table */
	size_t			 n_peers;
	size_t			 index;		/* records read */
	struct bgp_attrs	 attrs;
	struct bgp_update	 upd;
	struct bgp_scratch	 scratch;
	uint8_t			 attr_scratch[DECODE_MRT_SCRATCH];
};

/* The peer of a RIB entry, or NULL when the table has no such index. */
static inline const struct mrt_peer *
decode_mrt_peer(const struct decode_mrt *d, uint16_t index)
{
	return index < d->n_peers ? &d->peers[index] : NULL;
}

/* The routes of one RIB record / BGP4MP record as bgpdump -m lines. */
void	decode_mrt_line_rib(struct decode_mrt *d, const struct mrt_header *h,
	    struct mrt_rib *r);
void	decode_mrt_line_bgp4mp(struct decode_mrt *d,
	    const struct mrt_header *h, const struct mrt_bgp4mp *m);
/* A TABLE_DUMP entry whose attributes are decoded in d->upd. */
void	decode_mrt_line_table_dump(struct decode_mrt *d,
	    const struct mrt_header *h, const struct mrt_table_dump *t);

#endif
