#!/bin/bash
# tests/tools/selftest.sh — end-to-end check of the 6in4 test tools, without
# sixxsd.  Needs root (network namespaces, tun, raw sockets).
#
# Part 1 (functional, PASS/FAIL): two namespaces sxu<pid>a / sxu<pid>b joined
#   by a veth pair (10.77.0.1/24 <-> 10.77.0.2/24) each run sx6in4 towards
#   the other; the tuns get 2001:db8:77::1/64 and ::2/64.  Checks ping -6
#   both ways (incl. a full-MTU packet), a 20 MB TCP transfer each way
#   (SHA-256 compared), that loadgen's inner UDP checksums are accepted by
#   the receiving kernel (v4 and v6 mode, counted by sink), and that
#   sx6in4 drops 6in4 from a foreign outer source.
# Part 2 (benchmark, numbers only; PASS/FAIL only on "packets flowed"): the
#   same pair as  A: loadgen+sink  <-veth->  B: reflector (+ forwarding):
#     baseline  loadgen -m v4 (A) -> sink -m v4 (B)           raw veth ceiling
#     decap     loadgen -m v4 (A) -> reflector -> tun -> B forwards -> sink -m v6 (A)
#     encap     loadgen -m v6 (A) -> B forwards -> tun -> reflector -> sink -m v4 (A)
#
# Environment: SXTOOLS_BIN (default build/tools; built with
#   make -f tests/tools/Makefile.inc tools unless SXTOOLS_NOBUILD=1),
#   BENCH_SECONDS (5), BENCH_SIZE (inner packet bytes, 100),
#   BENCH_TUNNELS (1000), SKIP_BENCH=1 to run part 1 only, VETH_GRO=on|off
#   to force GRO on the veths (default: the kernel's default, shown).
# All traffic stays inside the two namespaces made here; everything started
# is stopped by PID and the namespaces are deleted on exit, whatever happens.
set -u
cd "$(dirname "$0")/../.." || exit 1

BIN=${SXTOOLS_BIN:-build/tools}
BENCH_SECONDS=${BENCH_SECONDS:-5}
BENCH_SIZE=${BENCH_SIZE:-100}
BENCH_TUNNELS=${BENCH_TUNNELS:-1000}
A=sxu$$a
B=sxu$$b
VA=sxva$$
VB=sxvb$$
TA=sxta$$
TB=sxtb$$
TR=sxtr$$
A4=10.77.0.1
B4=10.77.0.2
FOREIGN4=10.77.0.3
A6=2001:db8:77::1
B6=2001:db8:77::2
PORT=9000
DIR=
PIDS=
NS_MADE=
NPASS=0
NFAIL=0

say() { echo "selftest: $*"; }
pass() { NPASS=$((NPASS + 1)); echo "PASS: $*"; }
fail() { NFAIL=$((NFAIL + 1)); echo "FAIL: $*"; }

# running PID: alive and not a zombie
running() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}
forget() { PIDS=$(echo " $PIDS " | sed "s/ $1 / /"); }
# wait_exit PID SECONDS: wait for a child of ours, SIGKILL it after SECONDS;
# returns its exit status.
wait_exit() {
	local pid=$1 n=$(($2 * 10)) rc
	while [ "$n" -gt 0 ] && running "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	running "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	forget "$pid"
	return $rc
}
stop_pid() {
	running "$1" && kill -TERM "$1" 2>/dev/null
	wait_exit "$1" 5
}
# shellcheck disable=SC2317  # invoked through trap
cleanup() {
	local p
	trap - EXIT INT TERM HUP
	for p in $PIDS; do stop_pid "$p"; done
	if [ -n "$NS_MADE" ]; then
		ip netns del "$A" 2>/dev/null
		ip netns del "$B" 2>/dev/null
	fi
	[ -n "$DIR" ] && rm -rf "$DIR"
}
trap cleanup EXIT
trap 'echo "selftest: interrupted"; exit 130' INT TERM HUP

# wait_line FILE REGEX SECONDS
wait_line() {
	local n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# bg NS OUTFILE CMD...: start CMD in namespace NS in the background; $BGPID
bg() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$@" >"$out" 2>&1 </dev/null &
	BGPID=$!
	PIDS="$PIDS $BGPID"
}

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: selftest needs root (netns, tun, raw sockets)"
	exit 1
