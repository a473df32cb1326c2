#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "../lib/log.h"

/* The number in an open pid file, or 0. */
static pid_t
pid_parse_fd(int fd)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || pid <= 0 || pid > 0x7fffffff ||
	    (*end != '\n' && *end != '\0'))
		return 0;
	return (pid_t)pid;
}

static bool
pid_alive(pid_t pid)
{
	return pid > 0 && !(kill(pid, 0) == -1 && errno == ESRCH);
}

pid_t
pidfile_read_live(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	pid_t pid;

	if (fd < 0)
		return 0;
	pid = pid_parse_fd(fd);
	close(fd);
	return pid_alive(pid) ? pid : 0;
}

void
pidfile_probe(const char *path, struct pidfile_state *st)
{
	struct stat sb;
	int fd;
	pid_t pid;

	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return;
	}
	pid = pid_parse_fd(fd);
	/* A shared lock we can take means no daemon holds its own. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		st->stale_pid = pid;
		st->stale_alive = pid_alive(pid);
	} else if (errno == EWOULDBLOCK)
		st->pid = pid > 0 ? pid : -1;	/* -1: still starting */
	close(fd);
}

void
pidfile_stale_text(const char *path, const struct pidfile_state *st,
    char *buf, size_t size)
{
	if (st->stale_pid <= 0)
		snprintf(buf, size, "%s", "");
	else if (st->stale_alive)
		snprintf(buf, size, "stale pid file %s: pid %ld is another "
		    "program now, left alone", path, (long)st->stale_pid);
	else
		snprintf(buf, size, "stale pid file %s: pid %ld is gone", path,
		    (long)st->stale_pid);
}

int
pidfile_claim(const char *pidfile, const char *control, char *err,
    size_t errlen)
{
	struct stat sb;
	pid_t other;
	int fd;

	fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s%s", pidfile, strerror(errno),
		    errno == ELOOP ? " (a symbolic link: refused)" : "");
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", pidfile);
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		other = pid_parse_fd(fd);
		errno = saved;
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "peering-bgpd is already running "
			    "(pid %ld, %s)", (long)other, pidfile);
		else
			snprintf(err, errlen, "%s: cannot lock: %s", pidfile,
			    strerror(errno));
		close(fd);
		return -1;
	}
	/* Ours now: whatever number is in it is stale. */
	if ((other = pid_parse_fd(fd)) > 0)
		log_info("%s held pid %ld of an earlier run (%s): replaced",
		    pidfile, (long)other, pid_alive(other) ?
		    "another program has that pid now" : "gone");
	if (control_is_live(control)) {
		snprintf(err, errlen, "a daemon answers on %s already",
		    control);
		close(fd);
		return -1;
	}
	if (unlink(control) == 0)
		log_info("removed a stale control socket %s", control);
	if (ftruncate(fd, 0) == -1) {
		snprintf(err, errlen, "%s: %s", pidfile, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
pidfile_write(int fd)
{
	char buf[32];
	int len;

	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, buf, (size_t)len, 0) != len)
		return -1;
	return fsync(fd);
}
