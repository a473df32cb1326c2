/*
 * `peering experiment run FILE [--bind V=PREFIX]... [--round-seconds N]
 * [--dry-run]`, `run --resume`, `status [--json]`, `stop`: an experiment
 * run by peering-bgpd on the user's own sessions (docs/experiment.md).
 * The file is checked here first (the schema, the muxes and neighbours,
 * the user's prefixes), then the daemon is handed its path: it reads the
 * file itself, checks it again with its own gates, keeps a copy and runs
 * the rounds on its own clock.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_paths.h"
#include "commands.h"
#include "../ctl/control.h"
#include "../announce/ann_json.h"
#include "../announce/announce_io.h"
#include "../conf/config.h"
#include "../exp/exp_state.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"

#define PROG		"peering experiment"
#define EXIT_REFUSED	3

struct run_cmd {
	struct client_paths	 paths;
	const char		*file;
	char			 abs[PATH_MAX];
	const char		*binds[ANN_EXP_VARS];
	size_t			 n_binds;
	const char		*round_seconds;
	bool			 dry_run;
	bool			 resume;
	bool			 json;
};

static void
run_usage(FILE *f)
{
	fprintf(f,
	    "usage: peering experiment run FILE.json [--bind V=PREFIX]... "
	    "[--round-seconds N] [--dry-run]\n"
	    "       peering experiment run --resume\n"
	    "       peering experiment status [--json]\n"
	    "       peering experiment stop\n"
	    "  run      peering-bgpd runs the rounds: each at its start, "
	    "through the gates\n"
	    "           and the change-rate rule of `peering prefix`\n"
	    "  --bind   V=PREFIX: variable A..D to one of your prefixes "
	    "(default: the\n"
	    "           one idle the longest)\n"
	    "  --round-seconds N  round length (default 5400, the 90 minutes "
	    "the guidelines\n"
	    "           ask for); under 600 only for configured neighbours "
	    "(testing)\n"
	    "  --dry-run  print each round's time and what each session "
	    "would hear; send nothing\n"
	    "  --resume   go on with the run the daemon was in\n"
	    "  status     the run: round k of n, next round, bindings, muxes\n"
	    "  stop       withdraw what the run announced, and nothing else\n");
}

static int
run_args(int argc, char **argv, struct run_cmd *c)
{
	const char *verb = argv[1];

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(verb, "status") == 0 && strcmp(a, "--json") == 0)
			c->json = true;
		else if (strcmp(verb, "run") != 0)
			return -1;
		else if (strcmp(a, "--bind") == 0 && i + 1 < argc &&
		    c->n_binds < ANN_EXP_VARS)
			c->binds[c->n_binds++] = argv[++i];
		else if (strcmp(a, "--round-seconds") == 0 && i + 1 < argc)
			c->round_seconds = argv[++i];
		else if (strcmp(a, "--dry-run") == 0)
			c->dry_run = true;
		else if (strcmp(a, "--resume") == 0)
			c->resume = true;
		else if (a[0] != '-' && c->file == NULL)
			c->file = a;
		else
			return -1;
	}
	if (strcmp(verb, "run") == 0 && (c->file == NULL) == !c->resume)
		return -1;
	if (c->resume && (c->n_binds || c->round_seconds || c->dry_run))
		return -1;
	return 0;
}

int
cli_names_load(const char *prog, const char *dir, struct mux_table *muxes,
    struct config *conf, const char **names, size_t *n)
{
	char path[4200], err[1024];

	config_init(conf);
	if (mux_table_load(dir, muxes, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	*n = 0;
	for (size_t i = 0; i < muxes->n; i++)
		names[(*n)++] = muxes->mux[i].name;
	snprintf(path, sizeof(path), "%s/configs/peering-bgpd.conf", dir);
	if (access(path, F_OK) == 0 && config_load(path, conf, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	for (unsigned i = 0; i < conf->n_neighbors; i++)
		names[(*n)++] = conf->neighbors[i].name;
	return 0;
}

/* The file against the schema, the names and the user's prefixes. */
static int
run_check_file(struct run_cmd *c)
{
	static const char *names[MUX_MAX + CONFIG_MAX_NEIGHBORS];
	static struct mux_table muxes;
	struct config *conf = malloc(sizeof(*conf));
	struct ann_policy pol;
	struct ann_exp e;
	char *buf = NULL, *err = malloc(ANN_JSON_MAX_ERRORS * 1024);
	size_t len, n = 0;
	int rc = -1;

	memset(&pol, 0, sizeof(pol));
	if (conf == NULL || err == NULL)
		fprintf(stderr, PROG ": out of memory\n");
	else if (cli_names_load(PROG, c->paths.dir, &muxes, conf, names,
	    &n) == -1)
		;
	else if (announce_read_prefixes(c->paths.dir,
	    (struct prefix **)&pol.allowed, &pol.n_allowed, err,
	    ANN_JSON_MAX_ERRORS * 1024) == -1)
		fprintf(stderr, PROG ": %s\n", err);
	else if (readfile(c->file, ANN_JSON_MAX_BYTES, &buf, &len) == -1)
		fprintf(stderr, PROG ": %s: %s\n", c->file,
		    readfile_strerror(errno));
	else if (exp_parse_file(buf, len, names, n, &pol, &e, err,
	    ANN_JSON_MAX_ERRORS * 1024) == -1)
		cli_print_file_errors(c->file, err);
	else {
		ann_exp_free(&e);
		rc = 0;
	}
	free((void *)pol.allowed);
	free(buf);
	free(err);
	free(conf);
	return rc;
}

/* The file's absolute path, one control word. */
static int
run_path(struct run_cmd *c)
{
	return client_file_word(PROG, c->file, c->abs, EXP_PATH_MAX);
}

/* The request's words: "experiment VERB ...". */
static int
run_words(struct run_cmd *c, const char *verb, char **w)
{
	int n = 0;

	w[n++] = "experiment";
	if (strcmp(verb, "run") == 0 && c->resume) {
		w[n++] = "resume";
		return n;
	}
	w[n++] = (char *)verb;
	if (strcmp(verb, "status") == 0 && c->json)
		w[n++] = "json";
	if (strcmp(verb, "run") != 0)
		return n;
	w[n++] = c->abs;
	for (size_t i = 0; i < c->n_binds; i++) {
		w[n++] = "bind";
		w[n++] = (char *)c->binds[i];
	}
	if (c->round_seconds != NULL) {
		w[n++] = "round-seconds";
		w[n++] = (char *)c->round_seconds;
	}
	if (c->dry_run)
		w[n++] = "dry-run";
	return n;
}

int
cmd_experiment_local(int argc, char **argv)
{
	char *words[CONTROL_MAX_WORDS];
	struct run_cmd c;
	enum control_result rc;
	int n;

	memset(&c, 0, sizeof(c));
	if (run_args(argc, argv, &c) == -1) {
		run_usage(stderr);
		return EXIT_USAGE;
	}
	if (client_paths_get(&c.paths) == -1) {
		fprintf(stderr, PROG ": cannot find the client directory\n");
		return EXIT_REFUSED;
	}
	if (c.file != NULL && (run_check_file(&c) == -1 ||
	    run_path(&c) == -1))
		return EXIT_REFUSED;
	n = run_words(&c, argv[1], words);
	rc = control_request(c.paths.control, n, words);
	if (rc == CONTROL_NOT_SENT) {
		fprintf(stderr, PROG ": cannot reach peering-bgpd: %s (peering "
		    "bgp start)\n", strerror(errno));
		return 1;
	}
	return rc == CONTROL_OK ? 0 : 1;
}
