/*
 * fuzz_update: UPDATE messages under every session setting. The first
 * input byte picks the negotiated options, the rest is the message as the
 * session frames it. Properties:
 *   - every NLRI block of a decoded message iterates without error (the
 *     decoder validated them);
 *   - an accepted message survives encode + decode with the same options
 *     (bgp_update_equal), and encoding is canonical: encoding the decoded
 *     copy gives the same bytes again;
 *   - the NOTIFICATION for a session reset carries the decoder's code.
 *
 * Option byte: bit 0 4-octet AS, bit 1 ADD-PATH IPv4, bit 2 ADD-PATH IPv6,
 * bit 3 iBGP, bit 4 extended messages (RFC 8654).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/bgp/aspath.h"
#include "../src/bgp/format.h"
#include "../src/bgp/msg.h"
#include "../src/bgp/update.h"

#define OUT_LEN		(BGP_EXT_MAX_LEN + 4096)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bgp_scratch scratch1, scratch2;
static struct bgp_update u1, u2, u3;
static uint8_t out1[OUT_LEN], out2[OUT_LEN];

static void
opts_from_byte(uint8_t b, struct bgp_codec_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->as4 = b & 1;
	o->addpath[AF_IDX_IPV4] = (b >> 1) & 1;
	o->addpath[AF_IDX_IPV6] = (b >> 2) & 1;
	o->ibgp = (b >> 3) & 1;
	o->max_len = (b >> 4) & 1 ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

static size_t
walk_nlri(struct rbuf nlri, unsigned af, bool addpath)
{
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;
	size_t n = 0;
	int r;

	nlri_iter_init(&it, nlri, af, addpath);
	while ((r = nlri_iter_next(&it, &p, &id)) == 1) {
		CHECK(p.af == af && p.len <= af_max_bits(af));
		CHECK(addpath || id == 0);
		n++;
	}
	CHECK(r == 0);
	return n;
}

static void
walk_mp(const struct bgp_attrs *a, unsigned type,
    const struct bgp_mp_nlri *mp, const struct bgp_codec_opts *o)
{
	if (!bgp_attr_has(a, type) || mp->af < 0)
		return;
	CHECK(mp->af < AF_IDX_COUNT);
	walk_nlri(mp->nlri, (unsigned)mp->af, o->addpath[mp->af]);
}

static void
walk_all(const struct bgp_update *u, const struct bgp_codec_opts *o)
{
	walk_nlri(u->withdrawn, AF_IDX_IPV4, o->addpath[AF_IDX_IPV4]);
	walk_nlri(u->nlri, AF_IDX_IPV4, o->addpath[AF_IDX_IPV4]);
	walk_mp(&u->attrs, BGP_ATTR_MP_REACH, &u->attrs.mp_reach, o);
	walk_mp(&u->attrs, BGP_ATTR_MP_UNREACH, &u->attrs.mp_unreach, o);
	(void)bgp_update_eor(u);
}

/* The formatters follow snprintf: the length they return is what a big
 * enough buffer gets. */
static void
check_format(size_t (*fmt)(struct rbuf, char *, size_t), struct rbuf v)
{
	static char big[1 << 20];
	char small[16];
	size_t need = fmt(v, small, sizeof(small));

	CHECK(strnlen(small, sizeof(small)) < sizeof(small));
	if (need >= sizeof(big))
		return;
	CHECK(fmt(v, big, sizeof(big)) == need);
	CHECK(strlen(big) == need);
}

static void
exercise_attrs(const struct bgp_attrs *a)
{
	const char *reason;

	if (bgp_attr_has(a, BGP_ATTR_AS_PATH)) {
		CHECK(aspath_validate(a->as_path, 4, &reason) == 0);
		(void)aspath_length(a->as_path);
		(void)aspath_first_as(a->as_path);
		(void)aspath_origin_as(a->as_path);
		(void)aspath_has_confed(a->as_path);
		check_format(bgp_format_aspath, a->as_path);
	}
	if (bgp_attr_has(a, BGP_ATTR_COMMUNITIES))
		check_format(bgp_format_communities, a->communities);
	if (bgp_attr_has(a, BGP_ATTR_LARGE_COMMUNITIES))
		check_format(bgp_format_large_communities,
		    a->large_communities);
	if (bgp_attr_has(a, BGP_ATTR_EXT_COMMUNITIES))
		check_format(bgp_format_ext_communities, a->ext_communities);
}

