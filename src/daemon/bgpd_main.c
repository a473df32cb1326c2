/*
 * peering-bgpd: the BGP daemon of the PEERING client. Started by
 * `./peering bgp start`; runs in the background unless -f.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgpd.h"
#include "../ctl/pidfile.h"
#include "../lib/errmsg.h"
#include "../lib/log.h"
#include "../version.h"

struct options {
	bool		foreground;
	bool		debug;
	const char	*dir;
	const char	*config;
	const char	*control;
	const char	*pidfile;
	const char	*logfile;
	long		port;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: peering-bgpd [-f] [-v] [-d DIR] [-c CONFIG] "
	    "[-s SOCKET] [-p PIDFILE]\n"
	    "                    [-l LOGFILE] [-P PORT]\n"
	    "  -f          stay in the foreground, log to stderr\n"
	    "  -v          log debug messages too\n"
	    "  -d DIR      client directory (default .): configs/, var/\n"
	    "  -c CONFIG   default DIR/configs/peering-bgpd.conf\n"
	    "  -s SOCKET   control socket, default DIR/var/peering-bgpd.sock\n"
	    "  -p PIDFILE  default DIR/var/peering-bgpd.pid\n"
	    "  -l LOGFILE  default DIR/var/peering-bgpd.log\n"
	    "  -P PORT     BGP port to listen on (default 179)\n");
}

static char *
path_in(const char *dir, const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, rel) == -1) {
		fprintf(stderr, "peering-bgpd: out of memory\n");
		exit(1);
	}
	return p;
}

static int
options_parse(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->dir = ".";
	o->port = 179;
	while ((c = getopt(argc, argv, "fvd:c:s:p:l:P:h")) != -1) {
		switch (c) {
		case 'f': o->foreground = true; break;
		case 'v': o->debug = true; break;
		case 'd': o->dir = optarg; break;
		case 'c': o->config = optarg; break;
		case 's': o->control = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'l': o->logfile = optarg; break;
		case 'P': {
			char *end;

			errno = 0;
			o->port = strtol(optarg, &end, 10);
			if (errno || *end || o->port < 1 || o->port > 65535) {
				fprintf(stderr, "peering-bgpd: -P: not a port: "
				    "%s\n", optarg);
				return -1;
			}
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static void
reload_cb(struct ev_loop *loop, struct ev_signal *w, int revents)
{
	struct bgpd *d = w->data;
	struct bgpd_reload_stats st;
	char err[1024];

	(void)loop;
	(void)revents;
	if (bgpd_reload(d, &st, err, sizeof(err)) == -1)
		log_warn("SIGHUP: %s; the running configuration is unchanged",
		    err);
	else
		log_info("SIGHUP: reconfigured: %u sessions unchanged, %u "
		    "restarted, %u added, %u removed", st.kept, st.changed,
		    st.added, st.removed);
}

static void
signal_cb(struct ev_loop *loop, struct ev_signal *w, int revents)
{
	struct bgpd *d = w->data;

	(void)revents;
	log_info("signal %d: shutting down", w->signum);
	bgpd_shutdown(d, "peering-bgpd shutting down");
	ev_break(loop, EVBREAK_ALL);
}

/*
 * var/ holds the control socket, the pid file, the log and the saved
 * announcements: made 0755 if missing; refused if another user owns it
 * or anyone else may write in it (they could replace those files).
 */
static int
var_check(const char *var, char *err, size_t errlen)
{
	struct stat sb;

	if (mkdir(var, 0755) == -1 && errno != EEXIST)
		return errmsg_fail(err, errlen, "%s: cannot create: %s", var,
		    strerror(errno));
	if (stat(var, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return errmsg_fail(err, errlen, "%s: not a directory", var);
	if (sb.st_uid != geteuid() && sb.st_uid != 0)
		return errmsg_fail(err, errlen, "%s is owned by uid %ld, not "
		    "by root: refused (run: chown root: %s)", var,
		    (long)sb.st_uid, var);
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return errmsg_fail(err, errlen, "%s is writable by %s: "
		    "refused (run: chmod go-w %s)", var, sb.st_mode & S_IWOTH ?
		    "others" : "its group", var);
	return 0;
}

/* The log: appended to, never through a symlink, mode 0640. */
static FILE *
log_file_open(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY, 0640);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == ELOOP ? " (a symbolic link: refused)" : "");
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/*
 * glibc backs the heap with transparent huge pages when its tunable
 * glibc.malloc.hugetlb is 1 (madvise: nothing is reserved). The RIB's
 * millions of small objects are read at random, and with 4 KiB pages
 * most of those reads also miss the TLB: bench-rib S5 took 48 s of CPU
 * without, 33 s with, in the same memory (bench/README.md). glibc reads
 * its tunables only when a program starts, so the daemon starts itself
 * once more with it set. A GLIBC_TUNABLES naming it already is left as
 * it is (=0 turns it off); without /proc, the daemon goes on as it is.
 */
static void
hugepages_reexec(char **argv)
{
	static const char tunable[] = "glibc.malloc.hugetlb";
	const char *old = getenv("GLIBC_TUNABLES");
	char buf[1024];
	int n;

	if (old != NULL && strstr(old, tunable) != NULL)
		return;
	n = snprintf(buf, sizeof(buf), "%s%s%s=1", old != NULL ? old : "",
	    old != NULL && old[0] != '\0' ? ":" : "", tunable);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    setenv("GLIBC_TUNABLES", buf, 1) == -1)
		return;
	execv("/proc/self/exe", argv);
	if (old != NULL)
		setenv("GLIBC_TUNABLES", old, 1);
	else
		unsetenv("GLIBC_TUNABLES");
}

