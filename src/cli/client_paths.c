#include "client_paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of the running program, from /proc/self/exe. */
static int
exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/* Whether dir is a client directory: it has configs/openvpn/. */
static bool
is_client_dir(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/configs/openvpn", dir);
	return access(path, F_OK) == 0;
}

/* PEERING_DIR; else the program's directory when it is a client
 * directory (./peering in a checkout); else the current directory when
 * it is one (an installed peering run from there); else the program's. */
static int
client_dir(const char *bin, char *out, size_t size)
{
	const char *env = getenv("PEERING_DIR");
	char cwd[PATH_MAX];

	if (env != NULL && env[0] != '\0')
		return snprintf(out, size, "%s", env) < (int)size ? 0 : -1;
	if (!is_client_dir(bin) && getcwd(cwd, sizeof(cwd)) != NULL &&
	    is_client_dir(cwd))
		return snprintf(out, size, "%s", cwd) < (int)size ? 0 : -1;
	return snprintf(out, size, "%s", bin) < (int)size ? 0 : -1;
}

int
client_paths_get(struct client_paths *p)
{
	char bin[sizeof(p->dir)];

	if (exe_dir(bin, sizeof(bin)) == -1 ||
	    client_dir(bin, p->dir, sizeof(p->dir)) == -1)
		return -1;
	/* Beside peering (the build); installed, it is in ../sbin. */
	snprintf(p->bgpd, sizeof(p->bgpd), "%s/peering-bgpd", bin);
	if (access(p->bgpd, X_OK) == -1)
		snprintf(p->bgpd, sizeof(p->bgpd), "%s/../sbin/peering-bgpd",
		    bin);
	snprintf(p->control, sizeof(p->control), "%s/var/peering-bgpd.sock",
	    p->dir);
	snprintf(p->pidfile, sizeof(p->pidfile), "%s/var/peering-bgpd.pid",
	    p->dir);
	snprintf(p->logfile, sizeof(p->logfile), "%s/var/peering-bgpd.log",
	    p->dir);
	return 0;
}

int
client_file_word(const char *prog, const char *file, char *abs, size_t max)
{
	if (realpath(file, abs) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, file, strerror(errno));
		return -1;
	}
	for (const char *p = abs; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			fprintf(stderr, "%s: %s: a path with spaces or "
			    "characters outside printable ASCII cannot go to "
			    "the daemon: move or link the file\n", prog, abs);
			return -1;
		}
	if (strlen(abs) >= max) {
		fprintf(stderr, "%s: %s: path too long\n", prog, abs);
		return -1;
	}
	return 0;
}
