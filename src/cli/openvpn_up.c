/*
 * `peering openvpn up MUX|all [--wait SECONDS]`: every check first, each
 * failing with one line that says what to do and nothing started; then
 * openvpn per mux (stale files cleaned first), and one wait for all of
 * them until each is connected or the time is up.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "openvpn.h"
#include "../lib/clock.h"
#include "../vpn/ovpn_proc.h"

#define UP_WAIT_DEFAULT	30	/* seconds */
#define UP_WAIT_MAX	3600
#define UP_POLL_MS	250
/* From the launcher's exit to the pid file or socket of its daemon. */
#define UP_GRACE_MS	5000
#define UP_STALE_GRACE_MS 500

enum up_outcome { UP_STARTED, UP_ALREADY, UP_FAILED };

struct up_job {
	struct ovpn_mux		om;
	enum up_outcome		outcome;
	long long		started;	/* ms */
	pid_t			pid;		/* seen alive once */
	bool			done;
	struct ovpn_probe	last;
};

struct up_args {
	const char	*target;
	unsigned	 wait;		/* seconds */
};

static int
up_parse_wait(const char *s, unsigned *wait)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    v > UP_WAIT_MAX) {
		fprintf(stderr, "peering openvpn: --wait takes seconds, 0..%d: "
		    "%s\n", UP_WAIT_MAX, s);
		return -1;
	}
	*wait = (unsigned)v;
	return 0;
}

static int
up_parse_args(int argc, char **argv, struct up_args *a)
{
	int i;

	a->target = NULL;
	a->wait = UP_WAIT_DEFAULT;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
			if (up_parse_wait(argv[++i], &a->wait) == -1)
				return -1;
		} else if (strncmp(argv[i], "--wait=", 7) == 0) {
			if (up_parse_wait(argv[i] + 7, &a->wait) == -1)
				return -1;
		} else if (argv[i][0] != '-' && a->target == NULL)
			a->target = argv[i];
		else {
			fprintf(stderr, "peering openvpn: up takes MUX|all and "
			    "maybe --wait SECONDS\n");
			return -1;
		}
	}
	if (a->target == NULL) {
		fprintf(stderr, "peering openvpn: up needs MUX or all\n");
		return -1;
	}
	return 0;
}

/* ---- the checks ---- */

static int
up_check_program(char *prog, size_t len)
{
	if (ovpn_proc_which(OVPN_PROGRAM, getenv("PATH"), prog, len) == 0)
		return 0;
	fprintf(stderr, "error: openvpn is not installed (no openvpn in "
	    "PATH); install it: apt install openvpn\n");
	return -1;
}

/* Whether an earlier credential of the jobs names the same file. */
static bool
up_cred_seen(const struct up_job *jobs, unsigned j, int c)
{
	const char *path = jobs[j].om.conf.cred[c];
	unsigned k;
	int d;

	for (k = 0; k <= j; k++)
		for (d = 0; d < (k == j ? c : OVPN_CRED_COUNT); d++)
			if (strcmp(jobs[k].om.conf.cred[d], path) == 0)
				return true;
	return false;
}

/* Calls fn once per distinct credential file the configs name. */
static int
up_each_cred(const struct up_job *jobs, unsigned n,
    int (*fn)(const char *path, int cred, void *arg), void *arg)
{
	unsigned j;
	int c, rc = 0;

	for (j = 0; j < n; j++)
		for (c = 0; c < OVPN_CRED_COUNT; c++)
			if (jobs[j].om.conf.cred[c][0] != '\0' &&
			    !up_cred_seen(jobs, j, c) &&
			    fn(jobs[j].om.conf.cred[c], c, arg) == -1)
				rc = -1;
	return rc;
}

static int
up_cred_missing(const char *path, int cred, void *arg)
{
	FILE *f = arg;
	struct stat st;

	(void)cred;
	if (stat(path, &st) == 0 || errno != ENOENT)
		return 0;
	fprintf(f, "%s%s", ftell(f) > 0 ? ", " : "", path);
	return -1;
}

