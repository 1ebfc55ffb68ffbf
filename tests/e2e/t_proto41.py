"""Static proto-41 tunnels end to end, real kernel stacks on both sides.

  client A (ns -a) ──veth── PoP (this ns: sixxsd) ──veth── Internet (ns -i)
  client B (ns -b) ──veth──┘

Each client runs build/tools/sx6in4, a userspace 6in4 wrapper, so ping and
TCP are the client kernel's own; only the 6in4 wrapping is ours."""
import os
import re
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402
import topo  # noqa: E402
from sxd import ctl, field  # noqa: E402
from topo import ping, sh  # noqa: E402

P = '2001:db8:2ff:'
INET = '2001:db8:ffff:1::1'
CONF = sxd.CONF_MIN + (
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'pop subnetprefix add 2001:db8:3000::/40\n'
    'tunnel set config 5 T105 10.1.0.2 up 1480\n'
    'tunnel set config 6 T106 10.2.0.2 up 1480\n'
    'tunnel set config 7 T107 10.7.0.2 disabled 1480\n'
    'tunnel set config 8 T108 heartbeat up 1480 secret\n'
    'subnet set config 2001:db8:3001::/48 5 static\n'
)

T = None  # the topology, shared by the tests of this file
D = None  # the daemon


def setUpModule():
    global T, D
    T = topo.Topo()
    try:
        D = sxd.Daemon(CONF)
        a, b, i = T.ns('a'), T.ns('b'), T.ns('i')
        T.link(None, a, ['10.1.0.1/24'], ['10.1.0.2/24', '10.1.0.3/24'], 'pa', 'ca')
        T.link(None, b, ['10.2.0.1/24'], ['10.2.0.2/24'], 'pb', 'cb')
        T.link(None, i, ['2001:db8:ffff:1::fe/64'], [INET + '/64'], 'pi', 'ci')
        for pfx in ('2001:db8:2ff::/48', '2001:db8:3000::/40'):
            sh(['ip', '-6', 'route', 'add', pfx, 'via', '2001:db8:ffff:1::fe'], ns=i)
        T.client(a, 'tA', '10.1.0.2', '10.1.0.1', [P + '5::2/64'])
        sh(['ip', '-6', 'addr', 'add', P + '8005::1/64', 'dev', 'lo'], ns=a)   # routed /64
        sh(['ip', '-6', 'addr', 'add', '2001:db8:3001::1/48', 'dev', 'lo'], ns=a)  # subnet
        T.client(b, 'tB', '10.2.0.2', '10.2.0.1', [P + '6::2/64'])
        T.a, T.b, T.i = a, b, i
        # Neighbour discovery and the first packets settle.
        for ns, tgt in ((a, P + '5::1'), (b, P + '6::1'), (i, P + '5::2')):
            ping(ns, tgt, count=3, extra=['-i', '0.3'])
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if D:
        D.stop()
    T.cleanup()


def error_line(tunnel, name):
    value = field(tunnel, name)
    return None if value is None else '%-24s: %s' % (name, value)


