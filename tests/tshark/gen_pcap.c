/*
 * gen_pcap: builds BGP messages with our encoder and writes them into
 * capture files for tshark, one message per TCP segment, together with the
 * field values Wireshark should find in each frame. The expected values are
 * written from what we asked the encoder for, never from our decoder, so
 * the check is independent of our own reading of the bytes.
 *
 * usage: gen_pcap DIR
 * writes DIR/as4.pcap + DIR/as4.exp (4-octet AS session) and DIR/as2.pcap +
 * DIR/as2.exp (2-octet session: AS_TRANS, AS4_PATH, AS4_AGGREGATOR).
 *
 * Wireshark 4.0 has no ADD-PATH preference: it guesses per NLRI block, and
 * takes a block as ADD-PATH when it parses with path ids but not without
 * (a zero prefix length inside a longer block counts as "not without").
 * So path ids here stay below 2^24 (their first byte reads as a /0) and
 * blocks without ADD-PATH hold no /0 among other prefixes.
 *
 * Expectation lines: "frame<TAB>field<TAB>mode<TAB>value", mode '=' for an
 * exact, ordered match of tshark's comma-joined values and '~' for the same
 * values in any order (where the order is the encoder's choice). Lines
 * "#<TAB>frame<TAB>text" name the frame for failure messages.
 */
#include <arpa/inet.h>
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bgp/msg.h"
#include "../../src/bgp/nlri.h"
#include "../../src/bgp/update.h"
#include "../../src/lib/prefix.h"

#define MSG_BUF		8192

/* One capture file and the expectations for its frames. */
struct capture {
	FILE		*pcap;
	FILE		*exp;
	unsigned	 frame;		/* number of the last frame written */
	uint32_t	 seq;
};

/* Values joined by commas, the way tshark prints a repeated field. */
struct list {
	char	s[4096];
	size_t	len;
};

static struct bgp_packer packer;	/* 64 KiB: keep it off the stack */

/* ---- capture files ---- */

static void
le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
capture_open(struct capture *c, const char *dir, const char *name)
{
	char path[4096];
	uint8_t h[24];

	memset(c, 0, sizeof(*c));
	c->seq = 1;
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	if ((c->pcap = fopen(path, "wb")) == NULL)
		err(1, "%s", path);
	snprintf(path, sizeof(path), "%s/%s.exp", dir, name);
	if ((c->exp = fopen(path, "w")) == NULL)
		err(1, "%s", path);

	/* Classic libpcap header, microseconds, Ethernet. */
	le32(h, 0xa1b2c3d4);
	le16(h + 4, 2);
	le16(h + 6, 4);
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, 65535);
	le32(h + 20, 1);
	fwrite(h, 1, sizeof(h), c->pcap);
}

static void
capture_close(struct capture *c)
{
	if (fclose(c->pcap) != 0 || fclose(c->exp) != 0)
		err(1, "writing capture");
}

/* One frame: Ethernet, IPv4 10.0.0.1 -> 10.0.0.2, TCP 40179 -> 179. */
static void
capture_msg(struct capture *c, const uint8_t *msg, size_t len)
{
	uint8_t rec[16], hdr[14 + 20 + 20];
	uint8_t *ip = hdr + 14, *tcp = hdr + 34;
	size_t frame_len = sizeof(hdr) + len;

	if (20 + 20 + len > 65535)
		errx(1, "message of %zu bytes does not fit an IP packet", len);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	be16(hdr + 12, 0x0800);

	ip[0] = 0x45;
	be16(ip + 2, (uint16_t)(20 + 20 + len));
	be16(ip + 4, (uint16_t)(c->frame + 1));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	be16(ip + 10, ip_checksum(ip, 20));

	be16(tcp, 40179);
	be16(tcp + 2, 179);
	be32(tcp + 4, c->seq);
	be32(tcp + 8, 1);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;			/* PSH, ACK */
	be16(tcp + 14, 65535);		/* checksum left 0: not checked */

	c->frame++;
	c->seq += (uint32_t)len;
	le32(rec, c->frame);
	le32(rec + 4, 0);
	le32(rec + 8, (uint32_t)frame_len);
	le32(rec + 12, (uint32_t)frame_len);
	fwrite(rec, 1, sizeof(rec), c->pcap);
	fwrite(hdr, 1, sizeof(hdr), c->pcap);
	fwrite(msg, 1, len, c->pcap);
}

/*
 * Splits what an encoder appended into messages, one frame each. The length
 * field is the encoder's own; a bad one shows up as mismatches in tshark.
 */
