#!/usr/bin/env bash
# Kernel table 20000 fed by our RIB, against BIRD 1.6 as a PEERING mux
# (iBGP AS 47065, `add paths tx`, three static "upstreams" with next hops
# 100.65.0.<id> and 2804:269c:ff00:1:2::<id>, so several paths per prefix;
# `graceful restart on`, restart time 10 s). Our neighbours have
# `interface`, so the best path of every prefix goes into table 20000 of
# our namespace, via its BGP next hop on that interface, onlink, proto bgp.
# Checks:
#   1. table 20000 holds exactly the RIB's best path per prefix;
#   2. a withdraw at BIRD (upstream 1 disabled): the kernel next hop moves
#      to the next best upstream, single-upstream prefixes leave the table;
#   3. session loss, BIRD stopped by its PID (a Cease): the routes leave
#      the table, and come back with the session;
#   4. our daemon SIGKILLed: table 20000 keeps its routes; started again,
#      the routes stay the whole time (polled, and `ip monitor` sees no
#      delete of them), routes injected before (stale, not ours any more)
#      are swept after End-of-RIB, then the table is exactly the RIB;
#   5. graceful restart receiver: BIRD killed (-9, no NOTIFICATION): paths
#      kept, stale, kernel routes kept; BIRD back (`bird -R`: restarted,
#      forwarding state kept; without one upstream):
#      after its End-of-RIB nothing is stale and the upstream's paths are
#      gone; BIRD killed again and not back within 10 s: paths and kernel
#      routes go, after the restart time and not before;
#   6. `peering bgp stop` leaves table 20000 as it is; 7. a start after it
#      converges to the same table;
#   8. session loss, our veth down: the paths leave the RIB (we end the
#      session: no graceful restart) and the routes the table; link up:
#      the routes are back in the table.
# Needs root, bird (Debian package `bird`), jq. Ends with "N passed, M failed".
. "$(dirname "$0")/lib.sh"

iop_init bird16_kernel
for b in bird bird6 birdc birdc6; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: install Debian's bird (scripts/install-deps)"
done
need_ours
netns_setup

IF_UP=${PFX}u
ip -n "$NS_PEER" link add "$IF_UP" type veth peer name "${PFX}v" ||
    give_up "cannot create the upstream link"
ip -n "$NS_PEER" addr add 100.65.0.254/24 dev "$IF_UP"
ip -n "$NS_PEER" link set "${PFX}v" up
ip -n "$NS_PEER" link set "$IF_UP" up

PREFIXES4=(184.164.224.0/24 8.8.8.0/24 1.0.0.0/24)
ONLY4=(9.9.9.0/24)
PREFIXES6=(2804:269c:1::/48 2001:4860::/32)
ONLY6=(2a00:1450::/32)
UPSTREAMS=3
GR_TIME=10
ALL_PREFIXES=("${PREFIXES4[@]}" "${ONLY4[@]}" "${PREFIXES6[@]}" "${ONLY6[@]}")

up_nh() {
	if [ "$1" = 4 ]; then echo "100.65.0.$2"; else echo "2804:269c:ff00:1:2::$2"; fi
}

