/*
 * Interned path-attribute sets (rattrs.h). The key is the header's
 * decoded fields, the next hops and the rest of the canonical attribute
 * block: equal keys are equal bytes, so the table compares with memcmp
 * and hashes the bytes as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "rattrs.h"
#include "../bgp/aspath.h"

#define RATTRS_MIN_BUCKETS	256
#define RATTRS_BLOCK_MAX	BGP_EXT_MAX_LEN	/* ra->len is 16 bits */
#define RATTRS_NH_MAX		32
#define RATTRS_LOAD		2	/* sets per bucket before it grows */

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

/* A set as rattrs_get() sees it before it is stored: the header's key
 * fields, data (next hops, then the block) and its hash. */
struct rattrs_key {
	const uint8_t	*data;
	uint32_t	 hash;
	struct rattrs	 hdr;		/* last: it ends in data[]; hnext,
					 * refs unused */
};

/* Not kept in the set: computed again when it goes, or the table grows. */
static uint32_t
key_hash(const struct rattrs *h, const uint8_t *data)
{
	uint64_t x;

	/* Lengths, family and flags share the first word. */
	x = (uint64_t)h->len | (uint64_t)h->nh_len << 16 |
	    (uint64_t)h->af << 24 | (uint64_t)h->flags << 32 |
	    (uint64_t)h->origin << 40;
	x = hash_word(HASH_SEED, x);
	x = hash_word(x, (uint64_t)h->local_pref << 32 | h->med);
	return hash_final(hash_bytes(x, data, (size_t)h->nh_len + h->len));
}

static uint32_t
set_hash(const struct rattrs *ra)
{
	return key_hash(ra, ra->data);
}

/* The fields the key is made of. */
static bool
key_equal(const struct rattrs_key *k, const struct rattrs *ra)
{
	const struct rattrs *h = &k->hdr;

	return ra->len == h->len &&
	    ra->nh_len == h->nh_len && ra->af == h->af &&
	    ra->flags == h->flags && ra->origin == h->origin &&
	    ra->local_pref == h->local_pref && ra->med == h->med &&
	    memcmp(ra->data, k->data, (size_t)h->nh_len + h->len) == 0;
}

static inline size_t
set_size(size_t data_len)
{
	return offsetof(struct rattrs, data) + data_len;
}

size_t
rattrs_size(const struct rattrs *ra)
{
	return set_size((size_t)ra->nh_len + ra->len);
}

/* The slab of sets of size n, or -1 past them. */
static int
slab_index(size_t n)
{
	if (n > RATTRS_SLAB_MAX)
		return -1;
	return n <= RATTRS_SLAB_MIN ? 0 :
	    (int)((n - RATTRS_SLAB_MIN + 7) / 8);
}

int
rattrs_table_init(struct rattrs_table *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < RATTRS_SLABS; i++)
		slab_init(&t->slabs[i], RATTRS_SLAB_MIN + 8 * (size_t)i);
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
			if (slab_index(rattrs_size(ra)) < 0)
				free(ra);
		}
	}
	for (i = 0; i < RATTRS_SLABS; i++)
		slab_destroy(&t->slabs[i]);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

size_t
rattrs_table_bytes(const struct rattrs_table *t)
{
	size_t n = t->big_bytes + t->n_buckets * sizeof(*t->buckets);
	int i;

	for (i = 0; i < RATTRS_SLABS; i++)
		n += slab_bytes(&t->slabs[i]);
	return n;
}

