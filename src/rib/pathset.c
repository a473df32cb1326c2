/*
 * pathset: a prefix's paths as one array whose layout follows from the
 * count alone (pathset.h). Long arrays carry a header before the paths
 * (capacity, index size, the path count of every peer) and after them an
 * open-addressing index (linear probing, positions + 1, 0 free) keyed by
 * a seeded hash of (peer, path id), so that a peer cannot aim its path
 * ids at one chain without knowing the seed.
 */
#include "pathset.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct pathset_long {
	uint32_t	cap;			/* paths the block holds */
	uint32_t	slots;			/* index size: a power of two */
	uint16_t	peer_paths[PATHSET_MAX_PEERS];
	struct rib_path	paths[];		/* then the index */
};

#define LONG_MIN_SLOTS	256

_Static_assert(sizeof(struct rib_path) == 16, "a path is 16 bytes");
_Static_assert(PATHSET_MAX < 65536, "index entries are 16-bit");

/* ---- layouts ---- */

static bool
is_long(size_t count)
{
	return count > PATHSET_MEDIUM;
}

/* The size class of a short array of count (1..PATHSET_MEDIUM) paths:
 * below PATHSET_SLABS a slab, above a malloc'ed array. */
static size_t
slab_of(size_t count)
{
	if (count <= PATHSET_EXACT)
		return count - 1;
	return PATHSET_EXACT + (count - PATHSET_EXACT - 1) / PATHSET_STEP;
}

static size_t
slab_paths(size_t slab)
{
	if (slab < PATHSET_EXACT)
		return slab + 1;
	return PATHSET_EXACT + (slab - PATHSET_EXACT + 1) * PATHSET_STEP;
}

static struct pathset_long *
long_of(const struct rib_path *v)
{
	return (struct pathset_long *)(void *)((char *)(uintptr_t)v -
	    offsetof(struct pathset_long, paths));
}

static uint16_t *
long_index(struct pathset_long *h)
{
	return (uint16_t *)(void *)(h->paths + h->cap);
}

static size_t
long_bytes(const struct pathset_long *h)
{
	return sizeof(*h) + h->cap * sizeof(struct rib_path) +
	    h->slots * sizeof(uint16_t);
}

/* Capacity for count paths: a quarter more, within PATHSET_MAX. */
static size_t
long_cap(size_t count)
{
	size_t cap = count + count / 4;

	return cap < PATHSET_MAX ? cap : PATHSET_MAX;
}

void
pathset_pool_init(struct pathset_pool *pp, uint64_t seed)
{
	memset(pp, 0, sizeof(*pp));
	for (size_t i = 0; i < PATHSET_SLABS; i++)
		slab_init(&pp->slabs[i], slab_paths(i) *
		    sizeof(struct rib_path));
	pp->seed = seed;
}

void
pathset_pool_destroy(struct pathset_pool *pp)
{
	for (size_t i = 0; i < PATHSET_SLABS; i++)
		slab_destroy(&pp->slabs[i]);
}

size_t
pathset_pool_bytes(const struct pathset_pool *pp)
{
	size_t n = pp->heap_bytes;

	for (size_t i = 0; i < PATHSET_SLABS; i++)
		n += slab_bytes(&pp->slabs[i]);
	return n;
}

/* ---- the index of long arrays ---- */

