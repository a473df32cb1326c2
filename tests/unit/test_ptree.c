/*
 * ptree: the prefix tree, by cases and against a reference model.
 *
 * The model is the plainest thing that can answer the same questions: a
 * hash set of prefixes, longest match by trying every shorter length, and
 * walk order by sorting. Seeded random operations are checked one by one,
 * and the whole tree (shape, counters, walk) every so often.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/prefix.h"
#include "../../src/rib/ptree.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define TP_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TP_SANITIZED	1
#endif
#endif

/* Sanitized runs are several times slower: fewer operations there. */
#ifdef TP_SANITIZED
#define TP_OPS_V4	200000
#define TP_OPS_V6	50000
#else
#define TP_OPS_V4	1000000
#define TP_OPS_V6	200000
#endif
#define TP_CHECKS	100	/* full checks per random run */
#define TP_SEED		0x5eed0f7ee5ull

/*
 * Check's ck_assert records its location on every pass (a write to the
 * runner in fork mode): too slow for millions of checks. These only call
 * into Check when they fail.
 */
#define TP_ASSERT(c) do {						\
	if (!(c))							\
		ck_abort_msg("Assertion '%s' failed", #c);		\
} while (0)
#define TP_ASSERT_MSG(c, ...) do {					\
	if (!(c))							\
		ck_abort_msg(__VA_ARGS__);				\
} while (0)

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	ck_assert_msg(prefix_parse(s, true, &p) == 0, "bad prefix %s", s);
	return p;
}

static struct prefix
addr(const char *s)
{
	struct prefix p;

	ck_assert_msg(addr_parse(s, &p) == 0, "bad address %s", s);
	return p;
}

/* Insert s with data tag; the node must be new to data. */
static struct ptree_node *
put(struct ptree *t, const char *s, uintptr_t tag)
{
	struct prefix p = pfx(s);
	struct ptree_node *n = ptree_get(t, &p);

	ck_assert_msg(n != NULL, "get %s", s);
	ck_assert_msg(ptree_data(n) == NULL, "%s already has data", s);
	ptree_set_data(t, n, (void *)tag);
	return n;
}

static void
del(struct ptree *t, const char *s)
{
	struct prefix p = pfx(s);
	struct ptree_node *n = ptree_find(t, &p);

	ck_assert_msg(n != NULL, "find %s to delete", s);
	ptree_set_data(t, n, NULL);
	ptree_release(t, n);
	ck_assert_msg(ptree_find(t, &p) == NULL, "%s still found", s);
}

static char *
node_str(const struct ptree *t, const struct ptree_node *n, char *buf)
{
	struct prefix p;

	if (n == NULL)
		return strcpy(buf, "none");
	ptree_prefix(t, n, &p);
	return prefix_format(&p, buf, PREFIX_STRLEN);
}

/* The prefix that the longest match of a (an address or a prefix) finds. */
static void
check_match(const struct ptree *t, const char *a, const char *want)
{
	struct prefix p = strchr(a, '/') != NULL ? pfx(a) : addr(a);
	char buf[PREFIX_STRLEN];

	node_str(t, ptree_match(t, &p), buf);
	ck_assert_msg(strcmp(buf, want) == 0, "match %s: %s, want %s", a, buf,
	    want);
}

static void
check_find(const struct ptree *t, const char *s, bool want)
{
	struct prefix p = pfx(s);
	struct ptree_node *n = ptree_find(t, &p);
	char buf[PREFIX_STRLEN];

	ck_assert_msg((n != NULL) == want, "find %s: %s", s,
	    want ? "missing" : "found");
	if (n != NULL)
		ck_assert_str_eq(node_str(t, n, buf), s);
}

static void
check_empty(struct ptree *t)
{
	size_t i;

	ck_assert_uint_eq(t->root, 0);
	/* One assertion per table, not per slot: a million ck_assert calls
	 * ran past Check's timeout on a loaded machine. */
	for (i = 0; t->index != NULL && i < (1u << PTREE_INDEX_BITS) &&
	    t->index[i] == 0; i++)
		;
	ck_assert_msg(t->index == NULL || i == (1u << PTREE_INDEX_BITS),
	    "index slot %zu not empty", i);
	for (i = 0; t->fine != NULL && i < (1u << PTREE_FINE_BITS) &&
	    t->fine[i] == 0; i++)
		;
	ck_assert_msg(t->fine == NULL || i == (1u << PTREE_FINE_BITS),
	    "fine slot %zu not empty", i);
	ck_assert_uint_eq(t->n_nodes, 0);
	ck_assert_uint_eq(t->n_data, 0);
	ck_assert_uint_eq(t->data.in_use + t->glue.in_use, 0);
}

/* ---- walks ---- */

#define WALK_MAX	300

struct walk_out {
	size_t	n;
	size_t	stop_at;	/* return 7 at this count; 0: never */
};

static int
walk_collect(void *ctx, const struct ptree_node *n)
{
	struct walk_out *w = ctx;

	ck_assert_ptr_nonnull(ptree_data(n));
	w->n++;
	return w->n == w->stop_at ? 7 : 0;
}

