/*
 * One RIB path as one line of JSON (`routes`, docs/daemon.md), written
 * straight into a buffer: no tree of objects per path. Keys, in order
 * (optional ones left out, as in docs/decode.md, whose names they share):
 *
 *   prefix, path_id, mux, upstream_peer_id (when the next hop names one),
 *   next_hop, next_hop_link_local (when there is one), as_path (text),
 *   as_path_segments ([{"type": T, "asns": [...]}], AS_SETs intact),
 *   origin, med (when present), local_pref (100 when absent),
 *   communities ([[A, B], ...]), large_communities ([[A, B, C], ...]),
 *   best, stale
 */
#ifndef PEERING_RIB_ROUTE_JSON_H
#define PEERING_RIB_ROUTE_JSON_H

#include <stdbool.h>

#include "rib.h"
#include "../lib/strbuf.h"

/* Appends the line (with its '\n') to out. */
void	route_json_line(const struct rib *r, const struct prefix *p,
	    const struct rib_path *path, bool best, struct strbuf *out);

/* s as a JSON string (quotes, escapes) appended to out. */
void	route_json_string(struct strbuf *out, const char *s);

#endif
