/*
 * The MRT log writer (src/daemon/mrt_log.c): records reach the file through
 * the loop's timer, whole and in order; a size limit starts a new file at
 * a record boundary; a full buffer drops and counts; close writes what is
 * left.
 */
#include <check.h>
#include <dirent.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/daemon/mrt_log.h"
#include "../../src/lib/readfile.h"
#include "testutil.h"
#include "th_tmpdir.h"

/* Every record of every file in dir (sorted by name): how many, and that
 * each file holds whole records only. */
static unsigned
count_records(const char *dir, unsigned *files)
{
	struct dirent **names;
	unsigned total = 0;
	int n = scandir(dir, &names, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	*files = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct mrt_header h;
		struct rbuf in, body;
		const char *reason;
		char *buf = NULL;
		size_t len = 0;
		int r;

		if (names[i]->d_name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		ck_assert_int_eq(readfile(path, 1 << 24, &buf, &len), 0);
		in = rbuf_make(buf, len);
		while ((r = mrt_record_next(&in, &h, &body, &reason)) == 1) {
			ck_assert_uint_eq(h.type, MRT_BGP4MP_ET);
			total++;
		}
		ck_assert_int_eq(r, 0);
		free(buf);
		(*files)++;
	}
	free(names);
	return total;
}

static void
keepalive_record(struct mrt_bgp4mp *m, uint8_t *msg)
{
	memset(m, 0, sizeof(*m));
	m->as4 = true;
	m->afi = BGP_AFI_IPV4;
	m->peer_as = 47065;
	m->local_as = 47065;
	m->msg = rbuf_make(msg, th_msg(msg, BGP_HEADER_LEN, BGP_KEEPALIVE,
	    ""));
}

START_TEST(test_log_rotates_by_size)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct mrt_log_conf c;
	struct mrt_log_stats st;
	struct mrt_bgp4mp m;
	struct mrt_log *l;
	uint8_t msg[BGP_HEADER_LEN];
	char dir[256], sub[300];
	unsigned files, i;

	th_tmpdir_make(dir, sizeof(dir), "mrtlog");
	snprintf(sub, sizeof(sub), "%s/mrt", dir);
	keepalive_record(&m, msg);
	c.dir = sub;
	c.prefix = "updates";
	c.rotate_bytes = 1000;	/* a record is 12 + 4 + 12 + 8 + 19 = 55 */
	c.rotate_seconds = 0;
	ck_assert_ptr_nonnull(l = mrt_log_open(loop, &c));
	for (i = 0; i < 100; i++) {
		ck_assert(mrt_log_message(l, &m));
		if (i % 10 == 9)	/* the timer writes between them */
			while (mrt_log_stats(l, &st), st.buffered > 0)
				ev_run(loop, EVRUN_ONCE);
	}
	mrt_log_stats(l, &st);
	ck_assert_uint_eq(st.records, 100);
	ck_assert_uint_eq(st.bytes, 100 * 55);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_ge(st.files, 5);
	ck_assert(strstr(st.path, "/mrt/updates.") != NULL);
	mrt_log_close(l);
	/* every record in some file, each file whole records only, none
	 * past 1000 bytes */
	ck_assert_uint_eq(count_records(sub, &files), 100);
	ck_assert_uint_eq(files, st.files);
	ck_assert_uint_ge(files, 100 * 55 / 1000);
	ev_loop_destroy(loop);
	th_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_log_full_buffer_drops)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	static uint8_t rec[1 << 20];
	struct mrt_log_conf c = { NULL, "updates", 0, 0 };
	struct mrt_log_stats st;
	struct mrt_log *l;
	char dir[256];
	unsigned files, n = 0;

	th_tmpdir_make(dir, sizeof(dir), "mrtlog");
	c.dir = dir;
	ck_assert_ptr_nonnull(l = mrt_log_open(loop, &c));
	/* 1 MB records never written (no loop turn): the 17th does not fit */
	memset(rec, 0, sizeof(rec));
	for (unsigned i = 0; i < 20; i++) {
		struct wbuf w;
		size_t start;

		wbuf_init(&w, rec, sizeof(rec));
		start = mrt_record_start(&w, 1, 2, MRT_BGP4MP_ET,
		    MRT_BGP4MP_STATE_CHANGE);
		w.len = sizeof(rec) - 16;
		mrt_record_finish(&w, start);
		n += mrt_log_append(l, rec, w.len);
	}
	mrt_log_stats(l, &st);
	ck_assert_uint_eq(n, MRT_LOG_BUF_MAX / (sizeof(rec) - 16));
	ck_assert_uint_eq(st.dropped, 20 - n);
	mrt_log_close(l);	/* writes the buffer out */
	ck_assert_uint_eq(count_records(dir, &files), n);
	ck_assert_uint_eq(files, 1);
	ev_loop_destroy(loop);
	th_tmpdir_remove(dir);
}
END_TEST

Suite *
mrt_log_suite(void)
{
	Suite *s = suite_create("mrt_log");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_log_rotates_by_size);
	tcase_add_test(tc, test_log_full_buffer_drops);
	suite_add_tcase(s, tc);
	return s;
}
