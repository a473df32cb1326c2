/*
 * bench_decode: how fast we decode a full IPv4 table as a peer sends it.
 *
 * Builds a synthetic but realistic table with a seeded PRNG (same bytes on
 * every run), encodes it with our own packer into UPDATE messages, then
 * decodes every message several times, walking every prefix, and prints
 * MB/s of UPDATE bytes and prefixes/s. Three sessions: 4-octet AS, 4-octet
 * AS with ADD-PATH, and a 2-octet AS session (AS_TRANS in AS_PATH and the
 * AS4_PATH merge on every 4-octet path). Numbers only, no verdict.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/bgp/msg.h"
#include "../src/bgp/nlri.h"
#include "../src/bgp/update.h"
#include "table_gen.h"

#define SEED		0x9e3779b97f4a7c15ull
#define N_PREFIXES	1000000
#define N_RUNS		9
#define PASSES		4	/* table decodes per timed run */
#define PEER_AS		47065

/* ---- the table ---- */

struct table {
	uint8_t		*buf;		/* UPDATE messages back to back */
	size_t		 len;
	size_t		 cap;
	size_t		 msgs;
	size_t		 prefixes;
	size_t		 sets;
};

static struct bgp_packer packer;

static void
table_append(struct table *t, const struct wbuf *w)
{
	if (w->overflow)
		errx(1, "packer output overflowed");
	if (t->len + w->len > t->cap) {
		t->cap = 2 * (t->cap + w->len);
		if ((t->buf = realloc(t->buf, t->cap)) == NULL)
			err(1, "realloc");
	}
	memcpy(t->buf + t->len, w->p, w->len);
	t->len += w->len;
}

/*
 * The whole table for one session. The same seed gives the same prefixes
 * and attributes for every session, so only the encoding differs.
 */
static void
table_build(struct table *t, const struct bgp_codec_opts *o, bool addpath)
{
	static uint8_t out[2 * BGP_EXT_MAX_LEN];
	uint8_t space[1024];
	struct tg_rng r = { SEED };
	struct bgp_attrs a;
	struct prefix p;
	struct wbuf w, ws;
	unsigned k, i;
	int n;

	memset(t, 0, sizeof(*t));
	memset(&a, 0, sizeof(a));
	while (t->prefixes < N_PREFIXES) {
		wbuf_init(&ws, space, sizeof(space));
		tg_attrs(&r, PEER_AS, &a, &ws);
		k = tg_group_size(&r);
		if (k > N_PREFIXES - t->prefixes)
			k = (unsigned)(N_PREFIXES - t->prefixes);
		wbuf_init(&w, out, sizeof(out));
		bgp_packer_init(&packer, o, AF_IDX_IPV4, &a);
		for (i = 0; i < k; i++) {
			tg_prefix4(&r, &p);
			/* Small path ids, as a route server numbers them. */
			n = bgp_packer_add(&packer, &p, addpath ?
			    1 + i % 4 : 0, &w);
			if (n < 0)
				errx(1, "bgp_packer_add failed");
			t->msgs += (size_t)n;
		}
		t->msgs += (size_t)bgp_packer_flush(&packer, &w);
		table_append(t, &w);
		t->prefixes += k;
		t->sets++;
	}
}

/* ---- decoding ---- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pass {
	size_t		msgs;
	size_t		prefixes;
	size_t		errors;
	uint64_t	sum;		/* keeps the work observable */
};

static void
decode_all(const struct table *t, const struct bgp_codec_opts *o,
    struct bgp_scratch *scratch, struct pass *ps)
{
	static struct bgp_update u;
	struct bgp_header h;
	struct bgp_err e;
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;
	size_t off = 0, len;

	memset(ps, 0, sizeof(*ps));
	while (off + BGP_HEADER_LEN <= t->len) {
		struct rbuf msg;

		len = load_u16(t->buf + off + 16);
		msg = rbuf_make(t->buf + off, len);
		off += len;
		ps->msgs++;
		if (bgp_header_decode(msg, o->max_len, &h, &e) == -1 ||
		    bgp_update_decode(msg, o, &u, scratch, &e) !=
		    BGP_ACT_ACCEPT) {
			ps->errors++;
			continue;
		}
		ps->sum += u.attrs.as_path.len + u.attrs.communities.len;
		nlri_iter_init(&it, u.nlri, AF_IDX_IPV4,
		    o->addpath[AF_IDX_IPV4]);
		while (nlri_iter_next(&it, &p, &id) == 1) {
			ps->prefixes++;
			ps->sum += p.len + p.addr[0] + id;
		}
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench(const char *name, bool as4, bool addpath)
{
	static struct bgp_scratch scratch;
	struct bgp_codec_opts o;
	struct table t;
	struct pass ps;
	double mbs[N_RUNS], pps[N_RUNS], t0, dt;
	uint64_t sum = 0;
	int i, k;

	memset(&o, 0, sizeof(o));
	o.as4 = as4;
	o.addpath[AF_IDX_IPV4] = addpath;
	o.max_len = BGP_MAX_LEN;
	table_build(&t, &o, addpath);

	printf("\n%s\n", name);
	printf("  messages %zu, bytes %zu (%.1f MB), prefixes %zu, "
	    "attribute sets %zu (%.2f prefixes/set, %.1f bytes/prefix)\n",
	    t.msgs, t.len, (double)t.len / 1e6, t.prefixes, t.sets,
	    (double)t.prefixes / (double)t.sets,
	    (double)t.len / (double)t.prefixes);
	for (i = 0; i < N_RUNS; i++) {
		t0 = now();
		for (k = 0; k < PASSES; k++) {
			decode_all(&t, &o, &scratch, &ps);
			sum += ps.sum;
		}
		dt = now() - t0;
		mbs[i] = (double)t.len * PASSES / 1e6 / dt;
		pps[i] = (double)ps.prefixes * PASSES / dt;
		if (i == 0)
			printf("  decoded: messages %zu, prefixes %zu, "
			    "errors %zu\n", ps.msgs, ps.prefixes, ps.errors);
		printf("  run %d: %8.1f MB/s %12.0f prefixes/s (%.3f s)\n",
		    i + 1, mbs[i], pps[i], dt);
	}
	qsort(mbs, N_RUNS, sizeof(mbs[0]), cmp_double);
	qsort(pps, N_RUNS, sizeof(pps[0]), cmp_double);
	printf("  best   %8.1f MB/s %12.0f prefixes/s\n", mbs[N_RUNS - 1],
	    pps[N_RUNS - 1]);
	printf("  median %8.1f MB/s %12.0f prefixes/s\n", mbs[N_RUNS / 2],
	    pps[N_RUNS / 2]);
	printf("  (checksum %llu)\n", (unsigned long long)sum);
	free(t.buf);
}

int
main(void)
{
	printf("bench_decode: synthetic full IPv4 table, %d prefixes, "
	    "seed %#llx\n", N_PREFIXES, (unsigned long long)SEED);
	printf("%d timed runs per session, each decoding the whole table "
	    "%d times\n", N_RUNS, PASSES);
	printf("each run: header + UPDATE decode of every message, then "
	    "every NLRI prefix walked\n");
	printf("target >= 300 MB/s\n");
	bench("4-octet AS session", true, false);
	bench("4-octet AS session, ADD-PATH", true, true);
	bench("2-octet AS session (AS_TRANS, AS4_PATH merge)", false, false);
	return 0;
}
