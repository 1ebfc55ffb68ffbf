"""Helpers for the sixxsd end-to-end tests.

A test script runs inside its own network namespace (tests/e2e/run.sh makes
it), so the daemon's control port 42003, its tun device and every packet stay
there.  This module

* starts the daemon from a configuration text in a fresh temporary directory
  (``Daemon``), waits until TCP 127.0.0.1:42003 accepts, and always stops it
  by PID (SIGTERM, then SIGKILL after 5 s) -- on ``stop()``, on leaving a
  ``with`` block, and at interpreter exit (also when the test process gets
  SIGTERM from ``timeout``);
* speaks the control-port framing (``Session``): a reply is either one line
  ``CCC text\\n`` or ``H01 N\\n`` + N lines + ``CCC OK\\n``; ``cmd()`` returns
  the exact raw bytes of one reply.

Everything has a bounded timeout: nothing waits forever.
"""

import atexit
import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
SIXXSD = os.path.abspath(os.environ.get('SIXXSD', os.path.join(REPO, 'sixxsd')))
PORT = 42003
READY_TIMEOUT = 10.0
STOP_GRACE = 5.0
KEEP = os.environ.get('SXT_KEEP') == '1'   # keep temp dirs for debugging

BANNER_FMT = '200 %s.sixxs.net SixXSd 4.0 by Jeroen Massar <jeroen@sixxs.net>\n'
TSCHAU_CLOSING = b'404 Tschau, closing down\n'
TSCHAU_TIMEOUT = b'500 Tschau, connection timed out\n'


def banner(popname):
    return (BANNER_FMT % popname).encode()


def http301(peer):
    """The fixed text a peer that is not on the CLI ACL receives (spec 1.2)."""
    return (
        'HTTP/1.1 301 Content Moved\n'
        'Date: Sat, 25 Feb 1978 06:06:06\n'
        'Server: SixXSd\n'
        'Location: https://www.sixxs.net/\n'
        'Content-Type: text/html\n'
        '\n'
        '<html lang="en">\n'
        '<head>\n'
        '<title>SixXSd</title>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />\n'
        '</head>\n'
        '\n'
        '<body>\n'
        'Information about SixXS can be found on the <a href="https://www.sixxs.net/">SixXS website</a>.\n'
        '</body>\n'
        '</html>\n'
        '<!-- Your IP: %s -->\n' % peer).encode()


