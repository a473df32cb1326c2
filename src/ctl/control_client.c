/*
 * The `peering` end of the control socket. A request succeeds only on a
 * whole reply (its status line seen): a daemon that closes, resets or
 * goes silent before that is a failure with its reason, never a success.
 * Every wait is bounded by the client timeout, so a stuck daemon cannot
 * hang `peering`; no write raises SIGPIPE.
 */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define PREFIX_LEN	(sizeof(CONTROL_ERROR_PREFIX) - 1)

/* Seconds: CONTROL_CLIENT_TIMEOUT, or $PEERING_CONTROL_TIMEOUT (1..3600). */
static int
client_timeout(void)
{
	const char *s = getenv(CONTROL_CLIENT_TIMEOUT_ENV);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return CONTROL_CLIENT_TIMEOUT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 3600)
		return CONTROL_CLIENT_TIMEOUT;
	return (int)v;
}

/* Connecting, sending and each read wait at most the client timeout. */
static int
control_connect(const char *path)
{
	struct timeval tv = { client_timeout(), 0 };
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
control_is_live(const char *path)
{
	int fd = control_connect(path);

	if (fd < 0)
		/* A full backlog: somebody listens, busy. */
		return errno == EAGAIN;
	close(fd);
	return 1;
}

static int
send_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The request line into req: 0, or -1 with errno set (nothing kept). */
static int
request_line(struct strbuf *req, int argc, char **argv)
{
	int e;

	strbuf_init(req);
	for (int i = 0; i < argc; i++)
		strbuf_printf(req, "%s%s", i ? " " : "", argv[i]);
	strbuf_append(req, "\n", 1);
	if (req->failed || req->len > CONTROL_MAX_REQUEST) {
		e = req->failed ? ENOMEM : EMSGSIZE;
		strbuf_free(req);
		errno = e;
		return -1;
	}
	return 0;
}

/* How reading a reply ended. */
enum read_end {
	READ_WHOLE,
	READ_CLOSED,	/* closed or reset: the daemon may be gone */
	READ_SILENT,	/* the client timeout passed */
	READ_MALFORMED,
};

/* A read takes what the daemon's socket holds (its send buffer, about
 * 200 KiB), so a streamed reply wakes the client fewer times. */
#define READ_BUF	(256 * 1024)

/* Reads until the reply is whole into buf; else says why. */
static enum read_end
read_reply_in(int fd, struct control_reader *r, char *buf, size_t size,
    char *why, size_t whylen)
{
	const char *part;
	size_t used;
	ssize_t n;
	int rc = 0;

	while (rc == 0) {
		n = recv(fd, buf, size, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			rc = control_reader_feed(r, buf, (size_t)n, &used);
			/* A streamed reply shows as it comes: flushed once a
			 * read, not once a line (2M lines, 2M writes). */
			fflush(NULL);
			continue;
		}
		part = r->fed == 0 ? "it did not reply" :
		    "it cut its reply (what came is incomplete)";
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			snprintf(why, whylen, "peering-bgpd sent nothing for "
			    "%d seconds %s; is it stuck?", client_timeout(),
			    r->fed == 0 ? "instead of replying" :
			    "in the middle of its reply");
			return READ_SILENT;
		}
		if (n == 0)
			snprintf(why, whylen, "the daemon closed the "
			    "connection: %s", part);
		else
			snprintf(why, whylen, "the daemon closed the "
			    "connection: %s (%s)", part, strerror(errno));
		return READ_CLOSED;
	}
	if (rc == -1) {
		snprintf(why, whylen, "peering-bgpd sent a malformed reply "
		    "(%s)", r->why);
		return READ_MALFORMED;
	}
	return READ_WHOLE;
}

/* read_reply_in() with a buffer of READ_BUF (4 KiB without memory). */
static enum read_end
read_reply(int fd, struct control_reader *r, char *why, size_t whylen)
{
	char small[4096], *buf = malloc(READ_BUF);
	enum read_end end;

	end = buf != NULL ?
	    read_reply_in(fd, r, buf, READ_BUF, why, whylen) :
	    read_reply_in(fd, r, small, sizeof(small), why, whylen);
	free(buf);
	return end;
}

/* What else is known of a lost reply: the request not sent; the
 * daemon gone (asked only after a close: a silent one may hang). */
static void
lost_reason(const char *path, enum read_end end, int send_err, char *why,
    size_t whylen)
{
	size_t n = strlen(why);

	if (send_err != 0 && n < whylen)
		n += (size_t)snprintf(why + n, whylen - n, "; the request "
		    "could not be sent (%s)", strerror(send_err));
	if (end == READ_CLOSED && n < whylen && !control_is_live(path))
		snprintf(why + n, whylen - n, "; peering-bgpd is no longer "
		    "running");
}

