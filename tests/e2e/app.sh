#!/usr/bin/env bash
# `peering app` end to end, on the emulated muxes of lib.sh: after the
# tunnels, the daemon and an announcement of 184.164.224.0/24, an app in
# a /28 of it reaches the Internet host behind AS 174, and the packet
# counters prove the way it went:
#
#   1. -n, no -u: the tap of table 20000's best route to the host carries
#      the pings;
#   2. -n -u amsterdam01 (not the best mux): tap5 carries them, tap1 not;
#   3. -n -u amsterdam01:2: tap5 carries them to next hop 100.69.0.2 (the
#      client's neighbour entry for it), and amsterdam01's link to
#      upstream 2 (AS 174) carries them on;
#   4. -b -u seattle01: a namespace standing in for a container, attached
#      to bridge pbr4 by a veth, pings through tap1;
#   5. every -d leaves no link, address, rule, route or namespace.
#
# `peering app` runs in the client's network namespace (nsenter: the
# host's mount namespace, so the namespaces it names stay visible) with
# PEERING_NETNS_DIR=$TMP/netns: its papp<ID> files never meet /run/netns.
# As root, after `make`: bash tests/e2e/app.sh. Ends with "N passed, M
# failed" (exit 1 on failure). E2E_KEEP=1 keeps $TMP.
set -u
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_init app
A=amsterdam01
S=seattle01
NA=$(mux_tap $A)
NSS=$(mux_tap $S)
PINGS=20

# app ARGS...: `peering app ARGS` in the client's namespace (lib.sh's
# peering: PEERING_NETNS_DIR=$TMP/netns); $OUT $ERR $RC.
app() {
	peering app "$@"
}
# ping_from NSFILE: $PINGS pings to the host, all answered.
ping_from() {
	nsenter --net="$1" ping -n -q -c "$PINGS" -i 0.05 -W 2 "$E2E_HOST" \
	    >"$TMP/ping.out" 2>&1 &&
	    grep -q " $PINGS received" "$TMP/ping.out"
}
# through DESC NSFILE NS DEV [NS DEV]...: the ping works and each DEV of
# NS sent at least $PINGS packets meanwhile.
through() {
	local desc=$1 nsfile=$2 i
	shift 2
	local -a before=() args=("$@")
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		before+=("$(tx_packets "${args[i]}" "${args[i + 1]}")")
	done
	if ping_from "$nsfile"; then
		pass "$desc: $PINGS pings to $E2E_HOST answered"
	else
		fail "$desc: ping to $E2E_HOST"
		sed 's/^/  | /' "$TMP/ping.out"
	fi
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		local d=$(($(tx_packets "${args[i]}" "${args[i + 1]}") - before[i / 2]))
		if [ "$d" -ge "$PINGS" ]; then
			pass "$desc: ${args[i + 1]} carried them ($d packets)"
		else
			fail "$desc: ${args[i + 1]} sent $d packets, want >= $PINGS"
		fi
	done
}
# not_through DESC NSFILE NS DEV: the ping works and DEV did not carry it.
not_through() {
	local before d
	before=$(tx_packets "$3" "$4")
	ping_from "$2" || fail "$1: ping to $E2E_HOST"
	d=$(($(tx_packets "$3" "$4") - before))
	if [ "$d" -lt "$PINGS" ]; then
		pass "$1: $4 did not carry them ($d packets)"
	else
		fail "$1: $4 sent $d packets"
	fi
}
# ---- the bed, the tunnels, the daemon, the announcement ----

say "Setting up the muxes, the tunnels, the daemon"
e2e_bed_up
e2e_client_dir
e2e_bed_wait
for m in $A $S; do
	peering openvpn up $m
	expect_rc "openvpn up $m" || { vpn_diag $m; give_up "no tunnel to $m"; }
