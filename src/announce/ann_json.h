/*
 * JSON announcements: the file of `peering announce FILE.json` (the
 * format of the old client's announcement_schema.json, docs/announce-json.md)
 * turned into announcement requests, one per (prefix, mux). Pure: the mux
 * names and the gate policy come in, nothing is read from disk.
 *
 * All or nothing: the whole file is checked (every schema rule, the mux
 * table, the safety gates of ann_check) before anything is returned. Each
 * error is one line that starts with its JSON path:
 *	184.164.236.0/24.announce[1].muxes[0]: unknown mux "gatech01"
 */
#ifndef PEERING_ANN_JSON_H
#define PEERING_ANN_JSON_H

#include <stddef.h>

#include "announce.h"

#define ANN_JSON_MAX_BYTES	(4 * 1024 * 1024)	/* the whole file */
#define ANN_JSON_MAX_PREFIXES	1024	/* keys of the top-level object */
#define ANN_JSON_MAX_REQUESTS	10000	/* (prefix, mux) requests */
#define ANN_JSON_MAX_ERRORS	20	/* lines; then "... N more errors" */
#define ANN_JSON_PEER_MAX	1000	/* 47065:X, X 1..1000: only to peer X */

/*
 * Parses len bytes of buf (need not be NUL-terminated). muxes are the
 * client's mux names (the mux table); "all" is always accepted and means
 * every mux (ANN_MUX_ALL). On success returns 0 with *out (free with
 * ann_json_free) holding *n_out requests: per prefix in file order, its
 * withdrawals first, then its announcements in file order. On any error
 * returns -1 with *out NULL, *n_out 0 and err holding every error found
 * (at most ANN_JSON_MAX_ERRORS lines, separated by '\n', no final one).
 */
int	ann_json_parse(const char *buf, size_t len, const char *const *muxes,
	    size_t n_muxes, const struct ann_policy *pol,
	    struct ann_request **out, size_t *n_out, char *err, size_t errlen);
void	ann_json_free(struct ann_request *reqs);

#endif
