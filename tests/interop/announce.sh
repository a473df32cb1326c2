#!/usr/bin/env bash
# Announcements (`peering prefix announce|withdraw`) against BIRD 1.6 playing
# two PEERING muxes, with a BIRD 1.6 upstream behind the first one.
#
#   client namespace: our peering-bgpd, started with `./peering bgp start`
#     (PEERING_DIR = a client directory in $TMP), configs/openvpn/
#     seattle01.conf (dev tap1) and amsterdam01.conf (dev tap5): links tap1
#     (100.65.128.2/24, 2804:269c:ff00:1:1::2/64) and tap5 (100.69.128.2/24,
#     2804:269c:ff00:5:1::2/64), as REFERENCE.md's formulas give.
#   mux 1 (seattle01) and mux 2 (amsterdam01): bird + bird6, iBGP AS 47065
#     with the client, `allow local as` (our paths hold 47065), import all.
#   upstream: bird in AS 3356, eBGP with mux 1, which exports the client's
#     routes to it (prepending 47065). Its loop detection shows poisoning:
#     a path poisoned with 3356 never reaches it, one poisoned with another
#     AS arrives as `47065 <poison> 47065`.
#
# Checks (read with birdc on the muxes, after each `./peering prefix`):
# prefix, BGP.as_path (REFERENCE.md's rule and examples; with no -P, -o or
# -p the path we send is empty: the mux adds 47065 when it exports, so the
# upstream sees `47065`), communities, large communities, next hop (the
# client's address on that tap), exactly the expected prefixes per mux; `-m` reaches one mux only; withdraw; IPv6
# through bird6; refusals (prefix not in prefixes.txt: today's text;
# outside PEERING space: the daemon's gate, also for a raw control
# request); the change-rate gate (refused with the time, --force passes,
# the same attributes are a no-op that sends nothing); the data plane
# (ip rule pref 20000 and the .1 on lo, none with -R); `bgp adv --json`;
# announcements kept over `kill -9` + `bgp start`; `bgp stop` withdraws
# them all, empties var/announcements.json and removes the rules.
#
# Own namespaces and links only ("pba" + 5 hex digits), removed on exit,
# failure and signals; BIRDs started by hand in $TMP, stopped by PID; every
# wait bounded. Needs root, bird/bird6/birdc/birdc6 (BIRD 1.6), jq.
# Ends with "N passed, M failed" (exit 1 on any failure). IOP_KEEP=1 keeps
# $TMP (every log).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERING=${PEERING:-$ROOT/peering}
NAME=announce
. "$HERE/bird16_mux.sh"

PASS=0
FAIL=0
T0=$(date +%s.%N)

# ---- output and counting ----

