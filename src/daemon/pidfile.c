#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/control.h"
#include "../lib/log.h"

pid_t
pidfile_read_live(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || pid <= 0 || (*end != '\n' && *end != '\0'))
		return 0;
	if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		return 0;
	return (pid_t)pid;
}

int
pidfile_claim(const char *pidfile, const char *control, char *err,
    size_t errlen)
{
	pid_t pid = pidfile_read_live(pidfile);

	if (pid > 0 && pid != getpid()) {
		snprintf(err, errlen, "peering-bgpd is already running "
		    "(pid %ld, %s)", (long)pid, pidfile);
		return -1;
	}
	if (control_is_live(control)) {
		snprintf(err, errlen, "a daemon answers on %s already",
		    control);
		return -1;
	}
	if (unlink(control) == 0)
		log_info("removed a stale control socket %s", control);
	if (unlink(pidfile) == 0)
		log_info("removed a stale pid file %s", pidfile);
	return 0;
}

int
pidfile_write(const char *path)
{
	char buf[32];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	return close(fd);
}
