/*
 * The input reader of `peering decode`. Every length here comes from
 * outside: header length fields are checked against the bytes at hand and
 * hex lines against the largest message, never trusted.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../lib/rbuf.h"
#include "decode_input.h"
#include "../lib/hex.h"

#define LOAD_CHUNK	65536

void
decode_input_init(struct decode_input *r, const uint8_t *in, size_t len,
    bool hex)
{
	r->in = in;
	r->in_len = len;
	r->pos = 0;
	r->hex = hex;
	r->line = 0;
	r->index = 0;
}

/* ---- raw input: messages back to back ---- */

/* The marker, as far as there are bytes to check. */
static bool
input_marker_ok(const uint8_t *p, size_t left)
{
	size_t i, n = left < BGP_MARKER_LEN ? left : BGP_MARKER_LEN;

	for (i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

/*
 * The next marker at or after `from`, or len if none. In a run of more
 * than 16 ones the marker is taken to be its last 16 bytes: a length field
 * starting with 0xff (65280 bytes or more) is rarer than garbage ending in
 * 0xff just before a real message.
 */
static size_t
input_find_marker(const uint8_t *in, size_t len, size_t from)
{
	size_t i, run = 0;

	for (i = from; i < len; i++) {
		if (in[i] == 0xff) {
			run++;
			continue;
		}
		if (run >= BGP_MARKER_LEN)
			return i - BGP_MARKER_LEN;
		run = 0;
	}
	return run >= BGP_MARKER_LEN ? len - BGP_MARKER_LEN : len;
}

/* Report the frame at r->pos as bad and skip to the next marker. */
static void
input_resync(struct decode_input *r, struct decode_frame *f,
    const char *error)
{
	size_t next = input_find_marker(r->in, r->in_len, r->pos + 1);

	f->error = error;
	f->skipped = next - r->pos;
	r->pos = next;
}

static int
input_next_raw(struct decode_input *r, struct decode_frame *f)
{
	const uint8_t *p = r->in + r->pos;
	size_t left = r->in_len - r->pos;

	if (left == 0)
		return 0;
	f->offset = r->pos;
	if (!input_marker_ok(p, left)) {
		input_resync(r, f, "bad marker");
		return 1;
	}
	if (left < BGP_HEADER_LEN) {
		f->error = "truncated header";
		f->len = left;
		r->pos = r->in_len;
		return 1;
	}
	f->length = load_u16(p + BGP_MARKER_LEN);
	if (f->length < BGP_HEADER_LEN) {
		input_resync(r, f, "bad length");
		return 1;
	}
	if (f->length > left) {
		f->error = "truncated message";
		f->len = left;
		r->pos = r->in_len;
		return 1;
	}
	f->msg = p;
	f->len = f->length;
	f->index = ++r->index;
	r->pos += f->length;
	return 1;
}

/* ---- hex input: one message per line ---- */

static bool
input_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Blank lines and comments carry no message. */
static bool
input_line_skipped(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n && input_is_space(s[i]))
		i++;
	return i == n || s[i] == '#';
}

/*
 * Hex digits of one line into out (room for the largest message);
 * separators may sit anywhere between digits. NULL, or the error with
 * *column set for a bad character.
 */
static const char *
input_hex_line(const uint8_t *s, size_t n, uint8_t *out, size_t *outlen,
    size_t *column)
{
	size_t i, o = 0;
	int d, hi = -1;

	for (i = 0; i < n; i++) {
		if (input_is_space(s[i]) || s[i] == ':')
			continue;
		if ((d = hex_digit(s[i])) < 0) {
			*column = i + 1;
			return "invalid hex digit";
		}
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (o == BGP_EXT_MAX_LEN)
			return "line too long";
		out[o++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	*outlen = o;
	return hi < 0 ? NULL : "odd number of hex digits";
}

/* Frame one decoded line; its length field must agree with the line. */
static void
input_frame_line(struct decode_input *r, size_t n, struct decode_frame *f)
{
	f->len = n;
	if (n < BGP_HEADER_LEN) {
		f->error = "message shorter than a header";
		return;
	}
	f->length = load_u16(r->msg + BGP_MARKER_LEN);
	if (f->length != n) {
		f->error = "length field disagrees with line";
		return;
	}
	f->msg = r->msg;
	f->index = ++r->index;
}

static int
input_next_hex(struct decode_input *r, struct decode_frame *f)
{
	const uint8_t *s, *nl;
	size_t n, len;

	for (;;) {
		if (r->pos >= r->in_len)
			return 0;
		s = r->in + r->pos;
		nl = memchr(s, '\n', r->in_len - r->pos);
		n = nl != NULL ? (size_t)(nl - s) : r->in_len - r->pos;
		r->pos += nl != NULL ? n + 1 : n;
		r->line++;
		if (!input_line_skipped(s, n))
			break;
	}
	f->line = r->line;
	if ((f->error = input_hex_line(s, n, r->msg, &len, &f->column)) == NULL)
		input_frame_line(r, len, f);
	return 1;
}

int
decode_input_next(struct decode_input *r, struct decode_frame *f)
{
	memset(f, 0, sizeof(*f));
	return r->hex ? input_next_hex(r, f) : input_next_raw(r, f);
}

/* ---- I/O ---- */

int
decode_input_load(FILE *fp, uint8_t **bufp, size_t *lenp)
{
	uint8_t *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, n;
	int saved;

	errno = 0;
	for (;;) {
		if (len == cap) {
			if (cap > SIZE_MAX / 2 - LOAD_CHUNK) {
				errno = ENOMEM;
				goto fail;
			}
			cap = cap == 0 ? LOAD_CHUNK : 2 * cap;
			if ((nbuf = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		errno = errno != 0 ? errno : EIO;
		goto fail;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
 fail:
	saved = errno;
	free(buf);
	errno = saved;
	return -1;
}

bool
decode_input_gzipped(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Inflates every gzip member of in (files may be several, concatenated)
 * into out, growing it. */
static int
gunzip_all(z_stream *z, const uint8_t *in, size_t in_len, uint8_t **out,
    size_t *out_len, size_t *cap)
{
	uint8_t *nbuf;
	int rc;

	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = 0;
	for (;;) {
		if (z->avail_in == 0) {
			size_t n = in_len - (size_t)((const uint8_t *)
			    z->next_in - in);

			z->avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
		}
		if (*out_len == *cap) {
			if (*cap > SIZE_MAX / 2) {
				errno = ENOMEM;
				return -1;
			}
			*cap *= 2;
			if ((nbuf = realloc(*out, *cap)) == NULL)
				return -1;
			*out = nbuf;
		}
		z->next_out = *out + *out_len;
		z->avail_out = (uInt)(*cap - *out_len > UINT_MAX ? UINT_MAX :
		    *cap - *out_len);
		rc = inflate(z, Z_NO_FLUSH);
		*out_len = (size_t)(z->next_out - *out);
		if (rc == Z_STREAM_END) {
			if (z->avail_in == 0 && (const uint8_t *)z->next_in ==
			    in + in_len)
				return 0;
			if (inflateReset(z) != Z_OK)
				break;
			continue;
		}
		if (rc == Z_BUF_ERROR && z->avail_in == 0)
			break;		/* the input ended inside a member */
		if (rc != Z_OK)
			break;
	}
	errno = EINVAL;
	return -1;
}

int
decode_input_gunzip(uint8_t **bufp, size_t *lenp)
{
	z_stream z;
	uint8_t *out;
	size_t out_len = 0, cap = *lenp < LOAD_CHUNK ? LOAD_CHUNK :
	    *lenp > SIZE_MAX / 8 ? *lenp : 4 * *lenp;
	int rc, saved;

	if ((out = malloc(cap)) == NULL)
		return -1;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		free(out);
		errno = ENOMEM;
		return -1;
	}
	rc = gunzip_all(&z, *bufp, *lenp, &out, &out_len, &cap);
	saved = errno;
	inflateEnd(&z);
	if (rc == -1) {
		free(out);
		errno = saved;
		return -1;
	}
	free(*bufp);
	*bufp = out;
	*lenp = out_len;
	return 0;
}
