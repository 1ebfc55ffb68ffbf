#!/usr/bin/env python3
"""Spec Appendix A: the example session, byte for byte.

Configuration: the spec 8.4 example (tunnel prefix 2001:db8:2ff::/48, PoP 1
chtst01, id 1, cliacl ::1 and 127.0.0.1 ...).  Deviation 1: the reply to
`pop set id 64` ends with LF.  The whole byte stream the client receives is
compared, up to the EOF after `666 Tschau`.
"""
import unittest

import sxd

CONVERSATION = [
    ('pop get id', '200 1\n'),
    ('tunnel', "200 >> main > tunnel (use '..' or 'end' to go up one level)\n"),
    ('set', "200 >> main > tunnel > set (use '..' or 'end' to go up one level)\n"),
    ('config 20 T200 192.0.2.20 up 1480 pwpw', '200 Accepted Tunnel 20/T200\n'),
    ('config 21 T201 ayiya up 1280', '200 Accepted Tunnel 21/T201 with password\n'),
    ('config 15 T105 999.0.2.10 up 1480', '400 Invalid Tunnel_Them address (999.0.2.10)\n'),
    ('.', '200 main > tunnel > set\n'),
    ('/', '200 << main\n'),
    ('subnet set config 2001:db8:3012::/48 3 static', '400 Tunnel 3 for subnet 2001:db8:3012::/48 not found\n'),
    ('tunnel show T99999', '404 No such Tunnel ID (T99999/T99999) found\n'),
    ('tunnel list debugonly', '200 No tunnels are configured which are in debugging mode\n'),
    ('pop set id 64', '400 PoP ID out of range (64 / 64 > 64)\n'),
    ('pop set id 1', '200 Configured to ID 1\n'),
    ('quit', '666 Tschau\n'),
]

BANNER = sxd.banner('chtst01')
EXPECTED_STREAM = BANNER + b''.join(r.encode() for _, r in CONVERSATION)


class AppendixA(unittest.TestCase, sxd.BytesAssert):

    def setUp(self):
        self.d = sxd.Daemon(sxd.CONF_84)
        self.addCleanup(self.d.stop)

    def _after_checks(self):
        # The session's effects: 20 and 21 configured, 15 not (the failing
        # line changed nothing), the PoP id is still 1.
        with sxd.Session() as s:
            self.assertBytes(s.cmd('tunnel list'), sxd.multi(sxd.LIST_84[:3] + [
                'T200 2001:db8:2ff:20::2 192.0.2.20 up direct 1480 0',
                'T201 2001:db8:2ff:21::2 0.0.0.0 down none 1280 0'] + sxd.LIST_84[3:]))
            self.assertBytes(s.cmd('tunnel show T105'), b'404 No such Tunnel ID (T105/T105) found\n')
            self.assertBytes(s.cmd('pop get id'), b'200 1\n')
            self.assertBytes(s.cmd('quit'), b'666 Tschau\n')

    def test_interactive(self):
        """One line at a time, each reply awaited before the next line."""
        s = sxd.Session(read_banner=False)
        self.addCleanup(s.close)
        got = s.readline()
        self.assertBytes(got, BANNER, 'banner')
        for line, reply in CONVERSATION:
            s.send(line + '\n')
            got = s.read_reply()
            self.assertBytes(got, reply.encode(), 'reply to %r' % line)
        rest = s.read_until_eof(5)
        self.assertBytes(rest, b'', 'bytes after 666 Tschau')
        self.assertBytes(s.log, EXPECTED_STREAM, 'whole stream')
        self._after_checks()

    def test_pipelined(self):
        """The whole conversation sent in one write: same byte stream."""
        s = sxd.Session(read_banner=False)
        self.addCleanup(s.close)
        s.send(''.join(line + '\n' for line, _ in CONVERSATION))
        got = s.read_until_eof(10)
        self.assertBytes(got, EXPECTED_STREAM, 'whole stream')
        self._after_checks()

    def test_lines_after_quit_are_discarded(self):
        """exit/quit: any further lines the client already sent are discarded."""
        s = sxd.Session()
        self.addCleanup(s.close)
        self.assertBytes(s.banner, BANNER)
        s.send('pop get id\nquit\ntunnel set config 30 T300 192.0.2.30 up 1480\npop get id\n')
        self.assertBytes(s.read_until_eof(5), b'200 1\n666 Tschau\n')
        with sxd.Session() as s2:
            self.assertBytes(s2.cmd('tunnel show T300'), b'404 No such Tunnel ID (T300/T300) found\n')


if __name__ == '__main__':
    sxd.main()
