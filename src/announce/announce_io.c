#include "../lib/errmsg.h"
#include "announce_io.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ann_text.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"

#define SHOW_MAX	60	/* characters of bad input quoted in errors */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The bad text as it can be printed on one line: non-printable bytes as
 * '?', cut after SHOW_MAX characters. */
static const char *
show(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = len < SHOW_MAX ? len : SHOW_MAX;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	if (n < len && size > n + 3)
		strcpy(buf + n, "...");
	return buf;
}

/* The line without its comment and the blanks around the prefix. */
static void
line_trim(const char **s, size_t *len)
{
	const char *hash = memchr(*s, '#', *len);

	if (hash != NULL)
		*len = (size_t)(hash - *s);
	while (*len > 0 && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*s)[*len - 1]))
		(*len)--;
}

static int
prefix_token(const char *name, unsigned lineno, const char *s, size_t len,
    struct prefix *p, char *err, size_t errlen)
{
	char tok[PREFIX_STRLEN + 1], shown[SHOW_MAX + 4], fixed[PREFIX_STRLEN];

	if (len < sizeof(tok) && memchr(s, '\0', len) == NULL) {
		memcpy(tok, s, len);
		tok[len] = '\0';
		if (prefix_parse(tok, true, p) == 0)
			return 0;
		if (prefix_parse(tok, false, p) == 0) {
			errmsg_set(err, errlen, "%s:%u: not a prefix: %s "
			    "(host bits set: %s?)", name, lineno, tok,
			    prefix_format(p, fixed, sizeof(fixed)));
			return -1;
		}
	}
	errmsg_set(err, errlen, "%s:%u: not a prefix: %s", name, lineno,
	    show(s, len, shown, sizeof(shown)));
	return -1;
}

static size_t
count_lines(const char *buf, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

int
announce_parse_prefixes(const char *name, const char *buf, size_t len,
    struct prefix **out, size_t *n, char *err, size_t errlen)
{
	size_t lines = count_lines(buf, len), pos = 0;
	unsigned lineno = 0;
	struct prefix *grown;

	/* At most one prefix a line: one allocation is enough. */
	if (lines > SIZE_MAX / sizeof(**out) - *n ||
	    (grown = realloc(*out, (*n + lines) * sizeof(**out))) == NULL) {
		errmsg_set(err, errlen, "%s: out of memory", name);
		return -1;
	}
	*out = grown;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl == NULL ? len - pos : (size_t)(nl - s);

		pos += l + 1;
		lineno++;
		line_trim(&s, &l);
		if (l == 0)
			continue;
		if (prefix_token(name, lineno, s, l, &(*out)[*n], err,
		    errlen) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

/* One list file, appended; a missing file adds nothing. */
static int
read_list(const char *dir, const char *name, struct prefix **out, size_t *n,
    char *err, size_t errlen)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errmsg_set(err, errlen, "%s: path too long", name);
		return -1;
	}
	if (readfile(path, ANN_LIST_MAX_BYTES, &buf, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		errmsg_set(err, errlen, "%s: %s", name, readfile_strerror(errno));
		return -1;
	}
	rc = announce_parse_prefixes(name, buf, len, out, n, err, errlen);
	free(buf);
	return rc;
}

int
announce_read_prefixes(const char *client_dir, struct prefix **out,
    size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (read_list(client_dir, ANN_PREFIXES_FILE, out, n, err,
	    errlen) == 0 && read_list(client_dir, ANN_PREFIXES6_FILE, out, n,
	    err, errlen) == 0) {
		if (*n == 0) {
			free(*out);
			*out = NULL;
		}
		return 0;
	}
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

int
announce_parse_container(const char *buf, size_t len, unsigned *ctxid,
    char *err, size_t errlen)
{
	char shown[SHOW_MAX + 4];
	uint32_t v;

	while (len > 0 && (is_blank(*buf) || *buf == '\n')) {
		buf++;
		len--;
	}
	while (len > 0 && (is_blank(buf[len - 1]) || buf[len - 1] == '\n'))
		len--;
	if (len == 0) {
		errmsg_set(err, errlen, "%s is empty: write your container id in "
		    "it (echo ID > %s)", ANN_CONTAINER_FILE,
		    ANN_CONTAINER_FILE);
		return -1;
	}
	if (ann_text_u32(buf, len, MUX_CTXID_MAX, &v) != ANN_TEXT_OK) {
		errmsg_set(err, errlen, "%s: not a container id (0..%d): %s",
		    ANN_CONTAINER_FILE, MUX_CTXID_MAX,
		    show(buf, len, shown, sizeof(shown)));
		return -1;
	}
	*ctxid = v;
	return 0;
}

int
announce_read_container(const char *client_dir, unsigned *ctxid, char *err,
    size_t errlen)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", client_dir,
	    ANN_CONTAINER_FILE) >= sizeof(path)) {
		errmsg_set(err, errlen, "%s: path too long", ANN_CONTAINER_FILE);
		return -1;
	}
	if (readfile(path, ANN_CONTAINER_MAX_BYTES, &buf, &len) == -1) {
		if (errno == ENOENT)
			errmsg_set(err, errlen, "%s not found: -M needs your "
			    "container id (echo ID > %s)", ANN_CONTAINER_FILE,
			    ANN_CONTAINER_FILE);
		else
			errmsg_set(err, errlen, "%s: %s", ANN_CONTAINER_FILE,
			    readfile_strerror(errno));
		return -1;
	}
	rc = announce_parse_container(buf, len, ctxid, err, errlen);
	free(buf);
	return rc;
}
