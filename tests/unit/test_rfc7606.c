/*
 * Malformed UPDATEs and what RFC 7606 (with RFC 4271 6.3, RFC 4760 7,
 * RFC 6793 6, RFC 8092 6, RFC 5065) says to do about each; then every
 * truncation of good messages, which must never read past the end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/nlri.h"
#include "../../src/bgp/update.h"
#include "testutil.h"

#define A_ORIGIN	"40 01 01 00 "
#define A_PATH		"40 02 06 02 01 0000fde8 "
#define A_PATH2		"40 02 04 02 01 fde8 "		/* 2-octet */
#define A_NH		"40 03 04 c0000201 "
#define A_BASE		A_ORIGIN A_PATH A_NH
#define A_BASE2		A_ORIGIN A_PATH2 A_NH
#define NH6		"20010db8 00000000 00000000 00000001 "
#define A_MPREACH	"80 0e 1c 0002 01 10 " NH6 "00 30 20010db80001 "
#define A_MPUNREACH	"80 0f 0a 0002 01 30 20010db80002 "
#define NLRI		"18 c00002"

#define RESET	BGP_ACT_SESSION_RESET
#define TAW	BGP_ACT_TREAT_AS_WITHDRAW
#define DISCARD	BGP_ACT_ATTR_DISCARD

static struct bgp_scratch scratch;

struct bad_case {
	const char	*name;
	const char	*wd, *attrs, *nlri;	/* parts, or ... */
	const char	*raw;			/* ... the body as it is */
	bool		 old;			/* 2-octet session */
	bool		 ibgp;
	enum bgp_action	 action;
	uint8_t		 code, subcode;		/* reset; 0: unchecked */
	uint8_t		 attr_type;		/* 0: unchecked */
	const char	*data;			/* reset; NULL: unchecked */
};

#define PARTS(w, a, n)	w, a, n, NULL
#define RAW(b)		NULL, NULL, NULL, b

