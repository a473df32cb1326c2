/*
 * `peering announce [-n] [-R] [--force] FILE.json`: the old client's JSON
 * announcements (docs/announce-json.md). The whole file is checked here
 * against the schema, the mux table and the gates before the first
 * request goes out, so a file with one mistake changes nothing; then one
 * control request per (prefix, mux), as `peering prefix` sends them. The
 * daemon runs the gates again, whoever asks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_paths.h"
#include "commands.h"
#include "../ctl/control.h"
#include "../announce/ann_json.h"
#include "../announce/announce.h"
#include "../announce/announce_io.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"

#define PROG	"peering announce"

struct announce_cmd {
	const char		*file;
	bool			 dry_run;
	bool			 no_dataplane;
	bool			 force;
	struct client_paths	 paths;
	struct mux_table	 muxes;
	struct prefix		*allowed;
	size_t			 n_allowed;
	struct ann_request	*reqs;
	size_t			 n_reqs;
};

static void
announce_usage(FILE *f)
{
	fprintf(f,
"usage: peering announce [-n] [-R] [--force] FILE.json\n"
"\n"
"  FILE.json   announcements in the format of the old client's\n"
"              announcement_schema.json: { PREFIX: { \"withdraw\": [MUX...],\n"
"              \"announce\": [ { \"muxes\": [MUX...], \"peers\": [...],\n"
"              \"communities\": [[A, B]...], \"large_communities\":\n"
"              [[A, B, C]...], \"prepend\": [ASN...], \"origin\": ASN } ] } }\n"
"  -n          check the file and print the requests; send nothing\n"
"  -R          no data plane (no address on lo, no ip rule)\n"
"  --force     change announcements within 10 minutes of the last change\n"
"\n"
"The whole file is checked before anything is sent: one error and nothing\n"
"changes. docs/announce-json.md has the details.\n");
}

static int
announce_args(struct announce_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force",	no_argument,	NULL,	'f' },
		{ "dry-run",	no_argument,	NULL,	'n' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 },
	};
	int ch;

	opterr = 0;
	optind = 0;	/* GNU: start afresh */
	while ((ch = getopt_long(argc, argv, "nRh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			c->dry_run = true;
			break;
		case 'R':
			c->no_dataplane = true;
			break;
		case 'f':
			c->force = true;
			break;
		case 'h':
			announce_usage(stdout);
			return -1;
		default:
			fprintf(stderr, PROG ": unknown option %s\n",
			    argv[optind - 1]);
			announce_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s\n", optind == argc ?
		    "no file given" : "one file only");
		announce_usage(stderr);
		return EXIT_USAGE;
	}
	c->file = argv[optind];
	return 0;
}

