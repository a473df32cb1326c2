/* Internal: control command handlers living outside control_cmds.c. */
#ifndef PEERING_DAEMON_CONTROL_CMDS_H
#define PEERING_DAEMON_CONTROL_CMDS_H

#include "bgpd.h"

void	cmd_show_route(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_show_memory(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply);

#endif