static enum control_result
call(const char *path, int argc, char **argv, control_sink sink, void *ctx,
    char *why, size_t whylen, bool patient, enum ctl_code *code)
{
	static const struct timeval forever = { 0, 0 };
	struct control_reader r;
	struct strbuf req;
	enum read_end end;
	int fd, send_err = 0;

	if (request_line(&req, argc, argv) == -1)
		return CONTROL_NOT_SENT;
	if ((fd = control_connect(path)) < 0) {
		int e = errno;

		strbuf_free(&req);
		errno = e;
		if (e != EAGAIN)
			return CONTROL_NOT_SENT;
		/* There, but its queue stayed full for the whole timeout. */
		snprintf(why, whylen, "peering-bgpd took no connection for %d "
		    "seconds; is it stuck?", client_timeout());
		return CONTROL_LOST;
	}
	/* Sent or not, what the daemon answered is read: a refusal (too
	 * many connections) may be waiting. */
	if (send_all(fd, req.s, req.len) == -1)
		send_err = errno;
	if (patient)	/* a reply that may be silent for long: events */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever,
		    sizeof(forever));
	strbuf_free(&req);
	control_reader_init(&r, sink, ctx);
	end = read_reply(fd, &r, why, whylen);
	close(fd);
	if (end != READ_WHOLE) {
		lost_reason(path, end, send_err, why, whylen);
		return CONTROL_LOST;
	}
	*code = r.code;
	return r.status == CONTROL_STATUS_OK ? CONTROL_OK : CONTROL_REFUSED;
}

enum control_result
control_call(const char *path, int argc, char **argv, control_sink sink,
    void *ctx, char *why, size_t whylen)
{
	enum ctl_code code;

	return call(path, argc, argv, sink, ctx, why, whylen, false, &code);
}

/*
 * The body on stdout, or on stderr when it is a refusal ("error: ..."):
 * the first bytes are held until they tell which. A refusal's text is
 * held (up to PRINTER_HOLD_MAX) until the status line names its code.
 */
#define PRINTER_HOLD_MAX	4096

struct printer {
	char		 head[PREFIX_LEN];
	size_t		 n;
	FILE		*to;
	size_t		 total;
	char		 last;
	bool		 holding;	/* the refusal's text, in held */
	struct strbuf	 held;
};

static void
printer_choose(struct printer *pr, FILE *to)
{
	pr->to = to;
	pr->holding = to == stderr;
	if (pr->holding)
		strbuf_append(&pr->held, pr->head, pr->n);
	else
		fwrite(pr->head, 1, pr->n, to);
}

static void
printer_sink(void *ctx, const char *p, size_t len)
{
	struct printer *pr = ctx;

	pr->total += len;
	if (len > 0)
		pr->last = p[len - 1];
	while (pr->to == NULL && len > 0) {
		char c = *p++;

		len--;
		pr->head[pr->n++] = c;
		if (c != CONTROL_ERROR_PREFIX[pr->n - 1])
			printer_choose(pr, stdout);
		else if (pr->n == PREFIX_LEN)
			printer_choose(pr, stderr);
	}
	if (len > 0 && pr->holding)
		strbuf_append(&pr->held, p, len);
	else if (len > 0)
		fwrite(p, 1, len, pr->to);
	if (pr->holding && (pr->held.len > PRINTER_HOLD_MAX ||
	    pr->held.failed)) {	/* too long to hold: as it is */
		fwrite(pr->held.s, 1, pr->held.len, stderr);
		pr->holding = false;
	}
}

/* The held refusal, its last line ended by its code ("error: no such mux
 * (code refused)"); a daemon older than protocol 1 names none. */
static void
printer_refusal(struct printer *pr, enum control_result rc,
    enum ctl_code code)
{
	size_t len = pr->held.len;

	if (!pr->holding || len == 0)
		return;
	while (rc == CONTROL_REFUSED && len > 0 && pr->held.s[len - 1] == '\n')
		len--;
	fwrite(pr->held.s, 1, len, stderr);
	if (rc != CONTROL_REFUSED)
		return;
	if (ctl_code_name(code) != NULL)
		fprintf(stderr, " (code %s)\n", ctl_code_name(code));
	else
		fprintf(stderr, " (no code: peering-bgpd speaks a control "
		    "protocol older than %d)\n", CONTROL_PROTOCOL_VERSION);
	pr->last = '\n';
}

static enum control_result
request(const char *path, int argc, char **argv, bool patient)
{
	struct printer pr = { .n = 0, .to = NULL, .total = 0, .last = 0 };
	enum ctl_code code = CTL_CODE_COUNT;
	char why[512];
	enum control_result rc;

	strbuf_init(&pr.held);
	rc = call(path, argc, argv, printer_sink, &pr, why, sizeof(why),
	    patient, &code);
	if (pr.to == NULL)
		printer_choose(&pr, rc == CONTROL_OK ? stdout : stderr);
	printer_refusal(&pr, rc, code);
	strbuf_free(&pr.held);
	if (rc == CONTROL_LOST && pr.total > 0 && pr.last != '\n')
		fputc('\n', pr.to);	/* the message on a line of its own */
	fflush(stdout);
	if (rc == CONTROL_LOST)
		fprintf(stderr, "peering: %s\n", why);
	else if (rc == CONTROL_REFUSED && pr.total == 0)
		fprintf(stderr, "peering: peering-bgpd refused the request "
		    "without saying why (code %s)\n", ctl_code_name(code) ?
		    ctl_code_name(code) : "none");
	return rc;
}

enum control_result
control_request(const char *path, int argc, char **argv)
{
	return request(path, argc, argv, false);
}

enum control_result
control_request_stream(const char *path, int argc, char **argv)
{
	return request(path, argc, argv, true);
}
