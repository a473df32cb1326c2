/*
 * rattrs: interned path-attribute sets. Every route with the same
 * attributes and next hop points to one reference-counted rattrs, found
 * through a hash table and freed when its last route goes (hash-consing).
 * The attributes are kept in their canonical wire form (update.h,
 * bgp_attrs_encode_block); what best-path selection reads is decoded once.
 */
#ifndef PEERING_RIB_RATTRS_H
#define PEERING_RIB_RATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bgp/update.h"

#define RATTRS_HAS_MED		0x01
#define RATTRS_HAS_LOCAL_PREF	0x02
#define RATTRS_HAS_NEXTHOP_LL	0x04
#define RATTRS_DEFAULT_LOCAL_PREF 100

struct rattrs {
	struct rattrs	*hnext;		/* hash chain */
	uint32_t	 hash;
	uint32_t	 refs;
	uint32_t	 local_pref;	/* 100 when absent */
	uint32_t	 med;		/* 0 when absent */
	uint32_t	 neighbor_as;	/* first AS of the path, 0 if none */
	uint16_t	 path_len;	/* aspath_length() */
	uint8_t		 origin;
	uint8_t		 flags;		/* RATTRS_HAS_* */
	uint8_t		 af;		/* family of the next hop */
	uint8_t		 nexthop[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 nexthop_ll[16];
	uint16_t	 len;
	uint8_t		 data[];	/* canonical attribute block */
};

struct rattrs_table {
	struct rattrs	**buckets;
	size_t		  n_buckets;	/* a power of two */
	size_t		  count;	/* distinct sets */
	size_t		  bytes;	/* held by the sets themselves */
	uint64_t	  lookups;	/* rattrs_get() calls */
	uint64_t	  hits;		/* ... that found a set */
};

int	rattrs_table_init(struct rattrs_table *t);
/* Frees every set, referenced or not. */
void	rattrs_table_destroy(struct rattrs_table *t);
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

#endif
