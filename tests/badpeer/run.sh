#!/usr/bin/env bash
# Bad input from a peer: for each scenario, badpeer (tests/badpeer/badpeer.c)
# plays a misbehaving mux in its own namespace and our daemon, in another,
# must answer with the right NOTIFICATION (or keep the session, for the
# RFC 7606 cases) and keep running, while its session with a well-behaved
# second mux (another peering-bgpd) stays up, undisturbed. Ends with
# "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbb$$
NS_US=${TAG}u NS_PEER=${TAG}p NS_STEADY=${TAG}s
V_US=${TAG}a V_PEER=${TAG}b V_US2=${TAG}c V_STEADY=${TAG}d
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
PASS=0 FAIL=0 DPID= SPID=

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	ip netns del "$NS_US" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	ip netns del "$NS_STEADY" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAILED: $*"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "badpeer: needs root for network namespaces"
	echo "0 passed, 1 failed"
	exit 1
fi
cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$TMP/badpeer" \
    tests/badpeer/badpeer.c build/libpeering.a || exit 1

ip netns add "$NS_US" && ip netns add "$NS_PEER" &&
    ip netns add "$NS_STEADY" || exit 1
ip link add "$V_US" type veth peer name "$V_PEER"
ip link set "$V_US" netns "$NS_US"
ip link set "$V_PEER" netns "$NS_PEER"
ip -n "$NS_US" addr add 100.65.128.2/24 dev "$V_US"
ip -n "$NS_PEER" addr add 100.65.128.1/24 dev "$V_PEER"
ip link add "$V_US2" netns "$NS_US" type veth peer name "$V_STEADY" \
    netns "$NS_STEADY"
ip -n "$NS_US" addr add 100.66.128.2/24 dev "$V_US2"
ip -n "$NS_STEADY" addr add 100.66.128.1/24 dev "$V_STEADY"
ip -n "$NS_STEADY" link set lo up
ip -n "$NS_US" link set "$V_US2" up
ip -n "$NS_STEADY" link set "$V_STEADY" up
for ns in "$NS_US" "$NS_PEER"; do ip -n "$ns" link set lo up; done
ip -n "$NS_US" link set "$V_US" up
ip -n "$NS_PEER" link set "$V_PEER" up

mkdir -p "$TMP/client/configs" "$TMP/steady/configs"
cat > "$TMP/client/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.2
neighbor 100.65.128.1 {
	name mux1
	remote-as 47065
	interface $V_US
	hold-time 9
}
neighbor 100.66.128.1 {
	name steady
	remote-as 47065
	interface $V_US2
}
EOC
# The well-behaved mux: a second peering-bgpd, waiting for our connection.
cat > "$TMP/steady/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.66.128.1
neighbor 100.66.128.2 {
	name client
	remote-as 47065
	passive yes
}
EOC
ip netns exec "$NS_STEADY" "$ROOT/peering-bgpd" -f -d "$TMP/steady" \
    2> "$TMP/steady.log" &
SPID=$!

ctl() {
	ip netns exec "$NS_US" env PEERING_DIR="$TMP/client" \
	    "$ROOT/peering" bgp cli "$@"
}

daemon_start() {
	ip netns exec "$NS_US" "$ROOT/peering-bgpd" -f -v -d "$TMP/client" \
	    2>> "$TMP/daemon.log" &
	DPID=$!
}

daemon_stop() {
	kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	DPID=
}

# The steady session is (or within 3 s comes) up, and never went down.
steady_up() {
	local t
	for t in $(seq 1 30); do
		ctl show protocols json | jq -e '.protocols[] |
		    select(.name == "steady") | .state == "Established" and
		    .stats.established == 1' > /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# scenario expected-answer [jq-check-on-the-session]
run() {
	local sc=$1 want=$2 check=${3:-} got
	ip netns exec "$NS_PEER" "$TMP/badpeer" 100.65.128.1 47065 "$sc" 15 \
	    > "$TMP/answer" 2>&1 &
	local bp=$!
	sleep 0.2
	daemon_start
	wait "$bp"
	got=$(cat "$TMP/answer")
	if [ "$got" = "$want" ]; then
		ok "$sc: daemon answered '$got'"
	else
		bad "$sc: want '$want', got '$got'"
	fi
	if kill -0 "$DPID" 2>/dev/null && ctl show status > /dev/null; then
		ok "$sc: daemon still running and answering"
	else
		bad "$sc: daemon died"
	fi
	if [ -n "$check" ]; then
		if ctl show protocols json | jq -e ".protocols[0] | $check" \
		    > /dev/null; then
			ok "$sc: $check"
		else
			bad "$sc: $check ($(ctl show protocols json))"
		fi
	fi
	if steady_up; then
		ok "$sc: the other session stayed up, undisturbed"
	else
		bad "$sc: the other session was disturbed ($(ctl show protocols))"
	fi
	daemon_stop
}

run garbage "notification 1/1"
run bad-length "notification 1/2"
run bad-type "notification 1/3"
run version-3 "notification 2/1"
run wrong-as "notification 2/2"
run hold-time-1 "notification 2/6"
run no-family "notification 2/7"
run update-in-opensent "notification 5/1"
run bad-nlri "notification 3/10"
run unknown-well-known "notification 3/2"
# badpeer hangs up once it has its answer: the session ended by its close,
# not by a NOTIFICATION of ours.
run bad-communities "established" \
    '.stats.treat_as_withdraw == 1 and .stats.withdrawals_in == 1 and
     .reason == "connection closed by peer"'
run unknown-transitive "established" \
    '.stats.prefixes_in == 1 and .stats.treat_as_withdraw == 0 and
     .reason == "connection closed by peer"'
# RFC 4760 6: IPv6 was not negotiated on this IPv4 session: ignored,
# counted, never in the RIB or table 20000.
run other-family "established" \
    '.stats.other_family_ignored == 1 and .stats.prefixes_in == 0 and
     .reason == "connection closed by peer"'
# The peer's RFC 9003 text reaches `show protocols` and the log escaped:
# no forged log line, no escape code.
run shutdown-text "timeout" \
    '(.reason | test("forged line")) and (.reason | test("\\\\x0a2026")) and
     (.reason | test("\\\\x1b")) and (.reason | test("\n|\u001b") | not)'
if grep -q "^2026-01-01 00:00:00 warn: forged" "$TMP/daemon.log"; then
	bad "shutdown-text: the peer forged a line in the daemon's log"
elif grep -q 'forged line\\x1b\[2J' "$TMP/daemon.log"; then
	ok "shutdown-text: the log holds the text escaped, on one line"
else
	bad "shutdown-text: the text is not in the log ($(grep -c forged "$TMP/daemon.log"))"
fi
run truncated "timeout" '.state != "Established"'

if [ "$FAIL" -gt 0 ]; then
	echo "--- daemon log"
	tail -50 "$TMP/daemon.log"
	echo "--- steady peer log"
	tail -20 "$TMP/steady.log"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
