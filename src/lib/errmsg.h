/*
 * One-line error messages into a caller's buffer, the convention of every
 * parser and loader here: err may be NULL (the caller does not want the
 * text), and a message too long for errlen is cut.
 */
#ifndef PEERING_ERRMSG_H
#define PEERING_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

void	errmsg_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	errmsg_vset(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));
/* errmsg_set() that returns -1, for `return errmsg_fail(...);`. */
int	errmsg_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
