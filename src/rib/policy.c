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
policy_import(const struct import_policy *imp, const struct prefix *p)
{
	switch (imp->mode) {
	case IMPORT_ALL:
		return true;
	case IMPORT_NONE:
		return false;
	case IMPORT_PREFIX_LIST:
		for (unsigned i = 0; i < imp->n_prefixes; i++)
			if (prefix_within(p, &imp->prefixes[i]))
				return true;
		return false;
	}
	return false;
}

bool
import_policy_equal(const struct import_policy *a,
    const struct import_policy *b)
{
	if (a->mode != b->mode || a->n_prefixes != b->n_prefixes)
		return false;
	for (unsigned i = 0; i < a->n_prefixes; i++)
		if (!prefix_equal(&a->prefixes[i], &b->prefixes[i]))
			return false;
	return true;
}

const char *
import_mode_name(unsigned mode)
{
	switch (mode) {
	case IMPORT_ALL:
		return "all";
	case IMPORT_NONE:
		return "none";
	case IMPORT_PREFIX_LIST:
		return "prefix-list";
	default:
		return "?";
	}
}