static int
up_cred_mode(const char *path, int cred, void *arg)
{
	struct stat st;
	const char *who;

	(void)arg;
	if (!ovpn_cred_secret(cred) || stat(path, &st) == -1 ||
	    (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
		return 0;
	if (st.st_mode & S_IROTH)
		who = "readable by others";
	else if (st.st_mode & S_IRGRP)
		who = "readable by its group";
	else
		who = "open to its group or others";
	fprintf(stderr, "error: %s is %s; run: chmod 400 %s\n", path, who,
	    path);
	return -1;
}

static int
up_check_creds(const struct up_job *jobs, unsigned n)
{
	char *list = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&list, &len)) == NULL) {
		perror("peering");
		return -1;
	}
	rc = up_each_cred(jobs, n, up_cred_missing, f);
	fclose(f);
	if (rc == -1)
		fprintf(stderr, "error: missing credentials: %s (named in %s); "
		    "put your PEERING files there, see certs/README.md\n", list,
		    n == 1 ? jobs[0].om.conf_path : "the mux configs");
	free(list);
	if (rc == -1)
		return -1;
	return up_each_cred(jobs, n, up_cred_mode, NULL);
}

/* ---- starting ---- */

/* The directory of a runtime file (var/), made if missing: openvpn
 * would not start without it. */
static void
up_make_parent(const char *path)
{
	char dir[OVPN_CONF_PATH_MAX + 1];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) == 0)
		printf("note: created %s/\n", dir);
}

static enum up_outcome
up_already(struct up_job *j, const struct ovpn_probe *p)
{
	const char *name = j->om.mux->name;
	char state[128];

	if (ovpn_probe_up(p)) {
		printf("note: %s is already up\n", name);
		return UP_ALREADY;
	}
	if (p->have_state) {
		printf("note: %s is already running but not connected "
		    "(openvpn state %s); see: peering openvpn log %s\n", name,
		    ovpn_probe_state_text(p, state, sizeof(state)), name);
		return UP_ALREADY;
	}
	fprintf(stderr, "error: %s: an openvpn (pid %ld) runs but %s does not "
	    "answer (%s); stop it with: peering openvpn down %s\n", name,
	    (long)p->pid, j->om.conf.mgmt, ovpn_probe_state_text(p, state,
	    sizeof(state)), name);
	return UP_FAILED;
}

static enum up_outcome
up_start(const struct ovpn_ctx *ctx, const char *prog, struct up_job *j)
{
	const struct ovpn_conf *conf = &j->om.conf;
	char daemon_name[sizeof("peering-") + MUX_NAME_MAX], err[256];
	struct ovpn_probe p;
	int rc;

	ovpn_probe(&j->om, &p);
	if (ovpn_probe_running(&p))
		return up_already(j, &p);
	ovpn_clean_stale(&j->om);
	up_make_parent(conf->mgmt);
	up_make_parent(conf->log);
	up_make_parent(conf->pidfile);
	snprintf(daemon_name, sizeof(daemon_name), "peering-%s",
	    j->om.mux->name);
	rc = ovpn_proc_start(prog, ctx->dir, j->om.conf_path, conf->daemon ?
	    NULL : daemon_name, err, sizeof(err));
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, sizeof(err), "openvpn exited with status "
			    "%d", rc);
		fprintf(stderr, "error: %s: %s\n", j->om.mux->name, err);
		ovpn_print_log_tail(&j->om, OVPN_LOG_TAIL_LINES);
		ovpn_clean_stale(&j->om);
		return UP_FAILED;
	}
	j->started = clock_ms();
	return UP_STARTED;
}

/* ---- waiting ---- */

/* How long a started openvpn may show no process: a socket nobody
 * listens on was left by this one (stale ones were removed before the
 * start), past the moment between its bind and its listen. */
static long long
up_grace(const struct ovpn_probe *p)
{
	return p->conn == OVPN_CONN_STALE ? UP_STALE_GRACE_MS : UP_GRACE_MS;
}

