#!/usr/bin/env bash
# `peering experiment submit|list` against a local HTTP server on loopback
# (python3's standard library, started here, stopped by PID) that records
# each request's method, path, Authorization header and body, and answers
# with the status written in $T/answer (201, 400, 500). Checks: a valid
# experiment is sent exactly once, wrapped as {"experiment": ...}, with the
# bearer token; broken files (unknown mux, prefix outside the allocation,
# missing email, bad variable) and a token file readable by others are
# refused before any request, with the JSON path or the chmod to run; the
# server's refusals exit 1 and show status and body; --json; usage.
# Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
PEERING=${PEERING:-./peering}
PEERING=$(cd "$(dirname "$PEERING")" && pwd)/$(basename "$PEERING")
T=$(mktemp -d)
SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
export PEERING_DIR=$T

. tests/cli/lib.sh

if ! command -v python3 >/dev/null; then
	bad "python3 is needed for the stand-in API server"
	finish
	exit 1
fi

# ---- a client directory ----
mkdir -p "$T/configs/openvpn" "$T/certs"
for m in amsterdam01:5 seattle01:1 ufmg01:7; do
	printf 'client\ndev tap%s\n' "${m#*:}" >"$T/configs/openvpn/${m%%:*}.conf"
done
printf '{"access": "tok-123.ABC_x", "refresh": ""}\n' >"$T/certs/token.json"
chmod 600 "$T/certs/token.json"

# ---- the stand-in API server ----
cat >"$T/server.py" <<'EOF'
import http.server, json, sys
log, answer = sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def handle_one(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        with open(log, "a") as f:
            f.write(json.dumps({"method": method, "path": self.path,
                "auth": self.headers.get("Authorization"),
                "type": self.headers.get("Content-Type"),
                "body": body}) + "\n")
        code = int(open(answer).read().strip())
        out = json.dumps({"id": 7} if code < 300 else
                         {"error": "bad experiment"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def do_POST(self): self.handle_one("POST")
    def do_GET(self): self.handle_one("GET")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
s.serve_forever()
EOF
echo 201 >"$T/answer"
: >"$T/requests"
python3 "$T/server.py" "$T/port" "$T/requests" "$T/answer" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$T/port")"

# run ARGS...: `peering experiment ARGS`; sets $out, $err, $rc.
run() {
	out=$("$PEERING" experiment "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
nreq() { wc -l <"$T/requests" | tr -d ' '; }

# An experiment of three rounds on two muxes, over variables A and B.
exp_file() {	# FILE [MUX-OF-ROUND-3] [PREFIX-KEY] [EMAIL-LINE]
	local mux=${2:-seattle01} key=${3:-A} email=${4-\"email\": \"noc@example.org\",}
	cat >"$1" <<EOF
{"experiment": {"description": "propagation through three muxes", $email
 "rounds": [
  {"$key": {"announce": [{"muxes": ["amsterdam01"], "origin": 47065}]},
   "B": {"announce": [{"muxes": ["amsterdam01"], "origin": 47065}]}},
  {"$key": {"announce": [{"muxes": ["ufmg01"], "origin": 47065}]},
   "B": {"withdraw": ["amsterdam01"]}},
  {"$key": {"announce": [{"muxes": ["seattle01", "$mux"], "origin": 61574,
    "prepend": [3356]}]}}]}}
EOF
}

# ---- a valid experiment: sent once ----
exp_file "$T/good.json" ufmg01
run submit "$T/good.json" --url "$URL/"
check_eq "submit: status" "$rc" 0
check_eq "submit: one request" "$(nreq)" 1
req=$(tail -n 1 "$T/requests")
check "submit: POST to /api/ with the bearer token and JSON" "$req" \
    '.method == "POST" and .path == "/api/" and .auth == "Bearer tok-123.ABC_x" and .type == "application/json"'
check "submit: the body is the experiment, wrapped" "$(jq -r .body <<<"$req")" \
    '.experiment.email == "noc@example.org" and (.experiment.rounds | length) == 3 and
     .experiment.rounds[2].A.announce[0].prepend == [3356] and (keys == ["experiment"])'
check_eq "submit: prints the status" "$(head -n 1 <<<"$out")" "HTTP 201 from $URL/api/"
case $out in *'"id": 7'*) ok ;; *) bad "submit: prints the server's answer: $out" ;; esac

# ---- broken files: refused before any request ----
refused() {	# DESC FILE WANT-STDERR-LINE
	local before
	before=$(nreq)
	run submit "$2" --url "$URL"
	check_eq "$1: status 3" "$rc" 3
	check_eq "$1: no request" "$(nreq)" "$before"
	case $err in
	*"$3"*) ok ;;
	*) bad "$1: stderr: $err (want: $3)" ;;
	esac
}
exp_file "$T/mux.json" gatech01
refused "unknown mux" "$T/mux.json" \
    "$T/mux.json: rounds[2].A.announce[0].muxes[1]: unknown mux \"gatech01\""
exp_file "$T/pfx.json" ufmg01 8.8.8.0/24
refused "prefix outside the allocation" "$T/pfx.json" \
    "$T/pfx.json: rounds[0].8.8.8.0/24: \"8.8.8.0/24\" is not in the experiment allocation"
exp_file "$T/email.json" ufmg01 A ""
refused "missing email" "$T/email.json" \
    "$T/email.json: top level: missing required key \"email\""
exp_file "$T/var.json" ufmg01 E
refused "bad variable" "$T/var.json" \
    "$T/var.json: rounds[0].E: not a variable (A, B, C, D) or an IPv4 prefix"
printf '{"experiment": ' >"$T/cut.json"
refused "not JSON" "$T/cut.json" "$T/cut.json: top level: line 1, column 16: not valid JSON"
refused "no such file" "$T/none.json" "$T/none.json: No such file or directory"

# ---- the token file ----
chmod 644 "$T/certs/token.json"
refused "token readable by others" "$T/good.json" \
    "is readable by others: refused (run: chmod 600 $T/certs/token.json)"
chmod 640 "$T/certs/token.json"
refused "token readable by its group" "$T/good.json" "is readable by its group: refused"
chmod 600 "$T/certs/token.json"
printf '{"access": "two words"}' >"$T/certs/token.json"
refused "token that would break the header" "$T/good.json" \
    "the access token holds a character a bearer token cannot"
printf '{"refresh": ""}' >"$T/certs/token.json"
refused "no access token" "$T/good.json" 'no "access" token'
rm "$T/certs/token.json"
refused "no token file" "$T/good.json" "certs/token.json: No such file or directory"
printf '{"access": "tok-123.ABC_x", "refresh": ""}\n' >"$T/certs/token.json"
chmod 600 "$T/certs/token.json"

# ---- the server refuses ----
for code in 400 500; do
	echo $code >"$T/answer"
	before=$(nreq)
	run submit "$T/good.json" --url "$URL"
	check_eq "HTTP $code: status 1" "$rc" 1
	check_eq "HTTP $code: sent once" "$(nreq)" $((before + 1))
	check_eq "HTTP $code: shown" "$(head -n 1 <<<"$out")" "HTTP $code from $URL/api/"
	case $out in *'"error": "bad experiment"'*) ok ;; *) bad "HTTP $code: body shown: $out" ;; esac
	check_eq "HTTP $code: said on stderr" "$err" \
	    "peering experiment: the server refused the request (HTTP $code)"
