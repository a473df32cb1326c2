/*
 * peering-bgpd: the BGP daemon. The sessions arrive with the sessions issue;
 * until then the program only answers --version and --help, and says so.
 */
#include <stdio.h>
#include <string.h>

#include "../version.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: peering-bgpd [-f] [--version] [--help]\n"
	    "The BGP daemon of the PEERING client; started by "
	    "`./peering bgp start`.\n");
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("peering-bgpd %s\n", PEERING_VERSION);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	fprintf(stderr, "peering-bgpd: BGP sessions are not implemented in "
	    "this version yet; see README.md\n");
	return 2;
}