class Paths(unittest.TestCase):
    def test_client_pings(self):
        for tgt in (P + '5::1', P + 'ffff::1', INET):
            ok, out = ping(T.a, tgt, count=2)
            self.assertTrue(ok, out)
            self.assertIn('from %s: ' % tgt, out)

    def test_internet_pings_client(self):
        for tgt in (P + '5::2', P + '8005::1', '2001:db8:3001::1'):
            ok, out = ping(T.i, tgt, count=2)
            self.assertTrue(ok, out)
            self.assertIn('from %s: ' % tgt, out)

    def test_tunnel_to_tunnel(self):
        # One router hop each way: the daemon decrements once, the kernel
        # is not involved.
        ok, out = ping(T.a, P + '6::2', count=2)
        self.assertTrue(ok, out)
        self.assertRegex(out, r'from %s6::2: icmp_seq=\d+ ttl=63 ' % re.escape(P))
        ok, out = ping(T.b, P + '5::2', count=2)
        self.assertTrue(ok, out)
        self.assertRegex(out, r'from %s5::2: icmp_seq=\d+ ttl=63 ' % re.escape(P))

    def test_counters_move(self):
        before = ctl('tunnel show T105')
        n_in = int(re.search(r'Packets In  \(Total\)\s+: (\d+)', before).group(1))
        ping(T.i, P + '5::2', count=3, extra=['-i', '0.2'])
        after = ctl('tunnel show T105')
        self.assertGreaterEqual(int(re.search(r'Packets In  \(Total\)\s+: (\d+)', after).group(1)),
                                n_in + 3)
        self.assertIn('Outer Us                : 10.1.0.1', after)
        self.assertIn('Tunnel Type             : direct', after)
        # Both clients are up and received a packet within 15 minutes; the
        # disabled tunnel and the silent heartbeat tunnel are configured.
        self.assertIn('\ntotal 2 2 4\n', ctl('pop show status'))


class Errors(unittest.TestCase):
    def unreachable(self, ns, tgt, source, text):
        ok, out = ping(ns, tgt, count=1)
        self.assertFalse(ok, out)
        self.assertIn('From %s icmp_seq=1 %s' % (source, text), out)

    def test_special_unreachables(self):
        self.unreachable(T.i, P + '7::2', P + '7::1', 'Destination unreachable: Administratively prohibited')
        self.unreachable(T.i, P + '8::2', P + '8::1', 'Destination unreachable: No route')
        self.unreachable(T.i, P + '40::2', P + 'ffff::1', 'Destination unreachable: Address unreachable')
        self.unreachable(T.i, '2001:db8:3099::1', P + 'ffff::1',
                         'Destination unreachable: Address unreachable')
        # From a tunnel, errors come from the client's own P:t::1.
        self.unreachable(T.a, P + '7::2', P + '5::1', 'Destination unreachable: Administratively prohibited')

    def test_packet_too_big(self):
        sh(['ip', '-6', 'route', 'flush', 'cache'], ns=T.i, check=False)
        ok, out = ping(T.i, '2001:db8:3001::1', count=1, extra=['-s', '1452', '-M', 'do'])
        self.assertFalse(ok, out)
        self.assertIn('From %s5::1 icmp_seq=1 Packet too big: mtu=1480' % P, out)
        ok, out = ping(T.i, '2001:db8:3001::1', count=1, extra=['-s', '1400', '-M', 'do'])
        self.assertTrue(ok, out)
        self.assertRegex(error_line('T105', 'Encap.Pkt Too Big'), r': \d+, last: ')

    def test_hop_limit(self):
        ok, out = ping(T.a, INET, count=1, extra=['-t', '1'])
        self.assertFalse(ok, out)
        self.assertIn('From %s5::1 icmp_seq=1 Time exceeded: Hop limit' % P, out)

    def send_raw(self, outer_src, inner_src, dst=INET):
        """One proto-41 packet from client A's namespace, built by hand."""
        code = r'''
import socket, struct, sys
def pton(a): return socket.inet_pton(socket.AF_INET6, a)
icmp = bytes([128, 0, 0, 0, 0, 7, 0, 1]) + b'spoof'
inner = struct.pack('!IHBB', 0x60000000, len(icmp), 58, 64) + pton(sys.argv[2]) + pton(sys.argv[3]) + icmp
outer = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(inner), 0, 0x4000, 64, 41, 0,
                    socket.inet_aton(sys.argv[1]), socket.inet_aton('10.1.0.1'))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(outer + inner, ('10.1.0.1', 0))
'''
        sh(['python3', '-c', code, outer_src, inner_src, dst], ns=T.a)
        time.sleep(0.3)

    def test_spoofed_outer_source(self):
        ctl('tunnel reseterrors T105')
        self.send_raw('10.1.0.3', P + '5::2')
        self.assertRegex(error_line('T105', 'Wrong Source IPv4'), r': 1, last: 10\.1\.0\.3 ')
        # The offending packet is kept: outer header from 10.1.0.3, proto 41.
        dump = ctl('tunnel get errorpacket T105 "Wrong Source IPv4"')
        self.assertIn('Source      : 10.1.0.3\n', dump)
        self.assertIn('Real Length : 73\n', dump)
        self.assertRegex(dump, r'\n00000000 45 00 00 49 .. .. 40 00 40 29 .. .. 0a 01 00 03 ')
        listing = ctl('tunnel list erroronly')
        self.assertIn('T105 %s5::2 10.1.0.2 up direct 1480 1' % P, listing)

    def test_spoofed_inner_source(self):
        ctl('tunnel reseterrors all')
        # B's address from A's endpoint: B's tunnel is not A's.
        self.send_raw('10.1.0.2', P + '6::2')
        self.assertRegex(error_line('T106', 'Wrong Source IPv4'), r': 1, last: 10\.1\.0\.2 ')
        # Inside A's /64, but neither ::1 nor ::2.
        self.send_raw('10.1.0.2', P + '5::99')
        self.assertRegex(error_line('T105', 'Wrong Source IPv6'), r': 1, last: %s5::99 ' % re.escape(P))


