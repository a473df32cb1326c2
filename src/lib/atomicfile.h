/*
 * Files replaced whole and durably: written to PATH.tmp, fsync'd, renamed
 * over PATH and the directory fsync'd, so PATH is always either the old
 * file or the new one, after a crash too. The announcement store and the
 * experiments' run state use it.
 */
#ifndef PEERING_ATOMICFILE_H
#define PEERING_ATOMICFILE_H

#include <stddef.h>

/* Replaces path with len bytes of text (mode 0600, no symlink followed
 * at PATH.tmp); -1 with err, the temporary file removed. */
int	atomicfile_write(const char *path, const char *text, size_t len,
	    char *err, size_t errlen);
/* write(2) of all len bytes, through EINTR; -1 with errno. */
int	atomicfile_write_all(int fd, const char *p, size_t len);

#endif
