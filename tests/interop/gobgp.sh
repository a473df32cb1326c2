#!/usr/bin/env bash
# Interop with GoBGP 3 as a mux would be: iBGP AS 47065, one session per
# address family, routes injected through its API (`gobgp global rib add`)
# with 4-octet ASNs in the AS_PATH, an AS_SET, communities and large
# communities. Checks: both sessions Established, every route counted, no
# attribute error, GoBGP's own view, our clean shutdown.
# Needs root, gobgpd (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init gobgp
for b in gobgpd gobgp; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: scripts/install-deps --interop"
done
need_ours
netns_setup

API=127.0.0.1:50051	# inside the peer's namespace
cat >"$TMP/gobgpd.toml" <<EOF
[global.config]
  as = $MUX_AS
  router-id = "$MUX_V4"
  local-address-list = ["$MUX_V4", "$MUX_V6"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$OURS_V4"
    peer-as = $MUX_AS
  [neighbors.timers.config]
    connect-retry = 2
  [neighbors.transport.config]
    local-address = "$MUX_V4"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$OURS_V6"
    peer-as = $MUX_AS
  [neighbors.timers.config]
    connect-retry = 2
  [neighbors.transport.config]
    local-address = "$MUX_V6"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
EOF

gobgp_cli() {
	ip netns exec "$NS_PEER" gobgp -u "${API%:*}" -p "${API#*:}" "$@"
}

start_bg "$NS_PEER" "$TMP/gobgpd.log" gobgpd -f "$TMP/gobgpd.toml" \
    --api-hosts "$API" --pprof-disable -p
GOBGP_PID=$BG_PID
wait_for 15 "gobgpd API" gobgp_cli global >/dev/null ||
    give_up "gobgpd did not start: $(tail -3 "$TMP/gobgpd.log")"
iop_log "gobgpd running, pid $GOBGP_PID"

# The routes: 4-octet ASNs, an AS_SET, communities, large communities.
add4() {
	gobgp_cli global rib -a ipv4 add "$@" >>"$TMP/gobgp-cli.log" 2>&1 ||
	    fail "gobgp global rib add $*"
}
add6() {
	gobgp_cli global rib -a ipv6 add "$@" >>"$TMP/gobgp-cli.log" 2>&1 ||
	    fail "gobgp global rib add $*"
}
add4 184.164.224.0/24 nexthop 100.65.0.1 aspath 263842,4200000001,15169 \
    community 47065:1 large-community 47065:1:4200000001
add4 184.164.225.0/24 nexthop 100.65.0.2 aspath 3356,4200000002 \
    community 47065:2,65000:100 large-community 4200000000:1:2,47065:2:2
add4 8.8.8.0/24 nexthop 100.65.0.3 aspath "3356 {4200000003,15169}" \
    community 47065:3
add4 1.0.0.0/24 nexthop 100.65.0.1 aspath 13335
add6 2804:269c:1::/48 nexthop 2804:269c:ff00:1:2::1 \
    aspath 263842,4200000001,15169 community 47065:1 \
    large-community 47065:1:4200000001
add6 2001:4860::/32 nexthop 2804:269c:ff00:1:2::2 \
    aspath "3356 {4200000003,15169}" community 47065:2
add6 2606:4700::/32 nexthop 2804:269c:ff00:1:2::3 aspath 13335 \
    large-community 47065:3:3
N4=4
N6=3
n=$(gobgp_cli -j global rib -a ipv4 | jq 'length')
n6=$(gobgp_cli -j global rib -a ipv6 | jq 'length')
if [ "$n" = "$N4" ] && [ "$n6" = "$N6" ]; then
	pass "GoBGP holds the $N4 + $N6 routes to send"
else
	fail "GoBGP holds the $N4 + $N6 routes to send: it has $n + $n6"
	cat "$TMP/gobgp-cli.log"
fi

if gobgp_cli global rib -a ipv4 | grep -q '{4200000003, *15169}' &&
    gobgp_cli global rib -a ipv4 | grep -q '4200000001'; then
	pass "GoBGP will send 4-octet ASNs and an AS_SET"
else
	fail "GoBGP will send 4-octet ASNs and an AS_SET"
	gobgp_cli global rib -a ipv4
fi

ours_start "local-as $MUX_AS
router-id $OURS_V4
neighbor $MUX_V4 {
	name gobgp4
	remote-as $MUX_AS
	interface $IF_OURS
}
neighbor $MUX_V6 {
	name gobgp6
	remote-as $MUX_AS
	interface $IF_OURS
}"

core_checks gobgp4 gobgp6 "$N4" "$N6" \
    "4-octet AS_PATH, AS_SET {4200000003,15169}, communities, large communities"

# GoBGP's side of it.
gobgp_state() {
	gobgp_cli -j neighbor "$1" | jq -r '.state.session_state'
}
gobgp_established() {
	local s
	s=$(gobgp_state "$1")
	[ "$s" = 6 ] || [ "$s" = established ] || [ "$s" = ESTABLISHED ]
}
if wait_for 5 "gobgp sees v4" gobgp_established "$OURS_V4" &&
    wait_for 5 "gobgp sees v6" gobgp_established "$OURS_V6"; then
	pass "GoBGP sees both sessions Established"
else
	fail "GoBGP sees both sessions Established ($(gobgp_state "$OURS_V4"), $(gobgp_state "$OURS_V6"))"
fi

# A withdrawal through the API.
gobgp_cli global rib -a ipv4 del 1.0.0.0/24 >/dev/null 2>&1
check_session "IPv4: a withdrawal counted" 10 gobgp4 \
    '.stats.withdrawals_in == 1'

ours_stop
gobgp_got_cease() {
	grep -qi 'cease\|admin.*shutdown\|peering-bgpd shutting down' \
	    "$TMP/gobgpd.log" && ! gobgp_established "$OURS_V4"
}
if wait_for 5 "gobgp cease" gobgp_got_cease; then
	pass "GoBGP saw our session close with a Cease"
else
	fail "GoBGP saw our session close with a Cease"
	tail -5 "$TMP/gobgpd.log"
fi
alive "$GOBGP_PID" && pass "gobgpd survived the run" ||
    fail "gobgpd survived the run"

iop_finish
