/*
 * The run state file, the journal's resume point and the run request's
 * words: strict readers of outside bytes.
 */
#include "exp_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../lib/errmsg.h"

static const char *const status_names[] = { "running", "done", "stopped" };

const char *
exp_status_name(enum exp_status st)
{
	return (unsigned)st < 3 ? status_names[st] : "?";
}

bool
exp_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= EXP_ID_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.-") == n;
}

char *
exp_state_format(const struct exp_state *st)
{
	cJSON *o = cJSON_CreateObject(), *b;
	char pfx[PREFIX_STRLEN], *text, *line = NULL;

	if (o == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "version", EXP_STATE_VERSION);
	cJSON_AddStringToObject(o, "id", st->id);
	cJSON_AddStringToObject(o, "file", st->file);
	cJSON_AddStringToObject(o, "status", exp_status_name(st->status));
	cJSON_AddNumberToObject(o, "rounds", st->n_rounds);
	cJSON_AddNumberToObject(o, "next_round", st->next_round);
	cJSON_AddBoolToObject(o, "in_round", st->in_round);
	cJSON_AddNumberToObject(o, "round_seconds", st->round_seconds);
	cJSON_AddNumberToObject(o, "rate_interval", st->rate_interval);
	cJSON_AddBoolToObject(o, "fast", st->fast);
	cJSON_AddNumberToObject(o, "started", (double)st->started);
	cJSON_AddNumberToObject(o, "round_at", (double)st->round_at);
	cJSON_AddNumberToObject(o, "updated", (double)st->updated);
	b = cJSON_AddObjectToObject(o, "bindings");
	for (unsigned v = 0; b != NULL && v < ANN_EXP_VARS; v++) {
		cJSON *x;

		if (!st->b.bound[v])
			continue;
		x = cJSON_AddObjectToObject(b, exp_var_name((uint8_t)(v + 1)));
		cJSON_AddStringToObject(x, "prefix", prefix_format(
		    &st->b.prefix[v], pfx, sizeof(pfx)));
		cJSON_AddBoolToObject(x, "chosen", st->b.chosen[v]);
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text != NULL && asprintf(&line, "%s\n", text) == -1)
		line = NULL;
	cJSON_free(text);
	return line;
}

/* ---- reading it back ---- */

struct sp {
	const cJSON	*o;
	char		*err;
	size_t		 errlen;
	int		 rc;
};

static const cJSON *
sp_get(struct sp *c, const char *key, int (*is)(const cJSON *),
    const char *want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->o, key);

	if (c->rc == -1)
		return NULL;
	if (v == NULL || !is(v)) {
		c->rc = errmsg_fail(c->err, c->errlen, "state: \"%s\": %s %s",
		    key, v == NULL ? "missing, want" : "want", want);
		return NULL;
	}
	return v;
}

static int
is_number(const cJSON *v)
{
	return cJSON_IsNumber(v);
}

static int
is_string(const cJSON *v)
{
	return cJSON_IsString(v);
}

static int
is_bool(const cJSON *v)
{
	return cJSON_IsBool(v);
}

static int
is_object(const cJSON *v)
{
	return cJSON_IsObject(v);
}

/* A whole number in [lo, hi]. */
static double
sp_num(struct sp *c, const char *key, double lo, double hi)
{
	const cJSON *v = sp_get(c, key, is_number, "a number");
	double d;

	if (v == NULL)
		return lo;
	d = v->valuedouble;
	if (!(d >= lo && d <= hi) || d != (double)(long long)d) {
		c->rc = errmsg_fail(c->err, c->errlen, "state: \"%s\": want a "
		    "whole number from %.0f to %.0f", key, lo, hi);
		return lo;
	}
	return d;
}

static bool
sp_bool(struct sp *c, const char *key)
{
	const cJSON *v = sp_get(c, key, is_bool, "true or false");

	return v != NULL && cJSON_IsTrue(v);
}

