/*
 * The path attribute table (src/bgp/attr.c): every row is complete, and a
 * sample of every attribute goes through decode and encode unchanged, and
 * reaches its JSON and text writers. A new row without a sample here
 * fails test_every_row_has_a_sample.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../src/bgp/attr.h"
#include "../../src/bgp/format.h"
#include "../../src/bgp/msg_json.h"
#include "testutil.h"

#define A_ORIGIN	"40 01 01 00 "
#define A_PATH4		"40 02 0e 02 03 0000fde8 0000b7d9 fa56ea01 "
#define A_PATH2		"40 02 04 02 01 fde8 "
#define A_NH		"40 03 04 c0000201 "
#define BASE4		A_ORIGIN A_PATH4 A_NH
#define BASE2		A_ORIGIN A_PATH2 A_NH
#define NH6		"20010db8 00000000 00000000 00000001 "
#define NLRI		"18 c00002 "

/* One attribute in canonical UPDATEs: the attribute block (with what it
 * needs beside it), the NLRI, and whether the session has 4-octet ASes. */
struct sample {
	uint8_t		 type;
	bool		 as4;
	const char	*attrs;
	const char	*nlri;
};

static const struct sample samples[] = {
	{ BGP_ATTR_ORIGIN, true, BASE4, NLRI },
	{ BGP_ATTR_AS_PATH, true, A_ORIGIN
	    "40 02 10 01 01 0000fde9 02 02 0000fde8 fa56ea01 ", "" },
	{ BGP_ATTR_NEXT_HOP, true, BASE4, NLRI },
	{ BGP_ATTR_MED, true, BASE4 "80 04 04 00000064 ", NLRI },
	{ BGP_ATTR_LOCAL_PREF, true, BASE4 "40 05 04 000000c8 ", NLRI },
	{ BGP_ATTR_ATOMIC_AGGREGATE, true, BASE4 "40 06 00 ", NLRI },
	{ BGP_ATTR_AGGREGATOR, true, BASE4 "c0 07 08 fa56ea01 c0000202 ",
	    NLRI },
	{ BGP_ATTR_COMMUNITIES, true, BASE4 "c0 08 08 b7d90001 b7d903e9 ",
	    NLRI },
	{ BGP_ATTR_ORIGINATOR_ID, true, BASE4 "80 09 04 0a000001 ", NLRI },
	{ BGP_ATTR_CLUSTER_LIST, true, BASE4 "80 0a 08 0a000001 0a000002 ",
	    NLRI },
	{ BGP_ATTR_MP_REACH, true, "80 0e 1c 0002 01 10 " NH6
	    "00 30 20010db80001 " A_ORIGIN A_PATH4, "" },
	{ BGP_ATTR_MP_UNREACH, true, "80 0f 0a 0002 01 30 20010db80002 ", "" },
	{ BGP_ATTR_EXT_COMMUNITIES, true, BASE4
	    "c0 10 10 0002b7d9 00000064 0102c000 02010007 ", NLRI },
	/* An old speaker: AS_TRANS in the path, the real one in AS4_PATH;
	 * decoding merges them, encoding for it splits them again. */
	{ BGP_ATTR_AS4_PATH, false, A_ORIGIN "40 02 06 02 02 fde8 5ba0 " A_NH
	    "c0 11 0a 02 02 0000fde8 fa56ea01 ", NLRI },
	{ BGP_ATTR_AS4_AGGREGATOR, false, BASE2 "c0 07 06 5ba0 c0000202 "
	    "c0 12 08 fa56ea01 c0000202 ", NLRI },
	{ BGP_ATTR_LARGE_COMMUNITIES, true, BASE4
	    "c0 20 0c 0000b7d9 00000001 00000002 ", NLRI },
};

#define N_SAMPLES	(sizeof(samples) / sizeof(samples[0]))

static const struct sample *
sample_of(unsigned type)
{
	for (size_t i = 0; i < N_SAMPLES; i++)
		if (samples[i].type == type)
			return &samples[i];
	return NULL;
}

