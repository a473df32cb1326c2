/*
 * The announcement store: desired state per (prefix, mux), kept sorted in
 * one array (ann_store.h). The file it is kept in is ann_store_file.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vpn/mux.h"
#include "ann_store.h"

/* ---- the sorted arrays ---- */

/*
 * Both tables, the entries and the change records, are arrays of
 * elements that begin with their key (a prefix, then somewhere a mux
 * name), kept sorted by it: one binary search, insert and remove serve
 * both.
 */
_Static_assert(offsetof(struct ann_entry, prefix) == 0, "key first");
_Static_assert(offsetof(struct ann_change, prefix) == 0, "key first");

struct keyed {
	size_t	size;		/* of an element */
	size_t	mux_off;	/* where its mux name is */
};

static const struct keyed entries_k = { sizeof(struct ann_entry),
	offsetof(struct ann_entry, mux) };
static const struct keyed changes_k = { sizeof(struct ann_change),
	offsetof(struct ann_change, mux) };

static int
keyed_cmp(const struct keyed *k, const void *base, size_t i,
    const struct prefix *p, const char *mux)
{
	const char *el = (const char *)base + i * k->size;

	return ann_store_key_cmp((const struct prefix *)(const void *)el,
	    el + k->mux_off, p, mux);
}

/* The position of (p, mux), or where it would go; true when found. */
static bool
keyed_search(const struct keyed *k, const void *base, size_t n,
    const struct prefix *p, const char *mux, size_t *pos)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = keyed_cmp(k, base, mid, p, mux);
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

/* Room for one element more, up to ANN_STORE_MAX: the array (moved,
 * perhaps), or NULL (errno ENOSPC when full) leaving it as it was. */
static void *
keyed_room(const struct keyed *k, void *base, size_t n, size_t *cap)
{
	void *nb;
	size_t ncap;

	if (n < *cap)
		return base;
	if (n >= ANN_STORE_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > ANN_STORE_MAX)
		ncap = ANN_STORE_MAX;
	if ((nb = realloc(base, ncap * k->size)) == NULL)
		return NULL;
	*cap = ncap;
	return nb;
}

/* Puts el at pos of an array with room for it. */
static void
keyed_insert(const struct keyed *k, void *base, size_t *n, size_t pos,
    const void *el)
{
	char *b = base;

	memmove(b + (pos + 1) * k->size, b + pos * k->size,
	    (*n - pos) * k->size);
	memcpy(b + pos * k->size, el, k->size);
	(*n)++;
}

static void
keyed_remove(const struct keyed *k, void *base, size_t *n, size_t pos)
{
	char *b = base;

	memmove(b + pos * k->size, b + (pos + 1) * k->size,
	    (*n - pos - 1) * k->size);
	(*n)--;
}

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
	free(s->c);
	s->e = NULL;
	s->c = NULL;
	s->n = s->cap = s->nc = s->ccap = 0;
}

