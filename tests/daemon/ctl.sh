#!/usr/bin/env bash
# The control protocol, version 1 (docs/control.md), against a daemon with a
# BGP session to a peer (a second peering-bgpd) in network namespaces:
# hello and the version; requests as JSON; error codes on the status line
# and JSON errors; every command's JSON; the read-only socket (its mode and
# group from the config, state-changing requests refused "read-only");
# `events --json` seeing an announcement (its attributes and time) and a
# withdrawal, also in the daemon's log; the Python example of
# docs/control.md; then 200 hostile clients (garbage, 1 MB without a
# newline, silent, `events` never read, while announcements churn) for 15 s
# while a well-behaved client asks `show status` every 50 ms: every answer comes
# (the worst latency is printed, not judged unless absurd: > 5 s), the
# session stays Established, and afterwards the daemon's open files are
# back to where they were and its RSS within 8 MiB of it.
# Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbc$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')
NS_US=${TAG}u NS_PEER=${TAG}p V_US=${TAG}a V_PEER=${TAG}b
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
US=$TMP/client PEER=$TMP/peer
PASS=0 FAIL=0 PEER_PID= EV_PID=
CC="python3 $ROOT/tests/daemon/ctl_clients.py"

cleanup() {
	[ -n "$EV_PID" ] && kill "$EV_PID" 2>/dev/null
	ip netns exec "$NS_US" env PEERING_DIR="$US" "$ROOT/peering" bgp stop \
	    > /dev/null 2>&1
	[ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null && wait "$PEER_PID"
	ip netns del "$NS_US" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
has() { grep -qF -- "$2" <<< "$1"; }
us() { ip netns exec "$NS_US" env PEERING_DIR="$US" "$ROOT/peering" "$@"; }
ask() { $CC ask "$1" "$2"; }	# socket line
wait_for() {	# seconds command...
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
state() {
	us bgp cli show protocols json 2>/dev/null |
	    jq -r '.protocols[] | select(.name == "mux1") | .state'
}
established() { [ "$(state)" = Established ]; }
fds() { ls "/proc/$DPID/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DPID/status"; }

[ "$(id -u)" -eq 0 ] || { echo "needs root"; echo "0 passed, 1 failed"; exit 1; }
command -v python3 > /dev/null || { echo "needs python3"; echo "0 passed, 1 failed"; exit 1; }
ip netns add "$NS_US" && ip netns add "$NS_PEER" || exit 1
ip link add "$V_US" type veth peer name "$V_PEER"
ip link set "$V_US" netns "$NS_US"; ip link set "$V_PEER" netns "$NS_PEER"
ip -n "$NS_US" addr add 100.65.128.2/24 dev "$V_US"
ip -n "$NS_PEER" addr add 100.65.128.1/24 dev "$V_PEER"
for ns in "$NS_US" "$NS_PEER"; do ip -n "$ns" link set lo up; done
ip -n "$NS_US" link set "$V_US" up; ip -n "$NS_PEER" link set "$V_PEER" up

mkdir -p "$US/configs" "$PEER/configs"
cat > "$PEER/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.1
neighbor 100.65.128.2 {
	name client
	remote-as 47065
	passive yes
}
EOC
ip netns exec "$NS_PEER" "$ROOT/peering-bgpd" -f -d "$PEER" 2> "$TMP/peer.log" &
PEER_PID=$!
getent group nogroup > /dev/null && GROUP=nogroup || GROUP=0
cat > "$US/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.2
control-read-only-group $GROUP
control-read-only-mode 0666
neighbor 100.65.128.1 {
	name mux1
	remote-as 47065
	interface $V_US
}
EOC
printf "184.164.224.0/24\n184.164.225.0/24\n" > "$US/prefixes.txt"
out=$(us bgp start 2>&1)
check "bgp start ($out)" has "$out" "started (pid"
DPID=$(cat "$US/var/peering-bgpd.pid")
SOCK=$US/var/peering-bgpd.sock RO=$US/var/peering-bgpd.ro.sock
check "mux1 Established" wait_for 20 established
# the peer sends us a route, for the routes the example streams
echo 184.164.226.0/24 > "$PEER/prefixes.txt"
ip netns exec "$NS_PEER" env PEERING_DIR="$PEER" "$ROOT/peering" bgp cli \
    announce 184.164.226.0/24 mux client > /dev/null 2>&1
has_route() { us bgp cli show route 2>/dev/null | grep -q 184.164.226.0/24; }
check "the peer's route is in our RIB" wait_for 10 has_route

# --- version, JSON requests, codes
out=$(ask "$SOCK" "hello"); rc=$?
check "hello: protocol 1 ($out)" [ $rc -eq 0 ] && has "$out" "control protocol 1"
out=$(ask "$SOCK" '{"command":["hello"]}')
check "hello as JSON ($out)" [ "$(head -n1 <<< "$out" | jq -r .protocol)" = 1 ]
out=$(ask "$SOCK" '{"command":["hello","2"]}'); rc=$?
check "hello 2: refused, code version ($out)" [ $rc -eq 1 ] && has "$out" "STATUS: error version"
check "... the error as JSON" [ "$(head -n1 <<< "$out" | jq -r .error.code)" = version ]
out=$(ask "$SOCK" '{"command":["show","protocols"],"json":true}')
check "show protocols as a JSON request" [ "$(head -n1 <<< "$out" | jq -r '.protocols[0].name')" = mux1 ]
out=$(ask "$SOCK" "frobnicate"); rc=$?
check "unknown command: code unknown-command ($out)" has "$out" "STATUS: error unknown-command"
check "... text error" has "$out" "error: unknown command 'frobnicate'"
out=$(ask "$SOCK" "frobnicate json")
check "... JSON error with json" [ "$(head -n1 <<< "$out" | jq -r .error.code)" = unknown-command ]
out=$(ask "$SOCK" '{"command":"show status","frob":1}')
check "unknown JSON field: bad-request ($out)" has "$out" "STATUS: error bad-request"
out=$(ask "$SOCK" "show route ipv5 json")
check "a command's refusal in JSON: refused" [ "$(head -n1 <<< "$out" | jq -r .error.code)" = refused ]
# every command answers in JSON (a JSON document on one line, status ok)
for req in "show status" "show protocols" "show route" "show memory" "help" \
    "hello" "adv mux1" "experiment status" "import mux1 all"; do
	out=$(ask "$SOCK" "{\"command\":\"$req\"}"); rc=$?
	check "JSON: $req (status $rc)" [ $rc -eq 0 ] && head -n1 <<< "$out" | jq -e . > /dev/null
done

# --- the read-only socket
check "read-only socket mode 0666" [ "$(stat -c %a "$RO")" = 666 ]
check "... group $GROUP" [ "$(stat -c %G "$RO")" = "$(getent group "$GROUP" | cut -d: -f1)" ]
out=$(ask "$RO" "show status"); rc=$?
check "read-only: show status answers ($rc)" [ $rc -eq 0 ]
out=$(ask "$RO" "announce 184.164.224.0/24"); rc=$?
check "read-only: announce refused, code read-only ($out)" has "$out" "STATUS: error read-only"
out=$(ask "$RO" '{"command":["configure"]}')
check "read-only: configure refused in JSON" [ "$(head -n1 <<< "$out" | jq -r .error.code)" = read-only ]

# --- events
$CC stream "$RO" "events best json" > "$TMP/events" 2>&1 & EV_PID=$!
check "events: subscribed before the announcement" wait_for 20 grep -q subscribed "$TMP/events"
out=$(us bgp cli announce 184.164.224.0/24 mux mux1 community 47065:7 2>&1)
check "announce ($out)" has "$out" "announced"
check "events: the announcement to mux1, with its attributes" wait_for 20 \
    grep -q '"type":"announce","time_us":[0-9]*,"session":"mux1".*"prefix":"184.164.224.0/24".*"communities":\[\[47065,7\]\]' "$TMP/events"
check "events: the request" grep -q '"type":"request".*"applied":true' "$TMP/events"
us bgp cli withdraw 184.164.224.0/24 mux mux1 force > /dev/null 2>&1
check "events: the withdrawal" wait_for 20 grep -q '"type":"withdraw".*"prefix":"184.164.224.0/24"' "$TMP/events"
check "the log has both UPDATEs with their time" \
    [ "$(grep -c 'UPDATE sent to mux1/ipv4 at 20[0-9-]*T[0-9:.]*Z: \(announce\|withdraw\) 184.164.224.0/24' "$US/var/peering-bgpd.log")" -ge 2 ]
peer() { ip netns exec "$NS_PEER" env PEERING_DIR="$PEER" "$ROOT/peering" "$@"; }
peer bgp cli withdraw 184.164.226.0/24 mux client force > /dev/null 2>&1
check "events best: the peer's route gone" wait_for 5 \
    grep -q '"type":"best",.*"prefix":"184.164.226.0/24","unreachable":true' "$TMP/events"
peer bgp cli announce 184.164.226.0/24 mux client force > /dev/null 2>&1
check "events best: ... and back, via the peer" wait_for 5 \
    grep -q '"type":"best",.*"prefix":"184.164.226.0/24","peer":"mux1","path_id":0,"next_hop":"100.65.128.1"' "$TMP/events"
kill "$EV_PID"; wait "$EV_PID" 2>/dev/null; EV_PID=
# events_untimed WHAT ACTION ARGS...: `peering ARGS` (a subscription) with
# a 1 s read timeout prints the update ACTION (announce or withdraw)
# causes as it comes, and is still waiting after the timeout.
events_untimed() {
	local what=$1 action=$2 f=$TMP/events.$RANDOM
	shift 2
	PEERING_CONTROL_TIMEOUT=1 us "$@" > "$f" 2>&1 & EV_PID=$!
	wait_for 5 grep -q subscribed "$f"
	sleep 1.5
	us bgp cli "$action" 184.164.224.0/24 mux mux1 force > /dev/null 2>&1
	check "$what prints as they come" wait_for 5 \
	    grep -q "update mux1 ipv4 $action 184.164.224.0/24" "$f"
	check "... and waits (silent longer than the timeout)" kill -0 "$EV_PID"
	kill "$EV_PID"; wait "$EV_PID" 2>/dev/null; EV_PID=
}
# peering bgp events, and bgp cli events (as typed, or in the shell)
events_untimed "peering bgp events" announce bgp events
events_untimed "peering bgp cli events" withdraw bgp cli events

# --- the Python example of docs/control.md, taken from the page
sed -n '/^```python$/,/^```$/p' docs/control.md | sed '1d;$d' > "$TMP/example.py"
check "docs/control.md has the Python example" [ -s "$TMP/example.py" ]
out=$(ip netns exec "$NS_US" python3 "$TMP/example.py" "$SOCK" 184.164.225.0/24 mux1 2>&1); rc=$?
check "the example runs (status $rc): $(tr '\n' ' ' <<< "$out")" [ $rc -eq 0 ]
check "... protocol 1" has "$out" "protocol 1"
check "... streams the routes (the peer's one)" grep -qx "paths 1" <<< "$out"
check "... announces" has "$out" "184.164.225.0/24: announced to mux1"
check "... withdraws" has "$out" "184.164.225.0/24: withdrawn from mux1"
check "... and reads an error's code" has "$out" "error code unknown-command"

# --- 200 hostile clients
for i in 1 2 3 4 5; do ask "$SOCK" "show status" > /dev/null; done
sleep 1
fd0=$(fds) rss0=$(rss_kb)
# announcements churn meanwhile, so the `events` that are never read fill
churn() {
	local end=$(( $(date +%s) + 15 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		us bgp cli announce 184.164.224.0/24 mux mux1 force
		us bgp cli withdraw 184.164.224.0/24 mux mux1 force
	done > /dev/null 2>&1
}
churn & CHURN=$!
res=$($CC hostile "$SOCK" 15 200)
wait "$CHURN"
echo "hostile: $res"
check "the good client got every answer" [ "$(jq .good_fail <<< "$res")" = 0 ]
check "... and many ($(jq .good_ok <<< "$res"))" [ "$(jq .good_ok <<< "$res")" -ge 50 ]
check "... worst latency $(jq .worst_ms <<< "$res") ms (median $(jq .median_ms <<< "$res")), not absurd (< 5000)" \
    [ "$(jq '.worst_ms < 5000' <<< "$res")" = true ]
check "hostile clients were dropped and came back (garbage $(jq .garbage_dropped <<< "$res"), 1 MB $(jq .big_dropped <<< "$res"), silent $(jq .silent_dropped <<< "$res"))" \
    [ "$(jq '.garbage_dropped > 100 and .big_dropped > 10 and .silent_dropped >= 50' <<< "$res")" = true ]
check "no client was refused busy ($(jq .busy <<< "$res"))" [ "$(jq .busy <<< "$res")" = 0 ]
check "the session stayed Established" established
check "... and came up only once" [ "$(us bgp cli show protocols json | jq '.protocols[0].stats.established')" = 1 ]
back() { [ "$(fds)" -le "$fd0" ]; }
check "open files back to $fd0 (now $(fds))" wait_for 10 back
rss1=$(rss_kb)
echo "RSS before ${rss0} kB, after ${rss1} kB"
check "RSS back within 8 MiB (${rss0} -> ${rss1} kB)" [ $((rss1 - rss0)) -le 8192 ]

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
