/* What the parts of `peering openvpn` share: a mux's config, what runs
 * for it, its stale files and its log. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvpn.h"
#include "../ctl/pidfile.h"
#include "../lib/readfile.h"
#include "../lib/tail.h"
#include "../vpn/ovpn_proc.h"

int
ovpn_mux_load(const struct mux *m, struct ovpn_mux *om)
{
	const char *why;
	unsigned line;
	size_t len;
	char *buf;
	int rc;

	memset(om, 0, sizeof(*om));
	om->mux = m;
	snprintf(om->conf_path, sizeof(om->conf_path), "%s/%s.conf",
	    MUX_CONF_DIR, m->name);
	if (readfile(om->conf_path, MUX_CONF_MAX_BYTES, &buf, &len) == -1) {
		fprintf(stderr, "error: %s: %s\n", om->conf_path,
		    readfile_strerror(errno));
		return -1;
	}
	rc = ovpn_conf_parse(buf, len, &om->conf, &line, &why);
	free(buf);
	if (rc == -1) {
		fprintf(stderr, "error: %s:%u: %s\n", om->conf_path, line, why);
		return -1;
	}
	if (om->conf.mgmt[0] == '\0') {
		fprintf(stderr, "error: %s has no \"management PATH unix\" "
		    "line; peering openvpn needs it to see and stop the "
		    "tunnel\n", om->conf_path);
		return -1;
	}
	return 0;
}

void
ovpn_unknown_mux(const struct ovpn_ctx *ctx, const char *name)
{
	unsigned i;

	fprintf(stderr, "error: unknown mux \"%s\"; known muxes:", name);
	for (i = 0; i < ctx->muxes.n; i++)
		fprintf(stderr, "%s %s", i > 0 ? "," : "",
		    ctx->muxes.mux[i].name);
	fprintf(stderr, "%s\n", ctx->muxes.n == 0 ? " none (configs/openvpn "
	    "is empty)" : "");
}

/* ---- what runs ---- */

static void
probe_socket(const struct ovpn_mux *om, struct ovpn_probe *p)
{
	struct ovpn_conn *c;
	char err[sizeof(p->err)];

	if ((c = malloc(sizeof(*c))) == NULL) {
		p->conn = OVPN_CONN_FAILED;
		snprintf(p->err, sizeof(p->err), "%s", strerror(errno));
		return;
	}
	p->conn = ovpn_conn_open(c, om->conf.mgmt, OVPN_CONN_TIMEOUT_MS,
	    p->err, sizeof(p->err));
	if (p->conn == OVPN_CONN_OK) {
		p->conn = ovpn_conn_state(c, &p->st, p->err, sizeof(p->err));
		p->have_state = p->conn == OVPN_CONN_OK;
		/* An old openvpn without `pid`: the pid file may say. */
		if (p->have_state && ovpn_conn_pid(c, &p->pid, err,
		    sizeof(err)) != OVPN_CONN_OK)
			p->pid = 0;
		/* It answered, if not well: something runs there. */
		if (p->conn == OVPN_CONN_FAILED)
			p->conn = OVPN_CONN_TIMEOUT;
	}
	ovpn_conn_close(c);
	free(c);
}

/* The pid file's process, if it is an openvpn. */
static pid_t
pidfile_openvpn(const struct ovpn_mux *om)
{
	pid_t pid;

	if (om->conf.pidfile[0] == '\0')
		return 0;
	pid = pidfile_read_live(om->conf.pidfile);
	return ovpn_proc_is_openvpn(pid) ? pid : 0;
}

void
ovpn_probe(const struct ovpn_mux *om, struct ovpn_probe *p)
{
	memset(p, 0, sizeof(*p));
	probe_socket(om, p);
	if (p->pid == 0)
		p->pid = pidfile_openvpn(om);
}

bool
ovpn_probe_up(const struct ovpn_probe *p)
{
	return p->have_state && strcmp(p->st.name, "CONNECTED") == 0;
}

bool
ovpn_probe_running(const struct ovpn_probe *p)
{
	return p->conn == OVPN_CONN_OK || p->conn == OVPN_CONN_TIMEOUT ||
	    p->pid > 0;
}

static const char *
dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

void
ovpn_print_status_line(FILE *f, const struct ovpn_mux *om,
    const struct ovpn_probe *p)
{
	if (ovpn_probe_up(p))
		fprintf(f, "%s %s up %s %s\n", om->mux->name, om->mux->dev,
		    dash(p->st.local_v4), dash(p->st.local_v6));
	else
		fprintf(f, "%s %s down\n", om->mux->name, om->mux->dev);
}

const char *
ovpn_probe_state_text(const struct ovpn_probe *p, char *buf, size_t size)
{
	if (!p->have_state)
		snprintf(buf, size, "%s", p->pid > 0 ? "starting, its "
		    "management socket does not answer yet" :
		    ovpn_conn_status_name(p->conn));
	else if (p->st.desc[0] != '\0')
		snprintf(buf, size, "%s (%s)", p->st.name, p->st.desc);
	else
		snprintf(buf, size, "%s", p->st.name);
	return buf;
}

/* ---- stale files and the log ---- */

void
ovpn_clean_stale(const struct ovpn_mux *om)
{
	struct ovpn_conn *c;
	struct stat st;
	char err[256];

	if (lstat(om->conf.mgmt, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    (c = malloc(sizeof(*c))) != NULL) {
		if (ovpn_conn_open(c, om->conf.mgmt, OVPN_CONN_TIMEOUT_MS, err,
		    sizeof(err)) == OVPN_CONN_STALE &&
		    unlink(om->conf.mgmt) == 0)
			printf("note: removed the stale socket %s\n",
			    om->conf.mgmt);
		ovpn_conn_close(c);
		free(c);
	}
	if (om->conf.pidfile[0] != '\0' && pidfile_openvpn(om) == 0 &&
	    unlink(om->conf.pidfile) == 0)
		printf("note: removed the stale pid file %s\n",
		    om->conf.pidfile);
}

void
ovpn_print_log_tail(const struct ovpn_mux *om, unsigned n)
{
	off_t off;
	int fd;

	if (om->conf.log[0] == '\0' ||
	    (fd = open(om->conf.log, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (tail_offset(fd, n, &off) == 0) {
		fprintf(stderr, "last lines of %s:\n", om->conf.log);
		tail_copy(fd, off, stderr, "  ");
	}
	close(fd);
}

/* ---- small helpers ---- */

bool
ovpn_check_root(const char *verb)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "error: peering openvpn %s needs root (openvpn "
	    "manages the tap devices); run it with sudo\n", verb);
	return false;
}
