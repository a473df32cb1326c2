/*
 * The Adj-RIB-Out, kept in one array: a PEERING client announces a few
 * prefixes to a few dozen sessions, so a linear search is the right size.
 */
#include "adj_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct adj_out_route *
route_find(const struct adj_out *ao, const char *name, const struct prefix *p)
{
	for (size_t i = 0; i < ao->n; i++)
		if (strcmp(ao->r[i].name, name) == 0 &&
		    prefix_equal(&ao->r[i].prefix, p))
			return &ao->r[i];
	return NULL;
}

const struct adj_out_route *
adj_out_find(const struct adj_out *ao, const char *name, const struct prefix *p)
{
	return route_find(ao, name, p);
}

static void
route_remove(struct adj_out *ao, struct adj_out_route *r)
{
	*r = ao->r[--ao->n];
}

int
adj_out_announced(struct adj_out *ao, const char *name, const struct prefix *p,
    const struct ann_attrs *a, const struct export_peer *peer,
    const struct prefix *nh, time_t now)
{
	struct adj_out_route *r = route_find(ao, name, p);

	if (r == NULL) {
		if (ao->n == ao->cap) {
			size_t cap = ao->cap ? 2 * ao->cap : 16;
			struct adj_out_route *nr = realloc(ao->r,
			    cap * sizeof(*nr));

			if (nr == NULL)
				return -1;
			ao->r = nr;
			ao->cap = cap;
		}
		r = &ao->r[ao->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->prefix = *p;
	}
	r->attrs = *a;
	r->peer = *peer;
	r->nexthop = *nh;
	r->sent = now;
	return 0;
}

void
adj_out_withdrawn(struct adj_out *ao, const char *name, const struct prefix *p)
{
	struct adj_out_route *r = route_find(ao, name, p);

	if (r != NULL)
		route_remove(ao, r);
}

void
adj_out_reset(struct adj_out *ao, const char *name, unsigned af)
{
	for (size_t i = 0; i < ao->n;)
		if (strcmp(ao->r[i].name, name) == 0 &&
		    ao->r[i].prefix.af == af)
			route_remove(ao, &ao->r[i]);
		else
			i++;
}

void
adj_out_free(struct adj_out *ao)
{
	free(ao->r);
	memset(ao, 0, sizeof(*ao));
}
