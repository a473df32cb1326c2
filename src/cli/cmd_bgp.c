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
#include "shell.h"
#include "../ctl/control.h"
#include "../ctl/pidfile.h"
#include "../lib/clock.h"

static void
bgp_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: peering %s start|stop|status [--json]|cli "
	    "[COMMAND...]|adv MUX [--json]|routes [--json] [FILTER...]|"
	    "events [--best] [--json]\n", cmd);
}

/* `peering bgp --help`: every verb, as the old client's `./peering bgp`
 * listed them. */
static void
bgp_help(const char *cmd)
{
	bool v6 = strcmp(cmd, "bgp6") == 0;
	const char *fam = v6 ? "IPv6" : "IPv4";

	bgp_usage(stdout, cmd);
	printf("\n"
"One daemon, peering-bgpd, carries the IPv4 and the IPv6 sessions (BIRD and\n"
"BIRD6 were two); `bgp` and `bgp6` keep the old commands working.\n"
"\n");
	if (v6)
		printf(
"  start         start peering-bgpd (both families), or, when it runs with\n"
"                the IPv6 sessions stopped, bring them back\n"
"  stop          end the IPv6 sessions and withdraw the IPv6 announcements\n"
"                only; when IPv4 is stopped too, stop the daemon\n");
	else
		printf(
"  start         start peering-bgpd: sessions on every tunnel that is up,\n"
"                the others wait in Idle for theirs\n"
"  stop          withdraw every announcement (and its source-routing rule),\n"
"                end every session and stop the daemon; routes stay in\n"
"                table 20000\n");
	printf(
"  status        one line per %s session: name, af, state, since, info\n"
"      --json    the sessions and counters as one JSON object\n"
"  adv MUX       the %s announcements MUX is to hear and what it was\n"
"                really sent (next hop, AS path, communities)\n"
"      --json    as one JSON object\n"
"  routes [FILTER...]  every path the muxes sent, streamed as it comes\n"
"      --json    one JSON object per path per line (`routes --help`)\n"
"  cli [COMMAND] one command to the daemon, or, without one, the\n"
"                interactive shell (`?` lists commands, tab completes;\n"
"                `peering bgp cli help` lists them)\n"
"  events        what happens, as it happens, until interrupted: sessions\n"
"                up and down, announcement requests, each UPDATE sent\n"
"      --best    also the RIB's best-route changes\n"
"      --json    one JSON object per line (docs/control.md)\n"
"\n"
"docs/daemon.md describes the daemon and its control commands;\n"
"docs/control.md the control protocol.\n", fam, fam);
}

/* What the daemon says when neither family runs (control_cmds.c). */
#define ALL_STOPPED	"no family is running"

/* One request whose reply is kept (and printed unless quiet); the
 * outcome as bgp_request's. */
static int
bgp_ask(const struct client_paths *p, int argc, char **argv,
    struct strbuf *body)
{
	char why[512];
	enum control_result rc = control_call(p->control, argc, argv,
	    control_sink_strbuf, body, why, sizeof(why));

	if (rc == CONTROL_NOT_SENT)
		fprintf(stderr, "peering: peering-bgpd is not running (%s: %s); "
		    "start it with ./peering bgp start\n", p->control,
		    strerror(errno));
	else if (rc == CONTROL_LOST)
		fprintf(stderr, "peering: %s\n", why);
	else if (rc == CONTROL_REFUSED)
		fprintf(stderr, "%.*s", (int)body->len, body->s);
	return rc == CONTROL_OK ? 0 : 1;
}

/* `bgp start` / `bgp6 start` with the daemon running: the family back,
 * if it was stopped. */
static int
bgp_start_family(const struct client_paths *p, bool v6)
{
	char *req[2] = { (char *)"start", (char *)(v6 ? "ipv6" : "ipv4") };
	struct strbuf body;
	int rc;

	strbuf_init(&body);
	if ((rc = bgp_ask(p, 2, req, &body)) == 0) {
		if (body.len > 0 && strstr(body.s, "running already") != NULL)
			printf("peering-bgpd is already running\n");
		else
			printf("%.*s", (int)body.len, body.s);
	}
	strbuf_free(&body);
	return rc;
}

static int
bgp_start(const struct client_paths *p, bool v6)
{
	char *const argv[] = { (char *)p->bgpd, (char *)"-d", (char *)p->dir,
	    NULL };
	pid_t pid;
	int status;

	if (control_is_live(p->control))
		return bgp_start_family(p, v6);
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

/*
 * `bgp6 stop`: the IPv6 sessions end and the IPv6 announcements are
 * withdrawn, as stopping BIRD6 did; IPv4 runs on. When no family is left
 * running, the daemon is stopped as `bgp stop` does.
 */
static int
bgp6_stop(const struct client_paths *p)
{
	char *req[2] = { (char *)"stop", (char *)"ipv6" };
	struct strbuf body;
	bool all;
	int rc;

	if (!control_is_live(p->control))
		return bgp_stop(p);
	strbuf_init(&body);
	rc = bgp_ask(p, 2, req, &body);
	if (rc == 0)
		printf("%.*s", (int)body.len, body.s);
	all = rc == 0 && body.len > 0 && strstr(body.s, ALL_STOPPED) != NULL;
	strbuf_free(&body);
	fflush(stdout);
	return all ? bgp_stop(p) : rc;
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

/* A request as typed; `events` is a subscription, silent for as long as
 * nothing happens: no read timeout once it is sent. */
int
bgp_control(const struct client_paths *p, int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "events") == 0)
		return bgp_result(p, control_request_stream(p->control, argc,
		    argv));
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
	return bgp_control(p, n, req);
}

