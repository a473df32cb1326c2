# tests/e2e/lib.sh: the end-to-end test bed. Sourced, not run.
# shellcheck shell=bash
#
# Two emulated PEERING muxes with the real names and taps, amsterdam01
# (tap5) and seattle01 (tap1), each reached over a real OpenVPN tunnel, and
# two upstream networks behind them, all in network namespaces:
#
#   $NS_C   the client: the real `./peering` commands (hence peering-bgpd
#           and the OpenVPN clients) with PEERING_DIR=$CLIENT.
#   ${PFX}m5 amsterdam01 and ${PFX}m1 seattle01 (mux_ns MUX). Each: an
#           OpenVPN server in tap mode (udp 1194) on a persistent tap,
#           BIRD 1.6 (bird + bird6) configured like a PEERING mux: iBGP
#           AS 47065 with the client over the tunnel, ADD-PATH tx, import
#           all, the client's routes passed on to the upstreams (eBGP,
#           47065 prepended); the best routes in its main table (it
#           forwards).
#   $NS_U1  upstream peer id 1, AS 3356, and $NS_U2 peer id 2, AS 174: bird
#           with an eBGP session to each mux, a few "Internet" prefixes of
#           their own, BGP's normal loop detection (poisoning shows), and
#           the client's prefix in their main table. Behind AS 174, the
#           "Internet host" $E2E_HOST on lo.
#
# The PEERING plan, for a mux on tapN (REFERENCE.md): the mux's tunnel
# address 100.(64+N).128.1/16 and 2804:269c:ff00:<N hex>:1::1/64; the
# client is given .6 and ::6 (ifconfig-push from the server's
# client-config-dir); routes from upstream peer id P carry the next hop
# 100.(64+N).<P/256>.<P%256>, an address the mux holds on its tap. IPv6
# has no upstream namespaces: the mux's bird6 sends a few static routes
# per peer id, with the next hop 2804:269c:ff00:<N hex>:2::<P hex> (this
# bed's choice; also held by the mux on its tap).
#
# Mux host names (vpn.<mux>.mux.peering.ee.columbia.edu) resolve to the
# emulated servers through a hosts file bind-mounted over /etc/hosts in a
# private mount namespace around each client command (`client_exec`); the
# machine's /etc/hosts and DNS are never touched. Certificates come from a
# throwaway CA made with openssl in $TMP.
#
# Every namespace and link name starts with $PFX ("pe2e" + 4 hex digits);
# every file is in $TMP (mktemp -d); every server is started through
# start_bg and stopped by its PID; the client's daemons (forked by
# `peering`) are stopped by the PIDs in their pid files, once checked to
# be this run's. Cleanup runs on exit, error and signals.
#
# The generic helpers (counting, waits, start_bg/stop_pid, the daemon's
# sessions and RIB, table 20000) come from tests/interop/lib.sh; its
# cleanup is replaced by this bed's.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DEMO=${E2E_DEMO:-0}	# 1: tell the flow as a demo (below)
# shellcheck source=../interop/lib.sh
. "$E2E_DIR/../interop/lib.sh"
# E2E_KEEP=1 keeps the run's files, as IOP_KEEP does for interop tests.
IOP_KEEP=${IOP_KEEP:-${E2E_KEEP:-}}
E2E_ROOT=$IOP_ROOT

# ---- the plan ----

E2E_MUXES=(amsterdam01 seattle01)	# their taps: the `dev` line of the
					# shipped configs/openvpn/<mux>.conf
E2E_UPSTREAMS=(1 2)			# peer ids
E2E_CLIENT_HOST=6			# the client's tunnel host part
E2E_HOST=203.0.113.1			# the Internet host, behind AS 174
E2E_HOST_NET=203.0.113.0/24
E2E_NETS4=(192.0.2.0/24 198.51.100.0/24)	# from both upstreams
E2E_NETS6=(2001:db8:1::/48 2001:db8:2::/48)	# from both "upstreams" (static)
E2E_PREFIX=184.164.224.0/24		# the client's prefixes.txt
E2E_PREFIX6=2804:269c:1::/48		# its prefixes6.txt
E2E_CN=peering-e2e-client		# the client certificate's name

up_as() { case $1 in 1) echo 3356 ;; 2) echo 174 ;; esac; }
# The origin behind the upstream for each Internet prefix (its path is
# "<upstream AS> <origin>"); the host's network is AS 174's own.
net_origin() {
	case $1 in
	192.0.2.0/24 | 2001:db8:1::/48) echo 64496 ;;
	198.51.100.0/24 | 2001:db8:2::/48) echo 64497 ;;
	esac
}

