#!/usr/bin/env bash
# `peering experiment run` on the wire: peering-bgpd runs an experiment's
# rounds itself, against two BIRD 1.6 lab routers configured as
# `neighbor`s (nb1, AS 65001; nb2, AS 65002), on the test schedule
# (--round-seconds 8: the testing aid for configured neighbours only).
#
#   1. Refusals before anything is sent: the test schedule naming a
#      PEERING mux (seattle01 of configs/openvpn) or "all"; a round that
#      would change a (prefix, neighbour) within the change interval of a
#      change made by hand, named with round, prefix, neighbour and time.
#   2. --dry-run: each round's time and each neighbour's exact attributes;
#      nothing reaches the BIRDs.
#   3. Three rounds over A (--bind) and B (chosen: the prefix idle the
#      longest): each round's routes at the BIRDs once its round starts and
#      not before; the journal's UPDATEs match what each BIRD counted.
#   4. kill -9 after round 2, a restart: the daemon resumes the run, `run
#      --resume` says so, nothing of rounds 1-2 is applied again (journal
#      and BIRD's counters), round 3 goes out; status says done.
#   5. An announcement file run as one round; stop: withdraws what the run
#      announced and nothing else (a prefix announced by hand stays).
#   6. `peering announce FILE.json`, one request: a good file applied at
#      once; a file with one entry the change-rate rule refuses changes
#      nothing (store byte for byte, the BIRDs' counters); the daemon's
#      own gates (a name it has no session for); a file others may write
#      refused; kill -9 right after a file: store and BIRDs agree.
#
# Own namespaces ("pbi" + 6 hex digits), removed on exit, failure and
# signals; BIRDs stopped by PID. Needs root, bird/birdc (BIRD 1.6), jq.
# Ends with "N passed, M failed".
. "$(dirname "$0")/lib.sh"

iop_init experiment
for b in bird birdc; do
	command -v "$b" >/dev/null 2>&1 || give_up "$b not found (scripts/install-deps)"
done
need_ours

P1=184.164.224.0/24	# A, bound by hand
P2=184.164.225.0/24	# changed by hand before the run: not idle
P3=184.164.226.0/24	# B: idle the longest
P4=184.164.227.0/24	# announced by hand, never the run's
SECS=8

# ---- nb1 and nb2: one namespace and one veth pair each ----
IOP_EXTRA_NS+=("${PFX}n1" "${PFX}n2")
ip netns add "$NS_OURS" || give_up "ip netns add $NS_OURS"
ip -n "$NS_OURS" link set lo up
for i in 1 2; do
	ns=${PFX}n$i
	ip netns add "$ns" || give_up "ip netns add $ns"
	ip -n "$ns" link set lo up
	ip link add "${PFX}${i}n" netns "$ns" type veth peer name "${PFX}${i}o" \
	    netns "$NS_OURS" || give_up "cannot create veth $i"
	ip -n "$ns" addr add "10.9.$i.2/24" dev "${PFX}${i}n"
	ip -n "$NS_OURS" addr add "10.9.$i.1/24" dev "${PFX}${i}o"
	ip -n "$ns" link set "${PFX}${i}n" up
	ip -n "$NS_OURS" link set "${PFX}${i}o" up
	# nb1 sends us B's prefix back (a static route), for the run's RIB
	# snapshots and UPDATE logs.
	export='export none;'
	static=
	if [ "$i" = 1 ]; then
		export='export where proto = "st";'
		static="protocol static st { route $P3 blackhole; }"
	fi
	cat >"$TMP/nb$i.conf" <<BIRDCONF
