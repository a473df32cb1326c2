#!/usr/bin/env bash
# The README's user flow, end to end, on the emulated muxes of lib.sh:
#
#   1. `peering openvpn up` amsterdam01 and seattle01; `openvpn status`
#      shows both up with the addresses the servers pushed;
#   2. `peering bgp start`: the IPv4 and IPv6 sessions of both muxes come
#      up (`bgp cli show protocols json`);
#   3. the muxes' routes, every ADD-PATH path with its per-upstream next
#      hop, are in the RIB; the best of each prefix in table 20000, on
#      the tap of its mux;
#   4. `peering prefix announce` 184.164.224.0/24 with a prepend, a poison
#      (-p 3356) and communities (-c, -l): checked at both muxes (path,
#      communities, next hop) and their upstreams: AS 3356 drops it (loop
#      detection), AS 174 has it with 47065 in front; an IPv6 /48 at the
#      muxes' bird6; the data plane (ip rule, the .1 on lo);
#   5. ping from 184.164.224.1 to the Internet host behind AS 174;
#   6. `peering app -i 1 -n -p 184.164.224.16/28 -u amsterdam01`: a ping
#      from the app's namespace to the Internet host leaves through
#      tap5 (the taps' counters), though table 20000 prefers seattle01,
#      by amsterdam01's own route (`mux-table yes` in its block: table
#      21005, via its upstream 2's next hop); `app -d` leaves nothing;
#   7. `openvpn down seattle01` (the mux of the best paths): its sessions
#      go Idle, its paths leave the RIB and table 20000, amsterdam01's take
#      over; the upstream keeps the prefix through amsterdam01 only once
#      seattle01's hold time runs out, and the ping works again;
#   8. `openvpn up seattle01`: sessions, paths and the announcement back;
#   9. `prefix withdraw`: gone at the muxes and the upstreams, no rule;
#  10. `bgp stop`, `openvpn down all`: nothing left in the client's
#      namespace (no tap, rule, route or process).
#
# As root, after `make`: bash tests/e2e/flow.sh [--demo]. Ends with "N
# passed, M failed" (exit 1 on failure). --demo (make demo) tells the same
# flow to a newcomer: each step, the commands as typed and what they
# print, what the muxes and upstreams see; only failing checks are shown.
# E2E_KEEP=1 keeps the files ($TMP: every daemon's config and log).
set -u
[ "${1:-}" = --demo ] && E2E_DEMO=1
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_init flow
A=amsterdam01
S=seattle01
NA=$(mux_tap $A)
NS=$(mux_tap $S)
P4=$E2E_PREFIX
P6=$E2E_PREFIX6
SRC=${P4%.0/24}.1	# the address the data plane puts on lo
POISON=3356
COMM=65000,100
LARGE=65000,1,2

# ---- what to expect ----

status_want() {	# MUX up|down: its line of `openvpn status`
	local n
	n=$(mux_tap "$1")
	if [ "$2" = up ]; then
		echo "$1 tap$n up $(client_v4 "$n") $(client_v6 "$n")"
	else
		echo "$1 tap$n down"
	fi
}
vpn_status() {
	peering openvpn status
	printf '%s\n' "$OUT"
}
vpn_status_json() {	# the same, from --json
	peering openvpn status --json
	jq -r '.[] | [.mux, .dev, .status, .ipv4, .ipv6] |
	    map(select(. != null)) | join(" ")' <<<"$OUT"
}

session_is() {	# MUX AF STATE
	ours_json | jq -e --arg n "$1" --arg a "$2" --arg s "$3" \
	    'any(.protocols[]; .name == $n and .af == $a and .state == $s)' \
	    >/dev/null
}
sessions_idle() {	# MUX: both its sessions Idle, waiting for its tap
	ours_json | jq -e --arg n "$1" --arg t "tap$(mux_tap "$1")" '
	    [.protocols[] | select(.name == $n)] | length == 2 and
	    all(.state == "Idle" and (.reason | contains($t + ": tunnel not up")))' >/dev/null
}