static const struct bad_case bad_cases[] = {
	/* RFC 4271 6.3 / RFC 7606 3: the lengths that frame the message */
	{ "withdrawn length overrun", RAW("0010 18c00002 0000"),
	    false, false, RESET, 3, 1, 0, NULL },
	{ "withdrawn length eats attr length", RAW("0004 18c00002 00"),
	    false, false, RESET, 3, 1, 0, NULL },
	{ "no attribute length", RAW("0000"),
	    false, false, RESET, 0, 0, 0, NULL },
	{ "attribute length overrun", RAW("0000 0100 40010100"),
	    false, false, RESET, 3, 1, 0, NULL },
	{ "attribute length overrun by one",
	    RAW("0000 0015 40010100 40020602010000fde8 400304c0000201"),
	    false, false, RESET, 3, 1, 0, NULL },

	/* RFC 7606 4: attributes that do not fit the attribute block */
	{ "attribute past the block", PARTS("", A_BASE "c0 08 08 b7d90001",
	    NLRI), false, false, TAW, 0, 0, 8, NULL },
	{ "attribute past the block, ext", PARTS("", A_BASE
	    "d0 08 0100 b7d90001", NLRI), false, false, TAW, 0, 0, 8, NULL },
	{ "two bytes left", PARTS("", A_BASE "c0 08", NLRI),
	    false, false, TAW, 0, 0, 0, NULL },
	{ "one byte left", PARTS("", A_BASE "c0", NLRI),
	    false, false, TAW, 0, 0, 0, NULL },
	{ "three bytes left, ext", PARTS("", A_BASE "d0 08 00", NLRI),
	    false, false, TAW, 0, 0, 0, NULL },

	/* RFC 7606 7.1 */
	{ "ORIGIN length 2", PARTS("", "40 01 02 0000 " A_PATH A_NH, NLRI),
	    false, false, TAW, 0, 0, 1, NULL },
	{ "ORIGIN length 0", PARTS("", "40 01 00 " A_PATH A_NH, NLRI),
	    false, false, TAW, 0, 0, 1, NULL },
	{ "ORIGIN value 3", PARTS("", "40 01 01 03 " A_PATH A_NH, NLRI),
	    false, false, TAW, 0, 0, 1, NULL },
	{ "ORIGIN value 255", PARTS("", "40 01 01 ff " A_PATH A_NH, NLRI),
	    false, false, TAW, 0, 0, 1, NULL },

	/* RFC 7606 7.2 */
	{ "AS_PATH segment type 0", PARTS("", A_ORIGIN
	    "40 02 06 00 01 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH segment type 5", PARTS("", A_ORIGIN
	    "40 02 06 05 01 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH zero-length segment", PARTS("", A_ORIGIN
	    "40 02 02 02 00 " A_NH, NLRI), false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH zero-length second segment", PARTS("", A_ORIGIN
	    "40 02 08 02 01 0000fde8 02 00 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH segment overrun", PARTS("", A_ORIGIN
	    "40 02 06 02 02 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH one trailing byte", PARTS("", A_ORIGIN
	    "40 02 07 02 01 0000fde8 02 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH 2-octet trailing byte", PARTS("", A_ORIGIN
	    "40 02 05 02 01 fde8 02 " A_NH, NLRI),
	    true, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH 2-octet overrun", PARTS("", A_ORIGIN
	    "40 02 04 02 02 fde8 " A_NH, NLRI),
	    true, false, TAW, 0, 0, 2, NULL },
	/* RFC 7606 7.2 / RFC 5065: confederations only inside one */
	{ "AS_PATH confed sequence from eBGP", PARTS("", A_ORIGIN
	    "40 02 0c 03 01 0000fc00 02 01 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "AS_PATH confed set from eBGP", PARTS("", A_ORIGIN
	    "40 02 0c 04 01 0000fc00 02 01 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },

	/* RFC 7606 7.3 */
	{ "NEXT_HOP length 5", PARTS("", A_ORIGIN A_PATH
	    "40 03 05 c000020100", NLRI), false, false, TAW, 0, 0, 3, NULL },
	{ "NEXT_HOP length 3", PARTS("", A_ORIGIN A_PATH "40 03 03 c00002",
	    NLRI), false, false, TAW, 0, 0, 3, NULL },
	/* RFC 7606 7.4, 7.5 */
	{ "MED length 3", PARTS("", A_BASE "80 04 03 000064", NLRI),
	    false, false, TAW, 0, 0, 4, NULL },
	{ "MED length 5", PARTS("", A_BASE "80 04 05 0000006400", NLRI),
	    false, false, TAW, 0, 0, 4, NULL },
	{ "LOCAL_PREF length 5", PARTS("", A_BASE "40 05 05 0000006400",
	    NLRI), false, true, TAW, 0, 0, 5, NULL },
	{ "LOCAL_PREF length 0", PARTS("", A_BASE "40 05 00", NLRI),
	    false, true, TAW, 0, 0, 5, NULL },
	/* RFC 7606 7.6, 7.7 */
	{ "ATOMIC_AGGREGATE length 1", PARTS("", A_BASE "40 06 01 00", NLRI),
	    false, false, DISCARD, 0, 0, 6, NULL },
	{ "AGGREGATOR length 7", PARTS("", A_BASE "c0 07 07 fa56ea01 c00002",
	    NLRI), false, false, DISCARD, 0, 0, 7, NULL },
	{ "AGGREGATOR length 6 on a 4-octet session", PARTS("", A_BASE
	    "c0 07 06 fde8 c0000202", NLRI), false, false, DISCARD, 0, 0, 7,
	    NULL },
	{ "AGGREGATOR length 8 on a 2-octet session", PARTS("", A_BASE2
	    "c0 07 08 0000fde8 c0000202", NLRI), true, false, DISCARD, 0, 0,
	    7, NULL },
	/* RFC 7606 7.8; RFC 8092 6; RFC 7606 7.14 */
	{ "COMMUNITIES length 5", PARTS("", A_BASE "c0 08 05 b7d90001 00",
	    NLRI), false, false, TAW, 0, 0, 8, NULL },
	{ "COMMUNITIES length 0", PARTS("", A_BASE "c0 08 00", NLRI),
	    false, false, TAW, 0, 0, 8, NULL },
	{ "LARGE_COMMUNITIES length 13", PARTS("", A_BASE
	    "c0 20 0d 0000b7d9 00000001 00000002 00", NLRI),
	    false, false, TAW, 0, 0, 32, NULL },
	{ "LARGE_COMMUNITIES length 0", PARTS("", A_BASE "c0 20 00", NLRI),
	    false, false, TAW, 0, 0, 32, NULL },
	{ "EXTENDED_COMMUNITIES length 9", PARTS("", A_BASE
	    "c0 10 09 0002b7d9 00000064 00", NLRI),
	    false, false, TAW, 0, 0, 16, NULL },
	{ "EXTENDED_COMMUNITIES length 0", PARTS("", A_BASE "c0 10 00",
	    NLRI), false, false, TAW, 0, 0, 16, NULL },
	/* RFC 7606 7.9, 7.10 */
	{ "ORIGINATOR_ID length 3", PARTS("", A_BASE "80 09 03 0a0000",
	    NLRI), false, true, TAW, 0, 0, 9, NULL },
	{ "ORIGINATOR_ID length 5", PARTS("", A_BASE "80 09 05 0a00000100",
	    NLRI), false, true, TAW, 0, 0, 9, NULL },
	{ "CLUSTER_LIST length 5", PARTS("", A_BASE "80 0a 05 0a00000100",
	    NLRI), false, true, TAW, 0, 0, 10, NULL },
	{ "CLUSTER_LIST length 0", PARTS("", A_BASE "80 0a 00", NLRI),
	    false, true, TAW, 0, 0, 10, NULL },

	/* RFC 7606 3(c): flags in conflict with the attribute's kind */
	{ "ORIGIN with Optional bit", PARTS("", "c0 01 01 00 " A_PATH A_NH,
	    NLRI), false, false, TAW, 0, 0, 1, NULL },
	{ "AS_PATH with Optional bit", PARTS("", A_ORIGIN
	    "c0 02 06 02 01 0000fde8 " A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "NEXT_HOP without Transitive bit", PARTS("", A_ORIGIN A_PATH
	    "00 03 04 c0000201", NLRI), false, false, TAW, 0, 0, 3, NULL },
	{ "MED marked well-known", PARTS("", A_BASE "40 04 04 00000064",
	    NLRI), false, false, TAW, 0, 0, 4, NULL },

	/* RFC 4271 6.3: unrecognized well-known, data the attribute */
	{ "unrecognized well-known", PARTS("", A_BASE "40 fe 01 00", NLRI),
	    false, false, RESET, 3, 2, 0xfe, "40 fe 01 00" },

	/* RFC 7606 3(g) */
	{ "two MP_REACH_NLRI", PARTS("", A_MPREACH A_MPREACH A_ORIGIN A_PATH,
	    ""), false, false, RESET, 3, 1, 0, NULL },
	{ "two MP_UNREACH_NLRI", PARTS("", A_MPUNREACH A_MPUNREACH, ""),
	    false, false, RESET, 3, 1, 0, NULL },

	/* RFC 7606 3(d): missing well-known mandatory attributes */
	{ "no ORIGIN", PARTS("", A_PATH A_NH, NLRI),
	    false, false, TAW, 0, 0, 1, NULL },
	{ "no AS_PATH", PARTS("", A_ORIGIN A_NH, NLRI),
	    false, false, TAW, 0, 0, 2, NULL },
	{ "no NEXT_HOP", PARTS("", A_ORIGIN A_PATH, NLRI),
	    false, false, TAW, 0, 0, 3, NULL },
	{ "no attributes at all", PARTS("", "", NLRI),
	    false, false, TAW, 0, 0, 0, NULL },
	{ "MP_REACH without ORIGIN", PARTS("", A_MPREACH A_PATH, ""),
	    false, false, TAW, 0, 0, 1, NULL },
	{ "MP_REACH without AS_PATH", PARTS("", A_MPREACH A_ORIGIN, ""),
	    false, false, TAW, 0, 0, 2, NULL },

	/* RFC 7606 5.3 and RFC 4271 6.3: NLRI syntax */
	{ "NLRI length 33", PARTS("", A_BASE, "21 c0000201 00"),
	    false, false, RESET, 3, 10, 0, NULL },
	{ "NLRI past the end", PARTS("", A_BASE, "18 c000"),
	    false, false, RESET, 3, 0, 0, NULL },
	{ "NLRI second past the end", PARTS("", A_BASE, "18 c00002 20 0a"),
	    false, false, RESET, 3, 0, 0, NULL },
	{ "withdrawn length 33", PARTS("21 c0000201 00", "", ""),
	    false, false, RESET, 3, 0, 0, NULL },
	{ "withdrawn past the end", PARTS("18 0a01", "", ""),
	    false, false, RESET, 3, 0, 0, NULL },

	/* RFC 7606 7.11 and RFC 4760 7 */
	{ "MP_REACH next hop length 5", PARTS("", "80 0e 0f 0002 01 05 "
	    "20010db800 00 20 20010db8 " A_ORIGIN A_PATH, ""),
	    false, false, RESET, 3, 0, 14, NULL },
	{ "MP_REACH IPv6 next hop length 4", PARTS("", "80 0e 10 0002 01 04 "
	    "c0000201 00 30 20010db80001 " A_ORIGIN A_PATH, ""),
	    false, false, RESET, 3, 0, 14, NULL },
	{ "MP_REACH IPv6 next hop length 24", PARTS("", "80 0e 24 0002 01 18 "
	    NH6 "00000000 00000000 00 30 20010db80001 " A_ORIGIN A_PATH, ""),
	    false, false, RESET, 3, 0, 14, NULL },
	{ "MP_REACH next hop past attribute", PARTS("", "80 0e 08 0002 01 10 "
	    "20010db8 " A_ORIGIN A_PATH, ""),
	    false, false, RESET, 3, 0, 14, NULL },
	{ "MP_REACH too short", PARTS("", "80 0e 02 0002 " A_ORIGIN A_PATH,
	    ""), false, false, RESET, 3, 0, 14, NULL },
	{ "MP_REACH IPv6 length 129", PARTS("", "80 0e 27 0002 01 10 " NH6
	    "00 81 20010db8 00000000 00000000 00000001 00 " A_ORIGIN A_PATH,
	    ""), false, false, RESET, 3, 9, 14, NULL },
	{ "MP_REACH IPv6 past the end", PARTS("", "80 0e 18 0002 01 10 " NH6
	    "00 30 2001 " A_ORIGIN A_PATH, ""),
	    false, false, RESET, 3, 9, 14, NULL },
	{ "MP_UNREACH IPv6 length 129", PARTS("", "80 0f 15 0002 01 81 "
	    "20010db8 00000000 00000000 00000001 00", ""),
	    false, false, RESET, 3, 9, 15, NULL },
	{ "MP_UNREACH too short", PARTS("", "80 0f 02 0002", ""),
	    false, false, RESET, 3, 0, 15, NULL },

	/* RFC 6793 6 (RFC 7606 7.2): AS4 attributes are discarded */
	{ "AS4_PATH malformed", PARTS("", A_BASE2 "c0 11 03 02 01 00", NLRI),
	    true, false, DISCARD, 0, 0, 17, NULL },
	{ "AS4_PATH bad segment type", PARTS("", A_BASE2
	    "c0 11 06 07 01 fa56ea01", NLRI), true, false, DISCARD, 0, 0, 17,
	    NULL },
	{ "AS4_AGGREGATOR length 7", PARTS("", A_BASE2
	    "c0 07 06 5ba0 c0000202 c0 12 07 fa56ea01 c00002", NLRI),
	    true, false, DISCARD, 0, 0, 18, NULL },
	/* RFC 7606 7.5: LOCAL_PREF from an external peer */
	{ "LOCAL_PREF from eBGP", PARTS("", A_BASE "40 05 04 00000064", NLRI),
	    false, false, DISCARD, 0, 0, 5, NULL },

	/* RFC 7606 3(i): the strongest action wins */
	{ "discard and withdraw", PARTS("", "40 01 01 03 " A_PATH A_NH
	    "40 06 01 00", NLRI), false, false, TAW, 0, 0, 1, NULL },
	{ "withdraw and reset", PARTS("", "40 01 01 03 " A_PATH A_NH,
	    "21 c0000201 00"), false, false, RESET, 3, 10, 0, NULL },
};

#define N_BAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))

static bool
has_note(const struct bgp_attrs *a, uint8_t type)
{
	unsigned i;

	for (i = 0; i < a->n_notes; i++)
		if (a->notes[i].type == type)
			return true;
	return false;
}

START_TEST(test_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct bgp_codec_opts o = th_opts(!c->old, c->ibgp);
	uint8_t tmp[512], *msg;
	struct bgp_update u;
	struct bgp_err e;
	enum bgp_action a;
	size_t n;

	if (c->raw != NULL)
		n = th_msg(tmp, sizeof(tmp), BGP_UPDATE, c->raw);
	else
		n = th_update(tmp, sizeof(tmp), c->wd, c->attrs, c->nlri);
	/* an exact-size copy, so ASan sees any read past the end */
	msg = malloc(n);
	memcpy(msg, tmp, n);
	bgp_err_clear(&e);
	a = bgp_update_decode(rbuf_make(msg, n), &o, &u,
	    c->old ? &scratch : NULL, &e);
	ck_assert_msg(a == c->action, "%s: action %s, want %s (%u/%u attr "
	    "%u: %s)", c->name, bgp_action_name(a),
	    bgp_action_name(c->action), e.code, e.subcode, e.attr_type,
	    e.reason != NULL ? e.reason : "");
	ck_assert_msg(e.action == a, "%s: err.action %d", c->name, e.action);
	if (c->code != 0)
		ck_assert_msg(e.code == c->code, "%s: code %u", c->name,
		    e.code);
	if (c->subcode != 0)
		ck_assert_msg(e.subcode == c->subcode, "%s: subcode %u, want "
		    "%u", c->name, e.subcode, c->subcode);
	if (c->attr_type != 0)
		ck_assert_msg(e.attr_type == c->attr_type, "%s: attr_type %u, "
		    "want %u", c->name, e.attr_type, c->attr_type);
	if (c->data != NULL) {
		uint8_t want[64];
		const uint8_t *d;
		size_t wl, dl;

		wl = th_hex(c->data, want, sizeof(want));
		d = bgp_err_data(&e, &dl);
		ck_assert_msg(dl == wl && memcmp(d, want, wl) == 0,
		    "%s: data", c->name);
	}
	if (a == DISCARD) {
		/* the attribute is gone, and a note says why */
		ck_assert_msg(!bgp_attr_has(&u.attrs, c->attr_type),
		    "%s: attribute still present", c->name);
		ck_assert_msg(has_note(&u.attrs, c->attr_type),
		    "%s: no note", c->name);
	}
	free(msg);
}
END_TEST

/* RFC 7606 3(g): later copies of an attribute are discarded, the first
 * one counts, the UPDATE goes on. */
START_TEST(test_duplicate_attribute)
{
	uint8_t buf[512];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct bgp_err e;
	enum bgp_action a;
	size_t n;

	n = th_update(buf, sizeof(buf), "", A_BASE "80 04 04 00000064 "
	    "80 04 04 000000c8", NLRI);
	bgp_err_clear(&e);
	a = bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL, &e);
	ck_assert_msg(a == BGP_ACT_ACCEPT || a == DISCARD, "action %d", a);
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MED));
	ck_assert_uint_eq(u.attrs.med, 100);
	ck_assert_uint_eq(u.nlri.len, 4);

	/* a second, malformed copy changes nothing either */
	n = th_update(buf, sizeof(buf), "", A_BASE "c0 08 04 b7d90001 "
	    "c0 08 05 b7d90002 00", NLRI);
	bgp_err_clear(&e);
	a = bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL, &e);
	ck_assert_msg(a == BGP_ACT_ACCEPT || a == DISCARD, "action %d", a);
	ck_assert_uint_eq(u.attrs.communities.len, 4);
	ck_assert_mem_eq(u.attrs.communities.p, "\xb7\xd9\x00\x01", 4);

	/* duplicate ORIGIN: the first kept */
	n = th_update(buf, sizeof(buf), "", "40 01 01 01 " A_PATH A_NH
	    "40 01 01 02", NLRI);
	bgp_err_clear(&e);
	a = bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL, &e);
	ck_assert_msg(a == BGP_ACT_ACCEPT || a == DISCARD, "action %d", a);
	ck_assert_uint_eq(u.attrs.origin, BGP_ORIGIN_EGP);
}
END_TEST

/* Only withdrawals: no attribute is mandatory. */
START_TEST(test_withdraw_needs_nothing)
{
	uint8_t buf[512];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct bgp_err e;
	size_t n;

	n = th_update(buf, sizeof(buf), "18 0a0100 10 c612", "", "");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), BGP_ACT_ACCEPT);
	n = th_update(buf, sizeof(buf), "", A_MPUNREACH, "");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), BGP_ACT_ACCEPT);
	/* and NEXT_HOP is not needed for MP_REACH_NLRI (RFC 4760 3) */
	n = th_update(buf, sizeof(buf), "", A_MPREACH A_ORIGIN A_PATH, "");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), BGP_ACT_ACCEPT);
}
END_TEST