router id 10.9.$i.2;
log "$TMP/nb$i.log" all;
protocol device { scan time 10; }
$static
protocol bgp ours {
	local 10.9.$i.2 as 6500$i;
	neighbor 10.9.$i.1 as 47065;
	import all;
	$export
	debug { states, routes };
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
BIRDCONF
	bird -p -c "$TMP/nb$i.conf" >"$TMP/nb$i.out" 2>&1 ||
	    give_up "BIRD nb$i: $(cat "$TMP/nb$i.out")"
	start_bg "$ns" "$TMP/nb$i.out" bird -f -c "$TMP/nb$i.conf" -s "$TMP/nb$i.ctl"
done
bc() { timeout 5 birdc -s "$TMP/$1.ctl" "${@:2}" 2>&1; }
for i in 1 2; do
	wait_for 10 "BIRD nb$i" sh -c "birdc -s '$TMP/nb$i.ctl' show status | grep -q 'Daemon is up'" ||
	    give_up "BIRD nb$i did not start: $(cat "$TMP/nb$i.out")"
done
# bird_path NB PREFIX: the AS path that BIRD has from us, or "absent".
bird_path() {
	local out
	out=$(bc "$1" show route "$2" all) || { echo "birdc failed"; return; }
	grep -q "^$2 " <<<"$out" || { echo absent; return; }
	awk '/BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); print; exit }' <<<"$out"
}
path_is() { [ "$(bird_path "$1" "$2")" = "$3" ]; }
# counters NB: "updates withdraws" that BIRD received in this session.
counters() {
	bc "$1" show protocols all ours | awk '
	    /Import updates:/ { u = $3 } /Import withdraws:/ { w = $3 }
	    END { print u + 0, w + 0 }'
}
bird_up() { bc "$1" show protocols ours | grep -q Established; }

# ---- the client directory and our daemon ----
CLIENT=$TMP/client
mkdir -p "$CLIENT/configs/openvpn" "$CLIENT/var"
printf 'client\ndev tap1\n' >"$CLIENT/configs/openvpn/seattle01.conf"
printf '%s\n' $P1 $P2 $P3 $P4 >"$CLIENT/prefixes.txt"
CONF="router-id 10.9.1.1
neighbor 10.9.1.2 {
	name nb1
	remote-as 65001
	interface ${PFX}1o
	local-address 10.9.1.1
}
neighbor 10.9.2.2 {
	name nb2
	remote-as 65002
	interface ${PFX}2o
	local-address 10.9.2.1
}"
ours_start "$CONF"
both_up() {
	session_true nb1 '.state == "Established"' &&
	    session_true nb2 '.state == "Established"' && bird_up nb1 && bird_up nb2
}
wait_for 20 "sessions" both_up || give_up "the sessions did not come up"
pass "nb1 and nb2 established"

# peering ARGS...: $OUT (stdout and stderr), $RC.
peering() {
	timeout 20 ip netns exec "$NS_OURS" env PEERING_DIR="$CLIENT" \
	    "$PEERING" "$@" >"$TMP/cmd.out" 2>&1
	RC=$?
	OUT=$(cat "$TMP/cmd.out")
	printf '   $ peering %s  => %s: %s\n' "$*" "$RC" "$(tail -n 1 "$TMP/cmd.out")"
}
check() {	# DESC CMD...
	if "${@:2}"; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$OUT" | sed 's/^/  | /'
	fi
}
has() { grep -qF -- "$1" <<<"$OUT"; }
J=
jcount() {	# JQ-FILTER: how many journal lines match
	jq -s "[.[] | select($1)] | length" "$J"
}

# ---- 1. refusals ----
cat >"$TMP/mux.json" <<'JSON'
{"description": "fast on a mux", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["nb1"]}]}},
 {"A": {"announce": [{"muxes": ["seattle01"]}]}}]}
JSON
peering experiment run "$TMP/mux.json" --bind A=$P1 --round-seconds $SECS
check "the test schedule is refused for a PEERING mux (round 2, seattle01)" \
    eval '[ $RC -ne 0 ] && has "round 2 names seattle01, a PEERING mux"'
cat >"$TMP/all.json" <<'JSON'
{"description": "fast on all", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["all"]}]}}]}
JSON
peering experiment run "$TMP/all.json" --bind A=$P1 --round-seconds $SECS
check "the test schedule is refused for \"all\"" \
    eval '[ $RC -ne 0 ] && has "names all"'
peering experiment status
check "nothing runs after a refusal" has "no experiment"

# P2 changed by hand now: a run changing it within the interval is refused.
peering prefix announce -m nb1 -R $P2
peering prefix withdraw -m nb1 -R $P2
cat >"$TMP/rate.json" <<'JSON'
{"description": "too soon", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["nb1"]}]}}]}
JSON
peering experiment run "$TMP/rate.json" --bind A=$P2 --round-seconds 600
check "a round breaking the 10-minute rule is refused up front, naming round, prefix, mux, time" \
    eval '[ $RC -ne 0 ] && has "round 1: $P2 (A) to nb1: a change less than 600 s" && has "allowed from"'
peering prefix announce -m nb2 -R $P4
check "P4 announced by hand to nb2" eval '[ $RC -eq 0 ]'
wait_for 5 "P4 at nb2" path_is nb2 $P4 "47065" || fail "P4 reached nb2"

