/*
 * The RIB: paths per prefix, best first (the arrays: pathset.c).
 *
 * The best is kept up to date per change, without looking at every path
 * when it need not. The order of docs/rib.md is total within one
 * neighbour AS ("by MED") and across all paths without MED ("without
 * MED"); the best is the least without MED of each AS's least by MED
 * (its AS's best). With B the best before a change:
 *
 * - p added (new, or in place of a path that was not the best, whose
 *   removal is checked first, below):
 *   - p of B's AS: p loses to B by MED: B stays. p wins by MED and
 *     without: p. p wins by MED only (a lower MED, worse tie-breakers):
 *     B's AS's best is p now, and another AS's best may beat it: rescan.
 *   - p of another AS: p loses to B without MED: B stays (p's AS's best
 *     is p or the one before, both lose to B). p wins without MED: p is
 *     the best if it is its AS's best, sure when its MED is 0 (none is
 *     lower); otherwise rescan.
 * - o removed, o not B: B stays when o is of B's AS (B is still its
 *   AS's best), when o is not its AS's best (nothing changes), or when
 *   no path of another AS beats B but for MED: then whichever path
 *   becomes o's AS's best loses to B. Otherwise rescan.
 * - B removed, or replaced by one not at least as good both ways and of
 *   the same AS: rescan.
 * What the removal needs to know is kept in flags, exact after a rescan
 * and on the safe side otherwise (a flag wrongly set costs a rescan; one
 * is never wrongly clear): RIB_PATH_AS_BEST on a path that may be its
 * AS's best (set on every path added), and on B RIB_PATH_MED_HIDES (a
 * path of another AS may beat B without MED) and RIB_PATH_AS_BESTS_KNOWN
 * (every other AS's best has its RIB_PATH_AS_BEST; cleared when such a
 * best goes without a rescan, its AS's next one unknown).
 * A rescan is one pass: each AS's best through a table of neighbour ASes
 * (r->groups), then the least of them without MED (and a second pass for
 * RIB_PATH_MED_HIDES).
 */
#include "rib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* A rescan's table of neighbour ASes: twice the most paths, a power of 2. */
#define RIB_GROUP_SLOTS		(2u * (RIB_PATHS_MAX + 1u))

static uint64_t
rib_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^
		    (uint64_t)(uintptr_t)&seed;
	return seed;
}

int
rib_init(struct rib *r, rib_best_cb cb, void *ctx)
{
	memset(r, 0, sizeof(*r));
	for (unsigned af = 0; af < AF_IDX_COUNT; af++)
		ptree_init(&r->tree[af], af);
	pathset_pool_init(&r->paths, rib_seed());
	r->best_cb = cb;
	r->best_ctx = ctx;
	if ((r->groups = malloc(RIB_GROUP_SLOTS * sizeof(*r->groups))) == NULL)
		return -1;
	return rattrs_table_init(&r->attrs);
}

/* n's array becomes v, of count paths (NULL, 0: none). */
static void
paths_set(struct rib *r, unsigned af, struct ptree_node *n,
    struct rib_path *v, size_t count)
{
	ptree_set_data(&r->tree[af], n, v);
	n->aux = (uint16_t)count;
}

/* Whether p came in an earlier life of its peer's session. */
static inline bool
path_is_old(const struct rib *r, const struct rib_path *p)
{
	return p->epoch != r->peers[p->peer].epoch;
}

/* The last of the peer's earlier lives' paths went: a retired peer's
 * slot is free. */
static void
peer_flushed(struct rib_peer *pe)
{
	pe->epoch_oldest = pe->epoch;
	if (pe->retired) {
		pe->retired = false;
		pe->in_use = false;	/* its watch goes once told */
	}
}

/* One of an earlier life's paths fewer. */
static void
old_path_gone(struct rib *r, struct rib_peer *pe)
{
	pe->n_flush--;
	r->n_flush--;
	if (pe->n_flush == 0)
		peer_flushed(pe);
}

/* The path leaves the RIB's counts and its attributes' references. */
static void
path_drop(struct rib *r, const struct rib_path *p)
{
	struct rib_peer *pe = &r->peers[p->peer];

	if (p->flags & RIB_PATH_STALE)
		pe->n_stale--;
	if (path_is_old(r, p))
		old_path_gone(r, pe);
	else
		pe->n_paths--;
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
	pathset_free(&r->paths, (struct rib_path *)(uintptr_t)v, count);
	return 0;
}