# mux_tap MUX: N of its tapN, from the shipped config.
mux_tap() {
	sed -n 's/^dev tap\([0-9][0-9]*\)[[:space:]]*$/\1/p' \
	    "$E2E_ROOT/configs/openvpn/$1.conf" | head -n 1
}
mux_host() { echo "vpn.$1.mux.peering.ee.columbia.edu"; }
mux_ns() { echo "${PFX}m$(mux_tap "$1")"; }
hex() { printf '%x' "$1"; }

# Tunnel addresses for tapN (REFERENCE.md's formulas).
mux_v4() { echo "100.$((64 + $1)).128.1"; }
mux_v6() { echo "2804:269c:ff00:$(hex "$1"):1::1"; }
client_v4() { echo "100.$((64 + $1)).128.$E2E_CLIENT_HOST"; }
client_v6() { echo "2804:269c:ff00:$(hex "$1"):1::$(hex "$E2E_CLIENT_HOST")"; }
# nh_v4 N P, nh_v6 N P: the next hop of routes via upstream peer id P.
nh_v4() { echo "100.$((64 + $1)).$(($2 / 256)).$(($2 % 256))"; }
nh_v6() { echo "2804:269c:ff00:$(hex "$1"):2::$(hex "$2")"; }
# The underlay: the client reaches mux N's OpenVPN server at 198.18.N.1.
under_mux() { echo "198.18.$1.1"; }
under_client() { echo "198.18.$1.2"; }
# The link between mux N and upstream P: 198.19.(16N+P).1 (mux) and .2.
uplink() { echo "198.19.$((16 * $1 + $2)).$3"; }

# ---- start, names, cleanup ----

E2E_NAMESPACES=()
E2E_CLIENT_PIDS=()	# daemons `peering` forked, seen in their pid files
E2E_T0=
CLIENT=

# e2e_init NAME: root and tools, the run's prefix, $TMP, traps.
e2e_init() {
	local tool tries=0
	IOP_NAME=$1
	E2E_T0=$(date +%s.%N)
	if [ "$(id -u)" -ne 0 ]; then
		echo "$IOP_NAME: must run as root (network namespaces)" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	for tool in ip jq ps bird bird6 birdc birdc6 openvpn openssl ping \
	    unshare mount timeout; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "$IOP_NAME: $tool is not installed (scripts/install-deps)" >&2
			echo "0 passed, 1 failed"
			exit 1
		}
	done
	if [ ! -x "$PEERING" ] || [ ! -x "$PEERING_BGPD" ]; then
		echo "$IOP_NAME: $PEERING or $PEERING_BGPD not built (run make)" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	if ! "$PEERING" openvpn --help >/dev/null 2>&1; then
		echo "$IOP_NAME: $PEERING has no openvpn command" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	while :; do
		PFX=pe2e$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
		ip netns list | grep -q "^$PFX" || break
		tries=$((tries + 1))
		[ "$tries" -lt 20 ] || { echo "cannot pick a name" >&2; exit 1; }
	done
	NS_C=${PFX}c
	NS_U1=${PFX}u1
	NS_U2=${PFX}u2
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PFX.XXXXXX")
	chmod 755 "$TMP"
	CLIENT=$TMP/client
	# The interop helpers (sessions, RIB, table 20000) look at "ours".
	NS_OURS=$NS_C
	OURS_DIR=$CLIENT
	# Interrupted, it still cleans up and ends with its counts.
	trap 'iop_cleanup' EXIT
	trap 'fail "$IOP_NAME: interrupted (SIGINT)"; e2e_finish' INT
	trap 'fail "$IOP_NAME: terminated (SIGTERM)"; e2e_finish' TERM
}

# is_ours PID: the process runs with this run's client directory (or
# $TMP) on its command line: a daemon of ours, not anyone else's.
is_ours() {
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] &&
	    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$TMP/"
}