static void
nlri_text(struct rbuf b, unsigned af, char *out, size_t size)
{
	struct nlri_iter it;
	struct prefix p;
	char pb[PREFIX_STRLEN];
	uint32_t id;
	size_t o = 0;
	int rc;

	out[0] = '\0';
	nlri_iter_init(&it, b, af, false);
	while ((rc = nlri_iter_next(&it, &p, &id)) == 1) {
		prefix_format(&p, pb, sizeof(pb));
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "",
		    pb);
		ck_assert_uint_lt(o, size);
	}
	ck_assert_int_eq(rc, 0);
}

/* Treat-as-withdraw: every prefix of the message is still there, so
 * the caller can withdraw them all. */
START_TEST(test_treat_as_withdraw_keeps_nlri)
{
	uint8_t buf[512];
	struct bgp_codec_opts o = th_opts(true, false);
	struct bgp_update u;
	struct bgp_err e;
	char text[256];
	size_t n;

	n = th_update(buf, sizeof(buf), "18 0a0100", "40 01 01 03 " A_PATH
	    A_NH, "18 c00002 10 c612");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), TAW);
	nlri_text(u.withdrawn, AF_IDX_IPV4, text, sizeof(text));
	ck_assert_str_eq(text, "10.1.0.0/24");
	nlri_text(u.nlri, AF_IDX_IPV4, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24 198.18.0.0/16");

	/* the same with the families in MP attributes */
	n = th_update(buf, sizeof(buf), "", A_MPREACH A_MPUNREACH A_ORIGIN
	    A_PATH "c0 08 05 b7d90001 00", "");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), TAW);
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MP_REACH));
	ck_assert_int_eq(u.attrs.mp_reach.af, AF_IDX_IPV6);
	nlri_text(u.attrs.mp_reach.nlri, AF_IDX_IPV6, text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8:1::/48");
	ck_assert(bgp_attr_has(&u.attrs, BGP_ATTR_MP_UNREACH));
	nlri_text(u.attrs.mp_unreach.nlri, AF_IDX_IPV6, text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8:2::/48");

	/* an attribute overrunning the block: NLRI found by the total */
	n = th_update(buf, sizeof(buf), "", A_BASE "c0 08 08 b7d90001",
	    "18 c00002 10 c612");
	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(buf, n), &o, &u, NULL,
	    &e), TAW);
	nlri_text(u.nlri, AF_IDX_IPV4, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.0/24 198.18.0.0/16");
}
END_TEST

