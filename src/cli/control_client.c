/* The `peering` end of the control socket. */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
control_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
control_is_live(const char *path)
{
	int fd = control_connect(path);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int
write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int
control_request(const char *path, int argc, char **argv)
{
	struct strbuf req;
	char buf[4096];
	bool first = true, error = false;
	int fd = control_connect(path), rc = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	strbuf_init(&req);
	for (int i = 0; i < argc; i++)
		strbuf_printf(&req, "%s%s", i ? " " : "", argv[i]);
	strbuf_append(&req, "\n", 1);
	if (req.failed || req.len > CONTROL_MAX_REQUEST ||
	    write_all(fd, req.s, req.len) == -1) {
		strbuf_free(&req);
		close(fd);
		errno = EMSGSIZE;
		return -1;
	}
	strbuf_free(&req);
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (first && (size_t)n >= strlen(CONTROL_ERROR_PREFIX) &&
		    memcmp(buf, CONTROL_ERROR_PREFIX,
		    strlen(CONTROL_ERROR_PREFIX)) == 0)
			error = true;
		first = false;
		fwrite(buf, 1, (size_t)n, error ? stderr : stdout);
	}
	close(fd);
	if (error)
		rc = 1;
	return rc;
}
