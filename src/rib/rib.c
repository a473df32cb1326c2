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
	slab_init(&r->paths, sizeof(struct rib_path));
	r->best_cb = cb;
	r->best_ctx = ctx;
	return rattrs_table_init(&r->attrs);
}

static void
path_free(struct rib *r, struct rib_path *p)
{
	if (p->flags & RIB_PATH_STALE)
		r->peers[p->peer].n_stale--;
	r->peers[p->peer].n_paths--;
	r->n_paths--;
	rattrs_put(&r->attrs, p->attrs);
	slab_free(&r->paths, p);
}

static int
free_node_paths(void *ctx, const struct ptree_node *n)
{
	struct rib *r = ctx;
	struct rib_path *p = n->data, *next;

	for (; p != NULL; p = next) {
		next = p->next;
		rattrs_put(&r->attrs, p->attrs);
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
	slab_destroy(&r->paths);
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
med_beaten(const struct rib *r, const struct rib_path *list,
    const struct rib_path *p)
{
	for (const struct rib_path *q = list; q != NULL; q = q->next)
		if (q != p && same_neighbor_as(q, p) &&
		    rib_path_cmp(r, q, p) < 0)
			return true;
	return false;
}

/*
 * The best path, deterministic whatever the list order: each neighbour
 * AS's best (MED counts within it) competes with the others without MED
 * (RFC 4271 9.1.2.2 c, as "deterministic MED"). When every path has the
 * same MED, that is one linear scan.
 */
static struct rib_path *
best_select(const struct rib *r, struct rib_path *list)
{
	struct rib_path *best = NULL, *p;
	bool one_med = true;

	for (p = list; p != NULL && one_med; p = p->next)
		one_med = p->attrs->med == list->attrs->med;
	for (p = list; p != NULL; p = p->next) {
		if (!one_med && med_beaten(r, list, p))
			continue;
		if (best == NULL || (one_med ? rib_path_cmp(r, p, best) :
		    cmp_without_med(r, p, best)) < 0)
			best = p;
	}
	return best;
}

/* Puts the best path first; reports it if it is not the one before. */
static void
best_update(struct rib *r, struct ptree_node *n, const struct prefix *pfx,
    const struct rib_path *old_best, const struct rattrs *old_attrs)
{
	struct rib_path **pp, *best = best_select(r, n->data);

	if (best != n->data) {
		for (pp = (struct rib_path **)&n->data; *pp != best;
		    pp = &(*pp)->next)
			;
		*pp = best->next;
		best->next = n->data;
		n->data = best;
	}
	if (best != old_best || best->attrs != old_attrs) {
		r->best_changes++;
		if (r->best_cb != NULL)
			r->best_cb(r->best_ctx, pfx, best);
	}
}

/* After paths were removed: the node goes if none is left. */
static void
node_settle(struct rib *r, struct ptree_node *n, const struct prefix *pfx,
    const struct rib_path *old_best, const struct rattrs *old_attrs)
{
	if (n->data != NULL) {
		best_update(r, n, pfx, old_best, old_attrs);
		return;
	}
	ptree_release(&r->tree[pfx->af], n);
	r->best_changes++;
	if (r->best_cb != NULL)
		r->best_cb(r->best_ctx, pfx, NULL);
}

/* ---- paths ---- */

int
rib_update(struct rib *r, int peer, const struct prefix *p, uint32_t path_id,
    struct rattrs *ra)
{
	struct ptree_node *n = ptree_get(&r->tree[p->af], p);
	struct rib_path *path, *old_best;
	const struct rattrs *old_attrs;

	if (n == NULL)
		return -1;
	old_best = n->data;
	old_attrs = old_best != NULL ? old_best->attrs : NULL;
	for (path = n->data; path != NULL; path = path->next)
		if (path->peer == peer && path->path_id == path_id)
			break;
	if (path != NULL) {
		/* Implicit withdraw (RFC 4271 3.1): the new one replaces it. */
		rattrs_ref(ra);
		rattrs_put(&r->attrs, path->attrs);
		path->attrs = ra;
		if (path->flags & RIB_PATH_STALE) {
			path->flags &= (uint8_t)~RIB_PATH_STALE;
			r->peers[peer].n_stale--;
		}
	} else {
		if ((path = slab_alloc(&r->paths)) == NULL) {
			if (n->data == NULL)
				ptree_release(&r->tree[p->af], n);
			return -1;
		}
		rattrs_ref(ra);
		path->attrs = ra;
		path->path_id = path_id;
		path->peer = (uint16_t)peer;
		path->next = n->data;
		n->data = path;
		r->peers[peer].n_paths++;
		r->n_paths++;
	}
	best_update(r, n, p, old_best, old_attrs);
	return 0;
}

/* Removes the paths of peer matching (all_ids or path_id), stale only if
 * asked. Returns how many went. */
static size_t
node_remove(struct rib *r, struct ptree_node *n, int peer, bool all_ids,
    uint32_t path_id, bool stale_only)
{
	struct rib_path **pp = (struct rib_path **)&n->data, *p;
	size_t gone = 0;

	while ((p = *pp) != NULL) {
		if (p->peer == peer && (all_ids || p->path_id == path_id) &&
		    (!stale_only || (p->flags & RIB_PATH_STALE))) {
			*pp = p->next;
			path_free(r, p);
			gone++;
		} else
			pp = &p->next;
	}
	return gone;
}

void
rib_withdraw(struct rib *r, int peer, const struct prefix *p, uint32_t path_id)
{
	struct ptree_node *n = ptree_find(&r->tree[p->af], p);
	struct rib_path *old_best;
	struct rattrs *old_attrs;

	if (n == NULL)
		return;
	old_best = n->data;
	old_attrs = old_best->attrs;
	rattrs_ref(old_attrs);	/* its address must stay unique meanwhile */
	if (node_remove(r, n, peer, false, path_id, false) > 0)
		node_settle(r, n, p, old_best, old_attrs);
	rattrs_put(&r->attrs, old_attrs);
}

const struct rib_path *
rib_lookup(const struct rib *r, const struct prefix *p)
{
	const struct ptree_node *n = ptree_find(&r->tree[p->af], p);

	return n != NULL ? n->data : NULL;
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
	const struct rib_path *p;

	for (p = n->data; p != NULL && p->peer != l->peer; p = p->next)
		;
	if (p == NULL)
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
			struct rib_path *old_best = n->data, *p;
			struct rattrs *old_attrs = old_best->attrs;
			size_t gone;

			if (pa->mark_stale) {
				for (p = n->data; p != NULL; p = p->next)
					if (p->peer == peer &&
					    !(p->flags & RIB_PATH_STALE)) {
						p->flags |= RIB_PATH_STALE;
						r->peers[peer].n_stale++;
					}
				continue;
			}
			if (pa->keep != NULL && pa->keep(pa->keep_ctx, &l.p[i]))
				continue;
			rattrs_ref(old_attrs);
			gone = node_remove(r, n, peer, true, 0, pa->stale_only);
			if (gone > 0)
				node_settle(r, n, &l.p[i], old_best, old_attrs);
			rattrs_put(&r->attrs, old_attrs);
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
		m->node_bytes[af] = slab_bytes(&r->tree[af].nodes);
	}
	m->paths = r->n_paths;
	m->path_bytes = slab_bytes(&r->paths);
	m->attr_sets = r->attrs.count;
	m->attr_bytes = r->attrs.bytes;
	m->attr_hash_bytes = r->attrs.n_buckets * sizeof(r->attrs.buckets[0]);
	m->attr_lookups = r->attrs.lookups;
	m->attr_hits = r->attrs.hits;
}
