/*
 * Experiments run by the daemon (docs/experiment.md): `experiment run`
 * reads the file it is given, checks it again (the daemon's gates are the
 * ones that count), binds its variables, plays the schedule ahead through
 * the change-rate plan, then applies each round at its start through
 * exports_request, the path every announcement takes. Every step goes to
 * var/experiments/ID/: the file as run, journal.jsonl, state.json
 * (atomic), round-K.rib.jsonl. A restart resumes the run where the
 * journal and the state say it was.
 */
#ifndef PEERING_DAEMON_EXPERIMENT_H
#define PEERING_DAEMON_EXPERIMENT_H

#include "../announce/announce.h"
#include "../bgp/session.h"
#include "../ctl/ctl_stream.h"
#include "../lib/strbuf.h"

struct bgpd;
struct ann_entry;

/* At start: resumes the run var/experiments/current names, if running. */
void	experiment_open(struct bgpd *d);
void	experiment_close(struct bgpd *d);
/* `experiment run|resume|status|stop ...` (the words after experiment). */
void	experiment_control(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply);
/* The same, as the control server calls it: a run or resume on the test
 * schedule that must first ask a mux's tunnel (experiment_tb.c) answers
 * through stream once it has, never waiting on the loop. */
#define EXP_DEFER_ARGS	64
void	experiment_control_stream(struct bgpd *d, int argc, char **argv,
	    struct strbuf *reply, struct ctl_stream *stream);
/* `clear announcements` (bgp stop) took everything back: a run stops
 * too, and a restart does not resume it. */
void	experiment_cleared(struct bgpd *d);
/* export_send queued an UPDATE on s for p (e NULL: a withdrawal): the
 * journal records it when a run's request made it. */
void	experiment_note_update(struct bgpd *d, const struct session *s,
	    const struct prefix *p, const struct ann_entry *e);

#endif
