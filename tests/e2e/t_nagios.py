"""misc/check_sixxsd against the real daemon: OK, WARNING, CRITICAL."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402

CHECK = os.path.join(sxd.REPO, 'misc', 'check_sixxsd')

# Three static tunnels (up, direct → online) and one disabled static tunnel.
CONF = sxd.CONF_MIN + (
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'tunnel set config 0 T1 192.0.2.1 up 1480\n'
    'tunnel set config 1 T2 192.0.2.2 up 1480\n'
    'tunnel set config 2 T3 192.0.2.3 up 1480\n'
    'tunnel set config 3 T4 192.0.2.4 disabled 1480\n'
    'tunnel set config 4 T5 ayiya up 1280 secret\n'
)


def check(*args):
    p = subprocess.run([sys.executable, CHECK] + list(args), capture_output=True, text=True,
                       timeout=20)
    return p.returncode, p.stdout.strip()


class Nagios(unittest.TestCase):
    def test_against_daemon(self):
        with sxd.Daemon(CONF):
            perf = ' | online=3 active=0 configured=5'
            # 5 configured (the silent AYIYA tunnel counts) < 50 wanted.
            self.assertEqual(check('-h', '127.0.0.1'),
                             (0, 'OK - Small/Unused POP, tunnels configured: 5 (want at least 50)'
                              + perf))
            # Nothing received a packet yet: no tunnel is active.
            self.assertEqual(check('-h', '127.0.0.1', '-t', '5'),
                             (1, 'WARNING - Too few tunnels active: 0 (0%, want 50%)' + perf))
            self.assertEqual(check('-h', '127.0.0.1', '-t', '5', '-o', '4'),
                             (1, 'WARNING - Too few tunnels online: 3 (want 4)' + perf))
            self.assertEqual(check('-h', '::1', '-t', '5', '-a', '0', '-c', '1'),
                             (0, 'OK - Tunnels configured: 5, online: 3, active: 0' + perf))
            self.assertEqual(check('-h', '127.0.0.1', '-t', '5', '-a', '0', '-c', '10'),
                             (1, 'WARNING - Too few tunnels configured: 5 (want 10)' + perf))
        # The daemon is gone: connection refused.
        self.assertEqual(check('-h', '127.0.0.1'),
                         (2, 'CRITICAL - Could not connect to [127.0.0.1].42003'))

    def test_no_tunnels(self):
        with sxd.Daemon(sxd.CONF_MIN):
            self.assertEqual(check('-h', '127.0.0.1'),
                             (2, 'CRITICAL - No tunnels configured | online=0 active=0 configured=0'))

    def test_not_on_acl(self):
        conf = 'pop set details 1 chtst01 192.0.2.42 2001:db8::42\npop set id 1\npop cliacl add ::1\n'
        # The daemon opens 127.0.0.1 too; only the ACL keeps the check out.
        with sxd.Daemon(conf):
            self.assertEqual(check('-h', '127.0.0.1'),
                             (2, 'CRITICAL - HTTP/1.1 301 Content Moved'))
            rc, text = check('-h', '::1')
            self.assertEqual(rc, 2, text)  # allowed, but no tunnels
            self.assertIn('No tunnels configured', text)


if __name__ == '__main__':
    sxd.main()
