/*
 * make_corpus: writes the seed corpora of fuzz_open, fuzz_update and
 * fuzz_notification: valid messages of every kind built with our encoder,
 * plus a few hand-made OPENs with capabilities we never send ourselves.
 * See fuzz/corpus/README.md.
 *
 * usage: make_corpus DIR   (writes DIR/fuzz_open/, DIR/fuzz_update/,
 *                           DIR/fuzz_notification/)
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../src/bgp/aspath.h"
#include "../src/bgp/msg.h"
#include "../src/bgp/update.h"

/* fuzz_update's option byte. */
#define OPT_AS4		0x01
#define OPT_AP4		0x02
#define OPT_AP6		0x04
#define OPT_IBGP	0x08
#define OPT_EXT		0x10

static const char *outdir;
static struct bgp_packer packer;
static uint8_t buf[2 * BGP_EXT_MAX_LEN];

static void
mkdir_p(const char *path)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		err(1, "%s", path);
}

/* One seed file; fuzz_update seeds start with the option byte. */
static void
seed(const char *target, const char *name, int opt, const struct wbuf *w)
{
	char path[4096];
	FILE *f;

	if (w->overflow || w->len == 0)
		errx(1, "%s/%s: encoder wrote nothing", target, name);
	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	mkdir_p(path);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	if ((f = fopen(path, "wb")) == NULL)
		err(1, "%s", path);
	if (opt >= 0)
		fputc(opt, f);
	fwrite(w->p, 1, w->len, f);
	if (fclose(f) != 0)
		err(1, "%s", path);
}

static struct wbuf *
fresh(void)
{
	static struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	return &w;
}

static struct bgp_codec_opts
opts_of(int opt)
{
	struct bgp_codec_opts o;

	memset(&o, 0, sizeof(o));
	o.as4 = opt & OPT_AS4;
	o.addpath[AF_IDX_IPV4] = opt & OPT_AP4;
	o.addpath[AF_IDX_IPV6] = opt & OPT_AP6;
	o.ibgp = opt & OPT_IBGP;
	o.max_len = opt & OPT_EXT ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	return o;
}

static struct prefix
pfx(const char *text)
{
	struct prefix p;

	if (prefix_parse(text, true, &p) == -1)
		errx(1, "bad prefix %s", text);
	return p;
}

/* ---- OPEN ---- */

static void
afs(struct bgp_afi_safi *a, uint16_t afi, uint8_t flags)
{
	a->afi = afi;
	a->safi = BGP_SAFI_UNICAST;
	a->flags = flags;
}

static void
seeds_open(void)
{
	/* Capabilities we never send: FQDN (73), old route refresh (128),
	 * one unassigned; in two optional parameters. */
	static uint8_t odd[] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x00, 0x3a, 0x01,
	    0x04, 0xfd, 0xe9, 0x00, 0xb4, 0x0a, 0x00, 0x00, 0x01, 0x1d,
	    0x02, 0x0d, 0x49, 0x06, 0x04, 'h', 'o', 's', 't', 0x00,
	    0x80, 0x00, 0xc8, 0x01, 0x2a,
	    0x02, 0x0c, 0x01, 0x04, 0x00, 0x02, 0x00, 0x01,
	    0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9 };
	struct bgp_open o;
	struct wbuf *w, raw;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = BGP_AS_TRANS;
	o.hold_time = 90;
	o.bgp_id = 0xc0000201;
	o.caps.n_mp = 2;
	afs(&o.caps.mp[0], BGP_AFI_IPV4, 0);
	afs(&o.caps.mp[1], BGP_AFI_IPV6, 0);
	o.caps.route_refresh = true;
	o.caps.enhanced_route_refresh = true;
	o.caps.ext_message = true;
	o.caps.as4 = true;
	o.caps.as4_number = 4200000001u;
	o.caps.n_addpath = 2;
	afs(&o.caps.addpath[0], BGP_AFI_IPV4, 3);
	afs(&o.caps.addpath[1], BGP_AFI_IPV6, 1);
	o.caps.graceful_restart = true;
	o.caps.gr_flags = BGP_GR_RESTARTING | BGP_GR_NOTIFICATION;
	o.caps.gr_time = 120;
	o.caps.n_gr = 2;
	afs(&o.caps.gr[0], BGP_AFI_IPV4, BGP_GR_AF_FORWARDING);
	afs(&o.caps.gr[1], BGP_AFI_IPV6, 0);
	w = fresh();
	bgp_open_encode(w, &o);
	seed("fuzz_open", "open-as4-addpath-gr", -1, w);

	memset(&o.caps, 0, sizeof(o.caps));
	o.my_as = 65001;
	o.hold_time = 0;
	o.caps.n_mp = 1;
	afs(&o.caps.mp[0], BGP_AFI_IPV4, 0);
	o.caps.route_refresh = true;
	w = fresh();
	bgp_open_encode(w, &o);
	seed("fuzz_open", "open-2octet", -1, w);

	memset(&o.caps, 0, sizeof(o.caps));
	o.hold_time = 3;
	w = fresh();
	bgp_open_encode(w, &o);
	seed("fuzz_open", "open-no-caps", -1, w);

	wbuf_init(&raw, odd, sizeof(odd));
	raw.len = sizeof(odd);
	seed("fuzz_open", "open-unknown-caps", -1, &raw);
}

