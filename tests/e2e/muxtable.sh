#!/usr/bin/env bash
# Per-mux tables end to end (`mux-table yes`, docs/dataplane.md), on the
# emulated muxes of lib.sh: amsterdam01 (tap5) and seattle01 (tap1) each
# send the client their upstreams' paths (ADD-PATH), the host's network
# 203.0.113.0/24 only from upstream 2 (AS 174), next hop
# 100.(64+N).0.2. With the tables on:
#
#   1. tables 21005 and 21001 hold each mux's own routes, next hop and
#      tap its own (every route's next hop one of that mux's paths'), and
#      rules `oif tapN lookup 21000+N priority 19000+N` (IPv4 and IPv6);
#   2. `ping -I tapN` to the host leaves through tapN by mux N's route
#      (route get: table 21000+N, via 100.(64+N).0.2; the packet counters
#      of tapN and of mux N's link to upstream 2 carry the pings), for
#      both muxes: one of them is not table 20000's best, so its route
#      differs from the overall best, and the other tap stays quiet;
#   3. IPv6: table 21000+N has the mux's IPv6 routes; `ping -6 -I tapN`
#      leaves through tapN;
#   4. `app -u MUX` (the mux table 20000 does not prefer) looks the mux's
#      table up first: its pings to the host go via the mux's own next
#      hop 100.(64+N).0.2 (route get, the neighbour entry, counters) and
#      are answered; a destination the mux has no route for takes table
#      10000+ID's default via the mux; IPv6 likewise;
#   5. the tap goes (`openvpn down`): its rules go; it comes back: they
#      are back, and so are its routes;
#   6. `bgp stop` leaves no rule in 19001..19063 and no route in tables
#      21001..21063; `app -d` leaves nothing of the apps; after the stop
#      an app -u MUX still leaves through its mux (table 10000+ID);
#   7. a daemon killed with -9 leaves its rules and routes; the next one,
#      started with mux-table no, removes them.
#
# As root, after `make`: bash tests/e2e/muxtable.sh. Ends with "N passed,
# M failed" (exit 1 on failure). E2E_KEEP=1 keeps $TMP.
set -u
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_init muxtable
command -v nsenter >/dev/null 2>&1 ||
    give_up "nsenter is not installed (scripts/install-deps)"
A=amsterdam01
S=seattle01
NA=$(mux_tap $A)
NSS=$(mux_tap $S)
PINGS=10
H6=2001:db8:1::1	# in E2E_NETS6: a route from each mux's bird6

mux_of_tap() { if [ "$1" = "$NA" ]; then echo $A; else echo $S; fi; }
tbl() { echo $((21000 + $1)); }

# table_routes N [-6]: table 21000+N's routes, "PREFIX via GW dev DEV".
table_routes() {
	ip -n "$NS_C" ${2:-} route show table "$(tbl "$1")" |
	    awk '{ print $1, $2, $3, $4, $5 }'
}
# route_get ARGS...: what the client's kernel chooses, on one line.
route_get() {
	ip -n "$NS_C" route get "$@" 2>&1 | head -n 1 | sed 's/  */ /g; s/ *$//'
}
rules_of() {	# N: tapN's rules, both families
	{
		ip -n "$NS_C" -4 rule show pref $((19000 + $1))
		ip -n "$NS_C" -6 rule show pref $((19000 + $1))
	} | sed 's/[[:space:]]*$//'
}
want_rules() {
	printf '%s\n' "$((19000 + $1)):	from all oif tap$1 lookup $(tbl "$1")" \
	    "$((19000 + $1)):	from all oif tap$1 lookup $(tbl "$1")"
}
# mux_table_ok N: every route of table 21000+N is via tapN and next hop
# one of mux N's paths' for that prefix (the RIB), and there is one.
mux_table_ok() {
	local n=$1 mux routes line p gw dev
	mux=$(mux_of_tap "$n")
	routes=$(table_routes "$n")
	[ -n "$routes" ] || return 1
	while read -r p _ gw _ dev; do
		[ "$dev" = "tap$n" ] || return 1
		rib_paths | grep -q "^$p $mux $gw tap$n " || return 1
	done <<<"$routes"
}
host_route_is() {	# N: table 21000+N's route to the host's network
	[ "$(table_routes "$1" | grep "^$E2E_HOST_NET ")" = \
	    "$E2E_HOST_NET via $(nh_v4 "$1" 2) dev tap$1" ]
}
v6_route() {	# N: table 21000+N has a route to E2E_NETS6[0] on tapN
	table_routes "$1" -6 | grep -q "^${E2E_NETS6[0]} via 2804:269c:ff00:$(hex "$1"):2::[0-9a-f]* dev tap$1$"
}
# ping_bound N [-6 ADDR]: $PINGS pings bound to tapN (answers or not: the
# counters say where they went).
ping_bound() {
	local n=$1
	shift
	ip netns exec "$NS_C" ping "${@:-$E2E_HOST}" -I "tap$n" -n -q \
	    -c "$PINGS" -i 0.05 -W 1 >"$TMP/ping.out" 2>&1
	return 0
}
# counted DESC NS DEV BEFORE [MIN]: DEV of NS sent at least MIN (PINGS)
# packets since BEFORE.
counted() {
	local d=$(($(tx_packets "$2" "$3") - $4))
	if [ "$d" -ge "${5:-$PINGS}" ]; then
		pass "$1: $3 carried them ($d packets)"
	else
		fail "$1: $3 sent $d packets, want >= ${5:-$PINGS}"
		sed 's/^/  | /' "$TMP/ping.out"
	fi
}
quiet() {	# DESC NS DEV BEFORE: DEV sent fewer than PINGS since BEFORE
	local d=$(($(tx_packets "$2" "$3") - $4))
	if [ "$d" -lt "$PINGS" ]; then
		pass "$1: $3 did not carry them ($d packets)"
	else
		fail "$1: $3 sent $d packets"
	fi
}
mux_leftovers() {	# rules 19001..19063, routes of tables 21001..21063
	local af
	for af in -4 -6; do
		ip -n "$NS_C" "$af" rule show |
		    awk -F: '$1 >= 19001 && $1 <= 19063 { print "rule" $0 }'
		ip -n "$NS_C" "$af" route show table all |
		    grep -E 'table 210(0[1-9]|[1-5][0-9]|6[0-3]) ' | sed 's/^/route /'
	done
}

