/*
 * rbuf: a bounds-checked read cursor over bytes we did not produce.
 *
 * Every parser of outside bytes reads through this type. Getters return -1
 * and consume nothing when fewer bytes remain than asked for, so no reader
 * can run past the end. rbuf_sub() carves a bounded view for one TLV, so a
 * value reader cannot run past its own length either.
 */
#ifndef PEERING_RBUF_H
#define PEERING_RBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 len;
};

static inline struct rbuf
rbuf_make(const void *p, size_t len)
{
	struct rbuf b = { (const uint8_t *)p, len };
	return b;
}

static inline int
rbuf_get_u8(struct rbuf *b, uint8_t *v)
{
	if (b->len < 1)
		return -1;
	*v = b->p[0];
	b->p += 1;
	b->len -= 1;
	return 0;
}

static inline int
rbuf_get_u16(struct rbuf *b, uint16_t *v)
{
	if (b->len < 2)
		return -1;
	*v = (uint16_t)((b->p[0] << 8) | b->p[1]);
	b->p += 2;
	b->len -= 2;
	return 0;
}

static inline int
rbuf_get_u32(struct rbuf *b, uint32_t *v)
{
	if (b->len < 4)
		return -1;
	*v = ((uint32_t)b->p[0] << 24) | ((uint32_t)b->p[1] << 16) |
	    ((uint32_t)b->p[2] << 8) | b->p[3];
	b->p += 4;
	b->len -= 4;
	return 0;
}

static inline int
rbuf_get_bytes(struct rbuf *b, void *dst, size_t n)
{
	if (b->len < n)
		return -1;
	memcpy(dst, b->p, n);
	b->p += n;
	b->len -= n;
	return 0;
}

/* Carve the next n bytes off b into sub. */
static inline int
rbuf_sub(struct rbuf *b, size_t n, struct rbuf *sub)
{
	if (b->len < n)
		return -1;
	sub->p = b->p;
	sub->len = n;
	b->p += n;
	b->len -= n;
	return 0;
}

static inline int
rbuf_skip(struct rbuf *b, size_t n)
{
	if (b->len < n)
		return -1;
	b->p += n;
	b->len -= n;
	return 0;
}

/* Carve the next line, without its '\n', off b (a last line may lack
 * it); -1 when b is empty. For the readers of text files. */
static inline int
rbuf_line(struct rbuf *b, struct rbuf *line)
{
	const uint8_t *nl;
	size_t n;

	if (b->len == 0)
		return -1;
	nl = (const uint8_t *)memchr(b->p, '\n', b->len);
	n = nl != NULL ? (size_t)(nl - b->p) : b->len;
	(void)rbuf_sub(b, n, line);
	(void)rbuf_skip(b, nl != NULL ? 1 : 0);
	return 0;
}

/* Big-endian loads for views whose length was already checked. */
static inline uint16_t
load_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
load_u32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static inline int
rbuf_equal(struct rbuf a, struct rbuf b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

#endif