void
rib_destroy(struct rib *r)
{
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		ptree_walk(&r->tree[af], free_node_paths, r);
		ptree_destroy(&r->tree[af]);
	}
	pathset_pool_destroy(&r->paths);
	rattrs_table_destroy(&r->attrs);
	free(r->groups);
	r->groups = NULL;
}

/* ---- the order ---- */

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

/* Whether two attribute sets rank a path alike against any other. */
static bool
same_rank(const struct rattrs *a, const struct rattrs *b)
{
	return a->local_pref == b->local_pref && a->path_len == b->path_len &&
	    a->origin == b->origin && a->med == b->med &&
	    a->neighbor_as == b->neighbor_as;
}

/* ---- the best path ---- */

static size_t
group_home(const struct rib *r, uint32_t as, size_t mask)
{
	uint64_t x = (as ^ r->paths.seed) * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 32) & mask;
}

/* Whether a path of another AS than b's beats b without MED. */
static bool
med_hides(const struct rib *r, const struct rib_path *v, size_t n,
    const struct rib_path *b)
{
	for (size_t i = 0; i < n; i++)
		if (!same_neighbor_as(&v[i], b) &&
		    cmp_without_med(r, &v[i], b) < 0)
			return true;
	return false;
}

/* What only the best path's flags say. */
#define BEST_STATE	(RIB_PATH_MED_HIDES | RIB_PATH_AS_BESTS_KNOWN)

/*
 * The best of v's n paths: each neighbour AS's best (by MED) kept in
 * r->groups, in one pass, then the least of those without MED; every
 * path's RIB_PATH_AS_BEST made exact, *state the best's flags. When
 * every path has the same MED, both orders are one: a plain scan;
 * nothing hides, and the ASes' bests are not known.
 */
static size_t
best_select(const struct rib *r, struct rib_path *v, size_t n,
    uint8_t *state)
{
	size_t best = 0, slots = 8, mask, i, s;
	uint16_t *g = r->groups;
	bool one_med = true;

	for (i = 1; i < n && one_med; i++)
		one_med = v[i].attrs->med == v[0].attrs->med;
	*state = 0;
	if (one_med) {
		for (i = 1; i < n; i++)
			if (rib_path_cmp(r, &v[i], &v[best]) < 0)
				best = i;
		return best;
	}
	while (slots < 2 * n)
		slots *= 2;
	mask = slots - 1;
	memset(g, 0, slots * sizeof(*g));
	for (i = 0; i < n; i++) {
		uint32_t as = v[i].attrs->neighbor_as;

		v[i].flags &= (uint8_t)~RIB_PATH_AS_BEST;
		for (s = group_home(r, as, mask); g[s] != 0 &&
		    v[g[s] - 1].attrs->neighbor_as != as; s = (s + 1) & mask)
			;
		if (g[s] == 0 || rib_path_cmp(r, &v[i], &v[g[s] - 1]) < 0)
			g[s] = (uint16_t)(i + 1);
	}
	best = n;
	for (s = 0; s < slots; s++) {
		if (g[s] == 0)
			continue;
		v[g[s] - 1].flags |= RIB_PATH_AS_BEST;
		if (best == n || cmp_without_med(r, &v[g[s] - 1], &v[best]) < 0)
			best = g[s] - 1u;
	}
	*state = RIB_PATH_AS_BESTS_KNOWN;
	if (med_hides(r, v, n, &v[best]))
		*state |= RIB_PATH_MED_HIDES;
	return best;
}

/* v[j] goes first, as the best, with the flags state. */
static void
best_put(struct rib *r, struct rib_path *v, size_t count, size_t j,
    uint8_t state)
{
	v[0].flags &= (uint8_t)~BEST_STATE;
	pathset_swap(&r->paths, v, count, 0, j);
	v[0].flags = (uint8_t)((v[0].flags & ~BEST_STATE) | state);
}

static void
best_rescan(struct rib *r, struct rib_path *v, size_t count)
{
	uint8_t state;
	size_t j;

	r->best_rescans++;
	j = best_select(r, v, count, &state);
	best_put(r, v, count, j, state);
}

