/*
 * The control protocol: the request parser (the daemon's only reader of
 * socket bytes), the reply framing both ways, and the client against a
 * stand-in daemon that answers whole, cut or not at all.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/ctl/control.h"
#include "th_control.h"

static int
parse(const char *text, char *buf, char **words)
{
	const char *why;
	size_t len = strlen(text);

	memcpy(buf, text, len + 1);
	return control_parse_request(buf, len, words, 4, &why);
}

START_TEST(test_control_words)
{
	char buf[64], *w[4];

	ck_assert_int_eq(parse("show protocols\n", buf, w), 2);
	ck_assert_str_eq(w[0], "show");
	ck_assert_str_eq(w[1], "protocols");
	ck_assert_int_eq(parse("  show\t\tprotocols  json \n", buf, w), 3);
	ck_assert_str_eq(w[2], "json");
}
END_TEST

START_TEST(test_control_rejects)
{
	char buf[64], *w[4];

	ck_assert_int_eq(parse("show protocols", buf, w), -1);	/* no \n */
	ck_assert_int_eq(parse("\n", buf, w), -1);
	ck_assert_int_eq(parse("   \n", buf, w), -1);
	ck_assert_int_eq(parse("a b c d e\n", buf, w), -1);	/* > 4 */
	ck_assert_int_eq(parse("show\x01 x\n", buf, w), -1);
	ck_assert_int_eq(parse("sh\xc3\xa9\n", buf, w), -1);
	ck_assert_int_eq(parse("a\nb\n", buf, w), -1);
}
END_TEST

/* ---- reply framing ---- */

/* Every reply read: the reader's counts agree; then freed. */
static void
reply_end(struct th_reply *g)
{
	ck_assert(g->sane);
	strbuf_free(&g->body);
}

static const char *
body_of(const struct th_reply *g)
{
	return g->body.s != NULL ? g->body.s : "";
}

/* Every whole reply, at once and in every piece size: same result. */
static const struct {
	const char		*wire;
	const char		*body;
	enum control_status	 status;
} whole[] = {
	{ "a\nb\n.ok\n", "a\nb\n", CONTROL_STATUS_OK },
	{ ".ok\n", "", CONTROL_STATUS_OK },			/* empty body */
	{ "error: no\n.error\n", "error: no\n", CONTROL_STATUS_ERROR },
	{ ".error\n", "", CONTROL_STATUS_ERROR },
	{ "..x\n...\n.ok\n", ".x\n..\n", CONTROL_STATUS_OK },	/* stuffed */
	{ "x\n.error 42 later versions say more\n", "x\n",
	    CONTROL_STATUS_ERROR },
	{ "x.y\n a\n.ok\n", "x.y\n a\n", CONTROL_STATUS_OK },
};

START_TEST(test_reply_whole)
{
	size_t len = strlen(whole[_i].wire);

	for (size_t step = 0; step <= len; step++) {
		struct th_reply g;

		th_read_reply(whole[_i].wire, len, step, &g);
		ck_assert_int_eq(g.rc, 1);
		ck_assert(g.done);
		ck_assert_uint_eq(g.used, len);
		ck_assert_int_eq(g.status, whole[_i].status);
		ck_assert_str_eq(body_of(&g), whole[_i].body);
		reply_end(&g);
	}
}
END_TEST

/* Replies that end too soon: never done, whatever came. */
static const char *const cut[] = {
	"",			/* closed before replying */
	"a\n",			/* no status line */
	"a\nb",
	"a\n.",
	"a\n.o",
	"a\n.ok",		/* the status line without its '\n' */
	"error: x\n.error",
	"..",
};

START_TEST(test_reply_cut)
{
	size_t len = strlen(cut[_i]);

	for (size_t step = 0; step <= len; step++) {
		struct th_reply g;

		th_read_reply(cut[_i], len, step, &g);
		ck_assert_int_eq(g.rc, 0);
		ck_assert(!g.done);
		ck_assert_uint_eq(g.used, len);
		reply_end(&g);
	}
}
END_TEST

static const struct {
	const char	*wire;
	const char	*why;
} malformed[] = {
	{ "a\n.\n", "empty status line" },
	{ "a\n.okay\n", "unknown status" },
	{ ".OK\n", "unknown status" },
	{ ". ok\n", "empty status line" },
};

