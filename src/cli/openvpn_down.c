/*
 * `peering openvpn down MUX|all`: SIGTERM through the management socket
 * (or, when only the pid file is left, to that openvpn), one wait for all
 * of them, and no file left behind. `all` is every mux with an openvpn.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "client_paths.h"
#include "commands.h"
#include "../ctl/control.h"
#include "openvpn.h"
#include "../lib/clock.h"
#include "../vpn/ovpn_proc.h"

#define DOWN_WAIT_MS	10000
#define DOWN_POLL_MS	100
/* Time for the daemon's Cease to cross the tunnel before it closes. */
#define DOWN_CEASE_MS	200

struct down_job {
	struct ovpn_mux		om;
	struct ovpn_probe	probe;
	pid_t			pid;	/* 0: wait for the socket instead */
	bool			told;	/* the daemon knows it closes */
	bool			stopping;
};

/*
 * Tells a running peering-bgpd that the tunnel of mux closes (what:
 * "closing") or stays after all ("open"). Closing, the daemon ends the
 * mux's sessions with a Cease while the tunnel still carries it; else the
 * mux would keep the session, and its upstreams our prefixes, until its
 * hold timer ran out. No daemon, nothing to tell. Returns whether told.
 */
static bool
down_tell_daemon(const char *mux, const char *what)
{
	char *argv[] = { (char *)"tunnel", (char *)mux, (char *)what };
	struct client_paths p;

	/* Not sent when no daemon runs; a lost reply is said. */
	return client_paths_get(&p) == 0 &&
	    control_request(p.control, 3, argv) == CONTROL_OK;
}

/* Asks the openvpn of j to stop: 0, or -1 with the error printed. */
static int
down_signal(struct down_job *j, const struct ovpn_probe *p)
{
	struct ovpn_conn *c;
	char err[256];
	int rc = OVPN_CONN_FAILED;

	j->pid = p->pid;
	if (p->conn == OVPN_CONN_OK && (c = malloc(sizeof(*c))) != NULL) {
		rc = ovpn_conn_open(c, j->om.conf.mgmt, OVPN_CONN_TIMEOUT_MS,
		    err, sizeof(err));
		if (rc == OVPN_CONN_OK)
			rc = ovpn_conn_signal(c, "SIGTERM", err, sizeof(err));
		ovpn_conn_close(c);
		free(c);
	}
	if (rc == OVPN_CONN_OK)
		return 0;
	/* The socket is gone or dead: the pid file names an openvpn. */
	if (p->pid > 0 && kill(p->pid, SIGTERM) == 0)
		return 0;
	fprintf(stderr, "error: %s: cannot stop openvpn%s: %s\n",
	    j->om.mux->name, p->pid > 0 ? "" : " (no pid file names it)",
	    p->pid > 0 ? strerror(errno) : p->err);
	return -1;
}

static bool
down_gone(const struct down_job *j)
{
	struct ovpn_probe p;

	if (j->pid > 0)
		return !ovpn_proc_is_openvpn(j->pid);
	ovpn_probe(&j->om, &p);
	return !ovpn_probe_running(&p);
}

static int
down_wait(struct down_job *jobs, unsigned n)
{
	long long deadline = clock_ms() + DOWN_WAIT_MS;
	unsigned i, left = 0;
	int failed = 0;

	for (i = 0; i < n; i++)
		left += jobs[i].stopping;
	while (left > 0) {
		for (i = 0; i < n; i++) {
			if (!jobs[i].stopping || !down_gone(&jobs[i]))
				continue;
			jobs[i].stopping = false;
			left--;
			ovpn_clean_stale(&jobs[i].om);
			printf("%s down\n", jobs[i].om.mux->name);
			fflush(stdout);
		}
		if (left == 0 || clock_ms() >= deadline)
			break;
		sleep_ms(DOWN_POLL_MS);
	}
	for (i = 0; i < n; i++)
		if (jobs[i].stopping) {
			if (jobs[i].told)
				down_tell_daemon(jobs[i].om.mux->name, "open");
			fprintf(stderr, "error: %s: openvpn (pid %ld) did not "
			    "exit in %d s\n", jobs[i].om.mux->name,
			    (long)jobs[i].pid, DOWN_WAIT_MS / 1000);
			failed++;
		}
	return failed;
}

/* One mux: signalled (1), not running (0), or failed (-1). */
static int
down_one(struct down_job *j, bool named)
{
	if (!ovpn_probe_running(&j->probe)) {
		ovpn_clean_stale(&j->om);
		if (named)
			printf("note: %s is already down\n", j->om.mux->name);
		return 0;
	}
	if (down_signal(j, &j->probe) == -1) {
		if (j->told)
			down_tell_daemon(j->om.mux->name, "open");
		return -1;
	}
	j->stopping = true;
	return 1;
}

static int
down_run(const struct ovpn_ctx *ctx, const char *target,
    struct down_job *jobs)
{
	const struct mux *m = NULL;
	unsigned i, n = 0, stopping = 0, told = 0;
	int failed = 0, rc;

	if (strcmp(target, "all") != 0 &&
	    (m = mux_find(&ctx->muxes, target)) == NULL) {
		ovpn_unknown_mux(ctx, target);
		return 1;
	}
	for (i = 0; i < ctx->muxes.n; i++) {
		struct down_job *j = &jobs[n];

		if (m != NULL && &ctx->muxes.mux[i] != m)
			continue;
		if (ovpn_mux_load(&ctx->muxes.mux[i], &j->om) == -1) {
			failed++;
			continue;
		}
		ovpn_probe(&j->om, &j->probe);
		if (ovpn_probe_up(&j->probe))
			told += j->told = down_tell_daemon(j->om.mux->name,
			    "closing");
		n++;
	}
	if (told > 0)
		sleep_ms(DOWN_CEASE_MS);
	for (i = 0; i < n; i++) {
		if ((rc = down_one(&jobs[i], m != NULL)) == -1)
			failed++;
		stopping += rc == 1;
	}
	if (m == NULL && stopping == 0 && failed == 0)
		printf("note: every mux is already down\n");
	failed += down_wait(jobs, n);
	return failed > 0 ? 1 : 0;
}

int
ovpn_cmd_down(struct ovpn_ctx *ctx, int argc, char **argv)
{
	struct down_job *jobs;
	int rc;

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "peering openvpn: down takes MUX or all\n");
		return EXIT_USAGE;
	}
	if (!ovpn_check_root("down"))
		return 1;
	if ((jobs = calloc(MUX_MAX, sizeof(*jobs))) == NULL) {
		perror("peering");
		return 1;
	}
	rc = down_run(ctx, argv[0], jobs);
	free(jobs);
	return rc;
}
