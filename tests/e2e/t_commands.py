#!/usr/bin/env python3
"""Byte-exact replies of every control-port command (spec 2-6, 8.4, App. B)
with the deviations of /tmp/deviations.md applied.

Read-only checks share one daemon per class; every test that changes state
starts its own daemon.
"""
import os
import re
import time
import unittest

import sxd
import tree
from sxd import multi

P = '2001:db8:2ff:'          # prefix text of the CONF_84 tunnel prefix
ENTER = "200 >> %s (use '..' or 'end' to go up one level)\n"

APPENDIX_B = (
    '201 48\n'
    'Tunnel ID               : T5072\n'
    'TID                     : 0x1\n'
    'Tunnel Debugging        : no\n'
    'Inner Us                : 2001:db8:2ff:1::1\n'
    'Inner Them              : 2001:db8:2ff:1::2\n'
    'Outer Us                : ::\n'
    'Outer Them              : 0.0.0.0\n'
    'MTU                     : 1428\n'
    'Tunnel State            : down\n'
    'Tunnel Type             : none\n'
    'Dynamic Tunnel          : yes\n'
    'Last Heartbeat          : never\n'
    'Heartbeat Password      : f3d47c2de40fb698e1ab15d757a09bfc\n'
    'Packet In               : never\n'
    'Packets In              : 0\n'
    'Packets In  (Total)     : 0\n'
    'Octets In               : 0\n'
    'Octets In  (Total)      : 0\n'
    'Packet Out              : never\n'
    'Packets Out             : 0\n'
    'Packets Out (Total)     : 0\n'
    'Octets Out              : 0\n'
    'Octets Out (Total)      : 0\n'
    'Latency Pkt Sent        : 0\n'
    'Latency Pkt Recv        : 0\n'
    'Encap.Pkt Too Big       : none\n'
    'Disabled tunnel         : none\n'
    'Clock Off               : none\n'
    'Encap.Pkt Send Error    : none\n'
    'Same In&Out Interface   : none\n'
    'Wrong Source IPv6       : none\n'
    'Wrong Source IPv4       : none\n'
    'Packet over uplink      : none\n'
    'Non-IPv6 Payload        : none\n'
    'Non-IPv4 Payload        : none\n'
    'AYIYA Hash Fail         : none\n'
    'AYIYA-non-AYIYA         : none\n'
    'AYIYA Invalid Forward   : none\n'
    'Heartbeat Hash Fail     : none\n'
    'HB-non-HB               : none\n'
    'HB Missing sender       : none\n'
    'HB Sender Mismatch      : none\n'
    'HB Missing Time         : none\n'
    'ICMPv4 Errors Received  : none\n'
    'ICMPv4 Echo Req. Recv.  : none\n'
    'Wrong Payload           : none\n'
    'Replay Dropped          : none\n'
    'Endpoint Move Refused   : none\n'
    '200 OK\n').encode()

PW1 = 'f3d47c2de40fb698e1ab15d757a09bfc'
PW2 = '91915d757a09bfc94d5028832d85cc0d'
PW2AE = '8fd1ca39af3d47c2de40fb698e1abc9a'
PW42C = 'eb293433ad7898bd67952f941f6fbea1'


def show_4141(**kw):
    a = dict(tn=4141, tid=0, ptext=P, outer_them='172.16.1.1', mtu=1480, state='up',
             ttype='direct', dynamic=False)
    a.update(kw)
    return sxd.tunnel_show(**a)


def show_5072(**kw):
    a = dict(tn=5072, tid=1, ptext=P, outer_them='0.0.0.0', mtu=1428, state='down',
             ttype='none', dynamic=True, password=PW1)
    a.update(kw)
    return sxd.tunnel_show(**a)


def show_666(**kw):
    a = dict(tn=84822, tid=0x666, ptext=P, outer_them='198.18.1.1', mtu=1280,
             state='disabled', ttype='direct', dynamic=False)
    a.update(kw)
    return sxd.tunnel_show(**a)


def show_42c(**kw):
    a = dict(tn=84822, tid=0x42c, ptext=P, outer_them='0.0.0.0', mtu=1280, state='down',
             ttype='none', dynamic=True, password=PW42C)
    a.update(kw)
    return sxd.tunnel_show(**a)


def show_2ae(**kw):
    a = dict(tn=18572, tid=0x2ae, ptext=P, outer_them='0.0.0.0', mtu=1280, state='down',
             ttype='none', dynamic=True, password=PW2AE)
    a.update(kw)
    return sxd.tunnel_show(**a)


def show_3740(**kw):
    a = dict(tn=3740, tid=2, ptext=P, outer_them='0.0.0.0', mtu=1280, state='down',
             ttype='none', dynamic=True, password=PW2)
    a.update(kw)
    return sxd.tunnel_show(**a)


def wait_for(fn, timeout=3.0):
    """Poll fn() until it returns a true value (bounded)."""
    end = time.monotonic() + timeout
    v = fn()
    while not v and time.monotonic() < end:
        time.sleep(0.1)
        v = fn()
    return v


class Base(unittest.TestCase, sxd.BytesAssert):
    conf = sxd.CONF_84

    def session(self, **kw):
        s = sxd.Session(**kw)
        self.addCleanup(s.close)
        return s

    def check(self, s, line, exp, msg=''):
        if isinstance(exp, str):
            exp = exp.encode()
        got = s.cmd(line)
        self.assertBytes(got, exp, msg or 'reply to %r' % (line,))
        return got

    def checks(self, s, pairs):
        for line, exp in pairs:
            self.check(s, line, exp)


class Shared(Base):
    """One daemon for a class of read-only tests."""

    @classmethod
    def setUpClass(cls):
        cls.d = sxd.Daemon(cls.conf)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def setUp(self):
        self.s = self.session()


class Own(Base):
    """A fresh daemon for every test."""

    def setUp(self):
        self.d = sxd.Daemon(self.conf)
        self.addCleanup(self.d.stop)
        self.s = self.session()


# ==========================================================================
# Interpreter: help, fullhelp, navigation, tokenisation, arity, unknown


class TestHelp(Shared):

    def test_help_main_lists_no_pproxy(self):
        self.check(self.s, 'help', tree.help_reply('main'))
        self.assertTrue(tree.help_reply('main').startswith(b'201 5\n'))

    def test_help_every_context_oneshot(self):
        for key in tree.contexts():
            line = 'help' if key == 'main' else key + ' help'
            self.check(self.s, line, tree.help_reply(key))
            # a one-shot command leaves the session in main
            self.check(self.s, '.', '200 main\n')

    def test_help_every_context_entered(self):
        for key in tree.contexts():
            if key == 'main':
                continue
            words = key.split()
            for i, w in enumerate(words):
                self.check(self.s, w, ENTER % tree.path_of(tree.labels_of(' '.join(words[:i + 1]))))
            self.check(self.s, 'help', tree.help_reply(key))
            self.check(self.s, '/', '200 << main\n')

    def test_help_keywords_case_insensitive(self):
        # spec 2.2: command names are matched case-insensitively (the
        # historic interpreter compares help/fullhelp/../end with strcasecmp)
        self.check(self.s, 'HELP', tree.help_reply('main'))
        self.check(self.s, 'Tunnel Set Help', tree.help_reply('tunnel set'))
        self.check(self.s, 'FullHelp', tree.fullhelp_reply('main'))
        self.check(self.s, 'pop', ENTER % 'main > pop')
        self.check(self.s, 'END', '200 << main\n')

    def test_help_cmd_context(self):
        self.check(self.s, 'cmd help', multi([
            '%-24s%-22s%4s %s' % ('exit', '', '', 'Exit'),
            '%-24s%-22s%4s %s' % ('help', '', '', 'Help topics')]))

    def test_help_tunnel_set_spec_example(self):
        exp = ('201 4\n'
               'config                  <tid> <tunnel-id> <tunnel_them|ayiya|heartbeat> <up|disabled> <mtu> [<password>]     Configure a tunnel\n'
               'debug                   <tid> {on|off}             Enable/Disable debugging\n'
               'remote                  <tid> <ip>                 Set the remote address\n'
               'help                                               Help topics\n'
               '200 OK\n')
        self.check(self.s, 'tunnel set help', exp)

    def test_fullhelp_main_line_count(self):
        got = self.s.cmd('fullhelp')
        # spec: 178 lines from main with pproxy; without pproxy its entry line
        # and its 18-line block are gone: 159 lines
        self.assertEqual(got.split(b'\n', 1)[0], b'201 %d' % len(tree.fullhelp_text('main')))
        self.assertEqual(len(tree.fullhelp_text('main')), 160)  # + pop show metrics

    def test_fullhelp_main_content(self):
        self.check(self.s, 'fullhelp', tree.fullhelp_reply('main'))
        self.check(self.s, '.', '200 main\n')

    def test_fullhelp_subcontexts(self):
        for key in ('tunnel', 'pop', 'pop show', 'cmd'):
            self.check(self.s, key + ' fullhelp', tree.fullhelp_reply(key))
            self.check(self.s, '.', '200 main\n')


