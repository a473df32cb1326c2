/*
 * The control server's streamed replies (ctl_stream.h), with the server
 * and a raw client in one process and the loop turned by hand: a stream's
 * slices come one per loop turn, only while little is pending, so a client
 * that does not read holds a bounded amount; the body arrives whole and in
 * order; free() runs exactly once when the stream ends, fails, or the
 * client goes away; an idle stream does not spin and resumes on wake.
 */
#include <check.h>
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../src/ctl/control.h"
#include "th_tmpdir.h"

#define LINE_LEN	14	/* "line %08zu\n" */

struct producer {
	size_t	 lines;		/* to produce */
	size_t	 next_line;
	size_t	 fail_at;	/* 0: never */
	bool	 idle;		/* appends nothing until not idle */
	bool	 lost;		/* fails with code lost-events */
	size_t	 calls;
	size_t	 bytes;
	size_t	 frees;
};

static struct producer prod;

static enum ctl_stream_result
prod_next(void *arg, struct strbuf *out, size_t budget)
{
	struct producer *p = arg;
	size_t start = out->len;

	p->calls++;
	if (p->idle)
		return CTL_STREAM_MORE;
	while (p->next_line < p->lines && out->len - start < budget) {
		if (p->fail_at != 0 && p->next_line == p->fail_at) {
			strbuf_printf(out, CONTROL_ERROR_PREFIX "%s\n",
			    p->lost ? "lost-events: too slow" : "boom");
			return CTL_STREAM_FAIL;
		}
		strbuf_printf(out, "line %08zu\n", p->next_line++);
	}
	p->bytes += out->len - start;
	return p->next_line < p->lines ? CTL_STREAM_MORE : CTL_STREAM_DONE;
}

static void
prod_free(void *arg)
{
	((struct producer *)arg)->frees++;
}

/* "stream N [fail K] [idle]", or "plain". */
static enum ctl_code
handler(void *ctx, struct ctl_request *rq, struct strbuf *reply,
    struct ctl_stream *stream)
{
	int argc = rq->argc;
	char **argv = rq->argv;

	(void)ctx;
	ck_assert_ptr_null(stream->next);	/* zeroed before the call */
	if (strcmp(argv[0], "plain") == 0) {
		strbuf_printf(reply, "plain\n");
		return CTL_OK;
	}
	if (strcmp(argv[0], "nope") == 0) {
		strbuf_printf(reply, "no such thing\n");
		return CTL_E_UNKNOWN_COMMAND;
	}
	memset(&prod, 0, sizeof(prod));
	prod.lines = strtoul(argv[1], NULL, 10);
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "fail") == 0)
			prod.fail_at = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "idle") == 0)
			prod.idle = true;
		else if (strcmp(argv[i], "lost") == 0)
			prod.lost = true;
	strbuf_printf(reply, "head\n");
	stream->next = prod_next;
	stream->free = prod_free;
	stream->arg = &prod;
	return CTL_OK;
}

struct bed {
	char			 dir[64], path[128];
	struct ev_loop		*loop;
	struct control_server	*cs;
	int			 fd;		/* the client */
	struct control_reader	 r;
	struct strbuf		 body;
	int			 rc;
};

static void
bed_open(struct bed *b, const char *request)
{
	struct sockaddr_un sun;

	th_tmpdir_make(b->dir, sizeof(b->dir), "ctlstream");
	snprintf(b->path, sizeof(b->path), "%s/s", b->dir);
	b->loop = ev_loop_new(EVFLAG_AUTO);
	b->cs = control_server_open(b->loop, b->path, handler, NULL);
	ck_assert_ptr_nonnull(b->cs);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, b->path);
	b->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_eq(connect(b->fd, (struct sockaddr *)&sun,
	    sizeof(sun)), 0);
	ck_assert_int_eq(send(b->fd, request, strlen(request), 0),
	    (ssize_t)strlen(request));
	strbuf_init(&b->body);
	control_reader_init(&b->r, control_sink_strbuf, &b->body);
	b->rc = 0;
}

