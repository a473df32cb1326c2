/*
 * config: the daemon's configuration file, configs/peering-bgpd.conf
 * (docs/config.md). Parsed strictly: every error is "FILE:LINE: message"
 * and the daemon refuses to start. The parser is a pure function over a
 * buffer; config_load() only reads the file.
 *
 * Every struct is zeroed whole before it is filled and every value is
 * resolved (defaults and the global settings copied in), so two configs
 * can be compared session by session on reload.
 */
#ifndef PEERING_CONF_CONFIG_H
#define PEERING_CONF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/prefix.h"
#include "../rib/policy.h"
#include "../vpn/mux.h"

/* Limits; going past one is an error, never a truncation. */
#define CONFIG_LINE_MAX		1024	/* bytes per line, without '\n' */
#define CONFIG_FILE_MAX_BYTES	(1024 * 1024)
#define CONFIG_MAX_MUXES	128	/* mux blocks */
#define CONFIG_MAX_NEIGHBORS	64	/* neighbor blocks */
#define CONFIG_NAME_MAX		31	/* as MUX_NAME_MAX */
#define CONFIG_IFNAME_MAX	15	/* Linux IFNAMSIZ - 1 */

/* Defaults. */
#define CONFIG_DEF_LOCAL_AS	47065
#define CONFIG_DEF_HOLD_TIME	90
#define CONFIG_DEF_CONNECT_RETRY 5
#define CONFIG_DEF_GR_TIME	120
#define CONFIG_DEF_RO_MODE	0660	/* the read-only control socket */
/* Paths a session may send (docs/config.md says why these): a full IPv4
 * table with 19 ADD-PATH paths per prefix, and per prefix more than a mux
 * at the busiest exchange has. */
#define CONFIG_DEF_MAX_PATHS		20000000
#define CONFIG_DEF_MAX_PREFIX_PATHS	500
#define CONFIG_MAX_PREFIX_PATHS		65535	/* the RIB's most per prefix */

/* What a session going past a limit gets (RFC 4486 style). */
enum config_limit_action {
	CONFIG_LIMIT_DROP,	/* the paths past it are dropped, counted */
	CONFIG_LIMIT_CEASE,	/* Cease "Maximum Number of Prefixes Reached" */
};

struct config_limit {
	uint32_t	max;
	uint8_t		action;		/* enum config_limit_action */
};

/* What every session has, muxes and neighbours alike. */
struct config_session {
	uint16_t		hold_time;	/* 0 or 3..65535 */
	bool			passive;
	bool			disabled;
	struct import_policy	import;
	struct config_limit	max_paths;		/* all prefixes */
	struct config_limit	max_prefix_paths;	/* one prefix */
	bool			mux_table;	/* muxes: a table of its own
						 * (read at start) */
};

/* A `mux NAME { }` block; muxes without one use config.defaults. */
struct config_mux {
	char			name[CONFIG_NAME_MAX + 1];
	unsigned		line;		/* of the block, for messages */
	struct config_session	s;
};

/* A `neighbor ADDR { }` block: a session PEERING does not know of. */
struct config_neighbor {
	char			name[CONFIG_NAME_MAX + 1];
	unsigned		line;		/* of the block, for messages */
	struct prefix		addr;		/* /32 or /128 */
	struct prefix		local;		/* len 0: kernel chooses */
	char			ifname[CONFIG_IFNAME_MAX + 1];	/* "": none */
	uint32_t		remote_as;
	bool			addpath_rx;
	struct config_session	s;
};

struct config {
	char			file[256];	/* for messages; may be cut */
	uint32_t		local_as;
	uint32_t		router_id;	/* host order; 0: derive later */
	uint16_t		connect_retry;	/* seconds */
	uint16_t		gr_time;	/* 0: no graceful restart */
	bool			kernel_remove_on_stop;	/* else kept */
	char			ro_group[64];	/* the read-only control
						 * socket's; "": the daemon's */
	unsigned		ro_mode;	/* its mode */
	struct config_session	defaults;	/* the global settings */
	unsigned		n_muxes;
	struct config_mux	muxes[CONFIG_MAX_MUXES];
	unsigned		n_neighbors;
	struct config_neighbor	neighbors[CONFIG_MAX_NEIGHBORS];
};

/*
 * Parses len bytes of buf (need not be NUL-terminated) into *out, named
 * filename in messages. On error returns -1, leaves *out as config_init()
 * does, and writes "FILE:LINE: message" to err. struct config is about
 * 240 KB: keep it off small stacks.
 */
int	config_parse(const char *buf, size_t len, const char *filename,
	    struct config *out, char *err, size_t errlen);
/* Reads and parses path; a file that cannot be read is an error too. */
int	config_load(const char *path, struct config *out, char *err,
	    size_t errlen);
/* The configuration of an empty file: every default. */
void	config_init(struct config *c);

/* Checks against the mux table: every mux block names a mux of t, and no
 * neighbour is named like a mux (session names are unique). */
int	config_check_muxes(const struct config *c, const struct mux_table *t,
	    char *err, size_t errlen);

const struct config_mux		*config_find_mux(const struct config *c,
				    const char *name);
const struct config_neighbor	*config_find_neighbor(const struct config *c,
				    const char *name);
/* The settings of mux name: its block's, or the global defaults. */
const struct config_session	*config_mux_session(const struct config *c,
				    const char *name);
/* The settings of the session called name: a neighbour block's, else the
 * mux's (config_mux_session). */
const struct config_session	*config_session_named(const struct config *c,
				    const char *name);
/* The block of the session called name, to change at run time: a
 * neighbour's, else mux name's, made from the global settings when the
 * mux has none (then *made is set: the sessions of that mux follow the
 * new block from now on). NULL when a new block would be one too many.
 * The caller knows name is a mux or a neighbour. */
struct config_session		*config_session_block(struct config *c,
				    const char *name, bool *made);

/* What a reload changed for one session (0: nothing). */
#define CONFIG_DIFF_SESSION	0x01	/* restart it: address, AS, timers */
#define CONFIG_DIFF_IMPORT	0x02	/* re-run the import policy */
#define CONFIG_DIFF_DISABLED	0x04	/* start or stop it */
#define CONFIG_DIFF_LIMITS	0x08	/* new limits, no restart */
/* What every session shares: local AS, router id, timers. */
bool		config_globals_equal(const struct config *a,
		    const struct config *b);
unsigned	config_session_diff(const struct config_session *a,
		    const struct config_session *b);
unsigned	config_neighbor_diff(const struct config_neighbor *a,
		    const struct config_neighbor *b);
bool		config_neighbor_equal(const struct config_neighbor *a,
		    const struct config_neighbor *b);
bool		config_limits_equal(const struct config_session *a,
		    const struct config_session *b);

const char	*config_limit_action_name(unsigned action);

#endif
