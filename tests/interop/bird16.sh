#!/usr/bin/env bash
# Interop with BIRD 1.6 configured like a PEERING mux: iBGP AS 47065 towards
# us, `add paths tx`, several paths per prefix (three static "upstreams"
# feeding one table, next hops 100.65.0.<peerid> as REFERENCE.md's upstream
# formula gives for tap1), IPv4 through `bird` and IPv6 through `bird6`.
# Checks: sessions, ADD-PATH paths counted and kept apart in our RIB with
# their attributes (4-octet ASNs, communities, large communities, MED,
# LOCAL_PREF) and next hops, best path, withdrawals, BIRD restarted, BIRD
# frozen (our hold timer), our link down/up, our clean shutdown.
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

# Upstream N's attributes, as set by BIRD's export filter.
up_asn() { echo $(($1 == 1 ? 4200000001 : 3356 + $1)); }
up_med() { echo $((40 - 10 * $1)); }
up_lp() { echo $(($1 == 1 ? 120 : 100)); }
up_nh() {
	if [ "$1" = 4 ]; then echo "100.65.0.$2"; else echo "2804:269c:ff00:1:2::$2"; fi
}

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
	# Upstream 1 has the highest LOCAL_PREF (its paths are best) and the
	# highest MED: without it, the lowest MED (upstream 3) wins, not the
	# lowest path id.
	echo "filter to_client {"
	for up in $(seq 1 $UPSTREAMS); do
		local asn
		asn=$(up_asn "$up")
		echo "	if proto = \"up$up\" then {"
		echo "		bgp_path.prepend(15169);"
		echo "		bgp_path.prepend($asn);"
		echo "		bgp_path.prepend(263842);"
		echo "		bgp_community.add((47065, $up));"
		echo "		bgp_community.add((3356, $((100 + up))));"
		echo "		bgp_large_community.add((47065, $up, 4200000001));"
		echo "		bgp_med = $(up_med "$up");"
		echo "		bgp_local_pref = $(up_lp "$up");"
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

# want_up AF N: what our RIB must hold for upstream N's path.
want_up() {
	local af=$1 n=$2 peer=mux1
	[ "$af" = 4 ] || peer=mux1v6
	jq -nc --argjson n "$n" --argjson asn "$(up_asn "$n")" \
	    --argjson med "$(up_med "$n")" --argjson lp "$(up_lp "$n")" \
	    --arg peer "$peer" --arg ifn "$IF_OURS" --arg nh "$(up_nh "$af" "$n")" \
	    --argjson v4 "$([ "$af" = 4 ] && echo true || echo false)" '
	    {peer: $peer, interface: $ifn, stale: false,
	     attributes: ({origin: "IGP", as_path: "263842 \($asn) 15169",
		as_path_segments: [{type: "AS_SEQUENCE", asns: [263842, $asn, 15169]}],
		communities: [[47065, $n], [3356, 100 + $n]],
		large_communities: [[47065, $n, 4200000001]],
		med: $med, local_pref: $lp, unknown: null}
		+ (if $v4 then {next_hop: $nh} else {} end))}'
}

# expect_paths [DOWN]: every prefix with one path per upstream that sends
# it (upstream DOWN withdrawn), nothing else; the best path by LOCAL_PREF
# (upstream 1), else by MED (upstream 3).
expect_paths() {
	local down=${1:-0} af p n up best
	exp_reset
	for af in 4 6; do
		local -n shared=PREFIXES$af only=ONLY$af
		n=$UPSTREAMS
		best=$(up_nh "$af" 1)
		if [ "$down" -ne 0 ]; then
			n=$((n - 1))
			[ "$down" -ne 1 ] || best=$(up_nh "$af" 3)
		fi
		for p in "${shared[@]}"; do
			exp_prefix "$p" "$n" "$best"
		done
		for p in "${only[@]}"; do
			if [ "$down" = 1 ]; then
				exp_prefix "$p" 0
			else
				exp_prefix "$p" 1 "$(up_nh "$af" 1)"
			fi
		done
		unset -n shared only
	done
	exp_only
}

