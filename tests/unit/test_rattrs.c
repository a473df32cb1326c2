/*
 * Interned attribute sets (src/rib/rattrs.h): equal attributes share one
 * set, any difference makes another, references free at zero, the fields
 * best-path selection reads, the round trip through the stored block, and
 * the hash table under growth.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/update.h"
#include "../../src/rib/rattrs.h"
#include "testutil.h"

/* Attributes, each written from its RFC: flags, type, length, value. */
#define A_ORIGIN	"40 01 01 00 "
#define A_ORIGIN_INC	"40 01 01 02 "
#define A_PATH		"40 02 0e 02 03 0000fde8 0000b7d9 fa56ea01 "
#define A_NH		"40 03 04 c0000201 "
#define A_NH2		"40 03 04 c0000202 "
#define A_MED		"80 04 04 00000064 "
#define A_MED2		"80 04 04 00000065 "
#define A_LP		"40 05 04 000000c8 "
#define A_ATOMIC	"40 06 00 "
#define A_AGG8		"c0 07 08 fa56ea01 c0000202 "
#define A_COMM		"c0 08 08 b7d90001 b7d903e9 "
#define A_COMM3		"c0 08 0c b7d90001 b7d903e9 b7d903ea "
#define A_ORIGID	"80 09 04 0a000001 "
#define A_CLUSTER	"80 0a 08 0a000001 0a000002 "
#define A_EXT		"c0 10 08 0002b7d9 00000064 "
#define A_LARGE		"c0 20 0c 0000b7d9 00000001 00000002 "
#define A_UNKNOWN	"e0 f0 03 aabbcc "
#define NH6		"20010db8 00000000 00000000 00000001 "
#define NH6_B		"20010db8 00000000 00000000 00000002 "
#define NH6_LL		"fe800000 00000000 00000000 00000001 "
#define NH6_LL_B	"fe800000 00000000 00000000 00000002 "
#define A_MPREACH(nh)	"80 0e 1c 0002 01 10 " nh "00 30 20010db80001 "
#define A_MPREACH_LL(nh, ll) "80 0e 2c 0002 01 20 " nh ll \
	"00 30 20010db80001 "
#define A_BASE		A_ORIGIN A_PATH A_NH

#define NELEMS(x)	(sizeof(x) / sizeof((x)[0]))
#define N_MANY		100000

/* Messages and their decoded form: views point into the message. */
struct msg {
	uint8_t			buf[1024];
	struct bgp_update	u;
};

static struct msg msgs[8];

static const struct bgp_attrs *
decode_attrs(struct msg *m, const char *attrs, const char *nlri, bool ibgp)
{
	struct bgp_codec_opts o = th_opts(true, ibgp);
	struct bgp_err e;
	enum bgp_action act;
	size_t n;

	n = th_update(m->buf, sizeof(m->buf), "", attrs, nlri);
	bgp_err_clear(&e);
	act = bgp_update_decode(rbuf_make(m->buf, n), &o, &m->u, NULL, &e);
	ck_assert_msg(act == BGP_ACT_ACCEPT, "not accepted: %d %s", act,
	    e.reason != NULL ? e.reason : "");
	return &m->u.attrs;
}

/* The set of a decoded UPDATE with the next hop it carries. */
static struct rattrs *
get_update(struct rattrs_table *t, const struct bgp_attrs *a)
{
	const struct bgp_mp_nlri *mp = &a->mp_reach;

	if (bgp_attr_has(a, BGP_ATTR_MP_REACH))
		return rattrs_get(t, a, AF_IDX_IPV6, mp->nexthop,
		    mp->nh_len == 32 ? mp->nexthop_ll : NULL);
	return rattrs_get(t, a, AF_IDX_IPV4, a->next_hop, NULL);
}

/* ---- sharing and references ---- */