/* Doubles the bucket array. A failed allocation only costs longer chains. */
static void
table_grow(struct rattrs_table *t)
{
	struct rattrs **nb, *ra, *next;
	size_t n = t->n_buckets * 2, i, h;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->n_buckets; i++) {
		for (ra = t->buckets[i]; ra != NULL; ra = next) {
			next = ra->hnext;
			h = set_hash(ra) & (n - 1);
			ra->hnext = nb[h];
			nb[h] = ra;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->n_buckets = n;
}

/* What best-path selection reads, taken from a once per set. */
static void
fill_best(struct rattrs *h, const struct bgp_attrs *a)
{
	unsigned len;

	h->local_pref = RATTRS_DEFAULT_LOCAL_PREF;
	h->med = 0;
	h->path_len = 0;
	if (bgp_attr_has(a, BGP_ATTR_LOCAL_PREF)) {
		h->local_pref = a->local_pref;
		h->flags |= RATTRS_HAS_LOCAL_PREF;
	}
	if (bgp_attr_has(a, BGP_ATTR_MED)) {
		h->med = a->med;
		h->flags |= RATTRS_HAS_MED;
	}
	/* A route without ORIGIN was withdrawn by the decoder (RFC 7606
	 * 3(d)); should one come from elsewhere, it loses the tie. */
	h->origin = BGP_ORIGIN_INCOMPLETE;
	if (bgp_attr_has(a, BGP_ATTR_ORIGIN)) {
		h->origin = a->origin;
		h->flags |= RATTRS_HAS_ORIGIN;
	}
	h->neighbor_as = 0;
	if (bgp_attr_has(a, BGP_ATTR_AS_PATH)) {
		h->neighbor_as = aspath_first_as(a->as_path);
		len = aspath_length(a->as_path);
		h->path_len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
	}
}

/* Is type one the header holds (flags: which NEXT_HOP goes too)? */
static bool
in_header(uint8_t type, uint8_t flags)
{
	return type == BGP_ATTR_ORIGIN || type == BGP_ATTR_MED ||
	    type == BGP_ATTR_LOCAL_PREF || (type == BGP_ATTR_NEXT_HOP &&
	    (flags & RATTRS_HAS_NEXT_HOP));
}

/*
 * Drops from the canonical block b, in place, the attributes the header
 * holds. Our own encoding: every attribute is whole. The new length.
 */
static size_t
block_strip(uint8_t *b, size_t len, uint8_t flags)
{
	size_t in = 0, out = 0, alen;

	while (in + 3 <= len) {
		if (b[in] & BGP_ATTR_FLAG_EXTLEN)
			alen = in + 4 <= len ? 4 + ((size_t)b[in + 2] << 8 |
			    b[in + 3]) : len;
		else
			alen = 3 + (size_t)b[in + 2];
		if (alen > len - in)
			alen = len - in;
		if (!in_header(b[in + 1], flags)) {
			memmove(b + out, b + in, alen);
			out += alen;
		}
		in += alen;
	}
	return out;
}

/*
 * The key of a with this next hop: header fields into k->hdr, data (next
 * hops, then the block) built in buf, which holds RATTRS_NH_MAX +
 * RATTRS_BLOCK_MAX bytes. -1 when the block does not fit.
 */
static int
key_make(struct rattrs_key *k, uint8_t *buf, const struct bgp_attrs *a,
    unsigned af, const uint8_t *nexthop, const uint8_t *nexthop_ll)
{
	static const uint8_t zero[16];
	struct rattrs *h = &k->hdr;
	uint8_t *block = buf + RATTRS_NH_MAX;
	struct wbuf w;

	if (nexthop == NULL)
		nexthop = zero;

	memset(h, 0, sizeof(*h));
	h->af = (uint8_t)af;
	h->nh_len = (uint8_t)(nexthop_ll != NULL ? 32 : af_addr_bytes(af));
	fill_best(h, a);
	if (nexthop_ll != NULL)
		h->flags |= RATTRS_HAS_NEXTHOP_LL;
	/* The usual IPv4 route: its NEXT_HOP is the next hop. */
	if (af == AF_IDX_IPV4 && bgp_attr_has(a, BGP_ATTR_NEXT_HOP) &&
	    memcmp(a->next_hop, nexthop, 4) == 0)
		h->flags |= RATTRS_HAS_NEXT_HOP;
	wbuf_init(&w, block, RATTRS_BLOCK_MAX);
	bgp_attrs_encode_block(&w, a);
	/* Only a widened 2-octet path can make it too long to keep. */
	if (w.overflow)
		return -1;
	h->len = (uint16_t)block_strip(block, w.len, h->flags);
	k->data = block - h->nh_len;
	memcpy(block - h->nh_len, nexthop, af_addr_bytes(af));
	if (nexthop_ll != NULL)
		memcpy(block - 16, nexthop_ll, 16);
	k->hash = key_hash(h, k->data);
	return 0;
}

static struct rattrs *
set_new(struct rattrs_table *t, const struct rattrs_key *k)
{
	size_t data_len = (size_t)k->hdr.nh_len + k->hdr.len;
	size_t size = set_size(data_len);
	int s = slab_index(size);
	struct rattrs *ra;

	if (s >= 0)
		ra = slab_alloc(&t->slabs[s]);
	else if ((ra = malloc(size)) != NULL)
		t->big_bytes += size;
	if (ra == NULL)
		return NULL;
	memcpy(ra, &k->hdr, offsetof(struct rattrs, data));
	ra->hnext = NULL;
	ra->refs = 1;
	memcpy(ra->data, k->data, data_len);
	return ra;
}

static void
set_free(struct rattrs_table *t, struct rattrs *ra)
{
	size_t size = rattrs_size(ra);
	int s = slab_index(size);

	if (s >= 0)
		slab_free(&t->slabs[s], ra);
	else {
		t->big_bytes -= size;
		free(ra);
	}
}

struct rattrs *
rattrs_get(struct rattrs_table *t, const struct bgp_attrs *a,
    unsigned af, const uint8_t *nexthop, const uint8_t *nexthop_ll)
{
	uint8_t buf[RATTRS_NH_MAX + RATTRS_BLOCK_MAX];
	struct rattrs_key k;
	struct rattrs *ra, **head;

	t->lookups++;
	if (af >= AF_IDX_COUNT ||
	    key_make(&k, buf, a, af, nexthop, nexthop_ll) == -1)
		return NULL;
	head = &t->buckets[k.hash & (t->n_buckets - 1)];
	for (ra = *head; ra != NULL; ra = ra->hnext) {
		if (key_equal(&k, ra)) {
			t->hits++;
			ra->refs++;
			return ra;
		}
	}
	if ((ra = set_new(t, &k)) == NULL)
		return NULL;
	ra->hnext = *head;
	*head = ra;
	t->count++;
	t->bytes += rattrs_size(ra);
	if (t->count > RATTRS_LOAD * t->n_buckets)
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
	for (pp = &t->buckets[set_hash(ra) & (t->n_buckets - 1)];
	    *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == ra) {
			*pp = ra->hnext;
			break;
		}
	}
	t->count--;
	t->bytes -= rattrs_size(ra);
	set_free(t, ra);
}

int
rattrs_decode(const struct rattrs *ra, struct bgp_attrs *out)
{
	struct bgp_err err;

	if (bgp_attrs_decode_block(rbuf_make(ra->data + ra->nh_len, ra->len),
	    out, &err) != BGP_ACT_ACCEPT)
		return -1;
	/* What the header holds, back. */
	if (ra->flags & RATTRS_HAS_ORIGIN) {
		out->origin = ra->origin;
		bgp_attr_set(out, BGP_ATTR_ORIGIN);
	}
	if (ra->flags & RATTRS_HAS_NEXT_HOP) {
		memcpy(out->next_hop, ra->data, 4);
		bgp_attr_set(out, BGP_ATTR_NEXT_HOP);
	}
	if (ra->flags & RATTRS_HAS_MED) {
		out->med = ra->med;
		bgp_attr_set(out, BGP_ATTR_MED);
	}
	if (ra->flags & RATTRS_HAS_LOCAL_PREF) {
		out->local_pref = ra->local_pref;
		bgp_attr_set(out, BGP_ATTR_LOCAL_PREF);
	}
	return 0;
}
