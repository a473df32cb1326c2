/*
 * loopprobe: how long peering-bgpd's event loop goes without serving, for
 * bench/bench_rib.sh. It asks `show status` on the control socket, one
 * request after another (INTERVAL ms apart), until SIGTERM or SIGINT; a
 * request waits for as long as the loop is busy elsewhere (a peer's
 * UPDATEs, the kernel sync), so the slowest answer is the longest stall,
 * give or take the interval.
 *
 * Then one line on stdout:
 *   probe answers=N max_ms=X p99_ms=X p50_ms=X failed=N
 * (failed: requests the daemon did not answer, e.g. it was not up yet,
 * or the client gave up waiting; their time is counted with the rest).
 *
 * usage: loopprobe SOCKET [INTERVAL_MS]
 */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/ctl/control.h"
#include "../src/lib/clock.h"

#define MAX_SAMPLES	(1u << 22)

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The q-th quantile (0..1) of n sorted samples, in ms. */
static double
quantile(const long long *us, size_t n, double q)
{
	return n == 0 ? 0. : (double)us[(size_t)(q * (double)(n - 1))] / 1e3;
}

static long long
clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	char *req[] = { "show", "status" };
	struct sigaction sa;
	long long *us, t0;
	size_t n = 0, failed = 0;
	long interval = 10;
	FILE *out;
	int fd;

	if (argc < 2 || argc > 3 || (argc == 3 &&
	    (interval = atol(argv[2])) < 0)) {
		fprintf(stderr, "usage: loopprobe SOCKET [INTERVAL_MS]\n");
		return 2;
	}
	if ((us = malloc(MAX_SAMPLES * sizeof(*us))) == NULL)
		err(1, "malloc");
	/* control_request() prints the replies on stdout: not ours. */
	if ((fd = dup(STDOUT_FILENO)) == -1 || (out = fdopen(fd, "w")) == NULL ||
	    freopen("/dev/null", "w", stdout) == NULL)
		err(1, "stdout");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop && n < MAX_SAMPLES) {
		/* A request that fails (the client's timeout while the loop
		 * is busy) waited too: its time counts. */
		t0 = clock_us();
		if (control_request(argv[1], 2, req) != 0)
			failed++;
		us[n++] = clock_us() - t0;
		if (interval > 0)
			sleep_ms(interval);
	}
	qsort(us, n, sizeof(*us), cmp_ll);
	fprintf(out, "probe answers=%zu max_ms=%.1f p99_ms=%.1f p50_ms=%.1f "
	    "failed=%zu\n", n, quantile(us, n, 1.), quantile(us, n, .99),
	    quantile(us, n, .5), failed);
	fclose(out);
	free(us);
	return 0;
}