# client_pids: the pids in the client's pid files that are still ours.
client_pids() {
	local f pid
	for f in "$CLIENT"/var/*.pid; do
		[ -f "$f" ] || continue
		pid=$(tr -dc 0-9 <"$f")
		is_ours "$pid" && echo "$pid"
	done
}

E2E_CLEANED=0
iop_cleanup() {
	local pid ns
	[ "$E2E_CLEANED" -eq 0 ] || return 0
	E2E_CLEANED=1
	IOP_CLEANED=1
	# The client first, as a user would: withdraw, stop, close tunnels.
	if [ -n "$CLIENT" ] && [ -d "$CLIENT/var" ] && ns_exists "$NS_C"; then
		timeout 15 "$E2E_CLIENT_WRAP" "$PEERING" bgp stop >/dev/null 2>&1
		timeout 15 "$E2E_CLIENT_WRAP" "$PEERING" openvpn down all \
		    >/dev/null 2>&1
		for pid in $(client_pids) "${E2E_CLIENT_PIDS[@]}"; do
			is_ours "$pid" && stop_pid "$pid" 5
		done
	fi
	for pid in "${IOP_PIDS[@]}"; do
		stop_pid "$pid" 5
	done
	app_netns_unmount
	for ns in "${E2E_NAMESPACES[@]}"; do
		netns_remove "$ns"
	done
	tmp_remove
	return 0
}

# app_netns_unmount: the namespaces `peering app` made in $TMP/netns
# (PEERING_NETNS_DIR) and the directory's own shared mount.
app_netns_unmount() {
	local f
	[ -n "${TMP:-}" ] && [ -d "$TMP/netns" ] || return 0
	for f in "$TMP"/netns/*; do
		[ -e "$f" ] && umount -l "$f" 2>/dev/null
	done
	umount -l "$TMP/netns" 2>/dev/null
	return 0
}

# e2e_finish: cleanup, the time taken, "N passed, M failed", exit status.
e2e_finish() {
	trap - INT TERM
	iop_cleanup
	if [ "$E2E_DEMO" = 1 ]; then
		printf '\n%s\n' "Took $(elapsed_since "$E2E_T0") s; every namespace, process and file it made is gone."
	else
		iop_log "took $(elapsed_since "$E2E_T0") s"
	fi
	iop_finish
}

# ---- the throwaway CA ----

# e2e_ca: $TMP/pki: ca.crt, per mux <mux>.crt/.key (serverAuth: the
# client config has remote-cert-tls server), client.crt/.key (clientAuth).
e2e_ca() {
	local d=$TMP/pki m
	mkdir -p "$d"
	openssl req -x509 "${E2E_EC[@]}" -keyout "$d/ca.key" -out "$d/ca.crt" \
	    -days 2 -subj "/CN=peering-e2e throwaway CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    >"$d/openssl.log" 2>&1 || return 1
	printf '%s\n' "basicConstraints=CA:FALSE" \
	    "keyUsage=critical,digitalSignature,keyEncipherment" \
	    "extendedKeyUsage=serverAuth" >"$d/server.ext"
	printf '%s\n' "basicConstraints=CA:FALSE" \
	    "keyUsage=critical,digitalSignature" \
	    "extendedKeyUsage=clientAuth" >"$d/client.ext"
	for m in "${E2E_MUXES[@]}"; do
		e2e_cert "$m" "$(mux_host "$m")" server || return 1
	done
	e2e_cert client "$E2E_CN" client
}

# e2e_cert NAME CN server|client: NAME.key and NAME.crt, signed by the CA.
E2E_EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
e2e_cert() {
	local d=$TMP/pki
	openssl req "${E2E_EC[@]}" -keyout "$d/$1.key" -out "$d/$1.csr" \
	    -subj "/CN=$2" >>"$d/openssl.log" 2>&1 &&
	    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" \
		-CAkey "$d/ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
		-days 2 -extfile "$d/$3.ext" -out "$d/$1.crt" \
		>>"$d/openssl.log" 2>&1
}

# ---- the bed ----

# e2e_bed_up: everything but the client's tunnels and daemon; gives up
# (one failure, cleanup) when a part does not come up.
e2e_bed_up() {
	local m n p
	e2e_ca || give_up "openssl: the throwaway CA: $(tail -n 3 "$TMP/pki/openssl.log")"
	e2e_ns_add "$NS_C"
	e2e_ns_add "$NS_U1" router
	e2e_ns_add "$NS_U2" router
	ip -n "$NS_U2" addr add "$E2E_HOST/32" dev lo	# the Internet host
	for m in "${E2E_MUXES[@]}"; do
		n=$(mux_tap "$m")
		[ -n "$n" ] || give_up "configs/openvpn/$m.conf: no dev tapN line"
		e2e_ns_add "$(mux_ns "$m")" router
		e2e_mux_links "$m" "$n"
	done
	e2e_hosts_file
	for m in "${E2E_MUXES[@]}"; do
		e2e_vpn_server "$m"
		e2e_bird "$(mux_ns "$m")" "m$(mux_tap "$m")v4" bird mux_bird_conf "$m" 4
		e2e_bird "$(mux_ns "$m")" "m$(mux_tap "$m")v6" bird6 mux_bird_conf "$m" 6
	done
	for p in "${E2E_UPSTREAMS[@]}"; do
		e2e_bird "${PFX}u$p" "u$p" bird up_bird_conf "$p"
	done
	e2e_bed_wait
	e2e_client_dir
}

# e2e_ns_add NS [router]: a namespace of this run, lo up, no reverse-path
# filter whatever the host's (a reply may come back through the other
# mux); a router (mux, upstream) forwards.
e2e_ns_add() {
	ip netns add "$1" || give_up "ip netns add $1"
	E2E_NAMESPACES+=("$1")
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	    net.ipv4.conf.default.rp_filter=0 >/dev/null
	if [ "${2:-}" = router ]; then
		ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		    net.ipv6.conf.all.forwarding=1 >/dev/null
	fi
}

# e2e_mux_links MUX N: the underlay veth to the client, the persistent tap
# its OpenVPN server attaches to (the mux's tunnel addresses and the
# per-upstream next hops on it), the links to the upstreams.
e2e_mux_links() {
	local m=$1 n=$2 ns p tap a b
	ns=$(mux_ns "$m")
	a=${PFX}w$n		# mux side of the underlay
	b=${PFX}c$n		# client side
	ip link add "$a" netns "$ns" type veth peer name "$b" netns "$NS_C" ||
	    give_up "cannot create the veth pair $a/$b"
	ip -n "$ns" addr add "$(under_mux "$n")/24" dev "$a"
	ip -n "$NS_C" addr add "$(under_client "$n")/24" dev "$b"
	ip -n "$ns" link set "$a" up
	ip -n "$NS_C" link set "$b" up
	tap=${PFX}t$n
	ip -n "$ns" tuntap add mode tap name "$tap" || give_up "cannot create $tap"
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$tap.accept_dad=0"
	ip -n "$ns" addr add "$(mux_v4 "$n")/16" dev "$tap"
	ip -n "$ns" addr add "$(mux_v6 "$n")/64" dev "$tap" nodad
	for p in "${E2E_UPSTREAMS[@]}"; do
		ip -n "$ns" addr add "$(nh_v4 "$n" "$p")/32" dev "$tap"
		ip -n "$ns" addr add "$(nh_v6 "$n" "$p")/128" dev "$tap" nodad
	done
	ip -n "$ns" link set "$tap" up
	for p in "${E2E_UPSTREAMS[@]}"; do
		a=${PFX}${n}u$p
		b=${PFX}u${p}m$n
		ip link add "$a" netns "$ns" type veth peer name "$b" \
		    netns "${PFX}u$p" || give_up "cannot create the veth pair $a/$b"
		ip -n "$ns" addr add "$(uplink "$n" "$p" 1)/24" dev "$a"
		ip -n "${PFX}u$p" addr add "$(uplink "$n" "$p" 2)/24" dev "$b"
		ip -n "$ns" link set "$a" up
		ip -n "${PFX}u$p" link set "$b" up
	done
}

# e2e_hosts_file: $TMP/hosts, the /etc/hosts client commands see.
e2e_hosts_file() {
	local m
	{
		echo "127.0.0.1 localhost"
		echo "::1 localhost"
		for m in "${E2E_MUXES[@]}"; do
			echo "$(under_mux "$(mux_tap "$m")") $(mux_host "$m")"
		done
	} >"$TMP/hosts"
}

# e2e_vpn_server MUX: OpenVPN in tap mode on the mux's persistent tap;
# the client (by its certificate's name) gets .6 and ::6.
e2e_vpn_server() {
	local m=$1 n d
	n=$(mux_tap "$m")
	d=$TMP/vpn-$m
	mkdir -p "$d/ccd"
	cat >"$d/server.conf" <<EOF
mode server
tls-server
proto udp4
local $(under_mux "$n")
port 1194
dev ${PFX}t$n
dev-type tap
ca $TMP/pki/ca.crt
cert $TMP/pki/$m.crt
key $TMP/pki/$m.key
dh none
remote-cert-tls client
data-ciphers AES-128-GCM
client-config-dir $d/ccd
ccd-exclusive
keepalive 2 10
verb 3
EOF
	cat >"$d/ccd/$E2E_CN" <<EOF
ifconfig-push $(client_v4 "$n") 255.255.0.0
ifconfig-ipv6-push $(client_v6 "$n")/64 $(mux_v6 "$n")
EOF
	start_bg "$(mux_ns "$m")" "$d/server.log" openvpn --config "$d/server.conf"
}

# e2e_bird NS NAME BIN CONF-FUNCTION ARGS...: $TMP/NAME.conf from the
# function, checked, then BIRD in NS on socket $TMP/NAME.ctl.
e2e_bird() {
	local ns=$1 name=$2 bin=$3
	shift 3
	"$@" >"$TMP/$name.conf"
	"$bin" -p -c "$TMP/$name.conf" >"$TMP/$name.out" 2>&1 ||
	    give_up "BIRD $name: $(cat "$TMP/$name.out")"
	start_bg "$ns" "$TMP/$name.out" "$bin" -f -c "$TMP/$name.conf" \
	    -s "$TMP/$name.ctl" -P "$TMP/$name.pid"
}

# The BIRD timers of the bed: quick (re)connects.
BIRD_TIMERS='connect delay time 1; connect retry time 2; error wait time 1, 5;'

# mux_bird_conf MUX 4|6: the mux's BIRD. Its session with the client is
# "client1"; IPv4 has "up1"/"up2" to the upstreams, IPv6 static routes
# standing for them. Export filters set what they set after BIRD's own
# changes: the per-upstream next hop (and IPv6's path) stay as set.
mux_bird_conf() {
	local m=$1 af=$2 n p net
	n=$(mux_tap "$m")
	echo "router id $(mux_v4 "$n");"
	echo "log \"$TMP/m${n}v$af.log\" all;"
	echo "protocol device { scan time 10; }"
	if [ "$af" = 4 ]; then
		echo "protocol kernel { export all; scan time 10; }"
		for p in "${E2E_UPSTREAMS[@]}"; do
			echo "protocol bgp up$p {"
			echo "	local $(uplink "$n" "$p" 1) as 47065;"
			echo "	neighbor $(uplink "$n" "$p" 2) as $(up_as "$p");"
			echo "	import all;"
			echo "	export where proto = \"client1\";"
			echo "	$BIRD_TIMERS"
			echo "}"
		done
	else
		for p in "${E2E_UPSTREAMS[@]}"; do
			echo "protocol static up$p {"
			for net in "${E2E_NETS6[@]}"; do
				echo "	route $net blackhole;"
			done
			echo "}"
		done
	fi
	if [ "$af" = 6 ]; then
		echo "function net_origin6(prefix n) {"
		for net in "${E2E_NETS6[@]}"; do
			echo "	if n = $net then return $(net_origin "$net");"
		done
		echo "	return 64511;"
		echo "}"
	fi
	echo "filter to_client {"
	for p in "${E2E_UPSTREAMS[@]}"; do
		echo "	if proto = \"up$p\" then {"
		echo "		bgp_next_hop = $(nh_v"$af" "$n" "$p");"
		if [ "$af" = 6 ]; then
			echo "		bgp_path.prepend(net_origin6(net));"
			echo "		bgp_path.prepend($(up_as "$p"));"
		fi
		echo "		accept;"
		echo "	}"
	done
	echo "	reject;"
	echo "}"
	echo "protocol bgp client1 {"
	if [ "$af" = 4 ]; then
		echo "	local $(mux_v4 "$n") as 47065;"
		echo "	neighbor $(client_v4 "$n") as 47065;"
	else
		echo "	local $(mux_v6 "$n") as 47065;"
		echo "	neighbor $(client_v6 "$n") as 47065;"
	fi
	echo "	direct;"
	echo "	gateway direct;"
	echo "	add paths tx;"
	# IPv6: send the per-upstream next hop as it is (BIRD would put
	# its own address instead, having no link-local one for it).
	[ "$af" = 4 ] || echo "	missing lladdr ignore;"
	echo "	debug { states, events };"
	# A client whose tunnel closes cannot say goodbye: the mux notices
	# when the hold time runs out. 10 s instead of 90 keeps the flow short.
	echo "	hold time 10;"
	echo "	allow local as;"	# the client's paths hold 47065
	echo "	import all;"
	echo "	export filter to_client;"
	echo "	$BIRD_TIMERS"
	echo "}"
}

# up_bird_conf P: upstream peer id P, an eBGP session to every mux.
up_bird_conf() {
	local p=$1 m n net as
	as=$(up_as "$p")
	echo "router id $(uplink "$(mux_tap "${E2E_MUXES[0]}")" "$p" 2);"
	echo "log \"$TMP/u$p.log\" all;"
	echo "protocol device { scan time 10; }"
	echo "protocol kernel { export where source = RTS_BGP; scan time 10; }"
	echo "protocol static internet {"
	for net in "${E2E_NETS4[@]}"; do
		echo "	route $net blackhole;"
	done
	if [ "$p" = 2 ]; then
		echo "	route $E2E_HOST_NET blackhole;"
	fi
	echo "}"
	# Export filters run after BIRD's own prepend: the origin goes
	# between, so the path is "<upstream AS> <origin>".
	echo "filter to_mux {"
	echo "	if proto != \"internet\" then reject;"
	for net in "${E2E_NETS4[@]}"; do
		echo "	if net = $net then {"
		echo "		bgp_path.delete($as);"
		echo "		bgp_path.prepend($(net_origin "$net"));"
		echo "		bgp_path.prepend($as);"
		echo "	}"
	done
	echo "	accept;"
	echo "}"
	for m in "${E2E_MUXES[@]}"; do
		n=$(mux_tap "$m")
		echo "protocol bgp $m {"
		echo "	local $(uplink "$n" "$p" 2) as $as;"
		echo "	neighbor $(uplink "$n" "$p" 1) as 47065;"
		echo "	import all;"
		echo "	export filter to_mux;"
		echo "	$BIRD_TIMERS"
		echo "}"
	done
}

# bc NAME ARGS...: birdc (birdc6 for *v6) on that BIRD's socket, without
# its "BIRD 1.6.8 ready." banner.
bc() {
	local name=$1 bin=birdc
	shift
	case $name in *v6) bin=birdc6 ;; esac
	timeout 5 "$bin" -s "$TMP/$name.ctl" "$@" 2>&1 |
	    sed '/^BIRD [0-9.]* ready\.$/d'
}

bird_ready() { bc "$1" show status | grep -q "Daemon is up"; }
bird_established() { bc "$1" show protocols "$2" | grep -q Established; }
vpn_server_ready() {
	grep -q "Initialization Sequence Completed" "$TMP/vpn-$1/server.log"
}

# e2e_bed_wait: every BIRD answers, every OpenVPN server listens, every
# mux-upstream session is Established.
e2e_bed_wait() {
	local m n p b
	for m in "${E2E_MUXES[@]}"; do
		n=$(mux_tap "$m")
		wait_for 10 "$m: OpenVPN server" vpn_server_ready "$m" ||
		    give_up "$m: the OpenVPN server did not start: $(tail -n 5 "$TMP/vpn-$m/server.log")"
		for b in "m${n}v4" "m${n}v6"; do
			wait_for 10 "BIRD $b" bird_ready "$b" ||
			    give_up "BIRD $b did not start: $(cat "$TMP/$b.out")"
		done
	done
	for p in "${E2E_UPSTREAMS[@]}"; do
		wait_for 10 "BIRD u$p" bird_ready "u$p" ||
		    give_up "BIRD u$p did not start: $(cat "$TMP/u$p.out")"
	done
	for m in "${E2E_MUXES[@]}"; do
		n=$(mux_tap "$m")
		for p in "${E2E_UPSTREAMS[@]}"; do
			wait_for 20 "$m-up$p" bird_established "m${n}v4" "up$p" ||
			    give_up "$m: no session with upstream $p: $(bc "m${n}v4" show protocols all "up$p" | tail -n 12)"
		done
	done
}

# ---- the client ----

# e2e_client_dir: PEERING_DIR as a user has it: the shipped daemon
# configuration and OpenVPN configs of the bed's muxes, the certificates,
# the prefix lists, var/.
e2e_client_dir() {
	local m
	mkdir -p "$CLIENT/configs/openvpn" "$CLIENT/certs" "$CLIENT/var"
	cp "$E2E_ROOT/configs/peering-bgpd.conf" "$CLIENT/configs/"
	for m in "${E2E_MUXES[@]}"; do
		cp "$E2E_ROOT/configs/openvpn/$m.conf" "$CLIENT/configs/openvpn/"
	done
	cp "$TMP/pki/ca.crt" "$CLIENT/certs/ca.crt"
	cp "$TMP/pki/client.crt" "$CLIENT/certs/client.crt"
	cp "$TMP/pki/client.key" "$CLIENT/certs/client.key"
	chmod 400 "$CLIENT/certs/client.key"
	echo "$E2E_PREFIX" >"$CLIENT/prefixes.txt"
	echo "$E2E_PREFIX6" >"$CLIENT/prefixes6.txt"
	E2E_CLIENT_WRAP=$TMP/peering
	# One command as a user types it, in the client namespace, with the
	# bed's hosts file as /etc/hosts (a private mount namespace).
	cat >"$E2E_CLIENT_WRAP" <<EOF
#!/bin/sh
exec ip netns exec "$NS_C" unshare -m -- sh -c \\
    'mount --bind "\$0" /etc/hosts && cd "\$1" && shift && exec "\$@"' \\
    "$TMP/hosts" "$CLIENT" env PEERING_DIR="$CLIENT" "\$@"
EOF
	chmod 755 "$E2E_CLIENT_WRAP"
}
E2E_CLIENT_WRAP=/bin/false

# client_exec CMD...: CMD in the client namespace and directory, with
# PEERING_DIR set and the bed's /etc/hosts.
client_exec() {
	"$E2E_CLIENT_WRAP" "$@"
}

# The interop helpers ask the daemon through ours_cli: the same way.
ours_cli() {
	client_exec "$PEERING" "$@"
}

# peering ARGS...: `./peering ARGS` in the client namespace (bounded);
# stdout in $OUT, stderr in $ERR, status in $RC. `peering app` enters the
# client's network namespace only (nsenter: the host's mount namespace,
# where the namespace files it mounts must stay visible), with
# PEERING_NETNS_DIR=$TMP/netns: its papp<ID> never meet /run/netns.
peering() {
	if [ "${1:-}" = app ]; then
		mkdir -p "$TMP/netns"
		timeout 60 nsenter --net="/run/netns/$NS_C" env \
		    PEERING_DIR="$CLIENT" PEERING_NETNS_DIR="$TMP/netns" \
		    "$PEERING" "$@" >"$TMP/cmd.out" 2>"$TMP/cmd.err"
	else
		timeout 60 "$E2E_CLIENT_WRAP" "$PEERING" "$@" >"$TMP/cmd.out" \
		    2>"$TMP/cmd.err"
	fi
	RC=$?
	OUT=$(cat "$TMP/cmd.out")
	ERR=$(cat "$TMP/cmd.err")
	e2e_note_client_pids
	return 0
}

# e2e_note_client_pids: remember the daemons `peering` forked, for cleanup.
e2e_note_client_pids() {
	local pid
	for pid in $(client_pids); do
		case " ${E2E_CLIENT_PIDS[*]} " in
		*" $pid "*) ;;
		*) E2E_CLIENT_PIDS+=("$pid") ;;
		esac
	done
}

# ---- when something does not come up ----

# log_tail FILE [N]: its last N lines (12), indented, for a failure.
log_tail() {
	echo "  --- the last lines of $1:"
	tail -n "${2:-12}" "$1" 2>/dev/null | sed 's/^/  | /'
}

# vpn_diag MUX: the client's and the server's OpenVPN logs.
vpn_diag() {
	log_tail "$CLIENT/var/$1.log"
	log_tail "$TMP/vpn-$1/server.log"
}

# ---- what the client namespace holds ----

# rib_paths: every path in the daemon's RIB, one sorted line each:
# "PREFIX PEER NEXT-HOP INTERFACE [AS PATH]".
rib_paths() {
	ours_routes | jq -r '.routes[] | .prefix as $p | .paths[] |
	    "\($p) \(.peer) \(.next_hop) \(.interface) [\(.attributes.as_path)]"' |
	    sort
}

# rib_bad_best: the prefixes without exactly one best path listed first.
rib_bad_best() {
	ours_routes | jq -r '.routes[] | select(([.paths[] | select(.best)] |
	    length) != 1 or .paths[0].best != true) | .prefix'
}

# tap_addrs N: "V4 V6" of the client's tapN (global addresses), or "".
tap_addrs() {
	ip -j -n "$NS_C" addr show dev "tap$1" 2>/dev/null | jq -r '
	    [.[0].addr_info[]? | select(.scope == "global") |
	     select(.tentative != true) | .local] | join(" ")'
}

# tx_packets NS DEV: the packets DEV of NS has sent.
tx_packets() {
	ip -n "$1" -j -s link show dev "$2" | jq '.[0].stats64.tx.packets'
}

# best_tap: the tap of table 20000's route to the host's network.
best_tap() {
	ip -n "$NS_C" route show table 20000 "$E2E_HOST_NET" |
	    awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }'
}

# app_leftovers: what any `peering app` left in the client namespace
# (links, rules and tables 10001..10999, addresses of the prefix off lo)
# and in $TMP/netns.
app_leftovers() {
	local af
	ip -n "$NS_C" -o link show | awk -F': ' '$2 ~ /^(papp|pbr)/ { print "link " $2 }'
	for af in -4 -6; do
		ip -n "$NS_C" "$af" rule show |
		    awk -F: '$1 >= 10001 && $1 <= 10999 { print "rule" $0 }'
		ip -n "$NS_C" "$af" route show table all |
		    grep -E 'table 10[0-9]{3} ' | sed 's/^/route /'
	done
	ip -n "$NS_C" -o addr show | grep -F "${E2E_PREFIX%.0/24}." |
	    grep -v ' lo ' | sed 's/^/addr /'
	ls "$TMP/netns" 2>/dev/null | sed 's/^/namespace /'
}

# rules_20000: the client's ip rules with pref 20000, both families.
rules_20000() {
	ip -n "$NS_C" -4 rule show pref 20000
	ip -n "$NS_C" -6 rule show pref 20000
}

# ---- what a BIRD holds ----

# bird_routes NAME PREFIX: one line per route BIRD has for PREFIX, in its
# order (the best first):
#   from PROTO via GW path [AS...] nh NEXT-HOP[ comm (a,b)...][ large (a, b, c)...]
# or "absent". NEXT-HOP is BGP.next_hop's first address (bird6 may add a
# link-local one).
bird_routes() {
	bc "$1" show route "$2" all | awk -v pfx="$2" '
	    function flush() {
		if (!n) return
		s = "from " proto " via " via " path [" path "] nh " nh
		if (comm != "") s = s " comm " comm
		if (large != "") s = s " large " large
		print s
	    }
	    ($1 == pfx || (n && $1 == "via")) && /\[[A-Za-z0-9_]+ / {
		flush(); n++
		via = ($1 == pfx) ? $3 : $2
		match($0, /\[[A-Za-z0-9_]+ /); proto = substr($0, RSTART + 1, RLENGTH - 2)
		path = nh = comm = large = ""
	    }
	    /BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); path = $0 }
	    /BGP.next_hop:/ { sub(/.*BGP.next_hop: */, ""); nh = $1 }
	    /BGP.community:/ { sub(/.*BGP.community: */, ""); comm = $0 }
	    /BGP.large_community:/ { sub(/.*BGP.large_community: */, ""); large = $0 }
	    END { if (!n) print "absent"; else flush() }'
}