static int
capture_wbuf(struct capture *c, const struct wbuf *w, const char *what)
{
	size_t off = 0, len;
	int n = 0;

	if (w->overflow)
		errx(1, "%s: encoder overflowed its buffer", what);
	while (off < w->len) {
		if (w->len - off < BGP_HEADER_LEN)
			errx(1, "%s: %zu trailing bytes", what, w->len - off);
		len = load_u16(w->p + off + 16);
		if (len < BGP_HEADER_LEN || len > w->len - off)
			errx(1, "%s: bad message length %zu", what, len);
		capture_msg(c, w->p + off, len);
		off += len;
		n++;
	}
	return n;
}

/* The encoder output must be exactly one message. */
static void
capture_one(struct capture *c, const struct wbuf *w, const char *what)
{
	int n = capture_wbuf(c, w, what);

	if (n != 1)
		errx(1, "%s: encoder wrote %d messages, want 1", what, n);
	fprintf(c->exp, "#\t%u\t%s\n", c->frame, what);
	/* Every frame: well formed for Wireshark, good IP checksum. */
	fprintf(c->exp, "%u\t_ws.malformed\t=\t\n", c->frame);
	fprintf(c->exp, "%u\tip.checksum.status\t=\t1\n", c->frame);
}

static void
expect(struct capture *c, const char *field, char mode, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->exp, "%u\t%s\t%c\t", c->frame, field, mode);
	va_start(ap, fmt);
	vfprintf(c->exp, fmt, ap);
	va_end(ap);
	fputc('\n', c->exp);
}

static void
list_add(struct list *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len > 0 && l->len + 1 < sizeof(l->s))
		l->s[l->len++] = ',';
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->len, sizeof(l->s) - l->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(l->s) - l->len)
		errx(1, "expectation list too long");
	l->len += (size_t)n;
}

/* ---- building blocks ---- */

static struct prefix
pfx(const char *text)
{
	struct prefix p;

	if (prefix_parse(text, true, &p) == -1)
		errx(1, "bad test prefix %s", text);
	return p;
}

/* tshark prints a prefix as its address; the length is a field apart. */
static void
expect_prefixes(struct capture *c, const char *field, const char *const *text,
    size_t n, struct list *lens)
{
	struct list addrs = { .len = 0 };
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		struct prefix p = pfx(text[i]);

		inet_ntop(p.af == AF_IDX_IPV4 ? AF_INET : AF_INET6, p.addr,
		    buf, sizeof(buf));
		list_add(&addrs, "%s", buf);
		list_add(lens, "%u", p.len);
	}
	expect(c, field, '=', "%s", addrs.s);
}

static void
expect_ids(struct capture *c, const uint32_t *ids, size_t n)
{
	struct list l = { .len = 0 };
	size_t i;

	for (i = 0; i < n; i++)
		list_add(&l, "%u", ids[i]);
	expect(c, "bgp.nlri_path_id", '=', "%s", l.s);
}

static struct rbuf
wire_nlri(struct wbuf *w, const char *const *text, size_t n)
{
	size_t i, start = w->len;

	for (i = 0; i < n; i++) {
		struct prefix p = pfx(text[i]);

		nlri_encode(w, &p, false, 0);
	}
	if (w->overflow)
		errx(1, "nlri_encode overflowed");
	return rbuf_make(w->p + start, w->len - start);
}

static void
put_segment(struct wbuf *w, uint8_t type, const uint32_t *as, size_t n)
{
	size_t i;

	wbuf_put_u8(w, type);
	wbuf_put_u8(w, (uint8_t)n);
	for (i = 0; i < n; i++)
		wbuf_put_u32(w, as[i]);
}

static struct bgp_codec_opts
opts_make(bool as4, bool addpath)
{
	struct bgp_codec_opts o;

	memset(&o, 0, sizeof(o));
	o.as4 = as4;
	o.ibgp = true;
	o.addpath[AF_IDX_IPV4] = addpath;
	o.addpath[AF_IDX_IPV6] = addpath;
	o.max_len = BGP_MAX_LEN;
	return o;
}

/* Packs n prefixes (withdrawn when attrs is NULL) into one message. */
static void
pack(struct capture *c, const char *what, const struct bgp_codec_opts *o,
    unsigned af, const struct bgp_attrs *attrs, const char *const *text,
    const uint32_t *ids, size_t n)
{
	uint8_t buf[MSG_BUF];
	struct wbuf w;
	size_t i;

	wbuf_init(&w, buf, sizeof(buf));
	bgp_packer_init(&packer, o, af, attrs);
	for (i = 0; i < n; i++) {
		struct prefix p = pfx(text[i]);

		if (bgp_packer_add(&packer, &p, ids ? ids[i] : 0, &w) < 0)
			errx(1, "%s: bgp_packer_add failed", what);
	}
	bgp_packer_flush(&packer, &w);
	capture_one(c, &w, what);
	expect(c, "bgp.type", '=', "%u", BGP_UPDATE);
}

