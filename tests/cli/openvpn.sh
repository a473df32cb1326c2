#!/usr/bin/env bash
# `peering openvpn` without a network: a client directory made here
# (PEERING_DIR), every check of `up` with its exact message (not root,
# unknown mux, no openvpn in PATH, missing credentials, a key others can
# read), the argument vector given to openvpn (a stand-in `openvpn` in
# PATH records it and fails like the real one, its log line shown back),
# stale socket and pid file cleanup, `down` and `log`, `status` of muxes
# all down, in text and --json (jq). With python3, a stand-in management
# socket answers `state`, `pid` and `signal` as OpenVPN 2.6 does, for
# status up, "already up", "running but not connected", a socket that
# never answers, and down through the socket (those checks are skipped
# without it). Needs root (the non-root checks run through setpriv).
# Ends with "N passed, M failed"; exits 1 on any failure.
# PEERING_WRAP runs every command under a checker, e.g.
#   PEERING_WRAP="valgrind -q --leak-check=full --error-exitcode=99"
set -u

cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "tests/cli/openvpn.sh: needs root (up and down do)" >&2
	exit 1
fi
PEERING=${PEERING:-./peering}
PEERING=$(cd "$(dirname "$PEERING")" && pwd)/$(basename "$PEERING")
REPO=$(pwd)
T=$(mktemp -d)
T=$(realpath "$T")
FAKE_PIDS=()
cleanup() {
	local p
	for p in "${FAKE_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
export PEERING_DIR=$T
BASE_PATH=/usr/local/bin:/usr/bin:/bin

. tests/cli/lib.sh

# run [ENV=VALUE...] -- ARGS...: `peering openvpn ARGS` with PATH holding
# the stand-in openvpn unless told otherwise; sets $out, $err, $rc.
run() {
	local envs=("PATH=$T/bin:$BASE_PATH")
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	out=$(env "${envs[@]}" ${PEERING_WRAP:-} "$PEERING" openvpn "$@" \
	    2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# check_has DESCRIPTION TEXT PART: PART is a line of TEXT.
check_has() {
	if grep -qxF -- "$3" <<<"$2"; then
		ok
	else
		bad "$1: no line '$3' in: $2"
	fi
}

# expect RC STDOUT STDERR [ENV...] -- ARGS...: the whole outcome.
expect() {
	local want_rc=$1 want_out=$2 want_err=$3 what
	shift 3
	what="$*"
	what="openvpn ${what##*-- }"
	run "$@"
	check_outcome "$what" "$want_rc" "$want_out" "$want_err"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# ---- a client directory: three muxes from the shipped config ----
mkdir -p "$T/configs/openvpn" "$T/bin"
chmod 755 "$T"
ship=$REPO/configs/openvpn/amsterdam01.conf
cp "$ship" "$T/configs/openvpn/amsterdam01.conf"
sed -e 's/amsterdam01/isi01/g' -e 's/^dev tap5$/dev tap2/' "$ship" \
    >"$T/configs/openvpn/isi01.conf"
# without a daemon line: peering adds --daemon
sed -e 's/amsterdam01/seattle01/g' -e 's/^dev tap5$/dev tap1/' \
    -e '/^daemon /d' "$ship" >"$T/configs/openvpn/seattle01.conf"

# The stand-in openvpn: records its arguments, writes a log line as
# openvpn does, exits with $FAKE_RC.
cat >"$T/bin/openvpn" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$PEERING_DIR/openvpn.args"
pwd >"$PEERING_DIR/openvpn.cwd"
[ -n "${FAKE_LOG:-}" ] && echo "$FAKE_LOG" >>"$PEERING_DIR/$FAKE_LOGFILE"
exit "${FAKE_RC:-1}"
EOF
chmod 755 "$T/bin/openvpn"

ALL_DOWN="amsterdam01 tap5 down
isi01 tap2 down
seattle01 tap1 down"
KNOWN='known muxes: amsterdam01, isi01, seattle01'

# ---- usage ----
run --
check_eq "no arguments (status)" "$rc" 2
check_has "no arguments (usage)" "$err" \
    "usage: peering openvpn status [--json]"
run -- --help
check_eq "--help (status)" "$rc" 0
check_has "--help (usage on stdout)" "$out" \
    "       peering openvpn up MUX|all [--wait SECONDS]"
run -- start
check_eq "unknown subcommand (status)" "$rc" 2
check_has "unknown subcommand" "$err" \
    "peering openvpn: unknown subcommand: start"
run -- status --verbose
check_eq "status --verbose (status)" "$rc" 2
run -- up
check_eq "up without a mux (status)" "$rc" 2
run -- up amsterdam01 --wait soon
check_eq "up --wait soon (status)" "$rc" 2
check_has "up --wait soon" "$err" \
    "peering openvpn: --wait takes seconds, 0..3600: soon"
run -- down
check_eq "down without a mux (status)" "$rc" 2
run -- log
check_eq "log without a mux (status)" "$rc" 2

# ---- status: every mux, sorted, all down ----
expect 0 "$ALL_DOWN" "" -- status
run -- status --json
check_eq "status --json (status)" "$rc" 0
check "status --json: every mux, sorted" "$out" \
    '[.[].mux] == ["amsterdam01","isi01","seattle01"]'
check "status --json: taps" "$out" \
    '[.[].tap] == [5,2,1] and [.[].dev] == ["tap5","tap2","tap1"]'
check "status --json: down, nothing running" "$out" \
    'all(.[]; .status == "down" and .openvpn_state == null and
    .ipv4 == null and .ipv6 == null and .pid == null)'
check "status --json: the keys" "$out" \
    '.[0] | keys == ["dev","ipv4","ipv6","mux","openvpn_state","pid","status","tap"]'
if command -v setpriv >/dev/null; then
	out=$(as_nobody "$PEERING" openvpn status 2>&1)
	check_eq "status as nobody, all down" "$out" "$ALL_DOWN"
fi

# ---- up: the checks, in order ----
if command -v setpriv >/dev/null; then
	out=$(as_nobody "$PEERING" openvpn up amsterdam01 2>&1)
	check_eq "up as nobody (status)" "$?" 1
	check_eq "up as nobody" "$out" "error: peering openvpn up needs root \
(openvpn manages the tap devices); run it with sudo"
	out=$(as_nobody "$PEERING" openvpn down all 2>&1)
	check_eq "down as nobody" "$out" "error: peering openvpn down needs \
root (openvpn manages the tap devices); run it with sudo"
fi
expect 1 "" "error: unknown mux \"nope\"; $KNOWN" -- up nope
expect 1 "" "error: openvpn is not installed (no openvpn in PATH); \
install it: apt install openvpn" PATH=/nonexistent -- up amsterdam01
expect 1 "" "error: missing credentials: certs/ca.crt, certs/client.crt, \
certs/client.key (named in configs/openvpn/amsterdam01.conf); put your \
PEERING files there, see certs/README.md" -- up amsterdam01
mkdir "$T/certs"
echo ca >"$T/certs/ca.crt"
expect 1 "" "error: missing credentials: certs/client.crt, \
certs/client.key (named in the mux configs); put your PEERING files there, \
see certs/README.md" -- up all
echo cert >"$T/certs/client.crt"
echo key >"$T/certs/client.key"
chmod 644 "$T/certs/client.key"
expect 1 "" "error: certs/client.key is readable by others; run: \
chmod 400 certs/client.key" -- up amsterdam01
chmod 640 "$T/certs/client.key"
expect 1 "" "error: certs/client.key is readable by its group; run: \
chmod 400 certs/client.key" -- up all
chmod 400 "$T/certs/client.key"
check_eq "nothing started by failed checks" \
    "$([ -e "$T/openvpn.args" ] || [ -e "$T/var" ] && echo yes)" ""

# ---- up: starting openvpn ----
run FAKE_RC=1 FAKE_LOG="Options error: bad things" \
    FAKE_LOGFILE=var/amsterdam01.log -- up amsterdam01
check_eq "up, openvpn fails (status)" "$rc" 1
check_eq "up, openvpn fails (stdout)" "$out" "note: created var/"
check_eq "up, openvpn fails (stderr)" "$err" "error: amsterdam01: openvpn \
exited with status 1
last lines of var/amsterdam01.log:
  Options error: bad things"
check_eq "up: openvpn's arguments (config with daemon)" \
    "$(cat "$T/openvpn.args")" "--cd
$T
--config
configs/openvpn/amsterdam01.conf
--management-client-user
root"
check_eq "up: openvpn runs in the client directory" \
    "$(cat "$T/openvpn.cwd")" "$T"
run FAKE_RC=3 -- up seattle01
check_eq "up, no log yet (stderr)" "$err" "error: seattle01: openvpn \
exited with status 3"
check_eq "up: openvpn's arguments (config without daemon)" \
    "$(tr '\n' ' ' <"$T/openvpn.args")" "--cd $T --config \
configs/openvpn/seattle01.conf --management-client-user root --daemon \
peering-seattle01 "
expect 0 "isi01: openvpn started; see: peering openvpn status" "" \
    FAKE_RC=0 -- up isi01 --wait 0
# It said it started, but nothing runs: a warning when the wait is over.
expect 1 "" "warning: isi01 is not connected after 1 s (openvpn state not \
running); see: peering openvpn log isi01" FAKE_RC=0 -- up --wait=1 isi01
run FAKE_RC=1 -- up all --wait 0
check_eq "up all, each fails (status)" "$rc" 1
check_eq "up all, each fails" "$(grep -c '^error: ' <<<"$err")" 3

# ---- stale files ----
# A socket nobody listens on and pid files of a dead process and of a
# live one that is not openvpn (it must survive).
mksock() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])' "$1"
}
sleep 0 &
dead=$!
wait "$dead"
sleep 300 &
alive=$!
FAKE_PIDS+=("$alive")
if command -v python3 >/dev/null; then
	mksock "$T/var/amsterdam01.sock"
	echo "$dead" >"$T/var/amsterdam01.pid"
	run -- status
	check_eq "status, stale socket" "$(head -n 1 <<<"$out")" \
	    "amsterdam01 tap5 down"
	expect 0 "note: removed the stale socket var/amsterdam01.sock
