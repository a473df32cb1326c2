#!/usr/bin/env bash
# `peering prefix` end to end, without a real daemon: every argument error
# with its exact text and exit status (REFERENCE.md's texts where the old
# client had one), the checks against a client directory made here
# (prefixes.txt, configs/openvpn, container.txt), the "not running" error,
# --json, and, with a stand-in daemon on the control socket (python3; those
# checks are skipped without it), the exact request line sent and how the
# reply is shown. Ends with "N passed, M failed".
# PEERING_WRAP runs every command under a checker, e.g.
#   PEERING_WRAP="valgrind -q --leak-check=full --error-exitcode=99"
set -u

cd "$(dirname "$0")/../.." || exit 1
PEERING=${PEERING:-./peering}
PEERING=$(cd "$(dirname "$PEERING")" && pwd)/$(basename "$PEERING")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export PEERING_DIR=$T

. tests/cli/lib.sh

# run ARGS...: `peering prefix ARGS`; sets $out, $err, $rc.
run() {
	out=$(${PEERING_WRAP:-} "$PEERING" prefix "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# expect_error RC TEXT ARGS...: exit status RC, stderr exactly TEXT.
expect_error() {
	local want_rc=$1 want=$2
	shift 2
	run "$@"
	check_eq "prefix $* (status)" "$rc" "$want_rc"
	check_eq "prefix $* (stderr)" "$err" "$want"
}

# expect_usage ARGS...: status 2, a message and the synopsis on stderr.
expect_usage() {
	local want=$1
	shift
	run "$@"
	check_eq "prefix $* (status)" "$rc" 2
	check_eq "prefix $* (message)" "$(head -n 1 <<<"$err")" \
	    "peering prefix: $want"
	case $err in
	*"usage: peering prefix announce|withdraw"*) ok ;;
	*) bad "prefix $*: no usage on stderr" ;;
	esac
	check_eq "prefix $* (stdout)" "$out" ""
}

# ---- a client directory ----
mkdir -p "$T/configs/openvpn" "$T/var"
printf 'client\ndev tap5\n' >"$T/configs/openvpn/amsterdam01.conf"
printf 'client\ndev tap2\n' >"$T/configs/openvpn/isi01.conf"
printf 'client\ndev tap40\n' >"$T/configs/openvpn/far01.conf"
printf '# mine\n184.164.236.0/24\n\n10.0.0.0/24\n184.164.224.0/25\n' \
    >"$T/prefixes.txt"
printf '2804:269c:1::/48\n' >"$T/prefixes6.txt"
P=184.164.236.0/24
NOT_RUNNING="error [peering-bgpd is not running: start it with ./peering bgp start first]"
LIST="list of configured prefixes:
184.164.236.0/24
10.0.0.0/24
184.164.224.0/25
2804:269c:1::/48"

# ---- help and usage ----
run
check_eq "no arguments (status)" "$rc" 0
case $out in
*"usage: peering prefix announce|withdraw"*"-c asn,val"*) ok ;;
*) bad "no arguments: no usage on stdout" ;;
esac
run --help
check_eq "--help (status)" "$rc" 0
case $out in
*"--force"*"--json"*) ok ;;
*) bad "--help: no flags listed" ;;
esac
case $out in
*"-c asn,val"*"asn:val works too"*) ok ;;
*) bad "--help: -c does not name both forms" ;;
esac
run announce --help
check_eq "announce --help (status)" "$rc" 0
expect_usage "no prefix given" announce
expect_usage "no prefix given" withdraw -m amsterdam01
expect_usage "announce or withdraw, not frob" frob "$P"
expect_usage "one prefix only, not also extra" announce "$P" extra
expect_usage "unknown option -x" announce -x "$P"
expect_usage "unknown option --bogus" announce --bogus "$P"
expect_usage "-m needs a value" announce "$P" -m
expect_usage "-P needs a value" announce "$P" -P

# ---- flag values (REFERENCE.md's texts) ----
for n in 5 9 x -1 01 00; do
	expect_error 1 "error [can prepend only 1, 2, 3, or 4 times]" \
	    announce -P "$n" "$P"
