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

#include "ptree.h"
#include "rattrs.h"
#include "../lib/prefix.h"
#include "../lib/slab.h"

#define RIB_MAX_PEERS		512
#define RIB_PATH_STALE		0x01	/* kept through a graceful restart */
#define RIB_PATHS_MAX		UINT16_MAX	/* per prefix */
#define RIB_PATH_SLABS		16	/* arrays of up to 16 paths */

/*
 * One path: 16 bytes. A prefix's paths are one array (its tree node's
 * data, as many as the node's aux says), the best first; arrays of up
 * to RIB_PATH_SLABS paths come from slabs by length.
 */
struct rib_path {
	struct rattrs	*attrs;
	uint32_t	 path_id;
	uint16_t	 peer;
	uint8_t		 flags;
};

/* A tree node's paths, best first, and how many (none: NULL, 0). */
static inline const struct rib_path *
rib_node_paths(const struct ptree_node *n, size_t *count)
{
	*count = n->aux;
	return ptree_data(n);
}

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
	size_t		n_paths;
	size_t		n_stale;	/* of them marked stale */
};

/* best is NULL when the prefix has no path left; n is its tree node,
 * released (if nothing else keeps it: ptree.h) once the callback
 * returned. */
typedef void (*rib_best_cb)(void *ctx, const struct prefix *p,
	    struct ptree_node *n, const struct rib_path *best);

struct rib {
	struct ptree		 tree[AF_IDX_COUNT];
	struct slab		 paths[RIB_PATH_SLABS];	/* [n - 1]: n paths */
	size_t			 big_path_bytes;	/* longer arrays */
	struct rattrs_table	 attrs;
	struct rib_peer		 peers[RIB_MAX_PEERS];
	rib_best_cb		 best_cb;
	void			*best_ctx;
	size_t			 n_paths;
	uint64_t		 best_changes;
};

int	rib_init(struct rib *r, rib_best_cb cb, void *ctx);
void	rib_destroy(struct rib *r);

/* A peer's slot for its paths; -1 when all are taken. */
int	rib_peer_add(struct rib *r, const char *name, unsigned af,
	    const struct prefix *addr, uint32_t as, bool ibgp);
/* Its identifier, once the session knows it (a best-path tie-breaker). */
void	rib_peer_set_router_id(struct rib *r, int peer, uint32_t router_id);
/* Every path of the peer removed (or, with stale, only marked: RFC 4724
 * keeps them through a restart until rib_peer_sweep()). */
void	rib_peer_down(struct rib *r, int peer, bool stale);
/* Removes the peer's paths still marked stale. */
void	rib_peer_sweep(struct rib *r, int peer);
/* Removes the peer's paths whose prefix keep() refuses (an import policy
 * that changed). Returns how many went. */
size_t	rib_peer_filter(struct rib *r, int peer,
	    bool (*keep)(void *ctx, const struct prefix *p), void *ctx);
/* rib_peer_down() and the slot freed. */
void	rib_peer_remove(struct rib *r, int peer);

/* Announces p (path id) from peer with ra (the RIB takes its own
 * reference): a new path, or an implicit withdraw of the previous one.
 * -1 when memory runs out or p has RIB_PATHS_MAX paths already. */
int	rib_update(struct rib *r, int peer, const struct prefix *p,
	    uint32_t path_id, struct rattrs *ra);
void	rib_withdraw(struct rib *r, int peer, const struct prefix *p,
	    uint32_t path_id);

/* The paths of exactly p, best first, and how many (count may be NULL);
 * NULL when none. Good until the RIB changes. */
const struct rib_path *rib_lookup(const struct rib *r, const struct prefix *p,
	    size_t *count);

/* Best path order (docs/rib.md): < 0 when a is better than b. Total and
 * deterministic; MED only compares paths from the same neighbour AS (see
 * rib_best_select for how that stays deterministic). */
int	rib_path_cmp(const struct rib *r, const struct rib_path *a,
	    const struct rib_path *b);

struct rib_mem {
	size_t	nodes[AF_IDX_COUNT];		/* tree nodes */
	size_t	prefixes[AF_IDX_COUNT];		/* nodes with paths */
	size_t	node_bytes[AF_IDX_COUNT];
	size_t	paths;
	size_t	path_bytes;
	size_t	attr_sets;
	size_t	attr_bytes;
	size_t	attr_hash_bytes;
	uint64_t attr_lookups;
	uint64_t attr_hits;
};

void	rib_memory(const struct rib *r, struct rib_mem *m);

#endif