# ---- telling what happens: the test's log, or `make demo`'s story ----
#
# E2E_DEMO=1 turns a flow into a demo: `say` opens a step, `note` explains,
# `user` shows the command as typed and what it printed, `show` what a
# person would look at (a mux's BIRD, table 20000); checks are counted
# and only a failing one is shown. In a test only the step names and the
# checks are printed.

# say TEXT: what the next step does.
say() {
	if [ "$E2E_DEMO" = 1 ]; then
		printf '\n== %s\n' "$*"
	else
		iop_log "$*"
	fi
}

# info TEXT: a line for the test's log only.
info() {
	[ "$E2E_DEMO" = 1 ] || iop_log "$*"
}

# note TEXT: a line of explanation, in the demo only.
note() {
	[ "$E2E_DEMO" = 1 ] || return 0
	printf '   %s\n' "$*"
}

# user ARGS...: `./peering ARGS` as the user types it, in the client's
# directory and namespace ($OUT, $ERR, $RC as peering sets them).
user() {
	peering "$@"
	[ "$E2E_DEMO" = 1 ] || return 0
	printf '   $ ./peering %s\n' "$*"
	cat "$TMP/cmd.out" "$TMP/cmd.err" | sed 's/^/     /'
}

# show WHERE TYPED CMD...: in the demo, "[WHERE] $ TYPED" and what CMD
# prints (CMD does what TYPED says, with the bed's sockets and names).
show() {
	local where=$1 typed=$2
	shift 2
	[ "$E2E_DEMO" = 1 ] || return 0
	printf '   [%s] $ %s\n' "$where" "$typed"
	"$@" 2>&1 | sed 's/^/     /'
}

