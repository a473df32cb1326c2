#!/usr/bin/env bash
# `peering experiment run` against the emulated PEERING muxes of lib.sh
# (OpenVPN + BIRD 1.6, upstreams AS 3356 and AS 174 behind them), on the
# test schedule (rounds of $SECS s): the muxes are a test bed because
# their tunnels go to OpenVPN servers in 198.18.0.0/15 (src/vpn/testbed.h,
# docs/experiment.md "The test schedule").
#
#   1. Tunnels and BGP up, as a user does it.
#   2. Refused before anything is sent: "all" on the test schedule; a
#      round that would change (prefix, mux) less than 10 minutes after a
#      change made by hand (the real schedule), with round, prefix, mux
#      and the time it would be allowed.
#   3. Three rounds over A and B on amsterdam01 and seattle01: each
#      round's announcements at both muxes' BIRDs and at both upstreams
#      once its round starts (not before, and before the next round); the journal's
#      UPDATEs against what each mux's BIRD counted.
#   4. kill -9 of peering-bgpd after round 2, `bgp start` again: the run
#      resumes by itself, `run --resume` says so, no request is applied
#      twice, round 3 goes out and the run is done; the RIB snapshots.
#   5. A full disk (var/experiments is a 4 MiB tmpfs, filled) while a
#      run's round 1 ends: its RIB snapshot fails, is logged, leaves no
#      temp file; round 2 goes out, its snapshot is whole, the run done.
#   6. A mux whose tunnel is down is no test bed: refused.
#
# As root, after make: bash tests/e2e/experiment.sh [--demo] (make
# test-e2e; about 60 s). --demo (make demo) tells it step by step.
# Ends with "N passed, M failed".
set -u
[ "${1:-}" = --demo ] && E2E_DEMO=1
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_init experiment
A=amsterdam01
S=seattle01
P1=$E2E_PREFIX			# variable A
P2=184.164.225.0/24		# variable B, added to prefixes.txt
SECS=8

# ---- what the BIRDs hold ----

