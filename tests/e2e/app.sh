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
#   5. every -d leaves no link, address, rule, route or namespace;
#   6. `peering proxy start amsterdam01` with container.txt: a namespace
#      standing in for the container at the mux, in the container's /30
#      and /80, fetches a page from a web server in the client namespace
#      through TinyProxy (curl, http_proxy as `start` prints it); its
#      log has the request, `proxy status` says up, the IPv6 route works;
#      `stop` removes the routes, the process, the files; a proxy killed
#      with -9 is found and cleaned up by `proxy status`.
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
for tool in nsenter tinyproxy curl python3; do
	command -v "$tool" >/dev/null 2>&1 ||
	    give_up "$tool is not installed (scripts/install-deps)"
done
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

# ---- 6. peering proxy: the user's container at amsterdam01 ----
#
# container.txt holds CTX. The container's subnets at amsterdam01 (tapNA),
# REFERENCE.md's formulas written here again: 100.125.(N*8 +
# CTX*4/256).(CTX*4 % 256)/30 and 2804:269c:ff03:<N hex>:<CTX in decimal
# digits>::/80 (64 makes both formulas carry). The container: namespace
# $X behind the mux, as PEERING's containers are (a veth; the mux's end
# .1 and ::1, the container .2 and ::2, its default routes via the mux).
# The page: a web server on 127.0.0.1 in the client's namespace, which
# the container can only reach through the proxy.

CTX=64
CNET4=100.125.$((NA * 8 + CTX * 4 / 256))
SUB4=$CNET4.$((CTX * 4 % 256))/30
SUB6=2804:269c:ff03:$(hex "$NA"):$CTX::/80
C4=$CNET4.$((CTX * 4 % 256 + 2))
C6=${SUB6%/80}2
PROXY_URL=http://$(client_v4 "$NA"):88$(printf %02d "$NA")/
PIDF=$CLIENT/var/tinyproxy.$A.pid
WEB=http://127.0.0.1:8080/index.html
X=${PFX}x

proxy_routes() {	# the client's routes to the container's subnets
	{
		ip -n "$NS_C" route show "$SUB4"
		ip -n "$NS_C" -6 route show "$SUB6"
	} | sed 's/ metric .*//; s/ *$//'
}
proxy_status() {	# what `peering proxy status` prints
	peering proxy status
	printf '%s\n' "$OUT"
}
del_lines() {	# the lines of the routes' removal
	echo "updating (del) $SUB4 via $(mux_v4 "$NA") dev tap$NA"
	echo "updating (del) $SUB6 via $(mux_v6 "$NA") dev tap$NA"
}
gone() {	# PID: no such process (a zombie not yet reaped counts as gone)
	[ ! -e "/proc/$1" ] ||
	    awk '{ exit !($3 == "Z" || $3 == "X") }' "/proc/$1/stat" 2>/dev/null
}
web_up() {
	ip netns exec "$NS_C" curl -sf -m 2 --noproxy '*' "$WEB" >/dev/null
}
# fetch: the page, from the container, as the proxy's users do it: the
# http_proxy that `proxy start` prints (the environment's own unset).
fetch() {
	ip netns exec "$X" env -u no_proxy -u NO_PROXY -u all_proxy \
	    -u ALL_PROXY http_proxy="$PROXY_URL" curl -sS -m 5 "$WEB"
}
proxy_logged() {	# PATTERN: an extended regex of a line of the log
	grep -Eq "$1" "$CLIENT/var/tinyproxy.$A.log"
}
ping6_client() {	# from the container to the client's tunnel address
	ip netns exec "$X" ping -6 -n -c 1 -W 1 "$(client_v6 "$NA")"
}

say "proxy start $A: container $CTX ($SUB4) fetches a page from this side"
e2e_ns_add "$X"
ip link add "$X" netns "$(mux_ns $A)" type veth peer name eth0 netns "$X"
ip -n "$(mux_ns $A)" addr add "$CNET4.$((CTX * 4 % 256 + 1))/30" dev "$X"
ip -n "$(mux_ns $A)" addr add "${SUB6%/80}1/80" dev "$X" nodad
ip -n "$(mux_ns $A)" link set "$X" up
ip -n "$X" addr add "$C4/30" dev eth0
ip -n "$X" addr add "$C6/80" dev eth0 nodad
ip -n "$X" link set eth0 up
ip -n "$X" route add default via "$CNET4.$((CTX * 4 % 256 + 1))"
ip -n "$X" -6 route add default via "${SUB6%/80}1"
mkdir -p "$TMP/www"
echo "a page from the client's side ($PFX)" >"$TMP/www/index.html"
start_bg "$NS_C" "$TMP/www.log" python3 -m http.server 8080 \
    --bind 127.0.0.1 --directory "$TMP/www"
WEB_PID=$BG_PID
expect_ok "a web server on 127.0.0.1:8080 in the client's namespace" 10 web_up
echo "$CTX" >"$CLIENT/container.txt"

peering proxy start $A
expect_rc "proxy start $A"
expect_eq "proxy start: export http_proxy=$PROXY_URL" 1 \
    "export http_proxy=$PROXY_URL" eval 'tail -n 1 <<<"$OUT"'
expect_eq "proxy start: routes to $SUB4 and $SUB6 via $A's tunnel end" 1 \
    "$SUB4 via $(mux_v4 "$NA") dev tap$NA proto static
$SUB6 via $(mux_v6 "$NA") dev tap$NA proto static" proxy_routes
expect_eq "the container ($C4) gets the page through the proxy" 10 \
    "$(cat "$TMP/www/index.html")" fetch
expect_ok "tinyproxy's log: the connection from $C4" 5 proxy_logged \
    "Connect \(file descriptor [0-9]+\): ${C4//./\\.}\$"
expect_ok "tinyproxy's log: the request" 5 proxy_logged \
    "Request \(file descriptor [0-9]+\): GET ${WEB//./\\.} HTTP/1\.1"
expect_ok "the container ($C6) reaches $(client_v6 "$NA") (the /80's route)" 5 \
    ping6_client
expect_eq "proxy status: up" 1 "Running proxies:
$A proxy up ($PIDF)" proxy_status

PID=$(tr -dc 0-9 <"$PIDF")
peering proxy stop $A
expect_rc "proxy stop $A"
expect_eq "proxy stop: the routes' removal told" 1 "$(del_lines)" \
    eval 'printf "%s\n" "$OUT"'
expect_ok "proxy stop: tinyproxy (pid $PID) has exited" 5 gone "$PID"
expect_eq "proxy stop: no route, pid file or configuration left" 1 "" \
    eval 'proxy_routes; ls "$PIDF" "${PIDF%.pid}.conf" 2>/dev/null'

say "proxy status finds a dead proxy (kill -9) and cleans up"
peering proxy start $A
expect_rc "proxy start $A again"
PID=$(tr -dc 0-9 <"$PIDF")
kill -9 "$PID"
expect_ok "tinyproxy (pid $PID) killed" 5 gone "$PID"
expect_eq "proxy status: apparently down, cleaning up" 1 "Running proxies:
$A proxy apparently down ($PIDF), cleaning up
$(del_lines)" proxy_status
expect_eq "proxy status: no route or pid file left" 1 "" \
    eval 'proxy_routes; ls "$PIDF" 2>/dev/null'
expect_eq "proxy status: none left" 1 "No proxies running" proxy_status
stop_pid "$WEB_PID" 2

peering prefix withdraw "$E2E_PREFIX"
e2e_finish