fi
for t in ip python3 timeout sha256sum; do
	command -v "$t" >/dev/null || { echo "FAIL: $t not found"; exit 1; }
done
if [ "${SXTOOLS_NOBUILD:-0}" != 1 ]; then
	"${MAKE:-make}" --no-print-directory -f tests/tools/Makefile.inc SXTOOLS_OUT="$BIN" tools >/dev/null ||
		{ echo "FAIL: building the tools"; exit 1; }
fi
for t in sx6in4 loadgen sink reflector; do
	[ -x "$BIN/$t" ] || { echo "FAIL: $BIN/$t missing"; exit 1; }
done
DIR=$(mktemp -d /tmp/sxselftest.XXXXXX) || exit 1

# Python helpers (stdlib only) --------------------------------------------
# tx checksum offload off through SIOCETHTOOL when ethtool is not installed;
# prints the resulting tx-checksum and GRO state.
PY_ETHTOOL='
import ctypes, fcntl, socket, struct, sys
dev, want_off, gro_set = sys.argv[1], sys.argv[2] == "off", sys.argv[3]
def call(cmd, data=0):
    ev = ctypes.create_string_buffer(struct.pack("II", cmd, data), 8)
    ifr = struct.pack("16sP", dev.encode(), ctypes.addressof(ev)).ljust(40, b"\0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), 0x8946, ifr)          # SIOCETHTOOL
    return struct.unpack("II", ev.raw)[1]
if want_off:
    call(0x17, 0)                                     # ETHTOOL_STXCSUM
if gro_set in ("on", "off"):
    call(0x2c, int(gro_set == "on"))                  # ETHTOOL_SGRO
tx, gro = call(0x16), call(0x2b)                      # ETHTOOL_GTXCSUM, _GGRO
print("tx-checksumming: %s, generic-receive-offload: %s" % (("off", "on")[tx != 0], ("off", "on")[gro != 0]))
sys.exit(0 if not want_off or tx == 0 else 1)
'
# ICMPv6 echo, for machines without ping(8): DST COUNT PAYLOAD
PY_PING='
import os, socket, struct, sys, time
dst, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
ident, ok = os.getpid() & 0xffff, 0
for seq in range(n):
    t = time.time()
    s.sendto(struct.pack("!BBHHH", 128, 0, 0, ident, seq) + bytes(size), (dst, 0))
    while time.time() - t < 2:
        s.settimeout(max(0.01, 2 - (time.time() - t)))
        try:
            d, a = s.recvfrom(65536)
        except socket.timeout:
            break
        if d[0] == 129 and struct.unpack("!HH", d[4:8]) == (ident, seq):
            ok += 1
            print("%d bytes from %s: icmp_seq=%d time=%.2f ms" % (len(d), a[0], seq, (time.time() - t) * 1e3))
            break
    time.sleep(0.1)
print("%d packets transmitted, %d received" % (n, ok))
sys.exit(0 if ok == n else 1)
'
# Hand-made 6in4 to exercise sx6in4'"'"'s parser: OUTER_SRC OUTER_DST IN6_SRC IN6_DST PORT.
# Two good packets (IPv4 options, IHL 6; bytes after the IPv6 packet) that
# must reach a UDP socket on PORT, and three bad ones that must be dropped.
PY_HANDMADE='
import socket, struct, sys
src, dst, s6, d6, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def udp6(payload):
    a, b = socket.inet_pton(socket.AF_INET6, s6), socket.inet_pton(socket.AF_INET6, d6)
    n = 8 + len(payload)
    u = struct.pack("!HHHH", 40001, port, n, 0) + payload
    c = csum(a + b + struct.pack("!I3xB", n, 17) + u) or 0xffff
    return struct.pack("!IHBB", 0x60000000, n, 17, 64) + a + b + u[:6] + struct.pack("!H", c) + u[8:]
def v4(inner, opts=b""):
    ihl = 5 + len(opts) // 4
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(inner), 0x1234, 0x4000, 64, 41, 0,
                       socket.inet_aton(src), socket.inet_aton(dst)) + opts + inner
