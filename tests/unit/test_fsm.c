/* The RFC 4271 section 8.2.2 transitions, one row per (state, event). */
#include <check.h>

#include "../../src/bgp/bgp.h"
#include "../../src/bgp/fsm.h"

#define I	BGP_STATE_IDLE
#define C	BGP_STATE_CONNECT
#define A	BGP_STATE_ACTIVE
#define OS	BGP_STATE_OPENSENT
#define OC	BGP_STATE_OPENCONFIRM
#define E	BGP_STATE_ESTABLISHED

#define DROP	BGP_FSM_DROP_TCP
#define CONN	BGP_FSM_CONNECT
#define NOTIF	BGP_FSM_SEND_NOTIFICATION
#define OPEN	BGP_FSM_SEND_OPEN
#define KA	BGP_FSM_SEND_KEEPALIVE
#define CR	BGP_FSM_START_CONNECT_RETRY
#define NOCR	BGP_FSM_STOP_CONNECT_RETRY
#define HLARGE	BGP_FSM_START_HOLD_LARGE
#define HOLD	BGP_FSM_START_HOLD
#define KATMR	BGP_FSM_START_KEEPALIVE
#define NOTMR	BGP_FSM_STOP_TIMERS
#define POPEN	BGP_FSM_PROCESS_OPEN
#define PUPD	BGP_FSM_PROCESS_UPDATE
#define PRR	BGP_FSM_PROCESS_REFRESH
#define UP	BGP_FSM_SESSION_UP
#define DOWN	BGP_FSM_SESSION_DOWN
#define IHOLD	BGP_FSM_START_IDLE_HOLD

/* Falling to Idle after a failure always does these. */
#define FAIL	(DROP | NOCR | NOTMR | IHOLD)

struct fsm_case {
	enum bgp_state	from;
	bool		passive;
	enum bgp_event	ev;
	enum bgp_state	to;
	uint32_t	actions;	/* exactly these */
	uint8_t		code, subcode;	/* of the NOTIFICATION, if sent */
	int		counter_delta;	/* +1 failure, 0 same, -1 reset */
};