/* Into the background; the parent exits once the child is set up. */
static int
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

/* The files of the client directory unless given on the command line. */
static void
paths_resolve(const struct options *o, struct bgpd_paths *paths)
{
	paths->client_dir = o->dir;
	paths->config = o->config ? o->config :
	    path_in(o->dir, "configs/peering-bgpd.conf");
	paths->config_optional = o->config == NULL;
	paths->control = o->control ? o->control :
	    path_in(o->dir, "var/peering-bgpd.sock");
	paths->pidfile = o->pidfile ? o->pidfile :
	    path_in(o->dir, "var/peering-bgpd.pid");
	paths->logfile = o->logfile ? o->logfile :
	    path_in(o->dir, "var/peering-bgpd.log");
}

/* Unless in the foreground: the log file from now on, and into the
 * background. -1 with err. */
static int
background(const struct options *o, const struct bgpd_paths *paths,
    FILE **log, char *err, size_t errlen)
{
	if (o->foreground)
		return 0;
	if ((*log = log_file_open(paths->logfile, err, errlen)) == NULL)
		return -1;
	log_open(*log, o->debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (daemonize() == -1) {
		snprintf(err, errlen, "cannot daemonize: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The pid written and the daemon started; on failure, said in the log
 * and on stderr, and everything undone. */
static int
start(struct bgpd *d, const struct bgpd_paths *paths, int pidfd)
{
	char err[1024] = "";

	if (pidfile_write(pidfd) == 0 &&
	    bgpd_start(d, err, sizeof(err)) == 0) {
		log_info("peering-bgpd %s started: %u sessions",
		    PEERING_VERSION, d->n_sessions);
		return 0;
	}
	if (err[0] == '\0')
		snprintf(err, sizeof(err), "%s: %s", paths->pidfile,
		    strerror(errno));
	log_warn("%s", err);
	fprintf(stderr, "peering-bgpd: %s\n", err);
	bgpd_shutdown(d, "peering-bgpd failed to start");
	unlink(paths->pidfile);
	return -1;
}

/* The loop until a stop: SIGTERM and SIGINT stop, SIGHUP reloads. */
static void
run(struct bgpd *d, struct ev_loop *loop)
{
	struct ev_signal sig_term, sig_int, sig_hup;

	ev_signal_init(&sig_term, signal_cb, SIGTERM);
	ev_signal_init(&sig_int, signal_cb, SIGINT);
	ev_signal_init(&sig_hup, reload_cb, SIGHUP);
	sig_term.data = sig_int.data = sig_hup.data = d;
	ev_signal_start(loop, &sig_term);
	ev_signal_start(loop, &sig_int);
	ev_signal_start(loop, &sig_hup);
	ev_run(loop, 0);
}

int
main(int argc, char **argv)
{
	static struct bgpd d;
	struct options o;
	struct bgpd_paths paths;
	struct ev_loop *loop;
	char err[1024], var[PATH_MAX];
	FILE *log = NULL;
	int pidfd;

	/* First: getopt may reorder argv. */
	hugepages_reexec(argv);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("peering-bgpd %s\n", PEERING_VERSION);
		return 0;
	}
	if (options_parse(argc, argv, &o) == -1)
		return 2;
	loop = EV_DEFAULT;
	paths_resolve(&o, &paths);
	snprintf(var, sizeof(var), "%s/var", o.dir);
	/* Whatever umask we were started with, nothing we create is
	 * writable by others (each file also gets its own mode). */
	umask(022);
	log_open(NULL, o.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	signal(SIGPIPE, SIG_IGN);
	if (var_check(var, err, sizeof(err)) == -1 ||
	    (pidfd = pidfile_claim(paths.pidfile, paths.control, err,
	    sizeof(err))) == -1 ||
	    bgpd_init(&d, loop, &paths, err, sizeof(err)) == -1 ||
	    background(&o, &paths, &log, err, sizeof(err)) == -1) {
		fprintf(stderr, "peering-bgpd: %s\n", err);
		return 1;
	}
	d.bgp_port = (uint16_t)o.port;
	if (start(&d, &paths, pidfd) == -1)
		return 1;
	run(&d, loop);
	unlink(paths.pidfile);
	close(pidfd);		/* the lock goes last */
	log_info("peering-bgpd stopped");
	if (log != NULL)
		fclose(log);
	return 0;
}
