/*
 * Files and text from outside: the escaping of a peer's text, the refusal
 * of non-regular input files (a FIFO must not hang a reader), and the
 * daemon's locked pid file (a stale one never names a daemon).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/ctl/pidfile.h"
#include "../../src/lib/escape.h"
#include "../../src/lib/readfile.h"
#include "th_tmpdir.h"

struct esc_case {
	const char	*in;
	size_t		 in_len;	/* 0: strlen(in) */
	unsigned	 flags;
	size_t		 size;		/* of the output buffer */
	const char	*want;
	size_t		 need;		/* the returned length */
};

static const struct esc_case esc_cases[] = {
	{ "plain text", 0, 0, 64, "plain text", 10 },
	{ "two\nlines", 0, 0, 64, "two\\x0alines", 12 },
	{ "\x1b[31mred", 0, 0, 64, "\\x1b[31mred", 11 },
	{ "back\\slash", 0, 0, 64, "back\\\\slash", 11 },
	{ "nul\0byte", 8, 0, 64, "nul\\x00byte", 11 },
	{ "caf\xc3\xa9", 0, 0, 64, "caf\\xc3\\xa9", 11 },
	{ "caf\xc3\xa9", 0, ESCAPE_KEEP_UTF8, 64, "caf\xc3\xa9", 5 },
	{ "del\x7f", 0, ESCAPE_KEEP_UTF8, 64, "del\\x7f", 7 },
	{ "a\\b\n", 0, ESCAPE_KEEP_BACKSLASH, 64, "a\\b\\x0a", 7 },
	/* cut: whole escapes only, the need still counted */
	{ "ab\ncd", 0, 0, 5, "ab", 8 },
	{ "ab\ncd", 0, 0, 7, "ab\\x0a", 8 },
	{ "a\\b", 0, 0, 3, "a", 4 },
	{ "abc", 0, 0, 1, "", 3 },
};

START_TEST(test_escape)
{
	const struct esc_case *c = &esc_cases[_i];
	size_t len = c->in_len ? c->in_len : strlen(c->in);
	char out[64];

	memset(out, 'Z', sizeof(out));
	ck_assert_uint_eq(text_escape(out, c->size, c->in, len, c->flags),
	    c->need);
	ck_assert_str_eq(out, c->want);
}
END_TEST

/* Every byte value escapes to printable ASCII only. */
START_TEST(test_escape_all_bytes)
{
	unsigned char in[256];
	char out[4 * 256 + 1];

	for (unsigned i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	ck_assert_uint_eq(text_escape(out, sizeof(out), in, sizeof(in), 0),
	    strlen(out));
	for (size_t i = 0; out[i] != '\0'; i++)
		ck_assert_msg(out[i] >= 0x20 && out[i] < 0x7f, "byte %zu", i);
}
END_TEST

static char tmpdir[64];

static void
tmp_setup(void)
{
	th_tmpdir_make(tmpdir, sizeof(tmpdir), "test_files");
}

static void
tmp_teardown(void)
{
	th_tmpdir_remove(tmpdir);
}

static const char *
tmp_path(const char *name)
{
	static char buf[4][128];
	static unsigned k;
	char *p = buf[k++ % 4];

	snprintf(p, 128, "%s/%s", tmpdir, name);
	return p;
}

/* A FIFO in place of prefixes.txt: refused at once, no writer awaited. */
START_TEST(test_readfile_fifo)
{
	const char *path = tmp_path("fifo");
	char *buf = NULL;
	size_t len;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(5);	/* a hang fails the test */
	ck_assert_int_eq(readfile(path, 1024, &buf, &len), -1);
	alarm(0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(readfile_strerror(errno), "not a regular file");
	ck_assert_int_eq(readfile(tmpdir, 1024, &buf, &len), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(buf);
}
END_TEST

START_TEST(test_pidfile_lock)
{
	const char *pf = tmp_path("bgpd.pid"), *sock = tmp_path("bgpd.sock");
	struct pidfile_state st;
	char err[256];
	int fd, fd2;

	/* none yet */
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.stale_pid, 0);
	fd = pidfile_claim(pf, sock, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, -1);		/* locked, no pid yet */
	ck_assert_int_eq(pidfile_write(fd), 0);
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, getpid());
	/* a second daemon is refused, naming the first */
	fd2 = pidfile_claim(pf, sock, err, sizeof(err));
	ck_assert_int_eq(fd2, -1);
	ck_assert_msg(strstr(err, "already running") != NULL, "%s", err);
	close(fd);
	/* the lock went with the daemon: the file is stale now */
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.stale_pid, getpid());
	ck_assert(st.stale_alive);
}
END_TEST

/* A stale file naming a live program: never a daemon, never blocks. */
START_TEST(test_pidfile_stale_other_program)
{
	const char *pf = tmp_path("bgpd.pid"), *sock = tmp_path("bgpd.sock");
	struct pidfile_state st;
	char err[256], text[256], want[64];
	pid_t other = fork();
	int fd;

	ck_assert_int_ge(other, 0);
	if (other == 0) {
		pause();
		_exit(0);
	}
	snprintf(want, sizeof(want), "%ld\n", (long)other);
	th_write_file(pf, want);
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.stale_pid, other);
	ck_assert(st.stale_alive);
	pidfile_stale_text(pf, &st, text, sizeof(text));
	ck_assert_msg(strstr(text, "another program now, left alone") != NULL,
	    "%s", text);
	fd = pidfile_claim(pf, sock, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(pidfile_write(fd), 0);
	close(fd);
	/* the other program was never signalled */
	ck_assert_int_eq(kill(other, 0), 0);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	/* garbage is no pid */
	th_write_file(pf, "12ab\n");
	pidfile_probe(pf, &st);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.stale_pid, 0);
}
END_TEST

START_TEST(test_pidfile_symlink_refused)
{
	const char *pf = tmp_path("bgpd.pid"), *target = tmp_path("target");
	char err[256];

	th_write_file(target, "");
	ck_assert_int_eq(symlink(target, pf), 0);
	ck_assert_int_eq(pidfile_claim(pf, tmp_path("s"), err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "%s", err);
}
END_TEST

Suite *
files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("escape");

	tcase_add_loop_test(tc, test_escape, 0,
	    (int)(sizeof(esc_cases) / sizeof(esc_cases[0])));
	tcase_add_test(tc, test_escape_all_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_readfile_fifo);
	tcase_add_test(tc, test_pidfile_lock);
	tcase_add_test(tc, test_pidfile_stale_other_program);
	tcase_add_test(tc, test_pidfile_symlink_refused);
	suite_add_tcase(s, tc);
	return s;
}
