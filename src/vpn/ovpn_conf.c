#include "ovpn_conf.h"

#include <stdint.h>
#include <string.h>

/* ---- the tokenizer ---- */

static bool
conf_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A quoted word runs to the same quote; without one it is a plain word,
 * quote and all, and the path it names will not be found. */
static int
conf_quoted_word(struct rbuf *line, struct rbuf *word)
{
	const uint8_t *end = memchr(line->p + 1, line->p[0], line->len - 1);

	if (end == NULL)
		return -1;
	(void)rbuf_skip(line, 1);
	(void)rbuf_sub(line, (size_t)(end - line->p), word);
	return rbuf_skip(line, 1);
}

int
ovpn_conf_word(struct rbuf *line, struct rbuf *word)
{
	size_t n = 0;

	while (line->len > 0 && conf_space(line->p[0]))
		(void)rbuf_skip(line, 1);
	if (line->len == 0 || line->p[0] == '#' || line->p[0] == ';') {
		line->len = 0;
		return -1;
	}
	if ((line->p[0] == '"' || line->p[0] == '\'') &&
	    conf_quoted_word(line, word) == 0)
		return 0;
	while (n < line->len && !conf_space(line->p[n]))
		n++;
	return rbuf_sub(line, n, word);
}

bool
ovpn_conf_word_is(struct rbuf w, const char *s)
{
	return w.len == strlen(s) && memcmp(w.p, s, w.len) == 0;
}

void
ovpn_conf_begin(struct ovpn_conf_cursor *c, const void *buf, size_t len)
{
	c->rest = rbuf_make(buf, len);
	c->line = 0;
}

/* "</name>", the line that ends the inline file opened by "<name>". */
static bool
conf_is_close_tag(struct rbuf w, struct rbuf name)
{
	return w.len == name.len + 3 && w.p[0] == '<' && w.p[1] == '/' &&
	    memcmp(w.p + 2, name.p, name.len) == 0 && w.p[w.len - 1] == '>';
}

/* Skip the body of an inline file, through its closing tag. */
static int
conf_skip_inline(struct ovpn_conf_cursor *c, struct rbuf name,
    const char **why)
{
	struct rbuf l, w;
	unsigned open = c->line;

	while (rbuf_line(&c->rest, &l) == 0) {
		c->line++;
		if (ovpn_conf_word(&l, &w) == 0 && conf_is_close_tag(w, name))
			return 0;
	}
	c->line = open;
	*why = "inline file without its closing tag";
	return -1;
}

static int
conf_tag(struct ovpn_conf_cursor *c, struct rbuf w, struct ovpn_directive *d,
    const char **why)
{
	if (w.p[1] == '/') {
		*why = "closing tag without its opening tag";
		return -1;
	}
	(void)rbuf_sub(&w, w.len - 1, &d->name);
	(void)rbuf_skip(&d->name, 1);
	d->args = rbuf_make(NULL, 0);
	d->inline_file = true;
	if (conf_skip_inline(c, d->name, why) == -1)
		return -1;
	return 1;
}

int
ovpn_conf_next(struct ovpn_conf_cursor *c, struct ovpn_directive *d,
    const char **why)
{
	struct rbuf l, w;

	while (rbuf_line(&c->rest, &l) == 0) {
		c->line++;
		if (ovpn_conf_word(&l, &w) == -1)
			continue;
		if (w.len > 2 && w.p[0] == '<' && w.p[w.len - 1] == '>')
			return conf_tag(c, w, d, why);
		if (w.len > 2 && w.p[0] == '-' && w.p[1] == '-')
			(void)rbuf_skip(&w, 2);
		d->name = w;
		d->args = l;
		d->inline_file = false;
		return 1;
	}
	return 0;
}

/* ---- the directives `peering openvpn` needs ---- */