static const struct fsm_case cases[] = {
	/* Idle: only a start leaves it. */
	{ I, false, BGP_EV_START, C, CONN | CR, 0, 0, 0 },
	{ I, true, BGP_EV_START, A, CR, 0, 0, 0 },
	{ I, false, BGP_EV_IDLE_HOLD_EXPIRES, C, CONN | CR, 0, 0, 0 },
	{ I, false, BGP_EV_STOP, I, 0, 0, 0, 0 },
	{ I, false, BGP_EV_TCP_UP, I, 0, 0, 0, 0 },
	{ I, false, BGP_EV_KEEPALIVE, I, 0, 0, 0, 0 },
	{ I, false, BGP_EV_HOLD_EXPIRES, I, 0, 0, 0, 0 },
	/* Connect */
	{ C, false, BGP_EV_START, C, 0, 0, 0, 0 },
	{ C, false, BGP_EV_STOP, I, DROP | NOCR | NOTMR, 0, 0, -1 },
	{ C, false, BGP_EV_CONNECT_RETRY_EXPIRES, C, DROP | CR | CONN, 0, 0,
	    0 },
	{ C, false, BGP_EV_TCP_UP, OS, NOCR | OPEN | HLARGE, 0, 0, 0 },
	{ C, false, BGP_EV_TCP_FAILS, I, FAIL, 0, 0, 1 },
	{ C, false, BGP_EV_KEEPALIVE, I, FAIL, 0, 0, 1 },
	{ C, false, BGP_EV_HOLD_EXPIRES, I, FAIL, 0, 0, 1 },
	/* Active */
	{ A, false, BGP_EV_STOP, I, DROP | NOCR | NOTMR, 0, 0, -1 },
	{ A, false, BGP_EV_CONNECT_RETRY_EXPIRES, C, CR | CONN, 0, 0, 0 },
	{ A, true, BGP_EV_CONNECT_RETRY_EXPIRES, A, CR, 0, 0, 0 },
	{ A, true, BGP_EV_TCP_UP, OS, NOCR | OPEN | HLARGE, 0, 0, 0 },
	{ A, false, BGP_EV_TCP_FAILS, I, FAIL, 0, 0, 1 },
	{ A, false, BGP_EV_UPDATE, I, FAIL, 0, 0, 1 },
	/* OpenSent */
	{ OS, false, BGP_EV_STOP, I, DROP | NOCR | NOTMR | NOTIF,
	    BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1 },
	{ OS, false, BGP_EV_HOLD_EXPIRES, I, FAIL | NOTIF, BGP_ERR_HOLD, 0, 1 },
	{ OS, false, BGP_EV_TCP_FAILS, A, DROP | NOTMR | CR, 0, 0, 0 },
	{ OS, false, BGP_EV_OPEN, OC, POPEN | KA | KATMR | HOLD, 0, 0, 0 },
	{ OS, false, BGP_EV_OPEN_COLLISION_DUMP, I, FAIL | NOTIF,
	    BGP_ERR_CEASE, BGP_CEASE_COLLISION, 1 },
	{ OS, false, BGP_EV_NOTIF_VERSION_ERR, I, FAIL, 0, 0, 0 },
	{ OS, false, BGP_EV_NOTIF, I, FAIL, 0, 0, 1 },
	{ OS, false, BGP_EV_KEEPALIVE, I, FAIL | NOTIF, BGP_ERR_FSM, 1, 1 },
	{ OS, false, BGP_EV_UPDATE, I, FAIL | NOTIF, BGP_ERR_FSM, 1, 1 },
	{ OS, false, BGP_EV_CONNECT_RETRY_EXPIRES, I, FAIL | NOTIF,
	    BGP_ERR_FSM, 1, 1 },
	/* OpenConfirm */
	{ OC, false, BGP_EV_STOP, I, DROP | NOCR | NOTMR | NOTIF,
	    BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1 },
	{ OC, false, BGP_EV_HOLD_EXPIRES, I, FAIL | NOTIF, BGP_ERR_HOLD, 0, 1 },
	{ OC, false, BGP_EV_KEEPALIVE_EXPIRES, OC, KA | KATMR, 0, 0, 0 },
	{ OC, false, BGP_EV_KEEPALIVE, E, HOLD | UP, 0, 0, -1 },
	{ OC, false, BGP_EV_TCP_FAILS, I, FAIL, 0, 0, 1 },
	{ OC, false, BGP_EV_NOTIF, I, FAIL, 0, 0, 1 },
	{ OC, false, BGP_EV_OPEN_COLLISION_DUMP, I, FAIL | NOTIF,
	    BGP_ERR_CEASE, BGP_CEASE_COLLISION, 1 },
	{ OC, false, BGP_EV_UPDATE, I, FAIL | NOTIF, BGP_ERR_FSM, 2, 1 },
	{ OC, false, BGP_EV_OPEN, I, FAIL | NOTIF, BGP_ERR_FSM, 2, 1 },
	/* Established */
	{ E, false, BGP_EV_STOP, I, DROP | NOCR | NOTMR | NOTIF | DOWN,
	    BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1 },
	{ E, false, BGP_EV_HOLD_EXPIRES, I, FAIL | NOTIF | DOWN,
	    BGP_ERR_HOLD, 0, 1 },
	{ E, false, BGP_EV_KEEPALIVE_EXPIRES, E, KA | KATMR, 0, 0, 0 },
	{ E, false, BGP_EV_KEEPALIVE, E, HOLD, 0, 0, 0 },
	{ E, false, BGP_EV_UPDATE, E, HOLD | PUPD, 0, 0, 0 },
	{ E, false, BGP_EV_ROUTE_REFRESH, E, HOLD | PRR, 0, 0, 0 },
	{ E, false, BGP_EV_TCP_FAILS, I, FAIL | DOWN, 0, 0, 1 },
	{ E, false, BGP_EV_NOTIF, I, FAIL | DOWN, 0, 0, 1 },
	{ E, false, BGP_EV_OPEN, I, FAIL | NOTIF | DOWN, BGP_ERR_FSM, 3, 1 },
	{ E, false, BGP_EV_CONNECT_RETRY_EXPIRES, I, FAIL | NOTIF | DOWN,
	    BGP_ERR_FSM, 3, 1 },
};

START_TEST(test_fsm_transition)
{
	const struct fsm_case *c = &cases[_i];
	struct bgp_fsm fsm = { c->from, c->passive, 3 };
	struct bgp_fsm_event ev = { c->ev, 0, 0 };
	struct bgp_fsm_step s = bgp_fsm_step(&fsm, ev);
	uint32_t want_counter = c->counter_delta < 0 ? 0 :
	    3 + (uint32_t)c->counter_delta;

	ck_assert_msg(s.to == c->to && fsm.state == c->to,
	    "case %d: %s + %s -> %s, want %s", _i, bgp_state_name(c->from),
	    bgp_event_name(c->ev), bgp_state_name(s.to),
	    bgp_state_name(c->to));
	ck_assert_msg(s.actions == c->actions,
	    "case %d: %s + %s: actions 0x%x, want 0x%x", _i,
	    bgp_state_name(c->from), bgp_event_name(c->ev), s.actions,
	    c->actions);
	if (c->actions & NOTIF) {
		ck_assert_uint_eq(s.code, c->code);
		ck_assert_uint_eq(s.subcode, c->subcode);
	}
	ck_assert_msg(fsm.connect_retry_counter == want_counter,
	    "case %d: counter %u, want %u", _i, fsm.connect_retry_counter,
	    want_counter);
}
END_TEST

