#include "testbed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/errmsg.h"
#include "../lib/prefix.h"
#include "../lib/readfile.h"
#include "ovpn_conf.h"
#include "ovpn_conn.h"

bool
testbed_addr(const char *addr)
{
	struct prefix a;

	/* 198.18.0.0/15: 198.18.x.x and 198.19.x.x */
	return addr_parse(addr, &a) == 0 && a.af == AF_IDX_IPV4 &&
	    a.addr[0] == 198 && (a.addr[1] & 0xfe) == 18;
}

/* The management socket of m's config, absolute. */
static int
mgmt_path(const char *client_dir, const struct mux *m, char *path,
    size_t size, char *why, size_t whylen)
{
	struct ovpn_conf conf;
	char file[4200], *buf;
	const char *bad;
	unsigned line;
	size_t len;
	int rc;

	if ((size_t)snprintf(file, sizeof(file), "%s/%s/%s.conf", client_dir,
	    MUX_CONF_DIR, m->name) >= sizeof(file) ||
	    readfile(file, MUX_CONF_MAX_BYTES, &buf, &len) == -1) {
		errmsg_set(why, whylen, "%s/%s.conf: %s", MUX_CONF_DIR, m->name,
		    readfile_strerror(errno));
		return -1;
	}
	rc = ovpn_conf_parse(buf, len, &conf, &line, &bad);
	free(buf);
	if (rc == -1 || conf.mgmt[0] == '\0') {
		errmsg_set(why, whylen, "%s/%s.conf has no usable management "
		    "socket", MUX_CONF_DIR, m->name);
		return -1;
	}
	if ((size_t)snprintf(path, size, "%s%s%s", conf.mgmt[0] == '/' ? "" :
	    client_dir, conf.mgmt[0] == '/' ? "" : "/", conf.mgmt) >= size) {
		errmsg_set(why, whylen, "its management socket path is too "
		    "long");
		return -1;
	}
	return 0;
}

int
testbed_mux(const char *client_dir, const struct mux *m, char *why,
    size_t whylen)
{
	struct ovpn_state st;
	struct ovpn_conn *c;
	char path[4200], err[256];
	int rc;

	if (mgmt_path(client_dir, m, path, sizeof(path), why, whylen) == -1)
		return 0;
	if ((c = malloc(sizeof(*c))) == NULL) {
		errmsg_set(why, whylen, "out of memory");
		return 0;
	}
	rc = ovpn_conn_open(c, path, TESTBED_TIMEOUT_MS, err, sizeof(err));
	if (rc == OVPN_CONN_OK)
		rc = ovpn_conn_state(c, &st, err, sizeof(err));
	ovpn_conn_close(c);
	free(c);
	if (rc != OVPN_CONN_OK) {
		errmsg_set(why, whylen, "its tunnel cannot be seen (%s)", err);
		return 0;
	}
	if (strcmp(st.name, "CONNECTED") != 0) {
		errmsg_set(why, whylen, "its tunnel is not up (OpenVPN: %s)",
		    st.name);
		return 0;
	}
	if (!testbed_addr(st.remote)) {
		errmsg_set(why, whylen, "its OpenVPN server %s is not in %s "
		    "(a test bed)", st.remote[0] ? st.remote : "(unknown)",
		    TESTBED_NET);
		return 0;
	}
	return 1;
}
