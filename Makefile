# peering-bgpd: the build. `make` builds ./peering-bgpd and ./peering;
# `make check` installs what is missing, builds and runs every test layer;
# `make demo` shows the real thing. Objects go to build/.

CC       ?= cc
CLANG    ?= clang
# CFLAGS is the user's (optimisation, sanitizers); the flags every build
# must have live in WFLAGS, so `make CFLAGS=...` cannot drop them.
CFLAGS   ?= -O2 -g
# CPPFLAGS and LDFLAGS are the user's too (a distribution's hardening:
# `make CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" ...`).
CPPFLAGS ?=
LDFLAGS  ?=
# `make install`: PREFIX, DESTDIR as usual.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
SBINDIR  := $(PREFIX)/sbin
MANDIR   := $(PREFIX)/share/man
COMPDIR  := $(PREFIX)/share/bash-completion/completions
WFLAGS   := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP
PKGS     := libcjson libnl-3.0 libnl-route-3.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev
# Only `peering` speaks HTTP (the REST API): the daemon does not link it.
CURL_CFLAGS := $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS  := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
# Only `peering` has a line editor (`peering bgp cli`): libedit.
EDIT_CFLAGS := $(shell pkg-config --cflags libedit 2>/dev/null)
EDIT_LIBS  := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# Only `peering` reads gzip (MRT files as collectors publish them).
ZLIB_LIBS  := $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)

