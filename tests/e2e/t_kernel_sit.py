"""A real Linux kernel as the proto-41 client: Debian's own kernel in a QEMU
guest (TCG) with its sit driver, on a tap in the PoP's namespace. The guest
pings its P:t::1 and a host on the Internet side through sixxsd: once over a
static tunnel, once over a heartbeat tunnel whose beats the guest sends."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402
import topo  # noqa: E402
from topo import sh  # noqa: E402

QEMU = os.path.join(sxd.REPO, 'tests', 'e2e', 'qemu')
P = '2001:db8:2ff:'
INET = '2001:db8:ffff:1::1'
CONF = sxd.CONF_MIN + (
    'pop tunnelprefix add 2001:db8:2ff::/48\n'
    'tunnel set config 9 T109 10.9.0.2 up 1480\n'
    'tunnel set config a T110 heartbeat up 1480 guestpw\n'
)


def setUpModule():
    build = subprocess.run(['bash', os.path.join(QEMU, 'build.sh')], capture_output=True, text=True,
                           timeout=900)
    if build.returncode != 0:
        raise RuntimeError('qemu/build.sh failed:\n' + build.stdout + build.stderr)


class KernelSit(unittest.TestCase):
    def boot(self, tid, extra=()):
        """Boot the guest as the client of tunnel tid; returns its console."""
        with topo.Topo() as t, sxd.Daemon(CONF):
            i = t.ns('i')
            t.link(None, i, ['2001:db8:ffff:1::fe/64'], [INET + '/64'], 'pi', 'ci')
            sh(['ip', '-6', 'route', 'add', '2001:db8:2ff::/48', 'via', '2001:db8:ffff:1::fe'], ns=i)
            env = dict(os.environ, SXT_TAP_ADDR='10.9.0.1/24', SXT_ACCEL='tcg')
            g = subprocess.run(['bash', os.path.join(QEMU, 'run_guest.sh'), t.pop, 'sxtap0', '240',
                                'sxt.ip4=10.9.0.2/24', 'sxt.pop4=10.9.0.1',
                                'sxt.me6=%s%x::2/64' % (P, tid), 'sxt.pop6=%s%x::1' % (P, tid),
                                'sxt.ping=%s%x::1,%s' % (P, tid, INET)] + list(extra),
                               capture_output=True, text=True, env=env, timeout=300)
            log = g.stdout + g.stderr
            self.assertEqual(g.returncode, 0, log[-3000:])
            with sxd.Session() as s:
                self.show = s.cmd('tunnel show T%d' % (100 + tid)).decode()
            return log

    def test_static_tunnel(self):
        log = self.boot(9)
        self.assertIn('SXT-RESULT ping %s9::1 ok' % P, log)
        self.assertIn('SXT-RESULT ping %s ok' % INET, log)
        self.assertIn('Outer Us                : 10.9.0.1', self.show)
        self.assertIn('Tunnel Type             : direct', self.show)
        self.assertNotIn('Packets In              : 0\n', self.show)

    def test_heartbeat_tunnel(self):
        log = self.boot(0xa, ['sxt.hb=guestpw'])
        self.assertIn('SXT-RESULT ping %sa::1 ok' % P, log)
        self.assertIn('SXT-RESULT ping %s ok' % INET, log)
        self.assertIn('Outer Them              : 10.9.0.2', self.show)
        self.assertIn('Dynamic Tunnel          : yes', self.show)
        self.assertRegex(self.show, r'Last Heartbeat          : \d{4}-')
        self.assertIn('Heartbeat Hash Fail     : none', self.show)


if __name__ == '__main__':
    sxd.main()