# ---- 2. the dry run ----
cat >"$TMP/exp.json" <<'JSON'
{"experiment": {"description": "three rounds", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["nb1"], "prepend": [3356]}]},
  "B": {"announce": [{"muxes": ["nb2"], "communities": [[47065, 7]]}]}},
 {"A": {"withdraw": ["nb1"], "announce": [{"muxes": ["nb2"]}]},
  "B": {"announce": [{"muxes": ["nb2"], "prepend": [174]}]}},
 {"A": {"withdraw": ["nb2"]}, "B": {"withdraw": ["nb2"]}}]}}
JSON
before1=$(counters nb1)
before2=$(counters nb2)
peering experiment run "$TMP/exp.json" --bind A=$P1 --round-seconds $SECS --dry-run
check "dry run: round times and attributes per neighbour" eval '[ $RC -eq 0 ] &&
    has "round 1 of 3 at" && has "round 3 of 3 at" &&
    has "$P1 (A) -> nb1: announce as-path 47065 3356 47065, communities -, large -, next hop self" &&
    has "$P3 (B) -> nb2: announce as-path 47065, communities 47065:7" &&
    has "$P1 (A) -> nb1: withdraw" && has "B=$P3 (chosen: idle the longest)" &&
    has "nothing sent"'
sleep 1
check "dry run: nothing reached the BIRDs" \
    eval '[ "$(counters nb1)" = "$before1" ] && [ "$(counters nb2)" = "$before2" ]'

# ---- 3. the run ----
peering experiment run "$TMP/exp.json" --bind A=$P1 --round-seconds $SECS
check "run: accepted, B bound to the prefix idle the longest" eval '[ $RC -eq 0 ] &&
    has "3 rounds of $SECS s" && has "A=$P1 (given)" && has "B=$P3 (chosen: idle the longest)"'
[ "$RC" -eq 0 ] || ours_log_tail 40
ID=$(sed -n 's/^experiment \([^:]*\):.*/\1/p' <<<"$OUT" | head -n 1)
DIR=$CLIENT/var/experiments/$ID
J=$DIR/journal.jsonl
round_at() {
	jq -r --argjson r "$1" 'select(.event == "round" and .round == $r) | .time_us' "$J" 2>/dev/null | head -n 1
}
if wait_for 5 "round 1 at nb1" path_is nb1 $P1 "47065 3356 47065" &&
    wait_for 5 "round 1 at nb2" path_is nb2 $P3 "47065"; then
	pass "round 1 at the BIRDs: A at nb1 with its prepend, B at nb2"
else
	fail "round 1 at the BIRDs: nb1 $(bird_path nb1 $P1), nb2 $(bird_path nb2 $P3)"
fi
if [ -z "$(round_at 2)" ] && path_is nb2 $P1 absent; then
	pass "before round 2: A not at nb2"
else
	fail "before round 2: A not at nb2 ($(bird_path nb2 $P1), round 2 at $(round_at 2))"
fi
# nb1 withdraws and sends again B's prefix during round 1: the round's
# UPDATE log has both, and the RIB snapshot at its end the path.
bc nb1 disable st >/dev/null
sleep 0.5
bc nb1 enable st >/dev/null
peering experiment status
check "status: round 1 of 3, next round, bindings, muxes" eval 'has "round 1 of 3" &&
    has "next round: 2 at" && has "A=$P1 (given)" && has "muxes: nb1 nb2"'
peering experiment status --json
check "status --json" eval 'jq -e ".id == \"$ID\" and .round == 1 and .rounds == 3 and
    .bindings.B.prefix == \"$P3\" and .bindings.B.chosen and .test_schedule" <<<"$OUT" >/dev/null'
if wait_for 10 "round 2 at nb2" path_is nb2 $P1 "47065" &&
    wait_for 5 "round 2: A gone from nb1" path_is nb1 $P1 absent &&
    wait_for 5 "round 2: B prepended" path_is nb2 $P3 "47065 174 47065"; then
	pass "round 2 at the BIRDs: A moved to nb2, B with its prepend"
else
	fail "round 2 at the BIRDs: nb1 A $(bird_path nb1 $P1), nb2 A $(bird_path nb2 $P1) B $(bird_path nb2 $P3)"
fi
gap=$(( ($(round_at 2) - $(round_at 1)) / 1000 ))
if [ "$gap" -ge $((SECS * 1000 - 100)) ] && [ "$gap" -le $((SECS * 1000 + 1500)) ]; then
	pass "round 2 went out $gap ms after round 1 (rounds of $SECS s)"
