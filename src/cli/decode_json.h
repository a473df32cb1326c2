/*
 * `peering decode` output: one framed message (or input error) as one JSON
 * object, decoded with the daemon's own codec. docs/decode.md lists every
 * field.
 */
#ifndef PEERING_CLI_DECODE_JSON_H
#define PEERING_CLI_DECODE_JSON_H

#include <cjson/cJSON.h>

#include "decode_input.h"
#include "../bgp/msg_json.h"

/*
 * The object for one frame; the caller frees it. scratch is room for
 * widening 2-octet AS paths. NULL only when out of memory.
 */
cJSON	*decode_json_frame(const struct decode_frame *f,
	    const struct bgp_codec_opts *o, struct bgp_scratch *scratch);

#endif