rib_want() {	# MUX...: rib_paths's lines for every path of those muxes
	local m n p net
	for m in "$@"; do
		n=$(mux_tap "$m")
		for p in "${E2E_UPSTREAMS[@]}"; do
			for net in "${E2E_NETS4[@]}"; do
				echo "$net $m $(nh_v4 "$n" "$p") tap$n [$(up_as "$p") $(net_origin "$net")]"
			done
			for net in "${E2E_NETS6[@]}"; do
				echo "$net $m $(nh_v6 "$n" "$p") tap$n [$(up_as "$p") $(net_origin "$net")]"
			done
		done
		echo "$E2E_HOST_NET $m $(nh_v4 "$n" 2) tap$n [174]"
	done | sort
}
# rib_is DESCRIPTION MUX...: the RIB holds exactly those muxes' paths,
# one best per prefix; table 20000 its best paths, each on its mux's tap.
rib_is() {
	local desc=$1
	shift
	expect_eq "RIB: $desc" 20 "$(rib_want "$@")" rib_paths
	expect_eq "RIB: one best path per prefix, listed first" 1 "" rib_bad_best
	check_kernel_rib "table 20000 holds the best path of every prefix" 10
	expect_eq "table 20000: each next hop on the tap of its mux" 1 "" \
	    kernel_misplaced
}
ALL_NETS=$(printf '%s\n' "${E2E_NETS4[@]}" "$E2E_HOST_NET" "${E2E_NETS6[@]}" |
    sort | tr '\n' ' ' | sed 's/ $//')
kernel_prefixes() {
	kernel_routes | awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//'
}
kernel_devs() {
	kernel_routes | awk '{ print $5 }' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# kernel_misplaced: table 20000 routes whose next hop is not in the tunnel
# of their tap (100.(64+N).x.x or 2804:269c:ff00:<N hex>:... on tapN).
kernel_misplaced() {
	local pfx nh dev n
	kernel_routes | while read -r pfx _ nh _ dev _; do
		case $nh in
		100.*) n=$(($(echo "$nh" | cut -d. -f2) - 64)) ;;
		2804:269c:ff00:*) n=$((16#$(echo "$nh" | cut -d: -f4))) ;;
		*) n=none ;;
		esac
		[ "$dev" = "tap$n" ] || echo "$pfx via $nh dev $dev"
	done
}

# Our prefix as a mux's BIRD and AS 174's BIRD hold it (bird_routes).
mux_want4() {	# N
	echo "from client1 via $(client_v4 "$1") path [$POISON 47065 47065] nh $(client_v4 "$1") comm ($COMM) large (${LARGE//,/, })"
}
mux_want6() {	# N
	echo "from client1 via $(client_v6 "$1") path [] nh $(client_v6 "$1")"
}
up_want4() {	# MUX...: AS 174's routes through those muxes, sorted
	local m n
	for m in "$@"; do
		n=$(mux_tap "$m")
		echo "from $m via $(uplink "$n" 2 1) path [47065 $POISON 47065 47065] nh $(uplink "$n" 2 1) comm ($COMM) large (${LARGE//,/, })"
	done | sort
}
bird_routes_sorted() { bird_routes "$@" | sort; }
absent_at() { echo absent; }
# at_muxes DESCRIPTION WANT-FUNCTION PREFIX MUX...: each MUX's BIRD (bird6
# for IPv6) holds PREFIX as `WANT-FUNCTION N` says, within 15 s.
at_muxes() {
	local desc=$1 want=$2 pfx=$3 m n af=4
	shift 3
	case $pfx in *:*) af=6 ;; esac
	for m in "$@"; do
		n=$(mux_tap "$m")
		expect_eq "$m: $desc" 15 "$("$want" "$n")" bird_routes "m${n}v$af" "$pfx"
	done
}
# loop_dropped BIRD MUX: that BIRD got a route with its own AS in the path
# from MUX and dropped it (BIRD 1.6 counts a withdrawal, ignored).
loop_dropped() {
	bc "$1" show protocols all "$2" |
	    awk '/Import withdraws:/ { ok = $3 > 0 && $6 > 0 } END { exit !ok }'
}
rule_is() {
	rules_20000 | tr '\t' ' ' | sed 's/ *$//'
}
lo_addrs() {
	ip -j -n "$NS_C" addr show dev lo | jq -r '[.[0].addr_info[] |
	    select(.scope == "global") | "\(.local)/\(.prefixlen)"] | join(" ")'
}
ping_host() {
	ip netns exec "$NS_C" ping -n -q -c 1 -W 1 -I "$SRC" "$E2E_HOST"
}
no_tap() { ! ip -n "$NS_C" link show dev "tap$1" >/dev/null 2>&1; }
mux_session_down() { ! bird_established "$1" client1; }
leftovers() {	# what the client namespace still holds of the flow
	ip -n "$NS_C" -br link show | awk '$1 ~ /^tap/ { print "link " $1 }'
	rules_20000 | sed 's/^/rule /'
	kernel_routes | sed 's/^/route /'
	lo_addrs | sed '/^$/d; s/^/lo /'
	ip netns pids "$NS_C" | while read -r pid; do
		echo "process $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
}

