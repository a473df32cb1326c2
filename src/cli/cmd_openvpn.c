/*
 * `peering openvpn status [--json] | up MUX|all | down MUX|all | log MUX`:
 * the tunnels to the muxes, one openvpn per mux with its config in
 * configs/openvpn/, driven through its management socket (no socat, no
 * shell). This file: the dispatch, status and log; up and down have
 * their own files (openvpn.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_paths.h"
#include "commands.h"
#include "openvpn.h"
#include "../lib/tail.h"

#define LOG_LINES	100	/* `log` without --all */

static void
openvpn_usage(FILE *f)
{
	fprintf(f,
"usage: peering openvpn status [--json]\n"
"       peering openvpn up MUX|all [--wait SECONDS]\n"
"       peering openvpn down MUX|all\n"
"       peering openvpn log MUX [--all]\n"
"\n"
"  status   every mux: \"name tapN up IPV4 IPV6\" or \"name tapN down\"\n"
"  up       start openvpn for the mux (root) and wait until it is connected\n"
"           (--wait, default 30 seconds; 0: do not wait)\n"
"  down     stop it (root); all: every running one\n"
"  log      the last %d lines of its log (--all: the whole file)\n"
"\n"
"MUX is a name in configs/openvpn/; docs/openvpn.md has the details.\n",
	    LOG_LINES);
}

/* Usage errors: the message, the synopsis, status 2. */
static int
openvpn_bad_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "peering openvpn: %s%s%s\n", msg, arg != NULL ? ": " :
	    "", arg != NULL ? arg : "");
	openvpn_usage(stderr);
	return EXIT_USAGE;
}

/* ---- status ---- */

static cJSON *
status_json(const struct ovpn_mux *om, const struct ovpn_probe *p)
{
	cJSON *o = cJSON_CreateObject();
	bool up = ovpn_probe_up(p);

	cJSON_AddStringToObject(o, "mux", om->mux->name);
	cJSON_AddStringToObject(o, "dev", om->mux->dev);
	cJSON_AddNumberToObject(o, "tap", om->mux->tap);
	cJSON_AddStringToObject(o, "status", up ? "up" : "down");
	if (p->have_state)
		cJSON_AddStringToObject(o, "openvpn_state", p->st.name);
	else
		cJSON_AddNullToObject(o, "openvpn_state");
	if (up && p->st.local_v4[0] != '\0')
		cJSON_AddStringToObject(o, "ipv4", p->st.local_v4);
	else
		cJSON_AddNullToObject(o, "ipv4");
	if (up && p->st.local_v6[0] != '\0')
		cJSON_AddStringToObject(o, "ipv6", p->st.local_v6);
	else
		cJSON_AddNullToObject(o, "ipv6");
	if (p->pid > 0)
		cJSON_AddNumberToObject(o, "pid", p->pid);
	else
		cJSON_AddNullToObject(o, "pid");
	return o;
}

static void
status_warn(const struct ovpn_mux *om, const struct ovpn_probe *p)
{
	if (p->conn == OVPN_CONN_TIMEOUT)
		fprintf(stderr, "warning: %s: %s\n", om->mux->name, p->err);
}

/* One mux: 0, or -1 with the error printed (a bad config, a socket we
 * may not open). */
static int
status_one(const struct mux *m, struct ovpn_mux *om, struct ovpn_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->conn = OVPN_CONN_NONE;
	if (ovpn_mux_load(m, om) == -1)
		return -1;
	ovpn_probe(om, p);
	if (p->conn == OVPN_CONN_DENIED) {
		fprintf(stderr, "error: cannot open %s: permission denied; run "
		    "as root (sudo ./peering openvpn status)\n",
		    om->conf.mgmt);
		return -1;
	}
	status_warn(om, p);
	return 0;
}

/* Every mux is probed before anything is printed, so that a socket we
 * may not open gives one error line, not half a table. */
struct status_row {
	struct ovpn_mux		om;
	struct ovpn_probe	p;
};

static void
status_print(const struct status_row *rows, unsigned n, bool json)
{
	cJSON *arr;
	char *s;
	unsigned i;

	if (!json) {
		for (i = 0; i < n; i++)
			ovpn_print_status_line(stdout, &rows[i].om, &rows[i].p);
		return;
	}
	arr = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, status_json(&rows[i].om, &rows[i].p));
	if ((s = cJSON_PrintUnformatted(arr)) != NULL)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(arr);
}

