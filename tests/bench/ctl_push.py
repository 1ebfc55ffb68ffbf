#!/usr/bin/env python3
"""Control-port push benchmark: what the backend does every 10 minutes.

One session, every line pipelined: 65,536 tunnels (over 3 tunnel prefixes),
16 subnet /40s and 4,096 subnets. Reports wall time to the last reply, lines
per second and the daemon's RSS afterwards. Run inside the namespace that
runs the daemon (tests/bench/run.sh does that)."""
import socket
import sys
import threading
import time

TUNNELS = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
SUBNETS = 4096


def config_lines():
    nprefix = (TUNNELS + 0x7ffe) // 0x7fff
    lines = ["pop"] + ["tunnelprefix add 2001:db8:%x::/48" % (0x100 + k) for k in range(nprefix)]
    lines += ["subnetprefix"]
    lines += ["add 2001:db8:%x00::/40" % (0x30 + k) for k in range(16)]
    lines += ["end", "end", "tunnel", "set"]
    for i in range(TUNNELS):
        tid = (i // 0x7fff) * 0x8000 + i % 0x7fff
        if i % 3 == 0:
            ep = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
            lines.append("config %x T%d %s up 1480" % (tid, 100000 + i, ep))
        else:
            kind = "ayiya" if i % 3 == 1 else "heartbeat"
            lines.append("config %x T%d %s up 1280 %032x" % (tid, 100000 + i, kind, i * 7919))
    lines += ["end", "end", "subnet", "set"]
    for i in range(SUBNETS):
        k, sel = divmod(i, 256)
        lines.append("config 2001:db8:%x%02x::/48 %x static" % (0x30 + k, sel, i))
    lines += ["end", "end"]
    return lines


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    pid = int(sys.argv[1])
    lines = config_lines()
    payload = ("\n".join(lines) + "\n").encode()
    s = socket.create_connection(("127.0.0.1", 42003), timeout=30)
    banner = b""
    while not banner.endswith(b"\n"):
        banner += s.recv(1)
    rss_before = rss_kib(pid)
    got = bytearray()
    bad = []

    def reader():
        want = len(lines)
        seen = 0
        while seen < want:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got.extend(chunk)
            seen += chunk.count(b"\n")

    t = threading.Thread(target=reader)
    start = time.monotonic()
    t.start()
    s.sendall(payload)
    t.join(60)
    elapsed = time.monotonic() - start
    replies = bytes(got).split(b"\n")[:-1]
    bad = [r for r in replies if not r.startswith(b"200 ")]
    s.sendall(b"tunnel list\n")
    time.sleep(0.2)
    rss_after = rss_kib(pid)
    s.close()
    print("lines pushed        : %d (%d tunnels, %d subnets)" % (len(lines), TUNNELS, SUBNETS))
    print("replies             : %d, not 200: %d" % (len(replies), len(bad)))
    print("wall time           : %.3f s" % elapsed)
    print("lines per second    : %.0f" % (len(lines) / elapsed))
    print("RSS before push     : %.1f MiB" % (rss_before / 1024))
    print("RSS after push+list : %.1f MiB" % (rss_after / 1024))
    if bad or len(replies) != len(lines):
        print("first bad replies:", bad[:3])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
