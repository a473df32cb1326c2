/*
 * readfile: the whole of a small regular file in memory, for the parsers
 * of configuration files, which work on buffers and do no I/O.
 */
#ifndef PEERING_READFILE_H
#define PEERING_READFILE_H

#include <stddef.h>

/* Reads path, at most max bytes, into a malloc'd *buf (free it) of *len
 * bytes, not NUL-terminated. Returns -1 with errno: EFBIG when the file
 * is larger than max, EINVAL when it is not a regular file. */
int		 readfile(const char *path, size_t max, char **buf,
		    size_t *len);
/* strerror(), with words for the two errors readfile() adds. */
const char	*readfile_strerror(int err);

#endif
