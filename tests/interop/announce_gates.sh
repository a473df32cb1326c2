#!/usr/bin/env bash
# The announcement safety gates on the wire, against BIRD 1.6: one
# PEERING mux (seattle01 on tap1, iBGP AS 47065) and one lab router
# configured as a `neighbor` (lab1, eBGP AS 65001). What BIRD holds is what
# we sent.
#
#   1. At start, a var/announcements.json of an older version, with an old
#      "all" entry and entries today's gates refuse (a prefix no longer in
#      prefixes.txt, 8.8.8.0/24 with a 21-AS path and 64 communities, 21
#      communities, a mux not configured): only the good ones reach the mux;
#      the others are logged, listed by `bgp status`, and gone from the file.
#   2. "All muxes" is not the neighbour; `-m lab1` reaches it alone, with our
#      AS in front of the path (eBGP), next hop ours, no LOCAL_PREF.
#   3. The change rate per (prefix, mux): `announce -m M -P 3` under an old
#      "all" entry, then `withdraw -m M` and `announce -m M` are refused
#      (naming M and the time), nothing more reaches the mux; withdraw from
#      one mux then announce to all is refused; the memory survives a
#      restart; a prefix taken out of prefixes.txt can still be withdrawn.
#   4. A failed save (a directory at the temp file's path): an announce is
#      refused and nothing is sent; a withdraw goes out, says it was not
#      saved, `bgp status` says so, and the save is retried once it can.
#   5. The same with a full disk: the daemon in its own mount namespace
#      with var/ on a tiny tmpfs, filled (No space left on device).
#
# Own namespaces ("pbi" + 6 hex digits), removed on exit, failure and
# signals; every wait bounded. Needs root, bird/birdc (BIRD 1.6), jq,
# unshare, nsenter. Ends with "N passed, M failed".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bird16_mux.sh"

iop_init announce_gates
for b in bird birdc unshare nsenter; do
	command -v "$b" >/dev/null 2>&1 || give_up "$b not found (scripts/install-deps)"
done
need_ours

P1=184.164.224.0/24	# "all", kept from an earlier run
P2=184.164.225.0/24	# seattle01's own, kept from an earlier run
P3=184.164.226.0/24	# for the neighbour
P4=184.164.227.0/24	# kept, but no longer in prefixes.txt
P5=184.164.228.0/24	# kept with 21 communities
NB_AS=65001

# ---- the links: tap1 to the mux, nb0 to the neighbour ----
NS_NB=${PFX}n
IOP_EXTRA_NS+=("$NS_NB")
for ns in "$NS_PEER" "$NS_OURS" "$NS_NB"; do
	ip netns add "$ns" || give_up "ip netns add $ns"
	ip -n "$ns" link set lo up
done
ip link add "$IF_PEER" netns "$NS_PEER" type veth peer name tap1 netns "$NS_OURS" &&
    ip link add "${PFX}m" netns "$NS_NB" type veth peer name nb0 netns "$NS_OURS" ||
    give_up "cannot create the veth pairs"
ip -n "$NS_PEER" addr add "$MUX_V4/24" dev "$IF_PEER"
ip -n "$NS_OURS" addr add "$OURS_V4/24" dev tap1
ip -n "$NS_NB" addr add 10.9.0.2/24 dev "${PFX}m"
ip -n "$NS_OURS" addr add 10.9.0.1/24 dev nb0
ip -n "$NS_PEER" link set "$IF_PEER" up
ip -n "$NS_NB" link set "${PFX}m" up
ip -n "$NS_OURS" link set tap1 up
ip -n "$NS_OURS" link set nb0 up

