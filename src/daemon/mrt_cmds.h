/* The daemon's MRT commands (mrt_cmds.c; docs/mrt.md). */
#ifndef PEERING_DAEMON_MRT_CMDS_H
#define PEERING_DAEMON_MRT_CMDS_H

#include "bgpd.h"
#include "../ctl/ctl_stream.h"

void	cmd_log_mrt(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_dump_mrt(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply, struct ctl_stream *stream);
/* The log closed (its buffer written), at shutdown. */
void	mrt_close(struct bgpd *d);

#endif
