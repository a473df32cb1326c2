/*
 * rattrs: interned path-attribute sets. Every route with the same
 * attributes and next hop points to one reference-counted rattrs, found
 * through a hash table and freed when its last route goes (hash-consing).
 * The table is an array of tagged pointers (open addressing): a lookup
 * that finds nothing reads no set, and the table grows a few slots per
 * call, never all at once (rattrs.c).
 *
 * A set is a 24-byte header (what best-path selection reads, decoded
 * once: ORIGIN, LOCAL_PREF, MED, the AS path's first AS and length), then
 * the next hop in its family's width (4, 16, or 32 bytes with an IPv6
 * link-local), then the rest of the attributes in their canonical wire
 * form (update.h, bgp_attrs_encode_block) without what the header holds.
 * Sets come from slabs by size, 8 bytes apart: no allocator header.
 */
#ifndef PEERING_RIB_RATTRS_H
#define PEERING_RIB_RATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bgp/update.h"
#include "../lib/slab.h"

#define RATTRS_HAS_MED		0x01
#define RATTRS_HAS_LOCAL_PREF	0x02
#define RATTRS_HAS_NEXTHOP_LL	0x04
#define RATTRS_HAS_ORIGIN	0x08
#define RATTRS_HAS_NEXT_HOP	0x10	/* the IPv4 NEXT_HOP attribute: the
					 * next hop, not kept in the block */
#define RATTRS_DEFAULT_LOCAL_PREF 100

struct rattrs {
	uint32_t	 refs;
	uint32_t	 local_pref;	/* 100 when absent */
	uint32_t	 med;		/* 0 when absent */
	uint32_t	 neighbor_as;	/* first AS of the path, 0 if none */
	uint16_t	 path_len;	/* aspath_length() */
	uint16_t	 len;		/* bytes of the block */
	uint8_t		 origin;
	uint8_t		 flags;		/* RATTRS_HAS_* */
	uint8_t		 af;		/* family of the next hop */
	uint8_t		 nh_len;	/* bytes of next hop in data */
	uint8_t		 data[];	/* next hop(s), then the block */
};

/* Sets up to this size come from slabs, in steps of 8 bytes. */
#define RATTRS_SLAB_MAX		512
#define RATTRS_SLAB_MIN		32
#define RATTRS_SLABS	((RATTRS_SLAB_MAX - RATTRS_SLAB_MIN) / 8 + 1)

struct rattrs_table {
	uint64_t	 *slots;	/* tagged pointers (rattrs.c), 0: free */
	size_t		  n_slots;
	size_t		  used;		/* slots not free */
	/* While growing: the table before, emptied a few slots per call. */
	uint64_t	 *old;
	size_t		  n_old;
	size_t		  old_next;	/* the next slot of old to move */
	size_t		  count;	/* distinct sets */
	size_t		  bytes;	/* held by the sets themselves */
	size_t		  big_bytes;	/* ... of them past the slabs */
	uint64_t	  lookups;	/* rattrs_get() calls */
	uint64_t	  hits;		/* ... that found a set */
	struct slab	  slabs[RATTRS_SLABS];
};

int	rattrs_table_init(struct rattrs_table *t);
/* Frees every set, referenced or not. */
void	rattrs_table_destroy(struct rattrs_table *t);
/* Bytes held from the system: slabs, larger sets, the table. */
size_t	rattrs_table_bytes(const struct rattrs_table *t);
/* ... of them by the table alone. */
size_t	rattrs_table_index_bytes(const struct rattrs_table *t);
/* For tests and benchmarks: how far sets sit from where their hash puts
 * them (1: there), over the table (finishing a growth first). */
struct rattrs_probes {
	size_t	sets;
	size_t	slots;
	size_t	max;
	double	mean;
};
void	rattrs_table_probes(struct rattrs_table *t, struct rattrs_probes *p);
/*
 * The interned set of a (its multiprotocol attributes ignored) with this
 * next hop (af's width; nexthop_ll NULL when none); one reference taken.
 * NULL when memory runs out, af is not a family, or the attributes do not
 * fit one 65535-byte block.
 */
struct rattrs *rattrs_get(struct rattrs_table *t, const struct bgp_attrs *a,
	    unsigned af, const uint8_t *nexthop, const uint8_t *nexthop_ll);
void	rattrs_ref(struct rattrs *ra);
/* Drops one reference; the set is freed at zero. */
void	rattrs_put(struct rattrs_table *t, struct rattrs *ra);
/* The attributes back, as views into ra->data. */
int	rattrs_decode(const struct rattrs *ra, struct bgp_attrs *out);
/* The AS path (4-octet form), COMMUNITIES and LARGE_COMMUNITY values as
 * views into the block, empty when absent: read straight from the
 * canonical form, without rattrs_decode's checks of every attribute (for
 * readers of many sets: `routes`, the route filters). */
struct rattrs_lists {
	struct rbuf	as_path;
	struct rbuf	communities;
	struct rbuf	large_communities;
};
void	rattrs_lists(const struct rattrs *ra, struct rattrs_lists *out);
/* Bytes of the set (header, next hops, block). */
size_t	rattrs_size(const struct rattrs *ra);

static inline const uint8_t *
rattrs_nexthop(const struct rattrs *ra)
{
	return ra->data;
}

/* The IPv6 link-local next hop, or NULL. */
static inline const uint8_t *
rattrs_nexthop_ll(const struct rattrs *ra)
{
	return (ra->flags & RATTRS_HAS_NEXTHOP_LL) ? ra->data + 16 : NULL;
}

#endif
