#!/usr/bin/env bash
# Help everywhere: `peering -h|--help|help [MODULE]` and `peering MODULE
# -h|--help` exit 0, print on stdout only, and describe every verb and
# flag of the module (each listed below must appear). No daemon, no root.
# Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
PEERING=${PEERING:-./peering}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export PEERING_DIR=$T
. tests/cli/lib.sh

run() {
	out=$(${PEERING_WRAP:-} "$PEERING" "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# The verbs and flags each module's help must name.
declare -A WORDS=(
	[app]="-i -n -b -d -p -u status --json"
	[announce]="-n -R --force FILE.json"
	[bgp]="start stop status --json adv cli"
	[bgp6]="start stop status --json adv cli IPv6"
	[decode]="--hex --as4 --addpath --ext --mrt --lines"
	[experiment]="submit list run status stop --url --json --bind --round-seconds --dry-run --resume"
	[openvpn]="status up down log --wait --all --json"
	[prefix]="announce withdraw -m -P -o -p -c -C -l -R -M --force --json"
	[proxy]="status start stop"
)

for top in -h --help help; do
	run "$top"
	check_eq "peering $top (status)" "$rc" 0
	check_eq "peering $top (stderr)" "$err" ""
	for m in "${!WORDS[@]}"; do
		case $out in *"  $m "*) ok ;; *) bad "peering $top: no $m" ;; esac
	done
done

for m in "${!WORDS[@]}"; do
	for how in "$m --help" "$m -h" "help $m"; do
		# shellcheck disable=SC2086
		run $how
		check_eq "peering $how (status)" "$rc" 0
		check_eq "peering $how (stderr)" "$err" ""
		case $out in
		"usage: peering $m"*) ok ;;
		*) bad "peering $how: does not start with usage: peering $m" ;;
		esac
		[ "$how" = "$m --help" ] || continue
		for w in ${WORDS[$m]}; do
			case $out in
			*"$w"*) ok ;;
			*) bad "peering $m --help: no '$w'" ;;
			esac
		done
	done
done

run help nope
check_eq "help nope (status)" "$rc" 2
case $err in "peering: no module named nope"*) ok ;; *) bad "help nope: $err" ;; esac
run --version
check_eq "--version (status)" "$rc" 0
finish
