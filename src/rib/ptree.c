/*
 * ptree: a path-compressed binary trie (PATRICIA) of prefixes.
 *
 * Every node is a prefix. A child's prefix is longer than its parent's and
 * extends it; the child's bit right after the parent's length says on which
 * side it hangs. A node without data only branches, so it has two
 * children: n prefixes need at most 2n - 1 nodes, and as lengths grow
 * strictly downwards no path is longer than 129 nodes (/0 to /128).
 * Keys are compared 32 bits at a time.
 *
 * The tree does not see data being set, so n_data counts what the callers
 * are asked to do: ptree_get returning a node without data counts it (the
 * caller sets data right away) and ptree_release uncounts it. Between
 * ptree_get and setting data, do not release other nodes: a data-less
 * parent left with one child is removed, and it may be that node.
 */
#include "ptree.h"

#include <arpa/inet.h>
#include <string.h>

#define PTREE_MAX_DEPTH	129

static inline unsigned
ptree_width(const struct ptree *t)
{
	return af_addr_bytes(t->af);
}

/* Word i of a key, its first bit as the most significant. */
static inline uint32_t
key_word(const uint8_t *key, unsigned i)
{
	uint32_t w;

	memcpy(&w, key + 4 * i, sizeof(w));
	return ntohl(w);
}

static inline unsigned
key_bit(const uint8_t *key, unsigned bit)
{
	return (key[bit >> 3] >> (7 - (bit & 7))) & 1;
}

/* Do a and b agree on their first len bits? */
static inline bool
key_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned i = 0;

	for (; len >= 32; len -= 32, i++)
		if (key_word(a, i) != key_word(b, i))
			return false;
	if (len == 0)
		return true;
	return ((key_word(a, i) ^ key_word(b, i)) >> (32 - len)) == 0;
}

/* How many leading bits a and b share, at most max. */
static unsigned
key_common(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i, n;
	uint32_t x;

	for (i = 0; 32 * i < max; i++) {
		if ((x = key_word(a, i) ^ key_word(b, i)) != 0) {
			n = 32 * i + (unsigned)__builtin_clz(x);
			return n < max ? n : max;
		}
	}
	return max;
}

/* Zero the bits past len, so equal prefixes have equal keys. */
static void
key_mask(uint8_t *key, unsigned len, unsigned width)
{
	unsigned full = len / 8, rest = len % 8;

	if (rest != 0)
		key[full++] &= (uint8_t)(0xff << (8 - rest));
	if (full < width)
		memset(key + full, 0, width - full);
}

static bool
ptree_prefix_ok(const struct ptree *t, const struct prefix *p)
{
	return p->af == t->af && p->len <= af_max_bits(t->af);
}

static struct ptree_node *
ptree_node_new(struct ptree *t, const uint8_t *key, unsigned len)
{
	struct ptree_node *n;

	if ((n = slab_alloc(&t->nodes)) == NULL)
		return NULL;
	n->len = (uint8_t)len;
	memcpy(n->key, key, ptree_width(t));
	key_mask(n->key, len, ptree_width(t));
	t->n_nodes++;
	return n;
}

static void
ptree_node_free(struct ptree *t, struct ptree_node *n)
{
	slab_free(&t->nodes, n);
	t->n_nodes--;
}

void
ptree_init(struct ptree *t, unsigned af)
{
	memset(t, 0, sizeof(*t));
	t->af = af;
	slab_init(&t->nodes, offsetof(struct ptree_node, key) +
	    af_addr_bytes(af));
}

void
ptree_destroy(struct ptree *t)
{
	slab_destroy(&t->nodes);
	t->root = NULL;
	t->n_nodes = 0;
	t->n_data = 0;
}

/*
 * Hang a new node for p at *link, where n (not NULL) was found instead:
 * either p covers n, or a branching node for their common bits takes n's
 * place with both below it.
 */
static struct ptree_node *
ptree_insert_at(struct ptree *t, struct ptree_node **link,
    struct ptree_node *n, const struct prefix *p)
{
	struct ptree_node *add, *glue;
	unsigned common;

	common = key_common(n->key, p->addr, n->len < p->len ? n->len : p->len);
	if ((add = ptree_node_new(t, p->addr, p->len)) == NULL)
		return NULL;
	if (common == p->len) {
		add->child[key_bit(n->key, common)] = n;
		*link = add;
		return add;
	}
	if ((glue = ptree_node_new(t, p->addr, common)) == NULL) {
		ptree_node_free(t, add);
		return NULL;
	}
	glue->child[key_bit(p->addr, common)] = add;
	glue->child[key_bit(n->key, common)] = n;
	*link = glue;
	return add;
}

