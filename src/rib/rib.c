/*
 * The RIB: paths per prefix, best first. Adding, replacing or removing a
 * path re-selects the prefix's best and reports a change of best.
 */
#include "rib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
rib_init(struct rib *r, rib_best_cb cb, void *ctx)
{
	memset(r, 0, sizeof(*r));
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		ptree_init(&r->tree[af], af);
	for (unsigned i = 0; i < RIB_PATH_SLABS; i++)
		slab_init(&r->paths[i], (i + 1) * sizeof(struct rib_path));
	r->best_cb = cb;
	r->best_ctx = ctx;
	return rattrs_table_init(&r->attrs);
}

/* ---- path arrays ---- */

/* An array of n paths (n > 0), zeroed; NULL when memory runs out. */
static struct rib_path *
paths_alloc(struct rib *r, size_t n)
{
	struct rib_path *v;

	if (n <= RIB_PATH_SLABS)
		return slab_alloc(&r->paths[n - 1]);
	if ((v = calloc(n, sizeof(*v))) != NULL)
		r->big_path_bytes += n * sizeof(*v);
	return v;
}

static void
paths_free(struct rib *r, struct rib_path *v, size_t n)
{
	if (v == NULL)
		return;
	if (n <= RIB_PATH_SLABS)
		slab_free(&r->paths[n - 1], v);
	else {
		r->big_path_bytes -= n * sizeof(*v);
		free(v);
	}
}

/* n's array becomes v, of count paths (NULL, 0: none). */
static void
paths_set(struct rib *r, unsigned af, struct ptree_node *n,
    struct rib_path *v, size_t count)
{
	paths_free(r, ptree_data(n), n->aux);
	ptree_set_data(&r->tree[af], n, v);
	n->aux = (uint16_t)count;
}

/* The path leaves the RIB's counts and its attributes' references. */
static void
path_drop(struct rib *r, const struct rib_path *p)
{
	if (p->flags & RIB_PATH_STALE)
		r->peers[p->peer].n_stale--;
	r->peers[p->peer].n_paths--;
	r->n_paths--;
	rattrs_put(&r->attrs, p->attrs);
}

static int
free_node_paths(void *ctx, const struct ptree_node *n)
{
	struct rib *r = ctx;
	size_t count, i;
	const struct rib_path *v = rib_node_paths(n, &count);

	for (i = 0; i < count; i++)
		rattrs_put(&r->attrs, v[i].attrs);
	if (count > RIB_PATH_SLABS) {
		r->big_path_bytes -= count * sizeof(*v);
		free((void *)v);
	}
	return 0;
}

void
rib_destroy(struct rib *r)
{
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		ptree_walk(&r->tree[af], free_node_paths, r);
		ptree_destroy(&r->tree[af]);
	}
	for (unsigned i = 0; i < RIB_PATH_SLABS; i++)
		slab_destroy(&r->paths[i]);
	rattrs_table_destroy(&r->attrs);
}

/* ---- best path ---- */

static int
cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

/* Everything but MED; docs/rib.md lists the order. */
static int
cmp_without_med(const struct rib *r, const struct rib_path *a,
    const struct rib_path *b)
{
	const struct rattrs *x = a->attrs, *y = b->attrs;
	const struct rib_peer *pa = &r->peers[a->peer], *pb = &r->peers[b->peer];
	int c;

	if ((c = cmp_u32(y->local_pref, x->local_pref)) != 0)	/* higher */
		return c;
	if ((c = cmp_u32(x->path_len, y->path_len)) != 0)	/* shorter */
		return c;
	if ((c = cmp_u32(x->origin, y->origin)) != 0)		/* lower */
		return c;
	if (pa->ibgp != pb->ibgp)				/* eBGP first */
		return pa->ibgp ? 1 : -1;
	if ((c = cmp_u32(pa->router_id, pb->router_id)) != 0)
		return c;
	if ((c = memcmp(pa->addr.addr, pb->addr.addr,
	    sizeof(pa->addr.addr))) != 0)
		return c < 0 ? -1 : 1;
	if ((c = cmp_u32(a->path_id, b->path_id)) != 0)
		return c;
	return cmp_u32(a->peer, b->peer);
}