else
	fail "round 2 went out $gap ms after round 1 (rounds of $SECS s)"
fi
# The journal's UPDATEs against what each BIRD counted.
wait_for 5 "round 2 in the journal" sh -c "[ \$(jq -s '[.[] | select(.event == \"request\" and .round == 2)] | length' '$J') -eq 3 ]"
read -r u1 w1 <<<"$(counters nb1)"
read -r u2 w2 <<<"$(counters nb2)"
read -r b1 bw1 <<<"$before1"
read -r b2 bw2 <<<"$before2"
ju1=$(jcount '.event == "update" and .mux == "nb1" and (.withdraw | not)')
jw1=$(jcount '.event == "update" and .mux == "nb1" and .withdraw')
ju2=$(jcount '.event == "update" and .mux == "nb2" and (.withdraw | not)')
jw2=$(jcount '.event == "update" and .mux == "nb2" and .withdraw')
# ---- 4. kill -9 between rounds 2 and 3, then the restart ----
kill -KILL "$OURS_PID"
wait "$OURS_PID" 2>/dev/null
OURS_PID=
reqs_before=$(jcount '.event == "request"')
if [ -z "$(round_at 3)" ]; then
	pass "killed -9 between rounds 2 and 3"
else
	fail "killed -9 between rounds 2 and 3 (round 3 was out already)"
fi
if [ "$ju1" -eq $((u1 - b1)) ] && [ "$jw1" -eq $((w1 - bw1)) ] &&
    [ "$ju2" -eq $((u2 - b2)) ] && [ "$jw2" -eq $((w2 - bw2)) ]; then
	pass "the journal's UPDATEs match the BIRDs' counters (nb1 $ju1/$jw1, nb2 $ju2/$jw2)"
else
	fail "journal vs BIRDs: nb1 $ju1/$jw1 vs $((u1 - b1))/$((w1 - bw1)), nb2 $ju2/$jw2 vs $((u2 - b2))/$((w2 - bw2))"
fi
if [ "$(jcount '.event == "update" and (.time_us | type) == "number" and .round >= 1 and (.prefix | type) == "string"')" -eq $((ju1 + jw1 + ju2 + jw2)) ]; then
	pass "each UPDATE in the journal: round, prefix, mux, microsecond time"
else
	fail "each UPDATE in the journal: round, prefix, mux, microsecond time"
fi

start_bg "$NS_OURS" "$TMP/ours.log" "$PEERING_BGPD" -f -v -d "$CLIENT"
OURS_PID=$BG_PID
OURS_DIR=$CLIENT
wait_for 10 "control socket" ours_json >/dev/null || give_up "peering-bgpd did not restart"
peering experiment run --resume
check "run --resume: the daemon resumed the run at start" eval '[ $RC -eq 0 ] && has "is running"'
wait_for 20 "round 3" sh -c "[ \$(jq -s '[.[] | select(.event == \"request\" and .round == 3)] | length' '$J') -eq 2 ]"
wait_for 20 "sessions again" both_up
if wait_for 10 "round 3: A gone" path_is nb2 $P1 absent &&
    wait_for 5 "round 3: B gone" path_is nb2 $P3 absent; then
	pass "round 3 at the BIRDs: A and B withdrawn"
else
	fail "round 3 at the BIRDs: nb2 A $(bird_path nb2 $P1), B $(bird_path nb2 $P3)"
fi
check "P4, announced by hand, stays at nb2" path_is nb2 $P4 "47065"
dups=$(jq -s '[.[] | select(.event == "request") | "\(.round).\(.req)"] | group_by(.) | map(select(length > 1)) | length' "$J")
reqs_after=$(jcount '.event == "request"')
if [ "$dups" -eq 0 ] && [ "$reqs_after" -eq $((reqs_before + 2)) ]; then
	pass "after the kill -9: no request of rounds 1-2 applied again, round 3's two once"
else
	fail "after the kill -9: $dups requests repeated, $reqs_before then $reqs_after"
fi
# What the new sessions' first export and round 3 explain, nothing more:
# nb1 held nothing, nb2 its table (P4, and A and B if round 3 came after
# the session) then round 3's withdrawals.
read -r u1 w1 <<<"$(counters nb1)"
read -r u2 w2 <<<"$(counters nb2)"
if [ "$u1" -eq 0 ] && [ "$w1" -eq 0 ] && [ "$u2" -le 3 ] && [ "$w2" -eq $((u2 - 1)) ]; then
	pass "BIRD counters after the restart: nb1 $u1/$w1, nb2 $u2/$w2"
