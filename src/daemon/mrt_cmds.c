/*
 * The daemon's MRT commands (docs/mrt.md):
 *   log mrt on|off [NAME]   every message of the sessions (all, or those
 *                           of a mux or neighbour) to BGP4MP_ET records in
 *                           var/mrt/updates.YYYYMMDD.HHMMSS.mrt
 *   log mrt                 what is logged, and where
 *   dump mrt FILE           the RIB as TABLE_DUMP_V2 (ADD-PATH subtypes)
 * The dump walks the RIB a slice of prefixes per control-stream turn (the
 * loop serves everything else between slices; each slice resumes after
 * the last prefix written, ptree_walk_from) into FILE.tmp, renamed to
 * FILE when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgpd.h"
#include "mrt_cmds.h"
#include "mrt_log.h"
#include "../lib/atomicfile.h"
#include "../lib/clock.h"
#include "../lib/log.h"

#define MRT_NAMES_MAX		64
#define DUMP_SLICE_PREFIXES	2000
#define DUMP_BUF		(4u << 20)

struct mrt_ctl {
	struct mrt_log	*log;
	bool		 all;
	unsigned	 n_names;
	char		 names[MRT_NAMES_MAX][32];
};

/* ---- log mrt ---- */

static bool
mrt_logged(const struct mrt_ctl *c, const struct session *s)
{
	if (c->all)
		return true;
	for (unsigned i = 0; i < c->n_names; i++)
		if (strcmp(c->names[i], s->conf.name) == 0)
			return true;
	return false;
}

void
mrt_session_record(const struct session *s, struct rbuf msg, bool sent,
    struct mrt_bgp4mp *m)
{
	const struct bgp_codec_opts *o = sent ? &s->params.tx : &s->params.rx;
	bool up = s->fsm.state == BGP_STATE_ESTABLISHED;
	struct prefix local;

	memset(m, 0, sizeof(*m));
	m->peer_as = s->conf.peer_as;
	m->local_as = s->conf.local_as;
	m->afi = s->conf.peer.af == AF_IDX_IPV4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	memcpy(m->peer_ip, s->conf.peer.addr, 16);
	if (session_local_addr(s, &local) == 0 && local.af == s->conf.peer.af)
		memcpy(m->local_ip, local.addr, 16);
	/* Before Established only OPENs and NOTIFICATIONs pass: no AS
	 * numbers or NLRI in them depend on what was negotiated. */
	m->as4 = up ? o->as4 : true;
	m->addpath = up && o->addpath[s->conf.af];
	m->local = sent;
	m->msg = msg;
}

static void	(*next_message)(void *ctx, struct session *s, struct rbuf msg,
		    bool sent);

/* The session hook: one BGP4MP_ET record per message of a logged
 * session; installed once, idle while the log is off. */
static void
mrt_hook_message(void *ctx, struct session *s, struct rbuf msg, bool sent)
{
	struct bgpd *d = ctx;
	struct mrt_ctl *c = d->mrt;
	struct mrt_bgp4mp m;

	if (next_message != NULL)
		next_message(ctx, s, msg, sent);
	if (c == NULL || c->log == NULL || !mrt_logged(c, s))
		return;
	mrt_session_record(s, msg, sent, &m);
	mrt_log_message(c->log, &m);
}

static bool
session_named(const struct bgpd *d, const char *name)
{
	for (unsigned i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i]->conf.name, name) == 0)
			return true;
	return false;
}

static void
log_status(struct bgpd *d, struct strbuf *reply)
{
	struct mrt_ctl *c = d->mrt;
	struct mrt_log_stats st;

	if (c == NULL || c->log == NULL) {
		strbuf_printf(reply, "mrt log off\n");
		return;
	}
	mrt_log_stats(c->log, &st);
	strbuf_printf(reply, "mrt log on: %s\n", c->all ? "all sessions" :
	    "sessions of");
	for (unsigned i = 0; !c->all && i < c->n_names; i++)
		strbuf_printf(reply, "  %s\n", c->names[i]);
	strbuf_printf(reply, "file %s\nrecords %llu, bytes %llu, "
	    "buffered %zu, dropped %llu, files %u%s\n", st.path,
	    (unsigned long long)st.records, (unsigned long long)st.bytes,
	    st.buffered, (unsigned long long)st.dropped, st.files,
	    st.stopped ? ", stopped after a write error" : "");
}

static void
log_off(struct bgpd *d)
{
	struct mrt_ctl *c = d->mrt;

	if (c == NULL)
		return;
	mrt_log_close(c->log);
	c->log = NULL;
	c->all = false;
	c->n_names = 0;
}