# ---- 0. the bed ----

if [ "$E2E_DEMO" = 1 ]; then
	echo "peering-bgpd demo, part 2: the whole user flow against two emulated"
	echo "PEERING muxes. Each mux, amsterdam01 (tap5) and seattle01 (tap1), is"
	echo "a network namespace with an OpenVPN server and BIRD 1.6 set up as"
	echo "PEERING sets up a mux; behind both are two upstream networks, AS 3356"
	echo "(peer id 1) and AS 174 (peer id 2), with a host at $E2E_HOST."
	echo "The client runs the real ./peering commands in a namespace of its own."
fi
say "Setting up: a throwaway CA, the muxes, the upstreams"
e2e_bed_up
info "namespaces ${PFX}*, files in $TMP"
note "The client directory (PEERING_DIR) is as a user has it: the shipped"
note "configs/openvpn/$A.conf and $S.conf, certs/ (from a"
note "throwaway CA), prefixes.txt ($P4), prefixes6.txt"
note "($P6). The mux names (vpn.$A.mux.peering.ee.columbia.edu)"
note "resolve to the emulated servers."
# amsterdam01 gets a table of its own routes (docs/dataplane.md).
printf 'mux %s {\n\tmux-table yes\n}\n' "$A" >>"$CLIENT/configs/peering-bgpd.conf"
note "configs/peering-bgpd.conf gets: mux $A { mux-table yes }: the daemon"
note "keeps $A's own best routes in table $((21000 + $(mux_tap $A)))."

# ---- 1. the tunnels ----

say "Open the OpenVPN tunnels to $A and $S"
for m in $A $S; do
	user openvpn up $m
	expect_rc "openvpn up $m" || { vpn_diag $m; give_up "the tunnel to $m did not come up"; }
done
for m in $A $S; do
	n=$(mux_tap $m)
	expect_eq "tap$n has the addresses $m pushed" 10 \
	    "$(client_v4 "$n") $(client_v6 "$n")" tap_addrs "$n"
done
expect_eq "openvpn status: both up, with their addresses" 10 \
    "$(status_want $A up; status_want $S up)" vpn_status
user openvpn status
peering openvpn log $A
if [ "$RC" -eq 0 ] && grep -q "Initialization Sequence Completed" <<<"$OUT"; then
	pass "openvpn log $A: the client's log, connected"
else
	fail "openvpn log $A: the client's log, connected (exit $RC)"
	printf '%s\n' "$OUT" "$ERR" | tail -n 5 | sed 's/^/  | /'
fi
expect_eq "openvpn status --json: the same" 5 \
    "$(status_want $A up; status_want $S up)" vpn_status_json

