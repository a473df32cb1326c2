/*
 * fuzz_open: OPEN messages as a peer may send them. The input is framed the
 * way the session frames it (header first, then exactly the length it
 * announces). Property: an OPEN we accept survives encode + decode with every
 * field and capability intact, and encoding is canonical (the second
 * encoding is byte for byte the first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/bgp/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
afs_equal(const struct bgp_afi_safi *a, const struct bgp_afi_safi *b,
    unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a[i].afi != b[i].afi || a[i].safi != b[i].safi ||
		    a[i].flags != b[i].flags)
			return false;
	return true;
}

static void
check_caps_equal(const struct bgp_caps *a, const struct bgp_caps *b)
{
	unsigned i;

	CHECK(a->n_mp == b->n_mp);
	CHECK(afs_equal(a->mp, b->mp, a->n_mp));
	CHECK(a->route_refresh == b->route_refresh);
	CHECK(a->enhanced_route_refresh == b->enhanced_route_refresh);
	CHECK(a->ext_message == b->ext_message);
	CHECK(a->as4 == b->as4);
	if (a->as4)
		CHECK(a->as4_number == b->as4_number);
	CHECK(a->n_addpath == b->n_addpath);
	CHECK(afs_equal(a->addpath, b->addpath, a->n_addpath));
	CHECK(a->graceful_restart == b->graceful_restart);
	if (a->graceful_restart) {
		CHECK(a->gr_flags == b->gr_flags);
		CHECK(a->gr_time == b->gr_time);
		CHECK(a->n_gr == b->n_gr);
		CHECK(afs_equal(a->gr, b->gr, a->n_gr));
	}
	CHECK(a->n_unknown == b->n_unknown);
	for (i = 0; i < a->n_unknown; i++) {
		CHECK(a->unknown[i].code == b->unknown[i].code);
		CHECK(rbuf_equal(a->unknown[i].value, b->unknown[i].value));
	}
}

/* What the session does with a refused OPEN: the NOTIFICATION must say
 * what the decoder said. */
static void
check_notification(const struct bgp_err *e)
{
	static uint8_t buf[BGP_MAX_LEN];
	struct bgp_notification n;
	struct bgp_err e2;
	struct wbuf w;
	size_t len;

	CHECK(e->action == BGP_ACT_SESSION_RESET);
	(void)bgp_err_data(e, &len);
	wbuf_init(&w, buf, sizeof(buf));
	bgp_notification_from_err(&w, e);
	CHECK(!w.overflow);
	CHECK(bgp_notification_decode(rbuf_make(buf, w.len), &n, &e2) == 0);
	CHECK(n.code == e->code && n.subcode == e->subcode);
}

static void
exercise(const struct bgp_open *o)
{
	unsigned af, i;

	(void)bgp_open_peer_as(o);
	for (af = 0; af < AF_IDX_COUNT; af++) {
		(void)bgp_caps_addpath(&o->caps, af);
		(void)bgp_caps_has_mp(&o->caps, af);
	}
	for (i = 0; i < o->caps.n_unknown; i++)
		(void)bgp_capa_name(o->caps.unknown[i].code);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out1[BGP_EXT_MAX_LEN], out2[BGP_EXT_MAX_LEN];
	struct bgp_header h;
	struct bgp_open o, o2;
	struct bgp_err e;
	struct rbuf msg = rbuf_make(data, size);
	struct wbuf w1, w2;

	bgp_err_clear(&e);
	if (bgp_header_decode(msg, BGP_MAX_LEN, &h, &e) == -1) {
		check_notification(&e);
		return 0;
	}
	if (h.type != BGP_OPEN || h.len > size)
		return 0;
	msg.len = h.len;

	memset(&o, 0, sizeof(o));
	bgp_err_clear(&e);
	if (bgp_open_decode(msg, &o, &e) == -1) {
		check_notification(&e);
		return 0;
	}
	exercise(&o);

	wbuf_init(&w1, out1, sizeof(out1));
	bgp_open_encode(&w1, &o);
	if (w1.overflow)
		return 0;	/* more capabilities than one OPEN can carry */

	memset(&o2, 0, sizeof(o2));
	bgp_err_clear(&e);
	CHECK(bgp_open_decode(rbuf_make(out1, w1.len), &o2, &e) == 0);
	CHECK(o.version == o2.version);
	CHECK(o.my_as == o2.my_as);
	CHECK(o.hold_time == o2.hold_time);
	CHECK(o.bgp_id == o2.bgp_id);
	check_caps_equal(&o.caps, &o2.caps);

	wbuf_init(&w2, out2, sizeof(out2));
	bgp_open_encode(&w2, &o2);
	CHECK(!w2.overflow);
	CHECK(w1.len == w2.len && memcmp(out1, out2, w1.len) == 0);
	return 0;
}
