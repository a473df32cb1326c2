/*
 * The RIB: every path received from every peer (Adj-RIB-In, ADD-PATH ids
 * kept apart), per prefix in a prefix tree per family, each path a few
 * words pointing to an interned attribute set; and the best path per
 * prefix (Loc-RIB), kept first in the prefix's list. Best-path changes are
 * reported through a callback (the kernel table sync). No sockets here.
 */
#ifndef PEERING_RIB_RIB_H
#define PEERING_RIB_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pathset.h"
#include "ptree.h"
#include "rattrs.h"
#include "../lib/prefix.h"

#define RIB_MAX_PEERS		PATHSET_MAX_PEERS
#define RIB_PATHS_MAX		PATHSET_MAX	/* per prefix */
/* struct rib_path's flags. */
#define RIB_PATH_STALE		0x01	/* kept through a graceful restart */
/* The best path's bookkeeping (rib.c): */
#define RIB_PATH_AS_BEST	0x02	/* may be its neighbour AS's best */
#define RIB_PATH_MED_HIDES	0x04	/* best only: a path of another AS
					 * may beat it but for MED */
#define RIB_PATH_AS_BESTS_KNOWN	0x08	/* best only: every other AS's best
					 * has RIB_PATH_AS_BEST */

/*
 * A prefix's paths are one array (pathset.h: 16 bytes a path, from slabs
 * or, when long, with an index), its tree node's data, as many as the
 * node's aux says, the best first.
 */

/* A tree node's paths, best first, and how many (none: NULL, 0). */
static inline const struct rib_path *
rib_node_paths(const struct ptree_node *n, size_t *count)
{
	*count = n->aux;
	return ptree_data(n);
}

/* What happened to a watched peer's paths of a prefix (rib_peer_watch). */
enum rib_watch_event {
	RIB_WATCH_SET,		/* path_id added or replaced */
	RIB_WATCH_GONE,		/* path_id withdrawn */
	RIB_WATCH_SOME_GONE,	/* some (maybe all) of its paths removed */
};

/* Called after the change, n (the prefix's node) still there, with the
 * paths as they are now (maybe none); n must not be changed or kept. */
typedef void (*rib_watch_cb)(void *ctx, int peer, const struct prefix *p,
	    const struct ptree_node *n, uint32_t path_id,
	    enum rib_watch_event ev);

struct rib_peer {
	char		name[32];
	char		ifname[16];	/* where its next hops are, or "" */
	int		ifindex;	/* of ifname, 0 when unknown */
	unsigned	af;
	struct prefix	addr;
	uint32_t	as;
	uint32_t	router_id;	/* host order; set once Established */
	bool		ibgp;
	bool		in_use;
	bool		retired;	/* removed: in use until flushed */
	uint8_t		epoch;		/* its session's life (rib.c) */
	uint8_t		epoch_oldest;	/* the oldest life with paths left */
	size_t		n_paths;	/* of this life */
	size_t		n_stale;	/* of all its paths, marked stale */
	size_t		n_flush;	/* of earlier lives, still here */
	/* Limits (rib_peer_set_limits; 0: none) and the paths refused for
	 * them (rib_update). */
	size_t		max_paths;
	size_t		max_prefix_paths;	/* of one prefix */
	uint64_t	refused_max_paths;
	uint64_t	refused_max_prefix_paths;
	/* rib_peer_watch's; NULL for most peers (a branch per change). */
	rib_watch_cb	watch;
	void		*watch_ctx;
};

/* best is NULL when the prefix has no path left; n is its tree node,
 * released (if nothing else keeps it: ptree.h) once the callback
 * returned. */
typedef void (*rib_best_cb)(void *ctx, const struct prefix *p,
	    struct ptree_node *n, const struct rib_path *best);


struct rib {
	struct ptree		 tree[AF_IDX_COUNT];
	struct pathset_pool	 paths;
	uint16_t		*groups;	/* a best-path rescan's table */
	struct rattrs_table	 attrs;
	struct rib_peer		 peers[RIB_MAX_PEERS];
	rib_best_cb		 best_cb;
	void			*best_ctx;
	size_t			 n_paths;
	uint64_t		 best_changes;
	uint64_t		 best_rescans;	/* passes over a prefix's paths */
	/* The flush of earlier lives' paths (rib_flush_step): how many
	 * are left, and where the pass stands (after last in family af). */
	size_t			 n_flush;
	unsigned		 flush_af;
	bool			 flush_started;
	struct prefix		 flush_last;
	uint64_t		 flushed;	/* paths, since rib_init */
	uint64_t		 flush_mark;	/* flushed when the pass began */
	uint64_t		 flush_passes;	/* passes ended */
	uint64_t		 flush_need_pass;	/* the first to see every
						 * old path whole */
	uint64_t		 flush_miscounts;	/* passes that found
						 * none of n_flush (0) */
};

int	rib_init(struct rib *r, rib_best_cb cb, void *ctx);
void	rib_destroy(struct rib *r);

/* A peer's slot for its paths; -1 when all are taken (when only retired
 * ones are left, their flush is finished first). */
int	rib_peer_add(struct rib *r, const char *name, unsigned af,
	    const struct prefix *addr, uint32_t as, bool ibgp);
/* Its identifier, once the session knows it (a best-path tie-breaker). */
void	rib_peer_set_router_id(struct rib *r, int peer, uint32_t router_id);
/* The most paths the peer may have, in all and of one prefix (0: no
 * limit); paths it has already stay. */
void	rib_peer_set_limits(struct rib *r, int peer, size_t max_paths,
	    size_t max_prefix_paths);