# mux_path MUX PREFIX: the AS path the mux's BIRD has from us, or absent.
mux_path() {
	bird_routes "m$(mux_tap "$1")v4" "$2" |
	    sed 's/^from client1 via [^ ]* path \[\([^]]*\)\].*/[\1]/'
}
# up_from UP PREFIX: the muxes upstream UP (u1, u2) has PREFIX from,
# sorted, or absent.
up_from() {
	bird_routes "$1" "$2" | awk '$1 == "from" { print $2 } $1 == "absent"' |
	    sort | tr '\n' ' ' | sed 's/ $//'
}
# state: every place at once (the eight birdc in parallel), one line:
# what the muxes and the upstreams hold of P1 and P2.
state() {
	local p i=0 f=$TMP/state
	for p in $P1 $P2; do
		mux_path $A "$p" >"$f.$i.0" &
		mux_path $S "$p" >"$f.$i.1" &
		up_from u1 "$p" >"$f.$i.2" &
		up_from u2 "$p" >"$f.$i.3" &
		i=$((i + 1))
	done
	wait
	i=0
	for p in $P1 $P2; do
		printf '%s: %s %s, %s %s, u1 %s, u2 %s; ' "$p" $A "$(cat "$f.$i.0")" \
		    $S "$(cat "$f.$i.1")" "$(cat "$f.$i.2")" "$(cat "$f.$i.3")"
		i=$((i + 1))
	done
	echo
}
# want A1 S1 U1 A2 S2 U2: the state line for P1 at amsterdam01, seattle01
# and the upstreams (both the same), then P2.
want() {
	printf '%s: %s %s, %s %s, u1 %s, u2 %s; ' $P1 $A "$1" $S "$2" "$3" "$3" \
	    $P2 $A "$4" $S "$5" "$6" "$6"
	echo
}
# counters MUX: "updates withdraws" the mux's BIRD received from us in
# this session.
counters() {
	bc "m$(mux_tap "$1")v4" show protocols all client1 | awk '
	    /Import updates:/ { u = $3 } /Import withdraws:/ { w = $3 }
	    END { print u + 0, w + 0 }'
}
session_is() {	# MUX AF STATE
	ours_json | jq -e --arg n "$1" --arg a "$2" --arg s "$3" \
	    'any(.protocols[]; .name == $n and .af == $a and .state == $s)' \
	    >/dev/null
}
sessions_up() {
	session_is $A ipv4 Established && session_is $S ipv4 Established &&
	    bird_established "m$(mux_tap $A)v4" client1 &&
	    bird_established "m$(mux_tap $S)v4" client1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# seen_ms SECONDS WANT: polls state() every 0.1 s until it prints WANT;
# prints the time it did (ms), or nothing.
seen_ms() {
	local end=$(($(now_ms) + $1 * 1000))
	while [ "$(now_ms)" -lt "$end" ]; do
		if [ "$(state)" = "$2" ]; then
			now_ms
			return 0
		fi
		sleep 0.1
	done
	return 1
}

J=
jcount() {	# JQ-FILTER: how many journal lines match
	jq -s "[.[] | select($1)] | length" "$J"
}
round_at_ms() {	# K: when round K began (journal), ms, or nothing
	jq -r --argjson r "$1" 'select(.event == "round" and .round == $r) |
	    .time_us / 1000 | floor' "$J" 2>/dev/null | head -n 1
}
# round_seen K WANT DESC: round K's state everywhere, from its start on:
# first seen no sooner than the journal's round K and before round K+1
# (within SECS; the polls, eight birdc each, take their share on a busy
# machine).
round_seen() {
	local k=$1 want=$2 desc=$3 seen at
	seen=$(seen_ms $((SECS + 8)) "$want")
	at=$(round_at_ms "$k")
	if [ -n "$seen" ] && [ -n "$at" ] && [ "$seen" -ge "$at" ] &&
	    [ $((seen - at)) -lt $((SECS * 1000)) ]; then
		pass "round $k at the muxes and upstreams $((seen - at)) ms after it began: $desc"
		return 0
	fi
	fail "round $k at the muxes and upstreams: $desc (seen at ${seen:-never}, round at ${at:-never})"
	printf '%s\n' "$want" | sed 's/^/  want | /'
	state | sed 's/^/  got  | /'
	return 1
}

# ---- 1. the bed, the tunnels, BGP ----

if [ "$E2E_DEMO" = 1 ]; then
	echo
	echo "peering-bgpd demo, part 3: an experiment, run by the daemon. The same"
	echo "emulated muxes amsterdam01 and seattle01 (OpenVPN + BIRD 1.6), AS 3356"
	echo "and AS 174 behind both. Three rounds of $SECS s (the test schedule:"
	echo "real rounds are 90 minutes), over two variables A and B."
fi
say "Setting up the bed, the tunnels and BGP"
e2e_bed_up
echo $P2 >>"$CLIENT/prefixes.txt"
# var/experiments on a tmpfs of its own (4 MiB), mounted before the
# daemon starts (its mount namespace is a copy), so that a test can fill
# it (section 5); unmounted before $TMP goes.
XDIR=$CLIENT/var/experiments
exp_umount() { umount -l "$XDIR" 2>/dev/null; return 0; }
mkdir -p "$XDIR"
mount -t tmpfs -o size=4m,mode=0700 "${PFX}x" "$XDIR" ||
    give_up "cannot mount a tmpfs on $XDIR"
trap 'exp_umount; iop_cleanup' EXIT
trap 'fail "$IOP_NAME: interrupted (SIGINT)"; exp_umount; e2e_finish' INT
trap 'fail "$IOP_NAME: terminated (SIGTERM)"; exp_umount; e2e_finish' TERM
info "namespaces ${PFX}*, files in $TMP"
for m in $A $S; do
	peering openvpn up $m
	expect_rc "openvpn up $m" || { vpn_diag $m; give_up "the tunnel to $m did not come up"; }
done
peering bgp start
expect_rc "bgp start" || {
	log_tail "$CLIENT/var/peering-bgpd.log"
	give_up "peering-bgpd did not start"
}
expect_ok "IPv4 sessions with $A and $S Established" 30 sessions_up ||
    give_up "the sessions did not come up"
note "The muxes are a test bed: their tunnels go to OpenVPN servers in"
note "198.18.0.0/15, a block the Internet does not route. Only there (and"
note "with configured lab neighbours) may rounds be shorter than 10 minutes."

# ---- 2. refusals ----

say "Refused before anything is sent"
cat >"$TMP/all.json" <<'JSON'
{"description": "fast on all", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["all"]}]}}]}
JSON
user experiment run "$TMP/all.json" --bind A=$P1 --round-seconds $SECS
if [ "$RC" -ne 0 ] && grep -q "round 1 names all" <<<"$ERR$OUT"; then
	pass "the test schedule is refused for \"all\" (every PEERING mux)"
else
	fail "the test schedule is refused for \"all\" (exit $RC: $ERR$OUT)"