static const struct {
	const char	*name;
	bool		 secret;
} creds[OVPN_CRED_COUNT] = {
	[OVPN_CRED_CA] =		{ "ca",			false },
	[OVPN_CRED_CERT] =		{ "cert",		false },
	[OVPN_CRED_KEY] =		{ "key",		true },
	[OVPN_CRED_PKCS12] =		{ "pkcs12",		true },
	[OVPN_CRED_TLS_AUTH] =		{ "tls-auth",		true },
	[OVPN_CRED_TLS_CRYPT] =		{ "tls-crypt",		true },
	[OVPN_CRED_TLS_CRYPT_V2] =	{ "tls-crypt-v2",	true },
};

const char *
ovpn_cred_name(enum ovpn_cred cred)
{
	return creds[cred].name;
}

bool
ovpn_cred_secret(enum ovpn_cred cred)
{
	return creds[cred].secret;
}

/* The first argument of d as a path into dst. */
static int
conf_path(struct ovpn_directive *d, char dst[OVPN_CONF_PATH_MAX + 1],
    const char **why)
{
	struct rbuf w;

	if (ovpn_conf_word(&d->args, &w) == -1 || w.len == 0) {
		*why = "a file name is missing";
		return -1;
	}
	if (w.len > OVPN_CONF_PATH_MAX) {
		*why = "file name too long";
		return -1;
	}
	if (memchr(w.p, '\0', w.len) != NULL) {
		*why = "NUL byte in a file name";
		return -1;
	}
	memcpy(dst, w.p, w.len);
	dst[w.len] = '\0';
	return 0;
}

static int
conf_cred(struct ovpn_directive *d, char dst[OVPN_CONF_PATH_MAX + 1],
    const char **why)
{
	if (d->inline_file) {
		dst[0] = '\0';
		return 0;
	}
	if (conf_path(d, dst, why) == -1)
		return -1;
	/* OpenVPN's spelling of "the inline block below" */
	if (strcmp(dst, "[inline]") == 0)
		dst[0] = '\0';
	return 0;
}

static int
conf_management(struct ovpn_directive *d, struct ovpn_conf *conf,
    const char **why)
{
	char path[OVPN_CONF_PATH_MAX + 1];
	struct rbuf w;

	if (conf_path(d, path, why) == -1)
		return -1;
	if (ovpn_conf_word(&d->args, &w) == -1 ||
	    !ovpn_conf_word_is(w, "unix")) {
		*why = "the management interface must be a unix socket "
		    "(management PATH unix)";
		return -1;
	}
	memcpy(conf->mgmt, path, sizeof(path));
	return 0;
}

static int
conf_directive(struct ovpn_directive *d, struct ovpn_conf *conf,
    const char **why)
{
	int i;

	for (i = 0; i < OVPN_CRED_COUNT; i++)
		if (ovpn_conf_word_is(d->name, creds[i].name))
			return conf_cred(d, conf->cred[i], why);
	if (d->inline_file)
		return 0;
	if (ovpn_conf_word_is(d->name, "management"))
		return conf_management(d, conf, why);
	if (ovpn_conf_word_is(d->name, "log") ||
	    ovpn_conf_word_is(d->name, "log-append"))
		return conf_path(d, conf->log, why);
	if (ovpn_conf_word_is(d->name, "writepid"))
		return conf_path(d, conf->pidfile, why);
	if (ovpn_conf_word_is(d->name, "daemon"))
		conf->daemon = true;
	if (ovpn_conf_word_is(d->name, "cd")) {
		*why = "cd is not supported: paths are relative to the client "
		    "directory";
		return -1;
	}
	return 0;
}

int
ovpn_conf_parse(const void *buf, size_t len, struct ovpn_conf *conf,
    unsigned *line, const char **why)
{
	struct ovpn_conf_cursor c;
	struct ovpn_directive d;
	int rc;

	memset(conf, 0, sizeof(*conf));
	*line = 0;
	*why = NULL;
	ovpn_conf_begin(&c, buf, len);
	while ((rc = ovpn_conf_next(&c, &d, why)) == 1)
		if (conf_directive(&d, conf, why) == -1) {
			rc = -1;
			break;
		}
	if (rc == -1) {
		*line = c.line;
		memset(conf, 0, sizeof(*conf));
		return -1;
	}
	return 0;
}
