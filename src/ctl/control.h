/*
 * The control protocol between `peering` and `peering-bgpd`, over a unix
 * socket (mode 0600: root only; a read-only one for `show`); version
 * CONTROL_PROTOCOL_VERSION, docs/control.md.
 *
 * A request is one line: words, or a JSON object ({"command": [...]}).
 * The reply is a body of text lines (or JSON) followed by one status
 * line: ".ok" or ".error CODE". A body line that starts with "." goes out
 * with one more "." in front, so the status line is the only line that
 * starts with a single dot. Only a reply whose status line arrived is
 * complete: a connection closed or silent before it is a failure, never a
 * success. The body of a refusal starts with "error: " (or, when JSON was
 * asked for, is {"error":{"code":...,"message":...}}).
 */
#ifndef PEERING_CONTROL_H
#define PEERING_CONTROL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctl_stream.h"
#include "../lib/strbuf.h"

#define CONTROL_PROTOCOL_VERSION	1
#define CONTROL_MAX_REQUEST	4096
#define CONTROL_MAX_WORDS	32
#define CONTROL_ERROR_PREFIX	"error: "
/* The status line: "." STATUS [" " anything, reserved], at most this. */
#define CONTROL_MAX_STATUS_LINE	256
#define CONTROL_STATUS_OK_WORD	"ok"
#define CONTROL_STATUS_ERROR_WORD "error"

/* The daemon serves this many connections at once; one more is told so
 * ("busy"). An idle connection costs about 4.5 KiB; a streaming one at most
 * CTL_STREAM_PENDING_MAX + a slice more (docs/control.md, "Limits"). */
#define CONTROL_MAX_CONNS	256
/* Seconds a client has, from connecting, to send its whole request. */
#define CONTROL_IDLE_TIMEOUT	5
/* Seconds a client may take no byte of its reply before it is dropped. */
#define CONTROL_SEND_TIMEOUT	60
/* Seconds `peering` waits for the daemon's next byte (connecting, sending,
 * each read), unless $PEERING_CONTROL_TIMEOUT says otherwise. */
#define CONTROL_CLIENT_TIMEOUT	60
#define CONTROL_CLIENT_TIMEOUT_ENV "PEERING_CONTROL_TIMEOUT"

enum control_status {
	CONTROL_STATUS_OK,
	CONTROL_STATUS_ERROR,
};

/* Why a reply is an error: the word after ".error" (docs/control.md). */
enum ctl_code {
	CTL_OK = 0,
	CTL_E_BAD_REQUEST,	/* not a request: bytes, JSON, words */
	CTL_E_UNKNOWN_COMMAND,
	CTL_E_REFUSED,		/* the command said no (its arguments, a
				 * safety check, the daemon's state) */
	CTL_E_READ_ONLY,	/* changes state: not on the read-only socket */
	CTL_E_BUSY,		/* too many clients */
	CTL_E_TOO_LARGE,	/* the request is over CONTROL_MAX_REQUEST */
	CTL_E_TIMEOUT,		/* no whole request in time */
	CTL_E_VERSION,		/* a protocol newer than the daemon's */
	CTL_E_LOST_EVENTS,	/* an events subscriber read too slowly */
	CTL_E_INTERNAL,		/* out of memory and the like */
	CTL_CODE_COUNT
};

/* "bad-request", ...; NULL for CTL_OK or out of range. */
const char *ctl_code_name(enum ctl_code code);
/* The code named by name[0..len), or CTL_CODE_COUNT. */
enum ctl_code ctl_code_parse(const char *name, size_t len);

/*
 * Splits a request line into words (spaces and tabs separate; no quoting).
 * The line must be printable ASCII ended by '\n'. Returns the word count
 * or -1 with *why set; words point into buf, which is modified.
 */
int	control_parse_request(char *buf, size_t len, char **words, int max,
	    const char **why);

/* A request read: the words the daemon's commands take, whichever form. */
struct ctl_request {
	int	 argc;
	char	*argv[CONTROL_MAX_WORDS + 1];	/* NULL-terminated */
	bool	 json;		/* the reply (and an error) in JSON */
	bool	 json_form;	/* sent as a JSON object */
	char	 store[CONTROL_MAX_REQUEST + 8];	/* JSON form's words */
};

/*
 * A request line in either form (buf[0..len), ended by '\n'): words, or a
 * JSON object {"command": ["show", "protocols"] or "show protocols",
 * "json": true|false (default true), "version": N (optional)}. A JSON
 * request with "json": true gets the word "json" appended, as a person
 * would type it; a words request asks for JSON with a "json" word.
 * Returns 0, or -1 with *code and *why set (buf may be modified).
 */
int	ctl_request_parse(char *buf, size_t len, struct ctl_request *rq,
	    enum ctl_code *code, const char **why);

/* ---- Reply framing (control_reply.c), pure ---- */