class Tcp(unittest.TestCase):
    SIZE = 50 * 1000 * 1000

    def transfer(self, upload):
        client, server = topo.tcp_transfer(T.i, T.a, INET, self.SIZE, upload)
        self.assertEqual(client, server)
        self.assertEqual(int(server[0]), self.SIZE)

    def test_tcp_both_ways_gro_on_and_off(self):
        for gro in ('on', 'off'):
            with self.subTest(gro=gro):
                sh(['ethtool', '-K', 'pa', 'gro', gro])
                self.transfer(upload=True)   # client → Internet
                self.transfer(upload=False)  # Internet → client


MERGED = r'''
import socket, struct, sys
# A TCP super-packet as GRO leaves it: one header, three 1000-byte segments
# glued together, the checksum still that of the first segment alone.
src, dst, outer_src, outer_dst = sys.argv[1:5]
def pton(a): return socket.inet_pton(socket.AF_INET6, a)
def csum(b):
    b += b'\0' * (len(b) % 2)
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
payload = bytes((i * 7) & 0xff for i in range(3000))
tcp = struct.pack('!HHIIBBHHH', 40000, 5009, 1000, 0, 5 << 4, 0x18, 65535, 0, 0)
first = tcp + payload[:1000]
ck = csum(pton(src) + pton(dst) + struct.pack('!I', len(first)) + b'\0\0\0\x06' + first)
tcp = tcp[:16] + struct.pack('!H', ck) + tcp[18:]
inner = struct.pack('!IHBB', 0x60000000, 20 + 3000, 6, 64) + pton(src) + pton(dst) + tcp + payload
outer = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(inner), 0, 0x4000, 64, 41, 0,
                    socket.inet_aton(outer_src), socket.inet_aton(outer_dst)) + inner
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(outer, (outer_dst, 0))
'''


def capture(dev, proto, secs, keep):
    """Packets seen on dev (ours or incoming) for secs seconds that keep() likes."""
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(proto))
    cap.bind((dev, 0))
    cap.settimeout(0.2)
    got = []
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            pkt = cap.recv(65535)
        except socket.timeout:
            continue
        if keep(pkt):
            got.append(pkt)
    cap.close()
    return got


def tcp_ok(ip6):
    data = ip6[8:40] + struct.pack('!I', len(ip6) - 40) + b'\0\0\0\x06' + ip6[40:]
    data += b'\0' * (len(data) % 2)
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


