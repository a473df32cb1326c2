/* Running a test scenario as root in a forked child inside a fresh
 * network namespace, so nothing it does touches the host. */
#ifndef PEERING_TH_NETNS_H
#define PEERING_TH_NETNS_H

#define TH_NETNS_SKIPPED	77	/* child exit status: cannot run here */

/* In the child: where to write why it failed or was skipped. */
extern int	th_netns_report_fd;

/*
 * Runs fn in a child with its own network namespace and fails the test
 * with the child's report when it does not exit 0. Not root, or no
 * namespace to be had: skipped, with a line on stderr naming module and
 * what. alarm_secs bounds a stuck child.
 */
void	th_in_netns(const char *module, const char *what, unsigned alarm_secs,
	    void (*fn)(void));

/*
 * The one NETLINK_ROUTE socket of this process other than skip_fd (the
 * test's own): the module under test's, to shrink its buffer and force an
 * overrun. -1 unless there is exactly one.
 */
int	th_other_route_socket(int skip_fd);

#endif
