/*
 * Interned path-attribute sets (rattrs.h). The key is the header's
 * decoded fields, the next hops and the rest of the canonical attribute
 * block: equal keys are equal bytes, so the table compares with memcmp
 * and hashes the bytes as they are.
 *
 * The table is open addressing with linear probing over 8-byte slots:
 * a set's pointer with, in the 16 bits no Linux heap pointer uses, a tag
 * (16 more bits of its hash), so that probing past other sets reads no
 * set (a chained table read one set per link: most of the time of a
 * table of 14 million sets). Removing a set leaves a tombstone, cleared
 * when the run ends right after it. Past 4/5 of its slots in use the
 * table starts a new one sized for its sets (so it shrinks too) and
 * moves MOVE_STEP slots of the old one per call until it is empty:
 * never a pass over every set at once (14 million sets took seconds,
 * all of them without the loop answering). Meanwhile a lookup tries
 * both.
 */
#include <stdlib.h>
#include <string.h>

#include "rattrs.h"
#include "../bgp/aspath.h"

#define RATTRS_BLOCK_MAX	BGP_EXT_MAX_LEN	/* ra->len is 16 bits */
#define RATTRS_NH_MAX		32

#define MIN_SLOTS	256
#define SLOT_TAGGED	1ull		/* the top 16 bits are a tag */
#define SLOT_GONE	2ull		/* a tombstone */
#define TAG_SHIFT	48
#define TAG_MASK	0xffffull
#define PTR_MASK	((1ull << TAG_SHIFT) - 8)
#define FULL_NUM	4		/* a new table past 4/5 used */
#define FULL_DEN	5
#define MOVE_STEP	32		/* old slots moved per call */

/*
 * The hash: 8-byte words folded in one after another, each by xor, a
 * multiply by an odd constant (moves every bit up) and an xorshift (brings
 * the high bits back down), so every input bit reaches the top half the
 * slot is taken from and the low bits the tag is. The key's length and
 * shape go in first, so the zero padding of a short last word cannot
 * alias a longer key. Not keyed: the sets come from our own muxes, not
 * from the open Internet.
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

/* 64 bits: the slot from the top 32, the tag from the low 16. */
static uint64_t
hash_final(uint64_t h)
{
	h ^= h >> 29;
	h *= HASH_FIN;
	h ^= h >> 32;
	return h;
}

/* A set as rattrs_get() sees it before it is stored: the header's key
 * fields, data (next hops, then the block) and its hash. */
struct rattrs_key {
	const uint8_t	*data;
	uint64_t	 hash;
	struct rattrs	 hdr;		/* last: it ends in data[]; refs
					 * unused */
};

/* Not kept in the set: computed again when it goes, or moves to a new
 * table. */
static uint64_t
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

static uint64_t
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

/* ---- slots ---- */

/* Where a hash starts in n slots: its top 32 bits scaled to n. */
static size_t
slot_home(uint64_t h, size_t n)
{
	return (size_t)(((h >> 32) * (uint64_t)n) >> 32);
}

static size_t
slot_next(size_t i, size_t n)
{
	return i + 1 == n ? 0 : i + 1;
}

static uint64_t
slot_make(const struct rattrs *ra, uint64_t h)
{
	uint64_t p = (uint64_t)(uintptr_t)ra;

	/* A pointer wider than 48 bits (no Linux heap has one) goes in
	 * untagged: every probe past it reads it. */
	if (p >> TAG_SHIFT)
		return p;
	return p | SLOT_TAGGED | (h & TAG_MASK) << TAG_SHIFT;
}

static bool
slot_is_set(uint64_t s)
{
	return s != 0 && s != SLOT_GONE;
}

static struct rattrs *
slot_set(uint64_t s)
{
	return (struct rattrs *)(uintptr_t)((s & SLOT_TAGGED) ? s & PTR_MASK :
	    s);
}

/* Whether slot s may hold a set whose hash is h, without reading it. */
static bool
slot_may_hold(uint64_t s, uint64_t h)
{
	return slot_is_set(s) && (!(s & SLOT_TAGGED) ||
	    (s >> TAG_SHIFT) == (h & TAG_MASK));
}

/* The slot of the set equal to k among a's n, or NULL; with room, where
 * a new one goes (the first tombstone on the way, or the free slot that
 * ends it). */
