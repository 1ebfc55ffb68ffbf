"""Heartbeat and AYIYA tunnels end to end, with clients written from the
spec (build/tools/sxhb, sxayiya), real kernel stacks, a NAT made with
nftables, a replay from a third host, and Wireshark's AYIYA dissector.

  heartbeat client H ─┐
  AYIYA client A ─────┤
  NAT N ── client C ──┼── PoP (this ns, sixxsd) ── Internet I
  replayer X ─────────┘
"""
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402
import topo  # noqa: E402
from sxd import ctl, field, wait_for  # noqa: E402
from topo import ping, sh  # noqa: E402

P = '2001:db8:2ff:'
INET = '2001:db8:ffff:1::1'
PW_A, PW_C, PW_H = 'a' * 32, 'c' * 32, 'h' * 32
CONF = sxd.CONF_MIN + (
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'tunnel set config 10 T110 ayiya up 1428 %s\n'
    'tunnel set config 11 T111 ayiya up 1428 %s\n'
    'tunnel set config 12 T112 heartbeat up 1480 %s\n'
    'tunnel set config 13 T113 10.1.0.99 up 1480 static13\n'
    'tunnel set config 14 T114 ayiya up 1428 %s\n'
    'tunnel set config 15 T115 heartbeat up 1480 %s\n'
) % (PW_A, PW_C, PW_H, PW_A, PW_H)
TOOLS = topo.TOOLS
T = None
D = None
procs = {}


def tool(name):
    return os.path.join(TOOLS, name)