class TestNavigation(Shared):

    def test_spec_example(self):
        """spec 2.3 example (id / prefix / ACL already as configured)."""
        self.checks(self.s, [
            ('pop', ENTER % 'main > pop'),
            ('set', ENTER % 'main > pop > set'),
            ('id 1', '200 Configured to ID 1\n'),
            ('end', '200 << main > pop\n'),
            ('tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix already configured\n'),
            ('cliacl', ENTER % 'main > pop > show'),
            ('add ::1', '200 CLI ACL already present\n'),
            ('end', '200 << main > pop\n'),
            ('end', '200 << main\n'),
            ('end', '404 Unknown command: main >> end\n'),
            ('..', '404 Unknown command: main >> ..\n'),
        ])

    def test_dot_everywhere(self):
        self.checks(self.s, [
            ('.', '200 main\n'),
            ('pop .', '200 main\n'),            # quirk: before entering pop
            ('pop set .', '200 main > pop\n'),
            ('pop', ENTER % 'main > pop'),
            ('.', '200 main > pop\n'),
            ('set', ENTER % 'main > pop > set'),
            ('.', '200 main > pop > set\n'),
            ('..', '200 << main > pop\n'),
            ('tunnelprefix', ENTER % 'main > pop > show'),
            ('.', '200 main > pop > show\n'),
            ('..', '200 << main > pop\n'),
            ('subnetprefix', ENTER % 'main > pop > show'),
            ('..', '200 << main > pop\n'),
            ('get', ENTER % 'main > pop > get'),
            ('..', '200 << main > pop\n'),
            ('show', ENTER % 'main > pop > show'),
            ('.', '200 main > pop > show\n'),
            ('/', '200 << main\n'),
            ('/', '200 << main\n'),
        ])

    def test_oneshot_keeps_context(self):
        self.checks(self.s, [
            ('pop get id', '200 1\n'),
            ('.', '200 main\n'),
            ('tunnel', ENTER % 'main > tunnel'),
            ('set', ENTER % 'main > tunnel > set'),
            ('/ pop get id', '200 1\n'),
            ('.', '200 main > tunnel > set\n'),
            ('.. get outer_endpoint T4141', '200 172.16.1.1\n'),
            ('.', '200 main > tunnel > set\n'),
            ('.. .. pop get name', '200 chtst01\n'),
            ('.', '200 main > tunnel > set\n'),
            ('config zz T1 dynamic up 1280', '400 Invalid TID (zz) - not a hex number\n'),
            ('.', '200 main > tunnel > set\n'),
            ('end end', '200 << main\n'),
            ('.', '200 main\n'),
        ])

    def test_oneshot_enter_persists(self):
        self.checks(self.s, [
            ('tunnel set', ENTER % 'main > tunnel > set'),
            ('.', '200 main > tunnel > set\n'),
            ('/ pop show', ENTER % 'main > pop > show'),
            ('.', '200 main > pop > show\n'),
            ('.. ..', '200 << main\n'),
            ('.', '200 main\n'),
        ])

    def test_dotdot_runs_in_parent(self):
        self.check(self.s, 'pop', ENTER % 'main > pop')
        self.check(self.s, 'set', ENTER % 'main > pop > set')
        self.check(self.s, '.. show status', multi(sxd.STATUS_84))
        self.check(self.s, '.', '200 main > pop > set\n')

    def test_no_lookup_through_parents(self):
        self.checks(self.s, [
            ('pop', ENTER % 'main > pop'),
            ('pop get id', '404 Unknown command: main > pop >> pop\n'),
            ('.. pop get id', '200 1\n'),
            ('get id', '200 1\n'),
            ('.', '200 main > pop\n'),
            ('tunnel list', '404 Unknown command: main > pop >> tunnel\n'),
        ])

    def test_case_insensitive(self):
        self.check(self.s, 'POP Get ID', '200 1\n')
        self.check(self.s, 'TUNNEL LIST ALL', multi(sxd.LIST_84))
        self.check(self.s, 'Tunnel Show T4141', show_4141())

    def test_quoted_command_word_prefix_match(self):
        """spec 2.3 step 6: "pop get id" matches the entry pop, the rest is ignored."""
        self.check(self.s, '"pop get id"', ENTER % 'main > pop')
        self.check(self.s, '.', '200 main > pop\n')

    def test_cmd_context(self):
        self.check(self.s, 'cmd', ENTER % 'main > cmd')
        self.check(self.s, '.', '200 main > cmd\n')
        self.check(self.s, '..', '200 << main\n')


class TestTokenise(Shared):

    def test_comments_and_blank(self):
        self.checks(self.s, [
            ('# a comment', '200 I appreciate your comments\n'),
            ('   \t# indented comment', '200 I appreciate your comments\n'),
            ('// slashes', '200 I appreciate your comments\n'),
            ('//', '200 I appreciate your comments\n'),
            ('   ', '200 Thank you for your empty line\n'),
            ('\t \t', '200 Thank you for your empty line\n'),
            ('pop get id #x', tree.arity_msg('id', '', 0, 0, 1)),
        ])

    def test_empty_lines_get_no_reply(self):
        # deviation 2: an empty line gets no reply and the following
        # pipelined lines are processed at once
        self.s.send('\n\r\npop get id\n\n\npop get name\n')
        self.assertBytes(self.s.read_reply(), b'200 1\n')
        self.assertBytes(self.s.read_reply(), b'200 chtst01\n')
        self.assertBytes(self.s.pending(0.5), b'')

    def test_crlf(self):
        self.s.send('pop get id\r\npop get name\r\n')
        self.assertBytes(self.s.read_reply(), b'200 1\n')
        self.assertBytes(self.s.read_reply(), b'200 chtst01\n')

    def test_quotes_and_escapes(self):
        self.checks(self.s, [
            ('pop get "id"', '200 1\n'),
            ('"pop" "get" id', '200 1\n'),
            ('pop g\\et id', '200 1\n'),
            ('pop get \\id', '200 1\n'),          # deviation 19
            ('\t  pop   get \t id  ', '200 1\n'),
            ('pop get "id"x', '200 1\n'),         # text glued after a closing quote is dropped
            ('pop get "id', '200 1\n'),           # unterminated quote runs to the end
            ('\\', '425 No command given!?\n'),
        ])

    def test_at_most_128_arguments(self):
        self.check(self.s, 'tunnel show' + ' x' * 200, tree.arity_msg('show', '<tid>', 1, 1, 126))


class TestArity(Shared):

    def test_every_leaf(self):
        for key, name, mn, mx, opts in tree.leaves():
            words = [] if key == 'main' else key.split()
            if key == 'tunnel' and name == 'reseterrors':
                continue   # below
            if mx != tree.INF:
                line = ' '.join(words + [name] + ['a'] * (mx + 1))
                self.check(self.s, line, tree.arity_msg(name, opts, mn, mx, mx + 1))
            if mn > 0:
                line = ' '.join(words + [name] + ['a'] * (mn - 1))
                self.check(self.s, line, tree.arity_msg(name, opts, mn, mx, mn - 1))

    def test_reseterrors_without_argument(self):
        # deviation 6
        self.check(self.s, 'tunnel reseterrors',
                   "404 Command 'reseterrors' requires arguments: reseterrors (all|<tid>) (min=1, max=1, given=0)\n")
        got = self.s.cmd('tunnel reseterrors all T4141')
        self.assertRegex(got.decode(), r"^404 Command 'reseterrors' requires arguments: reseterrors \(all\|<tid>\) "
                                       r"\(min=[01], max=1, given=2\)\n$")
        self.check(self.s, 'pop get id', '200 1\n')

    def test_empty_option_text_two_spaces(self):
        self.check(self.s, 'pop saveconfig now',
                   "404 Command 'saveconfig' requires arguments: saveconfig  (min=0, max=0, given=1)\n")
        self.check(self.s, 'tunnel stats RESET now',
                   "404 Command 'stats' requires arguments: stats  (min=0, max=1, given=2)\n")


class TestUnknown(Shared):

    def test_unknown(self):
        self.checks(self.s, [
            ('foo', '404 Unknown command: main >> foo\n'),
            ('pop foo', '404 Unknown command: main > pop >> foo\n'),
            ('pop show stats', '404 Unknown command: main > pop > show >> stats\n'),
            ('pop cliacl foo', '404 Unknown command: main > pop > show >> foo\n'),
            ('tunnel set nodebug T4141', '404 Unknown command: main > tunnel > set >> nodebug\n'),
            ('tunnel get foo', '404 Unknown command: main > tunnel > get >> foo\n'),
            ('subnet set foo', '404 Unknown command: main > subnet > set >> foo\n'),
            ('pop sh', '404 Unknown command: main > pop >> sh\n'),      # no abbreviations
            ('pproxy', '404 Unknown command: main >> pproxy\n'),     # deviation 5
            ('pproxy set config 1 2 localhost 80', '404 Unknown command: main >> pproxy\n'),
        ])

    def test_unknown_inside_context(self):
        self.check(self.s, 'tunnel', ENTER % 'main > tunnel')
        self.check(self.s, 'frob', '404 Unknown command: main > tunnel >> frob\n')
        self.check(self.s, '.', '200 main > tunnel\n')


class TestExit(Shared):

    def _bye(self, lines, reply=b'666 Tschau\n'):
        with sxd.Session() as s:
            for l in lines[:-1]:
                s.cmd(l)
            s.send(lines[-1] + '\n')
            self.assertBytes(s.read_until_eof(5), reply, 'after %r' % (lines,))

    def test_exit_quit_everywhere(self):
        self._bye(['exit'])
        self._bye(['quit'])
        self._bye(['QUIT'])
        self._bye(['exit now please'])
        self._bye(['cmd exit'])
        self._bye(['cmd', 'quit'])
        self._bye(['pop set quit'])
        self._bye(['tunnel', 'set', 'exit'])
        self._bye(['pop', 'cliacl', 'quit'])
        self._bye(['subnet', 'exit'])

    def test_client_close_does_not_hurt(self):
        for _ in range(5):
            s = sxd.Session()
            s.send('pop get')
            s.close()
        self.check(self.s, 'pop get id', '200 1\n')


# ==========================================================================
# pop


