/*
 * The announcements the daemon keeps: desired state per (prefix, mux),
 * written atomically to var/announcements.json (write, fsync, rename) on
 * every change, and read back at start, so a crash, kill -9 or restart
 * re-announces them. `peering bgp stop` empties it.
 */
#ifndef PEERING_ANN_STORE_H
#define PEERING_ANN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "announce.h"

#define ANN_STORE_MAX	100000	/* entries; a file with more is refused */
#define ANN_STORE_MUX_ALL "all"	/* ANN_MUX_ALL as the file writes it */
/* The end of the year 9999, the latest time the file holds (cJSON prints
 * 15 digits exactly, not more). */
#define ANN_STORE_TIME_MAX 253402300799.0

struct ann_entry {
	struct prefix	 prefix;
	char		 mux[32];	/* ANN_MUX_ALL: every mux */
	struct ann_attrs attrs;
	bool		 no_dataplane;
	time_t		 last_change;
};

struct ann_store {
	struct ann_entry	*e;
	size_t			 n;
	size_t			 cap;
	char			 path[4096];	/* "" : not persisted */
};

void	ann_store_init(struct ann_store *s, const char *path);
void	ann_store_free(struct ann_store *s);
/* Reads path (a missing file is an empty store); -1 with err, "FILE:
 * message", on a file that does not parse (the store is left empty). */
int	ann_store_load(struct ann_store *s, char *err, size_t errlen);
/* Writes the whole store atomically; -1 with err. */
int	ann_store_save(const struct ann_store *s, char *err, size_t errlen);
/* The pure halves, for tests and fuzzing. */
int	ann_store_parse(struct ann_store *s, const char *buf, size_t len,
	    char *err, size_t errlen);
char	*ann_store_format(const struct ann_store *s);	/* malloc'd JSON */

struct ann_entry *ann_store_find(struct ann_store *s, const struct prefix *p,
	    const char *mux);
/* Adds or replaces the entry of (prefix, mux); -1 when memory runs out or
 * the store is full. */
int	ann_store_set(struct ann_store *s, const struct ann_entry *e);
/* Removes (prefix, mux); mux ANN_MUX_ALL removes only the "all" entry. */
bool	ann_store_remove(struct ann_store *s, const struct prefix *p,
	    const char *mux);
/* Whether any entry announces p (to any mux). */
bool	ann_store_has_prefix(const struct ann_store *s, const struct prefix *p);
/* The order of the store and of its file: family, address, length, mux
 * (ANN_MUX_ALL first). */
int	ann_store_key_cmp(const struct prefix *pa, const char *ma,
	    const struct prefix *pb, const char *mb);
/* The entry that applies to (p, mux): the mux's own, else the "all" one
 * when the mux hears_all (every PEERING mux does; a configured neighbour
 * hears only what names it). */
const struct ann_entry *ann_store_effective(const struct ann_store *s,
	    const struct prefix *p, const char *mux, bool hears_all);

#endif
