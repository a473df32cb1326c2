#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "escape.h"

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
	char when[32], line[2048], safe[4 * 2048];
	int len;
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	if (lvl < log_min)
		return;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime_r(&now, &tm));
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	/* One line per message, whatever a name or a peer's text holds: a
	 * newline or an escape code in it is written as \xNN. */
	text_escape(safe, sizeof(safe), line, strlen(line),
	    ESCAPE_KEEP_UTF8 | ESCAPE_KEEP_BACKSLASH);
	fprintf(f, "%s %s: %s%s\n", when, names[lvl], safe,
	    (size_t)len >= sizeof(line) ? " [cut]" : "");
	fflush(f);
}