/* Every row: a name, a length rule whose note names it, flags that are
 * only the Optional and Transitive bits, its functions, a unique rank. */
START_TEST(test_rows_complete)
{
	unsigned rows = 0;
	bool rank_used[256] = { false };

	ck_assert_uint_ge(attr_table_size, BGP_ATTR_LARGE_COMMUNITIES + 1);
	for (unsigned t = 0; t < attr_table_size; t++) {
		const struct attr_def *d = attr_def_get(t);

		if (d == NULL) {
			/* A row without a decoder must be empty. */
			ck_assert_ptr_null(attr_table[t].name);
			ck_assert_ptr_null(attr_table[t].encode);
			ck_assert_ptr_null(attr_table[t].json);
			ck_assert_str_eq(bgp_attr_type_name(t), "unknown");
			continue;
		}
		rows++;
		ck_assert_ptr_nonnull(d->name);
		ck_assert_uint_gt(strlen(d->name), 0);
		ck_assert_str_eq(bgp_attr_type_name(t), d->name);
		ck_assert_uint_eq(d->flags & ~(BGP_ATTR_FLAG_OPTIONAL |
		    BGP_ATTR_FLAG_TRANSITIVE), 0);
		if (d->len.kind == ATTR_LEN_DECODER)
			ck_assert_ptr_null(d->len.reason);
		else {
			ck_assert_ptr_nonnull(d->len.reason);
			ck_assert_msg(strncmp(d->len.reason, d->name,
			    strlen(d->name)) == 0, "%s: %s", d->name,
			    d->len.reason);
		}
		if (d->len.kind == ATTR_LEN_LIST)
			ck_assert_uint_gt(d->len.n, 0);
		ck_assert_ptr_nonnull(d->encode);
		ck_assert_ptr_nonnull(d->equal);
		/* Only a derived attribute may have no JSON of its own. */
		ck_assert(d->json != NULL || (d->props & ATTR_P_DERIVED));
		ck_assert(d->text_key == NULL || d->text != NULL);
		ck_assert(d->malformed != BGP_ACT_ACCEPT);
		ck_assert(d->bad_flags != BGP_ACT_ACCEPT);
		ck_assert_uint_ne(d->subcode, 0);
		ck_assert_uint_gt(d->rank, 0);
		ck_assert_msg(!rank_used[d->rank], "%s: rank %u twice",
		    d->name, d->rank);
		rank_used[d->rank] = true;
	}
	ck_assert_uint_eq(rows, 16);
	ck_assert_ptr_null(attr_def_get(attr_table_size));
	ck_assert_ptr_null(attr_def_get(255));
}
END_TEST

START_TEST(test_every_row_has_a_sample)
{
	for (unsigned t = 0; t < attr_table_size; t++)
		if (attr_def_get(t) != NULL)
			ck_assert_msg(sample_of(t) != NULL,
			    "attribute %u (%s) has no sample here", t,
			    attr_def_get(t)->name);
}
END_TEST

static struct bgp_scratch scratch;

static void
decode_sample(const struct sample *s, const uint8_t *msg, size_t len,
    struct bgp_update *u)
{
	struct bgp_codec_opts o = th_opts(s->as4, true);
	struct bgp_err e;
	enum bgp_action act;

	bgp_err_clear(&e);
	act = bgp_update_decode(rbuf_make(msg, len), &o, u, &scratch, &e);
	ck_assert_msg(act == BGP_ACT_ACCEPT, "%s: %s",
	    bgp_attr_type_name(s->type), e.reason ? e.reason : "?");
}

/* decode then encode gives the same bytes; decoding those gives an
 * equal update (bgp_update_equal goes through every row's comparison). */
