/*
 * ptree: a path-compressed binary trie (PATRICIA) of prefixes.
 *
 * Every node is a prefix. A child's prefix is longer than its parent's and
 * extends it; the child's bit right after the parent's length says on which
 * side it hangs. A glue node only branches, so it has two children: n
 * prefixes need at most n - 1 of them. Keys are compared 32 bits at a time.
 *
 * References are 32 bits: 0 is none, the top bit says glue, the rest is an
 * index + 1 into that kind's pool. A pool hands out nodes from chunks of
 * 4096 that never move, so a data node's address is good until it is
 * released. A data node is preceded by its data pointer, so glue and data
 * nodes share the layout a lookup reads (children, length, key).
 *
 * The top level: a prefix of 16 bits or more lives in the subtree of its
 * first 16 bits (index[], 256 KB once the first such prefix comes), a
 * shorter one in the tree at root; for IPv4, one of 20 bits or more in the
 * subtree of its first 20 bits (fine[], 4 MB). A full IPv4 table has about
 * one prefix per fine subtree, so a lookup reads 2 or 3 nodes (the index
 * entry included) instead of 22.
 *
 * A data node with neither data nor fib stays until released (it may be
 * one just got); releasing it turns it into glue if it still branches.
 */
#include "ptree.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define PTREE_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTREE_ASAN	1
#endif
#endif

#ifdef PTREE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

#define PTREE_MAX_DEPTH	129
#define GLUE		PTREE_GLUE	/* a reference to a glue node */
#define REF_INDEX	0x7fffffffu
#define INDEX_BITS	PTREE_INDEX_BITS
#define INDEX_SIZE	(1u << INDEX_BITS)
#define FINE_BITS	PTREE_FINE_BITS
#define FINE_SIZE	(1u << FINE_BITS)
#define FINE_PER_TOP	(1u << (FINE_BITS - INDEX_BITS))
#define CHUNK_SHIFT	12		/* 4096 nodes a chunk */
#define CHUNK_NODES	(1u << CHUNK_SHIFT)
#define DATA_HDR	sizeof(void *)	/* the data pointer before a node */

/* ---- pools ---- */

static void
pool_init(struct ptree_pool *p, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->size = (size + 7) & ~(size_t)7;
}

static void *
pool_at(const struct ptree_pool *p, uint32_t i)
{
	return p->chunk[i >> CHUNK_SHIFT] + (size_t)(i & (CHUNK_NODES - 1)) *
	    p->size;
}

/* A zeroed node's index + 1, or 0 when memory runs out. */
static uint32_t
pool_alloc(struct ptree_pool *p)
{
	uint8_t **v;
	uint32_t i;
	void *obj;

	if (p->free != 0) {
		i = p->free - 1;
		obj = pool_at(p, i);
		UNPOISON(obj, p->size);
		memcpy(&p->free, obj, sizeof(p->free));
	} else {
		if (p->carved >= REF_INDEX - 1)
			return 0;
		if ((p->carved >> CHUNK_SHIFT) == p->nchunks) {
			if (p->nchunks == p->chunkcap) {
				if ((v = reallocarray(p->chunk, p->chunkcap ?
				    p->chunkcap * 2 : 16, sizeof(*v))) == NULL)
					return 0;
				p->chunk = v;
				p->chunkcap = p->chunkcap ? p->chunkcap * 2 :
				    16;
			}
			if ((p->chunk[p->nchunks] = malloc(CHUNK_NODES *
			    p->size)) == NULL)
				return 0;
			POISON(p->chunk[p->nchunks], CHUNK_NODES * p->size);
			p->nchunks++;
		}
		i = p->carved++;
		obj = pool_at(p, i);
		UNPOISON(obj, p->size);
	}
	memset(obj, 0, p->size);
	p->in_use++;
	return i + 1;
}

static void
pool_free(struct ptree_pool *p, uint32_t i1)
{
	void *obj = pool_at(p, i1 - 1);

	memcpy(obj, &p->free, sizeof(p->free));
	POISON(obj, p->size);
	p->free = i1;
	p->in_use--;
}

static void
pool_destroy(struct ptree_pool *p)
{
	size_t i;

	for (i = 0; i < p->nchunks; i++) {
		UNPOISON(p->chunk[i], CHUNK_NODES * p->size);
		free(p->chunk[i]);
	}
	free(p->chunk);
	pool_init(p, p->size);
}

