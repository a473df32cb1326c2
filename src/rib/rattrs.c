/*
 * Interned path-attribute sets (rattrs.h). The key is the canonical
 * attribute block plus the next hops; equal keys are equal bytes, so the
 * table compares with memcmp and hashes the bytes as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "rattrs.h"
#include "../bgp/aspath.h"

#define RATTRS_MIN_BUCKETS	256
#define RATTRS_BLOCK_MAX	BGP_EXT_MAX_LEN	/* ra->len is 16 bits */

/*
 * The hash: 8-byte words folded in one after another, each by xor, a
 * multiply by an odd constant (moves every bit up) and an xorshift (brings
 * the high bits back down), so every input bit reaches the low bits the
 * bucket index is taken from. The key's length and shape go in first, so
 * the zero padding of a short last word cannot alias a longer key. Not
 * keyed: the sets come from our own muxes, not from the open Internet.
 * The constants are random odd numbers with about half their bits set,
 * drawn for this file.
 */
#define HASH_SEED	0x9ed40c227dab7ad3ull
#define HASH_MUL	0xeedd3a249018775bull
#define HASH_FIN	0xad38de7c3bec5519ull

static inline uint64_t
hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * HASH_MUL;
	return h ^ (h >> 32);
}

static uint64_t
hash_bytes(uint64_t h, const uint8_t *p, size_t len)
{
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = hash_word(h, w);
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, p, len);
		h = hash_word(h, w);
	}
	return h;
}

