/* An MRT file appended to from the loop: buffered, written by a timer in
 * bounded pieces, rotated by size or age (mrt_log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mrt_log.h"
#include "../lib/log.h"

#define FLUSH_INTERVAL	0.01	/* seconds, while records wait */

struct mrt_log {
	struct ev_loop		*loop;
	struct ev_timer		 t_flush;
	char			 dir[2048];
	char			 prefix[64];
	uint64_t		 rotate_bytes;
	unsigned		 rotate_seconds;
	int			 fd;
	time_t			 opened;
	uint64_t		 file_bytes;	/* written and buffered */
	/* Where in buf the next file starts (a rotation at a record's
	 * boundary), or SIZE_MAX for none. */
	size_t			 cut;
	uint8_t			*buf;
	size_t			 len;
	bool			 drop_logged;
	struct mrt_log_stats	 st;
};

static int
file_open(struct mrt_log *l)
{
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d.%H%M%S", &tm);
	for (unsigned n = 0; n < 100; n++) {
		if (n == 0)
			snprintf(l->st.path, sizeof(l->st.path), "%s/%s.%s.mrt",
			    l->dir, l->prefix, stamp);
		else
			snprintf(l->st.path, sizeof(l->st.path),
			    "%s/%s.%s-%u.mrt", l->dir, l->prefix, stamp, n);
		l->fd = open(l->st.path, O_WRONLY | O_CREAT | O_EXCL |
		    O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
		if (l->fd >= 0 || errno != EEXIST)
			break;
	}
	if (l->fd < 0)
		return -1;
	l->opened = now;
	l->file_bytes = 0;
	l->st.files++;
	return 0;
}

static void
log_stop(struct mrt_log *l, const char *what)
{
	log_warn("MRT log %s: %s: %s; logging stopped", l->st.path, what,
	    strerror(errno));
	l->st.stopped = true;
	l->len = 0;
	l->cut = SIZE_MAX;
	ev_timer_stop(l->loop, &l->t_flush);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Writes at most max bytes of the buffer; rotates at the cut. */
static void
flush_some(struct mrt_log *l, size_t max)
{
	size_t done = 0;

	while (!l->st.stopped && done < l->len && max > 0) {
		size_t end = l->cut != SIZE_MAX ? l->cut : l->len;
		size_t n = end - done < max ? end - done : max;
		ssize_t w = n > 0 ? write(l->fd, l->buf + done, n) : 0;

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			log_stop(l, "write");
			return;
		}
		done += (size_t)w;
		max -= (size_t)w;
		l->st.bytes += (uint64_t)w;
		if (done == l->cut) {
			close(l->fd);
			l->fd = -1;
			l->cut = SIZE_MAX;
			if (file_open(l) == -1) {
				log_stop(l, "rotation");
				return;
			}
			l->file_bytes = l->len - done;
		}
	}
	if (l->st.stopped)
		return;
	memmove(l->buf, l->buf + done, l->len - done);
	l->len -= done;
	if (l->cut != SIZE_MAX)
		l->cut -= done;
	if (l->len == 0)
		ev_timer_stop(l->loop, &l->t_flush);
}

static void
flush_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	flush_some(t->data, MRT_LOG_WRITE_MAX);
}

struct mrt_log *
mrt_log_open(struct ev_loop *loop, const struct mrt_log_conf *conf)
{
	struct mrt_log *l = calloc(1, sizeof(*l));
	int saved;

	if (l == NULL)
		return NULL;
	if ((l->buf = malloc(MRT_LOG_BUF_MAX)) == NULL)
		goto fail;
	l->loop = loop;
	snprintf(l->dir, sizeof(l->dir), "%s", conf->dir);
	snprintf(l->prefix, sizeof(l->prefix), "%s", conf->prefix);
	l->rotate_bytes = conf->rotate_bytes;
	l->rotate_seconds = conf->rotate_seconds;
	l->cut = SIZE_MAX;
	l->fd = -1;
	if ((mkdir(l->dir, 0750) == -1 && errno != EEXIST) ||
	    file_open(l) == -1)
		goto fail;
	ev_timer_init(&l->t_flush, flush_cb, FLUSH_INTERVAL, FLUSH_INTERVAL);
	l->t_flush.data = l;
	return l;
 fail:
	saved = errno;
	free(l->buf);
	free(l);
	errno = saved;
	return NULL;
}

/* Is a rotation due before a record of len bytes? */
static bool
rotation_due(const struct mrt_log *l, size_t len)
{
	if (l->cut != SIZE_MAX || l->file_bytes == 0)
		return false;
	if (l->rotate_bytes != 0 && l->file_bytes + len > l->rotate_bytes)
		return true;
	return l->rotate_seconds != 0 &&
	    time(NULL) - l->opened >= (time_t)l->rotate_seconds;
}

bool
mrt_log_append(struct mrt_log *l, const uint8_t *rec, size_t len)
{
	if (l->st.stopped || MRT_LOG_BUF_MAX - l->len < len) {
		l->st.dropped++;
		if (!l->st.stopped && !l->drop_logged)
			log_warn("MRT log %s: the disk is slower than the "
			    "messages; dropping records", l->st.path);
		l->drop_logged = true;
		return false;
	}
	if (rotation_due(l, len)) {
		l->cut = l->len;
		l->file_bytes = 0;
	}
	memcpy(l->buf + l->len, rec, len);
	l->len += len;
	l->file_bytes += len;
	l->st.records++;
	if (!ev_is_active(&l->t_flush))
		ev_timer_start(l->loop, &l->t_flush);
	return true;
}

bool
mrt_log_message(struct mrt_log *l, const struct mrt_bgp4mp *m)
{
	static uint8_t rec[BGP_EXT_MAX_LEN + 128];
	struct timespec ts;
	struct wbuf w;

	clock_gettime(CLOCK_REALTIME, &ts);
	wbuf_init(&w, rec, sizeof(rec));
	mrt_bgp4mp_encode(&w, (uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec /
	    1000), true, m);
	if (w.overflow) {
		l->st.dropped++;
		return false;
	}
	return mrt_log_append(l, rec, w.len);
}

void
mrt_log_stats(const struct mrt_log *l, struct mrt_log_stats *st)
{
	*st = l->st;
	st->buffered = l->len;
}

void
mrt_log_close(struct mrt_log *l)
{
	if (l == NULL)
		return;
	while (!l->st.stopped && l->len > 0)
		flush_some(l, l->len);
	ev_timer_stop(l->loop, &l->t_flush);
	if (l->fd >= 0 && close(l->fd) == -1)
		log_warn("MRT log %s: close: %s", l->st.path, strerror(errno));
	free(l->buf);
	free(l);
}