static int
openvpn_status(struct ovpn_ctx *ctx, int argc, char **argv)
{
	struct status_row *rows;
	bool json = false;
	unsigned i;
	int rc = 0;

	if (argc == 1 && strcmp(argv[0], "--json") == 0)
		json = true;
	else if (argc != 0)
		return openvpn_bad_usage("status takes only --json", NULL);
	if ((rows = calloc(MUX_MAX, sizeof(*rows))) == NULL) {
		perror("peering");
		return 1;
	}
	for (i = 0; i < ctx->muxes.n; i++)
		if (status_one(&ctx->muxes.mux[i], &rows[i].om,
		    &rows[i].p) == -1) {
			rc = 1;
			if (rows[i].p.conn == OVPN_CONN_DENIED)
				break;
		}
	if (i == ctx->muxes.n)
		status_print(rows, ctx->muxes.n, json);
	free(rows);
	return rc;
}

/* ---- log ---- */

static int
openvpn_log(struct ovpn_ctx *ctx, int argc, char **argv)
{
	const char *name = NULL;
	const struct mux *m;
	struct ovpn_mux om;
	bool all = false;
	off_t off = 0;
	int fd, i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0 && !all)
			all = true;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return openvpn_bad_usage("log takes one mux and maybe "
			    "--all", NULL);
	}
	if (name == NULL)
		return openvpn_bad_usage("log needs a mux", NULL);
	if ((m = mux_find(&ctx->muxes, name)) == NULL) {
		ovpn_unknown_mux(ctx, name);
		return 1;
	}
	if (ovpn_mux_load(m, &om) == -1)
		return 1;
	if (om.conf.log[0] == '\0') {
		fprintf(stderr, "error: %s names no log file (log or "
		    "log-append): openvpn logs to syslog\n", om.conf_path);
		return 1;
	}
	if ((fd = open(om.conf.log, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			printf("note: %s does not exist yet (start the mux "
			    "with peering openvpn up %s)\n", om.conf.log,
			    m->name);
			return 0;
		}
		fprintf(stderr, "error: cannot read %s: %s%s\n", om.conf.log,
		    strerror(errno), errno == EACCES ? "; run as root" : "");
		return 1;
	}
	if ((!all && tail_offset(fd, LOG_LINES, &off) == -1) ||
	    tail_copy(fd, off, stdout, "") == -1) {
		fprintf(stderr, "error: %s: %s\n", om.conf.log,
		    strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

/* ---- the command ---- */

static const struct {
	const char	*name;
	int		(*handler)(struct ovpn_ctx *, int, char **);
} openvpn_cmds[] = {
	{ "status",	openvpn_status },
	{ "up",		ovpn_cmd_up },
	{ "down",	ovpn_cmd_down },
	{ "log",	openvpn_log },
};

/* The client directory, made our working directory, and its muxes. */
static int
openvpn_ctx_init(struct ovpn_ctx *ctx)
{
	struct client_paths paths;
	char err[512];

	if (client_paths_get(&paths) == -1) {
		fprintf(stderr, "error: cannot find the client directory\n");
		return -1;
	}
	/* openvpn --cd wants it absolute */
	if (realpath(paths.dir, ctx->dir) == NULL || chdir(ctx->dir) == -1) {
		fprintf(stderr, "error: client directory %s: %s\n", paths.dir,
		    strerror(errno));
		return -1;
	}
	if (mux_table_load(ctx->dir, &ctx->muxes, err, sizeof(err)) == -1) {
		fprintf(stderr, "error: %s\n", err);
		return -1;
	}
	return 0;
}

int
cmd_openvpn(int argc, char **argv)
{
	struct ovpn_ctx *ctx;
	size_t i;
	int rc;

	if (argc < 2) {
		openvpn_usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_help_word(argv[1])) {
		openvpn_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(openvpn_cmds) / sizeof(openvpn_cmds[0]); i++)
		if (strcmp(argv[1], openvpn_cmds[i].name) == 0)
			break;
	if (i == sizeof(openvpn_cmds) / sizeof(openvpn_cmds[0]))
		return openvpn_bad_usage("unknown subcommand", argv[1]);
	if ((ctx = malloc(sizeof(*ctx))) == NULL) {
		perror("peering");
		return 1;
	}
	rc = openvpn_ctx_init(ctx) == -1 ? 1 :
	    openvpn_cmds[i].handler(ctx, argc - 2, argv + 2);
	free(ctx);
	return rc;
}
