/*
 * The OpenVPN management replies: line splitting (CRLF, bare LF, the
 * length limit), real-time lines skipped wherever they come, state lines
 * good and bad, replies that are not complete yet, SUCCESS/ERROR and pid.
 * The first vector is what OpenVPN 2.6.14 sent to `state` in a tap tunnel.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/vpn/ovpn_mgmt.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define BANNER	">INFO:OpenVPN Management Interface Version 5 -- type " \
		"'help' for more info\r\n"
/* nobind: no local address or port */
#define CONNECTED_LINE	"1795571937,CONNECTED,SUCCESS,100.69.0.11," \
			"10.77.0.1,1194,,,2804:269c:ff00:5:1::101"
#define OPENVPN_26	BANNER CONNECTED_LINE "\r\nEND\r\n"
#define WAIT_LF		"1,WAIT,,,,,,,\nEND\n"
#define BOUND		"1,CONNECTED,SUCCESS,100.69.0.11,10.77.0.1,1194," \
			"10.77.0.2,45127,\r\nEND\r\n"

static char err[256];

/* The text in a buffer of exactly its length: ASan sees any over-read. */
static char *
exact(const char *text, size_t len)
{
	char *buf = malloc(len > 0 ? len : 1);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, text, len);
	return buf;
}

static int
state_reply(const char *text, size_t len, struct ovpn_state *st,
    size_t *used)
{
	char *buf = exact(text, len);
	int rc;

	err[0] = '\0';
	*used = 0;
	rc = ovpn_mgmt_state_reply(buf, len, st, used, err, sizeof(err));
	free(buf);
	return rc;
}

/* ---- lines ---- */

START_TEST(test_mgmt_line)
{
	const char text[] = "a\r\nb\n\r\nc\r\r\nd";
	struct rbuf b = rbuf_make(text, sizeof(text) - 1), l;

	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), 0);
	ck_assert(l.len == 1 && l.p[0] == 'a');
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), 0);
	ck_assert(l.len == 1 && l.p[0] == 'b');
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), 0);
	ck_assert_uint_eq(l.len, 0);
	/* only the last CR belongs to the line end */
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), 0);
	ck_assert(l.len == 2 && memcmp(l.p, "c\r", 2) == 0);
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), OVPN_MGMT_MORE);
	ck_assert(b.len == 1 && b.p[0] == 'd');
}
END_TEST

START_TEST(test_mgmt_line_limit)
{
	size_t max = OVPN_MGMT_LINE_MAX;
	char *buf = malloc(max + 2);
	struct rbuf b, l;

	ck_assert_ptr_nonnull(buf);
	/* the longest line, with its CRLF */
	memset(buf, 'x', max);
	memcpy(buf + max, "\r\n", 2);
	b = rbuf_make(buf, max + 2);
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), 0);
	ck_assert_uint_eq(l.len, max);
	/* one more byte, told before its end comes */
	buf[max] = 'x';
	b = rbuf_make(buf, max + 2);
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), -1);
	/* with a bare LF */
	buf[max + 1] = '\n';
	b = rbuf_make(buf, max + 2);
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), -1);
	/* max + 1 bytes without an end: the last may be the CR */
	b = rbuf_make(buf, max + 1);
	ck_assert_int_eq(ovpn_mgmt_line(&b, &l), OVPN_MGMT_MORE);
	free(buf);
}
END_TEST

/* ---- state replies ---- */

struct state_case {
	const char	*name;
	const char	*text;
	int		 rc;
	const char	*state;		/* rc 0: the state name */
	const char	*v4;
	const char	*v6;
	const char	*err;		/* rc -1 */
};

#define BAD(n, line, why) { n, line "\r\nEND\r\n", -1, NULL, NULL, NULL, \
	"openvpn management: state line: " why }