/* ---- truncations ---- */

struct good_msg {
	const char	*name;
	bool		 old, ibgp, addpath;
	const char	*wd, *attrs, *nlri;
};

static const struct good_msg good_msgs[] = {
	{ "ipv4 route", false, false, false, "18 0a0100", A_BASE
	    "80 04 04 00000064 c0 08 08 b7d90001 b7d903e9",
	    "18 c00002 10 c612 20 01020304" },
	{ "ipv6 route", false, false, false, "", A_MPREACH A_MPUNREACH
	    A_ORIGIN A_PATH "c0 20 0c 0000b7d9 00000001 00000002", "" },
	{ "2-octet with AS4", true, false, false, "", A_ORIGIN
	    "40 02 0a 02 04 fde8 5ba0 5ba0 0001 " A_NH
	    "c0 07 06 5ba0 c0000202 "
	    "c0 11 0e 02 03 fa56ea01 fa56ea02 00000001 "
	    "c0 12 08 fa56ea01 c0000203", "18 c00002" },
	{ "ibgp everything", false, true, false, "",
	    A_BASE "40 05 04 00000064 40 06 00 80 09 04 0a000001 "
	    "80 0a 08 0a000001 0a000002 c0 10 08 0002b7d9 00000064 "
	    "e0 f0 03 aabbcc", "18 c00002" },
	{ "add-path", false, false, true, "00000001 18 0a0100", A_BASE,
	    "00000002 18 c00002 00000003 10 c612" },
};

