/*
 * Packing many prefixes with one attribute set into as few UPDATEs as the
 * negotiated maximum allows. The attributes are sized once; each message
 * is written out whole when the next prefix would not fit.
 */
#include "attr.h"
#include "msg.h"

/* Bytes of a message for this packer with no NLRI at all. */
static size_t
packer_fixed_len(const struct bgp_packer *p)
{
	uint8_t buf[BGP_EXT_MAX_LEN];
	struct wbuf w;
	struct bgp_update u;

	memset(&u, 0, sizeof(u));
	if (p->attrs != NULL)
		u.attrs = *p->attrs;
	else
		bgp_attrs_init(&u.attrs);
	wbuf_init(&w, buf, sizeof(buf));
	if (p->af == AF_IDX_IPV6) {
		struct bgp_mp_nlri *mp = p->withdraw ? &u.attrs.mp_unreach :
		    &u.attrs.mp_reach;

		mp->afi = BGP_AFI_IPV6;
		mp->safi = BGP_SAFI_UNICAST;
		mp->af = AF_IDX_IPV6;
		mp->nlri = rbuf_make(NULL, 0);
		bgp_attr_set(&u.attrs, p->withdraw ? BGP_ATTR_MP_UNREACH :
		    BGP_ATTR_MP_REACH);
	}
	bgp_update_encode(&w, &u, &p->opts);
	/* The largest NLRI field may need the extended-length form of the
	 * MP attribute's header: count that byte up front. */
	return w.overflow ? SIZE_MAX : w.len + (p->af == AF_IDX_IPV6 ? 1 : 0);
}

void
bgp_packer_init(struct bgp_packer *p, const struct bgp_codec_opts *o,
    unsigned af, const struct bgp_attrs *attrs)
{
	p->opts = *o;
	if (p->opts.max_len == 0)
		p->opts.max_len = BGP_MAX_LEN;
	p->af = af;
	p->withdraw = attrs == NULL;
	p->attrs = attrs;
	p->nlri_len = 0;
	p->count = 0;
	p->fixed_len = packer_fixed_len(p);
}

int
bgp_packer_flush(struct bgp_packer *p, struct wbuf *out)
{
	struct bgp_update u;
	struct rbuf nlri = rbuf_make(p->nlri, p->nlri_len);

	if (p->count == 0)
		return 0;
	memset(&u.withdrawn, 0, sizeof(u.withdrawn));
	memset(&u.nlri, 0, sizeof(u.nlri));
	if (p->attrs != NULL)
		u.attrs = *p->attrs;
	else
		bgp_attrs_init(&u.attrs);
	if (p->af == AF_IDX_IPV4) {
		if (p->withdraw)
			u.withdrawn = nlri;
		else
			u.nlri = nlri;
	} else {
		struct bgp_mp_nlri *mp = p->withdraw ? &u.attrs.mp_unreach :
		    &u.attrs.mp_reach;

		if (p->withdraw) {
			mp->afi = BGP_AFI_IPV6;
			mp->safi = BGP_SAFI_UNICAST;
			mp->af = AF_IDX_IPV6;
		}
		mp->nlri = nlri;
		bgp_attr_set(&u.attrs, p->withdraw ? BGP_ATTR_MP_UNREACH :
		    BGP_ATTR_MP_REACH);
	}
	bgp_update_encode(out, &u, &p->opts);
	p->nlri_len = 0;
	p->count = 0;
	return 1;
}

int
bgp_packer_add(struct bgp_packer *p, const struct prefix *pfx,
    uint32_t path_id, struct wbuf *out)
{
	bool ap = p->opts.addpath[p->af];
	size_t need = nlri_entry_len(pfx, ap);
	int written = 0;
	struct wbuf w;

	if (p->fixed_len == SIZE_MAX || p->fixed_len + need > p->opts.max_len)
		return -1;
	if (p->fixed_len + p->nlri_len + need > p->opts.max_len)
		written = bgp_packer_flush(p, out);
	wbuf_init(&w, p->nlri + p->nlri_len, sizeof(p->nlri) - p->nlri_len);
	nlri_encode(&w, pfx, ap, path_id);
	p->nlri_len += w.len;
	p->count++;
	return written;
}
