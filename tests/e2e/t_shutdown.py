#!/usr/bin/env python3
"""Stopping the daemon: signals and `pop shutdown` (spec 1.7, 4.17, 8.6)."""
import signal
import time
import unittest

import sxd

STOP_TIMEOUT = 15


class Shutdown(unittest.TestCase, sxd.BytesAssert):

    def setUp(self):
        self.d = sxd.Daemon(sxd.CONF_84)
        self.addCleanup(self.d.stop)

    def open(self, **kw):
        s = sxd.Session(timeout=10, **kw)
        self.addCleanup(s.close)
        self.assertBytes(s.banner, sxd.banner('chtst01'))
        return s

    def assertExits(self, timeout=STOP_TIMEOUT):
        rc = self.d.wait_exit(timeout)
        self.assertIsNotNone(rc, 'daemon still running %d s after being told to stop' % timeout)
        self.assertEqual(rc, 0, 'exit status\nstderr:\n%s' % self.d.stderr()[-2000:])
        self.assertFalse(sxd.port_open('127.0.0.1'), 'port 42003 (IPv4) still open after exit')
        self.assertFalse(sxd.port_open('::1'), 'port 42003 (IPv6) still open after exit')

    def _signal_stop(self, sig):
        a = self.open()                         # idle in main
        b = self.open(host='::1')               # inside a context, after commands
        self.assertBytes(b.cmd('tunnel set'), b"200 >> main > tunnel > set (use '..' or 'end' to go up one level)\n")
        self.assertBytes(b.cmd('config 30 T3000 192.0.2.30 up 1480'), b'200 Accepted Tunnel 30/T3000 with password\n')
        t0 = time.monotonic()
        self.d.signal(sig)
        for name, s in (('ipv4 session', a), ('ipv6 session', b)):
            got = s.read_until_eof(STOP_TIMEOUT)
            self.assertBytes(got, sxd.TSCHAU_CLOSING, name)
        self.assertExits()
        self.assertLess(time.monotonic() - t0, STOP_TIMEOUT)

    def test_sigterm_two_sessions(self):
        self._signal_stop(signal.SIGTERM)

    def test_sigint(self):
        self._signal_stop(signal.SIGINT)

    def test_sigterm_no_sessions(self):
        self.d.signal(signal.SIGTERM)
        self.assertExits()

    def test_pop_shutdown(self):
        a = self.open()
        b = self.open(host='::1')
        b.send('pop shutdown\npop get id\n')
        self.assertBytes(b.read_until_eof(STOP_TIMEOUT), b'666 Tschau, shutting down\n')
        self.assertBytes(a.read_until_eof(STOP_TIMEOUT), sxd.TSCHAU_CLOSING)
        self.assertExits()

    def test_pop_shutdown_extra_arguments_in_context(self):
        s = self.open()
        self.assertBytes(s.cmd('pop'), b"200 >> main > pop (use '..' or 'end' to go up one level)\n")
        s.send('shutdown now please\n')
        self.assertBytes(s.read_until_eof(STOP_TIMEOUT), b'666 Tschau, shutting down\n')
        self.assertExits()

    def test_sighup_does_not_kill(self):
        a = self.open()
        self.assertBytes(a.cmd('pop get id'), b'200 1\n')
        self.d.signal(signal.SIGHUP)
        time.sleep(2)
        self.assertTrue(self.d.alive(), 'daemon exited on SIGHUP (rc %s)' % self.d.proc.returncode)
        self.assertBytes(a.cmd('pop get name'), b'200 chtst01\n', 'existing session after SIGHUP')
        with sxd.Session() as s:
            self.assertBytes(s.cmd('pop get id'), b'200 1\n', 'new session after SIGHUP')
            self.assertBytes(s.cmd('tunnel show T5072').split(b'\n', 1)[0], b'201 48')

    def test_ignored_signals(self):
        a = self.open()
        for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGPIPE):
            self.d.signal(sig)
        time.sleep(1)
        self.assertTrue(self.d.alive(), 'daemon exited on SIGUSR1/SIGUSR2/SIGPIPE')
        self.assertBytes(a.cmd('pop get id'), b'200 1\n')
        # a client vanishing with unread output (SIGPIPE territory)
        for _ in range(3):
            s = sxd.Session()
            s.send('pop show version\n' * 50)
            s.close()
        time.sleep(0.5)
        self.assertTrue(self.d.alive(), 'daemon died after clients vanished with pending output')
        self.assertBytes(a.cmd('pop get id'), b'200 1\n')


if __name__ == '__main__':
    sxd.main()