def multi(lines, code=200):
    """Expected bytes of a reply with the given text lines (str, no LF)."""
    if len(lines) > 1:
        body = ''.join(l + '\n' for l in lines)
        return ('%d01 %d\n' % (code // 100, len(lines)) + body + '%d OK\n' % code).encode()
    return ('%d %s\n' % (code, lines[0] if lines else '')).encode()


def one(text, code=200):
    return ('%d %s\n' % (code, text)).encode()


# --------------------------------------------------------------------------
# Configurations

# The normalised example configuration of spec 8.4, byte for byte.
CONF_84 = (
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
    '\tend\n'
    'end\n'
)

# PoP identity and ACL only: no prefixes, no tunnels.
CONF_MIN = (
    'pop set details 1 chtst01 192.0.2.42 2001:db8::42\n'
    'pop set id 1\n'
    'pop cliacl add ::1\n'
    'pop cliacl add 127.0.0.1\n'
)

# tunnel list of CONF_84 (spec 5.4 example)
LIST_84 = [
    'T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0',
    'T5072 2001:db8:2ff:1::2 0.0.0.0 down none 1428 0',
    'T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 0',
    'T18572 2001:db8:2ff:2ae::2 0.0.0.0 down none 1280 0',
    'T84822 2001:db8:2ff:42c::2 0.0.0.0 down none 1280 0',
    'T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 0',
]

# The four silent dynamic tunnels count as configured (not online) ones,
# so a restart does not make the PoP look empty (control §12 item 25).
STATUS_84 = ['direct 1 0 6', 'ayiya 0 0 0', 'gre 0 0 0', 'total 1 0 6']

ERROR_NAMES = [
    'Encap.Pkt Too Big', 'Disabled tunnel', 'Clock Off', 'Encap.Pkt Send Error',
    'Same In&Out Interface', 'Wrong Source IPv6', 'Wrong Source IPv4',
    'Packet over uplink', 'Non-IPv6 Payload', 'Non-IPv4 Payload',
    'AYIYA Hash Fail', 'AYIYA-non-AYIYA', 'AYIYA Invalid Forward',
    'Heartbeat Hash Fail', 'HB-non-HB', 'HB Missing sender',
    'HB Sender Mismatch', 'HB Missing Time', 'ICMPv4 Errors Received',
    'ICMPv4 Echo Req. Recv.', 'Wrong Payload',
    # beyond the historic daemon: replay and hijack resistance
    'Replay Dropped', 'Endpoint Move Refused',
]


def tunnel_show(tn, tid, ptext, outer_them, mtu, state, ttype, dynamic,
                password=None, debugging='no', outer_us='::'):
    """Expected `tunnel show` reply of a tunnel without any traffic (spec 5.5).

    ptext is the prefix text, e.g. '2001:db8:2ff:'; the inner addresses use
    group 4 = tid modulo 0x8000 (deviation 8: tid = prefix number * 0x8000 +
    group 4).
    """
    L = []
    group = tid & 0x7fff

    def f(label, value):
        L.append('%-24s: %s' % (label, value))
    f('Tunnel ID', 'T%d' % tn)
    f('TID', '0x%x' % tid)
    f('Tunnel Debugging', debugging)
    f('Inner Us', '%s%x::1' % (ptext, group))
    f('Inner Them', '%s%x::2' % (ptext, group))
    f('Outer Us', outer_us)
    f('Outer Them', outer_them)
    f('MTU', str(mtu))
    f('Tunnel State', state)
    f('Tunnel Type', ttype)
    f('Dynamic Tunnel', 'yes' if dynamic else 'no')
    if dynamic:
        f('Last Heartbeat', 'never')
        f('Heartbeat Password', password)
    for d, pad in (('In', ' '), ('Out', '')):
        f('Packet %s' % d, 'never')
        f('Packets %s' % d, '0')
        f('Packets %s%s (Total)' % (d, pad), '0')
        f('Octets %s' % d, '0')
        f('Octets %s%s (Total)' % (d, pad), '0')
    f('Latency Pkt Sent', '0')
    f('Latency Pkt Recv', '0')
    for n in ERROR_NAMES:
        f(n, 'none')
    return multi(L)


# --------------------------------------------------------------------------
# Comparison helpers

def diff(got, exp):
    """Human-readable difference of two byte strings, line by line."""
    g = [repr(l) for l in got.split(b'\n')]
    e = [repr(l) for l in exp.split(b'\n')]
    return '\n'.join(difflib.unified_diff(e, g, 'expected', 'got', lineterm='', n=2))


class BytesAssert:
    """Mixin for unittest.TestCase: byte-exact comparison with a line diff."""

    def assertBytes(self, got, exp, msg=''):
        if got != exp:
            self.fail('%s\nexpected %r\n     got %r\n%s' % (msg, exp[:600], got[:600], diff(got, exp)))


# --------------------------------------------------------------------------
# Daemon

_live = []


def _cleanup():
    for d in list(_live):
        try:
            d.stop()
        except Exception as e:  # keep going: every daemon must be stopped
            sys.stderr.write('cleanup: %r\n' % (e,))


atexit.register(_cleanup)


def _on_term(signum, frame):
    # `timeout` (or run.sh when interrupted) sends SIGTERM: stop every daemon
    # by PID and leave at once (a SystemExit would be swallowed by unittest)
    signal.signal(signum, signal.SIG_DFL)
    sys.stderr.write('\nsxd: signal %d, stopping %d daemon(s) and exiting\n' % (signum, len(_live)))
    _cleanup()
    sys.stderr.flush()
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, _on_term)


def port_open(host='127.0.0.1', port=PORT, timeout=0.5):
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class DaemonError(Exception):
    pass


class Daemon:
    """One sixxsd process with its own temporary directory.

    conf: configuration text (str or bytes) written to <tmp>/<conf_name>
    (None: no file is written).
    """

    def __init__(self, conf=CONF_84, idle_timeout=None, conf_name='sixxsd.conf',
                 extra_args=(), wait=True):
        if not os.access(SIXXSD, os.X_OK):
            raise DaemonError('daemon binary %s missing or not executable' % SIXXSD)
        if port_open():
            raise DaemonError('port %d already open before start (a daemon still running?)' % PORT)
        self.dir = tempfile.mkdtemp(prefix='sxt-')
        self.conf_name = conf_name
        self.conf_path = os.path.join(self.dir, conf_name)
        self.pidfile = os.path.join(self.dir, 'sixxsd.pid')
        self.out_path = os.path.join(self.dir, 'stdout.log')
        self.err_path = os.path.join(self.dir, 'stderr.log')
        args = [SIXXSD, '-f', '-c', conf_name, '-p', self.pidfile]
        if idle_timeout is not None:
            args.append('--idle-timeout=%d' % idle_timeout)
        args += list(extra_args)
        self.args = args
        self.rc = None
        try:
            if conf is not None:       # None: start without a configuration file
                data = conf.encode() if isinstance(conf, str) else conf
                with open(self.conf_path, 'wb') as f:
                    f.write(data)
            self._out = open(self.out_path, 'wb')
            self._err = open(self.err_path, 'wb')
            self.proc = subprocess.Popen(args, cwd=self.dir, stdin=subprocess.DEVNULL,
                                         stdout=self._out, stderr=self._err,
                                         start_new_session=True)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self.pid = self.proc.pid
        _live.append(self)
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.stop()
                raise

    # -- lifecycle
    def wait_ready(self, timeout=READY_TIMEOUT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                self.rc = self.proc.returncode
                raise DaemonError('daemon exited with %s before opening the port\nstdout:\n%s\nstderr:\n%s'
                                  % (self.rc, self.stdout()[-3000:], self.stderr()[-3000:]))
            if port_open():
                return
            time.sleep(0.05)
        raise DaemonError('port %d not accepting after %.0f s\nstderr:\n%s' % (PORT, timeout, self.stderr()[-3000:]))

    def alive(self):
        return self.proc.poll() is None

    def wait_exit(self, timeout):
        """Wait up to timeout seconds for the process to end; return rc or None."""
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._done()
        return self.rc

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self):
        """SIGTERM, SIGKILL after 5 s; returns the exit status."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self.rc = self.proc.returncode
        self._done()
        return self.rc

    def _done(self):
        if self in _live:
            _live.remove(self)
        for f in (self._out, self._err):
            try:
                f.close()
            except Exception:
                pass
        # wait until the port is really free, so the next daemon can start
        end = time.monotonic() + 5
        while port_open() and time.monotonic() < end:
            time.sleep(0.05)
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- files
    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        with open(self.path(name), 'rb') as f:
            return f.read()

    def stdout(self):
        try:
            with open(self.out_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def stderr(self):
        try:
            with open(self.err_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def cpu_seconds(self):
        """utime+stime of the daemon process in seconds (from /proc)."""
        with open('/proc/%d/stat' % self.pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def run_config(conf, conf_name='sixxsd.conf', timeout=10):
    """Start the daemon on a configuration expected to fail; return
    (rc, stdout, stderr, port_was_open).  The daemon is killed if it does not
    exit in time (rc is then None)."""
    d = Daemon(conf, conf_name=conf_name, wait=False)
    opened = False
    end = time.monotonic() + timeout
    rc = None
    while time.monotonic() < end:
        if not d.alive():
            rc = d.proc.returncode
            break
        if port_open(timeout=0.2):
            opened = True
        time.sleep(0.05)
    out, err = d.stdout(), d.stderr()
    d.stop()    # kills it if still running; bookkeeping otherwise
    return rc, out, err, opened


# --------------------------------------------------------------------------
# Session

class ProtocolError(Exception):
    pass


class Closed(Exception):
    """The peer closed the connection; .data holds what came before EOF."""

    def __init__(self, data):
        Exception.__init__(self, 'connection closed by daemon after %r' % (data[:200],))
        self.data = data


HEADER = re.compile(rb'^([2-5])01 (\d+)\n$')
TRAILER = re.compile(rb'^\d{3} OK\n$')


class Session:
    def __init__(self, host='127.0.0.1', port=PORT, source=None, timeout=5.0,
                 read_banner=True):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        if source:
            self.sock.bind((source, 0))
        self.sock.connect((host, port))
        self.buf = b''
        self.log = b''          # every byte received, in order
        self.banner = self.readline() if read_banner else None

    # -- low level
    def settimeout(self, t):
        self.sock.settimeout(t)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)   # socket.timeout on timeout
        if not chunk:
            return False
        self.buf += chunk
        self.log += chunk
        return True

    def readline(self):
        while b'\n' not in self.buf:
            if not self._fill():
                data, self.buf = self.buf, b''
                raise Closed(data)
        i = self.buf.index(b'\n') + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def read_reply(self):
        first = self.readline()
        m = HEADER.match(first)
        if not m:
            return first
        n = int(m.group(2))
        out = first
        for _ in range(n):
            out += self.readline()
        trailer = self.readline()
        if not TRAILER.match(trailer):
            raise ProtocolError('bad trailer %r after %r' % (trailer, out[-300:]))
        return out + trailer

    def cmd(self, line):
        """Send one line (LF added) and return the raw bytes of its reply."""
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b'\n')
        return self.read_reply()

    def read_until_eof(self, timeout=5.0):
        """All remaining bytes until the daemon closes; raises socket.timeout
        (via AssertionError) if it does not close within timeout."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError('no EOF within %.1f s; got %r' % (timeout, self.buf[:300]))
            self.sock.settimeout(left)
            try:
                if not self._fill():
                    data, self.buf = self.buf, b''
                    return data
            except socket.timeout:
                raise AssertionError('no EOF within %.1f s; got %r' % (timeout, self.buf[:300]))
            except ConnectionResetError:
                data, self.buf = self.buf, b''
                return data

    def pending(self, wait=0.3):
        """Bytes that arrive within `wait` seconds without sending anything."""
        self.sock.settimeout(wait)
        try:
            self._fill()
        except socket.timeout:
            pass
        except ConnectionResetError:
            pass
        data, self.buf = self.buf, b''
        return data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def read_all(host='127.0.0.1', source=None, timeout=5.0):
    """Connect and read everything until EOF (for the not-on-ACL answer)."""
    s = Session(host=host, source=source, timeout=timeout, read_banner=False)
    try:
        return s.read_until_eof(timeout)
    finally:
        s.close()


def ctl(line):
    """One command in a fresh session; the reply as text."""
    with Session() as s:
        return s.cmd(line).decode()


def field(tunnel, label):
    """The value of one `tunnel show` line, or None."""
    for line in ctl('tunnel show ' + tunnel).splitlines():
        if line.startswith(label):
            return line.split(': ', 1)[1]
    return None


def wait_for(pred, timeout, what):
    """Poll pred (bounded); fail with `what` when it never holds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.2)
    raise AssertionError('not within %.0f s: %s' % (timeout, what))


def main():
    """unittest.main with verbose output, non-zero exit on failure."""
    import unittest
    unittest.main(verbosity=2)
