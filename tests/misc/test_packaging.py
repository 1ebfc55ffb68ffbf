"""Packaging: `make install` of the systemd unit and the manual page.

Installs into a scratch DESTDIR with PREFIX=/usr and checks the installed
files, their modes and paths; verifies the installed unit with
`systemd-analyze verify --root` (so the absolute ExecStart path resolves to
the installed binary); checks the man page with `man --warnings`; and runs
the installed daemon, in a scratch network namespace, with exactly the
capabilities that the unit grants.

Needs systemd (systemd-analyze), man-db and groff-base (misc/deps); the
capability test needs root and util-linux (unshare, setpriv) and iproute2.
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
PREFIX = '/usr'
UNIT = 'usr/lib/systemd/system/sixxsd.service'
MAN = 'usr/share/man/man8/sixxsd.8'
BIN = 'usr/sbin/sixxsd'
WANT_CAPS = ['CAP_NET_ADMIN', 'CAP_NET_RAW']
ENV = dict(os.environ, LC_ALL='C.UTF-8', MANWIDTH='80')
ENV.pop('MANPAGER', None)
ENV.pop('PAGER', None)


def make_install(dest, prefix):
    r = subprocess.run(['make', '-s', '-C', REPO, 'install', 'DESTDIR=' + dest, 'PREFIX=' + prefix],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError('make install failed:\n' + r.stdout)


def parse_unit(path):
    """{section: [(key, value), ...]} in file order; keys may repeat."""
    units, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in '#;':
                continue
            if line.startswith('[') and line.endswith(']'):
                section = line[1:-1]
                units.setdefault(section, [])
                continue
            key, _, value = line.partition('=')
            units[section].append((key.strip(), value.strip()))
    return units


def values(unit, section, key):
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit, section, key):
    v = values(unit, section, key)
    if len(v) != 1:
        raise AssertionError('%s= in [%s]: want exactly one, got %r' % (key, section, v))
    return v[0]


def verify_root(dest):
    """A copy of the installed tree plus the host's own units, so that the
    unit's default dependencies (sysinit.target, ...) resolve under --root."""
    root = tempfile.mkdtemp(prefix='sixxsd-verify-')
    shutil.copytree(dest, root, symlinks=True, dirs_exist_ok=True)
    seen = set()
    for d in ('/lib/systemd/system', '/usr/lib/systemd/system'):
        real = os.path.realpath(d)
        if not os.path.isdir(real) or real in seen:
            continue
        seen.add(real)
        shutil.copytree(real, root + real, symlinks=True, dirs_exist_ok=True,
                        ignore=lambda _d, names: [n for n in names if n == 'sixxsd.service'])
    return root


def systemd_verify(root):
    env = dict(ENV, MANPATH=os.path.join(root, 'usr/share/man'))
    return subprocess.run(['systemd-analyze', 'verify', '--root=' + root, 'sixxsd.service'],
                           capture_output=True, text=True, env=env, timeout=120)