# expect_attrs AF: every path's attributes as its upstream set them.
expect_attrs() {
	local af=$1 p up
	local -n shared=PREFIXES$af only=ONLY$af
	exp_reset
	for p in "${shared[@]}"; do
		for up in $(seq 1 $UPSTREAMS); do
			exp_path "$p" "$(up_nh "$af" "$up")" "$(want_up "$af" "$up")"
		done
	done
	for p in "${only[@]}"; do
		exp_path "$p" "$(up_nh "$af" 1)" "$(want_up "$af" 1)"
	done
	unset -n shared only
}

# rib_full WHAT: the whole RIB is back as BIRD sends it.
rib_full() {
	expect_paths
	rib_expect "$1: every path in our RIB again (${#PREFIXES4[@]}+${#ONLY4[@]} + ${#PREFIXES6[@]}+${#ONLY6[@]} prefixes, $N4 + $N6 paths)" 20
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
expect_paths
rib_expect "RIB: ADD-PATH paths kept apart: $UPSTREAMS per shared prefix, 1 per single-upstream one, ids distinct, exactly one best, by LOCAL_PREF (upstream 1), nothing else" 10
expect_attrs 4
rib_expect "RIB, IPv4: AS_PATH 263842 <4200000001|3358|3359> 15169, communities (47065,N) (3356,100+N), large (47065,N,4200000001), MED, LOCAL_PREF, next hop 100.65.0.N: intact per path" 5
expect_attrs 6
rib_expect "RIB, IPv6: the same attributes intact per path, next hop 2804:269c:ff00:1:2::N" 5
exp_reset
exp_prefix 8.8.8.0/24 "$UPSTREAMS" 100.65.0.1
exp_only
rib_expect "show route 8.8.8.0/24 json: that prefix alone, its $UPSTREAMS paths" 1 8.8.8.0/24

# ---- 2. withdrawals: one upstream goes away and comes back ----
iop_log "2. upstream 1 (the best paths) withdraws its paths"
w4=$(counter mux1 withdrawals_in)
w6=$(counter mux1v6 withdrawals_in)
p4=$(counter mux1 prefixes_in)
p6=$(counter mux1v6 prefixes_in)
bu4=$(bird_export_updates 4); bw4=$(bird_export_withdraws 4)
bu6=$(bird_export_updates 6); bw6=$(bird_export_withdraws 6)
W4=$(( ${#PREFIXES4[@]} + ${#ONLY4[@]} ))
W6=$(( ${#PREFIXES6[@]} + ${#ONLY6[@]} ))
birdc_af 4 disable up1 >/dev/null
birdc_af 6 disable up1 >/dev/null
check_session "IPv4: $W4 paths withdrawn (one per prefix)" 10 mux1 \
    ".stats.withdrawals_in == $((w4 + W4))"
check_session "IPv6: $W6 paths withdrawn (one per prefix)" 10 mux1v6 \
    ".stats.withdrawals_in == $((w6 + W6))"
expect_paths 1
rib_expect "RIB: upstream 1's paths gone, single-upstream prefixes gone, best now by lowest MED (upstream 3, not the lowest path id)" 5
birdc_af 4 enable up1 >/dev/null
birdc_af 6 enable up1 >/dev/null
check_session "IPv4: the paths come back" 10 mux1 \
    ".stats.prefixes_in >= $((p4 + W4))"
check_session "IPv6: the paths come back" 10 mux1v6 \
    ".stats.prefixes_in >= $((p6 + W6))"
rib_full "upstream 1 back"
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
rib_empty "RIB: BIRD's paths removed at its Cease" 3
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
rib_full "BIRD restarted"

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
rib_empty "RIB: the paths removed when the hold timer fires" 2
kill -CONT "$BIRD4_PID" "$BIRD6_PID"
t0=$(date +%s.%N)
check_session "IPv4: Established again once BIRD runs" 30 mux1 \
    '.state == "Established" and .stats.established == 3'
iop_log "IPv4 back after $(elapsed_since "$t0") s"
check_session "IPv6: Established again once BIRD runs" 30 mux1v6 \
    '.state == "Established" and .stats.established == 3'
rib_full "BIRD unfrozen"

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
rib_empty "RIB: the paths removed with the link" 1
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
rib_full "link up"
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
