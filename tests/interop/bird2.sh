#!/usr/bin/env bash
# Interop with BIRD 2 (unpacked from Debian's bird2 into build/peers/bird2,
# since it conflicts with BIRD 1.6), configured like a mux: iBGP AS 47065,
# one binary for both families, `add paths tx` in each channel, three static
# "upstreams" (next hops 100.65.0.<peerid>) so each prefix has several
# paths, 4-octet ASNs, communities, large communities and MED set on export
# (BIRD 2.0 cannot originate an AS_SET).
# Checks: both sessions Established with ADD-PATH, every path counted
# (exactly as many as BIRD says it sent), no attribute error, the paths
# kept apart in our RIB with their attributes and next hops and the best by
# MED, BIRD's view, our clean shutdown.
# Needs root, scripts/install-deps --interop (bird2 + libssh-gcrypt-4), jq.
. "$(dirname "$0")/lib.sh"

iop_init bird2
BIRD=$BIRD2_DIR/usr/sbin/bird
BIRDC=$BIRD2_DIR/usr/sbin/birdc
[ -x "$BIRD" ] && [ -x "$BIRDC" ] ||
    give_up "$BIRD not found: scripts/install-deps --interop"
"$BIRD" --version >/dev/null 2>&1 ||
    give_up "$BIRD does not run (libssh-gcrypt-4 missing?)"
need_ours
netns_setup

IF_UP=${PFX}u
ip -n "$NS_PEER" link add "$IF_UP" type veth peer name "${PFX}v" ||
    give_up "cannot create the upstream link"
ip -n "$NS_PEER" addr add 100.65.0.254/24 dev "$IF_UP"
ip -n "$NS_PEER" link set "${PFX}v" up
ip -n "$NS_PEER" link set "$IF_UP" up

