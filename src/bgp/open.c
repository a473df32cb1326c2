/* OPEN (RFC 4271 4.2) with optional parameters (RFC 5492, RFC 9072). */
#include "msg_body.h"
#include "capa.h"

#define OPT_PARAM_CAPABILITIES	2
#define OPT_PARAM_EXTENDED	255	/* RFC 9072 */

static int
open_error(struct bgp_err *err, uint8_t subcode, const char *reason)
{
	bgp_err_raise_own(err, BGP_ERR_OPEN, subcode, NULL, 0, reason);
	return -1;
}

/* Walks the optional parameters; ext selects RFC 9072's 2-byte lengths. */
static int
open_params_decode(struct rbuf params, bool ext, struct bgp_caps *caps,
    struct bgp_err *err)
{
	while (params.len > 0) {
		uint8_t type, len8;
		uint16_t len;
		struct rbuf value;

		if (rbuf_get_u8(&params, &type) == -1)
			return -1;
		if (ext) {
			if (rbuf_get_u16(&params, &len) == -1)
				return open_error(err, BGP_ERR_OPEN_UNSPEC,
				    "truncated optional parameter");
		} else {
			if (rbuf_get_u8(&params, &len8) == -1)
				return open_error(err, BGP_ERR_OPEN_UNSPEC,
				    "truncated optional parameter");
			len = len8;
		}
		if (rbuf_sub(&params, len, &value) == -1)
			return open_error(err, BGP_ERR_OPEN_UNSPEC,
			    "optional parameter overruns the message");
		if (type != OPT_PARAM_CAPABILITIES)
			return open_error(err, BGP_ERR_OPEN_OPT,
			    "unsupported optional parameter");
		if (bgp_caps_decode(value, caps, err) == -1)
			return -1;
	}
	return 0;
}

int
bgp_open_decode(struct rbuf msg, struct bgp_open *o, struct bgp_err *err)
{
	struct rbuf body, params;
	uint8_t opt_len = 0;
	bool ext = false;

	if (bgp_msg_body(msg, BGP_OPEN, BGP_MAX_LEN, &body, err) == -1)
		return -1;
	memset(o, 0, sizeof(*o));
	/* The header check guarantees the 10 fixed bytes. */
	rbuf_get_u8(&body, &o->version);
	rbuf_get_u16(&body, &o->my_as);
	rbuf_get_u16(&body, &o->hold_time);
	rbuf_get_u32(&body, &o->bgp_id);
	rbuf_get_u8(&body, &opt_len);
	if (o->version != BGP_VERSION) {
		/* RFC 4271 6.2: data is the largest version we support. */
		static const uint8_t v[2] = { 0, BGP_VERSION };
		bgp_err_raise_own(err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, v,
		    sizeof(v), "unsupported BGP version");
		return -1;
	}
	/* RFC 4271 6.2: hold time 1 and 2 must be rejected. */
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_error(err, BGP_ERR_OPEN_HOLD,
		    "hold time 1 or 2 seconds");
	/* RFC 6286 2.2: the identifier is a non-zero 4-octet number. */
	if (o->bgp_id == 0)
		return open_error(err, BGP_ERR_OPEN_BGPID,
		    "BGP identifier is zero");
	/* RFC 9072 2: a non-extended length of 255 followed by type 255
	 * announces 2-byte parameter lengths. */
	if (opt_len == 255 && body.len >= 1 && body.p[0] == OPT_PARAM_EXTENDED) {
		uint16_t ext_len;

		rbuf_skip(&body, 1);
		if (rbuf_get_u16(&body, &ext_len) == -1)
			return open_error(err, BGP_ERR_OPEN_UNSPEC,
			    "truncated extended parameters length");
		ext = true;
		if (rbuf_sub(&body, ext_len, &params) == -1)
			return open_error(err, BGP_ERR_OPEN_UNSPEC,
			    "optional parameters overrun the message");
	} else if (rbuf_sub(&body, opt_len, &params) == -1)
		return open_error(err, BGP_ERR_OPEN_UNSPEC,
		    "optional parameters overrun the message");
	if (body.len != 0)
		return open_error(err, BGP_ERR_OPEN_UNSPEC,
		    "bytes after the optional parameters");
	if (open_params_decode(params, ext, &o->caps, err) == -1)
		return -1;
	/* RFC 7607 3: AS 0 is never a peer's AS. */
	if (bgp_open_peer_as(o) == 0 || o->my_as == 0)
		return open_error(err, BGP_ERR_OPEN_PEER_AS, "peer AS is 0");
	return 0;
}

void
bgp_open_encode(struct wbuf *w, const struct bgp_open *o)
{
	uint8_t caps[BGP_MAX_LEN];
	struct wbuf cw;
	size_t start = bgp_msg_start(w, BGP_OPEN);

	wbuf_init(&cw, caps, sizeof(caps));
	bgp_caps_encode(&cw, &o->caps);
	if (cw.overflow) {
		w->overflow = true;
		return;
	}
	wbuf_put_u8(w, o->version);
	wbuf_put_u16(w, o->my_as);
	wbuf_put_u16(w, o->hold_time);
	wbuf_put_u32(w, o->bgp_id);
	if (cw.len == 0) {
		wbuf_put_u8(w, 0);
	} else if (cw.len + 2 <= 255) {
		wbuf_put_u8(w, (uint8_t)(cw.len + 2));
		wbuf_put_u8(w, OPT_PARAM_CAPABILITIES);
		wbuf_put_u8(w, (uint8_t)cw.len);
	} else {
		/* RFC 9072: only when the capabilities do not fit 255. */
		wbuf_put_u8(w, 255);
		wbuf_put_u8(w, OPT_PARAM_EXTENDED);
		wbuf_put_u16(w, (uint16_t)(cw.len + 3));
		wbuf_put_u8(w, OPT_PARAM_CAPABILITIES);
		wbuf_put_u16(w, (uint16_t)cw.len);
	}
	wbuf_put_bytes(w, caps, cw.len);
	bgp_msg_finish(w, start);
	if (w->len - start > BGP_MAX_LEN)
		w->overflow = true;
}

uint32_t
bgp_open_peer_as(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_number : o->my_as;
}