START_TEST(test_rattrs_shared)
{
	struct rattrs_table t;
	const struct bgp_attrs *a, *b;
	struct rattrs *ra, *rb;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	/* Same attributes, another order, other prefixes. */
	a = decode_attrs(&msgs[0], A_BASE A_MED A_COMM A_LARGE, "18 c00002",
	    false);
	b = decode_attrs(&msgs[1], A_LARGE A_COMM A_NH A_MED A_PATH A_ORIGIN,
	    "10 c612 18 c63364", false);
	ra = get_update(&t, a);
	rb = get_update(&t, b);
	ck_assert_ptr_nonnull(ra);
	ck_assert_ptr_eq(ra, rb);
	ck_assert_uint_eq(ra->refs, 2);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_uint_eq(t.lookups, 2);
	ck_assert_uint_eq(t.hits, 1);
	ck_assert_uint_eq(t.bytes, rattrs_size(ra));

	rattrs_ref(ra);
	ck_assert_uint_eq(ra->refs, 3);
	rattrs_put(&t, ra);
	rattrs_put(&t, rb);
	ck_assert_uint_eq(ra->refs, 1);
	ck_assert_uint_eq(t.count, 1);
	rattrs_put(&t, ra);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.bytes, 0);
	rattrs_put(&t, NULL);

	/* Freed means gone: the same attributes make a new set. */
	ra = get_update(&t, a);
	ck_assert_uint_eq(ra->refs, 1);
	ck_assert_uint_eq(t.hits, 1);
	rattrs_put(&t, ra);
	ck_assert_uint_eq(t.count, 0);
	rattrs_table_destroy(&t);
}
END_TEST

/* Every one differs from every other in one thing. */
static const struct {
	const char	*attrs;
	const char	*what;
} distinct[] = {
	{ A_BASE A_MED A_COMM,				"base" },
	{ A_BASE A_MED A_COMM3,				"one more community" },
	{ A_BASE A_MED2 A_COMM,				"another MED" },
	{ A_BASE A_COMM,				"no MED" },
	{ A_ORIGIN A_PATH A_NH2 A_MED A_COMM,		"another NEXT_HOP" },
	{ A_ORIGIN_INC A_PATH A_NH A_MED A_COMM,	"another ORIGIN" },
	{ A_BASE A_MED A_COMM A_UNKNOWN,		"an unknown attribute" },
	{ A_MPREACH(NH6) A_ORIGIN A_PATH A_MED A_COMM,	"IPv6" },
	{ A_MPREACH(NH6_B) A_ORIGIN A_PATH A_MED A_COMM, "another IPv6 hop" },
	{ A_MPREACH_LL(NH6, NH6_LL) A_ORIGIN A_PATH A_MED A_COMM,
							"a link-local hop" },
	{ A_MPREACH_LL(NH6, NH6_LL_B) A_ORIGIN A_PATH A_MED A_COMM,
							"another link-local" },
};

START_TEST(test_rattrs_distinct)
{
	struct rattrs_table t;
	struct rattrs *ra[NELEMS(distinct)];
	size_t i, j;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	for (i = 0; i < NELEMS(distinct); i++) {
		ra[i] = get_update(&t, decode_attrs(&msgs[0],
		    distinct[i].attrs, "", false));
		ck_assert_ptr_nonnull(ra[i]);
		ck_assert_uint_eq(ra[i]->refs, 1);
		for (j = 0; j < i; j++)
			ck_assert_msg(ra[i] != ra[j], "%s shares with %s",
			    distinct[i].what, distinct[j].what);
	}
	ck_assert_uint_eq(t.count, NELEMS(distinct));
	ck_assert_uint_eq(t.hits, 0);
	/* The UPDATEs are gone: the sets hold their own copies. */
	memset(msgs, 0, sizeof(msgs));
	ck_assert(ra[9]->flags & RATTRS_HAS_NEXTHOP_LL);
	ck_assert(!(ra[8]->flags & RATTRS_HAS_NEXTHOP_LL));
	ck_assert_mem_eq(rattrs_nexthop_ll(ra[10]),
	    "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	for (i = 0; i < NELEMS(distinct); i++)
		rattrs_put(&t, ra[i]);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.bytes, 0);
	rattrs_table_destroy(&t);
}
END_TEST

