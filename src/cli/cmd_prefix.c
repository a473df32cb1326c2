/*
 * `peering prefix announce|withdraw [-m mux] [-P n] [-o asn] [-p asn]...
 * [-c asn,val]... [-l a,b,c]... [-R] [-M] [--force] [--json] <prefix>`
 * (-c also takes asn:val):
 * the old client's command, its flags and its error texts (REFERENCE.md),
 * sent to the daemon as one control request. The checks that need the
 * client directory (prefix lists, mux names, container.txt) run here, so
 * mistakes are caught before anything is sent; the daemon runs the gates
 * again, whoever asks.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_paths.h"
#include "commands.h"
#include "../ctl/control.h"
#include "../announce/ann_text.h"
#include "../announce/announce.h"
#include "../announce/announce_io.h"
#include "../conf/config.h"
#include "../vpn/mux.h"

struct prefix_cmd {
	struct ann_request	 req;
	const char		*prefix_arg;
	const char		*mux_arg;	/* NULL or "all": every mux */
	bool			 json;
	struct client_paths	 paths;
	/* A withdraw of a prefix not in the lists: the daemon may still
	 * hold it (the lists changed since); the lists are kept to show if
	 * it does not. */
	bool			 unlisted;
	struct prefix		*list;
	size_t			 n_list;
};

static void
prefix_synopsis(FILE *f)
{
	fprintf(f,
"usage: peering prefix announce|withdraw [-m mux] [-P n] [-o asn] [-p asn]...\n"
"           [-c asn,val]... [-l asn,x,y]... [-R] [-M] [--force] [--json]\n"
"           prefix\n");
}

static void
prefix_usage(FILE *f)
{
	prefix_synopsis(f);
	fprintf(f,
"\n"
"  -m mux      only this mux (a name in configs/openvpn/) [default: all]\n"
"  -P n        prepend the origin n times, 1..4 (0: the default)\n"
"  -o asn      origin AS, a PEERING ASN [default: 47065]; sets -P to 1\n"
"  -p asn      poison asn (repeatable): the path becomes origin, poisons,\n"
"              origin (-o 61574 -p 3356: 61574 3356 61574)\n"
"  -c asn,val  attach community asn:val, 16-bit numbers (repeatable, at\n"
"              most 20; asn:val works too): 47065:X only to peer X,\n"
"              47065:(1000+X) not to X; -C is the old name of -c\n"
"  -l a,b,c    attach large community a:b:c (repeatable; a:b:c works too)\n"
"  -R          no data plane (no address on lo, no ip rule)\n"
"  -M          next hop into your container at the mux (needs -m and\n"
"              container.txt)\n"
"  --force     change the announcement within 10 minutes of the last change\n"
"  --json      print the outcome as one JSON object\n"
"\n"
"The prefix must be listed in prefixes.txt or prefixes6.txt. Guidelines:\n"
"at most 5 AS numbers in the path, one change per 10 minutes (better 90).\n"
"docs/announce.md has the details.\n");
}

/* ---- output: one line for people, one object with --json ---- */

static void
json_print(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
}

static int
fail_json(const struct prefix_cmd *c, const char *key, cJSON *item,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "error [...]" on stderr, exit status 1; with --json the same text as
 * {"ok":false,"error":...} on stdout, with item under key if given. */
static int
fail_json(const struct prefix_cmd *c, const char *key, cJSON *item,
    const char *fmt, ...)
{
	char msg[1024];
	cJSON *o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->json) {
		fprintf(stderr, "error [%s]\n", msg);
		cJSON_Delete(item);
		return 1;
	}
	o = cJSON_CreateObject();
	cJSON_AddFalseToObject(o, "ok");
	cJSON_AddStringToObject(o, "error", msg);
	if (item != NULL)
		cJSON_AddItemToObject(o, key, item);
	json_print(o);
	return 1;
}

#define fail(c, ...)	fail_json((c), NULL, NULL, __VA_ARGS__)

/* ---- the flags ---- */

static int
opt_prepend(struct prefix_cmd *c, const char *v)
{
	uint32_t n;

	/* -P 0 is the default, as the old client's scripts pass it. */
	if (ann_text_u32(v, strlen(v), 4, &n) != ANN_TEXT_OK)
		return fail(c, "can prepend only 1, 2, 3, or 4 times");
	c->req.attrs.prepend = (uint8_t)n;
	return 0;
}

static int
opt_asn(struct prefix_cmd *c, const char *v, uint32_t *as)
{
	int rc = ann_text_u32(v, strlen(v), UINT32_MAX, as);

	if (rc == ANN_TEXT_RANGE)
		return fail(c, "AS (%s) does not fit in 32 bits", v);
	if (rc != ANN_TEXT_OK)
		return fail(c, "AS (%s) should be a number", v);
	return 0;
}

