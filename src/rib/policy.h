/*
 * Import policy: which received prefixes enter the RIB (docs/config.md).
 * The RIB's own type; the daemon's configuration fills one per session.
 */
#ifndef PEERING_RIB_POLICY_H
#define PEERING_RIB_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/prefix.h"

#define IMPORT_MAX_PREFIXES	64	/* per prefix-list */

enum import_mode {
	IMPORT_ALL,
	IMPORT_NONE,
	IMPORT_PREFIX_LIST,	/* these prefixes and more specifics */
};

struct import_policy {
	uint8_t		mode;		/* enum import_mode */
	uint8_t		n_prefixes;
	struct prefix	prefixes[IMPORT_MAX_PREFIXES];
};

/* all: every prefix; none: no prefix; prefix-list: a listed prefix or a
 * more specific one of it. */
bool	policy_import(const struct import_policy *imp, const struct prefix *p);
/* Field by field, so padding never matters. */
bool	import_policy_equal(const struct import_policy *a,
	    const struct import_policy *b);
/* "all", "none", "prefix-list" ("?" for no mode). */
const char *import_mode_name(unsigned mode);

#endif
