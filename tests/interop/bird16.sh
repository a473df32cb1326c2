#!/usr/bin/env bash
# Interop with BIRD 1.6 configured like a PEERING mux: iBGP AS 47065 towards
# us, `add paths tx`, several paths per prefix (three static "upstreams"
# feeding one table, next hops 100.65.0.<peerid> as REFERENCE.md's upstream
# formula gives for tap1), IPv4 through `bird` and IPv6 through `bird6`.
# Checks: sessions, ADD-PATH paths counted, withdrawals, BIRD restarted,
# BIRD frozen (our hold timer), our link down/up, our clean shutdown.
# Needs root, bird (Debian package `bird`), jq. Ends with "N passed, M failed".
. "$(dirname "$0")/lib.sh"

iop_init bird16
for b in bird bird6 birdc birdc6; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: install Debian's bird (scripts/install-deps)"
done
need_ours
netns_setup

# The upstreams' next hops: 100.65.0.<peerid> (IPv4, on a link of the mux's
# namespace standing for the upstream side: a veth pair with both ends
# there, as the dummy driver may be missing) and 2804:269c:ff00:1:2::<peerid>
# (IPv6, inside the tunnel's /64).
IF_UP=${PFX}u
ip -n "$NS_PEER" link add "$IF_UP" type veth peer name "${PFX}v" ||
    give_up "cannot create the upstream link"
ip -n "$NS_PEER" addr add 100.65.0.254/24 dev "$IF_UP"
ip -n "$NS_PEER" link set "${PFX}v" up
ip -n "$NS_PEER" link set "$IF_UP" up