int
ann_store_copy(struct ann_store *dst, const struct ann_store *src)
{
	ann_store_init(dst, src->path);
	if ((src->n > 0 && (dst->e = malloc(src->n * sizeof(*dst->e))) ==
	    NULL) || (src->nc > 0 && (dst->c = malloc(src->nc *
	    sizeof(*dst->c))) == NULL)) {
		ann_store_free(dst);
		return -1;
	}
	if (src->n > 0)
		memcpy(dst->e, src->e, src->n * sizeof(*dst->e));
	if (src->nc > 0)
		memcpy(dst->c, src->c, src->nc * sizeof(*dst->c));
	dst->n = dst->cap = src->n;
	dst->nc = dst->ccap = src->nc;
	return 0;
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

static bool
store_search(const struct ann_store *s, const struct prefix *p,
    const char *mux, size_t *pos)
{
	return keyed_search(&entries_k, s->e, s->n, p, mux, pos);
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

const struct ann_entry *
ann_store_first(const struct ann_store *s, const struct prefix *p)
{
	size_t pos;

	/* "" sorts before every mux name: the first entry of p, if any. */
	store_search(s, p, ANN_MUX_ALL, &pos);
	return pos < s->n && prefix_equal(&s->e[pos].prefix, p) ? &s->e[pos] :
	    NULL;
}

bool
ann_store_has_prefix(const struct ann_store *s, const struct prefix *p)
{
	return ann_store_first(s, p) != NULL;
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

int
ann_store_set(struct ann_store *s, const struct ann_entry *e)
{
	void *room;
	size_t pos;

	if (!entry_storable(e)) {
		errno = EINVAL;
		return -1;
	}
	if (store_search(s, &e->prefix, e->mux, &pos)) {
		s->e[pos] = *e;
		return 0;
	}
	if ((room = keyed_room(&entries_k, s->e, s->n, &s->cap)) == NULL)
		return -1;
	s->e = room;
	keyed_insert(&entries_k, s->e, &s->n, pos, e);
	return 0;
}

bool
ann_store_remove(struct ann_store *s, const struct prefix *p, const char *mux)
{
	size_t pos;

	if (!store_search(s, p, mux, &pos))
		return false;
	keyed_remove(&entries_k, s->e, &s->n, pos);
	return true;
}

/* ---- the change records ---- */

static bool
change_search(const struct ann_store *s, const struct prefix *p,
    const char *mux, size_t *pos)
{
	return keyed_search(&changes_k, s->c, s->nc, p, mux, pos);
}

time_t
ann_store_change_at(const struct ann_store *s, const struct prefix *p,
    const char *mux)
{
	size_t pos;

	return change_search(s, p, mux, &pos) ? s->c[pos].at : 0;
}

static bool
change_storable(const struct ann_change *c)
{
	struct prefix masked = c->prefix;

	if (c->prefix.af >= AF_IDX_COUNT ||
	    c->prefix.len > af_max_bits(c->prefix.af))
		return false;
	prefix_mask(&masked);
	return memcmp(&masked, &c->prefix, sizeof(masked)) == 0 &&
	    memchr(c->mux, '\0', sizeof(c->mux)) != NULL &&
	    mux_name_valid(c->mux) && strcmp(c->mux, ANN_STORE_MUX_ALL) != 0 &&
	    c->at > 0 &&
	    (double)c->at <= ANN_STORE_TIME_MAX;
}

int
ann_store_change_note(struct ann_store *s, const struct prefix *p,
    const char *mux, time_t at, time_t *prev)
{
	struct ann_change c;
	void *room;
	size_t pos;
	bool found = change_search(s, p, mux, &pos);

	if (prev != NULL)
		*prev = found ? s->c[pos].at : 0;
	if (at == 0) {
		if (found)
			keyed_remove(&changes_k, s->c, &s->nc, pos);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.prefix = *p;
	if (snprintf(c.mux, sizeof(c.mux), "%s", mux) >= (int)sizeof(c.mux))
		c.mux[0] = '\0';
	c.at = at;
	if (!change_storable(&c)) {
		errno = EINVAL;
		return -1;
	}
	if (found) {
		s->c[pos] = c;
		return 0;
	}
	if ((room = keyed_room(&changes_k, s->c, s->nc, &s->ccap)) == NULL)
		return -1;
	s->c = room;
	keyed_insert(&changes_k, s->c, &s->nc, pos, &c);
	return 0;
}

/* A record ANN_CHANGE_INTERVAL old can refuse nothing more (a clock set
 * back keeps the records "from the future" until it passes them). */
void
ann_store_changes_prune(struct ann_store *s, time_t now)
{
	size_t i, k = 0;

	for (i = 0; i < s->nc; i++)
		if (now < s->c[i].at || now - s->c[i].at < ANN_CHANGE_INTERVAL)
			s->c[k++] = s->c[i];
	s->nc = k;
}

/* ---- the gates, on what was kept ---- */

int
ann_store_check_entry(const struct ann_entry *e, const struct ann_policy *pol,
    const char *const *names, size_t n_names, char *err, size_t errlen)
{
	struct ann_request r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.prefix = e->prefix;
	memcpy(r.mux, e->mux, sizeof(r.mux));
	r.attrs = e->attrs;
	r.no_dataplane = e->no_dataplane;
	if (ann_check(&r, pol, err, errlen) == -1)
		return -1;
	if (names == NULL || e->mux[0] == '\0')
		return 0;
	for (i = 0; i < n_names; i++)
		if (strcmp(names[i], e->mux) == 0)
			return 0;
	snprintf(err, errlen, "mux unknown: %s (not in configs/openvpn/ nor a "
	    "neighbor of configs/peering-bgpd.conf)", e->mux);
	return -1;
}

void
ann_entry_from_request(const struct ann_request *r, time_t now,
    struct ann_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->prefix = r->prefix;
	snprintf(e->mux, sizeof(e->mux), "%s", r->mux);
	e->attrs = r->attrs;
	e->no_dataplane = r->no_dataplane;
	e->last_change = now;
}

void
ann_store_withdraw(struct ann_store *s, const struct prefix *p,
    const char *mux)
{
	const struct ann_entry *e;

	if (mux[0] != '\0') {
		ann_store_remove(s, p, mux);
		return;
	}
	while ((e = ann_store_first(s, p)) != NULL)
		ann_store_remove(s, p, e->mux);
}
