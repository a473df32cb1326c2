/*
 * `peering bgp start|stop|status|cli` and `peering bgp6 ...`: one daemon
 * carries both families (BIRD and BIRD6 were two); `bgp6` keeps users'
 * scripts working and narrows `status` to the IPv6 sessions.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client_paths.h"
#include "commands.h"
#include "../ctl/control.h"
#include "../ctl/pidfile.h"
#include "../lib/clock.h"

static void
bgp_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: peering %s start|stop|status [--json]|cli "
	    "[COMMAND...]|adv MUX [--json]|events [--best] [--json]\n", cmd);
}

static int
bgp_start(const struct client_paths *p)
{
	char *const argv[] = { (char *)p->bgpd, (char *)"-d", (char *)p->dir,
	    NULL };
	pid_t pid;
	int status;

	if (control_is_live(p->control)) {
		printf("peering-bgpd is already running\n");
		return 0;
	}
	/* No shell: the program and its arguments go straight to exec. */
	if ((pid = fork()) < 0) {
		perror("peering: fork");
		return 1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		execv(p->bgpd, argv);
		fprintf(stderr, "peering: cannot run %s: %s\n", p->bgpd,
		    strerror(errno));
		_exit(127);
	}
	/* The daemon's first process exits once it is in the background,
	 * or with an error it has printed. */
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 1;
	for (int i = 0; i < 100; i++) {
		if (control_is_live(p->control)) {
			struct pidfile_state st;

			pidfile_probe(p->pidfile, &st);
			printf("peering-bgpd started (pid %ld)\n", (long)st.pid);
			return 0;
		}
		sleep_ms(50);
	}
	fprintf(stderr, "peering: peering-bgpd did not come up; see %s\n",
	    p->logfile);
	return 1;
}

/*
 * The withdrawals before the stop, confirmed; else the daemon is left
 * running: stopped, it would keep the announcements and make them again
 * at the next start. Returns 0, or 1 with the failure printed.
 */
static int
bgp_stop_withdraw(const struct client_paths *p, pid_t pid)
{
	char *clear[] = { (char *)"clear", (char *)"announcements" };
	enum control_result rc = control_request(p->control, 2, clear);

	if (rc == CONTROL_OK)
		return 0;
	if (rc == CONTROL_NOT_SENT)
		fprintf(stderr, "peering: cannot reach peering-bgpd (%s: %s)\n",
		    p->control, strerror(errno));
	if (kill(pid, 0) == 0)
		fprintf(stderr, "peering: peering-bgpd did not confirm "
		    "withdrawing the announcements, so it was not stopped: "
		    "try again (kill %ld stops it and keeps them for the next "
		    "start)\n", (long)pid);
	else
		fprintf(stderr, "peering: peering-bgpd ended without "
		    "confirming the withdrawals: the next bgp start announces "
		    "what it kept (then bgp stop withdraws it)\n");
	return 1;
}

static int
bgp_stop(const struct client_paths *p)
{
	struct pidfile_state st;
	char stale[512];
	pid_t pid;

	/* Only a pid file the daemon holds locked names it: a stale one may
	 * name another program by now, which is never signalled. */
	pidfile_probe(p->pidfile, &st);
	pid = st.pid;
	for (int i = 0; pid == -1 && i < 100; i++) {	/* still starting */
		sleep_ms(50);
		pidfile_probe(p->pidfile, &st);
		pid = st.pid;
	}
	if (pid <= 0) {
		pidfile_stale_text(p->pidfile, &st, stale, sizeof(stale));
		if (stale[0] != '\0')
			printf("peering-bgpd is not running (%s)\n", stale);
		else
			printf("peering-bgpd is not running\n");
		return 0;
	}
	/* An explicit stop ends the announcements and their source-routing
	 * rules, as it always did; a crash or kill keeps them. */
	if (bgp_stop_withdraw(p, pid) != 0)
		return 1;
	if (kill(pid, SIGTERM) == -1) {
		fprintf(stderr, "peering: cannot stop pid %ld: %s\n", (long)pid,
		    strerror(errno));
		return 1;
	}
	for (int i = 0; i < 200; i++) {
		if (kill(pid, 0) == -1 && errno == ESRCH) {
			printf("peering-bgpd stopped\n");
			return 0;
		}
		sleep_ms(50);
	}
	fprintf(stderr, "peering: peering-bgpd (pid %ld) did not stop in 10 "
	    "seconds\n", (long)pid);
	return 1;
}