# What the mux sends: PREFIXES4 from each of the three upstreams, ONLY4
# from upstream 1 alone; same for IPv6.
PREFIXES4=(184.164.224.0/24 184.164.225.0/24 8.8.8.0/24 1.0.0.0/24)
ONLY4=(9.9.9.0/24)
PREFIXES6=(2804:269c:1::/48 2001:4860::/32 2606:4700::/32)
ONLY6=(2a00:1450::/32)
UPSTREAMS=3
N4=$(( ${#PREFIXES4[@]} * UPSTREAMS + ${#ONLY4[@]} ))	# paths sent, IPv4
N6=$(( ${#PREFIXES6[@]} * UPSTREAMS + ${#ONLY6[@]} ))

# bird_conf AF: the mux's config for bird (4) or bird6 (6).
bird_conf() {
	local af=$1 up p nh
	cat <<EOF
router id $MUX_V4;
log "$TMP/bird$af.log" all;
protocol device { scan time 10; }
EOF
	for up in $(seq 1 $UPSTREAMS); do
		echo "protocol static up$up {"
		if [ "$af" = 4 ]; then
			nh=100.65.0.$up
			for p in "${PREFIXES4[@]}"; do
				echo "	route $p via $nh;"
			done
			[ "$up" -ne 1 ] || for p in "${ONLY4[@]}"; do
				echo "	route $p via $nh;"
			done
		else
			nh=2804:269c:ff00:1:2::$up
			for p in "${PREFIXES6[@]}"; do
				echo "	route $p via $nh;"
			done
			[ "$up" -ne 1 ] || for p in "${ONLY6[@]}"; do
				echo "	route $p via $nh;"
			done
		fi
		echo "}"
	done
	# Static routes have no BGP attributes yet: set them on export, per
	# upstream. Upstream 1 is a 4-octet AS, the others 2-octet; each
	# path has its own communities, as a mux's upstreams' routes do.
	echo "filter to_client {"
	for up in $(seq 1 $UPSTREAMS); do
		local asn=$((up == 1 ? 4200000001 : 3356 + up))
		echo "	if proto = \"up$up\" then {"
		echo "		bgp_path.prepend(15169);"
		echo "		bgp_path.prepend($asn);"
		echo "		bgp_path.prepend(263842);"
		echo "		bgp_community.add((47065, $up));"
		echo "		bgp_community.add((3356, $((100 + up))));"
		echo "		bgp_large_community.add((47065, $up, 4200000001));"
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
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
}

BIRD4_PID=
BIRD6_PID=
bird_start() {
	local af=$1 bin=bird
	[ "$af" = 4 ] || bin=bird6
	rm -f "$TMP/bird$af.ctl"
	start_bg "$NS_PEER" "$TMP/bird$af.out" "$bin" -f -c "$TMP/bird$af.conf" \
	    -s "$TMP/bird$af.ctl" -P "$TMP/bird$af.pid"
	if [ "$af" = 4 ]; then BIRD4_PID=$BG_PID; else BIRD6_PID=$BG_PID; fi
	wait_file 10 "$TMP/bird$af.ctl" ||
	    give_up "$bin did not start: $(tail -3 "$TMP/bird$af.out")"
}

birdc_af() {
	local af=$1 bin=birdc
	shift
	[ "$af" = 4 ] || bin=birdc6
	ip netns exec "$NS_PEER" "$bin" -s "$TMP/bird$af.ctl" "$@"
}

# bird_state AF: BIRD's BGP state of mux1 ("Established", "Active", ...).
bird_state() {
	birdc_af "$1" show protocols all mux1 |
	    sed -n 's/^ *BGP state: *//p' | head -1
}

# bird_exported AF: how many routes BIRD exported to mux1.
bird_exported() {
	birdc_af "$1" show protocols all mux1 |
	    sed -n 's/^ *Routes: .* \([0-9]*\) exported.*/\1/p' | head -1
}

# bird_export_updates AF: route updates BIRD sent to mux1 since it started.
bird_export_updates() {
	birdc_af "$1" show protocols all mux1 |
	    awk '/Export updates:/ { print $NF; exit }'
}

bird_export_withdraws() {
	birdc_af "$1" show protocols all mux1 |
	    awk '/Export withdraws:/ { print $NF; exit }'
}

# counts_agree AF NAME OURS-PREFIXES OURS-WITHDRAWALS BIRD-UPDATES
# BIRD-WITHDRAWS: since the given bases, session NAME counted exactly the
# announcements and withdrawals BIRD says it sent. BIRD-WITHDRAWS "-": do
# not compare withdrawals (a freshly started BIRD6 may withdraw and re-add
# its static routes while they settle; it counts the withdrawal though only
# the re-announcement reaches the wire).
counts_agree() {
	local j
	j=$(session "$2") || return 1
	[ "$(( $(jq -r .stats.prefixes_in <<<"$j") - $3 ))" = \
	    "$(( $(bird_export_updates "$1") - $5 ))" ] || return 1
	[ "$6" = - ] ||
	[ "$(( $(jq -r .stats.withdrawals_in <<<"$j") - $4 ))" = \
	    "$(( $(bird_export_withdraws "$1") - $6 ))" ]
}

# check_counts DESCRIPTION AF NAME BASES...: counts_agree within 10 s.
check_counts() {
	local desc=$1
	shift
	if wait_for 10 "$desc" counts_agree "$@"; then
		pass "$desc"
	else
		fail "$desc"
		echo "  BIRD sent $(bird_export_updates "$1") updates and" \
		    "$(bird_export_withdraws "$1") withdrawals (bases ${*:5})"
		echo "  ours (bases $3 $4): $(session "$2" | jq -c .stats)"
	fi
}

bird_exported_is() {
	[ "$(bird_exported "$1")" = "$2" ]
}

bird_says() {
	[ "$(bird_state "$1")" = "$2" ]
}

# counter NAME FIELD: one counter of session NAME.
counter() {
	session "$1" | jq -r ".stats.$2"
}

bird_conf 4 >"$TMP/bird4.conf"
bird_conf 6 >"$TMP/bird6.conf"
bird_start 4
bird_start 6
iop_log "BIRD 1.6 running: bird pid $BIRD4_PID, bird6 pid $BIRD6_PID"

ours_start "local-as $MUX_AS
router-id $OURS_V4
hold-time 90
neighbor $MUX_V4 {
	name mux1
	remote-as $MUX_AS
	interface $IF_OURS
	hold-time 9
	add-path receive
}
neighbor $MUX_V6 {
	name mux1v6
	remote-as $MUX_AS
	interface $IF_OURS
	hold-time 9
	add-path receive
}"

# ---- 1. the sessions and every path ----
iop_log "1. sessions, ADD-PATH"
check_session "IPv4 session Established" 30 mux1 '.state == "Established"'
check_session "IPv6 session Established" 30 mux1v6 '.state == "Established"'
for s in mux1 mux1v6; do
	check_session "$s: ADD-PATH receive negotiated" 1 $s \
	    '.addpath_rx == true'
	check_session "$s: 4-octet AS negotiated, hold time 9" 1 $s \
	    '.as4 == true and .hold_time == 9'
done
wait_for 10 "BIRD exports v4" bird_exported_is 4 "$N4"
wait_for 10 "BIRD exports v6" bird_exported_is 6 "$N6"
e4=$(bird_exported 4)
e6=$(bird_exported 6)
if [ "$e4" = "$N4" ] && [ "$e6" = "$N6" ]; then
	pass "BIRD exports $N4 IPv4 and $N6 IPv6 paths (several per prefix)"
else
	fail "BIRD exports $N4 IPv4 and $N6 IPv6 paths: it says $e4 and $e6"
	birdc_af 4 show route export mux1 | head -20
fi
# BIRD6 may send a path twice while its static routes settle (an implicit
# replace, same path id): so at least N, and exactly what BIRD sent.
check_session "IPv4: all $N4 paths counted (${#PREFIXES4[@]} prefixes x $UPSTREAMS + ${#ONLY4[@]})" \
    20 mux1 ".stats.prefixes_in >= $N4"
check_session "IPv6: all $N6 paths counted (${#PREFIXES6[@]} prefixes x $UPSTREAMS + ${#ONLY6[@]})" \
    20 mux1v6 ".stats.prefixes_in >= $N6"
check_counts "IPv4: counted exactly what BIRD sent" 4 mux1 0 0 0 -
check_counts "IPv6: counted exactly what BIRD sent" 6 mux1v6 0 0 0 -
for s in mux1 mux1v6; do
	check_session "$s: no treat-as-withdraw, no discarded attribute" 1 $s \
	    '.stats.treat_as_withdraw == 0 and .stats.attribute_discards == 0 and .stats.withdrawals_in == 0'
done
if wait_for 5 "BIRD v4 sees Established" bird_says 4 Established &&
    wait_for 5 "BIRD v6 sees Established" bird_says 6 Established; then
	pass "BIRD sees both sessions Established"
else
	fail "BIRD sees both sessions Established (v4: $(bird_state 4), v6: $(bird_state 6))"
fi
rib_skip "AS_PATH 263842 4200000001 15169 (4-octet) received intact"
rib_skip "communities (47065,N) (3356,100+N) and large community (47065,N,4200000001) received intact"
rib_skip "per-upstream next hops 100.65.0.1-3 and 2804:269c:ff00:1:2::1-3 kept per path"

# ---- 2. withdrawals: one upstream goes away and comes back ----
iop_log "2. an upstream withdraws its paths"
w4=$(counter mux1 withdrawals_in)
w6=$(counter mux1v6 withdrawals_in)
p4=$(counter mux1 prefixes_in)
p6=$(counter mux1v6 prefixes_in)
bu4=$(bird_export_updates 4); bw4=$(bird_export_withdraws 4)
bu6=$(bird_export_updates 6); bw6=$(bird_export_withdraws 6)
birdc_af 4 disable up3 >/dev/null
birdc_af 6 disable up3 >/dev/null
check_session "IPv4: ${#PREFIXES4[@]} paths withdrawn (one per prefix)" 10 mux1 \
    ".stats.withdrawals_in == $((w4 + ${#PREFIXES4[@]}))"
check_session "IPv6: ${#PREFIXES6[@]} paths withdrawn (one per prefix)" 10 mux1v6 \
    ".stats.withdrawals_in == $((w6 + ${#PREFIXES6[@]}))"
birdc_af 4 enable up3 >/dev/null
birdc_af 6 enable up3 >/dev/null
check_session "IPv4: the paths come back" 10 mux1 \
    ".stats.prefixes_in >= $((p4 + ${#PREFIXES4[@]}))"
check_session "IPv6: the paths come back" 10 mux1v6 \
    ".stats.prefixes_in >= $((p6 + ${#PREFIXES6[@]}))"
check_counts "IPv4: counted exactly what BIRD sent and withdrew" 4 mux1 \
    "$p4" "$w4" "$bu4" "$bw4"
check_counts "IPv6: counted exactly what BIRD sent and withdrew" 6 mux1v6 \
    "$p6" "$w6" "$bu6" "$bw6"
check_session "IPv4: still up, once" 1 mux1 \
    '.state == "Established" and .stats.established == 1'
check_session "IPv6: still up, once" 1 mux1v6 \
    '.state == "Established" and .stats.established == 1'

# ---- 3. BIRD restarted ----
iop_log "3. BIRD stopped by its PID and started again"
p4=$(counter mux1 prefixes_in)
p6=$(counter mux1v6 prefixes_in)
w4=$(counter mux1 withdrawals_in)
w6=$(counter mux1v6 withdrawals_in)
stop_pid "$BIRD4_PID" 10
stop_pid "$BIRD6_PID" 10
check_session "IPv4: down when BIRD stops" 5 mux1 '.state != "Established"'
check_session "IPv6: down when BIRD stops" 5 mux1v6 '.state != "Established"'
check_session "IPv4: BIRD's Cease is the reason" 1 mux1 \
    '(.reason + " " + .info) | test("cease|shutdown|closed"; "i")'
bird_start 4
bird_start 6
t0=$(date +%s.%N)
check_session "IPv4: Established again after BIRD restarts" 30 mux1 \
    '.state == "Established" and .stats.established == 2'
iop_log "IPv4 back after $(elapsed_since "$t0") s"
check_session "IPv6: Established again after BIRD restarts" 30 mux1v6 \
    '.state == "Established" and .stats.established == 2'
check_session "IPv4: the $N4 paths again" 20 mux1 \
    ".stats.prefixes_in >= $((p4 + N4))"
check_session "IPv6: the $N6 paths again" 20 mux1v6 \
    ".stats.prefixes_in >= $((p6 + N6))"
# BIRD's counters start again with BIRD.
check_counts "IPv4: counted exactly what the new BIRD sent" 4 mux1 \
    "$p4" "$w4" 0 -
check_counts "IPv6: counted exactly what the new BIRD sent" 6 mux1v6 \
    "$p6" "$w6" 0 -

# ---- 4. BIRD frozen: our hold timer ----
iop_log "4. BIRD frozen (SIGSTOP): our hold timer (9 s) must fire"
wait_for 5 "settled" bird_says 4 Established >/dev/null
kill -STOP "$BIRD4_PID" "$BIRD6_PID"
t0=$(date +%s.%N)
if check_session "IPv4: leaves Established within 15 s of the freeze" 15 \
    mux1 '.state != "Established"'; then
	iop_log "IPv4 down after $(elapsed_since "$t0") s"
fi
check_session "IPv6: leaves Established within 15 s of the freeze" 5 \
    mux1v6 '.state != "Established"'
check_session "IPv4: the hold timer is the reason" 1 mux1 \
    '(.reason + " " + .info) | test("hold"; "i")'
check_session "IPv6: the hold timer is the reason" 1 mux1v6 \
    '(.reason + " " + .info) | test("hold"; "i")'
kill -CONT "$BIRD4_PID" "$BIRD6_PID"
t0=$(date +%s.%N)
check_session "IPv4: Established again once BIRD runs" 30 mux1 \
    '.state == "Established" and .stats.established == 3'
iop_log "IPv4 back after $(elapsed_since "$t0") s"
check_session "IPv6: Established again once BIRD runs" 30 mux1v6 \
    '.state == "Established" and .stats.established == 3'

# ---- 5. our link down and up ----
iop_log "5. our link $IF_OURS down, then up"
ip -n "$NS_OURS" link set "$IF_OURS" down
t0=$(date +%s.%N)
check_session "IPv4: Idle within 2 s of link down, info names $IF_OURS" 2 \
    mux1 ".state == \"Idle\" and ((.info + \" \" + .reason) | contains(\"$IF_OURS\"))"
iop_log "IPv4 Idle after $(elapsed_since "$t0") s"
check_session "IPv6: Idle within 2 s of link down, info names $IF_OURS" 1 \
    mux1v6 ".state == \"Idle\" and ((.info + \" \" + .reason) | contains(\"$IF_OURS\"))"
sleep 1
check_session "IPv4: stays Idle while the link is down" 1 mux1 \
    '.state == "Idle"'
ip -n "$NS_OURS" link set "$IF_OURS" up
# Linux drops a link's IPv6 addresses when it goes down; put them back, as
# the tunnel's up script does when a tap comes back.
ip -n "$NS_OURS" addr replace "$OURS_V6/64" dev "$IF_OURS" nodad
ip -n "$NS_PEER" addr replace "$MUX_V6/64" dev "$IF_PEER" nodad
t0=$(date +%s.%N)
check_session "IPv4: Established again after link up" 40 mux1 \
    '.state == "Established" and .stats.established == 4'
iop_log "IPv4 back after $(elapsed_since "$t0") s"
check_session "IPv6: Established again after link up" 40 mux1v6 \
    '.state == "Established" and .stats.established == 4'
for s in mux1 mux1v6; do
	check_session "$s: no attribute error over the whole run" 1 $s \
	    '.stats.treat_as_withdraw == 0 and .stats.attribute_discards == 0'
done

# ---- 6. our shutdown: Cease to BIRD ----
iop_log "6. peering-bgpd stopped with SIGTERM"
# BIRD logs every NOTIFICATION it receives ("mux1: Received: ...").
cease_count() {
	grep -c 'Received: Administrative shutdown' "$TMP/bird$1.log"
}
c4=$(cease_count 4)
c6=$(cease_count 6)
ours_stop
cease_more() {
	[ "$(cease_count "$1")" -gt "$2" ]
}
if wait_for 5 "BIRD got our Cease" cease_more 4 "$c4" &&
    wait_for 5 "BIRD6 got our Cease" cease_more 6 "$c6"; then
	pass "BIRD and BIRD6 received our Cease/Administrative Shutdown"
else
	fail "BIRD and BIRD6 received our Cease/Administrative Shutdown"
	tail -5 "$TMP/bird4.log" "$TMP/bird6.log"
fi
if alive "$BIRD4_PID" && alive "$BIRD6_PID"; then
	pass "BIRD survived the whole run"
else
	fail "BIRD survived the whole run"
fi

iop_finish
