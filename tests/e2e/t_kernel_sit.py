"""A real Linux kernel as the proto-41 client: Debian's own kernel in a QEMU
guest (TCG) with its sit driver, on a tap in the PoP's namespace. The guest
pings its P:t::1 and a host on the Internet side through sixxsd."""
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
)


class KernelSit(unittest.TestCase):
    def test_guest_pings_through_sixxsd(self):
        build = subprocess.run(['bash', os.path.join(QEMU, 'build.sh')], capture_output=True, text=True,
                               timeout=900)
        self.assertEqual(build.returncode, 0, build.stdout + build.stderr)
        with topo.Topo() as t, sxd.Daemon(CONF):
            i = t.ns('i')
            t.link(None, i, ['2001:db8:ffff:1::fe/64'], [INET + '/64'], 'pi', 'ci')
            sh(['ip', '-6', 'route', 'add', '2001:db8:2ff::/48', 'via', '2001:db8:ffff:1::fe'], ns=i)
            env = dict(os.environ, SXT_TAP_ADDR='10.9.0.1/24', SXT_ACCEL='tcg')
            g = subprocess.run(['bash', os.path.join(QEMU, 'run_guest.sh'), t.pop, 'sxtap0', '240',
                                'sxt.ip4=10.9.0.2/24', 'sxt.pop4=10.9.0.1',
                                'sxt.me6=%s9::2/64' % P, 'sxt.pop6=%s9::1' % P,
                                'sxt.ping=%s9::1,%s' % (P, INET)],
                               capture_output=True, text=True, env=env, timeout=300)
            log = g.stdout + g.stderr
            self.assertEqual(g.returncode, 0, log[-3000:])
            self.assertIn('SXT-RESULT ping %s9::1 ok' % P, log)
            self.assertIn('SXT-RESULT ping %s ok' % INET, log)
            with sxd.Session() as s:
                show = s.cmd('tunnel show T109').decode()
            self.assertIn('Outer Us                : 10.9.0.1', show)
            self.assertIn('Tunnel Type             : direct', show)
            self.assertNotIn('Packets In              : 0\n', show)


if __name__ == '__main__':
    sxd.main()