static void
sp_str(struct sp *c, const char *key, char *out, size_t size)
{
	const cJSON *v = sp_get(c, key, is_string, "a string");

	if (v == NULL)
		return;
	if (strlen(v->valuestring) >= size) {
		c->rc = errmsg_fail(c->err, c->errlen, "state: \"%s\": longer "
		    "than %zu bytes", key, size - 1);
		return;
	}
	snprintf(out, size, "%s", v->valuestring);
}

static void
sp_status(struct sp *c, struct exp_state *st)
{
	char s[16] = "";

	sp_str(c, "status", s, sizeof(s));
	for (unsigned i = 0; c->rc == 0 && i < 3; i++)
		if (strcmp(s, status_names[i]) == 0) {
			st->status = (enum exp_status)i;
			return;
		}
	if (c->rc == 0)
		c->rc = errmsg_fail(c->err, c->errlen, "state: \"status\": "
		    "want running, done or stopped");
}

static void
sp_bindings(struct sp *c, struct exp_state *st)
{
	const cJSON *b = sp_get(c, "bindings", is_object, "an object"), *x;
	struct sp in = *c;

	if (b == NULL)
		return;
	cJSON_ArrayForEach(x, b) {
		char pfx[PREFIX_STRLEN] = "";
		const char *k = x->string;
		unsigned v;

		if (k == NULL || k[0] < 'A' || k[0] > 'D' || k[1] != '\0' ||
		    !cJSON_IsObject(x)) {
			c->rc = errmsg_fail(c->err, c->errlen, "state: "
			    "\"bindings\": want {\"A\".. \"D\": {prefix, "
			    "chosen}}");
			return;
		}
		v = (unsigned)(k[0] - 'A');
		in.o = x;
		sp_str(&in, "prefix", pfx, sizeof(pfx));
		st->b.chosen[v] = sp_bool(&in, "chosen");
		if ((c->rc = in.rc) == -1)
			return;
		if (st->b.bound[v] || prefix_parse(pfx, true,
		    &st->b.prefix[v]) == -1 ||
		    st->b.prefix[v].af != AF_IDX_IPV4) {
			c->rc = errmsg_fail(c->err, c->errlen, "state: "
			    "\"bindings\".%s: want an IPv4 prefix, once", k);
			return;
		}
		st->b.bound[v] = true;
	}
}

int
exp_state_parse(const char *buf, size_t len, struct exp_state *st, char *err,
    size_t errlen)
{
	struct sp c = { NULL, err, errlen, 0 };
	cJSON *root;

	memset(st, 0, sizeof(*st));
	if (len > EXP_STATE_MAX_BYTES)
		return errmsg_fail(err, errlen, "state: more than %d bytes",
		    EXP_STATE_MAX_BYTES);
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL ||
	    !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return errmsg_fail(err, errlen, "state: not a JSON object");
	}
	c.o = root;
	if (sp_num(&c, "version", 0, 1e6) != EXP_STATE_VERSION && c.rc == 0)
		c.rc = errmsg_fail(err, errlen, "state: version %d wanted",
		    EXP_STATE_VERSION);
	sp_str(&c, "id", st->id, sizeof(st->id));
	if (c.rc == 0 && !exp_id_valid(st->id))
		c.rc = errmsg_fail(err, errlen, "state: \"id\": not a run id");
	sp_str(&c, "file", st->file, sizeof(st->file));
	sp_status(&c, st);
	st->n_rounds = (uint32_t)sp_num(&c, "rounds", 1, ANN_EXP_MAX_ROUNDS);
	st->next_round = (uint32_t)sp_num(&c, "next_round", 0, st->n_rounds);
	st->in_round = sp_bool(&c, "in_round");
	st->round_seconds = (unsigned)sp_num(&c, "round_seconds",
	    EXP_FAST_MIN, EXP_ROUND_MAX);
	st->rate_interval = (unsigned)sp_num(&c, "rate_interval", 0,
	    ANN_CHANGE_INTERVAL);
	st->fast = sp_bool(&c, "fast");
	st->started = (time_t)sp_num(&c, "started", 0, ANN_STORE_TIME_MAX);
	st->round_at = (time_t)sp_num(&c, "round_at", 0, ANN_STORE_TIME_MAX);
	st->updated = (time_t)sp_num(&c, "updated", 0, ANN_STORE_TIME_MAX);
	sp_bindings(&c, st);
	if (c.rc == 0 && st->in_round && st->next_round >= st->n_rounds)
		c.rc = errmsg_fail(err, errlen, "state: in a round past the "
		    "last");
	if (c.rc == 0 && st->rate_interval != 0 && !st->fast)
		c.rc = errmsg_fail(err, errlen, "state: a shorter change "
		    "interval outside the test schedule");
	cJSON_Delete(root);
	return c.rc;
}