/* ---- OPEN ---- */

static void
afs_set(struct bgp_afi_safi *a, uint16_t afi, uint8_t flags)
{
	a->afi = afi;
	a->safi = BGP_SAFI_UNICAST;
	a->flags = flags;
}

static void
gen_open_as4(struct capture *c)
{
	uint8_t buf[MSG_BUF];
	struct wbuf w;
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = BGP_AS_TRANS;
	o.hold_time = 90;
	o.bgp_id = 0xc0000201;
	o.caps.n_mp = 2;
	afs_set(&o.caps.mp[0], BGP_AFI_IPV4, 0);
	afs_set(&o.caps.mp[1], BGP_AFI_IPV6, 0);
	o.caps.route_refresh = true;
	o.caps.enhanced_route_refresh = true;
	o.caps.ext_message = true;
	o.caps.as4 = true;
	o.caps.as4_number = 4200000001u;
	o.caps.n_addpath = 2;
	afs_set(&o.caps.addpath[0], BGP_AFI_IPV4,
	    BGP_ADDPATH_RECEIVE | BGP_ADDPATH_SEND);
	afs_set(&o.caps.addpath[1], BGP_AFI_IPV6, BGP_ADDPATH_RECEIVE);
	o.caps.graceful_restart = true;
	o.caps.gr_flags = BGP_GR_RESTARTING;
	o.caps.gr_time = 120;
	o.caps.n_gr = 2;
	afs_set(&o.caps.gr[0], BGP_AFI_IPV4, BGP_GR_AF_FORWARDING);
	afs_set(&o.caps.gr[1], BGP_AFI_IPV6, 0);

	wbuf_init(&w, buf, sizeof(buf));
	bgp_open_encode(&w, &o);
	capture_one(c, &w, "OPEN, 4-octet AS, ADD-PATH, graceful restart");
	expect(c, "bgp.type", '=', "%u", BGP_OPEN);
	expect(c, "bgp.open.version", '=', "4");
	expect(c, "bgp.open.myas", '=', "%u", BGP_AS_TRANS);
	expect(c, "bgp.open.holdtime", '=', "90");
	expect(c, "bgp.open.identifier", '=', "192.0.2.1");
	expect(c, "bgp.cap.type", '~', "%u,%u,%u,%u,%u,%u,%u,%u",
	    BGP_CAPA_MP, BGP_CAPA_MP, BGP_CAPA_ROUTE_REFRESH,
	    BGP_CAPA_ENHANCED_RR, BGP_CAPA_EXT_MESSAGE, BGP_CAPA_AS4,
	    BGP_CAPA_ADD_PATH, BGP_CAPA_GRACEFUL_RESTART);
	expect(c, "bgp.cap.mp.afi", '=', "1,2");
	expect(c, "bgp.cap.mp.safi", '=', "1,1");
	expect(c, "bgp.cap.4as", '=', "4200000001");
	expect(c, "bgp.cap.ap.afi", '=', "1,2");
	expect(c, "bgp.cap.ap.safi", '=', "1,1");
	expect(c, "bgp.cap.ap.sendreceive", '=', "3,1");
	/* 4 flag bits above a 12-bit restart time. */
	expect(c, "bgp.cap.gr.timers", '=', "0x%04x",
	    (unsigned)(BGP_GR_RESTARTING << 12 | 120));
	expect(c, "bgp.cap.gr.afi", '=', "1,2");
	expect(c, "bgp.cap.gr.safi", '=', "1,1");
	expect(c, "bgp.cap.gr.flag", '=', "0x%02x,0x00",
	    (unsigned)BGP_GR_AF_FORWARDING);
}

static void
gen_open_as2(struct capture *c)
{
	uint8_t buf[MSG_BUF];
	struct wbuf w;
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = 65001;
	o.hold_time = 180;
	o.bgp_id = 0x0a000001;
	o.caps.n_mp = 1;
	afs_set(&o.caps.mp[0], BGP_AFI_IPV4, 0);
	o.caps.route_refresh = true;

	wbuf_init(&w, buf, sizeof(buf));
	bgp_open_encode(&w, &o);
	capture_one(c, &w, "OPEN, 2-octet speaker");
	expect(c, "bgp.type", '=', "%u", BGP_OPEN);
	expect(c, "bgp.open.myas", '=', "65001");
	expect(c, "bgp.open.holdtime", '=', "180");
	expect(c, "bgp.open.identifier", '=', "10.0.0.1");
	expect(c, "bgp.cap.type", '~', "%u,%u", BGP_CAPA_MP,
	    BGP_CAPA_ROUTE_REFRESH);
	expect(c, "bgp.cap.4as", '=', "");
}

