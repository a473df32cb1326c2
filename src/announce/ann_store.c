/*
 * The announcement store: desired state per (prefix, mux), kept sorted in
 * one array (ann_store.h). The file it is kept in is ann_store_file.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vpn/mux.h"
#include "ann_store.h"

/* ---- the sorted array ---- */

void
ann_store_init(struct ann_store *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (path != NULL)
		snprintf(s->path, sizeof(s->path), "%s", path);
}

void
ann_store_free(struct ann_store *s)
{
	free(s->e);
	s->e = NULL;
	s->n = s->cap = 0;
}

int
ann_store_key_cmp(const struct prefix *pa, const char *ma,
    const struct prefix *pb, const char *mb)
{
	int c;

	if (pa->af != pb->af)
		return pa->af < pb->af ? -1 : 1;
	/* Bits past the length are zero, so the whole array compares. */
	if ((c = memcmp(pa->addr, pb->addr, sizeof(pa->addr))) != 0)
		return c;
	if (pa->len != pb->len)
		return pa->len < pb->len ? -1 : 1;
	return strcmp(ma, mb);
}

/* The position of (p, mux), or where it would go; true when found. */
static bool
store_search(const struct ann_store *s, const struct prefix *p,
    const char *mux, size_t *pos)
{
	size_t lo = 0, hi = s->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = ann_store_key_cmp(&s->e[mid].prefix, s->e[mid].mux, p, mux);
		if (c == 0) {
			*pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return false;
}

struct ann_entry *
ann_store_find(struct ann_store *s, const struct prefix *p, const char *mux)
{
	size_t pos;

	return store_search(s, p, mux, &pos) ? &s->e[pos] : NULL;
}

const struct ann_entry *
ann_store_effective(const struct ann_store *s, const struct prefix *p,
    const char *mux, bool hears_all)
{
	size_t pos;

	if (store_search(s, p, mux, &pos))
		return &s->e[pos];
	if (hears_all && store_search(s, p, ANN_MUX_ALL, &pos))
		return &s->e[pos];
	return NULL;
}

bool
ann_store_has_prefix(const struct ann_store *s, const struct prefix *p)
{
	size_t pos;

	/* "" sorts before every mux name: the first entry of p, if any. */
	if (store_search(s, p, ANN_MUX_ALL, &pos))
		return true;
	return pos < s->n && prefix_equal(&s->e[pos].prefix, p);
}

static bool
mux_storable(const char *mux, size_t size)
{
	if (memchr(mux, '\0', size) == NULL)
		return false;
	/* A mux named "all" would read back as every mux. */
	return mux[0] == '\0' ||
	    (mux_name_valid(mux) && strcmp(mux, ANN_STORE_MUX_ALL) != 0);
}

/* What the file can hold, so a save never writes what a load refuses. */
static bool
entry_storable(const struct ann_entry *e)
{
	struct prefix masked = e->prefix;
	const struct ann_attrs *a = &e->attrs;

	if (e->prefix.af >= AF_IDX_COUNT ||
	    e->prefix.len > af_max_bits(e->prefix.af))
		return false;
	prefix_mask(&masked);
	if (memcmp(&masked, &e->prefix, sizeof(masked)) != 0)
		return false;
	return mux_storable(e->mux, sizeof(e->mux)) &&
	    a->prepend <= ANN_MAX_PREPEND && a->n_poisons <= ANN_MAX_POISONS &&
	    a->n_communities <= ANN_MAX_COMMUNITIES &&
	    a->n_large <= ANN_MAX_LARGE && e->last_change >= 0 &&
	    (double)e->last_change <= ANN_STORE_TIME_MAX;
}

static int
store_grow(struct ann_store *s)
{
	struct ann_entry *ne;
	size_t cap;

	if (s->n < s->cap)
		return 0;
	if (s->n >= ANN_STORE_MAX) {
		errno = ENOSPC;
		return -1;
	}
	cap = s->cap ? s->cap * 2 : 16;
	if (cap > ANN_STORE_MAX)
		cap = ANN_STORE_MAX;
	if ((ne = realloc(s->e, cap * sizeof(*ne))) == NULL)
		return -1;
	s->e = ne;
	s->cap = cap;
	return 0;
}

int
ann_store_set(struct ann_store *s, const struct ann_entry *e)
{
	size_t pos;

	if (!entry_storable(e)) {
		errno = EINVAL;
		return -1;
	}
	if (store_search(s, &e->prefix, e->mux, &pos)) {
		s->e[pos] = *e;
		return 0;
	}
	if (store_grow(s) == -1)
		return -1;
	memmove(&s->e[pos + 1], &s->e[pos], (s->n - pos) * sizeof(*s->e));
	s->e[pos] = *e;
	s->n++;
	return 0;
}

bool
ann_store_remove(struct ann_store *s, const struct prefix *p, const char *mux)
{
	size_t pos;

	if (!store_search(s, p, mux, &pos))
		return false;
	memmove(&s->e[pos], &s->e[pos + 1], (s->n - pos - 1) * sizeof(*s->e));
	s->n--;
	return true;
}
