#include "ovpn_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/errmsg.h"

/* A reply parser of ovpn_mgmt.h, its output behind a void pointer. */
typedef int	(*reply_fn)(const void *, size_t, void *, size_t *, char *,
		    size_t);

/* Waits for events on c->fd until deadline: 1 ready, 0 timed out. */
static int
conn_wait(struct ovpn_conn *c, short events, long long deadline)
{
	struct pollfd pfd = { c->fd, events, 0 };
	long long left;
	int n;

	while ((left = deadline - clock_ms()) > 0) {
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return 1;	/* the read or write says why */
	}
	return 0;
}

static int
conn_status_of(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return OVPN_CONN_NONE;
	case ECONNREFUSED:
		return OVPN_CONN_STALE;
	case EACCES:
	case EPERM:
		return OVPN_CONN_DENIED;
	case EAGAIN:
		return OVPN_CONN_TIMEOUT;	/* its backlog is full */
	default:
		return OVPN_CONN_FAILED;
	}
}

int
ovpn_conn_open(struct ovpn_conn *c, const char *path, int timeout_ms,
    char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int e;

	c->fd = -1;
	c->len = 0;
	c->heard = false;
	c->timeout_ms = timeout_ms;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errmsg_set(err, errlen, "%s: socket path too long", path);
		return OVPN_CONN_FAILED;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd == -1) {
		errmsg_set(err, errlen, "socket: %s", strerror(errno));
		return OVPN_CONN_FAILED;
	}
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return OVPN_CONN_OK;
	e = errno;
	ovpn_conn_close(c);
	errmsg_set(err, errlen, "%s: %s", path, e == EAGAIN ?
	    "openvpn is busy with another client" : strerror(e));
	return conn_status_of(e);
}

void
ovpn_conn_close(struct ovpn_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/* Closed on us before a word: openvpn refused the connection (another
 * user than its management-client-user). */
static int
conn_refused(char *err, size_t errlen)
{
	errmsg_set(err, errlen, "openvpn management: connection refused: %s",
	    strerror(EACCES));
	return OVPN_CONN_DENIED;
}

static int
conn_send(struct ovpn_conn *c, const char *cmd, long long deadline,
    char *err, size_t errlen)
{
	char line[64];
	size_t off = 0, len;
	ssize_t n;

	len = (size_t)snprintf(line, sizeof(line), "%s\n", cmd);
	if (len >= sizeof(line)) {
		errmsg_set(err, errlen, "management command too long");
		return OVPN_CONN_FAILED;
	}
	while (off < len) {
		if (!conn_wait(c, POLLOUT, deadline)) {
			errmsg_set(err, errlen, "openvpn does not read its "
			    "management socket");
			return OVPN_CONN_TIMEOUT;
		}
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			return conn_refused(err, errlen);
		if (n == -1) {
			errmsg_set(err, errlen, "management socket: %s",
			    strerror(errno));
			return OVPN_CONN_FAILED;
		}
		off += (size_t)n;
	}
	return OVPN_CONN_OK;
}

/* Reads until parse finds a whole reply; drops the bytes it took. */
static int
conn_reply(struct ovpn_conn *c, reply_fn parse, void *out,
    long long deadline, char *err, size_t errlen)
{
	size_t used;
	ssize_t n;
	int rc;

	for (;;) {
		rc = parse(c->buf, c->len, out, &used, err, errlen);
		if (rc == -1)
			return OVPN_CONN_FAILED;
		if (rc == 0) {
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return OVPN_CONN_OK;
		}
		if (c->len == sizeof(c->buf)) {
			errmsg_set(err, errlen, "openvpn management: reply "
			    "longer than %d bytes", OVPN_CONN_BUF);
			return OVPN_CONN_FAILED;
		}
		if (!conn_wait(c, POLLIN, deadline)) {
			errmsg_set(err, errlen, "openvpn management: no reply "
			    "in %d ms", c->timeout_ms);
			return OVPN_CONN_TIMEOUT;
		}
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if ((n == 0 || errno == ECONNRESET) && !c->heard)
			return conn_refused(err, errlen);
		if (n <= 0) {
			errmsg_set(err, errlen, "openvpn management: %s",
			    n == 0 ? "connection closed" : strerror(errno));
			return OVPN_CONN_FAILED;
		}
		c->heard = true;
		c->len += (size_t)n;
	}
}

static int
conn_command(struct ovpn_conn *c, const char *cmd, reply_fn parse,
    void *out, char *err, size_t errlen)
{
	long long deadline = clock_ms() + c->timeout_ms;
	int rc;

	if (c->fd == -1) {
		errmsg_set(err, errlen, "openvpn management: not connected");
		return OVPN_CONN_FAILED;
	}
	if ((rc = conn_send(c, cmd, deadline, err, errlen)) != OVPN_CONN_OK)
		return rc;
	return conn_reply(c, parse, out, deadline, err, errlen);
}

static int
reply_state(const void *buf, size_t len, void *out, size_t *used, char *err,
    size_t errlen)
{
	return ovpn_mgmt_state_reply(buf, len, out, used, err, errlen);
}

static int
reply_pid(const void *buf, size_t len, void *out, size_t *used, char *err,
    size_t errlen)
{
	return ovpn_mgmt_pid_reply(buf, len, out, used, err, errlen);
}

static int
reply_result(const void *buf, size_t len, void *out, size_t *used,
    char *err, size_t errlen)
{
	return ovpn_mgmt_result_reply(buf, len, out, used, err, errlen);
}

int
ovpn_conn_state(struct ovpn_conn *c, struct ovpn_state *st, char *err,
    size_t errlen)
{
	return conn_command(c, "state", reply_state, st, err, errlen);
}

int
ovpn_conn_pid(struct ovpn_conn *c, pid_t *pid, char *err, size_t errlen)
{
	return conn_command(c, "pid", reply_pid, pid, err, errlen);
}

int
ovpn_conn_signal(struct ovpn_conn *c, const char *sig, char *err,
    size_t errlen)
{
	char cmd[32], text[OVPN_MGMT_TEXT_MAX + 1];

	snprintf(cmd, sizeof(cmd), "signal %s", sig);
	return conn_command(c, cmd, reply_result, text, err, errlen);
}

const char *
ovpn_conn_status_name(int status)
{
	switch (status) {
	case OVPN_CONN_OK:
		return "running";
	case OVPN_CONN_NONE:
		return "not running";
	case OVPN_CONN_STALE:
		return "stale socket";
	case OVPN_CONN_DENIED:
		return "permission denied";
	case OVPN_CONN_TIMEOUT:
		return "no reply";
	default:
		return "error";
	}
}