# ---- the BIRDs ----
bird16_mux_conf "$MUX_V4" "$MUX_V4" "$OURS_V4" "$TMP/mux.log" >"$TMP/mux.conf"
cat >"$TMP/nb.conf" <<EOF
router id 10.9.0.2;
log "$TMP/nb.log" all;
protocol device { scan time 10; }
protocol bgp ours {
	local 10.9.0.2 as $NB_AS;
	neighbor 10.9.0.1 as 47065;
	# What BIRD gives a route that came without LOCAL_PREF.
	default bgp_local_pref 7;
	import all;
	export none;
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
for b in mux nb; do
	bird -p -c "$TMP/$b.conf" >"$TMP/$b.out" 2>&1 || give_up "BIRD $b: $(cat "$TMP/$b.out")"
done
start_bg "$NS_PEER" "$TMP/mux.out" bird -f -c "$TMP/mux.conf" -s "$TMP/mux.ctl"
start_bg "$NS_NB" "$TMP/nb.out" bird -f -c "$TMP/nb.conf" -s "$TMP/nb.ctl"

bc() { timeout 5 birdc -s "$TMP/$1.ctl" "${@:2}" 2>&1; }
bird_up() { bc "$1" show protocols ours | grep -q Established; }
for b in mux nb; do
	wait_for 10 "BIRD $b" sh -c "birdc -s '$TMP/$b.ctl' show status | grep -q 'Daemon is up'" ||
	    give_up "BIRD $b did not start: $(cat "$TMP/$b.out")"
done

# bird_route NAME PREFIX: "[AS PATH] nh NEXT-HOP lp LOCAL_PREF|-" as that
# BIRD has it from us, or "absent".
bird_route() {
	local out
	out=$(bc "$1" show route "$2" all) || { echo "birdc failed"; return; }
	grep -q "^$2 " <<<"$out" || { echo absent; return; }
	awk '/BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); path = $0 }
	    /BGP.next_hop:/ { sub(/.*BGP.next_hop: */, ""); nh = $0 }
	    /BGP.local_pref:/ { sub(/.*BGP.local_pref: */, ""); lp = $0 }
	    END { printf "[%s] nh %s lp %s\n", path, nh, lp == "" ? "-" : lp }' <<<"$out"
}
route_is() { [ "$(bird_route "$1" "$2")" = "$3" ]; }
# expect DESC SECONDS NAME PREFIX WANT
expect() {
	if wait_for "$2" "$1" route_is "$3" "$4" "$5"; then
		pass "$1"
	else
		fail "$1"
		echo "  want: $5"
		echo "  got:  $(bird_route "$3" "$4")"
	fi
}
# stays_absent DESC SECONDS NAME PREFIX: absent now and SECONDS later.
stays_absent() {
	local i
	for i in $(seq 1 $(($2 * 5))); do
		route_is "$3" "$4" absent || break
		sleep 0.2
	done
	if route_is "$3" "$4" absent; then
		pass "$1"
	else
		fail "$1"
		echo "  $3 has $4: $(bird_route "$3" "$4")"
	fi
}
updates_in() { bc mux show protocols all ours | awk '/Import updates:/ { print $3; exit }'; }

# ---- the client directory, with a store kept from an earlier run ----
CLIENT=$TMP/client
STORE=$CLIENT/var/announcements.json
mkdir -p "$CLIENT/configs/openvpn" "$CLIENT/var"
printf 'client\ndev tap1\n' >"$CLIENT/configs/openvpn/seattle01.conf"
# 8.8.8.0/24 listed by mistake: the PEERING space gate refuses it.
printf '%s\n' $P1 $P2 $P3 $P5 8.8.8.0/24 >"$CLIENT/prefixes.txt"
OURS_CONF="router-id $OURS_V4
neighbor 10.9.0.2 {
	name lab1
	remote-as $NB_AS
	interface nb0
	local-address 10.9.0.1
}"
OLD=$(( $(date +%s) - 3600 ))
comms() {	# N: N communities as JSON pairs
	local i out=
	for i in $(seq 1 "$1"); do out="$out${out:+,}[47065,$i]"; done
	echo "$out"
}
# Version 1 (no change records), as an earlier daemon wrote it.
cat >"$STORE" <<EOF
{"version":1,"announcements":[
{"prefix":"8.8.8.0/24","mux":"all","origin":61574,"prepend":4,"poisons":[64512,64513,64514,64515,64516,64517,64518,64519,64520,64521,64522,64523,64524,64525,64526,64527],"communities":[$(comms 64)],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD},
{"prefix":"$P1","mux":"all","origin":47065,"prepend":0,"poisons":[],"communities":[],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD},
{"prefix":"$P1","mux":"ghost01","origin":47065,"prepend":0,"poisons":[],"communities":[],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD},
{"prefix":"$P2","mux":"seattle01","origin":47065,"prepend":0,"poisons":[],"communities":[],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD},
{"prefix":"$P4","mux":"all","origin":47065,"prepend":0,"poisons":[],"communities":[],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD},
{"prefix":"$P5","mux":"all","origin":47065,"prepend":0,"poisons":[],"communities":[$(comms 21)],"large_communities":[],"container_nexthop":false,"dataplane":false,"last_change":$OLD}
]}
EOF

# MNT_PID: the daemon runs in a mount namespace of its own (phase 5): its
# var/ is reached through it.
MNT_PID=
# peering ARGS...: `./peering ARGS` next to our daemon; $OUT (stdout and
# stderr), $ERR (stderr), $RC.
peering() {
	if [ -n "$MNT_PID" ]; then
		timeout 20 nsenter -t "$MNT_PID" -m -n env PEERING_DIR="$CLIENT" \
		    "$PEERING" "$@" >"$TMP/cmd.out" 2>"$TMP/cmd.err"
	else
		timeout 20 ip netns exec "$NS_OURS" env PEERING_DIR="$CLIENT" \
		    "$PEERING" "$@" >"$TMP/cmd.out" 2>"$TMP/cmd.err"
	fi
	RC=$?
	ERR=$(cat "$TMP/cmd.err")
	OUT=$(cat "$TMP/cmd.out" "$TMP/cmd.err")
	printf '   $ peering %s  => %s: %s\n' "$*" "$RC" "$(printf '%s' "$OUT" | tail -n 1)"
}
in_var() {	# CMD...: a command where the daemon sees var/
	if [ -n "$MNT_PID" ]; then nsenter -t "$MNT_PID" -m "$@"; else "$@"; fi
}
store_has() {	# PREFIX MUX
	in_var cat "$STORE" 2>/dev/null | jq -e --arg p "$1" --arg m "$2" \
	    'any(.announcements[]; .prefix == $p and .mux == $m)' >/dev/null 2>&1
}
change_at() {	# PREFIX MUX: its change record's time
	in_var cat "$STORE" 2>/dev/null | jq -r --arg p "$1" --arg m "$2" \
	    '.changes[]? | select(.prefix == $p and .mux == $m) | .at'
}
status_text() { peering bgp status >/dev/null; printf '%s' "$OUT"; }
mux_up() {
	ours_json | jq -e '.protocols[] | select(.name == "seattle01" and
	    .af == "ipv4") | .state == "Established"' >/dev/null 2>&1 &&
	    bird_up mux
}
lab_up() { session_true lab1 '.state == "Established"' && bird_up nb; }
# too_soon DESC PREFIX MUX: the last command was refused by the change
# rate, naming MUX and the time its record allows.
too_soon() {
	local at when
	at=$(change_at "$2" "$3")
	when=$([ -n "$at" ] && date -d "@$((at + 600))" +%H:%M:%S)
	if [ "$RC" -eq 1 ] && [ -n "$at" ] &&
	    [ "$ERR" = "error [$2 was changed less than 10 minutes ago at $3 (route-flap dampening): change it again after $when, or add --force]" ]; then
		pass "$1"
	else
		fail "$1"
		echo "  exit $RC: $ERR (record: ${at:-none})"
	fi
}

