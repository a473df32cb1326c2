/* NOTIFICATION (RFC 4271 4.5) with shutdown communication (RFC 9003). */
#include "msg_body.h"

#include <string.h>

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or values > U+10FFFF. */
static bool
utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static bool
is_shutdown_subcode(uint8_t code, uint8_t subcode)
{
	return code == BGP_ERR_CEASE && (subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	    subcode == BGP_CEASE_ADMIN_RESET);
}

int
bgp_notification_decode(struct rbuf msg, struct bgp_notification *n,
    struct bgp_err *err)
{
	struct rbuf body, text;
	uint8_t tlen;

	if (bgp_msg_body(msg, BGP_NOTIFICATION, BGP_EXT_MAX_LEN, &body,
	    err) == -1)
		return -1;
	/* The header check guarantees two bytes of code and subcode. */
	if (rbuf_get_u8(&body, &n->code) == -1 ||
	    rbuf_get_u8(&body, &n->subcode) == -1)
		return -1;
	n->data = body;
	n->has_shutdown_text = false;
	n->shutdown_text = rbuf_make(NULL, 0);
	/* RFC 9003 2: a length byte, then that many bytes of UTF-8. Anything
	 * else is kept as plain data. */
	if (!is_shutdown_subcode(n->code, n->subcode) ||
	    rbuf_get_u8(&body, &tlen) == -1 || tlen == 0 ||
	    rbuf_sub(&body, tlen, &text) == -1 || !utf8_valid(text.p, text.len))
		return 0;
	n->has_shutdown_text = true;
	n->shutdown_text = text;
	return 0;
}

void
bgp_notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t data_len)
{
	size_t start = bgp_msg_start(w, BGP_NOTIFICATION);

	wbuf_put_u8(w, code);
	wbuf_put_u8(w, subcode);
	/* A NOTIFICATION is never sent over 4096 bytes: cut its data. */
	if (data_len > BGP_MAX_LEN - BGP_NOTIFICATION_MIN_LEN)
		data_len = BGP_MAX_LEN - BGP_NOTIFICATION_MIN_LEN;
	wbuf_put_bytes(w, data, data_len);
	bgp_msg_finish(w, start);
}

/* The longest prefix of text that fits max bytes and ends on a character
 * boundary. */
static size_t
utf8_cut(const char *text, size_t max)
{
	size_t len = strlen(text);

	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((uint8_t)text[len] & 0xc0) == 0x80)
		len--;
	return len;
}

void
bgp_shutdown_encode(struct wbuf *w, uint8_t subcode, const char *text)
{
	uint8_t data[1 + BGP_SHUTDOWN_MAX];
	size_t len = utf8_cut(text, BGP_SHUTDOWN_MAX);

	data[0] = (uint8_t)len;
	memcpy(data + 1, text, len);
	/* RFC 9003 2: an empty communication is a lone zero length byte. */
	bgp_notification_encode(w, BGP_ERR_CEASE, subcode, data, len + 1);
}

void
bgp_max_prefix_err(struct bgp_err *err, unsigned af, uint32_t limit,
    const char *reason)
{
	uint8_t data[7];
	struct wbuf w;

	wbuf_init(&w, data, sizeof(data));
	wbuf_put_u16(&w, bgp_af_afi(af));
	wbuf_put_u8(&w, BGP_SAFI_UNICAST);
	wbuf_put_u32(&w, limit);
	bgp_err_raise_own(err, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, data, w.len,
	    reason);
}

void
bgp_notification_from_err(struct wbuf *w, const struct bgp_err *err)
{
	size_t len;
	const uint8_t *data = bgp_err_data(err, &len);

	bgp_notification_encode(w, err->code, err->subcode, data, len);
}