/* The same attributes under other next hops or families. */
START_TEST(test_rattrs_nexthop_param)
{
	static const uint8_t nh_a[16] = { 192, 0, 2, 1 };
	static const uint8_t nh_b[16] = { 192, 0, 2, 2 };
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t zero[16];
	struct rattrs_table t;
	const struct bgp_attrs *a;
	struct rattrs *r[6];
	size_t i, j;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	a = decode_attrs(&msgs[0], A_BASE A_COMM, "", false);
	r[0] = rattrs_get(&t, a, AF_IDX_IPV4, nh_a, NULL);
	r[1] = rattrs_get(&t, a, AF_IDX_IPV4, nh_b, NULL);
	r[2] = rattrs_get(&t, a, AF_IDX_IPV6, nh_a, NULL);
	r[3] = rattrs_get(&t, a, AF_IDX_IPV6, nh_a, ll);
	/* An all-zero link-local is still one: not the same as none. */
	r[4] = rattrs_get(&t, a, AF_IDX_IPV6, nh_a, zero);
	/* Only the family's width counts: bytes past 4 are not read. */
	r[5] = rattrs_get(&t, a, AF_IDX_IPV4, (const uint8_t *)"\xc0\0\2\1"
	    "\xff\xff", NULL);
	for (i = 0; i < 5; i++)
		for (j = 0; j < i; j++)
			ck_assert_ptr_ne(r[i], r[j]);
	ck_assert_ptr_eq(r[5], r[0]);
	ck_assert_uint_eq(r[0]->refs, 2);
	ck_assert_uint_eq(t.count, 5);
	ck_assert_mem_eq(rattrs_nexthop(r[2]), nh_a, 16);
	ck_assert_uint_eq(r[2]->nh_len, 16);
	ck_assert_uint_eq(r[3]->nh_len, 32);
	ck_assert_uint_eq(r[0]->nh_len, 4);
	ck_assert_uint_eq(r[2]->af, AF_IDX_IPV6);

	/* No such family: nothing is made. */
	ck_assert_ptr_null(rattrs_get(&t, a, AF_IDX_COUNT, nh_a, NULL));
	ck_assert_uint_eq(t.count, 5);
	for (i = 0; i < 6; i++)
		rattrs_put(&t, r[i]);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.bytes, 0);
	rattrs_table_destroy(&t);
}
END_TEST

/* A block past 65535 bytes cannot be kept (ra->len is 16 bits). */
START_TEST(test_rattrs_too_long)
{
	struct rattrs_table t;
	struct bgp_attrs a;
	uint8_t *path;
	size_t len = 70000;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	path = calloc(1, len);
	ck_assert_ptr_nonnull(path);
	bgp_attrs_init(&a);
	a.as_path = rbuf_make(path, len);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	ck_assert_ptr_null(rattrs_get(&t, &a, AF_IDX_IPV4, path, NULL));
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.bytes, 0);
	free(path);
	rattrs_table_destroy(&t);
}
END_TEST

/* ---- what best-path selection reads ---- */