/* The client's side of the gates: its muxes and its prefix lists. */
static int
announce_load_client(struct announce_cmd *c)
{
	char err[1024];

	if (client_paths_get(&c->paths) == -1) {
		fprintf(stderr, PROG ": cannot find the client directory\n");
		return -1;
	}
	if (mux_table_load(c->paths.dir, &c->muxes, err, sizeof(err)) == -1 ||
	    announce_read_prefixes(c->paths.dir, &c->allowed, &c->n_allowed,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	return 0;
}

static int
announce_parse_file(struct announce_cmd *c)
{
	const char *names[MUX_MAX];
	struct ann_policy pol;
	char *buf, *err;
	size_t len, i;
	int rc;

	if (readfile(c->file, ANN_JSON_MAX_BYTES, &buf, &len) == -1) {
		fprintf(stderr, PROG ": %s: %s\n", c->file,
		    readfile_strerror(errno));
		return -1;
	}
	for (i = 0; i < c->muxes.n; i++)
		names[i] = c->muxes.mux[i].name;
	memset(&pol, 0, sizeof(pol));
	pol.allowed = c->allowed;
	pol.n_allowed = c->n_allowed;
	pol.any_origin = false;	/* as `peering prefix` */
	if ((err = malloc(ANN_JSON_MAX_ERRORS * 1024)) == NULL) {
		free(buf);
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	rc = ann_json_parse(buf, len, names, c->muxes.n, &pol, &c->reqs,
	    &c->n_reqs, err, ANN_JSON_MAX_ERRORS * 1024);
	if (rc == -1)
		cli_print_file_errors(c->file, err);
	free(err);
	free(buf);
	return rc;
}

/*
 * The request's control line, split into words as the daemon will split
 * it; line must hold CONTROL_MAX_REQUEST + 1 bytes. Returns the word
 * count, or -1 with *why set.
 */
static int
announce_words(const struct ann_request *r, char *line, char **words,
    const char **why)
{
	int n;

	if ((n = ann_request_to_line(r, line, CONTROL_MAX_REQUEST)) < 0) {
		*why = "longer than a control request may be";
		return -1;
	}
	line[n] = '\n';
	return control_parse_request(line, (size_t)n + 1, words,
	    CONTROL_MAX_WORDS, why);
}

/* Every request must fit the control socket before the first is sent. */
static int
announce_check_lines(struct announce_cmd *c)
{
	char line[CONTROL_MAX_REQUEST + 1], *words[CONTROL_MAX_WORDS];
	char pfx[PREFIX_STRLEN];
	const char *why;
	size_t i;
	int rc = 0;

	for (i = 0; i < c->n_reqs; i++) {
		c->reqs[i].force = c->force;
		c->reqs[i].no_dataplane = c->no_dataplane;
		if (announce_words(&c->reqs[i], line, words, &why) >= 0)
			continue;
		fprintf(stderr, "%s: %s %s to %s: cannot be sent: %s\n",
		    c->file, c->reqs[i].withdraw ? "withdrawing" :
		    "announcing", prefix_format(&c->reqs[i].prefix, pfx,
		    sizeof(pfx)), c->reqs[i].mux[0] != '\0' ? c->reqs[i].mux :
		    "all", why);
		rc = -1;
	}
	return rc;
}

static void
announce_print_lines(const struct announce_cmd *c)
{
	char line[CONTROL_MAX_REQUEST + 1];
	size_t i;

	for (i = 0; i < c->n_reqs; i++)
		if (ann_request_to_line(&c->reqs[i], line, sizeof(line)) >= 0)
			printf("%s\n", line);
}

/*
 * Request i (from 0) refused, or lost (sent, no reply: whether the daemon
 * applied it is unknown): say what was applied and what not sent.
 */
static void
announce_partial(const struct announce_cmd *c, size_t i, bool lost)
{
	char applied[64] = "", rest[64] = "";
	const char *sep;

	if (i == 0 && !lost)
		snprintf(applied, sizeof(applied), ": nothing was applied");
	else if (i == 1)
		snprintf(applied, sizeof(applied), ": request 1 was applied");
	else if (i > 1)
		snprintf(applied, sizeof(applied), ": requests 1..%zu were "
		    "applied", i);
	sep = applied[0] != '\0' ? "," : ":";
	if (i + 2 == c->n_reqs)
		snprintf(rest, sizeof(rest), "%s %zu not sent", sep, i + 2);
	else if (i + 2 < c->n_reqs)
		snprintf(rest, sizeof(rest), "%s %zu..%zu not sent", sep,
		    i + 2, c->n_reqs);
	fprintf(stderr, PROG ": %s: request %zu of %zu %s%s%s\n", c->file,
	    i + 1, c->n_reqs, lost ? "got no reply, so it may or may not be "
	    "applied" : "failed", applied, rest);
}

/* Request i, as the daemon answered it (printed). */
static enum control_result
announce_one(struct announce_cmd *c, size_t i, bool check)
{
	char line[CONTROL_MAX_REQUEST + 1], *words[CONTROL_MAX_WORDS];
	enum control_result rc;
	const char *why;
	int n;

	c->reqs[i].check = check;
	n = announce_words(&c->reqs[i], line, words, &why);
	c->reqs[i].check = false;
	/* Checked by announce_check_lines: cannot fail here. */
	if (n < 0) {
		fprintf(stderr, PROG ": request %zu: %s\n", i + 1, why);
		return CONTROL_REFUSED;
	}
	rc = control_request(c->paths.control, n, words);
	if (rc == CONTROL_NOT_SENT)
		fprintf(stderr, PROG ": request %zu: cannot reach "
		    "peering-bgpd: %s\n", i + 1, strerror(errno));
	return rc;
}

/*
 * All or nothing: the daemon first runs its gates on every request as a
 * dry run (`check`, which applies nothing); only when all pass is any
 * request sent for real. A daemon that does not answer ends it.
 */
static int
announce_dry_run(struct announce_cmd *c)
{
	enum control_result rc = CONTROL_OK;
	int failed = 0;

	for (size_t i = 0; i < c->n_reqs; i++) {
		rc = announce_one(c, i, true);
		if (rc == CONTROL_REFUSED)
			failed++;
		else if (rc != CONTROL_OK)
			break;
	}
	if (rc == CONTROL_LOST || rc == CONTROL_NOT_SENT)
		fprintf(stderr, PROG ": %s: peering-bgpd did not answer the "
		    "check of every request: nothing was applied\n", c->file);
	else if (failed > 0)
		fprintf(stderr, PROG ": %s: the daemon refused %d request%s: "
		    "nothing was applied\n", c->file, failed,
		    failed == 1 ? "" : "s");
	return failed > 0 || rc != CONTROL_OK ? -1 : 0;
}

static int
announce_send(struct announce_cmd *c)
{
	enum control_result rc;

	if (!control_is_live(c->paths.control)) {
		fprintf(stderr, PROG ": peering-bgpd is not running (%s): "
		    "start it with ./peering bgp start first; nothing was "
		    "sent\n", c->paths.control);
		return 1;
	}
	if (announce_dry_run(c) == -1)
		return 1;
	for (size_t i = 0; i < c->n_reqs; i++) {
		if ((rc = announce_one(c, i, false)) == CONTROL_OK)
			continue;
		announce_partial(c, i, rc == CONTROL_LOST);
		return 1;
	}
	printf("%s: %zu request%s applied\n", c->file, c->n_reqs,
	    c->n_reqs == 1 ? "" : "s");
	return 0;
}

int
cmd_announce_json(int argc, char **argv)
{
	struct announce_cmd *c;
	int rc;

	/* Paths and the mux table: some 13 KB, kept off the stack. */
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if ((rc = announce_args(c, argc, argv)) != 0)
		rc = rc == -1 ? 0 : rc;
	else if (announce_load_client(c) == -1 ||
	    announce_parse_file(c) == -1 || announce_check_lines(c) == -1) {
		fprintf(stderr, PROG ": %s refused; nothing was sent\n",
		    c->file);
		rc = 1;
	} else if (c->n_reqs == 0)
		printf("%s: no requests (nothing to announce or withdraw)\n",
		    c->file);
	else if (c->dry_run)
		announce_print_lines(c);
	else
		rc = announce_send(c);
	ann_json_free(c->reqs);
	free(c->allowed);
	free(c);
	return rc;
}
