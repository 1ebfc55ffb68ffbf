#!/bin/bash
# tests/tools/ayiya_selftest.sh — check the AYIYA / heartbeat test clients
# (sxayiya, sxhb, ayiyagen) without sixxsd.  Needs root (netns, tun).
#
#  1. `sxayiya --selftest` and `sxhb --selftest` (spec §8.9 / §7.3 vectors).
#  2. `sxhb -B` output (plain, -U, -g, -o, -S) checked by Python hashlib.
#  3. Two namespaces sxy<pid>a (10.78.0.1/24) and sxy<pid>b (10.78.0.2/24)
#     joined by a veth.  A Python "PoP" in B, written from the spec formulas
#     (hashlib MD5 / SHA-1), listens on UDP 3740 and 5072 and checks:
#       - sxhb heartbeats from A (digest, epoch, sender, fresh source port,
#         -o offset, -S literal sender, -U upper case = bad digest);
#       - sxayiya keepalives from A (44 bytes, 41 52 10 3b, identity,
#         epoch, signature);
#       - the sxayiya receive path: it answers the first keepalive with 5
#         valid and 11 invalid AYIYA datagrams (one or two per AICCU check);
#         the valid ICMPv6 echo requests must come back as echo replies,
#         AYIYA-forwarded and signed by sxayiya, and none of the invalid ones.
#     Then sxayiya's stats line (SIGTERM) must show exactly those counts and
#     its -x dump must equal the valid datagrams.
#  4. ayiyagen from A: every datagram verified in Python (signature with
#     the per-tunnel password, identity, inner IPv6/UDP and its checksum),
#     then `ayiyagen -R` in B counts and verifies a 5000-packet run.
#
# Environment: AYT_BIN (default build/tools; built with
#   make -f tests/tools/ayiya.mk ayiya-tools unless AYT_NOBUILD=1).
# All traffic stays inside the two namespaces made here; everything started
# is stopped by PID and the namespaces are deleted on exit, whatever happens.
set -u
cd "$(dirname "$0")/../.." || exit 1

BIN=${AYT_BIN:-build/tools}
A=sxy$$a
B=sxy$$b
VA=sxyva$$
VB=sxyvb$$
TUN=sxyt$$
A4=10.78.0.1
B4=10.78.0.2
CLI=2001:db8:1234:2a::2
PW='sel ftest-pw%42'
DIR=
PIDS=
NS_MADE=
NPASS=0
NFAIL=0

say() { echo "ayiya_selftest: $*"; }
pass() { NPASS=$((NPASS + 1)); echo "PASS: $*"; }
fail() { NFAIL=$((NFAIL + 1)); echo "FAIL: $*"; }

running() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}
forget() { PIDS=$(echo " $PIDS " | sed "s/ $1 / /"); }
# wait_exit PID SECONDS: wait for our child, SIGKILL after SECONDS; its status
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
trap 'echo "ayiya_selftest: interrupted"; exit 130' INT TERM HUP

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
# bg NS OUTFILE CMD...: CMD in namespace NS in the background; $BGPID
bg() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$@" >"$out" 2>&1 </dev/null &
	BGPID=$!
	PIDS="$PIDS $BGPID"
}
# relay FILE: turn the Python checkers' "CHECK ok|fail text" lines into PASS/FAIL
relay() {
	local st text
	while read -r _ st text; do
		if [ "$st" = ok ]; then pass "$text"; else fail "$text"; fi
	done < <(grep -E '^CHECK (ok|fail) ' "$1")
}
finish() {
	say "$NPASS passed, $NFAIL failed"
	if [ "$NFAIL" = 0 ] && [ "$NPASS" -gt 0 ]; then echo PASS; exit 0; fi
	echo FAIL
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: ayiya_selftest needs root (netns, tun)"
	exit 1
fi
for t in ip python3 timeout; do
	command -v "$t" >/dev/null || { echo "FAIL: $t not found"; exit 1; }
done
if [ "${AYT_NOBUILD:-0}" != 1 ]; then
	"${MAKE:-make}" --no-print-directory -f tests/tools/ayiya.mk AYT_OUT="$BIN" ayiya-tools >/dev/null ||
		{ echo "FAIL: building the tools"; exit 1; }
fi
for t in sxayiya sxhb ayiyagen; do
	[ -x "$BIN/$t" ] || { echo "FAIL: $BIN/$t missing"; exit 1; }
done
DIR=$(mktemp -d /tmp/sxayiyatest.XXXXXX) || exit 1

# 1. vectors ------------------------------------------------------------------
for t in sxayiya sxhb; do
	if timeout 10 "$BIN/$t" --selftest >"$DIR/st.$t" 2>&1; then
		pass "$t --selftest ($(grep -c ': ok' "$DIR/st.$t") checks)"
	else
		fail "$t --selftest"; sed 's/^/  | /' "$DIR/st.$t"
	fi
done

# Python helpers (stdlib only) ------------------------------------------------
# Heartbeat checker used for -B output: PW MODE(plain|upper|garbage:<hex>|offset:<n>|sender:<s>) < datagram
cat >"$DIR/hbcheck.py" <<'EOF'
import hashlib, sys, time
pw, mode = sys.argv[1], sys.argv[2]
d = sys.stdin.buffer.read()
tail = b""
if mode.startswith("garbage:"):
    tail = bytes.fromhex(mode[8:])
    ok = d.endswith(tail)
    d = d[:len(d) - len(tail)] if ok else d
f = d.decode("ascii").split(" ")
assert len(f) == 6 and f[0] == "HEARTBEAT" and f[1] == "TUNNEL", "grammar"
ident, sender, epoch, dig = f[2:]
assert epoch == str(int(epoch)) and int(epoch) >= 0, "canonical epoch"
m = "HEARTBEAT TUNNEL %s %s %s %s" % (ident, sender, epoch, pw)
want = hashlib.md5(m.encode()).hexdigest()
off = int(mode[7:]) if mode.startswith("offset:") else 0
assert abs(int(epoch) - int(time.time()) - off) <= 2, "epoch %s" % epoch
assert sender == (mode[7:] if mode.startswith("sender:") else "sender"), "sender"
if mode == "upper":
    assert dig == want.upper() and dig != want, "upper-case digest"
else:
    assert dig == want, "digest %s != %s" % (dig, want)
print("ok", len(d) + len(tail), "bytes")
EOF

# The "PoP" in B: ADDR PASSWORD CLIENT_IDENTITY OUTDIR SECONDS
cat >"$DIR/pop.py" <<'EOF'
import hashlib, os, select, socket, struct, sys, time
addr, pw, cli, outdir, secs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
K = hashlib.sha1(pw.encode()).digest()
CLI = socket.inet_pton(socket.AF_INET6, cli)
POP = CLI[:8] + bytes(7) + b"\x01"                # P:<tid>::1
OTHER = CLI[:6] + bytes([CLI[6], CLI[7] ^ 1]) + POP[8:]   # another tunnel's ::1

def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def echo_req(seq):
    body = struct.pack("!BBHHH", 128, 0, 0, 0x4242, seq) + b"sxayiya selftest" * 2
    c = csum(POP + CLI + struct.pack("!I3xB", len(body), 58) + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    return struct.pack("!IHBB", 0x60000000, len(body), 58, 64) + POP + CLI + body

def ayiya(op, nh, payload, ident=POP, dt=0, key=K, b0=0x41):
    # spec 8.2-8.4: header, K in the signature slot, SHA-1 over everything
    hdr = bytes([b0, 0x52, 0x10 | op, nh]) + struct.pack("!I", (int(time.time()) + dt) & 0xffffffff) + ident
    return hdr + hashlib.sha1(hdr + key + payload).digest() + payload

def verify(d):
    return hashlib.sha1(d[:24] + K + d[44:]).digest() == d[24:44]

hb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); hb.bind((addr, 3740))
ay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ay.bind((addr, 5072))
print("ready", flush=True)

checks = []
def check(ok, text):
    checks.append(ok)
    print("CHECK %s %s" % ("ok" if ok else "fail", text), flush=True)

hbs = {"normal": 0, "offset": 0, "literal": 0, "upper": 0, "bad": 0}
hb_ports = set()
ka = ka_bad = fwd = fwd_bad = 0
replies = set()
sent_tests = False
t_end = time.time() + secs
done_at = None
while time.time() < t_end:
    if done_at is None and sent_tests and 6 <= sum(hbs.values()) and ka >= 2 and {1, 2, 3} <= replies:
        done_at = time.time() + 1.0                     # grace for stray replies
    if done_at is not None and time.time() >= done_at:
        break
    r, _, _ = select.select([hb, ay], [], [], 0.1)
    if hb in r:
        d, src = hb.recvfrom(4096)
        try:
            f = d.decode("ascii").split(" ")
            ident, sender, epoch, dig = f[2:6]
            assert len(f) == 6 and f[:2] == ["HEARTBEAT", "TUNNEL"] and ident == cli
            assert epoch == str(int(epoch))
            want = hashlib.md5(("HEARTBEAT TUNNEL %s %s %s %s" % (ident, sender, epoch, pw)).encode()).hexdigest()
            delta = int(epoch) - int(time.time())
            if dig == want and sender == "sender" and abs(delta) <= 2:
                kind = "normal"
                hb_ports.add(src[1])
            elif dig == want and sender == "sender" and abs(delta - 1000) <= 2:
                kind = "offset"
            elif dig == want and sender == src[0] and abs(delta) <= 2:
                kind = "literal"
            elif dig == want.upper() and dig != want:
                kind = "upper"
            else:
                kind = "bad"
        except Exception:
            kind = "bad"
        hbs[kind] += 1
        print("hb %s from %s:%d %r" % (kind, src[0], src[1], d), flush=True)
    if ay in r:
        d, src = ay.recvfrom(65536)
        ok = (len(d) >= 44 and d[0] == 0x41 and d[1] == 0x52 and d[2] >> 4 == 1 and d[8:24] == CLI
              and verify(d) and abs(struct.unpack("!I", d[4:8])[0] - int(time.time())) <= 2)
        op, nh = (d[2] & 15, d[3]) if len(d) >= 4 else (-1, -1)
        if ok and op == 0 and nh == 59 and len(d) == 44:
            ka += 1
            print("ka ok from %s:%d" % src, flush=True)
            if not sent_tests:
                sent_tests = True
                inv = []                            # one line per AICCU check
                inv.append(ayiya(1, 41, echo_req(90))[:30])                 # short
                inv.append(ayiya(1, 41, echo_req(91), b0=0x42))            # hdr
                inv.append(ayiya(1, 4, bytes.fromhex("45000014") + bytes(16)))  # nexthdr
                inv.append(ayiya(0, 59, b""))                              # opcode 0
                inv.append(ayiya(4, 41, echo_req(92)))                     # opcode 4
                inv.append(ayiya(1, 41, echo_req(93), ident=OTHER))        # ident
                inv.append(ayiya(1, 41, echo_req(94), ident=CLI))          # ident
                inv.append(ayiya(1, 41, echo_req(95), dt=-200))            # clock
                inv.append(ayiya(1, 41, echo_req(96), dt=200))             # clock
                inv.append(ayiya(1, 41, echo_req(97), key=hashlib.sha1(b"wrong").digest()))  # sig
                t = bytearray(ayiya(1, 41, echo_req(98))); t[-1] ^= 1
                inv.append(bytes(t))                                       # sig
                val = [ayiya(1, 41, echo_req(1)),                          # -> tun
                       ayiya(1, 59, b""),                                  # nh59
                       ayiya(2, 41, echo_req(2)),                          # -> tun
                       ayiya(1, 41, echo_req(3), dt=-100),                 # -> tun
                       ayiya(1, 41, bytes.fromhex("45000014") + bytes(16))]  # non-IPv6
                for p in inv + val:
                    ay.sendto(p, src)
                with open(os.path.join(outdir, "valid.hex"), "w") as fh:
                    fh.write("".join(p.hex() + "\n" for p in val))
                print("sent %d invalid and %d valid datagrams to %s:%d" % (len(inv), len(val), src[0], src[1]), flush=True)
        elif ok and op == 1 and nh == 41:
            fwd += 1
            inner = d[44:]
            if len(inner) >= 48 and inner[0] >> 4 == 6 and inner[6] == 58 and inner[40] == 129 \
                    and inner[8:24] == CLI and inner[24:40] == POP:
                ident_, seq = struct.unpack("!HH", inner[44:48])
                if ident_ == 0x4242:
                    replies.add(seq)
                    print("fwd echo reply seq %d" % seq, flush=True)
        else:
            (ka_bad, fwd_bad) = (ka_bad + 1, fwd_bad) if op == 0 else (ka_bad, fwd_bad + 1)
            print("bad ayiya from %s:%d %s" % (src[0], src[1], d.hex()), flush=True)

check(hbs["normal"] == 3 and len(hb_ports) >= 2,
      "sxhb: 3 heartbeats verified (MD5, epoch, sender), from %d source ports (fresh socket each)" % len(hb_ports))
check(hbs["offset"] == 1, "sxhb -o 1000: digest ok, epoch 1000 s ahead")
check(hbs["literal"] == 1, "sxhb -S <source literal> -L: digest ok, sender = UDP source")
check(hbs["upper"] == 1, "sxhb -U: upper-case digest")
check(hbs["bad"] == 0, "no malformed heartbeat (%d)" % hbs["bad"])
check(ka >= 2 and ka_bad == 0, "sxayiya: %d keepalives verified (44 bytes, 41 52 10 3b, identity, epoch, SHA-1), %d bad" % (ka, ka_bad))
check(fwd_bad == 0, "sxayiya: forwards all signed correctly (%d ok, %d bad)" % (fwd, fwd_bad))
check({1, 2, 3} <= replies, "sxayiya: echo requests in valid AYIYA came back as signed AYIYA echo replies %s" % sorted(replies))
check(not [s for s in replies if s >= 90], "sxayiya: no reply to any invalid datagram %s" % sorted(s for s in replies if s >= 90))
sys.exit(0 if all(checks) else 1)
EOF

# ayiyagen verifier: ADDR PATTERN_PREFIX NTUN SIZE DST COUNT SECONDS
cat >"$DIR/gencheck.py" <<'EOF'
import hashlib, socket, struct, sys, time
addr, pfx, ntun, size, dst, count, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), float(sys.argv[7])
DST = socket.inet_pton(socket.AF_INET6, dst)
BASE = socket.inet_pton(socket.AF_INET6, "2001:db8:1234::")
keys = [hashlib.sha1(("%s%x" % (pfx, t)).encode()).digest() for t in range(ntun)]
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)      # SO_RCVBUFFORCE
s.bind((addr, 5072)); s.settimeout(0.2)
print("ready", flush=True)
n = bad = 0; tids = {}; why = {}
t_end = time.time() + secs
while n < count and time.time() < t_end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    n += 1
    tid = struct.unpack("!H", d[14:16])[0] if len(d) >= 16 else -1
    ip6 = d[44:]; udp = ip6[40:]
    err = None
    if len(d) != 44 + size: err = "length"
    elif d[:4] != bytes([0x41, 0x52, 0x11, 41]): err = "header"
    elif tid >= ntun or d[8:24] != BASE[:6] + struct.pack("!H", tid) + bytes(7) + b"\x02": err = "identity"
    elif hashlib.sha1(d[:24] + keys[tid] + d[44:]).digest() != d[24:44]: err = "signature"
    elif abs(struct.unpack("!I", d[4:8])[0] - int(time.time())) > 2: err = "epoch"
    elif ip6[0] >> 4 != 6 or struct.unpack("!H", ip6[4:6])[0] != size - 40 or ip6[6] != 17: err = "ipv6 header"
    elif ip6[8:24] != d[8:24] or ip6[24:40] != DST: err = "ipv6 addresses"
    elif struct.unpack("!HH", udp[2:6]) != (9, size - 40): err = "udp port/length"
    elif csum(ip6[8:40] + struct.pack("!I3xB", size - 40, 17) + udp) != 0: err = "udp checksum"
    if err:
        bad += 1; why[err] = why.get(err, 0) + 1
    tids[tid] = tids.get(tid, 0) + 1
