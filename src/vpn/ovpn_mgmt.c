#include "ovpn_mgmt.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "../lib/errmsg.h"

#define STATE_FIELDS	9	/* as OpenVPN 2.4 to 2.6 send them */
#define STATE_FIELDS_MIN 5	/* time,STATE,desc,local_v4,remote */
#define TIME_DIGITS_MAX	19	/* fits an unsigned long long */

/* ---- lines ---- */

int
ovpn_mgmt_line(struct rbuf *b, struct rbuf *line)
{
	/* a longest line and its "\r\n" */
	size_t window = b->len < OVPN_MGMT_LINE_MAX + 2 ? b->len :
	    OVPN_MGMT_LINE_MAX + 2;
	const uint8_t *nl = memchr(b->p, '\n', window);
	size_t n;

	if (nl == NULL)
		return b->len >= OVPN_MGMT_LINE_MAX + 2 ? -1 : OVPN_MGMT_MORE;
	n = (size_t)(nl - b->p);
	(void)rbuf_sub(b, n, line);
	(void)rbuf_skip(b, 1);
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	return line->len > OVPN_MGMT_LINE_MAX ? -1 : 0;
}

/* The next line that belongs to a reply: real-time notifications and
 * empty lines are skipped. */
static int
mgmt_reply_line(struct rbuf *b, struct rbuf *line, char *err, size_t errlen)
{
	int rc;

	while ((rc = ovpn_mgmt_line(b, line)) == 0)
		if (line->len > 0 && line->p[0] != '>')
			return 0;
	if (rc == -1)
		errmsg_set(err, errlen, "openvpn management: line longer than "
		    "%d bytes", OVPN_MGMT_LINE_MAX);
	return rc;
}

static bool
mgmt_prefix(struct rbuf *line, const char *s)
{
	size_t n = strlen(s);

	if (line->len < n || memcmp(line->p, s, n) != 0)
		return false;
	(void)rbuf_skip(line, n);
	while (line->len > 0 && line->p[0] == ' ')
		(void)rbuf_skip(line, 1);
	return true;
}

static bool
mgmt_printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Text from the other side, made safe to print: at most max bytes,
 * anything unprintable shown as '?'. */
static void
mgmt_text(struct rbuf s, char *dst, size_t max)
{
	size_t i, n = s.len < max ? s.len : max;

	for (i = 0; i < n; i++)
		dst[i] = mgmt_printable(s.p[i]) ? (char)s.p[i] : '?';
	dst[n] = '\0';
}

static int
mgmt_error(struct rbuf line, char *err, size_t errlen)
{
	char text[OVPN_MGMT_TEXT_MAX + 1];

	if (mgmt_prefix(&line, "ERROR:")) {
		mgmt_text(line, text, OVPN_MGMT_TEXT_MAX);
		return errmsg_fail(err, errlen, "openvpn: %s", text);
	}
	mgmt_text(line, text, OVPN_MGMT_TEXT_MAX);
	return errmsg_fail(err, errlen, "openvpn management: unexpected "
	    "reply: %s", text);
}

/* ---- state lines ---- */

