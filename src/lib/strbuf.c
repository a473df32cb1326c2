#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
strbuf_init(struct strbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

static bool
strbuf_grow(struct strbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *s;

	if (b->failed)
		return false;
	while (cap - b->len < more + 1)
		cap *= 2;
	if (cap == b->cap)
		return true;
	if ((s = realloc(b->s, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void
strbuf_append(struct strbuf *b, const char *s, size_t len)
{
	if (!strbuf_grow(b, len))
		return;
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

char *
strbuf_reserve(struct strbuf *b, size_t n)
{
	return strbuf_grow(b, n) ? b->s + b->len : NULL;
}

void
strbuf_commit(struct strbuf *b, size_t n)
{
	b->len += n;
	b->s[b->len] = '\0';
}

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	strbuf_init(b);
}
