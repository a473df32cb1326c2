#!/usr/bin/env bash
# The daemon's files against bad luck and hostile set-ups, as users drive
# it with `./peering bgp ...`, in a network namespace of its own:
#   - a stale pid file naming a live unrelated process: `bgp stop` never
#     signals it and says what it found, `bgp start` is not blocked;
#   - a second daemon on the same client directory is refused (the pid
#     file is locked);
#   - var/ owned by another user, or writable by others: refused, with the
#     command that fixes it;
#   - the log or the pid file a symbolic link: refused, the target
#     untouched;
#   - started under umask 000: the log 0640, the pid file 0644;
#   - a FIFO in place of prefixes.txt: `prefix announce` fails at once
#     with a clear error, the daemon keeps answering.
# Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
TAG=pbf$$
NS=${TAG}n
TMP=$(mktemp -d /tmp/${TAG}.XXXX)
US=$TMP/client
PASS=0 FAIL=0 SLEEPER=

cleanup() {
	[ -d "$US/var" ] && us bgp stop >/dev/null 2>&1
	[ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null && wait "$SLEEPER" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
us() { timeout 20 ip netns exec "$NS" env PEERING_DIR="$US" "$ROOT/peering" "$@"; }
alive() { kill -0 "$1" 2>/dev/null; }
has() { grep -q -- "$1" <<< "$2"; }

[ "$(id -u)" -eq 0 ] || { echo "needs root"; echo "0 passed, 1 failed"; exit 1; }
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
mkdir -p "$US/configs" "$US/var"
cat > "$US/configs/peering-bgpd.conf" <<EOC
local-as 47065
router-id 100.65.128.2
EOC
echo 184.164.224.0/24 > "$US/prefixes.txt"

# --- a stale pid file naming another program
sleep 300 &
SLEEPER=$!
echo "$SLEEPER" > "$US/var/peering-bgpd.pid"
out=$(us bgp stop 2>&1); rc=$?
check "bgp stop with a stale pid file exits 0 ($out)" [ $rc -eq 0 ]
check "... says the daemon is not running and what the file holds" \
    has "not running (stale pid file .* pid $SLEEPER is another program now, left alone)" "$out"
check "... and never signals that program" alive "$SLEEPER"
out=$(us bgp start 2>&1)
check "bgp start is not blocked by the stale pid file ($out)" has "started (pid" "$out"
PID=$(cat "$US/var/peering-bgpd.pid")
check "the pid file now names the daemon" [ "$PID" != "$SLEEPER" ]
check "the daemon said which stale file it replaced" \
    has "held pid $SLEEPER of an earlier run (another program has that pid now): replaced" "$out"

# --- a second daemon on the same directory
out=$(ip netns exec "$NS" "$ROOT/peering-bgpd" -d "$US" 2>&1); rc=$?
check "a second peering-bgpd is refused ($out)" [ $rc -ne 0 ]
check "... naming the running one" has "already running (pid $PID" "$out"
check "... and the first keeps running" alive "$PID"

# --- modes under umask 000 (this daemon was started with the test's umask;
# start it again under 000)
us bgp stop >/dev/null 2>&1
check "bgp stop stops the daemon" sh -c "! kill -0 $PID 2>/dev/null"
rm -f "$US/var/peering-bgpd.log"
out=$(umask 000; us bgp start 2>&1)
check "bgp start under umask 000 ($out)" has "started (pid" "$out"
check "the log is mode 0640" [ "$(stat -c %a "$US/var/peering-bgpd.log")" = 640 ]
check "the pid file is mode 0644" [ "$(stat -c %a "$US/var/peering-bgpd.pid")" = 644 ]
check "the control socket is mode 0600" [ "$(stat -c %a "$US/var/peering-bgpd.sock")" = 600 ]

# --- a FIFO in place of prefixes.txt
mv "$US/prefixes.txt" "$US/prefixes.txt.real"
mkfifo "$US/prefixes.txt"
S=$(date +%s)
out=$(us prefix announce 184.164.224.0/24 2>&1); rc=$?
E=$(date +%s)
check "prefix announce with a FIFO as prefixes.txt fails ($rc: $out)" [ $rc -ne 0 ]
check "... at once ($((E - S)) s), not waiting for a writer" [ $((E - S)) -le 3 ]
check "... saying it is not a regular file" has "not a regular file" "$out"
check "the daemon still answers" us bgp cli show status
rm -f "$US/prefixes.txt"
mv "$US/prefixes.txt.real" "$US/prefixes.txt"
PID=$(cat "$US/var/peering-bgpd.pid")
out=$(us bgp stop 2>&1)
check "bgp stop ($out)" has "stopped" "$out"
check "the sleeper was never touched" alive "$SLEEPER"

# --- var/ owned by another user, writable by others
chown 4242 "$US/var"
out=$(us bgp start 2>&1); rc=$?
check "var/ owned by uid 4242: bgp start fails ($out)" [ $rc -ne 0 ]
check "... saying why and what to run" has "owned by uid 4242, not by root: refused (run: chown root: " "$out"
chown 0 "$US/var"
chmod 0777 "$US/var"
out=$(us bgp start 2>&1); rc=$?
check "var/ mode 0777: bgp start fails ($out)" [ $rc -ne 0 ]
check "... saying why and what to run" has "writable by others: refused (run: chmod go-w " "$out"
chmod 0755 "$US/var"

# --- symbolic links in var/
echo "do not touch" > "$TMP/target"
rm -f "$US/var/peering-bgpd.log"
ln -s "$TMP/target" "$US/var/peering-bgpd.log"
out=$(us bgp start 2>&1); rc=$?
check "the log a symlink: bgp start fails ($out)" [ $rc -ne 0 ]
check "... saying it is a symbolic link" has "symbolic link: refused" "$out"
rm -f "$US/var/peering-bgpd.log" "$US/var/peering-bgpd.pid"
ln -s "$TMP/target" "$US/var/peering-bgpd.pid"
out=$(us bgp start 2>&1); rc=$?
check "the pid file a symlink: bgp start fails ($out)" [ $rc -ne 0 ]
check "... saying it is a symbolic link" has "symbolic link: refused" "$out"
check "the symlinks' target is untouched" [ "$(cat "$TMP/target")" = "do not touch" ]
rm -f "$US/var/peering-bgpd.pid"
check "no daemon was left running" [ -z "$(ip netns pids "$NS")" ]

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
