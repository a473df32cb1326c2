/* The message header (RFC 4271 4.1, 6.1) and KEEPALIVE. */
#include "msg_body.h"

static const uint8_t marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The shortest and longest length each type may have; 0: any. */
static int
header_len_ok(uint8_t type, uint16_t len, size_t max_len)
{
	if (len < BGP_HEADER_LEN || len > max_len)
		return 0;
	switch (type) {
	case BGP_OPEN:
		/* RFC 8654 2: OPEN and KEEPALIVE never exceed 4096. */
		return len >= BGP_OPEN_MIN_LEN && len <= BGP_MAX_LEN;
	case BGP_UPDATE:
		return len >= BGP_UPDATE_MIN_LEN;
	case BGP_NOTIFICATION:
		return len >= BGP_NOTIFICATION_MIN_LEN;
	case BGP_KEEPALIVE:
		return len == BGP_KEEPALIVE_LEN;
	}
	/* ROUTE-REFRESH length errors are its own (RFC 7313 5). */
	return 1;
}

int
bgp_header_decode(struct rbuf msg, size_t max_len, struct bgp_header *h,
    struct bgp_err *err)
{
	const uint8_t *lenp;

	bgp_err_clear(err);
	if (msg.len < BGP_HEADER_LEN) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, NULL, 0,
		    "message shorter than a header");
		return -1;
	}
	if (memcmp(msg.p, marker, BGP_MARKER_LEN) != 0) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL,
		    0, "marker is not all ones");
		return -1;
	}
	lenp = msg.p + BGP_MARKER_LEN;
	h->len = load_u16(lenp);
	h->type = msg.p[BGP_MARKER_LEN + 2];
	if (h->type < BGP_OPEN || h->type > BGP_ROUTE_REFRESH) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE,
		    &h->type, 1, "unknown message type");
		return -1;
	}
	if (!header_len_ok(h->type, h->len, max_len)) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, lenp,
		    2, "bad message length");
		return -1;
	}
	return 0;
}

size_t
bgp_msg_start(struct wbuf *w, uint8_t type)
{
	size_t start = w->len;

	wbuf_put_bytes(w, marker, sizeof(marker));
	wbuf_put_u16(w, 0);
	wbuf_put_u8(w, type);
	return start;
}

void
bgp_msg_finish(struct wbuf *w, size_t start)
{
	size_t len = w->len - start;

	if (len > BGP_EXT_MAX_LEN) {
		w->overflow = true;
		return;
	}
	wbuf_patch_u16(w, start + BGP_MARKER_LEN, (uint16_t)len);
}

void
bgp_keepalive_encode(struct wbuf *w)
{
	bgp_msg_finish(w, bgp_msg_start(w, BGP_KEEPALIVE));
}

int
bgp_msg_body(struct rbuf msg, uint8_t type, size_t max_len, struct rbuf *body,
    struct bgp_err *err)
{
	struct bgp_header h;

	if (bgp_header_decode(msg, max_len, &h, err) == -1)
		return -1;
	if (h.len != msg.len) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN,
		    msg.p + BGP_MARKER_LEN, 2,
		    "length field disagrees with the message");
		return -1;
	}
	if (h.type != type) {
		bgp_err_raise_own(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE,
		    &h.type, 1, "unexpected message type");
		return -1;
	}
	*body = rbuf_make(msg.p + BGP_HEADER_LEN, msg.len - BGP_HEADER_LEN);
	return 0;
}