/* ---- UPDATE ---- */

static const uint32_t path_seq[] = { 47065, 4200000001u, 3356, 3356, 65536 };
static const uint32_t path_set[] = { 64500, 4200000002u };
#define AGGR_AS		4200000001u

/* The AS numbers an old speaker sees: 4-octet ones become AS_TRANS. */
static void
list_as2(struct list *l, const uint32_t *as, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		list_add(l, "%u", as[i] > 65535 ? BGP_AS_TRANS : as[i]);
}

static void
list_as4(struct list *l, const uint32_t *as, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		list_add(l, "%u", as[i]);
}

static void
expect_full_path(struct capture *c, bool as4)
{
	struct list l2 = { .len = 0 }, l4 = { .len = 0 };

	list_as4(&l4, path_seq, 5);
	list_as4(&l4, path_set, 2);
	if (as4) {
		expect(c, "bgp.update.path_attribute.as_path_segment.type",
		    '=', "2,1");
		expect(c, "bgp.update.path_attribute.as_path_segment.as4",
		    '=', "%s", l4.s);
		expect(c, "bgp.update.path_attribute.as_path_segment.as2",
		    '=', "");
		expect(c, "bgp.update.path_attribute.aggregator_as", '=',
		    "%u", AGGR_AS);
		expect(c, "bgp.update.path_attribute.type_code", '=',
		    "1,2,3,4,5,7,8,16,32");
		return;
	}
	/* AS_PATH with AS_TRANS, then the real path in AS4_PATH. */
	list_as2(&l2, path_seq, 5);
	list_as2(&l2, path_set, 2);
	expect(c, "bgp.update.path_attribute.as_path_segment.type", '=',
	    "2,1,2,1");
	expect(c, "bgp.update.path_attribute.as_path_segment.as2", '=',
	    "%s", l2.s);
	expect(c, "bgp.update.path_attribute.as_path_segment.as4", '=',
	    "%s", l4.s);
	expect(c, "bgp.update.path_attribute.aggregator_as", '=', "%u,%u",
	    BGP_AS_TRANS, AGGR_AS);
	expect(c, "bgp.update.path_attribute.type_code", '=',
	    "1,2,3,4,5,7,8,16,17,18,32");
}

/*
 * One IPv4 UPDATE through bgp_update_encode with every attribute we care
 * about, withdrawn routes and NLRI. No /0 among the NLRI: Wireshark takes a
 * zero length inside a longer block as a sign of ADD-PATH.
 */