static bool
same_neighbor_as(const struct rib_path *a, const struct rib_path *b)
{
	return a->attrs->neighbor_as == b->attrs->neighbor_as;
}

int
rib_path_cmp(const struct rib *r, const struct rib_path *a,
    const struct rib_path *b)
{
	const struct rattrs *x = a->attrs, *y = b->attrs;
	int c;

	/* MED sits after ORIGIN in the order, and only within one AS. */
	if (x->local_pref == y->local_pref && x->path_len == y->path_len &&
	    x->origin == y->origin && same_neighbor_as(a, b) &&
	    (c = cmp_u32(x->med, y->med)) != 0)
		return c;
	return cmp_without_med(r, a, b);
}

/* Whether some path from p's neighbour AS beats p on MED. */
static bool
med_beaten(const struct rib *r, const struct rib_path *v, size_t n,
    const struct rib_path *p)
{
	for (size_t i = 0; i < n; i++)
		if (&v[i] != p && same_neighbor_as(&v[i], p) &&
		    rib_path_cmp(r, &v[i], p) < 0)
			return true;
	return false;
}

/*
 * The best path's index, deterministic whatever the order: each
 * neighbour AS's best (MED counts within it) competes with the others
 * without MED (RFC 4271 9.1.2.2 c, as "deterministic MED"). When every
 * path has the same MED, that is one linear scan.
 */
static size_t
best_select(const struct rib *r, const struct rib_path *v, size_t n)
{
	size_t best = n, i;
	bool one_med = true;

	for (i = 1; i < n && one_med; i++)
		one_med = v[i].attrs->med == v[0].attrs->med;
	for (i = 0; i < n; i++) {
		if (!one_med && med_beaten(r, v, n, &v[i]))
			continue;
		if (best == n || (one_med ? rib_path_cmp(r, &v[i], &v[best]) :
		    cmp_without_med(r, &v[i], &v[best])) < 0)
			best = i;
	}
	return best;
}

/* Who was best before a change: a path is known by peer and path id. */
struct best_was {
	bool		 any;
	uint16_t	 peer;
	uint32_t	 path_id;
	const struct rattrs *attrs;
};

static void
best_was_take(struct best_was *b, const struct ptree_node *n)
{
	const struct rib_path *v = ptree_data(n);

	b->any = v != NULL;
	if (v != NULL) {
		b->peer = v[0].peer;
		b->path_id = v[0].path_id;
		b->attrs = v[0].attrs;
	}
}

/* Puts the best path first; reports it if it is not the one before. */
static void
best_update(struct rib *r, struct ptree_node *n, const struct prefix *pfx,
    const struct best_was *was)
{
	struct rib_path *v = ptree_data(n), tmp;
	size_t best = best_select(r, v, n->aux);

	if (best != 0) {
		tmp = v[0];
		v[0] = v[best];
		v[best] = tmp;
	}
	if (!was->any || v[0].peer != was->peer ||
	    v[0].path_id != was->path_id || v[0].attrs != was->attrs) {
		r->best_changes++;
		if (r->best_cb != NULL)
			r->best_cb(r->best_ctx, pfx, n, &v[0]);
	}
}

/* After paths were removed: the node goes if none is left (and the
 * kernel sync, told first, does not keep it). */
static void
node_settle(struct rib *r, struct ptree_node *n, const struct prefix *pfx,
    const struct best_was *was)
{
	if (n->aux > 0) {
		best_update(r, n, pfx, was);
		return;
	}
	r->best_changes++;
	if (r->best_cb != NULL)
		r->best_cb(r->best_ctx, pfx, n, NULL);
	ptree_release(&r->tree[pfx->af], n);
}

/* ---- paths ---- */

int
rib_update(struct rib *r, int peer, const struct prefix *p, uint32_t path_id,
    struct rattrs *ra)
{
	struct ptree_node *n = ptree_get(&r->tree[p->af], p);
	struct rib_path *v, *nv;
	struct best_was was;
	size_t count, i;

