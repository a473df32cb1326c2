/*
 * fuzz_mrt: an MRT file (RFC 6396, RFC 8050) read record by record as
 * `peering decode` reads it. Properties:
 *   - a decoded peer table and RIB record iterate exactly their count of
 *     entries (the decoder checked them all);
 *   - every RIB entry's attributes decode without running past anything,
 *     and an IPv4/IPv6 unicast entry the codec accepts is written again
 *     by our encoder and read back with the same AS path and next hop;
 *   - a BGP4MP record written again from its decoded form is the same
 *     bytes; the BGP message inside goes through the BGP codec;
 *   - a TABLE_DUMP entry's prefix fits its family; its attributes go
 *     through the BGP codec as a 2-octet speaker's;
 *   - `peering decode` prints the input (lines; JSON for a quarter of the
 *     inputs) without fault.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/bgp/msg.h"
#include "../src/mrt/mrt.h"
#include "../src/cli/decode_mrt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t scratch[65536 + 16];
static uint8_t out[2 * 65536 + 256];
static struct bgp_attrs attrs, back;
static struct bgp_update upd;
static struct bgp_scratch bscratch;

static void
peer_table(struct rbuf body)
{
	struct mrt_peer_table t;
	struct mrt_peer p;
	const char *reason;
	unsigned n = 0;

	if (mrt_peer_table_decode(body, &t, &reason) == -1)
		return;
	while (mrt_peer_next(&t.entries, &p) == 1)
		n++;
	CHECK(n == t.count);
}

/* An accepted unicast entry, written again and read back. */
static void
rib_rewrite(const struct mrt_rib *r, const struct mrt_rib_entry *e)
{
	struct mrt_rib_writer rw;
	struct mrt_rib r2;
	struct mrt_rib_entry e2;
	struct mrt_header h;
	struct bgp_err err;
	struct rbuf in, body;
	const char *reason;
	struct wbuf w;
	const struct bgp_mp_nlri *mp = &attrs.mp_reach;
	bool has_mp = bgp_attr_has(&attrs, BGP_ATTR_MP_REACH);
	const uint8_t *nh = has_mp ? mp->nexthop : attrs.next_hop;
	unsigned nh_len = has_mp ? (mp->nh_len == 32 ? 16 : mp->nh_len) : 4;

	if (r->safi != BGP_SAFI_UNICAST || (has_mp && mp->nh_len != 4 &&
	    mp->nh_len != 16 && mp->nh_len != 32) ||
	    (!has_mp && !bgp_attr_has(&attrs, BGP_ATTR_NEXT_HOP)))
		return;
	wbuf_init(&w, out, sizeof(out));
	mrt_rib_begin(&w, &rw, 0, r->seq, &r->prefix, r->addpath);
	mrt_rib_entry_put(&w, &rw, e->peer_index, e->originated, e->path_id,
	    &attrs, nh, nh_len, has_mp && mp->nh_len == 32 ?
	    mp->nexthop_ll : NULL);
	mrt_rib_end(&w, &rw);
	if (w.overflow)
		return;
	in = rbuf_make(out, w.len);
	CHECK(mrt_record_next(&in, &h, &body, &reason) == 1);
	CHECK(mrt_rib_decode(h.subtype, body, &r2, &reason) == 0);
	CHECK(prefix_equal(&r2.prefix, &r->prefix) && r2.count == 1);
	CHECK(mrt_rib_entry_next(&r2.entries, r2.addpath, &e2) == 1);
	CHECK(e2.path_id == e->path_id && e2.peer_index == e->peer_index);
	CHECK(mrt_rib_attrs_decode(e2.attrs, r2.afi, r2.safi, &back,
	    scratch + 65536 / 2, sizeof(scratch) - 65536 / 2, &err) !=
	    BGP_ACT_SESSION_RESET);
	CHECK(bgp_attr_has(&back, BGP_ATTR_AS_PATH) ==
	    bgp_attr_has(&attrs, BGP_ATTR_AS_PATH));
	CHECK(!bgp_attr_has(&attrs, BGP_ATTR_AS_PATH) ||
	    rbuf_equal(back.as_path, attrs.as_path));
}