class Packaging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.mkdtemp(prefix='sixxsd-install-')
        make_install(cls.dest, PREFIX)
        cls.unit_path = os.path.join(cls.dest, UNIT)
        cls.man_path = os.path.join(cls.dest, MAN)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dest, ignore_errors=True)

    def test_files_and_modes(self):
        want = {BIN: 0o755,
                'usr/lib/nagios/plugins/check_sixxsd': 0o755,
                'usr/share/doc/sixxsd/sixxsd.conf.example': 0o644,
                MAN: 0o644,
                UNIT: 0o644}
        for path, mode in want.items():
            st = os.stat(os.path.join(self.dest, path))
            self.assertTrue(stat.S_ISREG(st.st_mode), path)
            self.assertEqual(stat.S_IMODE(st.st_mode), mode, path)
        with open(os.path.join(REPO, 'misc/sixxsd.8')) as f:
            self.assertIn('.SH NAME', f.read())
        with open(self.man_path) as f:
            self.assertIn('.SH NAME', f.read())

    def test_unit_runs_the_installed_binary(self):
        unit = parse_unit(self.unit_path)
        argv = one(unit, 'Service', 'ExecStart').split()
        self.assertEqual(argv[0], PREFIX + '/sbin/sixxsd')
        self.assertEqual(argv[1:], ['-f', '-c', '/etc/sixxsd/sixxsd.conf'])
        binary = os.path.join(self.dest, argv[0].lstrip('/'))
        self.assertTrue(os.access(binary, os.X_OK), binary)
        out = subprocess.run([binary, '-V'], capture_output=True, text=True, timeout=10).stdout
        self.assertIn('Version: 4.0', out)

    def test_unit_settings(self):
        unit = parse_unit(self.unit_path)
        self.assertEqual(one(unit, 'Service', 'Type'), 'simple')
        self.assertEqual(one(unit, 'Service', 'Restart'), 'on-failure')
        self.assertEqual(one(unit, 'Service', 'RestartSec'), '5')
        self.assertEqual(one(unit, 'Service', 'WorkingDirectory'), '/etc/sixxsd')
        self.assertEqual(one(unit, 'Service', 'LimitNOFILE'), '4096')
        self.assertEqual(one(unit, 'Service', 'NoNewPrivileges'), 'yes')
        self.assertEqual(one(unit, 'Service', 'ProtectSystem'), 'strict')
        self.assertEqual(one(unit, 'Service', 'ProtectHome'), 'yes')
        self.assertEqual(one(unit, 'Service', 'PrivateTmp'), 'yes')
        self.assertEqual(one(unit, 'Service', 'DevicePolicy'), 'closed')
        self.assertEqual(values(unit, 'Service', 'DeviceAllow'), ['/dev/net/tun rw'])
        rw = ' '.join(values(unit, 'Service', 'ReadWritePaths')).split()
        self.assertEqual(sorted(rw), ['/etc/sixxsd', '/proc/sys/net'])
        fams = ' '.join(values(unit, 'Service', 'RestrictAddressFamilies')).split()
        self.assertEqual(sorted(fams), ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX'])
        # systemd ignores capability names it does not know, so check them here.
        for key in ('CapabilityBoundingSet', 'AmbientCapabilities'):
            caps = ' '.join(values(unit, 'Service', key)).split()
            self.assertEqual(sorted(caps), WANT_CAPS, key)
        self.assertEqual(values(unit, 'Service', 'User'), [], 'runs as root (see the unit)')
        self.assertEqual(one(unit, 'Install', 'WantedBy'), 'multi-user.target')
        self.assertEqual(one(unit, 'Unit', 'Documentation'), 'man:sixxsd(8)')

    def test_prefix_is_substituted(self):
        with tempfile.TemporaryDirectory() as dest:
            make_install(dest, '/opt/sx')
            unit = parse_unit(os.path.join(dest, 'opt/sx/lib/systemd/system/sixxsd.service'))
            self.assertEqual(one(unit, 'Service', 'ExecStart').split()[0], '/opt/sx/sbin/sixxsd')
            with open(os.path.join(dest, 'opt/sx/share/man/man8/sixxsd.8')) as f:
                man = f.read()
            self.assertIn('/opt/sx/lib/systemd/system/sixxsd.service', man)
            self.assertNotIn('/usr/local/', man)

    @unittest.skipUnless(shutil.which('systemd-analyze'), 'systemd-analyze missing (misc/deps)')
    def test_systemd_analyze_verify(self):
        root = verify_root(self.dest)
        try:
            r = systemd_verify(root)
            self.assertEqual((r.returncode, r.stderr, r.stdout), (0, '', ''))
            # The check must be able to fail: a wrong binary path and an
            # unknown key are reported.
            unit = os.path.join(root, UNIT)
            with open(unit) as f:
                text = f.read()
            with open(unit, 'w') as f:
                f.write(text.replace('ExecStart=/usr/sbin/sixxsd', 'ExecStart=/usr/sbin/nosuchd')
                        .replace('[Install]', 'NoSuchKey=1\n[Install]'))
            bad = systemd_verify(root)
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn('/usr/sbin/nosuchd', bad.stderr)
            self.assertIn('NoSuchKey', bad.stderr)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    @unittest.skipUnless(shutil.which('systemd-analyze'), 'systemd-analyze missing (misc/deps)')
    def test_sandbox_exposure(self):
        # systemd's own score of the sandbox (0.0 = fully locked, 10.0 =
        # none; 2.2 now). --threshold is in tenths: above 2.5 it exits
        # non-zero, so weakening the unit fails here.
        r = subprocess.run(['systemd-analyze', 'security', '--offline=yes', '--root=' + self.dest,
                            '--threshold=25', 'sixxsd.service'],
                           capture_output=True, text=True, env=ENV, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        m = re.search(r'Overall exposure level for sixxsd\.service: (\d+\.\d)', r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertLessEqual(float(m.group(1)), 2.5)

    @unittest.skipUnless(shutil.which('man'), 'man missing (misc/deps)')
    def test_man_page(self):
        r = subprocess.run(['man', '--warnings', '-l', self.man_path],
                           capture_output=True, text=True, env=ENV, timeout=60)
        self.assertEqual((r.returncode, r.stderr), (0, ''))
        text = r.stdout
        self.assertRegex(text, r'(?m)^NAME\n\s+sixxsd - ')
        for section in ('SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'FILES', 'SIGNALS', 'CONTROL PORT',
                        'ADDRESS PLAN', 'DYNAMIC TUNNELS', 'MONITORING', 'SEE ALSO'):
            self.assertRegex(text, '(?m)^' + section + '$')
        # Every option that `sixxsd -h` lists is described under OPTIONS.
        options = text.split('\nOPTIONS\n', 1)[1].split('\nEXIT STATUS\n', 1)[0]
        usage = subprocess.run([os.path.join(self.dest, BIN), '-h'], capture_output=True,
                               text=True, timeout=10).stdout
        listed = re.findall(r'(?m)^(?:(-\w), )?\s*(--[\w-]+)', usage)
        self.assertGreater(len(listed), 10, usage)
        for short, long_ in listed:
            self.assertRegex(options, '(?m)^       ' + (re.escape(short) + ', ' if short else '')
                             + re.escape(long_) + r'\b', long_)


# Run inside `unshare -n`: the installed daemon with only the given
# capabilities, a control session, saveconfig, SIGTERM.
CHILD = r'''
import os, signal, socket, subprocess, sys, time
binary, caps, work = sys.argv[1], sys.argv[2], sys.argv[3]
subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
conf = os.path.join(work, 'sixxsd.conf')
with open(conf, 'w') as f:
    f.write('pop tunnelprefix add 2001:db8:2ff::/48\npop cliacl add 127.0.0.1\n'
            'tunnel set config 0 T1 192.0.2.1 up 1480\n')
out = open(os.path.join(work, 'out'), 'w+')
p = subprocess.Popen(['setpriv', '--bounding-set', caps, '--inh-caps', '-all', '--no-new-privs',
                      '--', binary, '-f', '-w', '1', '-c', conf],
                     cwd=work, stdout=out, stderr=subprocess.STDOUT)
deadline = time.time() + 15
while time.time() < deadline and p.poll() is None:
    with open(out.name) as f:
        if 'Running as PID' in f.read():
            break
    time.sleep(0.1)
if p.poll() is not None:
    print('EXITED', p.returncode)
    print(open(out.name).read())
    sys.exit(0)
s = socket.create_connection(('127.0.0.1', 42003), timeout=10)
f = s.makefile('r')
print('BANNER', f.readline().strip())
s.sendall(b'pop saveconfig\n')
print('SAVE', f.readline().strip())
print('FORWARDING', open('/proc/sys/net/ipv6/conf/all/forwarding').read().strip())
p.send_signal(signal.SIGTERM)
print('FAREWELL', f.readline().strip())
print('EXIT', p.wait(timeout=30))
print('SAVED', os.path.exists(conf + '.old'))
'''


@unittest.skipUnless(os.geteuid() == 0 and shutil.which('unshare') and shutil.which('setpriv')
                     and shutil.which('ip'), 'needs root, unshare, setpriv and ip')
class Capabilities(unittest.TestCase):
    """The unit's capability set is enough for the daemon, and each of
    its capabilities is needed."""

    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.mkdtemp(prefix='sixxsd-install-')
        make_install(cls.dest, PREFIX)
        unit = parse_unit(os.path.join(cls.dest, UNIT))
        cls.caps = ' '.join(values(unit, 'Service', 'CapabilityBoundingSet')).split()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dest, ignore_errors=True)

    def run_with(self, caps):
        spec = ','.join(['-all'] + ['+' + c[len('CAP_'):].lower() for c in caps])
        with tempfile.TemporaryDirectory() as work:
            r = subprocess.run(['unshare', '-n', sys.executable, '-c', CHILD,
                                os.path.join(self.dest, BIN), spec, work],
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_unit_capabilities_suffice(self):
        out = self.run_with(self.caps)
        self.assertIn('BANNER 200 ', out)
        self.assertIn('SAVE 200 Configuration stored to disk', out)
        self.assertIn('FORWARDING 1', out)
        self.assertIn('FAREWELL 404 Tschau, closing down', out)
        self.assertIn('EXIT 0', out)
        self.assertIn('SAVED True', out)

    def test_each_capability_is_needed(self):
        for cap in self.caps:
            out = self.run_with([c for c in self.caps if c != cap])
            self.assertRegex(out, r'EXITED [1-9]', cap)


if __name__ == '__main__':
    unittest.main()