static const struct {
	const char	*attrs;
	bool		 ibgp;
	uint32_t	 local_pref;
	uint32_t	 med;
	uint8_t		 flags;
	uint8_t		 origin;
	uint32_t	 neighbor_as;
	uint16_t	 path_len;
} best[] = {
	{ A_BASE, false, 100, 0, 0, BGP_ORIGIN_IGP, 65000, 3 },
	{ A_BASE A_LP, true, 200, 0, RATTRS_HAS_LOCAL_PREF,
	    BGP_ORIGIN_IGP, 65000, 3 },
	{ A_BASE A_MED, false, 100, 100, RATTRS_HAS_MED, BGP_ORIGIN_IGP,
	    65000, 3 },
	/* A MED of 0 is still a MED. */
	{ A_BASE "80 04 04 00000000 ", false, 100, 0, RATTRS_HAS_MED,
	    BGP_ORIGIN_IGP, 65000, 3 },
	{ A_ORIGIN_INC A_PATH A_NH A_MED A_LP, true, 200, 100,
	    RATTRS_HAS_MED | RATTRS_HAS_LOCAL_PREF, BGP_ORIGIN_INCOMPLETE,
	    65000, 3 },
	/* 4-octet neighbor; the AS_SET counts one (RFC 4271 9.1.2.2). */
	{ A_ORIGIN "40 02 18 02 02 fa56ea01 0000b7d9 "
	    "01 03 00000001 00000002 00000003 " A_NH, false, 100, 0, 0,
	    BGP_ORIGIN_IGP, 4200000001u, 3 },
	/* Prepending counts; a leading AS_SET has no neighbor AS. */
	{ A_ORIGIN "40 02 18 01 02 00000001 00000002 "
	    "02 03 0000b7d9 0000b7d9 0000b7d9 " A_NH, false, 100, 0, 0,
	    BGP_ORIGIN_IGP, 0, 4 },
	/* Our own route inside the AS: empty path. */
	{ A_ORIGIN "40 02 00 " A_NH, true, 100, 0, 0, BGP_ORIGIN_IGP, 0, 0 },
	/* Confederation segments count zero (RFC 5065 5.3). */
	{ A_ORIGIN "40 02 10 03 01 0000fc00 02 02 0000fde8 0000b7d9 " A_NH,
	    true, 100, 0, 0, BGP_ORIGIN_IGP, 65000, 2 },
};

START_TEST(test_rattrs_best_fields)
{
	struct rattrs_table t;
	struct rattrs *ra;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	ra = get_update(&t, decode_attrs(&msgs[0], best[_i].attrs, "",
	    best[_i].ibgp));
	ck_assert_ptr_nonnull(ra);
	ck_assert_uint_eq(ra->local_pref, best[_i].local_pref);
	ck_assert_uint_eq(ra->med, best[_i].med);
	/* ORIGIN (and the NEXT_HOP, the next hop) are the header's too. */
	ck_assert_uint_eq(ra->flags, best[_i].flags | RATTRS_HAS_ORIGIN |
	    RATTRS_HAS_NEXT_HOP);
	ck_assert_uint_eq(ra->origin, best[_i].origin);
	ck_assert_uint_eq(ra->neighbor_as, best[_i].neighbor_as);
	ck_assert_uint_eq(ra->path_len, best[_i].path_len);
	ck_assert_uint_eq(ra->af, AF_IDX_IPV4);
	ck_assert_mem_eq(rattrs_nexthop(ra), "\xc0\0\2\1", 4);
	ck_assert_uint_eq(ra->nh_len, 4);
	rattrs_put(&t, ra);
	rattrs_table_destroy(&t);
}
END_TEST

/* ---- the stored block back ---- */

static void
assert_rbuf_eq(struct rbuf a, struct rbuf b, const char *what)
{
	ck_assert_msg(rbuf_equal(a, b), "%s differs", what);
}

