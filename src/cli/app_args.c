/*
 * `peering app` arguments: getopt as the old script's getopts (options
 * in any order), then the checks it made, with its messages.
 */
#include "app_args.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../announce/ann_text.h"
#include "../lib/errmsg.h"

#define APP_PEER_MAX	MUX_PEERID_MAX

int
app_parse_id(const char *s, unsigned *id)
{
	uint32_t v;

	if (ann_text_u32(s, strlen(s), APP_ID_MAX, &v) != ANN_TEXT_OK ||
	    v < APP_ID_MIN)
		return -1;
	*id = v;
	return 0;
}

int
app_parse_egress(const char *s, struct app_spec *spec, char *err,
    size_t errlen)
{
	const char *colon = strchr(s, ':');
	size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	uint32_t peer;

	/* The name is shown back only when it is one (no control bytes). */
	if (n == 0 || n > MUX_NAME_MAX)
		return errmsg_fail(err, errlen, "Unknown mux (not a mux name)");
	memcpy(spec->mux, s, n);
	spec->mux[n] = '\0';
	if (!mux_name_valid(spec->mux))
		return errmsg_fail(err, errlen, "Unknown mux (not a mux name)");
	spec->egress = APP_EGRESS_MUX;
	spec->peer = 0;
	if (colon == NULL)
		return 0;
	if (ann_text_u32(colon + 1, strlen(colon + 1), APP_PEER_MAX, &peer) !=
	    ANN_TEXT_OK || peer == 0)
		return errmsg_fail(err, errlen, "-u MUX:PEER takes a peer id "
		    "of 1..%d after the colon", APP_PEER_MAX);
	spec->egress = APP_EGRESS_PEER;
	spec->peer = peer;
	return 0;
}

static const struct option app_long[] = {
	{ "help",	no_argument,	NULL,	'h' },
	{ "json",	no_argument,	NULL,	'j' },
	{ NULL,		0,		NULL,	0 },
};

static int
app_opt(struct app_args *a, int ch, const char *v, char *err,
    size_t errlen)
{
	switch (ch) {
	case 'i':
		if (app_parse_id(v, &a->id) == -1)
			return errmsg_fail(err, errlen,
			    "We require 0 < ID < 1000");
		a->has_id = true;
		return 0;
	case 'n':
		a->ns = true;
		return 0;
	case 'b':
		a->bridge = true;
		return 0;
	case 'd':
		a->delete = true;
		return 0;
	case 'p':
		a->prefix_arg = v;
		return 0;
	case 'u':
		a->egress_arg = v;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	}
	return errmsg_fail(err, errlen, "unknown option");
}

/* `app status [--json]` */
static int
app_status_args(int argc, char **argv, struct app_args *a, char *err,
    size_t errlen)
{
	int i;

	a->status = true;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			a->json = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			a->help = true;
		else
			return errmsg_fail(err, errlen, "status takes only "
			    "--json, not %.64s", argv[i]);
	}
	return a->help ? APP_ARGS_HELP : APP_ARGS_OK;
}

/* What the old script checked once the options were read, in its order. */
static int
app_args_check(const struct app_args *a, char *err, size_t errlen)
{
	if (!a->has_id)
		return errmsg_fail(err, errlen, "Need -i ID");
	if (a->ns && a->bridge)
		return errmsg_fail(err, errlen, "Cannot have -b and -n together");
	if (!a->delete && a->prefix_arg == NULL)
		return errmsg_fail(err, errlen, "Need at least one of -p or -d");
	if (!a->ns && !a->bridge)
		return errmsg_fail(err, errlen, "Need at least one of -b or -n");
	return 0;
}

int
app_args_parse(int argc, char **argv, struct app_args *a, char *err,
    size_t errlen)
{
	int ch;

	memset(a, 0, sizeof(*a));
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return app_status_args(argc, argv, a, err, errlen);
	opterr = 0;
	optind = 0;	/* GNU: start afresh */
	while ((ch = getopt_long(argc, argv, ":i:nbdp:u:h", app_long,
	    NULL)) != -1) {
		if (ch == 'h') {
			a->help = true;
			return APP_ARGS_HELP;
		}
		if (ch == ':')
			return errmsg_fail(err, errlen, "-%c needs a value",
			    optopt);
		if (ch == '?')
			return optopt ? errmsg_fail(err, errlen,
			    "unknown option -%c", optopt) : errmsg_fail(err,
			    errlen, "unknown option %.64s", argv[optind - 1]);
		if (app_opt(a, ch, optarg, err, errlen) == -1)
			return APP_ARGS_BAD;
	}
	if (optind < argc)
		return errmsg_fail(err, errlen, "unexpected argument %.64s",
		    argv[optind]);
	if (a->json)
		return errmsg_fail(err, errlen, "--json goes with status");
	return app_args_check(a, err, errlen);
}
