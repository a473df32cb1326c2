/*
 * The test schedule's test-bed check without waiting (experiment_tb.c):
 * a query returns at once, the answer comes through the loop, a silent
 * management socket costs the timeout and no wait; and the rule itself
 * (testbed_verdict).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../src/daemon/experiment_int.h"
#include "../../src/vpn/testbed.h"
#include "testutil.h"
#include "th_tmpdir.h"

static int
listen_at(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

static void
mux_conf(const char *dir, const char *name, unsigned tap, struct mux *m)
{
	char path[512], text[512];

	snprintf(path, sizeof(path), "%s/configs/openvpn/%s.conf", dir, name);
	snprintf(text, sizeof(text), "client\ndev tap%u\nmanagement "
	    "var/%s.sock unix\n", tap, name);
	th_write_file(path, text);
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->tap = tap;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(test_tb_no_wait)
{
	struct bgpd *d = calloc(1, sizeof(*d));
	struct mux up, silent, none;
	char dir[256], path[512], why[320], buf[64];
	int lup, lsilent, c;
	double t0, t;
	ssize_t n;
	static const char answer[] = ">INFO:OpenVPN Management Interface\r\n"
	    "1796588462,CONNECTED,SUCCESS,10.8.0.2,198.18.0.1,1194,,\r\n"
	    "END\r\n";

	th_tmpdir_make(dir, sizeof(dir), "xptb");
	snprintf(path, sizeof(path), "%s/configs", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/configs/openvpn", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/var", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	d->loop = ev_loop_new(EVFLAG_AUTO);
	d->paths.client_dir = dir;
	mux_conf(dir, "up01", 3, &up);
	mux_conf(dir, "silent01", 63, &silent);
	mux_conf(dir, "none01", 5, &none);
	snprintf(path, sizeof(path), "%s/var/up01.sock", dir);
	lup = listen_at(path);
	snprintf(path, sizeof(path), "%s/var/silent01.sock", dir);
	lsilent = listen_at(path);

	/* no socket: known at once */
	ck_assert_int_eq(xp_tb_query(d, &none, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "cannot be seen") != NULL, "%s", why);
	ck_assert(!xp_tb_busy(d));
	/* the two others: asked, no answer waited for */
	t0 = now_s();
	ck_assert_int_eq(xp_tb_query(d, &up, why, sizeof(why)), 2);
	ck_assert_int_eq(xp_tb_query(d, &silent, why, sizeof(why)), 2);
	ck_assert_int_eq(xp_tb_query(d, &up, why, sizeof(why)), 2);
	ck_assert(now_s() - t0 < 0.1);
	ck_assert(xp_tb_busy(d));
	/* up01 answers */
	ck_assert_int_ge(c = accept(lup, NULL, NULL), 0);
	n = read(c, buf, sizeof(buf));
	ck_assert_int_eq(n, 6);
	ck_assert_int_eq(memcmp(buf, "state\n", 6), 0);
	ck_assert_int_eq(write(c, answer, sizeof(answer) - 1),
	    (ssize_t)sizeof(answer) - 1);
	while (xp_tb_busy(d))
		ev_run(d->loop, EVRUN_ONCE);
	t = now_s() - t0;
	/* silent01 never answered: the deadline */
	ck_assert_msg(t >= TESTBED_TIMEOUT_MS / 1000.0 - 0.01 && t < 5, "%f",
	    t);
	ck_assert_int_eq(xp_tb_query(d, &up, why, sizeof(why)), 1);
	ck_assert_int_eq(xp_tb_query(d, &silent, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "no answer") != NULL, "%s", why);
	close(c);
	close(lup);
	close(lsilent);
	xp_tb_free(d);
	ev_loop_destroy(d->loop);
	free(d);
	th_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_tb_verdict)
{
	struct ovpn_state st;
	char why[200];

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "CONNECTED");
	snprintf(st.remote, sizeof(st.remote), "198.19.255.1");
	ck_assert_int_eq(testbed_verdict(&st, why, sizeof(why)), 1);
	snprintf(st.remote, sizeof(st.remote), "192.0.2.1");
	ck_assert_int_eq(testbed_verdict(&st, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "192.0.2.1 is not in 198.18.0.0/15") !=
	    NULL, "%s", why);
	snprintf(st.remote, sizeof(st.remote), "198.18.0.1");
	snprintf(st.name, sizeof(st.name), "RECONNECTING");
	ck_assert_int_eq(testbed_verdict(&st, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "not up (OpenVPN: RECONNECTING)") != NULL,
	    "%s", why);
}
END_TEST

Suite *
experiment_tb_suite(void)
{
	Suite *s = suite_create("experiment_tb");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tb_no_wait);
	tcase_add_test(tc, test_tb_verdict);
	suite_add_tcase(s, tc);
	return s;
}
