#include "proxy_conf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A path TinyProxy reads back whole between double quotes. */
static bool
path_ok(const char *s)
{
	const unsigned char *p;

	if (s == NULL || s[0] != '/')
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return false;
	return true;
}

int
proxy_conf_text(const struct proxy_conf *c, char *buf, size_t size)
{
	char l[ADDR_STRLEN], s4[PREFIX_STRLEN], s6[PREFIX_STRLEN];
	int n;

	if (!path_ok(c->pidfile) || !path_ok(c->logfile) ||
	    c->listen.af != AF_IDX_IPV4)
		return -1;
	n = snprintf(buf, size,
	    "# peering proxy start %s: written by peering, rewritten at each "
	    "start\n"
	    "User " PROXY_USER "\n"
	    "Group " PROXY_GROUP "\n"
	    "Listen %s\n"
	    "Port %u\n"
	    "PidFile \"%s\"\n"
	    "LogFile \"%s\"\n"
	    "LogLevel Info\n"
	    "Timeout 600\n"
	    "MaxClients 100\n"
	    "Allow 127.0.0.1\n"
	    "Allow %s\n"
	    "Allow %s\n"
	    "ViaProxyName \"tinyproxy\"\n"
	    "ConnectPort 443\n"
	    "ConnectPort 563\n",
	    c->mux, addr_format(AF_IDX_IPV4, c->listen.addr, l, sizeof(l)),
	    c->port, c->pidfile, c->logfile,
	    prefix_format(&c->subnet4, s4, sizeof(s4)),
	    prefix_format(&c->subnet6, s6, sizeof(s6)));
	return n < 0 || (size_t)n >= size ? -1 : n;
}
