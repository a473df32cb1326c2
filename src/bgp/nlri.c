/* NLRI blocks (RFC 4271 4.3, RFC 4760 5, RFC 7911 3). */
#include "nlri.h"

void
nlri_iter_init(struct nlri_iter *it, struct rbuf nlri, unsigned af,
    bool addpath)
{
	it->b = nlri;
	it->af = (uint8_t)af;
	it->addpath = addpath;
}

int
nlri_iter_next(struct nlri_iter *it, struct prefix *p, uint32_t *path_id)
{
	uint8_t plen;
	unsigned bytes;

	if (it->b.len == 0)
		return 0;
	*path_id = 0;
	if (it->addpath && rbuf_get_u32(&it->b, path_id) == -1)
		return -1;
	if (rbuf_get_u8(&it->b, &plen) == -1 || plen > af_max_bits(it->af))
		return -1;
	bytes = (plen + 7u) / 8;
	if (it->b.len < bytes)
		return -1;
	p->af = it->af;
	p->len = plen;
	memcpy(p->addr, it->b.p, bytes);
	memset(p->addr + bytes, 0, sizeof(p->addr) - bytes);
	/* Trailing bits past the length are irrelevant (RFC 4271 4.3). */
	if (plen % 8)
		p->addr[bytes - 1] &= (uint8_t)(0xff << (8 - plen % 8));
	it->b.p += bytes;
	it->b.len -= bytes;
	return 1;
}

int
nlri_validate(struct rbuf nlri, unsigned af, bool addpath, size_t *count)
{
	size_t n = 0, max = af_max_bits(af), skip = addpath ? 4 : 0;
	const uint8_t *p = nlri.p, *end = nlri.p + nlri.len;

	/* The hot path of decoding: a walk over lengths only. */
	while (p < end) {
		size_t plen;

		if ((size_t)(end - p) < skip + 1)
			return -1;
		p += skip;
		plen = *p++;
		if (plen > max || (size_t)(end - p) < (plen + 7) / 8)
			return -1;
		p += (plen + 7) / 8;
		n++;
	}
	if (count != NULL)
		*count = n;
	return 0;
}

void
nlri_encode(struct wbuf *w, const struct prefix *p, bool addpath,
    uint32_t path_id)
{
	if (addpath)
		wbuf_put_u32(w, path_id);
	wbuf_put_u8(w, p->len);
	wbuf_put_bytes(w, p->addr, (p->len + 7u) / 8);
}
