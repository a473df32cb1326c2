/* Helpers shared by the unit tests. */
#ifndef PEERING_TESTUTIL_H
#define PEERING_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/update.h"
#include "../../src/lib/hex.h"

/* Hex text ("ffff 00 13", spaces ignored) into buf; aborts the test on bad
 * text. Returns the byte count. */
static inline size_t
th_hex(const char *text, uint8_t *buf, size_t size)
{
	ssize_t n = hex_decode(text, buf, size);

	ck_assert_msg(n >= 0, "bad hex in test vector: %s", text);
	return (size_t)n;
}

static inline void
th_put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A whole message: the header, with its length computed, then the body
 * given in hex. Returns the message length. */
static inline size_t
th_msg(uint8_t *buf, size_t size, uint8_t type, const char *body)
{
	size_t n;

	memset(buf, 0xff, BGP_MARKER_LEN);
	n = BGP_HEADER_LEN + th_hex(body, buf + BGP_HEADER_LEN,
	    size - BGP_HEADER_LEN);
	th_put16(buf + BGP_MARKER_LEN, n);
	buf[18] = type;
	return n;
}

/* An UPDATE from its three parts in hex; every length outside them is
 * computed. */
static inline size_t
th_update(uint8_t *buf, size_t size, const char *wd, const char *attrs,
    const char *nlri)
{
	size_t off = BGP_HEADER_LEN, n;

	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[18] = BGP_UPDATE;
	n = th_hex(wd, buf + off + 2, size - off - 2);
	th_put16(buf + off, n);
	off += 2 + n;
	n = th_hex(attrs, buf + off + 2, size - off - 2);
	th_put16(buf + off, n);
	off += 2 + n;
	off += th_hex(nlri, buf + off, size - off);
	th_put16(buf + BGP_MARKER_LEN, off);
	return off;
}

/* Codec options of a session: 4- or 2-octet AS, internal or external. */
static inline struct bgp_codec_opts
th_opts(bool as4, bool ibgp)
{
	struct bgp_codec_opts o;

	memset(&o, 0, sizeof(o));
	o.as4 = as4;
	o.ibgp = ibgp;
	o.max_len = BGP_MAX_LEN;
	return o;
}

#endif
