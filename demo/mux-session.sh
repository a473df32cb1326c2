#!/usr/bin/env bash
# make demo, part 2: the client against an emulated PEERING mux.
#
# Two network namespaces: "mux" runs BIRD 1.6 configured like a PEERING
# mux (iBGP AS 47065, three upstreams, several paths per prefix sent with
# ADD-PATH), "client" runs our peering-bgpd through the real `./peering`
# commands. The client's end of the link is called tap1, as OpenVPN names
# the tunnel to seattle01, and the client directory has the one
# configs/openvpn/seattle01.conf that makes it a mux of ours. Everything is
# removed at the end, also on failure.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
TAG=pdm$$
NS_MUX=${TAG}m NS_CLIENT=${TAG}c
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
BIRD_PID= BIRD6_PID=

cleanup() {
	ip netns exec "$NS_CLIENT" env PEERING_DIR="$TMP/client" \
	    "$ROOT/peering" bgp stop > /dev/null 2>&1
	for p in $BIRD_PID $BIRD6_PID; do kill "$p" 2>/dev/null; done
	ip netns del "$NS_MUX" 2>/dev/null
	ip netns del "$NS_CLIENT" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }
run() {		# shows the command a user would type, then runs it
	printf '   $ %s\n' "$*"
	ip netns exec "$NS_CLIENT" env PEERING_DIR="$TMP/client" "$@" 2>&1 |
	    sed 's/^/   /'
}
wait_until() {	# seconds, command...
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
established() {
	ip netns exec "$NS_CLIENT" env PEERING_DIR="$TMP/client" \
	    "$ROOT/peering" bgp cli show protocols json 2>/dev/null |
	    jq -e '[.protocols[] | select(.state == "Established")] |
	    length == 2' > /dev/null
}

if [ "$(id -u)" -ne 0 ] || ! command -v bird > /dev/null; then
	echo "(skipping the session demo: it needs root and BIRD 1.6;"
	echo " scripts/install-deps installs it)"
	exit 0
fi

# The tunnel: mux side 100.65.128.1 and 2804:269c:ff00:1:1::1, client side
# .2 (REFERENCE.md's addresses for tap1), and an upstream link on the mux.
ip netns add "$NS_MUX" && ip netns add "$NS_CLIENT" || exit 1
ip link add "${TAG}t" netns "$NS_MUX" type veth peer name tap1 \
    netns "$NS_CLIENT" || exit 1
ip link add "${TAG}u" netns "$NS_MUX" type veth peer name "${TAG}v" \
    netns "$NS_MUX"
for ns in "$NS_MUX" "$NS_CLIENT"; do ip -n "$ns" link set lo up; done
ip -n "$NS_MUX" addr add 100.65.128.1/24 dev "${TAG}t"
ip -n "$NS_MUX" addr add 2804:269c:ff00:1:1::1/64 dev "${TAG}t" nodad
ip -n "$NS_MUX" addr add 100.65.0.254/24 dev "${TAG}u"
ip -n "$NS_MUX" addr add 2804:269c:ff00:1:2::fe/64 dev "${TAG}u" nodad
for l in "${TAG}t" "${TAG}u" "${TAG}v"; do ip -n "$NS_MUX" link set "$l" up; done
ip netns exec "$NS_MUX" sysctl -qw "net.ipv6.conf.${TAG}t.accept_dad=0"
ip netns exec "$NS_CLIENT" sysctl -qw net.ipv6.conf.tap1.accept_dad=0
ip netns exec "$NS_CLIENT" sysctl -qw net.ipv6.conf.tap1.keep_addr_on_down=1

# The mux: three upstreams (peer ids 1..3, next hops 100.65.0.<id>), each
# with its own AS path and communities, every path sent with ADD-PATH.
mux_conf() {	# 4 or 6
	local af=$1 up nh p prefixes
	if [ "$af" = 4 ]; then
		prefixes="1.1.1.0/24 8.8.8.0/24 9.9.9.0/24"
	else
		prefixes="2001:4860::/32 2606:4700::/32"
	fi
	echo "router id 100.65.128.1;"
	echo "log \"$TMP/bird$af.events\" all;"
	echo "protocol device { scan time 10; }"
	for up in 1 2 3; do
		[ "$af" = 4 ] && nh=100.65.0.$up || nh=2804:269c:ff00:1:2::$up
		echo "protocol static upstream$up {"
		for p in $prefixes; do echo "	route $p via $nh;"; done
		echo "}"
	done
	echo "filter to_client {"
	for up in 1 2 3; do
		echo "	if proto = \"upstream$up\" then {"
		echo "		bgp_path.prepend($((3355 + up)));"
		echo "		bgp_community.add((47065, $up));"
		echo "		bgp_large_community.add((47065, $up, $up));"
		echo "	}"
	done
	echo "	accept;"
	echo "}"
	if [ "$af" = 4 ]; then
		echo "protocol bgp seattle01 { local 100.65.128.1 as 47065;"
		echo "	neighbor 100.65.128.2 as 47065;"
	else
		echo "protocol bgp seattle01 { local 2804:269c:ff00:1:1::1 as 47065;"
		echo "	neighbor 2804:269c:ff00:1:1::2 as 47065;"
	fi
	# A client's paths hold 47065 (poisoning, origin): a mux allows it.
	echo "	add paths tx; import all; export filter to_client;"
	echo "	allow local as; connect delay time 1; connect retry time 2; }"
}
mux_conf 4 > "$TMP/bird.conf"
mux_conf 6 > "$TMP/bird6.conf"
ip netns exec "$NS_MUX" bird -f -c "$TMP/bird.conf" -s "$TMP/bird.ctl" \
    -P "$TMP/bird.pid" > "$TMP/bird.log" 2>&1 & BIRD_PID=$!
ip netns exec "$NS_MUX" bird6 -f -c "$TMP/bird6.conf" -s "$TMP/bird6.ctl" \
    -P "$TMP/bird6.pid" > "$TMP/bird6.log" 2>&1 & BIRD6_PID=$!

# The client directory, as users have it: one mux config naming tap1.
mkdir -p "$TMP/client/configs/openvpn"
printf 'client\ndev tap1\nremote vpn.seattle01.mux.example 1194\n' \
    > "$TMP/client/configs/openvpn/seattle01.conf"
printf 'router-id 100.65.128.2\n' > "$TMP/client/configs/peering-bgpd.conf"

echo "peering-bgpd demo, part 2: a session with an emulated PEERING mux"
echo "(BIRD 1.6 in a network namespace, configured like a mux)."
say "The tunnel to seattle01 (tap1) is not up yet: start the daemon"
run ./peering bgp start
run ./peering bgp status

say "OpenVPN would now bring tap1 up with its addresses; here we do"
ip -n "$NS_CLIENT" addr add 100.65.128.2/24 dev tap1
ip -n "$NS_CLIENT" addr add 2804:269c:ff00:1:1::2/64 dev tap1 nodad
ip -n "$NS_CLIENT" link set tap1 up
if wait_until 15 established; then
	echo "   (both sessions Established, learned from netlink: no timer)"
else
	echo "   (the sessions did not come up; see the status below)"
fi
run ./peering bgp status
run ./peering bgp6 status

say "What arrived: 3 upstreams x 3 IPv4 prefixes and x 2 IPv6 prefixes,"
echo "   every path kept apart by ADD-PATH, the best one marked *"
run ./peering bgp cli show route
run ./peering bgp cli show route 8.8.8.0/24 all

say "The best route per prefix, in kernel table 20000 (ip route, read only)"
ip -n "$NS_CLIENT" route show table 20000 | sed 's/^/   /'
ip -n "$NS_CLIENT" -6 route show table 20000 | sed 's/^/   /'
run ./peering bgp cli show memory

say "Import less without restarting the session: only 8.8.8.0/24 from seattle01"
run ./peering bgp cli import seattle01 prefix-list 8.8.8.0/24
sleep 0.5
ip -n "$NS_CLIENT" route show table 20000 | sed 's/^/   table 20000: /'
say "... and everything again: a route refresh re-learns what was filtered"
run ./peering bgp cli import seattle01 all
sleep 1
echo "   table 20000: $(ip -n "$NS_CLIENT" route show table 20000 | wc -l) IPv4 routes"

say "Announce our prefix to every mux, poisoning AS 3356, with communities"
printf '184.164.224.0/24\n' > "$TMP/client/prefixes.txt"
printf '2804:269c:1::/48\n' > "$TMP/client/prefixes6.txt"
run ./peering prefix announce -p 3356 -c 47065,1001 -l 47065,1,2 184.164.224.0/24
run ./peering prefix announce 2804:269c:1::/48
run ./peering prefix announce 184.164.225.0/24
sleep 0.5
echo "   the mux received (birdc show route ... all):"
ip netns exec "$NS_MUX" birdc -s "$TMP/bird.ctl" show route 184.164.224.0/24 all |
    grep "BGP\.\|via" | sed 's/^/   /'
echo "   the data plane: $(ip netns exec "$NS_CLIENT" ip rule | grep 20000)"
run ./peering bgp adv seattle01

say "The mux's side (birdc show protocols)"
ip netns exec "$NS_MUX" birdc -s "$TMP/bird.ctl" show protocols seattle01 |
    sed 's/^/   /'

say "The tunnel goes down: the sessions drop at once, their routes too"
ip -n "$NS_CLIENT" link set tap1 down
sleep 0.5
run ./peering bgp status
echo "   table 20000: $(ip -n "$NS_CLIENT" route show table 20000 | wc -l) IPv4 routes"
say "... and come back when it is up again"
ip -n "$NS_CLIENT" link set tap1 up
wait_until 15 established
run ./peering bgp status

say "Stop: a Cease with a shutdown communication to the mux"
run ./peering bgp stop
sleep 0.5
echo "   the mux logged:"
grep -h "Received" "$TMP/bird4.events" | sed 's/^/   /'
echo
echo "Cleaned up: namespaces, processes and files of this demo are gone."