done
# -c takes the old client's asn,val and REFERENCE.md's ASN:COMM alike.
for c in 65536,1 1,65536 70000,70000 65536:1 1:65536 70000:70000; do
	expect_error 1 "error [-c ASN:COMM accepts only 16-bit numbers]" \
	    announce -c "$c" "$P"
done
for c in 1 1,2,3 a,b ,1 -1,1 1:2:3 1,2:3 1:2,3 a:b :1 1: 01:1; do
	expect_error 1 "error [-c takes ASN,COMM or ASN:COMM (two numbers), not $c]" \
	    announce -c "$c" "$P"
done
for l in 1,2 1,2,3,4 1,2,4294967296 1:2 1:2:3:4 1:2,3 1,2:3 1:2:4294967296; do
	expect_error 1 "error [-l takes ASN,X,Y or ASN:X:Y (three 32-bit numbers), not $l]" \
	    announce -l "$l" "$P"
done
expect_error 1 "error [AS (x) should be a number]" announce -o x "$P"
expect_error 1 "error [AS (-5) should be a number]" announce -p -5 "$P"
expect_error 1 "error [AS (4294967296) does not fit in 32 bits]" \
    announce -o 4294967296 "$P"
expect_error 1 "error [-M can only be used with -m]" announce -M "$P"
expect_error 1 "error [-M can only be used with -m]" announce -M -m all "$P"
expect_error 1 "error [-M can only be used with -m]" withdraw -M "$P"
# Flags after the prefix, as getopt allows.
expect_error 1 "error [can prepend only 1, 2, 3, or 4 times]" \
    announce "$P" -P 7

# ---- the mux ----
expect_error 1 "error [mux unknown: nope]" announce -m nope "$P"
expect_error 1 "error [mux unknown: Amsterdam01]" announce -m Amsterdam01 "$P"
expect_error 1 "error [mux unknown: nope]" withdraw -m nope "$P"
# A configured neighbour is named like a mux (it hears only what names it).
printf 'neighbor 10.9.0.2 {\n\tname n1\n\tremote-as 65001\n}\n' \
    >"$T/configs/peering-bgpd.conf"
expect_error 1 "error [mux unknown: n2]" announce -m n2 "$P"
printf 'neighbor 10.9.0.2 {\n' >"$T/configs/peering-bgpd.conf"
run announce -m n1 "$P"
check_eq "-m n1, a broken configs/peering-bgpd.conf (status)" "$rc" 1
case $err in
"error [$T/configs/peering-bgpd.conf:1: "*) ok ;;
*) bad "-m n1, a broken configs/peering-bgpd.conf: $err" ;;
esac
printf 'neighbor 10.9.0.2 {\n\tname n1\n\tremote-as 65001\n}\n' \
    >"$T/configs/peering-bgpd.conf"

# ---- the prefix lists ----
for p in 184.164.237.0/24 184.164.236.0/25 184.164.236.1/24 x 2804:269c:2::/48; do
	run announce "$p"
	check_eq "announce $p (status)" "$rc" 1
	check_eq "announce $p (list)" "$out" "$LIST"
	check_eq "announce $p (error)" "$err" "error [invalid prefix: $p]"
done
run withdraw 184.164.237.0/24
check_eq "withdraw unlisted (error)" "$err" \
    "error [invalid prefix: 184.164.237.0/24]"
run announce --json 184.164.237.0/24
check_eq "--json invalid prefix (status)" "$rc" 1
check_eq "--json invalid prefix" "$out" '{"ok":false,"error":"invalid prefix: 184.164.237.0/24","prefixes":["184.164.236.0/24","10.0.0.0/24","184.164.224.0/25","2804:269c:1::/48"]}'
check_eq "--json invalid prefix (stderr)" "$err" ""

# ---- the gates, before anything is sent ----
expect_error 1 "error [prefix 10.0.0.0/24 is outside the PEERING address space: announce only PEERING prefixes]" \
    announce 10.0.0.0/24
expect_error 1 "error [prefix 184.164.224.0/25: PEERING block 184.164.224.0/19 allows only /19 to /24]" \
    announce 184.164.224.0/25
expect_error 1 "error [origin AS 3356 is not a PEERING ASN: use 47065, 33207, 61574, 61575, 61576, 263842, 263843 or 263844]" \
    announce -o 3356 "$P"
