/* The RFC 4271 section 8.2.2 state machine, one function per state. */
#include "fsm.h"
#include "bgp.h"

#define IDLE_HOLD_MIN	5
#define IDLE_HOLD_MAX	120

/*
 * Back to Idle after a failure: the connection and timers go, a session
 * that was up goes down, and unless the user stopped it, an automatic
 * restart waits out the IdleHold time.
 */
static void
fall_to_idle(struct bgp_fsm *fsm, struct bgp_fsm_step *s, bool failure)
{
	s->to = BGP_STATE_IDLE;
	s->actions |= BGP_FSM_DROP_TCP | BGP_FSM_STOP_CONNECT_RETRY |
	    BGP_FSM_STOP_TIMERS;
	if (s->from == BGP_STATE_ESTABLISHED)
		s->actions |= BGP_FSM_SESSION_DOWN;
	if (failure)
		fsm->connect_retry_counter++;
	s->actions |= BGP_FSM_START_IDLE_HOLD;
}

static void
notify(struct bgp_fsm_step *s, uint8_t code, uint8_t subcode)
{
	s->actions |= BGP_FSM_SEND_NOTIFICATION;
	s->code = code;
	s->subcode = subcode;
}

/* ManualStop in any state but Idle (RFC 4271 8.2.2, event 2). */
static void
stop(struct bgp_fsm *fsm, struct bgp_fsm_step *s)
{
	if (s->from >= BGP_STATE_OPENSENT)
		notify(s, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN);
	fall_to_idle(fsm, s, false);
	s->actions &= ~(uint32_t)BGP_FSM_START_IDLE_HOLD;
	fsm->connect_retry_counter = 0;
}

/* A connection is up: send OPEN and wait for the peer's (no DelayOpen). */
static void
connection_up(struct bgp_fsm_step *s)
{
	s->to = BGP_STATE_OPENSENT;
	s->actions |= BGP_FSM_STOP_CONNECT_RETRY | BGP_FSM_SEND_OPEN |
	    BGP_FSM_START_HOLD_LARGE;
}

static void
idle_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	if (ev.type != BGP_EV_START && ev.type != BGP_EV_IDLE_HOLD_EXPIRES)
		return;		/* every other event is ignored in Idle */
	s->actions |= BGP_FSM_START_CONNECT_RETRY;
	if (fsm->passive) {
		s->to = BGP_STATE_ACTIVE;
	} else {
		s->to = BGP_STATE_CONNECT;
		s->actions |= BGP_FSM_CONNECT;
	}
}

static void
connect_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	switch (ev.type) {
	case BGP_EV_START:
		break;
	case BGP_EV_STOP:
		stop(fsm, s);
		break;
	case BGP_EV_CONNECT_RETRY_EXPIRES:
		s->actions |= BGP_FSM_DROP_TCP | BGP_FSM_START_CONNECT_RETRY |
		    BGP_FSM_CONNECT;
		break;
	case BGP_EV_TCP_UP:
		connection_up(s);
		break;
	case BGP_EV_TCP_FAILS:
		/* No DelayOpen: to Idle (RFC 4271 8.2.2, Connect, event 18). */
		fall_to_idle(fsm, s, true);
		break;
	default:
		fall_to_idle(fsm, s, true);
		break;
	}
}

static void
active_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	switch (ev.type) {
	case BGP_EV_START:
		break;
	case BGP_EV_STOP:
		stop(fsm, s);
		break;
	case BGP_EV_CONNECT_RETRY_EXPIRES:
		s->actions |= BGP_FSM_START_CONNECT_RETRY;
		/* A passive session keeps listening instead of connecting. */
		if (!fsm->passive) {
			s->to = BGP_STATE_CONNECT;
			s->actions |= BGP_FSM_CONNECT;
		}
		break;
	case BGP_EV_TCP_UP:
		connection_up(s);
		break;
	default:
		fall_to_idle(fsm, s, true);
		break;
	}
}

/* Events every state after OpenSent handles alike. */
static bool
common_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	switch (ev.type) {
	case BGP_EV_START:
		return true;
	case BGP_EV_STOP:
		stop(fsm, s);
		return true;
	case BGP_EV_HOLD_EXPIRES:
		notify(s, BGP_ERR_HOLD, 0);
		fall_to_idle(fsm, s, true);
		return true;
	case BGP_EV_HEADER_ERR:
	case BGP_EV_OPEN_ERR:
	case BGP_EV_UPDATE_ERR:
	case BGP_EV_LIMIT:
		notify(s, ev.code, ev.subcode);
		fall_to_idle(fsm, s, true);
		return true;
	case BGP_EV_OPEN_COLLISION_DUMP:
		notify(s, BGP_ERR_CEASE, BGP_CEASE_COLLISION);
		fall_to_idle(fsm, s, true);
		return true;
	case BGP_EV_NOTIF_VERSION_ERR:
		/* The peer will retry with our version: not a failure. */
		fall_to_idle(fsm, s, false);
		return true;
	default:
		return false;
	}
}

/* RFC 6608: which FSM error subcode names the state. */
static void
unexpected(struct bgp_fsm *fsm, struct bgp_fsm_step *s)
{
	notify(s, BGP_ERR_FSM, (uint8_t)(s->from - BGP_STATE_OPENSENT + 1));
	fall_to_idle(fsm, s, true);
}