static size_t
pool_bytes(const struct ptree_pool *p)
{
	return p->nchunks * CHUNK_NODES * p->size +
	    p->chunkcap * sizeof(*p->chunk);
}

/* ---- nodes ---- */

static inline unsigned
ptree_width(const struct ptree *t)
{
	return af_addr_bytes(t->af);
}

static inline struct ptree_node *
node_at(const struct ptree *t, uint32_t ref)
{
	if (ref & GLUE)
		return pool_at(&t->glue, (ref & REF_INDEX) - 1);
	return (struct ptree_node *)((uint8_t *)pool_at(&t->data, ref - 1) +
	    DATA_HDR);
}

struct ptree_node *
ptree_node_at(const struct ptree *t, uint32_t ref)
{
	return ref != 0 ? node_at(t, ref) : NULL;
}

static inline bool
is_glue(uint32_t ref)
{
	return (ref & GLUE) != 0;
}

static inline bool
node_live(const struct ptree_node *n)
{
	return ptree_data(n) != NULL || n->fib != 0;
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

/* A new node (glue or data) for the first len bits of key: its reference,
 * or 0 when memory runs out. */
static uint32_t
node_new(struct ptree *t, bool glue, const uint8_t *key, unsigned len)
{
	struct ptree_node *n;
	uint32_t ref;

	if ((ref = pool_alloc(glue ? &t->glue : &t->data)) == 0)
		return 0;
	if (glue)
		ref |= GLUE;
	n = node_at(t, ref);
	n->len = (uint8_t)len;
	memcpy(n->key, key, ptree_width(t));
	key_mask(n->key, len, ptree_width(t));
	t->n_nodes++;
	return ref;
}

static void
node_free(struct ptree *t, uint32_t ref)
{
	if (is_glue(ref))
		pool_free(&t->glue, ref & REF_INDEX);
	else
		pool_free(&t->data, ref);
	t->n_nodes--;
}

/* The node at *link becomes of the other kind, children and prefix kept;
 * the new one, or NULL (the old one kept) when memory runs out. */
static struct ptree_node *
node_convert(struct ptree *t, uint32_t *link)
{
	struct ptree_node *old = node_at(t, *link), *n;
	uint32_t ref;

	if ((ref = node_new(t, !is_glue(*link), old->key, old->len)) == 0)
		return NULL;
	n = node_at(t, ref);
	n->child[0] = old->child[0];
	n->child[1] = old->child[1];
	node_free(t, *link);
	*link = ref;
	return n;
}

/* ---- the top level ---- */

static inline uint32_t
key_top(const uint8_t *key)
{
	return (uint32_t)key[0] << 8 | key[1];
}

static inline uint32_t
key_fine(const uint8_t *key)
{
	return (uint32_t)key[0] << 12 | (uint32_t)key[1] << 4 | key[2] >> 4;
}

static inline bool
in_fine(const struct ptree *t, unsigned len)
{
	return t->af == AF_IDX_IPV4 && len >= FINE_BITS;
}

/* Where a prefix's subtree hangs; NULL when it needs an index and that
 * is not there (not made unless make, or memory ran out). */
static uint32_t *
root_link(struct ptree *t, const uint8_t *key, unsigned len, bool make)
{
	if (len < INDEX_BITS)
		return &t->root;
	if (in_fine(t, len)) {
		if (t->fine == NULL && (!make || (t->fine = calloc(FINE_SIZE,
		    sizeof(*t->fine))) == NULL))
			return NULL;
		return &t->fine[key_fine(key)];
	}
	if (t->index == NULL && (!make || (t->index = calloc(INDEX_SIZE,
	    sizeof(*t->index))) == NULL))
		return NULL;
	return &t->index[key_top(key)];
}

/* Where a prefix's subtree hangs, for a lookup: NULL when it needs an
 * index that is not there. */
static const uint32_t *
root_slot(const struct ptree *t, const uint8_t *key, unsigned len)
{
	if (len < INDEX_BITS)
		return &t->root;
	if (in_fine(t, len))
		return t->fine != NULL ? &t->fine[key_fine(key)] : NULL;
	return t->index != NULL ? &t->index[key_top(key)] : NULL;
}

/* The subtree a prefix is in, for a lookup: 0 when empty. */
static uint32_t
root_ref(const struct ptree *t, const uint8_t *key, unsigned len)
{
	const uint32_t *slot = root_slot(t, key, len);

	return slot != NULL ? *slot : 0;
}

void
ptree_init(struct ptree *t, unsigned af)
{
	size_t width = af_addr_bytes(af);

	memset(t, 0, sizeof(*t));
	t->af = af;
	pool_init(&t->data, DATA_HDR + sizeof(struct ptree_node) + width);
	pool_init(&t->glue, sizeof(struct ptree_node) + width);
}

void
ptree_destroy(struct ptree *t)
{
	pool_destroy(&t->data);
	pool_destroy(&t->glue);
	free(t->index);
	free(t->fine);
	t->index = NULL;
	t->fine = NULL;
	t->root = 0;
	t->n_nodes = 0;
	t->n_data = 0;
}

size_t
ptree_bytes(const struct ptree *t)
{
	return pool_bytes(&t->data) + pool_bytes(&t->glue) +
	    (t->index != NULL ? INDEX_SIZE * sizeof(*t->index) : 0) +
	    (t->fine != NULL ? FINE_SIZE * sizeof(*t->fine) : 0);
}

/* ---- changes ---- */

/*
 * Hang a new data node for p at *link, where the node ref was found
 * instead: either p covers it, or a glue node for their common bits takes
 * its place with both below it.
 */
static struct ptree_node *
insert_at(struct ptree *t, uint32_t *link, uint32_t ref,
    const struct prefix *p)
{
	struct ptree_node *n = node_at(t, ref), *add, *glue;
	uint32_t add_ref, glue_ref;
	unsigned common;

	common = key_common(n->key, p->addr, n->len < p->len ? n->len : p->len);
	if ((add_ref = node_new(t, false, p->addr, p->len)) == 0)
		return NULL;
	add = node_at(t, add_ref);
	if (common == p->len) {
		add->child[key_bit(n->key, common)] = ref;
		*link = add_ref;
		return add;
	}
	if ((glue_ref = node_new(t, true, p->addr, common)) == 0) {
		node_free(t, add_ref);
		return NULL;
	}
	glue = node_at(t, glue_ref);
	glue->child[key_bit(p->addr, common)] = add_ref;
	glue->child[key_bit(n->key, common)] = ref;
	*link = glue_ref;
	return add;
}

void
ptree_prefetch(const struct ptree *t, const struct prefix *p)
{
	const uint32_t *slot;

	if (ptree_prefix_ok(t, p) &&
	    (slot = root_slot(t, p->addr, p->len)) != NULL)
		__builtin_prefetch(slot);
}

struct ptree_node *
ptree_get(struct ptree *t, const struct prefix *p)
{
	struct ptree_node *n;
	uint32_t *link, ref;

	if (!ptree_prefix_ok(t, p) ||
	    (link = root_link(t, p->addr, p->len, true)) == NULL)
		return NULL;
	while ((ref = *link) != 0) {
		n = node_at(t, ref);
		if (n->len > p->len || !key_match(n->key, p->addr, n->len))
			break;
		if (n->len == p->len)
			return is_glue(ref) ? node_convert(t, link) : n;
		link = &n->child[key_bit(p->addr, n->len)];
	}
	if (ref != 0)
		return insert_at(t, link, ref, p);
	if ((ref = node_new(t, false, p->addr, p->len)) == 0)
		return NULL;
	*link = ref;
	return node_at(t, ref);
}

void
ptree_set_data(struct ptree *t, struct ptree_node *n, void *data)
{
	void *old = ptree_data(n);

	if (old == NULL && data != NULL)
		t->n_data++;
	else if (old != NULL && data == NULL)
		t->n_data--;
	memcpy((uint8_t *)n - DATA_HDR, &data, sizeof(data));
}

void
ptree_release(struct ptree *t, struct ptree_node *n)
{
	uint32_t *link, *plink = NULL, ref, child, *other;
	struct ptree_node *cur, *parent;

	if (n == NULL || node_live(n) ||
	    (link = root_link(t, n->key, n->len, false)) == NULL)
		return;
	for (;;) {
		if ((ref = *link) == 0)
			return;		/* not in this tree */
		if ((cur = node_at(t, ref)) == n)
			break;
		if (cur->len >= n->len)
			return;
		plink = link;
		link = &cur->child[key_bit(n->key, cur->len)];
	}
	if (n->child[0] != 0 && n->child[1] != 0) {
		(void)node_convert(t, link);	/* it still branches */
		return;
	}
	child = n->child[0] != 0 ? n->child[0] : n->child[1];
	node_free(t, ref);
	*link = child;
	if (child != 0 || plink == NULL || !is_glue(*plink))
		return;
	/* A glue parent left with one child: the child takes its place. */
	parent = node_at(t, *plink);
	other = parent->child[0] != 0 ? &parent->child[0] : &parent->child[1];
	ref = *plink;
	*plink = *other;
	node_free(t, ref);
}

/* ---- lookups ---- */

/* Follow p's bits from *link blindly; only the last node needs comparing. */
static struct ptree_node *
find_below(const struct ptree *t, uint32_t ref, const struct prefix *p)
{
	struct ptree_node *n = NULL;

	while (ref != 0 && (n = node_at(t, ref))->len < p->len)
		ref = n->child[key_bit(p->addr, n->len)];
	if (ref == 0 || is_glue(ref) || n->len != p->len ||
	    ptree_data(n) == NULL || !key_match(n->key, p->addr, p->len))
		return NULL;
	return n;
}

struct ptree_node *
ptree_find(const struct ptree *t, const struct prefix *p)
{
	if (!ptree_prefix_ok(t, p))
		return NULL;
	return find_below(t, root_ref(t, p->addr, p->len), p);
}

/* The longest prefix with data covering p below ref. */
static struct ptree_node *
match_below(const struct ptree *t, uint32_t ref, const struct prefix *p)
{
	struct ptree_node *n, *best = NULL;

	/* Below a node that does not cover p, nothing does. */
	while (ref != 0) {
		n = node_at(t, ref);
		if (n->len > p->len || !key_match(n->key, p->addr, n->len))
			break;
		if (!is_glue(ref) && ptree_data(n) != NULL)
			best = n;
		if (n->len == p->len)
			break;
		ref = n->child[key_bit(p->addr, n->len)];
	}
	return best;
}

struct ptree_node *
ptree_match(const struct ptree *t, const struct prefix *p)
{
	struct ptree_node *best = NULL;

	if (!ptree_prefix_ok(t, p))
		return NULL;
	/* Each subtree of p's has every prefix of its lengths covering p:
	 * the longest first. */
	if (in_fine(t, p->len))
		best = match_below(t, root_ref(t, p->addr, FINE_BITS), p);
	if (best == NULL && p->len >= INDEX_BITS)
		best = match_below(t, root_ref(t, p->addr, INDEX_BITS), p);
	return best != NULL ? best : match_below(t, t->root, p);
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

/* ---- walks ---- */

/*
 * Pre-order, a node then its 0 side then its 1 side: address then length
 * order. The stack holds 1 sides still to visit, at most one per node on
 * the current path.
 */
struct walk_iter {
	const struct ptree	*t;
	uint32_t		 stack[PTREE_MAX_DEPTH];
	size_t			 sp;
	uint32_t		 next;
};

static void
iter_start(struct walk_iter *it, const struct ptree *t, uint32_t ref)
{
	it->t = t;
	it->sp = 0;
	it->next = ref;
}

/* The next node in order (glue too), or NULL. */
static struct ptree_node *
iter_next(struct walk_iter *it, uint32_t *ref)
{
	struct ptree_node *n;

	if (it->next == 0) {
		if (it->sp == 0)
			return NULL;
		it->next = it->stack[--it->sp];
	}
	*ref = it->next;
	n = node_at(it->t, *ref);
	if (n->child[1] != 0) {
		if (n->child[0] == 0) {
			it->next = n->child[1];
			return n;
		}
		if (it->sp < PTREE_MAX_DEPTH)	/* depth <= 129: always */
			it->stack[it->sp++] = n->child[1];
	}
	it->next = n->child[0];
	return n;
}

/* The first node with data at or below ref, in walk order, or NULL. */
static struct ptree_node *
first_below(const struct ptree *t, uint32_t ref)
{
	struct walk_iter it;
	struct ptree_node *n;

	iter_start(&it, t, ref);
	while ((n = iter_next(&it, &ref)) != NULL)
		if (!is_glue(ref) && ptree_data(n) != NULL)
			return n;
	return NULL;
}

/* Walk order: by key (bits past the length 0), then the shorter first. */
static int
order_cmp(const struct ptree *t, const uint8_t *a, unsigned alen,
    const uint8_t *b, unsigned blen)
{
	int c = memcmp(a, b, ptree_width(t));

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * The first node with data below ref that comes after p (or is p, unless
 * strict). Going down p's way, a node is before p, p, after p with all
 * it holds (p covers it, or they part where its bit is 1), or before p
 * with all it holds; the 1 sides passed on the way (p went 0) are after
 * p, the nearest first.
 */
static struct ptree_node *
next_below(const struct ptree *t, uint32_t ref, const struct prefix *p,
    bool strict)
{
	uint32_t later[PTREE_MAX_DEPTH + 1];
	struct ptree_node *n, *found;
	size_t nl = 0;
	unsigned m, c, b;

	while (ref != 0) {
		n = node_at(t, ref);
		m = n->len < p->len ? n->len : p->len;
		if ((c = key_common(n->key, p->addr, m)) < m) {
			if (key_bit(n->key, c) == 1 &&
			    (found = first_below(t, ref)) != NULL)
				return found;
			break;
		}
		if (n->len > p->len) {
			if ((found = first_below(t, ref)) != NULL)
				return found;
			break;
		}
		if (n->len == p->len) {
			if (!strict && !is_glue(ref) && ptree_data(n) != NULL)
				return n;
			b = 0;
		} else
			b = key_bit(p->addr, n->len);
		if (b == 0 && n->child[1] != 0 && nl < PTREE_MAX_DEPTH + 1)
			later[nl++] = n->child[1];
		ref = n->child[b];
	}
	while (nl > 0)
		if ((found = first_below(t, later[--nl])) != NULL)
			return found;
	return NULL;
}

/* a if it comes before b (or b is NULL), else b. */
static struct ptree_node *
earlier(const struct ptree *t, struct ptree_node *a, struct ptree_node *b)
{
	if (a == NULL)
		return b;
	if (b == NULL || order_cmp(t, a->key, a->len, b->key, b->len) < 0)
		return a;
	return b;
}

/*
 * The least of the three levels' answers. The index and fine subtrees
 * after p's own are tried in order, only while they can still come
 * before the best so far: a node of a coarser level whose first bits
 * equal a finer subtree's covers all of that subtree (its bits past its
 * length are 0), so it comes first. Each subtree skipped over is empty,
 * so a walk by successive calls reads each index slot about once.
 */
struct ptree_node *
ptree_next(const struct ptree *t, const struct prefix *p, bool strict)
{
	struct ptree_node *best, *n;
	uint32_t i, lim;

	if (!ptree_prefix_ok(t, p))
		return NULL;
	best = next_below(t, t->root, p, strict);
	if (t->index != NULL) {
		i = key_top(p->addr);
		n = next_below(t, t->index[i], p, strict);
		lim = best != NULL ? key_top(best->key) : INDEX_SIZE;
		for (i++; n == NULL && i < lim; i++)
			if (t->index[i] != 0)
				n = first_below(t, t->index[i]);
		best = earlier(t, n, best);
	}
	if (t->fine != NULL) {
		i = key_fine(p->addr);
		n = next_below(t, t->fine[i], p, strict);
		lim = best != NULL ? key_fine(best->key) : FINE_SIZE;
		for (i++; n == NULL && i < lim; i++)
			if (t->fine[i] != 0)
				n = first_below(t, t->fine[i]);
		best = earlier(t, n, best);
	}
	return best;
}

struct walk {
	bool	fib;			/* nodes with fib, not with data */
	int	(*cb)(void *ctx, struct ptree_node *n);
	void	*ctx;
	const struct ptree	*t;	/* with from: */
	const struct prefix	*from;	/* only nodes after it, or NULL */
};

static int
visit(const struct walk *w, uint32_t ref, struct ptree_node *n)
{
	if (is_glue(ref) || (w->fib ? n->fib == 0 : ptree_data(n) == NULL))
		return 0;
	if (w->from != NULL && order_cmp(w->t, n->key, n->len, w->from->addr,
	    w->from->len) <= 0)
		return 0;
	return w->cb(w->ctx, n);
}

/* Every node of the subtree at ref. */
static int
walk_below(const struct ptree *t, const struct walk *w, uint32_t ref)
{
	struct walk_iter it;
	struct ptree_node *n;
	int rv;

	iter_start(&it, t, ref);
	while ((n = iter_next(&it, &ref)) != NULL)
		if ((rv = visit(w, ref, n)) != 0)
			return rv;
	return 0;
}

/* An iterator's nodes up to (and with) the first bits at most lim: by
 * key_top (fine false) or key_fine. */
static int
drain_to(const struct walk *w, struct walk_iter *it, struct ptree_node **n,
    uint32_t *ref, bool fine, uint32_t lim)
{
	int rv;

	for (; *n != NULL && (fine ? key_fine((*n)->key) :
	    key_top((*n)->key)) <= lim; *n = iter_next(it, ref))
		if ((rv = visit(w, *ref, *n)) != 0)
			return rv;
	return 0;
}

static bool
fine_empty(const struct ptree *t, uint32_t top)
{
	uint32_t f;

	for (f = top * FINE_PER_TOP; t->fine != NULL &&
	    f < (top + 1) * FINE_PER_TOP; f++)
		if (t->fine[f] != 0)
			return false;
	return true;
}

/* The fine subtrees of the 16-bit top, each after the index's nodes
 * (shorter than 20 bits) that come before it, mid the iterator over
 * those. */
static int
walk_fine(const struct ptree *t, const struct walk *w, uint32_t top,
    struct walk_iter *mid, struct ptree_node **m, uint32_t *mref)
{
	uint32_t f, end = (top + 1) * FINE_PER_TOP;
	int rv;

	for (f = top * FINE_PER_TOP; f < end; f++) {
		if (t->fine[f] == 0)
			continue;
		if ((rv = drain_to(w, mid, m, mref, true, f)) != 0 ||
		    (rv = walk_below(t, w, t->fine[f])) != 0)
			return rv;
	}
	return 0;
}

/*
 * The subtrees merged in order: a prefix of a coarser one (shorter) whose
 * first bits are at most a finer subtree's comes before it. root holds
 * the prefixes shorter than 16 bits, index[top] those of 16 bits or more
 * (IPv4: up to 19), fine[] (IPv4) those of 20 or more.
 */
static int
walk(const struct ptree *t, const struct walk *w)
{
	struct walk_iter shorts, mid;
	struct ptree_node *s, *m;
	uint32_t sref, mref = 0, top = 0;
	int rv;

	/* From a prefix on: the subtrees whose first 16 bits come before
	 * its own hold only prefixes before it (the short ones are
	 * few, and skipped one by one in visit). */
	if (w->from != NULL)
		top = (uint32_t)w->from->addr[0] << 8 | w->from->addr[1];
	iter_start(&shorts, t, t->root);
	s = iter_next(&shorts, &sref);
	for (; (t->index != NULL || t->fine != NULL) &&
	    top < INDEX_SIZE; top++) {
		iter_start(&mid, t, t->index != NULL ? t->index[top] : 0);
		if ((m = iter_next(&mid, &mref)) == NULL && fine_empty(t, top))
			continue;
		if ((rv = drain_to(w, &shorts, &s, &sref, false, top)) != 0 ||
		    (t->fine != NULL &&
		    (rv = walk_fine(t, w, top, &mid, &m, &mref)) != 0) ||
		    (rv = drain_to(w, &mid, &m, &mref, true, UINT32_MAX)) != 0)
			return rv;
	}
	return drain_to(w, &shorts, &s, &sref, false, UINT32_MAX);
}

struct walk_const {
	int	(*cb)(void *ctx, const struct ptree_node *n);
	void	*ctx;
};

static int
walk_const_cb(void *ctx, struct ptree_node *n)
{
	struct walk_const *c = ctx;

	return c->cb(c->ctx, n);
}

int
ptree_walk(const struct ptree *t,
    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx)
{
	struct walk_const c = { cb, ctx };
	struct walk w = { false, walk_const_cb, &c, t, NULL };

	return walk(t, &w);
}

int
ptree_walk_from(const struct ptree *t, const struct prefix *from,
    int (*cb)(void *ctx, const struct ptree_node *n), void *ctx)
{
	struct walk_const c = { cb, ctx };
	struct walk w = { false, walk_const_cb, &c, t, from };

	return walk(t, &w);
}

int
ptree_walk_fib(struct ptree *t, int (*cb)(void *ctx, struct ptree_node *n),
    void *ctx)
{
	struct walk w = { true, cb, ctx, t, NULL };

	return walk(t, &w);
}