/* ---- UPDATE ---- */

static void
put_seg(struct wbuf *w, uint8_t type, const uint32_t *as, size_t n)
{
	size_t i;

	wbuf_put_u8(w, type);
	wbuf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++)
		wbuf_put_u32(w, as[i]);
}

static struct rbuf
nlri_block(struct wbuf *w, const char *const *text, size_t n)
{
	size_t i, start = w->len;

	for (i = 0; i < n; i++) {
		struct prefix p = pfx(text[i]);

		nlri_encode(w, &p, false, 0);
	}
	return rbuf_make(w->p + start, w->len - start);
}

/* Every attribute we know and one we do not, through bgp_update_encode. */
static void
update_full(const char *name, int opt, bool confed)
{
	static const char *const wd[] = { "192.0.2.0/24", "198.51.100.128/25" };
	static const char *const nl[] = { "184.164.224.0/24", "10.0.0.0/8",
	    "203.0.113.7/32", "0.0.0.0/0" };
	static const uint32_t seq[] = { 47065, 4200000001u, 3356, 3356, 65536 };
	static const uint32_t set[] = { 64500, 4200000002u };
	static const uint32_t cseq[] = { 64512, 64513 };
	static uint8_t space[1024], unknown[] = { 0xde, 0xad, 0xbe, 0xef };
	static struct bgp_update u;
	struct bgp_codec_opts o = opts_of(opt);
	struct wbuf s, *w;
	size_t start;

	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	wbuf_init(&s, space, sizeof(space));
	u.withdrawn = nlri_block(&s, wd, 2);
	u.nlri = nlri_block(&s, nl, 4);

	u.attrs.origin = BGP_ORIGIN_EGP;
	bgp_attr_set(&u.attrs, BGP_ATTR_ORIGIN);
	start = s.len;
	if (confed)
		put_seg(&s, BGP_AS_CONFED_SEQUENCE, cseq, 2);
	put_seg(&s, BGP_AS_SEQUENCE, seq, 5);
	put_seg(&s, BGP_AS_SET, set, 2);
	u.attrs.as_path = rbuf_make(space + start, s.len - start);
	bgp_attr_set(&u.attrs, BGP_ATTR_AS_PATH);
	memcpy(u.attrs.next_hop, "\x64\x41\x80\x01", 4);
	bgp_attr_set(&u.attrs, BGP_ATTR_NEXT_HOP);
	u.attrs.med = 50;
	bgp_attr_set(&u.attrs, BGP_ATTR_MED);
	if (opt & OPT_IBGP) {
		u.attrs.local_pref = 200;
		bgp_attr_set(&u.attrs, BGP_ATTR_LOCAL_PREF);
		u.attrs.originator_id = 0x0a000001;
		bgp_attr_set(&u.attrs, BGP_ATTR_ORIGINATOR_ID);
		start = s.len;
		wbuf_put_u32(&s, 0x0a000002);
		u.attrs.cluster_list = rbuf_make(space + start, 4);
		bgp_attr_set(&u.attrs, BGP_ATTR_CLUSTER_LIST);
	}
	bgp_attr_set(&u.attrs, BGP_ATTR_ATOMIC_AGGREGATE);
	u.attrs.aggregator_as = 4200000001u;
	memcpy(u.attrs.aggregator_addr, "\x0a\x00\x00\x01", 4);
	bgp_attr_set(&u.attrs, BGP_ATTR_AGGREGATOR);

	start = s.len;
	wbuf_put_u32(&s, 47065u << 16 | 1);
	wbuf_put_u32(&s, 0xffffff01);
	u.attrs.communities = rbuf_make(space + start, s.len - start);
	bgp_attr_set(&u.attrs, BGP_ATTR_COMMUNITIES);
	start = s.len;
	wbuf_put_u32(&s, 0x0002b7d9);
	wbuf_put_u32(&s, 100);
	u.attrs.ext_communities = rbuf_make(space + start, 8);
	bgp_attr_set(&u.attrs, BGP_ATTR_EXT_COMMUNITIES);
	start = s.len;
	wbuf_put_u32(&s, 47065);
	wbuf_put_u32(&s, 1);
	wbuf_put_u32(&s, 2);
	u.attrs.large_communities = rbuf_make(space + start, 12);
	bgp_attr_set(&u.attrs, BGP_ATTR_LARGE_COMMUNITIES);

	/* An optional transitive attribute nobody knows. */
	u.attrs.n_unknown = 1;
	u.attrs.unknown[0].flags = BGP_ATTR_FLAG_OPTIONAL |
	    BGP_ATTR_FLAG_TRANSITIVE;
	u.attrs.unknown[0].type = 99;
	u.attrs.unknown[0].value = rbuf_make(unknown, sizeof(unknown));

	if (s.overflow)
		errx(1, "%s: no room", name);
	w = fresh();
	bgp_update_encode(w, &u, &o);
	seed("fuzz_update", name, opt, w);
}