note: removed the stale pid file var/amsterdam01.pid
note: amsterdam01 is already down" "" -- down amsterdam01
	check_eq "stale files gone" "$(ls "$T/var" | grep -c '^amsterdam01\.[sp]')" 0
	mksock "$T/var/seattle01.sock"
	run FAKE_RC=1 -- up seattle01
	check_has "up removes a stale socket first" "$out" \
	    "note: removed the stale socket var/seattle01.sock"
fi
echo "$alive" >"$T/var/isi01.pid"
expect 0 "note: removed the stale pid file var/isi01.pid
note: every mux is already down" "" -- down all
check_eq "a live process that is not openvpn survives" \
    "$(kill -0 "$alive" 2>&1 && echo alive)" "alive"
expect 0 "note: every mux is already down" "" -- down all
expect 0 "note: seattle01 is already down" "" -- down seattle01
expect 1 "" "error: unknown mux \"x\"; $KNOWN" -- down x
run -- down amsterdam01 isi01
check_eq "down with two muxes (status)" "$rc" 2

# ---- log ----
rm -f "$T/var/seattle01.log"
expect 0 "note: var/seattle01.log does not exist yet (start the mux with \
peering openvpn up seattle01)" "" -- log seattle01
seq 1 150 | sed 's/^/log line /' >"$T/var/seattle01.log"
run -- log seattle01
check_eq "log: 100 lines" "$(wc -l <<<"$out")" 100
check_eq "log: from line 51" "$(head -n 1 <<<"$out")" "log line 51"
check_eq "log: to the last" "$(tail -n 1 <<<"$out")" "log line 150"
run -- log --all seattle01
check_eq "log --all" "$out" "$(cat "$T/var/seattle01.log")"
printf 'no newline at the end' >"$T/var/seattle01.log"
expect 0 "no newline at the end" "" -- log seattle01
expect 1 "" "error: unknown mux \"nope\"; $KNOWN" -- log nope
sed -i '/^log /d' "$T/configs/openvpn/isi01.conf"
expect 1 "" "error: configs/openvpn/isi01.conf names no log file (log or \
log-append): openvpn logs to syslog" -- log isi01
cp "$T/configs/openvpn/amsterdam01.conf" "$T/amsterdam01.conf.orig"
n=$(($(wc -l <"$T/amsterdam01.conf.orig") + 1))
echo 'management 127.0.0.1 7505' >>"$T/configs/openvpn/amsterdam01.conf"
expect 1 "" "error: configs/openvpn/amsterdam01.conf:$n: the management \
interface must be a unix socket (management PATH unix)" -- log amsterdam01
cp "$T/amsterdam01.conf.orig" "$T/configs/openvpn/amsterdam01.conf"
if command -v setpriv >/dev/null; then
	echo secret >"$T/var/amsterdam01.log"
	chmod 600 "$T/var/amsterdam01.log"
	out=$(as_nobody "$PEERING" openvpn log amsterdam01 2>&1)
	check_eq "log as nobody" "$out" "error: cannot read \
var/amsterdam01.log: Permission denied; run as root"
fi

