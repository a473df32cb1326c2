#include "client_paths.h"

#include <limits.h>
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

int
client_paths_get(struct client_paths *p)
{
	const char *env = getenv("PEERING_DIR");
	char bin[sizeof(p->dir)];

	if (exe_dir(bin, sizeof(bin)) == -1)
		return -1;
	if (env != NULL && env[0] != '\0') {
		if (strlen(env) >= sizeof(p->dir))
			return -1;
		strcpy(p->dir, env);
	} else
		strcpy(p->dir, bin);
	snprintf(p->bgpd, sizeof(p->bgpd), "%s/peering-bgpd", bin);
	snprintf(p->control, sizeof(p->control), "%s/var/peering-bgpd.sock",
	    p->dir);
	snprintf(p->pidfile, sizeof(p->pidfile), "%s/var/peering-bgpd.pid",
	    p->dir);
	snprintf(p->logfile, sizeof(p->logfile), "%s/var/peering-bgpd.log",
	    p->dir);
	return 0;
}
