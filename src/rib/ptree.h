/*
 * ptree: a path-compressed binary trie of prefixes, one per address family.
 *
 * A node with a prefix of its own (a data node) carries a data pointer
 * (the owner's: the RIB's paths), a byte of the kernel sync's state
 * (fib/kroute.c) and 16 bits for the owner; a node that only branches (glue)
 * carries nothing but its children. Nodes name their children by 32-bit
 * index into pools of fixed-size nodes, so an IPv4 data node is 24 bytes
 * and a glue node 16 (IPv6: 40 and 32). The first 16 bits of a prefix of
 * 16 bits or more index an array of 65536 subtrees, and for IPv4 the first
 * 20 bits of a prefix of 20 bits or more one of 2^20 (4 MB): a lookup
 * starts 16 or 20 levels down.
 *
 * A data node stays where it is until it is released (pointers to it
 * stay good); glue nodes come and go with the shape of the tree.
 */
#ifndef PEERING_RIB_PTREE_H
#define PEERING_RIB_PTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../lib/prefix.h"

/* What every node has. A data node's data pointer is just before it. */
struct ptree_node {
	uint32_t	child[2];	/* references; 0: none */
	uint8_t		len;		/* prefix length in bits */
	uint8_t		fib;		/* kroute's; not 0: the node stays */
	uint16_t	aux;		/* the owner's */
	uint8_t		key[];		/* 4 or 16 bytes; bits past len 0 */
};

/* Nodes of one size, named by index: chunks that never move. */
struct ptree_pool {
	uint8_t		**chunk;
	size_t		  nchunks, chunkcap;
	size_t		  size;		/* bytes per node */
	uint32_t	  carved;	/* indexes handed out so far */
	uint32_t	  free;		/* index + 1 of a freed node, 0: none */
	size_t		  in_use;
};

struct ptree {
	uint32_t	 *index;	/* 65536 subtrees; NULL until used */
	uint32_t	 *fine;		/* IPv4: 2^20 subtrees, or NULL */
	uint32_t	  root;		/* prefixes shorter than 16 bits */
	struct ptree_pool data;
	struct ptree_pool glue;
	unsigned	  af;
	size_t		  n_nodes;	/* all nodes */
	size_t		  n_data;	/* nodes with data */
};

void	ptree_init(struct ptree *t, unsigned af);
/* Frees every node; the data pointers are the caller's. */
void	ptree_destroy(struct ptree *t);
/* Bytes held from the system. */
size_t	ptree_bytes(const struct ptree *t);

static inline void *
ptree_data(const struct ptree_node *n)
{
	void *d;

	memcpy(&d, (const uint8_t *)n - sizeof(d), sizeof(d));
	return d;
}

/* The node of p, inserted (with NULL data and fib 0) if missing; NULL
 * only when memory runs out. p->af must be the tree's. A node with
 * neither data nor fib stays until released (ptree_release). */
struct ptree_node *ptree_get(struct ptree *t, const struct prefix *p);
/* A hint, nothing more: asks the cache for where a lookup of p starts
 * (its slot of the index), so that the lookups of several prefixes wait
 * for memory together rather than one after another. */
void	ptree_prefetch(const struct ptree *t, const struct prefix *p);
/* Sets n's data, counting nodes with data (n_data). */
void	ptree_set_data(struct ptree *t, struct ptree_node *n, void *data);
/* The node of exactly p that has data, or NULL. */
struct ptree_node *ptree_find(const struct ptree *t, const struct prefix *p);
/* The longest prefix with data that covers p (p itself included), or
 * NULL. For an address lookup pass a /32 or /128. */
struct ptree_node *ptree_match(const struct ptree *t, const struct prefix *p);
/* Once n has neither data nor fib: removes it, and the nodes that no
 * longer branch. n must not be used afterwards. Does nothing while n has
 * data or fib. */
void	ptree_release(struct ptree *t, struct ptree_node *n);
void	ptree_prefix(const struct ptree *t, const struct ptree_node *n,
	    struct prefix *out);
/* For tests: the node a reference names (NULL for 0), and whether it
 * is glue. The subtrees are root (prefixes shorter than
 * PTREE_INDEX_BITS), index[top] (the first PTREE_INDEX_BITS bits; for
 * IPv4 only prefixes shorter than PTREE_FINE_BITS) and, for IPv4,
 * fine[top] (the first PTREE_FINE_BITS bits). */
#define PTREE_INDEX_BITS	16
#define PTREE_FINE_BITS		20
#define PTREE_GLUE		0x80000000u
struct ptree_node *ptree_node_at(const struct ptree *t, uint32_t ref);

/* The first node with data after p in ptree_walk's order (address, then
 * the shorter first), or p's own when it has data and strict is false;
 * NULL when none. p need not be in the tree: a walk can resume after the
 * last prefix it saw, whatever changed since. The prefixes p covers come
 * right after p, so they are a range. */
struct ptree_node *ptree_next(const struct ptree *t, const struct prefix *p,
	    bool strict);
/* Calls cb for every node with data, in address then length order, until
 * cb returns non-zero (which ptree_walk returns). cb must not change the
 * tree. */
int	ptree_walk(const struct ptree *t,
	    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx);
/* The same, for the nodes after prefix from (of the tree's family) in
 * that order: a walk resumed where an earlier one stopped, the tree
 * changed or not in between (the nodes added before from are not seen).
 * Skips the subtrees before from's first 16 bits whole. */
int	ptree_walk_from(const struct ptree *t, const struct prefix *from,
	    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx);
/* Calls cb for every node with fib set, in the same order. cb may change
 * the node's fib and data, not the tree. */
int	ptree_walk_fib(struct ptree *t,
	    int (*cb)(void *ctx, struct ptree_node *n), void *ctx);

#endif
