/* Capabilities (RFC 5492): one decoder and one encoder per code. */
#include "capa.h"

static int
capa_malformed(struct bgp_err *err, const char *reason)
{
	bgp_err_raise_own(err, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC, NULL, 0,
	    reason);
	return -1;
}

/* Appends to a bounded AFI/SAFI list; entries past its size are dropped
 * (no real speaker announces more than a handful). */
static void
afs_add(struct bgp_afi_safi *list, uint8_t *n, uint16_t afi, uint8_t safi,
    uint8_t flags)
{
	if (*n >= BGP_CAPA_MAX_AFS)
		return;
	list[*n].afi = afi;
	list[*n].safi = safi;
	list[*n].flags = flags;
	(*n)++;
}

/* RFC 4760 8: AFI, reserved, SAFI. */
static int
capa_mp_decode(struct rbuf v, struct bgp_caps *c, struct bgp_err *err)
{
	if (v.len != 4)
		return capa_malformed(err, "multiprotocol capability length");
	afs_add(c->mp, &c->n_mp, load_u16(v.p), v.p[3], 0);
	return 0;
}

/* RFC 4724 3: restart flags and time, then (AFI, SAFI, flags) tuples. */
static int
capa_gr_decode(struct rbuf v, struct bgp_caps *c, struct bgp_err *err)
{
	uint16_t ft;

	if (v.len < 2 || (v.len - 2) % 4 != 0)
		return capa_malformed(err, "graceful restart capability length");
	ft = load_u16(v.p);
	c->graceful_restart = true;
	c->gr_flags = (uint8_t)(ft >> 12);
	c->gr_time = ft & 0x0fff;
	c->n_gr = 0;
	for (size_t off = 2; off < v.len; off += 4)
		afs_add(c->gr, &c->n_gr, load_u16(v.p + off), v.p[off + 2],
		    v.p[off + 3]);
	return 0;
}

/* RFC 7911 4: (AFI, SAFI, send/receive) tuples. */
static int
capa_addpath_decode(struct rbuf v, struct bgp_caps *c, struct bgp_err *err)
{
	if (v.len == 0 || v.len % 4 != 0)
		return capa_malformed(err, "ADD-PATH capability length");
	c->n_addpath = 0;
	for (size_t off = 0; off < v.len; off += 4) {
		uint8_t sr = v.p[off + 3];

		if (sr < 1 || sr > 3)
			return capa_malformed(err, "ADD-PATH send/receive value");
		afs_add(c->addpath, &c->n_addpath, load_u16(v.p + off),
		    v.p[off + 2], sr);
	}
	return 0;
}

static int
capa_flag_decode(struct rbuf v, bool *flag, struct bgp_err *err)
{
	if (v.len != 0)
		return capa_malformed(err, "capability must be empty");
	*flag = true;
	return 0;
}

int
bgp_caps_decode(struct rbuf value, struct bgp_caps *c, struct bgp_err *err)
{
	while (value.len > 0) {
		uint8_t code, len;
		struct rbuf v;
		int rc = 0;

		if (rbuf_get_u8(&value, &code) == -1 ||
		    rbuf_get_u8(&value, &len) == -1 ||
		    rbuf_sub(&value, len, &v) == -1)
			return capa_malformed(err, "capability overruns its "
			    "parameter");
		switch (code) {
		case BGP_CAPA_MP:
			rc = capa_mp_decode(v, c, err);
			break;
		case BGP_CAPA_ROUTE_REFRESH:
			rc = capa_flag_decode(v, &c->route_refresh, err);
			break;
		case BGP_CAPA_EXT_MESSAGE:
			rc = capa_flag_decode(v, &c->ext_message, err);
			break;
		case BGP_CAPA_ENHANCED_RR:
			rc = capa_flag_decode(v, &c->enhanced_route_refresh,
			    err);
			break;
		case BGP_CAPA_GRACEFUL_RESTART:
			rc = capa_gr_decode(v, c, err);
			break;
		case BGP_CAPA_AS4:
			if (v.len != 4)
				return capa_malformed(err,
				    "4-octet AS capability length");
			c->as4 = true;
			c->as4_number = load_u32(v.p);
			break;
		case BGP_CAPA_ADD_PATH:
			rc = capa_addpath_decode(v, c, err);
			break;
		default:
			/* Kept so tools and logs can report it (RFC 5492 3:
			 * an unknown capability is ignored, not an error). */
			if (c->n_unknown < BGP_CAPA_MAX_UNKNOWN) {
				c->unknown[c->n_unknown].code = code;
				c->unknown[c->n_unknown].value = v;
				c->n_unknown++;
			}
			break;
		}
		if (rc == -1)
			return -1;
	}
	return 0;
}