# ---- 2. BGP ----

say "Start the BGP daemon: an IPv4 and an IPv6 session with each mux"
user bgp start
expect_rc "bgp start" || {
	log_tail "$CLIENT/var/peering-bgpd.log"
	give_up "peering-bgpd did not start"
}
for m in $A $S; do
	for af in ipv4 ipv6; do
		expect_ok "$m: $af session Established" 30 session_is $m $af Established ||
		    log_tail "$TMP/m$(mux_tap $m)v${af#ipv}.log"
	done
done
user bgp status
user bgp6 status

# ---- 3. routes from the muxes ----

say "Routes from the muxes: every path (ADD-PATH), the best in table 20000"
rib_is "every path of both muxes, per-upstream next hops and AS paths" $A $S
expect_eq "table 20000: every prefix" 5 "$ALL_NETS" kernel_prefixes
note "Each mux sends a path per upstream, its next hop 100.(64+N).0.<peer id>"
note "choosing the upstream: 4 paths for 192.0.2.0/24."
user bgp cli show route 192.0.2.0/24
note "The best per prefix goes to table 20000, on the tap of its mux:"
show client "ip route show table 20000" ip -n "$NS_C" route show table 20000

say "An import policy set at run time, on a mux with no block of its own"
KEEP=${E2E_NETS4[0]}
note "Mux $S's paths are filtered again; the mux is asked to send them again"
note "(route refresh) and what it sends passes the new policy. ($S has no"
note "block in the configuration: the daemon makes it one, and its sessions"
note "follow that block from then on, not the global settings.)"
user bgp cli import $S prefix-list $KEEP
expect_rc "bgp cli import $S prefix-list $KEEP"
expect_eq "RIB: of $S's paths only $KEEP's, also after they came again" 20 \
    "$(rib_want $A $S | awk -v m=$S -v k=$KEEP '$2 != m || $1 == k')" rib_paths
user bgp cli import $S all
expect_rc "bgp cli import $S all"
rib_is "every path of both muxes again" $A $S

# ---- 4. announce ----

say "Announce $P4: prepend 2, poison AS $POISON, communities"
note "The path sent is '$POISON 47065 47065'; the mux puts 47065 in front"
note "when it passes it on. AS $POISON finds its own AS in the path and"
note "drops the route (BGP loop detection): that is poisoning."
user prefix announce -P 2 -p $POISON -c $COMM -l $LARGE $P4
expect_rc "prefix announce $P4"
at_muxes "$P4 with its path, communities, our tunnel address as next hop" \
    mux_want4 $P4 $A $S
expect_eq "AS 174 has $P4 from both muxes, 47065 in front" 10 \
    "$(up_want4 $A $S)" bird_routes_sorted u2 $P4
expect_eq "AS 3356 does not (poisoned)" 1 absent bird_routes u1 $P4
for m in $A $S; do
	expect_ok "AS 3356 got it from $m and dropped it: its own AS in the path" 5 \
	    loop_dropped u1 $m
done
show "mux $A" "birdc show route $P4 all" bc "m${NA}v4" show route $P4 all
show "AS 174" "birdc show route $P4" bc u2 show route $P4
show "AS 3356" "birdc show route $P4" bc u1 show route $P4
expect_eq "data plane: ip rule from $P4 lookup 20000" 5 \
    "20000: from $P4 lookup 20000" rule_is
expect_eq "data plane: $SRC on lo" 5 "$SRC/32" lo_addrs
show client "ip rule show pref 20000" ip -n "$NS_C" rule show pref 20000

user prefix announce $P6
expect_rc "prefix announce $P6"
at_muxes "bird6 has $P6, our tunnel address as next hop" mux_want6 $P6 $A $S

# ---- 5. the data plane ----

