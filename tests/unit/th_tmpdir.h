/* A temporary directory per test, removed whole afterwards. */
#ifndef PEERING_TH_TMPDIR_H
#define PEERING_TH_TMPDIR_H

#include <stddef.h>

/* Makes /tmp/TAG.XXXXXX into dir (size bytes); fails the test if not. */
void	th_tmpdir_make(char *dir, size_t size, const char *tag);
/* Removes dir and everything below it (modes a test took away are given
 * back first; links are removed, never followed). */
void	th_tmpdir_remove(const char *dir);
/* Writes text into path (created or emptied); fails the test if not. */
void	th_write_file(const char *path, const char *text);

#endif
