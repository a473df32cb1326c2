/*
 * fuzz_notification: the small decoders, header, NOTIFICATION and
 * ROUTE-REFRESH. Properties:
 *   - a header we accept obeys RFC 4271 4.1/6.1: all-ones marker, a known
 *     type, a length within the type's bounds;
 *   - a shutdown communication we report is valid UTF-8 (RFC 9003 2) and
 *     survives bgp_shutdown_encode + decode;
 *   - NOTIFICATION and ROUTE-REFRESH fields survive encode + decode;
 *   - a refused message gets a NOTIFICATION that says what the decoder said.
 * Both decoders also see the raw input, unframed: a decoder must not trust
 * its caller for memory safety.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/bgp/msg.h"
#include "../src/lib/escape.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[BGP_EXT_MAX_LEN];

/* RFC 3629: shortest form, no surrogates, nothing above U+10FFFF. */
static bool
utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		uint8_t c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else
			return false;
		if (len - i - 1 < n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static void
check_err_notification(const struct bgp_err *e)
{
	struct bgp_notification n;
	struct bgp_err e2;
	struct wbuf w;
	size_t len;

	CHECK(e->action == BGP_ACT_SESSION_RESET);
	(void)bgp_err_data(e, &len);
	(void)bgp_err_code_name(e->code);
	(void)bgp_err_subcode_name(e->code, e->subcode);
	wbuf_init(&w, out, sizeof(out));
	bgp_notification_from_err(&w, e);
	CHECK(!w.overflow);
	CHECK(bgp_notification_decode(rbuf_make(out, w.len), &n, &e2) == 0);
	CHECK(n.code == e->code && n.subcode == e->subcode);
}

static void
check_header(struct rbuf msg, size_t max, const struct bgp_header *h)
{
	size_t i, min = 0, top = max;

	CHECK(msg.len >= BGP_HEADER_LEN);
	for (i = 0; i < BGP_MARKER_LEN; i++)
		CHECK(msg.p[i] == 0xff);
	CHECK(h->len == load_u16(msg.p + 16) && h->type == msg.p[18]);
	switch (h->type) {
	case BGP_OPEN:
		min = BGP_OPEN_MIN_LEN;
		top = BGP_MAX_LEN;
		break;
	case BGP_UPDATE:
		min = BGP_UPDATE_MIN_LEN;
		break;
	case BGP_NOTIFICATION:
		min = BGP_NOTIFICATION_MIN_LEN;
		break;
	case BGP_KEEPALIVE:
		min = top = BGP_KEEPALIVE_LEN;
		break;
	case BGP_ROUTE_REFRESH:
		/* Its length errors are its own (RFC 7313 5). */
		min = BGP_HEADER_LEN;
		break;
	default:
		CHECK(!"unknown message type accepted");
	}
	CHECK(h->len >= min && h->len <= top);
}

static void
notification_round_trip(const struct bgp_notification *n)
{
	struct bgp_notification n2;
	struct bgp_err e;
	struct wbuf w;
	char text[BGP_SHUTDOWN_MAX + 1];

	(void)bgp_err_code_name(n->code);
	(void)bgp_err_subcode_name(n->code, n->subcode);
	wbuf_init(&w, out, sizeof(out));
	bgp_notification_encode(&w, n->code, n->subcode, n->data.p,
	    n->data.len);
	if (w.overflow)
		return;
	CHECK(bgp_notification_decode(rbuf_make(out, w.len), &n2, &e) == 0);
	CHECK(n2.code == n->code && n2.subcode == n->subcode);
	CHECK(rbuf_equal(n2.data, n->data));
	CHECK(n2.has_shutdown_text == n->has_shutdown_text);
	if (!n->has_shutdown_text)
		return;
	CHECK(rbuf_equal(n2.shutdown_text, n->shutdown_text));

	/* The text alone, through the shutdown encoder. */
	CHECK(n->shutdown_text.len <= BGP_SHUTDOWN_MAX);
	if (memchr(n->shutdown_text.p, '\0', n->shutdown_text.len) != NULL)
		return;
	memcpy(text, n->shutdown_text.p, n->shutdown_text.len);
	text[n->shutdown_text.len] = '\0';
	wbuf_init(&w, out, sizeof(out));
	bgp_shutdown_encode(&w, n->subcode, text);
	CHECK(!w.overflow);
	CHECK(bgp_notification_decode(rbuf_make(out, w.len), &n2, &e) == 0);
	CHECK(n2.has_shutdown_text);
	CHECK(rbuf_equal(n2.shutdown_text, n->shutdown_text));
}

static void
try_notification(struct rbuf msg, bool framed)
{
	struct bgp_notification n;
	struct bgp_err e;

	bgp_err_clear(&e);
	if (bgp_notification_decode(msg, &n, &e) == -1) {
		if (framed)
			check_err_notification(&e);
		return;
	}
	if (n.has_shutdown_text) {
		char safe[4 * BGP_SHUTDOWN_MAX + 1];
		size_t k;

		CHECK(n.code == BGP_ERR_CEASE);
		CHECK(utf8_valid(n.shutdown_text.p, n.shutdown_text.len));
		/* As the daemon shows it: printable ASCII only, whole. */
		k = text_escape(safe, sizeof(safe), n.shutdown_text.p,
		    n.shutdown_text.len, 0);
		CHECK(k < sizeof(safe) && k == strlen(safe));
		for (size_t i = 0; i < k; i++)
			CHECK(safe[i] >= 0x20 && safe[i] < 0x7f);
	}
	if (framed)
		notification_round_trip(&n);
}

static void
try_refresh(struct rbuf msg, bool framed)
{
	struct bgp_route_refresh rr, rr2;
	struct bgp_err e;
	struct wbuf w;

	bgp_err_clear(&e);
	if (bgp_route_refresh_decode(msg, &rr, &e) == -1) {
		if (framed)
			check_err_notification(&e);
		return;
	}
	if (!framed)
		return;
	wbuf_init(&w, out, sizeof(out));
	bgp_route_refresh_encode(&w, &rr);
	CHECK(!w.overflow && w.len == BGP_ROUTE_REFRESH_LEN);
	CHECK(bgp_route_refresh_decode(rbuf_make(out, w.len), &rr2, &e) == 0);
	CHECK(rr.afi == rr2.afi && rr.safi == rr2.safi &&
	    rr.subtype == rr2.subtype);
	if (msg.len == BGP_ROUTE_REFRESH_LEN)
		CHECK(memcmp(out, msg.p, msg.len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_header h;
	struct bgp_err e;
	struct rbuf msg = rbuf_make(data, size);
	size_t max;

	/* Unframed: whatever the bytes say, no crash. */
	try_notification(msg, false);
	try_refresh(msg, false);

	max = size > 0 && (data[size - 1] & 1) ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	bgp_err_clear(&e);
	if (bgp_header_decode(msg, max, &h, &e) == -1) {
		CHECK(e.code == BGP_ERR_HEADER);
		check_err_notification(&e);
		return 0;
	}
	check_header(msg, max, &h);
	(void)bgp_msg_type_name(h.type);
	if (h.len > size)
		return 0;
	msg.len = h.len;
	if (h.type == BGP_NOTIFICATION)
		try_notification(msg, true);
	else if (h.type == BGP_ROUTE_REFRESH)
		try_refresh(msg, true);
	return 0;
}
