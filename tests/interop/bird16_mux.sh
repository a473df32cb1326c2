# tests/interop/bird16_mux.sh: BIRD 1.6 playing a PEERING mux towards our
# client, shared by the announcement tests. Sourced, not run.

# bird16_mux_conf ROUTER-ID LOCAL PEER LOGFILE: the config of bird (or
# bird6): one session "ours", iBGP AS 47065 with the client at PEER, `allow
# local as` (our paths may hold 47065), import all, export none, every
# route traced to LOGFILE.
bird16_mux_conf() {
	cat <<EOF
router id $1;
log "$4" all;
protocol device { scan time 10; }
protocol bgp ours {
	local $2 as 47065;
	neighbor $3 as 47065;
	direct;
	gateway direct;
	import all;
	export none;
	allow local as;
	debug { states, routes };
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 5;
}
EOF
}
