/* A growable text buffer for replies and tables. */
#ifndef PEERING_STRBUF_H
#define PEERING_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	bool	 failed;	/* an allocation failed; s holds what fit */
};

void	strbuf_init(struct strbuf *b);
void	strbuf_printf(struct strbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	strbuf_append(struct strbuf *b, const char *s, size_t len);
/* Room for n more bytes at b->s + b->len, for a writer that then adds
 * what it wrote with strbuf_commit(); NULL (b->failed set) without
 * memory. */
char	*strbuf_reserve(struct strbuf *b, size_t n);
void	strbuf_commit(struct strbuf *b, size_t n);
void	strbuf_free(struct strbuf *b);

#endif
