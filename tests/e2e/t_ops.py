"""Operations: latency probes through 6in4 and AYIYA clients, per-tunnel
debug output to a control session, tunnel stats for the collector, and
metrics (control command and HTTP)."""
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402
import topo  # noqa: E402
from sxd import ctl, field, wait_for  # noqa: E402
from topo import ping, sh  # noqa: E402

P = '2001:db8:2ff:'
INET = '2001:db8:ffff:1::1'
PW_A = 'a' * 32
CONF = sxd.CONF_MIN + (
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'tunnel set config 5 T105 10.1.0.2 up 1480\n'
    'tunnel set config 6 T106 10.2.0.2 up 1480\n'
    'tunnel set config 10 T110 ayiya up 1428 %s\n'
) % PW_A
T = None
D = None


def setUpModule():
    global T, D
    T = topo.Topo()
    try:
        D = sxd.Daemon(CONF, extra_args=['--latency-period=1', '-m', '127.0.0.1:9180'])
        T.a, T.b, T.y, T.i = (T.ns(x) for x in ('a', 'b', 'y', 'i'))
        T.link(None, T.a, ['10.1.0.1/24'], ['10.1.0.2/24'], 'pa', 'ca')
        T.link(None, T.b, ['10.2.0.1/24'], ['10.2.0.2/24'], 'pb', 'cb')
        T.link(None, T.y, ['10.3.0.1/24'], ['10.3.0.2/24'], 'py', 'cy')
        T.link(None, T.i, ['2001:db8:ffff:1::fe/64'], [INET + '/64'], 'pi', 'ci')
        sh(['ip', '-6', 'route', 'add', '2001:db8:2ff::/48', 'via', '2001:db8:ffff:1::fe'], ns=T.i)
        T.pa = T.client(T.a, 'tA', '10.1.0.2', '10.1.0.1', [P + '5::2/64'])
        T.client(T.b, 'tB', '10.2.0.2', '10.2.0.1', [P + '6::2/64'])
        T.spawn(T.y, [os.path.join(topo.TOOLS, 'sxayiya'), '-i', 'aY', '-s', '10.3.0.1', '-I', P + '10::2',
                      '-P', PW_A, '-k', '1'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: sh(['ip', 'link', 'show', 'aY'], ns=T.y, check=False).returncode == 0, 5, 'aY')
        sh(['ip', '-6', 'addr', 'add', P + '10::2/64', 'dev', 'aY', 'nodad'], ns=T.y)
        for ns, tgt in ((T.a, P + '5::1'), (T.b, P + '6::1'), (T.y, P + '10::1')):
            ping(ns, tgt, count=2)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if D:
        D.stop()
    T.cleanup()


def lat(tunnel):
    show = ctl('tunnel show ' + tunnel)
    vals = {}
    for key in ('Sent', 'Recv'):
        vals[key] = int(re.search(r'Latency Pkt %s\s+: (\d+)' % key, show).group(1))
    for key in ('Loss', 'Min', 'Avg', 'Max'):
        m = re.search(r'Latency %s\s+: ([\d.]+)' % key, show)
        vals[key] = float(m.group(1)) if m else None
    return vals


class Latency(unittest.TestCase):
    def test_1_probes_answered(self):
        for tunnel in ('T105', 'T110'):
            wait_for(lambda: lat(tunnel)['Recv'] >= 3, 15, '%s: 3 replies' % tunnel)
            v = lat(tunnel)
            self.assertGreaterEqual(v['Sent'], v['Recv'])
            self.assertLessEqual(v['Sent'] - v['Recv'], 1)  # one may be in flight
            self.assertLessEqual(v['Min'], v['Avg'])
            self.assertLessEqual(v['Avg'], v['Max'])
        # sent = received once the last probe's reply is in
        for tunnel in ('T105', 'T110'):
            wait_for(lambda: lat(tunnel)['Sent'] == lat(tunnel)['Recv'] and lat(tunnel)['Loss'] == 0.0, 10,
                     '%s sent = received, loss 0.00' % tunnel)
            self.assertIn('Latency Loss            : 0.00\n', ctl('tunnel show ' + tunnel))

    def test_2_duplicate_reply_counted_once(self):
        # B's kernel stops answering probes; we answer one of them twice.
        nft = ('add table ip6 sxt; add chain ip6 sxt out { type filter hook output priority 0 ; } ;'
               ' add rule ip6 sxt out icmpv6 type echo-reply drop')
        sh(['nft', nft], ns=T.b)
        try:
            cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
            cap.bind(('pb', 0))
            cap.settimeout(3)
            probe = None
            end = time.monotonic() + 10
            while probe is None and time.monotonic() < end:
                try:
                    pkt = cap.recv(4096)
                except socket.timeout:
                    continue
                if pkt[0] == 0x45 and pkt[9] == 41 and pkt[16:20] == socket.inet_aton('10.2.0.2'):
                    inner = pkt[20:]
                    if inner[6] == 58 and inner[40] == 128 and inner[44:46] == b'\x42\x42':
                        probe = inner
            cap.close()
            self.assertIsNotNone(probe, 'no latency probe seen')
            before = lat('T106')['Recv']
            reply = bytearray(probe)
            reply[8:24], reply[24:40] = probe[24:40], probe[8:24]
            reply[40] = 129
            reply[42:44] = b'\0\0'
            data = bytes(reply[8:40]) + struct.pack('!I', len(reply) - 40) + b'\0\0\0\x3a' + bytes(reply[40:])
            data += b'\0' * (len(data) % 2)
            s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
            while s >> 16:
                s = (s & 0xffff) + (s >> 16)
            reply[42:44] = struct.pack('!H', ~s & 0xffff)
            outer = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(reply), 0, 0x4000, 64, 41, 0,
                                socket.inet_aton('10.2.0.2'), socket.inet_aton('10.2.0.1')) + bytes(reply)
            code = ('import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW)\n'
                    'p=bytes.fromhex(sys.argv[1])\ns.sendto(p,("10.2.0.1",0))\ns.sendto(p,("10.2.0.1",0))')
            sh(['python3', '-c', code, outer.hex()], ns=T.b)
            wait_for(lambda: lat('T106')['Recv'] > before, 3, 'the reply counted')
            time.sleep(0.5)
            self.assertEqual(lat('T106')['Recv'], before + 1, 'a duplicate reply was counted twice')
        finally:
            sh(['nft', 'delete table ip6 sxt'], ns=T.b, check=False)

    def test_3_loss_rises(self):
        # Client A stops answering: its 6in4 wrapper goes away.
        T.procs.remove(T.pa)
        T.pa.terminate()
        T.pa.wait(5)
        v0 = lat('T105')
        wait_for(lambda: lat('T105')['Sent'] >= v0['Sent'] + 3, 10, 'probes keep going')
        v = lat('T105')
        self.assertEqual(v['Recv'], v0['Recv'])
        self.assertGreater(v['Loss'], v0['Loss'] or 0.0)


