#include "th_netns.h"

#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int	th_netns_report_fd = -1;

/* The child: a new namespace, the scenario, and a normal exit so that
 * LeakSanitizer checks it. */
static void
child_run(int fd, unsigned alarm_secs, void (*fn)(void))
{
	char msg[256];

	th_netns_report_fd = fd;
	alarm(alarm_secs);	/* a stuck child must not hang the run */
	if (unshare(CLONE_NEWNET) == -1) {
		snprintf(msg, sizeof(msg), "unshare: %s", strerror(errno));
		if (write(fd, msg, strlen(msg)) < 0)
			_exit(2);
		_exit(TH_NETNS_SKIPPED);
	}
	fn();
	exit(0);
}

void
th_in_netns(const char *module, const char *what, unsigned alarm_secs,
    void (*fn)(void))
{
	char msg[2048];
	ssize_t n;
	size_t len = 0;
	int fds[2], status;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "%s %s: skipped, needs root for a network "
		    "namespace\n", module, what);
		return;
	}
	ck_assert_int_eq(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		close(fds[0]);
		child_run(fds[1], alarm_secs, fn);
	}
	close(fds[1]);
	while (len < sizeof(msg) - 1 &&
	    ((n = read(fds[0], msg + len, sizeof(msg) - 1 - len)) > 0 ||
	    (n == -1 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	msg[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1)
		ck_assert_int_eq(errno, EINTR);
	if (WIFEXITED(status) && WEXITSTATUS(status) == TH_NETNS_SKIPPED) {
		fprintf(stderr, "%s %s: skipped, %s\n", module, what, msg);
		return;
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s %s: %s (child status 0x%x)", module, what,
	    len ? msg : "no message (see stderr: sanitizer?)", status);
}

int
th_other_route_socket(int skip_fd)
{
	int fd, found = -1, n = 0, v;
	socklen_t len;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(v);
		if (fd == skip_fd ||
		    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1 ||
		    v != AF_NETLINK)
			continue;
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
		    v == NETLINK_ROUTE) {
			found = fd;
			n++;
		}
	}
	return n == 1 ? found : -1;
}
