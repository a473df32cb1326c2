#!/usr/bin/env bash
# `make install DESTDIR=... PREFIX=...` puts both programs, both manual
# pages and the bash completion where they belong; `man -l` renders both
# pages; the installed peering runs and finds the client directory it is
# run from; the completion completes modules, verbs and mux names;
# `make uninstall` removes every file again. No root needed.
# Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

make --no-print-directory -s install DESTDIR="$D" PREFIX=/usr >"$D/make.out" 2>&1
check_eq "make install (status)" "$?" 0
FILES=(usr/bin/peering usr/sbin/peering-bgpd usr/share/man/man1/peering.1
    usr/share/man/man8/peering-bgpd.8
    usr/share/bash-completion/completions/peering)
for f in "${FILES[@]}"; do
	[ -f "$D/$f" ] && ok || bad "make install: no $f"
done
[ -x "$D/usr/bin/peering" ] && [ -x "$D/usr/sbin/peering-bgpd" ] && ok ||
    bad "make install: the programs are not executable"

# The pages render, with no warning from the formatter.
for page in man1/peering.1 man8/peering-bgpd.8; do
	text=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$D/usr/share/man/$page" 2>"$D/man.err")
	check_eq "man -l $page (status)" "$?" 0
	check_eq "man -l $page (warnings)" "$(cat "$D/man.err")" ""
	case $text in *NAME*SYNOPSIS*DESCRIPTION*"SEE ALSO"*) ok ;;
	*) bad "man -l $page: sections missing" ;; esac
done
text=$(LC_ALL=C MANWIDTH=200 man -l "$D/usr/share/man/man1/peering.1" 2>/dev/null)
for w in "bgp6 stop" "show route export" PEERING_DIR var/cli_history; do
	case $text in *"$w"*) ok ;; *) bad "peering(1): no '$w'" ;; esac
done

# The installed peering, run in a client directory, uses it.
mkdir -p "$D/client/configs/openvpn" "$D/client/var"
printf 'client\ndev tap5\n' >"$D/client/configs/openvpn/amsterdam01.conf"
printf 'client\ndev tap1\n' >"$D/client/configs/openvpn/seattle01.conf"
out=$(cd "$D/client" && env -u PEERING_DIR "$D/usr/bin/peering" --help)
check_eq "installed peering --help (status)" "$?" 0
err=$(cd "$D/client" && env -u PEERING_DIR "$D/usr/bin/peering" bgp status 2>&1)
case $err in *"$D/client/var/peering-bgpd.sock"*) ok ;;
*) bad "installed peering in a client directory: $err" ;; esac
err=$(cd "$D" && PEERING_DIR="$D/client" "$D/usr/bin/peering" bgp status 2>&1)
case $err in *"$D/client/var/peering-bgpd.sock"*) ok ;;
*) bad "installed peering with PEERING_DIR: $err" ;; esac

# The completion: modules, verbs, mux names from configs/openvpn.
# complete_words WORDS...: COMPREPLY for the last word, sorted, one line.
complete_words() {
	(cd "$D/client" && env -u PEERING_DIR bash -c '
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_peering
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' "$D/usr/share/bash-completion/completions/peering" "$@")
}
check_eq "complete peering b" "$(complete_words peering b)" "bgp bgp6 "
check_eq "complete peering openvpn up a" \
    "$(complete_words peering openvpn up a)" "all amsterdam01 "
check_eq "complete peering bgp adv s" "$(complete_words peering bgp adv s)" \
    "seattle01 "
check_eq "complete peering prefix announce -m a" \
    "$(complete_words peering prefix announce -m a)" "all amsterdam01 "
check_eq "complete peering prefix announce --f" \
    "$(complete_words peering prefix announce --f)" "--force "
check_eq "complete peering bgp6 s" "$(complete_words peering bgp6 s)" \
    "start status stop "

make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr >"$D/make.out" 2>&1
check_eq "make uninstall (status)" "$?" 0
for f in "${FILES[@]}"; do
	[ -e "$D/$f" ] && bad "make uninstall: $f is still there" || ok
done
finish