static void
gen_update_full(struct capture *c, bool as4)
{
	static const char *const wd[] = { "192.0.2.0/24", "198.51.100.128/25" };
	static const char *const nl[] = { "184.164.224.0/24",
	    "184.164.225.0/24", "10.0.0.0/8", "138.185.228.0/22",
	    "203.0.113.7/32" };
	uint8_t out[MSG_BUF], path[256], wire[256], comm[64], ext[64], lc[64];
	struct wbuf w, wp, wn, wc, we, wl;
	struct bgp_update u;
	struct bgp_codec_opts o = opts_make(as4, false);
	struct list lens = { .len = 0 };

	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	wbuf_init(&wn, wire, sizeof(wire));
	u.withdrawn = wire_nlri(&wn, wd, 2);
	u.nlri = wire_nlri(&wn, nl, 5);

	u.attrs.origin = BGP_ORIGIN_INCOMPLETE;
	bgp_attr_set(&u.attrs, BGP_ATTR_ORIGIN);
	wbuf_init(&wp, path, sizeof(path));
	put_segment(&wp, BGP_AS_SEQUENCE, path_seq, 5);
	put_segment(&wp, BGP_AS_SET, path_set, 2);
	u.attrs.as_path = rbuf_make(path, wp.len);
	bgp_attr_set(&u.attrs, BGP_ATTR_AS_PATH);
	memcpy(u.attrs.next_hop, "\x64\x41\x80\x01", 4);
	bgp_attr_set(&u.attrs, BGP_ATTR_NEXT_HOP);
	u.attrs.med = 50;
	bgp_attr_set(&u.attrs, BGP_ATTR_MED);
	u.attrs.local_pref = 200;
	bgp_attr_set(&u.attrs, BGP_ATTR_LOCAL_PREF);
	u.attrs.aggregator_as = AGGR_AS;
	memcpy(u.attrs.aggregator_addr, "\x0a\x00\x00\x01", 4);
	bgp_attr_set(&u.attrs, BGP_ATTR_AGGREGATOR);

	wbuf_init(&wc, comm, sizeof(comm));
	wbuf_put_u32(&wc, 47065u << 16 | 1);
	wbuf_put_u32(&wc, 47065u << 16 | 1001);
	wbuf_put_u32(&wc, 0xffffff01);		/* NO_EXPORT */
	u.attrs.communities = rbuf_make(comm, wc.len);
	bgp_attr_set(&u.attrs, BGP_ATTR_COMMUNITIES);

	/* Route target 47065:100, two-octet AS specific. */
	wbuf_init(&we, ext, sizeof(ext));
	wbuf_put_u8(&we, 0x00);
	wbuf_put_u8(&we, 0x02);
	wbuf_put_u16(&we, 47065);
	wbuf_put_u32(&we, 100);
	u.attrs.ext_communities = rbuf_make(ext, we.len);
	bgp_attr_set(&u.attrs, BGP_ATTR_EXT_COMMUNITIES);

	wbuf_init(&wl, lc, sizeof(lc));
	wbuf_put_u32(&wl, 47065);
	wbuf_put_u32(&wl, 1);
	wbuf_put_u32(&wl, 2);
	wbuf_put_u32(&wl, 4200000001u);
	wbuf_put_u32(&wl, 3);
	wbuf_put_u32(&wl, 4);
	u.attrs.large_communities = rbuf_make(lc, wl.len);
	bgp_attr_set(&u.attrs, BGP_ATTR_LARGE_COMMUNITIES);

	wbuf_init(&w, out, sizeof(out));
	bgp_update_encode(&w, &u, &o);
	capture_one(c, &w, as4 ? "UPDATE IPv4, every attribute, 4-octet" :
	    "UPDATE IPv4, every attribute, 2-octet session");
	expect(c, "bgp.type", '=', "%u", BGP_UPDATE);
	expect(c, "bgp.update.withdrawn_routes.length", '=', "%zu",
	    u.withdrawn.len);
	expect_prefixes(c, "bgp.withdrawn_prefix", wd, 2, &lens);
	expect_prefixes(c, "bgp.nlri_prefix", nl, 5, &lens);
	expect(c, "bgp.prefix_length", '=', "%s", lens.s);
	expect(c, "bgp.nlri_path_id", '=', "");
	expect(c, "bgp.update.path_attribute.origin", '=', "%u",
	    BGP_ORIGIN_INCOMPLETE);
	expect_full_path(c, as4);
	expect(c, "bgp.update.path_attribute.next_hop", '=', "100.65.128.1");
	expect(c, "bgp.update.path_attribute.multi_exit_disc", '=', "50");
	expect(c, "bgp.update.path_attribute.local_pref", '=', "200");
	expect(c, "bgp.update.path_attribute.aggregator_origin", '=',
	    as4 ? "10.0.0.1" : "10.0.0.1,10.0.0.1");
	expect(c, "bgp.update.path_attribute.community_as", '=',
	    "47065,47065");
	expect(c, "bgp.update.path_attribute.community_value", '=', "1,1001");
	expect(c, "bgp.update.path_attribute.community_wellknown", '=',
	    "0xffffff01");
	expect(c, "bgp.ext_com.value_as2", '=', "47065");
	expect(c, "bgp.ext_com.value_an4", '=', "100");
	expect(c, "bgp.large_communities.ga", '=', "47065,4200000001");
	expect(c, "bgp.large_communities.ldp1", '=', "1,3");
	expect(c, "bgp.large_communities.ldp2", '=', "2,4");
}

/* Attributes for the packed announcements: origin, path, next hop. */
static void
attrs_small(struct bgp_attrs *a, uint8_t *path, size_t size,
    const uint32_t *as, size_t n)
{
	struct wbuf wp;

	memset(a, 0, sizeof(*a));
	bgp_attrs_init(a);
	a->origin = BGP_ORIGIN_IGP;
	bgp_attr_set(a, BGP_ATTR_ORIGIN);
	wbuf_init(&wp, path, size);
	put_segment(&wp, BGP_AS_SEQUENCE, as, n);
	a->as_path = rbuf_make(path, wp.len);
	bgp_attr_set(a, BGP_ATTR_AS_PATH);
}

