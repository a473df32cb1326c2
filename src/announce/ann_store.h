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

/*
 * When the session of (prefix, mux) last heard a change on the wire: an
 * announcement, other attributes, a withdrawal, whichever entry ("all" or
 * the mux's own) made it. The change-rate rule reads these (ann_plan.h);
 * they are kept with the announcements, so a restart remembers them.
 */
struct ann_change {
	struct prefix	 prefix;
	char		 mux[32];	/* a session's name, never ANN_MUX_ALL */
	time_t		 at;
};

struct ann_store {
	struct ann_entry	*e;
	size_t			 n;
	size_t			 cap;
	struct ann_change	*c;	/* sorted as e, at most ANN_STORE_MAX */
	size_t			 nc;
	size_t			 ccap;
	char			 path[4096];	/* "" : not persisted */
};

void	ann_store_init(struct ann_store *s, const char *path);
void	ann_store_free(struct ann_store *s);
/* dst (not initialised) becomes a copy of src: entries, change records,
 * path. -1 when memory runs out (dst is then empty). */
int	ann_store_copy(struct ann_store *dst, const struct ann_store *src);
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
/* The entry an announce request r makes, changed at now. */
void	ann_entry_from_request(const struct ann_request *r, time_t now,
	    struct ann_entry *e);
/* What a withdraw request of (p, mux) removes: the mux's own entry, or
 * with mux ANN_MUX_ALL every entry of p. */
void	ann_store_withdraw(struct ann_store *s, const struct prefix *p,
	    const char *mux);
/* The first entry of p (its "all" one if any), or NULL. */
const struct ann_entry *ann_store_first(const struct ann_store *s,
	    const struct prefix *p);
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

/*
 * The gates of an announce request (ann_check: the prefix lists, the
 * PEERING space, ASNs, AS hops, communities, -M only with one mux) on an
 * entry kept in the file, and its mux one of names[] (the daemon's
 * sessions; NULL: not checked). 0, or -1 with a one-line err. The file
 * may be old, or edited by hand: what it holds passes today's gates or is
 * not announced.
 */
int	ann_store_check_entry(const struct ann_entry *e,
	    const struct ann_policy *pol, const char *const *names,
	    size_t n_names, char *err, size_t errlen);
/* The last change (prefix, mux) heard; 0 when none is recorded. */
time_t	ann_store_change_at(const struct ann_store *s, const struct prefix *p,
	    const char *mux);
/*
 * Records that (p, mux) heard a change at `at` (0 forgets the record);
 * *prev, if not NULL, gets the time replaced (0: none), to undo with.
 * -1 (errno EINVAL) for a record the file cannot hold (mux not a session
 * name, host bits, a time out of range), (ENOSPC) past ANN_STORE_MAX
 * records, or when memory runs out.
 */
int	ann_store_change_note(struct ann_store *s, const struct prefix *p,
	    const char *mux, time_t at, time_t *prev);
/* Forgets the records ANN_CHANGE_INTERVAL or more before now: they can
 * refuse nothing. This bounds them by what changed in that interval. */
void	ann_store_changes_prune(struct ann_store *s, time_t now);

#endif