fi
note "A change by hand, then a run that would change the same (prefix, mux)"
note "within 10 minutes (real rounds): refused, naming round, prefix, mux"
note "and the time it would be allowed."
user prefix announce -m $A $P2
expect_rc "prefix announce -m $A $P2 (by hand)"
user prefix withdraw -m $A $P2
expect_rc "prefix withdraw -m $A $P2 (by hand)"
cat >"$TMP/rate.json" <<JSON
{"description": "too soon", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["$A"]}]}}]}
JSON
user experiment run "$TMP/rate.json" --bind A=$P2
if [ "$RC" -ne 0 ] && grep -q "round 1: $P2 (A) to $A: a change less than 600 s after the last change there" <<<"$OUT$ERR" &&
    grep -q "allowed from" <<<"$OUT$ERR"; then
	pass "a round breaking the 10-minute rule is refused: round, prefix, mux, when"
else
	fail "the 10-minute rule (exit $RC): $ERR$OUT"
fi
user experiment status
if grep -q "no experiment" <<<"$OUT$ERR"; then
	pass "nothing runs after the refusals"
else
	fail "nothing runs after the refusals: $OUT$ERR"
fi

# ---- 3. three rounds ----

say "Three rounds of $SECS s over A=$P1 and B=$P2"
cat >"$TMP/exp.json" <<JSON
{"experiment": {"description": "A moves from $A to $S; B spreads", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["$A"]}]},
  "B": {"announce": [{"muxes": ["$S"], "communities": [[47065, 7]]}]}},
 {"A": {"withdraw": ["$A"], "announce": [{"muxes": ["$S"], "prepend": [47065]}]},
  "B": {"announce": [{"muxes": ["$A"]}]}},
 {"A": {"withdraw": ["$S"]}, "B": {"withdraw": ["$A", "$S"]}}]}}
JSON
show client "cat exp.json" cat "$TMP/exp.json"
base_a=$(counters $A)
base_s=$(counters $S)
user experiment run "$TMP/exp.json" --bind A=$P1 --bind B=$P2 \
    --round-seconds $SECS --dry-run
if [ "$RC" -eq 0 ] && grep -q "round 3 of 3 at" <<<"$OUT" &&
    grep -qF "$P1 (A) -> $S: announce as-path 47065 47065," <<<"$OUT" &&
    grep -q "nothing sent" <<<"$OUT"; then
	pass "dry run: each round's time and what each mux would hear"
else
	fail "dry run (exit $RC): $OUT$ERR"
fi
user experiment run "$TMP/exp.json" --bind A=$P1 --bind B=$P2 --round-seconds $SECS
if [ "$RC" -eq 0 ] && grep -q "3 rounds of $SECS s" <<<"$OUT" &&
    grep -q "test schedule" <<<"$OUT"; then
	pass "run: accepted on the test schedule"
else
	fail "run (exit $RC): $OUT$ERR"
	log_tail "$CLIENT/var/peering-bgpd.log"
fi
ID=$(sed -n 's/^experiment \([^:]*\):.*/\1/p' <<<"$OUT" | head -n 1)
DIR=$CLIENT/var/experiments/$ID
J=$DIR/journal.jsonl
R1=$(want "[]" absent $A absent "[]" $S)
R2=$(want absent "[47065 47065]" $S "[]" "[]" "$A $S")
R3=$(want absent absent absent absent absent absent)
round_seen 1 "$R1" "A at $A, B at $S"
if [ -z "$(round_at_ms 2)" ] && [ "$(state)" = "$R1" ]; then
	pass "before round 2: round 1's state, nothing of round 2"
else
	fail "before round 2: $(state) (round 2 at $(round_at_ms 2))"
fi
show "mux $S" "birdc show route $P2 all" bc "m$(mux_tap $S)v4" show route $P2 all
show "AS 174" "birdc show route $P1" bc u2 show route $P1
user experiment status
round_seen 2 "$R2" "A moved to $S with its prepend, B at both"
show "AS 174" "birdc show route $P1" bc u2 show route $P1
show "AS 3356" "birdc show route $P2" bc u1 show route $P2
gap=$(($(round_at_ms 2) - $(round_at_ms 1)))
if [ "$gap" -ge $((SECS * 1000 - 100)) ] && [ "$gap" -le $((SECS * 1000 + 1500)) ]; then
	pass "round 2 began $gap ms after round 1 (rounds of $SECS s)"
else
	fail "round 2 began $gap ms after round 1 (rounds of $SECS s)"
fi

