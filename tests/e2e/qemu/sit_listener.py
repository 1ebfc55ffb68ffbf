#!/usr/bin/env python3
"""Record IPv4 protocol-41 (6in4) packets arriving at this network namespace.

Used by selftest.sh in place of tcpdump: it opens a raw IPv4 socket for
protocol 41 (the kernel hands raw sockets a copy of every locally delivered
packet of that protocol, IPv4 header included), prints one JSON line per
packet with the outer IPv4 src/dst and the inner IPv6 src/dst/next header
(and ICMPv6 type when the next header is 58), and with --reply answers
ICMPv6 echo requests inside the tunnel, so the guest's ping through its sit
device gets a real reply and the whole round trip (sit encapsulation out,
decapsulation in) is exercised.

It stops by itself after --timeout seconds or --count packets.
"""
import argparse
import ipaddress
import json
import select
import socket
import struct
import sys
import time

IPPROTO_IPV6_IN_IPV4 = 41
ICMPV6 = 58


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp6_checksum(src: bytes, dst: bytes, payload: bytes) -> int:
    pseudo = src + dst + struct.pack("!I3xB", len(payload), ICMPV6)
    return checksum(pseudo + payload)


def parse(pkt: bytes):
    """Return a dict describing an IPv4+IPv6 packet, or None if malformed."""
    if len(pkt) < 20 or pkt[0] >> 4 != 4:
        return None
    ihl = (pkt[0] & 0xF) * 4
    info = {
        "outer_src": socket.inet_ntoa(pkt[12:16]),
        "outer_dst": socket.inet_ntoa(pkt[16:20]),
        "outer_proto": pkt[9],
        "outer_ttl": pkt[8],
    }
    inner = pkt[ihl:]
    if len(inner) < 40 or inner[0] >> 4 != 6:
        info["inner"] = "not-ipv6"
        return info
    info.update({
        "inner_src": str(ipaddress.IPv6Address(inner[8:24])),
        "inner_dst": str(ipaddress.IPv6Address(inner[24:40])),
        "inner_nh": inner[6],
        "inner_hlim": inner[7],
    })
    if inner[6] == ICMPV6 and len(inner) >= 48:
        info["icmp6_type"] = inner[40]
    return info, inner


def echo_reply(inner: bytes) -> bytes:
    """Build the IPv6 ICMPv6 echo reply to the echo request 'inner'."""
    plen = struct.unpack("!H", inner[4:6])[0]
    icmp = bytearray(inner[40:40 + plen])
    src, dst = inner[24:40], inner[8:24]          # swapped
    icmp[0] = 129                                  # echo reply
    icmp[2:4] = b"\0\0"
    struct.pack_into("!H", icmp, 2, icmp6_checksum(src, dst, bytes(icmp)))
    hdr = struct.pack("!IHBB", 6 << 28, len(icmp), ICMPV6, 64) + src + dst
    return hdr + bytes(icmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="0.0.0.0", help="local IPv4 to bind (the PoP's IPv4)")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--count", type=int, default=0, help="stop after N packets (0: no limit)")
    ap.add_argument("--reply", action="store_true", help="answer ICMPv6 echo requests via 6in4")
    ap.add_argument("--ready", help="file to create once the socket is open")
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_IPV6_IN_IPV4)
    # The address may not exist yet (run_guest.sh puts it on the tap it
    # creates later): IP_FREEBIND lets us bind to it anyway.
    s.setsockopt(socket.SOL_IP, getattr(socket, "IP_FREEBIND", 15), 1)
    s.bind((a.bind, 0))
    if a.ready:
        open(a.ready, "w").close()
    deadline = time.monotonic() + a.timeout
    n = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            break
        pkt, peer = s.recvfrom(65535)
        res = parse(pkt)
        if res is None:
            print(json.dumps({"malformed": len(pkt)}), flush=True)
            continue
        info, inner = res if isinstance(res, tuple) else (res, None)
        if (a.reply and inner is not None and info.get("icmp6_type") == 128):
            # No IP_HDRINCL: the kernel adds the IPv4 header (proto 41,
            # source = the bound/routed address), exactly what a PoP sends.
            s.sendto(echo_reply(inner), (info["outer_src"], 0))
            info["replied"] = True
        print(json.dumps(info), flush=True)
        n += 1
        if a.count and n >= a.count:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