/* ---- the journal ---- */

/* One line's (round, req) when it records a request out; -1 if not. */
static int
journal_line(const char *p, size_t n, uint32_t *round, uint32_t *req)
{
	cJSON *o = cJSON_ParseWithLength(p, n);
	const cJSON *ev, *r, *q;
	int rc = -1;

	ev = cJSON_GetObjectItemCaseSensitive(o, "event");
	r = cJSON_GetObjectItemCaseSensitive(o, "round");
	q = cJSON_GetObjectItemCaseSensitive(o, "req");
	if (cJSON_IsString(ev) && (strcmp(ev->valuestring, "request") == 0 ||
	    strcmp(ev->valuestring, "update") == 0) && cJSON_IsNumber(r) &&
	    cJSON_IsNumber(q) && r->valuedouble >= 0 &&
	    r->valuedouble < ANN_EXP_MAX_ROUNDS &&
	    r->valuedouble == (double)(uint32_t)r->valuedouble &&
	    q->valuedouble >= 0 && q->valuedouble < 1e9 &&
	    q->valuedouble == (double)(uint32_t)q->valuedouble) {
		/* The journal counts rounds from 1, as people do. */
		if (r->valuedouble >= 1) {
			*round = (uint32_t)r->valuedouble - 1;
			*req = (uint32_t)q->valuedouble;
			rc = 0;
		}
	}
	cJSON_Delete(o);
	return rc;
}

int
exp_journal_last(const char *buf, size_t len, uint32_t *round, uint32_t *req)
{
	size_t at = 0;
	int found = 0;

	while (at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (buf + at)) : len - at;
		uint32_t r, q;

		if (n > 0 && n <= EXP_JOURNAL_LINE_MAX &&
		    journal_line(buf + at, n, &r, &q) == 0 && (!found ||
		    r > *round || (r == *round && q > *req))) {
			*round = r;
			*req = q;
			found = 1;
		}
		at += n + (nl != NULL);
	}
	return found;
}

/* ---- the run request ---- */

static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
exp_run_args_parse(int argc, char **argv, struct exp_run_args *a, char *err,
    size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (argc < 1 || argv[0][0] != '/')
		return errmsg_fail(err, errlen, "experiment run: want the "
		    "file's absolute path first");
	if (strlen(argv[0]) >= sizeof(a->path))
		return errmsg_fail(err, errlen, "experiment run: path longer "
		    "than %zu bytes", sizeof(a->path) - 1);
	snprintf(a->path, sizeof(a->path), "%s", argv[0]);
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "dry-run") == 0 && !a->dry_run)
			a->dry_run = true;
		else if (strcmp(w, "bind") == 0 && i + 1 < argc) {
			if (exp_bind_parse(argv[++i], &a->b, err, errlen) == -1)
				return -1;
		} else if (strcmp(w, "round-seconds") == 0 && i + 1 < argc &&
		    a->round_seconds == 0) {
			if (parse_uint(argv[++i], EXP_FAST_MIN, EXP_ROUND_MAX,
			    &a->round_seconds) == -1)
				return errmsg_fail(err, errlen, "experiment "
				    "run: round-seconds: want %d to %d",
				    EXP_FAST_MIN, EXP_ROUND_MAX);
		} else
			return errmsg_fail(err, errlen, "experiment run: "
			    "unexpected word '%s' (bind V=PREFIX, "
			    "round-seconds N, dry-run)", w);
	}
	return 0;
}
