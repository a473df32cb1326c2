/*
 * Prints BGP messages a PEERING client exchanges with a mux, built by our
 * encoder, as "decode flags<TAB>description<TAB>hex" lines for scripts/demo
 * to decode back with `peering decode`.
 */
#include <stdio.h>
#include <string.h>

#include "../src/bgp/aspath.h"
#include "../src/bgp/msg.h"
#include "../src/bgp/update.h"
#include "../src/lib/hex.h"

static uint8_t msgbuf[BGP_EXT_MAX_LEN];
static char hexbuf[2 * BGP_EXT_MAX_LEN + 1];

static void
emit(const char *flags, const char *what, const struct wbuf *w)
{
	if (w->overflow) {
		fprintf(stderr, "demo: %s does not fit a message\n", what);
		return;
	}
	printf("%s\t%s\t%s\n", flags, what, hex_encode(w->p, w->len, hexbuf));
}

static void
demo_open(void)
{
	struct bgp_open o;
	struct wbuf w;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = 47065;
	o.hold_time = 90;
	o.bgp_id = 0x64418002;	/* 100.65.128.2: our side of tap1 */
	o.caps.n_mp = 2;
	o.caps.mp[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1, 0 };
	o.caps.mp[1] = (struct bgp_afi_safi){ BGP_AFI_IPV6, 1, 0 };
	o.caps.route_refresh = true;
	o.caps.as4 = true;
	o.caps.as4_number = 47065;
	o.caps.n_addpath = 2;
	o.caps.addpath[0] = (struct bgp_afi_safi){ BGP_AFI_IPV4, 1,
	    BGP_ADDPATH_RECEIVE };
	o.caps.addpath[1] = (struct bgp_afi_safi){ BGP_AFI_IPV6, 1,
	    BGP_ADDPATH_RECEIVE };
	o.caps.graceful_restart = true;
	o.caps.gr_time = 120;
	o.caps.ext_message = true;
	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_open_encode(&w, &o);
	emit("--as4",
	    "OPEN from the client to mux seattle01: AS 47065, "
	    "hold 90 s, IPv4+IPv6, 4-octet AS, ADD-PATH receive, "
	    "graceful restart", &w);
}

/* `peering prefix announce -p 3356 -c 47065,1001 -l 47065,1,2
 * 184.164.224.0/24`: poison 3356, not to peer 1. */
static void
demo_announce(void)
{
	static uint8_t path[64], comm[4], large[12];
	const uint32_t seq[] = { 3356, 47065 };
	const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	struct bgp_update u;
	struct prefix p;
	struct wbuf pw, w;
	uint8_t nlri[8];
	struct wbuf nw;

	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	wbuf_init(&pw, path, sizeof(path));
	aspath_encode_seq(&pw, seq, 2);
	u.attrs.origin = BGP_ORIGIN_IGP;
	u.attrs.as_path = rbuf_make(path, pw.len);
	memcpy(u.attrs.next_hop, (uint8_t[]){ 100, 65, 128, 2 }, 4);
	u.attrs.local_pref = 100;
	memcpy(comm, (uint8_t[]){ 0xb7, 0xd9, 0x03, 0xe9 }, 4);
	u.attrs.communities = rbuf_make(comm, 4);
	memcpy(large, (uint8_t[]){ 0, 0, 0xb7, 0xd9, 0, 0, 0, 1, 0, 0, 0, 2 },
	    12);
	u.attrs.large_communities = rbuf_make(large, 12);
	bgp_attr_set(&u.attrs, BGP_ATTR_ORIGIN);
	bgp_attr_set(&u.attrs, BGP_ATTR_AS_PATH);
	bgp_attr_set(&u.attrs, BGP_ATTR_NEXT_HOP);
	bgp_attr_set(&u.attrs, BGP_ATTR_LOCAL_PREF);
	bgp_attr_set(&u.attrs, BGP_ATTR_COMMUNITIES);
	bgp_attr_set(&u.attrs, BGP_ATTR_LARGE_COMMUNITIES);
	prefix_parse("184.164.224.0/24", true, &p);
	wbuf_init(&nw, nlri, sizeof(nlri));
	nlri_encode(&nw, &p, false, 0);
	u.nlri = rbuf_make(nlri, nw.len);
	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_update_encode(&w, &u, &opts);
	emit("--as4", "UPDATE from the client: announce 184.164.224.0/24 "
	    "poisoning AS 3356, not to peer 1, with a large community", &w);
}