struct walk_strs {
	const struct ptree	*t;
	char			 s[WALK_MAX][PREFIX_STRLEN];
	size_t			 n;
};

static int
walk_strs(void *ctx, const struct ptree_node *n)
{
	struct walk_strs *w = ctx;

	ck_assert_uint_lt(w->n, WALK_MAX);
	node_str(w->t, n, w->s[w->n++]);
	return 0;
}

static void
check_walk(const struct ptree *t, const char *const *want, size_t n)
{
	static struct walk_strs w;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.t = t;
	ck_assert_int_eq(ptree_walk(t, walk_strs, &w), 0);
	ck_assert_uint_eq(w.n, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(w.s[i], want[i]) == 0, "walk %zu: %s, "
		    "want %s", i, w.s[i], want[i]);
}

/* ---- cases ---- */

START_TEST(test_ptree_empty)
{
	struct ptree t;
	struct prefix p = pfx("10.0.0.0/8");
	struct walk_out w = { .n = 0 };

	ptree_init(&t, AF_IDX_IPV4);
	ck_assert_ptr_null(ptree_find(&t, &p));
	ck_assert_ptr_null(ptree_match(&t, &p));
	ck_assert_int_eq(ptree_walk(&t, walk_collect, &w), 0);
	ck_assert_uint_eq(w.n, 0);
	/* as ptree.h says */
	ck_assert_uint_eq(t.data.size, 24);
	ck_assert_uint_eq(t.glue.size, 16);
	check_empty(&t);
	ptree_destroy(&t);
	ptree_init(&t, AF_IDX_IPV6);
	ck_assert_uint_eq(t.data.size, 40);
	ck_assert_uint_eq(t.glue.size, 32);
	ptree_destroy(&t);
}
END_TEST

static int
walk_fib_count(void *ctx, struct ptree_node *n)
{
	ck_assert_uint_ne(n->fib, 0);
	(*(size_t *)ctx)++;
	return 0;
}

/*
 * The kernel sync's byte keeps a node without data; a data node released
 * while it branches turns into glue, and back into a data node when got
 * again; a data node stays where it is meanwhile.
 */