static void
gen_pack_v4(struct capture *c, bool as4, bool addpath)
{
	static const char *const nl[] = { "184.164.224.0/24",
	    "184.164.224.0/24", "184.164.226.0/23", "10.10.0.0/16",
	    "0.0.0.0/0" };
	static const uint32_t ids[] = { 1, 2, 7, 70000, 3 };
	static const uint32_t as[] = { 65001, 3356 };
	uint8_t path[64], comm[4];
	struct bgp_attrs a;
	struct bgp_codec_opts o = opts_make(as4, addpath);
	struct list lens = { .len = 0 }, l2 = { .len = 0 };
	/* Without ADD-PATH: no duplicates, no /0 (see gen_update_full). */
	size_t n = addpath ? 5 : 3;

	attrs_small(&a, path, sizeof(path), as, 2);
	memcpy(a.next_hop, "\xb8\xa4\xe0\x01", 4);
	bgp_attr_set(&a, BGP_ATTR_NEXT_HOP);
	be32(comm, 47065u << 16 | 2);
	a.communities = rbuf_make(comm, 4);
	bgp_attr_set(&a, BGP_ATTR_COMMUNITIES);
	pack(c, addpath ? "packer IPv4, ADD-PATH" : "packer IPv4", &o,
	    AF_IDX_IPV4, &a, addpath ? nl : nl + 1, addpath ? ids : NULL, n);
	expect_prefixes(c, "bgp.nlri_prefix", addpath ? nl : nl + 1, n,
	    &lens);
	expect(c, "bgp.prefix_length", '=', "%s", lens.s);
	if (addpath)
		expect_ids(c, ids, n);
	else
		expect(c, "bgp.nlri_path_id", '=', "");
	expect(c, "bgp.update.path_attribute.type_code", '=', "1,2,3,8");
	expect(c, "bgp.update.path_attribute.next_hop", '=', "184.164.224.1");
	list_as4(&l2, as, 2);
	expect(c, as4 ? "bgp.update.path_attribute.as_path_segment.as4" :
	    "bgp.update.path_attribute.as_path_segment.as2", '=', "%s", l2.s);
	expect(c, "bgp.update.path_attribute.community_value", '=', "2");
}

static void
gen_pack_v6(struct capture *c, bool addpath)
{
	static const char *const nl[] = { "2804:269c::/42", "2001:db8::/32",
	    "2001:db8:1:2::/64", "2001:db8::1/128", "2804:269c:ff00::/40" };
	static const uint32_t ids[] = { 1, 2, 300, 65536, 16777215 };
	static const uint32_t as[] = { 47065, 263842 };
	uint8_t path[64], lc[12];
	struct bgp_attrs a;
	struct bgp_codec_opts o = opts_make(true, addpath);
	struct list lens = { .len = 0 };

	attrs_small(&a, path, sizeof(path), as, 2);
	a.mp_reach.afi = BGP_AFI_IPV6;
	a.mp_reach.safi = BGP_SAFI_UNICAST;
	a.mp_reach.af = AF_IDX_IPV6;
	a.mp_reach.nh_len = 32;
	inet_pton(AF_INET6, "2804:269c:ff00:1::1", a.mp_reach.nexthop);
	inet_pton(AF_INET6, "fe80::2ff:fe03:405", a.mp_reach.nexthop_ll);
	bgp_attr_set(&a, BGP_ATTR_MP_REACH);
	be32(lc, 47065);
	be32(lc + 4, 5);
	be32(lc + 8, 6);
	a.large_communities = rbuf_make(lc, sizeof(lc));
	bgp_attr_set(&a, BGP_ATTR_LARGE_COMMUNITIES);

	pack(c, addpath ? "packer IPv6 MP_REACH, ADD-PATH" :
	    "packer IPv6 MP_REACH", &o, AF_IDX_IPV6, &a, nl,
	    addpath ? ids : NULL, 5);
	expect(c, "bgp.update.path_attribute.type_code", '=', "14,1,2,32");
	expect(c, "bgp.update.path_attribute.mp_reach_nlri.afi", '=', "2");
	expect(c, "bgp.update.path_attribute.mp_reach_nlri.safi", '=', "1");
	expect(c, "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6",
	    '=', "2804:269c:ff00:1::1");
	expect(c,
	    "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local",
	    '=', "fe80::2ff:fe03:405");
	expect_prefixes(c, "bgp.mp_reach_nlri_ipv6_prefix", nl, 5, &lens);
	expect(c, "bgp.prefix_length", '=', "%s", lens.s);
	if (addpath)
		expect_ids(c, ids, 5);
	else
		expect(c, "bgp.nlri_path_id", '=', "");
	expect(c, "bgp.update.path_attribute.as_path_segment.as4", '=',
	    "47065,263842");
	expect(c, "bgp.large_communities.ga", '=', "47065");
	expect(c, "bgp.large_communities.ldp1", '=', "5");
	expect(c, "bgp.large_communities.ldp2", '=', "6");
}