good = [v4(udp6(b"ip options"), b"\x01\x01\x01\x00"),    # NOP NOP NOP EOL
        v4(udp6(b"padded") + b"\xee" * 4)]
bad = [v4(bytes.fromhex("4500001c") + bytes(24)),             # inner is IPv4
       v4(bytes.fromhex("60000000") + bytes(16)),             # inner < 40 bytes
       v4(udp6(b"cut")[:50])]                                 # payload length > data
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for p in good + bad:
    s.sendto(p, (dst, 0))
print("sent %d good, %d bad" % (len(good), len(bad)))
'
PY_SERVER='
import hashlib, socket, sys
addr, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port)); ls.listen(1); ls.settimeout(30)
open(ready, "w").write("ready\n")
c, peer = ls.accept(); c.settimeout(30)
h, n = hashlib.sha256(), 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    h.update(d); n += len(d)
print(n, h.hexdigest())
'
PY_CLIENT='
import socket, sys, time
addr, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
s = socket.create_connection((addr, port), timeout=30)
t = time.time(); s.sendall(data); s.shutdown(socket.SHUT_WR)
s.recv(1)                       # server closes after reading everything
el = time.time() - t
print("%d bytes in %.2f s = %.0f Mbit/s" % (len(data), el, len(data) * 8 / el / 1e6))
'

offload() { # NS DEV: tx checksum offload off, show GRO state
	if command -v ethtool >/dev/null; then
		ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1 ||
			{ fail "ethtool -K $2 tx off"; return; }
		if [ -n "${VETH_GRO:-}" ]; then
			ip netns exec "$1" ethtool -K "$2" gro "$VETH_GRO" >/dev/null 2>&1 ||
				fail "ethtool -K $2 gro $VETH_GRO"
		fi
		say "$2: $(ip netns exec "$1" ethtool -k "$2" | grep -E '^(tx-checksumming|generic-receive-offload):' | tr '\n' ';' | sed 's/;$//; s/;/, /g') (ethtool)"
	else
		say "$2: $(ip netns exec "$1" python3 -c "$PY_ETHTOOL" "$2" off "${VETH_GRO:-}") (SIOCETHTOOL, no ethtool)" ||
			fail "tx checksum offload off on $2"
	fi
}
do_ping() { # NS DST COUNT PAYLOAD
	if command -v ping >/dev/null; then
		timeout 20 ip netns exec "$1" ping -6 -n -c "$3" -i 0.2 -W 2 -s "$4" -M "do" "$2"
	else
		timeout 20 ip netns exec "$1" python3 -c "$PY_PING" "$2" "$3" "$4"
	fi
}
# tcp_xfer SRVNS SRVADDR CLINS TAG: 20 MB from CLINS to SRVNS, SHA-256 compared
tcp_xfer() {
	local sp rc want got
	rm -f "$DIR/ready.$4"
	bg "$1" "$DIR/server.$4" timeout 60 python3 -c "$PY_SERVER" "$2" 5001 "$DIR/ready.$4"
	sp=$BGPID
	if ! wait_line "$DIR/ready.$4" ready 10; then
		fail "TCP $4: server did not start"; stop_pid "$sp"; return
	fi
	timeout 60 ip netns exec "$3" python3 -c "$PY_CLIENT" "$2" 5001 "$DIR/data" >"$DIR/client.$4" 2>&1
	rc=$?
	wait_exit "$sp" 30
	want="$(stat -c %s "$DIR/data") $(sha256sum "$DIR/data" | cut -d' ' -f1)"
	got=$(tail -n1 "$DIR/server.$4")
	if [ $rc = 0 ] && [ "$got" = "$want" ]; then
		pass "TCP $4: 20 MB, SHA-256 matches ($(cat "$DIR/client.$4"))"
	else
		fail "TCP $4: client rc $rc, server got '$got', want '$want'"
		sed 's/^/  | /' "$DIR/client.$4" "$DIR/server.$4"
	fi
}
# field FILE REGEX: first number following REGEX in FILE
field() { grep -oE "$2 [0-9]+" "$1" | head -n1 | grep -oE '[0-9]+$'; }

