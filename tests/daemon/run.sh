#!/usr/bin/env bash
# The daemon's life as users drive it, in network namespaces: `peering bgp
# start` (twice), status, `configure` and SIGHUP reloads (unchanged sessions
# untouched, changed ones restarted, new ones added, removed ones gone, a
# broken file refused), stale pid/socket files, `bgp stop` (twice). The
# peer is a second peering-bgpd. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbd$$
NS_US=${TAG}u NS_PEER=${TAG}p V_US=${TAG}a V_PEER=${TAG}b
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
US=$TMP/client PEER=$TMP/peer
PASS=0 FAIL=0 PEER_PID=

cleanup() {
	ip netns exec "$NS_US" env PEERING_DIR="$US" "$ROOT/peering" bgp stop \
	    > /dev/null 2>&1
	[ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null && wait "$PEER_PID"
	ip netns del "$NS_US" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

us() { ip netns exec "$NS_US" env PEERING_DIR="$US" "$ROOT/peering" "$@"; }
state() {	# name af -> state
	us bgp cli show protocols json 2>/dev/null | jq -r --arg n "$1" \
	    --arg a "$2" '.protocols[] | select(.name == $n and .af == $a) |
	    .state'
}
field() {	# name af jq-path
	us bgp cli show protocols json 2>/dev/null | jq -r --arg n "$1" \
	    --arg a "$2" ".protocols[] | select(.name == \$n and .af == \$a) |
	    $3"
}
wait_for() {	# seconds command...
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
is_state() { [ "$(state "$1" "$2")" = "$3" ]; }

[ "$(id -u)" -eq 0 ] || { echo "needs root"; echo "0 passed, 1 failed"; exit 1; }
ip netns add "$NS_US" && ip netns add "$NS_PEER" || exit 1
ip link add "$V_US" type veth peer name "$V_PEER"
ip link set "$V_US" netns "$NS_US"; ip link set "$V_PEER" netns "$NS_PEER"
ip -n "$NS_US" addr add 100.65.128.2/24 dev "$V_US"
ip -n "$NS_PEER" addr add 100.65.128.1/24 dev "$V_PEER"
ip -n "$NS_PEER" addr add 100.65.129.1/24 dev "$V_PEER"
ip -n "$NS_US" addr add 100.65.129.2/24 dev "$V_US"
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
neighbor 100.65.129.2 {
	name client2
	remote-as 47065
	passive yes
}
EOC
ip netns exec "$NS_PEER" "$ROOT/peering-bgpd" -f -d "$PEER" 2> "$TMP/peer.log" &
PEER_PID=$!

client_conf() {	# hold-time of mux1, and whether mux2 exists
	cat > "$US/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.2
neighbor 100.65.128.1 {
	name mux1
	remote-as 47065
	interface $V_US
	hold-time $1
}
EOC
	[ "$2" = yes ] && cat >> "$US/configs/peering-bgpd.conf" <<EOC
neighbor 100.65.129.1 {
	name mux2
	remote-as 47065
	interface $V_US
}
EOC
	return 0
}

# --- start, and start again
client_conf 30 yes
out=$(us bgp start 2>&1)
check "bgp start starts the daemon ($out)" grep -q "started (pid" <<< "$out"
check "the pid file names a live process" kill -0 "$(cat "$US/var/peering-bgpd.pid")"
check "control socket is mode 0600" [ "$(stat -c %a "$US/var/peering-bgpd.sock")" = 600 ]
out=$(us bgp start 2>&1); rc=$?
check "a second bgp start says so and exits 0 ($out)" [ $rc -eq 0 ]
check "... with a one-line note" grep -q "already running" <<< "$out"
check "mux1 Established" wait_for 15 is_state mux1 ipv4 Established
check "mux2 Established" wait_for 15 is_state mux2 ipv4 Established
check "bgp status shows both, one line each" [ "$(us bgp status | grep -c Established)" = 2 ]
check "bgp6 status shows no IPv4 session" [ "$(us bgp6 status | grep -c ipv4)" = 0 ]
up1=$(field mux1 ipv4 .since_unix)
up2=$(field mux2 ipv4 .since_unix)

# --- configure: mux1 changes (hold time), mux2 removed
sleep 1
client_conf 9 no
out=$(us bgp cli configure 2>&1)
check "configure reports what changed ($out)" grep -q "0 sessions unchanged, 1 restarted, 0 added, 1 removed" <<< "$out"
check "mux2 is gone" [ -z "$(state mux2 ipv4)" ]
check "mux1 comes back with the new hold time" wait_for 15 is_state mux1 ipv4 Established
check "mux1 hold time is 9" [ "$(field mux1 ipv4 .hold_time)" = 9 ]
check "the peer saw a Cease for mux2's removal" wait_for 5 grep -q "client2/ipv4: received Cease/Peer De-configured" "$TMP/peer.log"

# --- SIGHUP: mux2 added back, mux1 unchanged and untouched
up1=$(field mux1 ipv4 .since_unix)
count1=$(field mux1 ipv4 .stats.established)
client_conf 9 yes
kill -HUP "$(cat "$US/var/peering-bgpd.pid")"
check "SIGHUP adds mux2" wait_for 15 is_state mux2 ipv4 Established
check "mux1 untouched by the reload" [ "$(field mux1 ipv4 .stats.established)" = "$count1" ] 
check "mux1 still Established since before" [ "$(field mux1 ipv4 .since_unix)" = "$up1" ]

# --- a broken file is refused, the daemon goes on
echo "hold-time 2" >> "$US/configs/peering-bgpd.conf"
out=$(us bgp cli configure 2>&1); rc=$?
check "configure with a bad file fails ($out)" [ $rc -ne 0 ]
check "... naming file and line" grep -q "peering-bgpd.conf:[0-9]*:" <<< "$out"
check "sessions unchanged after a refused reload" is_state mux1 ipv4 Established

# --- stop, stop again, stale files
client_conf 9 yes
out=$(us bgp stop 2>&1)
check "bgp stop ($out)" grep -q "stopped" <<< "$out"
check "no pid file left" [ ! -e "$US/var/peering-bgpd.pid" ]
check "no socket left" [ ! -e "$US/var/peering-bgpd.sock" ]
check "the peer saw an Administrative Shutdown" wait_for 5 grep -q "received Cease/Administrative Shutdown" "$TMP/peer.log"
out=$(us bgp stop 2>&1); rc=$?
check "a second bgp stop says so and exits 0 ($out)" [ $rc -eq 0 ]
echo 999999 > "$US/var/peering-bgpd.pid"
stale_socket() { : > "$US/var/peering-bgpd.sock"; }
stale_socket
out=$(us bgp start 2>&1)
check "start after a crash cleans stale pid and socket ($out)" grep -q "started" <<< "$out"
check "status answers after that" us bgp status > /dev/null
us bgp stop > /dev/null
bad_status=$(us bgp status 2>&1); rc=$?
check "status of a stopped daemon fails with a hint" [ $rc -ne 0 ]
check "... saying how to start it" grep -q "bgp start" <<< "$bad_status"

if [ "$FAIL" -gt 0 ]; then
	echo "--- client log"; tail -40 "$US/var/peering-bgpd.log"
	echo "--- peer log"; tail -20 "$TMP/peer.log"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
