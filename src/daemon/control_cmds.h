/* Internal: control command handlers living outside control_cmds.c. */
#ifndef PEERING_DAEMON_CONTROL_CMDS_H
#define PEERING_DAEMON_CONTROL_CMDS_H

#include <cjson/cJSON.h>

#include "bgpd.h"

/*
 * The control server's streaming seam (the ctl helper lands it in
 * src/ctl/; this copy goes when it does): a reply produced a slice at a
 * time.
 */
#ifndef CTL_STREAM_SEAM
#define CTL_STREAM_SEAM
#include <stddef.h>
#include "../lib/strbuf.h"
enum ctl_stream_result { CTL_STREAM_DONE = 0, CTL_STREAM_MORE = 1, CTL_STREAM_FAIL = -1 };
struct ctl_stream {
    /* Appends the next slice of the body (whole lines, about budget bytes) to out. */
    enum ctl_stream_result (*next)(void *arg, struct strbuf *out, size_t budget);
    void (*free)(void *arg);   /* always called once, also when the client goes away */
    void *arg;
};
#endif

/* `show route` (show) or `routes` words into a stream; -1 with err. */
int	routes_stream_words(struct bgpd *d, bool show, int argc, char **argv,
	    struct ctl_stream *out, char *err, size_t errlen);
/* `routes` with its filters as a JSON object (NULL: none). */
int	routes_stream_json(struct bgpd *d, const cJSON *filters,
	    struct ctl_stream *out, char *err, size_t errlen);
void	cmd_routes(struct bgpd *d, int argc, char **argv, struct strbuf *reply);
void	cmd_show_route(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
void	cmd_show_memory(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
/* One RIB path as `show route json` shows it. */
cJSON	*routes_path_json(struct bgpd *d, const struct rib_path *path,
	    bool best);
void	cmd_import(struct bgpd *d, int argc, char **argv, struct strbuf *reply);

#endif
