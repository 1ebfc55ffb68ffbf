#!/usr/bin/env python3
"""Bad input on the control port and in the configuration file.

Every bad line must get its clear reply (or, where the spec says so, a clean
close with `404 Tschau, closing down`), must change no state -- checked by
comparing a snapshot of many read-only commands, taken from a fresh session,
before and after -- and the daemon must keep answering new sessions.
"""
import os
import random
import re
import socket
import subprocess
import threading
import time
import unittest

import sxd
import tree
from sxd import multi

NICE = "400 It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) and not '%s'\n"

SNAP = [
    'pop get id', 'pop get name', 'pop show pops', 'pop cliacl list', 'pop tunnelprefix list',
    'pop subnetprefix list', 'tunnel list', 'tunnel list debugonly', 'pop show status', 'pop show info',
    'tunnel show T4141', 'tunnel show T5072', 'tunnel show T3740', 'tunnel show T18572', 'tunnel show T84822',
    'tunnel show 2001:db8:2ff:666::1',
    'tunnel show 2001:db8:2ff:3::1',          # unconfigured slot below the highest tid
    'tunnel show 2001:db8:2ff:667::1',        # just above the highest tid: 404
    'tunnel show 2001:db8:2ff:1000::1', 'tunnel show 2001:db8:2ff:7ffe::1',
    'tunnel show 2001:db8:3001::1', 'tunnel show 2001:db8:3002::1', 'tunnel show 2001:db8:3003::1',
    'tunnel show 2001:db8:3004::1', 'tunnel show 2001:db8:3055::1', 'tunnel show 2001:db8:3005::1',
    'tunnel show 2001:db8:4000::1', 'tunnel show 2001:db8:7000::1', 'tunnel show T300', 'tunnel show T9999',
    'tunnel get outer_endpoint T4141', 'tunnel get outer_endpoint 2001:db8:2ff:666::1',
]


def snapshot(source=None):
    with sxd.Session(source=source) as s:
        return [(c, s.cmd(c)) for c in SNAP]


class Base(unittest.TestCase, sxd.BytesAssert):
    conf = sxd.CONF_84

    @classmethod
    def setUpClass(cls):
        cls.d = sxd.Daemon(cls.conf)
        cls.base = snapshot()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def setUp(self):
        self.s = sxd.Session()
        self.addCleanup(self.s.close)

    def assertUnchanged(self, what=''):
        self.assertTrue(self.d.alive(), 'daemon died (%s)' % what)
        now = snapshot()
        for (c, b), (_c, a) in zip(self.base, now):
            self.assertBytes(a, b, 'state changed after %s: %s' % (what, c))

    def bad(self, pairs, s=None):
        """Each (line, expected reply): exact reply, then no state change."""
        s = s or self.s
        for line, exp in pairs:
            if isinstance(exp, str):
                exp = exp.encode()
            got = s.cmd(line)
            self.assertBytes(got, exp, 'reply to %r' % (line,))
            self.assertUnchanged(repr(line))
        self.assertBytes(s.cmd('pop get id'), b'200 1\n', 'same session still works')