say "Ping the Internet host $E2E_HOST (AS 174) from our prefix"
note "From $SRC (on lo) the ip rule sends packets by table 20000,"
note "to a mux; the answer comes back because AS 174 has our prefix."
expect_ok "ping $E2E_HOST from $SRC" 15 ping_host
show client "ping -c 3 -I $SRC $E2E_HOST" \
    ip netns exec "$NS_C" ping -n -c 3 -i 0.2 -W 1 -I "$SRC" "$E2E_HOST"

# ---- 6. an app through one mux ----

APP_P=${P4%.0/24}.16/28	# a part of the announced prefix
APP_PINGS=20
app_ping() {	# from the app's namespace; the output in $TMP/ping.out
	nsenter --net="$TMP/netns/papp1" ping -n -q -c "$APP_PINGS" -i 0.05 -W 2 \
	    "$E2E_HOST" >"$TMP/ping.out" 2>&1 &&
	    grep -q " $APP_PINGS received" "$TMP/ping.out"
}

say "An application in $APP_P, out through $A whatever table 20000 prefers"
note "peering app gives a program a network namespace (papp1) holding a"
note "part of our prefix; its packets are source-routed out of the client."
note "Table 20000 sends $E2E_HOST_NET through $(best_tap); -u $A sends the"
note "app's packets through $A's tunnel (tap$NA) instead."
user app -i 1 -n -p "$APP_P" -u $A
expect_rc "app -i 1 -n -p $APP_P -u $A"
show client "ip rule show pref 10001; ip route show table 10001" eval \
    'ip -n "$NS_C" rule show pref 10001; ip -n "$NS_C" route show table 10001'
MT=$((21000 + NA))
note "The first rule looks up $A's own table $MT (mux-table yes): its"
note "best route to each destination, via the upstream it came from; table"
note "10001's default route to $A serves the rest."
show client "ip route show table $MT" ip -n "$NS_C" route show table "$MT"
app_route() {	# the client's route for the app's packets to the host
	ip -n "$NS_C" route get "$E2E_HOST" from "${APP_P%.16/28}.17" \
	    iif papp1h | head -n 1 | sed 's/  */ /g; s/ iif papp1h.*//; s/ *$//'
}
expect_eq "papp1 -> $E2E_HOST: $A's own route (table $MT, upstream 2)" 10 \
    "$E2E_HOST from ${APP_P%.16/28}.17 via $(nh_v4 "$NA" 2) dev tap$NA table $MT" \
    app_route
show client "ip route get $E2E_HOST from ${APP_P%.16/28}.17 iif papp1h" app_route
TX_A=$(tx_packets "$NS_C" "tap$NA")
TX_S=$(tx_packets "$NS_C" "tap$NS")
if app_ping; then
	pass "papp1: $APP_PINGS pings to $E2E_HOST answered"
else
	fail "papp1: ping to $E2E_HOST"
	sed 's/^/  | /' "$TMP/ping.out"
fi
TX_A=$(($(tx_packets "$NS_C" "tap$NA") - TX_A))
TX_S=$(($(tx_packets "$NS_C" "tap$NS") - TX_S))
show papp1 "ping -q -c $APP_PINGS -i 0.05 $E2E_HOST" cat "$TMP/ping.out"
if [ "$TX_A" -ge "$APP_PINGS" ] && [ "$TX_S" -lt "$APP_PINGS" ]; then
	pass "papp1: the pings left through tap$NA ($TX_A packets), not tap$NS ($TX_S)"
else
	fail "papp1: tap$NA sent $TX_A packets, tap$NS $TX_S; want >= $APP_PINGS and < $APP_PINGS"
fi
note "Packets the client's taps sent meanwhile (ip -s link): tap$NA ($A)"
note "$TX_A, tap$NS ($S) $TX_S: the pings left through $A (the few"
note "others are BGP's). The answers come back by the mux AS 174 prefers."
user app -i 1 -n -d
expect_rc "app -i 1 -n -d"
expect_eq "no link, rule, route, address or namespace of the app left" 5 "" \
    app_leftovers

# ---- 7. one tunnel down ----