class TestPopRead(Shared):

    def test_banner(self):
        self.assertBytes(self.s.banner, sxd.banner('chtst01'))

    def test_get(self):
        self.check(self.s, 'pop get id', '200 1\n')
        self.check(self.s, 'pop get name', '200 chtst01\n')

    def test_show_info(self):
        self.check(self.s, 'pop show info', multi([
            'PoP Name                : chtst01',
            'Running                 : yes',
            'Verbosity Level         : 0',
            'Verbose SixXSd          : yes',
            '        AYIYA           : yes',
            '        Common          : yes',
            '        Config          : yes',
            '        Prefix          : yes',
            '        Thread          : yes']))

    def test_show_pops(self):
        self.check(self.s, 'pop show pops', multi([
            '1 chtst01 192.0.2.42 2001:db8::42',
            '2 chtst02 192.0.2.66 2001:db8::66']))

    def test_show_status(self):
        # always multi-line, 4 lines (monitoring contract, spec 4.8/9)
        self.check(self.s, 'pop show status', multi(sxd.STATUS_84))

    def test_show_version(self):
        got = self.s.cmd('pop show version').decode()
        lines = got.split('\n')
        self.assertEqual(lines[0], '201 8')
        self.assertEqual(lines[1:5], ['SixXSd - SixXS Daemon 4.0',
                                      'SixXSd 2015.10.12 by Jeroen Massar <jeroen@sixxs.net>',
                                      '(C) Copyright SixXS 2000-2015 All Rights Reserved', ''])
        self.assertRegex(lines[5], r'^Build Information: .+')
        self.assertEqual(lines[6:], ['SixXSd Version: 4.0', 'SixXSd Release: 2015.10.12',
                                     'OS/CPU Bits: 64', '200 OK', ''])

    def test_show_uptime_unixtime(self):
        got = self.s.cmd('pop show uptime').decode()
        self.assertRegex(got, r'^200 0 days 00:0[0-4]:[0-5]\d\n$')
        got = self.s.cmd('pop show unixtime').decode()
        m = re.match(r'^200 (\d+)\n$', got)
        self.assertTrue(m, got)
        self.assertLessEqual(abs(int(m.group(1)) - time.time()), 5)

    def test_show_timeinfo(self):
        got = self.s.cmd('pop show timeinfo').decode()
        dt = r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'
        m = re.match(r'^201 5\n'
                     r'Started: ' + dt + r' UTC \((\d+)\)\n'
                     r'Current: ' + dt + r' UTC \((\d+)\)\n'
                     r'UTC Offset: -?\d+\n'
                     r'LocalTime: ' + dt + r' \S+\n'
                     r'Uptime: 0 days 00:0[0-4]:[0-5]\d\n'
                     r'200 OK\n$', got)
        self.assertTrue(m, got)
        self.assertLessEqual(int(m.group(1)), int(m.group(2)))
        self.assertLessEqual(abs(int(m.group(2)) - time.time()), 5)

    def test_show_threads(self):
        # deviation 18: lists the threads, answers 200
        got = self.s.cmd('pop show threads')
        self.assertRegex(got.decode('latin-1'), r'(?s)^(200 [^\n]*\n|201 \d+\n.*\n200 OK\n)$')

    def test_show_hostinfo(self):
        got = self.s.cmd('pop show hostinfo').decode('latin-1')
        self.assertRegex(got, r'(?s)^201 \d+\n.*\n200 OK\n$')
        self.assertIn('\nPlatform: Linux\n', got)

    def test_lists(self):
        self.check(self.s, 'pop cliacl list', multi(['::1', '127.0.0.1', '2001:db8::179', '192.168.0.179']))
        self.check(self.s, 'pop tunnelprefix list', '200 2001:db8:2ff::/48\n')
        self.check(self.s, 'pop subnetprefix list', multi(['2001:db8:3000::/40', '2001:db8:4000::/40']))


class TestPopSet(Own):

    def test_set_id(self):
        self.checks(self.s, [
            ('pop set id 2', '200 Configured to ID 2\n'),
            ('pop get id', '200 2\n'),
            ('pop get name', '200 chtst02\n'),
        ])
        with sxd.Session() as s2:
            self.assertBytes(s2.banner, sxd.banner('chtst02'))
        self.checks(self.s, [
            ('pop set id 5', '200 Configured to ID 5\n'),
            ('pop get name', '200 \n'),
            ('pop get id', '200 5\n'),
        ])
        with sxd.Session() as s2:
            self.assertBytes(s2.banner, sxd.banner(''))
        self.checks(self.s, [
            ('pop set id 63', '200 Configured to ID 63\n'),
            ('pop set id 64', '400 PoP ID out of range (64 / 64 > 64)\n'),
            ('pop set id 1000', '400 PoP ID out of range (1000 / 1000 > 64)\n'),
            ('pop set id x', '400 Non-numeric ID (x)\n'),
            ('pop get id', '200 63\n'),
            ('pop', ENTER % 'main > pop'),
            ('set', ENTER % 'main > pop > set'),
            ('id 1', '200 Configured to ID 1\n'),
            ('/', '200 << main\n'),
            ('pop get name', '200 chtst01\n'),
        ])

    def test_set_details(self):
        self.checks(self.s, [
            ('pop set details 3 averyveryverylongname 192.0.2.3 2001:db8::3', '200 PoP details updated\n'),
            ('pop set details 4 "two words" 192.0.2.4 2001:db8::4', '200 PoP details updated\n'),
            ('pop set details 5 \\qx 192.0.2.5 2001:db8::5', '200 PoP details updated\n'),
        ])
        pops = ['1 chtst01 192.0.2.42 2001:db8::42', '2 chtst02 192.0.2.66 2001:db8::66',
                '3 averyveryverylo 192.0.2.3 2001:db8::3', '4 two words 192.0.2.4 2001:db8::4',
                '5 qx 192.0.2.5 2001:db8::5']
        self.check(self.s, 'pop show pops', multi(pops))
        # deviation 15: every argument checked first, errors name the address
        self.checks(self.s, [
            ('pop set details 3 newname 999.1.1.1 2001:db8::3', '400 Invalid IPv4 address 999.1.1.1\n'),
            ('pop set details 3 newname 192.0.2.3 zz::zz', '400 Invalid IPv6 address zz::zz\n'),
            ('pop set details 64 newname 192.0.2.3 2001:db8::3', '400 PoP ID out of range (64 / 64 > 64)\n'),
            ('pop set details x newname 192.0.2.3 2001:db8::3', '400 Non-numeric ID (x)\n'),
            ('pop show pops', multi(pops)),
        ])
        # escapes: \\t is a TAB; an all-zero IPv6 address un-configures an entry
        self.check(self.s, 'pop set details 6 a\\tb 192.0.2.6 2001:db8::6', '200 PoP details updated\n')
        self.check(self.s, 'pop set details 2 chtst02 192.0.2.66 unspecified', '200 PoP details updated\n')
        self.check(self.s, 'pop show pops', multi([pops[0]] + pops[2:] + ['6 a\tb 192.0.2.6 2001:db8::6']))
        self.check(self.s, 'pop set details 1 newname 192.0.2.42 2001:db8::42', '200 PoP details updated\n')
        self.check(self.s, 'pop get name', '200 newname\n')
        with sxd.Session() as s2:
            self.assertBytes(s2.banner, sxd.banner('newname'))

    def test_set_debug(self):
        for sec in ('sixxsd off', 'Common OFF', 'prefix 0', 'thread nope', 'ayiya false', 'config no'):
            self.check(self.s, 'pop set debug ' + sec, '200 Ok\n')
        info = ['PoP Name                : chtst01', 'Running                 : yes',
                'Verbosity Level         : 0', 'Verbose SixXSd          : no',
                '        AYIYA           : no', '        Common          : no',
                '        Config          : no', '        Prefix          : no',
                '        Thread          : no']
        self.check(self.s, 'pop show info', multi(info))
        for sec in ('ayiya on', 'thread female', 'PREFIX enabled'):
            self.check(self.s, 'pop set debug ' + sec, '200 Ok\n')
        info[4] = '        AYIYA           : yes'
        info[7] = '        Prefix          : yes'
        info[8] = '        Thread          : yes'
        self.check(self.s, 'pop show info', multi(info))
        self.check(self.s, 'pop set debug foo on', '400 "foo" is a wrong type for the debug command\n')
        self.check(self.s, 'pop show info', multi(info))

    def test_set_verbosity(self):
        self.checks(self.s, [
            ('pop set verbosity 3', '200 Verbosity is now 3\n'),
            ('pop set verbosity 41', '200 Verbosity is now 41\n'),
            ('pop set verbosity 42', '500 Invalid number (42) given for verbosity (range: 0 - 41)\n'),
            ('pop set verbosity x', '500 Invalid number (x) given for verbosity (range: 0 - 41)\n'),
        ])
        got = self.s.cmd('pop show info').decode()
        self.assertIn('\nVerbosity Level         : 41\n', got)
        self.check(self.s, 'pop set verbosity 0', '200 Verbosity is now 0\n')
        got = self.s.cmd('pop show info').decode()
        self.assertIn('\nVerbosity Level         : 0\n', got)


class TestPopsEmpty(Own):
    conf = 'pop cliacl add 127.0.0.1\n'

    def test_no_pops(self):
        # deviation 1: empty output is '200 ' + LF
        self.assertBytes(self.s.banner, sxd.banner(''))
        self.check(self.s, 'pop show pops', '200 \n')
        self.check(self.s, 'pop get id', '200 0\n')
        self.check(self.s, 'pop get name', '200 \n')
        self.check(self.s, 'pop tunnelprefix list', '404 Tunnel Prefix is not configured yet\n')
        self.check(self.s, 'pop subnetprefix list', '404 Subnet Prefix is not configured yet\n')
        self.check(self.s, 'tunnel list', '200 No tunnels are configured\n')
        self.check(self.s, 'tunnel list all', '200 No tunnels are configured\n')
        self.check(self.s, 'pop show status', multi(['direct 0 0 0', 'ayiya 0 0 0', 'gre 0 0 0', 'total 0 0 0']))


# ==========================================================================
# CLI ACL