expect_error 1 "error [origin AS 0 is not valid: use 1..4294967295, not 23456 (AS_TRANS)]" \
    announce -o 0 "$P"
expect_error 1 "error [poisoned AS 23456 is not valid: use 1..4294967295, not 23456 (AS_TRANS)]" \
    announce -p 3356 -p 23456 "$P"
expect_error 1 "error [the AS path would have 6 AS numbers: at most 5 (guidelines); poison fewer ASes or prepend less]" \
    announce -o 61574 -p 1 -p 2 -p 3 -p 4 "$P"
comm=()
for i in $(seq 1 21); do
	comm+=(-c "47065,$i")
done
expect_error 1 "error [21 communities: the muxes drop all of them past 20; remove 1]" \
    announce "${comm[@]}" "$P"

# ---- container.txt for -M ----
expect_error 1 "error [container.txt not found: -M needs your container id (echo ID > container.txt)]" \
    announce -M -m amsterdam01 "$P"
echo abc >"$T/container.txt"
expect_error 1 "error [container.txt: not a container id (0..511): abc]" \
    announce -M -m amsterdam01 "$P"
echo 3 >"$T/container.txt"
expect_error 1 "error [-M: mux far01 (tap40) has no container space]" \
    announce -M -m far01 "$P"

# ---- files that do not parse ----
cp "$T/prefixes6.txt" "$T/prefixes6.good"
printf '2804:269c:1::/48\nnope\n' >"$T/prefixes6.txt"
expect_error 1 "error [prefixes6.txt:2: not a prefix: nope]" announce "$P"
mv "$T/prefixes6.good" "$T/prefixes6.txt"
mv "$T/configs/openvpn" "$T/configs/openvpn.away"
expect_error 1 "error [configs/openvpn: No such file or directory]" \
    announce -m amsterdam01 "$P"
mv "$T/configs/openvpn.away" "$T/configs/openvpn"
cp "$T/container.txt" "$T/container.good"
echo 1 >"$T/container.txt"
expect_error 1 "error [-M: n1 is not a mux of configs/openvpn/: no container there]" \
    announce -m n1 -M "$P"
mv "$T/container.good" "$T/container.txt"

# ---- no daemon ----
expect_error 1 "$NOT_RUNNING" announce "$P"
expect_error 1 "$NOT_RUNNING" announce -m amsterdam01 -M -o 61574 -P 2 \
    -p 3356 -c 47065,1 -l 1,2,3 -R --force "$P"
expect_error 1 "$NOT_RUNNING" announce 2804:269c:1::/48
expect_error 1 "$NOT_RUNNING" withdraw -m isi01 "$P"
run announce --json "$P"
check_eq "--json not running (status)" "$rc" 1
check_eq "--json not running" "$out" \
    '{"ok":false,"error":"peering-bgpd is not running: start it with ./peering bgp start first"}'
# A stale socket file with nobody behind it.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
    "$T/var/peering-bgpd.sock" 2>/dev/null &&
    expect_error 1 "$NOT_RUNNING" announce "$P"
rm -f "$T/var/peering-bgpd.sock"

# ---- a stand-in daemon: the request line and the reply ----
# fake BODY [raw|raw-v1]: serves one request on the control socket, saving
# its line in $T/request and answering BODY (with \n escapes) framed as a
# daemon before protocol 1 did (a bare ".error"); raw-v1: framed as
# protocol 1 does (".error refused", docs/control.md); raw: BODY as is.
fake() {
	rm -f "$T/request" "$T/ready"
	python3 - "$T/var/peering-bgpd.sock" "$T/request" "$T/ready" "$1" \
	    "${2:-framed}" <<'EOF' &
import os, socket, sys
path, out, ready, reply, how = sys.argv[1:6]
reply = reply.encode().decode("unicode_escape")
if how in ("framed", "raw-v1"):
    lines = reply.splitlines(keepends=True)
    reply = "".join("." + l if l.startswith(".") else l for l in lines)
    error = ".error refused\n" if how == "raw-v1" else ".error\n"
    reply += error if reply.startswith("error: ") else ".ok\n"

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
s.settimeout(20)
open(ready, "w").close()
try:
    c, _ = s.accept()
    data = b""
    while not data.endswith(b"\n"):
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    open(out, "wb").write(data)
    c.sendall(reply.encode())
    c.close()
finally:
    s.close()
    os.unlink(path)
EOF
	fake_pid=$!
	for _ in $(seq 1 100); do
		[ -e "$T/ready" ] && return 0
		sleep 0.05
	done
	return 1
}

