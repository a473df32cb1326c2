/*
 * Whole-file replacement: write, fsync, rename, fsync the directory.
 */
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"

int
atomicfile_write_all(int fd, const char *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The rename is durable only once the directory is on disk. */
static int
fsync_dir(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errmsg_fail(err, errlen, "%s: open: %s", dir,
		    strerror(errno));
	rc = fsync(fd);
	if (rc == -1)
		errmsg_fail(err, errlen, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

int
atomicfile_write(const char *path, const char *text, size_t len, char *err,
    size_t errlen)
{
	char tmp[4096 + 8];
	const char *op = NULL;
	int fd, saved = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return errmsg_fail(err, errlen, "%s: path too long", path);
	/* No symlink followed; fchmod since O_TRUNC keeps an old mode. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return errmsg_fail(err, errlen, "%s: open: %s", tmp,
		    strerror(errno));
	if (fchmod(fd, 0600) == -1)
		op = "fchmod";
	else if (atomicfile_write_all(fd, text, len) == -1)
		op = "write";
	else if (fsync(fd) == -1)
		op = "fsync";
	saved = errno;
	if (close(fd) == -1 && op == NULL) {
		op = "close";
		saved = errno;
	}
	if (op == NULL && rename(tmp, path) == -1) {
		op = "rename";
		saved = errno;
	}
	if (op != NULL) {
		unlink(tmp);
		return errmsg_fail(err, errlen, "%s: %s%s%s: %s", tmp, op,
		    op[0] == 'r' ? " to " : "", op[0] == 'r' ? path : "",
		    strerror(saved));
	}
	return fsync_dir(path, err, errlen);
}