static int
log_on(struct bgpd *d, struct strbuf *reply)
{
	struct mrt_ctl *c = d->mrt;
	struct mrt_log_conf lc;
	char dir[2048];

	if (c->log != NULL)
		return 0;
	snprintf(dir, sizeof(dir), "%s/var/mrt", d->paths.client_dir);
	lc.dir = dir;
	lc.prefix = "updates";
	lc.rotate_bytes = MRT_LOG_ROTATE_BYTES;
	lc.rotate_seconds = MRT_LOG_ROTATE_SECONDS;
	if ((c->log = mrt_log_open(d->loop, &lc)) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	if (d->hooks.message != mrt_hook_message) {
		next_message = d->hooks.message;
		d->hooks.message = mrt_hook_message;
	}
	return 0;
}

static void
log_name_remove(struct mrt_ctl *c, const char *name)
{
	for (unsigned i = 0; i < c->n_names; i++)
		if (strcmp(c->names[i], name) == 0) {
			memmove(c->names[i], c->names[i + 1],
			    (c->n_names - i - 1) * sizeof(c->names[0]));
			c->n_names--;
			return;
		}
}

void
cmd_log_mrt(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	bool on = argc >= 1 && strcmp(argv[0], "on") == 0;
	const char *name = argc == 2 ? argv[1] : NULL;
	struct mrt_ctl *c;

	if (argc == 0) {
		log_status(d, reply);
		return;
	}
	if (argc > 2 || (!on && strcmp(argv[0], "off") != 0)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX
		    "log mrt [on|off [NAME]]\n");
		return;
	}
	if (name != NULL && !session_named(d, name)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "no session named "
		    "'%s'\n", name);
		return;
	}
	if (d->mrt == NULL && (d->mrt = calloc(1, sizeof(*d->mrt))) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	c = d->mrt;
	if (!on && name != NULL && c->all) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "every session is "
		    "logged: log mrt off stops the log\n");
		return;
	}
	if (!on) {
		if (name != NULL)
			log_name_remove(c, name);
		if (name == NULL || (!c->all && c->n_names == 0))
			log_off(d);
		log_status(d, reply);
		return;
	}
	if (log_on(d, reply) == -1)
		return;
	if (name == NULL)
		c->all = true;
	else {
		log_name_remove(c, name);
		if (c->n_names == MRT_NAMES_MAX) {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "at most %u "
			    "names\n", MRT_NAMES_MAX);
			return;
		}
		snprintf(c->names[c->n_names++], sizeof(c->names[0]), "%s",
		    name);
	}
	log_status(d, reply);
}

/* ---- dump mrt ---- */

struct mrt_dump {
	struct bgpd	*d;
	int		 fd;
	char		 path[4096];
	char		 tmp[4200];
	uint16_t	 index[RIB_MAX_PEERS];	/* RIB peer -> table index */
	uint32_t	 time;
	uint32_t	 seq;
	/* Where the walk is: the family, and the last prefix written (each
	 * slice resumes after it: ptree_walk_from). */
	unsigned	 af;
	bool		 started;
	struct prefix	 last;
	size_t		 budget;	/* prefixes left in this slice */
	size_t		 prefixes;
	size_t		 paths;
	uint64_t	 bytes;
	uint64_t	 t0;
	struct wbuf	 w;
	uint8_t		*buf;
	bool		 failed;
};

static int
dump_flush(struct mrt_dump *m)
{
	if (m->w.overflow || atomicfile_write_all(m->fd, (const char *)m->buf,
	    m->w.len) == -1) {
		m->failed = true;
		return -1;
	}
	m->bytes += m->w.len;
	wbuf_init(&m->w, m->buf, DUMP_BUF);
	return 0;
}

/* Every path of one prefix, in as many records as 65535 entries need. */
static void
dump_prefix(struct mrt_dump *m, const struct prefix *p,
    const struct rib_path *v, size_t count)
{
	struct mrt_rib_writer rw;
	struct bgp_attrs a;
	size_t i;

	for (i = 0; i < count; i++) {
		const struct rattrs *ra = v[i].attrs;

		if (i % UINT16_MAX == 0) {
			if (i > 0)
				mrt_rib_end(&m->w, &rw);
			if (m->w.len > DUMP_BUF / 2)
				dump_flush(m);
			mrt_rib_begin(&m->w, &rw, m->time, m->seq++, p, true);
		}
		if (rattrs_decode(ra, &a) == -1)
			continue;
		mrt_rib_entry_put(&m->w, &rw, m->index[v[i].peer], m->time,
		    v[i].path_id, &a, rattrs_nexthop(ra),
		    af_addr_bytes(ra->af), rattrs_nexthop_ll(ra));
		m->paths++;
	}
	if (count > 0)
		mrt_rib_end(&m->w, &rw);
	m->prefixes++;
}

static int
dump_node(void *ctx, const struct ptree_node *n)
{
	struct mrt_dump *m = ctx;
	size_t count;
	const struct rib_path *v = rib_node_paths(n, &count);

	if (m->budget == 0)
		return 1;
	if (count == 0)
		return 0;
	ptree_prefix(&m->d->rib->tree[m->af], n, &m->last);
	m->started = true;
	m->budget--;
	dump_prefix(m, &m->last, v, count);
	if (m->w.len > DUMP_BUF / 2 && dump_flush(m) == -1)
		return 1;
	return 0;
}