START_TEST(test_sample_round_trip)
{
	const struct sample *s = &samples[_i];
	struct bgp_codec_opts o = th_opts(s->as4, true);
	static struct bgp_update u, u2;
	static struct bgp_scratch scratch2;
	uint8_t msg[4096], out[4096];
	size_t len = th_update(msg, sizeof(msg), "", s->attrs, s->nlri);
	struct wbuf w;
	struct bgp_err e;

	decode_sample(s, msg, len, &u);
	if (!(attr_def_get(s->type)->props & ATTR_P_DERIVED))
		ck_assert(bgp_attr_has(&u.attrs, s->type));
	wbuf_init(&w, out, sizeof(out));
	bgp_update_encode(&w, &u, &o);
	ck_assert(!w.overflow);
	ck_assert_uint_eq(w.len, len);
	ck_assert_msg(memcmp(out, msg, len) == 0, "%s: bytes differ",
	    bgp_attr_type_name(s->type));
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(out, w.len), &o, &u2,
	    &scratch2, &e), BGP_ACT_ACCEPT);
	ck_assert(bgp_update_equal(&u, &u2));
}
END_TEST

/* A changed value is seen by the row's comparison. */
START_TEST(test_sample_inequality)
{
	const struct sample *s = &samples[_i];
	static struct bgp_update u, u2;
	static struct bgp_scratch scratch2;
	uint8_t msg[4096], msg2[4096];
	size_t len = th_update(msg, sizeof(msg), "", s->attrs, s->nlri);
	struct bgp_codec_opts o = th_opts(s->as4, true);
	struct bgp_err e;

	if (s->type == BGP_ATTR_ATOMIC_AGGREGATE ||
	    (attr_table[s->type].props & ATTR_P_DERIVED))
		return;		/* nothing but presence to compare */
	decode_sample(s, msg, len, &u);
	memcpy(msg2, msg, len);
	/* The last byte of the sample's own value, changed. */
	for (size_t i = BGP_HEADER_LEN + 4; i + 3 < len; ) {
		uint8_t flags = msg2[i], type = msg2[i + 1];
		size_t hl = flags & BGP_ATTR_FLAG_EXTLEN ? 4 : 3;
		size_t vl = hl == 4 ? (size_t)msg2[i + 2] << 8 | msg2[i + 3] :
		    msg2[i + 2];

		if (type == s->type) {
			msg2[i + hl + vl - 1] ^= 0x01;
			break;
		}
		i += hl + vl;
	}
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(msg2, len), &o, &u2,
	    &scratch2, &e), BGP_ACT_ACCEPT);
	ck_assert_msg(!attr_table[s->type].equal(&u.attrs, &u2.attrs),
	    "%s: a changed value compares equal", bgp_attr_type_name(s->type));
}
END_TEST

/* The stored form (no multiprotocol attributes, 4-octet ASes) round
 * trips too. */
START_TEST(test_sample_block_round_trip)
{
	const struct sample *s = &samples[_i];
	const struct attr_def *d = attr_def_get(s->type);
	static struct bgp_update u;
	static struct bgp_attrs b;
	uint8_t msg[4096], blk[4096], blk2[4096];
	size_t len = th_update(msg, sizeof(msg), "", s->attrs, s->nlri);
	struct wbuf w, w2;
	struct bgp_err e;

	if (d->props & (ATTR_P_FIRST | ATTR_P_DERIVED))
		return;
	decode_sample(s, msg, len, &u);
	wbuf_init(&w, blk, sizeof(blk));
	bgp_attrs_encode_block(&w, &u.attrs);
	ck_assert_int_eq(bgp_attrs_decode_block(rbuf_make(blk, w.len), &b,
	    &e), BGP_ACT_ACCEPT);
	ck_assert(bgp_attr_has(&b, s->type));
	ck_assert(d->equal(&u.attrs, &b));
	wbuf_init(&w2, blk2, sizeof(blk2));
	bgp_attrs_encode_block(&w2, &b);
	ck_assert_uint_eq(w2.len, w.len);
	ck_assert(memcmp(blk, blk2, w.len) == 0);
}
END_TEST