class TestCliacl(Own):

    def test_add_list_remove(self):
        base = ['::1', '127.0.0.1', '2001:db8::179', '192.168.0.179']
        self.checks(self.s, [
            ('pop cliacl add 10.0.0.1', '200 CLI ACL added\n'),
            ('pop cliacl add 10.0.0.1', '200 CLI ACL already present\n'),
            ('pop cliacl add ::ffff:10.0.0.1', '200 CLI ACL already present\n'),
            ('pop cliacl add ::1', '200 CLI ACL already present\n'),
            ('pop cliacl add 10.0.0.0/8', '400 Only single addresses are accepted in the CLI ACL (10.0.0.0/8)\n'),
            ('pop cliacl add 2001:db8::1/64', '400 Only single addresses are accepted in the CLI ACL (2001:db8::1/64)\n'),
            ('pop cliacl add 10.0.0.2/32', '200 CLI ACL added\n'),
            ('pop cliacl add 2001:DB8::1/128', '200 CLI ACL added\n'),
            ('pop cliacl add foo', '400 Invalid IP address foo\n'),
            ('pop cliacl add 999.1.1.1', '400 Invalid IP address 999.1.1.1\n'),
            ('pop cliacl list', multi(base + ['10.0.0.1', '10.0.0.2', '2001:db8::1'])),
            # deviation 7: remove exactly that entry, keep the order
            ('pop cliacl remove 2001:db8::179', '200 CLI ACL removed\n'),
            ('pop cliacl list', multi(['::1', '127.0.0.1', '192.168.0.179', '10.0.0.1', '10.0.0.2', '2001:db8::1'])),
            ('pop cliacl remove ::1', '200 CLI ACL removed\n'),
            ('pop cliacl list', multi(['127.0.0.1', '192.168.0.179', '10.0.0.1', '10.0.0.2', '2001:db8::1'])),
            ('pop cliacl remove 2001:db8::1', '200 CLI ACL removed\n'),
            ('pop cliacl list', multi(['127.0.0.1', '192.168.0.179', '10.0.0.1', '10.0.0.2'])),
            ('pop cliacl remove 10.9.9.9', '404 CLI ACL 10.9.9.9 not found\n'),
            ('pop cliacl remove ::1', '404 CLI ACL ::1 not found\n'),
            ('pop cliacl remove foo', '400 Invalid IP address foo\n'),
            ('pop cliacl list', multi(['127.0.0.1', '192.168.0.179', '10.0.0.1', '10.0.0.2'])),
        ])
        # ::1 is gone: a new IPv6 session is turned away, this one goes on
        self.assertBytes(sxd.read_all('::1'), sxd.http301('::1'))
        self.check(self.s, 'pop get id', '200 1\n')
        # removing 127.0.0.1 turns away new IPv4 sessions from it
        self.check(self.s, 'pop cliacl remove 127.0.0.1', '200 CLI ACL removed\n')
        self.assertBytes(sxd.read_all('127.0.0.1'), sxd.http301('127.0.0.1'))
        self.check(self.s, 'pop cliacl list', multi(['192.168.0.179', '10.0.0.1', '10.0.0.2']))

    def test_entered_context(self):
        self.checks(self.s, [
            ('pop', ENTER % 'main > pop'),
            ('cliacl', ENTER % 'main > pop > show'),
            ('add 10.1.1.1', '200 CLI ACL added\n'),
            ('list', multi(['::1', '127.0.0.1', '2001:db8::179', '192.168.0.179', '10.1.1.1'])),
            ('end', '200 << main > pop\n'),
            ('end', '200 << main\n'),
        ])

    def test_reset_ipv4(self):
        self.check(self.s, 'pop cliacl reset', '200 CLI ACL has been reset\n')
        self.check(self.s, 'pop cliacl list', '200 127.0.0.1\n')
        self.assertBytes(sxd.read_all('::1'), sxd.http301('::1'))
        with sxd.Session() as s2:
            self.assertBytes(s2.banner, sxd.banner('chtst01'))
        # remove the last entry: the list is empty
        self.check(self.s, 'pop cliacl remove 127.0.0.1', '200 CLI ACL removed\n')
        self.check(self.s, 'pop cliacl list', '404 No CLI ACLs are configured\n')
        self.assertBytes(sxd.read_all('127.0.0.1'), sxd.http301('127.0.0.1'))
        self.check(self.s, 'pop cliacl add ::1', '200 CLI ACL added\n')
        self.check(self.s, 'pop cliacl list', '200 ::1\n')

    def test_reset_ipv6(self):
        s6 = self.session(host='::1')
        self.assertBytes(s6.banner, sxd.banner('chtst01'))
        self.check(s6, 'pop cliacl reset', '200 CLI ACL has been reset\n')
        self.check(s6, 'pop cliacl list', '200 ::1\n')
        self.assertBytes(sxd.read_all('127.0.0.1'), sxd.http301('127.0.0.1'))

    def test_full(self):
        for i in range(60):
            self.check(self.s, 'pop cliacl add 10.2.0.%d' % i, '200 CLI ACL added\n')
        self.check(self.s, 'pop cliacl add 10.3.0.1', '400 No more available empty CLI ACL slots!!!\n')
        self.check(self.s, 'pop cliacl add 10.2.0.7', '200 CLI ACL already present\n')
        got = self.s.cmd('pop cliacl list')
        self.assertTrue(got.startswith(b'201 64\n'), got[:20])
        self.check(self.s, 'pop cliacl remove 10.2.0.7', '200 CLI ACL removed\n')
        self.check(self.s, 'pop cliacl add 10.3.0.1', '200 CLI ACL added\n')
        got = self.s.cmd('pop cliacl list').decode().split('\n')
        self.assertEqual(got[0], '201 64')
        self.assertEqual(got[-3:], ['10.3.0.1', '200 OK', ''])
        self.assertNotIn('10.2.0.7', got)


class TestCliaclResetInConfig(Base):

    def test_reset_from_config_empties(self):
        with sxd.Daemon(sxd.CONF_MIN + 'pop cliacl reset\n'):
            self.assertBytes(sxd.read_all('127.0.0.1'), sxd.http301('127.0.0.1'))
            self.assertBytes(sxd.read_all('::1'), sxd.http301('::1'))


# ==========================================================================
# Prefixes


class TestTunnelPrefix(Own):
    conf = sxd.CONF_MIN

    def test_add_list(self):
        self.checks(self.s, [
            ('pop tunnelprefix list', '404 Tunnel Prefix is not configured yet\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/64', '400 A Prefixlength 64 not accepted (only /48 tunnel prefixes)\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/40', '400 A Prefixlength 40 not accepted (only /48 tunnel prefixes)\n'),
            ('pop tunnelprefix add 2001:db8:2ff:1::/48', '400 Tunnel Prefix 2001:db8:2ff:1::/48 has host bits set\n'),
            ('pop tunnelprefix add 2001:db8:2ff::1/48', '400 Tunnel Prefix 2001:db8:2ff::1/48 has host bits set\n'),
            ('pop tunnelprefix add nonsense/48', '400 Invalid IPv6 prefix nonsense/48\n'),
            ('pop tunnelprefix list', '404 Tunnel Prefix is not configured yet\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix 2001:db8:2ff::/48 configured\n'),
            ('pop tunnelprefix list', '200 2001:db8:2ff::/48\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix already configured\n'),
            ('pop tunnelprefix list', '200 2001:db8:2ff::/48\n'),
            # tunnel prefix 1 does not exist yet
            ('tunnel set config 8003 T8003 192.0.2.8 up 1480',
             '400 TID 0x8003 is out of range (tunnel prefix 1 is not configured)\n'),
            ('pop tunnelprefix add 2001:db8:2fe::/48', '200 Tunnel Prefix 2001:db8:2fe::/48 configured\n'),
            ('pop tunnelprefix list', multi(['2001:db8:2ff::/48', '2001:db8:2fe::/48'])),
            ('tunnel set config 8003 T8003 192.0.2.8 up 1480', '200 Accepted Tunnel 8003/T8003 with password\n'),
            ('tunnel set config ffff T1 192.0.2.8 up 1480',
             '400 TID 0xffff is out of range (0x7fff of each prefix is reserved)\n'),
            ('tunnel set config 10005 T10005 192.0.2.9 up 1480',
             '400 TID 0x10005 is out of range (tunnel prefix 2 is not configured)\n'),
            # deviation 12: prefix text g1:g2:g3: -> inner addresses 2001:db8:0:<tid>::
            ('pop tunnelprefix add 2001:db8::/48', '200 Tunnel Prefix 2001:db8:0::/48 configured\n'),
            ('tunnel set config 10005 T10005 192.0.2.9 up 1480', '200 Accepted Tunnel 10005/T10005 with password\n'),
            ('pop tunnelprefix add 2001:DB8:2FD::/48', '200 Tunnel Prefix 2001:db8:2fd::/48 configured\n'),
            ('pop tunnelprefix add 2001:db8:2fc::/48', '400 No more available empty tunnel prefixes (max 4)\n'),
            ('pop tunnelprefix add 2001:db8:2fe::/48', '200 Tunnel Prefix already configured\n'),
            ('pop tunnelprefix list', multi(['2001:db8:2ff::/48', '2001:db8:2fe::/48', '2001:db8:0::/48',
                                              '2001:db8:2fd::/48'])),
            ('tunnel set config 1fffe T131070 dynamic up 1280 pw', '200 Accepted Tunnel 1fffe/T131070\n'),
            ('tunnel set config 20000 T1 192.0.2.8 up 1480', '400 TID 0x20000 is out of range (max 0x1fffe)\n'),
            ('tunnel set config 7fff T1 192.0.2.8 up 1480',
             '400 TID 0x7fff is out of range (0x7fff of each prefix is reserved)\n'),
        ])
        self.check(self.s, 'tunnel show T8003', sxd.tunnel_show(8003, 0x8003, '2001:db8:2fe:', '192.0.2.8', 1480,
                                                                'up', 'direct', False))
        self.check(self.s, 'tunnel show 2001:db8:2fe:3::1', sxd.tunnel_show(8003, 0x8003, '2001:db8:2fe:',
                                                                            '192.0.2.8', 1480, 'up', 'direct', False))
        self.check(self.s, 'tunnel show 2001:db8:2fe:8003::99', sxd.tunnel_show(8003, 0x8003, '2001:db8:2fe:',
                                                                               '192.0.2.8', 1480, 'up', 'direct',
                                                                               False))
        self.check(self.s, 'tunnel show T10005', sxd.tunnel_show(10005, 0x10005, '2001:db8:0:', '192.0.2.9', 1480,
                                                                 'up', 'direct', False))
        self.check(self.s, 'tunnel show 2001:db8:0:5::2', sxd.tunnel_show(10005, 0x10005, '2001:db8:0:',
                                                                          '192.0.2.9', 1480, 'up', 'direct', False))
        self.check(self.s, 'tunnel show T131070', sxd.tunnel_show(131070, 0x1fffe, '2001:db8:2fd:', '0.0.0.0', 1280,
                                                                  'down', 'none', True, password='pw'))
        self.check(self.s, 'tunnel list', multi([
            'T8003 2001:db8:2fe:3::2 192.0.2.8 up direct 1480 0',
            'T10005 2001:db8:0:5::2 192.0.2.9 up direct 1480 0',
            'T131070 2001:db8:2fd:7ffe::2 0.0.0.0 down none 1280 0']))
        self.check(self.s, 'pop show status', multi(['direct 2 0 3', 'ayiya 0 0 0', 'gre 0 0 0', 'total 2 0 3']))

    def test_overlaps_subnet_prefix(self):
        self.checks(self.s, [
            ('pop subnetprefix add 2001:db8:3000::/40', '200 Subnet Prefix 2001:db8:3000::/40 added\n'),
            ('pop tunnelprefix add 2001:db8:3001::/48',
             '400 Prefix 2001:db8:3001::/48 overlaps 2001:db8:3000::/40\n'),
            ('pop tunnelprefix list', '404 Tunnel Prefix is not configured yet\n'),
        ])


