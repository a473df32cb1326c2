/*
 * libFuzzer target for `peering decode`: the input reader and the JSON
 * builder over arbitrary bytes, as raw input and as hex text. The first
 * byte picks the session options (--as4, --addpath, --ext), so one corpus
 * covers them all. Output is printed to memory and thrown away.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cli/decode_input.h"
#include "../src/cli/decode_json.h"

static void
fuzz_print(const struct decode_frame *f, const struct bgp_codec_opts *o,
    struct bgp_scratch *scratch)
{
	cJSON *obj;
	char *s;

	if ((obj = decode_json_frame(f, o, scratch)) == NULL)
		return;
	if ((s = cJSON_PrintUnformatted(obj)) != NULL)
		cJSON_free(s);
	cJSON_Delete(obj);
}

static void
fuzz_run(struct decode_input *r, const uint8_t *in, size_t len, bool hex,
    const struct bgp_codec_opts *o, struct bgp_scratch *scratch)
{
	struct decode_frame f;
	uint8_t *copy;

	decode_input_init(r, in, len, hex);
	while (decode_input_next(r, &f) == 1) {
		/* A hex line is decoded into the reader's big buffer; an exact
		 * copy lets the sanitizer see any read past the message. */
		copy = NULL;
		if (f.msg != NULL && hex) {
			if ((copy = malloc(f.len)) == NULL)
				continue;
			memcpy(copy, f.msg, f.len);
			f.msg = copy;
		}
		fuzz_print(&f, o, scratch);
		free(copy);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct decode_input r;
	static struct bgp_scratch scratch;
	struct bgp_codec_opts o;

	if (size < 1)
		return 0;
	bgp_json_opts(&o, data[0] & 1, data[0] & 2, data[0] & 4);
	fuzz_run(&r, data + 1, size - 1, false, &o, &scratch);
	fuzz_run(&r, data + 1, size - 1, true, &o, &scratch);
	return 0;
}