# sent ARGS... -- LINE: the request line `prefix ARGS` sends.
sent() {
	local args=() want
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	want=$2
	fake 'announced\n' || { bad "stand-in daemon did not start"; return; }
	run "${args[@]}"
	wait "$fake_pid"
	check_eq "prefix ${args[*]} (status)" "$rc" 0
	check_eq "prefix ${args[*]} (request)" "$(cat "$T/request" 2>/dev/null)" \
	    "$want"
}

if command -v python3 >/dev/null 2>&1; then
	sent announce "$P" -- "announce $P"
	sent announce -m all "$P" -- "announce $P"
	sent announce 2804:269c:1::/48 -- "announce 2804:269c:1::/48"
	sent announce -P 3 "$P" -- "announce $P prepend 3"
	sent announce -o 61574 "$P" -- "announce $P origin 61574"
	sent announce -o 47065 "$P" -- "announce $P"
	sent announce -p 3356 -p 174 "$P" -- "announce $P poison 3356,174"
	sent announce -c 47065,1 -c 47065,1001 -l 47065,4294967295,0 "$P" -- \
	    "announce $P community 47065:1,47065:1001 large 47065:4294967295:0"
	sent announce -c 47065:1 -c 65535,0 -c 0:65535 "$P" -- \
	    "announce $P community 47065:1,65535:0,0:65535"
	sent announce "${comm[@]:2}" "$P" -- \
	    "announce $P community $(seq -s, -f '47065:%g' 2 21)"
	sent announce -R --force "$P" -- "announce $P nodp force"
	# The old client's habits: -P 0 is the default, -C is -c, -l a:b:c.
	sent announce -P 0 "$P" -- "announce $P"
	sent announce -o 61574 -P 0 "$P" -- "announce $P origin 61574"
	sent announce -C 47065,1 -C 47065:2 "$P" -- \
	    "announce $P community 47065:1,47065:2"
	sent announce -l 1:2:3 -l 4,5,6 "$P" -- "announce $P large 1:2:3,4:5:6"
	sent announce -m amsterdam01 -M -o 61574 -P 2 -p 3356 -c 47065,1 \
	    -l 1,2,3 -R --force "$P" -- "announce $P mux amsterdam01 origin 61574 prepend 2 poison 3356 community 47065:1 large 1:2:3 container nodp force"
	sent withdraw "$P" -- "withdraw $P"
	sent withdraw -m isi01 -R "$P" -- "withdraw $P mux isi01 nodp"
	sent announce -m n1 -p 3356 "$P" -- "announce $P mux n1 poison 3356"
	sent withdraw -m n1 "$P" -- "withdraw $P mux n1"
	# A withdraw sends no attributes; --force it does (from one mux, it
	# may make the mux hear the "all" announcement again: a change).
	sent withdraw -o 61574 -P 2 -c 1,2 "$P" -- "withdraw $P"
	sent withdraw -m isi01 --force "$P" -- "withdraw $P mux isi01 force"

	# The reply as the daemon wrote it.
	fake '184.164.236.0/24: announced to all muxes\n'
	run announce "$P"
	wait "$fake_pid"
	check_eq "reply (stdout)" "$out" "184.164.236.0/24: announced to all muxes"
	check_eq "reply (status)" "$rc" 0
	# A refusal: one line, the old client's form.
	fake "error: unknown command 'announce'\n"
	run announce "$P"
	wait "$fake_pid"
	check_eq "refusal (status)" "$rc" 1
	check_eq "refusal (stderr)" "$err" "error [unknown command 'announce']"
	check_eq "refusal (stdout)" "$out" ""
	# `peering bgp`: a refusal is printed with its code from the status
	# line; a daemon older than protocol 1 names none, and is told apart.
	fake "error: no such mux\n" raw-v1
	out=$("$PEERING" bgp cli frobnicate 2>"$T/stderr"); rc=$?
	err=$(cat "$T/stderr")
	wait "$fake_pid"
	check_outcome "bgp refusal, code" 1 "" "error: no such mux (code refused)"
	fake "error: no such mux\n"
	out=$("$PEERING" bgp cli frobnicate 2>"$T/stderr"); rc=$?
	err=$(cat "$T/stderr")
	wait "$fake_pid"
	check_outcome "bgp refusal, a daemon before protocol 1" 1 "" \
	    "error: no such mux (no code: peering-bgpd speaks a control protocol older than 1)"
	# --json: the request, the AS path and the reply.
	fake 'announced\n'
	run announce --json -o 61574 -P 2 -p 3356 "$P"
	wait "$fake_pid"
	check_eq "--json ok (status)" "$rc" 0
	check_eq "--json ok" "$out" "{\"ok\":true,\"request\":\"announce $P origin 61574 prepend 2 poison 3356\",\"as_path\":[61574,3356,61574,61574],\"reply\":\"announced\\n\"}"
	# A prefix no longer listed: the daemon may still hold it, and
	# withdrawing it always works; if it holds nothing, today's error.
	fake '184.164.237.0/24: withdrawn from all muxes\n'
	run withdraw 184.164.237.0/24
	wait "$fake_pid"
	check_eq "withdraw unlisted, held (request)" "$(cat "$T/request")" \
	    "withdraw 184.164.237.0/24"
	check_eq "withdraw unlisted, held (status)" "$rc" 0
	check_eq "withdraw unlisted, held (stdout)" "$out" \
	    "184.164.237.0/24: withdrawn from all muxes"
	fake 'error: invalid prefix: 184.164.237.0/24: not in prefixes.txt or prefixes6.txt\n'
	run withdraw 184.164.237.0/24
	wait "$fake_pid"
	check_eq "withdraw unlisted, not held (status)" "$rc" 1
	check_eq "withdraw unlisted, not held (list)" "$out" "$LIST"
	check_eq "withdraw unlisted, not held (error)" "$err" \
	    "error [invalid prefix: 184.164.237.0/24]"
	fake 'withdrawn\n'
	run withdraw --json "$P"
	wait "$fake_pid"
	check_eq "--json withdraw" "$out" "{\"ok\":true,\"request\":\"withdraw $P\",\"reply\":\"withdrawn\\n\"}"
	fake 'error: 184.164.236.0/24 was changed less than 10 minutes ago\n'
	run announce --json -P 2 "$P"
	wait "$fake_pid"
	check_eq "--json refusal (status)" "$rc" 1
	check_eq "--json refusal" "$out" \
	    '{"ok":false,"error":"184.164.236.0/24 was changed less than 10 minutes ago"}'

	# No whole reply is never a success: closed at once, cut in the
	# middle, or without its status line (as before the framing).
	for cut in '' 'announced\n' 'announced\n.o' '184.164.236.0/24: ann'; do
		fake "$cut" raw
		run announce "$P"
		wait "$fake_pid"
		check_eq "cut reply '$cut' (status)" "$rc" 1
		check_eq "cut reply '$cut' (stdout)" "$out" ""
		case $err in
		"error [the daemon closed the connection: "*) ok ;;
		*) bad "cut reply '$cut' (stderr): $err" ;;
		esac
	done
	fake '' raw
	run announce --json "$P"
	wait "$fake_pid"
	check_eq "--json cut reply (status)" "$rc" 1
	check "--json cut reply" "$out" \
	    '.ok == false and (.error | startswith("the daemon closed the connection: it did not reply"))'
	fake 'announced\n.bogus\n' raw
	run announce "$P"
	wait "$fake_pid"
	check_eq "malformed reply (status)" "$rc" 1
	check_eq "malformed reply (stderr)" "$err" \
	    "error [peering-bgpd sent a malformed reply (unknown status)]"
	# Dots at the start of a line come back as the daemon wrote them.
	fake '.dot\n..two\nend\n'
	run announce "$P"
	wait "$fake_pid"
	check_eq "dotted reply (status)" "$rc" 0
	check_eq "dotted reply" "$out" "$(printf '.dot\n..two\nend')"
else
	echo "note: no python3: the request-line checks are skipped"
fi

finish