# ---- a stand-in management socket (python3) ----
# Answers like OpenVPN 2.6: the banner, `state` in STATE (a real-time
# line inside the reply), `pid`, `signal SIGTERM` (then it exits and
# removes its socket); HANG: accepts nothing.
cat >"$T/fakemgmt.py" <<'EOF'
import os, signal, socket, sys
path, state, hang = sys.argv[1], sys.argv[2], len(sys.argv) > 3
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(1)
open(path + ".ready", "w").close()
if hang:
    while True:
        signal.pause()
while True:
    c, _ = s.accept()
    f = c.makefile("rwb", buffering=0)
    f.write(b">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n")
    for line in f:
        cmd = line.strip()
        if cmd == b"state":
            f.write(state.encode() + b"\r\n>LOG:1,I,x\r\nEND\r\n")
        elif cmd == b"pid":
            f.write(b"SUCCESS: pid=%d\r\n" % os.getpid())
        elif cmd == b"signal SIGTERM":
            f.write(b"SUCCESS: signal SIGTERM thrown\r\n")
            os.unlink(path)
            sys.exit(0)
        else:
            f.write(b"ERROR: unknown command\r\n")
    c.close()
EOF
# fake_mgmt MUX STATE [hang]: in the background until its socket is ready.
fake_mgmt() {
	rm -f "$T/var/$1.sock.ready"
	python3 "$T/fakemgmt.py" "$T/var/$1.sock" "$2" ${3:-} &
	FAKE_PIDS+=("$!")
	for _ in $(seq 50); do
		[ -e "$T/var/$1.sock.ready" ] && break
		sleep 0.1
	done
}
CONNECTED="1764035523,CONNECTED,SUCCESS,100.66.0.10,192.0.2.1,1194,\
192.0.2.2,45127,2804:269c:ff00:2:1::100"
if command -v python3 >/dev/null; then
	fake_mgmt isi01 "$CONNECTED"
	run -- status
	check_eq "status, one up" "$out" "amsterdam01 tap5 down