# Namespaces and the veth pair ----------------------------------------------
NS_MADE=1
if ! ip netns add "$A" || ! ip netns add "$B"; then echo "FAIL: ip netns add"; exit 1; fi
ip -n "$A" link add "$VA" type veth peer name "$VB" netns "$B" || { echo "FAIL: veth"; exit 1; }
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add "$A4/24" dev "$VA"
ip -n "$B" addr add "$B4/24" dev "$VB"
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
offload "$A" "$VA"
offload "$B" "$VB"
say "namespaces $A ($A4) <-> $B ($B4), kernel $(uname -r)"

# Part 1: sx6in4 <-> sx6in4 ---------------------------------------------------
bg "$A" "$DIR/sx.a" "$BIN/sx6in4" -i "$TA" -l "$A4" -r "$B4"
SXA=$BGPID
bg "$B" "$DIR/sx.b" "$BIN/sx6in4" -i "$TB" -l "$B4" -r "$A4"
SXB=$BGPID
if wait_line "$DIR/sx.a" ' up,' 5 && wait_line "$DIR/sx.b" ' up,' 5; then
	pass "sx6in4 started in both namespaces"
else
	fail "sx6in4 did not start"
	sed 's/^/  | /' "$DIR/sx.a" "$DIR/sx.b"
	echo "selftest: $NPASS passed, $NFAIL failed"
	echo FAIL
	exit 1
fi
ip -n "$A" -6 addr add "$A6/64" dev "$TA" nodad
ip -n "$B" -6 addr add "$B6/64" dev "$TB" nodad
say "$TA: $(ip -n "$A" -o link show "$TA" | grep -oE 'mtu [0-9]+|state [A-Z]+' | tr '\n' ' ')"

if do_ping "$A" "$B6" 5 56 >"$DIR/ping1" 2>&1; then
	pass "ping -6 $A6 -> $B6: $(grep -E 'packets transmitted' "$DIR/ping1")"
else
	fail "ping -6 $A6 -> $B6"; sed 's/^/  | /' "$DIR/ping1"
fi
# 1432 + 8 (ICMPv6) + 40 (IPv6) = 1480 = the tun MTU, DF-style (-M do)
if do_ping "$B" "$A6" 3 1432 >"$DIR/ping2" 2>&1; then
	pass "ping -6 $B6 -> $A6 with 1480-byte packets: $(grep -E 'packets transmitted' "$DIR/ping2")"
else
	fail "ping -6 $B6 -> $A6 full MTU"; sed 's/^/  | /' "$DIR/ping2"
fi

head -c 20971520 /dev/urandom >"$DIR/data"
tcp_xfer "$B" "$B6" "$A" "A->B"
tcp_xfer "$A" "$A6" "$B" "B->A"

# loadgen's UDP checksums, checked by the receiving kernel (bad ones would
# be dropped before the socket): v4 mode through sx6in4 B->A ...
bg "$A" "$DIR/sink.chk4" "$BIN/sink" -m v6 -p "$PORT" -t 4
SK=$BGPID
wait_line "$DIR/sink.chk4" ready 5
timeout 10 ip netns exec "$B" "$BIN/loadgen" -s "$B4" -d "$A4" -S 2001:db8:77:: -D "$A6" \
	-n 16 -z 200 -t 3 -c 2000 -r 50000 >"$DIR/lg.chk4" 2>&1
wait_exit "$SK" 10
got=$(field "$DIR/sink.chk4" received)
sent=$(field "$DIR/lg.chk4" sent)
if [ -n "$got" ] && [ "${sent:-0}" -gt 0 ] && [ "$got" = "$sent" ]; then
	pass "loadgen -m v4: $sent packets from 16 inner sources, all $got accepted by the kernel UDP stack"
else
	fail "loadgen -m v4 checksum check: sent '$sent' received '$got'"
	sed 's/^/  | /' "$DIR/lg.chk4" "$DIR/sink.chk4"