def start_ayiya(key, ns, tun, pop4, tid, pw, port, extra=()):
    p = T.spawn(ns, [tool('sxayiya'), '-i', tun, '-s', pop4, '-I', '%s%x::2' % (P, tid), '-P', pw,
                     '-p', str(port), '-k', '1'] + list(extra),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs[key] = p
    return p


def client_net(ns, tun, tid):
    wait_for(lambda: sh(['ip', 'link', 'show', tun], ns=ns, check=False).returncode == 0, 5,
             '%s created' % tun)
    sh(['ip', '-6', 'addr', 'add', '%s%x::2/64' % (P, tid), 'dev', tun, 'nodad'], ns=ns)
    sh(['ip', '-6', 'route', 'add', 'default', 'dev', tun], ns=ns)


def start_beats(ns, pop4, tid, pw, extra=()):
    return T.spawn(ns, [tool('sxhb'), '-s', pop4, '-I', '%s%x::2' % (P, tid), '-P', pw, '-i', '1']
                   + list(extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(p):
    T.procs.remove(p)
    p.terminate()
    p.wait(5)


def setUpModule():
    global T, D
    T = topo.Topo()
    try:
        D = sxd.Daemon(CONF, extra_args=['--beat-period=1', '--beat-timeout=3'])
        T.a, T.nat, T.c, T.h, T.i, T.x, T.v6 = (T.ns(x) for x in ('a', 'n', 'c', 'h', 'i', 'x', 'v'))
        T.link(None, T.a, ['10.1.0.1/24'], ['10.1.0.2/24'], 'pa', 'ca')
        T.link(None, T.nat, ['10.4.0.1/24'], ['10.4.0.2/24'], 'pn', 'nn')
        T.link(T.nat, T.c, ['192.168.50.1/24'], ['192.168.50.2/24'], 'nc', 'cc')
        T.link(None, T.h, ['10.5.0.1/24'], ['10.5.0.2/24'], 'ph', 'ch')
        T.link(None, T.x, ['10.6.0.1/24'], ['10.6.0.2/24'], 'px', 'cx')
        T.link(None, T.i, ['2001:db8:ffff:1::fe/64'], [INET + '/64'], 'pi', 'ci')
        # A client that reaches the PoP over IPv6 only.
        T.link(None, T.v6, ['2001:db8:aaaa::1/64'], ['2001:db8:aaaa::2/64'], 'pv', 'cv')
        sh(['ip', '-6', 'route', 'add', '2001:db8:2ff::/48', 'via', '2001:db8:ffff:1::fe'], ns=T.i)
        # The NAT: C's private addresses leave as N's public one.
        sh(['ip', 'route', 'add', 'default', 'via', '192.168.50.1'], ns=T.c)
        sh(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], ns=T.nat)
        sh(['nft', 'add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; } ;'
            ' add rule ip nat post oifname "nn" masquerade'], ns=T.nat)
        start_ayiya('a', T.a, 'aA', '10.1.0.1', 0x10, PW_A, 40000)
        client_net(T.a, 'aA', 0x10)
        start_ayiya('c', T.c, 'aC', '10.4.0.1', 0x11, PW_C, 40000)
        client_net(T.c, 'aC', 0x11)
        procs['hb'] = start_beats(T.h, '10.5.0.1', 0x12, PW_H)
        T.client(T.h, 'tH', '10.5.0.2', '10.5.0.1', ['%s12::2/64' % P])
        for t in ('T110', 'T111', 'T112'):
            wait_for(lambda: field(t, 'Tunnel State') == 'up', 10, '%s up' % t)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if D:
        D.stop()
    T.cleanup()


class Heartbeat(unittest.TestCase):
    def test_1_traffic(self):
        self.assertEqual(field('T112', 'Outer Them'), '10.5.0.2')
        self.assertEqual(field('T112', 'Outer Us'), '10.5.0.1')
        self.assertEqual(field('T112', 'Tunnel Type'), 'direct')
        for ns, tgt in ((T.h, P + '12::1'), (T.h, INET), (T.i, P + '12::2')):
            ok, out = ping(ns, tgt, count=2)
            self.assertTrue(ok, out)
        for upload in (True, False):
            client, server = topo.tcp_transfer(T.i, T.h, INET, 10 * 1000 * 1000, upload)
            self.assertEqual(client, server)

    def test_2_liveness(self):
        stop(procs.pop('hb'))
        wait_for(lambda: field('T112', 'Tunnel State') == 'down', 10, 'T112 down without beats')
        ok, out = ping(T.i, P + '12::2', count=1)
        self.assertFalse(ok, out)
        self.assertIn('From %s12::1 icmp_seq=1 Destination unreachable: No route' % P, out)
        procs['hb'] = start_beats(T.h, '10.5.0.1', 0x12, PW_H)
        wait_for(lambda: field('T112', 'Tunnel State') == 'up', 10, 'T112 up again')
        ok, out = ping(T.i, P + '12::2', count=2)
        self.assertTrue(ok, out)

    def test_3_bad_beats(self):
        ctl('tunnel reseterrors T112')
        for extra, name in ((['-S', '10.9.9.9'], 'HB Sender Mismatch'), (['-o', '500'], 'Clock Off'),
                            (['-U'], 'Heartbeat Hash Fail')):
            sh([tool('sxhb'), '-s', '10.5.0.1', '-I', P + '12::2', '-P', PW_H, '-n', '1'] + extra, ns=T.h)
            wait_for(lambda: (field('T112', name) or '').startswith('1, last: 10.5.0.2 '), 5, name)
        sh([tool('sxhb'), '-s', '10.5.0.1', '-I', P + '13::2', '-P', 'static13', '-n', '1'], ns=T.h)
        wait_for(lambda: (field('T113', 'HB-non-HB') or '').startswith('1, last: 10.5.0.2 '), 5, 'HB-non-HB')
        self.assertEqual(field('T112', 'Outer Them'), '10.5.0.2')


class OverIPv6(unittest.TestCase):
    """AYIYA and heartbeats with an IPv6 outer (UDP with its mandatory
    checksum; replies from the address the client used)."""

    def test_ayiya_over_ipv6(self):
        start_ayiya('v6', T.v6, 'aV', '2001:db8:aaaa::1', 0x14, PW_A, 40400)
        client_net(T.v6, 'aV', 0x14)
        wait_for(lambda: field('T114', 'Tunnel State') == 'up', 10, 'T114 up')
        self.assertEqual(field('T114', 'Outer Them'), '2001:db8:aaaa::2')
        self.assertEqual(field('T114', 'Outer Us'), '2001:db8:aaaa::1')
        self.assertEqual(field('T114', 'AYIYA Port Them'), '40400')
        for tgt in (P + '14::1', INET):
            ok, out = ping(T.v6, tgt, count=2)
            self.assertTrue(ok, out)
        ok, out = ping(T.i, P + '14::2', count=2)
        self.assertTrue(ok, out)

    def test_heartbeat_over_ipv6(self):
        p = start_beats(T.v6, '2001:db8:aaaa::1', 0x15, PW_H)
        try:
            wait_for(lambda: field('T115', 'Tunnel State') == 'up', 10, 'T115 up')
            self.assertEqual(field('T115', 'Outer Them'), '2001:db8:aaaa::2')
            self.assertRegex(field('T115', 'Last Heartbeat'), r'^\d{4}-')
        finally:
            stop(p)


class Ayiya(unittest.TestCase):
    def test_1_traffic(self):
        self.assertEqual(field('T110', 'Tunnel Type'), 'ayiya')
        self.assertEqual(field('T110', 'AYIYA Port Them'), '40000')
        self.assertEqual(ctl('tunnel get outer_endpoint T110'), '200 10.1.0.2\n')
        for ns, tgt in ((T.a, P + '10::1'), (T.a, INET), (T.i, P + '10::2')):
            ok, out = ping(ns, tgt, count=2)
            self.assertTrue(ok, out)
        for upload in (True, False):
            client, server = topo.tcp_transfer(T.i, T.a, INET, 10 * 1000 * 1000, upload)
            self.assertEqual(client, server)
            self.assertEqual(int(server[0]), 10 * 1000 * 1000)

    def test_2_nat(self):
        # The daemon sees the NAT's address; replies find the client.
        self.assertEqual(field('T111', 'Outer Them'), '10.4.0.2')
        port = field('T111', 'AYIYA Port Them')
        ok, out = ping(T.i, P + '11::2', count=2)
        self.assertTrue(ok, out)
        # A new mapping (the client's socket, hence its NAT port, changes):
        # traffic follows within 2 seconds.
        stop(procs.pop('c'))
        start_ayiya('c', T.c, 'aC', '10.4.0.1', 0x11, PW_C, 40123)
        client_net(T.c, 'aC', 0x11)
        t0 = time.monotonic()
        wait_for(lambda: field('T111', 'AYIYA Port Them') not in (port, None), 5, 'new NAT port learned')
        ok, out = ping(T.i, P + '11::2', count=1)
        self.assertTrue(ok, out)
        self.assertLess(time.monotonic() - t0, 4)

    def test_3_replay_from_elsewhere(self):
        # Record one data datagram of client A on the PoP's side of its link.
        cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        cap.bind(('pa', 0))
        cap.settimeout(0.2)
        rec = None
        end = time.monotonic() + 10
        while rec is None and time.monotonic() < end:
            sh(['ping', '-6', '-c', '1', '-W', '1', INET], ns=T.a, check=False)
            try:
                while rec is None:
                    pkt = cap.recv(4096)
                    ihl = (pkt[0] & 15) * 4
                    if pkt[9] == 17 and struct.unpack('!H', pkt[ihl + 2:ihl + 4])[0] == 5072 \
                            and pkt[ihl + 8 + 2] == 0x11:
                        rec = pkt[ihl + 8:]
            except socket.timeout:
                pass
        cap.close()
        self.assertIsNotNone(rec, 'no AYIYA forward captured')
        before_in = field('T110', 'Packets In  (Total)')
        replays = ('Replay Dropped', 'Endpoint Move Refused')
        ctl('tunnel reseterrors T110')
        code = ('import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n'
                's.sendto(bytes.fromhex(sys.argv[1]),("10.6.0.1",5072))')
        sh(['python3', '-c', code, rec.hex()], ns=T.x)
        wait_for(lambda: any((field('T110', n) or 'none') != 'none' for n in replays), 5, 'replay counted')
        self.assertTrue(any((field('T110', n) or '').startswith('1, last: 10.6.0.2 ') for n in replays))
        self.assertEqual(ctl('tunnel get outer_endpoint T110'), '200 10.1.0.2\n')
        self.assertEqual(field('T110', 'Packets In  (Total)'), before_in)

    def test_4_bad_packets(self):
        ctl('tunnel reseterrors T110')
        for extra, pw, name in ((['-o', '500'], PW_A, 'Clock Off'), ([], 'wrong', 'AYIYA Hash Fail')):
            p = start_ayiya('bad', T.a, 'aB', '10.1.0.1', 0x10, pw, 40200, extra)
            wait_for(lambda: (field('T110', name) or '').startswith('1, last: 10.1.0.2 ')
                     or (field('T110', name) or '').startswith('2, last: 10.1.0.2 '), 5, name)
            stop(procs.pop('bad'))
            del p
        p = start_ayiya('bad', T.a, 'aB', '10.1.0.1', 0x13, 'static13', 40201)
        wait_for(lambda: (field('T113', 'AYIYA-non-AYIYA') or 'none') != 'none', 5, 'AYIYA-non-AYIYA')
        stop(procs.pop('bad'))
        del p
        # The genuine client was not disturbed.
        self.assertEqual(ctl('tunnel get outer_endpoint T110'), '200 10.1.0.2\n')
        self.assertEqual(field('T110', 'AYIYA Port Them'), '40000')

    def test_5_wireshark_decodes_our_packets(self):
        """tshark's AYIYA dissector reads what the daemon sends."""
        # This client takes tunnel 10 over from the usual one for a while.
        stop(procs.pop('a'))
        with tempfile.TemporaryDirectory() as d:
            hexfile = os.path.join(d, 'rx.hex')
            p = start_ayiya('dump', T.a, 'aD', '10.1.0.1', 0x10, PW_A, 40300, ['-x', hexfile])
            wait_for(lambda: os.path.exists(hexfile), 5, 'dump file')
            # Make the daemon send to this client: it is now the endpoint.
            wait_for(lambda: field('T110', 'AYIYA Port Them') == '40300', 5, 'endpoint moved to 40300')
            ping(T.i, P + '10::2', count=1)
            stop(procs.pop('dump'))
            with open(hexfile) as f:
                lines = [l.strip() for l in f if l.strip()]
            data = [bytes.fromhex(l) for l in lines if bytes.fromhex(l)[2] == 0x11]
            self.assertTrue(data, 'no forward datagram received')
            pcap = os.path.join(d, 'ayiya.pcap')
            with open(pcap, 'wb') as f:
                f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IPv4
                for dg in data:
                    udp = struct.pack('!HHHH', 5072, 40300, 8 + len(dg), 0) + dg
                    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                                     socket.inet_aton('10.1.0.1'), socket.inet_aton('10.1.0.2')) + udp
                    f.write(struct.pack('<IIII', int(time.time()), 0, len(ip), len(ip)) + ip)
            out = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-e', 'ayiya.identity',
                                  '-e', 'ayiya.opcode', '-e', 'ayiya.nextheader'],
                                 capture_output=True, text=True, timeout=120)
            self.assertEqual(out.returncode, 0, out.stderr)
            rows = [r.split('\t') for r in out.stdout.splitlines() if r.strip()]
            self.assertEqual(len(rows), len(data), out.stdout)
            ours = socket.inet_pton(socket.AF_INET6, P + '10::1').hex()
            for identity, opcode, nh in rows:
                # The dissector shows the identity as its 16 bytes.
                self.assertEqual(identity.replace(':', ''), ours)
                self.assertEqual(int(opcode, 0), 1)  # forward
                self.assertEqual(int(nh, 0), 41)  # IPv6
        # The usual client comes back; its next newer epoch moves it back.
        start_ayiya('a', T.a, 'aA', '10.1.0.1', 0x10, PW_A, 40000)
        client_net(T.a, 'aA', 0x10)
        wait_for(lambda: field('T110', 'AYIYA Port Them') == '40000', 5, 'endpoint back to 40000')


if __name__ == '__main__':
    sxd.main()