static uint64_t *
slots_lookup(uint64_t *a, size_t n, const struct rattrs_key *k,
    uint64_t **room)
{
	size_t i;

	if (room != NULL)
		*room = NULL;
	for (i = slot_home(k->hash, n); a[i] != 0; i = slot_next(i, n)) {
		if (slot_may_hold(a[i], k->hash) && key_equal(k,
		    slot_set(a[i])))
			return &a[i];
		if (room != NULL && *room == NULL && a[i] == SLOT_GONE)
			*room = &a[i];
	}
	if (room != NULL && *room == NULL)
		*room = &a[i];
	return NULL;
}

/* The slot holding ra (hash h) among a's n, or NULL: by pointer only. */
static uint64_t *
slots_find_set(uint64_t *a, size_t n, const struct rattrs *ra, uint64_t h)
{
	for (size_t i = slot_home(h, n); a[i] != 0; i = slot_next(i, n))
		if (slot_is_set(a[i]) && slot_set(a[i]) == ra)
			return &a[i];
	return NULL;
}

/* Empties slot i of the current table: a tombstone, unless the run ends
 * after it (then it and the tombstones just before it are free again). */
static void
slot_clear(struct rattrs_table *t, size_t i)
{
	size_t n = t->n_slots;

	if (t->slots[slot_next(i, n)] != 0) {
		t->slots[i] = SLOT_GONE;
		return;
	}
	do {
		t->slots[i] = 0;
		t->used--;
		i = i == 0 ? n - 1 : i - 1;
	} while (t->slots[i] == SLOT_GONE);
}

/* ---- the table ---- */

/*
 * Moves the n old slots from old_next on (n <= MOVE_STEP) in three passes,
 * so that the cache misses of each pass overlap instead of coming one
 * after another: the sets asked for, then hashed and their new homes
 * asked for, then put there. The sets lie anywhere in memory: taken one by
 * one, S5's 14 million spent a sixth of the time waiting for them.
 * Moved slots become tombstones: lookups still pass them to reach the sets
 * not moved yet.
 */
static void
grow_batch(struct rattrs_table *t, size_t n)
{
	uint64_t *a = t->old + t->old_next, h[MOVE_STEP];
	size_t i, k;

	for (k = 0; k < n; k++)
		if (slot_is_set(a[k])) {
			const uint8_t *p = (const uint8_t *)slot_set(a[k]);

			__builtin_prefetch(p);
			__builtin_prefetch(p + 63);
		}
	for (k = 0; k < n; k++)
		if (slot_is_set(a[k])) {
			h[k] = set_hash(slot_set(a[k]));
			__builtin_prefetch(&t->slots[slot_home(h[k],
			    t->n_slots)], 1);
		}
	for (k = 0; k < n; k++) {
		if (!slot_is_set(a[k]))
			continue;
		for (i = slot_home(h[k], t->n_slots); t->slots[i] != 0;
		    i = slot_next(i, t->n_slots))
			;
		t->slots[i] = slot_make(slot_set(a[k]), h[k]);
		t->used++;
		a[k] = SLOT_GONE;
	}
	t->old_next += n;
}

/* Moves up to step slots of the old table into the current one; the old
 * one goes once empty. */
static void
grow_step(struct rattrs_table *t, size_t step)
{
	while (t->old != NULL && step > 0) {
		size_t n = t->n_old - t->old_next;

		n = n < step ? n : step;
		n = n < MOVE_STEP ? n : MOVE_STEP;
		grow_batch(t, n);
		step -= n;
		if (t->old_next == t->n_old) {
			free(t->old);
			t->old = NULL;
			t->n_old = t->old_next = 0;
		}
	}
}

/* A new table with two slots a set (it grows again at 4/5 used: each set
 * moves about 2.7 times as a table fills), filled from the current one a
 * few slots per call. A failed allocation only leaves the current one
 * fuller. */
static void
grow_start(struct rattrs_table *t)
{
	size_t n = t->count * 2;
	uint64_t *ns;

	if (n < MIN_SLOTS)
		n = MIN_SLOTS;
	/* The one before is moved long before: only if memory ran out. */
	grow_step(t, SIZE_MAX);
	if ((ns = calloc(n, sizeof(*ns))) == NULL)
		return;
	t->old = t->slots;
	t->n_old = t->n_slots;
	t->old_next = 0;
	t->slots = ns;
	t->n_slots = n;
	t->used = 0;
}

int
rattrs_table_init(struct rattrs_table *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < RATTRS_SLABS; i++)
		slab_init(&t->slabs[i], RATTRS_SLAB_MIN + 8 * (size_t)i);
	t->slots = calloc(MIN_SLOTS, sizeof(*t->slots));
	if (t->slots == NULL)
		return -1;
	t->n_slots = MIN_SLOTS;
	return 0;
}