# The journal's UPDATEs against what each mux's BIRD counted.
wait_for 5 "round 2 in the journal" sh -c \
    "[ \$(jq -s '[.[] | select(.event == \"request\" and .round == 2)] | length' '$J') -eq 3 ]"
match=1
for m in $A $S; do
	read -r u w <<<"$(counters $m)"
	if [ $m = $A ]; then read -r bu bw <<<"$base_a"; else read -r bu bw <<<"$base_s"; fi
	ju=$(jcount ".event == \"update\" and .mux == \"$m\" and (.withdraw | not)")
	jw=$(jcount ".event == \"update\" and .mux == \"$m\" and .withdraw")
	if [ "$ju" -ne $((u - bu)) ] || [ "$jw" -ne $((w - bw)) ] || [ "$ju" -eq 0 ]; then
		match=0
		fail "journal vs $m's BIRD: $ju/$jw UPDATEs/withdrawals journaled, $((u - bu))/$((w - bw)) received"
	fi
	counts="${counts:-}$m $ju/$jw "
done
[ "$match" = 1 ] && pass "the journal's UPDATEs match what the muxes received (${counts% })"
note "The journal, one JSON line per step (the UPDATEs with the microsecond"
note "each left):"
show client "tail -n 3 var/experiments/$ID/journal.jsonl" tail -n 3 "$J"

# ---- 4. kill -9 and the resume ----

say "kill -9 the daemon between rounds 2 and 3, start it again"
DAEMON_PID=$(tr -dc 0-9 <"$CLIENT/var/peering-bgpd.pid" 2>/dev/null)
reqs_before=$(jcount '.event == "request"')
upd12_before=$(jcount '.event == "update" and .round <= 2')
if [ -n "$DAEMON_PID" ] && is_ours "$DAEMON_PID"; then
	kill -KILL "$DAEMON_PID"
	expect_ok "peering-bgpd killed -9" 5 eval '! kill -0 "$DAEMON_PID" 2>/dev/null'
else
	fail "peering-bgpd's pid ($DAEMON_PID) is not this run's"
fi
if [ -z "$(round_at_ms 3)" ]; then
	pass "killed before round 3"
else
	fail "killed before round 3 (round 3 was out already)"
fi
user bgp start
expect_rc "bgp start again"
user experiment run --resume
if [ "$RC" -eq 0 ] && grep -q "is running" <<<"$OUT"; then
	pass "run --resume: the daemon had resumed the run by itself"
else
	fail "run --resume (exit $RC): $OUT$ERR"
fi
expect_ok "sessions Established again" 30 sessions_up
if wait_for $((SECS + 10)) "done" sh -c "jq -e '.status == \"done\"' '$DIR/state.json' >/dev/null"; then
	pass "the run finished: done"
else
	fail "the run finished: $(cat "$DIR/state.json" 2>&1)"