/* Writes a reply: body bytes in chunks of any size, then the end. */
struct control_writer {
	bool	mid_line;	/* the last body byte written was not '\n' */
};

void	control_writer_init(struct control_writer *w);
void	control_write_body(struct control_writer *w, struct strbuf *out,
	    const char *p, size_t len);
/* The same for body bytes already appended raw to out (out->s[start..len),
 * a producer writing straight into the wire buffer): framed in place, with
 * no copy when no line in them starts with '.'. */
void	control_write_stuff(struct control_writer *w, struct strbuf *out,
	    size_t start);
/* Ends the body with '\n' if it does not, then the status line. */
void	control_write_end(struct control_writer *w, struct strbuf *out,
	    enum control_status st);
/* The same with an error's code on the status line (".error CODE"). */
void	control_write_end_code(struct control_writer *w, struct strbuf *out,
	    enum ctl_code code);
/*
 * An error body: "error: MESSAGE\n", or as JSON
 * {"error":{"code":"CODE","message":"MESSAGE"}}\n. msg may end with '\n'
 * and start with "error: " (both dropped).
 */
void	ctl_error_body(struct strbuf *out, bool json, enum ctl_code code,
	    const char *msg, size_t len);
/* A body that starts with "error: " is a refusal. */
enum control_status control_body_status(const char *body, size_t len);

/* Where a reader hands the body, un-stuffed, as it arrives. */
typedef void (*control_sink)(void *ctx, const char *p, size_t len);

/* Reads a reply fed in chunks of any size. */
struct control_reader {
	int			 state;
	enum control_status	 status;	/* once done */
	enum ctl_code		 code;		/* once done, of an error:
						 * CTL_CODE_COUNT if unknown
						 * or not said */
	size_t			 fed;		/* bytes seen */
	size_t			 body_len;	/* body bytes handed on */
	size_t			 line_len;
	char			 line[CONTROL_MAX_STATUS_LINE];
	const char		*why;		/* once malformed */
	control_sink		 sink;
	void			*ctx;
};

void	control_reader_init(struct control_reader *r, control_sink sink,
	    void *ctx);
/*
 * Feeds len bytes. Returns 1 when the status line has arrived (the reply
 * is complete; *used says how many bytes were its own), 0 when more is
 * needed (all used), -1 when the bytes are not a reply (r->why).
 */
int	control_reader_feed(struct control_reader *r, const char *p,
	    size_t len, size_t *used);
bool	control_reader_done(const struct control_reader *r);
/* A sink that appends to the struct strbuf ctx. */
void	control_sink_strbuf(void *ctx, const char *p, size_t len);

/* ---- Daemon side ---- */

/*
 * Answers one request: the body goes to reply ("error: ..." for a
 * refusal); a handler that answers in slices also sets *stream (zeroed
 * before the call), which the server sends after reply (ctl_stream.h).
 * Returns CTL_OK (then a body starting "error: " is CTL_E_REFUSED) or the
 * error's code. The server turns an error body into JSON when rq->json.
 */
typedef enum ctl_code (*control_handler)(void *ctx,
	    struct ctl_request *rq, struct strbuf *reply,
	    struct ctl_stream *stream);
struct control_server;
struct control_server *control_server_open(struct ev_loop *loop,
	    const char *path, control_handler handler, void *ctx);
/* The socket's group and mode (the read-only socket's: others than root
 * may connect); -1 with errno set. */
int	control_server_access(struct control_server *cs, gid_t gid,
	    mode_t mode);
/* The read-only socket beside the control socket path: "X.sock" gives
 * "X.ro.sock", anything else "X.ro". -1 when it does not fit. */
int	ctl_ro_path(const char *control, char *buf, size_t size);
/* Asks every idle stream (one whose next() appended nothing) again. */
void	control_server_wake(struct control_server *cs);
void	control_server_close(struct control_server *cs);

/* ---- Client side ---- */

/* How one request ended. */
enum control_result {
	CONTROL_OK = 0,		/* the whole reply came: status ok */
	CONTROL_REFUSED = 1,	/* the whole reply came: status error */
	CONTROL_NOT_SENT = -1,	/* no daemon to ask, or request too long
				 * (errno set) */
	CONTROL_LOST = -2,	/* a daemon is there, but no whole reply
				 * came: why says what happened */
};

/* Sends one request; the reply's body goes to sink as it arrives. */
enum control_result control_call(const char *path, int argc, char **argv,
	    control_sink sink, void *ctx, char *why, size_t whylen);

/*
 * control_call() that prints: the body on stdout (stderr for a refusal);
 * a lost reply as "peering: WHY" on stderr. When not sent, errno is set
 * and nothing printed.
 */
enum control_result control_request(const char *path, int argc,
	    char **argv);
/* control_request() for a reply that may stay silent for long (`events`):
 * no timeout once the request is sent. */
enum control_result control_request_stream(const char *path, int argc,
	    char **argv);
/* Whether a daemon listens on path. */
int	control_is_live(const char *path);

#endif