/* One look at a started mux; true once it is settled. */
static bool
up_poll(struct up_job *j, int *failed)
{
	ovpn_probe(&j->om, &j->last);
	if (ovpn_probe_up(&j->last)) {
		ovpn_print_status_line(stdout, &j->om, &j->last);
		fflush(stdout);
		return true;
	}
	if (j->last.pid > 0)
		j->pid = j->last.pid;
	if (ovpn_probe_running(&j->last) || (j->pid == 0 &&
	    clock_ms() - j->started < up_grace(&j->last)))
		return false;
	fprintf(stderr, "error: %s: openvpn exited before it connected\n",
	    j->om.mux->name);
	ovpn_print_log_tail(&j->om, OVPN_LOG_TAIL_LINES);
	ovpn_clean_stale(&j->om);
	(*failed)++;
	return true;
}

static int
up_wait(struct up_job *jobs, unsigned n, unsigned secs)
{
	long long deadline = clock_ms() + (long long)secs * 1000;
	char state[128];
	unsigned i, left = 0;
	int failed = 0;

	for (i = 0; i < n; i++)
		if (jobs[i].outcome == UP_STARTED)
			left++;
	while (left > 0) {
		for (i = 0; i < n; i++)
			if (jobs[i].outcome == UP_STARTED && !jobs[i].done &&
			    (jobs[i].done = up_poll(&jobs[i], &failed)))
				left--;
		if (left == 0 || clock_ms() >= deadline)
			break;
		sleep_ms(UP_POLL_MS);
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].outcome != UP_STARTED || jobs[i].done)
			continue;
		fprintf(stderr, "warning: %s is not connected after %u s "
		    "(openvpn state %s); see: peering openvpn log %s\n",
		    jobs[i].om.mux->name, secs, ovpn_probe_state_text(
		    &jobs[i].last, state, sizeof(state)), jobs[i].om.mux->name);
		failed++;
	}
	return failed;
}

/* ---- the command ---- */

/* The jobs for target, their configs read: -1 with the error printed. */
static int
up_select(const struct ovpn_ctx *ctx, const char *target,
    struct up_job *jobs, unsigned *n)
{
	const struct mux *m;
	unsigned i;
	int rc = 0;

	*n = 0;
	if (strcmp(target, "all") != 0) {
		if ((m = mux_find(&ctx->muxes, target)) == NULL) {
			ovpn_unknown_mux(ctx, target);
			return -1;
		}
		*n = 1;
		return ovpn_mux_load(m, &jobs[0].om);
	}
	for (i = 0; i < ctx->muxes.n; i++)
		if (ovpn_mux_load(&ctx->muxes.mux[i], &jobs[(*n)++].om) == -1)
			rc = -1;
	return rc;
}

static int
up_run(const struct ovpn_ctx *ctx, struct up_job *jobs,
    const struct up_args *a)
{
	char prog[PATH_MAX];
	unsigned i, n;
	int failed = 0;

	if (up_select(ctx, a->target, jobs, &n) == -1 ||
	    up_check_program(prog, sizeof(prog)) == -1 ||
	    up_check_creds(jobs, n) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		jobs[i].outcome = up_start(ctx, prog, &jobs[i]);
		if (jobs[i].outcome == UP_FAILED)
			failed++;
		else if (jobs[i].outcome == UP_STARTED && a->wait == 0)
			printf("%s: openvpn started; see: peering openvpn "
			    "status\n", jobs[i].om.mux->name);
		fflush(stdout);
	}
	if (a->wait > 0)
		failed += up_wait(jobs, n, a->wait);
	return failed > 0 ? 1 : 0;
}

int
ovpn_cmd_up(struct ovpn_ctx *ctx, int argc, char **argv)
{
	struct up_args a;
	struct up_job *jobs;
	int rc;

	if (up_parse_args(argc, argv, &a) == -1)
		return EXIT_USAGE;
	if (!ovpn_check_root("up"))
		return 1;
	if ((jobs = calloc(MUX_MAX, sizeof(*jobs))) == NULL) {
		perror("peering");
		return 1;
	}
	rc = up_run(ctx, jobs, &a);
	free(jobs);
	return rc;
}
