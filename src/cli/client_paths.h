/* Where the client's files are: $PEERING_DIR; else the directory of the
 * `peering` program if it has configs/openvpn/ (./peering in the client
 * directory); else the current directory if it has configs/openvpn/ (an
 * installed peering run there); else the program's directory. The
 * daemon is peering-bgpd beside peering, or in ../sbin when installed
 * (man peering, FILES). */
#ifndef PEERING_CLI_CLIENT_PATHS_H
#define PEERING_CLI_CLIENT_PATHS_H

#include <stddef.h>

struct client_paths {
	char	dir[2048];
	char	bgpd[2100];	/* the peering-bgpd program beside peering */
	char	control[2100];
	char	pidfile[2100];
	char	logfile[2100];
};

int	client_paths_get(struct client_paths *p);

/* A file the daemon is to read (experiment run, announce FILE.json): its
 * absolute path into abs (PATH_MAX bytes), one control word: printable
 * ASCII without spaces, shorter than max. -1 with the reason on stderr,
 * after prog. */
int	client_file_word(const char *prog, const char *file, char *abs,
	    size_t max);

#endif
