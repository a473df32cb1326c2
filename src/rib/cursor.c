/*
 * The RIB cursor (cursor.h). A cut prefix's paths are chosen per step by
 * one pass over them that keeps the RIB_CURSOR_CHUNK least (peer, path
 * id) keys after the last one visited in a max-heap of keys and
 * positions: a step costs O(n log RIB_CURSOR_CHUNK) for n paths, and a
 * prefix of 65,535 paths 256 steps.
 */
#include "cursor.h"

#include <stdlib.h>
#include <string.h>

void
rib_cursor_init(struct rib_cursor *c, unsigned af, const struct prefix *within,
    bool exact)
{
	memset(c, 0, sizeof(*c));
	if (within != NULL) {
		c->has_within = true;
		c->exact = exact;
		c->within = *within;
		af = within->af;
	}
	if (af >= AF_IDX_COUNT) {
		c->af = 0;
		c->af_end = AF_IDX_COUNT;
	} else {
		c->af = (uint8_t)af;
		c->af_end = (uint8_t)(af + 1);
	}
}

/* Keys: peer above path id; in the heap, the position below 16 bits
 * more (at most 65,535 paths a prefix). */
static inline uint64_t
path_key(const struct rib_path *p)
{
	return (uint64_t)p->peer << 32 | p->path_id;
}

static void
heap_down(uint64_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint64_t t;

		if (l < n && h[l] > h[m])
			m = l;
		if (l + 1 < n && h[l + 1] > h[m])
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
heap_up(uint64_t *h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2] < h[i]) {
		uint64_t t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The next chunk of a cut prefix: how many paths, 0 when none is left. */
static size_t
cut_step(struct rib_cursor *c, const struct ptree_node *n,
    rib_cursor_visit_fn visit, void *ctx)
{
	size_t count, i, k = 0;
	const struct rib_path *v = rib_node_paths(n, &count);
	uint64_t after = (uint64_t)c->peer << 32 | c->path_id, key;

	/* key << 16 | position: 48 + 16 bits; peer < 512 fits 16 bits. */
	for (i = 0; i < count; i++) {
		if (c->cut_started && path_key(&v[i]) <= after)
			continue;
		key = path_key(&v[i]) << 16 | i;
		if (k < RIB_CURSOR_CHUNK) {
			c->heap[k++] = key;
			heap_up(c->heap, k - 1);
		} else if (key < c->heap[0]) {
			c->heap[0] = key;
			heap_down(c->heap, k, 0);
		}
	}
	qsort(c->heap, k, sizeof(c->heap[0]), u64_cmp);
	for (i = 0; i < k; i++) {
		const struct rib_path *p = &v[c->heap[i] & 0xffff];

		visit(ctx, &c->last, p, p == v);
	}
	if (k > 0) {
		const struct rib_path *p = &v[c->heap[k - 1] & 0xffff];

		c->cut_started = true;
		c->peer = p->peer;
		c->path_id = p->path_id;
	}
	if (k < RIB_CURSOR_CHUNK)
		c->cut = false;
	return k;
}

static bool
wanted(const struct rib_cursor *c, const struct ptree_node *n)
{
	const struct prefix *w = &c->within;

	if (!c->has_within)
		return true;
	if (n->len < w->len)
		return false;
	for (unsigned b = 0; b < w->len; b++)
		if (((n->key[b >> 3] ^ w->addr[b >> 3]) >> (7 - (b & 7))) & 1)
			return false;
	return true;
}

/* The node after the last one (or the first), or NULL. */
static const struct ptree_node *
next_node(const struct rib_cursor *c, const struct ptree *t)
{
	struct prefix start;

	if (c->exact)
		return c->started ? NULL : ptree_find(t, &c->within);
	if (c->started)
		return ptree_next(t, &c->last, true);
	if (c->has_within)
		start = c->within;
	else {
		memset(&start, 0, sizeof(start));
		start.af = c->af;
	}
	return ptree_next(t, &start, false);
}

size_t
rib_cursor_step(const struct rib *r, struct rib_cursor *c,
    rib_cursor_visit_fn visit, void *ctx)
{
	const struct ptree_node *n;
	const struct rib_path *v;
	size_t count, i, k;

	while (!c->done) {
		const struct ptree *t = &r->tree[c->af];

		if (c->cut) {
			if ((n = ptree_find(t, &c->last)) != NULL &&
			    (k = cut_step(c, n, visit, ctx)) > 0)
				return k;
			c->cut = false;
			continue;
		}
		if ((n = next_node(c, t)) == NULL || !wanted(c, n)) {
			c->started = false;
			if (++c->af >= c->af_end || c->exact || c->has_within)
				c->done = true;
			continue;
		}
		ptree_prefix(t, n, &c->last);
		c->started = true;
		v = rib_node_paths(n, &count);
		if (count > RIB_CURSOR_CHUNK) {
			c->cut = true;
			c->cut_started = false;
			continue;
		}
		for (i = 0; i < count; i++)
			visit(ctx, &c->last, &v[i], i == 0);
		if (count > 0)
			return count;
	}
	return 0;
}