class TestSubnetPrefix(Own):
    conf = sxd.CONF_MIN + 'pop tunnelprefix add 2001:db8:2ff::/48\n'

    def test_add_list(self):
        lp = "400 A Prefixlength %d not accepted (only /48's for /56 subnets or a /40 for /48 subnets)\n"
        self.checks(self.s, [
            ('pop subnetprefix list', '404 Subnet Prefix is not configured yet\n'),
            ('pop subnetprefix add 2001:db8:5000::/44', lp % 44),
            ('pop subnetprefix add 2001:db8:5000::', lp % 128),
            ('pop subnetprefix add 2001:db8:3101::/40', '400 Subnet Prefix 2001:db8:3101::/40 has host bits set\n'),
            ('pop subnetprefix add 2001:db8:7000:100::/48',
             '400 Subnet Prefix 2001:db8:7000:100::/48 has host bits set\n'),
            ('pop subnetprefix add nonsense/40', '400 Invalid IPv6 prefix nonsense/40\n'),
            ('pop subnetprefix list', '404 Subnet Prefix is not configured yet\n'),
            ('pop subnetprefix add 2001:db8:3000::/40', '200 Subnet Prefix 2001:db8:3000::/40 added\n'),
            ('pop subnetprefix list', '200 2001:db8:3000::/40\n'),
            ('pop subnetprefix add 2001:db8:3000::/40', '200 Subnet Prefix already configured\n'),
            ('pop subnetprefix add 2001:db8:3000::/48', '400 Prefix 2001:db8:3000::/48 overlaps 2001:db8:3000::/40\n'),
            ('pop subnetprefix add 2001:db8:3042::/48', '400 Prefix 2001:db8:3042::/48 overlaps 2001:db8:3000::/40\n'),
            ('pop subnetprefix add 2001:db8:7000::/48', '200 Subnet Prefix 2001:db8:7000::/48 added\n'),
            ('pop subnetprefix add 2001:db8:7000:0::/48', '200 Subnet Prefix already configured\n'),
            # deviation 13: alignment by bits, canonical text
            ('pop subnetprefix add 2001:db8::/40', '200 Subnet Prefix 2001:db8::/40 added\n'),
            ('pop subnetprefix add 2001:db8:200::/40', '400 Prefix 2001:db8:200::/40 overlaps 2001:db8:2ff::/48\n'),
            ('pop subnetprefix add 2001:db8:2ff::/48', '400 Prefix 2001:db8:2ff::/48 overlaps 2001:db8:2ff::/48\n'),
            ('pop subnetprefix list', multi(['2001:db8:3000::/40', '2001:db8:7000::/48', '2001:db8::/40'])),
        ])
        for i in range(13):
            self.check(self.s, 'pop subnetprefix add 2001:db8:a0%02x::/48' % i,
                       '200 Subnet Prefix 2001:db8:a0%02x::/48 added\n' % i)
        self.check(self.s, 'pop subnetprefix add 2001:db8:b000::/48',
                   '400 No more available empty subnet prefixes, this requires a recompile\n')
        got = self.s.cmd('pop subnetprefix list').decode().split('\n')
        self.assertEqual(got[0], '201 16')
        self.assertEqual(got[-3:], ['2001:db8:a00c::/48', '200 OK', ''])

    def test_entered_context(self):
        self.checks(self.s, [
            ('pop', ENTER % 'main > pop'),
            ('subnetprefix', ENTER % 'main > pop > show'),
            ('add 2001:db8:4000::/40', '200 Subnet Prefix 2001:db8:4000::/40 added\n'),
            ('list', '200 2001:db8:4000::/40\n'),
            ('..', '200 << main > pop\n'),
            ('tunnelprefix', ENTER % 'main > pop > show'),
            ('list', '200 2001:db8:2ff::/48\n'),
            ('/', '200 << main\n'),
        ])


# ==========================================================================
# tunnel (read-only)


