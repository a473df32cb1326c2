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
#include "ovpn_mgmt.h"

#define TESTBED_NET		"198.18.0.0/15"
#define TESTBED_TIMEOUT_MS	500	/* the management socket's answer */

/* addr (text) is an IPv4 address of TESTBED_NET. Pure. */
bool	testbed_addr(const char *addr);

/* The management socket of mux m's config in client_dir/configs/openvpn,
 * absolute, into path: 0, or -1 with why. Reads the config file. */
int	testbed_mgmt_path(const char *client_dir, const struct mux *m,
	    char *path, size_t size, char *why, size_t whylen);

/* The rule on the tunnel's state as its management socket tells it
 * (`state`): 1 a test bed; 0 not, with why ("its tunnel is not up", "its
 * OpenVPN server 192.0.2.1 is not in 198.18.0.0/15", ...). Pure. The
 * daemon asks the socket without waiting (experiment_tb.c), at most
 * TESTBED_TIMEOUT_MS for the answer. */
int	testbed_verdict(const struct ovpn_state *st, char *why, size_t whylen);

#endif