enum best_verdict {
	BEST_KEEP,
	BEST_NEW_SAME_AS,	/* p is the best; what hides b hides p */
	BEST_NEW_OTHER_AS,	/* p is the best; b's AS may hide it */
	BEST_RESCAN,
};

/* What p, added, does to the best b (the header comment says why). */
static enum best_verdict
added_verdict(const struct rib *r, const struct rib_path *b,
    const struct rib_path *p)
{
	int without_med = cmp_without_med(r, p, b);

	if (same_neighbor_as(p, b)) {
		if (rib_path_cmp(r, p, b) > 0)
			return BEST_KEEP;
		return without_med < 0 ? BEST_NEW_SAME_AS : BEST_RESCAN;
	}
	if (without_med > 0)
		return BEST_KEEP;
	return p->attrs->med == 0 ? BEST_NEW_OTHER_AS : BEST_RESCAN;
}

/*
 * Whether the best b stays the best when o (not b) goes; if it does, b's
 * flags are made right for after. false: a rescan is due.
 */
static bool
removal_keeps(struct rib_path *b, const struct rib_path *o)
{
	if (same_neighbor_as(b, o))
		return true;
	if (!(o->flags & RIB_PATH_AS_BEST))
		return (b->flags & RIB_PATH_AS_BESTS_KNOWN) ||
		    !(b->flags & RIB_PATH_MED_HIDES);
	if (b->flags & RIB_PATH_MED_HIDES)
		return false;
	/* o's AS's next best is not known. */
	b->flags &= (uint8_t)~RIB_PATH_AS_BESTS_KNOWN;
	return true;
}