static int
opt_poison(struct prefix_cmd *c, const char *v)
{
	struct ann_attrs *a = &c->req.attrs;

	if (a->n_poisons == ANN_MAX_POISONS)
		return fail(c, "-p can be given at most %d times",
		    ANN_MAX_POISONS);
	if (opt_asn(c, v, &a->poisons[a->n_poisons]) != 0)
		return 1;
	a->n_poisons++;
	return 0;
}

static int
opt_community(struct prefix_cmd *c, const char *v)
{
	struct ann_attrs *a = &c->req.attrs;
	int rc;

	if (a->n_communities == ANN_MAX_COMMUNITIES)
		return fail(c, "-c can be given at most %d times",
		    ANN_MAX_COMMUNITIES);
	rc = ann_text_community_flag(v, strlen(v),
	    &a->communities[a->n_communities]);
	if (rc == ANN_TEXT_RANGE)
		return fail(c, "-c ASN:COMM accepts only 16-bit numbers");
	if (rc != ANN_TEXT_OK)
		return fail(c, "-c takes ASN,COMM or ASN:COMM (two numbers), "
		    "not %s", v);
	a->n_communities++;
	return 0;
}

static int
opt_large(struct prefix_cmd *c, const char *v)
{
	struct ann_attrs *a = &c->req.attrs;

	if (a->n_large == ANN_MAX_LARGE)
		return fail(c, "-l can be given at most %d times",
		    ANN_MAX_LARGE);
	if (ann_text_large_flag(v, strlen(v), a->large[a->n_large]) !=
	    ANN_TEXT_OK)
		return fail(c, "-l takes ASN,X,Y or ASN:X:Y (three 32-bit "
		    "numbers), not %s", v);
	a->n_large++;
	return 0;
}

/* One flag; 0, or the exit status. */
static int
opt_one(struct prefix_cmd *c, int ch, const char *v)
{
	switch (ch) {
	case 'm':
		c->mux_arg = v;
		return 0;
	case 'P':
		return opt_prepend(c, v);
	case 'o':
		return opt_asn(c, v, &c->req.attrs.origin) == 0 ? 0 : 1;
	case 'p':
		return opt_poison(c, v);
	case 'c':
	case 'C':	/* the old client's name of -c */
		return opt_community(c, v);
	case 'l':
		return opt_large(c, v);
	case 'R':
		c->req.no_dataplane = true;
		return 0;
	case 'M':
		c->req.attrs.container_nexthop = true;
		return 0;
	case 'f':
		c->req.force = true;
		return 0;
	case 'j':
		return 0;
	}
	return EXIT_USAGE;
}

static int
usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "peering prefix: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	prefix_synopsis(stderr);
	return EXIT_USAGE;
}

static const struct option prefix_long[] = {
	{ "force",	no_argument,	NULL,	'f' },
	{ "json",	no_argument,	NULL,	'j' },
	{ "help",	no_argument,	NULL,	'h' },
	{ NULL,		0,		NULL,	0 },
};

/* argv[0] is "announce" or "withdraw"; options in any order, as getopts
 * allowed, and one prefix. */
static int
prefix_parse_args(struct prefix_cmd *c, int argc, char **argv)
{
	int ch, rc;

	opterr = 0;
	optind = 0;	/* GNU: start afresh */
	while ((ch = getopt_long(argc, argv, ":m:P:o:p:c:C:l:RMh", prefix_long,
	    NULL)) != -1) {
		if (ch == 'h') {
			prefix_usage(stdout);
			return -1;
		}
		if (ch == ':')
			return usage_error("-%c needs a value", optopt);
		if (ch == '?')
			return optopt ? usage_error("unknown option -%c",
			    optopt) : usage_error("unknown option %s",
			    argv[optind - 1]);
		if ((rc = opt_one(c, ch, optarg)) != 0)
			return rc;
	}
	if (optind == argc)
		return usage_error("no prefix given");
	if (optind + 1 < argc)
		return usage_error("one prefix only, not also %s",
		    argv[optind + 1]);
	c->prefix_arg = argv[optind];
	if (c->req.attrs.container_nexthop && (c->mux_arg == NULL ||
	    strcmp(c->mux_arg, "all") == 0))
		return fail(c, "-M can only be used with -m");
	return 0;
}

/* ---- the checks that need the client directory ---- */