/* A mux sends two paths for one prefix, one per upstream (ADD-PATH). */
static void
demo_addpath(void)
{
	static uint8_t path[2][32];
	const uint32_t via1[] = { 3356, 15169 }, via2[] = { 1299, 15169 };
	const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true,
	    .addpath = { true, true } };
	struct bgp_packer pk;
	struct bgp_attrs a;
	struct prefix p;
	struct wbuf w, pw;

	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	prefix_parse("8.8.8.0/24", true, &p);
	for (int i = 0; i < 2; i++) {
		bgp_attrs_init(&a);
		wbuf_init(&pw, path[i], sizeof(path[i]));
		aspath_encode_seq(&pw, i == 0 ? via1 : via2, 2);
		a.origin = BGP_ORIGIN_IGP;
		a.as_path = rbuf_make(path[i], pw.len);
		/* 100.(64+N).<peerid/256>.<peerid%256>: egress via peer. */
		memcpy(a.next_hop, (uint8_t[]){ 100, 65, 0, (uint8_t)(11 + i) },
		    4);
		a.local_pref = 100;
		bgp_attr_set(&a, BGP_ATTR_ORIGIN);
		bgp_attr_set(&a, BGP_ATTR_AS_PATH);
		bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
		bgp_attr_set(&a, BGP_ATTR_LOCAL_PREF);
		bgp_packer_init(&pk, &opts, AF_IDX_IPV4, &a);
		bgp_packer_add(&pk, &p, (uint32_t)(i + 1), &w);
		bgp_packer_flush(&pk, &w);
		emit("--as4 --addpath", i == 0 ?
		    "UPDATE from mux seattle01: 8.8.8.0/24 via upstream "
		    "peer 11, path id 1" : "UPDATE from mux seattle01: the "
		    "same prefix via upstream peer 12, path id 2", &w);
		wbuf_init(&w, msgbuf, sizeof(msgbuf));
	}
}

static void
demo_ipv6(void)
{
	static uint8_t path[16];
	const uint32_t seq[] = { 47065 };
	const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	struct bgp_packer pk;
	struct bgp_attrs a;
	struct prefix p, nh;
	struct wbuf w, pw;

	bgp_attrs_init(&a);
	wbuf_init(&pw, path, sizeof(path));
	aspath_encode_seq(&pw, seq, 1);
	a.origin = BGP_ORIGIN_IGP;
	a.as_path = rbuf_make(path, pw.len);
	a.local_pref = 100;
	addr_parse("2804:269c:ff00:1:1::2", &nh);
	a.mp_reach.afi = BGP_AFI_IPV6;
	a.mp_reach.safi = BGP_SAFI_UNICAST;
	a.mp_reach.af = AF_IDX_IPV6;
	a.mp_reach.nh_len = 16;
	memcpy(a.mp_reach.nexthop, nh.addr, 16);
	bgp_attr_set(&a, BGP_ATTR_ORIGIN);
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	bgp_attr_set(&a, BGP_ATTR_LOCAL_PREF);
	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_packer_init(&pk, &opts, AF_IDX_IPV6, &a);
	prefix_parse("2804:269c:1::/48", true, &p);
	bgp_packer_add(&pk, &p, 0, &w);
	bgp_packer_flush(&pk, &w);
	emit("--as4", "UPDATE from the client over IPv6 (MP_REACH_NLRI): "
	    "announce 2804:269c:1::/48", &w);

	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_packer_init(&pk, &opts, AF_IDX_IPV6, NULL);
	bgp_packer_add(&pk, &p, 0, &w);
	bgp_packer_flush(&pk, &w);
	emit("--as4", "UPDATE from the client: withdraw 2804:269c:1::/48 "
	    "(MP_UNREACH_NLRI)", &w);
}

static void
demo_end(void)
{
	struct wbuf w;

	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_eor_encode(&w, AF_IDX_IPV4);
	emit("--as4", "UPDATE from mux seattle01: End-of-RIB for IPv4", &w);
	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_keepalive_encode(&w);
	emit("--as4", "KEEPALIVE", &w);
	wbuf_init(&w, msgbuf, sizeof(msgbuf));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_SHUTDOWN,
	    "peering bgp stop: experiment over");
	emit("--as4", "NOTIFICATION from the client on `peering bgp stop`, "
	    "with a shutdown communication", &w);
}

int
main(void)
{
	demo_open();
	demo_announce();
	demo_addpath();
	demo_ipv6();
	demo_end();
	return 0;
}
