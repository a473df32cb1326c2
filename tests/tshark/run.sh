#!/usr/bin/env bash
# Cross-checks our BGP encoder against Wireshark's dissector. gen_pcap builds
# messages with our codec and writes, beside the capture, the field values it
# asked for; tshark reads the capture back and every value must match.
#
# usage: bash tests/tshark/run.sh        (from anywhere; builds what it needs)
# Ends with "N passed, M failed"; exits non-zero on any failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tshark-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

give_up() {
	echo "tshark check: $*" >&2
	failed=$((failed + 1))
	finish
}

command -v tshark >/dev/null 2>&1 || give_up "tshark is not installed"

make --no-print-directory -s -C "$root" build/libpeering.a ||
    give_up "cannot build build/libpeering.a"

cjson=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O1 -g \
    -o "$tmp/gen_pcap" "$here/gen_pcap.c" "$root/build/libpeering.a" \
    $cjson || give_up "cannot build gen_pcap"
"$tmp/gen_pcap" "$tmp" || give_up "gen_pcap failed"

# Compares tshark's fields with one expectation file; prints one line per
# failed check and a last line "passed failed".
compare() {
	local name=$1 asn_len=$2
	local exp="$tmp/$name.exp" out="$tmp/$name.fields"
	local -a fields=() args=()
	local f

	mapfile -t fields < <(grep -v '^#' "$exp" | cut -f2 | sort -u)
	for f in "${fields[@]}"; do
		args+=(-e "$f")
	done
	if ! tshark -n -r "$tmp/$name.pcap" \
	    -o "bgp.asn_len:$asn_len" -o tcp.check_checksum:FALSE \
	    -o ip.check_checksum:TRUE -o tcp.desegment_tcp_streams:FALSE \
	    -T fields -E separator=/t -E occurrence=a -E aggregator=, \
	    -e frame.number "${args[@]}" >"$out" 2>"$tmp/$name.err"; then
		echo "FAIL $name: tshark: $(grep -v 'Running as user' \
		    "$tmp/$name.err" | head -3)"
		echo "0 1"
		return
	fi
	awk -F'\t' -v flist="${fields[*]}" -v cap="$name" '
	# Same values, any order: sort both sides the same way.
	function sorted(s,    a, n, i, j, t, r) {
		n = split(s, a, ",")
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] "" > t ""; j--)
				a[j + 1] = a[j]
			a[j + 1] = t
		}
		r = ""
		for (i = 1; i <= n; i++)
			r = r (i > 1 ? "," : "") a[i]
		return r
	}
	BEGIN { nf = split(flist, name, " ") }
	FNR == NR {
		for (i = 1; i <= nf; i++)
			got[$1, name[i]] = $(i + 1)
		seen[$1] = 1
		next
	}
	$1 == "#" { what[$2] = $3; next }
	{
		frame = $1; field = $2; mode = $3; want = $4
		have = got[frame, field]
		if (!(frame in seen))
			have = "<no frame>"
		ok = mode == "~" ? sorted(have) == sorted(want) : have == want
		if (ok) {
			pass++
		} else {
			fail++
			printf("FAIL %s frame %s (%s) %s: want \"%s\", got \"%s\"\n",
			    cap, frame, what[frame], field, want, have)
		}
	}
	END { printf("%d %d\n", pass, fail) }
	' "$out" "$exp"
}

# The 4-octet session and the 2-octet one; Wireshark is told the AS number
# width since its guess is not reliable.
for cap in "as4:4 octet" "as2:2 octet"; do
	result=$(compare "${cap%%:*}" "${cap#*:}")
	printf '%s\n' "$result" | sed '$d'
	counts=$(printf '%s\n' "$result" | tail -n 1)
	passed=$((passed + ${counts% *}))
	failed=$((failed + ${counts#* }))
	echo "tshark ${cap%%:*}: ${counts% *} passed, ${counts#* } failed"
done
finish
