#include "log.h"

#include <stdarg.h>
#include <time.h>

static FILE *log_file;
static enum log_level log_min = LOG_LEVEL_INFO;

void
log_open(FILE *f, enum log_level min)
{
	log_file = f;
	log_min = min;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn" };
	FILE *f = log_file ? log_file : stderr;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	if (lvl < log_min)
		return;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime_r(&now, &tm));
	fprintf(f, "%s %s: ", when, names[lvl]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
