#!/usr/bin/env bash
# The control socket when things go wrong (docs/daemon.md, "Control
# protocol"). With the daemon running in a network namespace: 256 idle
# connections (silent, and half a request) make the next client get the
# explicit "too many" refusal, and `bgp stop` refuse to stop; after the
# idle timeout they are closed with a reply and commands work again; a
# stopped daemon makes `peering` time out, waiting for a reply or, its
# queue of connections full, for connecting; a daemon killed while a
# client waits is reported. With a stand-in daemon (build/tests/ctl_peer) that
# closes without replying, or cuts its reply: `prefix announce`,
# `announce FILE.json` and `bgp stop` fail with a clear message, and
# `peering` never dies of SIGPIPE (exit 141). Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
PEER=${CTL_PEER:-$ROOT/build/tests/ctl_peer}
TAG=pbk$$
NS=${TAG}n
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
US=$TMP/client FAKE=$TMP/fake
PASS=0 FAIL=0 DPID= BG=()

cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -CONT "$DPID"
		ip netns exec "$NS" env PEERING_DIR="$US" \
		    PEERING_CONTROL_TIMEOUT=5 "$ROOT/peering" bgp stop \
		    > /dev/null 2>&1
		kill -9 "$DPID" 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
has() { grep -qF -- "$2" <<< "$1"; }	# text substring
quiet() { "$@" > /dev/null; }
between() { [ "$3" -ge "$1" ] && [ "$3" -lt "$2" ]; }	# lo hi value

