/*
 * Text from outside (a peer's shutdown communication, names in files)
 * made safe to print: it can neither end a log line nor drive a terminal.
 */
#ifndef PEERING_ESCAPE_H
#define PEERING_ESCAPE_H

#include <stddef.h>

#define ESCAPE_KEEP_UTF8	0x01	/* bytes >= 0x80 pass (text known
					 * to be UTF-8) */
#define ESCAPE_KEEP_BACKSLASH	0x02	/* not doubled (a log line whose
					 * parts were escaped already) */

/*
 * Copies len bytes of in into out (size bytes, always NUL-terminated when
 * size > 0), each byte outside printable ASCII (0x20..0x7e) as \xNN and
 * the backslash as \\, unless flags say otherwise. Returns the length
 * the whole escaped text needs, as snprintf does: >= size means it was
 * cut (never inside an escape).
 */
size_t	text_escape(char *out, size_t size, const void *in, size_t len,
	    unsigned flags);

#endif
