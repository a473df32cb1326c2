/*
 * peertable: a neighbour's own best routes in a kernel table (peertable.h).
 *
 * A node of t->tree[af] per prefix the peer has paths for; its data is
 * the id of the peer's best path there, tagged (id << 1 | 1: never NULL,
 * never dereferenced), and kroute's fib byte keeps the node while the
 * kernel still has its route. With B the best kept and a change of path
 * x of the peer:
 * - x set: none kept: x. x is B: the prefix's paths of the peer looked at
 *   again (B's attributes changed). Else x if it beats B, B otherwise
 *   (no route sent).
 * - x withdrawn: nothing unless x is B; then looked at again.
 * - some paths removed (session down, filter, sweep): looked at again.
 */
#include "peertable.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"

_Static_assert(sizeof(uintptr_t) >= 8, "a path id and a tag fit a pointer");

struct peertable {
	struct rib	*rib;
	int		 peer[AF_IDX_COUNT];	/* -1: none */
	struct ptree	 tree[AF_IDX_COUNT];
	struct kroute	*k;
};

static void *
id_tag(uint32_t id)
{
	return (void *)(((uintptr_t)id << 1) | 1);
}

static bool
id_of(const struct ptree_node *n, uint32_t *id)
{
	uintptr_t v = (uintptr_t)ptree_data(n);

	*id = (uint32_t)(v >> 1);
	return v != 0;
}

/* The RIB's node of the prefix of our node n, or NULL. */
static const struct ptree_node *
rib_node_of(const struct peertable *t, unsigned af, const struct ptree_node *n)
{
	struct prefix p;

	ptree_prefix(&t->tree[af], n, &p);
	return ptree_find(&t->rib->tree[af], &p);
}

static const struct rib_path *
best_of(const struct peertable *t, unsigned af, const struct ptree_node *n)
{
	const struct ptree_node *rn;
	uint32_t id;

	if (t->peer[af] < 0 || !id_of(n, &id) ||
	    (rn = rib_node_of(t, af, n)) == NULL)
		return NULL;
	return rib_node_path(t->rib, rn, t->peer[af], id);
}

bool
peertable_path_want(const struct rib *r, const struct rib_path *path,
    unsigned af, struct kroute_want *w)
{
	const struct rib_peer *peer;

	if (path == NULL || path->attrs->af != af)
		return false;
	peer = &r->peers[path->peer];
	if (peer->ifindex <= 0)
		return false;
	w->nexthop = rattrs_nexthop(path->attrs);
	w->ifindex = peer->ifindex;
	return true;
}

static bool
want(void *ctx, unsigned af, const struct ptree_node *n,
    struct kroute_want *w)
{
	const struct peertable *t = ctx;

	return peertable_path_want(t->rib, best_of(t, af, n), af, w);
}

/* n's best becomes best (NULL: none); the kernel is told. */
static void
node_set(struct peertable *t, unsigned af, struct ptree_node *n,
    const struct rib_path *best)
{
	ptree_set_data(&t->tree[af], n, best != NULL ?
	    id_tag(best->path_id) : NULL);
	if (t->k != NULL)
		kroute_changed(t->k, af, n);
	if (best == NULL)
		ptree_release(&t->tree[af], n);	/* unless kroute keeps it */
}

/* The new best of the peer at rn after its path id changed (ev). */
static const struct rib_path *
best_after(const struct peertable *t, int peer, const struct ptree_node *rn,
    const struct ptree_node *n, uint32_t id, enum rib_watch_event ev,
    bool *same)
{
	const struct rib_path *x, *b;
	uint32_t cur;
	bool have = n != NULL && id_of(n, &cur);

	*same = false;
	if (ev == RIB_WATCH_SOME_GONE || (have && cur == id))
		return rib_peer_best(t->rib, peer, rn);
	if (ev == RIB_WATCH_GONE) {
		*same = true;		/* not the best: nothing changes */
		return NULL;
	}
	x = rib_node_path(t->rib, rn, peer, id);
	if (!have || (b = rib_node_path(t->rib, rn, peer, cur)) == NULL)
		return x != NULL ? x : rib_peer_best(t->rib, peer, rn);
	if (x == NULL || rib_path_cmp(t->rib, x, b) >= 0) {
		*same = true;		/* B stays */
		return b;
	}
	return x;
}