fi
# ... and v6 mode: A's kernel routes it into the tunnel, B's stack checks it.
bg "$B" "$DIR/sink.chk6" "$BIN/sink" -m v6 -p "$PORT" -t 4
SK=$BGPID
wait_line "$DIR/sink.chk6" ready 5
timeout 10 ip netns exec "$A" "$BIN/loadgen" -m v6 -S "$A6" -D 2001:db8:77:: \
	-n 1 -z 1280 -t 3 -c 500 -r 20000 >"$DIR/lg.chk6" 2>&1
wait_exit "$SK" 10
got=$(field "$DIR/sink.chk6" received)
sent=$(field "$DIR/lg.chk6" sent)
if [ -n "$got" ] && [ "${sent:-0}" -gt 0 ] && [ "$got" = "$sent" ]; then
	pass "loadgen -m v6: $sent packets to $B6 via the tunnel, all $got accepted"
else
	fail "loadgen -m v6 checksum check: sent '$sent' received '$got'"
	sed 's/^/  | /' "$DIR/lg.chk6" "$DIR/sink.chk6"
fi

# Hand-made packets: IPv4 options and trailing bytes accepted, garbage dropped.
bg "$A" "$DIR/sink.hand" "$BIN/sink" -m v6 -p "$PORT" -t 2
SK=$BGPID
wait_line "$DIR/sink.hand" ready 5
timeout 10 ip netns exec "$B" python3 -c "$PY_HANDMADE" "$B4" "$A4" "$B6" "$A6" "$PORT" >"$DIR/hand" 2>&1
wait_exit "$SK" 10
got=$(field "$DIR/sink.hand" received)
if [ "$got" = 2 ]; then
	pass "hand-made 6in4 with IPv4 options / trailing bytes delivered ($(cat "$DIR/hand"))"
else
	fail "hand-made 6in4: sink got '$got', want 2"; sed 's/^/  | /' "$DIR/hand" "$DIR/sink.hand"
fi

# 6in4 from an outer source other than -r must be dropped ("foreign").
ip -n "$B" addr add "$FOREIGN4/24" dev "$VB"
timeout 10 ip netns exec "$B" "$BIN/loadgen" -s "$FOREIGN4" -d "$A4" -S 2001:db8:77:: -D "$A6" \
	-n 4 -z 100 -t 3 -c 300 -r 50000 >"$DIR/lg.foreign" 2>&1
sleep 0.3

stop_pid "$SXA"; rca=$?
stop_pid "$SXB"; rcb=$?
STA=$(grep '^sx6in4 ' "$DIR/sx.a")
STB=$(grep '^sx6in4 ' "$DIR/sx.b")
say "A: $STA"
say "B: $STB"
if [ $rca = 0 ] && [ $rcb = 0 ] && [ -n "$STA" ] && [ -n "$STB" ]; then
	pass "sx6in4 exited cleanly on SIGTERM with a stats line"
else
	fail "sx6in4 exit: rc $rca/$rcb"
fi
foreign=$(echo "$STA" | grep -oE 'foreign [0-9]+' | grep -oE '[0-9]+')
fsent=$(field "$DIR/lg.foreign" sent)
if [ -n "$foreign" ] && [ "${fsent:-0}" -gt 0 ] && [ "$foreign" = "$fsent" ]; then
	pass "sx6in4 dropped all $foreign packets from foreign source $FOREIGN4"
else
	fail "foreign source: sent '$fsent', sx6in4 counted foreign '$foreign'"
fi
netbad=$(echo "$STA" | grep -oE 'net-bad [0-9]+' | grep -oE '[0-9]+')
if [ "$netbad" = 3 ]; then
	pass "sx6in4 dropped the 3 malformed hand-made packets (net-bad 3)"
else
	fail "sx6in4 net-bad '$netbad', want 3"
fi
ip -n "$B" addr del "$FOREIGN4/24" dev "$VB"

# Part 2: benchmark -------------------------------------------------------------
if [ "${SKIP_BENCH:-0}" = 1 ]; then
	say "benchmark skipped (SKIP_BENCH=1)"