START_TEST(test_reply_malformed)
{
	struct th_reply g;

	th_read_reply(malformed[_i].wire, strlen(malformed[_i].wire), 0, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert(!g.done);
	ck_assert_str_eq(g.why, malformed[_i].why);
	reply_end(&g);
}
END_TEST

START_TEST(test_reply_status_too_long)
{
	char wire[CONTROL_MAX_STATUS_LINE + 8];
	struct th_reply g;

	/* The longest status line the reader keeps, then one byte more. */
	memset(wire, 'x', sizeof(wire));
	memcpy(wire, ".ok ", 4);
	wire[CONTROL_MAX_STATUS_LINE] = '\n';
	th_read_reply(wire, CONTROL_MAX_STATUS_LINE + 1, 0, &g);
	ck_assert_int_eq(g.rc, 1);
	reply_end(&g);
	wire[CONTROL_MAX_STATUS_LINE] = 'x';
	wire[CONTROL_MAX_STATUS_LINE + 1] = '\n';
	th_read_reply(wire, CONTROL_MAX_STATUS_LINE + 2, 0, &g);
	ck_assert_int_eq(g.rc, -1);
	ck_assert_str_eq(g.why, "status line too long");
	reply_end(&g);
}
END_TEST

/* The reply ends at its status line: what follows is not read. */
START_TEST(test_reply_stops_at_end)
{
	static const char wire[] = "a\n.ok\nnext\n";
	struct th_reply g;

	th_read_reply(wire, sizeof(wire) - 1, 0, &g);
	ck_assert_int_eq(g.rc, 1);
	ck_assert_uint_eq(g.used, 6);
	ck_assert_str_eq(body_of(&g), "a\n");
	reply_end(&g);
}
END_TEST

/* Writer then reader, the body in pieces: the body comes back. */
static const char *const bodies[] = {
	"", "a\n", "no newline", ".\n..\n...", "x\n.ok\n", ".error\n",
	"error: refused\n", "\n\n.\n",
};

START_TEST(test_reply_roundtrip)
{
	const char *body = bodies[_i];
	size_t len = strlen(body);

	for (size_t step = 1; step <= len + 1; step++) {
		struct control_writer w;
		struct strbuf wire;
		enum control_status st = control_body_status(body, len);
		struct th_reply g;

		strbuf_init(&wire);
		control_writer_init(&w);
		for (size_t off = 0; off < len; off += step)
			control_write_body(&w, &wire, body + off,
			    len - off < step ? len - off : step);
		control_write_end(&w, &wire, st);
		th_read_reply(wire.s, wire.len, 0, &g);
		ck_assert_int_eq(g.rc, 1);
		ck_assert_uint_eq(g.used, wire.len);
		ck_assert_int_eq(g.status, st);
		/* The body, ended by '\n' if it was not. */
		ck_assert_uint_eq(g.body.len, len + (len > 0 &&
		    body[len - 1] != '\n'));
		ck_assert(len == 0 || memcmp(g.body.s, body, len) == 0);
		reply_end(&g);
		strbuf_free(&wire);
	}
}
END_TEST

/* Body bytes appended raw after pending output, then framed in place (as
 * the server frames a stream's slice): each line that starts with '.' is
 * given one more, the pending bytes are left alone, and a slice that goes
 * on a line the last one left open is not stuffed at its start. */
static const struct {
	const char	*first;		/* framed by control_write_body */
	const char	*raw;		/* appended raw, then stuffed */
	const char	*wire;		/* after ".p\n" */
} in_place[] = {
	{ "", "{\"a\":1}\n{\"b\":2}\n", "{\"a\":1}\n{\"b\":2}\n" },
	{ "", ".a\nb\n.c\n..d\n", "..a\nb\n..c\n...d\n" },
	{ "x", ".y\n.z", "x.y\n..z" },
	{ "x\n", ".y\n", "x\n..y\n" },
	{ "", ".", ".." },
	{ "", "\n.\n\n.", "\n..\n\n.." },
	{ ".", "", ".." },
	{ "", "1.2.3.4\n", "1.2.3.4\n" },
};

START_TEST(test_reply_stuff_in_place)
{
	struct control_writer w;
	struct strbuf wire;
	size_t start;

	strbuf_init(&wire);
	strbuf_append(&wire, ".p\n", 3);
	control_writer_init(&w);
	control_write_body(&w, &wire, in_place[_i].first,
	    strlen(in_place[_i].first));
	start = wire.len;
	strbuf_append(&wire, in_place[_i].raw, strlen(in_place[_i].raw));
	control_write_stuff(&w, &wire, start);
	ck_assert(!wire.failed);
	ck_assert_uint_eq(wire.len, 3 + strlen(in_place[_i].wire));
	ck_assert(memcmp(wire.s, ".p\n", 3) == 0);
	ck_assert(memcmp(wire.s + 3, in_place[_i].wire, wire.len - 3) == 0);
	ck_assert(w.mid_line == (wire.s[wire.len - 1] != '\n'));
	strbuf_free(&wire);
}
END_TEST

/* The reader hands a read's body on in one piece when no line in it
 * starts with '.', and splits it only where one does. */
struct sink_count {
	struct strbuf	body;
	int		calls;
};

static void
count_sink(void *ctx, const char *p, size_t len)
{
	struct sink_count *sc = ctx;

	sc->calls++;
	strbuf_append(&sc->body, p, len);
}

START_TEST(test_reply_spans)
{
	static const struct {
		const char	*wire;
		const char	*body;
		int		 calls;
	} t[] = {
		{ "a\nb\nc\n.ok\n", "a\nb\nc\n", 1 },
		{ "a\nb\n..c\nd\n.ok\n", "a\nb\n.c\nd\n", 3 },
		{ "{\"x\":1}\n{\"y\":2}\n.error refused\n",
		  "{\"x\":1}\n{\"y\":2}\n", 1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct control_reader r;
		struct sink_count sc = { .calls = 0 };
		size_t used, len = strlen(t[i].wire);

		strbuf_init(&sc.body);
		control_reader_init(&r, count_sink, &sc);
		ck_assert_int_eq(control_reader_feed(&r, t[i].wire, len,
		    &used), 1);
		ck_assert_uint_eq(used, len);
		ck_assert_uint_eq(sc.body.len, strlen(t[i].body));
		ck_assert(memcmp(sc.body.s, t[i].body, sc.body.len) == 0);
		ck_assert_int_eq(sc.calls, t[i].calls);
		strbuf_free(&sc.body);
	}
}
END_TEST

START_TEST(test_reply_body_status)
{
	ck_assert_int_eq(control_body_status("error: x\n", 9),
	    CONTROL_STATUS_ERROR);
	ck_assert_int_eq(control_body_status("error:", 6), CONTROL_STATUS_OK);
	ck_assert_int_eq(control_body_status("", 0), CONTROL_STATUS_OK);
	ck_assert_int_eq(control_body_status("ok\nerror: x\n", 12),
	    CONTROL_STATUS_OK);
}
END_TEST

/* ---- the client against a stand-in daemon ---- */

struct standin {
	char	dir[64];
	char	path[128];
	pid_t	pid;
};

/* A child serving one connection, then gone (its socket removed):
 * reads the request, writes wire (NULL: writes nothing and keeps the
 * connection open for hold_s seconds). */
static void
standin_start(struct standin *s, const char *wire, int hold_s)
{
	struct sockaddr_un sun;
	char req[CONTROL_MAX_REQUEST];
	int lfd, fd;

	strcpy(s->dir, "/tmp/peering-ctl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/sock", s->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, s->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid > 0) {
		close(lfd);
		return;
	}
	if ((fd = accept(lfd, NULL, NULL)) < 0)
		_exit(1);
	close(lfd);
	unlink(s->path);
	(void)!read(fd, req, sizeof(req));
	if (wire != NULL)
		(void)!write(fd, wire, strlen(wire));
	else
		sleep((unsigned)hold_s);
	close(fd);
	_exit(0);
}

static void
standin_end(struct standin *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	unlink(s->path);
	rmdir(s->dir);
}

static enum control_result
call(const struct standin *s, struct strbuf *body, char *why, size_t len)
{
	char *argv[] = { (char *)"show", (char *)"status" };

	strbuf_init(body);
	why[0] = '\0';
	return control_call(s->path, 2, argv, control_sink_strbuf, body, why,
	    len);
}

/* What a stand-in daemon sends, what the client makes of it: the body
 * of a whole reply, or the start of why it is lost. */
static const struct {
	const char		*wire;
	enum control_result	 rc;
	const char		*text;
} answers[] = {
	{ "up\n.ok\n", CONTROL_OK, "up\n" },
	{ "error: no\n.error\n", CONTROL_REFUSED, "error: no\n" },
	{ "", CONTROL_LOST, "the daemon closed the connection: it did not "
	    "reply" },
	{ "up\n", CONTROL_LOST, "the daemon closed the connection: it cut its "
	    "reply" },
	{ "up\n.what\n", CONTROL_LOST, "peering-bgpd sent a malformed reply "
	    "(unknown status)" },
};

START_TEST(test_client_answers)
{
	struct standin s;
	struct strbuf body;
	char why[512];
	const char *text = answers[_i].text;

	standin_start(&s, answers[_i].wire, 0);
	ck_assert_int_eq(call(&s, &body, why, sizeof(why)), answers[_i].rc);
	if (answers[_i].rc == CONTROL_LOST)
		ck_assert_msg(strncmp(why, text, strlen(text)) == 0,
		    "got '%s'", why);
	else
		ck_assert_str_eq(body.s, text);
	strbuf_free(&body);
	standin_end(&s);
}
END_TEST

/* A daemon gone after closing is named; one that says nothing is timed
 * out, not waited for. */
START_TEST(test_client_gone_and_silent)
{
	struct standin s;
	struct strbuf body;
	char why[512];

	standin_start(&s, "", 0);
	ck_assert_int_eq(call(&s, &body, why, sizeof(why)), CONTROL_LOST);
	ck_assert_msg(strstr(why, "; peering-bgpd is no longer running") !=
	    NULL, "got '%s'", why);
	strbuf_free(&body);
	standin_end(&s);

	setenv(CONTROL_CLIENT_TIMEOUT_ENV, "1", 1);
	standin_start(&s, NULL, 5);
	ck_assert_int_eq(call(&s, &body, why, sizeof(why)), CONTROL_LOST);
	unsetenv(CONTROL_CLIENT_TIMEOUT_ENV);
	ck_assert_str_eq(why, "peering-bgpd sent nothing for 1 seconds "
	    "instead of replying; is it stuck?");
	strbuf_free(&body);
	standin_end(&s);
}
END_TEST

START_TEST(test_client_not_sent)
{
	char *argv[] = { (char *)"show" };
	struct strbuf body;
	char why[64];

	strbuf_init(&body);
	errno = 0;
	ck_assert_int_eq(control_call("/nonexistent/peering.sock", 1, argv,
	    control_sink_strbuf, &body, why, sizeof(why)), CONTROL_NOT_SENT);
	ck_assert_int_eq(errno, ENOENT);
	strbuf_free(&body);
}
END_TEST

/* ---- requests in either form (ctl_request_parse) ---- */

static int
rq_parse(const char *text, struct ctl_request *rq, enum ctl_code *code)
{
	static char buf[CONTROL_MAX_REQUEST];
	const char *why = NULL;
	size_t len = strlen(text);
	int rc;

	memcpy(buf, text, len);
	*code = CTL_OK;
	rc = ctl_request_parse(buf, len, rq, code, &why);
	ck_assert(rc == 0 || (why != NULL && *code != CTL_OK));
	return rc;
}

static void
rq_words(const struct ctl_request *rq, const char *want)
{
	char got[512] = "";

	for (int i = 0; i < rq->argc; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
		    i ? " " : "", rq->argv[i]);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(rq->argv[rq->argc]);
}

START_TEST(test_request_forms)
{
	static struct ctl_request rq;
	enum ctl_code code;

	ck_assert_int_eq(rq_parse("show protocols\n", &rq, &code), 0);
	rq_words(&rq, "show protocols");
	ck_assert(!rq.json && !rq.json_form);
	ck_assert_int_eq(rq_parse("show route json limit 3\n", &rq, &code), 0);
	ck_assert(rq.json && !rq.json_form);
	ck_assert_int_eq(rq_parse("{\"command\":[\"show\",\"protocols\"],"
	    "\"json\":true}\n", &rq, &code), 0);
	rq_words(&rq, "show protocols json");
	ck_assert(rq.json && rq.json_form);
	/* json defaults to true; not appended twice; a string command */
	ck_assert_int_eq(rq_parse(" {\"command\":\"show  memory\tjson\"}\n",
	    &rq, &code), 0);
	rq_words(&rq, "show memory json");
	ck_assert_int_eq(rq_parse("{\"command\":[\"announce\",\"184.164.224.0/24\""
	    "],\"json\":false,\"version\":1}\n", &rq, &code), 0);
	rq_words(&rq, "announce 184.164.224.0/24");
	ck_assert(!rq.json);
}
END_TEST

static const struct {
	const char	*text;
	enum ctl_code	 code;
} bad_requests[] = {
	{ "{\"command\":[\"show\"]", CTL_E_BAD_REQUEST },	/* no \n */
	{ "{\"command\":[\"show\"]}\n{}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"show\"]\n", CTL_E_BAD_REQUEST },
	{ "{1}\n", CTL_E_BAD_REQUEST },
	{ "{}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[]}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":\"   \"}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"show status\"]}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"\"]}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"sh\\u00e9\"]}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[1]}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":7}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"x\"],\"json\":1}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"x\"],\"verbose\":true}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"x\"],\"version\":1.5}\n", CTL_E_BAD_REQUEST },
	{ "{\"command\":[\"x\"],\"version\":2}\n", CTL_E_VERSION },
	{ "{\"command\":\"a b c d e f g h i j k l m n o p q r s t u v w x y z "
	    "a b c d e f g\"}\n", CTL_E_BAD_REQUEST },	/* 33 words */
	{ "{\"command\":\"a b c d e f g h i j k l m n o p q r s t u v w x y z "
	    "a b c d e f\"}\n", CTL_E_BAD_REQUEST },	/* 32 + json */
	{ "show\x01\n", CTL_E_BAD_REQUEST },
	{ "\n", CTL_E_BAD_REQUEST },
};

START_TEST(test_request_bad)
{
	static struct ctl_request rq;
	enum ctl_code code;

	ck_assert_int_eq(rq_parse(bad_requests[_i].text, &rq, &code), -1);
	ck_assert_int_eq(code, bad_requests[_i].code);
}
END_TEST

/* The status line's code, both ways; error bodies in both forms. */
START_TEST(test_status_codes)
{
	static const struct {
		const char	*wire;
		enum ctl_code	 code;
	} v[] = {
		{ ".ok\n", CTL_OK },
		{ ".error\n", CTL_CODE_COUNT },	/* a version 0 daemon */
		{ ".error busy\n", CTL_E_BUSY },
		{ ".error read-only more later\n", CTL_E_READ_ONLY },
		{ ".error frobbed\n", CTL_CODE_COUNT },
	};
	struct control_writer w;
	struct strbuf b;
	struct th_reply g;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		th_read_reply(v[i].wire, strlen(v[i].wire), 0, &g);
		ck_assert(g.done);
		ck_assert_int_eq(g.code, v[i].code);
		reply_end(&g);
	}
	for (int c = CTL_OK; c < CTL_CODE_COUNT; c++) {
		strbuf_init(&b);
		control_writer_init(&w);
		control_write_body(&w, &b, "x", 1);
		control_write_end_code(&w, &b, (enum ctl_code)c);
		th_read_reply(b.s, b.len, 1, &g);
		ck_assert_int_eq(g.code, c);
		ck_assert_int_eq(g.status, c == CTL_OK ? CONTROL_STATUS_OK :
		    CONTROL_STATUS_ERROR);
		ck_assert(c == CTL_OK || ctl_code_parse(ctl_code_name(
		    (enum ctl_code)c), strlen(ctl_code_name(
		    (enum ctl_code)c))) == (enum ctl_code)c);
		reply_end(&g);
		strbuf_free(&b);
	}
	strbuf_init(&b);
	ctl_error_body(&b, false, CTL_E_BUSY, "error: full\n", 12);
	ctl_error_body(&b, false, CTL_E_BUSY, "full", 4);
	ctl_error_body(&b, true, CTL_E_READ_ONLY, "error: say \"no\"\n", 16);
	ck_assert_str_eq(b.s, "error: full\nerror: full\n{\"error\":{\"code\":"
	    "\"read-only\",\"message\":\"say \\\"no\\\"\"}}\n");
	strbuf_free(&b);
}
END_TEST

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");
	TCase *client = tcase_create("client");

	tcase_add_test(tc, test_control_words);
	tcase_add_test(tc, test_control_rejects);
	tcase_add_loop_test(tc, test_reply_whole, 0, NELEM(whole));
	tcase_add_loop_test(tc, test_reply_cut, 0, NELEM(cut));
	tcase_add_loop_test(tc, test_reply_malformed, 0, NELEM(malformed));
	tcase_add_test(tc, test_reply_status_too_long);
	tcase_add_test(tc, test_reply_stops_at_end);
	tcase_add_loop_test(tc, test_reply_roundtrip, 0, NELEM(bodies));
	tcase_add_test(tc, test_reply_body_status);
	tcase_add_loop_test(tc, test_reply_stuff_in_place, 0,
	    sizeof(in_place) / sizeof(in_place[0]));
	tcase_add_test(tc, test_reply_spans);
	tcase_add_test(tc, test_request_forms);
	tcase_add_loop_test(tc, test_request_bad, 0, NELEM(bad_requests));
	tcase_add_test(tc, test_status_codes);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(client, test_client_answers, 0, NELEM(answers));
	tcase_add_test(client, test_client_gone_and_silent);
	tcase_add_test(client, test_client_not_sent);
	tcase_set_timeout(client, 10);
	suite_add_tcase(s, client);
	return s;
}
