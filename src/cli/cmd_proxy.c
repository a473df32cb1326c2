/*
 * `peering proxy start|stop|status [MUX]` (docs/app.md, "proxy"):
 * TinyProxy on the tap's address, port 88NN, for the user's container at
 * the mux, and the routes to the container's subnets. TinyProxy is run
 * with fork + execv and a configuration we write (proxy_conf.c); the
 * routes go through netlink (nlroute.c). Its files:
 * var/tinyproxy.MUX.{conf,pid,log}.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client_paths.h"
#include "commands.h"
#include "proxy_conf.h"
#include "../announce/announce_io.h"
#include "../ctl/pidfile.h"
#include "../lib/proc.h"
#include "../netns/nlroute.h"
#include "../vpn/mux.h"

#define PROXY_WAIT_MS	5000	/* for its pid file, or its end */
#define PROXY_CONF_MAX	4096

struct proxy {
	const struct mux	*mux;
	struct client_paths	 paths;
	unsigned		 ctxid;
	struct prefix		 subnet4, subnet6, gw4, gw6;
	char			 conf[2200], pid[2200], log[2200];
};

static void
proxy_usage(FILE *f)
{
	fprintf(f,
"usage: peering proxy status\n"
"       peering proxy start MUX\n"
"       peering proxy stop MUX\n"
"\n"
"status      show running proxies (and clean up after dead ones)\n"
"start MUX   start TinyProxy for your container at MUX: on the tunnel's\n"
"            address, port 88NN (N: the tap), open to the container's\n"
"            subnet, with routes to it (needs container.txt and the tunnel)\n"
"stop MUX    stop it and remove the routes\n"
"\n"
"Root required. docs/app.md has the details.\n");
}

static int
proxy_fail(const char *fmt, const char *a)
{
	fprintf(stderr, "error: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n");
	return 1;
}

static int
proxy_paths(struct proxy *p, const char *mux_name)
{
	snprintf(p->conf, sizeof(p->conf), "%s/var/tinyproxy.%s.conf",
	    p->paths.dir, mux_name);
	snprintf(p->pid, sizeof(p->pid), "%s/var/tinyproxy.%s.pid",
	    p->paths.dir, mux_name);
	snprintf(p->log, sizeof(p->log), "%s/var/tinyproxy.%s.log",
	    p->paths.dir, mux_name);
	return 0;
}

/* The mux, container.txt and the formulas. */
static int
proxy_load(struct proxy *p, struct mux_table *t, const char *name)
{
	char err[512];

	if (announce_read_container(p->paths.dir, &p->ctxid, err,
	    sizeof(err)) == -1)
		return proxy_fail("%s", err);
	if (mux_table_load(p->paths.dir, t, err, sizeof(err)) == -1)
		return proxy_fail("%s", err);
	if (!mux_name_valid(name) || (p->mux = mux_find(t, name)) == NULL)
		return proxy_fail("[mux unknown: %s]", mux_name_valid(name) ?
		    name : "(not a mux name)");
	if (mux_container_subnet_v4(p->mux->tap, p->ctxid, &p->subnet4) ==
	    -1 || mux_container_subnet_v6(p->mux->tap, p->ctxid,
	    &p->subnet6) == -1 || mux_neighbor_v4(p->mux->tap, &p->gw4) ==
	    -1 || mux_neighbor_v6(p->mux->tap, &p->gw6) == -1)
		return proxy_fail("mux %s has no container space", name);
	return proxy_paths(p, name);
}

/* "updating (add) SUBNET via GW dev TAP", then the route; failures are
 * reported and the rest goes on, as the old script's `|| true`. */
static void
proxy_routes(const struct proxy *p, bool add)
{
	const struct prefix *dst[2] = { &p->subnet4, &p->subnet6 };
	const struct prefix *gw[2] = { &p->gw4, &p->gw6 };
	char err[256], d[PREFIX_STRLEN], g[ADDR_STRLEN];
	struct nl_sock *sk;
	struct nlr_route rt;
	int ifindex, i;

	if ((sk = nlr_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "warning: %s\n", err);
		return;
	}
	ifindex = nlr_link_index(sk, p->mux->dev, err, sizeof(err));
	for (i = 0; i < 2; i++) {
		printf("updating (%s) %s via %s dev %s\n", add ? "add" : "del",
		    prefix_format(dst[i], d, sizeof(d)), addr_format(gw[i]->af,
		    gw[i]->addr, g, sizeof(g)), p->mux->dev);
		if (ifindex <= 0)
			continue;
		rt = (struct nlr_route){ dst[i], gw[i], ifindex, 254, false };
		err[0] = '\0';
		if ((add ? nlr_route_add(sk, &rt, err, sizeof(err)) :
		    nlr_route_del(sk, &rt, err, sizeof(err))) == -1)
			fprintf(stderr, "warning: %s\n", err);
	}
	nlr_close(sk);
}

