/*
 * The arguments of `peering app` (cmd_app.c), parsed without touching
 * anything: `-i ID {-n | -b} {-d | -p PREFIX [-u MUX[:PEER]]}`,
 * `status [--json]`, `--help`. The old client's messages for the
 * mistakes it caught are kept word for word.
 */
#ifndef PEERING_CLI_APP_ARGS_H
#define PEERING_CLI_APP_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "../netns/app.h"

struct app_args {
	bool		 help;
	bool		 status;
	bool		 json;
	bool		 delete;
	bool		 ns, bridge;
	bool		 has_id;
	unsigned	 id;
	const char	*prefix_arg;	/* -p */
	const char	*egress_arg;	/* -u */
};

#define APP_ARGS_OK	0
#define APP_ARGS_HELP	1
#define APP_ARGS_BAD	(-1)	/* err says why */

/* argv[0] is "app". */
int	app_args_parse(int argc, char **argv, struct app_args *a, char *err,
	    size_t errlen);

/* "7" into 1..999: a number of 1..3 digits; -1 on anything else. */
int	app_parse_id(const char *s, unsigned *id);
/* "MUX" or "MUX:PEER" (a mux name, PEER 1..65535) into spec's egress,
 * mux and peer (not its tap). -1 with err. */
int	app_parse_egress(const char *s, struct app_spec *spec, char *err,
	    size_t errlen);

#endif
