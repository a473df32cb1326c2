/*
 * libFuzzer: both parsers of the control socket over arbitrary bytes: the
 * daemon's request parser, in both forms (words, and the JSON object that
 * a line starting with '{' is read as), and the client's reply reader (the
 * same bytes as a reply, its status line's error code included). The
 * reader must give the same verdict and body fed at once and byte by byte
 * (and, unless malformed, stop at the same byte); a whole reply's body,
 * framed again, must read back the same, and framed in place after raw
 * appends (as the server frames a stream) must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ctl/control.h"
#include "../tests/unit/th_control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_request(const uint8_t *data, size_t size)
{
	char *words[CONTROL_MAX_WORDS];
	const char *why;
	char *buf;
	int n;

	if (size > CONTROL_MAX_REQUEST)
		return;
	/* Exactly size bytes, so a read past the end is caught. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return;
	memcpy(buf, data, size);
	n = control_parse_request(buf, size, words, CONTROL_MAX_WORDS, &why);
	for (int i = 0; i < n; i++) {
		/* Every word is inside the buffer, non-empty, printable. */
		if (words[i] < buf || words[i] >= buf + size ||
		    words[i][0] == '\0' || strchr(words[i], ' ') != NULL)
			__builtin_trap();
	}
	free(buf);
}

/* Either form: every word a word, argv NULL-terminated, a verdict. */
static void
fuzz_request_any(const uint8_t *data, size_t size)
{
	static struct ctl_request rq;
	enum ctl_code code = CTL_OK;
	const char *why = NULL;
	char *buf;

	if (size == 0 || size > CONTROL_MAX_REQUEST)
		return;
	if ((buf = malloc(size)) == NULL)
		return;
	memcpy(buf, data, size);
	if (ctl_request_parse(buf, size, &rq, &code, &why) == -1) {
		if (why == NULL || ctl_code_name(code) == NULL)
			__builtin_trap();
	} else {
		if (rq.argc < 1 || rq.argc > CONTROL_MAX_WORDS ||
		    rq.argv[rq.argc] != NULL)
			__builtin_trap();
		for (int i = 0; i < rq.argc; i++) {
			const char *w = rq.argv[i];

			if (*w == '\0')
				__builtin_trap();
			for (; *w != '\0'; w++)
				if ((unsigned char)*w <= 0x20 ||
				    (unsigned char)*w > 0x7e)
					__builtin_trap();
		}
		if (rq.json_form && rq.json &&
		    strcmp(rq.argv[rq.argc - 1], "json") != 0)
			__builtin_trap();
	}
	free(buf);
}

static bool
same_body(const struct th_reply *a, const struct th_reply *b)
{
	return a->body.len == b->body.len && (a->body.len == 0 ||
	    memcmp(a->body.s, b->body.s, a->body.len) == 0);
}

/* The body framed as the server frames a stream (after bytes pending,
 * a piece with control_write_body(), the rest appended raw and framed in
 * place) is the wire framed at once, whatever the split. */
static void
fuzz_stuff_in_place(const struct strbuf *body, size_t seed,
    enum ctl_code code, const struct strbuf *want)
{
	static const char pending[] = ".pending\n";
	const size_t pl = sizeof(pending) - 1;
	size_t k = body->len > 0 ? seed % (body->len + 1) : 0, start;
	struct control_writer w;
	struct strbuf wire;

	strbuf_init(&wire);
	strbuf_append(&wire, pending, pl);
	control_writer_init(&w);
	control_write_body(&w, &wire, body->s, k);
	start = wire.len;
	if (body->len > k)
		strbuf_append(&wire, body->s + k, body->len - k);
	control_write_stuff(&w, &wire, start);
	if (w.mid_line != (body->len > 0 && body->s[body->len - 1] != '\n'))
		__builtin_trap();
	control_write_end_code(&w, &wire, code);
	if (wire.failed || memcmp(wire.s, pending, pl) != 0 ||
	    wire.len - pl != want->len ||
	    memcmp(wire.s + pl, want->s, want->len) != 0)
		__builtin_trap();
	strbuf_free(&wire);
}

static void
fuzz_reply(const uint8_t *data, size_t size)
{
	struct th_reply whole, bytes, again;
	struct control_writer w;
	struct strbuf wire;

	th_read_reply((const char *)data, size, 0, &whole);
	th_read_reply((const char *)data, size, 1, &bytes);
	/* Where a malformed reply stops being read may differ. */
	if (!whole.sane || !bytes.sane || whole.rc != bytes.rc ||
	    (whole.rc != -1 && whole.used != bytes.used) ||
	    !same_body(&whole, &bytes) ||
	    (whole.rc == 1 && (whole.status != bytes.status ||
	    whole.code != bytes.code)))
		__builtin_trap();
	if (whole.rc == 1) {
		/* A body that came whole ends with '\n': the writer adds
		 * none, so the round trip is exact. */
		strbuf_init(&wire);
		control_writer_init(&w);
		control_write_body(&w, &wire, whole.body.s, whole.body.len);
		/* An unknown or absent code is written as "refused". */
		control_write_end_code(&w, &wire, whole.code == CTL_CODE_COUNT ?
		    CTL_E_REFUSED : whole.code);
		th_read_reply(wire.s, wire.len, 0, &again);
		if (!again.sane || again.rc != 1 || again.used != wire.len ||
		    again.status != whole.status || !same_body(&whole, &again))
			__builtin_trap();
		fuzz_stuff_in_place(&whole.body, size, whole.code ==
		    CTL_CODE_COUNT ? CTL_E_REFUSED : whole.code, &wire);
		strbuf_free(&again.body);
		strbuf_free(&wire);
	}
	strbuf_free(&whole.body);
	strbuf_free(&bytes.body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request(data, size);
	fuzz_request_any(data, size);
	fuzz_reply(data, size);
	return 0;
}