static const struct state_case state_cases[] = {
	{ "openvpn 2.6", OPENVPN_26, 0, "CONNECTED", "100.69.0.11",
	    "2804:269c:ff00:5:1::101", NULL },
	{ "bare LF", CONNECTED_LINE "\nEND\n", 0, "CONNECTED",
	    "100.69.0.11", "2804:269c:ff00:5:1::101", NULL },
	{ "not connected yet", "1764035523,WAIT,,,,,,,\r\nEND\r\n", 0, "WAIT",
	    "", "", NULL },
	{ "reconnecting", "1764035523,RECONNECTING,tls-error,,,,,,\r\n"
	    "END\r\n", 0, "RECONNECTING", "", "", NULL },
	{ "real-time lines inside", BANNER "1,WAIT,,,,,,,\r\n>LOG:1,I,x\r\n"
	    ">STATE:2,AUTH,,,,,,,\r\n>HOLD:Waiting for hold release:0\r\n"
	    "END\r\n", 0, "WAIT", "", "", NULL },
	{ "empty lines skipped", "\r\n" CONNECTED_LINE "\r\n\r\nEND\r\n", 0,
	    "CONNECTED", "100.69.0.11", "2804:269c:ff00:5:1::101", NULL },
	{ "the last line is the state", "1,WAIT,,,,,,,\r\n" CONNECTED_LINE
	    "\r\nEND\r\n", 0, "CONNECTED", "100.69.0.11",
	    "2804:269c:ff00:5:1::101", NULL },
	{ "openvpn 2.3: five fields", "1,CONNECTED,SUCCESS,10.8.0.2,"
	    "192.0.2.1\r\nEND\r\n", 0, "CONNECTED", "10.8.0.2", "", NULL },
	{ "later fields ignored", CONNECTED_LINE ",x,y\r\nEND\r\n", 0,
	    "CONNECTED", "100.69.0.11", "2804:269c:ff00:5:1::101", NULL },
	{ "canonical IPv6", "1,CONNECTED,SUCCESS,,,,,,2804:269C:FF00:5:1:0:0:"
	    "100\r\nEND\r\n", 0, "CONNECTED", "", "2804:269c:ff00:5:1::100",
	    NULL },
	{ "IPv6 remote", "1,CONNECTED,SUCCESS,10.8.0.2,2001:db8::1,1194,"
	    "2001:db8::2,1194,\r\nEND\r\n", 0, "CONNECTED", "10.8.0.2", "",
	    NULL },
	{ "no END yet", CONNECTED_LINE "\r\n", OVPN_MGMT_MORE, NULL, NULL,
	    NULL, NULL },
	{ "END without its line end", CONNECTED_LINE "\r\nEND",
	    OVPN_MGMT_MORE, NULL, NULL, NULL, NULL },
	{ "only the banner", BANNER, OVPN_MGMT_MORE, NULL, NULL, NULL, NULL },
	{ "nothing", "", OVPN_MGMT_MORE, NULL, NULL, NULL, NULL },
	{ "ERROR reply", BANNER "ERROR: unknown command, enter 'help' for "
	    "more options\r\n", -1, NULL, NULL, NULL, "openvpn: unknown "
	    "command, enter 'help' for more options" },
	{ "SUCCESS is not a state", "SUCCESS: pid=5\r\n", -1, NULL, NULL, NULL,
	    "openvpn management: unexpected reply: SUCCESS: pid=5" },
	{ "END alone", "END\r\n", -1, NULL, NULL, NULL,
	    "openvpn management: no state line before END" },
	BAD("four fields", "1,CONNECTED,SUCCESS,10.8.0.2",
	    "fewer than 5 fields"),
	BAD("time not a number", "12a,CONNECTED,,,", "bad time"),
	BAD("time too long", "12345678901234567890,CONNECTED,,,", "bad time"),
	BAD("time empty", "1,,,,", "bad state name"),
	BAD("state lower case", "1,connected,,,", "bad state name"),
	BAD("state too long", "1,ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF,,,",
	    "bad state name"),
	BAD("state empty", "1,,SUCCESS,,", "bad state name"),
	BAD("description with a tab", "1,CONNECTED,a\tb,,", "bad description"),
	BAD("description too long", "1,CONNECTED,"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    ",,", "bad description"),
	BAD("bad IPv4", "1,CONNECTED,SUCCESS,300.1.1.1,", "bad local IPv4 "
	    "address"),
	BAD("IPv6 as IPv4", "1,CONNECTED,SUCCESS,2001:db8::1,",
	    "bad local IPv4 address"),
	BAD("IPv4 with a prefix length", "1,CONNECTED,SUCCESS,10.0.0.1/24,",
	    "bad local IPv4 address"),
	BAD("bad remote", "1,CONNECTED,SUCCESS,,vpn.example.net",
	    "bad remote address"),
	BAD("port too big", "1,CONNECTED,SUCCESS,,,65536", "bad remote port"),
	BAD("port not a number", "1,CONNECTED,SUCCESS,,,-1",
	    "bad remote port"),
	BAD("bad local port", "1,CONNECTED,SUCCESS,,,1194,,1194x",
	    "bad local port"),
	BAD("IPv4 as IPv6", "1,CONNECTED,SUCCESS,,,,,,10.0.0.1",
	    "bad local IPv6 address"),
	BAD("overlong address", "1,CONNECTED,SUCCESS,,,,,,"
	    "2804:269c:ff00:0005:0001:0000:0000:0100:0000:0000",
	    "bad local IPv6 address"),
};

