/*
 * ctl_peer: the odd clients and the odd daemon that tests/daemon/control.sh
 * needs on a control socket.
 *
 *   ctl_peer hold SOCKET N [TEXT]
 *	opens N connections that send TEXT (no newline) or nothing, prints
 *	"connected N", then one line per connection as the daemon closes it:
 *	"closed: BYTES" (what it sent, \n written as \\n). Exits 0 once all
 *	are closed, 1 if some are still open after 30 s.
 *   ctl_peer fake SOCKET MODE PIDFILE
 *	a stand-in daemon until killed, holding PIDFILE locked with its pid
 *	in it as the daemon does; prints "ready" once it listens.
 *	MODE close: closes each connection at once, reading nothing;
 *	read-close: reads the request line, closes without a reply;
 *	cut: reads it, sends part of a reply (no status line), closes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOLD	600

static int
sock_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		fprintf(stderr, "ctl_peer: %s: path too long\n", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

static void
print_escaped(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(p[i]);
	}
}

static int
hold(const char *path, int n, const char *text)
{
	struct sockaddr_un sun;
	struct pollfd pfd[MAX_HOLD];
	char got[MAX_HOLD][512];
	size_t got_len[MAX_HOLD];
	int open_left = n;
	time_t end = time(NULL) + 30;

	if (n < 1 || n > MAX_HOLD || sock_addr(path, &sun) == -1)
		return 2;
	for (int i = 0; i < n; i++) {
		pfd[i].fd = socket(AF_UNIX, SOCK_STREAM, 0);
		pfd[i].events = POLLIN;
		got_len[i] = 0;
		if (pfd[i].fd < 0 || connect(pfd[i].fd,
		    (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			fprintf(stderr, "ctl_peer: connect %s: %s\n", path,
			    strerror(errno));
			return 2;
		}
		if (text != NULL && send(pfd[i].fd, text, strlen(text),
		    MSG_NOSIGNAL) < 0)
			return 2;
	}
	printf("connected %d\n", n);
	fflush(stdout);
	while (open_left > 0 && time(NULL) < end) {
		if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR)
			return 2;
		for (int i = 0; i < n; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			r = recv(pfd[i].fd, got[i] + got_len[i],
			    sizeof(got[i]) - got_len[i], 0);
			if (r > 0) {
				got_len[i] += (size_t)r;
				if (got_len[i] < sizeof(got[i]))
					continue;
			}
			printf("closed: ");
			print_escaped(got[i], got_len[i]);
			printf("\n");
			fflush(stdout);
			close(pfd[i].fd);
			pfd[i].fd = -1;
			open_left--;
		}
	}
	if (open_left > 0)
		printf("still open %d\n", open_left);
	return open_left > 0;
}

/* The request line, as far as it comes. */
static void
read_request(int fd)
{
	char req[4096];
	size_t len = 0;
	ssize_t r;

	while (len < sizeof(req) && (r = recv(fd, req + len,
	    sizeof(req) - len, 0)) > 0) {
		len += (size_t)r;
		if (req[len - 1] == '\n')
			break;
	}
}

static void
serve(int fd, const char *mode)
{
	if (strcmp(mode, "close") == 0)
		return;
	read_request(fd);
	if (strcmp(mode, "cut") == 0)
		(void)!send(fd, "name af state\npart", 18, MSG_NOSIGNAL);
}

static int
fake(const char *path, const char *mode, const char *pidfile)
{
	struct sockaddr_un sun;
	char pid[32];
	int lfd, fd, pfd;

	if (sock_addr(path, &sun) == -1)
		return 2;
	/* The daemon's pid file as the daemon keeps it: locked, so that
	 * `peering bgp stop` takes this process for the daemon. */
	if ((pfd = open(pidfile, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    flock(pfd, LOCK_EX | LOCK_NB) == -1 ||
	    write(pfd, pid, (size_t)snprintf(pid, sizeof(pid), "%ld\n",
	    (long)getpid())) <= 0) {
		fprintf(stderr, "ctl_peer: %s: %s\n", pidfile, strerror(errno));
		return 2;
	}
	unlink(path);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 16) == -1) {
		fprintf(stderr, "ctl_peer: %s: %s\n", path, strerror(errno));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			return 2;
		}
		serve(fd, mode);
		close(fd);
	}
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && argc <= 5 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2], atoi(argv[3]), argc == 5 ? argv[4] : NULL);
	if (argc == 5 && strcmp(argv[1], "fake") == 0)
		return fake(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: ctl_peer hold SOCKET N [TEXT] | "
	    "fake SOCKET close|read-close|cut PIDFILE\n");
	return 2;
}