say "Close the tunnel to $S: its sessions stop, $A's paths take over"
user openvpn down $S
expect_rc "openvpn down $S"
expect_ok "tap$NS is gone" 10 no_tap "$NS"
expect_ok "$S: both sessions Idle, waiting for tap$NS: tunnel not up" 10 sessions_idle $S
expect_eq "openvpn status: $A up, $S down" 10 \
    "$(status_want $A up; status_want $S down)" vpn_status
rib_is "only $A's paths" $A
expect_eq "table 20000: every prefix, all through tap$NA" 5 \
    "$ALL_NETS|tap$NA" eval 'echo "$(kernel_prefixes)|$(kernel_devs)"'
user bgp status
show client "ip route show table 20000" ip -n "$NS_C" route show table 20000
note "Before closing the tunnel, openvpn down told the daemon, which ended"
note "$S's sessions with a Cease while the tunnel could still carry it:"
note "the mux withdraws our prefix from its upstreams at once, instead of"
note "after its hold time (10 s here, often 90 s or more)."
expect_ok "$S's BIRD got our Cease (not its hold timer)" 5 \
    grep -q "Administrative shutdown" "$TMP/m${NS}v4.log"
expect_eq "AS 174 has $P4 through $A only, within 5 s" 5 \
    "$(up_want4 $A)" bird_routes_sorted u2 $P4
show "AS 174" "birdc show route $P4" bc u2 show route $P4
expect_ok "ping $E2E_HOST works again, through $A" 15 ping_host

# ---- 8. back up ----

say "Open the tunnel to $S again: everything comes back"
user openvpn up $S
expect_rc "openvpn up $S"
for af in ipv4 ipv6; do
	expect_ok "$S: $af session Established again" 30 session_is $S $af Established ||
	    log_tail "$TMP/m${NS}v${af#ipv}.log"
done
rib_is "both muxes' paths again" $A $S
at_muxes "$P4 again" mux_want4 $P4 $S
at_muxes "bird6 has $P6 again" mux_want6 $P6 $S
expect_eq "AS 174 has $P4 from both muxes again" 15 \
    "$(up_want4 $A $S)" bird_routes_sorted u2 $P4
user bgp status
show client "ip route show table 20000" ip -n "$NS_C" route show table 20000

# ---- 9. withdraw ----

say "Withdraw both prefixes"
user prefix withdraw $P4
expect_rc "prefix withdraw $P4"
at_muxes "$P4 gone" absent_at $P4 $A $S
expect_eq "AS 174 no longer has $P4" 10 absent bird_routes u2 $P4
show "AS 174" "birdc show route $P4" bc u2 show route $P4
user prefix withdraw $P6
expect_rc "prefix withdraw $P6"
at_muxes "bird6: $P6 gone" absent_at $P6 $A $S
expect_eq "no ip rule pref 20000 left, nothing on lo" 5 "|" \
    eval 'echo "$(rule_is)|$(lo_addrs)"'

# ---- 10. stop ----

say "Stop BGP and close the tunnels"
DAEMON_PID=$(tr -dc 0-9 <"$CLIENT/var/peering-bgpd.pid" 2>/dev/null)
user bgp stop
expect_rc "bgp stop"
expect_ok "peering-bgpd (pid $DAEMON_PID) has exited" 10 \
    eval '! kill -0 "$DAEMON_PID" 2>/dev/null'
for m in $A $S; do
	expect_ok "$m's BIRD: the session with us is down" 10 \
	    mux_session_down "m$(mux_tap $m)v4"
done
user openvpn down all
expect_rc "openvpn down all"
expect_eq "openvpn status: both down" 10 \
    "$(status_want $A down; status_want $S down)" vpn_status
expect_eq "openvpn status --json: both down" 5 \
    "$(status_want $A down; status_want $S down)" vpn_status_json
user openvpn status
expect_eq "nothing left in the client namespace: no tap, rule, route, process" 10 \
    "" leftovers

e2e_finish
