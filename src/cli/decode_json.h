/*
 * `peering decode` output: one framed message (or input error) as one JSON
 * object, decoded with the daemon's own codec. docs/decode.md lists every
 * field.
 */
#ifndef PEERING_CLI_DECODE_JSON_H
#define PEERING_CLI_DECODE_JSON_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "../bgp/update.h"
#include "decode_input.h"

/* The session the messages are decoded as: always iBGP (PEERING). */
void	decode_json_opts(struct bgp_codec_opts *o, bool as4, bool addpath,
	    bool ext);
/*
 * The object for one frame; the caller frees it. scratch is room for
 * widening 2-octet AS paths. NULL only when out of memory.
 */
cJSON	*decode_json_frame(const struct decode_frame *f,
	    const struct bgp_codec_opts *o, struct bgp_scratch *scratch);
/* The "attributes" object alone (docs/decode.md), for the daemon's
 * `show route json` too. */
cJSON	*decode_json_attrs(const struct bgp_attrs *a,
	    const struct bgp_codec_opts *o);

/* The fields of one whole message (header included) into obj, as for a
 * frame: `type`, `length` and what follows (docs/decode.md); an `error`
 * when msg is shorter than a header. For MRT records. */
void	decode_json_message(cJSON *obj, struct rbuf msg,
	    const struct bgp_codec_opts *o, struct bgp_scratch *scratch);
/* A 32-bit identifier (BGP ID) in host order, as a dotted string. */
cJSON	*decode_json_id(uint32_t id);
/* obj[key] = the address as text. */
void	decode_json_addr(cJSON *obj, const char *key, unsigned af,
	    const uint8_t *addr);

#endif