static size_t
key_home(const struct pathset_pool *pp, const struct pathset_long *h,
    uint16_t peer, uint32_t path_id)
{
	uint64_t x = ((uint64_t)peer << 32 | path_id) ^ pp->seed;

	/* splitmix64's finalizer: every key bit moves every hash bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (size_t)x & (h->slots - 1);
}

static bool
path_is(const struct rib_path *p, uint16_t peer, uint32_t path_id)
{
	return p->peer == peer && p->path_id == path_id;
}

/* The slot naming position pos (whose key is peer, path_id). */
static size_t
slot_of(const struct pathset_pool *pp, struct pathset_long *h,
    uint16_t peer, uint32_t path_id, size_t pos)
{
	uint16_t *idx = long_index(h);
	size_t s = key_home(pp, h, peer, path_id);

	while (idx[s] != pos + 1)
		s = (s + 1) & (h->slots - 1);
	return s;
}

static void
index_add(const struct pathset_pool *pp, struct pathset_long *h, size_t pos)
{
	uint16_t *idx = long_index(h);
	const struct rib_path *p = &h->paths[pos];
	size_t s = key_home(pp, h, p->peer, p->path_id);

	while (idx[s] != 0)
		s = (s + 1) & (h->slots - 1);
	idx[s] = (uint16_t)(pos + 1);
}

/* Empties slot s, moving later entries of its run back where their
 * probe reaches them (deletion without tombstones). */
static void
index_del(const struct pathset_pool *pp, struct pathset_long *h, size_t s)
{
	uint16_t *idx = long_index(h);
	size_t mask = h->slots - 1, j = s, home;

	for (;;) {
		j = (j + 1) & mask;
		if (idx[j] == 0)
			break;
		home = key_home(pp, h, h->paths[idx[j] - 1].peer,
		    h->paths[idx[j] - 1].path_id);
		/* j's entry may fill s unless its home lies in (s, j]. */
		if (((j - home) & mask) >= ((j - s) & mask)) {
			idx[s] = idx[j];
			s = j;
		}
	}
	idx[s] = 0;
}

static void
index_build(const struct pathset_pool *pp, struct pathset_long *h,
    size_t count)
{
	memset(long_index(h), 0, h->slots * sizeof(uint16_t));
	memset(h->peer_paths, 0, sizeof(h->peer_paths));
	for (size_t i = 0; i < count; i++) {
		index_add(pp, h, i);
		h->peer_paths[h->paths[i].peer]++;
	}
}

/* A long block of cap paths, not indexed yet; NULL when memory runs out. */
static struct pathset_long *
long_alloc(struct pathset_pool *pp, size_t cap)
{
	struct pathset_long *h;
	size_t slots = LONG_MIN_SLOTS;

	while (slots < 2 * cap)
		slots *= 2;
	h = malloc(sizeof(*h) + cap * sizeof(struct rib_path) +
	    slots * sizeof(uint16_t));
	if (h == NULL)
		return NULL;
	h->cap = (uint32_t)cap;
	h->slots = (uint32_t)slots;
	pp->heap_bytes += long_bytes(h);
	return h;
}

/* ---- arrays ---- */

/* An array for count paths; NULL when memory runs out. */
static struct rib_path *
array_alloc(struct pathset_pool *pp, size_t count)
{
	struct pathset_long *h;
	struct rib_path *v;
	size_t bytes;

	if (count <= PATHSET_EXACT)
		return slab_alloc(&pp->slabs[slab_of(count)]);
	if (!is_long(count)) {
		bytes = slab_paths(slab_of(count)) * sizeof(*v);
		if ((v = malloc(bytes)) != NULL)
			pp->heap_bytes += bytes;
		return v;
	}
	if ((h = long_alloc(pp, long_cap(count))) == NULL)
		return NULL;
	return h->paths;
}

void
pathset_free(struct pathset_pool *pp, struct rib_path *v, size_t count)
{
	struct pathset_long *h;

	if (v == NULL || count == 0)
		return;
	if (count <= PATHSET_EXACT) {
		slab_free(&pp->slabs[slab_of(count)], v);
		return;
	}
	if (!is_long(count)) {
		pp->heap_bytes -= slab_paths(slab_of(count)) * sizeof(*v);
		free(v);
		return;
	}
	h = long_of(v);
	pp->heap_bytes -= long_bytes(h);
	free(h);
}

/* Whether an array of from paths can hold to paths in place. */
static bool
array_fits(const struct rib_path *v, size_t from, size_t to)
{
	const struct pathset_long *h;

	if (!is_long(from))
		return !is_long(to) && slab_of(from) == slab_of(to);
	if (!is_long(to))
		return false;
	/* A long one shrinks only below half its capacity (hysteresis). */
	h = long_of(v);
	return to <= h->cap && to >= h->cap / 2;
}

/* The index and peer counts of a long array after its paths moved. */
static void
array_settle(const struct pathset_pool *pp, struct rib_path *v, size_t count)
{
	if (is_long(count))
		index_build(pp, long_of(v), count);
}

long
pathset_find(const struct pathset_pool *pp, const struct rib_path *v,
    size_t count, uint16_t peer, uint32_t path_id)
{
	struct pathset_long *h;
	const uint16_t *idx;
	size_t s;

	if (!is_long(count)) {
		for (size_t i = 0; i < count; i++)
			if (path_is(&v[i], peer, path_id))
				return (long)i;
		return -1;
	}
	h = long_of(v);
	idx = long_index(h);
	for (s = key_home(pp, h, peer, path_id); idx[s] != 0;
	    s = (s + 1) & (h->slots - 1))
		if (path_is(&h->paths[idx[s] - 1], peer, path_id))
			return idx[s] - 1;
	return -1;
}

size_t
pathset_peer_count(const struct rib_path *v, size_t count, uint16_t peer)
{
	size_t n = 0;

	if (is_long(count))
		return long_of(v)->peer_paths[peer];
	for (size_t i = 0; i < count; i++)
		n += v[i].peer == peer;
	return n;
}

int
pathset_append(struct pathset_pool *pp, struct rib_path **v, size_t count,
    const struct rib_path *p)
{
	struct rib_path *nv = *v;

	if (count >= PATHSET_MAX)
		return -1;
	if (count == 0 || !array_fits(*v, count, count + 1)) {
		if ((nv = array_alloc(pp, count + 1)) == NULL)
			return -1;
		if (count > 0)
			memcpy(nv, *v, count * sizeof(*nv));
		nv[count] = *p;
		array_settle(pp, nv, count + 1);
		pathset_free(pp, *v, count);
		*v = nv;
		return 0;
	}
	nv[count] = *p;
	if (is_long(count + 1)) {
		index_add(pp, long_of(nv), count);
		long_of(nv)->peer_paths[p->peer]++;
	}
	return 0;
}

/* In place: v[i] goes, the last takes its place. */
static void
remove_in_place(const struct pathset_pool *pp, struct rib_path *v,
    size_t count, size_t i)
{
	struct pathset_long *h;
	size_t last = count - 1;

	if (!is_long(count)) {
		v[i] = v[last];
		return;
	}
	h = long_of(v);
	h->peer_paths[v[i].peer]--;
	index_del(pp, h, slot_of(pp, h, v[i].peer, v[i].path_id, i));
	if (i != last) {
		long_index(h)[slot_of(pp, h, v[last].peer, v[last].path_id,
		    last)] = (uint16_t)(i + 1);
		v[i] = v[last];
	}
}

int
pathset_remove(struct pathset_pool *pp, struct rib_path **v, size_t count,
    size_t i)
{
	struct rib_path *nv;
	size_t last = count - 1;

	if (last == 0) {
		pathset_free(pp, *v, count);
		*v = NULL;
		return 0;
	}
	if (array_fits(*v, count, last)) {
		remove_in_place(pp, *v, count, i);
		return 0;
	}
	if ((nv = array_alloc(pp, last)) == NULL) {
		/* A long array can stay larger than it needs. */
		if (!is_long(last))
			return -1;
		remove_in_place(pp, *v, count, i);
		return 0;
	}
	memcpy(nv, *v, last * sizeof(*nv));
	if (i != last)
		nv[i] = (*v)[last];
	array_settle(pp, nv, last);
	pathset_free(pp, *v, count);
	*v = nv;
	return 0;
}

void
pathset_swap(const struct pathset_pool *pp, struct rib_path *v, size_t count,
    size_t i, size_t j)
{
	struct rib_path tmp;

	if (i == j)
		return;
	if (is_long(count)) {
		struct pathset_long *h = long_of(v);
		uint16_t *idx = long_index(h);
		size_t si = slot_of(pp, h, v[i].peer, v[i].path_id, i);
		size_t sj = slot_of(pp, h, v[j].peer, v[j].path_id, j);

		idx[si] = (uint16_t)(j + 1);
		idx[sj] = (uint16_t)(i + 1);
	}
	tmp = v[i];
	v[i] = v[j];
	v[j] = tmp;
}

size_t
pathset_remove_if(struct pathset_pool *pp, struct rib_path **v, size_t count,
    bool (*match)(const struct rib_path *, void *),
    void (*drop)(const struct rib_path *, void *), void *ctx)
{
	struct rib_path *old = *v, *nv = *v;
	size_t keep = 0, i, j;

	for (i = 0; i < count; i++)
		keep += !match(&old[i], ctx);
	if (keep == count)
		return 0;
	/* A long array that cannot shrink stays larger than it needs. */
	if (keep > 0 && !array_fits(old, count, keep) &&
	    (nv = array_alloc(pp, keep)) == NULL &&
	    (nv = is_long(keep) ? old : NULL) == NULL)
		return 0;
	for (i = j = 0; i < count; i++) {
		if (match(&old[i], ctx))
			drop(&old[i], ctx);
		else
			nv[j++] = old[i];
	}
	if (keep == 0)
		nv = NULL;
	else
		array_settle(pp, nv, keep);
	if (nv != old)
		pathset_free(pp, old, count);
	*v = nv;
	return count - keep;
}