class TestBadCommands(Base):

    def test_unknown_commands(self):
        self.bad([
            ('frobnicate', '404 Unknown command: main >> frobnicate\n'),
            ('tunnel frob', '404 Unknown command: main > tunnel >> frob\n'),
            ('pop show stats', '404 Unknown command: main > pop > show >> stats\n'),
            ('tunnel set nodebug T4141', '404 Unknown command: main > tunnel > set >> nodebug\n'),
            ('tunnel delete 0', '404 Unknown command: main > tunnel >> delete\n'),
            ('pproxy set config 1 2 localhost 80', '404 Unknown command: main >> pproxy\n'),
            ('reload', '404 Unknown command: main >> reload\n'),
            ('\\', '425 No command given!?\n'),
        ])

    def test_wrong_argument_counts(self):
        cfg = tree.TREE['tunnel set'][0][4]
        self.bad([
            ('tunnel show', tree.arity_msg('show', '<tid>', 1, 1, 0)),
            ('tunnel show T4141 T5072', tree.arity_msg('show', '<tid>', 1, 1, 2)),
            ('tunnel set config 3 T300 192.0.2.3 up', tree.arity_msg('config', cfg, 5, 6, 4)),
            ('tunnel set config 3 T300 192.0.2.3 up 1480 pw extra', tree.arity_msg('config', cfg, 5, 6, 7)),
            ('subnet set config 2001:db8:3005::/48 0', tree.arity_msg('config', '<prefix> <tunnel-id> <type>', 3, 3, 2)),
            ('pop set id', tree.arity_msg('id', '<id>', 1, 1, 0)),
            ('pop set details 3 n 192.0.2.3', tree.arity_msg('details', '<id> <name> <ipv4> <ipv6>', 4, 4, 3)),
            ('pop cliacl add', tree.arity_msg('add', '<prefix>', 1, 1, 0)),
            ('pop cliacl reset now', tree.arity_msg('reset', '', 0, 0, 1)),
            ('pop tunnelprefix add 2001:db8:2fe::/48 2001:db8:2fd::/48', tree.arity_msg('add', '<prefix>', 1, 1, 2)),
            ('tunnel set remote T4141', tree.arity_msg('remote', '<tid> <ip>', 2, 2, 1)),
            ('tunnel set debug T4141', tree.arity_msg('debug', '<tid> {on|off}', 2, 2, 1)),
            ('tunnel reseterrors',
             "404 Command 'reseterrors' requires arguments: reseterrors (all|<tid>) (min=1, max=1, given=0)\n"),
            ('pop saveconfig now', tree.arity_msg('saveconfig', '', 0, 0, 1)),
        ])
        self.assertFalse(os.path.exists(self.d.path('sixxsd.conf.old')), 'saveconfig ran despite the arity error')

    def test_invalid_tids(self):
        self.bad([
            ('tunnel set config zz T300 192.0.2.3 up 1480', '400 Invalid TID (zz) - not a hex number\n'),
            ('tunnel set config 3g T300 192.0.2.3 up 1480', '400 Invalid TID (3g) - not a hex number\n'),
            ('tunnel set config 0x T300 192.0.2.3 up 1480', '400 Invalid TID (0x) - not a hex number\n'),
            ('tunnel set config -1 T300 192.0.2.3 up 1480', '400 Invalid TID (-1) - not a hex number\n'),
            ('tunnel set config 1.5 T300 192.0.2.3 up 1480', '400 Invalid TID (1.5) - not a hex number\n'),
            ('tunnel set config 7fff T300 192.0.2.3 up 1480',
             '400 TID 0x7fff is out of range (0x7fff of each prefix is reserved)\n'),
            ('tunnel set config 8000 T300 192.0.2.3 up 1480',
             '400 TID 0x8000 is out of range (tunnel prefix 1 is not configured)\n'),
            ('tunnel set config 10000 T300 192.0.2.3 up 1480',
             '400 TID 0x10000 is out of range (tunnel prefix 2 is not configured)\n'),
            ('tunnel set config 20000 T300 192.0.2.3 up 1480', '400 TID 0x20000 is out of range (max 0x1fffe)\n'),
            ('tunnel set config 100000 T300 192.0.2.3 up 1480', '400 TID 0x100000 is out of range (max 0x1fffe)\n'),
        ])

    def test_bad_tnumbers(self):
        for t in ('X300', 'T', 'T3x', 't300', 'T-1', 'T0x10', '300', 'T 300'):
            line = 'tunnel set config 3 %s 192.0.2.3 up 1480' % (t if ' ' not in t else '"%s"' % t)
            self.bad([(line, '400 Invalid Tunnel ID (%s) - not a number\n' % t)])
        # an existing tunnel is not touched by a failing line
        self.bad([('tunnel set config 0 T41x 172.16.1.1 up 1480', '400 Invalid Tunnel ID (T41x) - not a number\n')])

    def test_tnumber_overflow(self):
        # T-numbers are unsigned 32-bit: 2^32 is not one
        self.bad([('tunnel set config 3 T4294967296 192.0.2.3 up 1480',
                   '400 Invalid Tunnel ID (T4294967296) - not a number\n')])

    def test_bad_endpoints(self):
        for ep in ('999.0.2.10', '1.2.3', '1.2.3.4.5', '2001:db8::zz', 'foo', '2001:db8:::1', 'dynamicx'):
            self.bad([('tunnel set config 3 T300 %s up 1480' % ep, '400 Invalid Tunnel_Them address (%s)\n' % ep)])
        # on an existing tunnel: nothing (T-number, MTU, address) changes
        self.bad([('tunnel set config 0 T9999 999.1.1.1 up 1280', '400 Invalid Tunnel_Them address (999.1.1.1)\n')])

    def test_bad_mtu(self):
        rng = '400 Tunnel MTU %s is outside range (1280-1480)\n'
        nan = '400 Invalid Tunnel MTU (%s) - not a number\n'
        self.bad([
            ('tunnel set config 3 T300 192.0.2.3 up 1279', rng % 1279),
            ('tunnel set config 3 T300 192.0.2.3 up 1481', rng % 1481),
            ('tunnel set config 3 T300 192.0.2.3 up 66816', rng % 66816),   # no 16-bit truncation
            ('tunnel set config 3 T300 192.0.2.3 up 0', rng % 0),
            ('tunnel set config 3 T300 192.0.2.3 up abc', nan % 'abc'),
            ('tunnel set config 3 T300 192.0.2.3 up 1280.0', nan % '1280.0'),
            ('tunnel set config 3 T300 192.0.2.3 up 1480x', nan % '1480x'),
            ('tunnel set config 3 T300 192.0.2.3 up 0x500', nan % '0x500'),
            ('tunnel set config 3 T300 192.0.2.3 up -1280', nan % '-1280'),
            # the highest tid must not be raised by a failing line
            ('tunnel set config 1000 T300 192.0.2.3 up 1279', rng % 1279),
            ('tunnel set config 7ffe T300 dynamic up 1481 pw', rng % 1481),
            # existing tunnel keeps its MTU
            ('tunnel set config 0 T4141 172.16.1.1 up 1479x', nan % '1479x'),
            ('tunnel set config 0 T4141 172.16.1.1 up 1500', rng % 1500),
        ])

    def test_long_password(self):
        pw = 'x' * 133
        self.bad([
            ('tunnel set config 3 T300 dynamic up 1280 ' + pw, '400 Password given (%s) is too long (133/133)\n' % pw),
            ('tunnel set config 1 T5072 dynamic up 1428 ' + pw, '400 Password given (%s) is too long (133/133)\n' % pw),
        ])

    def test_bad_tunnel_references(self):
        self.bad([
            ('tunnel show 0', NICE % '0'),
            ('tunnel show 2ae', NICE % '2ae'),
            ('tunnel show foo', NICE % 'foo'),
            ('tunnel show T99999', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel show 2001:db9::1', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel show 2001:db8:2ff:1000::1', '404 No such tunnel 2001:db8:2ff:1000::1\n'),
            ('tunnel get outer_endpoint foo', NICE % 'foo'),
            ('tunnel get errorpacket 2001:db9::1 "Clock Off"', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel get errorpacket T4141 "No Such Error"', '404 Unknown Error "No Such Error"\n'),
            ('tunnel set debug T99999 on', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel set debug 2001:db9::1 on', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel set remote T4141 999.1.1.1', '400 Invalid Tunnel_Them address (999.1.1.1)\n'),
            ('tunnel set remote T4141 2001:db8::zz', '400 Invalid Tunnel_Them address (2001:db8::zz)\n'),
            ('tunnel set remote 2001:db9::1 192.0.2.1', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel set remote 2001:db8:2ff:3::2 192.0.2.1', '404 Tunnel not configured: 2001:db8:2ff:3::2\n'),
            ('tunnel reseterrors 2001:db9::1', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel reseterrors foo', NICE % 'foo'),
            ('tunnel list bogus', "400 Unknown option 'bogus'\n"),
            ('tunnel list err=Foo', "404 Unknown error 'Foo'\n"),
        ])

    def test_bad_prefixes(self):
        self.bad([
            ('pop tunnelprefix add 2001:db8:2fe::/64', '400 A Prefixlength 64 not accepted (only /48 tunnel prefixes)\n'),
            ('pop tunnelprefix add 2001:db8:2fe:1::/48', '400 Tunnel Prefix 2001:db8:2fe:1::/48 has host bits set\n'),
            ('pop tunnelprefix add nonsense/48', '400 Invalid IPv6 prefix nonsense/48\n'),
            ('pop tunnelprefix add 2001:db8:3003::/48', '400 Prefix 2001:db8:3003::/48 overlaps 2001:db8:3000::/40\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix already configured\n'),
            ('pop subnetprefix add 2001:db8:5000::/44',
             "400 A Prefixlength 44 not accepted (only /48's for /56 subnets or a /40 for /48 subnets)\n"),
            ('pop subnetprefix add 2001:db8:3101::/40', '400 Subnet Prefix 2001:db8:3101::/40 has host bits set\n'),
            ('pop subnetprefix add 2001:db8:7000:1::/48', '400 Subnet Prefix 2001:db8:7000:1::/48 has host bits set\n'),
            ('pop subnetprefix add 2001:db8:3000::/48', '400 Prefix 2001:db8:3000::/48 overlaps 2001:db8:3000::/40\n'),
            ('pop subnetprefix add 2001:db8:200::/40', '400 Prefix 2001:db8:200::/40 overlaps 2001:db8:2ff::/48\n'),
            ('pop subnetprefix add zz::zz/40', '400 Invalid IPv6 prefix zz::zz/40\n'),
            ('pop subnetprefix add 2001:db8:3000::/40', '200 Subnet Prefix already configured\n'),
            ('subnet set config zz 0 static', '400 Invalid IPv6 prefix (zz)\n'),
            ('subnet set config 2001:db8:7000::0500::/56 0 static',
             '400 Invalid IPv6 prefix (2001:db8:7000::0500::/56)\n'),
            ('subnet set config 2001:db8:9999::/48 0 static',
             "400 Route 2001:db8:9999::/48 with gateway 0 doesn't have a master subnet\n"),
            ('subnet set config 2001:db8:3005::/56 0 static',
             '400 Route 2001:db8:3005::/56 is not a /48 subnet of 2001:db8:3000::/40\n'),
            ('subnet set config 2001:db8:3005:1::/48 0 static', '400 Route 2001:db8:3005:1::/48 has host bits set\n'),
            ('subnet set config 2001:db8:3005::/48 zz static', '400 Tunnel-ID zz is not a number\n'),
            ('subnet set config 2001:db8:3005::/48 fffffff static', '400 Tunnel-ID (fffffff) is out of range\n'),
        ])

    def test_subnet_to_unconfigured_tunnel(self):
        self.bad([
            ('subnet set config 2001:db8:3005::/48 3 static', '400 Tunnel 3 for subnet 2001:db8:3005::/48 not found\n'),
            ('subnet set config 2001:db8:3005::/48 1000 static',
             '400 Tunnel 1000 for subnet 2001:db8:3005::/48 not found\n'),
            # an existing subnet is not re-pointed to a missing tunnel
            ('subnet set config 2001:db8:3001::/48 3 static', '400 Tunnel 3 for subnet 2001:db8:3001::/48 not found\n'),
        ])

    def test_bad_cliacl(self):
        self.bad([
            ('pop cliacl add foo', '400 Invalid IP address foo\n'),
            ('pop cliacl add 1.2.3.4.5', '400 Invalid IP address 1.2.3.4.5\n'),
            ('pop cliacl add 10.0.0.0/8', '400 Only single addresses are accepted in the CLI ACL (10.0.0.0/8)\n'),
            ('pop cliacl add ::1', '200 CLI ACL already present\n'),
            ('pop cliacl remove 10.9.9.9', '404 CLI ACL 10.9.9.9 not found\n'),
            ('pop cliacl remove foo', '400 Invalid IP address foo\n'),
        ])

    def test_bad_pop_set(self):
        self.bad([
            ('pop set id x', '400 Non-numeric ID (x)\n'),
            ('pop set id 64', '400 PoP ID out of range (64 / 64 > 64)\n'),
            ('pop set details 1 newname 999.1.1.1 2001:db8::42', '400 Invalid IPv4 address 999.1.1.1\n'),
            ('pop set details 1 newname 192.0.2.42 2001:db8::zz', '400 Invalid IPv6 address 2001:db8::zz\n'),
            ('pop set details 64 newname 192.0.2.42 2001:db8::42', '400 PoP ID out of range (64 / 64 > 64)\n'),
            ('pop set details y newname 192.0.2.42 2001:db8::42', '400 Non-numeric ID (y)\n'),
            ('pop set verbosity 42', '500 Invalid number (42) given for verbosity (range: 0 - 41)\n'),
            ('pop set verbosity -1', '500 Invalid number (-1) given for verbosity (range: 0 - 41)\n'),
            ('pop set verbosity lots', '500 Invalid number (lots) given for verbosity (range: 0 - 41)\n'),
            ('pop set debug foo on', '400 "foo" is a wrong type for the debug command\n'),
        ])
        with sxd.Session() as s2:
            self.assertBytes(s2.banner, sxd.banner('chtst01'))


class TestBadBytes(Base):

    def test_line_1023_bytes_gets_reply(self):
        line = 'pop get id'.ljust(1023)
        self.assertEqual(len(line), 1023)
        self.assertBytes(self.s.cmd(line), b'200 1\n')
        line = ('#' + 'x' * 1022)
        self.assertBytes(self.s.cmd(line), b'200 I appreciate your comments\n')
        line = 'tunnel show T4141'.ljust(1023, '\t')
        self.assertEqual(self.s.cmd(line), dict(self.base)['tunnel show T4141'])
        self.assertBytes(self.s.cmd('pop get id'), b'200 1\n')
        self.assertUnchanged('1023-byte lines')

    def test_line_1024_bytes_closes(self):
        line = 'tunnel set config 3 T300 192.0.2.3 up 1480'.ljust(1024)
        self.s.send('pop get id\n' + line + '\npop get name\n')
        got = self.s.read_until_eof(5)
        self.assertBytes(got, b'200 1\n' + sxd.TSCHAU_CLOSING)
        self.assertUnchanged('1024-byte line')

    def test_long_line_without_lf_closes(self):
        # the daemon must not wait for an LF that never comes
        self.s.send('pop get id ' + 'y' * 3000)
        got = self.s.read_until_eof(5)
        self.assertBytes(got, sxd.TSCHAU_CLOSING)
        self.assertUnchanged('3000 bytes without LF')

    def test_huge_line_closes(self):
        s = self.s
        try:
            s.send(b'z' * 100000 + b'\n')
        except OSError:
            pass    # the daemon may close while we are still sending
        got = s.read_until_eof(5)
        self.assertTrue(got.endswith(sxd.TSCHAU_CLOSING) or got == b'', got[:200])
        self.assertUnchanged('100000-byte line')

    def test_nul_bytes(self):
        s = self.s
        # a NUL truncates the line
        s.send(b'pop get id\x00 garbage here\n')
        self.assertBytes(s.read_reply(), b'200 1\n')
        s.send(b'tunnel set config 3\x00 T300 192.0.2.3 up 1480\n')
        self.assertBytes(s.read_reply(), tree.arity_msg('config', tree.TREE['tunnel set'][0][4], 5, 6, 1))
        # a line starting with NUL is truncated to nothing: not an empty
        # line at the framing level (spec 1.4: bytes precede the LF), so the
        # interpreter sees "" (spec 2.1 step 2); nothing is executed
        s.send(b'\x00tunnel set config 3 T300 192.0.2.3 up 1480\npop get name\n')
        self.assertBytes(s.read_reply(), b'200 Thank you for your empty line\n')
        self.assertBytes(s.read_reply(), b'200 chtst01\n')
        # the statistics collector's stray NUL after its command
        s.send(b'tunnel stats RESET\r\n\x00')
        got = s.read_reply()
        self.assertRegex(got.decode(), r'^201 2\ntotal \d+ \d+ \d+ \d+\nuplink \d+ \d+ \d+ \d+\n200 OK\n$')
        self.assertBytes(s.pending(0.3), b'', 'reply to a lone NUL without LF')
        s.send(b'\npop get id\n')
        self.assertBytes(s.read_reply(), b'200 Thank you for your empty line\n')
        self.assertBytes(s.read_reply(), b'200 1\n')
        self.assertBytes(s.pending(0.3), b'')
        self.assertUnchanged('NUL bytes')

    def test_binary_bytes(self):
        s = self.s
        got = s.cmd(b'\x01\x02\xfe\xff')
        self.assertBytes(got, b'404 Unknown command: main >> \x01\x02\xfe\xff\n')
        got = s.cmd(b'pop \x80\x81\x7f id')
        self.assertBytes(got, b'404 Unknown command: main > pop >> \x80\x81\x7f\n')
        got = s.cmd(b'tunnel show \xc3\x28\xa0')
        self.assertBytes(got, (NICE % '').encode().replace(b"''", b"'\xc3\x28\xa0'"))
        self.assertUnchanged('binary bytes')
        # random binary lines (no LF, CR, NUL): exactly one reply each
        rnd = random.Random(42003)
        for i in range(50):
            n = rnd.randint(1, 900)
            data = bytes(b for b in (rnd.randrange(256) for _ in range(n)) if b not in (0, 10, 13))
            if data.lstrip(b' \t') == b'' or data.lstrip(b' \t')[:1] in (b'#', b'/'):
                continue
            got = s.cmd(data)
            self.assertRegex(got.decode('latin-1'), r'^(\d\d\d [^\n]*\n|[2-5]01 \d+\n(?s:.*)\n\d\d\d OK\n)$',
                             'random line %d' % i)
            self.assertBytes(s.cmd('pop get id'), b'200 1\n', 'after random line %d' % i)
        self.assertUnchanged('random binary lines')


class TestPeers(Base):

    def test_not_on_acl_ipv4(self):
        got = sxd.read_all('127.0.0.1', source='127.0.0.2')
        self.assertBytes(got, sxd.http301('127.0.0.2'))
        # sending something does not change the answer
        s = sxd.Session(source='127.0.0.3', read_banner=False)
        try:
            s.send('pop shutdown\n')
        except OSError:
            pass
        got = s.read_until_eof(5)
        s.close()
        self.assertBytes(got, sxd.http301('127.0.0.3'))
        self.assertUnchanged('not-on-ACL peers')

    def test_not_on_acl_ipv6(self):
        r = subprocess.run(['ip', 'addr', 'add', '2001:db8::5/128', 'dev', 'lo', 'nodad'],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.addCleanup(subprocess.run, ['ip', 'addr', 'del', '2001:db8::5/128', 'dev', 'lo'],
                        capture_output=True, timeout=10)
        got = sxd.read_all('::1', source='2001:db8::5')
        self.assertBytes(got, sxd.http301('2001:db8::5'))
        # ::1 itself is on the ACL
        with sxd.Session(host='::1') as s:
            self.assertBytes(s.banner, sxd.banner('chtst01'))
            self.assertBytes(s.cmd('pop get id'), b'200 1\n')

    def test_200_connections(self):
        sessions = []
        try:
            for i in range(200):
                host = '::1' if i % 2 else '127.0.0.1'
                sessions.append(sxd.Session(host=host, timeout=10))
            for i, s in enumerate(sessions):
                self.assertBytes(s.banner, sxd.banner('chtst01'), 'banner of session %d' % i)
            for s in sessions:
                s.send('pop get id\n')
            for i, s in enumerate(sessions):
                self.assertBytes(s.read_reply(), b'200 1\n', 'session %d' % i)
            for s in sessions:
                s.send('quit\n')
            for i, s in enumerate(sessions):
                self.assertBytes(s.read_until_eof(10), b'666 Tschau\n', 'session %d' % i)
        finally:
            for s in sessions:
                s.close()
        self.assertUnchanged('200 sessions')

    def test_200_connections_threads(self):
        """200 clients at once, each in its own thread."""
        errors = []
        barrier = threading.Barrier(200, timeout=30)

        def client(i):
            try:
                with sxd.Session(timeout=15) as s:
                    if s.banner != sxd.banner('chtst01'):
                        errors.append((i, 'banner', s.banner))
                    barrier.wait()
                    got = s.cmd('pop get id')
                    if got != b'200 1\n':
                        errors.append((i, 'reply', got))
            except Exception as e:  # noqa
                errors.append((i, 'exception', repr(e)))
        ts = [threading.Thread(target=client, args=(i,)) for i in range(200)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(errors[:5], [])
        self.assertUnchanged('200 threaded sessions')

    def test_udp_datagram(self):
        cpu0 = self.d.cpu_seconds()
        for fam, addr in ((socket.AF_INET, ('127.0.0.1', sxd.PORT)), (socket.AF_INET6, ('::1', sxd.PORT))):
            u = socket.socket(fam, socket.SOCK_DGRAM)
            try:
                u.sendto(b'pop shutdown\n', addr)
                u.sendto(b'\x00' * 100, addr)
            finally:
                u.close()
        time.sleep(2)
        used = self.d.cpu_seconds() - cpu0
        self.assertLess(used, 0.5, 'daemon used %.2f s CPU in 2 s after UDP datagrams (spinning?)' % used)
        self.assertBytes(self.s.cmd('pop get id'), b'200 1\n')
        self.assertUnchanged('UDP datagrams')


class TestIdleTimeout(unittest.TestCase, sxd.BytesAssert):

    def test_idle_timeout(self):
        with sxd.Daemon(sxd.CONF_84, idle_timeout=2):
            t0 = time.monotonic()
            fresh = sxd.Session(timeout=10)
            after_cmd = sxd.Session(timeout=10)
            in_ctx = sxd.Session(timeout=10)
            active = sxd.Session(timeout=10)
            try:
                self.assertBytes(after_cmd.cmd('pop get id'), b'200 1\n')
                self.assertBytes(in_ctx.cmd('tunnel set'),
                                 b"200 >> main > tunnel > set (use '..' or 'end' to go up one level)\n")
                t1 = time.monotonic()
                # an active session is not cut: a command every 0.5 s for 4 s
                while time.monotonic() - t1 < 4:
                    self.assertBytes(active.cmd('pop get id'), b'200 1\n')
                    time.sleep(0.5)
                for name, s, start in (('fresh', fresh, t0), ('after a command', after_cmd, t1),
                                       ('inside a context', in_ctx, t1)):
                    got = s.read_until_eof(6)
                    el = time.monotonic() - start
                    self.assertBytes(got, sxd.TSCHAU_TIMEOUT, name)
                # the active one times out once it goes quiet
                t2 = time.monotonic()
                got = active.read_until_eof(6)
                el = time.monotonic() - t2
                self.assertBytes(got, sxd.TSCHAU_TIMEOUT, 'active session after going quiet')
                self.assertGreaterEqual(el, 1.0, 'timed out too early (%.1f s)' % el)
                self.assertLessEqual(el, 5.0, 'timed out too late (%.1f s)' % el)
            finally:
                for s in (fresh, after_cmd, in_ctx, active):
                    s.close()
            # fresh sessions still work
            with sxd.Session() as s:
                self.assertBytes(s.cmd('pop get id'), b'200 1\n')

    def test_idle_timeout_timing(self):
        with sxd.Daemon(sxd.CONF_84, idle_timeout=2):
            s = sxd.Session(timeout=10)
            try:
                t0 = time.monotonic()
                self.assertBytes(s.cmd('pop get name'), b'200 chtst01\n')
                got = s.read_until_eof(6)
                el = time.monotonic() - t0
                self.assertBytes(got, sxd.TSCHAU_TIMEOUT)
                self.assertGreaterEqual(el, 1.5, 'timed out too early (%.1f s)' % el)
                self.assertLessEqual(el, 5.0, 'timed out too late (%.1f s)' % el)
            finally:
                s.close()


# --------------------------------------------------------------------------
# Configuration files

BAD_CONF = (
    '# a comment on line 1\n'
    'pop set details 1 chtst01 192.0.2.42 2001:db8::42\n'
    '\n'
    'pop set id 1\n'
    'pop cliacl add 127.0.0.1\n'
    '   # indented comment, line 6\n'
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'tunnel set config 0 T4141 172.16.1.1 up 1279\n'
    'pop cliacl add ::1\n'
)
BAD_REPLIES = (
    b'200 PoP details updated\n'
    b'200 Configured to ID 1\n'
    b'200 CLI ACL added\n'
    b'200 Tunnel Prefix 2001:db8:2ff::/48 configured\n'
    b'400 Tunnel MTU 1279 is outside range (1280-1480)\n'
)


class TestConfigFile(unittest.TestCase, sxd.BytesAssert):

    def run_bad(self, conf, name='bad.conf'):
        rc, out, err, opened = sxd.run_config(conf, conf_name=name)
        self.assertIsNotNone(rc, 'daemon did not exit within 10 s on a bad configuration')
        self.assertFalse(opened, 'control port opened despite the bad configuration')
        return rc, out, err

    def code_line(self, out, code, n, name='bad.conf'):
        m = re.search(r'Code %d occured on line (\d+) of (\S+)\n' % code, out)
        self.assertTrue(m, 'no "Code %d occured on line ..." in stdout:\n%s' % (code, out))
        self.assertEqual(int(m.group(1)), n, out)
        self.assertTrue(m.group(2) == name or m.group(2).endswith('/' + name), m.group(2))

    def test_bad_line(self):
        rc, out, err = self.run_bad(BAD_CONF)
        self.assertNotEqual(rc, 0)
        self.assertIn(BAD_REPLIES.decode(), out)
        self.code_line(out, 400, 8)

    def test_bad_line_spec_framing(self):
        # spec 8.1: exit status = code & 0xff; the error report is a
        # multi-line reply right after the failing line's reply
        rc, out, err = self.run_bad(BAD_CONF)
        self.assertEqual(rc, 400 & 0xff)
        self.assertIn(BAD_REPLIES.decode() + '401 2\nCode 400 occured on line 8 of bad.conf\n'
                      'Loading configuration failed\n400 OK\n', out)

    def test_unknown_command_line(self):
        conf = 'pop cliacl add 127.0.0.1\n\n\n# c\nfrobnicate now\npop set id 1\n'
        rc, out, err = self.run_bad(conf)
        self.assertNotEqual(rc, 0)
        self.assertIn('200 CLI ACL added\n404 Unknown command: main >> frobnicate\n', out)
        self.code_line(out, 404, 5)

    def test_bad_last_line_without_lf_crlf(self):
        conf = b'pop cliacl add 127.0.0.1\r\n# comment\r\n\r\npop set id 99'
        rc, out, err = self.run_bad(conf)
        self.assertNotEqual(rc, 0)
        self.assertIn('400 PoP ID out of range (99 / 99 > 64)\n', out)
        self.code_line(out, 400, 4)

    def test_nested_context_error(self):
        conf = sxd.CONF_84.replace('\t\tconfig 2ae T18572', '\t\tconfig 2ae T18x572')
        rc, out, err = self.run_bad(conf)
        self.assertNotEqual(rc, 0)
        self.assertIn('400 Invalid Tunnel ID (T18x572) - not a number\n', out)
        self.code_line(out, 400, 30)

    def test_shutdown_in_config(self):
        rc, out, err = self.run_bad('pop cliacl add 127.0.0.1\npop shutdown\npop set id 1\n')
        self.assertNotEqual(rc, 0)
        self.assertIn('666 Tschau, shutting down\n', out)
        self.code_line(out, 666, 2)

    def test_missing_file(self):
        rc, out, err, opened = sxd.run_config(None, conf_name='missing.conf')
        self.assertIsNotNone(rc, 'daemon did not exit without its configuration file')
        self.assertFalse(opened)
        self.assertNotEqual(rc, 0)
        self.assertIn("Could not open file 'missing.conf'", out + err)

    def test_crlf_without_final_lf_loads(self):
        conf = (b'# CRLF configuration\r\n'
                b'\r\n'
                b'pop\r\n'
                b'\tset\r\n'
                b'\t\tdetails 7 chtst07 192.0.2.7 2001:db8::7\r\n'
                b'\t\tid 7\r\n'
                b'\tend\r\n'
                b'\ttunnelprefix add 2001:db8:2ff::/48\r\n'
                b'\tcliacl\r\n'
                b'\t\tadd ::1\r\n'
                b'\tend\r\n'
                b'end\r\n'
                b'tunnel set config 0 T4141 dynamic up 1480 secret\r\n'
                b'pop cliacl add 127.0.0.1')
        with sxd.Daemon(conf):
            with sxd.Session() as s:
                self.assertBytes(s.banner, sxd.banner('chtst07'))
                self.assertBytes(s.cmd('pop get id'), b'200 7\n')
                self.assertBytes(s.cmd('pop cliacl list'), multi(['::1', '127.0.0.1']))
                self.assertBytes(s.cmd('tunnel list'), b'200 T4141 2001:db8:2ff:0::2 0.0.0.0 down none 1480 0\n')
                got = s.cmd('tunnel show T4141')
                self.assertIn(b'\nHeartbeat Password      : secret\n', got)


if __name__ == '__main__':
    sxd.main()
