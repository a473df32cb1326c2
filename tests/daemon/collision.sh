#!/usr/bin/env bash
# Connection collisions (RFC 4271 6.8): two peering-bgpd, both connecting
# actively, started at the same moment, ROUNDS times. Every round must end
# with both IPv4 and IPv6 sessions Established on both sides, whichever
# connection won. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbc$$
A=${TAG}a B=${TAG}b VA=${TAG}x VB=${TAG}y
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
ROUNDS=${ROUNDS:-6}
PASS=0 FAIL=0 PA= PB=

stop_daemons() {
	[ -n "$PA" ] && kill "$PA" 2>/dev/null && wait "$PA" 2>/dev/null
	[ -n "$PB" ] && kill "$PB" 2>/dev/null && wait "$PB" 2>/dev/null
	PA= PB=
}
cleanup() {
	stop_daemons
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" -eq 0 ] || { echo "needs root"; echo "0 passed, 1 failed"; exit 1; }
ip netns add "$A" && ip netns add "$B" || exit 1
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$A"; ip link set "$VB" netns "$B"
ip -n "$A" addr add 100.65.128.2/24 dev "$VA"
ip -n "$B" addr add 100.65.128.1/24 dev "$VB"
ip -n "$A" addr add 2804:269c:ff00:1:1::2/64 dev "$VA" nodad
ip -n "$B" addr add 2804:269c:ff00:1:1::1/64 dev "$VB" nodad
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up

conf() {	# dir router-id v4-neighbour v6-neighbour
	mkdir -p "$1/configs"
	cat > "$1/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id $2
neighbor $3 {
	name peer
	remote-as 47065
}
neighbor $4 {
	name peer6
	remote-as 47065
}
EOC
}
conf "$TMP/a" 100.65.128.2 100.65.128.1 2804:269c:ff00:1:1::1
conf "$TMP/b" 100.65.128.1 100.65.128.2 2804:269c:ff00:1:1::2

established() {	# namespace dir -> number of Established sessions
	ip netns exec "$1" env PEERING_DIR="$2" "$ROOT/peering" bgp cli \
	    show protocols json 2>/dev/null |
	    jq '[.protocols[] | select(.state == "Established")] | length'
}

for round in $(seq 1 "$ROUNDS"); do
	ip netns exec "$A" "$ROOT/peering-bgpd" -f -v -d "$TMP/a" \
	    2> "$TMP/a.log" & PA=$!
	ip netns exec "$B" "$ROOT/peering-bgpd" -f -v -d "$TMP/b" \
	    2> "$TMP/b.log" & PB=$!
	up=no
	for _ in $(seq 1 100); do
		if [ "$(established "$A" "$TMP/a")" = 2 ] &&
		    [ "$(established "$B" "$TMP/b")" = 2 ]; then
			up=yes
			break
		fi
		sleep 0.1
	done
	n=$(cat "$TMP/a.log" "$TMP/b.log" | grep -c "connection collision")
	if [ "$up" = yes ]; then
		PASS=$((PASS + 1))
		echo "ok: round $round: all four sessions Established ($n collision decisions)"
	else
		FAIL=$((FAIL + 1))
		echo "FAILED: round $round: not Established within 10 s"
		tail -30 "$TMP/a.log" "$TMP/b.log"
	fi
	stop_daemons
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