class Debug(unittest.TestCase):
    def read_lines(self, s, secs):
        """Every line that arrives within secs seconds."""
        data = b''
        end = time.monotonic() + secs
        while time.monotonic() < end:
            data += s.pending(0.2)
        return data.decode(errors='replace')

    def test_debug_session(self):
        with sxd.Session() as s, sxd.Session() as other:
            self.assertEqual(s.cmd('tunnel set debug T106 on'), b'200 Debugging has been enabled\n')
            self.assertEqual(other.cmd('tunnel set debug T106 on'),
                             b'400 Already being debugged by another session\n')
            self.assertEqual(s.cmd('tunnel set debug T106 on'),
                             b'400 Debugging through this session for this tunnel was already enabled\n')
            self.assertIn('Tunnel Debugging        : yes', ctl('tunnel show T106'))
            self.assertEqual(ctl('tunnel list debugonly'),
                             '200 T106 %s6::2 10.2.0.2 up direct 1480 0\n' % P)
            # Traffic of another tunnel draws nothing (the probes of T106
            # itself do); B's ping draws lines both ways, in the §1.8 format.
            ping(T.y, P + '10::1', count=2)
            self.assertNotIn(P + '10::', self.read_lines(s, 1))
            ping(T.b, INET, count=1)
            text = self.read_lines(s, 2)
            self.assertRegex(text, r'200 \[T106 +T0 +\]\[IPv6 : 2001:db8:2ff:6::2 +- 2001:db8:ffff:1::1 +'
                                   r'ttl= 6[34] proto=58 len=\d+ *plen=\d+ *\] forwarding to the kernel')
            self.assertRegex(text, r'200 \[T0 +T106 +\]\[IPv6 : 2001:db8:ffff:1::1 +- 2001:db8:2ff:6::2 .*'
                                   r'forwarding into the tunnel \(direct\)')
            # A spoofed packet: its error line and the packet's hex dump, as
            # one multi-line reply.
            code = ('import socket,struct\n'
                    'i=bytes([0x60,0,0,0,0,8,58,64])+socket.inet_pton(socket.AF_INET6,"2001:db8:2ff:6::2")'
                    '+socket.inet_pton(socket.AF_INET6,"2001:db8:ffff:1::1")+bytes([128,0,0,0,0,1,0,1])\n'
                    'o=struct.pack("!BBHHHBBH4s4s",0x45,0,20+len(i),0,0x4000,64,41,0,'
                    'socket.inet_aton("10.2.0.9"),socket.inet_aton("10.2.0.1"))+i\n'
                    's=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW)\n'
                    's.sendto(o,("10.2.0.1",0))')
            sh(['ip', 'addr', 'add', '10.2.0.9/24', 'dev', 'cb'], ns=T.b, check=False)
            sh(['python3', '-c', code], ns=T.b)
            text = self.read_lines(s, 2)
            self.assertRegex(text, r'201 \d+\n\[T106 .*tunnel_log\(Wrong Source IPv4, cnt=\d+\) src = 10\.2\.0\.9\n'
                                   r'00000000 45 00 00 44 ')
            self.assertRegex(text, r'\n200 OK\n')
            # Debugging on did not change forwarding: B still pings.
            ok, out = ping(T.b, INET, count=2)
            self.assertTrue(ok, out)
            # Another session cannot switch it off for us.
            self.assertEqual(other.cmd('tunnel set debug T106 off'), b'200 Debugging has been disabled\n')
            self.assertIn('Tunnel Debugging        : yes', ctl('tunnel show T106'))
        # The session closed: debugging stopped, another session may take it.
        wait_for(lambda: 'Tunnel Debugging        : no' in ctl('tunnel show T106'), 5, 'released')
        with sxd.Session() as s:
            self.assertEqual(s.cmd('tunnel set debug T106 on'), b'200 Debugging has been enabled\n')
            self.assertEqual(s.cmd('tunnel set debug T106 off'), b'200 Debugging has been disabled\n')

    def test_debug_unknown_and_vanishing(self):
        self.assertEqual(ctl('tunnel set debug T999 on'), '404 No such Tunnel ID (T999/T999) found\n')
        # A session that vanishes mid-stream: the daemon keeps forwarding.
        s = sxd.Session()
        s.cmd('tunnel set debug T105 on')
        flood = subprocess.Popen(['ip', 'netns', 'exec', T.i, 'ping', '-6', '-q', '-i', '0.01', '-c', '200',
                                  P + '6::2'], stdout=subprocess.PIPE, text=True)
        s.sock.close()
        out, _ = flood.communicate(timeout=30)
        self.assertIn(' 0% packet loss', out)
        wait_for(lambda: 'Tunnel Debugging        : no' in ctl('tunnel show T105'), 5, 'released')


METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def parse_metrics(text):
    """A strict reader of the Prometheus text format (0.0.4): every line a
    comment, a HELP/TYPE line or a sample; a family's samples together and
    after its TYPE; no duplicate series. Returns {(name, labels): value}."""
    samples, types, seen_families, current = {}, {}, [], None
    for n, line in enumerate(text.split('\n')[:-1], 1):
        assert line == line.strip(), 'line %d: stray blanks' % n
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            parts = line.split(' ', 3)
            assert len(parts) >= 3 and parts[3] if parts[1] == 'HELP' else len(parts) == 4, 'line %d' % n
            if parts[1] == 'TYPE':
                assert parts[3] in ('counter', 'gauge', 'summary', 'histogram', 'untyped'), line
                assert parts[2] not in types, 'line %d: second TYPE for %s' % (n, parts[2])
                types[parts[2]] = parts[3]
            continue
        assert not line.startswith('#'), 'line %d: unknown comment' % n
        m = METRIC_LINE.match(line)
        assert m, 'line %d: not a sample: %r' % (n, line)
        name, labels = m.group(1), ()
        if m.group(3):
            rest, pairs = m.group(3), []
            while rest:
                lm = LABEL.match(rest)
                assert lm, 'line %d: bad labels %r' % (n, m.group(3))
                pairs.append((lm.group(1), lm.group(2)))
                rest = rest[lm.end():]
            labels = tuple(pairs)
        assert name in types, 'line %d: %s has no TYPE' % (n, name)
        if name != current:
            assert name not in seen_families, 'line %d: %s samples not together' % (n, name)
            seen_families.append(name)
            current = name
        assert (name, labels) not in samples, 'line %d: duplicate series' % n
        samples[(name, labels)] = float(m.group(4))
    assert text.endswith('\n')
    return samples