	if (n == NULL)
		return -1;
	best_was_take(&was, n);
	v = ptree_data(n);
	count = n->aux;
	for (i = 0; i < count; i++)
		if (v[i].peer == peer && v[i].path_id == path_id)
			break;
	if (i < count) {
		/* Implicit withdraw (RFC 4271 3.1): the new one replaces it. */
		rattrs_ref(ra);
		rattrs_put(&r->attrs, v[i].attrs);
		v[i].attrs = ra;
		if (v[i].flags & RIB_PATH_STALE) {
			v[i].flags &= (uint8_t)~RIB_PATH_STALE;
			r->peers[peer].n_stale--;
		}
	} else {
		if (count == RIB_PATHS_MAX ||
		    (nv = paths_alloc(r, count + 1)) == NULL) {
			if (count == 0)
				ptree_release(&r->tree[p->af], n);
			return -1;
		}
		if (count > 0)
			memcpy(nv, v, count * sizeof(*v));
		rattrs_ref(ra);
		nv[count].attrs = ra;
		nv[count].path_id = path_id;
		nv[count].peer = (uint16_t)peer;
		paths_set(r, p->af, n, nv, count + 1);
		r->peers[peer].n_paths++;
		r->n_paths++;
	}
	best_update(r, n, p, &was);
	return 0;
}

static bool
path_matches(const struct rib_path *p, int peer, bool all_ids,
    uint32_t path_id, bool stale_only)
{
	return p->peer == peer && (all_ids || p->path_id == path_id) &&
	    (!stale_only || (p->flags & RIB_PATH_STALE));
}

/* Removes the paths of peer matching (all_ids or path_id), stale only if
 * asked. Returns how many went; n's array is a new one then. */
static size_t
node_remove(struct rib *r, unsigned af, struct ptree_node *n, int peer,
    bool all_ids, uint32_t path_id, bool stale_only)
{
	struct rib_path *v = ptree_data(n), *nv = NULL;
	size_t count = n->aux, keep = 0, i, j;

	for (i = 0; i < count; i++)
		if (!path_matches(&v[i], peer, all_ids, path_id, stale_only))
			keep++;
	if (keep == count)
		return 0;
	/* Out of memory for the smaller array: the paths stay. */
	if (keep > 0 && (nv = paths_alloc(r, keep)) == NULL)
		return 0;
	for (i = j = 0; i < count; i++) {
		if (path_matches(&v[i], peer, all_ids, path_id, stale_only))
			path_drop(r, &v[i]);
		else
			nv[j++] = v[i];
	}
	paths_set(r, af, n, nv, keep);
	return count - keep;
}

void
rib_withdraw(struct rib *r, int peer, const struct prefix *p, uint32_t path_id)
{
	struct ptree_node *n = ptree_find(&r->tree[p->af], p);
	struct best_was was;

	if (n == NULL)
		return;
	best_was_take(&was, n);
	if (node_remove(r, p->af, n, peer, false, path_id, false) > 0)
		node_settle(r, n, p, &was);
}

const struct rib_path *
rib_lookup(const struct rib *r, const struct prefix *p, size_t *count)
{
	const struct ptree_node *n = ptree_find(&r->tree[p->af], p);
	size_t c = 0;
	const struct rib_path *v = n != NULL ? rib_node_paths(n, &c) : NULL;

	if (count != NULL)
		*count = c;
	return v;
}

/* ---- peers ---- */

int
rib_peer_add(struct rib *r, const char *name, unsigned af,
    const struct prefix *addr, uint32_t as, bool ibgp)
{
	for (int i = 0; i < RIB_MAX_PEERS; i++) {
		struct rib_peer *p = &r->peers[i];

		if (p->in_use)
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->af = af;
		p->addr = *addr;
		p->as = as;
		p->ibgp = ibgp;
		p->in_use = true;
		return i;
	}
	return -1;
}

void
rib_peer_set_router_id(struct rib *r, int peer, uint32_t router_id)
{
	r->peers[peer].router_id = router_id;
}

/* Prefixes holding a peer's paths, gathered before any is changed: the
 * tree must not change under a walk. */