static void
bed_turns(struct bed *b, int n)
{
	for (int i = 0; i < n; i++)
		ev_run(b->loop, EVRUN_NOWAIT);
}

/* Turns the loop and reads until the reply is whole (or turns run out). */
static void
bed_read_all(struct bed *b)
{
	char buf[65536];
	size_t used;

	for (int turns = 0; b->rc == 0 && turns < 1000000; turns++) {
		ssize_t n;

		ev_run(b->loop, EVRUN_NOWAIT);
		while (b->rc == 0 && (n = recv(b->fd, buf, sizeof(buf), 0)) > 0)
			b->rc = control_reader_feed(&b->r, buf, (size_t)n,
			    &used);
	}
}

static void
bed_close(struct bed *b)
{
	if (b->fd >= 0)
		close(b->fd);
	control_server_close(b->cs);
	ev_loop_destroy(b->loop);
	strbuf_free(&b->body);
	th_tmpdir_remove(b->dir);
}

START_TEST(test_stream_bounded_and_whole)
{
	struct bed b;
	const size_t lines = 400000;	/* 5.6 MB */
	size_t calls;

	bed_open(&b, "stream 400000\n");
	/* The client reads nothing: what is produced stays bounded by the
	 * pending limit, a slice and what the socket holds. */
	bed_turns(&b, 200);
	ck_assert_uint_gt(prod.calls, 1);
	ck_assert_uint_le(prod.calls, 200);	/* at most one a turn */
	ck_assert_uint_lt(prod.bytes, 1536 * 1024);
	calls = prod.calls;
	bed_turns(&b, 50);			/* nothing more fits */
	ck_assert_uint_le(prod.calls, calls + 1);
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_int_eq(b.r.status, CONTROL_STATUS_OK);
	ck_assert_uint_eq(b.body.len, 5 + lines * LINE_LEN);
	ck_assert(memcmp(b.body.s, "head\nline 00000000\n", 19) == 0);
	for (size_t i = 0; i < lines; i += 9973) {
		char want[LINE_LEN + 1];

		snprintf(want, sizeof(want), "line %08zu\n", i);
		ck_assert(memcmp(b.body.s + 5 + i * LINE_LEN, want,
		    LINE_LEN) == 0);
	}
	ck_assert_uint_eq(prod.frees, 1);
	bed_close(&b);
	ck_assert_uint_eq(prod.frees, 1);
}
END_TEST

START_TEST(test_stream_client_gone)
{
	struct bed b;
	size_t calls;

	bed_open(&b, "stream 10000000\n");
	bed_turns(&b, 20);
	ck_assert_uint_eq(prod.frees, 0);
	close(b.fd);
	b.fd = -1;
	bed_turns(&b, 20);
	ck_assert_uint_eq(prod.frees, 1);
	calls = prod.calls;
	bed_turns(&b, 20);
	ck_assert_uint_eq(prod.calls, calls);
	bed_close(&b);
	ck_assert_uint_eq(prod.frees, 1);
}
END_TEST

START_TEST(test_stream_fails)
{
	struct bed b;

	bed_open(&b, "stream 100000 fail 50000\n");
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_int_eq(b.r.status, CONTROL_STATUS_ERROR);
	ck_assert_uint_eq(b.body.len, 5 + 50000 * LINE_LEN + 12);
	ck_assert_str_eq(b.body.s + b.body.len - 12, "error: boom\n");
	ck_assert_int_eq(b.r.code, CTL_E_REFUSED);
	ck_assert_uint_eq(prod.frees, 1);
	bed_close(&b);
}
END_TEST

/* A failing stream names its code; with JSON asked, the error is JSON. */
START_TEST(test_stream_fails_json)
{
	struct bed b;
	const char *want = "{\"error\":{\"code\":\"lost-events\","
	    "\"message\":\"lost-events: too slow\"}}\n";

	bed_open(&b, "{\"command\":[\"stream\",\"10\",\"fail\",\"5\","
	    "\"lost\"]}\n");
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_int_eq(b.r.status, CONTROL_STATUS_ERROR);
	ck_assert_int_eq(b.r.code, CTL_E_LOST_EVENTS);
	ck_assert_str_eq(b.body.s + b.body.len - strlen(want), want);
	bed_close(&b);
}
END_TEST

