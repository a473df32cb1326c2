/* Internal: control command handlers living outside control_cmds.c. */
#ifndef PEERING_DAEMON_CONTROL_CMDS_H
#define PEERING_DAEMON_CONTROL_CMDS_H

#include <cjson/cJSON.h>

#include "bgpd.h"


/* `show route` (show) or `routes` words into a stream; -1 with err. */
int	routes_stream_words(struct bgpd *d, bool show, int argc, char **argv,
	    struct ctl_stream *out, char *err, size_t errlen);
/* `routes` with its filters as a JSON object (NULL: none). */
int	routes_stream_json(struct bgpd *d, const cJSON *filters,
	    struct ctl_stream *out, char *err, size_t errlen);
/* show route and routes: their replies stream (ctl_stream.h). */
void	cmd_show_route(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply, struct ctl_stream *stream);
void	cmd_routes(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
	    struct ctl_stream *stream);
void	cmd_show_memory(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
/* One RIB path as `show route json` shows it. */
cJSON	*routes_path_json(struct bgpd *d, const struct rib_path *path,
	    bool best);
void	cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply);

#endif
