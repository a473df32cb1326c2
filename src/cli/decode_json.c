/*
 * `peering decode`: one framed input (decode_input.h) as one JSON object:
 * where it was, then the message (bgp/msg_json.c) or what was wrong with
 * the input itself.
 */
#include "decode_json.h"

/* What was wrong with the input itself; no message to decode. */
static void
json_input_error(cJSON *obj, const struct decode_frame *f)
{
	cJSON_AddStringToObject(obj, "error",
	    f->error != NULL ? f->error : "no message");
	if (f->column != 0)
		cJSON_AddNumberToObject(obj, "column", f->column);
	if (f->length != 0)
		cJSON_AddNumberToObject(obj, "length", f->length);
	if (f->len != 0)
		cJSON_AddNumberToObject(obj, "bytes", f->len);
	if (f->skipped != 0)
		cJSON_AddNumberToObject(obj, "skipped", f->skipped);
}

cJSON *
decode_json_frame(const struct decode_frame *f,
    const struct bgp_codec_opts *o, struct bgp_scratch *scratch)
{
	cJSON *obj;

	if ((obj = cJSON_CreateObject()) == NULL)
		return NULL;
	if (f->index != 0)
		cJSON_AddNumberToObject(obj, "index", f->index);
	if (f->line != 0)
		cJSON_AddNumberToObject(obj, "line", f->line);
	else
		cJSON_AddNumberToObject(obj, "offset", f->offset);
	if (f->error != NULL || f->msg == NULL || f->len < BGP_HEADER_LEN)
		json_input_error(obj, f);
	else
		bgp_json_message(obj, rbuf_make(f->msg, f->len), o,
		    scratch);
	return obj;
}
