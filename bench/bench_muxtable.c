/*
 * bench_muxtable: what a per-mux table (peertable.h) costs the daemon, no
 * kernel involved (bench_kroute --gateway has the kernel's side).
 *
 * A RIB gets N IPv4 prefixes (table_gen's length mix, 1M by default) from
 * three sessions: mux A with two ADD-PATH paths each, muxes B and C with
 * one. Timed: every rib_update with no table (the RIB alone), and the
 * same into a fresh RIB where a peertable follows mux A (its best per
 * prefix kept, no kernel sync), alternately RUNS times, the least of
 * each; then withdrawing A's better path of every
 * prefix (each a pass over the prefix's paths of A). Memory: the
 * peertable's trees, per prefix of A. Numbers only, no verdict.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "table_gen.h"
#include "../src/bgp/aspath.h"
#include "../src/lib/log.h"
#include "../src/rib/peertable.h"

#define N_DEFAULT	1000000
#define SEED		0x6d75787461626c65ull
#define RUNS		3

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An attribute set: AS path "as 64500", next hop 100.69.0.nh. */
static struct rattrs *
attrs(struct rib *r, uint32_t as, uint8_t nh)
{
	uint8_t pathbuf[64], hop[4] = { 100, 69, 0, nh };
	char text[32];
	struct bgp_attrs a;
	struct wbuf w;

	bgp_attrs_init(&a);
	wbuf_init(&w, pathbuf, sizeof(pathbuf));
	snprintf(text, sizeof(text), "%u 64500", as);
	if (aspath_parse_text(text, &w) != 0)
		errx(1, "aspath");
	a.as_path = rbuf_make(pathbuf, w.len);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	memcpy(a.next_hop, hop, 4);
	bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
	return rattrs_get(&r->attrs, &a, AF_IDX_IPV4, hop, NULL);
}

struct feed {
	int		 peer[3];
	struct rattrs	*ra[4];
};

static void
setup(struct rib *r, struct feed *f)
{
	static const char *const names[] = { "a", "b", "c" };
	struct prefix addr;

	if (rib_init(r, NULL, NULL) == -1)
		errx(1, "rib_init");
	for (int i = 0; i < 3; i++) {
		if (addr_parse(i == 0 ? "100.69.128.1" : i == 1 ?
		    "100.65.128.1" : "100.66.128.1", &addr) == -1)
			errx(1, "address");
		f->peer[i] = rib_peer_add(r, names[i], AF_IDX_IPV4, &addr,
		    47065, true);
		rib_peer_set_router_id(r, f->peer[i], (uint32_t)i + 1);
	}
	f->ra[0] = attrs(r, 174, 2);	/* A's better */
	f->ra[1] = attrs(r, 3356, 1);	/* A's other (longer below) */
	f->ra[2] = attrs(r, 1299, 9);
	f->ra[3] = attrs(r, 6939, 9);
}

static void
teardown(struct rib *r, struct feed *f)
{
	for (int i = 0; i < 4; i++)
		rattrs_put(&r->attrs, f->ra[i]);
	rib_destroy(r);
}

/* Every prefix into r; seconds. */
static double
ingest(struct rib *r, const struct feed *f, const struct prefix *p, size_t n)
{
	double t0 = now_s();

	for (size_t i = 0; i < n; i++) {
		rib_update(r, f->peer[0], &p[i], 1, f->ra[0]);
		rib_update(r, f->peer[0], &p[i], 2, f->ra[1]);
		rib_update(r, f->peer[1], &p[i], 0, f->ra[2]);
		rib_update(r, f->peer[2], &p[i], 0, f->ra[3]);
	}
	return now_s() - t0;
}

int
main(int argc, char **argv)
{
	struct tg_rng rng = { SEED };
	size_t n = N_DEFAULT, bytes, prefixes, i;
	struct kroute_stats st;
	struct peertable *pt;
	struct prefix *p;
	struct feed f;
	struct rib r;
	double base, with, wd;

	if (argc == 3 && strcmp(argv[1], "--routes") == 0)
		n = strtoul(argv[2], NULL, 10);
	else if (argc != 1)
		errx(2, "usage: bench_muxtable [--routes N]");
	log_open(NULL, LOG_LEVEL_WARN);
	if ((p = calloc(n, sizeof(*p))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++)
		tg_prefix4(&rng, &p[i]);

	base = with = 1e9;
	for (int run = 0; run < RUNS; run++) {
		double t;

		setup(&r, &f);
		if ((t = ingest(&r, &f, p, n)) < base)
			base = t;
		teardown(&r, &f);
		setup(&r, &f);
		if ((pt = peertable_new(&r)) == NULL)
			errx(1, "peertable_new");
		peertable_set_peer(pt, AF_IDX_IPV4, f.peer[0]);
		if ((t = ingest(&r, &f, p, n)) < with)
			with = t;
		if (run == RUNS - 1)
			break;
		peertable_free(pt);
		teardown(&r, &f);
	}
	peertable_get_stats(pt, &st, &bytes, &prefixes);
	printf("bench muxtable ingest paths=%zu rib_only_ns_per_path=%.0f "
	    "with_table_ns_per_path=%.0f rib_prefixes=%zu\n", 4 * n,
	    base * 1e9 / (4. * n), with * 1e9 / (4. * n), r.tree[0].n_data);
	printf("bench muxtable memory prefixes=%zu tree_bytes=%zu "
	    "bytes_per_prefix=%.1f\n", prefixes, bytes,
	    prefixes ? (double)bytes / (double)prefixes : 0.);
	wd = now_s();
	for (i = 0; i < n; i++)
		rib_withdraw(&r, f.peer[0], &p[i], 1);
	wd = now_s() - wd;
	peertable_get_stats(pt, &st, &bytes, &prefixes);
	printf("bench muxtable withdraw_best paths=%zu ns_per_path=%.0f "
	    "prefixes=%zu\n", n, wd * 1e9 / (double)n, prefixes);
	peertable_free(pt);
	teardown(&r, &f);
	free(p);
	return 0;
}
