/*
 * The user's files about announcements, in the client directory:
 * prefixes.txt and prefixes6.txt (the prefixes allocated to the user: the
 * only ones that may be announced) and container.txt (the container id
 * that -M needs). The parsers work on buffers (tests, fuzzing); the
 * readers add the file.
 *
 * A prefix list has one prefix per line in strict syntax (no host bits
 * set). Blank lines are skipped; '#' starts a comment that runs to the end
 * of the line, anywhere; spaces, tabs and the CR of CRLF line ends around
 * the prefix are ignored. Either file may hold either family: the old
 * client read both into one list.
 */
#ifndef PEERING_ANNOUNCE_IO_H
#define PEERING_ANNOUNCE_IO_H

#include <stddef.h>

#include "../lib/prefix.h"

#define ANN_PREFIXES_FILE	"prefixes.txt"
#define ANN_PREFIXES6_FILE	"prefixes6.txt"
#define ANN_CONTAINER_FILE	"container.txt"
#define ANN_LIST_MAX_BYTES	(1024 * 1024)
#define ANN_CONTAINER_MAX_BYTES	4096

/*
 * Parses len bytes of buf (need not be NUL-terminated), the text of the
 * file called name, appending its prefixes to *out (realloc'd; free it)
 * and *n. On error returns -1 with err "name:LINE: not a prefix: TEXT";
 * *out and *n then hold what came before, still to be freed.
 */
int	announce_parse_prefixes(const char *name, const char *buf, size_t len,
	    struct prefix **out, size_t *n, char *err, size_t errlen);

/*
 * <client_dir>/prefixes.txt, then prefixes6.txt, into one array: *out
 * (malloc'd, free it; NULL when *n is 0). A missing file counts as empty:
 * nothing it would list can be announced. Returns -1 with err (and *out
 * NULL) on a file that cannot be read or does not parse.
 */
int	announce_read_prefixes(const char *client_dir, struct prefix **out,
	    size_t *n, char *err, size_t errlen);

/* One container id, 0..MUX_CTXID_MAX, with spaces and newlines around it
 * allowed. -1 with err (which may be NULL). */
int	announce_parse_container(const char *buf, size_t len, unsigned *ctxid,
	    char *err, size_t errlen);
/* <client_dir>/container.txt; -1 with err (may be NULL), saying how to
 * make the file when it is missing. */
int	announce_read_container(const char *client_dir, unsigned *ctxid,
	    char *err, size_t errlen);

#endif
