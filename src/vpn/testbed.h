/*
 * testbed: whether a mux of configs/openvpn is an emulated one (a test bed
 * on this machine, as tests/e2e builds) rather than a PEERING mux on the
 * Internet. Only the experiments' test schedule asks (docs/experiment.md,
 * "The test schedule").
 *
 * The rule: the mux's tunnel is up (OpenVPN's management interface says
 * CONNECTED) and the OpenVPN server it is connected to has an address of
 * 198.18.0.0/15, the block RFC 2544 sets aside for benchmarking networks,
 * which the Internet does not route. PEERING's muxes are servers on the
 * Internet: a tunnel to one of them never has such an address, whatever
 * the mux is called or however its name resolves. What is checked is the
 * tunnel as it is connected, not the config's `remote` line.
 */
#ifndef PEERING_VPN_TESTBED_H
#define PEERING_VPN_TESTBED_H

#include <stdbool.h>
#include <stddef.h>

#include "mux.h"

#define TESTBED_NET		"198.18.0.0/15"
#define TESTBED_TIMEOUT_MS	500	/* the management socket's answer */

/* addr (text) is an IPv4 address of TESTBED_NET. Pure. */
bool	testbed_addr(const char *addr);

/* Whether mux m, configured in client_dir/configs/openvpn, is tunnelled
 * to a test bed: 1 yes; 0 no, with why ("its tunnel is not up", "its
 * OpenVPN server 192.0.2.1 is not in 198.18.0.0/15", ...). Asks the mux's
 * management socket (at most TESTBED_TIMEOUT_MS per wait). */
int	testbed_mux(const char *client_dir, const struct mux *m, char *why,
	    size_t whylen);

#endif
