/*
 * ptree: a path-compressed binary trie of prefixes, one per address family.
 * A node carries a data pointer (the routes of that prefix) or NULL when it
 * only branches. Nodes come from a slab sized for the family's key (4 or
 * 16 bytes), so an IPv4 node is 32 bytes.
 */
#ifndef PEERING_RIB_PTREE_H
#define PEERING_RIB_PTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/prefix.h"
#include "../lib/slab.h"

struct ptree_node {
	struct ptree_node	*child[2];
	void			*data;	/* NULL: a branching node only */
	uint8_t			 len;	/* prefix length in bits */
	uint8_t			 key[];	/* 4 or 16 bytes; bits past len 0 */
};

struct ptree {
	struct ptree_node	*root;
	struct slab		 nodes;
	unsigned		 af;
	size_t			 n_nodes;	/* all nodes */
	size_t			 n_data;	/* nodes with data */
};

void	ptree_init(struct ptree *t, unsigned af);
/* Frees every node; the data pointers are the caller's. */
void	ptree_destroy(struct ptree *t);
/* The node of p, inserted (with NULL data) if missing; NULL only when
 * memory runs out. p->af must be the tree's. n_data counts a new node at
 * once: set its data before releasing any other node, and release it
 * (ptree_release) as soon as its data is NULL again. */
struct ptree_node *ptree_get(struct ptree *t, const struct prefix *p);
/* The node of exactly p that has data, or NULL. */
struct ptree_node *ptree_find(const struct ptree *t, const struct prefix *p);
/* The longest prefix with data that covers p (p itself included), or
 * NULL. For an address lookup pass a /32 or /128. */
struct ptree_node *ptree_match(const struct ptree *t, const struct prefix *p);
/* After the caller set n->data to NULL: removes the nodes that no longer
 * carry data or branch. n must not be used afterwards. */
void	ptree_release(struct ptree *t, struct ptree_node *n);
void	ptree_prefix(const struct ptree *t, const struct ptree_node *n,
	    struct prefix *out);
/* Calls cb for every node with data, in address then length order, until
 * cb returns non-zero (which ptree_walk returns). cb must not change the
 * tree. */
int	ptree_walk(const struct ptree *t,
	    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx);

#endif
