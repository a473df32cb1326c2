/*
 * BGP messages and path attributes as JSON (cJSON), decoded with the
 * daemon's own codec: `peering decode`, `show route json`, the experiment
 * log. docs/decode.md lists every field.
 */
#ifndef PEERING_BGP_MSG_JSON_H
#define PEERING_BGP_MSG_JSON_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "update.h"

/* The session the messages are decoded as: always iBGP (PEERING). */
void	bgp_json_opts(struct bgp_codec_opts *o, bool as4, bool addpath,
	    bool ext);
/* The "attributes" object alone (docs/decode.md), for the daemon's
 * `show route json` too. */
cJSON	*bgp_json_attrs(const struct bgp_attrs *a,
	    const struct bgp_codec_opts *o);

/* The fields of one whole message (header included) into obj, as for a
 * frame: `type`, `length` and what follows (docs/decode.md); an `error`
 * when msg is shorter than a header. For MRT records. */
void	bgp_json_message(cJSON *obj, struct rbuf msg,
	    const struct bgp_codec_opts *o, struct bgp_scratch *scratch);
/* A 32-bit identifier (BGP ID) in host order, as a dotted string. */
cJSON	*bgp_json_id(uint32_t id);
/* obj[key] = the address as text. */
void	bgp_json_addr(cJSON *obj, const char *key, unsigned af,
	    const uint8_t *addr);

#endif
