#!/usr/bin/env bash
# `peering bgp cli`, the shell, through a pseudo-terminal (tmux on a
# socket of this test's own) against a real peering-bgpd in a network
# namespace of this test's own: tab completes a mux name and a command
# word, `?` lists what may come next, the history recalls a command (and
# is kept in var/cli_history), `sh pro` prints the sessions' table; then
# the same commands piped in print the replies and no prompt, and
# one-shot `bgp cli WORDS` expands abbreviations too.
# Root (namespaces) and tmux. Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
if ! command -v tmux >/dev/null 2>&1; then
	echo "tests/cli/shell.sh: needs tmux" >&2
	exit 1
fi
ns_test_setup tests/cli/shell.sh
TM=(tmux -L "$NS" -f /dev/null)
cleanup() {
	local pid
	"${TM[@]}" kill-server 2>/dev/null
	pid=$(cat "$T/client/var/peering-bgpd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	sleep 0.2
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
cp configs/openvpn/seattle01.conf "$T/client/configs/openvpn/"
echo "router-id 10.0.0.1" >"$T/client/configs/peering-bgpd.conf"
IN_NS=(nsenter --net="/run/netns/$NS" env PEERING_DIR="$T/client")

run() {
	out=$("${IN_NS[@]}" "$PEERING" "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
has() { case $2 in *"$3"*) ok ;; *) bad "$1: no '$3' in: $2" ;; esac; }
hasnt() { case $2 in *"$3"*) bad "$1: '$3' in: $2" ;; *) ok ;; esac; }

run bgp start
check_eq "bgp start (status)" "$rc" 0

# ---- the terminal ----
screen() { "${TM[@]}" capture-pane -p -N -t shell; }
# wait_screen TEXT: until the screen shows TEXT (5 s at most).
wait_screen() {
	for _ in $(seq 1 50); do
		case $(screen) in *"$1"*) return 0 ;; esac
		sleep 0.1
	done
	return 1
}
keys() { "${TM[@]}" send-keys -t shell "$@"; }
# shellcheck disable=SC2016
"${TM[@]}" new-session -d -s shell -x 150 -y 50 \
    "$(printf '%q ' "${IN_NS[@]}" "$PEERING" bgp cli); sleep 30"
wait_screen "peering-bgpd> " && ok || bad "no prompt on the terminal: $(screen)"

keys "show protocols ams" Tab
wait_screen "peering-bgpd> show protocols amsterdam01 " && ok ||
    bad "tab did not complete the mux name: $(screen)"
keys Enter
wait_screen "Neighbor address" || true
wait_screen "amsterdam01      ipv6" && ok ||
    bad "show protocols amsterdam01: no table: $(screen)"
hasnt "show protocols amsterdam01: one mux" "$(screen)" "seattle01        ipv4"

keys C-l "sh" Tab
wait_screen "peering-bgpd> show " && ok || bad "tab did not complete sh: $(screen)"
keys "?"
wait_screen "protocols" && ok || bad "? listed nothing: $(screen)"
s=$(screen)
for w in protocols route status memory; do has "? after show" "$s" "  $w"; done
has "? keeps the line" "$s" "peering-bgpd> show "
keys C-u C-l "sh pro" Enter
wait_screen "seattle01        ipv4" && ok || bad "sh pro: no table: $(screen)"
has "sh pro: the header" "$(screen)" "name             af    state"

keys C-l "sh st" Enter
wait_screen "router id 10.0.0.1" && ok || bad "sh st: $(screen)"
keys C-l Up Enter
# The history's last command, again: `show status`.
sleep 0.5
wait_screen "router id 10.0.0.1" && ok || bad "Up did not recall show status: $(screen)"
keys C-l Up Up
wait_screen "peering-bgpd> sh pro" && ok || bad "Up Up: not sh pro: $(screen)"
keys C-u "sh bogus" Enter
wait_screen "unknown word 'bogus'" && ok || bad "sh bogus: $(screen)"
keys C-d
sleep 0.5
hist=$(cat "$T/client/var/cli_history" 2>/dev/null)
# libedit's format: a header, then each line with spaces as \040.
has "history file" "$hist" 'sh\040st'
has "history file" "$hist" 'show\040protocols\040amsterdam01'
check_eq "history file: sh st once" "$(grep -c 'sh.040st' <<<"$hist")" 1
check_eq "history file mode" "$(stat -c %a "$T/client/var/cli_history" 2>/dev/null)" 600

# ---- a pipe: replies only, no prompt ----
out=$(printf 'sh pro\nsh st\nsh ro ex amsterdam01\nquit\nshow status\n' |
    "${IN_NS[@]}" "$PEERING" bgp cli 2>"$T/stderr")
rc=$?
check_eq "piped (status)" "$rc" 0
check_eq "piped (stderr)" "$(cat "$T/stderr")" ""
hasnt "piped: no prompt" "$out" "peering-bgpd>"
has "piped: sh pro" "$out" "seattle01        ipv4"
check_eq "piped: quit stops reading (one status)" \
    "$(grep -c 'router id' <<<"$out")" 1
out=$(printf 'sh bogus\n' | "${IN_NS[@]}" "$PEERING" bgp cli 2>&1)
check_eq "piped error" "$out" "peering: unknown word 'bogus' (\`help\` lists the commands)"

# ---- one command ----
run bgp cli sh pro seattle01 j
check "bgp cli sh pro seattle01 j" "$out" '.protocols | length == 2'
run bgp cli s
check_eq "bgp cli s (status)" "$rc" 2
check_eq "bgp cli s" "$err" "peering: ambiguous 's': show stop start (\`help\` lists the commands)"
out=$(printf 'help\n' | "${IN_NS[@]}" "$PEERING" bgp cli 2>&1)
has "help in the shell: the table" "$out" "show route export MUX [ipv4|ipv6] [json]"
# One-shot, help is the daemon's own list.
run bgp cli help
has "bgp cli help: the daemon's list" "$out" "help [json]: this list"

run bgp stop
finish