static void
on_watch(void *ctx, int peer, const struct prefix *p,
    const struct ptree_node *rn, uint32_t id, enum rib_watch_event ev)
{
	struct peertable *t = ctx;
	unsigned af = p->af;
	struct ptree_node *n;
	const struct rib_path *best;
	bool same;

	if (af >= AF_IDX_COUNT || t->peer[af] != peer)
		return;		/* a family it does not follow */
	n = ptree_find(&t->tree[af], p);
	best = best_after(t, peer, rn, n, id, ev, &same);
	if (same || (n == NULL && best == NULL))
		return;
	if (n == NULL && (n = ptree_get(&t->tree[af], p)) == NULL) {
		log_warn("peertable: out of memory for a route");
		return;
	}
	node_set(t, af, n, best);
}

struct peertable *
peertable_new(struct rib *r)
{
	struct peertable *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->rib = r;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		t->peer[af] = -1;
		ptree_init(&t->tree[af], af);
	}
	return t;
}

/* Nodes with a best, gathered: the tree must not change under a walk. */
struct gathered {
	struct ptree_node	**v;
	size_t			  n, cap;
};

static int
gather(void *ctx, const struct ptree_node *n)
{
	struct gathered *g = ctx;

	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;
		struct ptree_node **v = realloc(g->v, cap * sizeof(*v));

		if (v == NULL)
			return 1;
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = (struct ptree_node *)(uintptr_t)n;
	return 0;
}

void
peertable_clear_peer(struct peertable *t, unsigned af)
{
	struct gathered g = { NULL, 0, 0 };

	if (t->peer[af] >= 0 && t->rib->peers[t->peer[af]].watch_ctx == t)
		rib_peer_watch(t->rib, t->peer[af], NULL, NULL);
	t->peer[af] = -1;
	/* Empty already when the peer's paths went first (the usual way). */
	if (t->tree[af].n_data == 0)
		return;
	if (ptree_walk(&t->tree[af], gather, &g) != 0)
		log_warn("peertable: out of memory: some routes stay until "
		    "the table is flushed");
	for (size_t i = 0; i < g.n; i++)
		node_set(t, af, g.v[i], NULL);
	free(g.v);
}

int
peertable_peer(const struct peertable *t, unsigned af)
{
	return t->peer[af];
}

void
peertable_set_peer(struct peertable *t, unsigned af, int peer)
{
	peertable_clear_peer(t, af);
	t->peer[af] = peer;
	rib_peer_watch(t->rib, peer, on_watch, t);
}

void
peertable_free(struct peertable *t)
{
	if (t == NULL)
		return;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		if (t->peer[af] >= 0 &&
		    t->rib->peers[t->peer[af]].watch_ctx == t)
			rib_peer_watch(t->rib, t->peer[af], NULL, NULL);
	kroute_close(t->k);
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		ptree_destroy(&t->tree[af]);
	free(t);
}

int
peertable_kernel_open(struct peertable *t, struct ev_loop *loop,
    uint32_t table, uint8_t proto)
{
	t->k = kroute_open(loop, table, proto, t->tree, want, t);
	if (t->k == NULL)
		return -1;
	kroute_use_nexthop_objects(t->k, false);
	return 0;
}

void
peertable_sweep_stale(struct peertable *t)
{
	if (t->k != NULL)
		kroute_sweep_stale(t->k);
}

void
peertable_flush(struct peertable *t)
{
	if (t->k != NULL)
		kroute_flush(t->k);
}

void
peertable_get_stats(const struct peertable *t, struct kroute_stats *st,
    size_t *tree_bytes, size_t *prefixes)
{
	memset(st, 0, sizeof(*st));
	if (t->k != NULL)
		kroute_get_stats(t->k, st);
	*tree_bytes = sizeof(*t);
	*prefixes = 0;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		*tree_bytes += ptree_bytes(&t->tree[af]);
		*prefixes += t->tree[af].n_data;
	}
}

const struct rib_path *
peertable_best(const struct peertable *t, const struct prefix *p)
{
	const struct ptree_node *n;

	if (p->af >= AF_IDX_COUNT ||
	    (n = ptree_find(&t->tree[p->af], p)) == NULL)
		return NULL;
	return best_of(t, p->af, n);
}