/* The pid in the pid file if a tinyproxy has it, else 0. */
static pid_t
proxy_running(const char *pidfile)
{
	pid_t pid = pidfile_read_live(pidfile);

	return proc_is_named(pid, PROXY_PROGRAM) ? pid : 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- start ---- */

/* The tap's IPv4 address: TinyProxy listens there. */
static int
proxy_listen_addr(const struct proxy *p, struct prefix *out)
{
	char err[256];
	struct nl_sock *sk;
	int i, r = -1;

	if ((sk = nlr_open(err, sizeof(err))) == NULL)
		return proxy_fail("%s", err);
	if ((i = nlr_link_index(sk, p->mux->dev, err, sizeof(err))) > 0)
		r = nlr_link_addr(sk, i, AF_IDX_IPV4, out, err, sizeof(err));
	nlr_close(sk);
	if (r == 1)
		return 0;
	if (i < 0 || (i > 0 && r < 0))
		return proxy_fail("%s", err);
	fprintf(stderr, "error: %s has no IPv4 address: the tunnel to %s is "
	    "not up (./peering openvpn up %s)\n", p->mux->dev, p->mux->name,
	    p->mux->name);
	return 1;
}

/* Written whole to a temporary file, then renamed over the old one. */
static int
write_file(const char *path, const char *text, size_t len)
{
	char tmp[2300];
	int fd;
	bool ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		return proxy_fail("%s", strerror(errno));
	ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return proxy_fail("writing %s", path);
	}
	return 0;
}

/* TinyProxy opens its log after becoming PROXY_USER: the file is made
 * here, its. */
static int
make_log(const char *path)
{
	struct passwd *pw = getpwnam(PROXY_USER);
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1)
		return proxy_fail("%s", strerror(errno));
	if (pw != NULL && fchown(fd, pw->pw_uid, pw->pw_gid) == -1) {
		close(fd);
		return proxy_fail("chown of the log: %s", strerror(errno));
	}
	close(fd);
	return 0;
}

static int
proxy_exec(const struct proxy *p, pid_t *pid)
{
	char prog[1024], err[256];
	char *argv[] = { (char *)PROXY_PROGRAM, (char *)"-c",
	    (char *)p->conf, NULL };
	long waited;
	int rc;

	if (proc_which(PROXY_PROGRAM, getenv("PATH"), prog, sizeof(prog)) ==
	    -1)
		return proxy_fail("%s is not installed (apt-get install "
		    "tinyproxy, or scripts/install-deps)", PROXY_PROGRAM);
	unlink(p->pid);
	if ((rc = proc_run(prog, argv, 022, err, sizeof(err))) != 0) {
		if (rc == -1)
			return proxy_fail("%s", err);
		return proxy_fail("tinyproxy did not start correctly, check "
		    "logs (%s)", p->log);
	}
	for (waited = 0; waited < PROXY_WAIT_MS; waited += 50) {
		if ((*pid = proxy_running(p->pid)) > 0)
			return 0;
		sleep_ms(50);
	}
	return proxy_fail("tinyproxy did not start correctly, check logs "
	    "(%s)", p->log);
}