static void
gen_withdraw_v4(struct capture *c, bool addpath)
{
	static const char *const wd[] = { "184.164.224.0/24", "10.0.0.0/8",
	    "184.164.226.0/23" };
	static const uint32_t ids[] = { 9, 10, 11 };
	struct bgp_codec_opts o = opts_make(true, addpath);
	struct list lens = { .len = 0 };
	size_t i, wlen = 0;

	pack(c, addpath ? "withdraw IPv4, ADD-PATH" : "withdraw IPv4", &o,
	    AF_IDX_IPV4, NULL, wd, addpath ? ids : NULL, 3);
	for (i = 0; i < 3; i++) {
		struct prefix p = pfx(wd[i]);

		wlen += (addpath ? 4 : 0) + 1 + (p.len + 7u) / 8;
	}
	expect(c, "bgp.update.withdrawn_routes.length", '=', "%zu", wlen);
	expect_prefixes(c, "bgp.withdrawn_prefix", wd, 3, &lens);
	expect(c, "bgp.prefix_length", '=', "%s", lens.s);
	expect(c, "bgp.update.path_attribute.type_code", '=', "");
	if (addpath)
		expect_ids(c, ids, 3);
}

static void
gen_withdraw_v6(struct capture *c)
{
	static const char *const wd[] = { "2804:269c::/42",
	    "2001:db8:1:2::/64" };
	struct bgp_codec_opts o = opts_make(true, false);
	struct list lens = { .len = 0 };

	pack(c, "withdraw IPv6 MP_UNREACH", &o, AF_IDX_IPV6, NULL, wd, NULL,
	    2);
	expect(c, "bgp.update.path_attribute.type_code", '=', "15");
	expect(c, "bgp.update.path_attribute.mp_unreach_nlri.afi", '=', "2");
	expect(c, "bgp.update.path_attribute.mp_unreach_nlri.safi", '=', "1");
	expect_prefixes(c, "bgp.mp_unreach_nlri_ipv6_prefix", wd, 2, &lens);
	expect(c, "bgp.prefix_length", '=', "%s", lens.s);
}

static void
gen_eor(struct capture *c)
{
	uint8_t buf[MSG_BUF];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	bgp_eor_encode(&w, AF_IDX_IPV4);
	capture_one(c, &w, "End-of-RIB IPv4");
	expect(c, "bgp.type", '=', "%u", BGP_UPDATE);
	expect(c, "bgp.length", '=', "%u", BGP_UPDATE_MIN_LEN);

	wbuf_init(&w, buf, sizeof(buf));
	bgp_eor_encode(&w, AF_IDX_IPV6);
	capture_one(c, &w, "End-of-RIB IPv6");
	/* Header, two empty lengths, one MP_UNREACH_NLRI with AFI/SAFI. */
	expect(c, "bgp.length", '=', "%u", BGP_UPDATE_MIN_LEN + 3 + 3);
	expect(c, "bgp.update.path_attribute.type_code", '=', "15");
	expect(c, "bgp.update.path_attribute.mp_unreach_nlri.afi", '=', "2");
	expect(c, "bgp.update.path_attribute.mp_unreach_nlri.safi", '=', "1");
}

/* ---- NOTIFICATION, ROUTE-REFRESH, KEEPALIVE ---- */