/* Field by field, what the block keeps (next hops and NLRI it does not). */
static void
assert_attrs_eq(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	uint8_t px[32], py[32];

	memcpy(px, x->present, 32);
	memcpy(py, y->present, 32);
	px[BGP_ATTR_MP_REACH >> 3] &= (uint8_t)~(3u << (BGP_ATTR_MP_REACH & 7));
	ck_assert_mem_eq(px, py, 32);
	if (bgp_attr_has(x, BGP_ATTR_ORIGIN))
		ck_assert_uint_eq(x->origin, y->origin);
	if (bgp_attr_has(x, BGP_ATTR_AS_PATH))
		assert_rbuf_eq(x->as_path, y->as_path, "AS_PATH");
	if (bgp_attr_has(x, BGP_ATTR_NEXT_HOP))
		ck_assert_mem_eq(x->next_hop, y->next_hop, 4);
	if (bgp_attr_has(x, BGP_ATTR_MED))
		ck_assert_uint_eq(x->med, y->med);
	if (bgp_attr_has(x, BGP_ATTR_LOCAL_PREF))
		ck_assert_uint_eq(x->local_pref, y->local_pref);
	if (bgp_attr_has(x, BGP_ATTR_AGGREGATOR)) {
		ck_assert_uint_eq(x->aggregator_as, y->aggregator_as);
		ck_assert_mem_eq(x->aggregator_addr, y->aggregator_addr, 4);
	}
	if (bgp_attr_has(x, BGP_ATTR_COMMUNITIES))
		assert_rbuf_eq(x->communities, y->communities, "COMMUNITIES");
	if (bgp_attr_has(x, BGP_ATTR_ORIGINATOR_ID))
		ck_assert_uint_eq(x->originator_id, y->originator_id);
	if (bgp_attr_has(x, BGP_ATTR_CLUSTER_LIST))
		assert_rbuf_eq(x->cluster_list, y->cluster_list, "CLUSTER_LIST");
	if (bgp_attr_has(x, BGP_ATTR_EXT_COMMUNITIES))
		assert_rbuf_eq(x->ext_communities, y->ext_communities,
		    "EXT_COMMUNITIES");
	if (bgp_attr_has(x, BGP_ATTR_LARGE_COMMUNITIES))
		assert_rbuf_eq(x->large_communities, y->large_communities,
		    "LARGE_COMMUNITIES");
	ck_assert_uint_eq(x->n_unknown, y->n_unknown);
	for (unsigned i = 0; i < x->n_unknown; i++) {
		ck_assert_uint_eq(x->unknown[i].flags, y->unknown[i].flags);
		ck_assert_uint_eq(x->unknown[i].type, y->unknown[i].type);
		assert_rbuf_eq(x->unknown[i].value, y->unknown[i].value,
		    "unknown attribute");
	}
}

static const char *const roundtrip[] = {
	A_ORIGIN_INC A_PATH A_NH A_MED A_LP A_ATOMIC A_AGG8 A_COMM A_ORIGID
	    A_CLUSTER A_EXT A_LARGE A_UNKNOWN,
	A_MPREACH_LL(NH6, NH6_LL) A_ORIGIN A_PATH A_LARGE A_COMM,
	A_BASE,
};

START_TEST(test_rattrs_decode_roundtrip)
{
	static struct bgp_attrs out, again;
	uint8_t block[4096], block2[4096];
	struct rattrs_table t;
	const struct bgp_attrs *a;
	struct rattrs *ra;
	struct bgp_err e;
	struct wbuf w, w2;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	a = decode_attrs(&msgs[0], roundtrip[_i], "", true);
	ra = get_update(&t, a);
	ck_assert_ptr_nonnull(ra);
	ck_assert_int_eq(rattrs_decode(ra, &out), 0);
	assert_attrs_eq(a, &out);
	/* Views into the set itself, not into the message. */
	ck_assert(out.as_path.p >= ra->data &&
	    out.as_path.p < ra->data + ra->nh_len + ra->len);

	/* The decoded set encodes to the same bytes and interns to itself;
	 * what the header holds (ORIGIN, NEXT_HOP, MED, LOCAL_PREF) is not
	 * kept twice. */
	wbuf_init(&w, block, sizeof(block));
	bgp_attrs_encode_block(&w, &out);
	wbuf_init(&w2, block2, sizeof(block2));
	bgp_attrs_encode_block(&w2, a);
	ck_assert(!w.overflow && !w2.overflow);
	ck_assert_uint_eq(w.len, w2.len);
	ck_assert_mem_eq(block, block2, w.len);
	ck_assert_uint_lt(ra->len, w.len);
	ck_assert_ptr_eq(get_update(&t, a), ra);
	ck_assert_uint_eq(ra->refs, 2);

	/* A corrupted block is refused, not misread. */
	ck_assert_int_eq(bgp_attrs_decode_block(rbuf_make(ra->data +
	    ra->nh_len, ra->len), &again, &e), BGP_ACT_ACCEPT);
	ra->data[ra->nh_len + 2] = 0xff;	/* AS_PATH's length */
	ck_assert_int_eq(rattrs_decode(ra, &out), -1);
	rattrs_table_destroy(&t);
}
END_TEST

