"""pop saveconfig through the real daemon: round trip, .old, failures.

A saved file must load back into the same state (load → save → load → save
gives identical files), and a save that cannot complete must leave the good
file exactly as it was."""
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sxd  # noqa: E402

# Every kind of line the dump writes.
CONF = r'''# every kind of line
pop
	set
		details 1 chtst01 192.0.2.42 2001:db8::42
		details 7 "pop with space" 198.51.100.7 2001:db8::7
		id 1
	end
	tunnelprefix add 2001:db8:2ff::/48
	tunnelprefix add 2001:db8::/48
	subnetprefix
		add 2001:db8:3000::/40
		add 2001:db8:7000::/48
	end
	cliacl
		add ::1
		add 127.0.0.1
		add 2001:db8::179
	end
end
tunnel
	set
		config 0 T4141 172.16.1.1 up 1480
		config 1 T5072 ayiya up 1428 f3d47c2de40fb698e1ab15d757a09bfc
		config 2 T3740 heartbeat up 1280 "pass word \"quoted\" back\\slash"
		config 3 T3741 dynamic disabled 1300
		config 4 T4242 2001:db8:ffff::4 up 1400 staticsecret
		config 666 T84822 198.18.1.1 disabled 1280
		config 8005 T99 192.0.2.99 up 1280
	end
end
subnet
	set
		config 2001:db8:3001::/48 2 static
		config 2001:db8:30ff::/48 8005 static
		config 2001:db8:7000:500::/56 1 static
		config 2001:db8:7000:ff00::/56 4 static
	end
end
'''

STATE_CMDS = ['tunnel list', 'pop show pops', 'pop get id', 'pop tunnelprefix list',
              'pop subnetprefix list', 'pop cliacl list', 'tunnel show T3740',
              'tunnel show T4242', 'tunnel show T99', 'tunnel show 2001:db8:7000:5ff::1',
              'tunnel show 2001:db8:30ff::1']


def state():
    with sxd.Session() as s:
        return [s.cmd(c) for c in STATE_CMDS]


def save(d):
    with sxd.Session() as s:
        return s.cmd('pop saveconfig')


class SaveConfig(unittest.TestCase, sxd.BytesAssert):
    def test_round_trip(self):
        with sxd.Daemon(CONF) as d:
            before = state()
            self.assertBytes(save(d), b'200 Configuration stored to disk\n')
            a = d.read('sixxsd.conf')
            self.assertBytes(d.read('sixxsd.conf.old'), CONF.encode(), 'previous file kept')
            self.assertEqual(stat.S_IMODE(os.stat(d.conf_path).st_mode), 0o600)
            self.assertFalse(os.path.exists(d.path('sixxsd.conf.new')))
        with sxd.Daemon(a) as d:
            after = state()
            self.assertBytes(save(d), b'200 Configuration stored to disk\n')
            b = d.read('sixxsd.conf')
            self.assertBytes(d.read('sixxsd.conf.old'), a)
        self.assertBytes(b, a, 'load → save → load → save')
        for c, x, y in zip(STATE_CMDS, before, after):
            if c.startswith('tunnel show'):  # the tunnel's state, not its times
                x, y = x.split(b'Packet In')[0], y.split(b'Packet In')[0]
            self.assertBytes(y, x, 'state after reload: ' + c)
        for want in (b'\t\tdetails 7 "pop with space" 198.51.100.7 2001:db8::7\n',
                     b'\ttunnelprefix add 2001:db8:0::/48\n',
                     b'\t\tconfig 2 T3740 dynamic up 1280 "pass word \\"quoted\\" back\\\\slash"\n',
                     b'\t\tconfig 3 T3741 dynamic disabled 1300 \n',
                     b'\t\tconfig 4 T4242 2001:db8:ffff::4 up 1400 staticsecret\n',
                     b'\t\tconfig 8005 T99 192.0.2.99 up 1280\n',
                     b'\t\tconfig 2001:db8:7000:500::/56 1 static\n'):
            self.assertIn(want, a)

    def test_new_file_blocked(self):
        with sxd.Daemon(CONF) as d:
            os.mkdir(d.path('sixxsd.conf.new'))
            r = save(d)
            self.assertTrue(r.startswith(b'500 Could not store the configuration: cannot remove '), r)
            self.assertBytes(d.read('sixxsd.conf'), CONF.encode(), 'good file untouched')
            with sxd.Session() as s:  # still serving
                self.assertBytes(s.cmd('pop get id'), b'200 1\n')

    def test_disk_full(self):
        """The dump does not fit on the file system: the old file stays."""
        tmp = tempfile.mkdtemp(prefix='sxt-full-')
        with open(os.path.join(tmp, 'seed.conf'), 'w') as f:
            f.write(CONF)
        # A private mount namespace with a 48 KiB tmpfs under tmp/fs.
        script = ('mkdir -p %s/fs && mount -t tmpfs -o size=48k sxtfull %s/fs && '
                  'cp %s/seed.conf %s/fs/sixxsd.conf && cd %s/fs && exec %s -f -c sixxsd.conf'
                  % ((tmp,) * 5 + (sxd.SIXXSD,)))
        p = subprocess.Popen(['unshare', '-m', '--propagation', 'private', 'sh', '-c', script],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            end = time.monotonic() + 10
            while not sxd.port_open() and time.monotonic() < end:
                self.assertIsNone(p.poll(), 'daemon exited early')
                time.sleep(0.05)
            conf = '/proc/%d/root%s/fs/sixxsd.conf' % (p.pid, tmp)
            with sxd.Session() as s:
                # 1500 dynamic tunnels with long passwords: ~250 KB of dump.
                s.send(''.join('tunnel set config %x T%d ayiya up 1280 %s\n' % (t, 1000 + t, 'p' * 132)
                               for t in range(10, 1510)))
                for _ in range(1500):
                    self.assertTrue(s.read_reply().startswith(b'200 Accepted'))
                r = s.cmd('pop saveconfig')
                self.assertTrue(r.startswith(b'500 Could not store the configuration: cannot write '),
                                r)
                self.assertIn(b'No space left on device', r)
                with open(conf) as f:
                    self.assertEqual(f.read(), CONF, 'good file untouched')
                self.assertFalse(os.path.exists(conf + '.new'), 'half-written file removed')
                self.assertBytes(s.cmd('pop get id'), b'200 1\n')
        finally:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait(5)
            subprocess.run(['rm', '-rf', tmp])
            end = time.monotonic() + 5
            while sxd.port_open() and time.monotonic() < end:
                time.sleep(0.05)


if __name__ == '__main__':
    sxd.main()