/* v[i], just added, against the best v[0]. */
static void
best_after_add(struct rib *r, struct rib_path *v, size_t count, size_t i)
{
	v[i].flags |= RIB_PATH_AS_BEST;
	switch (added_verdict(r, &v[0], &v[i])) {
	case BEST_KEEP:
		break;
	case BEST_NEW_SAME_AS:
		best_put(r, v, count, i, v[0].flags & BEST_STATE);
		break;
	case BEST_NEW_OTHER_AS:
		/* b stays its AS's best; its AS may hide p. */
		v[0].flags |= RIB_PATH_AS_BEST;
		best_put(r, v, count, i, (uint8_t)((v[0].flags & BEST_STATE) |
		    RIB_PATH_MED_HIDES));
		break;
	case BEST_RESCAN:
		best_rescan(r, v, count);
		break;
	}
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

/* Reports the best if it is not the one before; a node without paths
 * goes (unless the kernel sync, told first, keeps it). */
static void
best_report(struct rib *r, struct ptree_node *n, const struct prefix *pfx,
    const struct best_was *was)
{
	const struct rib_path *v = ptree_data(n);

	if (v != NULL && was->any && v[0].peer == was->peer &&
	    v[0].path_id == was->path_id && v[0].attrs == was->attrs)
		return;
	r->best_changes++;
	if (r->best_cb != NULL)
		r->best_cb(r->best_ctx, pfx, n, v);
	if (v == NULL)
		ptree_release(&r->tree[pfx->af], n);
}

/* A watched peer's change (rib_peer_watch). */
static inline void
watch_tell(const struct rib *r, int peer, const struct prefix *p,
    const struct ptree_node *n, uint32_t path_id, enum rib_watch_event ev)
{
	const struct rib_peer *pe = &r->peers[peer];

	if (pe->watch != NULL)
		pe->watch(pe->watch_ctx, peer, p, n, path_id, ev);
}

/* ---- paths ---- */

/* The peer's limits, before a new path of its. */
static enum rib_result
limits_check(struct rib *r, int peer, const struct rib_path *v, size_t count)
{
	struct rib_peer *pe = &r->peers[peer];

	if (pe->max_paths > 0 && pe->n_paths >= pe->max_paths) {
		pe->refused_max_paths++;
		return RIB_OVER_MAX_PATHS;
	}
	/* Only a prefix with that many paths can have that many of its. */
	if (pe->max_prefix_paths > 0 && count >= pe->max_prefix_paths &&
	    pathset_peer_count(v, count, (uint16_t)peer) >=
	    pe->max_prefix_paths) {
		pe->refused_max_prefix_paths++;
		return RIB_OVER_MAX_PREFIX_PATHS;
	}
	return RIB_OK;
}

static enum rib_result
path_add(struct rib *r, unsigned af, struct ptree_node *n, int peer,
    uint32_t path_id, struct rattrs *ra)
{
	struct rib_path *v = ptree_data(n);
	size_t count = n->aux;
	/* Alone, it is the best, and nothing is hidden or unknown. */
	struct rib_path np = { ra, path_id, (uint16_t)peer, count > 0 ? 0 :
	    RIB_PATH_AS_BEST | RIB_PATH_AS_BESTS_KNOWN,
	    r->peers[peer].epoch };
	enum rib_result res;

	if ((res = limits_check(r, peer, v, count)) != RIB_OK)
		return res;
	if (pathset_append(&r->paths, &v, count, &np) == -1)
		return RIB_NOMEM;
	paths_set(r, af, n, v, count + 1);
	rattrs_ref(ra);
	r->peers[peer].n_paths++;
	r->n_paths++;
	if (count > 0)
		best_after_add(r, v, count + 1, count);
	return RIB_OK;
}

/* Implicit withdraw (RFC 4271 3.1): v[i] gets the attributes ra. */
static void
path_replace(struct rib *r, struct ptree_node *n, size_t i,
    struct rattrs *ra)
{
	struct rib_path *v = ptree_data(n), old = v[i];
	struct rib_peer *pe = &r->peers[v[i].peer];
	size_t count = n->aux;

	rattrs_ref(ra);
	v[i].attrs = ra;
	if (path_is_old(r, &v[i])) {
		/* Announced again: the new life's. */
		v[i].epoch = pe->epoch;
		pe->n_paths++;
		old_path_gone(r, pe);
	}
	if (v[i].flags & RIB_PATH_STALE) {
		v[i].flags &= (uint8_t)~RIB_PATH_STALE;
		pe->n_stale--;
	}
	if (same_rank(old.attrs, ra))
		;	/* the order and the flags are the same */
	else if (i == 0) {
		/* Still the best if at least as good both ways. */
		if (!same_neighbor_as(&old, &v[0]) ||
		    rib_path_cmp(r, &v[0], &old) > 0 ||
		    cmp_without_med(r, &v[0], &old) > 0)
			best_rescan(r, v, count);
	} else if (!removal_keeps(&v[0], &old))
		best_rescan(r, v, count);
	else {
		v[i].flags &= (uint8_t)~BEST_STATE;
		best_after_add(r, v, count, i);
	}
	rattrs_put(&r->attrs, old.attrs);
}

void
rib_prefetch(const struct rib *r, const struct prefix *p)
{
	if (p->af < AF_IDX_COUNT)
		ptree_prefetch(&r->tree[p->af], p);
}

enum rib_result
rib_update(struct rib *r, int peer, const struct prefix *p, uint32_t path_id,
    struct rattrs *ra)
{
	struct ptree_node *n = ptree_get(&r->tree[p->af], p);
	struct best_was was;
	enum rib_result res;
	long i;

	if (n == NULL)
		return RIB_NOMEM;
	best_was_take(&was, n);
	i = pathset_find(&r->paths, ptree_data(n), n->aux, (uint16_t)peer,
	    path_id);
	if (i >= 0)
		path_replace(r, n, (size_t)i, ra);
	else if ((res = path_add(r, p->af, n, peer, path_id, ra)) != RIB_OK) {
		if (n->aux == 0)
			ptree_release(&r->tree[p->af], n);
		return res;
	}
	watch_tell(r, peer, p, n, path_id, RIB_WATCH_SET);
	best_report(r, n, p, &was);
	return RIB_OK;
}

void
rib_withdraw(struct rib *r, int peer, const struct prefix *p, uint32_t path_id)
{
	struct ptree_node *n = ptree_find(&r->tree[p->af], p);
	struct rib_path *v, old;
	struct best_was was;
	size_t count;
	bool rescan;
	long i;

	if (n == NULL || (i = pathset_find(&r->paths, ptree_data(n), n->aux,
	    (uint16_t)peer, path_id)) < 0)
		return;
	best_was_take(&was, n);
	v = ptree_data(n);
	count = n->aux;
	old = v[i];
	rescan = i == 0 || !removal_keeps(&v[0], &old);
	/* Out of memory for the shorter array: the path stays. */
	if (pathset_remove(&r->paths, &v, count, (size_t)i) == -1)
		return;
	paths_set(r, p->af, n, v, count - 1);
	path_drop(r, &old);
	if (count > 1 && rescan)
		best_rescan(r, v, count - 1);
	watch_tell(r, peer, p, n, path_id, RIB_WATCH_GONE);
	best_report(r, n, p, &was);
}

/* The paths of a peer (or, old_only with peer -1, of any) that
 * node_remove() takes. */
struct path_match {
	struct rib	*r;
	int		 peer;
	bool		 all_ids;
	uint32_t	 path_id;
	bool		 stale_only;
	bool		 old_only;	/* of earlier lives only */
	struct rib_path	 best;		/* before */
	bool		 rescan;
	/* Watched peers that lost paths here (old_only, any peer). */
	uint64_t	 gone[RIB_MAX_PEERS / 64];
	bool		 any_gone;
};

static bool
path_matches(const struct rib_path *p, void *ctx)
{
	const struct path_match *m = ctx;

	if (m->old_only && !path_is_old(m->r, p))
		return false;
	if (m->peer < 0)
		return true;
	return p->peer == m->peer && (m->all_ids || p->path_id == m->path_id) &&
	    (!m->stale_only || (p->flags & RIB_PATH_STALE));
}

/* One by one, against the best's flags as each removal leaves them. */
static void
path_matched(const struct rib_path *p, void *ctx)
{
	struct path_match *m = ctx;

	if (!m->rescan && ((p->peer == m->best.peer &&
	    p->path_id == m->best.path_id) || !removal_keeps(&m->best, p)))
		m->rescan = true;
	if (m->peer < 0 && m->r->peers[p->peer].watch != NULL) {
		m->gone[p->peer / 64] |= 1ull << (p->peer % 64);
		m->any_gone = true;
	}
	path_drop(m->r, p);
}

/* Removes the paths of m's peer that it matches. Returns how many went. */
static size_t
node_remove(struct rib *r, unsigned af, struct ptree_node *n,
    struct path_match *m)
{
	struct rib_path *v = ptree_data(n);
	size_t count = n->aux, gone;

	m->best = v[0];
	m->rescan = false;
	gone = pathset_remove_if(&r->paths, &v, count, path_matches,
	    path_matched, m);
	if (gone == 0)
		return 0;
	paths_set(r, af, n, v, count - gone);
	if (count > gone && m->rescan)
		best_rescan(r, v, count - gone);
	else if (count > gone)
		v[0].flags = (uint8_t)((v[0].flags & ~BEST_STATE) |
		    (m->best.flags & BEST_STATE));
	return gone;
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

static int
peer_slot_free(struct rib *r)
{
	for (int i = 0; i < RIB_MAX_PEERS; i++)
		if (!r->peers[i].in_use)
			return i;
	return -1;
}

int
rib_peer_add(struct rib *r, const char *name, unsigned af,
    const struct prefix *addr, uint32_t as, bool ibgp)
{
	struct rib_peer *p;
	int i;

	if ((i = peer_slot_free(r)) < 0 && rib_flush_pending(r)) {
		rib_flush_all(r);	/* a retired one's slot */
		i = peer_slot_free(r);
	}
	if (i < 0)
		return -1;
	p = &r->peers[i];
	/* A free slot has no path left, of any life. */
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->af = af;
	p->addr = *addr;
	p->as = as;
	p->ibgp = ibgp;
	p->in_use = true;
	return i;
}

void
rib_peer_set_router_id(struct rib *r, int peer, uint32_t router_id)
{
	r->peers[peer].router_id = router_id;
}

void
rib_peer_set_limits(struct rib *r, int peer, size_t max_paths,
    size_t max_prefix_paths)
{
	r->peers[peer].max_paths = max_paths;
	r->peers[peer].max_prefix_paths = max_prefix_paths;
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
	bool	old_only;	/* remove only earlier lives' */
	bool	(*keep)(void *ctx, const struct prefix *p);	/* or NULL */
	void	*keep_ctx;
	size_t	removed;
};

/* Removes (or marks stale) the paths of peer, prefix by prefix. */
static void
peer_paths_apply(struct rib *r, int peer, struct peer_apply *pa)
{
	struct prefix_list l = { NULL, 0, 0, peer, NULL, false };
	struct path_match m = { .r = r, .peer = peer, .all_ids = true,
	    .stale_only = pa->stale_only, .old_only = pa->old_only };

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
			gone = node_remove(r, af, n, &m);
			if (gone > 0) {
				watch_tell(r, peer, &l.p[i], n, 0,
				    RIB_WATCH_SOME_GONE);
				best_report(r, n, &l.p[i], &was);
			}
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
	struct rib_peer *pe = &r->peers[peer];

	if (stale) {
		struct peer_apply pa = { .mark_stale = true };

		peer_paths_apply(r, peer, &pa);
		return;
	}
	if (pe->n_paths == 0)
		return;		/* nothing of this life to leave behind */
	/* The lives are counted in 8 bits: before the next would be the
	 * oldest one still here (255 downs within one flush), it goes. */
	if (pe->n_flush > 0 && (uint8_t)(pe->epoch + 1) == pe->epoch_oldest) {
		struct peer_apply pa = { .old_only = true };

		peer_paths_apply(r, peer, &pa);
	}
	if (pe->n_flush == 0)
		pe->epoch_oldest = pe->epoch;
	pe->epoch++;
	pe->n_flush += pe->n_paths;
	r->n_flush += pe->n_paths;
	pe->n_paths = 0;
	/* Its paths behind the pass are reached by the next one. */
	r->flush_need_pass = r->flush_passes + 1;
}

bool
rib_flush_pending(const struct rib *r)
{
	return r->n_flush > 0;
}

/* Prefixes with earlier lives' paths, from where the pass stands. */
struct flush_gather {
	const struct rib	*r;
	struct prefix		*p;
	size_t			 n, cap;
	size_t			 visited, max_nodes;
	size_t			 old, max_paths;
	const struct ptree_node	*last;		/* visited */
};

static int
gather_old(void *ctx, const struct ptree_node *n)
{
	struct flush_gather *g = ctx;
	size_t count, i, old = 0;
	const struct rib_path *v = rib_node_paths(n, &count);

	for (i = 0; i < count; i++)
		old += path_is_old(g->r, &v[i]);
	g->last = n;
	g->visited++;
	if (old > 0) {
		ptree_prefix(&g->r->tree[g->r->flush_af], n, &g->p[g->n++]);
		g->old += old;
	}
	return g->n == g->cap || g->visited >= g->max_nodes ||
	    g->old >= g->max_paths;
}

/* Tells each watched peer that lost paths of p; a removed peer's watch
 * goes once it was told of its last. */
static void
watch_tell_gone(struct rib *r, const struct path_match *m,
    const struct prefix *p, const struct ptree_node *n)
{
	for (size_t w = 0; w < RIB_MAX_PEERS / 64; w++)
		for (uint64_t b = m->gone[w]; b != 0; b &= b - 1) {
			int peer = (int)(w * 64 + (size_t)__builtin_ctzll(b));

			watch_tell(r, peer, p, n, 0, RIB_WATCH_SOME_GONE);
			if (!r->peers[peer].in_use)
				r->peers[peer].watch = NULL;
		}
}

#define FLUSH_GATHER	256	/* prefixes a round, at most */

size_t
rib_flush_step(struct rib *r, size_t max_nodes, size_t max_paths)
{
	struct prefix buf[FLUSH_GATHER];
	struct flush_gather g = { .r = r, .p = buf, .cap = FLUSH_GATHER,
	    .max_nodes = max_nodes, .max_paths = max_paths };
	size_t removed = 0;

	while (r->n_flush > 0 && g.visited < max_nodes &&
	    removed < max_paths) {
		const struct ptree *t = &r->tree[r->flush_af];
		int stopped;

		g.n = 0;
		g.old = removed;
		g.last = NULL;
		stopped = r->flush_started ? ptree_walk_from(t, &r->flush_last,
		    gather_old, &g) : ptree_walk(t, gather_old, &g);
		if (g.last != NULL) {
			ptree_prefix(t, g.last, &r->flush_last);
			r->flush_started = true;
		}
		for (size_t i = 0; i < g.n; i++) {
			struct path_match m = { .r = r, .peer = -1,
			    .old_only = true };
			struct ptree_node *n = ptree_find(t, &g.p[i]);
			struct best_was was;
			size_t gone;

			if (n == NULL)
				continue;
			best_was_take(&was, n);
			gone = node_remove(r, r->flush_af, n, &m);
			if (gone == 0)
				continue;
			removed += gone;
			if (m.any_gone)
				watch_tell_gone(r, &m, &g.p[i], n);
			best_report(r, n, &g.p[i], &was);
		}
		if (stopped)
			continue;
		/* The family's end: the next, or round to the first. */
		r->flush_started = false;
		if (++r->flush_af < AF_IDX_COUNT)
			continue;
		r->flush_af = 0;
		if (r->n_flush > 0 && r->flush_passes >= r->flush_need_pass &&
		    r->flushed + removed == r->flush_mark) {
			/* A whole pass found none of them: the counts are
			 * wrong. Not forever. */
			r->flush_miscounts++;
			for (int i = 0; i < RIB_MAX_PEERS; i++)
				if (r->peers[i].n_flush > 0) {
					r->peers[i].n_flush = 0;
					peer_flushed(&r->peers[i]);
				}
			r->n_flush = 0;
		}
		r->flush_passes++;
		r->flush_mark = r->flushed + removed;
	}
	r->flushed += removed;
	return removed;
}

void
rib_flush_all(struct rib *r)
{
	while (rib_flush_pending(r))
		rib_flush_step(r, SIZE_MAX, SIZE_MAX);
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
	struct rib_peer *pe = &r->peers[peer];

	rib_peer_down(r, peer, false);
	pe->retired = true;
	if (pe->n_flush == 0) {
		peer_flushed(pe);
		pe->watch = NULL;
	}
}

void
rib_peer_watch(struct rib *r, int peer, rib_watch_cb cb, void *ctx)
{
	r->peers[peer].watch = cb;
	r->peers[peer].watch_ctx = ctx;
}

const struct rib_path *
rib_peer_best(const struct rib *r, int peer, const struct ptree_node *n)
{
	size_t count, i;
	const struct rib_path *v = rib_node_paths(n, &count), *best = NULL;

	for (i = 0; i < count; i++)
		if (v[i].peer == peer && (best == NULL ||
		    rib_path_cmp(r, &v[i], best) < 0))
			best = &v[i];
	return best;
}

const struct rib_path *
rib_node_path(const struct rib *r, const struct ptree_node *n, int peer,
    uint32_t path_id)
{
	size_t count;
	const struct rib_path *v = rib_node_paths(n, &count);
	long i = pathset_find(&r->paths, v, count, (uint16_t)peer, path_id);

	return i < 0 ? NULL : &v[i];
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
	m->path_bytes = pathset_pool_bytes(&r->paths);
	for (unsigned i = 0; i < RIB_MAX_PEERS; i++)
		m->paths_refused += r->peers[i].refused_max_paths +
		    r->peers[i].refused_max_prefix_paths;
	m->attr_sets = r->attrs.count;
	m->attr_hash_bytes = rattrs_table_index_bytes(&r->attrs);
	m->attr_bytes = rattrs_table_bytes(&r->attrs) - m->attr_hash_bytes;
	m->attr_lookups = r->attrs.lookups;
	m->attr_hits = r->attrs.hits;
}

const struct rib_peer *
rib_peer_info(const struct rib *r, int peer)
{
	return peer >= 0 ? &r->peers[peer] : NULL;
}

void
rib_peer_set_ifname(struct rib *r, int peer, const char *ifname)
{
	snprintf(r->peers[peer].ifname, sizeof(r->peers[peer].ifname), "%s",
	    ifname);
}

void
rib_peer_set_link(struct rib *r, int peer, bool ibgp, int ifindex)
{
	r->peers[peer].ibgp = ibgp;
	r->peers[peer].ifindex = ifindex;
}

void
rib_best_mute(struct rib *r)
{
	r->best_cb = NULL;
}

struct ptree *
rib_trees(struct rib *r)
{
	return r->tree;
}

const struct ptree *
rib_tree(const struct rib *r, unsigned af)
{
	return &r->tree[af];
}