static void
gen_notifications(struct capture *c)
{
	static const char text[] = "maintenance: back in 10 min \xe2\x80\x94 "
	    "caf\xc3\xa9";
	static const uint8_t data[] = { 0x40, 0x02, 0x00 };
	char longtext[2 + 100 * 3], cut[256];
	uint8_t buf[MSG_BUF];
	struct wbuf w;
	size_t i;

	wbuf_init(&w, buf, sizeof(buf));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_SHUTDOWN, text);
	capture_one(c, &w, "NOTIFICATION shutdown communication");
	expect(c, "bgp.type", '=', "%u", BGP_NOTIFICATION);
	expect(c, "bgp.notify.major_error", '=', "%u", BGP_ERR_CEASE);
	expect(c, "bgp.notify.minor_error_cease", '=', "%u",
	    BGP_CEASE_ADMIN_SHUTDOWN);
	expect(c, "bgp.notify.communication_length", '=', "%zu",
	    strlen(text));
	expect(c, "bgp.notify.communication", '=', "%s", text);

	/* "a" and 100 three-byte characters: 301 bytes, cut to 1 + 84 * 3. */
	longtext[0] = 'a';
	for (i = 0; i < 100; i++)
		memcpy(longtext + 1 + 3 * i, "\xe2\x82\xac", 3);
	longtext[1 + 300] = '\0';
	memcpy(cut, longtext, 253);
	cut[253] = '\0';
	wbuf_init(&w, buf, sizeof(buf));
	bgp_shutdown_encode(&w, BGP_CEASE_ADMIN_RESET, longtext);
	capture_one(c, &w, "NOTIFICATION shutdown text cut at 255 bytes");
	expect(c, "bgp.notify.minor_error_cease", '=', "%u",
	    BGP_CEASE_ADMIN_RESET);
	expect(c, "bgp.notify.communication_length", '=', "253");
	expect(c, "bgp.notify.communication", '=', "%s", cut);

	wbuf_init(&w, buf, sizeof(buf));
	bgp_notification_encode(&w, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, data,
	    sizeof(data));
	capture_one(c, &w, "NOTIFICATION UPDATE error with data");
	expect(c, "bgp.notify.major_error", '=', "%u", BGP_ERR_UPDATE);
	expect(c, "bgp.notify.minor_error_update", '=', "%u",
	    BGP_ERR_UPD_ASPATH);
	expect(c, "bgp.notify.minor_data", '=', "400200");
	expect(c, "bgp.length", '=', "%zu", BGP_NOTIFICATION_MIN_LEN +
	    sizeof(data));

	wbuf_init(&w, buf, sizeof(buf));
	bgp_notification_encode(&w, BGP_ERR_HOLD, 0, NULL, 0);
	capture_one(c, &w, "NOTIFICATION hold timer expired");
	expect(c, "bgp.notify.major_error", '=', "%u", BGP_ERR_HOLD);
	expect(c, "bgp.length", '=', "%u", BGP_NOTIFICATION_MIN_LEN);
}

static void
gen_refresh_keepalive(struct capture *c)
{
	struct bgp_route_refresh rr = { BGP_AFI_IPV4, BGP_REFRESH_NORMAL,
	    BGP_SAFI_UNICAST };
	uint8_t buf[MSG_BUF];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof(buf));
	bgp_route_refresh_encode(&w, &rr);
	capture_one(c, &w, "ROUTE-REFRESH IPv4");
	expect(c, "bgp.type", '=', "%u", BGP_ROUTE_REFRESH);
	expect(c, "bgp.route_refresh.afi", '=', "1");
	expect(c, "bgp.route_refresh.safi", '=', "1");
	expect(c, "bgp.route_refresh.subtype", '=', "0");

	rr.afi = BGP_AFI_IPV6;
	rr.subtype = BGP_REFRESH_BORR;
	wbuf_init(&w, buf, sizeof(buf));
	bgp_route_refresh_encode(&w, &rr);
	capture_one(c, &w, "ROUTE-REFRESH IPv6 BoRR");
	expect(c, "bgp.route_refresh.afi", '=', "2");
	expect(c, "bgp.route_refresh.subtype", '=', "%u", BGP_REFRESH_BORR);
	expect(c, "bgp.length", '=', "%u", BGP_ROUTE_REFRESH_LEN);

	wbuf_init(&w, buf, sizeof(buf));
	bgp_keepalive_encode(&w);
	capture_one(c, &w, "KEEPALIVE");
	expect(c, "bgp.type", '=', "%u", BGP_KEEPALIVE);
	expect(c, "bgp.length", '=', "%u", BGP_KEEPALIVE_LEN);
}

int
main(int argc, char **argv)
{
	struct capture c;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_pcap DIR\n");
		return 2;
	}

	capture_open(&c, argv[1], "as4");
	gen_open_as4(&c);
	gen_refresh_keepalive(&c);
	gen_update_full(&c, true);
	gen_pack_v4(&c, true, false);
	gen_pack_v4(&c, true, true);
	gen_pack_v6(&c, false);
	gen_pack_v6(&c, true);
	gen_withdraw_v4(&c, false);
	gen_withdraw_v4(&c, true);
	gen_withdraw_v6(&c);
	gen_eor(&c);
	gen_notifications(&c);
	capture_close(&c);

	capture_open(&c, argv[1], "as2");
	gen_open_as2(&c);
	gen_update_full(&c, false);
	gen_pack_v4(&c, false, false);
	capture_close(&c);
	return 0;
}