ok = n == count and bad == 0 and sorted(tids) == list(range(ntun))
print("CHECK %s ayiyagen: %d/%d datagrams verified in Python (signature per tunnel, identity, inner IPv6/UDP checksum), %d bad %s, tunnels %d/%d, per tunnel %d..%d"
      % ("ok" if ok else "fail", n - bad, count, bad, why or "", len(tids), ntun, min(tids.values() or [0]), max(tids.values() or [0])), flush=True)
EOF

# 2. sxhb -B (no network) -------------------------------------------------------
hbB() { # NAME MODE SXHB-ARGS...
	local name=$1 mode=$2 out
	shift 2
	if out=$(timeout 10 "$BIN/sxhb" -B -I "$CLI" -P "$PW" "$@" | python3 "$DIR/hbcheck.py" "$PW" "$mode" 2>&1); then
		pass "sxhb -B $name: $out"
	else
		fail "sxhb -B $name: $out"
	fi
}
hbB plain plain
hbB "-U" upper -U
hbB "-g" "garbage:$(printf 'x y\r\n' | od -An -tx1 | tr -d ' \n')" -g $'x y\r\n'
hbB "-o -5000" offset:-5000 -o -5000
hbB "-S 192.0.2.7" sender:192.0.2.7 -S 192.0.2.7