/* A `neighbor` of configs/peering-bgpd.conf named name (no file: none). */
static int
neighbor_named(struct prefix_cmd *c, const char *name, bool *found)
{
	char path[sizeof(c->paths.dir) + 32], err[512];
	struct config *conf;

	*found = false;
	snprintf(path, sizeof(path), "%s/configs/peering-bgpd.conf",
	    c->paths.dir);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((conf = malloc(sizeof(*conf))) == NULL)
		return fail(c, "out of memory");
	if (config_load(path, conf, err, sizeof(err)) == -1) {
		free(conf);
		return fail(c, "%s", err);
	}
	*found = config_find_neighbor(conf, name) != NULL;
	free(conf);
	return 0;
}

/* -m: a mux of configs/openvpn/ (*m), or a configured neighbour (*m NULL:
 * it hears announcements only when named; docs/announce.md). */
static int
check_mux(struct prefix_cmd *c, struct mux_table *t, const struct mux **m)
{
	char err[512];
	bool neighbor = false;
	int rc;

	*m = NULL;
	if (c->mux_arg == NULL || strcmp(c->mux_arg, "all") == 0)
		return 0;
	if (mux_table_load(c->paths.dir, t, err, sizeof(err)) == -1)
		return fail(c, "%s", err);
	if (!mux_name_valid(c->mux_arg))
		return fail(c, "mux unknown: %s", c->mux_arg);
	if ((*m = mux_find(t, c->mux_arg)) == NULL) {
		if ((rc = neighbor_named(c, c->mux_arg, &neighbor)) != 0)
			return rc;
		if (!neighbor)
			return fail(c, "mux unknown: %s", c->mux_arg);
	}
	snprintf(c->req.mux, sizeof(c->req.mux), "%s", c->mux_arg);
	return 0;
}

static bool
prefix_listed(const struct prefix *p, const struct prefix *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_equal(p, &list[i]))
			return true;
	return false;
}

/* The old client printed the configured prefixes, then the error. */
static int
invalid_prefix(struct prefix_cmd *c, const struct prefix *list, size_t n)
{
	char s[PREFIX_STRLEN];
	cJSON *arr = NULL;

	if (c->json) {
		arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(
			    prefix_format(&list[i], s, sizeof(s))));
	} else {
		printf("list of configured prefixes:\n");
		for (size_t i = 0; i < n; i++)
			printf("%s\n", prefix_format(&list[i], s, sizeof(s)));
		if (n == 0)
			printf("(none: list yours in %s and %s)\n",
			    ANN_PREFIXES_FILE, ANN_PREFIXES6_FILE);
		fflush(stdout);
	}
	return fail_json(c, "prefixes", arr, "invalid prefix: %s",
	    c->prefix_arg);
}

static int
check_prefix(struct prefix_cmd *c, struct ann_policy *pol,
    struct prefix **list)
{
	char err[512];
	size_t n;

	if (announce_read_prefixes(c->paths.dir, list, &n, err,
	    sizeof(err)) == -1)
		return fail(c, "%s", err);
	pol->allowed = *list;
	pol->n_allowed = n;
	pol->any_origin = false;
	if (prefix_parse(c->prefix_arg, true, &c->req.prefix) == -1)
		return invalid_prefix(c, *list, n);
	if (prefix_listed(&c->req.prefix, *list, n))
		return 0;
	if (!c->req.withdraw)
		return invalid_prefix(c, *list, n);
	/* Withdrawing what the daemon holds always works (docs/announce.md):
	 * it answers, with today's error if it holds nothing of it. */
	c->unlisted = true;
	c->list = *list;
	c->n_list = n;
	*list = NULL;
	return 0;
}

static int
check_container(struct prefix_cmd *c, const struct mux *m)
{
	struct prefix nh;
	unsigned ctxid;
	char err[512];

	if (c->req.withdraw || !c->req.attrs.container_nexthop)
		return 0;
	if (announce_read_container(c->paths.dir, &ctxid, err,
	    sizeof(err)) == -1 ||
	    ann_container_nexthop(c->req.mux, m != NULL ? m->tap : 0, ctxid,
	    &nh, err, sizeof(err)) == -1)
		return fail(c, "%s", err);
	return 0;
}

/* Everything that can be checked here; 0 or the exit status. */
static int
prefix_check(struct prefix_cmd *c)
{
	struct mux_table *t;
	const struct mux *m;
	struct ann_policy pol;
	struct prefix *list = NULL;
	char err[512];
	int rc;

	if (client_paths_get(&c->paths) == -1)
		return fail(c, "cannot find the client directory");
	if ((t = malloc(sizeof(*t))) == NULL)
		return fail(c, "out of memory");
	if ((rc = check_mux(c, t, &m)) == 0 &&
	    (rc = check_prefix(c, &pol, &list)) == 0 &&
	    (rc = check_container(c, m)) == 0 && !c->unlisted &&
	    ann_check(&c->req, &pol, err, sizeof(err)) == -1)
		rc = fail(c, "%s", err);
	free(list);
	free(t);
	return rc;
}

