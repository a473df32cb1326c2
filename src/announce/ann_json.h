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
#include <stdint.h>

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

/*
 * Experiments (the old client's experiment_schema.json): a description,
 * an email and rounds, each round an object like the file above but keyed
 * by an IPv4 prefix of the experiment allocation or by a variable A..D
 * that stands for one of the user's prefixes, bound when the experiment
 * runs. The file may be the experiment object itself or {"experiment":
 * {...}} (the form the REST API takes). Every rule of the schema and the
 * gates of pol (attributes; for prefixes, pol->allowed: the allocation
 * for a submission, the user's prefixes for a local run) are checked
 * before anything is returned; errors name their JSON path, e.g.
 *	rounds[2].A.announce[0].muxes[1]: unknown mux "gatech01"
 */
#define ANN_EXP_MAX_ROUNDS	1000
#define ANN_EXP_VARS		4	/* A, B, C, D */
#define ANN_EXP_ALLOCATION_MAX	64

struct ann_exp {
	size_t			 n_rounds;
	size_t			*round_first;	/* [n_rounds + 1]: round r's
						 * requests are [first[r],
						 * first[r + 1]) */
	struct ann_request	*req;		/* a variable's prefix: zero */
	size_t			 n_req;
	uint8_t			*var;		/* per request: 0, or 1..4
						 * for the variable A..D */
	char			*json;		/* the experiment object, as
						 * sent to the REST API */
};

int	ann_json_parse_experiment(const char *buf, size_t len,
	    const char *const *muxes, size_t n_muxes,
	    const struct ann_policy *pol, struct ann_exp *out, char *err,
	    size_t errlen);
void	ann_exp_free(struct ann_exp *e);
/* The prefixes an experiment may name (the schema's allocatedPrefix:
 * IPv4 /24s); returns how many were written (at most max). */
size_t	ann_exp_allocation(struct prefix *out, size_t max);

#endif