static void
rib(uint16_t subtype, struct rbuf body)
{
	struct mrt_rib r;
	struct mrt_rib_entry e;
	struct bgp_err err;
	const char *reason;
	unsigned n = 0;

	if (mrt_rib_decode(subtype, body, &r, &reason) == -1)
		return;
	while (mrt_rib_entry_next(&r.entries, r.addpath, &e) == 1) {
		n++;
		if (mrt_rib_attrs_decode(e.attrs, r.afi, r.safi, &attrs,
		    scratch, 65536 / 2, &err) == BGP_ACT_ACCEPT &&
		    r.has_prefix && e.attrs.len < 65536 / 4)
			rib_rewrite(&r, &e);
	}
	CHECK(!r.has_prefix || n == r.count);
}

static void
bgp4mp(const struct mrt_header *h, struct rbuf body)
{
	struct mrt_bgp4mp m;
	struct bgp_codec_opts o;
	struct bgp_err err;
	const char *reason;
	struct wbuf w;

	if (mrt_bgp4mp_decode(h->subtype, body, &m, &reason) == -1)
		return;
	wbuf_init(&w, out, sizeof(out));
	mrt_bgp4mp_encode(&w, h->time, h->usec, h->type == MRT_BGP4MP_ET, &m);
	CHECK(!w.overflow);
	/* A state change's trailing bytes, if any, are not read. */
	CHECK(m.state_change ? w.len <= MRT_HEADER_LEN + h->length :
	    w.len == MRT_HEADER_LEN + h->length);
	CHECK(load_u16(out + 6) == h->subtype);
	CHECK(memcmp(out + MRT_HEADER_LEN + (h->type == MRT_BGP4MP_ET ? 4 : 0),
	    body.p, w.len - MRT_HEADER_LEN - (h->type == MRT_BGP4MP_ET ?
	    4 : 0)) == 0);
	if (m.state_change || m.msg.len < BGP_HEADER_LEN ||
	    m.msg.p[18] != BGP_UPDATE)
		return;
	mrt_bgp4mp_codec_opts(&m, &o);
	bgp_err_clear(&err);
	(void)bgp_update_decode(m.msg, &o, &upd, &bscratch, &err);
}

static void
table_dump(uint16_t subtype, struct rbuf body)
{
	static uint8_t msg[BGP_EXT_MAX_LEN];
	struct mrt_table_dump t;
	struct bgp_err err;
	const char *reason;

	if (mrt_table_dump_decode(subtype, body, &t, &reason) == -1)
		return;
	CHECK(t.prefix.len <= af_max_bits(t.prefix.af));
	(void)mrt_table_dump_attrs_decode(t.attrs, &upd, msg, sizeof(msg),
	    &bscratch, &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rbuf in = rbuf_make(data, size), body;
	struct mrt_header h;
	const char *reason;

	static FILE *null;
	static struct decode_mrt *dm;

	if (null == NULL && ((null = fopen("/dev/null", "w")) == NULL ||
	    (dm = decode_mrt_new()) == NULL))
		abort();
	/* The JSON costs ten times the lines (cJSON): one input in four,
	 * chosen by its length so that a crash replays. */
	if (size % 4 == 0)
		(void)decode_mrt_run(dm, data, size, false, null);
	(void)decode_mrt_run(dm, data, size, true, null);
	while (mrt_record_next(&in, &h, &body, &reason) == 1) {
		if (h.type == MRT_TABLE_DUMP_V2 &&
		    h.subtype == MRT_PEER_INDEX_TABLE)
			peer_table(body);
		else if (h.type == MRT_TABLE_DUMP_V2)
			rib(h.subtype, body);
		else if (h.type == MRT_BGP4MP || h.type == MRT_BGP4MP_ET)
			bgp4mp(&h, body);
		else if (h.type == MRT_TABLE_DUMP)
			table_dump(h.subtype, body);
	}
	return 0;
}