static uint32_t
hash_final(uint64_t h)
{
	h ^= h >> 29;
	h *= HASH_FIN;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* The key of a set as rattrs_get() sees it, before it is stored. */
struct rattrs_key {
	uint8_t		 af;
	uint8_t		 has_ll;
	uint8_t		 nexthop[16];
	uint8_t		 nexthop_ll[16];
	const uint8_t	*data;
	uint16_t	 len;
	uint32_t	 hash;
};

static uint32_t
key_hash(const struct rattrs_key *k)
{
	uint64_t h, w;

	/* Length, family and the IPv4 next hop share the first word. */
	w = (uint64_t)k->len | (uint64_t)k->af << 16 |
	    (uint64_t)k->has_ll << 24;
	if (k->af == AF_IDX_IPV4)
		w |= (uint64_t)load_u32(k->nexthop) << 32;
	h = hash_word(HASH_SEED, w);
	if (k->af != AF_IDX_IPV4)
		h = hash_bytes(h, k->nexthop, 16);
	if (k->has_ll)
		h = hash_bytes(h, k->nexthop_ll, 16);
	return hash_final(hash_bytes(h, k->data, k->len));
}

static bool
key_equal(const struct rattrs_key *k, const struct rattrs *ra)
{
	return ra->hash == k->hash && ra->af == k->af && ra->len == k->len &&
	    ((ra->flags & RATTRS_HAS_NEXTHOP_LL) != 0) == k->has_ll &&
	    memcmp(ra->nexthop, k->nexthop, sizeof(ra->nexthop)) == 0 &&
	    memcmp(ra->nexthop_ll, k->nexthop_ll, sizeof(ra->nexthop_ll)) == 0 &&
	    memcmp(ra->data, k->data, k->len) == 0;
}

static inline size_t
rattrs_size(size_t len)
{
	return offsetof(struct rattrs, data) + len;
}

int
rattrs_table_init(struct rattrs_table *t)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(RATTRS_MIN_BUCKETS, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -1;
	t->n_buckets = RATTRS_MIN_BUCKETS;
	return 0;
}

void
rattrs_table_destroy(struct rattrs_table *t)
{
	struct rattrs *ra, *next;
	size_t i;

	for (i = 0; i < t->n_buckets; i++) {
		for (ra = t->buckets[i]; ra != NULL; ra = next) {
			next = ra->hnext;
			free(ra);
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* Doubles the bucket array. A failed allocation only costs longer chains. */
static void
table_grow(struct rattrs_table *t)
{
	struct rattrs **nb, *ra, *next;
	size_t n = t->n_buckets * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->n_buckets; i++) {
		for (ra = t->buckets[i]; ra != NULL; ra = next) {
			next = ra->hnext;
			ra->hnext = nb[ra->hash & (n - 1)];
			nb[ra->hash & (n - 1)] = ra;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->n_buckets = n;
}

/* What best-path selection reads, taken from a once per set. */
static void
rattrs_fill_best(struct rattrs *ra, const struct bgp_attrs *a)
{
	unsigned len;

	ra->local_pref = RATTRS_DEFAULT_LOCAL_PREF;
	ra->med = 0;
	if (bgp_attr_has(a, BGP_ATTR_LOCAL_PREF)) {
		ra->local_pref = a->local_pref;
		ra->flags |= RATTRS_HAS_LOCAL_PREF;
	}
	if (bgp_attr_has(a, BGP_ATTR_MED)) {
		ra->med = a->med;
		ra->flags |= RATTRS_HAS_MED;
	}
	/* A route without ORIGIN was withdrawn by the decoder (RFC 7606
	 * 3(d)); should one come from elsewhere, it loses the tie. */
	ra->origin = bgp_attr_has(a, BGP_ATTR_ORIGIN) ? a->origin :
	    BGP_ORIGIN_INCOMPLETE;
	ra->neighbor_as = 0;
	ra->path_len = 0;
	if (bgp_attr_has(a, BGP_ATTR_AS_PATH)) {
		ra->neighbor_as = aspath_first_as(a->as_path);
		len = aspath_length(a->as_path);
		ra->path_len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
	}
}

static struct rattrs *
rattrs_new(const struct rattrs_key *k, const struct bgp_attrs *a)
{
	struct rattrs *ra;

	if ((ra = malloc(rattrs_size(k->len))) == NULL)
		return NULL;
	ra->hnext = NULL;
	ra->hash = k->hash;
	ra->refs = 1;
	ra->flags = k->has_ll ? RATTRS_HAS_NEXTHOP_LL : 0;
	ra->af = k->af;
	memcpy(ra->nexthop, k->nexthop, sizeof(ra->nexthop));
	memcpy(ra->nexthop_ll, k->nexthop_ll, sizeof(ra->nexthop_ll));
	ra->len = k->len;
	memcpy(ra->data, k->data, k->len);
	rattrs_fill_best(ra, a);
	return ra;
}

static void
key_make(struct rattrs_key *k, unsigned af, const uint8_t *nexthop,
    const uint8_t *nexthop_ll, const uint8_t *data, size_t len)
{
	/* Zero past the family's width, so memcmp over 16 bytes is exact. */
	memset(k->nexthop, 0, sizeof(k->nexthop));
	memset(k->nexthop_ll, 0, sizeof(k->nexthop_ll));
	k->af = (uint8_t)af;
	if (nexthop != NULL)
		memcpy(k->nexthop, nexthop, af_addr_bytes(af));
	k->has_ll = nexthop_ll != NULL;
	if (nexthop_ll != NULL)
		memcpy(k->nexthop_ll, nexthop_ll, sizeof(k->nexthop_ll));
	k->data = data;
	k->len = (uint16_t)len;
	k->hash = key_hash(k);
}

struct rattrs *
rattrs_get(struct rattrs_table *t, const struct bgp_attrs *a,
    unsigned af, const uint8_t *nexthop, const uint8_t *nexthop_ll)
{
	uint8_t block[RATTRS_BLOCK_MAX];
	struct rattrs_key k;
	struct rattrs *ra, **head;
	struct wbuf w;

	t->lookups++;
	if (af >= AF_IDX_COUNT)
		return NULL;
	wbuf_init(&w, block, sizeof(block));
	bgp_attrs_encode_block(&w, a);
	/* Only a widened 2-octet path can make it too long to keep. */
	if (w.overflow)
		return NULL;
	key_make(&k, af, nexthop, nexthop_ll, block, w.len);

	head = &t->buckets[k.hash & (t->n_buckets - 1)];
	for (ra = *head; ra != NULL; ra = ra->hnext) {
		if (key_equal(&k, ra)) {
			t->hits++;
			ra->refs++;
			return ra;
		}
	}
	if ((ra = rattrs_new(&k, a)) == NULL)
		return NULL;
	ra->hnext = *head;
	*head = ra;
	t->count++;
	t->bytes += rattrs_size(ra->len);
	if (t->count > t->n_buckets)
		table_grow(t);
	return ra;
}

void
rattrs_ref(struct rattrs *ra)
{
	ra->refs++;
}

void
rattrs_put(struct rattrs_table *t, struct rattrs *ra)
{
	struct rattrs **pp;

	if (ra == NULL || --ra->refs > 0)
		return;
	for (pp = &t->buckets[ra->hash & (t->n_buckets - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == ra) {
			*pp = ra->hnext;
			break;
		}
	}
	t->count--;
	t->bytes -= rattrs_size(ra->len);
	free(ra);
}

int
rattrs_decode(const struct rattrs *ra, struct bgp_attrs *out)
{
	struct bgp_err err;

	if (bgp_attrs_decode_block(rbuf_make(ra->data, ra->len), out,
	    &err) != BGP_ACT_ACCEPT)
		return -1;
	return 0;
}