/* ---- the table under load ---- */

static uint8_t many_path[] = { 2, 2, 0, 0, 0xfd, 0xe8, 0, 0, 0xb7, 0xd9 };

/* Sets differing in one number: what kind of number by `kind`. */
static struct rattrs *
get_many(struct rattrs_table *t, unsigned kind, uint32_t i)
{
	struct bgp_attrs a;
	uint8_t comm[8], nh[16] = { 0x20, 0x01, 0x0d, 0xb8 }, ll[16] = { 0xfe,
	    0x80 };

	bgp_attrs_init(&a);
	a.origin = BGP_ORIGIN_IGP;
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	a.as_path = rbuf_make(many_path, sizeof(many_path));
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	memcpy(a.next_hop, "\xc0\0\2\1", 4);
	bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
	switch (kind) {
	case 0:
		a.med = i;
		bgp_attr_set(&a, BGP_ATTR_MED);
		break;
	case 1:
		memcpy(comm, "\xb7\xd9\0\1", 4);
		comm[4] = (uint8_t)(i >> 24);
		comm[5] = (uint8_t)(i >> 16);
		comm[6] = (uint8_t)(i >> 8);
		comm[7] = (uint8_t)i;
		a.communities = rbuf_make(comm, sizeof(comm));
		bgp_attr_set(&a, BGP_ATTR_COMMUNITIES);
		break;
	case 2:
		nh[0] = 10;
		nh[1] = (uint8_t)(i >> 16);
		nh[2] = (uint8_t)(i >> 8);
		nh[3] = (uint8_t)i;
		return rattrs_get(t, &a, AF_IDX_IPV4, nh, NULL);
	case 3:
		ll[13] = (uint8_t)(i >> 16);
		ll[14] = (uint8_t)(i >> 8);
		ll[15] = (uint8_t)i;
		return rattrs_get(t, &a, AF_IDX_IPV6, nh, ll);
	}
	return rattrs_get(t, &a, AF_IDX_IPV4, a.next_hop, NULL);
}