static void
dump_free(void *arg)
{
	struct mrt_dump *m = arg;

	if (m->fd >= 0) {
		close(m->fd);
		unlink(m->tmp);	/* not complete: not there */
	}
	free(m->buf);
	free(m);
}

static enum ctl_stream_result
dump_next(void *arg, struct strbuf *out, size_t budget)
{
	struct mrt_dump *m = arg;

	(void)budget;
	m->budget = DUMP_SLICE_PREFIXES;
	/* A slice: the next prefixes of the walk, resumed after the last one
	 * written (the tree may have changed in between: a prefix added
	 * before it since is not in this dump). */
	while (m->af < AF_IDX_COUNT && !m->failed) {
		const struct ptree *t = &m->d->rib->tree[m->af];
		int stop = m->started ? ptree_walk_from(t, &m->last, dump_node,
		    m) : ptree_walk(t, dump_node, m);

		if (stop != 0)
			break;
		m->af++;
		m->started = false;
	}
	if (m->failed || dump_flush(m) == -1)
		goto fail;
	if (m->af < AF_IDX_COUNT) {
		strbuf_printf(out, "%zu prefixes\n", m->prefixes);
		return CTL_STREAM_MORE;
	}
	if (fsync(m->fd) == -1)
		goto fail;
	if (close(m->fd) == -1) {
		m->fd = -1;
		goto fail;
	}
	m->fd = -1;
	if (rename(m->tmp, m->path) == -1) {
		strbuf_printf(out, CONTROL_ERROR_PREFIX "%s: %s\n", m->path,
		    strerror(errno));
		unlink(m->tmp);
		return CTL_STREAM_FAIL;
	}
	strbuf_printf(out, "%s: %zu prefixes, %zu paths, %llu bytes in "
	    "%llu ms\n", m->path, m->prefixes, m->paths,
	    (unsigned long long)m->bytes,
	    (unsigned long long)(clock_ms() - m->t0));
	log_info("dump mrt %s: %zu prefixes, %zu paths (%llu ms)", m->path,
	    m->prefixes, m->paths, (unsigned long long)(clock_ms() - m->t0));
	return CTL_STREAM_DONE;
 fail:
	/* dump_free() closes and removes the temporary file. */
	strbuf_printf(out, CONTROL_ERROR_PREFIX "%s: %s\n", m->tmp,
	    strerror(errno));
	return CTL_STREAM_FAIL;
}

/* The peer table: every RIB peer in use, in slot order. */
static void
dump_peers(struct mrt_dump *m)
{
	struct mrt_peer *peers = calloc(RIB_MAX_PEERS, sizeof(*peers));
	struct rib *r = m->d->rib;
	uint16_t n = 0;

	if (peers == NULL) {
		m->failed = true;
		return;
	}
	for (unsigned i = 0; i < RIB_MAX_PEERS; i++) {
		if (!r->peers[i].in_use)
			continue;
		m->index[i] = n;
		peers[n].af = r->peers[i].addr.af;
		memcpy(peers[n].addr, r->peers[i].addr.addr, 16);
		peers[n].as = r->peers[i].as;
		peers[n].bgp_id = r->peers[i].router_id;
		n++;
	}
	mrt_peer_table_encode(&m->w, m->time, m->d->conf->router_id,
	    "peering", peers, n);
	free(peers);
}

void
cmd_dump_mrt(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
    struct ctl_stream *stream)
{
	struct mrt_dump *m;

	if (argc != 1 || argv[0][0] == '\0') {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "dump mrt FILE\n");
		return;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->buf = malloc(DUMP_BUF)) == NULL) {
		free(m);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	m->d = d;
	m->t0 = clock_ms();
	m->time = (uint32_t)time(NULL);
	/* A bare name goes to var/mrt/, as the logs do. */
	if (strchr(argv[0], '/') == NULL) {
		char dir[2048];

		snprintf(dir, sizeof(dir), "%s/var/mrt", d->paths.client_dir);
		(void)mkdir(dir, 0750);
		snprintf(m->path, sizeof(m->path), "%s/%s", dir, argv[0]);
	} else
		snprintf(m->path, sizeof(m->path), "%s", argv[0]);
	snprintf(m->tmp, sizeof(m->tmp), "%s.tmp", m->path);
	m->fd = open(m->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (m->fd < 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", m->tmp,
		    strerror(errno));
		m->fd = -1;
		dump_free(m);
		return;
	}
	wbuf_init(&m->w, m->buf, DUMP_BUF);
	dump_peers(m);
	stream->next = dump_next;
	stream->free = dump_free;
	stream->arg = m;
}

void
mrt_close(struct bgpd *d)
{
	log_off(d);
	free(d->mrt);
	d->mrt = NULL;
}