/* One command, or the shell (shell.c): words as birdc users type them. */
static int
bgp_cli(const struct client_paths *p, int argc, char **argv)
{
	int rc;

	if (argc == 0)
		return shell_run(p);
	/* The daemon's own list (its streamed reply), as before the shell. */
	if (argc == 1 && strcmp(argv[0], "help") == 0)
		return bgp_control(p, argc, argv);
	rc = shell_command(p, argc, argv);
	return rc == SHELL_QUIT ? 0 : rc;
}

/* What a mux was sent, as `birdc show route export` showed it: bgp adv
 * the IPv4 side, bgp6 adv the IPv6 side. */
static int
bgp_adv(const struct client_paths *p, bool v6, int argc, char **argv)
{
	char *req[4] = { (char *)"adv", NULL, (char *)(v6 ? "ipv6" : "ipv4"),
	    (char *)"json" };

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		argc = 4;
	else if (argc != 1) {
		fprintf(stderr, "peering: usage: bgp%s adv MUX [--json]\n",
		    v6 ? "6" : "");
		return EXIT_USAGE;
	}
	req[1] = argv[0];
	return bgp_control(p, argc == 4 ? 4 : 3, req);
}

static void
bgp_routes_usage(FILE *f)
{
	fprintf(f,
"usage: peering bgp routes [--json] [FILTER...]\n"
"Every path the daemon holds (what the muxes sent), as it arrives from the\n"
"daemon: with --json one JSON object per path per line (docs/daemon.md),\n"
"else one line per path as `show route` prints it.\n"
"Filters (all must hold):\n"
"  ipv4 | ipv6              one family\n"
"  PREFIX                   exactly this prefix\n"
"  for ADDR                 the longest prefix that covers ADDR\n"
"  in PREFIX                PREFIX and its more-specifics\n"
"  mux NAME                 paths from this mux (or neighbor)\n"
"  upstream N               through upstream peer N (next hop\n"
"                           100.(64+tap).N/256.N%%256)\n"
"  as N                     AS N anywhere in the AS path\n"
"  origin-as N              the path ends with AS N\n"
"  community A:B            has this community\n"
"  large-community A:B:C    has this large community\n"
"  best                     only each prefix's best path\n");
}

/* routes [--json] [FILTER...]: the daemon's `routes` request. */
static int
bgp_routes(const struct client_paths *p, int argc, char **argv)
{
	char *req[CONTROL_MAX_WORDS];
	bool json = false;
	int n = 0;

	req[n++] = (char *)"routes";
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			bgp_routes_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		if (argv[i][0] == '-' || n >= CONTROL_MAX_WORDS - 1) {
			fprintf(stderr, "peering: bgp routes: %s: %s\n",
			    argv[i][0] == '-' ? "unknown option" :
			    "too many words", argv[i]);
			bgp_routes_usage(stderr);
			return EXIT_USAGE;
		}
		req[n++] = argv[i];
	}
	if (!json)
		req[n++] = (char *)"text";
	return bgp_control(p, n, req);
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
	if (strcmp(argv[1], "routes") == 0)
		for (int i = 2; i < argc; i++)
			if (strcmp(argv[i], "-h") == 0 ||
			    strcmp(argv[i], "--help") == 0) {
				bgp_routes_usage(stdout);
				return 0;
			}
	if (cli_help_word(argv[1]) && argc == 2) {
		bgp_help(argv[0]);
		return 0;
	}
	if (client_paths_get(&p) == -1) {
		fprintf(stderr, "peering: cannot find the client directory\n");
		return 1;
	}
	if (strcmp(argv[1], "start") == 0 && argc == 2)
		return bgp_start(&p, v6);
	if (strcmp(argv[1], "stop") == 0 && argc == 2)
		return v6 ? bgp6_stop(&p) : bgp_stop(&p);
	if (strcmp(argv[1], "status") == 0)
		return bgp_status(&p, v6, argc - 2, argv + 2);
	if (strcmp(argv[1], "cli") == 0)
		return bgp_cli(&p, argc - 2, argv + 2);
	if (strcmp(argv[1], "adv") == 0)
		return bgp_adv(&p, v6, argc - 2, argv + 2);
	if (strcmp(argv[1], "events") == 0)
		return bgp_events(&p, argc - 2, argv + 2);
	if (strcmp(argv[1], "routes") == 0)
		return bgp_routes(&p, argc - 2, argv + 2);
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