# peering for the daemon, and for the stand-in; one that hangs is stopped
# after 30 s (status 124).
us() {
	timeout 30 ip netns exec "$NS" env PEERING_DIR="$US" "$ROOT/peering" "$@"
}
fk() { timeout 30 env PEERING_DIR="$FAKE" "$ROOT/peering" "$@"; }
# run NAME ARGS...: ARGS with stdout/stderr/status in $out, $err, $rc.
run() {
	shift
	"$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}
wait_for() {	# seconds command...
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
now_ms() { date +%s%3N; }

[ "$(id -u)" -eq 0 ] || { echo "needs root"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$PEER" ] || { echo "no $PEER (make test-daemon builds it)"; echo "0 passed, 1 failed"; exit 1; }
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
mkdir -p "$US/configs"
printf 'local-as 47065\nrouter-id 100.65.128.2\n' > "$US/configs/peering-bgpd.conf"

run start us bgp start
check "bgp start ($out)" has "$out" "started (pid"
DPID=$(cat "$US/var/peering-bgpd.pid")
SOCK=$US/var/peering-bgpd.sock
check "status answers" quiet us bgp status
# help is a streamed reply (ctl_stream.h): the whole list, then ok.
run help us bgp cli help
check "streamed help: whole list, status ok ($rc: $(wc -l <<< "$out") lines, last: $(tail -n1 <<< "$out"))" \
    test "$rc" -eq 0 -a "$(wc -l <<< "$out")" -ge 13 \
    -a "$(tail -n1 <<< "$out")" = "help [json]: this list"

# --- (a) 256 idle connections (CONTROL_MAX_CONNS): 128 silent, 128 with
# half a request
"$PEER" hold "$SOCK" 128 > "$TMP/hold1" & BG+=($!); H1=$!
"$PEER" hold "$SOCK" 128 "show prot" > "$TMP/hold2" & BG+=($!); H2=$!
check "256 connections held" wait_for 5 grep -q "connected 128" "$TMP/hold1"
wait_for 5 grep -q "connected 128" "$TMP/hold2"
sleep 0.3	# the daemon has accepted them all
t0=$(now_ms)
run a17 us bgp status
check "the 257th client fails (status $rc)" [ "$rc" -eq 1 ]
check "... told why ($err)" has "$err" \
    "error: too many control connections (256); try again in a few seconds"
check "... nothing on stdout" [ -z "$out" ]
run stop17 us bgp stop
check "bgp stop over the limit fails (status $rc)" [ "$rc" -eq 1 ]
check "... saying why" has "$err" "error: too many control connections (256)"
check "... and that it did not stop ($err)" has "$err" \
    "did not confirm withdrawing the announcements, so it was not stopped"
check "... nor print a stop" [ -z "$(grep stopped <<< "$out")" ]
check "the daemon still runs" kill -0 "$DPID"

# --- (b) the idle timeout closes them, each with a reply
wait "$H1"; r1=$?
wait "$H2"; r2=$?
BG=()
elapsed=$(( $(now_ms) - t0 ))
check "the daemon closed all 256 (holders: $r1 $r2)" [ $((r1 + r2)) -eq 0 ]
check "... at the idle timeout, 5 s (${elapsed} ms after)" between 3000 7000 "$elapsed"
want='closed: error: no request within 5 seconds (idle timeout)\n.error timeout\n'
n=$(cat "$TMP/hold1" "$TMP/hold2" | grep -cxF -- "$want")
check "... each told why ($n of 256)" [ "$n" -eq 256 ]
run again us bgp status
check "commands work again (status $rc)" [ "$rc" -eq 0 ]
check "... with their usual output" has "$out" "name             af    state"

# --- a stuck daemon: `peering` gives up after its timeout
kill -STOP "$DPID"
t0=$(now_ms)
PEERING_CONTROL_TIMEOUT=2 run stuck us bgp status
elapsed=$(( $(now_ms) - t0 ))
check "a stopped daemon: status fails ($rc)" [ "$rc" -eq 1 ]
check "... after the 2 s timeout (${elapsed} ms)" between 1900 5000 "$elapsed"
check "... saying so ($err)" has "$err" \
    "peering: peering-bgpd sent nothing for 2 seconds instead of replying; is it stuck?"
kill -CONT "$DPID"
check "status once it runs again" quiet us bgp status

# ... and its queue of connections full: connecting times out
kill -STOP "$DPID"
"$PEER" hold "$SOCK" 257 > "$TMP/hold3" & BG+=($!); H3=$!
check "257 connections queued" wait_for 5 grep -q "connected 257" "$TMP/hold3"
PEERING_CONTROL_TIMEOUT=2 run full us bgp status
check "a stopped daemon, queue full: status fails ($rc)" [ "$rc" -eq 1 ]
check "... saying so ($err)" has "$err" \
    "peering: peering-bgpd took no connection for 2 seconds; is it stuck?"
kill -CONT "$DPID"
wait "$H3"; r3=$?
BG=()
n=$(grep -c 'idle timeout' "$TMP/hold3")
m=$(grep -c 'too many control connections (256)' "$TMP/hold3")
check "once it runs: all 257 closed ($r3)" [ "$r3" -eq 0 ]
check "... 256 at the idle timeout ($n), 1 refused at once ($m)" \
    [ "$n-$m" = 256-1 ]
check "status after it runs again" quiet us bgp status

# --- killed while a client waits for its reply
kill -STOP "$DPID"
( us bgp status > "$TMP/k.out" 2> "$TMP/k.err"; echo $? > "$TMP/k.rc" ) &
sleep 0.5
kill -9 "$DPID"
check "the waiting client ends" wait_for 5 test -s "$TMP/k.rc"
rc=$(cat "$TMP/k.rc") err=$(cat "$TMP/k.err")
check "... failing (status $rc)" [ "$rc" -eq 1 ]
check "... with the reason ($err)" has "$err" \
    "peering: the daemon closed the connection: it did not reply"
check "... naming the daemon gone" has "$err" "peering-bgpd is no longer running"
DPID=

# --- (c) a stand-in daemon that never completes a reply
mkdir -p "$FAKE/configs/openvpn" "$FAKE/var"
printf 'client\ndev tap5\n' > "$FAKE/configs/openvpn/amsterdam01.conf"
echo 184.164.236.0/24 > "$FAKE/prefixes.txt"
: > "$FAKE/prefixes6.txt"
cat > "$FAKE/ann.json" <<'EOF'
{ "184.164.236.0/24": { "announce": [ { "muxes": ["amsterdam01"] } ] } }
EOF
FSOCK=$FAKE/var/peering-bgpd.sock
FPID=
fake() {	# MODE: the stand-in, its pid in the pid file as the daemon's
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	"$PEER" fake "$FSOCK" "$1" "$FAKE/var/peering-bgpd.pid" \
	    > "$TMP/fake.out" & FPID=$!; BG=("$FPID")
	wait_for 5 grep -q ready "$TMP/fake.out"
}

for mode in read-close close cut; do
	case $mode in
	cut) says="closed the connection: it cut its reply" ;;
	*) says="closed the connection" ;;
	esac
	check "stand-in daemon ($mode)" fake "$mode"
	run p fk prefix announce 184.164.236.0/24
	check "$mode: prefix announce fails (status $rc)" [ "$rc" -eq 1 ]
	check "$mode: ... saying so ($err)" has "$err" "error [the daemon $says"
	check "$mode: ... nothing on stdout" [ -z "$out" ]
	run j fk announce "$FAKE/ann.json"
	check "$mode: announce FILE.json fails (status $rc)" [ "$rc" -eq 1 ]
	check "$mode: ... saying so ($err)" has "$err" "peering: the daemon $says"
	check "$mode: ... and that the file may or may not be applied" has "$err" \
	    "did not answer, so the file may or may not be applied (all of it or none"
	check "$mode: ... not \"applied\"" [ -z "$(grep applied <<< "$out")" ]
	run s fk bgp stop
	check "$mode: bgp stop fails (status $rc)" [ "$rc" -eq 1 ]
	check "$mode: ... saying so ($err)" has "$err" "peering: the daemon $says"
	check "$mode: ... not stopping it" has "$err" "so it was not stopped"
	check "$mode: ... and it was not signalled" kill -0 "$FPID"
done

# --- (d) no death by SIGPIPE when the daemon closes early
fake close
codes=
for _ in $(seq 1 30); do
	fk bgp status > /dev/null 2>&1
	codes="$codes $?"
	fk prefix announce 184.164.236.0/24 > /dev/null 2>&1
	codes="$codes $?"
done
check "30 x 2 requests to a closing daemon all exit 1, never 141:$codes" \
    [ -z "$(tr ' ' '\n' <<< "$codes" | grep -vx 1 | grep .)" ]
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