static int
proxy_start(struct proxy *p)
{
	struct proxy_conf c;
	char text[PROXY_CONF_MAX], a[ADDR_STRLEN], s[PREFIX_STRLEN];
	pid_t pid;
	int n, rc;

	if ((pid = proxy_running(p->pid)) > 0) {
		fprintf(stderr, "error: the proxy for %s is already running "
		    "(pid %ld)\n", p->mux->name, (long)pid);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	if ((rc = proxy_listen_addr(p, &c.listen)) != 0)
		return rc;
	c.mux = p->mux->name;
	c.port = mux_proxy_port(p->mux->tap);
	c.subnet4 = p->subnet4;
	c.subnet6 = p->subnet6;
	c.pidfile = p->pid;
	c.logfile = p->log;
	if ((n = proxy_conf_text(&c, text, sizeof(text))) < 0)
		return proxy_fail("cannot write a configuration for %s (the "
		    "client directory's path holds a quote or a control "
		    "byte)", p->paths.dir);
	printf("TinyProxy addresses for %s (%s, %u)\n", p->mux->name,
	    p->mux->dev, p->mux->tap);
	printf("  local address: %s:%u\n", addr_format(AF_IDX_IPV4,
	    c.listen.addr, a, sizeof(a)), c.port);
	printf("  subnet: %s\n", prefix_format(&p->subnet4, s, sizeof(s)));
	printf("  pidfile: %s\n", p->pid);
	printf("  logfile: %s\n", p->log);
	fflush(stdout);
	if ((rc = write_file(p->conf, text, (size_t)n)) != 0 ||
	    (rc = make_log(p->log)) != 0 || (rc = proxy_exec(p, &pid)) != 0)
		return rc;
	proxy_routes(p, true);
	printf("export http_proxy=http://%s:%u/\n", a, c.port);
	return 0;
}

/* ---- stop ---- */

static int
proxy_stop(struct proxy *p)
{
	long waited;
	pid_t pid;

	if (access(p->pid, F_OK) == -1) {
		fprintf(stderr, "error: pidfile %s not found\n", p->pid);
		return 1;
	}
	if ((pid = proxy_running(p->pid)) == 0) {
		printf("pidfile: %s\n", p->pid);
		printf("process does not appear to be running. cleaning up.\n");
	} else if (kill(pid, SIGTERM) == -1 && errno != ESRCH) {
		fprintf(stderr, "error: kill %ld: %s\n", (long)pid,
		    strerror(errno));
		return 1;
	}
	for (waited = 0; pid > 0 && waited < PROXY_WAIT_MS; waited += 50) {
		if (!proc_is_named(pid, PROXY_PROGRAM))
			break;
		sleep_ms(50);
	}
	if (pid > 0 && proc_is_named(pid, PROXY_PROGRAM))
		fprintf(stderr, "warning: tinyproxy (pid %ld) still runs\n",
		    (long)pid);
	proxy_routes(p, false);
	unlink(p->pid);
	unlink(p->conf);
	return 0;
}

/* ---- status ---- */

/* "tinyproxy.MUX.pid" -> MUX when it is a mux name. */
static bool
pidfile_mux(const char *file, char *mux, size_t size)
{
	size_t len = strlen(file), pl = strlen("tinyproxy."), sl = strlen(".pid");

	if (len <= pl + sl || len - pl - sl >= size ||
	    strncmp(file, "tinyproxy.", pl) != 0 ||
	    strcmp(file + len - sl, ".pid") != 0)
		return false;
	memcpy(mux, file + pl, len - pl - sl);
	mux[len - pl - sl] = '\0';
	return mux_name_valid(mux);
}

static void
status_one(struct proxy *p, struct mux_table *t, const char *name,
    bool have_muxes)
{
	proxy_paths(p, name);
	if (proxy_running(p->pid) > 0) {
		printf("%s proxy up (%s)\n", name, p->pid);
		return;
	}
	printf("%s proxy apparently down (%s), cleaning up\n", name, p->pid);
	if (have_muxes && (p->mux = mux_find(t, name)) != NULL &&
	    mux_container_subnet_v4(p->mux->tap, p->ctxid, &p->subnet4) == 0 &&
	    mux_container_subnet_v6(p->mux->tap, p->ctxid, &p->subnet6) == 0 &&
	    mux_neighbor_v4(p->mux->tap, &p->gw4) == 0 &&
	    mux_neighbor_v6(p->mux->tap, &p->gw6) == 0)
		proxy_routes(p, false);
	unlink(p->pid);
	unlink(p->conf);
}

static int
proxy_status(struct proxy *p, struct mux_table *t)
{
	char var[2200], name[MUX_NAME_MAX + 1], err[256];
	struct dirent *de;
	bool have_muxes, any = false;
	DIR *d;

	have_muxes = announce_read_container(p->paths.dir, &p->ctxid, err,
	    sizeof(err)) == 0 && mux_table_load(p->paths.dir, t, err,
	    sizeof(err)) == 0;
	snprintf(var, sizeof(var), "%s/var", p->paths.dir);
	if ((d = opendir(var)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!pidfile_mux(de->d_name, name, sizeof(name)))
				continue;
			if (!any)
				printf("Running proxies:\n");
			any = true;
			status_one(p, t, name, have_muxes);
		}
		closedir(d);
	}
	if (!any)
		printf("No proxies running\n");
	return 0;
}

int
cmd_proxy(int argc, char **argv)
{
	struct proxy *p;
	struct mux_table *t;
	int rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		proxy_usage(stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "status") == 0 ? argc != 2 :
	    ((strcmp(argv[1], "start") != 0 && strcmp(argv[1], "stop") != 0) ||
	    argc != 3))) {
		proxy_usage(stderr);
		return EXIT_USAGE;
	}
	if (geteuid() != 0)
		return proxy_fail("peering proxy needs to run as root (sudo "
		    "./peering proxy %s ...)", argv[1]);
	p = calloc(1, sizeof(*p));
	t = malloc(sizeof(*t));
	if (p == NULL || t == NULL) {
		free(p);
		free(t);
		return proxy_fail("%s", "out of memory");
	}
	if (client_paths_get(&p->paths) == -1)
		rc = proxy_fail("%s", "cannot find the client directory");
	else if (strcmp(argv[1], "status") == 0)
		rc = proxy_status(p, t);
	else if ((rc = proxy_load(p, t, argv[2])) == 0)
		rc = strcmp(argv[1], "start") == 0 ? proxy_start(p) :
		    proxy_stop(p);
	free(t);
	free(p);
	return rc;
}