START_TEST(test_mgmt_state)
{
	const struct state_case *c = &state_cases[_i];
	size_t len = strlen(c->text), used;
	struct ovpn_state st;
	int rc;

	rc = state_reply(c->text, len, &st, &used);
	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->name, rc, err);
	if (rc == -1)
		ck_assert_str_eq(err, c->err);
	if (rc != 0)
		return;
	ck_assert_uint_eq(used, len);
	ck_assert_str_eq(st.name, c->state);
	ck_assert_str_eq(st.local_v4, c->v4);
	ck_assert_str_eq(st.local_v6, c->v6);
}
END_TEST

START_TEST(test_mgmt_state_fields)
{
	struct ovpn_state st;
	size_t used;

	ck_assert_int_eq(state_reply(OPENVPN_26, strlen(OPENVPN_26), &st,
	    &used), 0);
	ck_assert(st.time == 1795571937ULL);
	ck_assert_str_eq(st.desc, "SUCCESS");
	ck_assert_str_eq(st.remote, "10.77.0.1");
	ck_assert_int_eq(st.remote_port, 1194);
	ck_assert_str_eq(st.local_addr, "");
	ck_assert_int_eq(st.local_port, -1);
	ck_assert_int_eq(state_reply(BOUND, strlen(BOUND), &st, &used), 0);
	ck_assert_str_eq(st.local_addr, "10.77.0.2");
	ck_assert_int_eq(st.local_port, 45127);
	ck_assert_int_eq(state_reply(WAIT_LF, strlen(WAIT_LF), &st, &used),
	    0);
	ck_assert_int_eq(st.remote_port, -1);
	ck_assert_int_eq(st.local_port, -1);
	ck_assert_str_eq(st.remote, "");
}
END_TEST

/* Every cut of a good reply is "more to come", never an error. */
START_TEST(test_mgmt_state_prefixes)
{
	size_t len = strlen(OPENVPN_26), n, used;
	struct ovpn_state st;

	for (n = 0; n < len; n++)
		ck_assert_msg(state_reply(OPENVPN_26, n, &st, &used) ==
		    OVPN_MGMT_MORE, "cut at %zu", n);
}
END_TEST

/* What follows a reply is left for the next one. */
START_TEST(test_mgmt_state_used)
{
	const char text[] = CONNECTED_LINE "\r\nEND\r\nSUCCESS: pid=7\r\n";
	struct ovpn_state st;
	size_t used;
	pid_t pid;

	ck_assert_int_eq(state_reply(text, sizeof(text) - 1, &st, &used), 0);
	ck_assert_uint_eq(used, strlen(CONNECTED_LINE) + 7);
	ck_assert_int_eq(ovpn_mgmt_pid_reply(text + used, sizeof(text) - 1 -
	    used, &pid, &used, err, sizeof(err)), 0);
	ck_assert_int_eq(pid, 7);
}
END_TEST

START_TEST(test_mgmt_state_overlong)
{
	size_t max = OVPN_MGMT_LINE_MAX, len;
	struct ovpn_state st;
	size_t used;
	char *text = malloc(max + 64);

	ck_assert_ptr_nonnull(text);
	/* a real-time line of the longest length is skipped */
	text[0] = '>';
	memset(text + 1, 'L', max - 1);
	len = max;
	len += (size_t)sprintf(text + len, "\r\n1,WAIT,,,,,,,\r\nEND\r\n");
	ck_assert_int_eq(state_reply(text, len, &st, &used), 0);
	ck_assert_str_eq(st.name, "WAIT");
	/* one byte more is an error, even in a real-time line */
	text[0] = '>';
	memset(text + 1, 'L', max);
	len = max + 1;
	len += (size_t)sprintf(text + len, "\r\n1,WAIT,,,,,,,\r\nEND\r\n");
	ck_assert_int_eq(state_reply(text, len, &st, &used), -1);
	ck_assert_str_eq(err, "openvpn management: line longer than 1024 "
	    "bytes");
	/* and so is a long line that has not ended yet */
	ck_assert_int_eq(state_reply(text, max + 2, &st, &used), -1);
	free(text);
}
END_TEST

/* ---- SUCCESS, ERROR, pid ---- */

struct result_case {
	const char	*name;
	const char	*text;
	int		 rc;
	const char	*out;		/* the text, or the error */
};

