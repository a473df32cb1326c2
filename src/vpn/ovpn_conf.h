/*
 * ovpn_conf: reading an OpenVPN config file, as OpenVPN reads it, for the
 * few directives the client needs: the mux's tap (mux.c), the credential
 * files to check before a start, and the runtime files (management
 * socket, log, pid file) that `peering openvpn` talks to and cleans.
 *
 * One tokenizer serves every reader: a line is one directive, its first
 * word the name ("--name" too, as on the command line), words split by
 * blanks, a word may be quoted with " or ' (no escapes), and '#' or ';'
 * starts a comment where a word could start. An inline file, <ca> up to
 * </ca>, is one directive whose body is never read as directives.
 * Pure functions over a buffer: no I/O.
 */
#ifndef PEERING_VPN_OVPN_CONF_H
#define PEERING_VPN_OVPN_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/rbuf.h"

/* Our own limit on a path a config names: more than sun_path holds and
 * than any sane layout needs. */
#define OVPN_CONF_PATH_MAX	255

/* ---- the tokenizer ---- */

struct ovpn_conf_cursor {
	struct rbuf	rest;	/* what is not read yet */
	unsigned	line;	/* the line of the last directive read */
};

struct ovpn_directive {
	struct rbuf	name;	/* without a leading "--" */
	struct rbuf	args;	/* the rest of its line: ovpn_conf_word() */
	bool		inline_file;	/* <name> ... </name>: args empty */
};

void	ovpn_conf_begin(struct ovpn_conf_cursor *c, const void *buf,
	    size_t len);
/* The next directive: 1, or 0 at the end of the buffer, or -1 with *why
 * (and c->line on the culprit) for an inline file that never ends. */
int	ovpn_conf_next(struct ovpn_conf_cursor *c, struct ovpn_directive *d,
	    const char **why);
/* The next word of args, quotes removed; -1 when none is left. */
int	ovpn_conf_word(struct rbuf *args, struct rbuf *word);
bool	ovpn_conf_word_is(struct rbuf word, const char *s);

/* ---- the directives `peering openvpn` needs ---- */

/* Files holding credentials, in the order they are checked. */
enum ovpn_cred {
	OVPN_CRED_CA,
	OVPN_CRED_CERT,
	OVPN_CRED_KEY,
	OVPN_CRED_PKCS12,
	OVPN_CRED_TLS_AUTH,
	OVPN_CRED_TLS_CRYPT,
	OVPN_CRED_TLS_CRYPT_V2,
	OVPN_CRED_COUNT
};

/* Paths are as the config writes them (relative to the client directory,
 * where openvpn runs); "" when the directive is absent or the file is
 * inline. OpenVPN takes the last of repeated directives; so do we. */
struct ovpn_conf {
	char	cred[OVPN_CRED_COUNT][OVPN_CONF_PATH_MAX + 1];
	char	mgmt[OVPN_CONF_PATH_MAX + 1];	/* management PATH unix */
	char	log[OVPN_CONF_PATH_MAX + 1];	/* log or log-append */
	char	pidfile[OVPN_CONF_PATH_MAX + 1];	/* writepid */
	bool	daemon;
};

/* The directive name of a credential ("ca", "tls-crypt", ...). */
const char	*ovpn_cred_name(enum ovpn_cred cred);
/* A private key or a shared secret: only its owner may read it. */
bool		 ovpn_cred_secret(enum ovpn_cred cred);

/* -1 with *why and *line for a directive we need that we cannot use: a
 * missing or overlong path, a management socket that is not a unix one,
 * a `cd` (our paths are relative to the client directory), an inline
 * file without its end. */
int	ovpn_conf_parse(const void *buf, size_t len, struct ovpn_conf *conf,
	    unsigned *line, const char **why);

#endif
