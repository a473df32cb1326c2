/*
 * `peering experiment submit FILE --url URL` and `peering experiment list
 * --url URL`: experiments sent to the PEERING REST API, as the old
 * client's `peering.py --experiment FILE --url URL` did, checked against
 * every rule of the experiment schema before any request
 * (docs/experiment.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_http.h"
#include "api_token.h"
#include "client_paths.h"
#include "commands.h"
#include "../announce/ann_json.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"

#define PROG		"peering experiment"
#define EXIT_REFUSED	3	/* nothing was sent: the file or the token */

struct exp_cmd {
	const char		*verb;
	const char		*file;
	const char		*url;
	bool			 json;
	struct client_paths	 paths;
	char			 api[API_URL_MAX];
	char			 token[API_TOKEN_MAX + 1];
};

static void
exp_usage(FILE *f)
{
	fprintf(f,
	    "usage: peering experiment submit FILE.json --url URL [--json]\n"
	    "       peering experiment list --url URL [--json]\n"
	    "       peering experiment run FILE.json [--bind V=PREFIX]... "
	    "[--round-seconds N] [--dry-run]\n"
	    "       peering experiment run --resume | status [--json] | stop\n"
	    "  submit  check FILE against the experiment schema, then POST it "
	    "to URL/api/\n"
	    "  list    GET URL/api/: your experiments, as the server lists "
	    "them\n"
	    "  --json  print {\"status\": HTTP status, \"body\": the answer}\n"
	    "  run     the experiment's rounds on your own sessions, run by "
	    "peering-bgpd\n"
	    "          (journaled: a restart resumes it; docs/experiment.md)\n"
	    "    --bind V=PREFIX   the prefix a variable of the file stands "
	    "for\n"
	    "    --round-seconds N seconds per round (the test schedule)\n"
	    "    --dry-run         check and print the rounds; send nothing\n"
	    "    --resume          go on with the journaled run\n"
	    "  status  the run's round and state (--json: as one object)\n"
	    "  stop    end the run; its announcements are withdrawn\n"
	    "The bearer token comes from certs/token.json (mode 600).\n"
	    "Exit: 0 the server accepted (2xx), 1 it refused or could not be "
	    "reached,\n"
	    "      2 usage, 3 nothing sent (the file or the token was "
	    "refused).\n");
}

static int
exp_args(int argc, char **argv, struct exp_cmd *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	if (argc < 2)
		return -1;
	c->verb = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			c->url = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			c->json = true;
		else if (argv[i][0] != '-' && c->file == NULL &&
		    strcmp(c->verb, "submit") == 0)
			c->file = argv[i];
		else {
			fprintf(stderr, PROG ": unexpected argument: %s\n",
			    argv[i]);
			return -1;
		}
	}
	if (c->url == NULL) {
		fprintf(stderr, PROG ": --url URL is required (the PEERING "
		    "API server)\n");
		return -1;
	}
	if (strcmp(c->verb, "submit") == 0 && c->file == NULL) {
		fprintf(stderr, PROG ": submit needs the experiment file\n");
		return -1;
	}
	if (api_url(c->url, c->api, sizeof(c->api)) == -1) {
		fprintf(stderr, PROG ": --url must be an http:// or https:// "
		    "URL of at most %d characters\n", API_URL_MAX - 8);
		return -1;
	}
	return 0;
}

/* Every error of the file, one per line, as FILE: PATH: message. */
void
cli_print_file_errors(const char *file, const char *err)
{
	const char *nl;

	for (; *err != '\0'; err = nl + 1) {
		nl = strchr(err, '\n');
		fprintf(stderr, "%s: %.*s\n", file, nl != NULL ?
		    (int)(nl - err) : (int)strlen(err), err);
		if (nl == NULL)
			break;
	}
}

/* The file checked against the schema, the client's muxes and the
 * experiment allocation; *body gets {"experiment": ...} to send. */
static int
exp_check_file(struct exp_cmd *c, char **body)
{
	struct prefix alloc[ANN_EXP_ALLOCATION_MAX];
	const char *names[MUX_MAX];
	struct mux_table muxes;
	struct ann_policy pol;
	struct ann_exp e;
	char *buf, err[ANN_JSON_MAX_ERRORS * 1024];
	size_t len, i;
	int rc;

	if (mux_table_load(c->paths.dir, &muxes, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	if (readfile(c->file, ANN_JSON_MAX_BYTES, &buf, &len) == -1) {
		fprintf(stderr, PROG ": %s: %s\n", c->file,
		    readfile_strerror(errno));
		return -1;
	}
	for (i = 0; i < muxes.n; i++)
		names[i] = muxes.mux[i].name;
	memset(&pol, 0, sizeof(pol));
	pol.allowed = alloc;
	pol.n_allowed = ann_exp_allocation(alloc, ANN_EXP_ALLOCATION_MAX);
	rc = ann_json_parse_experiment(buf, len, names, muxes.n, &pol, &e,
	    err, sizeof(err));
	free(buf);
	if (rc == -1) {
		cli_print_file_errors(c->file, err);
		return -1;
	}
	if (asprintf(body, "{\"experiment\":%s}", e.json) == -1)
		*body = NULL;
	ann_exp_free(&e);
	if (*body == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	return 0;
}

static void
exp_print_reply(const struct exp_cmd *c, const struct api_reply *r)
{
	cJSON *body, *o;
	char *text;

	if (!c->json) {
		/* The server's answer as it sent it. */
		printf("HTTP %ld from %s\n", r->status, c->api);
		if (r->len > 0)
			printf("%s%s", r->body, r->body[r->len - 1] == '\n' ?
			    "" : "\n");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "status", (double)r->status);
	if ((body = cJSON_ParseWithLength(r->body, r->len)) != NULL)
		cJSON_AddItemToObject(o, "body", body);
	else
		cJSON_AddStringToObject(o, "body", r->body);
	if ((text = cJSON_PrintUnformatted(o)) != NULL)
		printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(o);
}

static int
exp_send(struct exp_cmd *c, const char *method, const char *body)
{
	struct api_reply r;
	char err[1024];
	int ok;

	if (api_http(method, c->api, c->token, body, &r, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	ok = r.status >= 200 && r.status < 300;
	exp_print_reply(c, &r);
	if (!ok && !c->json)
		fprintf(stderr, PROG ": the server refused the request "
		    "(HTTP %ld)\n", r.status);
	free(r.body);
	return ok ? 0 : 1;
}

int
cmd_experiment(int argc, char **argv)
{
	struct exp_cmd c;
	char err[1024], *body = NULL;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		exp_usage(stdout);
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[1], "run") == 0 ||
	    strcmp(argv[1], "status") == 0 || strcmp(argv[1], "stop") == 0))
		return cmd_experiment_local(argc, argv);
	if (exp_args(argc, argv, &c) == -1 || (strcmp(c.verb, "submit") != 0 &&
	    strcmp(c.verb, "list") != 0)) {
		exp_usage(stderr);
		return EXIT_USAGE;
	}
	if (client_paths_get(&c.paths) == -1) {
		fprintf(stderr, PROG ": cannot find the client directory\n");
		return EXIT_REFUSED;
	}
	/* The whole file is checked before the token is even read. */
	if (strcmp(c.verb, "submit") == 0 && exp_check_file(&c, &body) == -1)
		return EXIT_REFUSED;
	if (api_token_read(c.paths.dir, c.token, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": %s\n", err);
		free(body);
		return EXIT_REFUSED;
	}
	rc = exp_send(&c, body != NULL ? "POST" : "GET", body);
	free(body);
	return rc;
}
