#!/usr/bin/env bash
# Bad input from a peer: for each scenario, badpeer (tests/badpeer/badpeer.c)
# plays a misbehaving mux in its own namespace and our daemon, in another,
# must answer with the right NOTIFICATION (or keep the session, for the
# RFC 7606 cases) and keep running, while its session with a well-behaved
# second mux (another peering-bgpd) stays up, undisturbed. Then a peer
# floods (build/bench/bgpfeed): 10,000 ADD-PATH paths of one prefix while
# the steady session has a 3 s hold time, and each path limit and action
# (docs/config.md). Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbb$$
NS_US=${TAG}u NS_PEER=${TAG}p NS_STEADY=${TAG}s
V_US=${TAG}a V_PEER=${TAG}b V_US2=${TAG}c V_STEADY=${TAG}d
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
PASS=0 FAIL=0 DPID= SPID= FPID=
FEED=$ROOT/build/bench/bgpfeed

cleanup() {
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
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
[ -x "$FEED" ] || { echo "badpeer: $FEED not built (make $FEED)"
	echo "0 passed, 1 failed"; exit 1; }

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

# ---- A peer that floods ----

# Our config for the flood scenarios: mux1 waits for bgpfeed's connection,
# with the limit lines given; the steady session has a 3 s hold time.
flood_conf() {
	cat > "$TMP/client/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.2
neighbor 100.65.128.1 {
	name mux1
	remote-as 47065
	interface $V_US
	passive yes
$(printf '\t%s\n' "$@")
}
neighbor 100.66.128.1 {
	name steady
	remote-as 47065
	interface $V_US2
	hold-time 3
}
EOC
}

# mux1's jq-path, or the whole of show protocols json for the steady one.
mux1() {
	ctl show protocols json | jq -r ".protocols[] |
	    select(.name == \"mux1\") | $1"
}

wait_for() {	# seconds command...
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
mux1_is() { [ "$(mux1 "$1")" = "$2" ]; }
feed_said() { grep -q "$1" "$TMP/feed.out" "$TMP/feed.err" 2>/dev/null; }
log_since() { tail -n "+$((LOG_FROM + 1))" "$TMP/daemon.log"; }

# flood NAME PREFIXES PATHS LIMIT-LINE...: the daemon with those limits,
# bgpfeed sending PREFIXES x PATHS paths; leaves both running.
flood() {
	local name=$1 n=$2 paths=$3
	shift 3
	flood_conf "$@"
	LOG_FROM=$(wc -l < "$TMP/daemon.log")
	daemon_start
	if ! wait_for 10 steady_up ||
	    [ "$(ctl show protocols json | jq '.protocols[] |
	    select(.name == "steady") | .hold_time')" != 3 ]; then
		bad "$name: the steady session is not up with hold time 3"
		return
	fi
	ip netns exec "$NS_PEER" "$FEED" -r 100.65.128.2 -l 100.65.128.1 \
	    -a 4 -n "$n" -p "$paths" -A -T 20 > "$TMP/feed.out" \
	    2> "$TMP/feed.err" &
	FPID=$!
}

flood_end() {
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	FPID=
	daemon_stop
}

# The steady session (hold time 3 s) came up once and never went down,
# even a hold time after the flood.
steady_held() {
	sleep 4
	if steady_up; then
		ok "$1: the steady session (hold time 3 s) stayed Established"
	else
		bad "$1: the steady session went down ($(ctl show protocols))"
	fi
}

# cease_seen NAME DATA LIMIT: the peer got a Cease, Maximum Number of
# Prefixes Reached, whose data (RFC 4486 4) is DATA in hex.
cease_seen() {
	if wait_for 20 feed_said \
	    "NOTIFICATION from the peer: 6/1 Cease data $2"; then
		ok "$1: the peer got Cease/Maximum Number of Prefixes Reached, AFI 1 SAFI 1 limit $3"
	else
		bad "$1: the peer got: $(tail -n 1 "$TMP/feed.err")"
	fi
}

# drop_seen NAME COUNTER KEPT DROPPED: the session kept KEPT paths and
# counted DROPPED in .stats.COUNTER, and is still up.
drop_seen() {
	if wait_for 30 mux1_is ".stats.$2" "$4" &&
	    mux1_is .stats.paths "$3" && mux1_is .state Established; then
		ok "$1: $3 paths kept, $4 dropped and counted, session up"
	else
		bad "$1: $(mux1 '"\(.state) \(.stats)"')"
	fi
}

# 10,000 paths of one prefix, every one kept: the loop must keep serving
# the steady session's keepalives meanwhile (the quadratic best path of
# before stalled it for 3.3 s at the end, past its hold time).
flood "10000 paths" 1 10000 "max-paths-per-prefix 20000 drop"
if wait_for 60 mux1_is .stats.paths 10000; then
	ok "10000 paths: all 10,000 paths of one prefix in the RIB"
else
	bad "10000 paths: mux1 has $(mux1 .stats.paths) paths"
fi
steady_held "10000 paths"
flood_end

# Each limit and action: the peer sees the Cease with RFC 4486's data
# (AFI 1, SAFI 1, the limit), or the paths past the limit are dropped
# and counted, the session kept, the log saying so once.
flood "per prefix, cease" 1 10000 "max-paths-per-prefix 100 cease"
cease_seen "per prefix, cease" 00010100000064 100
if [ "$(mux1 .state)" != Established ] &&
    mux1 .reason | grep -q "max-paths-per-prefix 100 reached" &&
    [ "$(mux1 .stats.paths)" = 0 ]; then
	ok "per prefix, cease: the session is down, says why, its paths gone"
else
	bad "per prefix, cease: $(mux1 '"\(.state) \(.reason) \(.stats.paths)"')"
fi
steady_held "per prefix, cease"
flood_end

flood "per prefix, drop" 1 10000 "max-paths-per-prefix 100 drop"
drop_seen "per prefix, drop" refused_max_paths_per_prefix 100 9900
if ctl show protocols | grep mux1 | grep -q "9900 paths dropped by limits" &&
    ctl show memory json | jq -e '.paths_refused == 9900' > /dev/null; then
	ok "per prefix, drop: status and show memory show the count"
else
	bad "per prefix, drop: $(ctl show protocols) $(ctl show memory json)"
fi
if [ "$(log_since | grep -c "max-paths-per-prefix 100 reached")" = 1 ]; then
	ok "per prefix, drop: logged once"
else
	bad "per prefix, drop: $(log_since | grep -c \
	    "max-paths-per-prefix 100 reached") log lines"
fi
flood_end

flood "in all, cease" 1000 1 "max-paths 300 cease"
cease_seen "in all, cease" 0001010000012c 300
steady_held "in all, cease"
flood_end

flood "in all, drop" 1000 1 "max-paths 300 drop"
drop_seen "in all, drop" refused_max_paths 300 700
flood_end

# A table's session ends: its paths leave the RIB and table 20000 in
# slices (docs/rib.md, "Sessions going down"), every one of them, and
# the loop serves the steady session meanwhile (one call took the whole
# table out before: seconds at 43 full tables).
kernel_routes() { ip -n "$NS_US" -4 route show table 20000 | wc -l; }
kernel_has() { [ "$(kernel_routes)" = "$1" ]; }
flood "table gone" 200000 1 "max-paths 1000000 drop"
if wait_for 120 mux1_is .stats.paths 200000 && wait_for 60 kernel_has 200000
then
	ok "table gone: 200,000 paths in the RIB and table 20000"
else
	bad "table gone: $(mux1 .stats.paths) paths, $(kernel_routes) routes"
fi
kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
FPID=
if wait_for 60 mux1_is .stats.paths_flushing 0 && mux1_is .stats.paths 0 &&
    ctl show memory json | jq -e '.paths == 0' > /dev/null &&
    ctl show protocols all mux1 | grep -q "Paths held: *0, 0 dropped by limits, 0 of its earlier sessions being removed" &&
    wait_for 60 kernel_has 0; then
	ok "table gone: the session's end took every path out of the RIB and table 20000"
else
	bad "table gone: $(mux1 .stats) $(ctl show memory json | jq -c .) $(kernel_routes) routes"
fi
steady_held "table gone"
flood_end

if [ "$FAIL" -gt 0 ]; then
	echo "--- daemon log"
	tail -50 "$TMP/daemon.log"
	echo "--- steady peer log"
	tail -20 "$TMP/steady.log"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