/* Errors found by the decoders carry their own NOTIFICATION. */
START_TEST(test_fsm_error_events_send_their_code)
{
	static const enum bgp_event errs[] = {
		BGP_EV_HEADER_ERR, BGP_EV_OPEN_ERR, BGP_EV_UPDATE_ERR,
		BGP_EV_LIMIT,
	};

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct bgp_fsm fsm = { E, false, 0 };
		struct bgp_fsm_event ev = { errs[i], BGP_ERR_UPDATE,
		    BGP_ERR_UPD_ATTRLIST };
		struct bgp_fsm_step s = bgp_fsm_step(&fsm, ev);

		ck_assert_int_eq(s.to, I);
		ck_assert(s.actions & NOTIF);
		ck_assert(s.actions & DOWN);
		ck_assert_uint_eq(s.code, BGP_ERR_UPDATE);
		ck_assert_uint_eq(s.subcode, BGP_ERR_UPD_ATTRLIST);
	}
}
END_TEST

/* A whole session: start, connect, OPENs, KEEPALIVEs, UPDATE, stop. */
START_TEST(test_fsm_session_lifecycle)
{
	static const struct {
		enum bgp_event	ev;
		enum bgp_state	to;
	} steps[] = {
		{ BGP_EV_START, C },
		{ BGP_EV_TCP_UP, OS },
		{ BGP_EV_OPEN, OC },
		{ BGP_EV_KEEPALIVE, E },
		{ BGP_EV_UPDATE, E },
		{ BGP_EV_KEEPALIVE_EXPIRES, E },
		{ BGP_EV_STOP, I },
	};
	struct bgp_fsm fsm = { I, false, 0 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct bgp_fsm_event ev = { steps[i].ev, 0, 0 };

		bgp_fsm_step(&fsm, ev);
		ck_assert_msg(fsm.state == steps[i].to, "step %zu: %s", i,
		    bgp_state_name(fsm.state));
	}
}
END_TEST

/* Repeated failures back off, and success clears the count. */
START_TEST(test_fsm_backoff)
{
	struct bgp_fsm fsm = { I, false, 0 };
	struct bgp_fsm_event start = { BGP_EV_START, 0, 0 };
	struct bgp_fsm_event fails = { BGP_EV_TCP_FAILS, 0, 0 };
	unsigned prev = 0;

	for (int i = 0; i < 8; i++) {
		bgp_fsm_step(&fsm, start);
		bgp_fsm_step(&fsm, fails);
		ck_assert_int_eq(fsm.state, I);
		ck_assert_uint_eq(fsm.connect_retry_counter, (unsigned)i + 1);
		ck_assert_uint_ge(bgp_fsm_idle_hold_seconds(
		    fsm.connect_retry_counter), prev);
		prev = bgp_fsm_idle_hold_seconds(fsm.connect_retry_counter);
	}
	ck_assert_uint_eq(bgp_fsm_idle_hold_seconds(1), 5);
	ck_assert_uint_eq(bgp_fsm_idle_hold_seconds(2), 10);
	ck_assert_uint_eq(bgp_fsm_idle_hold_seconds(100), 120);
	fsm.state = OC;
	bgp_fsm_step(&fsm, (struct bgp_fsm_event){ BGP_EV_KEEPALIVE, 0, 0 });
	ck_assert_uint_eq(fsm.connect_retry_counter, 0);
}
END_TEST

START_TEST(test_fsm_names)
{
	ck_assert_str_eq(bgp_state_name(E), "Established");
	ck_assert_str_eq(bgp_state_name(A), "Active");
	ck_assert_str_eq(bgp_event_name(BGP_EV_HOLD_EXPIRES),
	    "HoldTimer_Expires");
}
END_TEST

Suite *
fsm_suite(void)
{
	Suite *s = suite_create("fsm");
	TCase *tc = tcase_create("fsm");

	tcase_add_loop_test(tc, test_fsm_transition, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_fsm_error_events_send_their_code);
	tcase_add_test(tc, test_fsm_session_lifecycle);
	tcase_add_test(tc, test_fsm_backoff);
	tcase_add_test(tc, test_fsm_names);
	suite_add_tcase(s, tc);
	return s;
}
