#include "escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

/* The escaped form of c into e; its length. */
static size_t
escape_byte(uint8_t c, unsigned flags, char e[4])
{
	if (c == '\\' && !(flags & ESCAPE_KEEP_BACKSLASH)) {
		e[0] = e[1] = '\\';
		return 2;
	}
	if ((c >= 0x20 && c < 0x7f) || ((flags & ESCAPE_KEEP_UTF8) &&
	    c >= 0x80)) {
		e[0] = (char)c;
		return 1;
	}
	e[0] = '\\';
	e[1] = 'x';
	e[2] = hexdig[c >> 4];
	e[3] = hexdig[c & 15];
	return 4;
}

size_t
text_escape(char *out, size_t size, const void *in, size_t len,
    unsigned flags)
{
	const uint8_t *p = in;
	size_t n = 0, fill = 0, i, k;
	bool full = false;
	char e[4];

	for (i = 0; i < len; i++) {
		k = escape_byte(p[i], flags, e);
		/* Whole escapes only: none is cut in the middle. */
		if (!full && fill + k < size) {
			memcpy(out + fill, e, k);
			fill += k;
		} else
			full = true;
		n += k;
	}
	if (size > 0)
		out[fill] = '\0';
	return n;
}