# 3. namespaces -----------------------------------------------------------------
NS_MADE=1
if ! ip netns add "$A" || ! ip netns add "$B"; then fail "ip netns add"; finish; fi
ip -n "$A" link add "$VA" type veth peer name "$VB" netns "$B" || { fail "veth"; finish; }
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add "$A4/24" dev "$VA"
ip -n "$B" addr add "$B4/24" dev "$VB"
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
ip netns exec "$A" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
say "namespaces $A ($A4) <-> $B ($B4), kernel $(uname -r)"

# sxayiya first, so its tun has its address before the "PoP" answers.
bg "$A" "$DIR/sxayiya.log" "$BIN/sxayiya" -i "$TUN" -s "$B4" -I "$CLI" -P "$PW" -k 1 -x "$DIR/rx.hex" \
	-L "$A4" -p 40572
SXA=$BGPID
n=50
while [ $n -gt 0 ] && ! ip -n "$A" link show "$TUN" >/dev/null 2>&1; do sleep 0.1; n=$((n - 1)); done
if ! ip -n "$A" -6 addr add "$CLI/64" dev "$TUN" nodad; then
	fail "sxayiya did not create $TUN"; sed 's/^/  | /' "$DIR/sxayiya.log"; finish
fi
link=$(ip -n "$A" -o link show "$TUN")
if echo "$link" | grep -q 'mtu 1428' && echo "$link" | grep -qE '<[^>]*UP'; then
	pass "sxayiya: $TUN up, mtu 1428"