/* A handler's code goes on the status line; JSON asked: a JSON body. */
START_TEST(test_handler_code)
{
	struct bed b;

	bed_open(&b, "nope\n");
	bed_read_all(&b);
	ck_assert_int_eq(b.r.code, CTL_E_UNKNOWN_COMMAND);
	ck_assert_str_eq(b.body.s, "error: no such thing\n");
	bed_close(&b);
	bed_open(&b, "nope json\n");
	bed_read_all(&b);
	ck_assert_int_eq(b.r.code, CTL_E_UNKNOWN_COMMAND);
	ck_assert_str_eq(b.body.s, "{\"error\":{\"code\":\"unknown-command\","
	    "\"message\":\"no such thing\"}}\n");
	bed_close(&b);
	bed_open(&b, "{\"command\":\"x\",\n");	/* bad JSON: JSON error */
	bed_read_all(&b);
	ck_assert_int_eq(b.r.code, CTL_E_BAD_REQUEST);
	ck_assert_str_eq(b.body.s, "{\"error\":{\"code\":\"bad-request\","
	    "\"message\":\"not a JSON object\"}}\n");
	bed_close(&b);
}
END_TEST

START_TEST(test_stream_idle_then_woken)
{
	struct bed b;

	bed_open(&b, "stream 3 idle\n");
	bed_turns(&b, 50);
	/* Idle: asked once, then not again until woken (or a second). */
	ck_assert_uint_le(prod.calls, 2);
	ck_assert_int_eq(b.rc, 0);
	prod.idle = false;
	control_server_wake(b.cs);
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_int_eq(b.r.status, CONTROL_STATUS_OK);
	ck_assert_str_eq(b.body.s, "head\nline 00000000\nline 00000001\n"
	    "line 00000002\n");
	bed_close(&b);
	ck_assert_uint_eq(prod.frees, 1);
}
END_TEST

/* A client done sending (shutdown) still gets its whole reply, streamed
 * or not; one that closes is noticed while its stream is idle. */
START_TEST(test_half_close)
{
	struct bed b;

	bed_open(&b, "stream 100000\n");
	ck_assert_int_eq(shutdown(b.fd, SHUT_WR), 0);
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_int_eq(b.r.status, CONTROL_STATUS_OK);
	ck_assert_uint_eq(b.body.len, 5 + 100000 * LINE_LEN);
	bed_close(&b);
	bed_open(&b, "plain\n");
	ck_assert_int_eq(shutdown(b.fd, SHUT_WR), 0);
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_str_eq(b.body.s, "plain\n");
	bed_close(&b);
	bed_open(&b, "stream 3 idle\n");
	bed_turns(&b, 10);
	ck_assert_uint_eq(prod.frees, 0);
	close(b.fd);
	b.fd = -1;
	bed_turns(&b, 10);
	ck_assert_uint_eq(prod.frees, 1);	/* gone while idle */
	bed_close(&b);
}
END_TEST

START_TEST(test_stream_none)
{
	struct bed b;

	bed_open(&b, "plain\n");
	bed_read_all(&b);
	ck_assert_int_eq(b.rc, 1);
	ck_assert_str_eq(b.body.s, "plain\n");
	bed_close(&b);
}
END_TEST

Suite *
ctl_stream_suite(void)
{
	Suite *s = suite_create("ctl_stream");
	TCase *tc = tcase_create("ctl_stream");

	tcase_add_test(tc, test_stream_bounded_and_whole);
	tcase_add_test(tc, test_stream_client_gone);
	tcase_add_test(tc, test_stream_fails);
	tcase_add_test(tc, test_stream_fails_json);
	tcase_add_test(tc, test_handler_code);
	tcase_add_test(tc, test_stream_idle_then_woken);
	tcase_add_test(tc, test_stream_none);
	tcase_add_test(tc, test_half_close);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
