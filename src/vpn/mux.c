#include "../lib/errmsg.h"
#include "mux.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/rbuf.h"
#include "../lib/readfile.h"
#include "ovpn_conf.h"

#define MUX_CONF_SUFFIX	".conf"

bool
mux_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > MUX_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- the table ---- */

void
mux_table_init(struct mux_table *t)
{
	memset(t, 0, sizeof(*t));
}

int
mux_table_add(struct mux_table *t, const char *name, unsigned tap,
    char *err, size_t errlen)
{
	const struct mux *other;
	struct mux *m;
	unsigned i;

	if (!mux_name_valid(name)) {
		errmsg_set(err, errlen, "bad mux name (want [a-z0-9_-], at most "
		    "%d characters)", MUX_NAME_MAX);
		return -1;
	}
	if (tap < MUX_TAP_MIN || tap > MUX_TAP_MAX) {
		errmsg_set(err, errlen, "mux %s: tap%u out of range %d..%d",
		    name, tap, MUX_TAP_MIN, MUX_TAP_MAX);
		return -1;
	}
	if (mux_find(t, name) != NULL) {
		errmsg_set(err, errlen, "mux %s listed twice", name);
		return -1;
	}
	if ((other = mux_find_by_tap(t, tap)) != NULL) {
		errmsg_set(err, errlen, "mux %s: tap%u already used by %s",
		    name, tap, other->name);
		return -1;
	}
	/* Cannot happen while taps are unique, but costs nothing. */
	if (t->n >= MUX_MAX) {
		errmsg_set(err, errlen, "more than %d muxes", MUX_MAX);
		return -1;
	}
	for (i = 0; i < t->n && strcmp(t->mux[i].name, name) < 0; i++)
		;
	memmove(&t->mux[i + 1], &t->mux[i], (t->n - i) * sizeof(t->mux[0]));
	t->n++;
	m = &t->mux[i];
	memset(m, 0, sizeof(*m));
	memcpy(m->name, name, strlen(name));
	snprintf(m->dev, sizeof(m->dev), "tap%u", tap);
	m->tap = tap;
	return 0;
}

const struct mux *
mux_find(const struct mux_table *t, const char *name)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->mux[i].name, name) == 0)
			return &t->mux[i];
	return NULL;
}

const struct mux *
mux_find_by_tap(const struct mux_table *t, unsigned tap)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->mux[i].tap == tap)
			return &t->mux[i];
	return NULL;
}

/* ---- the dev line of an OpenVPN config ---- */

/* "tapN", N decimal without leading zeros: the interface is named by the
 * text, so tap05 would be another device than tap5. */
