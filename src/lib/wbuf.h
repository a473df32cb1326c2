/*
 * wbuf: a write buffer over caller-owned memory with a sticky overflow flag.
 *
 * Writers never check each put; a put that does not fit sets `overflow` and
 * writes nothing, and the caller checks once at the end. Positions can be
 * remembered and patched later (length fields written before their content).
 */
#ifndef PEERING_WBUF_H
#define PEERING_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wbuf {
	uint8_t	*p;
	size_t	 cap;
	size_t	 len;
	bool	 overflow;
};

static inline void
wbuf_init(struct wbuf *w, void *mem, size_t cap)
{
	w->p = mem;
	w->cap = cap;
	w->len = 0;
	w->overflow = false;
}

static inline bool
wbuf_room(struct wbuf *w, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return false;
	}
	return true;
}

static inline void
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	if (wbuf_room(w, 1))
		w->p[w->len++] = v;
}

static inline void
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	if (wbuf_room(w, 2)) {
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	if (wbuf_room(w, 4)) {
		w->p[w->len++] = (uint8_t)(v >> 24);
		w->p[w->len++] = (uint8_t)(v >> 16);
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (n > 0 && wbuf_room(w, n)) {
		memcpy(w->p + w->len, src, n);
		w->len += n;
	}
}

/* Overwrite a 16-bit field written earlier at offset `at`. */
static inline void
wbuf_patch_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (!w->overflow && at + 2 <= w->len) {
		w->p[at] = (uint8_t)(v >> 8);
		w->p[at + 1] = (uint8_t)v;
	}
}

static inline void
wbuf_patch_u8(struct wbuf *w, size_t at, uint8_t v)
{
	if (!w->overflow && at < w->len)
		w->p[at] = v;
}

#endif