fi
expect_eq "round 3 at the muxes and upstreams: everything withdrawn" 10 "$R3" state
dups=$(jq -s '[.[] | select(.event == "request") | "\(.round).\(.req)"] |
    group_by(.) | map(select(length > 1)) | length' "$J")
reqs_after=$(jcount '.event == "request"')
upd12_after=$(jcount '.event == "update" and .round <= 2')
if [ "$dups" -eq 0 ] && [ "$reqs_after" -eq $((reqs_before + 3)) ] &&
    [ "$upd12_after" -eq "$upd12_before" ]; then
	pass "after the kill -9: nothing of rounds 1-2 sent again ($upd12_before UPDATEs), round 3's 3 requests once"
else
	fail "after the kill -9: $dups requests repeated, requests $reqs_before then $reqs_after, rounds 1-2 UPDATEs $upd12_before then $upd12_after"
fi
gap=$(($(round_at_ms 3) - $(round_at_ms 2)))
if [ "$gap" -ge $((SECS * 1000 - 100)) ]; then
	pass "round 3 began $gap ms after round 2, not sooner"
else
	fail "round 3 began $gap ms after round 2 (rounds of $SECS s)"
fi
if [ "$(jcount '.event == "resume"')" -eq 1 ]; then
	pass "the journal shows the resume"
else
	fail "the journal shows the resume: $(jcount '.event == "resume"') resume lines"
fi
user experiment status
if grep -q "done, round 3 of 3" <<<"$OUT"; then
	pass "status: done, round 3 of 3"
else
	fail "status: $OUT$ERR"
fi
snaps=0
for k in 1 2 3; do
	[ -e "$DIR/round-$k.rib.jsonl" ] && snaps=$((snaps + 1))
done
if [ "$snaps" -eq 3 ] && cmp -s "$DIR/experiment.json" "$TMP/exp.json" &&
    [ -z "$(ls "$DIR" | grep '\.tmp$')" ]; then
	pass "the directory: the file as run, a RIB snapshot per round, no temp file"
else
	fail "the directory: $snaps RIB snapshots; $(ls "$DIR" 2>&1 | tr '\n' ' ')"
fi
# Round 3's snapshot: the whole best-route table, a line per prefix, each
# the best path of what `show route json` has now (the muxes' tables do
# not change meanwhile).
best_now() {
	ours_routes | jq -r '.routes[] | .prefix as $p | .paths[] |
	    select(.best) | "\($p) \(.peer) \(.next_hop)"' | sort
}
snap_of() {
	jq -r 'select(.best) | "\(.prefix) \(.peer) \(.next_hop)"' \
	    "$DIR/round-$1.rib.jsonl" | sort
}
if [ "$(snap_of 3)" = "$(best_now)" ] && [ "$(wc -l <"$DIR/round-3.rib.jsonl")" -eq 5 ] &&
    [ "$(jq -s '[.[] | select(.event == "snapshot" and .round == 3 and .routes == 5 and (.error | not))] | length' "$J")" -eq 1 ]; then
	pass "round 3's RIB snapshot: the best path of each of the 5 prefixes, journaled"
else
	fail "round 3's RIB snapshot"
	snap_of 3 | sed 's/^/  snapshot | /'
	best_now | sed 's/^/  RIB      | /'
fi
show client "ls var/experiments/$ID" ls "$DIR"

# ---- 5. a full disk ----

say "A full disk during a run: the snapshot is lost, the run goes on"
cat >"$TMP/full.json" <<JSON
{"description": "full", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["$A"]}]}}, {"A": {"withdraw": ["$A"]}}]}
JSON
user experiment run "$TMP/full.json" --bind A=$P1 --round-seconds $SECS
expect_rc "run: two rounds"
ID2=$(sed -n 's/^experiment \([^:]*\):.*/\1/p' <<<"$OUT" | head -n 1)
DIR2=$XDIR/$ID2
expect_eq "round 1: $P1 at $A" 10 "[]" mux_path $A $P1
# Every byte of the tmpfs taken until round 2 began (the snapshot of
# round 1 fails to be written), then given back.
dd if=/dev/zero of="$XDIR/filler" bs=64k >/dev/null 2>&1
LOG=$CLIENT/var/peering-bgpd.log
if wait_for $((SECS + 5)) "the snapshot's failure logged" grep -q \
    "experiment $ID2: no RIB snapshot of round 1: No space left on device" "$LOG"; then
	pass "the failed snapshot of round 1 is logged: No space left on device"
else
	fail "the failed snapshot of round 1 is logged"
	log_tail "$LOG"
fi
rm -f "$XDIR/filler"
expect_eq "round 2 went out all the same: $P1 gone from $A" 10 absent mux_path $A $P1
if wait_for $((SECS + 8)) "done" sh -c "jq -e '.status == \"done\"' '$DIR2/state.json' >/dev/null"; then
	pass "the run finished: done"
else
	fail "the run finished: $(cat "$DIR2/state.json" 2>&1)"
fi
if [ ! -e "$DIR2/round-1.rib.jsonl" ] && [ -s "$DIR2/round-2.rib.jsonl" ] &&
    [ -z "$(ls "$DIR2" | grep '\.tmp$')" ]; then
	pass "no snapshot of round 1 and no temp file left; round 2's is whole"
else
	fail "the snapshots after the full disk: $(ls "$DIR2" | tr '\n' ' ')"
fi

# ---- 6. a mux whose tunnel is down is no test bed ----

say "Close the tunnel to $S: no longer a test bed"
user openvpn down $S
expect_rc "openvpn down $S"
cat >"$TMP/down.json" <<JSON
{"description": "down", "email": "t@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["$S"]}]}}]}
JSON
user experiment run "$TMP/down.json" --bind A=$P1 --round-seconds $SECS
if [ "$RC" -ne 0 ] && grep -q "round 1 names $S, a PEERING mux (configs/openvpn): its tunnel" <<<"$OUT$ERR"; then
	pass "the test schedule is refused for a mux whose tunnel is down"
else
	fail "the test schedule on a mux whose tunnel is down (exit $RC): $OUT$ERR"
fi

exp_umount
e2e_finish
