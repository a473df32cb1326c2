/* Logging for the daemon: to stderr in the foreground, else to a file. */
#ifndef PEERING_LOG_H
#define PEERING_LOG_H

#include <stdio.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN };

/* NULL: stderr. The stream is not closed by the log. */
void	log_open(FILE *f, enum log_level min);
void	log_msg(enum log_level lvl, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __VA_ARGS__)

#endif