# ---- 1. at start: the gates on what was kept ----
iop_log "1. start with a kept store that today's gates partly refuse"
ours_start "$OURS_CONF"
OURS_DIR=$CLIENT
if wait_for 20 "mux session" mux_up; then
	pass "seattle01 Established on both sides"
else
	ours_log_tail
	give_up "the mux session did not come up"
fi
expect "the kept \"all\" entry reaches the mux ($P1)" 10 mux $P1 "[] nh $OURS_V4 lp 100"
expect "the kept seattle01 entry reaches the mux ($P2)" 5 mux $P2 "[] nh $OURS_V4 lp 100"
for p in $P4 8.8.8.0/24 $P5; do
	stays_absent "refused at start, never announced: $p" 1 mux $p
done
n=$(grep -c "not announced, dropped" "$TMP/ours.log")
[ "$n" = 4 ] && pass "the log names the 4 dropped entries" ||
    { fail "the log names the 4 dropped entries (got $n)"; grep dropped "$TMP/ours.log"; }
st=$(status_text)
if grep -q "4 dropped at start" <<<"$st" && grep -q "$P4 all: invalid prefix" <<<"$st" &&
    grep -q "8.8.8.0/24 all: prefix 8.8.8.0/24 is outside" <<<"$st" &&
    grep -q "$P5 all: 21 communities" <<<"$st" && grep -q "$P1 ghost01: mux unknown" <<<"$st"; then
	pass "bgp status lists the 4 dropped entries with why"
