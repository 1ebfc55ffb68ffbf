"""`make install` places the files under DESTDIR/PREFIX."""
import os
import stat
import subprocess
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


class Install(unittest.TestCase):
    def test_destdir_prefix(self):
        with tempfile.TemporaryDirectory() as dest:
            subprocess.run(['make', '-s', '-C', REPO, 'install', 'DESTDIR=' + dest, 'PREFIX=/opt/sx'],
                           check=True, stdout=subprocess.DEVNULL, timeout=600)
            want = {'opt/sx/sbin/sixxsd': 0o755,
                    'opt/sx/lib/nagios/plugins/check_sixxsd': 0o755,
                    'opt/sx/share/doc/sixxsd/sixxsd.conf.example': 0o644}
            for path, mode in want.items():
                st = os.stat(os.path.join(dest, path))
                self.assertEqual(stat.S_IMODE(st.st_mode), mode, path)
            out = subprocess.run([os.path.join(dest, 'opt/sx/sbin/sixxsd'), '-V'],
                                 capture_output=True, text=True, timeout=10).stdout
            self.assertIn('Version: 4.0', out)


if __name__ == '__main__':
    unittest.main()