# The demo counts the checks that pass and shows only those that fail.
if [ "$E2E_DEMO" = 1 ]; then
	pass() {
		IOP_PASS=$((IOP_PASS + 1))
	}
	fail() {
		IOP_FAIL=$((IOP_FAIL + 1))
		echo "   FAILED: $*"
	}
fi

# ---- checks ----

output_is() {
	local want=$1
	shift
	[ "$("$@" 2>/dev/null)" = "$want" ]
}

# expect_eq DESCRIPTION SECONDS WANT CMD...: CMD prints WANT within
# SECONDS (polled); one pass or one fail with both shown.
expect_eq() {
	local desc=$1 secs=$2 want=$3
	shift 3
	if wait_for "$secs" "$desc" output_is "$want" "$@"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	printf '%s\n' "$want" | sed 's/^/  want | /'
	"$@" 2>&1 | sed 's/^/  got  | /'
	return 1
}

# expect_ok DESCRIPTION SECONDS CMD...: CMD succeeds within SECONDS.
expect_ok() {
	local desc=$1 secs=$2
	shift 2
	if wait_for "$secs" "$desc" "$@" >/dev/null; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	return 1
}

# expect_rc DESCRIPTION: the last `user`/`peering` command exited 0.
expect_rc() {
	if [ "$RC" -eq 0 ]; then
		pass "$1"
		return 0
	fi
	fail "$1 (exit $RC)"
	printf '%s\n' "$OUT" "$ERR" | sed '/^$/d; s/^/  | /'
	return 1
}
