/*
 * A control reply whose body is produced a slice at a time: the seam
 * between the control server (which owns the socket) and a command that
 * answers with more than it should build at once (docs/control.md,
 * "Streamed replies").
 *
 * A handler hands one back through its `stream` out-parameter (zeroed
 * before the call): the server first sends what the handler put in its
 * reply buffer, then calls next() whenever that connection's pending
 * output is below CTL_STREAM_PENDING_MAX and its socket is writable, at
 * most a few slices (about 1 ms) per connection per loop turn, so other
 * clients and the BGP sessions are served between slices, and a client
 * that reads slowly costs at most about CTL_STREAM_PENDING_MAX + one
 * slice of memory.
 *
 * next() appends whole lines, about budget bytes (a line may overshoot),
 * to out, which is the connection's wire buffer: it may already hold
 * output not yet sent (what is before out->len on entry is not the
 * stream's; appended body bytes are framed in place, a line that starts
 * with '.' given one more, so a producer never copies), and says:
 *   CTL_STREAM_MORE  call again; with nothing appended, the stream is
 *                    idle (it waits for news): the server stops asking
 *                    until control_server_wake() or a second passes;
 *   CTL_STREAM_DONE  the body is complete (what it appended is the last
 *                    of it): the reply ends with the ok status;
 *   CTL_STREAM_FAIL  the reply ends with an error status; the last line
 *                    it appended, if any, is the error's text ("error: "
 *                    optional; "error: CODE: ..." with CODE one of
 *                    docs/control.md's codes sets the status's code,
 *                    else it is "refused"); lines before it are body.
 * free(arg) is called exactly once: after DONE or FAIL, or when the
 * client goes away or is dropped mid-stream, or the server closes. A
 * reply whose handler-written body is already an error never streams
 * (free is still called).
 */
#ifndef PEERING_CTL_STREAM_H
#define PEERING_CTL_STREAM_H

#include <stddef.h>

#include "../lib/strbuf.h"

/* A reply body produced a slice at a time (when the socket is writable). */
enum ctl_stream_result { CTL_STREAM_DONE = 0, CTL_STREAM_MORE = 1, CTL_STREAM_FAIL = -1 };
struct ctl_stream {
	/* Appends the next slice of the body (whole lines, about budget bytes) to out.
	 * FAIL: the reply ends with an error status; out may hold the error's text. */
	enum ctl_stream_result (*next)(void *arg, struct strbuf *out, size_t budget);
	void (*free)(void *arg);   /* always called once, also when the client goes away */
	void *arg;
};

/* The budget the server passes to next(), and the pending output (framed,
 * not yet taken by the socket) below which it asks for the next slice. */
#define CTL_STREAM_BUDGET	(32 * 1024)
#define CTL_STREAM_PENDING_MAX	(64 * 1024)

#endif