class Merged(unittest.TestCase):
    """What GRO on the uplink hands the raw socket: merged TCP packets far
    over the tunnel MTU. Made by hand here (veth merges none of them on
    this kernel), sent on a jumbo link."""

    @classmethod
    def setUpClass(cls):
        for ns, dev in ((None, 'pa'), (T.a, 'ca')):
            sh(['ip', 'link', 'set', dev, 'mtu', '4000'], ns=ns)
        # The kernel must cut the GSO packet itself on the way out.
        sh(['ethtool', '-K', 'pi', 'tso', 'off', 'gso', 'off'], check=False)

    @classmethod
    def tearDownClass(cls):
        for ns, dev in ((None, 'pa'), (T.a, 'ca')):
            sh(['ip', 'link', 'set', dev, 'mtu', '1500'], ns=ns)

    def send_merged(self, dst):
        sh(['python3', '-c', MERGED, P + '5::2', dst, '10.1.0.2', '10.1.0.1'], ns=T.a)

    def test_to_the_internet_as_gso(self):
        """Handed to the tun as GSO: the Internet host gets the three
        segments back, each with a valid checksum."""
        def is_ours(p):
            return p[0] >> 4 == 6 and p[6] == 6 and p[42:44] == b'\x13\x91'
        got = []
        th = threading.Thread(target=lambda: got.extend(
            sh(['python3', '-c', CAPTURE, 'ci', str(0x86dd), '3'], ns=T.i).stdout.split()))
        th.start()
        time.sleep(0.5)
        self.send_merged(INET)
        th.join(30)
        pkts = [bytes.fromhex(h) for h in got]
        pkts = [p for p in pkts if is_ours(p)]
        self.assertEqual([len(p) - 60 for p in pkts], [1000, 1000, 1000])
        self.assertEqual([struct.unpack('!I', p[44:48])[0] for p in pkts], [1000, 2000, 3000])
        self.assertTrue(all(tcp_ok(p) for p in pkts))
        self.assertEqual([p[53] & 0x08 for p in pkts], [0, 0, 8])  # PSH on the last only

    def test_into_another_tunnel_cut(self):
        """Into another tunnel: cut back into segments within its MTU."""
        def is_ours(p):
            return p[0] == 0x45 and p[9] == 41 and p[16:20] == socket.inet_aton('10.2.0.2') \
                and p[26] == 6 and p[62:64] == b'\x13\x91'
        got = []
        th = threading.Thread(target=lambda: got.extend(capture('pb', 0x0003, 3, is_ours)))
        th.start()
        time.sleep(0.5)
        self.send_merged(P + '6::2')
        th.join(30)
        inner = [p[20:] for p in got]
        self.assertEqual([len(p) - 60 for p in inner], [1000, 1000, 1000])
        self.assertEqual([struct.unpack('!I', p[44:48])[0] for p in inner], [1000, 2000, 3000])
        self.assertTrue(all(tcp_ok(p) for p in inner))
        self.assertTrue(all(p[7] == 63 for p in inner))  # one hop, once


CAPTURE = r'''
import socket, sys, time
cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(int(sys.argv[2])))
cap.bind((sys.argv[1], 0)); cap.settimeout(0.2)
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        print(cap.recv(65535).hex(), flush=True)
    except socket.timeout:
        pass
'''


class Push(unittest.TestCase):
    def test_push_during_ping_flood(self):
        lines = ''.join('tunnel set config %x T%d 10.50.%d.%d up 1480\n' % (t, 1000 + t, t >> 8, t & 255)
                        for t in range(0x100, 0x100 + 3000))
        lines += CONF
        stop = threading.Event()
        pushes = [0]

        def pusher():
            with sxd.Session(timeout=30) as s:
                while not stop.is_set():
                    s.send(lines)
                    for _ in range(lines.count('\n')):
                        s.read_reply()
                    pushes[0] += 1

        th = threading.Thread(target=pusher)
        th.start()
        try:
            ok, out = ping(T.i, P + '5::2', count=1000, extra=['-i', '0.005', '-q'], timeout=60)
        finally:
            stop.set()
            th.join(60)
        self.assertGreater(pushes[0], 1)
        self.assertIn(' 0% packet loss', out)


if __name__ == '__main__':
    sxd.main()