/* The exit status of a request, and what to say when it was not sent. */
static int
bgp_result(const struct client_paths *p, enum control_result rc)
{
	if (rc == CONTROL_NOT_SENT)
		fprintf(stderr, "peering: peering-bgpd is not running (%s: %s); "
		    "start it with ./peering bgp start\n", p->control,
		    strerror(errno));
	return rc == CONTROL_OK ? 0 : 1;
}

static int
bgp_request(const struct client_paths *p, int argc, char **argv)
{
	return bgp_result(p, control_request(p->control, argc, argv));
}

static int
bgp_status(const struct client_paths *p, bool v6, int argc, char **argv)
{
	char *req[4] = { (char *)"show", (char *)"protocols",
	    (char *)(v6 ? "ipv6" : "ipv4"), NULL };
	int n = 3;

	if (argc == 1 && strcmp(argv[0], "--json") == 0)
		req[n++] = (char *)"json";
	else if (argc != 0) {
		fprintf(stderr, "peering: status takes only --json\n");
		return EXIT_USAGE;
	}
	return bgp_request(p, n, req);
}

/* Without words: one request per line typed, as birdc did. */
static int
bgp_cli(const struct client_paths *p, int argc, char **argv)
{
	char line[CONTROL_MAX_REQUEST], *words[CONTROL_MAX_WORDS];
	const char *why;
	int rc = 0;

	if (argc > 0)
		return bgp_request(p, argc, argv);
	while (fputs("peering-bgpd> ", stdout), fflush(stdout),
	    fgets(line, sizeof(line), stdin) != NULL) {
		int n = control_parse_request(line, strlen(line), words,
		    CONTROL_MAX_WORDS, &why);

		if (n == -1) {
			if (strcmp(why, "empty request") != 0)
				fprintf(stderr, "peering: %s\n", why);
			continue;
		}
		if (strcmp(words[0], "quit") == 0 ||
		    strcmp(words[0], "exit") == 0)
			break;
		rc = bgp_request(p, n, words);
	}
	return rc;
}

/* What is exported to a mux, as `birdc show route export` showed it. */
static int
bgp_adv(const struct client_paths *p, int argc, char **argv)
{
	char *req[3] = { (char *)"adv", NULL, (char *)"json" };

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		argc = 3;
	else if (argc != 1) {
		fprintf(stderr, "peering: usage: bgp adv MUX [--json]\n");
		return EXIT_USAGE;
	}
	req[1] = argv[0];
	return bgp_request(p, argc == 3 ? 3 : 2, req);
}

/* Sessions, requests, UPDATEs (and with --best, best-route changes) as
 * they happen, until interrupted (docs/control.md, "Events"). */
static int
bgp_events(const struct client_paths *p, int argc, char **argv)
{
	char *req[3] = { (char *)"events" };
	int n = 1;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0 && n < 3)
			req[n++] = (char *)"json";
		else if (strcmp(argv[i], "--best") == 0 && n < 3)
			req[n++] = (char *)"best";
		else {
			fprintf(stderr, "peering: usage: bgp events [--best] "
			    "[--json]\n");
			return EXIT_USAGE;
		}
	return bgp_result(p, control_request_stream(p->control, n, req));
}

static int
bgp_main(int argc, char **argv, bool v6)
{
	struct client_paths p;

	if (argc < 2) {
		bgp_usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if (client_paths_get(&p) == -1) {
		fprintf(stderr, "peering: cannot find the client directory\n");
		return 1;
	}
	if (strcmp(argv[1], "start") == 0 && argc == 2)
		return bgp_start(&p);
	if (strcmp(argv[1], "stop") == 0 && argc == 2)
		return bgp_stop(&p);
	if (strcmp(argv[1], "status") == 0)
		return bgp_status(&p, v6, argc - 2, argv + 2);
	if (strcmp(argv[1], "cli") == 0)
		return bgp_cli(&p, argc - 2, argv + 2);
	if (strcmp(argv[1], "adv") == 0)
		return bgp_adv(&p, argc - 2, argv + 2);
	if (strcmp(argv[1], "events") == 0)
		return bgp_events(&p, argc - 2, argv + 2);
	bgp_usage(stderr, argv[0]);
	return EXIT_USAGE;
}

int
cmd_bgp(int argc, char **argv)
{
	return bgp_main(argc, argv, false);
}

int
cmd_bgp6(int argc, char **argv)
{
	return bgp_main(argc, argv, true);
}