done
peering bgp start
expect_rc "bgp start" || give_up "peering-bgpd did not start"
session_is_up() {	# MUX: its IPv4 session Established
	ours_json | jq -e --arg n "$1" 'any(.protocols[]; .name == $n and
	    .af == "ipv4" and .state == "Established")' >/dev/null
}
for m in $A $S; do
	expect_ok "$m: IPv4 session Established" 30 session_is_up $m ||
	    give_up "no session with $m"
done
host_route() { [ -n "$(best_tap)" ]; }
expect_ok "table 20000 has a route to $E2E_HOST_NET" 20 host_route ||
    give_up "no route to the host"
peering prefix announce "$E2E_PREFIX"
expect_rc "prefix announce $E2E_PREFIX"
u2_has_prefix() { [ "$(bird_routes u2 "$E2E_PREFIX")" != absent ]; }
expect_ok "AS 174 has $E2E_PREFIX" 20 u2_has_prefix
BEST=$(best_tap)
info "the best route to $E2E_HOST_NET leaves by $BEST"

# ---- 1. namespace, table 20000 ----

say "app -i 1 -n: egress by table 20000 ($BEST)"
app -i 1 -n -p 184.164.224.16/28
expect_rc "app -i 1 -n -p 184.164.224.16/28"
through "papp1 (table 20000)" "$TMP/netns/papp1" "$NS_C" "$BEST"
app status --json
if jq -e '.[0].id == 1 and .[0].egress == "all" and .[0].ok' <<<"$OUT" >/dev/null; then
	pass "app status: papp1 whole"
else
	fail "app status: $OUT"
fi
app -i 1 -n -d
expect_rc "app -i 1 -n -d"

# ---- 2. namespace, -u MUX ----

say "app -i 2 -n -u $A: egress by tap$NA only"
app -i 2 -n -p 184.164.224.32/28 -u $A
expect_rc "app -i 2 -n -u $A"
through "papp2 (-u $A)" "$TMP/netns/papp2" "$NS_C" "tap$NA"
not_through "papp2 (-u $A)" "$TMP/netns/papp2" "$NS_C" "tap$NSS"
app -i 2 -n -d
expect_rc "app -i 2 -n -d"

# ---- 3. namespace, -u MUX:PEER ----

say "app -i 3 -n -u $A:2: egress by tap$NA, next hop $(nh_v4 "$NA" 2), upstream 2"
app -i 3 -n -p 184.164.224.48/28 -u $A:2
expect_rc "app -i 3 -n -u $A:2"
through "papp3 (-u $A:2)" "$TMP/netns/papp3" "$NS_C" "tap$NA" \
    "$(mux_ns $A)" "${PFX}${NA}u2"
if ip -n "$NS_C" neigh show dev "tap$NA" | grep -q "^$(nh_v4 "$NA" 2) "; then
	pass "papp3: the client sent to next hop $(nh_v4 "$NA" 2)"
else
	fail "papp3: no neighbour entry for $(nh_v4 "$NA" 2) on tap$NA"
fi
app status
info "$OUT"
app -i 3 -n -d
expect_rc "app -i 3 -n -d"

# ---- 4. bridge, a namespace as the container ----

say "app -i 4 -b -u $S: a namespace attached to pbr4"
app -i 4 -b -p 184.164.224.64/28 -u $S
expect_rc "app -i 4 -b -u $S"
K=${PFX}k
e2e_ns_add "$K"
ip link add "${PFX}kv" netns "$NS_C" type veth peer name eth0 netns "$K"
ip -n "$NS_C" link set "${PFX}kv" master pbr4 up
ip -n "$K" addr add 184.164.224.65/28 dev eth0
ip -n "$K" link set eth0 up
ip -n "$K" route add default via 184.164.224.78
through "pbr4 (-u $S)" "/run/netns/$K" "$NS_C" "tap$NSS" "$NS_C" pbr4
ip -n "$NS_C" link del "${PFX}kv"
app -i 4 -b -d
expect_rc "app -i 4 -b -d"

# ---- 5. nothing left ----

say "Nothing left"
expect_eq "no link, rule, route, address or namespace of an app" 5 "" app_leftovers
peering prefix withdraw "$E2E_PREFIX"
e2e_finish