isi01 tap2 up 100.66.0.10 2804:269c:ff00:2:1::100
seattle01 tap1 down"
	run -- status --json
	check "status --json, one up" "$out" '.[1] | .status == "up" and
	    .openvpn_state == "CONNECTED" and .ipv4 == "100.66.0.10" and
	    .ipv6 == "2804:269c:ff00:2:1::100" and (.pid | type) == "number"'
	expect 0 "note: isi01 is already up" "" -- up isi01
	if command -v setpriv >/dev/null; then
		chmod 700 "$T/var/isi01.sock"
		out=$(as_nobody "$PEERING" openvpn status 2>&1)
		check_eq "status as nobody, socket root's" "$out" "error: \
cannot open var/isi01.sock: permission denied; run as root (sudo ./peering \
openvpn status)"
	fi
	expect 0 "isi01 down" "" -- down isi01
	check_eq "down: socket gone" "$([ -e "$T/var/isi01.sock" ] && echo \
	    left)" ""

	fake_mgmt seattle01 "1764035523,WAIT,,,,,,,"
	run -- status --json
	check "status --json, running not connected" "$out" '.[2] |
	    .status == "down" and .openvpn_state == "WAIT" and .ipv4 == null'
	run -- status
	check_has "status, running not connected is down" "$out" \
	    "seattle01 tap1 down"
	expect 0 "note: seattle01 is already running but not connected \
(openvpn state WAIT); see: peering openvpn log seattle01" "" -- up seattle01
	expect 0 "seattle01 down" "" -- down all

	fake_mgmt amsterdam01 x hang
	run -- status
	check_eq "status, a socket that does not answer (status)" "$rc" 0
	check_has "status, a socket that does not answer" "$out" \
	    "amsterdam01 tap5 down"
	check_eq "status, a socket that does not answer (warning)" "$err" \
	    "warning: amsterdam01: openvpn management: no reply in 2000 ms"
else
	echo "note: no python3: the management socket checks are skipped"
fi

finish