PREFIXES4=(184.164.224.0/24 8.8.8.0/24 1.0.0.0/24)
PREFIXES6=(2804:269c:1::/48 2001:4860::/32)
UPSTREAMS=3
N4=$(( ${#PREFIXES4[@]} * UPSTREAMS ))
N6=$(( ${#PREFIXES6[@]} * UPSTREAMS ))

{
	echo "router id $MUX_V4;"
	echo "log \"$TMP/bird.log\" all;"
	echo "protocol device { scan time 10; }"
	for up in $(seq 1 $UPSTREAMS); do
		echo "protocol static up${up}_4 {"
		echo "	ipv4;"
		for p in "${PREFIXES4[@]}"; do
			echo "	route $p via 100.65.0.$up;"
		done
		echo "}"
		echo "protocol static up${up}_6 {"
		echo "	ipv6;"
		for p in "${PREFIXES6[@]}"; do
			echo "	route $p via 2804:269c:ff00:1:2::$up;"
		done
		echo "}"
	done
	echo "filter to_client {"
	for up in $(seq 1 $UPSTREAMS); do
		asn=$((up == 1 ? 4200000001 : 3356 + up))
		echo "	if proto ~ \"up${up}_*\" then {"
		echo "		bgp_path.prepend(15169);"
		echo "		bgp_path.prepend($asn);"
		echo "		bgp_path.prepend(263842);"
		echo "		bgp_community.add((47065, $up));"
		echo "		bgp_large_community.add((47065, $up, 4200000001));"
		echo "		bgp_med = $((40 - 10 * up));"
		echo "	}"
	done
	echo "	accept;"
	echo "}"
	for af in 4 6; do
		me=$MUX_V4; peer=$OURS_V4; name=mux1
		[ $af = 4 ] || { me=$MUX_V6; peer=$OURS_V6; name=mux1v6; }
		cat <<EOF
protocol bgp $name {
	local $me as $MUX_AS;
	neighbor $peer as $MUX_AS;
	ipv$af {
		add paths tx;
		import all;
		export filter to_client;
	};
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
	done
} >"$TMP/bird.conf"

birdc_() {
	ip netns exec "$NS_PEER" "$BIRDC" -s "$TMP/bird.ctl" "$@"
}

start_bg "$NS_PEER" "$TMP/bird.out" "$BIRD" -f -c "$TMP/bird.conf" \
    -s "$TMP/bird.ctl" -P "$TMP/bird.pid"
BIRD_PID=$BG_PID
wait_file 10 "$TMP/bird.ctl" ||
    give_up "BIRD 2 did not start: $(tail -3 "$TMP/bird.out")"
iop_log "BIRD 2 running, pid $BIRD_PID"

ours_start_pair mux1 mux1v6 "$MUX_AS" "add-path receive"

check_session "IPv4 session Established" 30 mux1 '.state == "Established"'
check_session "IPv6 session Established" 30 mux1v6 '.state == "Established"'
for s in mux1 mux1v6; do
	check_session "$s: ADD-PATH receive and 4-octet AS negotiated" 1 $s \
	    '.addpath_rx == true and .as4 == true'
done

bird_exported() {
	birdc_ show protocols all "$1" |
	    sed -n 's/^ *Routes: .* \([0-9]*\) exported.*/\1/p' | head -1
}
bird_export_updates() {
	birdc_ show protocols all "$1" |
	    awk '/Export updates:/ { print $NF; exit }'
}
exported_is() {
	[ "$(bird_exported "$1")" = "$2" ]
}
if wait_for 10 "v4 export" exported_is mux1 "$N4" &&
    wait_for 10 "v6 export" exported_is mux1v6 "$N6"; then
	pass "BIRD 2 exports $N4 IPv4 and $N6 IPv6 paths (three per prefix)"
else
	fail "BIRD 2 exports $N4 IPv4 and $N6 IPv6 paths: $(bird_exported mux1), $(bird_exported mux1v6)"
fi
check_session "IPv4: all $N4 paths counted" 20 mux1 \
    ".stats.prefixes_in >= $N4"
check_session "IPv6: all $N6 paths counted" 20 mux1v6 \
    ".stats.prefixes_in >= $N6"
# A path may be sent twice while static routes settle (an implicit
# replace): exactly as many as BIRD says it sent.
agree() {
	[ "$(session "$1" | jq -r .stats.prefixes_in)" = \
	    "$(bird_export_updates "$1")" ]
}
for s in mux1 mux1v6; do
	if wait_for 10 "agree $s" agree $s; then
		pass "$s: counted exactly what BIRD 2 sent"
	else
		fail "$s: counted exactly what BIRD 2 sent:" \
		    "BIRD $(bird_export_updates $s), counted" \
		    "$(session $s | jq -r .stats.prefixes_in)"
	fi
	check_session "$s: no attribute error, no flap" 1 $s \
	    '.stats.treat_as_withdraw == 0 and .stats.attribute_discards == 0 and .stats.established == 1'
done

# Our RIB: per prefix one path per upstream, the best by the lowest MED
# (upstream 3: not the lowest path id), each with its upstream's attributes.
up_nh() {
	if [ "$1" = 4 ]; then echo "100.65.0.$2"; else echo "2804:269c:ff00:1:2::$2"; fi
}
want_up() {
	local af=$1 up=$2 asn peer=mux1
	asn=$((up == 1 ? 4200000001 : 3356 + up))
	[ "$af" = 4 ] || peer=mux1v6
	jq -nc --argjson up "$up" --argjson asn "$asn" --arg peer "$peer" \
	    --arg ifn "$IF_OURS" '{peer: $peer, interface: $ifn, stale: false,
	    attributes: {origin: "IGP", as_path: "263842 \($asn) 15169",
		as_path_segments: [{type: "AS_SEQUENCE", asns: [263842, $asn, 15169]}],
		communities: [[47065, $up]],
		large_communities: [[47065, $up, 4200000001]],
		med: (40 - 10 * $up), local_pref: 100, unknown: null}}'
}
exp_reset
for p in "${PREFIXES4[@]}"; do exp_prefix "$p" $UPSTREAMS "$(up_nh 4 3)"; done
for p in "${PREFIXES6[@]}"; do exp_prefix "$p" $UPSTREAMS "$(up_nh 6 3)"; done
exp_only
rib_expect "RIB: ADD-PATH paths kept apart, $UPSTREAMS per prefix, ids distinct, one best, by lowest MED (upstream 3)" 10
for af in 4 6; do
	exp_reset
	[ $af = 4 ] && ps=("${PREFIXES4[@]}") || ps=("${PREFIXES6[@]}")
	for p in "${ps[@]}"; do
		for up in $(seq 1 $UPSTREAMS); do
			exp_path "$p" "$(up_nh $af "$up")" "$(want_up $af "$up")"
		done
	done
	rib_expect "RIB, IPv$af: AS_PATH 263842 <4200000001|3358|3359> 15169, communities, large communities, MED, LOCAL_PREF, next hop per upstream: intact per path" 5
done

bird_says_established() {
	birdc_ show protocols all "$1" | grep -q 'BGP state: *Established'
}
if bird_says_established mux1 && bird_says_established mux1v6; then
	pass "BIRD 2 sees both sessions Established"
else
	fail "BIRD 2 sees both sessions Established"
fi

cease_count() {
	grep -c 'Received: Administrative shutdown' "$TMP/bird.log"
}
cease_two() {
	[ "$(cease_count)" -ge 2 ]
}
ours_stop
if wait_for 5 "BIRD 2 cease" cease_two; then
	pass "BIRD 2 received our Cease/Administrative Shutdown on both sessions"
else
	fail "BIRD 2 received our Cease/Administrative Shutdown on both sessions"
	tail -5 "$TMP/bird.log"
fi
alive "$BIRD_PID" && pass "BIRD 2 survived the run" ||
    fail "BIRD 2 survived the run"

iop_finish