else
	fail "BIRD counters after the restart: nb1 $u1/$w1, nb2 $u2/$w2"
fi
wait_for $((SECS + 5)) "done" sh -c "jq -e '.status == \"done\"' '$DIR/state.json' >/dev/null"
peering experiment status
check "status: done, round 3 of 3" has "done, round 3 of 3"
check "the directory: the file as run, state, journal, RIB snapshots" eval \
    '[ -s "$DIR/state.json" ] && [ -e "$DIR/round-1.rib.jsonl" ] &&
    [ -e "$DIR/round-3.rib.jsonl" ] && cmp -s "$DIR/experiment.json" "$TMP/exp.json"'
if jq -s -e --arg p "$P3" 'any(.[]; .prefix == $p and .peer == "nb1" and .withdraw) and
    any(.[]; .prefix == $p and .peer == "nb1" and (.withdraw | not) and .round == 1 and
    .attributes.as_path != null)' "$DIR/round-1.updates.jsonl" >/dev/null 2>&1; then
	pass "round 1's UPDATE log: B's prefix withdrawn and sent again by nb1"
else
	fail "round 1's UPDATE log: $(head -c 600 "$DIR/round-1.updates.jsonl" 2>&1)"
fi
if jq -s -e --arg p "$P3" 'any(.[]; .prefix == $p and .peer == "nb1" and .round == 1)' \
    "$DIR/round-1.rib.jsonl" >/dev/null 2>&1; then
	pass "round 1's RIB snapshot: nb1's path for B's prefix"
else
	fail "round 1's RIB snapshot: $(head -c 600 "$DIR/round-1.rib.jsonl" 2>&1)"
fi

# ---- 5. an announcement file runs as one round; stop ----
cat >"$TMP/ann.json" <<JSON
{"$P2": {"announce": [{"muxes": ["nb2"], "communities": [[47065, 9]]}]}}
JSON
peering experiment run "$TMP/ann.json" --round-seconds 8
check "an announcement file runs as an experiment of one round" eval '[ $RC -eq 0 ] && has "1 round of 8 s"'
if wait_for 5 "P2 at nb2" path_is nb2 $P2 "47065"; then
	pass "the announcement file's round at nb2"
else
	fail "the announcement file's round at nb2: $(bird_path nb2 $P2)"
fi
peering experiment stop
wait_for 5 "P2 gone" path_is nb2 $P2 absent && pass "stop: P2 withdrawn" || fail "stop: P2 withdrawn"
cat >"$TMP/hold.json" <<'JSON'
{"description": "hold", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["nb1"]}]}}, {"A": {"announce": [{"muxes": ["nb1"]}]}}]}
JSON
peering experiment run "$TMP/hold.json" --bind A=$P1 --round-seconds 8
check "a second run once the first is done" eval '[ $RC -eq 0 ]'
wait_for 5 "hold at nb1" path_is nb1 $P1 "47065"
peering experiment stop
check "stop: withdraws the run's announcement" eval '[ $RC -eq 0 ] && has "1 of its announcements withdrawn"'
if wait_for 5 "stop at nb1" path_is nb1 $P1 absent; then
	pass "stop: A gone from nb1"
else
	fail "stop: A gone from nb1"
fi
check "stop: P4, announced by hand, stays at nb2" path_is nb2 $P4 "47065"
peering experiment status
check "status: stopped" has "stopped"
# clear announcements (what bgp stop sends) stops a run too.
printf '{"%s": {"announce": [{"muxes": ["nb1"]}]}}\n' $P2 >"$TMP/ann2.json"
peering experiment run "$TMP/ann2.json" --round-seconds 8
peering bgp cli clear announcements
peering experiment status
check "clear announcements stops the run" eval 'has "stopped" && has "round 1 of 1"'
# ---- 6. peering announce FILE.json: one request, all or nothing ----
P5=184.164.228.0/24
P6=184.164.229.0/24
printf '%s\n' $P5 $P6 >>"$CLIENT/prefixes.txt"
STORE=$CLIENT/var/announcements.json
store_pairs() {	# the store's (prefix, mux) pairs, sorted, one line
	jq -r '.announcements[] | "\(.prefix)@\(.mux)"' "$STORE" | sort | tr '\n' ' '
}
cat >"$TMP/good.json" <<JSON
{"$P5": {"announce": [{"muxes": ["nb1"], "communities": [[47065, 11]]}]},
 "$P6": {"announce": [{"muxes": ["nb1", "nb2"]}]}}