else
	fail "bgp status lists the 4 dropped entries with why"; echo "$st"
fi
peering bgp status --json
jq -e '.announcements.dropped_count == 4 and .announcements.saved' <<<"$OUT" >/dev/null 2>&1 &&
    pass "bgp status --json: 4 dropped, saved" || { fail "bgp status --json: 4 dropped, saved"; echo "  $OUT"; }
if jq -e '.version == 2 and (.announcements | length) == 2' "$STORE" >/dev/null 2>&1 &&
    store_has $P1 all && store_has $P2 seattle01; then
	pass "the file is saved at once without them (version 2, 2 entries)"
else
	fail "the file is saved at once without them"; sed 's/^/  | /' "$STORE"
fi

# ---- 2. a configured neighbour: only when named; eBGP ----
iop_log "2. the neighbour lab1 (eBGP AS $NB_AS)"
if wait_for 20 "lab1 session" lab_up; then
	pass "lab1 Established on both sides"
else
	fail "lab1 Established on both sides"; ours_log_tail
fi
stays_absent "\"all muxes\" is not the neighbour: lab1 never gets $P1" 2 nb $P1
peering prefix announce -m lab1 -p 3356 $P3
[ "$RC" -eq 0 ] && pass "announce -m lab1 (a neighbour's name): exit 0" ||
    fail "announce -m lab1: exit $RC: $OUT"
expect "lab1 hears our AS first (eBGP), next hop ours, no LOCAL_PREF (BIRD's default 7)" 5 nb $P3 \
    "[47065 3356 47065] nh 10.9.0.1 lp 7"
stays_absent "the mux does not get the neighbour's announcement" 1 mux $P3
peering bgp adv lab1 --json
jq -e --arg p $P3 '.exported | length == 1 and .[0].prefix == $p' <<<"$OUT" >/dev/null 2>&1 &&
    pass "bgp adv lab1 lists $P3 alone" || { fail "bgp adv lab1 lists $P3 alone"; echo "  $OUT"; }

# ---- 3. the change rate, per (prefix, mux) ----
iop_log "3. the change rate: no side door"
peering prefix announce -m seattle01 -P 3 $P1
[ "$RC" -eq 0 ] && pass "-m seattle01 -P 3 under an hour-old \"all\" entry: allowed" ||
    fail "-m seattle01 -P 3 under an hour-old \"all\" entry: exit $RC: $OUT"
