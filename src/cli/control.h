/*
 * The control protocol between `peering` and `peering-bgpd`, over a unix
 * socket (mode 0600: root only). A request is one line of words; the reply
 * is text (or JSON) until the daemon closes the connection. A reply that
 * starts with "error: " is a failure.
 */
#ifndef PEERING_CONTROL_H
#define PEERING_CONTROL_H

#include <ev.h>
#include <stddef.h>

#include "../lib/strbuf.h"

#define CONTROL_MAX_REQUEST	4096
#define CONTROL_MAX_WORDS	32
#define CONTROL_ERROR_PREFIX	"error: "

/*
 * Splits a request line into words (spaces and tabs separate; no quoting).
 * The line must be printable ASCII ended by '\n'. Returns the word count
 * or -1 with *why set; words point into buf, which is modified.
 */
int	control_parse_request(char *buf, size_t len, char **words, int max,
	    const char **why);

/* Daemon side. */
typedef void (*control_handler)(void *ctx, int argc, char **argv,
	    struct strbuf *reply);
struct control_server;
struct control_server *control_server_open(struct ev_loop *loop,
	    const char *path, control_handler handler, void *ctx);
void	control_server_close(struct control_server *cs);

/* Client side: sends one request, writes the reply to stdout.
 * Returns 0, 1 when the daemon replied with an error, -1 when it could
 * not be reached (errno set). */
int	control_request(const char *path, int argc, char **argv);
/* Whether a daemon answers on path. */
int	control_is_live(const char *path);

#endif
