/* Import policy: which received prefixes enter the RIB (docs/config.md). */
#ifndef PEERING_RIB_POLICY_H
#define PEERING_RIB_POLICY_H

#include <stdbool.h>

#include "../daemon/config.h"
#include "../lib/prefix.h"

/* all: every prefix; none: no prefix; prefix-list: a listed prefix or a
 * more specific one of it. */
bool	policy_import(const struct config_import *imp, const struct prefix *p);

#endif