static void
attrs_basic(struct bgp_attrs *a, uint8_t *path, const uint32_t *as, size_t n)
{
	struct wbuf w;

	memset(a, 0, sizeof(*a));
	bgp_attrs_init(a);
	a->origin = BGP_ORIGIN_IGP;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);
	wbuf_init(&w, path, 4 + 4 * n);
	put_seg(&w, BGP_AS_SEQUENCE, as, n);
	a->as_path = rbuf_make(path, w.len);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);
}

static void
pack(const char *name, int opt, unsigned af, const struct bgp_attrs *a,
    const char *const *text, size_t n, size_t repeat)
{
	struct bgp_codec_opts o = opts_of(opt);
	struct wbuf *w = fresh();
	size_t i, k;

	bgp_packer_init(&packer, &o, af, a);
	for (k = 0; k < repeat; k++) {
		for (i = 0; i < n; i++) {
			struct prefix p = pfx(text[i]);

			/* Spread repeats over distinct prefixes. */
			if (af == AF_IDX_IPV4)
				p.addr[1] = (uint8_t)(p.addr[1] + k);
			else
				p.addr[3] = (uint8_t)(p.addr[3] + k);
			prefix_mask(&p);
			if (bgp_packer_add(&packer, &p, (uint32_t)(i + 1),
			    w) != 0)
				errx(1, "%s: one message expected", name);
		}
	}
	bgp_packer_flush(&packer, w);
	seed("fuzz_update", name, opt, w);
}