else
	fail "sxayiya: $TUN: $link"
fi

bg "$B" "$DIR/pop.log" timeout 30 python3 "$DIR/pop.py" "$B4" "$PW" "$CLI" "$DIR" 20
POPPID=$BGPID
if ! wait_line "$DIR/pop.log" '^ready' 10; then fail "Python PoP did not start"; sed 's/^/  | /' "$DIR/pop.log"; finish; fi
bg "$A" "$DIR/hb1.log" timeout 20 "$BIN/sxhb" -s "$B4" -I "$CLI" -P "$PW" -i 1 -n 3
H1=$BGPID
bg "$A" "$DIR/hb2.log" timeout 20 "$BIN/sxhb" -s "$B4" -I "$CLI" -P "$PW" -n 1 -o 1000
H2=$BGPID
bg "$A" "$DIR/hb3.log" timeout 20 "$BIN/sxhb" -s "$B4" -I "$CLI" -P "$PW" -n 1 -S "$A4" -L "$A4"
H3=$BGPID
bg "$A" "$DIR/hb4.log" timeout 20 "$BIN/sxhb" -s "$B4" -I "$CLI" -P "$PW" -n 1 -U
H4=$BGPID
for p in $H1 $H2 $H3 $H4; do
	wait_exit "$p" 25 || fail "sxhb (pid $p) exited non-zero"
done
if grep -q 'sent 3 heartbeats, 0 send errors' "$DIR/hb1.log"; then
	pass "sxhb -i 1 -n 3: $(tail -n1 "$DIR/hb1.log")"
else
	fail "sxhb -n 3"; sed 's/^/  | /' "$DIR/hb1.log"
fi
wait_exit "$POPPID" 30
say "Python PoP exited with status $?"
relay "$DIR/pop.log"

if grep -q '^ka ok' "$DIR/pop.log" && ! grep '^ka ok' "$DIR/pop.log" | grep -qv "from $A4:40572\$"; then
	pass "sxayiya -L $A4 -p 40572: keepalives come from $A4:40572"
else
	fail "sxayiya -L/-p: $(grep '^ka ok' "$DIR/pop.log" | head -n1)"