def http(request, source=None, timeout=15):
    s = socket.create_connection(('127.0.0.1', 9180), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    try:
        s.sendall(request)
        data = b''
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        return data
    finally:
        s.close()


def scrape():
    r = http(b'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n').decode()
    head, body = r.split('\r\n\r\n', 1)
    assert head.startswith('HTTP/1.1 200 OK\r\n'), head
    assert 'Content-Length: %d\r\n' % len(body.encode()) in head, head
    return parse_metrics(body)


class Metrics(unittest.TestCase):
    def test_scrape_parses_and_moves(self):
        m0 = scrape()
        key = ('sixxsd_packets_total', (('record', 'total'), ('direction', 'in')))
        self.assertIn(key, m0)
        ping(T.b, INET, count=5, extra=['-i', '0.2'])
        m1 = scrape()
        self.assertGreaterEqual(m1[key] - m0[key], 10)  # requests in, replies in from the tun
        self.assertGreaterEqual(m1[('sixxsd_tunnels', (('type', 'direct'), ('state', 'up')))], 2)
        self.assertNotIn('sixxsd_tunnel_packets_total', {k[0] for k in m1})
        # The same through the control port, and per tunnel when asked.
        text = ctl('pop show metrics tunnels')
        body = text.split('\n', 1)[1].rsplit('200 OK\n', 1)[0]
        per = parse_metrics(body)
        self.assertGreater(per[('sixxsd_tunnel_packets_total',
                                (('tunnel', 'T106'), ('tid', '6'), ('direction', 'in')))], 0)
        self.assertEqual(ctl('pop show metrics bogus'), "400 Unknown option 'bogus'\n")

    def test_bad_requests(self):
        def status(req):
            return http(req).split(b'\r\n', 1)[0]
        self.assertEqual(status(b'POST /metrics HTTP/1.1\r\n\r\n'), b'HTTP/1.1 405 Method Not Allowed')
        self.assertEqual(status(b'GET /other HTTP/1.1\r\n\r\n'), b'HTTP/1.1 404 Not Found')
        self.assertEqual(status(b'garbage\r\n\r\n'), b'HTTP/1.1 400 Bad Request')
        # A request line and headers that fill the whole buffer, unfinished.
        huge = b'GET /metrics HTTP/1.1\r\nX: '
        self.assertEqual(status(huge + b'a' * (4096 - len(huge))),
                         b'HTTP/1.1 431 Request Header Fields Too Large')
        self.assertEqual(http(b'GET /metrics HTTP/1.1\r\n\r\n', source='127.0.0.2').split(b'\r\n', 1)[0],
                         b'HTTP/1.1 403 Forbidden')
        # One byte a second: cut off after the request timeout, meanwhile
        # everything keeps working.
        s = socket.create_connection(('127.0.0.1', 9180), timeout=20)
        t0 = time.monotonic()
        got = b''
        try:
            for ch in b'GET /metrics HTTP/1.1\r\n':
                s.sendall(bytes([ch]))
                ok, out = ping(T.b, P + '6::1', count=1)
                self.assertTrue(ok, out)
                s.settimeout(1)
                try:
                    got = s.recv(4096)
                except socket.timeout:
                    continue
                if got:
                    break
        finally:
            s.close()
        self.assertTrue(got.startswith(b'HTTP/1.1 408 Request Timeout'), got)
        self.assertLess(time.monotonic() - t0, 20)


class Stats(unittest.TestCase):
    def test_window_and_reset(self):
        ctl('tunnel stats RESET')
        # 10 pings of 1000 bytes of payload from client B (T106).
        ok, out = ping(T.b, INET, count=10, extra=['-i', '0.2', '-s', '1000'])
        self.assertTrue(ok, out)
        text = ctl('tunnel stats')
        row = [l for l in text.splitlines() if l.startswith('T106 ')][0].split()
        self.assertEqual(len(row), 11)
        in_oct, out_oct, in_pkt, out_pkt = (int(x) for x in row[1:5])
        # 10 echo requests in (1048 bytes each) and 10 replies out (+20 outer),
        # plus at most a few latency probes (1029 in / 1049 out each).
        self.assertGreaterEqual(in_pkt, 10)
        self.assertGreaterEqual(in_oct, 10 * 1048)
        self.assertGreaterEqual(out_oct, 10 * 1068)
        self.assertEqual((in_oct - 10 * 1048) % 1029, 0)
        self.assertEqual((out_oct - 10 * 1068) % 1049, 0)
        total_before = int(field('T106', 'Packets In  (Total)'))
        # RESET prints, then the window starts again at zero.
        with sxd.Session() as s:
            r = s.cmd('tunnel stats RESET').decode()
            self.assertTrue(r.startswith('201 '), r)
            after = s.cmd('tunnel stats').decode()
        self.assertIn('\ntotal 0 0 0 0\n', '\n' + after.split('\n', 1)[1])
        self.assertEqual(field('T106', 'Packets In'), '0')
        self.assertGreaterEqual(int(field('T106', 'Packets In  (Total)')), total_before)
        # Any other argument only prints (control §5.8).
        ping(T.b, INET, count=1)
        ctl('tunnel stats RESET now')
        ctl('tunnel stats reset')
        self.assertNotEqual(field('T106', 'Packets In'), '0')


if __name__ == '__main__':
    sxd.main()