static void
seeds_update(void)
{
	static const char *const v4[] = { "184.164.224.0/24",
	    "184.164.226.0/23", "10.10.0.0/16", "0.0.0.0/0" };
	static const char *const v6[] = { "2804:269c::/42", "2001:db8::/32",
	    "2001:db8::1/128", "::/0" };
	static const uint32_t as[] = { 47065, 263842 };
	static uint8_t path[64];
	static struct bgp_attrs a4, a6;
	struct wbuf *w;

	update_full("update-as4-full", OPT_AS4, false);
	update_full("update-as2-full", 0, false);
	update_full("update-as4-ibgp-confed", OPT_AS4 | OPT_IBGP, true);

	attrs_basic(&a4, path, as, 2);
	memcpy(a4.next_hop, "\xb8\xa4\xe0\x01", 4);
	bgp_attr_set(&a4, BGP_ATTR_NEXT_HOP);
	pack("pack-v4", OPT_AS4, AF_IDX_IPV4, &a4, v4, 4, 1);
	pack("pack-v4-addpath", OPT_AS4 | OPT_AP4, AF_IDX_IPV4, &a4, v4, 4, 1);
	pack("pack-v4-as2", 0, AF_IDX_IPV4, &a4, v4, 4, 1);
	pack("pack-v4-ext", OPT_AS4 | OPT_EXT, AF_IDX_IPV4, &a4, v4, 4, 500);

	a6 = a4;
	bgp_attr_unset(&a6, BGP_ATTR_NEXT_HOP);
	a6.mp_reach.afi = BGP_AFI_IPV6;
	a6.mp_reach.safi = BGP_SAFI_UNICAST;
	a6.mp_reach.af = AF_IDX_IPV6;
	a6.mp_reach.nh_len = 32;
	inet_pton(AF_INET6, "2804:269c:ff00:1::1", a6.mp_reach.nexthop);
	inet_pton(AF_INET6, "fe80::2ff:fe03:405", a6.mp_reach.nexthop_ll);
	bgp_attr_set(&a6, BGP_ATTR_MP_REACH);
	pack("pack-v6", OPT_AS4, AF_IDX_IPV6, &a6, v6, 4, 1);
	pack("pack-v6-addpath", OPT_AS4 | OPT_AP6, AF_IDX_IPV6, &a6, v6, 4, 1);
	a6.mp_reach.nh_len = 16;
	pack("pack-v6-global-nh-as2", 0, AF_IDX_IPV6, &a6, v6, 4, 1);

	pack("withdraw-v4", OPT_AS4, AF_IDX_IPV4, NULL, v4, 4, 1);
	pack("withdraw-v4-addpath", OPT_AS4 | OPT_AP4, AF_IDX_IPV4, NULL, v4,
	    4, 1);
	pack("withdraw-v6", OPT_AS4, AF_IDX_IPV6, NULL, v6, 4, 1);
	pack("withdraw-v6-addpath", OPT_AS4 | OPT_AP6, AF_IDX_IPV6, NULL, v6,
	    4, 1);

	w = fresh();
	bgp_eor_encode(w, AF_IDX_IPV4);
	seed("fuzz_update", "eor-v4", OPT_AS4, w);
	w = fresh();
	bgp_eor_encode(w, AF_IDX_IPV6);
	seed("fuzz_update", "eor-v6", OPT_AS4, w);
}

/* ---- NOTIFICATION, ROUTE-REFRESH, KEEPALIVE ---- */

static void
seeds_notification(void)
{
	static const uint8_t data[] = { 0x40, 0x02, 0x00 };
	struct bgp_route_refresh rr = { BGP_AFI_IPV4, BGP_REFRESH_NORMAL,
	    BGP_SAFI_UNICAST };
	struct wbuf *w;

	w = fresh();
	bgp_shutdown_encode(w, BGP_CEASE_ADMIN_SHUTDOWN,
	    "maintenance \xe2\x80\x94 back in 10 minutes");
	seed("fuzz_notification", "shutdown-text", -1, w);
	w = fresh();
	bgp_shutdown_encode(w, BGP_CEASE_ADMIN_RESET, "");
	seed("fuzz_notification", "reset-empty-text", -1, w);
	w = fresh();
	bgp_notification_encode(w, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, data,
	    sizeof(data));
	seed("fuzz_notification", "update-error-data", -1, w);
	w = fresh();
	bgp_notification_encode(w, BGP_ERR_HOLD, 0, NULL, 0);
	seed("fuzz_notification", "hold-expired", -1, w);

	w = fresh();
	bgp_route_refresh_encode(w, &rr);
	seed("fuzz_notification", "refresh-v4", -1, w);
	rr.afi = BGP_AFI_IPV6;
	rr.subtype = BGP_REFRESH_BORR;
	w = fresh();
	bgp_route_refresh_encode(w, &rr);
	seed("fuzz_notification", "refresh-v6-borr", -1, w);
	rr.subtype = BGP_REFRESH_EORR;
	w = fresh();
	bgp_route_refresh_encode(w, &rr);
	seed("fuzz_notification", "refresh-v6-eorr", -1, w);

	w = fresh();
	bgp_keepalive_encode(w);
	seed("fuzz_notification", "keepalive", -1, w);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir_p(outdir);
	seeds_open();
	seeds_update();
	seeds_notification();
	return 0;
}
