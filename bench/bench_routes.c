/*
 * bench_routes: the `routes` and `show route json` producers alone, on an
 * S3-shaped RIB built in process (200,000 IPv4 prefixes x 10 paths, the
 * attributes of bench/table_gen.c, one set per path group as bgpfeed
 * sends them, next hops of the upstream formula). No socket, no loop:
 * what producing the JSON costs, and the longest one slice takes.
 *
 * It prints, each the best of 3 runs:
 *   routes_lines  paths/s of the cursor + route_json_line (64 KiB slices,
 *                 each emptied as a client that keeps up would), bytes
 *                 per path, the longest slice in ms
 *   path_cjson    paths/s of one cJSON object per path, printed and
 *                 freed (what `show route json` does per path, as before)
 *
 * usage: bench_routes [PREFIXES [PATHS [lines]]]   (200000 10; lines: not
 * path_cjson)
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/daemon/control_cmds.h"
#include "../src/rib/cursor.h"
#include "../src/rib/route_json.h"
#include "table_gen.h"

#define SLICE	65536

static long long
clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct rib rib;

struct sink {
	struct strbuf	 out;
	size_t		 bytes;
	size_t		 paths;
	struct bgpd	*d;
};

static void
line_visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	struct sink *s = ctx;

	route_json_line(&rib, p, path, best, &s->out);
	s->paths++;
}

static void
cjson_visit(void *ctx, const struct prefix *p, const struct rib_path *path,
    bool best)
{
	struct sink *s = ctx;
	cJSON *o = routes_path_json(s->d, path, best);
	char *t = cJSON_PrintUnformatted(o);

	(void)p;
	strbuf_append(&s->out, t, strlen(t));
	cJSON_free(t);
	cJSON_Delete(o);
	s->paths++;
}

/* One walk in slices; paths/s, and the longest slice in *max_ms. */
static double
walk(rib_cursor_visit_fn visit, struct sink *s, double *max_ms,
    double *bpp)
{
	struct rib_cursor c;
	long long t0 = clock_us(), ts, worst = 0;
	bool more = true;

	s->paths = s->bytes = 0;
	rib_cursor_init(&c, AF_IDX_COUNT, NULL, false);
	while (more) {
		ts = clock_us();
		while (s->out.len < SLICE)
			if (rib_cursor_step(&rib, &c, visit, s) == 0) {
				more = false;
				break;
			}
		s->bytes += s->out.len;
		s->out.len = 0;		/* sent */
		if (clock_us() - ts > worst)
			worst = clock_us() - ts;
	}
	*max_ms = (double)worst / 1000.;
	*bpp = (double)s->bytes / (double)s->paths;
	return (double)s->paths / ((double)(clock_us() - t0) / 1e6);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	unsigned paths = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 10;
	struct tg_rng pr = { 0x5bd1e9955bd1e995ull }, ar = { 42 };
	static uint8_t space[65536];
	struct bgpd d;
	struct sink s;
	struct prefix addr;
	int peer;
	size_t added = 0;

	if (rib_init(&rib, NULL, NULL) != 0)
		return 1;
	addr_parse("100.65.128.1", &addr);
	peer = rib_peer_add(&rib, "seattle01", AF_IDX_IPV4, &addr, 47065,
	    true);
	for (size_t i = 0; i < n; i++) {
		struct prefix p;

		tg_prefix4(&pr, &p);
		for (unsigned k = 0; k < paths; k++) {
			struct bgp_attrs a;
			struct wbuf w;
			uint8_t nh[4] = { 100, 65, (uint8_t)(k / 256),
			    (uint8_t)(1 + k) };
			struct rattrs *ra;

			wbuf_init(&w, space, sizeof(space));
			bgp_attrs_init(&a);
			/* A set shared by about 3 prefixes, as in tables. */
			if (i % 3 == 0 || k > 0)
				ar.s = 42 + (i / 3) * 16 + k;
			tg_attrs(&ar, tg_upstream(k), &a, &w);
			memcpy(a.next_hop, nh, 4);
			ra = rattrs_get(&rib.attrs, &a, AF_IDX_IPV4, nh, NULL);
			if (ra == NULL || rib_update(&rib, peer, &p, k + 1, ra) !=
			    RIB_OK) {
				if (ra != NULL)
					rattrs_put(&rib.attrs, ra);
				continue;
			}
			added++;
		}
	}
	printf("rib prefixes=%zu paths=%zu attribute_sets=%zu\n",
	    rib.tree[0].n_data, rib.n_paths, rib.attrs.count);
	(void)added;
	memset(&d, 0, sizeof(d));
	d.rib = &rib;
	memset(&s, 0, sizeof(s));
	strbuf_init(&s.out);
	s.d = &d;
	{
		double best = 0, mx = 0, bpp = 0, r, m, b;

		for (int run = 0; run < 3; run++) {
			r = walk(line_visit, &s, &m, &b);
			if (r > best) {
				best = r;
				mx = m;
				bpp = b;
			}
		}
		printf("routes_lines paths=%zu paths_per_s=%.0f bytes_per_path="
		    "%.0f max_slice_ms=%.2f\n", s.paths, best, bpp, mx);
		best = 0;
		for (int run = 0; run < 3 && argc <= 3; run++) {
			r = walk(cjson_visit, &s, &m, &b);
			if (r > best) {
				best = r;
				mx = m;
				bpp = b;
			}
		}
		if (argc <= 3)
			printf("path_cjson paths=%zu paths_per_s=%.0f bytes_per_path="
		    "%.0f max_slice_ms=%.2f\n", s.paths, best, bpp, mx);
	}
	strbuf_free(&s.out);
	rib_destroy(&rib);
	return 0;
}
