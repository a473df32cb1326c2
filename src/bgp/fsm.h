/*
 * The BGP finite state machine (RFC 4271 section 8) as a pure function:
 * (state, event) -> (new state, actions). The session code owns sockets and
 * timers and carries out the actions; the FSM only decides. Options taken
 * (RFC 4271 8.1.1): automatic start, passive TCP establishment per session,
 * damping of peer oscillations (the IdleHold timer with backoff); no
 * DelayOpen, no collision detection in Established (the caller detects
 * collisions, RFC 4271 6.8, and feeds OPEN_COLLISION_DUMP to the loser).
 */
#ifndef PEERING_BGP_FSM_H
#define PEERING_BGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

enum bgp_state {
	BGP_STATE_IDLE,
	BGP_STATE_CONNECT,
	BGP_STATE_ACTIVE,
	BGP_STATE_OPENSENT,
	BGP_STATE_OPENCONFIRM,
	BGP_STATE_ESTABLISHED,
};

/* RFC 4271 8.1 event numbers where they exist. */
enum bgp_event {
	BGP_EV_START = 1,		/* Manual/AutomaticStart (1, 3, 4, 5) */
	BGP_EV_STOP = 2,		/* ManualStop */
	BGP_EV_CONNECT_RETRY_EXPIRES = 9,
	BGP_EV_HOLD_EXPIRES = 10,
	BGP_EV_KEEPALIVE_EXPIRES = 11,
	BGP_EV_IDLE_HOLD_EXPIRES = 13,
	BGP_EV_TCP_UP = 16,		/* Tcp_CR_Acked or TcpConnectionConfirmed */
	BGP_EV_TCP_FAILS = 18,
	BGP_EV_OPEN = 19,		/* a valid OPEN, checked by the caller */
	BGP_EV_HEADER_ERR = 21,
	BGP_EV_OPEN_ERR = 22,
	BGP_EV_OPEN_COLLISION_DUMP = 23,
	BGP_EV_NOTIF_VERSION_ERR = 24,
	BGP_EV_NOTIF = 25,
	BGP_EV_KEEPALIVE = 26,
	BGP_EV_UPDATE = 27,
	BGP_EV_UPDATE_ERR = 28,
	BGP_EV_ROUTE_REFRESH = 100,	/* RFC 2918: not in RFC 4271's list */
	BGP_EV_LIMIT = 101,		/* a limit of ours reached: a Cease
					 * (RFC 4486) ends the session */
};

/* What the caller must do, in this order of bits. */
#define BGP_FSM_DROP_TCP		0x0001
#define BGP_FSM_CONNECT			0x0002	/* open an outgoing connection */
#define BGP_FSM_SEND_NOTIFICATION	0x0004	/* code/subcode in the step */
#define BGP_FSM_SEND_OPEN		0x0008
#define BGP_FSM_SEND_KEEPALIVE		0x0010
#define BGP_FSM_START_CONNECT_RETRY	0x0020	/* (re)start the timer */
#define BGP_FSM_STOP_CONNECT_RETRY	0x0040
#define BGP_FSM_START_HOLD_LARGE	0x0080	/* 4 minutes (RFC 4271 8.2.2) */
#define BGP_FSM_START_HOLD		0x0100	/* the negotiated hold time */
#define BGP_FSM_START_KEEPALIVE		0x0200
#define BGP_FSM_STOP_TIMERS		0x0400	/* hold and keepalive */
#define BGP_FSM_PROCESS_OPEN		0x0800	/* keep the negotiated caps */
#define BGP_FSM_PROCESS_UPDATE		0x1000
#define BGP_FSM_PROCESS_REFRESH		0x2000
#define BGP_FSM_SESSION_UP		0x4000	/* entered Established */
#define BGP_FSM_SESSION_DOWN		0x8000	/* left Established */
#define BGP_FSM_START_IDLE_HOLD		0x10000	/* restart after backoff */

struct bgp_fsm {
	enum bgp_state	state;
	bool		passive;	/* wait for the peer to connect */
	uint32_t	connect_retry_counter;
};

/* An event; code/subcode are the NOTIFICATION for the *_ERR events. */
struct bgp_fsm_event {
	enum bgp_event	type;
	uint8_t		code;
	uint8_t		subcode;
};

struct bgp_fsm_step {
	enum bgp_state	from;
	enum bgp_state	to;
	uint32_t	actions;
	uint8_t		code;		/* with BGP_FSM_SEND_NOTIFICATION */
	uint8_t		subcode;
};

/* Applies one event: fsm->state and the counter move; the step says what
 * to do. */
struct bgp_fsm_step bgp_fsm_step(struct bgp_fsm *fsm,
	    struct bgp_fsm_event ev);
/* Seconds in Idle before restarting after the n-th consecutive failure:
 * 5 s doubling to at most 120 s (damping of peer oscillations). */
unsigned bgp_fsm_idle_hold_seconds(uint32_t connect_retry_counter);
const char *bgp_state_name(enum bgp_state s);
const char *bgp_event_name(enum bgp_event e);

#endif
