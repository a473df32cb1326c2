/*
 * The TinyProxy configuration `peering proxy start` writes (our own
 * generator): listening on the tap's address and port 88NN, allowing the
 * container's subnets, its pid file and log in var/, running as nobody.
 */
#ifndef PEERING_CLI_PROXY_CONF_H
#define PEERING_CLI_PROXY_CONF_H

#include <stddef.h>

#include "../lib/prefix.h"

#define PROXY_PROGRAM	"tinyproxy"
#define PROXY_USER	"nobody"
#define PROXY_GROUP	"nogroup"

struct proxy_conf {
	const char	*mux;
	struct prefix	 listen;	/* the tap's IPv4 address */
	unsigned	 port;
	struct prefix	 subnet4, subnet6;
	const char	*pidfile, *logfile;
};

/* The text into buf; its length, or -1 when it does not fit or a path
 * holds a byte a quoted TinyProxy value cannot (a quote, a control
 * byte). */
int	proxy_conf_text(const struct proxy_conf *c, char *buf, size_t size);

#endif