# ---- the bed, the tunnels, the daemon with mux-table yes ----

say "Setting up the muxes, the tunnels, the daemon (mux-table yes)"
e2e_bed_up
sed -i 's/^mux-table no$/mux-table yes/' "$CLIENT/configs/peering-bgpd.conf"
grep -q '^mux-table yes$' "$CLIENT/configs/peering-bgpd.conf" ||
    give_up "configs/peering-bgpd.conf has no 'mux-table no' line to turn on"
for m in $A $S; do
	peering openvpn up $m
	expect_rc "openvpn up $m" || { vpn_diag $m; give_up "no tunnel to $m"; }
done
peering bgp start
expect_rc "bgp start" || give_up "peering-bgpd did not start"
session_is_up() {	# MUX AF: its session Established
	ours_json | jq -e --arg n "$1" --arg af "$2" 'any(.protocols[];
	    .name == $n and .af == $af and .state == "Established")' >/dev/null
}
for m in $A $S; do
	for af in ipv4 ipv6; do
		expect_ok "$m: $af session Established" 30 session_is_up $m $af ||
		    give_up "no session with $m"
	done
done
host_route() { [ -n "$(best_tap)" ]; }
expect_ok "table 20000 has a route to $E2E_HOST_NET" 20 host_route ||
    give_up "no route to the host"
