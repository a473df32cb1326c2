/* Accepts BGP connections on port 179 and hands each to its session. */
#ifndef PEERING_BGP_LISTENER_H
#define PEERING_BGP_LISTENER_H

#include <ev.h>
#include <stdint.h>

#include "../lib/prefix.h"

/* Hands an accepted connection (non-blocking fd) from peer on; the callee
 * owns fd (and closes it when no session wants it). */
typedef void (*listener_cb)(void *ctx, int fd, const struct prefix *peer);

struct listener;
/* Listens on [::]:port for both families; -1 with errno on failure. */
struct listener *listener_open(struct ev_loop *loop, uint16_t port,
	    listener_cb cb, void *ctx);
void	listener_close(struct listener *l);

#endif
