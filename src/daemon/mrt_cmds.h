/* The daemon's MRT commands (mrt_cmds.c; docs/mrt.md). */
#ifndef PEERING_DAEMON_MRT_CMDS_H
#define PEERING_DAEMON_MRT_CMDS_H

#include "bgpd.h"
#include "../ctl/ctl_stream.h"
#include "../mrt/mrt.h"

void	cmd_log_mrt(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_dump_mrt(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply, struct ctl_stream *stream);
/* The BGP4MP record of one message of s (as the session's message hook
 * hands it: sent or received), for any MRT log of a session's messages
 * (mrt_log_message). */
void	mrt_session_record(const struct session *s, struct rbuf msg,
	    bool sent, struct mrt_bgp4mp *m);
/* The log closed (its buffer written), at shutdown. */
void	mrt_close(struct bgpd *d);

#endif
