/*
 * `events` (events.h): each event is formatted once per form (a text line
 * and a JSON line) and queued to every subscriber in the form it asked
 * for; the control server takes whole lines from the queue as the
 * subscriber's socket drains (ctl_stream.h). A queue past
 * EVENTS_QUEUE_MAX stops taking events: the subscriber's reply ends with
 * the error "lost-events" once what was queued before has gone out.
 * Announcements and withdrawals are also logged, with their time.
 */
#include "events.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../announce/announce.h"
#include "../bgp/format.h"
#include "../bgp/msg_json.h"
#include "../lib/jsonint.h"
#include "../lib/log.h"

struct events_sub {
	struct events_sub	*next;
	struct bgpd		*d;
	bool			 json;
	bool			 best;		/* wants best-route changes */
	struct strbuf		 q;		/* whole lines */
	size_t			 off;		/* of q, taken */
	uint64_t		 lost;		/* events not queued */
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* "2026-12-06T20:40:00.123456Z" */
static void
time_text(uint64_t us, char *buf, size_t size)
{
	time_t t = (time_t)(us / 1000000u);
	struct tm tm;
	char s[32];

	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	snprintf(buf, size, "%s.%06uZ", s, (unsigned)(us % 1000000u));
}

static void
queue(struct events_sub *e, const char *line, size_t len)
{
	if (e->lost > 0 || e->q.len - e->off + len > EVENTS_QUEUE_MAX) {
		e->lost++;
		return;
	}
	if (e->off > 0 && e->off == e->q.len)
		e->q.len = e->off = 0;
	strbuf_append(&e->q, line, len);
	if (e->q.failed)
		e->lost++;
}

/* Queues the event (text and JSON forms; root is consumed) to every
 * subscriber, and wakes them. */
static void
publish_to(struct bgpd *d, const char *text, cJSON *root, bool best)
{
	char *json = NULL;

	if (d->events != NULL)
		json = cJSON_PrintUnformatted(root);
	for (struct events_sub *e = d->events; e != NULL; e = e->next) {
		if (best && !e->best)
			continue;
		if (!e->json)
			queue(e, text, strlen(text));
		else if (json != NULL) {
			queue(e, json, strlen(json));
			queue(e, "\n", 1);
		} else
			e->lost++;
	}
	cJSON_free(json);
	cJSON_Delete(root);
	if (d->events != NULL) {
		control_server_wake(d->control);
		control_server_wake(d->control_ro);
	}
}

static void
publish(struct bgpd *d, const char *text, cJSON *root)
{
	publish_to(d, text, root, false);
}

static cJSON *
event_new(const char *type, uint64_t us)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	json_add_int(o, "time_us", (int64_t)us);
	return o;
}

void
events_session(struct bgpd *d, const struct session *s, bool up)
{
	const char *state = up ? "up" : "down";
	uint64_t us = now_us();
	char t[40], text[512];
	cJSON *o;

	if (d->events == NULL)
		return;
	time_text(us, t, sizeof(t));
	snprintf(text, sizeof(text), "%s session %s %s %s (%s)\n", t,
	    s->conf.name, session_af_name(s), state, s->info);
	o = event_new("session", us);
	cJSON_AddStringToObject(o, "session", s->conf.name);
	cJSON_AddStringToObject(o, "af", session_af_name(s));
	cJSON_AddStringToObject(o, "state", state);
	cJSON_AddStringToObject(o, "reason", s->info);
	publish(d, text, o);
}

void
events_request(struct bgpd *d, const struct ann_request *r,
    const struct strbuf *reply)
{
	uint64_t us = now_us();
	char line[1024], t[40], *text;
	bool ok = control_body_status(reply->s, reply->len) ==
	    CONTROL_STATUS_OK;
	size_t n;
	cJSON *o;

	if (ann_request_to_line(r, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "(too long to show)");
	log_info("request %s: %s", ok ? "applied" : "refused", line);
	if (d->events == NULL)
		return;
	time_text(us, t, sizeof(t));
	n = strlen(t) + strlen(line) + 32;
	if ((text = malloc(n)) == NULL)
		return;
	snprintf(text, n, "%s request %s %s\n", t, ok ? "applied" : "refused",
	    line);
	o = event_new("request", us);
	cJSON_AddStringToObject(o, "request", line);
	cJSON_AddBoolToObject(o, "applied", ok);
	cJSON_AddStringToObject(o, "reply", reply->s ? reply->s : "");
	publish(d, text, o);
	free(text);
}

void
events_update(struct bgpd *d, const struct session *s, const struct prefix *p,
    const struct bgp_attrs *a)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	uint64_t us = now_us();
	char t[40], pfx[PREFIX_STRLEN], text[512], *attrs = NULL;
	cJSON *o, *ja = NULL;

	prefix_format(p, pfx, sizeof(pfx));
	if (a != NULL) {
		ja = bgp_json_attrs(a, &opts);
		attrs = ja ? cJSON_PrintUnformatted(ja) : NULL;
	}
	time_text(us, t, sizeof(t));
	/* Every announcement and withdrawal is in the log, with its time. */
	log_info("UPDATE sent to %s/%s at %s: %s %s%s%s", s->conf.name,
	    session_af_name(s), t, a ? "announce" : "withdraw", pfx,
	    attrs ? " " : "", attrs ? attrs : "");
	if (d->events == NULL) {
		cJSON_free(attrs);
		cJSON_Delete(ja);
		return;
	}
	snprintf(text, sizeof(text), "%s update %s %s %s %s\n", t,
	    s->conf.name, session_af_name(s), a ? "announce" : "withdraw",
	    pfx);
	o = event_new(a ? "announce" : "withdraw", us);
	cJSON_AddStringToObject(o, "session", s->conf.name);
	cJSON_AddStringToObject(o, "af", session_af_name(s));
	cJSON_AddStringToObject(o, "prefix", pfx);
	if (ja != NULL)
		cJSON_AddItemToObject(o, "attributes", ja);
	cJSON_free(attrs);
	publish(d, text, o);
}

