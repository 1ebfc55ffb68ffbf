"""Process behaviour: options, detaching with a pid file, missing file."""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402


def run(*args, cwd=None):
    return subprocess.run([sxd.SIXXSD] + list(args), capture_output=True, text=True, timeout=20,
                          cwd=cwd)


class Process(unittest.TestCase, sxd.BytesAssert):
    def test_version_and_usage(self):
        p = run('-V')
        self.assertEqual((p.returncode, p.stdout),
                         (0, 'Product: SixXSd - SixXS Daemon\nVersion: 4.0\nRelease: 2015.10.12\n'))
        for args in (['-h'], ['-?'], ['--help'], ['-x'], ['extra']):
            p = run(*args)
            self.assertEqual(p.returncode, 255, args)
            self.assertIn('-c, --config FILE', p.stdout, args)

    def test_missing_file(self):
        d = tempfile.mkdtemp(prefix='sxt-')
        try:
            p = run('-f', '-c', 'nope.conf', cwd=d)
            self.assertEqual(p.returncode, 406 & 0xff)
            self.assertIn("401 2\nCould not open file 'nope.conf': No such file or directory "
                          "(errno 2)\nLoading configuration failed\n406 OK\n", p.stdout)
            self.assertFalse(sxd.port_open())
        finally:
            os.rmdir(d)

    def test_daemonize_pidfile(self):
        d = tempfile.mkdtemp(prefix='sxt-')
        conf = os.path.join(d, 'sixxsd.conf')
        pidfile = os.path.join(d, 'pid')
        with open(conf, 'w') as f:
            f.write(sxd.CONF_84)
        pid = None
        try:
            # Default mode detaches: the command returns at once with 0.
            p = run('-c', conf, '-p', pidfile, cwd=d)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            end = time.monotonic() + 10
            while not (os.path.exists(pidfile) and sxd.port_open()) and time.monotonic() < end:
                time.sleep(0.05)
            with open(pidfile) as f:
                pid = int(f.read())
            self.assertNotEqual(pid, os.getpid())
            with sxd.Session() as s:
                self.assertBytes(s.banner, sxd.banner('chtst01'))
                self.assertBytes(s.cmd('pop get id'), b'200 1\n')
                os.kill(pid, signal.SIGTERM)
                self.assertBytes(s.read_until_eof(), sxd.TSCHAU_CLOSING)
            end = time.monotonic() + 10
            while os.path.exists('/proc/%d' % pid) and time.monotonic() < end:
                time.sleep(0.05)
            self.assertFalse(os.path.exists('/proc/%d' % pid), 'daemon still running')
            self.assertFalse(os.path.exists(pidfile), 'pid file removed at exit')
            pid = None
        finally:
            if pid and os.path.exists('/proc/%d' % pid):
                os.kill(pid, signal.SIGKILL)
            subprocess.run(['rm', '-rf', d])


if __name__ == '__main__':
    sxd.main()