static void
check_notification(const struct bgp_err *e)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_notification n;
	struct bgp_err e2;
	struct wbuf w;
	size_t len;

	(void)bgp_err_data(e, &len);
	wbuf_init(&w, buf, sizeof(buf));
	bgp_notification_from_err(&w, e);
	CHECK(!w.overflow);
	CHECK(bgp_notification_decode(rbuf_make(buf, w.len), &n, &e2) == 0);
	CHECK(n.code == e->code && n.subcode == e->subcode);
}

/*
 * Accepted: encode, decode, compare, encode again, compare bytes. A path
 * from an old speaker may grow when it goes back out (AS4_PATH carries the
 * whole merged path), so a message that no longer fits is left alone.
 */
static void
round_trip(const struct bgp_update *u, struct bgp_codec_opts o)
{
	struct bgp_err e;
	struct wbuf w1, w2;

	wbuf_init(&w1, out1, sizeof(out1));
	bgp_update_encode(&w1, u, &o);
	if (w1.overflow && o.max_len < BGP_EXT_MAX_LEN) {
		o.max_len = BGP_EXT_MAX_LEN;
		wbuf_init(&w1, out1, sizeof(out1));
		bgp_update_encode(&w1, u, &o);
	}
	if (w1.overflow) {
		CHECK(!o.as4);
		return;
	}

	bgp_err_clear(&e);
	CHECK(bgp_update_decode(rbuf_make(out1, w1.len), &o, &u2, &scratch2,
	    &e) == BGP_ACT_ACCEPT);
	CHECK(bgp_update_equal(u, &u2));
	CHECK(bgp_update_equal(&u2, u));

	wbuf_init(&w2, out2, sizeof(out2));
	bgp_update_encode(&w2, &u2, &o);
	CHECK(!w2.overflow);
	CHECK(w1.len == w2.len && memcmp(out1, out2, w1.len) == 0);
}

/* Passing the route on must still encode to something we accept. */
static void
pass_on(const struct bgp_update *u, struct bgp_codec_opts o)
{
	struct bgp_err e;
	struct wbuf w;

	u3 = *u;
	bgp_attrs_pass_through(&u3.attrs);
	o.max_len = BGP_EXT_MAX_LEN;
	wbuf_init(&w, out1, sizeof(out1));
	bgp_update_encode(&w, &u3, &o);
	if (w.overflow)
		return;
	bgp_err_clear(&e);
	CHECK(bgp_update_decode(rbuf_make(out1, w.len), &o, &u2, &scratch2,
	    &e) == BGP_ACT_ACCEPT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_codec_opts o;
	struct bgp_header h;
	struct bgp_err e;
	struct rbuf msg;
	enum bgp_action act;

	if (size < 1)
		return 0;
	opts_from_byte(data[0], &o);
	msg = rbuf_make(data + 1, size - 1);

	bgp_err_clear(&e);
	if (bgp_header_decode(msg, o.max_len, &h, &e) == -1) {
		CHECK(e.action == BGP_ACT_SESSION_RESET);
		check_notification(&e);
		return 0;
	}
	if (h.type != BGP_UPDATE || h.len > msg.len)
		return 0;
	msg.len = h.len;

	bgp_err_clear(&e);
	act = bgp_update_decode(msg, &o, &u1, &scratch1, &e);
	CHECK(act == e.action);
	if (act == BGP_ACT_SESSION_RESET) {
		check_notification(&e);
		return 0;
	}
	walk_all(&u1, &o);
	exercise_attrs(&u1.attrs);
	if (act != BGP_ACT_ACCEPT)
		return 0;
	round_trip(&u1, o);
	pass_on(&u1, o);
	return 0;
}