START_TEST(test_ptree_fib_and_glue)
{
	struct ptree t;
	struct prefix p23 = pfx("10.0.0.0/23");
	struct ptree_node *n, *a;
	size_t seen = 0;

	ptree_init(&t, AF_IDX_IPV4);
	a = put(&t, "10.0.0.0/24", 1);
	put(&t, "10.0.1.0/24", 2);
	ck_assert_uint_eq(t.glue.in_use, 1);	/* the /23 */
	n = put(&t, "10.0.0.0/23", 3);		/* the glue becomes data */
	ck_assert_uint_eq(t.glue.in_use, 0);
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_ptr_eq(ptree_find(&t, &(struct prefix){ AF_IDX_IPV4, 24,
	    { 10, 0, 0 } }), a);
	n->fib = 1;
	ptree_set_data(&t, n, NULL);
	ptree_release(&t, n);			/* kept: fib */
	ck_assert_uint_eq(t.n_nodes, 3);
	check_find(&t, "10.0.0.0/23", false);	/* no data: not found */
	ck_assert_int_eq(ptree_walk_fib(&t, walk_fib_count, &seen), 0);
	ck_assert_uint_eq(seen, 1);
	ck_assert_ptr_eq(ptree_get(&t, &p23), n);	/* the same node */
	n->fib = 0;
	ptree_release(&t, n);			/* branches: glue again */
	ck_assert_uint_eq(t.glue.in_use, 1);
	ck_assert_uint_eq(t.n_nodes, 3);
	check_match(&t, "10.0.0.0/23", "none");
	check_match(&t, "10.0.1.1", "10.0.1.0/24");
	del(&t, "10.0.1.0/24");
	ck_assert_uint_eq(t.n_nodes, 1);	/* the glue went with it */
	ck_assert_uint_eq(t.glue.in_use, 0);
	ck_assert_ptr_eq(ptree_find(&t, &(struct prefix){ AF_IDX_IPV4, 24,
	    { 10, 0, 0 } }), a);
	del(&t, "10.0.0.0/24");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_default)
{
	struct ptree t;

	ptree_init(&t, AF_IDX_IPV4);
	put(&t, "0.0.0.0/0", 1);
	ck_assert_uint_eq(t.n_nodes, 1);
	ck_assert_uint_eq(t.n_data, 1);
	check_find(&t, "0.0.0.0/0", true);
	check_find(&t, "0.0.0.0/1", false);
	check_match(&t, "1.2.3.4", "0.0.0.0/0");
	check_match(&t, "255.255.255.255", "0.0.0.0/0");
	check_match(&t, "0.0.0.0/0", "0.0.0.0/0");
	put(&t, "1.2.3.4/32", 2);
	check_match(&t, "1.2.3.4", "1.2.3.4/32");
	check_match(&t, "1.2.3.5", "0.0.0.0/0");
	check_match(&t, "1.2.3.4/31", "0.0.0.0/0");
	del(&t, "0.0.0.0/0");
	ck_assert_uint_eq(t.n_nodes, 1);
	check_match(&t, "1.2.3.5", "none");
	check_match(&t, "1.2.3.4", "1.2.3.4/32");
	del(&t, "1.2.3.4/32");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_nested)
{
	static const char *const order[] = {
		"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.128/25",
	};
	struct ptree t;

	ptree_init(&t, AF_IDX_IPV4);
	/* most specific first: each new one covers what is there */
	put(&t, "10.1.2.128/25", 4);
	put(&t, "10.1.2.0/24", 3);
	put(&t, "10.0.0.0/8", 1);
	put(&t, "10.1.0.0/16", 2);
	ck_assert_uint_eq(t.n_nodes, 4);
	ck_assert_uint_eq(t.n_data, 4);
	check_walk(&t, order, 4);
	check_match(&t, "10.1.2.200", "10.1.2.128/25");
	check_match(&t, "10.1.2.3", "10.1.2.0/24");
	check_match(&t, "10.1.3.3", "10.1.0.0/16");
	check_match(&t, "10.2.0.1", "10.0.0.0/8");
	check_match(&t, "11.0.0.1", "none");
	check_match(&t, "10.1.0.0/16", "10.1.0.0/16");
	check_match(&t, "10.0.0.0/15", "10.0.0.0/8");
	check_match(&t, "10.1.2.0/23", "10.1.0.0/16");
	check_match(&t, "0.0.0.0/0", "none");
	check_find(&t, "10.1.0.0/17", false);
	check_find(&t, "10.0.0.0/15", false);
	check_find(&t, "10.1.2.0/24", true);
	/* the middle one goes: its child moves up */
	del(&t, "10.1.0.0/16");
	ck_assert_uint_eq(t.n_nodes, 3);
	check_match(&t, "10.1.3.3", "10.0.0.0/8");
	check_match(&t, "10.1.2.3", "10.1.2.0/24");
	del(&t, "10.0.0.0/8");
	del(&t, "10.1.2.128/25");
	ck_assert_uint_eq(t.n_nodes, 1);
	check_match(&t, "10.1.2.200", "10.1.2.0/24");
	del(&t, "10.1.2.0/24");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_siblings)
{
	struct ptree t;
	struct prefix p = pfx("10.0.0.0/23");
	struct ptree_node *glue;

	ptree_init(&t, AF_IDX_IPV4);
	put(&t, "10.0.0.0/24", 1);
	put(&t, "10.0.1.0/24", 2);
	/* a branching node 10.0.0.0/23 without data */
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_uint_eq(t.n_data, 2);
	check_find(&t, "10.0.0.0/23", false);
	check_match(&t, "10.0.0.0/23", "none");
	check_match(&t, "10.0.1.1", "10.0.1.0/24");
	/* getting it gives the branching node, no new node */
	glue = ptree_get(&t, &p);
	ck_assert_ptr_nonnull(glue);
	ck_assert_ptr_null(ptree_data(glue));
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_uint_eq(t.n_data, 2);
	ptree_set_data(&t, glue, (void *)3);
	ck_assert_uint_eq(t.n_data, 3);
	check_match(&t, "10.0.0.0/23", "10.0.0.0/23");
	del(&t, "10.0.0.0/24");
	ck_assert_uint_eq(t.n_nodes, 2);	/* the /23 has data: stays */
	del(&t, "10.0.0.0/23");
	ck_assert_uint_eq(t.n_nodes, 1);
	check_match(&t, "10.0.1.1", "10.0.1.0/24");
	put(&t, "10.0.0.0/24", 1);
	ck_assert_uint_eq(t.n_nodes, 3);
	/* a branching node left with one child goes too */
	del(&t, "10.0.1.0/24");
	ck_assert_uint_eq(t.n_nodes, 1);
	ck_assert_uint_eq(ptree_node_at(&t, t.fine[10 << 12])->len, 24);
	check_find(&t, "10.0.0.0/24", true);
	del(&t, "10.0.0.0/24");
	check_empty(&t);

	/* siblings at the last bit */
	put(&t, "1.2.3.4/32", 1);
	put(&t, "1.2.3.5/32", 2);
	ck_assert_uint_eq(t.n_nodes, 3);
	check_match(&t, "1.2.3.5", "1.2.3.5/32");
	check_match(&t, "1.2.3.4", "1.2.3.4/32");
	check_match(&t, "1.2.3.6", "none");
	del(&t, "1.2.3.4/32");
	del(&t, "1.2.3.5/32");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

/* A node got and released without data never counted. */
START_TEST(test_ptree_get_release)
{
	struct ptree t;
	struct prefix p = pfx("10.0.0.0/23"), q = pfx("192.0.2.0/24");
	struct ptree_node *n;

	ptree_init(&t, AF_IDX_IPV4);
	n = ptree_get(&t, &q);
	ck_assert_uint_eq(t.n_data, 0);
	ck_assert_uint_eq(t.n_nodes, 1);
	ptree_release(&t, n);
	check_empty(&t);
	put(&t, "10.0.0.0/24", 1);
	put(&t, "10.0.1.0/24", 2);
	n = ptree_get(&t, &p);
	ptree_release(&t, n);	/* a branching node: it stays */
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_uint_eq(t.n_data, 2);
	/* releasing a node that still has data does nothing */
	n = ptree_find(&t, &(struct prefix){ AF_IDX_IPV4, 24, { 10, 0, 1 } });
	ck_assert_ptr_nonnull(n);
	ptree_release(&t, n);
	ck_assert_uint_eq(t.n_nodes, 3);
	ck_assert_uint_eq(t.n_data, 2);
	del(&t, "10.0.0.0/24");
	del(&t, "10.0.1.0/24");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_bad_args)
{
	struct ptree t;
	struct prefix v6 = pfx("2001:db8::/32"), v4 = pfx("10.0.0.0/8");

	ptree_init(&t, AF_IDX_IPV4);
	ck_assert_ptr_null(ptree_get(&t, &v6));
	v4.len = 33;
	ck_assert_ptr_null(ptree_get(&t, &v4));
	ck_assert_ptr_null(ptree_find(&t, &v4));
	ck_assert_ptr_null(ptree_match(&t, &v4));
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

/* ptree_prefetch is a hint: on a tree without its indexes yet, with a
 * prefix of another family, too long, or short of the index, it changes
 * nothing (UBSan: and takes no slot of an index that is not there). */
START_TEST(test_ptree_prefetch)
{
	static const char *const each[] = { "10.0.0.0/8", "10.1.0.0/16",
	    "10.1.2.0/24", "10.1.2.3/32", "0.0.0.0/0", "2001:db8::/32" };
	struct ptree t;
	struct prefix p;
	size_t i;

	ptree_init(&t, AF_IDX_IPV4);
	for (i = 0; i < sizeof(each) / sizeof(each[0]); i++)
		ptree_prefetch(&t, (p = pfx(each[i]), &p));
	p = pfx("10.1.2.0/24");
	p.len = 33;
	ptree_prefetch(&t, &p);
	check_empty(&t);
	ck_assert_ptr_nonnull(ptree_get(&t, (p = pfx("10.1.2.0/24"), &p)));
	for (i = 0; i < sizeof(each) / sizeof(each[0]); i++)
		ptree_prefetch(&t, (p = pfx(each[i]), &p));
	ck_assert_uint_eq(t.n_nodes, 1);
	ptree_release(&t, ptree_get(&t, (p = pfx("10.1.2.0/24"), &p)));
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_ipv6)
{
	static const char *const order[] = {
		"::/0", "2001:db8::/32", "2001:db8::1/128", "2001:db8::2/128",
		"2804:269c::/42", "2804:269c:ff00::/40",
	};
	struct ptree t;

	ptree_init(&t, AF_IDX_IPV6);
	put(&t, "2804:269c:ff00::/40", 6);
	put(&t, "2001:db8::2/128", 4);
	put(&t, "2001:db8::1/128", 3);
	put(&t, "2804:269c::/42", 5);
	put(&t, "::/0", 1);
	put(&t, "2001:db8::/32", 2);
	check_walk(&t, order, 6);
	check_match(&t, "2001:db8::1", "2001:db8::1/128");
	check_match(&t, "2001:db8::3", "2001:db8::/32");
	check_match(&t, "2804:269c:3f::1", "2804:269c::/42");
	check_match(&t, "2804:269c:40::1", "::/0");
	check_match(&t, "fe80::1", "::/0");
	check_find(&t, "2001:db8::/33", false);
	check_find(&t, "2001:db8::2/128", true);
	del(&t, "::/0");
	check_match(&t, "fe80::1", "none");
	del(&t, "2001:db8::1/128");
	check_match(&t, "2001:db8::1", "2001:db8::/32");
	del(&t, "2001:db8::2/128");
	del(&t, "2001:db8::/32");
	del(&t, "2804:269c::/42");
	del(&t, "2804:269c:ff00::/40");
	check_empty(&t);
	ptree_destroy(&t);
}
END_TEST

START_TEST(test_ptree_walk_order)
{
	static const char *const in[] = {
		"192.168.0.0/16", "10.0.0.0/8", "10.0.0.0/16", "0.0.0.0/0",
		"9.255.0.0/16", "10.128.0.0/9", "10.0.0.0/24", "128.0.0.0/1",
		"255.255.255.255/32", "10.0.1.0/24", "10.0.0.0/9", "0.0.0.0/1",
	};
	static const char *const want[] = {
		"0.0.0.0/0", "0.0.0.0/1", "9.255.0.0/16", "10.0.0.0/8",
		"10.0.0.0/9", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24",
		"10.128.0.0/9", "128.0.0.0/1", "192.168.0.0/16",
		"255.255.255.255/32",
	};
	struct ptree t;
	struct walk_out w = { .n = 0, .stop_at = 5 };
	size_t i;

	ptree_init(&t, AF_IDX_IPV4);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		put(&t, in[i], i + 1);
	check_walk(&t, want, sizeof(want) / sizeof(want[0]));
	/* a non-zero return stops the walk and is returned */
	ck_assert_int_eq(ptree_walk(&t, walk_collect, &w), 7);
	ck_assert_uint_eq(w.n, 5);
	ptree_destroy(&t);
	ck_assert_uint_eq(t.n_nodes, 0);
	ck_assert_uint_eq(ptree_bytes(&t), 0);
}
END_TEST

/*
 * The deepest tree: ::/0, ::/1 .. ::/128, and at every length L the
 * sibling of ::/L (L-1 zero bits, then a one). The walk keeps 128 one
 * sides pending at the bottom.
 */
START_TEST(test_ptree_deep)
{
	struct ptree t;
	struct prefix p;
	struct ptree_node *n;
	struct walk_strs *w;
	unsigned len;
	char buf[PREFIX_STRLEN];

	ptree_init(&t, AF_IDX_IPV6);
	for (len = 0; len <= 128; len++) {
		memset(&p, 0, sizeof(p));
		p.af = AF_IDX_IPV6;
		p.len = (uint8_t)len;
		n = ptree_get(&t, &p);
		ck_assert_ptr_nonnull(n);
		ptree_set_data(&t, n, (void *)1);
		if (len == 0)
			continue;
		p.addr[(len - 1) / 8] = (uint8_t)(0x80 >> ((len - 1) % 8));
		n = ptree_get(&t, &p);
		ck_assert_ptr_nonnull(n);
		ptree_set_data(&t, n, (void *)2);
	}
	ck_assert_uint_eq(t.n_data, 257);
	ck_assert_uint_eq(t.n_nodes, 257);
	w = calloc(1, sizeof(*w));
	ck_assert_ptr_nonnull(w);
	w->t = &t;
	ck_assert_int_eq(ptree_walk(&t, walk_strs, w), 0);
	ck_assert_uint_eq(w->n, 257);
	/* zeros first, down to ::/128, then the ones from the deepest up */
	ck_assert_str_eq(w->s[0], "::/0");
	ck_assert_str_eq(w->s[128], "::/128");
	ck_assert_str_eq(w->s[129], "::1/128");
	ck_assert_str_eq(w->s[130], "::2/127");
	ck_assert_str_eq(w->s[256], "8000::/1");
	p = addr("::1");
	ck_assert_str_eq(node_str(&t, ptree_match(&t, &p), buf), "::1/128");
	p = addr("::3");
	ck_assert_str_eq(node_str(&t, ptree_match(&t, &p), buf), "::2/127");
	free(w);
	ptree_destroy(&t);
}
END_TEST

/* ---- the reference model ---- */

#define REF_BUCKETS	(1u << 16)
#define REF_CAP		(1u << 20)

struct ref {
	struct prefix	*items;		/* dense, for picking one at random */
	uintptr_t	*tags;
	int32_t		*next;		/* hash chains through the items */
	int32_t		 heads[REF_BUCKETS];
	size_t		 n;
};

static uint32_t
ref_hash(const struct prefix *p)
{
	uint32_t h = 2166136261u;
	size_t i;

	h = (h ^ p->len) * 16777619u;
	for (i = 0; i < af_addr_bytes(p->af); i++)
		h = (h ^ p->addr[i]) * 16777619u;
	return (h ^ (h >> 16)) & (REF_BUCKETS - 1);
}

static struct ref *
ref_new(void)
{
	struct ref *r = calloc(1, sizeof(*r));

	TP_ASSERT(r != NULL);
	r->items = calloc(REF_CAP, sizeof(*r->items));
	r->tags = calloc(REF_CAP, sizeof(*r->tags));
	r->next = calloc(REF_CAP, sizeof(*r->next));
	TP_ASSERT(r->items != NULL && r->tags != NULL && r->next != NULL);
	memset(r->heads, 0xff, sizeof(r->heads));
	return r;
}

static void
ref_free(struct ref *r)
{
	free(r->items);
	free(r->tags);
	free(r->next);
	free(r);
}

/* The link holding p's index, or the -1 ending its chain. */
static int32_t *
ref_link(struct ref *r, const struct prefix *p)
{
	int32_t *link = &r->heads[ref_hash(p)];

	while (*link >= 0 && !prefix_equal(&r->items[*link], p))
		link = &r->next[*link];
	return link;
}

static int32_t
ref_find(struct ref *r, const struct prefix *p)
{
	return *ref_link(r, p);
}

static void
ref_add(struct ref *r, const struct prefix *p, uintptr_t tag)
{
	int32_t *link = ref_link(r, p);

	TP_ASSERT(*link < 0);
	TP_ASSERT(r->n < REF_CAP);
	r->items[r->n] = *p;
	r->tags[r->n] = tag;
	r->next[r->n] = -1;
	*link = (int32_t)r->n++;
}

/* Unlink item i, then move the last item into its place. */
static void
ref_del(struct ref *r, int32_t i)
{
	int32_t last = (int32_t)r->n - 1, *link;

	link = ref_link(r, &r->items[i]);
	*link = r->next[i];
	if (i != last) {
		link = ref_link(r, &r->items[last]);
		*link = i;
		r->items[i] = r->items[last];
		r->tags[i] = r->tags[last];
		r->next[i] = r->next[last];
	}
	r->n--;
}

/* Longest match the slow way: every length from p's down to 0. */
static int32_t
ref_match(struct ref *r, const struct prefix *p)
{
	struct prefix q;
	int len;
	int32_t i;

	for (len = p->len; len >= 0; len--) {
		q = *p;
		q.len = (uint8_t)len;
		prefix_mask(&q);
		if ((i = ref_find(r, &q)) >= 0)
			return i;
	}
	return -1;
}

static int
ref_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	return c != 0 ? c : (int)x->len - (int)y->len;
}

/* ---- whole-tree checks ---- */

static unsigned
tbit(const uint8_t *key, unsigned i)
{
	return (key[i / 8] >> (7 - i % 8)) & 1;
}

/* The first bits of a key, as many as the subtree's index has. */
static long
key_first(const uint8_t *key, unsigned bits)
{
	uint32_t w = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
	    (uint32_t)key[2] << 8 | key[3];

	return (long)(w >> (32 - bits));
}

/*
 * Shape: lengths grow, children extend their parent on the right side,
 * bits past len are zero, a glue node branches and a data node has data;
 * a subtree of an index has the prefixes of its lengths (at least bits,
 * less than below) starting with its index (top); root (bits 0) the
 * shortest. Counts nodes.
 */
static size_t
check_shape(const struct ptree *t, uint32_t ref,
    const struct ptree_node *parent, unsigned side, unsigned bits_at,
    unsigned below, long top)
{
	const struct ptree_node *n = ptree_node_at(t, ref);
	unsigned bits = af_max_bits(t->af), i;

	TP_ASSERT(n->len <= bits);
	for (i = n->len; i < bits; i++)
		TP_ASSERT_MSG(tbit(n->key, i) == 0, "bit %u past /%u set",
		    i, n->len);
	TP_ASSERT(n->len >= bits_at && n->len < below);
	if (bits_at > 0)
		TP_ASSERT(key_first(n->key, bits_at) == top);
	if (parent != NULL) {
		TP_ASSERT(n->len > parent->len);
		for (i = 0; i < parent->len; i++)
			TP_ASSERT(tbit(n->key, i) == tbit(parent->key, i));
		TP_ASSERT(tbit(n->key, parent->len) == side);
	}
	if (ref & PTREE_GLUE)
		TP_ASSERT_MSG(n->child[0] != 0 && n->child[1] != 0,
		    "a glue node with one child or none");
	else
		TP_ASSERT_MSG(ptree_data(n) != NULL, "a data node without "
		    "data");
	return 1 + (n->child[0] ? check_shape(t, n->child[0], n, 0, bits_at,
	    below, top) : 0) + (n->child[1] ? check_shape(t, n->child[1], n,
	    1, bits_at, below, top) : 0);
}

struct walk_cmp {
	const struct ptree	*t;
	struct ref		*r;
	struct prefix		*sorted;
	size_t			 i;
};

static int
walk_compare(void *ctx, const struct ptree_node *n)
{
	struct walk_cmp *w = ctx;
	struct prefix p;
	int32_t i;

	TP_ASSERT(w->i < w->r->n);
	ptree_prefix(w->t, n, &p);
	TP_ASSERT_MSG(prefix_equal(&p, &w->sorted[w->i]),
	    "walk item %zu differs", w->i);
	i = ref_find(w->r, &p);
	TP_ASSERT(i >= 0);
	TP_ASSERT(ptree_data(n) == (void *)w->r->tags[i]);
	w->i++;
	return 0;
}

static void
check_all(const struct ptree *t, struct ref *r)
{
	struct walk_cmp w = { t, r, NULL, 0 };
	size_t nodes = 0;
	long top;

	TP_ASSERT(t->n_data == r->n);
	unsigned mid_below = t->af == AF_IDX_IPV4 ? PTREE_FINE_BITS : 129;

	if (t->root != 0)
		nodes = check_shape(t, t->root, NULL, 0, 0, PTREE_INDEX_BITS,
		    0);
	for (top = 0; t->index != NULL && top < (1l << PTREE_INDEX_BITS);
	    top++)
		if (t->index[top] != 0)
			nodes += check_shape(t, t->index[top], NULL, 0,
			    PTREE_INDEX_BITS, mid_below, top);
	for (top = 0; t->fine != NULL && top < (1l << PTREE_FINE_BITS); top++)
		if (t->fine[top] != 0)
			nodes += check_shape(t, t->fine[top], NULL, 0,
			    PTREE_FINE_BITS, 33, top);
	TP_ASSERT(nodes == t->n_nodes);
	TP_ASSERT(t->data.in_use + t->glue.in_use == t->n_nodes);
	TP_ASSERT(r->n == 0 ? t->n_nodes == 0 : t->n_nodes < 2 * r->n);
	w.sorted = malloc((r->n + 1) * sizeof(*w.sorted));
	TP_ASSERT(w.sorted != NULL);
	memcpy(w.sorted, r->items, r->n * sizeof(*w.sorted));
	qsort(w.sorted, r->n, sizeof(*w.sorted), ref_cmp);
	TP_ASSERT(ptree_walk(t, walk_compare, &w) == 0);
	TP_ASSERT(w.i == r->n);
	/* Resumed after a prefix of the tree: exactly those after it. */
	for (size_t k = 0; r->n > 0 && k < r->n; k += r->n / 3 + 1) {
		w.i = k + 1;
		TP_ASSERT(ptree_walk_from(t, &w.sorted[k], walk_compare,
		    &w) == 0);
		TP_ASSERT(w.i == r->n);
	}
	if (r->n > 0) {
		w.i = r->n;
		TP_ASSERT(ptree_walk_from(t, &w.sorted[r->n - 1],
		    walk_compare, &w) == 0);
		TP_ASSERT(w.i == r->n);
	}
	free(w.sorted);
}

/* ---- random operations ---- */

struct rng {
	uint64_t	s;
};

/* splitmix64 */
static uint64_t
rng_next(struct rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(struct rng *g, uint32_t n)
{
	return (uint32_t)(rng_next(g) % n);
}

static unsigned
rng_weighted(struct rng *g, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(g, total);
	for (i = 0; x >= w[i]; i++)
		x -= w[i];
	return (unsigned)i;
}

/*
 * IPv4: mostly /24 and longer, in four regions of 16 random bits, two of
 * them overlapping, so prefixes nest deeply and collide often.
 */
static const unsigned v4_len_w[33] = {
	1, 1, 1, 1, 1, 1, 1, 1,			/* /0../7 */
	3, 3, 3, 3, 3, 3, 3, 3,			/* /8../15 */
	8, 8, 8, 8, 8, 8, 8, 8,			/* /16../23 */
	40,					/* /24 */
	6, 6, 6, 6, 6, 6, 6,			/* /25../31 */
	20,					/* /32 */
};

static void
rand_v4(struct rng *g, struct prefix *p, bool host)
{
	static const uint32_t regions[] = {
		0x0a000000, 0x0a008000, 0xb8a4e000, 0xc0a80000,
	};
	uint32_t a = regions[rng_below(g, 4)] | rng_below(g, 1u << 16);

	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV4;
	p->len = (uint8_t)(host ? 32 : rng_weighted(g, v4_len_w, 33));
	p->addr[0] = (uint8_t)(a >> 24);
	p->addr[1] = (uint8_t)(a >> 16);
	p->addr[2] = (uint8_t)(a >> 8);
	p->addr[3] = (uint8_t)a;
	prefix_mask(p);
}

/* IPv6: /32, /48, /64 and /128 most, a few random bits in each part. */
static void
rand_v6(struct rng *g, struct prefix *p, bool host)
{
	static const uint8_t regions[][4] = {
		{ 0x20, 0x01, 0x0d, 0xb8 }, { 0x28, 0x04, 0x26, 0x9c },
		{ 0x2a, 0x00, 0x14, 0x50 }, { 0x20, 0x01, 0x0d, 0xb9 },
	};
	unsigned w;

	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV6;
	memcpy(p->addr, regions[rng_below(g, 4)], 4);
	p->addr[5] = (uint8_t)rng_below(g, 8);
	p->addr[6] = (uint8_t)(rng_below(g, 4) << 6);
	p->addr[7] = (uint8_t)rng_below(g, 4);
	if (rng_below(g, 4) == 0)
		p->addr[8] = (uint8_t)rng_next(g);
	p->addr[15] = (uint8_t)rng_below(g, 32);
	if (host) {
		p->len = 128;
	} else {
		w = rng_below(g, 100);
		p->len = (uint8_t)(w < 15 ? 32 : w < 40 ? 48 : w < 55 ? 64 :
		    w < 70 ? 128 : rng_below(g, 129));
	}
	prefix_mask(p);
}

struct run {
	struct ptree	 t;
	struct ref	*r;
	struct rng	 g;
	uintptr_t	 tag;
	void		(*rand)(struct rng *, struct prefix *, bool);
};

static void
op_insert(struct run *x)
{
	struct prefix p;
	struct ptree_node *n;
	size_t nodes = x->t.n_nodes;
	int32_t i;

	x->rand(&x->g, &p, false);
	i = ref_find(x->r, &p);
	n = ptree_get(&x->t, &p);
	TP_ASSERT(n != NULL);
	if (i >= 0) {
		TP_ASSERT(ptree_data(n) == (void *)x->r->tags[i]);
		TP_ASSERT(x->t.n_nodes == nodes);
		return;
	}
	TP_ASSERT(ptree_data(n) == NULL);
	TP_ASSERT(x->t.n_nodes <= nodes + 2);
	ptree_set_data(&x->t, n, (void *)++x->tag);
	ref_add(x->r, &p, x->tag);
}

static void
op_delete(struct run *x)
{
	struct ptree_node *n;
	struct prefix p;
	int32_t i;

	if (x->r->n == 0)
		return;
	i = (int32_t)rng_below(&x->g, (uint32_t)x->r->n);
	p = x->r->items[i];
	n = ptree_find(&x->t, &p);
	TP_ASSERT(n != NULL);
	TP_ASSERT(ptree_data(n) == (void *)x->r->tags[i]);
	ptree_set_data(&x->t, n, NULL);
	ptree_release(&x->t, n);
	ref_del(x->r, i);
	TP_ASSERT(ptree_find(&x->t, &p) == NULL);
}

/* Get a prefix that has no data and give it back unused. */
static void
op_get_release(struct run *x)
{
	struct prefix p;
	struct ptree_node *n;
	size_t nodes = x->t.n_nodes;

	x->rand(&x->g, &p, false);
	if (ref_find(x->r, &p) >= 0)
		return;
	n = ptree_get(&x->t, &p);
	TP_ASSERT(n != NULL);
	TP_ASSERT(ptree_data(n) == NULL);
	ptree_release(&x->t, n);
	TP_ASSERT(x->t.n_nodes == nodes);
	TP_ASSERT(x->t.n_data == x->r->n);
}

static void
op_find(struct run *x)
{
	struct prefix p, q;
	struct ptree_node *n;
	int32_t i;

	x->rand(&x->g, &p, false);
	i = ref_find(x->r, &p);
	n = ptree_find(&x->t, &p);
	if (i < 0) {
		TP_ASSERT(n == NULL);
		return;
	}
	TP_ASSERT(n != NULL);
	TP_ASSERT(ptree_data(n) == (void *)x->r->tags[i]);
	ptree_prefix(&x->t, n, &q);
	TP_ASSERT(prefix_equal(&p, &q));
}

static void
op_match(struct run *x)
{
	struct prefix p, q;
	struct ptree_node *n;
	int32_t i;

	x->rand(&x->g, &p, rng_below(&x->g, 10) < 7);
	i = ref_match(x->r, &p);
	n = ptree_match(&x->t, &p);
	if (i < 0) {
		TP_ASSERT(n == NULL);
		return;
	}
	TP_ASSERT(n != NULL);
	TP_ASSERT(ptree_data(n) == (void *)x->r->tags[i]);
	ptree_prefix(&x->t, n, &q);
	TP_ASSERT(prefix_equal(&x->r->items[i], &q));
}

/*
 * Per 100 operations: insert, delete, get+release, find, match. A table
 * loads, churns and empties; inserts often hit a prefix already there, so
 * churn deletes less than it inserts.
 */
static const unsigned op_w[3][5] = {
	{ 50, 10, 3, 12, 25 },		/* the first 30% */
	{ 33, 25, 3, 14, 25 },
	{ 15, 45, 3, 12, 25 },		/* the last 20% */
};
static void (*const op_fn[5])(struct run *) = {
	op_insert, op_delete, op_get_release, op_find, op_match,
};

static void
run_random(unsigned af, size_t ops, uint64_t seed)
{
	struct run *x = calloc(1, sizeof(*x));
	size_t k, max = 0, phase;

	TP_ASSERT(x != NULL);
	ptree_init(&x->t, af);
	x->r = ref_new();
	x->g.s = seed;
	x->rand = af == AF_IDX_IPV4 ? rand_v4 : rand_v6;
	for (k = 1; k <= ops; k++) {
		phase = k < ops * 3 / 10 ? 0 : k < ops * 8 / 10 ? 1 : 2;
		op_fn[rng_weighted(&x->g, op_w[phase], 5)](x);
		TP_ASSERT(x->t.n_data == x->r->n);
		if (x->r->n > max)
			max = x->r->n;
		if (k % (ops / TP_CHECKS) == 0)
			check_all(&x->t, x->r);
	}
	TP_ASSERT(max > ops / 100);	/* the test did grow a tree */
	if (getenv("PTREE_TEST_VERBOSE") != NULL)
		fprintf(stderr, "ptree random af %u: %zu ops, max %zu "
		    "prefixes, %zu left before the drain\n", af, ops, max,
		    x->r->n);
	/* empty it in random order: no node may be left behind */
	while (x->r->n > 0)
		op_delete(x);
	check_all(&x->t, x->r);
	check_empty(&x->t);
	ptree_destroy(&x->t);
	ref_free(x->r);
	free(x);
}

START_TEST(test_ptree_random_v4)
{
	run_random(AF_IDX_IPV4, TP_OPS_V4, TP_SEED);
}
END_TEST

START_TEST(test_ptree_random_v6)
{
	run_random(AF_IDX_IPV6, TP_OPS_V6, TP_SEED + 1);
}
END_TEST

Suite *
ptree_suite(void)
{
	Suite *s = suite_create("ptree");
	TCase *tc = tcase_create("ptree");
	TCase *tr = tcase_create("ptree random");

	tcase_add_test(tc, test_ptree_empty);
	tcase_add_test(tc, test_ptree_fib_and_glue);
	tcase_add_test(tc, test_ptree_default);
	tcase_add_test(tc, test_ptree_nested);
	tcase_add_test(tc, test_ptree_siblings);
	tcase_add_test(tc, test_ptree_get_release);
	tcase_add_test(tc, test_ptree_bad_args);
	tcase_add_test(tc, test_ptree_prefetch);
	tcase_add_test(tc, test_ptree_ipv6);
	tcase_add_test(tc, test_ptree_walk_order);
	tcase_add_test(tc, test_ptree_deep);
	suite_add_tcase(s, tc);
	/* seconds, not the default 4: a million checked operations */
	tcase_set_timeout(tr, 60);
	tcase_add_test(tr, test_ptree_random_v4);
	tcase_add_test(tr, test_ptree_random_v6);
	suite_add_tcase(s, tr);
	return s;
}