/* Its JSON writer adds keys; its text writer writes text. */
START_TEST(test_sample_writers)
{
	const struct sample *s = &samples[_i];
	const struct attr_def *d = attr_def_get(s->type);
	struct bgp_codec_opts o = th_opts(s->as4, true);
	static struct bgp_update u;
	uint8_t msg[4096];
	size_t len = th_update(msg, sizeof(msg), "", s->attrs, s->nlri);
	cJSON *with, *without;

	decode_sample(s, msg, len, &u);
	if (d->text != NULL) {
		char buf[256];
		size_t n = d->text(&u.attrs, buf, sizeof(buf));

		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(strlen(buf), n);
		ck_assert_uint_eq(d->text(&u.attrs, NULL, 0), n);
	}
	if (d->json == NULL || (d->props & ATTR_P_DERIVED))
		return;
	with = bgp_json_attrs(&u.attrs, &o);
	bgp_attr_unset(&u.attrs, s->type);
	without = bgp_json_attrs(&u.attrs, &o);
	ck_assert_int_gt(cJSON_GetArraySize(with), cJSON_GetArraySize(without));
	cJSON_Delete(with);
	cJSON_Delete(without);
}
END_TEST

static void
collect_line(void *ctx, const char *key, const char *text)
{
	char *out = ctx;

	strcat(out, key);
	strcat(out, "=");
	strcat(out, text);
	strcat(out, ";");
}

/* Display order is rank order, not type order: LARGE_COMMUNITIES (32)
 * before EXTENDED_COMMUNITIES (16), as `show route all` always had it. */
START_TEST(test_text_lines_in_rank_order)
{
	static const struct sample s = { 0, true, BASE4 "80 04 04 00000064 "
	    "c0 08 04 b7d90001 c0 10 08 0002b7d9 00000064 "
	    "c0 20 0c 0000b7d9 00000001 00000002 ", NLRI };
	static struct bgp_update u;
	uint8_t msg[4096];
	size_t len = th_update(msg, sizeof(msg), "", s.attrs, s.nlri);
	char out[512] = "";
	uint8_t types[BGP_ATTR_SHOW_MAX];
	size_t n;

	decode_sample(&s, msg, len, &u);
	bgp_attrs_text_lines(&u.attrs, collect_line, out);
	ck_assert_str_eq(out, "med=100;community=(47065,1);"
	    "large_community=(47065, 1, 2);ext_community=(rt, 47065, 100);");
	n = attrs_show_order(&u.attrs, types);
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_lt(attr_table[types[i - 1]].rank,
		    attr_table[types[i]].rank);
}
END_TEST

/* The length rule answers before the decoder, with the row's note. */
START_TEST(test_length_rule_note)
{
	static const struct sample s = { BGP_ATTR_MED, true,
	    BASE4 "80 04 03 000064 ", NLRI };
	struct bgp_codec_opts o = th_opts(true, true);
	static struct bgp_update u;
	uint8_t msg[4096];
	size_t len = th_update(msg, sizeof(msg), "", s.attrs, s.nlri);
	struct bgp_err e;

	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(msg, len), &o, &u,
	    &scratch, &e), BGP_ACT_TREAT_AS_WITHDRAW);
	ck_assert_str_eq(e.reason, attr_def_get(BGP_ATTR_MED)->len.reason);
	ck_assert_uint_eq(u.attrs.n_notes, 1);
	ck_assert_uint_eq(u.attrs.notes[0].type, BGP_ATTR_MED);
}
END_TEST

Suite *
attr_table_suite(void)
{
	Suite *s = suite_create("attr_table");
	TCase *tc = tcase_create("rows");

	tcase_add_test(tc, test_rows_complete);
	tcase_add_test(tc, test_every_row_has_a_sample);
	tcase_add_loop_test(tc, test_sample_round_trip, 0, (int)N_SAMPLES);
	tcase_add_loop_test(tc, test_sample_inequality, 0, (int)N_SAMPLES);
	tcase_add_loop_test(tc, test_sample_block_round_trip, 0,
	    (int)N_SAMPLES);
	tcase_add_loop_test(tc, test_sample_writers, 0, (int)N_SAMPLES);
	tcase_add_test(tc, test_text_lines_in_rank_order);
	tcase_add_test(tc, test_length_rule_note);
	suite_add_tcase(s, tc);
	return s;
}