log() { echo "[$NAME $(date +%T)] $*"; }
pass() { PASS=$((PASS + 1)); echo "ok   $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

finish() {
	cleanup
	trap - EXIT INT TERM
	log "took $(awk -v s="$T0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && exit 0
	exit 1
}

give_up() {
	fail "$NAME: $*"
	finish
}

if [ "$(id -u)" -ne 0 ]; then
	echo "$NAME: must run as root (network namespaces)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in ip jq ps bird bird6 birdc birdc6; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$NAME: $tool not found (BIRD 1.6: Debian's bird; scripts/install-deps)" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if [ ! -x "$PEERING" ] || [ ! -x "$(dirname "$PEERING")/peering-bgpd" ]; then
	echo "$NAME: $PEERING or peering-bgpd next to it not built (run make)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- names, temp dir, cleanup ----

for _ in 1 2 3 4 5 6 7 8 9 10; do
	PFX=pba$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n' | cut -c1-5)
	ip netns list | grep -q "^$PFX" || break
done
NS_C=${PFX}c		# our client
NS_M1=${PFX}m1		# mux 1, seattle01 (tap1)
NS_M2=${PFX}m2		# mux 2, amsterdam01 (tap5)
NS_U=${PFX}u		# the upstream behind mux 1
IF_M1=${PFX}1		# mux 1's end of tap1
IF_M2=${PFX}5		# mux 2's end of tap5
IF_MU=${PFX}x		# mux 1's end of the upstream link
IF_UM=${PFX}y		# the upstream's end
TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PFX.XXXXXX")
CLIENT=$TMP/client
PIDS=()			# BIRDs, stopped by PID at the end
DAEMON_PIDS=()		# every peering-bgpd pid seen (bgp start forks it)

# stop_pid PID SECONDS: CONT, TERM, then KILL after SECONDS.
stop_pid() {
	local pid=$1 i=0 limit=$(($2 * 10))
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do
		[ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null &&
	    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
		echo "$NAME: pid $pid ignored SIGTERM, killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# is_our_daemon PID: that pid is a peering-bgpd of this test's client dir.
is_our_daemon() {
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" |
	    grep -q "peering-bgpd -d $CLIENT "
}

CLEANED=0
cleanup() {
	local pid ns left
	[ "$CLEANED" -eq 0 ] || return 0
	CLEANED=1
	# Our daemon first (it withdraws and removes its rules), then by PID.
	if [ -d "$CLIENT" ] && ip netns list | grep -q "^$NS_C\b"; then
		timeout 15 ip netns exec "$NS_C" env PEERING_DIR="$CLIENT" \
		    "$PEERING" bgp stop >/dev/null 2>&1
	fi
	# A daemon pid is not our child: only if it is still our daemon.
	for pid in "${DAEMON_PIDS[@]}"; do
		is_our_daemon "$pid" && stop_pid "$pid" 5
	done
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid" 5
	done
	for ns in "$NS_C" "$NS_M1" "$NS_M2" "$NS_U"; do
		ip netns list | grep -q "^$ns\b" || continue
		left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
		if [ -n "$left" ]; then
			echo "$NAME: processes left in $ns: $left" >&2
			for pid in $left; do stop_pid "$pid" 2; done
		fi
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${IOP_KEEP:-}" ]; then
		echo "$NAME: files kept in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	return 0
}
trap cleanup EXIT
trap 'echo "$NAME: interrupted" >&2; cleanup; exit 130' INT
trap 'echo "$NAME: terminated" >&2; cleanup; exit 143' TERM

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local limit=$(($1 * 5)) i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || return 1
		sleep 0.2
	done
}

log "namespaces $NS_C (client) $NS_M1 $NS_M2 (muxes) $NS_U (upstream), files in $TMP"

# ---- the links ----

for ns in "$NS_C" "$NS_M1" "$NS_M2" "$NS_U"; do
	ip netns add "$ns" || give_up "ip netns add $ns"
	ip -n "$ns" link set lo up
done
# Made directly inside the namespaces: nothing in the host's.
ip link add "$IF_M1" netns "$NS_M1" type veth peer name tap1 netns "$NS_C" &&
    ip link add "$IF_M2" netns "$NS_M2" type veth peer name tap5 netns "$NS_C" &&
    ip link add "$IF_MU" netns "$NS_M1" type veth peer name "$IF_UM" netns "$NS_U" ||
    give_up "cannot create the veth pairs"
nodad() { ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"; }
nodad "$NS_C" tap1; nodad "$NS_C" tap5; nodad "$NS_M1" "$IF_M1"; nodad "$NS_M2" "$IF_M2"
ip -n "$NS_M1" addr add 100.65.128.1/24 dev "$IF_M1"
ip -n "$NS_M1" addr add 2804:269c:ff00:1:1::1/64 dev "$IF_M1" nodad
ip -n "$NS_C" addr add 100.65.128.2/24 dev tap1
ip -n "$NS_C" addr add 2804:269c:ff00:1:1::2/64 dev tap1 nodad
ip -n "$NS_M2" addr add 100.69.128.1/24 dev "$IF_M2"
ip -n "$NS_M2" addr add 2804:269c:ff00:5:1::1/64 dev "$IF_M2" nodad
ip -n "$NS_C" addr add 100.69.128.2/24 dev tap5
ip -n "$NS_C" addr add 2804:269c:ff00:5:1::2/64 dev tap5 nodad
ip -n "$NS_M1" addr add 198.51.100.1/24 dev "$IF_MU"
ip -n "$NS_U" addr add 198.51.100.2/24 dev "$IF_UM"
ip -n "$NS_M1" link set "$IF_M1" up
ip -n "$NS_M1" link set "$IF_MU" up
ip -n "$NS_M2" link set "$IF_M2" up
ip -n "$NS_U" link set "$IF_UM" up
ip -n "$NS_C" link set tap1 up
ip -n "$NS_C" link set tap5 up

# ---- the BIRDs ----

UP_AS=3356

# mux_conf N AF: mux N (1 or 2) for bird (4) or bird6 (6). The session to
# the client is "client"; mux 1's IPv4 BIRD also has "upstream" (eBGP).
mux_conf() {
	local n=$1 af=$2 tap me peer
	tap=$([ "$n" = 1 ] && echo 1 || echo 5)
	if [ "$af" = 4 ]; then
		me=100.$((64 + tap)).128.1 peer=100.$((64 + tap)).128.2
	else
		me=2804:269c:ff00:$tap:1::1 peer=2804:269c:ff00:$tap:1::2
	fi
	bird16_mux_conf "100.$((64 + tap)).128.1" "$me" "$peer" \
	    "$TMP/mux$n.bird$af.log"
	if [ "$n" = 1 ] && [ "$af" = 4 ]; then
		cat <<EOF
protocol bgp upstream {
	local 198.51.100.1 as 47065;
	neighbor 198.51.100.2 as $UP_AS;
	import none;
	export where proto = "ours";
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
	fi
}

up_conf() {
	cat <<EOF
router id 198.51.100.2;
log "$TMP/up.bird4.log" all;
protocol device { scan time 10; }
protocol bgp mux1 {
	local 198.51.100.2 as $UP_AS;
	neighbor 198.51.100.1 as 47065;
	import all;
	export none;
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
}

# bird_start NS NAME BIN: $TMP/NAME.conf, socket $TMP/NAME.ctl.
bird_start() {
	local ns=$1 name=$2 bin=$3
	"$bin" -p -c "$TMP/$name.conf" >"$TMP/$name.out" 2>&1 ||
	    give_up "BIRD $name: $(cat "$TMP/$name.out")"
	ip netns exec "$ns" "$bin" -f -c "$TMP/$name.conf" -s "$TMP/$name.ctl" \
	    -P "$TMP/$name.pid" </dev/null >"$TMP/$name.out" 2>&1 &
	PIDS+=($!)
}

mux_conf 1 4 >"$TMP/m1v4.conf"
mux_conf 1 6 >"$TMP/m1v6.conf"
mux_conf 2 4 >"$TMP/m2v4.conf"
mux_conf 2 6 >"$TMP/m2v6.conf"
up_conf >"$TMP/up.conf"
bird_start "$NS_M1" m1v4 bird
bird_start "$NS_M1" m1v6 bird6
bird_start "$NS_M2" m2v4 bird
bird_start "$NS_M2" m2v6 bird6
bird_start "$NS_U" up bird

# bc NAME ARGS...: birdc (birdc6 for the v6 ones) on that BIRD's socket.
bc() {
	local name=$1 bin=birdc
	shift
	case $name in *v6) bin=birdc6 ;; esac
	timeout 5 "$bin" -s "$TMP/$name.ctl" "$@" 2>&1
}

bird_ready() { bc "$1" show status | grep -q "Daemon is up"; }
for b in m1v4 m1v6 m2v4 m2v6 up; do
	wait_for 10 bird_ready "$b" || give_up "BIRD $b did not start: $(cat "$TMP/$b.out")"
done

# ---- the client directory and our daemon ----

mkdir -p "$CLIENT/configs/openvpn" "$CLIENT/var"
# mux_vpn_conf NAME TAP: an OpenVPN client config as users have them.
mux_vpn_conf() {
	cat <<EOF
client
pull
nobind
proto udp4
remote vpn.$1.mux.peering.ee.columbia.edu
dev $2
ca certs/ca.crt
cert certs/client.crt
key certs/client.key
management var/$1.sock unix
log var/$1.log
writepid var/$1.pid
cipher AES-128-GCM
EOF
}
mux_vpn_conf seattle01 tap1 >"$CLIENT/configs/openvpn/seattle01.conf"
mux_vpn_conf amsterdam01 tap5 >"$CLIENT/configs/openvpn/amsterdam01.conf"
printf 'router-id 100.65.128.2\n' >"$CLIENT/configs/peering-bgpd.conf"
printf '184.164.224.0/24\n184.164.225.0/24\n' >"$CLIENT/prefixes.txt"
printf '2804:269c:1::/48\n' >"$CLIENT/prefixes6.txt"
ANN_FILE=$CLIENT/var/announcements.json

# peering ARGS...: `./peering ARGS` in the client namespace. Output in $OUT
# (stdout and stderr), $ERR (stderr alone), status in $RC.
peering() {
	timeout 20 ip netns exec "$NS_C" env PEERING_DIR="$CLIENT" "$PEERING" "$@" \
	    >"$TMP/cmd.out" 2>"$TMP/cmd.err"
	RC=$?
	ERR=$(cat "$TMP/cmd.err")
	OUT=$(cat "$TMP/cmd.out" "$TMP/cmd.err")
	printf '   $ peering %s  => %s: %s\n' "$*" "$RC" "$(printf '%s' "$OUT" | tail -n 1)"
}
# quiet version, for polling
peering_q() {
	timeout 10 ip netns exec "$NS_C" env PEERING_DIR="$CLIENT" "$PEERING" "$@" 2>/dev/null
}

daemon_pid() { cat "$CLIENT/var/peering-bgpd.pid" 2>/dev/null; }
daemon_log_tail() {
	echo "  --- last lines of $CLIENT/var/peering-bgpd.log:"
	tail -n "${1:-12}" "$CLIENT/var/peering-bgpd.log" 2>/dev/null | sed 's/^/  | /'
}

# all_established: our 4 mux sessions, seen from our side.
all_established() {
	peering_q bgp cli show protocols all json | jq -e '
	    [.protocols[] | select(.state == "Established")] | length == 4' \
	    >/dev/null
}
# bird_established NAME PROTO: that BIRD's side agrees.
bird_established() { bc "$1" show protocols "$2" | grep -q Established; }
everything_up() {
	all_established &&
	    bird_established m1v4 ours && bird_established m1v6 ours &&
	    bird_established m2v4 ours && bird_established m2v6 ours
}

S=$(date +%s.%N)
peering bgp start
if [ "$RC" -eq 0 ] && [ -n "$(daemon_pid)" ] &&
    [ "$(ip netns identify "$(daemon_pid)")" = "$NS_C" ]; then
	DAEMON_PIDS+=("$(daemon_pid)")
	pass "./peering bgp start starts peering-bgpd in $NS_C (pid $(daemon_pid))"
else
	daemon_log_tail
	give_up "./peering bgp start failed: $OUT"
fi
if wait_for 20 everything_up; then
	pass "4 sessions Established (seattle01, amsterdam01; IPv4, IPv6) on both sides ($(awk -v s="$S" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s)"
else
	peering_q bgp cli show protocols all
	daemon_log_tail
	give_up "the mux sessions did not come up within 20 s"
fi
if wait_for 15 bird_established m1v4 upstream && wait_for 5 bird_established up mux1; then
	pass "mux 1 <-> upstream AS $UP_AS eBGP session Established"
else
	bc m1v4 show protocols all upstream | sed 's/^/  | /'
	give_up "the upstream session did not come up"
fi

# ---- reading the muxes ----

# route NAME PREFIX [PROTO]: one normalized line for PREFIX in that BIRD, or
# "absent":
#   via GW path [AS...] nh NEXT-HOP comm (a,b)... large (a, b, c)...
# GW is the route's gateway (the next hop resolved on the link; BIRD says
# "unreachable" otherwise); NEXT-HOP is BGP.next_hop as received.
route() {
	local out
	out=$(bc "$1" show route "$2" all) || { echo "birdc failed: $out"; return; }
	awk -v pfx="$2" '
	    $1 == pfx { n++; via = ($2 == "via") ? $3 : $2 }
	    /BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); path = $0 }
	    /BGP.next_hop:/ { sub(/.*BGP.next_hop: */, ""); nh = $0 }
	    /BGP.community:/ { sub(/.*BGP.community: */, ""); comm = $0 }
	    /BGP.large_community:/ { sub(/.*BGP.large_community: */, ""); large = $0 }
	    END {
		if (n == 0) { print "absent"; exit }
		if (n > 1) { print n " routes"; exit }
		s = "via " via " path [" path "] nh " nh
		if (comm != "") s = s " comm " comm
		if (large != "") s = s " large " large
		print s
	    }' <<<"$out"
}

route_is() { [ "$(route "$1" "$2")" = "$3" ]; }

# prefixes NAME PROTO: the prefixes that BIRD has from PROTO, sorted, on one line.
prefixes() {
	bc "$1" show route protocol "$2" | awk '$1 ~ /\// { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//'
}
prefixes_are() { [ "$(prefixes "$1" "$2")" = "$3" ]; }

# expect DESC SECONDS NAME PREFIX WANT: the route reaches WANT within SECONDS.
expect() {
	local desc=$1 secs=$2 name=$3 pfx=$4 want=$5
	if wait_for "$secs" route_is "$name" "$pfx" "$want"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  $name $pfx: want: $want"
	echo "  $name $pfx: got:  $(route "$name" "$pfx")"
	return 1
}

# expect_only DESC SECONDS NAME PROTO "P1 P2...": exactly these prefixes.
expect_only() {
	local desc=$1 secs=$2 name=$3 proto=$4 want=$5
	if wait_for "$secs" prefixes_are "$name" "$proto" "$want"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  $name from $proto: want: [$want]  got: [$(prefixes "$name" "$proto")]"
	return 1
}

# stays_absent DESC SECONDS NAME PREFIX: not there, and still not after SECONDS.
stays_absent() {
	local desc=$1 secs=$2 name=$3 pfx=$4 i got
	for i in $(seq 1 $((secs * 5))); do
		got=$(route "$name" "$pfx")
		[ "$got" = absent ] || break
		sleep 0.2
	done
	if [ "$got" = absent ]; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  $name $pfx: $got"
	return 1
}

# updates_in NAME: BIRD's "Import updates: received" for its client session.
updates_in() {
	bc "$1" show protocols all ours |
	    awk '/Import updates:/ { print $3; exit }'
}

# What a route from the client looks like on mux N (1: tap1, 2: tap5).
nh4() { [ "$1" = 1 ] && echo 100.65.128.2 || echo 100.69.128.2; }
nh6() { [ "$1" = 1 ] && echo 2804:269c:ff00:1:1::2 || echo 2804:269c:ff00:5:1::2; }
want4() {	# MUX PATH [comm/large...]: the mux's line for an IPv4 route
	local m=$1 path=$2
	shift 2
	echo "via $(nh4 "$m") path [$path] nh $(nh4 "$m")${*:+ $*}"
}
want6() {
	local m=$1 path=$2
	shift 2
	echo "via $(nh6 "$m") path [$path] nh $(nh6 "$m")${*:+ $*}"
}
wantu() {	# PATH [comm/large...]: the upstream's line (next hop: mux 1 on
		# the upstream link; BIRD passes communities on)
	local path=$1
	shift
	echo "via 198.51.100.1 path [$path] nh 198.51.100.1${*:+ $*}"
}

# ---- data plane, store, adv ----

rule_present() {	# PREFIX [-6]
	ip -n "$NS_C" ${2:-} rule show pref 20000 | grep -q "from $1 lookup 20000"
}
rules_20000() {
	{ ip -n "$NS_C" -4 rule show pref 20000; ip -n "$NS_C" -6 rule show pref 20000; } |
	    sed 's/^/  | /'
}
lo_has() { ip -n "$NS_C" addr show dev lo | grep -qw "inet6\? $1"; }
store_count() { jq '.announcements | length' "$ANN_FILE" 2>/dev/null; }
store_has() {	# PREFIX MUX: an entry in var/announcements.json
	jq -e --arg p "$1" --arg m "$2" \
	    'any(.announcements[]; .prefix == $p and .mux == $m)' "$ANN_FILE" >/dev/null 2>&1
}
# Both families: bgp adv is the IPv4 side, bgp6 adv the IPv6 side.
adv_json() {
	jq -s '{exported: (.[0].exported + .[1].exported)}' \
	    <(peering_q bgp adv "$1" --json) <(peering_q bgp6 adv "$1" --json)
}

P1=184.164.224.0/24
P2=184.164.225.0/24
P3=184.164.226.0/24	# not in prefixes.txt
P6=2804:269c:1::/48
PX=10.0.0.0/24		# in prefixes.txt for one check, outside PEERING space

# ---- 1. announce to all muxes, no flag ----
log "1. announce $P1 to every mux"
peering prefix announce $P1
[ "$RC" -eq 0 ] && pass "announce $P1: exit 0" || fail "announce $P1: exit $RC: $OUT"
expect "mux 1 has $P1: empty path (the mux adds 47065), next hop 100.65.128.2" 5 m1v4 $P1 "$(want4 1 "")"
expect "mux 2 has $P1: empty path, next hop 100.69.128.2" 5 m2v4 $P1 "$(want4 2 "")"
expect_only "mux 1 holds exactly $P1 from us" 2 m1v4 ours "$P1"
expect_only "mux 2 holds exactly $P1 from us" 2 m2v4 ours "$P1"
expect "upstream AS $UP_AS has $P1 with path 47065 (mux 1 prepends its AS)" 5 up $P1 "$(wantu 47065)"
if wait_for 3 rule_present $P1; then
	pass "data plane: ip rule from $P1 lookup 20000 pref 20000"
else
	fail "data plane: ip rule from $P1 lookup 20000 pref 20000"; rules_20000
fi
if wait_for 3 lo_has 184.164.224.1/32; then
	pass "data plane: 184.164.224.1/32 on lo"
else
	fail "data plane: 184.164.224.1/32 on lo"; ip -n "$NS_C" addr show dev lo | sed 's/^/  | /'
fi
if store_has $P1 all; then
	pass "var/announcements.json holds $P1 (mux all)"
else
	fail "var/announcements.json holds $P1 (mux all)"; sed 's/^/  | /' "$ANN_FILE"
fi

# ---- 2. the change-rate gate ----
log "2. the change-rate gate"
U1=$(updates_in m1v4) U2=$(updates_in m2v4)
LAST=$(jq --arg p $P1 '.announcements[] | select(.prefix == $p) | .last_change' "$ANN_FILE")
peering prefix announce -p $UP_AS $P1
WHEN=$(date -d "@$((LAST + 600))" +%H:%M:%S)
# The mux named is the one that waits longest (both here: the first).
if [ "$RC" -eq 1 ] && [ "$ERR" = "error [$P1 was changed less than 10 minutes ago at amsterdam01 and 1 other mux (route-flap dampening): change it again after $WHEN, or add --force]" ]; then
	pass "a change within 10 minutes is refused, with the time it is allowed ($WHEN)"
else
	fail "a change within 10 minutes is refused, with the time it is allowed ($WHEN)"
	echo "  exit $RC: $OUT"
fi
peering prefix announce $P1
if [ "$RC" -eq 0 ] && [ "$OUT" = "$P1: already announced with these attributes: nothing sent" ]; then
	pass "announcing the same attributes again is a no-op"
else
	fail "announcing the same attributes again is a no-op"; echo "  exit $RC: $OUT"
fi
sleep 1
expect "mux 1 still has $P1 as before (empty path)" 1 m1v4 $P1 "$(want4 1 "")"
if [ "$(updates_in m1v4)" = "$U1" ] && [ "$(updates_in m2v4)" = "$U2" ]; then
	pass "the refused change and the no-op sent nothing (BIRD's import updates: $U1, $U2)"
else
	fail "the refused change and the no-op sent nothing"
	echo "  mux import updates before: $U1 $U2, after: $(updates_in m1v4) $(updates_in m2v4)"
fi

# ---- 3. poisoning, origin, prepending ----
log "3. AS paths: poisoning, origin, prepend (--force: within 10 minutes)"
peering prefix announce --force -p $UP_AS $P1
[ "$RC" -eq 0 ] && pass "--force passes the change-rate gate" || fail "--force passes the change-rate gate: exit $RC: $OUT"
expect "-p $UP_AS: mux 1 path $UP_AS 47065" 5 m1v4 $P1 "$(want4 1 "$UP_AS 47065")"
expect "-p $UP_AS: mux 2 path $UP_AS 47065" 5 m2v4 $P1 "$(want4 2 "$UP_AS 47065")"
expect "-p $UP_AS: upstream AS $UP_AS drops it (its loop detection)" 5 up $P1 absent

peering prefix announce --force -p 1299 $P1
expect "-p 1299: mux 1 path 1299 47065" 5 m1v4 $P1 "$(want4 1 "1299 47065")"
expect "-p 1299: upstream AS $UP_AS has path 47065 1299 47065" 5 up $P1 "$(wantu '47065 1299 47065')"

peering prefix announce --force -o 61574 -p $UP_AS $P1
expect "-o 61574 -p $UP_AS: mux 1 path 61574 $UP_AS 61574" 5 m1v4 $P1 "$(want4 1 "61574 $UP_AS 61574")"
expect "-o 61574 -p $UP_AS: mux 2 path 61574 $UP_AS 61574" 5 m2v4 $P1 "$(want4 2 "61574 $UP_AS 61574")"
expect "-o 61574 -p $UP_AS: upstream drops it" 5 up $P1 absent

peering prefix announce --force -o 61574 -p 1299 -p 174 $P1
expect "-o 61574 -p 1299 -p 174: mux 1 path 61574 174 1299 61574" 5 m1v4 $P1 "$(want4 1 "61574 174 1299 61574")"
expect "... upstream has 47065 61574 174 1299 61574" 5 up $P1 "$(wantu '47065 61574 174 1299 61574')"

peering prefix announce --force -P 2 $P1
expect "-P 2: mux 1 path 47065 47065" 5 m1v4 $P1 "$(want4 1 "47065 47065")"
expect "-P 2: mux 2 path 47065 47065" 5 m2v4 $P1 "$(want4 2 "47065 47065")"
expect "-P 2: upstream has 47065 47065 47065" 5 up $P1 "$(wantu '47065 47065 47065')"

peering prefix announce --force -o 61574 $P1
expect "-o 61574: mux 1 path 61574" 5 m1v4 $P1 "$(want4 1 61574)"

# ---- 4. communities ----
log "4. communities and large communities"
peering prefix announce --force -c 47065,1001 -l 47065,1,2 $P1
expect "-c 47065,1001 -l 47065,1,2: mux 1 has both" 5 m1v4 $P1 \
    "$(want4 1 "" 'comm (47065,1001) large (47065, 1, 2)')"
expect "-c 47065,1001 -l 47065,1,2: mux 2 has both" 5 m2v4 $P1 \
    "$(want4 2 "" 'comm (47065,1001) large (47065, 1, 2)')"
peering prefix announce --force -p 1299 -c 47065,5 -c 47065,1002 -c 65535,65535 \
    -l 47065,1,2 -l 4200000000,4294967295,0 $P1
expect "3 communities, 2 large (32-bit parts), -p 1299: mux 1 has them all" 5 m1v4 $P1 \
    "$(want4 1 '1299 47065' 'comm (47065,5) (47065,1002) (65535,65535) large (47065, 1, 2) (4200000000, 4294967295, 0)')"
expect_only "mux 1 still holds exactly $P1 from us" 1 m1v4 ours "$P1"

# ---- 5. withdraw ----
log "5. withdraw"
peering prefix withdraw $P1
[ "$RC" -eq 0 ] && pass "withdraw $P1: exit 0" || fail "withdraw $P1: exit $RC: $OUT"
expect "withdraw: mux 1 loses $P1" 5 m1v4 $P1 absent
expect "withdraw: mux 2 loses $P1" 5 m2v4 $P1 absent
expect "withdraw: the upstream loses $P1" 5 up $P1 absent
if ! rule_present $P1 && ! lo_has 184.164.224.1/32; then
	pass "withdraw from all muxes removes the ip rule and the lo address"
else
	fail "withdraw from all muxes removes the ip rule and the lo address"; rules_20000
fi
[ "$(store_count)" = 0 ] && pass "var/announcements.json is empty after the withdraw" ||
    { fail "var/announcements.json is empty after the withdraw"; sed 's/^/  | /' "$ANN_FILE"; }

# A withdrawal does not restart the change-rate clock.
peering prefix announce -p 1299 $P1
[ "$RC" -eq 1 ] && [[ "$ERR" == *"was changed less than 10 minutes ago"* ]] &&
    pass "re-announcing with other attributes right after a withdraw is refused" ||
    fail "re-announcing right after a withdraw: exit $RC: $OUT $ERR"
stays_absent "the refused re-announcement never reaches mux 1" 2 m1v4 $P1 

# ---- 6. one mux, -R ----
log "6. -m seattle01 -R"
U2=$(updates_in m2v4)
peering prefix announce -m seattle01 -R -c 47065,7 $P2
expect "-m seattle01: mux 1 has $P2" 5 m1v4 $P2 "$(want4 1 "" 'comm (47065,7)')"
stays_absent "-m seattle01: mux 2 does not have $P2" 2 m2v4 $P2
[ "$(updates_in m2v4)" = "$U2" ] && pass "-m seattle01: nothing sent to mux 2 (its import updates stay $U2)" ||
    fail "-m seattle01: nothing sent to mux 2 (import updates $U2 -> $(updates_in m2v4))"
if ! rule_present $P2 && ! lo_has 184.164.225.1/32; then
	pass "-R: no ip rule, no lo address for $P2"
else
	fail "-R: no ip rule, no lo address for $P2"; rules_20000
fi
ADV1=$(adv_json seattle01) ADV2=$(adv_json amsterdam01)
if jq -e --arg p $P2 '.exported | length == 1 and .[0].prefix == $p and
    .[0].mux == "seattle01" and .[0].as_path == [] and
    .[0].communities == [[47065, 7]] and .[0].dataplane == false' <<<"$ADV1" >/dev/null 2>&1 &&
    jq -e '.exported == []' <<<"$ADV2" >/dev/null 2>&1; then
	pass "bgp adv --json: seattle01 exports $P2 (path, communities, no data plane), amsterdam01 nothing"
else
	fail "bgp adv --json: seattle01 exports $P2, amsterdam01 nothing"
	echo "  seattle01: $ADV1"; echo "  amsterdam01: $ADV2"
fi
peering prefix withdraw -m amsterdam01 $P2
[ "$RC" -eq 0 ] && [ "$OUT" = "$P2: not announced to amsterdam01: nothing sent" ] &&
    pass "withdraw from a mux that does not have it: nothing sent" ||
    fail "withdraw from a mux that does not have it: exit $RC: $OUT"
peering prefix withdraw -m seattle01 $P2
expect "withdraw -m seattle01: mux 1 loses $P2" 5 m1v4 $P2 absent
expect_only "mux 1 holds nothing from us" 2 m1v4 ours ""

# ---- 6b. -M: the next hop is the user's container at that mux ----
log "6b. -M container next hop"
route_has() { route "$1" "$2" | grep -q -- "$3"; }
peering prefix announce --force -M $P2
[ "$RC" -eq 1 ] && [[ "$ERR" == *"-M can only be used with -m"* ]] &&
    pass "-M without -m is refused" || fail "-M without -m: exit $RC: $OUT"
echo 1 > "$CLIENT/container.txt"
# REFERENCE.md: 100.125.(N*8).(ctxid*4+2): tap1, container 1.
peering prefix announce --force -m seattle01 -M -R $P2
if wait_for 5 route_has m1v4 $P2 "nh 100.125.8.6"; then
	pass "-m seattle01 -M: mux 1 gets $P2 with next hop 100.125.8.6 (container 1)"
else
	fail "-m seattle01 -M: next hop 100.125.8.6: got $(route m1v4 $P2)"
fi
peering prefix withdraw -m seattle01 -R $P2
expect "-M route withdrawn from mux 1" 5 m1v4 $P2 absent
rm -f "$CLIENT/container.txt"

# ---- 7. IPv6 ----
log "7. IPv6"
peering prefix announce -c 47065,1002 -l 47065,3,4 $P6
expect "IPv6: mux 1's bird6 has $P6, next hop 2804:269c:ff00:1:1::2" 5 m1v6 $P6 \
    "$(want6 1 "" 'comm (47065,1002) large (47065, 3, 4)')"
expect "IPv6: mux 2's bird6 has $P6, next hop 2804:269c:ff00:5:1::2" 5 m2v6 $P6 \
    "$(want6 2 "" 'comm (47065,1002) large (47065, 3, 4)')"
expect_only "IPv6: mux 1's bird6 holds exactly $P6" 1 m1v6 ours "$P6"
stays_absent "IPv6: nothing of it on the IPv4 sessions" 1 m1v4 $P6
if rule_present $P6 -6 && lo_has 2804:269c:1::1/128; then
	pass "IPv6 data plane: ip -6 rule from $P6 lookup 20000, 2804:269c:1::1/128 on lo"
else
	fail "IPv6 data plane: ip -6 rule from $P6 lookup 20000, 2804:269c:1::1/128 on lo"; rules_20000
fi
U2=$(updates_in m2v6)
# A mux's own announcement changes what it hears from the all-muxes one:
# the change-rate gate applies.
peering prefix announce -m seattle01 -o 61574 -p $UP_AS $P6
[ "$RC" -eq 1 ] && [[ "$ERR" == *"was changed less than 10 minutes ago"* ]] &&
    pass "a per-mux change within 10 minutes of the all-muxes announcement is refused" ||
    fail "a per-mux change right after the all-muxes announcement: exit $RC: $OUT $ERR"
peering prefix announce --force -m seattle01 -o 61574 -p $UP_AS $P6
expect "IPv6 -m seattle01 -o 61574 -p $UP_AS: mux 1's bird6 path 61574 $UP_AS 61574" 5 m1v6 $P6 \
    "$(want6 1 "61574 $UP_AS 61574")"
expect "... mux 2 keeps the all-muxes announcement" 1 m2v6 $P6 \
    "$(want6 2 "" 'comm (47065,1002) large (47065, 3, 4)')"
[ "$(updates_in m2v6)" = "$U2" ] &&
    pass "... and nothing was sent to mux 2's bird6 (its import updates stay $U2)" ||
    fail "... nothing sent to mux 2's bird6 (import updates $U2 -> $(updates_in m2v6))"
peering prefix withdraw $P6
expect "IPv6 withdraw: mux 1 loses $P6" 5 m1v6 $P6 absent
expect "IPv6 withdraw: mux 2 loses $P6" 5 m2v6 $P6 absent

# ---- 8. refusals ----
log "8. refusals: not in prefixes.txt, outside PEERING space"
peering prefix announce $P3
if [ "$RC" -eq 1 ] && [ "$ERR" = "error [invalid prefix: $P3]" ] &&
    grep -qx "$P1" "$TMP/cmd.out" && grep -qx "$P2" "$TMP/cmd.out" && grep -qx "$P6" "$TMP/cmd.out"; then
	pass "$P3 (not in prefixes.txt): the configured prefixes, then error [invalid prefix: $P3]"
else
	fail "$P3 (not in prefixes.txt): today's error"; echo "  exit $RC: $OUT"
fi
peering bgp cli announce $P3
if [ "$RC" -ne 0 ] && grep -q "invalid prefix: $P3: not in prefixes.txt" <<<"$OUT"; then
	pass "the daemon refuses $P3 from a raw control request too"
else
	fail "the daemon refuses $P3 from a raw control request too"; echo "  exit $RC: $OUT"
fi
printf '%s\n' $PX >>"$CLIENT/prefixes.txt"
peering prefix announce $PX
if [ "$RC" -eq 1 ] && [ "$ERR" = "error [prefix $PX is outside the PEERING address space: announce only PEERING prefixes]" ]; then
	pass "$PX (listed, outside PEERING space) refused: $ERR"
else
	fail "$PX (listed, outside PEERING space) refused"; echo "  exit $RC: $OUT"
fi
peering bgp cli announce $PX
if [ "$RC" -ne 0 ] && grep -q "prefix $PX is outside the PEERING address space" <<<"$OUT"; then
	pass "the daemon's gate refuses $PX from a raw control request (no CLI check)"
else
	fail "the daemon's gate refuses $PX from a raw control request"; echo "  exit $RC: $OUT"
fi
peering bgp cli announce $PX mux seattle01 force
if [ "$RC" -ne 0 ] && grep -q "outside the PEERING address space" <<<"$OUT"; then
	pass "... also with mux and force"
else
	fail "... also with mux and force"; echo "  exit $RC: $OUT"
fi
sed -i "\|^$PX\$|d" "$CLIENT/prefixes.txt"
sleep 0.5
for b in m1v4 m2v4; do
	if [ "$(route $b $P3)" = absent ] && [ "$(route $b $PX)" = absent ] &&
	    [ -z "$(prefixes $b ours)" ]; then
		pass "$b never got $P3 or $PX (nothing from us at all)"
	else
		fail "$b never got $P3 or $PX"; echo "  from us: $(prefixes $b ours)"
	fi
done
if ! rule_present $P3 && ! rule_present $PX && [ "$(store_count)" = 0 ]; then
	pass "refused: no ip rule, nothing stored"
else
	fail "refused: no ip rule, nothing stored"; rules_20000; sed 's/^/  | /' "$ANN_FILE"
fi

# ---- 9. kill -9 and bgp start ----
log "9. kill -9 of the daemon, ./peering bgp start"
# --force: each was withdrawn seconds ago, and announcing it again may
# count as a change for the change-rate gate.
peering prefix announce --force -p 1299 -c 47065,1001 -l 47065,1,2 $P1
peering prefix announce --force -m seattle01 -P 3 -R $P2
peering prefix announce --force $P6
W1_1=$(want4 1 "1299 47065" 'comm (47065,1001) large (47065, 1, 2)')
W2_1=$(want4 2 "1299 47065" 'comm (47065,1001) large (47065, 1, 2)')
W1_2=$(want4 1 "47065 47065 47065")
expect "before the kill: mux 1 has $P1" 5 m1v4 $P1 "$W1_1"
expect "before the kill: mux 1 has $P2" 5 m1v4 $P2 "$W1_2"
expect "before the kill: mux 2 has $P1" 5 m2v4 $P1 "$W2_1"
expect "before the kill: mux 2's bird6 has $P6" 5 m2v6 $P6 "$(want6 2 "")"
PID=$(daemon_pid)
kill -KILL "$PID" 2>/dev/null
S=$(date +%s.%N)
if wait_for 5 sh -c "! kill -0 $PID 2>/dev/null"; then
	pass "peering-bgpd (pid $PID) killed with SIGKILL"
else
	fail "peering-bgpd (pid $PID) killed with SIGKILL"
fi
expect_only "the session drop: mux 1 loses our routes" 10 m1v4 ours ""
expect_only "the session drop: mux 2's bird6 loses ours" 10 m2v6 ours ""
if [ "$(store_count)" = 3 ] && store_has $P1 all && store_has $P2 seattle01 && store_has $P6 all; then
	pass "var/announcements.json keeps the 3 announcements over the kill"
else
	fail "var/announcements.json keeps the 3 announcements"; sed 's/^/  | /' "$ANN_FILE"
fi
peering bgp start
if [ "$RC" -eq 0 ] && [ -n "$(daemon_pid)" ] && [ "$(daemon_pid)" != "$PID" ]; then
	DAEMON_PIDS+=("$(daemon_pid)")
	pass "./peering bgp start after the kill (stale pid and socket removed), pid $(daemon_pid)"
else
	fail "./peering bgp start after the kill: $OUT"
	daemon_log_tail
fi
if wait_for 20 everything_up; then
	pass "after the restart: the 4 sessions are Established again ($(awk -v s="$S" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s after the kill)"
else
	fail "after the restart: the 4 sessions are Established again"
	peering_q bgp cli show protocols all; daemon_log_tail
fi
expect "after the restart: mux 1 has $P1 again, same attributes" 20 m1v4 $P1 "$W1_1"
expect "after the restart: mux 2 has $P1 again" 10 m2v4 $P1 "$W2_1"
expect "after the restart: mux 1 has $P2 again (-m seattle01 -P 3)" 10 m1v4 $P2 "$W1_2"
stays_absent "after the restart: mux 2 still does not have $P2" 1 m2v4 $P2
expect "after the restart: mux 1's bird6 has $P6 again" 10 m1v6 $P6 "$(want6 1 "")"
expect "after the restart: mux 2's bird6 has $P6 again" 10 m2v6 $P6 "$(want6 2 "")"
expect "after the restart: the upstream has $P1 again (47065 1299 47065)" 10 up $P1 \
    "$(wantu '47065 1299 47065' 'comm (47065,1001) large (47065, 1, 2)')"
log "routes back $(awk -v s="$S" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s after the kill"
if rule_present $P1 && rule_present $P6 -6 && ! rule_present $P2 && lo_has 184.164.224.1/32; then
	pass "after the restart: the data plane is back for $P1 and $P6, none for $P2 (-R)"
else
	fail "after the restart: the data plane is back for $P1 and $P6, none for $P2"; rules_20000
fi
ADV1=$(adv_json seattle01)
if jq -e --arg p1 $P1 --arg p2 $P2 --arg p6 $P6 '
    (.exported | map(.prefix) | sort) == ([$p1, $p2, $p6] | sort) and
    (.exported[] | select(.prefix == $p1) | .as_path == [1299, 47065] and
	.communities == [[47065, 1001]] and .large_communities == [[47065, 1, 2]] and
	.mux == "all" and .dataplane == true and .sent.as_path == [1299, 47065] and
	.sent.local_pref == 100 and (.sent.next_hop | test("^100\\.65\\."))) and
    (.exported[] | select(.prefix == $p2) | .as_path == [47065, 47065, 47065] and
	.mux == "seattle01" and .dataplane == false)' <<<"$ADV1" >/dev/null 2>&1; then
	pass "bgp adv seattle01 --json lists the 3 exported announcements with their attributes and what was sent (next hop on tap1)"
else
	fail "bgp adv seattle01 --json lists the 3 exported announcements"; echo "  $ADV1"
fi

# ---- 9b. route refresh: the mux asks for our routes again ----
log "9b. route refresh from mux 1: birdc reload in, configure with a new import filter"
# refresh_in: how many ROUTE-REFRESH requests seattle01/ipv4 has received.
refresh_in() {
	peering_q bgp cli show protocols json | jq -r '.protocols[] |
	    select(.name == "seattle01" and .af == "ipv4") | .stats.route_refresh_in'
}
refreshed() { [ "$(refresh_in)" -ge "$1" ] 2>/dev/null; }
# stays DESC SECONDS NAME PREFIX WANT: WANT now and for SECONDS more.
stays() {
	local desc=$1 secs=$2 name=$3 pfx=$4 want=$5 i got=
	for i in $(seq 1 $((secs * 5))); do
		got=$(route "$name" "$pfx")
		[ "$got" = "$want" ] || break
		sleep 0.2
	done
	if [ "$got" = "$want" ]; then pass "$desc"; return 0; fi
	fail "$desc"
	echo "  $name $pfx: want: $want"
	echo "  $name $pfx: got:  $got"
	return 1
}
R0=$(refresh_in)
U0=$(updates_in m1v4)
bc m1v4 reload in ours >/dev/null
if wait_for 5 refreshed $((R0 + 1)); then
	pass "birdc reload in: the daemon received mux 1's ROUTE-REFRESH"
else
	fail "birdc reload in: the daemon received mux 1's ROUTE-REFRESH (count $(refresh_in), was $R0)"
fi
stays "after reload in: mux 1 still has $P1, same attributes" 2 m1v4 $P1 "$W1_1"
stays "after reload in: mux 1 still has $P2 (-m seattle01 -P 3)" 1 m1v4 $P2 "$W1_2"
stays "after reload in: the upstream still has $P1" 1 up $P1 \
    "$(wantu '47065 1299 47065' 'comm (47065,1001) large (47065, 1, 2)')"
if [ "$(updates_in m1v4)" -gt "$U0" ] 2>/dev/null; then
	pass "after reload in: mux 1 received our routes again ($U0 -> $(updates_in m1v4) updates)"
else
	fail "after reload in: mux 1 received our routes again (import updates $U0 -> $(updates_in m1v4))"
fi
# A configure that changes the session's import filter: BIRD refreshes
# the routes with a ROUTE-REFRESH instead of restarting the session.
E0=$(peering_q bgp cli show protocols json | jq -r '.protocols[] |
    select(.name == "seattle01" and .af == "ipv4") | .stats.established')
awk 'BEGIN { inours = 0 }
    /^protocol bgp ours/ { inours = 1 }
    inours && /import all;/ { sub(/import all;/, "import where net ~ [ 0.0.0.0/0{8,32} ];"); inours = 0 }
    { print }' "$TMP/m1v4.conf" >"$TMP/m1v4.conf.new" && mv "$TMP/m1v4.conf.new" "$TMP/m1v4.conf"
R1=$(refresh_in)
CONF_OUT=$(bc m1v4 configure)
if wait_for 5 refreshed $((R1 + 1)); then
	pass "birdc configure (import filter changed): the daemon received a ROUTE-REFRESH"
else
	fail "birdc configure (import filter changed): a ROUTE-REFRESH (count $(refresh_in), was $R1)"
	echo "  $CONF_OUT"
fi
stays "after configure: mux 1 still has $P1, same attributes" 2 m1v4 $P1 "$W1_1"
stays "after configure: mux 1 still has $P2" 1 m1v4 $P2 "$W1_2"
stays "after configure: the upstream still has $P1" 1 up $P1 \
    "$(wantu '47065 1299 47065' 'comm (47065,1001) large (47065, 1, 2)')"
E1=$(peering_q bgp cli show protocols json | jq -r '.protocols[] |
    select(.name == "seattle01" and .af == "ipv4") | .stats.established')
if [ "$E0" = "$E1" ] && bird_established m1v4 ours; then
	pass "the session stayed up through both refreshes (established $E1 times)"
else
	fail "the session stayed up through both refreshes (established $E0 -> $E1)"
fi

# ---- 9c. bgp6 stop and start: the IPv6 side alone ----
log "9c. ./peering bgp6 stop, bgp6 start"
PID=$(daemon_pid)
LINES_m1v6=$(wc -l <"$TMP/mux1.bird6.log")
peering bgp6 stop
[ "$RC" -eq 0 ] && [[ "$OUT" == *"2 IPv6 sessions stopped"* ]] &&
    [[ "$OUT" == *"IPv6 announcements withdrawn"* ]] && kill -0 "$PID" 2>/dev/null &&
    pass "bgp6 stop: the IPv6 sessions stopped, the daemon runs on" ||
    fail "bgp6 stop: exit $RC: $OUT"
expect "bgp6 stop: mux 1's bird6 loses $P6" 5 m1v6 $P6 absent
expect "bgp6 stop: mux 2's bird6 loses $P6" 5 m2v6 $P6 absent
if wait_for 5 eval '! bird_established m1v6 ours && ! bird_established m2v6 ours'; then
	pass "bgp6 stop: both bird6 sessions down"
else
	fail "bgp6 stop: both bird6 sessions down"
fi
stays "bgp6 stop: mux 1 keeps $P1 over IPv4, same attributes" 2 m1v4 $P1 "$W1_1"
withdrawn_first() {	# NAME PREFIX...: removed by a withdrawal, before the Cease
	local b=$1 n
	shift
	n=$(eval echo "\$LINES_$b")
	tail -n +$((n + 1)) "$TMP/mux${b:1:1}.bird${b:3:1}.log" | awk -v want="$*" '
	    BEGIN { k = split(want, w, " ") }
	    /ours: Received: |ours: State changed to stop/ { exit }
	    /ours > removed/ { for (i = 1; i <= k; i++) if ($0 ~ (" " w[i] " ")) got[i] = 1 }
	    END { for (i = 1; i <= k; i++) if (!(i in got)) exit 1 }'
}
withdrawn_first m1v6 $P6 && pass "bgp6 stop: m1v6 got the withdrawal of $P6 before the Cease" ||
    fail "bgp6 stop: m1v6 got the withdrawal of $P6 before the Cease"
bird_established m1v4 ours && bird_established m2v4 ours &&
    pass "bgp6 stop: the IPv4 sessions stay up" || fail "bgp6 stop: the IPv4 sessions stay up"
ADV=$(adv_json seattle01)
jq -e --arg p6 $P6 '[.exported[] | select(.prefix == $p6)] == [] and
    ([.exported[] | select(.af == "ipv4")] | length) >= 1' <<<"$ADV" >/dev/null 2>&1 &&
    pass "bgp6 stop: adv lists IPv4 announcements only" ||
    { fail "bgp6 stop: adv lists IPv4 announcements only"; echo "  $ADV"; }
peering bgp6 start
[ "$RC" -eq 0 ] && [ "$OUT" = "2 IPv6 sessions started" ] &&
    pass "bgp6 start: $OUT" || fail "bgp6 start: exit $RC: $OUT"
if wait_for 20 eval 'bird_established m1v6 ours && bird_established m2v6 ours'; then
	pass "bgp6 start: both bird6 sessions Established again"
else
	fail "bgp6 start: both bird6 sessions Established again"
fi
peering prefix announce --force $P6
expect "after bgp6 start: mux 1's bird6 has $P6 again" 5 m1v6 $P6 "$(want6 1 "")"

# ---- 10. bgp stop ----
log "10. ./peering bgp stop"
PID=$(daemon_pid)
for b in m1v4 m2v4 m1v6 m2v6; do
	eval "LINES_$b=\$(wc -l <\"\$TMP/mux\${b:1:1}.bird\${b:3:1}.log\")"
done
peering bgp stop
[ "$RC" -eq 0 ] && ! kill -0 "$PID" 2>/dev/null && pass "./peering bgp stop: the daemon is gone" ||
    fail "./peering bgp stop: exit $RC, pid $PID $(kill -0 "$PID" 2>/dev/null && echo alive)"
for b in m1v4 m2v4 m1v6 m2v6; do
	expect_only "after bgp stop: $b holds nothing from us" 5 $b ours ""
done
expect "after bgp stop: the upstream loses $P1" 5 up $P1 absent
if grep -q "Received: Administrative shutdown" "$TMP/mux1.bird4.log"; then
	pass "mux 1 got our Cease (Administrative shutdown)"
else
	fail "mux 1 got our Cease (Administrative shutdown)"; grep -i "received\|error" "$TMP/mux1.bird4.log" | tail -3
fi
# withdrawn_first (9c): each PREFIX removed before the Cease.
for w in "m1v4 $P1 $P2" "m2v4 $P1" "m1v6 $P6" "m2v6 $P6"; do
	set -- $w
	if withdrawn_first "$@"; then
		pass "bgp stop: $1 got the withdrawal of ${*:2} before the Cease"
	else
		fail "bgp stop: $1 got the withdrawal of ${*:2} before the Cease"
		n=$(eval echo "\$LINES_$1")
		tail -n +$((n + 1)) "$TMP/mux${1:1:1}.bird${1:3:1}.log" | head -8 | sed 's/^/  | /'
	fi
done
if [ "$(store_count)" = 0 ]; then
	pass "after bgp stop: var/announcements.json is empty"
else
	fail "after bgp stop: var/announcements.json is empty"; sed 's/^/  | /' "$ANN_FILE"
fi
if [ -z "$(ip -n "$NS_C" -4 rule show pref 20000)" ] && [ -z "$(ip -n "$NS_C" -6 rule show pref 20000)" ] &&
    ! lo_has 184.164.224.1/32 && ! lo_has 2804:269c:1::1/128; then
	pass "after bgp stop: no ip rule with pref 20000 (IPv4, IPv6), no lo address"
else
	fail "after bgp stop: no ip rule with pref 20000, no lo address"; rules_20000
fi

if [ "$FAIL" -gt 0 ]; then
	daemon_log_tail 25
fi
finish