static void
capa_put(struct wbuf *w, uint8_t code, const uint8_t *v, size_t len)
{
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, (uint8_t)len);
	wbuf_put_bytes(w, v, len);
}

/* A capability made of (AFI, SAFI, flags) tuples after a prefix. */
static void
capa_put_afs(struct wbuf *w, uint8_t code, const uint8_t *pre, size_t pre_len,
    const struct bgp_afi_safi *afs, size_t n)
{
	uint8_t v[2 + 4 * BGP_CAPA_MAX_AFS];
	size_t len = pre_len;

	if (pre_len > 0)
		memcpy(v, pre, pre_len);
	for (size_t i = 0; i < n; i++, len += 4) {
		v[len] = (uint8_t)(afs[i].afi >> 8);
		v[len + 1] = (uint8_t)afs[i].afi;
		v[len + 2] = afs[i].safi;
		v[len + 3] = afs[i].flags;
	}
	capa_put(w, code, v, len);
}

void
bgp_caps_encode(struct wbuf *w, const struct bgp_caps *c)
{
	for (size_t i = 0; i < c->n_mp; i++) {
		struct bgp_afi_safi mp = c->mp[i];

		/* The reserved byte sits where the flags byte would. */
		uint8_t v[4] = { (uint8_t)(mp.afi >> 8), (uint8_t)mp.afi, 0,
		    mp.safi };
		capa_put(w, BGP_CAPA_MP, v, sizeof(v));
	}
	if (c->route_refresh)
		capa_put(w, BGP_CAPA_ROUTE_REFRESH, NULL, 0);
	if (c->ext_message)
		capa_put(w, BGP_CAPA_EXT_MESSAGE, NULL, 0);
	if (c->graceful_restart) {
		uint16_t ft = (uint16_t)((c->gr_flags & 0xf) << 12 |
		    (c->gr_time & 0x0fff));
		uint8_t pre[2] = { (uint8_t)(ft >> 8), (uint8_t)ft };

		capa_put_afs(w, BGP_CAPA_GRACEFUL_RESTART, pre, sizeof(pre),
		    c->gr, c->n_gr);
	}
	if (c->as4) {
		uint8_t v[4] = { (uint8_t)(c->as4_number >> 24),
		    (uint8_t)(c->as4_number >> 16),
		    (uint8_t)(c->as4_number >> 8), (uint8_t)c->as4_number };
		capa_put(w, BGP_CAPA_AS4, v, sizeof(v));
	}
	if (c->n_addpath > 0)
		capa_put_afs(w, BGP_CAPA_ADD_PATH, NULL, 0, c->addpath,
		    c->n_addpath);
	if (c->enhanced_route_refresh)
		capa_put(w, BGP_CAPA_ENHANCED_RR, NULL, 0);
	for (size_t i = 0; i < c->n_unknown; i++)
		capa_put(w, c->unknown[i].code, c->unknown[i].value.p,
		    c->unknown[i].value.len);
}

uint8_t
bgp_caps_addpath(const struct bgp_caps *c, unsigned af)
{
	for (size_t i = 0; i < c->n_addpath; i++)
		if (bgp_af_index(c->addpath[i].afi, c->addpath[i].safi) ==
		    (int)af)
			return c->addpath[i].flags;
	return 0;
}

bool
bgp_caps_has_mp(const struct bgp_caps *c, unsigned af)
{
	for (size_t i = 0; i < c->n_mp; i++)
		if (bgp_af_index(c->mp[i].afi, c->mp[i].safi) == (int)af)
			return true;
	return false;
}