expect "the mux hears -P 3" 5 mux $P1 "[47065 47065 47065] nh $OURS_V4 lp 100"
U=$(updates_in)
peering prefix withdraw -m seattle01 $P1
too_soon "withdraw -m seattle01 (back to the \"all\" entry) at once: refused" $P1 seattle01
peering prefix announce -m seattle01 -P 2 $P1
too_soon "announce -m seattle01 -P 2 at once: refused" $P1 seattle01
sleep 1
if route_is mux $P1 "[47065 47065 47065] nh $OURS_V4 lp 100" && [ "$(updates_in)" = "$U" ]; then
	pass "nothing more reached the mux (its import updates stay $U)"
else
	fail "nothing more reached the mux"; echo "  $(bird_route mux $P1), updates $U -> $(updates_in)"
fi
peering prefix withdraw -m seattle01 $P2
[ "$RC" -eq 0 ] && pass "withdraw -m seattle01 $P2 (its own entry): always allowed" ||
    fail "withdraw -m seattle01 $P2: exit $RC: $OUT"
expect "the mux loses $P2" 5 mux $P2 absent
peering prefix announce $P2
too_soon "then announce $P2 to all muxes: refused, naming seattle01" $P2 seattle01
stays_absent "... and the mux does not get it" 1 mux $P2
ours_stop
ours_start "$OURS_CONF"
OURS_DIR=$CLIENT
wait_for 20 "mux session" mux_up || fail "seattle01 back after the restart"
peering prefix announce -m seattle01 $P2
too_soon "after a restart the withdrawal still counts: refused" $P2 seattle01
expect "after the restart the mux hears $P1 as before (-P 3)" 5 mux $P1 \
    "[47065 47065 47065] nh $OURS_V4 lp 100"
sed -i "\|^$P1\$|d" "$CLIENT/prefixes.txt"
peering prefix withdraw $P1
[ "$RC" -eq 0 ] && pass "withdraw $P1, no longer in prefixes.txt: allowed" ||
    fail "withdraw $P1, no longer in prefixes.txt: exit $RC: $OUT"
expect "the mux loses $P1" 5 mux $P1 absent
printf '%s\n' $P1 >>"$CLIENT/prefixes.txt"

# ---- 4. a save that fails: a directory at the temp file's path ----
iop_log "4. a failed save (a directory at announcements.json.tmp)"
peering prefix announce --force -m seattle01 $P1
expect "announce --force -m seattle01 $P1 reaches the mux" 5 mux $P1 "[] nh $OURS_V4 lp 100"
mkdir "$STORE.tmp"
U=$(updates_in)
peering prefix announce --force -m seattle01 -P 2 $P1
if [ "$RC" -eq 1 ] && [[ "$ERR" == *"$P1 not announced, nothing sent: cannot save the announcements ($STORE.tmp: open: Is a directory)"* ]]; then
	pass "an announce whose save fails is refused, naming the file and the error"
else
	fail "an announce whose save fails is refused"; echo "  exit $RC: $ERR"
fi
sleep 1
if route_is mux $P1 "[] nh $OURS_V4 lp 100" && [ "$(updates_in)" = "$U" ]; then
	pass "... nothing was sent: the mux keeps what it had"
else
	fail "... nothing was sent"; echo "  $(bird_route mux $P1), updates $U -> $(updates_in)"
fi
peering bgp adv seattle01 --json
jq -e --arg p $P1 '.exported[] | select(.prefix == $p) | .as_path == []' <<<"$OUT" >/dev/null 2>&1 &&
    pass "... and the daemon still says what the mux has (bgp adv)" ||
    { fail "... bgp adv says what the mux has"; echo "  $OUT"; }
peering prefix withdraw -m seattle01 $P1
if [ "$RC" -eq 0 ] && [[ "$OUT" == *"$P1: withdrawn from seattle01"*"warning: not saved to $STORE"* ]]; then
	pass "a withdraw whose save fails goes through, and says it was not saved"
else
	fail "a withdraw whose save fails goes through"; echo "  exit $RC: $OUT"