fi
stop_pid "$SXA"
rc=$?
if [ $rc = 0 ]; then pass "sxayiya ended cleanly on SIGTERM"; else fail "sxayiya exit status $rc after SIGTERM"; fi
STATS=$(grep -E '^sxayiya: sent ' "$DIR/sxayiya.log")
say "sxayiya stats: $STATS"
if echo "$STATS" | grep -qF 'received 5 valid' &&
	echo "$STATS" | grep -qF '(to tun 3, nh59 1, non-IPv6 1, tun write errors 0)' &&
	echo "$STATS" | grep -qF 'invalid 11 (short 1, hdr 1, nexthdr 1, opcode 2, ident 2, clock 2, sig 2)'; then
	pass "sxayiya stats: 5 valid (3 to tun, 1 nh59, 1 non-IPv6), 11 invalid counted by reason"
else
	fail "sxayiya stats do not match what the Python PoP sent"; sed 's/^/  | /' "$DIR/sxayiya.log" "$DIR/pop.log"
fi
if [ -s "$DIR/valid.hex" ] && [ -s "$DIR/rx.hex" ] && [ "$(sort "$DIR/valid.hex")" = "$(sort "$DIR/rx.hex")" ]; then
	pass "sxayiya -x: dump equals the $(wc -l <"$DIR/valid.hex") valid datagrams sent"
else
	fail "sxayiya -x dump differs from the valid datagrams"
fi

# 4. ayiyagen -------------------------------------------------------------------
bg "$B" "$DIR/gen.log" timeout 20 python3 "$DIR/gencheck.py" "$B4" pw 8 120 2001:db8:ffff::9 2000 15
GP=$BGPID
if wait_line "$DIR/gen.log" '^ready' 10; then
	timeout 20 ip netns exec "$A" "$BIN/ayiyagen" -s "$B4" -b "$A4" -S 2001:db8:1234:: \
		-D 2001:db8:ffff::9 -n 8 -P 'pw%x' -z 120 -t 5 -c 2000 >"$DIR/gen.send" 2>&1
	if grep -qE '^ayiyagen: sent 2000 packets in .* pps$' "$DIR/gen.send"; then
		pass "ayiyagen -c 2000: $(grep '^ayiyagen: sent' "$DIR/gen.send")"
	else
		fail "ayiyagen send"; sed 's/^/  | /' "$DIR/gen.send"
	fi
	wait_exit "$GP" 20
	relay "$DIR/gen.log"
	grep -q '^CHECK' "$DIR/gen.log" || { fail "ayiyagen Python check gave no result"; sed 's/^/  | /' "$DIR/gen.log"; }
else
	fail "Python ayiyagen checker did not start"
fi

bg "$B" "$DIR/genR.log" "$BIN/ayiyagen" -R -b "$B4" -p 5072 -t 4 -P 'pw%x'
RP=$BGPID
if wait_line "$DIR/genR.log" 'receiving on' 5; then
	timeout 20 ip netns exec "$A" "$BIN/ayiyagen" -s "$B4" -b "$A4" -S 2001:db8:1234:: \
		-D 2001:db8:ffff::9 -n 1000 -P 'pw%x' -z 100 -t 5 -c 5000 >"$DIR/genS.log" 2>&1
	wait_exit "$RP" 10
	if grep -qE '^ayiyagen: received 5000 packets \([0-9]+ bytes, 0 non-AYIYA, 0 bad signature\) in .* pps$' "$DIR/genR.log"; then
		pass "ayiyagen -R: $(grep '^ayiyagen: received' "$DIR/genR.log")"
	else
		fail "ayiyagen -R"; sed 's/^/  | /' "$DIR/genS.log" "$DIR/genR.log"
	fi
else
	fail "ayiyagen -R did not start"; sed 's/^/  | /' "$DIR/genR.log"
fi
# Rate, for information only (1 s, 1000 tunnels, 100-byte inner packets)
bg "$B" "$DIR/rateR.log" "$BIN/ayiyagen" -R -b "$B4" -p 5072 -t 3
RP=$BGPID
if wait_line "$DIR/rateR.log" 'receiving on' 5; then
	timeout 10 ip netns exec "$A" "$BIN/ayiyagen" -s "$B4" -b "$A4" -S 2001:db8:1234:: \
		-D 2001:db8:ffff::9 -n 1000 -P 'pw%x' -z 100 -t 1 >"$DIR/rateS.log" 2>&1
	wait_exit "$RP" 10
	say "info: $(grep '^ayiyagen: sent' "$DIR/rateS.log")"
	say "info: $(grep '^ayiyagen: received' "$DIR/rateR.log")"
fi

finish
