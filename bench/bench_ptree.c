/*
 * bench_ptree: the IPv4 prefix tree with a full table.
 *
 * A seeded generator (same prefixes on every run) makes 1M IPv4 prefixes
 * with the length mix of today's table (about 60% /24, the rest /8../23
 * and a few longer; the table below says exactly) at random addresses of
 * the public unicast space. Each run inserts them all (ptree_get, data
 * set), looks up 1M random addresses (ptree_match of a /32), walks the
 * tree, then deletes them all (ptree_find, data cleared, ptree_release).
 * Prints ns per operation of each phase (median of N_RUNS) and the memory
 * of the full tree per prefix. Numbers only, no verdict.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/lib/prefix.h"
#include "../src/rib/ptree.h"

#define SEED		0x70ee5eedc0ffee11ull
#define N_PREFIXES	1000000
#define N_LOOKUPS	1000000
#define N_RUNS		5

#define NELEMS(x)	(sizeof(x) / sizeof((x)[0]))

/* Per 10000, as in bench_decode: /24 60%, /23 and /22 8% each, /21 6%,
 * /20 5%, /8../19 11.6%, /25../32 1.4%. */
static const unsigned len_mix[33] = {
	[8] = 1, [9] = 2, [10] = 5, [11] = 10, [12] = 20, [13] = 35,
	[14] = 60, [15] = 80, [16] = 200, [17] = 150, [18] = 250, [19] = 350,
	[20] = 500, [21] = 600, [22] = 800, [23] = 800, [24] = 6000,
	[25] = 30, [26] = 25, [27] = 20, [28] = 20, [29] = 15, [30] = 10,
	[31] = 5, [32] = 12,
};

static uint64_t rng_state = SEED;

/* splitmix64 */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
rng_pick(const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = (unsigned)(rng() % total);
	for (i = 0; x >= w[i]; i++)
		x -= w[i];
	return (unsigned)i;
}

static void
v4_set(struct prefix *p, uint32_t a, unsigned len)
{
	memset(p, 0, sizeof(*p));
	p->af = AF_IDX_IPV4;
	p->len = (uint8_t)len;
	p->addr[0] = (uint8_t)(a >> 24);
	p->addr[1] = (uint8_t)(a >> 16);
	p->addr[2] = (uint8_t)(a >> 8);
	p->addr[3] = (uint8_t)a;
	prefix_mask(p);
}

/* Public unicast space, roughly: skip 0, 10, 127 and multicast up. */
static uint32_t
gen_addr(void)
{
	uint32_t a;
	uint8_t first;

	do {
		a = (uint32_t)rng();
		first = (uint8_t)(a >> 24);
	} while (first == 0 || first == 10 || first == 127 || first >= 224);
	return a;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum phase { INSERT, MATCH, WALK, DELETE, N_PHASES };

static const char *const phase_name[N_PHASES] = {
	"insert", "match", "walk", "delete",
};

struct run {
	double		ns[N_PHASES];	/* per operation */
	size_t		prefixes, nodes, bytes, hits;
	uint64_t	checksum;
};

static int
walk_count(void *ctx, const struct ptree_node *n)
{
	uint64_t *sum = ctx;

	*sum += n->len;
	return 0;
}

static void
run_insert(struct ptree *t, const struct prefix *pfx, struct run *r)
{
	struct ptree_node *n;
	double t0 = now();
	size_t i;

	for (i = 0; i < N_PREFIXES; i++) {
		if ((n = ptree_get(t, &pfx[i])) == NULL)
			errx(1, "ptree_get: out of memory");
		if (ptree_data(n) == NULL)
			ptree_set_data(t, n, (void *)&pfx[i]);
	}
	r->ns[INSERT] = (now() - t0) * 1e9 / N_PREFIXES;
	r->prefixes = t->n_data;
	r->nodes = t->n_nodes;
	r->bytes = ptree_bytes(t);
}

static void
run_match(struct ptree *t, const struct prefix *look, struct run *r)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < N_LOOKUPS; i++)
		if (ptree_match(t, &look[i]) != NULL)
			r->hits++;
	r->ns[MATCH] = (now() - t0) * 1e9 / N_LOOKUPS;
}

static void
run_walk(struct ptree *t, struct run *r)
{
	double t0 = now();

	ptree_walk(t, walk_count, &r->checksum);
	r->ns[WALK] = (now() - t0) * 1e9 / (double)t->n_data;
}

static void
run_delete(struct ptree *t, const struct prefix *pfx, struct run *r)
{
	struct ptree_node *n;
	double t0 = now();
	size_t i;

	for (i = 0; i < N_PREFIXES; i++) {
		if ((n = ptree_find(t, &pfx[i])) == NULL)
			continue;	/* a duplicate, already gone */
		ptree_set_data(t, n, NULL);
		ptree_release(t, n);
	}
	r->ns[DELETE] = (now() - t0) * 1e9 / N_PREFIXES;
	if (t->n_nodes != 0 || t->n_data != 0)
		errx(1, "%zu nodes left after deleting all", t->n_nodes);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(struct run *runs, enum phase ph)
{
	double v[N_RUNS];
	size_t i;

	for (i = 0; i < N_RUNS; i++)
		v[i] = runs[i].ns[ph];
	qsort(v, N_RUNS, sizeof(v[0]), cmp_double);
	return v[N_RUNS / 2];
}

int
main(void)
{
	static struct run runs[N_RUNS];
	struct prefix *pfx, *look;
	struct ptree t;
	struct run *r;
	size_t i;
	int ph;

	if ((pfx = calloc(N_PREFIXES, sizeof(*pfx))) == NULL ||
	    (look = calloc(N_LOOKUPS, sizeof(*look))) == NULL)
		err(1, "calloc");
	for (i = 0; i < N_PREFIXES; i++)
		v4_set(&pfx[i], gen_addr(), rng_pick(len_mix, NELEMS(len_mix)));
	for (i = 0; i < N_LOOKUPS; i++)
		v4_set(&look[i], gen_addr(), 32);

	for (i = 0; i < N_RUNS; i++) {
		r = &runs[i];
		ptree_init(&t, AF_IDX_IPV4);
		run_insert(&t, pfx, r);
		run_match(&t, look, r);
		run_walk(&t, r);
		run_delete(&t, pfx, r);
		ptree_destroy(&t);
		printf("run %zu: insert %.1f match %.1f walk %.1f delete %.1f "
		    "ns/op\n", i + 1, r->ns[INSERT], r->ns[MATCH], r->ns[WALK],
		    r->ns[DELETE]);
	}
	r = &runs[0];
	printf("prefixes %zu (of %d generated), nodes %zu, slab bytes %zu\n",
	    r->prefixes, N_PREFIXES, r->nodes, r->bytes);
	printf("lookups %d, hits %zu (%.1f%%), checksum %llu\n", N_LOOKUPS,
	    r->hits, 100.0 * (double)r->hits / N_LOOKUPS,
	    (unsigned long long)r->checksum);
	for (ph = 0; ph < N_PHASES; ph++)
		printf("%-6s ns/op median %.1f\n", phase_name[ph],
		    median(runs, (enum phase)ph));
	printf("bytes/prefix %.1f\n", (double)r->bytes / (double)r->prefixes);
	printf("nodes/prefix %.3f\n", (double)r->nodes / (double)r->prefixes);
	free(pfx);
	free(look);
	return 0;
}