static int
state_number(struct rbuf f, size_t max_digits, unsigned long long *v)
{
	size_t i;

	if (f.len == 0 || f.len > max_digits)
		return -1;
	*v = 0;
	for (i = 0; i < f.len; i++) {
		if (f.p[i] < '0' || f.p[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(f.p[i] - '0');
	}
	return 0;
}

static int
state_port(struct rbuf f, int *port)
{
	unsigned long long v;

	*port = -1;
	if (f.len == 0)
		return 0;
	if (state_number(f, 5, &v) == -1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

static int
state_name(struct rbuf f, char dst[OVPN_STATE_NAME_MAX + 1])
{
	size_t i;

	if (f.len == 0 || f.len > OVPN_STATE_NAME_MAX)
		return -1;
	for (i = 0; i < f.len; i++)
		if (!((f.p[i] >= 'A' && f.p[i] <= 'Z') || f.p[i] == '_'))
			return -1;
	memcpy(dst, f.p, f.len);
	dst[f.len] = '\0';
	return 0;
}

static int
state_desc(struct rbuf f, char dst[OVPN_STATE_DESC_MAX + 1])
{
	size_t i;

	if (f.len > OVPN_STATE_DESC_MAX)
		return -1;
	for (i = 0; i < f.len; i++)
		if (!mgmt_printable(f.p[i]))
			return -1;
	memcpy(dst, f.p, f.len);
	dst[f.len] = '\0';
	return 0;
}

/* An address field: empty, or of family af (-1: either), kept in its
 * canonical text form. */
static int
state_addr(struct rbuf f, int af, char dst[ADDR_STRLEN])
{
	char text[ADDR_STRLEN];
	struct prefix p;

	dst[0] = '\0';
	if (f.len == 0)
		return 0;
	if (f.len >= sizeof(text) || memchr(f.p, '\0', f.len) != NULL)
		return -1;
	memcpy(text, f.p, f.len);
	text[f.len] = '\0';
	if (addr_parse(text, &p) == -1 || (af != -1 && p.af != af))
		return -1;
	addr_format(p.af, p.addr, dst, ADDR_STRLEN);
	return 0;
}

static int
state_fields(struct rbuf line, struct rbuf f[STATE_FIELDS])
{
	const uint8_t *comma;
	int n = 0;

	memset(f, 0, STATE_FIELDS * sizeof(f[0]));
	for (;;) {
		comma = memchr(line.p, ',', line.len);
		if (n < STATE_FIELDS)
			f[n] = rbuf_make(line.p, comma != NULL ?
			    (size_t)(comma - line.p) : line.len);
		n++;
		if (comma == NULL)
			return n;
		(void)rbuf_skip(&line, (size_t)(comma - line.p) + 1);
	}
}

int
ovpn_mgmt_parse_state_line(struct rbuf line, struct ovpn_state *st,
    char *err, size_t errlen)
{
	struct rbuf f[STATE_FIELDS];
	const char *bad = NULL;

	memset(st, 0, sizeof(*st));
	if (state_fields(line, f) < STATE_FIELDS_MIN)
		bad = "fewer than 5 fields";
	else if (state_number(f[0], TIME_DIGITS_MAX, &st->time) == -1)
		bad = "bad time";
	else if (state_name(f[1], st->name) == -1)
		bad = "bad state name";
	else if (state_desc(f[2], st->desc) == -1)
		bad = "bad description";
	else if (state_addr(f[3], AF_IDX_IPV4, st->local_v4) == -1)
		bad = "bad local IPv4 address";
	else if (state_addr(f[4], -1, st->remote) == -1)
		bad = "bad remote address";
	else if (state_port(f[5], &st->remote_port) == -1)
		bad = "bad remote port";
	else if (state_addr(f[6], -1, st->local_addr) == -1)
		bad = "bad local address";
	else if (state_port(f[7], &st->local_port) == -1)
		bad = "bad local port";
	else if (state_addr(f[8], AF_IDX_IPV6, st->local_v6) == -1)
		bad = "bad local IPv6 address";
	if (bad == NULL)
		return 0;
	memset(st, 0, sizeof(*st));
	return errmsg_fail(err, errlen, "openvpn management: state line: %s",
	    bad);
}

/* ---- replies ---- */

int
ovpn_mgmt_state_reply(const void *buf, size_t len, struct ovpn_state *st,
    size_t *used, char *err, size_t errlen)
{
	struct rbuf b = rbuf_make(buf, len), line;
	struct ovpn_state cur;
	unsigned n = 0;
	int rc;

	while ((rc = mgmt_reply_line(&b, &line, err, errlen)) == 0) {
		if (line.len == 3 && memcmp(line.p, "END", 3) == 0)
			break;
		/* a state line starts with its time */
		if (line.p[0] < '0' || line.p[0] > '9')
			return mgmt_error(line, err, errlen);
		if (ovpn_mgmt_parse_state_line(line, &cur, err, errlen) == -1)
			return -1;
		n++;
	}
	if (rc != 0)
		return rc;
	if (n == 0)
		return errmsg_fail(err, errlen, "openvpn management: no state "
		    "line before END");
	*st = cur;
	*used = len - b.len;
	return 0;
}

int
ovpn_mgmt_result_reply(const void *buf, size_t len,
    char text[OVPN_MGMT_TEXT_MAX + 1], size_t *used, char *err,
    size_t errlen)
{
	struct rbuf b = rbuf_make(buf, len), line;
	int rc;

	if ((rc = mgmt_reply_line(&b, &line, err, errlen)) != 0)
		return rc;
	if (!mgmt_prefix(&line, "SUCCESS:"))
		return mgmt_error(line, err, errlen);
	mgmt_text(line, text, OVPN_MGMT_TEXT_MAX);
	*used = len - b.len;
	return 0;
}

int
ovpn_mgmt_pid_reply(const void *buf, size_t len, pid_t *pid, size_t *used,
    char *err, size_t errlen)
{
	char text[OVPN_MGMT_TEXT_MAX + 1];
	unsigned long long v;
	size_t n;
	int rc;

	rc = ovpn_mgmt_result_reply(buf, len, text, &n, err, errlen);
	if (rc != 0)
		return rc;
	if (strncmp(text, "pid=", 4) != 0 || state_number(rbuf_make(text + 4,
	    strlen(text + 4)), 10, &v) == -1 || v == 0 || v > INT_MAX)
		return errmsg_fail(err, errlen, "openvpn management: bad pid "
		    "reply: %s", text);
	*pid = (pid_t)v;
	*used = n;
	return 0;
}
