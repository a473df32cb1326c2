/*
 * netns: a named namespace is a bind mount of /proc/self/ns/net on a
 * file of the run directory. The run directory is made a shared mount
 * first (bind-mounted on itself if it is not a mount point), so that
 * namespaces added later show in mount namespaces made from this one, as
 * `ip netns add` does.
 */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "../lib/errmsg.h"

#define NETNS_PATH_MAX	512

const char *
netns_dir(void)
{
	const char *d = getenv(NETNS_DIR_ENV);

	return d != NULL && d[0] == '/' ? d : NETNS_RUN_DIR;
}

static int
netns_path(const char *dir, const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size || strchr(name, '/') != NULL ? -1 :
	    0;
}

bool
netns_exists(const char *dir, const char *name)
{
	char path[NETNS_PATH_MAX];
	struct statfs sf;

	/* A plain file is a namespace only when one is mounted on it. */
	return netns_path(dir, name, path, sizeof(path)) == 0 &&
	    statfs(path, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

/* The run directory as a shared mount point (`ip netns add` does it). */
static int
dir_shared(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return errmsg_fail(err, errlen, "creating %s: %s", dir,
		    strerror(errno));
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL ||
	    mount(dir, dir, "none", MS_BIND | MS_REC, NULL) == -1 ||
	    mount("", dir, "none", MS_SHARED | MS_REC, NULL) == -1)
		return errmsg_fail(err, errlen, "making %s a shared mount: %s",
		    dir, strerror(errno));
	return 0;
}

int
netns_add(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[NETNS_PATH_MAX];
	int fd, saved, rc = 0;

	if (netns_path(dir, name, path, sizeof(path)) == -1)
		return errmsg_fail(err, errlen, "namespace name too long: %s",
		    name);
	if (dir_shared(dir, err, errlen) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)) ==
	    -1)
		return errmsg_fail(err, errlen, "creating %s: %s", path,
		    strerror(errno));
	close(fd);
	if ((saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		unlink(path);
		return errmsg_fail(err, errlen, "/proc/self/ns/net: %s",
		    strerror(errno));
	}
	if (unshare(CLONE_NEWNET) == -1)
		rc = errmsg_fail(err, errlen, "new network namespace: %s",
		    strerror(errno));
	else if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) ==
	    -1)
		rc = errmsg_fail(err, errlen, "mounting the namespace on %s: "
		    "%s", path, strerror(errno));
	if (setns(saved, CLONE_NEWNET) == -1 && rc == 0)
		rc = errmsg_fail(err, errlen, "back to our namespace: %s",
		    strerror(errno));
	close(saved);
	if (rc == -1) {
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	return rc;
}

int
netns_del(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[NETNS_PATH_MAX];

	if (netns_path(dir, name, path, sizeof(path)) == -1)
		return errmsg_fail(err, errlen, "namespace name too long: %s",
		    name);
	if (umount2(path, MNT_DETACH) == -1 && errno != EINVAL &&
	    errno != ENOENT)
		return errmsg_fail(err, errlen, "unmounting %s: %s", path,
		    strerror(errno));
	if (unlink(path) == -1 && errno != ENOENT)
		return errmsg_fail(err, errlen, "removing %s: %s", path,
		    strerror(errno));
	return 0;
}

int
netns_open(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[NETNS_PATH_MAX];
	int fd;

	if (netns_path(dir, name, path, sizeof(path)) == -1)
		return errmsg_fail(err, errlen, "namespace name too long: %s",
		    name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errmsg_fail(err, errlen, "%s: %s", path,
		    strerror(errno));
	return fd;
}

int
netns_enter(int fd, int *saved, char *err, size_t errlen)
{
	if ((*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		return errmsg_fail(err, errlen, "/proc/self/ns/net: %s",
		    strerror(errno));
	if (setns(fd, CLONE_NEWNET) == -1) {
		close(*saved);
		*saved = -1;
		return errmsg_fail(err, errlen, "entering the namespace: %s",
		    strerror(errno));
	}
	return 0;
}

int
netns_leave(int saved, char *err, size_t errlen)
{
	int rc = 0;

	if (setns(saved, CLONE_NEWNET) == -1)
		rc = errmsg_fail(err, errlen, "back to our namespace: %s",
		    strerror(errno));
	close(saved);
	return rc;
}