/* ---- the request ---- */

static int
unreachable(const struct prefix_cmd *c)
{
	if (errno == EACCES || errno == EPERM)
		return fail(c, "no permission to talk to peering-bgpd (%s): "
		    "run as root", c->paths.control);
	if (errno == EMSGSIZE)
		return fail(c, "request too long for the control socket");
	if (errno == ENOENT || errno == ECONNREFUSED)
		return fail(c, "peering-bgpd is not running: start it with "
		    "./peering bgp start first");
	return fail(c, "cannot reach peering-bgpd (%s: %s): is it running? "
	    "./peering bgp start starts it", c->paths.control,
	    strerror(errno));
}

/* The reply's first line, without "error: ". */
static const char *
reply_error(struct strbuf *reply)
{
	char *s = reply->s != NULL ? reply->s : (char *)"", *nl;
	size_t pre = strlen(CONTROL_ERROR_PREFIX);

	if (strncmp(s, CONTROL_ERROR_PREFIX, pre) == 0)
		s += pre;
	if ((nl = strchr(s, '\n')) != NULL)
		*nl = '\0';
	return *s != '\0' ? s : "peering-bgpd refused the request without "
	    "saying why";
}

static void
reply_json(const struct prefix_cmd *c, const char *line, const char *text)
{
	cJSON *o = cJSON_CreateObject(), *path;
	uint32_t as[ANN_MAX_PATH];
	size_t n;

	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "request", line);
	if (!c->req.withdraw) {
		n = ann_aspath(&c->req.attrs, as, ANN_MAX_PATH);
		path = cJSON_AddArrayToObject(o, "as_path");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(path, cJSON_CreateNumber(as[i]));
	}
	cJSON_AddStringToObject(o, "reply", text);
	json_print(o);
}

static int
prefix_send(struct prefix_cmd *c)
{
	char line[CONTROL_MAX_REQUEST + 1], copy[sizeof(line) + 1];
	char *words[CONTROL_MAX_WORDS];
	const char *why;
	struct strbuf reply;
	char lost[512];
	int n, rc;

	if ((n = ann_request_to_line(&c->req, line, CONTROL_MAX_REQUEST)) < 0)
		return fail(c, "request too long for the control socket");
	memcpy(copy, line, (size_t)n);
	copy[n] = '\n';
	if ((n = control_parse_request(copy, (size_t)n + 1, words,
	    CONTROL_MAX_WORDS, &why)) < 0)
		return fail(c, "cannot make the request: %s", why);
	strbuf_init(&reply);
	rc = control_call(c->paths.control, n, words, control_sink_strbuf,
	    &reply, lost, sizeof(lost));
	if (c->unlisted && (rc == CONTROL_NOT_SENT ||
	    (rc == CONTROL_REFUSED && strncmp(reply_error(&reply),
	    "invalid prefix", 14) == 0)))
		/* Nothing of it held (or no daemon): the old client's error. */
		rc = invalid_prefix(c, c->list, c->n_list);
	else if (rc == CONTROL_NOT_SENT)
		rc = unreachable(c);
	else if (rc == CONTROL_LOST)
		rc = fail(c, "%s", lost);
	else if (rc == CONTROL_REFUSED)
		rc = fail(c, "%s", reply_error(&reply));
	else if (c->json)
		reply_json(c, line, reply.s != NULL ? reply.s : "");
	else if (reply.s != NULL)
		fputs(reply.s, stdout);
	strbuf_free(&reply);
	return rc;
}

int
cmd_prefix(int argc, char **argv)
{
	struct prefix_cmd c;
	int rc;

	if (argc < 2) {
		/* The README's way to learn the command: no arguments. */
		prefix_usage(stdout);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	ann_attrs_init(&c.req.attrs);
	for (int i = 1; i < argc; i++)
		c.json |= strcmp(argv[i], "--json") == 0;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		prefix_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "announce") != 0 &&
	    strcmp(argv[1], "withdraw") != 0)
		return usage_error("announce or withdraw, not %s", argv[1]);
	c.req.withdraw = argv[1][0] == 'w';
	if ((rc = prefix_parse_args(&c, argc - 1, argv + 1)) != 0)
		return rc == -1 ? 0 : rc;
	if ((rc = prefix_check(&c)) == 0)
		rc = prefix_send(&c);
	free(c.list);
	return rc;
}