fi
expect "the mux loses $P1 all the same" 5 mux $P1 absent
st=$(status_text)
grep -q "announcements: not saved since .*Is a directory" <<<"$st" &&
    pass "bgp status says the file is behind" || { fail "bgp status says the file is behind"; echo "$st"; }
store_has $P1 seattle01 && pass "the file is stale meanwhile (still $P1)" ||
    fail "the file is stale meanwhile"
rmdir "$STORE.tmp"
saved() { ! store_has $P1 seattle01 && ! status_text | grep -q "not saved"; }
if wait_for 10 "the retried save" saved; then
	pass "once it can, the daemon saves again by itself ($P1 gone from the file)"
else
	fail "once it can, the daemon saves again by itself"; ours_log_tail
fi
grep -q "saved: the file holds the announcements again" "$TMP/ours.log" &&
    pass "... and logs it" || fail "... and logs it"

# ---- 5. a full disk: var/ on a tiny tmpfs ----
iop_log "5. a full disk (var/ on a 256 KiB tmpfs in the daemon's mount namespace)"
ours_stop
rm -f "$CLIENT/var/peering-bgpd.pid" "$CLIENT/var/peering-bgpd.sock"
mkdir -p "$TMP/varseed"
cp "$STORE" "$TMP/varseed/"
start_bg "$NS_OURS" "$TMP/ours.log" unshare -m sh -c \
    'mount -t tmpfs -o size=256k,mode=0755 tmpfs "$1/var" && cp "$2"/* "$1/var/" &&
    exec "$3" -f -v -d "$1"' sh "$CLIENT" "$TMP/varseed" "$PEERING_BGPD"
OURS_PID=$BG_PID
MNT_PID=$BG_PID
ours_json() {	# lib's, through the daemon's mount namespace
	local j
	j=$(nsenter -t "$MNT_PID" -m -n env PEERING_DIR="$CLIENT" "$PEERING" \
	    bgp cli show protocols json 2>/dev/null) || return 1
	jq -e '.protocols | type == "array"' <<<"$j" >/dev/null 2>&1 || return 1
	printf '%s\n' "$j"
}
wait_for 20 "mux session" mux_up && pass "restarted on a tmpfs var/, seattle01 Established" ||
    { fail "restarted on a tmpfs var/"; ours_log_tail; }
peering prefix announce --force -m seattle01 $P2
expect "announce --force -m seattle01 $P2 reaches the mux" 5 mux $P2 "[] nh $OURS_V4 lp 100"
in_var sh -c "cat /dev/zero >'$CLIENT/var/fill' 2>/dev/null; true"
peering prefix announce --force -m seattle01 -P 2 $P2
if [ "$RC" -eq 1 ] && [[ "$ERR" == *"$P2 not announced, nothing sent: cannot save the announcements ($STORE.tmp: "*"No space left on device)"* ]]; then
	pass "disk full: the announce is refused, naming the file and ENOSPC"
else
	fail "disk full: the announce is refused"; echo "  exit $RC: $ERR"
fi
sleep 1
route_is mux $P2 "[] nh $OURS_V4 lp 100" && pass "... the mux keeps what it had" ||
    fail "... the mux keeps what it had: $(bird_route mux $P2)"
peering prefix withdraw -m seattle01 $P2
[ "$RC" -eq 0 ] && [[ "$OUT" == *"warning: not saved"*"No space left on device"* ]] &&
    pass "disk full: the withdraw goes through, saying it was not saved" ||
    { fail "disk full: the withdraw goes through"; echo "  exit $RC: $OUT"; }
expect "the mux loses $P2" 5 mux $P2 absent
in_var rm -f "$CLIENT/var/fill"
p2_gone() { ! store_has $P2 seattle01; }
if wait_for 10 "the retried save" p2_gone; then
	pass "space back: the daemon saves by itself ($P2 gone from the file)"
else
	fail "space back: the daemon saves by itself"; ours_log_tail
fi
ours_stop
MNT_PID=

iop_finish
