/*
 * tail: the last lines of a file, as `tail -n` shows them, read from the
 * end so a long-running daemon's log costs no more than what is shown.
 */
#ifndef PEERING_TAIL_H
#define PEERING_TAIL_H

#include <stdio.h>
#include <sys/types.h>

/* The offset where the last n lines of fd start: 0 when the file has no
 * more than n (a last line without its '\n' counts). -1 with errno. */
int	tail_offset(int fd, unsigned n, off_t *off);
/* Copies fd from off to its end to out, each line led by indent (""
 * for none); a last line without its '\n' gets one. */
int	tail_copy(int fd, off_t off, FILE *out, const char *indent);

#endif