class TestTunnelRead(Shared):

    def test_show_appendix_b(self):
        self.check(self.s, 'tunnel show T5072', APPENDIX_B)
        self.assertBytes(show_5072(), APPENDIX_B, 'self-check of the test builder')

    def test_show_by_tnumber(self):
        self.check(self.s, 'tunnel show T4141', show_4141())
        self.assertTrue(show_4141().startswith(b'201 46\n'))
        self.check(self.s, 'tunnel show T3740', show_3740())
        self.check(self.s, 'tunnel show T18572', show_2ae())
        # duplicate T-number: lowest configured slot
        self.check(self.s, 'tunnel show T84822', show_42c())

    def test_show_by_address(self):
        self.checks(self.s, [
            ('tunnel show 2001:db8:2ff:0::1', show_4141()),
            ('tunnel show 2001:db8:2ff::2', show_4141()),
            ('tunnel show 2001:db8:2ff:1::1234', show_5072()),
            ('tunnel show 2001:db8:2ff:666::1', show_666()),
            ('tunnel show 2001:db8:2ff:8666::42', show_666()),        # routed /64
            ('tunnel show 2001:db8:2ff:82ae::1', show_2ae()),
            ('tunnel show 2001:db8:3001::1', show_2ae()),              # subnets
            ('tunnel show 2001:db8:3001:abcd::99', show_2ae()),
            ('tunnel show 2001:db8:3002::1', show_42c()),
            ('tunnel show 2001:db8:3003:ffff::1', show_4141()),
            ('tunnel show 2001:db8:3055::1', show_3740()),
            ('tunnel show 2001:db8:3004::1/64', show_5072()),
        ])

    def test_show_ipv4_inner_addresses(self):
        # spec 6.1: 1111 pppppp ssss... with PoP id 1; the intended byte order
        self.checks(self.s, [
            ('tunnel show 240.127.128.1', show_4141()),      # tid 0, user side
            ('tunnel show 240.127.128.0', show_4141()),      # tid 0, PoP side
            ('tunnel show 240.127.128.3', show_5072()),      # tid 1, user side
            ('tunnel show 240.127.140.205', show_666()),     # tid 0x666 = 0x3f8000|0x666<<1|1
            ('tunnel show 240.66.174.5', show_2ae()),        # subnet plan: tid 0x2ae, host 5
            ('tunnel show 240.64.0.200', show_4141()),       # subnet plan: tid 0, host 200
        ])

    def test_show_unconfigured_slot(self):
        self.check(self.s, 'tunnel show 2001:db8:2ff:3::1',
                   sxd.tunnel_show(0, 3, P, '0.0.0.0', 0, 'none', 'none', False))

    def test_show_errors(self):
        nice = "400 It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) and not '%s'\n"
        self.checks(self.s, [
            ('tunnel show T99999', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel show T0', '404 No such Tunnel ID (T0/T0) found\n'),   # deviation 11
            ('tunnel show T666', '404 No such Tunnel ID (T666/T666) found\n'),
            ('tunnel show 2001:db8:2ff:1000::1', '404 No such tunnel 2001:db8:2ff:1000::1\n'),
            ('tunnel show 2001:db8:3009::1', '404 No such tunnel 2001:db8:3009::1\n'),
            ('tunnel show 2001:db8:4001::1', '404 No such tunnel 2001:db8:4001::1\n'),
            ('tunnel show 2001:db9::1', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel show 172.16.1.1', '404 No such tunnel 172.16.1.1\n'),
            ('tunnel show 0', nice % '0'),
            ('tunnel show 666', nice % '666'),
            ('tunnel show foo', nice % 'foo'),
            ('tunnel show 2001:db8:2ff:zz::1', nice % '2001:db8:2ff:zz::1'),
        ])

    def test_list_filters(self):
        self.checks(self.s, [
            ('tunnel list', multi(sxd.LIST_84)),
            ('tunnel list all', multi(sxd.LIST_84)),
            ('tunnel list ALL', multi(sxd.LIST_84)),
            ('tunnel list debugonly', '200 No tunnels are configured which are in debugging mode\n'),
            ('tunnel list DebugOnly', '200 No tunnels are configured which are in debugging mode\n'),
            ('tunnel list erroronly', '200 No tunnels are configured which have errors\n'),
            ('tunnel list "err=Clock Off"', '200 No tunnels are configured which have the requested error\n'),
            ('tunnel list "ERR=clock off"', '200 No tunnels are configured which have the requested error\n'),
            ('tunnel list err=HB-non-HB', '200 No tunnels are configured which have the requested error\n'),
            ('tunnel list "err=Encap.Pkt Too Big"', '200 No tunnels are configured which have the requested error\n'),
            ('tunnel list err=Foo', "404 Unknown error 'Foo'\n"),
            ('tunnel list err=Clock', "404 Unknown error 'Clock'\n"),
            ('tunnel list bogus', "400 Unknown option 'bogus'\n"),
        ])

    def test_outer_endpoint(self):
        self.checks(self.s, [
            ('tunnel get outer_endpoint T4141', '200 172.16.1.1\n'),
            ('tunnel get outer_endpoint T5072', '200 0.0.0.0\n'),
            ('tunnel get outer_endpoint 2001:db8:2ff:666::2', '200 198.18.1.1\n'),
            ('tunnel get outer_endpoint 2001:db8:3003::1', '200 172.16.1.1\n'),
            ('tunnel get outer_endpoint T99999', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel get outer_endpoint 2001:db9::1', '404 No such tunnel 2001:db9::1\n'),
            ('tunnel get outer_endpoint zz',
             "400 It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) and not 'zz'\n"),
        ])

    def test_errorpacket(self):
        self.checks(self.s, [
            ('tunnel get errorpacket T4141 "Clock Off"', '400 That error did not happen yet\n'),
            ('tunnel get errorpacket T4141 "clock off"', '400 That error did not happen yet\n'),
            ('tunnel get errorpacket T5072 HB-non-HB', '400 That error did not happen yet\n'),
            ('tunnel get errorpacket T4141 Foo', '404 Unknown Error "Foo"\n'),
            ('tunnel get errorpacket T99999 "Clock Off"', '404 No such Tunnel ID (T99999/T99999) found\n'),
        ])

    def test_stats_shape(self):
        # no tunnel traffic: only the total and uplink lines
        for line in ('tunnel stats', 'tunnel stats reset'):
            got = self.s.cmd(line)
            self.assertRegex(got.decode(), r'^201 2\ntotal \d+ \d+ \d+ \d+\nuplink \d+ \d+ \d+ \d+\n200 OK\n$')
        self.s.cmd('tunnel stats RESET')
        got = self.s.cmd('tunnel stats')
        self.assertBytes(got, multi(['total 0 0 0 0', 'uplink 0 0 0 0']))

    def test_reseterrors(self):
        self.checks(self.s, [
            ('tunnel reseterrors all', '200 Wipeout!\n'),
            ('tunnel reseterrors ALL', '200 Wipeout!\n'),
            ('tunnel reseterrors T4141', '200 Wipeout!\n'),
            ('tunnel reseterrors 2001:db8:2ff:666::1', '200 Wipeout!\n'),
            ('tunnel reseterrors T99999', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel reseterrors foo',
             "400 It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) and not 'foo'\n"),
            ('tunnel list', multi(sxd.LIST_84)),
        ])


# ==========================================================================
# tunnel set config / debug / remote


class TestTunnelConfig(Own):

    def test_accepted_forms(self):
        self.checks(self.s, [
            ('tunnel set config 3 T300 192.0.2.3 up 1480', '200 Accepted Tunnel 3/T300 with password\n'),
            ('tunnel set config 4 T400 2001:db8:1::4 up 1280 pw4', '200 Accepted Tunnel 4/T400\n'),
            ('tunnel set config 0x1f T31 ayiya up 1400', '200 Accepted Tunnel 1f/T31 with password\n'),
            ('tunnel set config A0 T160 HEARTBEAT up 1400 pwa0', '200 Accepted Tunnel a0/T160\n'),
            ('tunnel set config 0xB1 T177 Dynamic disabled 1400 pwb1', '200 Accepted Tunnel b1/T177\n'),
            ('tunnel set config 5 T500 192.0.2.5 DISABLED 1280', '200 Accepted Tunnel 5/T500 with password\n'),
            ('tunnel set config 6 T600 192.0.2.6 whatever 1480', '200 Accepted Tunnel 6/T600 with password\n'),
            ('tunnel set config 9 T900 Unspecified up 1480', '200 Accepted Tunnel 9/T900 with password\n'),
        ])
        self.check(self.s, 'tunnel show T900', sxd.tunnel_show(900, 9, P, '::', 1480, 'up', 'direct', False))
        self.check(self.s, 'tunnel set config 9 T900 dynamic disabled 1480', '200 Accepted Tunnel 9/T900 with password\n')
        self.check(self.s, 'tunnel show T300', sxd.tunnel_show(300, 3, P, '192.0.2.3', 1480, 'up', 'direct', False))
        self.check(self.s, 'tunnel show T400', sxd.tunnel_show(400, 4, P, '2001:db8:1::4', 1280, 'up', 'direct',
                                                               False))
        self.check(self.s, 'tunnel show T31', sxd.tunnel_show(31, 0x1f, P, '0.0.0.0', 1400, 'down', 'none', True,
                                                              password=''))
        self.check(self.s, 'tunnel show T160', sxd.tunnel_show(160, 0xa0, P, '0.0.0.0', 1400, 'down', 'none', True,
                                                               password='pwa0'))
        self.check(self.s, 'tunnel show T177', sxd.tunnel_show(177, 0xb1, P, '0.0.0.0', 1400, 'disabled', 'none',
                                                               True, password='pwb1'))
        self.check(self.s, 'tunnel list', multi([
            sxd.LIST_84[0], sxd.LIST_84[1], sxd.LIST_84[2],
            'T300 2001:db8:2ff:3::2 192.0.2.3 up direct 1480 0',
            'T400 2001:db8:2ff:4::2 2001:db8:1::4 up direct 1280 0',
            'T500 2001:db8:2ff:5::2 192.0.2.5 disabled direct 1280 0',
            'T600 2001:db8:2ff:6::2 192.0.2.6 up direct 1480 0',
            'T900 2001:db8:2ff:9::2 :: disabled direct 1480 0',
            'T31 2001:db8:2ff:1f::2 0.0.0.0 down none 1400 0',
            'T160 2001:db8:2ff:a0::2 0.0.0.0 down none 1400 0',
            'T177 2001:db8:2ff:b1::2 0.0.0.0 disabled none 1400 0',
            sxd.LIST_84[3], sxd.LIST_84[4], sxd.LIST_84[5]]))
        # T900 went static -> dynamic: it keeps type direct (spec 7) and counts;
        # the silent dynamic tunnels count as configured direct ones too
        self.check(self.s, 'pop show status', multi(['direct 4 0 14', 'ayiya 0 0 0', 'gre 0 0 0', 'total 4 0 14']))

    def test_mtu_and_password_bounds(self):
        pw132 = 'p' * 132
        pw133 = 'q' * 133
        self.checks(self.s, [
            ('tunnel set config 7 T700 dynamic up 1280 ' + pw132, '200 Accepted Tunnel 7/T700\n'),
            ('tunnel set config 8 T800 192.0.2.8 up 1480', '200 Accepted Tunnel 8/T800 with password\n'),
            ('tunnel set config 9 T900 dynamic up 1280 ' + pw133,
             '400 Password given (%s) is too long (133/133)\n' % pw133),
        ])
        self.check(self.s, 'tunnel show T700', sxd.tunnel_show(700, 7, P, '0.0.0.0', 1280, 'down', 'none', True,
                                                               password=pw132))
        self.check(self.s, 'tunnel show T900', '404 No such Tunnel ID (T900/T900) found\n')

    def test_repush_and_transitions(self):
        # re-pushing a dynamic tunnel without password keeps the password
        self.check(self.s, 'tunnel set config 1 T5072 dynamic up 1428', '200 Accepted Tunnel 1/T5072 with password\n')
        self.check(self.s, 'tunnel show T5072', APPENDIX_B)
        # MTU and T-number change at once
        self.check(self.s, 'tunnel set config 1 T5073 heartbeat up 1300', '200 Accepted Tunnel 1/T5073 with password\n')
        self.check(self.s, 'tunnel show T5073', show_5072(tn=5073, mtu=1300))
        self.check(self.s, 'tunnel show T5072', '404 No such Tunnel ID (T5072/T5072) found\n')
        # new password replaces the old one
        self.check(self.s, 'tunnel set config 1 T5072 dynamic up 1428 newpw', '200 Accepted Tunnel 1/T5072\n')
        self.check(self.s, 'tunnel show T5072', show_5072(password='newpw'))
        # dynamic disabled -> disabled; then up again -> down (no beats)
        self.check(self.s, 'tunnel set config 2 T3740 dynamic disabled 1280', '200 Accepted Tunnel 2/T3740 with password\n')
        self.check(self.s, 'tunnel show T3740', show_3740(state='disabled'))
        self.check(self.s, 'tunnel set config 2 T3740 dynamic up 1280', '200 Accepted Tunnel 2/T3740 with password\n')
        self.check(self.s, 'tunnel show T3740', show_3740(state='down'))
        # static -> dynamic: address, type and state stay (spec 7)
        self.check(self.s, 'tunnel set config 0 T4141 dynamic up 1480 secret', '200 Accepted Tunnel 0/T4141\n')
        self.check(self.s, 'tunnel show T4141', show_4141(dynamic=True, password='secret'))
        # dynamic -> static: configured address, direct, up
        self.check(self.s, 'tunnel set config 1 T5072 192.0.2.77 up 1428', '200 Accepted Tunnel 1/T5072 with password\n')
        self.check(self.s, 'tunnel show T5072', show_5072(outer_them='192.0.2.77', state='up', ttype='direct',
                                                          dynamic=False))
        # ... and back: the stored password was kept
        self.check(self.s, 'tunnel set config 1 T5072 dynamic up 1428', '200 Accepted Tunnel 1/T5072 with password\n')
        self.check(self.s, 'tunnel show T5072', show_5072(outer_them='192.0.2.77', state='up', ttype='direct',
                                                          password='newpw'))
        # static disabled -> up
        self.check(self.s, 'tunnel set config 666 T84822 198.18.1.1 up 1280', '200 Accepted Tunnel 666/T84822 with password\n')
        self.check(self.s, 'tunnel show 2001:db8:2ff:666::1', show_666(state='up'))
        # T4141, T5072 (typed direct) and T666 up; the three silent dynamic ones count too
        self.check(self.s, 'pop show status', multi(['direct 3 0 6', 'ayiya 0 0 0', 'gre 0 0 0', 'total 3 0 6']))

    def test_entered_context(self):
        self.checks(self.s, [
            ('tunnel', ENTER % 'main > tunnel'),
            ('set', ENTER % 'main > tunnel > set'),
            ('config 30 T3000 192.0.2.30 up 1480', '200 Accepted Tunnel 30/T3000 with password\n'),
            ('end', '200 << main > tunnel\n'),
            ('show T3000', sxd.tunnel_show(3000, 0x30, P, '192.0.2.30', 1480, 'up', 'direct', False)),
            ('end', '200 << main\n'),
        ])


class TestDebug(Own):

    def test_debug_sessions(self):
        a, b = self.s, self.session()
        dl = '200 T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n'
        self.checks(a, [
            ('tunnel set debug T4141 on', '200 Debugging has been enabled\n'),
            ('tunnel set debug T4141 on', '400 Debugging through this session for this tunnel was already enabled\n'),
        ])
        self.checks(b, [
            ('tunnel set debug T4141 on', '400 Already being debugged by another session\n'),
            ('tunnel list debugonly', dl),
            ('tunnel show T4141', show_4141(debugging='yes')),
            # deviation 9: off only detaches a tunnel this session debugs
            ('tunnel set debug T4141 off', '200 Debugging has been disabled\n'),
            ('tunnel list debugonly', dl),
            ('tunnel show T4141', show_4141(debugging='yes')),
        ])
        self.checks(a, [
            ('tunnel set debug T4141 off', '200 Debugging has been disabled\n'),
            ('tunnel list debugonly', '200 No tunnels are configured which are in debugging mode\n'),
            ('tunnel show T4141', show_4141()),
            ('tunnel set debug T4141 yes', '200 Debugging has been enabled\n'),
            ('tunnel set debug T4141 nope', '200 Debugging has been disabled\n'),
            ('tunnel set debug T4141 off', '200 Debugging has been disabled\n'),
        ])
        self.checks(b, [
            ('tunnel set debug T4141 on', '200 Debugging has been enabled\n'),
            ('tunnel set debug 2001:db8:2ff:666::1 on', '200 Debugging has been enabled\n'),
            ('tunnel set debug T5072 1', '200 Debugging has been enabled\n'),
            ('tunnel list debugonly', multi([sxd.LIST_84[0], sxd.LIST_84[1], sxd.LIST_84[5]])),
            ('tunnel set debug T99999 on', '404 No such Tunnel ID (T99999/T99999) found\n'),
            ('tunnel set debug foo on',
             "400 It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) and not 'foo'\n"),
        ])
        # the session ends: its tunnels are released
        b.send('quit\n')
        self.assertBytes(b.read_until_eof(5), b'666 Tschau\n')
        none = b'200 No tunnels are configured which are in debugging mode\n'
        self.assertTrue(wait_for(lambda: a.cmd('tunnel list debugonly') == none),
                        'debugging not released after the session ended')
        self.check(a, 'tunnel set debug T5072 on', '200 Debugging has been enabled\n')
        # a peer that just disconnects also releases
        c = sxd.Session()
        self.check(c, 'tunnel set debug T3740 on', '200 Debugging has been enabled\n')
        c.close()
        one_left = multi([sxd.LIST_84[1]])
        self.assertTrue(wait_for(lambda: a.cmd('tunnel list debugonly') == one_left),
                        'debugging not released after the peer closed')


class TestRemote(Own):

    def test_set_remote(self):
        l84 = list(sxd.LIST_84)
        self.checks(self.s, [
            ('tunnel set remote T4141 192.0.2.99', '200 Updated remote address to 192.0.2.99\n'),
            ('tunnel get outer_endpoint T4141', '200 192.0.2.99\n'),
            # deviation 10: does not enable a disabled tunnel
            ('tunnel set remote 2001:db8:2ff:666::2 2001:db8::99', '200 Updated remote address to 2001:db8::99\n'),
            ('tunnel get outer_endpoint 2001:db8:2ff:666::2', '200 2001:db8::99\n'),
            ('tunnel set remote T5072 192.0.2.50', '200 Updated remote address to 192.0.2.50\n'),
            ('tunnel set remote 2001:db8:2ff:3::2 192.0.2.3', '404 Tunnel not configured: 2001:db8:2ff:3::2\n'),
            ('tunnel set remote T4141 999.1.1.1', '400 Invalid Tunnel_Them address (999.1.1.1)\n'),
            ('tunnel set remote T4141 foo', '400 Invalid Tunnel_Them address (foo)\n'),
            ('tunnel set remote T99999 192.0.2.1', '404 No such Tunnel ID (T99999/T99999) found\n'),
            # spec 3: `unspecified` = the all-zero address
            ('tunnel set remote T3740 UNSPECIFIED', '200 Updated remote address to UNSPECIFIED\n'),
            ('tunnel get outer_endpoint T3740', '200 ::\n'),
        ])
        l84[0] = 'T4141 2001:db8:2ff:0::2 192.0.2.99 up direct 1480 0'
        l84[1] = 'T5072 2001:db8:2ff:1::2 192.0.2.50 up none 1428 0'
        l84[2] = 'T3740 2001:db8:2ff:2::2 :: up none 1280 0'
        l84[5] = 'T84822 2001:db8:2ff:666::2 2001:db8::99 disabled direct 1280 0'
        self.check(self.s, 'tunnel list', multi(l84))
        self.check(self.s, 'tunnel show 2001:db8:2ff:3::1', sxd.tunnel_show(0, 3, P, '0.0.0.0', 0, 'none', 'none',
                                                                            False))


class TestStatsReset(Own):

    def test_stats_reset(self):
        for line in ('tunnel stats RESET', 'tunnel stats', 'tunnel stats RESET', 'tunnel stats whatever'):
            got = self.s.cmd(line)
            self.assertRegex(got.decode(), r'^201 2\ntotal \d+ \d+ \d+ \d+\nuplink \d+ \d+ \d+ \d+\n200 OK\n$', line)
        self.s.cmd('tunnel stats RESET')
        self.check(self.s, 'tunnel stats', multi(['total 0 0 0 0', 'uplink 0 0 0 0']))


class TestConcurrentPush(Own):
    """Four sessions push 250 tunnels each, pipelined, at the same time
    (spec 1.1: sessions are served concurrently; spec 7: a push is ordinary
    command lines, each answered)."""

    def test_concurrent_pipelined_pushes(self):
        import threading
        results = {}

        def push(k):
            try:
                with sxd.Session(timeout=30) as s:
                    lines = ''.join('tunnel set config %x T%d 192.0.%d.%d up %d\n'
                                    % (0x1000 + k * 0x100 + i, 100000 + k * 1000 + i, k, i, 1280 + i % 201)
                                    for i in range(250))
                    s.send(lines)
                    results[k] = [s.read_reply() for _ in range(250)]
            except Exception as e:  # noqa
                results[k] = e
        ts = [threading.Thread(target=push, args=(k,)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        for k in range(4):
            self.assertIsInstance(results.get(k), list, 'session %d: %r' % (k, results.get(k)))
            for i, got in enumerate(results[k]):
                self.assertBytes(got, ('200 Accepted Tunnel %x/T%d with password\n'
                                       % (0x1000 + k * 0x100 + i, 100000 + k * 1000 + i)).encode())
        got = self.s.cmd('tunnel list').decode().split('\n')
        self.assertEqual(got[0], '201 %d' % (6 + 1000))
        for k in range(4):
            for i in (0, 17, 249):
                tid = 0x1000 + k * 0x100 + i
                self.check(self.s, 'tunnel show T%d' % (100000 + k * 1000 + i),
                           sxd.tunnel_show(100000 + k * 1000 + i, tid, P, '192.0.%d.%d' % (k, i), 1280 + i % 201,
                                           'up', 'direct', False))
        self.check(self.s, 'pop show status', multi(['direct 1001 0 1006', 'ayiya 0 0 0', 'gre 0 0 0',
                                                     'total 1001 0 1006']))

    def test_pipelined_burst(self):
        self.s.send('pop get id\n' * 3000 + 'pop get name\n')
        for i in range(3000):
            self.assertBytes(self.s.read_reply(), b'200 1\n', 'reply %d' % i)
        self.assertBytes(self.s.read_reply(), b'200 chtst01\n')


# ==========================================================================
# subnet set config


class TestSubnet(Own):
    conf = sxd.CONF_84 + 'pop subnetprefix add 2001:db8:7000::/48\n'

    def test_subnet_config(self):
        self.checks(self.s, [
            ('subnet set config 2001:db8:3005::/48 0 static', '200 Accepted Route 2001:db8:3005::/48 via 0\n'),
            ('tunnel show 2001:db8:3005::1', show_4141()),
            ('subnet set config 2001:db8:7000:5500::/56 2ae static',
             '200 Accepted Route 2001:db8:7000:5500::/56 via 2ae\n'),
            ('tunnel show 2001:db8:7000:55ff::1', show_2ae()),
            ('tunnel show 2001:db8:7000:5600::1', '404 No such tunnel 2001:db8:7000:5600::1\n'),
            ('subnet set config 2001:db8:4010::/48 0x666 bgp', '200 Accepted Route 2001:db8:4010::/48 via 0x666\n'),
            ('tunnel show 2001:db8:4010:1::1', show_666()),
            # re-point
            ('subnet set config 2001:db8:3005::/48 666 static', '200 Accepted Route 2001:db8:3005::/48 via 666\n'),
            ('tunnel show 2001:db8:3005::1', show_666()),
            ('subnet set config 2001:DB8:3007::/48 0 static', '200 Accepted Route 2001:DB8:3007::/48 via 0\n'),
            ('tunnel show 2001:db8:3007::1', show_4141()),
            ('subnet', ENTER % 'main > subnet'),
            ('set', ENTER % 'main > subnet > set'),
            ('config 2001:db8:3006::/48 1 static', '200 Accepted Route 2001:db8:3006::/48 via 1\n'),
            ('end', '200 << main > subnet\n'),
            ('end', '200 << main\n'),
            ('tunnel show 2001:db8:3006::1', show_5072()),
        ])

    def test_subnet_errors(self):
        s = self.s
        self.checks(s, [
            ('subnet set config zz 0 static', '400 Invalid IPv6 prefix (zz)\n'),
            ('subnet set config 2001:db8:7000::0500::/56 0 static',
             '400 Invalid IPv6 prefix (2001:db8:7000::0500::/56)\n'),
            ('subnet set config 2001:db8:9999::/48 0 static',
             "400 Route 2001:db8:9999::/48 with gateway 0 doesn't have a master subnet\n"),
            ('subnet set config 2001:db8:3005::/48 zz static', '400 Tunnel-ID zz is not a number\n'),
            ('subnet set config 2001:db8:3005::/48 fffffff static', '400 Tunnel-ID (fffffff) is out of range\n'),
            ('subnet set config 2001:db8:3005::/48 3 static',
             '400 Tunnel 3 for subnet 2001:db8:3005::/48 not found\n'),
            ('subnet set config 2001:db8:3005::/48 1000 static',
             '400 Tunnel 1000 for subnet 2001:db8:3005::/48 not found\n'),
            # deviation 14
            ('subnet set config 2001:db8:3005::/56 0 static',
             '400 Route 2001:db8:3005::/56 is not a /48 subnet of 2001:db8:3000::/40\n'),
            ('subnet set config 2001:db8:7000:5500::/48 0 static',
             '400 Route 2001:db8:7000:5500::/48 is not a /56 subnet of 2001:db8:7000::/48\n'),
            ('subnet set config 2001:db8:3005:1::/48 0 static', '400 Route 2001:db8:3005:1::/48 has host bits set\n'),
            ('subnet set config 2001:db8:7000:55ff::/56 0 static',
             '400 Route 2001:db8:7000:55ff::/56 has host bits set\n'),
            ('subnet set config 2001:db8:3001::/48 3 static',
             '400 Tunnel 3 for subnet 2001:db8:3001::/48 not found\n'),
        ])
        # nothing changed
        self.checks(s, [
            ('tunnel show 2001:db8:3005::1', '404 No such tunnel 2001:db8:3005::1\n'),
            ('tunnel show 2001:db8:7000:5500::1', '404 No such tunnel 2001:db8:7000:5500::1\n'),
            ('tunnel show 2001:db8:3001::1', show_2ae()),
        ])


# ==========================================================================
# pop saveconfig


SAVE_PUSH = [
    ('pop set details 2 chtst02 192.0.2.66 2001:db8::66', '200 PoP details updated'),
    ('pop tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix 2001:db8:2ff::/48 configured'),
    ('pop subnetprefix add 2001:db8:3000::/40', '200 Subnet Prefix 2001:db8:3000::/40 added'),
    ('pop subnetprefix add 2001:db8:4000::/40', '200 Subnet Prefix 2001:db8:4000::/40 added'),
    ('pop subnetprefix add 2001:db8:7000::/48', '200 Subnet Prefix 2001:db8:7000::/48 added'),
    ('pop cliacl add 2001:db8::179', '200 CLI ACL added'),
    ('pop cliacl add 192.168.0.179', '200 CLI ACL added'),
    ('tunnel set config 0 T4141 172.16.1.1 up 1480', '200 Accepted Tunnel 0/T4141 with password'),
    ('tunnel set config 1 T5072 dynamic up 1428 ' + PW1, '200 Accepted Tunnel 1/T5072'),
    ('tunnel set config 2 T3740 heartbeat up 1280 ' + PW2, '200 Accepted Tunnel 2/T3740'),
    ('tunnel set config 2ae T18572 ayiya up 1280 ' + PW2AE, '200 Accepted Tunnel 2ae/T18572'),
    ('tunnel set config 42c T84822 dynamic up 1280 ' + PW42C, '200 Accepted Tunnel 42c/T84822'),
    ('tunnel set config 666 T84822 198.18.1.1 disabled 1280', '200 Accepted Tunnel 666/T84822 with password'),
    ('tunnel set config 20 T200 192.0.2.20 UP 1480 pwpw', '200 Accepted Tunnel 20/T200'),
    ('tunnel set config 21 T201 ayiya disabled 1300 secret21', '200 Accepted Tunnel 21/T201'),
    ('subnet set config 2001:db8:3001::/48 2ae static', '200 Accepted Route 2001:db8:3001::/48 via 2ae'),
    ('subnet set config 2001:db8:3002::/48 42c static', '200 Accepted Route 2001:db8:3002::/48 via 42c'),
    ('subnet set config 2001:db8:3003::/48 0 static', '200 Accepted Route 2001:db8:3003::/48 via 0'),
    ('subnet set config 2001:db8:3004::/48 1 static', '200 Accepted Route 2001:db8:3004::/48 via 1'),
    ('subnet set config 2001:db8:3055::/48 2 static', '200 Accepted Route 2001:db8:3055::/48 via 2'),
    ('subnet set config 2001:db8:4010::/48 20 static', '200 Accepted Route 2001:db8:4010::/48 via 20'),
    ('subnet set config 2001:db8:7000:5500::/56 21 static', '200 Accepted Route 2001:db8:7000:5500::/56 via 21'),
    ('subnet set config 2001:db8:7000:1200::/56 0 static', '200 Accepted Route 2001:db8:7000:1200::/56 via 0'),
]

SAVE_EXPECTED = (
    '# SixXS PoP dump stored by SixXSd\n'
    '\n'
    'pop\n'
    '\tset\n'
    '\t\tdetails 1 chtst01 192.0.2.42 2001:db8::42\n'
    '\t\tdetails 2 chtst02 192.0.2.66 2001:db8::66\n'
    '\t\tid 1\n'
    '\tend\n'
    '\n'
    '\ttunnelprefix add 2001:db8:2ff::/48\n'
    '\n'
    '\tsubnetprefix\n'
    '\t\tadd 2001:db8:3000::/40\n'
    '\t\tadd 2001:db8:4000::/40\n'
    '\t\tadd 2001:db8:7000::/48\n'
    '\tend\n'
    '\n'
    '\tcliacl\n'
    '\t\tadd ::1\n'
    '\t\tadd 127.0.0.1\n'
    '\t\tadd 2001:db8::179\n'
    '\t\tadd 192.168.0.179\n'
    '\tend\n'
    'end\n'
    '\n'
    'tunnel\n'
    '\tset\n'
    '\t\tconfig 0 T4141 172.16.1.1 up 1480\n'
    '\t\tconfig 1 T5072 dynamic up 1428 f3d47c2de40fb698e1ab15d757a09bfc\n'
    '\t\tconfig 2 T3740 dynamic up 1280 91915d757a09bfc94d5028832d85cc0d\n'
    '\t\tconfig 20 T200 192.0.2.20 up 1480 pwpw\n'  # a static tunnel's password is kept (README, differences 20)
    '\t\tconfig 21 T201 dynamic disabled 1300 secret21\n'
    '\t\tconfig 2ae T18572 dynamic up 1280 8fd1ca39af3d47c2de40fb698e1abc9a\n'
    '\t\tconfig 42c T84822 dynamic up 1280 eb293433ad7898bd67952f941f6fbea1\n'
    '\t\tconfig 666 T84822 198.18.1.1 disabled 1280\n'
    '\tend\n'
    'end\n'
    '\n'
    'subnet\n'
    '\tset\n'
    '\t\tconfig 2001:db8:3001::/48 2ae static\n'
    '\t\tconfig 2001:db8:3002::/48 42c static\n'
    '\t\tconfig 2001:db8:3003::/48 0 static\n'
    '\t\tconfig 2001:db8:3004::/48 1 static\n'
    '\t\tconfig 2001:db8:3055::/48 2 static\n'
    '\t\tconfig 2001:db8:4010::/48 20 static\n'
    '\t\tconfig 2001:db8:7000:1200::/56 0 static\n'
    '\t\tconfig 2001:db8:7000:5500::/56 21 static\n'
    '\tend\n'
    'end\n').encode()

SNAPSHOT_CMDS = [
    'pop get id', 'pop get name', 'pop show pops', 'pop cliacl list', 'pop tunnelprefix list',
    'pop subnetprefix list', 'tunnel list', 'pop show status',
    'tunnel show T4141', 'tunnel show T5072', 'tunnel show T3740', 'tunnel show T18572', 'tunnel show T84822',
    'tunnel show 2001:db8:2ff:666::1', 'tunnel show T200', 'tunnel show T201',
    'tunnel show 2001:db8:3001::1', 'tunnel show 2001:db8:3002::1', 'tunnel show 2001:db8:3003::1',
    'tunnel show 2001:db8:3004::1', 'tunnel show 2001:db8:3055::1', 'tunnel show 2001:db8:4010::1',
    'tunnel show 2001:db8:7000:5500::1', 'tunnel show 2001:db8:7000:1200::1', 'tunnel show 2001:db8:7000:1300::1',
]


def snapshot():
    with sxd.Session() as s:
        return [(c, s.cmd(c)) for c in SNAPSHOT_CMDS]


class TestSaveconfig(Own):
    conf = sxd.CONF_MIN

    def push(self):
        for line, reply in SAVE_PUSH:
            self.check(self.s, line, reply + '\n')
        self.check(self.s, 'pop saveconfig', '200 Configuration stored to disk\n')
        return self.d.read('sixxsd.conf')

    def test_save_pushed_config(self):
        """spec 8.4: exact content for the configuration pushed."""
        self.assertBytes(self.push(), SAVE_EXPECTED, 'saved file')
        self.assertFalse(self.d_exists('sixxsd.conf.new'), 'sixxsd.conf.new left behind')

    def test_second_save_old_file_and_reload(self):
        first = self.push()
        self.assertIn(b'\t\tadd 192.168.0.179\n\tend\n', first)
        # second save: the previous file is kept as .old
        self.check(self.s, 'pop cliacl add 10.9.9.9', '200 CLI ACL added\n')
        self.check(self.s, 'pop saveconfig', '200 Configuration stored to disk\n')
        self.assertTrue(self.d_exists('sixxsd.conf.old'), 'no sixxsd.conf.old after the second save')
        self.assertBytes(self.d.read('sixxsd.conf.old'), first, '.old = the file before the save')
        second = self.d.read('sixxsd.conf')
        self.assertBytes(second, first.replace(b'\t\tadd 192.168.0.179\n',
                                               b'\t\tadd 192.168.0.179\n\t\tadd 10.9.9.9\n'))
        self.assertFalse(self.d_exists('sixxsd.conf.new'), 'sixxsd.conf.new left behind')
        before = snapshot()
        # the saved file loads and gives the same state
        self.s.close()
        self.d.stop()
        with sxd.Daemon(second) as d2:
            after = snapshot()
            for (c, b), (_c, a) in zip(before, after):
                self.assertBytes(a, b, 'after reload: %s' % c)
            with sxd.Session() as s:
                self.assertBytes(s.cmd('pop saveconfig'), b'200 Configuration stored to disk\n')
            self.assertBytes(d2.read('sixxsd.conf'), second, 'save after reload')

    def d_exists(self, name):
        return os.path.exists(self.d.path(name))

    def test_spec_example_roundtrip(self):
        self.s.close()
        self.d.stop()
        with sxd.Daemon(sxd.CONF_84) as d2:
            with sxd.Session() as s:
                self.assertBytes(s.cmd('pop saveconfig'), b'200 Configuration stored to disk\n')
            self.assertBytes(d2.read('sixxsd.conf'), sxd.CONF_84.encode(), 'spec 8.4 example saved')

    def test_no_prefixes_saved_file_loads(self):
        self.check(self.s, 'pop saveconfig', '200 Configuration stored to disk\n')
        data = self.d.read('sixxsd.conf')
        self.assertTrue(data.startswith(b'# SixXS PoP dump stored by SixXSd\n\npop\n\tset\n'
                                        b'\t\tdetails 1 chtst01 192.0.2.42 2001:db8::42\n\t\tid 1\n\tend\n'), data)
        self.assertNotIn(b'tunnelprefix add', data)
        self.assertNotIn(b'::/0', data)
        self.assertIn(b'\t\tadd ::1\n\t\tadd 127.0.0.1\n', data)
        self.s.close()
        self.d.stop()
        with sxd.Daemon(data):
            with sxd.Session() as s:
                self.assertBytes(s.cmd('pop cliacl list'), multi(['::1', '127.0.0.1']))
                self.assertBytes(s.cmd('pop tunnelprefix list'), b'404 Tunnel Prefix is not configured yet\n')

    def test_quoting_roundtrip(self):
        self.checks(self.s, [
            ('pop set details 3 "ch tst" 192.0.2.3 2001:db8::3', '200 PoP details updated\n'),
            ('pop tunnelprefix add 2001:db8:2ff::/48', '200 Tunnel Prefix 2001:db8:2ff::/48 configured\n'),
            ('tunnel set config 5 T500 dynamic up 1280 "pw with space"', '200 Accepted Tunnel 5/T500\n'),
            ('pop saveconfig', '200 Configuration stored to disk\n'),
        ])
        data = self.d.read('sixxsd.conf')
        self.s.close()
        self.d.stop()
        with sxd.Daemon(data):
            with sxd.Session() as s:
                self.assertBytes(s.cmd('pop show pops'), multi(['1 chtst01 192.0.2.42 2001:db8::42',
                                                                 '3 ch tst 192.0.2.3 2001:db8::3']))
                self.assertBytes(s.cmd('tunnel show T500'),
                                 sxd.tunnel_show(500, 5, P, '0.0.0.0', 1280, 'down', 'none', True,
                                                 password='pw with space'))


if __name__ == '__main__':
    sxd.main()