#define N_GOOD	(sizeof(good_msgs) / sizeof(good_msgs[0]))

/* Where the prefix entries of an IPv4 NLRI field end: a cut there
 * leaves a consistent, shorter message. */
static bool
at_prefix_end(const uint8_t *nlri, size_t len, size_t cut, bool addpath)
{
	size_t off = 0;

	while (off < len) {
		if (off == cut)
			return true;
		off += (addpath ? 4 : 0) + 1 + (nlri[off + (addpath ? 4 : 0)] +
		    7u) / 8;
	}
	return off == cut;
}

START_TEST(test_truncations)
{
	const struct good_msg *g = &good_msgs[_i];
	struct bgp_codec_opts o = th_opts(!g->old, g->ibgp);
	uint8_t full[512];
	struct bgp_update u;
	struct bgp_err e;
	size_t n, cut, nlri_at;

	o.addpath[AF_IDX_IPV4] = g->addpath;
	n = th_update(full, sizeof(full), g->wd, g->attrs, g->nlri);
	nlri_at = BGP_HEADER_LEN + 2 + load_u16(full + BGP_HEADER_LEN);
	nlri_at += 2 + load_u16(full + nlri_at);

	bgp_err_clear(&e);
	ck_assert_int_eq(bgp_update_decode(rbuf_make(full, n), &o, &u,
	    g->old ? &scratch : NULL, &e), BGP_ACT_ACCEPT);

	for (cut = 0; cut < n; cut++) {
		uint8_t *m = malloc(cut > 0 ? cut : 1);
		enum bgp_action a;

		memcpy(m, full, cut);
		if (cut >= BGP_HEADER_LEN)
			th_put16(m + BGP_MARKER_LEN, cut);
		bgp_err_clear(&e);
		a = bgp_update_decode(rbuf_make(m, cut), &o, &u,
		    g->old ? &scratch : NULL, &e);
		if (cut >= nlri_at && at_prefix_end(full + nlri_at,
		    n - nlri_at, cut - nlri_at, g->addpath))
			ck_assert_msg(a == BGP_ACT_ACCEPT, "%s: cut at %zu: %d",
			    g->name, cut, a);
		else
			ck_assert_msg(a == BGP_ACT_SESSION_RESET,
			    "%s: cut at %zu of %zu: action %d", g->name, cut,
			    n, a);
		free(m);
	}
}
END_TEST