B        := build
MAINS    := src/cli/peering_main.c src/daemon/bgpd_main.c
LIB_SRCS := $(filter-out $(MAINS),$(wildcard src/*/*.c))
TEST_SRCS := $(wildcard tests/unit/*.c)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_TIME ?= 20

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)

.PHONY: all deps check test unit asan fuzz fuzz-build fuzz-depth bench demo clean \
	install uninstall \
	test-cli test-tshark interop test-interop-ci test-badpeer test-e2e \
	test-daemon test-e2e-app test-e2e-muxtable test-experiment \
	test-e2e-experiment check-layers

all: peering-bgpd peering

deps:
	@bash scripts/install-deps

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) \
	    $(CURL_CFLAGS) $(EDIT_CFLAGS) -c $< -o $@

$(B)/libpeering.a: $(LIB_OBJS)
	@mkdir -p $(B)
	rm -f $@ && ar rcs $@ $^

peering: $(B)/src/cli/peering_main.o $(B)/libpeering.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CURL_LIBS) \
	    $(EDIT_LIBS) $(ZLIB_LIBS)

peering-bgpd: $(B)/src/daemon/bgpd_main.o $(B)/libpeering.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- install: the two programs, their manual pages, bash completion ----
# The installed peering finds the client directory through PEERING_DIR
# or the current directory (man peering, FILES).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(COMPDIR)
	install -m 755 peering $(DESTDIR)$(BINDIR)/peering
	install -m 755 peering-bgpd $(DESTDIR)$(SBINDIR)/peering-bgpd
	install -m 644 man/peering.1 $(DESTDIR)$(MANDIR)/man1/peering.1
	install -m 644 man/peering-bgpd.8 \
	    $(DESTDIR)$(MANDIR)/man8/peering-bgpd.8
	install -m 644 scripts/peering.bash-completion \
	    $(DESTDIR)$(COMPDIR)/peering

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/peering $(DESTDIR)$(SBINDIR)/peering-bgpd \
	    $(DESTDIR)$(MANDIR)/man1/peering.1 \
	    $(DESTDIR)$(MANDIR)/man8/peering-bgpd.8 \
	    $(DESTDIR)$(COMPDIR)/peering

# ---- unit tests: one runner, every suite; suites are found by name ----
# A test file registers a suite by defining `<name>_suite(void)` returning
# Suite * (on one line, or with the name starting its own line).
$(B)/tests/suites.inc: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	@sed -n 's/^\(Suite \*\)\{0,1\}\([a-z0-9_]*\)_suite(void)$$/SUITE(\2)/p' \
	    $(TEST_SRCS) > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(B)/tests/unit-tests: $(TEST_SRCS:%.c=$(B)/%.o) $(B)/libpeering.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CURL_LIBS) \
	    $(ZLIB_LIBS) $(CHECK_LIBS)

$(B)/tests/unit/runner.o: $(B)/tests/suites.inc
$(B)/tests/unit/runner.o: EXTRA_CFLAGS := -I$(B)/tests

unit: $(B)/tests/unit-tests
	$(B)/tests/unit-tests

# ---- the same unit tests under AddressSanitizer + UBSan (LeakSanitizer on) ----
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
asan:
	$(MAKE) --no-print-directory B=$(B)/asan CFLAGS="$(ASAN_FLAGS)" \
	    $(B)/asan/tests/unit-tests
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(B)/asan/tests/unit-tests

# ---- command-line and cross-checking tests ----
test-cli: all
	bash scripts/openvpn-configs --check
	bash tests/cli/run.sh
	bash tests/cli/mrt.sh
	bash tests/cli/prefix.sh
	bash tests/cli/openvpn.sh
	bash tests/cli/experiment.sh
	bash tests/cli/app.sh
	bash tests/cli/proxy.sh
	bash tests/cli/bgp.sh
	bash tests/cli/help.sh
	bash tests/cli/shell.sh
	bash tests/cli/install.sh
	bash tests/cli/doclinks.sh

test-tshark: all
	bash tests/tshark/run.sh

# The include graph of src/ against the layer order of docs/architecture.md
# (no include up or sideways, no cycle, every module in a layer), then the
# checker's own test on scratch trees and the files the page names.
check-layers:
	python3 scripts/check-layers
	bash tests/layers/run.sh

# ---- interop with real BGP daemons in network namespaces (root) ----
interop: all
	bash scripts/install-deps --interop
	bash tests/interop/run.sh

# BIRD 1.6 as the peer, and MRT against GoBGP and bgpdump (tests/interop/mrt.sh).
test-interop-ci: all
	bash tests/interop/run.sh --ci

# `peering experiment run` against two BIRD 1.6 neighbours on the test
# schedule: rounds, journal, kill -9 and resume, stop; then `peering
# announce FILE.json` all or nothing (root; about 50 s; also in
# test-interop-ci).
test-experiment: all
	bash tests/interop/run.sh experiment.sh

# Bad input from a peer, answered by the daemon (network namespaces: root).
test-badpeer: all $(B)/bench/bgpfeed
	bash tests/badpeer/run.sh

# The whole user flow against emulated PEERING muxes: OpenVPN servers and
# BIRD 1.6 in network namespaces, upstreams behind them (root); then an
# experiment's three rounds on the same bed (test-e2e-experiment).
test-e2e: all
	bash tests/e2e/run.sh
	$(MAKE) --no-print-directory test-e2e-experiment

# `peering experiment run` on the emulated muxes, test schedule: rounds at
# the muxes and upstreams, journal, kill -9 and resume, a full disk
# (root; about 70 s).
test-e2e-experiment: all
	timeout -k 15 180 bash tests/e2e/experiment.sh

# `peering app` on the same bed: each egress proven by the taps' counters,
# the bridge, nothing left after -d; `peering proxy`: a container at a mux
# fetches a page through it (root; about 40 s).
test-e2e-app: all
	timeout -k 15 180 bash tests/e2e/app.sh

# Per-mux tables (mux-table yes) on the same bed: ping -I tapN and app -u
# MUX by the mux's own routes (counters, route get), IPv6, the tap going
# and coming, nothing left after bgp stop (root; about 60 s).
test-e2e-muxtable: all
	timeout -k 15 240 bash tests/e2e/muxtable.sh

# The daemon's life: start, status, reload, stop; its files; the control
# socket when clients or the daemon misbehave; the control protocol v1 (JSON
# requests, codes, the read-only socket, events, 200 hostile clients for
# 15 s) (network namespaces: root).
test-daemon: all $(B)/tests/ctl_peer
	bash tests/daemon/run.sh
	bash tests/daemon/collision.sh
	bash tests/daemon/files.sh
	bash tests/daemon/control.sh
	bash tests/daemon/ctl.sh

# tests/daemon/control.sh's odd clients and stand-in daemon.
$(B)/tests/ctl_peer: tests/daemon/ctl_peer.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) -o $@ $<

# ---- fuzzing (clang libFuzzer) ----
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP \
	-fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined $(PKG_CFLAGS)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/fuzz/%.o)
FUZZERS := $(FUZZ_SRCS:fuzz/%.c=$(B)/fuzz/bin/%)

$(B)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(B)/fuzz/libpeering.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/fuzz/bin/%: $(B)/fuzz/fuzz/%.o $(B)/fuzz/libpeering.a
	@mkdir -p $(dir $@)
	$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS) \
	    $(ZLIB_LIBS)

# Kept between runs, so fuzz-build does not recompile everything each time.
.SECONDARY: $(FUZZ_LIB_OBJS) $(FUZZERS:$(B)/fuzz/bin/%=$(B)/fuzz/fuzz/%.o)

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	bash fuzz/run.sh $(FUZZ_TIME) $(FUZZERS)

# Long runs, not for CI: FUZZ_DEPTH_TIME seconds a target, FUZZ_JOBS at a
# time under nice 19, the grown corpora kept in FUZZ_OUT (fuzz/depth.sh).
FUZZ_DEPTH_TIME ?= 1800
FUZZ_JOBS ?= 2
FUZZ_OUT ?= $(B)/fuzz-depth
fuzz-depth: fuzz-build
	bash fuzz/depth.sh $(FUZZ_DEPTH_TIME) $(FUZZ_JOBS) $(FUZZ_OUT) $(FUZZERS)

# ---- benchmarks: numbers, not pass/fail ----
$(B)/bench/%: bench/%.c $(B)/libpeering.a
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) \
	    $(PKG_LIBS)

# The programs sharing the synthetic table (bench/table_gen.c).
$(B)/bench/bench_decode $(B)/bench/bgpfeed $(B)/bench/bench_muxtable \
    $(B)/bench/bench_routes: \
    $(B)/bench/%: bench/%.c \
    bench/table_gen.c $(B)/libpeering.a
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) \
	    $(PKG_LIBS)

# Seconds each: decoding, the prefix tree, attribute interning.
bench: $(B)/bench/bench_decode $(B)/bench/bench_ptree $(B)/bench/bench_rattrs
	$(B)/bench/bench_decode
	$(B)/bench/bench_ptree
	$(B)/bench/bench_rattrs

# RIB ingest, memory and table 20000 side by side with BIRD 1.6 and BIRD 2,
# over real sessions between namespaces (root; about 20 minutes).
.PHONY: bench-rib
bench-rib: all $(B)/bench/bgpfeed $(B)/bench/bench_kroute \
    $(B)/bench/loopprobe
	bash scripts/install-deps --interop
	bash bench/bench_rib.sh

# Dumping an S3-shaped RIB (2M paths) over the control socket: paths/s,
# RSS growth, the loop's longest stall, sessions kept (root; a few minutes).
.PHONY: bench-ctl
bench-ctl: all $(B)/bench/bgpfeed $(B)/bench/loopprobe $(B)/bench/bench_routes
	$(B)/bench/bench_routes
	bash bench/bench_ctl.sh

# An experiment's RIB snapshot of a 1M-prefix table: its time, its slices
# and the longest the loop did not serve meanwhile (root; about a minute).
.PHONY: bench-snapshot
bench-snapshot: all $(B)/bench/bgpfeed $(B)/bench/loopprobe
	bash bench/bench_snapshot.sh

$(B)/demo/%: demo/%.c $(B)/libpeering.a
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) \
	    $(PKG_LIBS)

# ---- the two promises of the README ----
check: deps
	$(MAKE) --no-print-directory check-layers
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory test-cli
	$(MAKE) --no-print-directory test-tshark
	$(MAKE) --no-print-directory test-interop-ci
	$(MAKE) --no-print-directory test-badpeer
	$(MAKE) --no-print-directory test-daemon
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory test-e2e-app
	$(MAKE) --no-print-directory test-e2e-muxtable
	$(MAKE) --no-print-directory fuzz FUZZ_TIME=$(FUZZ_TIME)
	@echo "make check: every test layer passed"

test: check

demo: deps
	$(MAKE) --no-print-directory all $(B)/demo/messages
	bash scripts/demo $(B)/demo/messages

clean:
	rm -rf $(B) peering peering-bgpd

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