else
	T=$BENCH_SECONDS
	W=$((T + 4))           # sink/reflector window: covers start-up and drain
	ip -n "$A" -6 addr add 2001:db8:ff::1/64 dev "$VA" nodad
	ip -n "$B" -6 addr add 2001:db8:ff::2/64 dev "$VB" nodad
	ip -n "$A" -6 route add 2001:db8:77::/48 via 2001:db8:ff::2
	ip netns exec "$B" sysctl -qw net.ipv6.conf.all.forwarding=1
	# Neighbour entries in place before measuring.
	do_ping "$A" 2001:db8:ff::2 1 8 >/dev/null 2>&1
	do_ping "$B" 2001:db8:ff::1 1 8 >/dev/null 2>&1
	ip netns exec "$A" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.77.0.2", 9))' 2>/dev/null
	ip netns exec "$B" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.77.0.1", 9))' 2>/dev/null
	say "benchmark: $T s per run, $BENCH_SIZE-byte inner packets, $BENCH_TUNNELS tunnels, $(nproc) CPUs"

	# bench NAME SINKNS SINKMODE [REFLECTOR(yes|no)] -- LOADGEN-ARGS
	bench() {
		local name=$1 sns=$2 smode=$3 refl=$4 sk rp=
		shift 5
		if [ "$smode" = v6 ]; then
			bg "$sns" "$DIR/sink.$name" "$BIN/sink" -m v6 -p "$PORT" -t "$W"
		else
			bg "$sns" "$DIR/sink.$name" "$BIN/sink" -m v4 -t "$W"
		fi
		sk=$BGPID
		wait_line "$DIR/sink.$name" ready 5
		if [ "$refl" = yes ]; then
			bg "$B" "$DIR/refl.$name" "$BIN/reflector" -i "$TR" -l "$B4" -r "$A4" -t "$W"
			rp=$BGPID
			if ! wait_line "$DIR/refl.$name" ready 5; then
				fail "$name: reflector did not start"; sed 's/^/  | /' "$DIR/refl.$name"
			fi
			ip -n "$B" -6 addr add 2001:db8:77::1/48 dev "$TR" nodad
		fi
		sleep 0.5
		timeout $((T + 10)) ip netns exec "$A" "$BIN/loadgen" "$@" -t "$T" >"$DIR/lg.$name" 2>&1
		wait_exit "$sk" $((W + 5))
		[ -n "$rp" ] && wait_exit "$rp" $((W + 5))
		local sent got
		sent=$(field "$DIR/lg.$name" sent)
		got=$(field "$DIR/sink.$name" received)
		say "--- $name"
		grep -h '^loadgen:' "$DIR/lg.$name" | sed 's/^/  /'
		[ -n "$rp" ] && grep -h 'total' "$DIR/refl.$name" | sed 's/^/  /'
		grep -h '^sink:' "$DIR/sink.$name" | grep -v ready | sed 's/^/  /'
		if [ "${sent:-0}" -gt 0 ] && [ "${got:-0}" -gt 0 ]; then
			pass "bench $name: packets flowed (sent $sent, received $got)"
		else
			fail "bench $name: sent '$sent' received '$got'"
			sed 's/^/  | /' "$DIR/lg.$name" "$DIR/sink.$name"
			[ -n "$rp" ] && sed 's/^/  | /' "$DIR/refl.$name"
		fi
	}
	bench baseline "$B" v4 no -- -s "$A4" -d "$B4" -S 2001:db8:77:: -D 2001:db8:ff::1 \
		-n "$BENCH_TUNNELS" -z "$BENCH_SIZE" -p "$PORT"
	bench decap "$A" v6 yes -- -s "$A4" -d "$B4" -S 2001:db8:77:: -D 2001:db8:ff::1 \
		-n "$BENCH_TUNNELS" -z "$BENCH_SIZE" -p "$PORT"
	bench encap "$A" v4 yes -- -m v6 -S 2001:db8:ff::1 -D 2001:db8:77:: \
		-n "$BENCH_TUNNELS" -z "$BENCH_SIZE" -p "$PORT"
	for n in decap encap; do
		say "reflector per second ($n):"
		grep -E '^reflector: +[0-9]+ ' "$DIR/refl.$n" | sed 's/^reflector:/ /'
	done
fi

echo "selftest: $NPASS passed, $NFAIL failed"
if [ "$NFAIL" = 0 ]; then echo PASS; exit 0; fi
echo FAIL
exit 1