BEST=$(best_tap)
if [ "$BEST" = "tap$NA" ]; then OTHER=$NSS; else OTHER=$NA; fi
BESTN=${BEST#tap}
info "table 20000 leaves by $BEST for $E2E_HOST_NET; tap$OTHER is the other mux"

# ---- 1. the tables and their rules ----

say "1. Tables $(tbl "$NA") and $(tbl "$NSS"): each mux's own routes, and their rules"
for n in $NA $NSS; do
	expect_ok "table $(tbl "$n"): the route to $E2E_HOST_NET via $(nh_v4 "$n" 2) dev tap$n" \
	    20 host_route_is "$n"
	expect_ok "table $(tbl "$n"): every route via tap$n and one of $(mux_of_tap "$n")'s next hops" \
	    10 mux_table_ok "$n"
	expect_eq "rules oif tap$n lookup $(tbl "$n") (IPv4, IPv6)" 10 \
	    "$(want_rules "$n")" rules_of "$n"
done
info "table $(tbl "$NA"): $(table_routes "$NA" | tr '\n' ';')"
mem_ok() {
	ours_cli bgp show memory json 2>/dev/null | jq -e '.mux_tables == 2 and
	    .mux_table_routes > 0 and .mux_table_bytes > 0' >/dev/null
}
expect_ok "show memory: 2 mux tables, their routes and bytes" 5 mem_ok

# ---- 2. ping -I tapN ----

say "2. ping -I tapN: out through mux N by its own route, best or not"
for n in $OTHER $BESTN; do
	other=$NA
	[ "$n" = "$NA" ] && other=$NSS
	desc="ping -I tap$n"
	[ "$n" = "$OTHER" ] && desc="$desc (not table 20000's $BEST)"
	expect_eq "$desc: route get says table $(tbl "$n") via $(nh_v4 "$n" 2)" 1 \
	    "$E2E_HOST via $(nh_v4 "$n" 2) dev tap$n table $(tbl "$n") src $(client_v4 "$n") uid 0" \
	    route_get "$E2E_HOST" oif "tap$n"
	b_tap=$(tx_packets "$NS_C" "tap$n")
	b_up=$(tx_packets "$(mux_ns "$(mux_of_tap "$n")")" "${PFX}${n}u2")
	b_oth=$(tx_packets "$NS_C" "tap$other")
	ping_bound "$n"
	counted "$desc" "$NS_C" "tap$n" "$b_tap"
	counted "$desc: on to upstream 2" "$(mux_ns "$(mux_of_tap "$n")")" \
	    "${PFX}${n}u2" "$b_up"
	quiet "$desc" "$NS_C" "tap$other" "$b_oth"
done

# ---- 3. IPv6 ----

say "3. IPv6: the mux's IPv6 routes in its table; ping -6 -I tap$OTHER"
for n in $NA $NSS; do
	expect_ok "table $(tbl "$n") (IPv6): ${E2E_NETS6[0]} via mux $n's next hop on tap$n" \
	    20 v6_route "$n"
done
r6() { route_get "$H6" oif "tap$OTHER" | grep -q " dev tap$OTHER table $(tbl "$OTHER") "; }
expect_ok "ping -6 -I tap$OTHER: route get says table $(tbl "$OTHER")" 1 r6
b_tap=$(tx_packets "$NS_C" "tap$OTHER")
ping_bound "$OTHER" -6 "$H6"
counted "ping -6 -I tap$OTHER $H6" "$NS_C" "tap$OTHER" "$b_tap"

# ---- 4. app -u MUX ----

MO=$(mux_of_tap "$OTHER")
say "4. app -u $MO: the mux's own routes first, table 10000+ID's default after"
peering prefix announce "$E2E_PREFIX"
expect_rc "prefix announce $E2E_PREFIX"
u2_has_prefix() { [ "$(bird_routes u2 "$E2E_PREFIX")" != absent ]; }
expect_ok "AS 174 has $E2E_PREFIX" 20 u2_has_prefix
peering app -i 2 -n -p 184.164.224.32/28 -u "$MO"
expect_rc "app -i 2 -n -p 184.164.224.32/28 -u $MO"
expect_eq "app: rules 10002 look table $(tbl "$OTHER") up, then 10002" 1 \
    "10002:	from 184.164.224.32/28 lookup $(tbl "$OTHER")
10002:	from 184.164.224.32/28 lookup 10002" \
    eval "ip -n $NS_C -4 rule show pref 10002 | sed 's/[[:space:]]*\$//'"
expect_eq "papp2 -> $E2E_HOST: table $(tbl "$OTHER") via $(nh_v4 "$OTHER" 2)" 1 \
    "$E2E_HOST from 184.164.224.33 via $(nh_v4 "$OTHER" 2) dev tap$OTHER table $(tbl "$OTHER")" \
    eval "route_get $E2E_HOST from 184.164.224.33 iif papp2h | sed 's/ iif papp2h.*//'"
expect_eq "papp2 -> 8.8.8.8 (no route at $MO): table 10002 via $(mux_v4 "$OTHER")" 1 \
    "8.8.8.8 from 184.164.224.33 via $(mux_v4 "$OTHER") dev tap$OTHER table 10002" \
    eval "route_get 8.8.8.8 from 184.164.224.33 iif papp2h | sed 's/ iif papp2h.*//'"
ip -n "$NS_C" neigh flush dev "tap$OTHER" 2>/dev/null
b_tap=$(tx_packets "$NS_C" "tap$OTHER")
b_up=$(tx_packets "$(mux_ns "$MO")" "${PFX}${OTHER}u2")
b_best=$(tx_packets "$NS_C" "$BEST")
if nsenter --net="$TMP/netns/papp2" ping -n -q -c "$PINGS" -i 0.05 -W 2 \
    "$E2E_HOST" >"$TMP/ping.out" 2>&1 && grep -q " $PINGS received" "$TMP/ping.out"; then
	pass "papp2: $PINGS pings to $E2E_HOST answered"
else
	fail "papp2: ping to $E2E_HOST"
	sed 's/^/  | /' "$TMP/ping.out"
fi
counted "papp2 (-u $MO)" "$NS_C" "tap$OTHER" "$b_tap"
counted "papp2 (-u $MO): on to upstream 2" "$(mux_ns "$MO")" "${PFX}${OTHER}u2" "$b_up"
quiet "papp2 (-u $MO)" "$NS_C" "$BEST" "$b_best"
if ip -n "$NS_C" neigh show dev "tap$OTHER" | grep -q "^$(nh_v4 "$OTHER" 2) "; then
	pass "papp2: the client sent to $MO's own next hop $(nh_v4 "$OTHER" 2)"
else
	fail "papp2: no neighbour entry for $(nh_v4 "$OTHER" 2) on tap$OTHER"
fi
peering app status --json
if jq -e '.[0].id == 2 and .[0].table == 10002 and
    .[0].mux_table == '"$(tbl "$OTHER")"' and .[0].ok' <<<"$OUT" >/dev/null; then
	pass "app status: papp2 whole, mux_table $(tbl "$OTHER")"
else
	fail "app status: $OUT"
fi
peering app -i 3 -n -p 2804:269c:1:10::/64 -u "$MO"
expect_rc "app -i 3 -n -p 2804:269c:1:10::/64 -u $MO"
r6app() {
	route_get "$H6" from 2804:269c:1:10::1 iif papp3h |
	    grep -q " dev tap$OTHER table $(tbl "$OTHER") "
}
expect_ok "papp3 -> $H6: table $(tbl "$OTHER") (IPv6)" 1 r6app

# ---- 5. the tap goes and comes back ----

MB=$(mux_of_tap "$BESTN")
say "5. openvpn down $MB: tap$BESTN's rules go; up again: back"
peering openvpn down "$MB"
expect_rc "openvpn down $MB"
expect_eq "tap$BESTN gone: no rule of it" 10 "" rules_of "$BESTN"
expect_eq "tap$BESTN gone: table $(tbl "$BESTN") empty" 15 "" \
    eval "table_routes $BESTN; table_routes $BESTN -6"
expect_eq "tap$OTHER's rules stay" 1 "$(want_rules "$OTHER")" rules_of "$OTHER"
peering openvpn up "$MB"
expect_rc "openvpn up $MB" || vpn_diag "$MB"
expect_eq "tap$BESTN back: its rules back" 20 "$(want_rules "$BESTN")" \
    rules_of "$BESTN"
expect_ok "tap$BESTN back: table $(tbl "$BESTN")'s route to the host again" 40 \
    host_route_is "$BESTN"

# ---- 6. nothing left ----

say "6. bgp stop: no rule or route of the mux tables left; app -d"
peering bgp stop
expect_rc "bgp stop"
expect_eq "no rule in 19001..19063, no route in tables 21001..21063" 10 "" \
    mux_leftovers
expect_eq "after the stop, papp2 -> $E2E_HOST: table 10002 via $(mux_v4 "$OTHER")" 1 \
    "$E2E_HOST from 184.164.224.33 via $(mux_v4 "$OTHER") dev tap$OTHER table 10002" \
    eval "route_get $E2E_HOST from 184.164.224.33 iif papp2h | sed 's/ iif papp2h.*//'"
peering app -i 2 -n -d
expect_rc "app -i 2 -n -d"
peering app -i 3 -n -d
expect_rc "app -i 3 -n -d"
expect_eq "no link, rule, route, address or namespace of an app" 5 "" app_leftovers

# ---- 7. a killed daemon's leftovers ----

say "7. kill -9 the daemon: its tables stay; the next start (mux-table no) removes them"
peering bgp start
expect_rc "bgp start (mux-table yes)"
expect_ok "table $(tbl "$NA") filled again" 40 host_route_is "$NA"
PID=$(tr -dc 0-9 <"$CLIENT/var/peering-bgpd.pid" 2>/dev/null)
if is_ours "$PID"; then
	kill -9 "$PID"
	gone() { ! kill -0 "$PID" 2>/dev/null; }
	expect_ok "peering-bgpd (pid $PID) killed" 5 gone
fi
left() { [ -n "$(mux_leftovers)" ]; }
expect_ok "the killed daemon's rules and routes are still there" 1 left
sed -i 's/^mux-table yes$/mux-table no/' "$CLIENT/configs/peering-bgpd.conf"
peering bgp start
expect_rc "bgp start (mux-table no)" || log_tail "$CLIENT/var/peering-bgpd.log"
expect_eq "the next start removed every rule and route of the mux tables" 20 "" \
    mux_leftovers
peering bgp stop
expect_rc "bgp stop"
e2e_finish
