/*
 * Reply framing of the control protocol (control.h): the body with its
 * lines' leading dots doubled, then one status line. Both ends are pure:
 * the writer appends to a buffer, the reader is fed what the socket gave,
 * in pieces of any size, and hands the body on as it comes, so neither
 * needs the whole reply in memory.
 */
#include "control.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/rbuf.h"

#define PREFIX_LEN	(sizeof(CONTROL_ERROR_PREFIX) - 1)

void
control_writer_init(struct control_writer *w)
{
	w->mid_line = false;
}

/* The line starts in s[0..len) (the first one only if at_start) that hold a
 * '.', counted. */
static size_t
dots_at_line_starts(const char *s, size_t len, bool at_start)
{
	const char *end = s + len, *nl;
	size_t n = at_start && len > 0 && s[0] == '.';

	while ((nl = memchr(s, '\n', (size_t)(end - s))) != NULL &&
	    nl + 1 < end) {
		n += nl[1] == '.';
		s = nl + 1;
	}
	return n;
}

/* s[0..len) moved up by `more` bytes, each line that starts with '.' given
 * one more '.' in front, from the last line back (the room after len is
 * there: more is what dots_at_line_starts() counted). */
static void
stuff_back(char *s, size_t len, size_t more, bool at_start)
{
	size_t end = len;

	while (more > 0 && end > 0) {
		const char *nl = memrchr(s, '\n', end - 1);
		size_t ls = nl != NULL ? (size_t)(nl - s) + 1 : 0;

		memmove(s + ls + more, s + ls, end - ls);
		if (s[ls] == '.' && (ls > 0 || at_start))
			s[ls + --more] = '.';
		end = ls;
	}
}

void
control_write_stuff(struct control_writer *w, struct strbuf *out,
    size_t start)
{
	static const char room[64];
	bool at_start = !w->mid_line;
	size_t len, more, left, k;

	if (out->failed || start >= out->len)
		return;
	len = out->len - start;
	more = dots_at_line_starts(out->s + start, len, at_start);
	w->mid_line = out->s[out->len - 1] != '\n';
	for (left = more; left > 0 && !out->failed; left -= k) {
		k = left < sizeof(room) ? left : sizeof(room);
		strbuf_append(out, room, k);	/* the room stuff_back fills */
	}
	if (more > 0 && !out->failed)
		stuff_back(out->s + start, len, more, at_start);
}

void
control_write_body(struct control_writer *w, struct strbuf *out,
    const char *p, size_t len)
{
	size_t start = out->len;

	if (len == 0)
		return;
	strbuf_append(out, p, len);
	control_write_stuff(w, out, start);
}

static const char *const code_names[CTL_CODE_COUNT] = {
	[CTL_E_BAD_REQUEST] = "bad-request",
	[CTL_E_UNKNOWN_COMMAND] = "unknown-command",
	[CTL_E_REFUSED] = "refused",
	[CTL_E_READ_ONLY] = "read-only",
	[CTL_E_BUSY] = "busy",
	[CTL_E_TOO_LARGE] = "too-large",
	[CTL_E_TIMEOUT] = "timeout",
	[CTL_E_VERSION] = "version",
	[CTL_E_LOST_EVENTS] = "lost-events",
	[CTL_E_INTERNAL] = "internal",
};

const char *
ctl_code_name(enum ctl_code code)
{
	return code > CTL_OK && code < CTL_CODE_COUNT ? code_names[code] :
	    NULL;
}

enum ctl_code
ctl_code_parse(const char *name, size_t len)
{
	for (int c = CTL_OK + 1; c < CTL_CODE_COUNT; c++)
		if (strlen(code_names[c]) == len &&
		    memcmp(code_names[c], name, len) == 0)
			return (enum ctl_code)c;
	return CTL_CODE_COUNT;
}

void
control_write_end(struct control_writer *w, struct strbuf *out,
    enum control_status st)
{
	control_write_end_code(w, out, st == CONTROL_STATUS_OK ? CTL_OK :
	    CTL_E_REFUSED);
}

void
control_write_end_code(struct control_writer *w, struct strbuf *out,
    enum ctl_code code)
{
	if (w->mid_line)
		strbuf_append(out, "\n", 1);
	w->mid_line = false;
	if (ctl_code_name(code) == NULL)
		strbuf_printf(out, "." CONTROL_STATUS_OK_WORD "\n");
	else
		strbuf_printf(out, "." CONTROL_STATUS_ERROR_WORD " %s\n",
		    ctl_code_name(code));
}

void
ctl_error_body(struct strbuf *out, bool json, enum ctl_code code,
    const char *msg, size_t len)
{
	char *text;
	cJSON *root, *e;

	if (len >= PREFIX_LEN && memcmp(msg, CONTROL_ERROR_PREFIX,
	    PREFIX_LEN) == 0) {
		msg += PREFIX_LEN;
		len -= PREFIX_LEN;
	}
	while (len > 0 && msg[len - 1] == '\n')
		len--;
	if (!json) {
		strbuf_printf(out, CONTROL_ERROR_PREFIX "%.*s\n", (int)len,
		    msg);
		return;
	}
	root = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(e, "code", ctl_code_name(code) ?
	    ctl_code_name(code) : "internal");
	text = strndup(msg, len);
	cJSON_AddStringToObject(e, "message", text ? text : "");
	free(text);
	text = cJSON_PrintUnformatted(root);
	if (text != NULL && e != NULL)
		strbuf_printf(out, "%s\n", text);
	else	/* no memory: as text, which needs none */
		strbuf_append(out, "{\"error\":{\"code\":\"internal\"}}\n",
		    31);
	cJSON_free(text);
	cJSON_Delete(root);
}

