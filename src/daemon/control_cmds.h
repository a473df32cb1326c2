/* Internal: control command handlers living outside control_cmds.c. */
#ifndef PEERING_DAEMON_CONTROL_CMDS_H
#define PEERING_DAEMON_CONTROL_CMDS_H

#include <cjson/cJSON.h>

#include "bgpd.h"

void	cmd_show_route(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_show_memory(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
/* One RIB path as `show route json` shows it. */
cJSON	*routes_path_json(struct bgpd *d, const struct rib_path *path,
	    bool best);
void	cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply);

#endif