static const struct result_case result_cases[] = {
	{ "signal", "SUCCESS: signal SIGTERM thrown\r\n", 0,
	    "signal SIGTERM thrown" },
	{ "after the banner", BANNER "SUCCESS: pid=1\r\n", 0, "pid=1" },
	{ "no space", "SUCCESS:x\n", 0, "x" },
	{ "empty text", "SUCCESS:\r\n", 0, "" },
	{ "unprintable shown as ?", "SUCCESS: a\tb\x01\xff\r\n", 0, "a?b??" },
	{ "error", "ERROR: signal 'X' is not a known signal type\r\n", -1,
	    "openvpn: signal 'X' is not a known signal type" },
	{ "garbage", "hello\r\n", -1,
	    "openvpn management: unexpected reply: hello" },
	{ "not ended", "SUCCESS: pid=1", OVPN_MGMT_MORE, NULL },
	{ "only real-time lines", ">INFO:x\r\n>LOG:y\r\n", OVPN_MGMT_MORE,
	    NULL },
};

START_TEST(test_mgmt_result)
{
	const struct result_case *c = &result_cases[_i];
	char text[OVPN_MGMT_TEXT_MAX + 1];
	size_t len = strlen(c->text), used = 0;
	char *buf = exact(c->text, len);
	int rc;

	err[0] = '\0';
	rc = ovpn_mgmt_result_reply(buf, len, text, &used, err, sizeof(err));
	free(buf);
	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->name, rc, err);
	if (rc == 0) {
		ck_assert_str_eq(text, c->out);
		ck_assert_uint_eq(used, len);
	} else if (rc == -1)
		ck_assert_str_eq(err, c->out);
}
END_TEST

START_TEST(test_mgmt_result_long)
{
	char line[600], text[OVPN_MGMT_TEXT_MAX + 1];
	size_t used;
	int n;

	n = snprintf(line, sizeof(line), "SUCCESS: %0500d\r\n", 7);
	ck_assert_int_eq(ovpn_mgmt_result_reply(line, (size_t)n, text, &used,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(text), OVPN_MGMT_TEXT_MAX);
	ck_assert_uint_eq(used, (size_t)n);
}
END_TEST

struct pid_case {
	const char	*text;
	int		 rc;
	pid_t		 pid;
};

static const struct pid_case pid_cases[] = {
	{ "SUCCESS: pid=14909\r\n", 0, 14909 },
	{ BANNER "SUCCESS: pid=1\r\n", 0, 1 },
	{ "SUCCESS: pid=2147483647\r\n", 0, 2147483647 },
	{ "SUCCESS: pid=2147483648\r\n", -1, 0 },
	{ "SUCCESS: pid=99999999999\r\n", -1, 0 },
	{ "SUCCESS: pid=0\r\n", -1, 0 },
	{ "SUCCESS: pid=\r\n", -1, 0 },
	{ "SUCCESS: pid=-5\r\n", -1, 0 },
	{ "SUCCESS: pid=12 \r\n", -1, 0 },
	{ "SUCCESS: 12\r\n", -1, 0 },
	{ "ERROR: no\r\n", -1, 0 },
	{ "SUCCESS: pid=12", OVPN_MGMT_MORE, 0 },
};

START_TEST(test_mgmt_pid)
{
	const struct pid_case *c = &pid_cases[_i];
	size_t len = strlen(c->text), used = 0;
	char *buf = exact(c->text, len);
	pid_t pid = 0;
	int rc;

	rc = ovpn_mgmt_pid_reply(buf, len, &pid, &used, err, sizeof(err));
	free(buf);
	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->text, rc, err);
	if (rc == 0) {
		ck_assert_int_eq(pid, c->pid);
		ck_assert_uint_eq(used, len);
	}
}
END_TEST

Suite *ovpn_mgmt_suite(void)
{
	Suite *s = suite_create("ovpn_mgmt");
	TCase *tc = tcase_create("ovpn_mgmt");

	tcase_add_test(tc, test_mgmt_line);
	tcase_add_test(tc, test_mgmt_line_limit);
	tcase_add_loop_test(tc, test_mgmt_state, 0, (int)NELEM(state_cases));
	tcase_add_test(tc, test_mgmt_state_fields);
	tcase_add_test(tc, test_mgmt_state_prefixes);
	tcase_add_test(tc, test_mgmt_state_used);
	tcase_add_test(tc, test_mgmt_state_overlong);
	tcase_add_loop_test(tc, test_mgmt_result, 0, (int)NELEM(result_cases));
	tcase_add_test(tc, test_mgmt_result_long);
	tcase_add_loop_test(tc, test_mgmt_pid, 0, (int)NELEM(pid_cases));
	suite_add_tcase(s, tc);
	return s;
}
