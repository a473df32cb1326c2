#!/usr/bin/env bash
# Interop with OpenBGPD 7: an eBGP session from a 4-octet AS (4200000001),
# so every AS_PATH we get holds a 4-octet ASN (OpenBGPD can only prepend its
# own AS; it cannot originate an AS_SET). `network` routes set communities,
# large communities and MED. Checks: both sessions Established, every route
# counted, no attribute error, every route in our RIB with exactly those
# attributes, OpenBGPD's own view, our clean shutdown.
# Needs root, openbgpd (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init openbgpd
for b in bgpd bgpctl; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: scripts/install-deps --interop"
done
need_ours
netns_setup
# Its privilege-separated processes chroot there (the package's own path).
mkdir -p /run/openbgpd

PEER_AS=4200000001
SOCK=$TMP/bgpd.sock
CONF=$TMP/bgpd.conf
cat >"$CONF" <<EOF
AS $PEER_AS
router-id $MUX_V4
socket "$SOCK"
listen on $MUX_V4
listen on $MUX_V6
fib-update no

network 184.164.224.0/24 set { community 47065:1 large-community 47065:1:4200000001 }
network 184.164.225.0/24 set { community 47065:2 community 65000:100 large-community 4200000000:1:2 prepend-self 2 }
network 1.0.0.0/24 set med 50
network 2804:269c:1::/48 set { community 47065:1 large-community 47065:1:4200000001 }
network 2001:4860::/32 set { prepend-self 1 }

neighbor $OURS_V4 {
	remote-as $MUX_AS
	local-address $MUX_V4
	descr "ours-v4"
}
neighbor $OURS_V6 {
	remote-as $MUX_AS
	local-address $MUX_V6
	descr "ours-v6"
}

allow from any
allow to any
EOF
chmod 600 "$CONF"
N4=3
N6=2

bgpctl_() {
	ip netns exec "$NS_PEER" bgpctl -s "$SOCK" "$@"
}

ip netns exec "$NS_PEER" bgpd -n -f "$CONF" >"$TMP/bgpd.check" 2>&1 ||
    give_up "OpenBGPD rejects its config: $(cat "$TMP/bgpd.check")"
start_bg "$NS_PEER" "$TMP/bgpd.log" bgpd -d -v -f "$CONF"
BGPD_PID=$BG_PID
wait_for 15 "bgpd socket" bgpctl_ show >/dev/null ||
    give_up "OpenBGPD did not start: $(tail -3 "$TMP/bgpd.log")"
iop_log "OpenBGPD running, pid $BGPD_PID"

ours_start_pair obgp4 obgp6 "$PEER_AS"

core_checks obgp4 obgp6 "$N4" "$N6"

# Our RIB: each route once, via OpenBGPD (eBGP: next hop itself, no
# LOCAL_PREF), with what its `set` said.
# want PEER [KEY JSON]...: a path from PEER with these attributes.
want() {
	local peer=$1 a='{}'
	shift
	while [ $# -gt 1 ]; do
		a=$(jq -nc --argjson a "$a" --arg k "$1" --argjson v "$2" '$a + {($k): $v}')
		shift 2
	done
	jq -nc --arg peer "$peer" --arg ifn "$IF_OURS" --argjson a "$a" \
	    '{peer: $peer, interface: $ifn, stale: false,
	      attributes: ({origin: "IGP", med: null, local_pref: null,
		communities: null, large_communities: null, unknown: null} + $a)}'
}
path_of() {	# N: AS_PATH of N times the peer's AS
	jq -nc --argjson n "$1" --argjson asn "$PEER_AS" \
	    '[{type: "AS_SEQUENCE", asns: [range($n) | $asn]}]'
}
exp_reset
for p in 184.164.224.0/24 184.164.225.0/24 1.0.0.0/24 2804:269c:1::/48 \
    2001:4860::/32; do
	exp_prefix "$p" 1
done
exp_only
rib_expect "RIB: the $N4 + $N6 routes, one path each" 5
exp_reset
exp_path 184.164.224.0/24 "$MUX_V4" "$(want obgp4 as_path "\"$PEER_AS\"" \
    as_path_segments "$(path_of 1)" communities '[[47065,1]]' \
    large_communities '[[47065,1,4200000001]]')"
exp_path 184.164.225.0/24 "$MUX_V4" "$(want obgp4 \
    as_path "\"$PEER_AS $PEER_AS $PEER_AS\"" \
    as_path_segments "$(path_of 3)" communities '[[47065,2],[65000,100]]' \
    large_communities '[[4200000000,1,2]]')"
exp_path 1.0.0.0/24 "$MUX_V4" "$(want obgp4 as_path_segments "$(path_of 1)" \
    med 50)"
rib_expect "RIB, IPv4: AS_PATH of the 4-octet AS $PEER_AS (prepend-self 2), communities, large communities, MED, next hop $MUX_V4: intact" 1
exp_reset
exp_path 2804:269c:1::/48 "$MUX_V6" "$(want obgp6 \
    as_path_segments "$(path_of 1)" communities '[[47065,1]]' \
    large_communities '[[47065,1,4200000001]]')"
exp_path 2001:4860::/32 "$MUX_V6" "$(want obgp6 \
    as_path_segments "$(path_of 2)")"
rib_expect "RIB, IPv6: the same, next hop $MUX_V6" 1
check_session "IPv4: the peer's 4-octet AS" 1 obgp4 ".peer_as == $PEER_AS"

obgp_established() {
	bgpctl_ -j show neighbor "$1" |
	    jq -e '.neighbors[0].state == "Established"' >/dev/null
}
if wait_for 5 "OpenBGPD v4" obgp_established "$OURS_V4" &&
    wait_for 5 "OpenBGPD v6" obgp_established "$OURS_V6"; then
	pass "OpenBGPD sees both sessions Established"
else
	fail "OpenBGPD sees both sessions Established"
	bgpctl_ show
fi

ours_stop
obgp_got_cease() {
	grep -qi 'administrative\|administratively\|peering-bgpd shutting down' \
	    "$TMP/bgpd.log"
}
if wait_for 5 "OpenBGPD cease" obgp_got_cease; then
	pass "OpenBGPD received our Cease/Administrative Shutdown"
else
	fail "OpenBGPD received our Cease/Administrative Shutdown"
	tail -5 "$TMP/bgpd.log"
fi
alive "$BGPD_PID" && pass "OpenBGPD survived the run" ||
    fail "OpenBGPD survived the run"

iop_finish