enum control_status
control_body_status(const char *body, size_t len)
{
	return len >= PREFIX_LEN && memcmp(body, CONTROL_ERROR_PREFIX,
	    PREFIX_LEN) == 0 ? CONTROL_STATUS_ERROR : CONTROL_STATUS_OK;
}

/* ---- the reader ---- */

enum {
	R_LINE_START,	/* at the first byte of a line */
	R_DOT,		/* after a line's first '.' */
	R_LINE,		/* inside a body line */
	R_STATUS,	/* inside the status line */
	R_DONE,
	R_BAD,
};

void
control_reader_init(struct control_reader *r, control_sink sink, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->state = R_LINE_START;
	r->sink = sink;
	r->ctx = ctx;
}

bool
control_reader_done(const struct control_reader *r)
{
	return r->state == R_DONE;
}

void
control_sink_strbuf(void *ctx, const char *p, size_t len)
{
	strbuf_append(ctx, p, len);
}

static void
reader_emit(struct control_reader *r, const uint8_t *p, size_t len)
{
	r->body_len += len;
	if (r->sink != NULL && len > 0)
		r->sink(r->ctx, (const char *)p, len);
}

static void
reader_bad(struct control_reader *r, const char *why)
{
	r->state = R_BAD;
	r->why = why;
}

/* The status line, without its '.' and '\n': "ok" or "error", and after
 * a space what a later version may add (ignored). */
static void
reader_status(struct control_reader *r)
{
	static const struct {
		const char		*word;
		enum control_status	 st;
	} words[] = {
		{ CONTROL_STATUS_OK_WORD, CONTROL_STATUS_OK },
		{ CONTROL_STATUS_ERROR_WORD, CONTROL_STATUS_ERROR },
	};
	const char *sp = memchr(r->line, ' ', r->line_len);
	size_t n = sp != NULL ? (size_t)(sp - r->line) : r->line_len;

	r->code = CTL_CODE_COUNT;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n == strlen(words[i].word) &&
		    memcmp(r->line, words[i].word, n) == 0) {
			r->status = words[i].st;
			r->state = R_DONE;
			if (r->status == CONTROL_STATUS_OK)
				r->code = CTL_OK;
			else if (sp != NULL) {	/* ".error CODE[ more]" */
				const char *c = sp + 1, *end = memchr(c, ' ',
				    r->line_len - n - 1);

				r->code = ctl_code_parse(c, end != NULL ?
				    (size_t)(end - c) : r->line_len - n - 1);
			}
			return;
		}
	reader_bad(r, n == 0 ? "empty status line" : "unknown status");
}

/* The bytes of b up to and including the next '\n' (or all of them):
 * carved off b into sub; whether the '\n' was among them. */
static bool
reader_take_line(struct rbuf *b, struct rbuf *sub)
{
	const uint8_t *nl = memchr(b->p, '\n', b->len);
	size_t n = nl != NULL ? (size_t)(nl - b->p) + 1 : b->len;

	*sub = rbuf_make(b->p, 0);
	(void)rbuf_sub(b, n, sub);	/* n <= b->len: cannot fail */
	return nl != NULL;
}

/* The body bytes of b from inside a line up to the end of the last line
 * before one that starts with '.' (or all of b): carved off b into sub,
 * so a reply without stuffed lines goes to the sink a read at a time, not
 * a line at a time; whether sub ends a line. */
static bool
reader_take_body(struct rbuf *b, struct rbuf *sub)
{
	const uint8_t *p = b->p, *end = b->p + b->len, *nl;
	size_t n = b->len;
	bool ended = false;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p = nl + 1;
		if (p == end || *p == '.') {
			n = (size_t)(p - b->p);
			ended = true;
			break;
		}
	}
	*sub = rbuf_make(b->p, 0);
	(void)rbuf_sub(b, n, sub);	/* n <= b->len: cannot fail */
	return ended;
}

static void
reader_step(struct control_reader *r, struct rbuf *b)
{
	struct rbuf line;
	uint8_t c = b->p[0];
	bool ended;

	switch (r->state) {
	case R_LINE_START:
		if (c == '.')
			(void)rbuf_get_u8(b, &c);
		r->state = c == '.' ? R_DOT : R_LINE;
		return;
	case R_DOT:
		if (c != '.') {
			r->state = R_STATUS;
			return;
		}
		(void)rbuf_get_u8(b, &c);
		reader_emit(r, &c, 1);
		r->state = R_LINE;
		return;
	case R_LINE:
		ended = reader_take_body(b, &line);
		reader_emit(r, line.p, line.len);
		r->state = ended ? R_LINE_START : R_LINE;
		return;
	case R_STATUS:
		ended = reader_take_line(b, &line);
		if (r->line_len + line.len > sizeof(r->line)) {
			reader_bad(r, "status line too long");
			return;
		}
		memcpy(r->line + r->line_len, line.p, line.len);
		r->line_len += line.len;
		if (ended) {
			r->line_len--;	/* the '\n' */
			reader_status(r);
		}
		return;
	default:
		reader_bad(r, "reader used after its end");
		return;
	}
}

int
control_reader_feed(struct control_reader *r, const char *p, size_t len,
    size_t *used)
{
	struct rbuf b = rbuf_make(p, len);

	while (b.len > 0 && r->state != R_DONE && r->state != R_BAD)
		reader_step(r, &b);
	*used = len - b.len;
	r->fed += *used;
	if (r->state == R_BAD)
		return -1;
	return r->state == R_DONE ? 1 : 0;
}