struct prefix_list {
	struct prefix	*p;
	size_t		 n, cap;
	int		 peer;
	const struct ptree *tree;
	bool		 failed;
};

static int
gather_peer(void *ctx, const struct ptree_node *n)
{
	struct prefix_list *l = ctx;
	size_t count, i;
	const struct rib_path *v = rib_node_paths(n, &count);

	for (i = 0; i < count && v[i].peer != l->peer; i++)
		;
	if (i == count)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct prefix *np = realloc(l->p, cap * sizeof(*np));

		if (np == NULL) {
			l->failed = true;
			return 1;
		}
		l->p = np;
		l->cap = cap;
	}
	ptree_prefix(l->tree, n, &l->p[l->n++]);
	return 0;
}

/* What to do with each prefix holding paths of the peer. */
struct peer_apply {
	bool	mark_stale;	/* only mark them */
	bool	stale_only;	/* remove only the stale ones */
	bool	(*keep)(void *ctx, const struct prefix *p);	/* or NULL */
	void	*keep_ctx;
	size_t	removed;
};

/* Removes (or marks stale) the paths of peer, prefix by prefix. */
static void
peer_paths_apply(struct rib *r, int peer, struct peer_apply *pa)
{
	struct prefix_list l = { NULL, 0, 0, peer, NULL, false };

	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		l.n = 0;
		l.tree = &r->tree[af];
		ptree_walk(&r->tree[af], gather_peer, &l);
		for (size_t i = 0; i < l.n; i++) {
			struct ptree_node *n = ptree_find(&r->tree[af], &l.p[i]);
			struct rib_path *v = ptree_data(n);
			struct best_was was;
			size_t gone, k;

			if (pa->mark_stale) {
				for (k = 0; k < n->aux; k++)
					if (v[k].peer == peer &&
					    !(v[k].flags & RIB_PATH_STALE)) {
						v[k].flags |= RIB_PATH_STALE;
						r->peers[peer].n_stale++;
					}
				continue;
			}
			if (pa->keep != NULL && pa->keep(pa->keep_ctx, &l.p[i]))
				continue;
			best_was_take(&was, n);
			gone = node_remove(r, af, n, peer, true, 0,
			    pa->stale_only);
			if (gone > 0)
				node_settle(r, n, &l.p[i], &was);
			pa->removed += gone;
		}
	}
	free(l.p);
}

size_t
rib_peer_filter(struct rib *r, int peer,
    bool (*keep)(void *ctx, const struct prefix *p), void *ctx)
{
	struct peer_apply pa = { .keep = keep, .keep_ctx = ctx };

	peer_paths_apply(r, peer, &pa);
	return pa.removed;
}

void
rib_peer_down(struct rib *r, int peer, bool stale)
{
	struct peer_apply pa = { .mark_stale = stale };

	peer_paths_apply(r, peer, &pa);
}

void
rib_peer_sweep(struct rib *r, int peer)
{
	struct peer_apply pa = { .stale_only = true };

	/* Every End-of-RIB asks: no walk of the tree when nothing is stale. */
	if (r->peers[peer].n_stale == 0)
		return;
	peer_paths_apply(r, peer, &pa);
}

void
rib_peer_remove(struct rib *r, int peer)
{
	rib_peer_down(r, peer, false);
	r->peers[peer].in_use = false;
}

void
rib_memory(const struct rib *r, struct rib_mem *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		m->nodes[af] = r->tree[af].n_nodes;
		m->prefixes[af] = r->tree[af].n_data;
		m->node_bytes[af] = ptree_bytes(&r->tree[af]);
	}
	m->paths = r->n_paths;
	m->path_bytes = r->big_path_bytes;
	for (unsigned i = 0; i < RIB_PATH_SLABS; i++)
		m->path_bytes += slab_bytes(&r->paths[i]);
	m->attr_sets = r->attrs.count;
	m->attr_hash_bytes = r->attrs.n_buckets * sizeof(r->attrs.buckets[0]);
	m->attr_bytes = rattrs_table_bytes(&r->attrs) - m->attr_hash_bytes;
	m->attr_lookups = r->attrs.lookups;
	m->attr_hits = r->attrs.hits;
}