static void
slots_free_sets(uint64_t *a, size_t n)
{
	for (size_t i = 0; a != NULL && i < n; i++)
		if (slot_is_set(a[i]) && slab_index(rattrs_size(
		    slot_set(a[i]))) < 0)
			free(slot_set(a[i]));
}

void
rattrs_table_destroy(struct rattrs_table *t)
{
	int i;

	slots_free_sets(t->slots, t->n_slots);
	slots_free_sets(t->old, t->n_old);
	for (i = 0; i < RATTRS_SLABS; i++)
		slab_destroy(&t->slabs[i]);
	free(t->slots);
	free(t->old);
	memset(t, 0, sizeof(*t));
}

size_t
rattrs_table_index_bytes(const struct rattrs_table *t)
{
	return (t->n_slots + t->n_old) * sizeof(*t->slots);
}

size_t
rattrs_table_bytes(const struct rattrs_table *t)
{
	size_t n = t->big_bytes + rattrs_table_index_bytes(t);
	int i;

	for (i = 0; i < RATTRS_SLABS; i++)
		n += slab_bytes(&t->slabs[i]);
	return n;
}

void
rattrs_table_probes(struct rattrs_table *t, struct rattrs_probes *p)
{
	size_t i, home, d, total = 0;

	grow_step(t, SIZE_MAX);
	memset(p, 0, sizeof(*p));
	p->slots = t->n_slots;
	for (i = 0; i < t->n_slots; i++) {
		if (!slot_is_set(t->slots[i]))
			continue;
		home = slot_home(set_hash(slot_set(t->slots[i])), t->n_slots);
		d = (i + t->n_slots - home) % t->n_slots + 1;
		total += d;
		p->max = d > p->max ? d : p->max;
		p->sets++;
	}
	p->mean = p->sets > 0 ? (double)total / (double)p->sets : 0.;
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
	struct rattrs *ra;
	uint64_t *slot, *room;

	t->lookups++;
	grow_step(t, MOVE_STEP);
	if (af >= AF_IDX_COUNT ||
	    key_make(&k, buf, a, af, nexthop, nexthop_ll) == -1)
		return NULL;
	slot = slots_lookup(t->slots, t->n_slots, &k, &room);
	if (slot == NULL && t->old != NULL)
		slot = slots_lookup(t->old, t->n_old, &k, NULL);
	if (slot != NULL) {
		ra = slot_set(*slot);
		t->hits++;
		ra->refs++;
		return ra;
	}
	/* A free slot must stay, or probes would not end. */
	if (*room == 0 && t->used + 2 > t->n_slots)
		return NULL;
	if ((ra = set_new(t, &k)) == NULL)
		return NULL;
	if (*room == 0)
		t->used++;
	*room = slot_make(ra, k.hash);
	t->count++;
	t->bytes += rattrs_size(ra);
	if (t->used * FULL_DEN > t->n_slots * FULL_NUM)
		grow_start(t);
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
	uint64_t h, *slot;

	if (ra == NULL || --ra->refs > 0)
		return;
	grow_step(t, MOVE_STEP);
	h = set_hash(ra);
	if ((slot = slots_find_set(t->slots, t->n_slots, ra, h)) != NULL)
		slot_clear(t, (size_t)(slot - t->slots));
	else if (t->old != NULL &&
	    (slot = slots_find_set(t->old, t->n_old, ra, h)) != NULL)
		*slot = SLOT_GONE;
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

void
rattrs_lists(const struct rattrs *ra, struct rattrs_lists *out)
{
	const uint8_t *p = ra->data + ra->nh_len, *end = p + ra->len;

	memset(out, 0, sizeof(*out));
	while (end - p >= 3) {
		uint8_t flags = p[0], type = p[1];
		size_t hdr = (flags & BGP_ATTR_FLAG_EXTLEN) ? 4 : 3, len;

		if ((size_t)(end - p) < hdr)
			return;
		len = hdr == 4 ? (size_t)p[2] << 8 | p[3] : p[2];
		if ((size_t)(end - p) - hdr < len)
			return;
		if (type == BGP_ATTR_AS_PATH)
			out->as_path = rbuf_make(p + hdr, len);
		else if (type == BGP_ATTR_COMMUNITIES)
			out->communities = rbuf_make(p + hdr, len);
		else if (type == BGP_ATTR_LARGE_COMMUNITIES)
			out->large_communities = rbuf_make(p + hdr, len);
		p += hdr + len;
	}
}