void
events_best(struct bgpd *d, const struct prefix *p, const struct rib_path *best)
{
	uint64_t us;
	char t[40], pfx[PREFIX_STRLEN], nh[ADDR_STRLEN], text[256];
	const char *peer = NULL;
	cJSON *o;

	if (d->events_best == 0)	/* the usual case: at once */
		return;
	us = now_us();
	time_text(us, t, sizeof(t));
	prefix_format(p, pfx, sizeof(pfx));
	o = event_new("best", us);
	cJSON_AddStringToObject(o, "prefix", pfx);
	if (best != NULL) {
		const struct rattrs *ra = best->attrs;

		peer = rib_peer_info(d->rib, best->peer)->name;
		addr_format(ra->af, rattrs_nexthop(ra), nh, sizeof(nh));
		cJSON_AddStringToObject(o, "peer", peer);
		cJSON_AddNumberToObject(o, "path_id", best->path_id);
		cJSON_AddStringToObject(o, "next_hop", nh);
		snprintf(text, sizeof(text), "%s best %s via %s from %s path "
		    "%u\n", t, pfx, nh, peer, best->path_id);
	} else {
		cJSON_AddBoolToObject(o, "unreachable", true);
		snprintf(text, sizeof(text), "%s best %s unreachable\n", t, pfx);
	}
	publish_to(d, text, o, true);
}

static void
sub_free(void *arg)
{
	struct events_sub *e = arg, **pp;

	for (pp = &e->d->events; *pp != NULL; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->d->events_best -= e->best;
	strbuf_free(&e->q);
	free(e);
}

static enum ctl_stream_result
sub_next(void *arg, struct strbuf *out, size_t budget)
{
	struct events_sub *e = arg;
	size_t n = e->q.len - e->off;

	if (n == 0 && e->lost > 0) {
		strbuf_printf(out, CONTROL_ERROR_PREFIX "lost-events: %llu "
		    "events lost: this subscriber read too slowly (%d KiB "
		    "queued); subscribe again\n", (unsigned long long)e->lost,
		    EVENTS_QUEUE_MAX / 1024);
		return CTL_STREAM_FAIL;
	}
	if (n == 0)
		return CTL_STREAM_MORE;		/* idle: nothing new */
	if (n > budget) {	/* whole lines; at least one */
		const char *p = e->q.s + e->off;
		const char *nl = memrchr(p, '\n', budget);

		if (nl == NULL)
			nl = memchr(p + budget, '\n', n - budget);
		n = nl != NULL ? (size_t)(nl - p) + 1 : n;
	}
	strbuf_append(out, e->q.s + e->off, n);
	e->off += n;
	if (e->off == e->q.len)
		e->q.len = e->off = 0;
	return CTL_STREAM_MORE;
}

void
cmd_events(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
    struct ctl_stream *stream)
{
	struct events_sub *e;
	uint64_t us = now_us();
	char t[40];

	bool json = false, best = false;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "json") == 0)
			json = true;
		else if (strcmp(argv[i], "best") == 0)
			best = true;
		else {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX
			    "events [best] [json]\n");
			return;
		}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	e->d = d;
	e->json = json;
	e->best = best;
	d->events_best += best;
	strbuf_init(&e->q);
	e->next = d->events;
	d->events = e;
	/* The first line says the subscription holds. */
	time_text(us, t, sizeof(t));
	if (e->json)
		strbuf_printf(reply, "{\"type\":\"subscribed\",\"time_us\":%llu,"
		    "\"protocol\":%d,\"queue_bytes\":%d,\"best\":%s}\n",
		    (unsigned long long)us, CONTROL_PROTOCOL_VERSION,
		    EVENTS_QUEUE_MAX, best ? "true" : "false");
	else
		strbuf_printf(reply, "%s subscribed\n", t);
	stream->next = sub_next;
	stream->free = sub_free;
	stream->arg = e;
}

void
events_close(struct bgpd *d)
{
	/* The control servers close first and free every subscriber. */
	while (d->events != NULL)
		sub_free(d->events);
}
