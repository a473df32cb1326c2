/*
 * `events`: a stream of what happens, for programs (docs/control.md,
 * "Events"): sessions going up and down, announcement requests applied,
 * and each UPDATE of ours that left for a session, with its attributes
 * and the microsecond it was sent. Every subscriber has a bounded queue; one
 * that reads too slowly loses events and is told so ("lost-events").
 */
#ifndef PEERING_DAEMON_EVENTS_H
#define PEERING_DAEMON_EVENTS_H

#include "bgpd.h"

/* Bytes of events a subscriber may have waiting (formatted). */
#define EVENTS_QUEUE_MAX	(256 * 1024)

struct bgp_attrs;
struct ann_request;

void	events_close(struct bgpd *d);
/* A session came up or went down (s->info says why). */
void	events_session(struct bgpd *d, const struct session *s, bool up);
/* An announce or withdraw request was applied (reply: what it said). */
void	events_request(struct bgpd *d, const struct ann_request *r,
	    const struct strbuf *reply);
/* An UPDATE of ours went to s: p announced with a, or withdrawn (NULL). */
void	events_update(struct bgpd *d, const struct session *s,
	    const struct prefix *p, const struct bgp_attrs *a);
/* The best path of p changed (NULL: none left); for subscribers that
 * asked for "best" only, and nothing at all when none did. */
void	events_best(struct bgpd *d, const struct prefix *p,
	    const struct rib_path *best);
/* The `events [best] [json]` command: a reply that never ends. */
void	cmd_events(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
	    struct ctl_stream *stream);

#endif