static int
conf_tap_word(struct rbuf w, unsigned *tap)
{
	unsigned v = 0;
	size_t i;

	if (w.len < 4 || w.len > 5 || memcmp(w.p, "tap", 3) != 0 ||
	    w.p[3] == '0')
		return -1;
	for (i = 3; i < w.len; i++) {
		if (w.p[i] < '0' || w.p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(w.p[i] - '0');
	}
	if (v < MUX_TAP_MIN || v > MUX_TAP_MAX)
		return -1;
	*tap = v;
	return 0;
}

/* The rest of a dev line, after the word "dev". */
static int
conf_dev_args(struct rbuf *line, unsigned *tap, const char **why)
{
	struct rbuf w;

	if (ovpn_conf_word(line, &w) == -1 || conf_tap_word(w, tap) == -1) {
		*why = "dev must be tapN with N in 1..63";
		return -1;
	}
	if (ovpn_conf_word(line, &w) == 0) {
		*why = "dev takes one argument";
		return -1;
	}
	return 0;
}

int
mux_conf_parse_dev(const char *buf, size_t len, unsigned *tap,
    unsigned *line, const char **why)
{
	struct ovpn_conf_cursor c;
	struct ovpn_directive d;
	unsigned found = 0, v = 0;
	int rc;

	*tap = 0;
	*line = 0;
	*why = NULL;
	ovpn_conf_begin(&c, buf, len);
	while ((rc = ovpn_conf_next(&c, &d, why)) == 1) {
		if (d.inline_file || !ovpn_conf_word_is(d.name, "dev"))
			continue;
		*line = c.line;
		/* OpenVPN would take the last one: never guess. */
		if (found) {
			*why = "second dev line";
			return -1;
		}
		if (conf_dev_args(&d.args, &v, why) == -1)
			return -1;
		found = c.line;
	}
	if (rc == -1) {
		*line = c.line;
		return -1;
	}
	if (!found) {
		*why = "no dev line";
		return -1;
	}
	*tap = v;
	*line = found;
	return 0;
}

/* ---- loading configs/openvpn ---- */

/* A file name of the directory: 1 for "<name>.conf" with a good name
 * (copied to name), 0 for files to ignore, -1 for a bad mux name. */
static int
mux_file_name(const char *file, char name[MUX_NAME_MAX + 1])
{
	size_t len = strlen(file), slen = strlen(MUX_CONF_SUFFIX);

	if (len < slen || strcmp(file + len - slen, MUX_CONF_SUFFIX) != 0)
		return 0;
	len -= slen;
	if (len == 0 || len > MUX_NAME_MAX)
		return -1;
	memcpy(name, file, len);
	name[len] = '\0';
	return mux_name_valid(name) ? 1 : -1;
}

struct mux_names {
	char		name[MUX_MAX][MUX_NAME_MAX + 1];
	unsigned	n;
	bool		too_many;
	char		bad[NAME_MAX + 1];	/* smallest bad name: stable */
};

static void
mux_names_add(struct mux_names *mn, const char *file)
{
	char name[MUX_NAME_MAX + 1];

	switch (mux_file_name(file, name)) {
	case 0:
		break;
	case -1:
		if (mn->bad[0] == '\0' || strcmp(file, mn->bad) < 0)
			snprintf(mn->bad, sizeof(mn->bad), "%s", file);
		break;
	default:
		if (mn->n == MUX_MAX)
			mn->too_many = true;
		else
			memcpy(mn->name[mn->n++], name, sizeof(name));
		break;
	}
}

static int
mux_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
mux_scan_dir(const char *dir, struct mux_names *mn, char *err,
    size_t errlen)
{
	struct dirent *de;
	DIR *d;

	memset(mn, 0, sizeof(*mn));
	if ((d = opendir(dir)) == NULL) {
		errmsg_set(err, errlen, "%s: %s", MUX_CONF_DIR, strerror(errno));
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL)
		mux_names_add(mn, de->d_name);
	if (errno != 0) {
		errmsg_set(err, errlen, "%s: %s", MUX_CONF_DIR, strerror(errno));
		closedir(d);
		return -1;
	}
	closedir(d);
	if (mn->bad[0] != '\0') {
		errmsg_set(err, errlen, "%s/%s: mux name must be [a-z0-9_-]+, at "
		    "most %d characters", MUX_CONF_DIR, mn->bad, MUX_NAME_MAX);
		return -1;
	}
	if (mn->too_many) {
		errmsg_set(err, errlen, "%s: more than %d mux configs (one tap "
		    "each, tap1..tap%d)", MUX_CONF_DIR, MUX_MAX, MUX_TAP_MAX);
		return -1;
	}
	qsort(mn->name, mn->n, sizeof(mn->name[0]), mux_name_cmp);
	return 0;
}

/* One mux from <dir>/<name>.conf. */
static int
mux_load_one(struct mux_table *t, const char *dir, const char *name,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	const struct mux *other;
	const char *why;
	unsigned tap, line;
	size_t len;
	char *buf;
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s%s", dir, name,
	    MUX_CONF_SUFFIX) >= (int)sizeof(path)) {
		errmsg_set(err, errlen, "%s/%s%s: path too long", MUX_CONF_DIR,
		    name, MUX_CONF_SUFFIX);
		return -1;
	}
	if (readfile(path, MUX_CONF_MAX_BYTES, &buf, &len) == -1) {
		errmsg_set(err, errlen, "%s/%s%s: %s", MUX_CONF_DIR, name,
		    MUX_CONF_SUFFIX, readfile_strerror(errno));
		return -1;
	}
	rc = mux_conf_parse_dev(buf, len, &tap, &line, &why);
	free(buf);
	if (rc == -1 && line == 0) {
		errmsg_set(err, errlen, "%s/%s%s: %s", MUX_CONF_DIR, name,
		    MUX_CONF_SUFFIX, why);
		return -1;
	}
	if (rc == -1) {
		errmsg_set(err, errlen, "%s/%s%s:%u: %s", MUX_CONF_DIR, name,
		    MUX_CONF_SUFFIX, line, why);
		return -1;
	}
	if ((other = mux_find_by_tap(t, tap)) != NULL) {
		errmsg_set(err, errlen, "%s/%s%s:%u: tap%u already used by "
		    "%s/%s%s", MUX_CONF_DIR, name, MUX_CONF_SUFFIX, line, tap,
		    MUX_CONF_DIR, other->name, MUX_CONF_SUFFIX);
		return -1;
	}
	return mux_table_add(t, name, tap, err, errlen);
}