START_TEST(test_rattrs_growth)
{
	struct rattrs_table t;
	struct rattrs **r;
	size_t bytes;
	uint32_t i;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	r = calloc(N_MANY, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	for (i = 0; i < N_MANY; i++) {
		r[i] = get_many(&t, 0, i);
		ck_assert_ptr_nonnull(r[i]);
		ck_assert_uint_eq(r[i]->med, i);
	}
	ck_assert_uint_eq(t.count, N_MANY);
	ck_assert_uint_eq(t.hits, 0);
	bytes = t.bytes;
	ck_assert_uint_eq(bytes, N_MANY * rattrs_size(r[0]));

	/* Every one found again after the resizes. */
	for (i = 0; i < N_MANY; i++) {
		ck_assert_ptr_eq(get_many(&t, 0, i), r[i]);
		ck_assert_uint_eq(r[i]->refs, 2);
	}
	ck_assert_uint_eq(t.count, N_MANY);
	ck_assert_uint_eq(t.bytes, bytes);
	ck_assert_uint_eq(t.lookups, 2 * N_MANY);
	ck_assert_uint_eq(t.hits, N_MANY);

	/* Dropping half the references frees nothing; the rest frees all,
	 * in an order unlike insertion's. */
	for (i = 0; i < N_MANY; i++)
		rattrs_put(&t, r[i]);
	ck_assert_uint_eq(t.count, N_MANY);
	for (i = 0; i < N_MANY; i++)
		rattrs_put(&t, r[(i * 7919u) % N_MANY]);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(t.bytes, 0);
	{
		struct rattrs_probes p;

		rattrs_table_probes(&t, &p);
		ck_assert_uint_eq(p.sets, 0);
	}
	free(r);
	rattrs_table_destroy(&t);
}
END_TEST

/*
 * 100k sets differing in one number: sets sit as near their hash's slot
 * as a random function puts them. With linear probing at load a, a set
 * is on average (1 + 1/(1 - a)) / 2 slots from it, counting its own
 * (Knuth); a hash that loses input bits makes clusters far past that.
 * The table is at most 4/5 full, and destroyed with every set still
 * referenced.
 */
START_TEST(test_rattrs_hash_quality)
{
	struct rattrs_table t;
	struct rattrs_probes p;
	double load, expect;
	uint32_t i;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	for (i = 0; i < N_MANY; i++)
		ck_assert_ptr_nonnull(get_many(&t, (unsigned)_i, i));
	ck_assert_uint_eq(t.count, N_MANY);
	rattrs_table_probes(&t, &p);
	ck_assert_uint_eq(p.sets, N_MANY);
	load = (double)p.sets / (double)p.slots;
	ck_assert_msg(load <= 0.8, "kind %d: load %.2f", _i, load);
	expect = (1. + 1. / (1. - load)) / 2.;
	ck_assert_msg(p.mean < expect * 1.1, "kind %d: %.2f slots away on "
	    "average at load %.2f, %.2f expected", _i, p.mean, load, expect);
	ck_assert_msg(p.max < 200, "kind %d: a set %zu slots away", _i,
	    p.max);
	rattrs_table_destroy(&t);
	ck_assert_uint_eq(t.count, 0);
}
END_TEST

/*
 * Growing moves the old table a few slots per call: sets announced,
 * found, and released while it moves are all found or gone, none
 * twice, none lost.
 */
START_TEST(test_rattrs_growing)
{
	struct rattrs_table t;
	struct rattrs **r;
	struct rattrs_probes p;
	uint32_t i, j;

	ck_assert_int_eq(rattrs_table_init(&t), 0);
	ck_assert_ptr_nonnull(r = calloc(N_MANY, sizeof(*r)));
	for (i = 0; i < N_MANY; i++) {
		ck_assert_ptr_nonnull(r[i] = get_many(&t, 0, i));
		/* One of the earlier ones found again, one released and
		 * announced anew: whichever table holds it. */
		j = (i * 7919u) % (i + 1);
		ck_assert_ptr_eq(get_many(&t, 0, j), r[j]);
		rattrs_put(&t, r[j]);
		if (i % 3 == 0 && j != i) {
			rattrs_put(&t, r[j]);
			ck_assert_ptr_nonnull(r[j] = get_many(&t, 0, j));
		}
	}
	ck_assert_uint_eq(t.count, N_MANY);
	for (i = 0; i < N_MANY; i++)
		ck_assert_ptr_eq(get_many(&t, 0, i), r[i]);
	for (i = 0; i < N_MANY; i++)
		rattrs_put(&t, r[i]);
	/* All but 1000 go; new ones take the tombstones' places. */
	for (i = 1000; i < N_MANY; i++)
		rattrs_put(&t, r[i]);
	for (i = 0; i < 1000; i++)
		ck_assert_ptr_nonnull(get_many(&t, 1, i));
	ck_assert_uint_eq(t.count, 2000);
	rattrs_table_probes(&t, &p);
	ck_assert_uint_eq(p.sets, 2000);
	free(r);
	rattrs_table_destroy(&t);
}
END_TEST

Suite *
rattrs_suite(void)
{
	Suite *s = suite_create("rattrs");
	TCase *tc = tcase_create("rattrs");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rattrs_shared);
	tcase_add_test(tc, test_rattrs_distinct);
	tcase_add_test(tc, test_rattrs_nexthop_param);
	tcase_add_test(tc, test_rattrs_too_long);
	tcase_add_loop_test(tc, test_rattrs_best_fields, 0, (int)NELEMS(best));
	tcase_add_loop_test(tc, test_rattrs_decode_roundtrip, 0,
	    (int)NELEMS(roundtrip));
	tcase_add_test(tc, test_rattrs_growth);
	tcase_add_loop_test(tc, test_rattrs_hash_quality, 0, 4);
	tcase_add_test(tc, test_rattrs_growing);
	suite_add_tcase(s, tc);
	return s;
}
