/*
 * `peering announce [-n] [-R] [--force] FILE.json`: the old client's JSON
 * announcements (docs/announce-json.md). The whole file is checked here
 * against the schema, the mux table and the gates, so a file with a
 * mistake is refused before the daemon hears of it; then one control
 * request, `announce-file PATH [force] [nodp]`: the daemon reads the file
 * itself, checks every request again with its own gates and applies all
 * of them or none (src/daemon/exports_batch.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include "../conf/config.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"

#define PROG	"peering announce"

struct announce_cmd {
	const char		*file;
	char			 abs[PATH_MAX];
	bool			 dry_run;
	bool			 no_dataplane;
	bool			 force;
	struct client_paths	 paths;
	struct mux_table	 muxes;
	struct config		 conf;		/* its neighbours */
	const char		*names[MUX_MAX + CONFIG_MAX_NEIGHBORS];
	size_t			 n_names;
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
"The whole file is checked, here and by the daemon, which reads it itself\n"
"and applies every request or none: one error and nothing changes.\n"
"docs/announce-json.md has the details.\n");
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
	if (cli_names_load(PROG, c->paths.dir, &c->muxes, &c->conf, c->names,
	    &c->n_names) == -1)
		return -1;
	if (announce_read_prefixes(c->paths.dir, &c->allowed, &c->n_allowed,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	return 0;
}

static int
announce_parse_file(struct announce_cmd *c)
{
	struct ann_policy pol;
	char *buf, *err;
	size_t len;
	int rc;

	if (readfile(c->file, ANN_JSON_MAX_BYTES, &buf, &len) == -1) {
		fprintf(stderr, PROG ": %s: %s\n", c->file,
		    readfile_strerror(errno));
		return -1;
	}
	memset(&pol, 0, sizeof(pol));
	pol.allowed = c->allowed;
	pol.n_allowed = c->n_allowed;
	pol.any_origin = false;	/* as `peering prefix` */
	if ((err = malloc(ANN_JSON_MAX_ERRORS * 1024)) == NULL) {
		free(buf);
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	rc = ann_json_parse(buf, len, c->names, c->n_names, &pol, &c->reqs,
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
 * One request for the whole file: the daemon reads it, checks every
 * request and applies all or none, and says so; a reply lost leaves it
 * unknown whether the daemon applied the file (all of it, or nothing).
 */
static int
announce_send(struct announce_cmd *c)
{
	enum control_result rc;
	char *w[4];
	int n = 0;

	if (client_file_word(PROG, c->file, c->abs, CONTROL_MAX_REQUEST -
	    64) == -1) {
		fprintf(stderr, PROG ": %s refused; nothing was sent\n",
		    c->file);
		return 1;
	}
	if (!control_is_live(c->paths.control)) {
		fprintf(stderr, PROG ": peering-bgpd is not running (%s): "
		    "start it with ./peering bgp start first; nothing was "
		    "sent\n", c->paths.control);
		return 1;
	}
	w[n++] = "announce-file";
	w[n++] = c->abs;
	if (c->force)
		w[n++] = "force";
	if (c->no_dataplane)
		w[n++] = "nodp";
	rc = control_request(c->paths.control, n, w);
	switch (rc) {
	case CONTROL_OK:
		return 0;
	case CONTROL_REFUSED:
		return 1;
	case CONTROL_LOST:
		fprintf(stderr, PROG ": %s: peering-bgpd did not answer, so "
		    "the file may or may not be applied (all of it or none: "
		    "./peering bgp adv MUX shows which)\n", c->file);
		return 1;
	case CONTROL_NOT_SENT:
		break;
	}
	fprintf(stderr, PROG ": cannot reach peering-bgpd: %s; nothing was "
	    "sent\n", strerror(errno));
	return 1;
}

int
cmd_announce_json(int argc, char **argv)
{
	struct announce_cmd *c;
	int rc;

	/* Paths, the mux table and the configuration: kept off the
	 * stack. */
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if ((rc = announce_args(c, argc, argv)) != 0)
		rc = rc == -1 ? 0 : rc;
	else if (announce_load_client(c) == -1 ||
	    announce_parse_file(c) == -1 ||
	    (c->dry_run && announce_check_lines(c) == -1)) {
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