/*
 * The peer's session went down. With stale, its paths are marked stale
 * (RFC 4724 keeps them through a restart until rib_peer_sweep()): a pass
 * over the RIB. Without, at once whatever its paths: they become an
 * earlier life's, and the peer starts a new life with none (its next
 * rib_update()s; one of a path still there makes it the new life's).
 * The earlier lives' paths stay in the RIB, best paths and all, until
 * rib_flush_step() reaches them: a peer's full table goes in slices,
 * not in one call that holds the loop for seconds.
 */
void	rib_peer_down(struct rib *r, int peer, bool stale);
/* Whether earlier lives' paths are left to flush. */
bool	rib_flush_pending(const struct rib *r);
/* Removes earlier lives' paths, visiting at most max_nodes prefixes and
 * stopping past max_paths removed; the pass goes round the families and
 * starts again until none is left (each is reached within one whole pass
 * after its peer went down). Returns how many paths went. */
size_t	rib_flush_step(struct rib *r, size_t max_nodes, size_t max_paths);
/* All of them, now (when a peer slot is wanted, and in tests). */
void	rib_flush_all(struct rib *r);
/* Removes the peer's paths still marked stale. */
void	rib_peer_sweep(struct rib *r, int peer);
/* Removes the peer's paths whose prefix keep() refuses (an import policy
 * that changed). Returns how many went. */
size_t	rib_peer_filter(struct rib *r, int peer,
	    bool (*keep)(void *ctx, const struct prefix *p), void *ctx);
/* Every later change of the peer's paths is told to cb (NULL: no
 * longer); the paths it has already are not. Cleared by rib_peer_add()
 * and, once its paths are flushed, by rib_peer_remove(). */
void	rib_peer_watch(struct rib *r, int peer, rib_watch_cb cb, void *ctx);
/* The best of peer's paths among n's (rib_path_cmp), or NULL. Looks at
 * every path of n. */
const struct rib_path *rib_peer_best(const struct rib *r, int peer,
	    const struct ptree_node *n);
/* Peer's path path_id among n's, or NULL. */
const struct rib_path *rib_node_path(const struct rib *r,
	    const struct ptree_node *n, int peer, uint32_t path_id);
/* rib_peer_down() and the slot freed, once its paths are flushed (until
 * then it is in use, retired). */
void	rib_peer_remove(struct rib *r, int peer);
/* The peer's record (names, counters, limits) to read; NULL for no peer
 * (peer < 0). */
const struct rib_peer *rib_peer_info(const struct rib *r, int peer);
/* Where its paths lead, for the kernel routes: the interface ("": none),
 * its index (0: unknown), iBGP or not. Set as its session learns it. */
void	rib_peer_set_ifname(struct rib *r, int peer, const char *ifname);
void	rib_peer_set_link(struct rib *r, int peer, bool ibgp, int ifindex);

/* No best-path callback any more (a stop: the kernel keeps its routes). */
void	rib_best_mute(struct rib *r);
/* The RIB's prefix trees, AF_IDX_COUNT of them (the kernel sync's), and
 * one family's (a walk, a dump). */
struct ptree *rib_trees(struct rib *r);
const struct ptree *rib_tree(const struct rib *r, unsigned af);

/* The interned set of a and its next hops (rattrs_get), a reference for
 * the caller; and that reference given back. */
static inline struct rattrs *
rib_attrs_get(struct rib *r, const struct bgp_attrs *a, unsigned af,
    const uint8_t *nh, const uint8_t *nh_ll)
{
	return rattrs_get(&r->attrs, a, af, nh, nh_ll);
}

static inline void
rib_attrs_put(struct rib *r, struct rattrs *ra)
{
	rattrs_put(&r->attrs, ra);
}

enum rib_result {
	RIB_OK = 0,
	RIB_NOMEM = -1,		/* or the prefix has RIB_PATHS_MAX paths */
	RIB_OVER_MAX_PATHS = -2,	/* the peer's limits: refused, */
	RIB_OVER_MAX_PREFIX_PATHS = -3,	/* and counted in rib_peer */
};

/* Announces p (path id) from peer with ra (the RIB takes its own
 * reference): a new path, or an implicit withdraw of the previous one
 * (never refused by a limit). Per path, the work does not grow with the
 * prefix's paths, except a rescan of them when the best goes or MED
 * leaves the answer open (docs/rib.md). */
enum rib_result rib_update(struct rib *r, int peer, const struct prefix *p,
	    uint32_t path_id, struct rattrs *ra);
/* A hint before rib_update() of several prefixes: their places in the
 * RIB asked for at once (ptree_prefetch). */
void	rib_prefetch(const struct rib *r, const struct prefix *p);
void	rib_withdraw(struct rib *r, int peer, const struct prefix *p,
	    uint32_t path_id);

/* The paths of exactly p, best first, and how many (count may be NULL);
 * NULL when none. Good until the RIB changes. */
const struct rib_path *rib_lookup(const struct rib *r, const struct prefix *p,
	    size_t *count);

/* Best path order (docs/rib.md): < 0 when a is better than b. Total and
 * deterministic within one neighbour AS; MED only compares paths from the
 * same neighbour AS (rib.c says how the best stays deterministic). */
int	rib_path_cmp(const struct rib *r, const struct rib_path *a,
	    const struct rib_path *b);

struct rib_mem {
	size_t	nodes[AF_IDX_COUNT];		/* tree nodes */
	size_t	prefixes[AF_IDX_COUNT];		/* nodes with paths */
	size_t	node_bytes[AF_IDX_COUNT];
	size_t	paths;
	size_t	path_bytes;
	uint64_t paths_refused;		/* for the peers' limits */
	size_t	attr_sets;
	size_t	attr_bytes;
	size_t	attr_hash_bytes;
	uint64_t attr_lookups;
	uint64_t attr_hits;
};

void	rib_memory(const struct rib *r, struct rib_mem *m);

#endif