done

# ---- list, --json ----
echo 201 >"$T/answer"
run list --url "$URL" --json
check_eq "list --json: status" "$rc" 0
check "list --json: status and body" "$out" '.status == 201 and .body.id == 7'
check "list: a GET of /api/ with the token" "$(tail -n 1 "$T/requests")" \
    '.method == "GET" and .path == "/api/" and .auth == "Bearer tok-123.ABC_x" and .body == ""'
echo 500 >"$T/answer"
run submit "$T/good.json" --url "$URL" --json
check_eq "submit --json on HTTP 500: status 1" "$rc" 1
check "submit --json on HTTP 500" "$out" '.status == 500 and .body.error == "bad experiment"'

# ---- unreachable server ----
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
run list --url "$URL"
check_eq "server gone: status 1" "$rc" 1
case $err in "peering experiment: $URL/api/: "*) ok ;; *) bad "server gone: $err" ;; esac

# ---- usage ----
run --help
check_eq "--help: status" "$rc" 0
case $out in *"usage: peering experiment submit FILE.json --url URL"*) ok ;; *) bad "--help: $out" ;; esac
run submit "$T/good.json"
check_eq "no --url: status 2" "$rc" 2
check_eq "no --url: message" "$(head -n 1 <<<"$err")" \
    "peering experiment: --url URL is required (the PEERING API server)"
run submit "$T/good.json" --url ftp://x
check_eq "ftp URL: status 2" "$rc" 2
run list --url "$URL" extra
check_eq "extra argument: status 2" "$rc" 2
run frobnicate --url "$URL"
check_eq "unknown verb: status 2" "$rc" 2

# ---- run, status, stop: checked here, then handed to peering-bgpd ----
printf '184.164.224.0/24\n184.164.225.0/24\n' >"$T/prefixes.txt"
run run
check_eq "run without a file: status 2" "$rc" 2
run run --resume --dry-run
check_eq "run --resume --dry-run: status 2" "$rc" 2
run status extra
check_eq "status with a stray word: status 2" "$rc" 2
run run "$T/mux.json"
check_eq "run: a broken file is refused here: status 3" "$rc" 3
case $err in *"$T/mux.json: rounds[2].A.announce[0].muxes[1]: unknown mux \"gatech01\""*) ok ;;
*) bad "run: broken file: $err" ;; esac
printf '{"184.164.230.0/24": {"announce": [{"muxes": ["ufmg01"]}]}}\n' >"$T/notmine.json"
run run "$T/notmine.json"
check_eq "run: a prefix not in prefixes.txt: status 3" "$rc" 3
case $err in *184.164.230.0/24*) ok ;; *) bad "run: not my prefix: $err" ;; esac
run run "$T/good.json" --bind A=184.164.224.0/24 --round-seconds 600 --dry-run
check_eq "run: a good file with no daemon: status 1" "$rc" 1
case $err in *"cannot reach peering-bgpd"*) ok ;; *) bad "run: no daemon: $err" ;; esac
run status --json
check_eq "status with no daemon: status 1" "$rc" 1
run run --help
check_eq "run --help: usage, status 2" "$rc" 2
case $err in *"peering experiment run --resume"*) ok ;; *) bad "run usage: $err" ;; esac

finish