static void
opensent_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	if (common_event(fsm, ev, s))
		return;
	switch (ev.type) {
	case BGP_EV_TCP_FAILS:
		s->to = BGP_STATE_ACTIVE;
		s->actions |= BGP_FSM_DROP_TCP | BGP_FSM_STOP_TIMERS |
		    BGP_FSM_START_CONNECT_RETRY;
		break;
	case BGP_EV_OPEN:
		s->to = BGP_STATE_OPENCONFIRM;
		s->actions |= BGP_FSM_PROCESS_OPEN | BGP_FSM_SEND_KEEPALIVE |
		    BGP_FSM_START_KEEPALIVE | BGP_FSM_START_HOLD;
		break;
	case BGP_EV_NOTIF:
		fall_to_idle(fsm, s, true);
		break;
	default:
		unexpected(fsm, s);
		break;
	}
}

/* Events OpenConfirm and Established handle alike: both have the peer's
 * OPEN and keep the connection alive. */
static bool
confirmed_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	if (common_event(fsm, ev, s))
		return true;
	switch (ev.type) {
	case BGP_EV_KEEPALIVE_EXPIRES:
		s->actions |= BGP_FSM_SEND_KEEPALIVE | BGP_FSM_START_KEEPALIVE;
		return true;
	case BGP_EV_TCP_FAILS:
	case BGP_EV_NOTIF:
		fall_to_idle(fsm, s, true);
		return true;
	default:
		return false;
	}
}

static void
openconfirm_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	if (confirmed_event(fsm, ev, s))
		return;
	switch (ev.type) {
	case BGP_EV_KEEPALIVE:
		s->to = BGP_STATE_ESTABLISHED;
		s->actions |= BGP_FSM_START_HOLD | BGP_FSM_SESSION_UP;
		/* RFC 4271 8.2.2: the failure count ends with success. */
		fsm->connect_retry_counter = 0;
		break;
	default:
		unexpected(fsm, s);
		break;
	}
}

static void
established_event(struct bgp_fsm *fsm, struct bgp_fsm_event ev,
    struct bgp_fsm_step *s)
{
	if (confirmed_event(fsm, ev, s))
		return;
	switch (ev.type) {
	case BGP_EV_KEEPALIVE:
		s->actions |= BGP_FSM_START_HOLD;
		break;
	case BGP_EV_UPDATE:
		s->actions |= BGP_FSM_START_HOLD | BGP_FSM_PROCESS_UPDATE;
		break;
	case BGP_EV_ROUTE_REFRESH:
		s->actions |= BGP_FSM_START_HOLD | BGP_FSM_PROCESS_REFRESH;
		break;
	default:
		unexpected(fsm, s);
		break;
	}
}

struct bgp_fsm_step
bgp_fsm_step(struct bgp_fsm *fsm, struct bgp_fsm_event ev)
{
	struct bgp_fsm_step s = { fsm->state, fsm->state, 0, 0, 0 };

	switch (fsm->state) {
	case BGP_STATE_IDLE:
		idle_event(fsm, ev, &s);
		break;
	case BGP_STATE_CONNECT:
		connect_event(fsm, ev, &s);
		break;
	case BGP_STATE_ACTIVE:
		active_event(fsm, ev, &s);
		break;
	case BGP_STATE_OPENSENT:
		opensent_event(fsm, ev, &s);
		break;
	case BGP_STATE_OPENCONFIRM:
		openconfirm_event(fsm, ev, &s);
		break;
	case BGP_STATE_ESTABLISHED:
		established_event(fsm, ev, &s);
		break;
	}
	fsm->state = s.to;
	return s;
}

unsigned
bgp_fsm_idle_hold_seconds(uint32_t counter)
{
	unsigned secs = IDLE_HOLD_MIN;

	for (uint32_t i = 1; i < counter && secs < IDLE_HOLD_MAX; i++)
		secs *= 2;
	return secs < IDLE_HOLD_MAX ? secs : IDLE_HOLD_MAX;
}

const char *
bgp_state_name(enum bgp_state st)
{
	static const char *const names[] = {
		"Idle", "Connect", "Active", "OpenSent", "OpenConfirm",
		"Established",
	};

	return (unsigned)st < sizeof(names) / sizeof(names[0]) ?
	    names[st] : "?";
}

const char *
bgp_event_name(enum bgp_event e)
{
	switch (e) {
	case BGP_EV_START: return "Start";
	case BGP_EV_STOP: return "Stop";
	case BGP_EV_CONNECT_RETRY_EXPIRES: return "ConnectRetryTimer_Expires";
	case BGP_EV_HOLD_EXPIRES: return "HoldTimer_Expires";
	case BGP_EV_KEEPALIVE_EXPIRES: return "KeepaliveTimer_Expires";
	case BGP_EV_IDLE_HOLD_EXPIRES: return "IdleHoldTimer_Expires";
	case BGP_EV_TCP_UP: return "TcpConnection_Up";
	case BGP_EV_TCP_FAILS: return "TcpConnectionFails";
	case BGP_EV_OPEN: return "BGPOpen";
	case BGP_EV_HEADER_ERR: return "BGPHeaderErr";
	case BGP_EV_OPEN_ERR: return "BGPOpenMsgErr";
	case BGP_EV_OPEN_COLLISION_DUMP: return "OpenCollisionDump";
	case BGP_EV_NOTIF_VERSION_ERR: return "NotifMsgVerErr";
	case BGP_EV_NOTIF: return "NotifMsg";
	case BGP_EV_KEEPALIVE: return "KeepAliveMsg";
	case BGP_EV_UPDATE: return "UpdateMsg";
	case BGP_EV_UPDATE_ERR: return "UpdateMsgErr";
	case BGP_EV_ROUTE_REFRESH: return "RouteRefreshMsg";
	case BGP_EV_LIMIT: return "LimitReached";
	}
	return "?";
}