/* The same cuts, but with the header still claiming the full length:
 * the decoder must trust the buffer, not the header. */
START_TEST(test_truncations_header_unpatched)
{
	const struct good_msg *g = &good_msgs[_i];
	struct bgp_codec_opts o = th_opts(!g->old, g->ibgp);
	uint8_t full[512];
	struct bgp_update u;
	struct bgp_err e;
	size_t n, cut;

	o.addpath[AF_IDX_IPV4] = g->addpath;
	n = th_update(full, sizeof(full), g->wd, g->attrs, g->nlri);
	for (cut = 0; cut < n; cut++) {
		uint8_t *m = malloc(cut > 0 ? cut : 1);

		memcpy(m, full, cut);
		bgp_err_clear(&e);
		(void)bgp_update_decode(rbuf_make(m, cut), &o, &u,
		    g->old ? &scratch : NULL, &e);
		free(m);
	}
}
END_TEST

/* Every single-byte value at every position: no crash, and a verdict
 * that agrees with err.action. */
START_TEST(test_byte_flips)
{
	const struct good_msg *g = &good_msgs[_i];
	struct bgp_codec_opts o = th_opts(!g->old, g->ibgp);
	uint8_t full[512], *m;
	struct bgp_update u;
	struct bgp_err e;
	size_t n, pos;
	unsigned v;

	o.addpath[AF_IDX_IPV4] = g->addpath;
	n = th_update(full, sizeof(full), g->wd, g->attrs, g->nlri);
	m = malloc(n);
	for (pos = BGP_HEADER_LEN; pos < n; pos++) {
		for (v = 0; v < 256; v++) {
			enum bgp_action a;

			memcpy(m, full, n);
			m[pos] = (uint8_t)v;
			bgp_err_clear(&e);
			a = bgp_update_decode(rbuf_make(m, n), &o, &u,
			    g->old ? &scratch : NULL, &e);
			ck_assert_int_eq(a, e.action);
			if (a == BGP_ACT_SESSION_RESET)
				ck_assert_uint_ne(e.code, 0);
		}
	}
	free(m);
}
END_TEST

Suite *rfc7606_suite(void)
{
	Suite *s = suite_create("rfc7606");
	TCase *tc = tcase_create("malformed");
	TCase *tt = tcase_create("truncation");

	tcase_add_loop_test(tc, test_malformed, 0, (int)N_BAD);
	tcase_add_test(tc, test_duplicate_attribute);
	tcase_add_test(tc, test_withdraw_needs_nothing);
	tcase_add_test(tc, test_treat_as_withdraw_keeps_nlri);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tt, 60);
	tcase_add_loop_test(tt, test_truncations, 0, (int)N_GOOD);
	tcase_add_loop_test(tt, test_truncations_header_unpatched, 0,
	    (int)N_GOOD);
	tcase_add_loop_test(tt, test_byte_flips, 0, (int)N_GOOD);
	suite_add_tcase(s, tt);
	return s;
}