int
mux_table_load(const char *client_dir, struct mux_table *t, char *errbuf,
    size_t errlen)
{
	struct mux_names *mn;
	char dir[PATH_MAX];
	unsigned i;
	int rc = 0;

	mux_table_init(t);
	if (snprintf(dir, sizeof(dir), "%s/%s", client_dir, MUX_CONF_DIR) >=
	    (int)sizeof(dir)) {
		errmsg_set(errbuf, errlen, "%s: path too long", client_dir);
		return -1;
	}
	/* A few kilobytes of names: keep them off the caller's stack. */
	if ((mn = malloc(sizeof(*mn))) == NULL) {
		errmsg_set(errbuf, errlen, "%s: %s", MUX_CONF_DIR,
		    strerror(errno));
		return -1;
	}
	if (mux_scan_dir(dir, mn, errbuf, errlen) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < mn->n; i++)
		rc = mux_load_one(t, dir, mn->name[i], errbuf, errlen);
	free(mn);
	if (rc == -1)
		mux_table_init(t);
	return rc;
}

/* ---- the formulas (REFERENCE.md) ---- */

static void
mux_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->af = AF_IDX_IPV4;
	out->len = 32;
	out->addr[0] = a;
	out->addr[1] = b;
	out->addr[2] = c;
	out->addr[3] = d;
}

static bool
mux_tap_ok(unsigned tap)
{
	return tap >= MUX_TAP_MIN && tap <= MUX_TAP_MAX;
}

int
mux_neighbor_v4(unsigned tap, struct prefix *out)
{
	if (!mux_tap_ok(tap))
		return -1;
	mux_v4(100, (uint8_t)(64 + tap), 128, 1, out);
	return 0;
}

int
mux_neighbor_v6(unsigned tap, struct prefix *out)
{
	/* 2804:269c:ff00:<N>:1::1, N read as hex in the text form */
	static const uint8_t base[16] = { 0x28, 0x04, 0x26, 0x9c, 0xff, 0x00,
	    0, 0, 0x00, 0x01, 0, 0, 0, 0, 0, 0x01 };

	if (!mux_tap_ok(tap))
		return -1;
	memset(out, 0, sizeof(*out));
	out->af = AF_IDX_IPV6;
	out->len = 128;
	memcpy(out->addr, base, sizeof(base));
	out->addr[6] = (uint8_t)(tap >> 8);
	out->addr[7] = (uint8_t)tap;
	return 0;
}

long
mux_upstream_peerid_v4(const uint8_t nexthop[4])
{
	if (nexthop[0] != 100 || nexthop[1] < 64 ||
	    !mux_tap_ok((unsigned)nexthop[1] - 64))
		return -1;
	return (long)nexthop[2] * 256 + nexthop[3];
}

int
mux_upstream_nexthop_v4(unsigned tap, unsigned peerid, struct prefix *out)
{
	if (!mux_tap_ok(tap) || peerid > MUX_PEERID_MAX)
		return -1;
	mux_v4(100, (uint8_t)(64 + tap), (uint8_t)(peerid / 256),
	    (uint8_t)(peerid % 256), out);
	return 0;
}

int
mux_container_subnet_v4(unsigned tap, unsigned ctxid, struct prefix *out)
{
	unsigned third;

	if (!mux_tap_ok(tap) || ctxid > MUX_CTXID_MAX)
		return -1;
	third = tap * 8 + ctxid * 4 / 256;
	if (third > 255)
		return -1;
	mux_v4(100, 125, (uint8_t)third, (uint8_t)(ctxid * 4 % 256), out);
	out->len = 30;
	return 0;
}

int
mux_container_nexthop_v4(unsigned tap, unsigned ctxid, struct prefix *out)
{
	if (mux_container_subnet_v4(tap, ctxid, out) == -1)
		return -1;
	/* The third address of the /30. */
	out->addr[3] += 2;
	out->len = 32;
	return 0;
}

int
mux_container_subnet_v6(unsigned tap, unsigned ctxid, struct prefix *out)
{
	if (mux_neighbor_v6(tap, out) == -1 || ctxid > MUX_CTXID_MAX)
		return -1;
	unsigned group = 0, shift = 0;

	/* 2804:269c:ff03:<N hex>:<ctxid>::/80, the id written in decimal
	 * digits as the old client's script did (container 64 is
	 * ...:64::, not ...:40::). */
	for (unsigned v = ctxid; v > 0; v /= 10, shift += 4)
		group |= (v % 10) << shift;
	memset(out->addr + 8, 0, 8);
	out->addr[5] = 0x03;
	out->addr[8] = (uint8_t)(group >> 8);
	out->addr[9] = (uint8_t)group;
	out->len = 80;
	return 0;
}

unsigned
mux_proxy_port(unsigned tap)
{
	return MUX_PROXY_PORT_BASE + tap;
}
