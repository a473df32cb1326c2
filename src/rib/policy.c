#include "policy.h"

#include <string.h>

/* Whether p lies within q (q itself or a more specific prefix). */
static bool
prefix_within(const struct prefix *p, const struct prefix *q)
{
	struct prefix cut;

	if (p->af != q->af || p->len < q->len)
		return false;
	cut = *p;
	cut.len = q->len;
	prefix_mask(&cut);
	return memcmp(cut.addr, q->addr, sizeof(cut.addr)) == 0;
}

bool
policy_import(const struct config_import *imp, const struct prefix *p)
{
	switch (imp->mode) {
	case CONFIG_IMPORT_ALL:
		return true;
	case CONFIG_IMPORT_NONE:
		return false;
	case CONFIG_IMPORT_PREFIX_LIST:
		for (unsigned i = 0; i < imp->n_prefixes; i++)
			if (prefix_within(p, &imp->prefixes[i]))
				return true;
		return false;
	}
	return false;
}
