"""Network-namespace topologies for the data-plane tests.

The test process runs inside the namespace tests/e2e/run.sh made for it: that
namespace is the PoP. Client and Internet namespaces are made here, named
after the PoP's, and every namespace and process made here is removed by
PID/name in cleanup() — also when a test fails (use it as a context manager).
"""
import os
import signal
import subprocess
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
TOOLS = os.path.join(REPO, 'build', 'tools')


def sh(cmd, check=True, timeout=60, ns=None, capture=True):
    if ns:
        cmd = ['ip', 'netns', 'exec', ns] + cmd
    p = subprocess.run(cmd, capture_output=capture, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError('%s failed (%d): %s%s' % (' '.join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def this_netns():
    out = sh(['ip', 'netns', 'identify', str(os.getpid())]).stdout.strip()
    if not out:
        raise RuntimeError('the test must run inside a named network namespace (tests/e2e/run.sh)')
    return out


class Topo:
    def __init__(self):
        self.pop = this_netns()
        self.made = []
        self.procs = []
        self.n = 0

    # -- construction
    def ns(self, tag):
        name = '%s-%s' % (self.pop, tag)
        sh(['ip', 'netns', 'add', name])
        self.made.append(name)
        sh(['ip', '-n', name, 'link', 'set', 'lo', 'up'])
        return name

    def link(self, ns_a, ns_b, addrs_a=(), addrs_b=(), name_a=None, name_b=None):
        """A veth pair between two namespaces (None = the PoP)."""
        self.n += 1
        ia = name_a or 'sxv%da' % self.n
        ib = name_b or 'sxv%db' % self.n
        sh(['ip', 'link', 'add', ia, 'type', 'veth', 'peer', 'name', ib])
        for ifn, ns, addrs in ((ia, ns_a, addrs_a), (ib, ns_b, addrs_b)):
            if ns:
                sh(['ip', 'link', 'set', ifn, 'netns', ns])
            for a in addrs:
                extra = ['nodad'] if ':' in a else []
                sh(['ip', 'addr', 'add', a, 'dev', ifn] + extra, ns=ns)
            sh(['ip', 'link', 'set', ifn, 'up'], ns=ns)
            # Test hosts send finished checksums, as real NICs deliver them.
            sh(['ethtool', '-K', ifn, 'tx', 'off'], ns=ns, check=False)
        return ia, ib

    def spawn(self, ns, cmd, **kw):
        full = (['ip', 'netns', 'exec', ns] if ns else []) + cmd
        p = subprocess.Popen(full, stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def client(self, ns, tun, local4, pop4, addrs6, mtu=1480):
        """A 6in4 client on the namespace's own kernel stack: sx6in4 wraps
        what the kernel routes into `tun`; everything else is the kernel."""
        p = self.spawn(ns, [os.path.join(TOOLS, 'sx6in4'), '-i', tun, '-l', local4, '-r', pop4,
                            '-m', str(mtu)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 5
        while sh(['ip', 'link', 'show', tun], ns=ns, check=False).returncode != 0:
            if time.monotonic() > end or p.poll() is not None:
                raise RuntimeError('sx6in4 did not create %s' % tun)
            time.sleep(0.05)
        for a in addrs6:
            sh(['ip', '-6', 'addr', 'add', a, 'dev', tun, 'nodad'], ns=ns)
        sh(['ip', '-6', 'route', 'add', 'default', 'dev', tun], ns=ns)
        return p

    # -- teardown
    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(3)
        for ns in reversed(self.made):
            for pid in sh(['ip', 'netns', 'pids', ns], check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            sh(['ip', 'netns', 'del', ns], check=False)
        self.made = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


def ping(ns, target, count=1, extra=(), timeout=20):
    """iputils ping from a namespace; returns (ok, output)."""
    p = sh(['ping', '-6', '-n', '-c', str(count), '-W', '2'] + list(extra) + [target], ns=ns,
           check=False, timeout=timeout)
    return p.returncode == 0, p.stdout + p.stderr


_SERVER = r"""
import hashlib, socket, sys, random
mode, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', 5001)); s.listen(1); s.settimeout(60)
c, _ = s.accept(); c.settimeout(60)
h = hashlib.sha256()
if mode == 'recv':
    got = 0
    while True:
        d = c.recv(1 << 16)
        if not d: break
        h.update(d); got += len(d)
    print(got, h.hexdigest())
else:
    r = random.Random(41); left = n
    while left:
        d = r.randbytes(min(left, 1 << 16)); c.sendall(d); h.update(d); left -= len(d)
    c.shutdown(socket.SHUT_WR); c.recv(1)
    print(n, h.hexdigest())
"""
_CLIENT = r"""
import hashlib, socket, sys, random
mode, n, host = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = socket.create_connection((host, 5001), timeout=60)
h = hashlib.sha256()
if mode == 'send':
    r = random.Random(41); left = n
    while left:
        d = r.randbytes(min(left, 1 << 16)); c.sendall(d); h.update(d); left -= len(d)
    c.shutdown(socket.SHUT_WR); c.recv(1)
    print(n, h.hexdigest())
else:
    got = 0
    while True:
        d = c.recv(1 << 16)
        if not d: break
        h.update(d); got += len(d)
    print(got, h.hexdigest())
"""


def tcp_transfer(server_ns, client_ns, server_addr, size, upload):
    """A TCP transfer of size bytes between two namespaces; upload=True sends
    from the client. Returns (client's (bytes, sha256), server's)."""
    srv = subprocess.Popen(['ip', 'netns', 'exec', server_ns, 'python3', '-c', _SERVER,
                            'recv' if upload else 'send', str(size)],
                           stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        cl = sh(['python3', '-c', _CLIENT, 'send' if upload else 'recv', str(size), server_addr],
                ns=client_ns, timeout=180)
        out, _ = srv.communicate(timeout=180)
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
    return cl.stdout.split(), out.split()