JSON
peering announce "$TMP/good.json"
check "announce FILE.json: one request, 3 applied at once" eval '[ $RC -eq 0 ] &&
    has "3 requests applied at once (3 changed), saved once"'
if wait_for 5 "P5 at nb1" path_is nb1 $P5 47065 && wait_for 5 "P6 at nb1" path_is nb1 $P6 47065 &&
    wait_for 5 "P6 at nb2" path_is nb2 $P6 47065; then
	pass "the good file at the BIRDs: P5 at nb1, P6 at nb1 and nb2"
else
	fail "the good file at the BIRDs: nb1 P5 $(bird_path nb1 $P5) P6 $(bird_path nb1 $P6), nb2 P6 $(bird_path nb2 $P6)"
fi
check "the store holds the file's three pairs" eval \
    '[ "$(store_pairs | grep -o "$P5@nb1\|$P6@nb1\|$P6@nb2" | wc -l)" -eq 3 ]'
# A withdrawal that alone would pass, and an announcement the change-rate
# rule refuses: the daemon applies neither.
cat >"$TMP/bad.json" <<JSON
{"$P5": {"withdraw": ["nb1"]},
 "$P6": {"announce": [{"muxes": ["nb2"], "prepend": [3356]}]}}
JSON
cp "$STORE" "$TMP/store.before"
before1=$(counters nb1)
before2=$(counters nb2)
peering announce "$TMP/bad.json"
check "a file with one refused entry: exit 1, the entry named, nothing applied" eval \
    '[ $RC -eq 1 ] && has "request 2 of 2: $P6 was changed less than 10 minutes ago" &&
    has "1 of 2 requests refused: nothing was applied"'
sleep 1
check "... the store unchanged, byte for byte" cmp -s "$STORE" "$TMP/store.before"
check "... nothing reached the BIRDs (P5 still at nb1, their counters unchanged)" eval \
    'path_is nb1 $P5 47065 && path_is nb2 $P6 47065 &&
    [ "$(counters nb1)" = "$before1" ] && [ "$(counters nb2)" = "$before2" ]'
# The daemon's own gates, whatever the client checked: a name it has no
# session for, asked directly.
printf '{"%s": {"announce": [{"muxes": ["nb9"]}]}}\n' $P5 >"$TMP/nb9.json"
peering bgp cli announce-file "$TMP/nb9.json"
check "the daemon refuses a file naming a mux it does not have" eval \
    '[ $RC -ne 0 ] && has "unknown mux \"nb9\""'
cp "$TMP/good.json" "$TMP/open.json"
chmod o+w "$TMP/open.json"
peering announce "$TMP/open.json"
check "a file others may write is refused" eval '[ $RC -eq 1 ] && has "writable by others: refused"'
check "... the store unchanged" cmp -s "$STORE" "$TMP/store.before"
# kill -9 right after a file: the store and what the neighbours hear
# agree after the restart.
cat >"$TMP/good2.json" <<JSON
{"$P5": {"withdraw": ["nb1"]}, "$P6": {"withdraw": ["nb1"]}}
JSON
peering announce "$TMP/good2.json"
kill -KILL "$OURS_PID"
wait "$OURS_PID" 2>/dev/null
check "announce FILE.json before the kill -9: applied" eval '[ $RC -eq 0 ] && has "2 requests applied at once"'
start_bg "$NS_OURS" "$TMP/ours2.log" "$PEERING_BGPD" -f -v -d "$CLIENT"
OURS_PID=$BG_PID
wait_for 10 "control socket" ours_json >/dev/null || give_up "peering-bgpd did not restart"
wait_for 20 "sessions again" both_up
if [ "$(store_pairs | grep -c "$P5@\|$P6@nb1")" -eq 0 ] && store_pairs | grep -q "$P6@nb2" &&
    wait_for 10 "nb2 has P6" path_is nb2 $P6 47065 && wait_for 5 "nb1 has no P5" path_is nb1 $P5 absent &&
    path_is nb1 $P6 absent; then
	pass "after the kill -9: the store (P6 at nb2 only) and the BIRDs agree"
else
	fail "after the kill -9: store $(store_pairs); nb1 P5 $(bird_path nb1 $P5) P6 $(bird_path nb1 $P6); nb2 P6 $(bird_path nb2 $P6)"
fi

ours_stop
iop_finish
