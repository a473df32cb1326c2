/* Milliseconds for the short waits of the command-line tools (the daemon
 * has its event loop's clock). */
#ifndef PEERING_CLOCK_H
#define PEERING_CLOCK_H

#include <time.h>

/* A monotonic clock: for deadlines, not dates. */
static inline long long
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

#endif