# bird_conf AF [WITHOUT]: the mux for bird (4) or bird6 (6); upstream
# WITHOUT left out. LOCAL_PREF 300/200/100 for upstreams 1/2/3 makes the
# best path plain: upstream 1's, else 2's.
bird_conf() {
	local af=$1 without=${2:-0} up p
	local -n shared=PREFIXES$af only=ONLY$af
	cat <<EOF
router id $MUX_V4;
log "$TMP/bird$af.log" all;
protocol device { scan time 10; }
EOF
	for up in $(seq 1 $UPSTREAMS); do
		[ "$up" -ne "$without" ] || continue
		echo "protocol static up$up {"
		for p in "${shared[@]}"; do
			echo "	route $p via $(up_nh "$af" "$up");"
		done
		[ "$up" -ne 1 ] || for p in "${only[@]}"; do
			echo "	route $p via $(up_nh "$af" "$up");"
		done
		echo "}"
	done
	echo "filter to_client {"
	for up in $(seq 1 $UPSTREAMS); do
		echo "	if proto = \"up$up\" then {"
		echo "		bgp_path.prepend(15169);"
		echo "		bgp_path.prepend($((up == 1 ? 4200000001 : 3356 + up)));"
		echo "		bgp_community.add((47065, $up));"
		echo "		bgp_local_pref = $((400 - 100 * up));"
		echo "	}"
	done
	echo "	accept;"
	echo "}"
	local me=$MUX_V4 peer=$OURS_V4
	[ "$af" = 4 ] || { me=$MUX_V6; peer=$OURS_V6; }
	cat <<EOF
protocol bgp mux1 {
	local $me as $MUX_AS;
	neighbor $peer as $MUX_AS;
	add paths tx;
	import all;
	export filter to_client;
	graceful restart on;
	graceful restart time $GR_TIME;
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
	unset -n shared only
}

BIRD4_PID=
BIRD6_PID=
# bird_start AF [WITHOUT] [-R]: -R, BIRD's graceful restart recovery: its
# OPEN says it restarted and kept its forwarding state (RFC 4724 R and F
# bits), the case where a receiver must keep the stale routes.
bird_start() {
	local af=$1 bin=bird flags=()
	[ "$af" = 4 ] || bin=bird6
	[ -z "${3:-}" ] || flags=("$3")
	bird_conf "$af" "${2:-0}" >"$TMP/bird$af.conf"
	rm -f "$TMP/bird$af.ctl"
	start_bg "$NS_PEER" "$TMP/bird$af.out" "$bin" "${flags[@]}" -f \
	    -c "$TMP/bird$af.conf" -s "$TMP/bird$af.ctl" -P "$TMP/bird$af.pid"
	if [ "$af" = 4 ]; then BIRD4_PID=$BG_PID; else BIRD6_PID=$BG_PID; fi
	wait_file 10 "$TMP/bird$af.ctl" ||
	    give_up "$bin did not start: $(tail -3 "$TMP/bird$af.out")"
}

birds_start() {
	bird_start 4 "${1:-0}" "${2:-}"
	bird_start 6 "${1:-0}" "${2:-}"
}

# birds_kill9: both BIRDs die at once, no NOTIFICATION sent.
birds_kill9() {
	kill -KILL "$BIRD4_PID" "$BIRD6_PID" 2>/dev/null
	wait "$BIRD4_PID" "$BIRD6_PID" 2>/dev/null
}

birdc_af() {
	local af=$1 bin=birdc
	shift
	[ "$af" = 4 ] || bin=birdc6
	ip netns exec "$NS_PEER" "$bin" -s "$TMP/bird$af.ctl" "$@"
}

OURS_CONF="local-as $MUX_AS
router-id $OURS_V4
hold-time 30
neighbor $MUX_V4 {
	name mux1
	remote-as $MUX_AS
	interface $IF_OURS
}
neighbor $MUX_V6 {
	name mux1v6
	remote-as $MUX_AS
	interface $IF_OURS
}"

# expect_paths [WITHOUT] [STALE]: our RIB holds one path per upstream that
# sends the prefix (upstream WITHOUT gone), the best by LOCAL_PREF; every
# path's stale flag is STALE (true/false).
expect_paths() {
	local without=${1:-0} stale=${2:-false} af p n best
	exp_reset
	for af in 4 6; do
		local -n shared=PREFIXES$af only=ONLY$af
		n=$UPSTREAMS best=$(up_nh "$af" 1)
		[ "$without" -eq 0 ] || n=$((n - 1))
		[ "$without" -ne 1 ] || best=$(up_nh "$af" 2)
		for p in "${shared[@]}"; do
			exp_prefix "$p" "$n" "$best"
		done
		for p in "${only[@]}"; do
			if [ "$without" -eq 1 ]; then
				exp_prefix "$p" 0
			else
				exp_prefix "$p" 1 "$(up_nh "$af" 1)"
			fi
		done
		unset -n shared only
	done
	exp_only
	exp_all "{\"stale\": $stale, \"interface\": \"$IF_OURS\"}"
}

# kernel_want [WITHOUT]: table 20000 as it must be, worked out here from
# the plan (not from our RIB): each prefix via its best upstream.
kernel_want() {
	local without=${1:-0} af p up
	for af in 4 6; do
		local -n shared=PREFIXES$af only=ONLY$af
		up=1
		[ "$without" -ne 1 ] || up=2
		for p in "${shared[@]}"; do
			echo "$p via $(up_nh "$af" "$up") dev $IF_OURS proto bgp onlink"
		done
		[ "$without" -eq 1 ] || for p in "${only[@]}"; do
			echo "$p via $(up_nh "$af" 1) dev $IF_OURS proto bgp onlink"
		done
		unset -n shared only
	done | sort
}

# all_in_table WHAT: RIB as BIRD sends it and table 20000 to match.
all_in_table() {
	expect_paths
	rib_expect "$1: every path in the RIB, none stale" 20
	check_kernel_is "$1: table 20000 holds each prefix via its best upstream (${#ALL_PREFIXES[@]} routes)" 10 "$(kernel_want)"
}

established() {
	check_session "IPv4 session Established$1" 30 mux1 \
	    ".state == \"Established\" and .stats.end_of_rib >= 1${2:-}"
	check_session "IPv6 session Established$1" 30 mux1v6 \
	    ".state == \"Established\" and .stats.end_of_rib >= 1${2:-}"
}

log_count() {
	grep -c -- "$1" "$TMP/ours.log"
}

birds_start
iop_log "BIRD 1.6 running: bird pid $BIRD4_PID, bird6 pid $BIRD6_PID"
ours_start "$OURS_CONF"

# ---- 1. table 20000 = the RIB's best paths ----
iop_log "1. table 20000 holds the best paths"
established " (and its End-of-RIB received)"
expect_paths
rib_expect "RIB: $UPSTREAMS paths per shared prefix, 1 per single-upstream one, best by LOCAL_PREF (upstream 1)" 10
check_kernel_rib "table 20000 holds exactly the RIB's best path per prefix (next hop, dev, proto bgp, onlink)" 10
check_kernel_is "table 20000: ${#ALL_PREFIXES[@]} routes, each via upstream 1's next hop on $IF_OURS" 1 \
    "$(kernel_want)"
mem_ok() {
	ours_cli bgp cli show memory json | jq -e --argjson n4 \
	    $(( ${#PREFIXES4[@]} + ${#ONLY4[@]} )) --argjson n6 \
	    $(( ${#PREFIXES6[@]} + ${#ONLY6[@]} )) --argjson np \
	    $(( (${#PREFIXES4[@]} + ${#PREFIXES6[@]}) * UPSTREAMS + ${#ONLY4[@]} + ${#ONLY6[@]} )) \
	    '.prefixes.ipv4 == $n4 and .prefixes.ipv6 == $n6 and .paths == $np' >/dev/null
}
if wait_for 2 "show memory" mem_ok; then
	pass "show memory json counts the same prefixes and paths"
else
	fail "show memory json counts the same prefixes and paths"
	ours_cli bgp cli show memory json
fi

# ---- 2. a withdraw moves the kernel route ----
iop_log "2. upstream 1 withdrawn at BIRD, then back"
birdc_af 4 disable up1 >/dev/null
birdc_af 6 disable up1 >/dev/null
expect_paths 1
rib_expect "RIB: upstream 1's paths withdrawn, upstream 2's now best" 10
check_kernel_is "table 20000: next hops moved to upstream 2, single-upstream prefixes deleted" 5 \
    "$(kernel_want 1)"
check_kernel_rib "table 20000 still exactly the RIB's best paths" 1
birdc_af 4 enable up1 >/dev/null
birdc_af 6 enable up1 >/dev/null
all_in_table "upstream 1 back"

# ---- 3. session loss ----
iop_log "3. BIRD stopped by its PID (a Cease): the routes go"
stop_pid "$BIRD4_PID" 10
stop_pid "$BIRD6_PID" 10
check_session "IPv4: down when BIRD stops" 5 mux1 '.state != "Established"'
check_session "IPv6: down when BIRD stops" 5 mux1v6 '.state != "Established"'
rib_empty "RIB: empty after BIRD's Cease (no graceful restart after a NOTIFICATION)" 3
check_kernel_is "table 20000: empty" 3 ""
birds_start
established " again after BIRD restarts"
all_in_table "BIRD back"

# ---- 4. our daemon killed and started again ----
iop_log "4. peering-bgpd SIGKILLed and started again"
STALE4="203.0.113.0/24 via 100.65.0.1 dev $IF_OURS proto bgp onlink"
STALE6="2001:db8:ff::/48 via 2804:269c:ff00:1:2::1 dev $IF_OURS proto bgp onlink"
ip -n "$NS_OURS" route add 203.0.113.0/24 via 100.65.0.1 dev "$IF_OURS" \
    onlink table 20000 proto 186
ip -n "$NS_OURS" -6 route add 2001:db8:ff::/48 via 2804:269c:ff00:1:2::1 \
    dev "$IF_OURS" onlink table 20000 proto 186
before=$(kernel_routes)
if [ "$before" = "$(printf '%s\n' "$(kernel_want)" "$STALE4" "$STALE6" | sort)" ]; then
	pass "two foreign routes of proto bgp injected into table 20000 (one per family)"
else
	fail "two foreign routes of proto bgp injected into table 20000"
	printf '%s\n' "$before" | sed 's/^/  | /'
fi
start_bg "$NS_OURS" "$TMP/monitor4.log" ip monitor route
MON_PID=$BG_PID
kernel_watch_start "$TMP/watch4"
sleep 0.3
kill -KILL "$OURS_PID"
wait "$OURS_PID" 2>/dev/null
OURS_PID=
sleep 1
check_kernel_is "SIGKILL: table 20000 keeps every route" 1 "$before"
sweeps=$(log_count "removing the stale kernel routes")
t0=$(date +%s.%N)
ours_start "$OURS_CONF"
established " after the restart" " and .stats.established == 1"
iop_log "both sessions back $(elapsed_since "$t0") s after the start"
swept() {
	[ "$(log_count "removing the stale kernel routes")" -gt "$sweeps" ]
}
if wait_for 20 "sweep" swept; then
	pass "stale sweep after every session's End-of-RIB ($(elapsed_since "$t0") s after the start; log: $(grep "removing the stale kernel routes" "$TMP/ours.log" | tail -1 | sed 's/^.*\] *//'))"
else
	fail "stale sweep after every session's End-of-RIB"
	ours_log_tail
fi
check_kernel_is "after the sweep: the foreign routes are gone, ours stay" 5 \
    "$(kernel_want)"
check_kernel_rib "after the sweep: table 20000 is exactly the RIB's best paths" 1
expect_paths
rib_expect "RIB after the restart: every path, none stale" 5
sleep 0.5
kernel_watch_stop "$TMP/watch4"
stop_pid "$MON_PID" 2
looks=$(wc -l <"$TMP/watch4")
missing=$(watch_missing "$TMP/watch4" "${ALL_PREFIXES[@]}")
if [ "$looks" -ge 10 ] && [ -z "$missing" ]; then
	pass "every route in table 20000 the whole time ($looks looks, 0.1 s apart, from before the SIGKILL to after the sweep)"
else
	fail "every route in table 20000 the whole time ($looks looks)"
	printf '%s\n' "$missing" | head -5 | sed 's/^/  | /'
fi
# `ip monitor` prints every change: our routes may be replaced in place,
# never deleted; the two foreign ones must be.
deleted=$(grep '^Deleted' "$TMP/monitor4.log" | grep 'table 20000' | awk '{ print $2 }' | sort -u | tr '\n' ' ')
if [ "$deleted" = "2001:db8:ff::/48 203.0.113.0/24 " ]; then
	pass "ip monitor: only the two foreign routes deleted"
else
	fail "ip monitor: only the two foreign routes deleted (deleted: ${deleted:-none})"
	grep 'table 20000' "$TMP/monitor4.log" | head -10 | sed 's/^/  | /'
fi

# ---- 5. graceful restart: BIRD killed without a NOTIFICATION ----
iop_log "5a. BIRD killed (-9): paths kept stale for its restart time ($GR_TIME s)"
start_bg "$NS_OURS" "$TMP/monitor5.log" ip monitor route
MON_PID=$BG_PID
kernel_watch_start "$TMP/watch5"
sleep 0.3
gr_logs=$(log_count "graceful restart")
full=$(kernel_routes)
birds_kill9
t0=$(date +%s.%N)
check_session "IPv4: down when BIRD dies" 5 mux1 '.state != "Established"'
check_session "IPv6: down when BIRD dies" 5 mux1v6 '.state != "Established"'
expect_paths 0 true
rib_expect "RIB: every path kept, marked stale" 2
if [ "$(log_count "graceful restart")" -ge $((gr_logs + 2)) ]; then
	pass "log: both sessions keep their routes ($(grep 'graceful restart' "$TMP/ours.log" | tail -1 | sed 's/^.*\] *//'))"
else
	fail "log: both sessions keep their routes (graceful restart)"
	ours_log_tail 8
fi
check_kernel_is "table 20000: every route kept" 1 "$full"

iop_log "5b. BIRD back within the restart time (bird -R), without upstream 3"
birds_start 3 -R
established " again after BIRD is back" " and .stats.established == 2"
iop_log "back $(elapsed_since "$t0") s after BIRD died"
expect_paths 3 false
rib_expect "after BIRD's End-of-RIB: nothing stale, upstream 3's stale paths swept, 2 per shared prefix" 15
iop_log "converged $(elapsed_since "$t0") s after BIRD died"
check_kernel_is "table 20000 unchanged (upstream 1 still best)" 3 "$full"
sleep 0.5
kernel_watch_stop "$TMP/watch5"
stop_pid "$MON_PID" 2
looks=$(wc -l <"$TMP/watch5")
missing=$(watch_missing "$TMP/watch5" "${ALL_PREFIXES[@]}")
if [ "$looks" -ge 10 ] && [ -z "$missing" ]; then
	pass "every route in table 20000 through BIRD's restart ($looks looks)"
else
	fail "every route in table 20000 through BIRD's restart ($looks looks)"
	printf '%s\n' "$missing" | head -5 | sed 's/^/  | /'
fi
if grep 'table 20000' "$TMP/monitor5.log" | grep -q '^Deleted'; then
	fail "ip monitor: no route of table 20000 deleted through BIRD's restart"
	grep 'table 20000' "$TMP/monitor5.log" | head -10 | sed 's/^/  | /'
else
	pass "ip monitor: no route of table 20000 deleted through BIRD's restart"
fi

iop_log "5c. BIRD killed again and not back: the paths go after $GR_TIME s"
birds_kill9
t0=$(date +%s.%N)
check_session "IPv4: down when BIRD dies again" 5 mux1 '.state != "Established"'
expect_paths 3 true
rib_expect "RIB: the paths kept, stale" 2
sleep 5
expect_paths 3 true
rib_expect "RIB: still there, stale, $(elapsed_since "$t0") s after BIRD died" 1
check_kernel_is "table 20000: still every route, $(elapsed_since "$t0") s after BIRD died" 1 "$full"
rib_gone() {
	rib_meets && kernel_is ""
}
exp_reset
exp_only
if wait_for $((GR_TIME + 5)) "restart time over" rib_gone; then
	t=$(elapsed_since "$t0")
	if awk -v t="$t" -v g="$GR_TIME" 'BEGIN { exit !(t >= g - 0.5 && t <= g + 3) }'; then
		pass "RIB and table 20000 empty once the restart time is over (after $t s; restart time $GR_TIME s)"
	else
		fail "RIB and table 20000 empty once the restart time is over: after $t s, restart time $GR_TIME s"
	fi
else
	fail "RIB and table 20000 empty once the restart time is over ($GR_TIME s)"
	rib_problems | head -3 | sed 's/^/  | /'
	kernel_routes | head -3 | sed 's/^/  | /'
fi
grep -q 'restart time over' "$TMP/ours.log" &&
    pass "log: $(grep 'restart time over' "$TMP/ours.log" | tail -1 | sed 's/^.*\] *//')" ||
    fail "log: restart time over"

iop_log "5d. BIRD back"
birds_start
established " once BIRD is back" " and .stats.established == 3"
all_in_table "BIRD back after the restart time"

# ---- 6. `peering bgp stop` keeps table 20000 ----
iop_log "6. peering bgp stop"
full=$(kernel_routes)
cease_count() {
	grep -c 'Received: Administrative shutdown' "$TMP/bird$1.log"
}
c4=$(cease_count 4)
c6=$(cease_count 6)
out=$(ours_cli bgp stop 2>&1)
rc=$?
out=$(printf '%s' "$out" | tr '\n' ' ')
i=0
while alive "$OURS_PID" && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$rc" -eq 0 ] && ! alive "$OURS_PID"; then
	pass "peering bgp stop: the daemon exits ($out)"
else
	fail "peering bgp stop: the daemon exits (status $rc: $out)"
fi
wait "$OURS_PID" 2>/dev/null
OURS_PID=
sleep 1
check_kernel_is "after bgp stop: table 20000 as it was (${#ALL_PREFIXES[@]} routes)" 1 "$full"
cease_more() {
	[ "$(cease_count 4)" -gt "$c4" ] && [ "$(cease_count 6)" -gt "$c6" ]
}
if wait_for 5 "cease" cease_more; then
	pass "BIRD and BIRD6 received our Cease/Administrative Shutdown"
else
	fail "BIRD and BIRD6 received our Cease/Administrative Shutdown"
fi

# ---- 7. started again after the stop ----
iop_log "7. started again after bgp stop"
sweeps=$(log_count "removing the stale kernel routes")
ours_start "$OURS_CONF"
established " after bgp stop and start" " and .stats.established == 1"
if wait_for 20 "sweep" swept; then
	pass "stale sweep after every session's End-of-RIB"
else
	fail "stale sweep after every session's End-of-RIB"
fi
all_in_table "started after bgp stop"
check_kernel_rib "table 20000 is exactly the RIB's best paths" 1

# ---- 8. our link down and up ----
# Last: Linux itself deletes the routes through a link that goes down, so
# whatever the daemon believes it installed afterwards shows here.
iop_log "8. our link $IF_OURS down: the routes go"
ip -n "$NS_OURS" link set "$IF_OURS" down
check_session "IPv4: Idle on link down" 2 mux1 '.state == "Idle"'
check_session "IPv6: Idle on link down" 2 mux1v6 '.state == "Idle"'
rib_empty "RIB: empty once the link is down (no graceful restart: we ended the session)" 2 ||
    grep -E 'session down|keeping its routes' "$TMP/ours.log" | tail -4 | sed 's/^/  log: /'
check_kernel_is "table 20000: empty" 2 ""
ip -n "$NS_OURS" link set "$IF_OURS" up
ip -n "$NS_OURS" addr replace "$OURS_V6/64" dev "$IF_OURS" nodad
ip -n "$NS_PEER" addr replace "$MUX_V6/64" dev "$IF_PEER" nodad
check_session "IPv4: Established again after link up" 40 mux1 \
    '.state == "Established" and .stats.established == 2'
check_session "IPv6: Established again after link up" 40 mux1v6 \
    '.state == "Established" and .stats.established == 2'
all_in_table "link up"
check_kernel_rib "link up: table 20000 is exactly the RIB's best paths" 1
ours_stop

iop_finish