struct ptree_node *
ptree_get(struct ptree *t, const struct prefix *p)
{
	struct ptree_node **link = &t->root, *n;

	if (!ptree_prefix_ok(t, p))
		return NULL;
	while ((n = *link) != NULL && n->len <= p->len &&
	    key_match(n->key, p->addr, n->len)) {
		if (n->len == p->len) {
			if (n->data == NULL)
				t->n_data++;	/* a branching node */
			return n;
		}
		link = &n->child[key_bit(p->addr, n->len)];
	}
	if (n != NULL)
		n = ptree_insert_at(t, link, n, p);
	else if ((n = ptree_node_new(t, p->addr, p->len)) != NULL)
		*link = n;
	if (n != NULL)
		t->n_data++;
	return n;
}

struct ptree_node *
ptree_find(const struct ptree *t, const struct prefix *p)
{
	struct ptree_node *n = t->root;

	if (!ptree_prefix_ok(t, p))
		return NULL;
	/* Follow p's bits blindly; only the last node needs comparing. */
	while (n != NULL && n->len < p->len)
		n = n->child[key_bit(p->addr, n->len)];
	if (n == NULL || n->len != p->len || n->data == NULL ||
	    !key_match(n->key, p->addr, p->len))
		return NULL;
	return n;
}

struct ptree_node *
ptree_match(const struct ptree *t, const struct prefix *p)
{
	struct ptree_node *n = t->root, *best = NULL;

	if (!ptree_prefix_ok(t, p))
		return NULL;
	/* Below a node that does not cover p, nothing does. */
	while (n != NULL && n->len <= p->len &&
	    key_match(n->key, p->addr, n->len)) {
		if (n->data != NULL)
			best = n;
		if (n->len == p->len)
			break;
		n = n->child[key_bit(p->addr, n->len)];
	}
	return best;
}

/* The parent of a node removed with no child: splice the other child up
 * if the parent only branched. */
static void
ptree_unbranch(struct ptree *t, struct ptree_node **link)
{
	struct ptree_node *parent = *link, *other;

	if (parent->data != NULL)
		return;
	other = parent->child[0] != NULL ? parent->child[0] : parent->child[1];
	if (other == NULL)
		return;		/* a node just got, its data not set yet */
	*link = other;
	ptree_node_free(t, parent);
}

void
ptree_release(struct ptree *t, struct ptree_node *n)
{
	struct ptree_node **link = &t->root, **plink = NULL, *cur, *child;

	if (n == NULL || n->data != NULL)
		return;
	while ((cur = *link) != n) {
		if (cur == NULL || cur->len >= n->len)
			return;		/* not in this tree */
		plink = link;
		link = &cur->child[key_bit(n->key, cur->len)];
	}
	t->n_data--;
	if (n->child[0] != NULL && n->child[1] != NULL)
		return;		/* it still branches */
	child = n->child[0] != NULL ? n->child[0] : n->child[1];
	*link = child;
	ptree_node_free(t, n);
	if (child == NULL && plink != NULL)
		ptree_unbranch(t, plink);
}

void
ptree_prefix(const struct ptree *t, const struct ptree_node *n,
    struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->af = (uint8_t)t->af;
	out->len = n->len;
	memcpy(out->addr, n->key, ptree_width(t));
}

/*
 * Pre-order: a node, then its 0 side, then its 1 side, which is address
 * then length order. The stack holds 1 sides still to visit, at most one
 * per node on the current path.
 */
int
ptree_walk(const struct ptree *t,
    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx)
{
	const struct ptree_node *stack[PTREE_MAX_DEPTH], *n = t->root;
	size_t sp = 0;
	int rv;

	while (n != NULL || sp > 0) {
		if (n == NULL)
			n = stack[--sp];
		if (n->data != NULL && (rv = cb(ctx, n)) != 0)
			return rv;
		if (n->child[1] != NULL) {
			if (n->child[0] == NULL) {
				n = n->child[1];
				continue;
			}
			if (sp == PTREE_MAX_DEPTH)
				return -1;	/* cannot be: depth <= 129 */
			stack[sp++] = n->child[1];
		}
		n = n->child[0];
	}
	return 0;
}
