/*
 * netns: named network namespaces the way `ip netns` keeps them, without
 * running it: a namespace is named by a file in the run directory
 * (/run/netns) on which the namespace is bind-mounted, so it lives on
 * without a process in it and `ip netns exec NAME` finds it.
 *
 * Entering is setns(2) on the file; the caller's thread switches and
 * switches back (a netlink socket opened meanwhile stays in the
 * namespace it was opened in).
 */
#ifndef PEERING_NETNS_NETNS_H
#define PEERING_NETNS_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#define NETNS_RUN_DIR	"/run/netns"
/* Overrides NETNS_RUN_DIR (tests: a private directory). */
#define NETNS_DIR_ENV	"PEERING_NETNS_DIR"

/* $PEERING_NETNS_DIR or NETNS_RUN_DIR. */
const char	*netns_dir(void);

/* Whether dir/name names a namespace (a bind mount of one). */
bool	netns_exists(const char *dir, const char *name);
/* Creates namespace name (fails if the file exists). -1 with err. */
int	netns_add(const char *dir, const char *name, char *err,
	    size_t errlen);
/* Unmounts and removes dir/name; absent is fine. -1 with err. */
int	netns_del(const char *dir, const char *name, char *err,
	    size_t errlen);
/* A descriptor of namespace name (O_CLOEXEC), or -1 with err. */
int	netns_open(const char *dir, const char *name, char *err,
	    size_t errlen);

/* Moves the calling thread into the namespace of fd; *saved gets a
 * descriptor of the one it was in, for netns_leave. -1 with err. */
int	netns_enter(int fd, int *saved, char *err, size_t errlen);
/* Back to saved (closed). -1 with err: the thread is stuck elsewhere. */
int	netns_leave(int saved, char *err, size_t errlen);

#endif
