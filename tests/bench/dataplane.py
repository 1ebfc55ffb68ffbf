#!/usr/bin/env python3
"""make bench, data plane: packets per second through sixxsd next to a bare
reflector that does only the unavoidable work (read proto-41, strip 20
bytes, write to a tun; and back). A report, never a pass/fail test.

  generator ns (10.1.0.2) ──veth── PoP ns (sixxsd | reflector) ──veth── Internet ns
  loadgen/sink: proto-41 side                       loadgen/sink: IPv6 UDP side
"""
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
TOOLS = os.path.join(REPO, 'build', 'tools')
SIXXSD = os.path.abspath(os.environ.get('SIXXSD', os.path.join(REPO, 'sixxsd')))
SECS = int(os.environ.get('BENCH_SECONDS', '4'))
P = '2001:db8:2ff:'
INET = '2001:db8:ffff:1::1'
TAG = 'sxb%d' % os.getpid()
NS_P, NS_G, NS_I = TAG + 'p', TAG + 'g', TAG + 'i'
procs = []


def sh(cmd, ns=None, check=True, timeout=60):
    if ns:
        cmd = ['ip', 'netns', 'exec', ns] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode:
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stderr))
    return p.stdout


def spawn(cmd, ns, **kw):
    p = subprocess.Popen(['ip', 'netns', 'exec', ns] + cmd, stdin=subprocess.DEVNULL,
                         start_new_session=True, **kw)
    procs.append(p)
    return p


def stop(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)


def topology():
    for ns in (NS_P, NS_G, NS_I):
        sh(['ip', 'netns', 'add', ns])
        sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
    sh(['ip', 'link', 'add', 'pg', 'netns', NS_P, 'type', 'veth', 'peer', 'name', 'gp', 'netns', NS_G])
    sh(['ip', 'link', 'add', 'pi', 'netns', NS_P, 'type', 'veth', 'peer', 'name', 'ip', 'netns', NS_I])
    for ns, dev, addr in ((NS_P, 'pg', '10.1.0.1/24'), (NS_G, 'gp', '10.1.0.2/24'),
                          (NS_P, 'pi', '2001:db8:ffff:1::fe/64'), (NS_I, 'ip', INET + '/64')):
        sh(['ip', 'addr', 'add', addr, 'dev', dev] + (['nodad'] if ':' in addr else []), ns=ns)
        sh(['ip', 'link', 'set', dev, 'up'], ns=ns)
        sh(['ethtool', '-K', dev, 'tx', 'off'], ns=ns, check=False)
    sh(['ip', '-6', 'route', 'add', P + ':/48', 'via', '2001:db8:ffff:1::fe'], ns=NS_I)
    sh(['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'], ns=NS_P)
    time.sleep(1)


def cleanup():
    for p in procs:
        stop(p)
    for ns in (NS_P, NS_G, NS_I):
        for pid in sh(['ip', 'netns', 'pids', ns], check=False).split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        sh(['ip', 'netns', 'del', ns], check=False)


def start_pop(kind, ntun, workdir):
    if kind in ('sixxsd', 'ayiya'):
        conf = os.path.join(workdir, 'sixxsd.conf')
        with open(conf, 'w') as f:
            f.write('pop cliacl add 127.0.0.1\npop tunnelprefix add 2001:db8:2ff::/48\n')
            for t in range(ntun):
                if kind == 'ayiya':
                    f.write('tunnel set config %x T%d ayiya up 1428 pw%x\n' % (t, 1000 + t, t))
                else:
                    f.write('tunnel set config %x T%d 10.1.0.2 up 1480\n' % (t, 1000 + t))
        p = spawn([SIXXSD, '-f', '-c', conf], NS_P, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if 'sixxs' in sh(['ip', 'link'], ns=NS_P):
                break
            time.sleep(0.05)
    else:
        p = spawn([os.path.join(TOOLS, 'reflector'), '-i', 'refl', '-l', '10.1.0.1', '-r', '10.1.0.2',
                   '-t', '600'], NS_P, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if 'refl' in sh(['ip', 'link'], ns=NS_P):
                break
            time.sleep(0.05)
        sh(['ip', '-6', 'route', 'replace', P + ':/48', 'dev', 'refl'], ns=NS_P)
    time.sleep(0.5)
    return p


def measure(direction, ntun, size):
    """Offered and delivered packets per second for one run."""
    if direction == 'in':   # proto-41 → tun → Internet host
        sink = spawn([os.path.join(TOOLS, 'sink'), '-m', 'v6', '-p', '9', '-t', str(SECS + 2)], NS_I,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        gen = ['-m', 'v4', '-s', '10.1.0.2', '-d', '10.1.0.1', '-S', P + ':2', '-D', INET]
        gen_ns = NS_G
    else:                   # Internet host → tun → proto-41
        sink = spawn([os.path.join(TOOLS, 'sink'), '-m', 'v4', '-t', str(SECS + 2)], NS_G,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        gen = ['-m', 'v6', '-S', INET, '-D', P + ':2']
        gen_ns = NS_I
    time.sleep(0.3)
    out = sh([os.path.join(TOOLS, 'loadgen')] + gen + ['-n', str(ntun), '-z', str(size), '-t', str(SECS),
                                                      '-p', '9'], ns=gen_ns, timeout=SECS + 30)
    s_out, _ = sink.communicate(timeout=SECS + 30)
    offered = float(re.search(r'= (\d+) pps', out).group(1))
    got = int(re.search(r'received (\d+) packets', s_out).group(1))
    sent = int(re.search(r'sent (\d+) packets', out).group(1))
    return offered, offered * got / sent if sent else 0.0


def measure_ayiya(direction, ntun, size):
    """AYIYA: SHA-1 on every packet, both ways."""
    gen = os.path.join(TOOLS, 'ayiyagen')
    common = ['-s', '10.1.0.1', '-b', '10.1.0.2', '-S', P + ':', '-n', str(ntun), '-P', 'pw%x']
    if direction == 'in':
        sink = spawn([os.path.join(TOOLS, 'sink'), '-m', 'v6', '-p', '9', '-t', str(SECS + 2)], NS_I,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(0.3)
        out = sh([gen] + common + ['-D', INET, '-z', str(size), '-t', str(SECS)], ns=NS_G,
                 timeout=SECS + 30)
        s_out, _ = sink.communicate(timeout=SECS + 30)
        got = int(re.search(r'received (\d+) packets', s_out).group(1))
    else:
        # Every tunnel learns its endpoint (port 41000) first.
        sh([gen] + common + ['-D', INET, '-z', '100', '-t', '1', '-p', '41000', '-c', str(ntun)],
           ns=NS_G, timeout=30)
        rx = spawn([gen, '-R', '-b', '10.1.0.2', '-p', '41000', '-t', str(SECS + 2)], NS_G,
                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(0.3)
        out = sh([os.path.join(TOOLS, 'loadgen'), '-m', 'v6', '-S', INET, '-D', P + ':2', '-n', str(ntun),
                  '-z', str(size), '-t', str(SECS), '-p', '9'], ns=NS_I, timeout=SECS + 30)
        r_out, _ = rx.communicate(timeout=SECS + 30)
        got = int(re.search(r'received (\d+) packets', r_out).group(1))
    offered = float(re.search(r'= (\d+) pps', out).group(1))
    sent = int(re.search(r'sent (\d+) packets', out).group(1))
    return offered, offered * got / sent if sent else 0.0


def ctl_session(lines):
    """A control session in the PoP that sends lines and then never reads
    again (the slow debug reader); returns the process."""
    code = ('import socket,sys,time\ns=socket.create_connection(("127.0.0.1",42003))\n'
            's.recv(4096)\nfor l in sys.argv[1:]:\n s.sendall((l+"\\n").encode()); time.sleep(0.2); s.recv(4096)\n'
            'time.sleep(3600)')
    p = spawn(['python3', '-c', code] + lines, NS_P, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    return p


def debug_costs(workdir):
    """Forwarding with debugging off, with an unrelated tunnel debugged, and
    with the busy tunnel debugged to a session that does not read."""
    res = []
    p = start_pop('sixxsd', 2, workdir)
    res.append(('debugging off', measure('in', 1, 100)[1]))
    s = ctl_session(['tunnel set debug T1001 on'])
    res.append(('an unrelated tunnel debugged', measure('in', 1, 100)[1]))
    stop(s)
    s = ctl_session(['tunnel set debug T1000 on'])
    res.append(('the busy tunnel debugged, reader stuck', measure('in', 1, 100)[1]))
    stop(s)
    stop(p)
    return res


def latency_pass(workdir, ntun=65536, period=10):
    """A latency pass over ntun up tunnels that all spoke to us once."""
    conf = os.path.join(workdir, 'sixxsd.conf')
    with open(conf, 'w') as f:
        f.write('pop cliacl add 127.0.0.1\n')
        for k in range(3):
            f.write('pop tunnelprefix add 2001:db8:%x::/48\n' % (0x2ff + k))
        for i in range(ntun):
            f.write('tunnel set config %x T%d 10.1.0.2 up 1480\n' % ((i // 0x7fff) * 0x8000 + i % 0x7fff, i))
    p = spawn([SIXXSD, '-f', '-c', conf, '--latency-period=%d' % period], NS_P,
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    # Every tunnel speaks once (its first prefix only reaches 32767 of them
    # through this generator's address plan; the rest through the others).
    for k in range(3):
        n = min(0x7fff, ntun - k * 0x7fff)
        if n > 0:
            sh([os.path.join(TOOLS, 'loadgen'), '-m', 'v4', '-s', '10.1.0.2', '-d', '10.1.0.1', '-S',
                '2001:db8:%x::2' % (0x2ff + k), '-D', INET, '-n', str(n), '-z', '100', '-t', '2', '-p', '9'],
               ns=NS_G, timeout=30)
    # Forwarding while the prober sends one probe per tunnel per period.
    base = '2001:db8:2ff:'
    sink = spawn([os.path.join(TOOLS, 'sink'), '-m', 'v6', '-p', '9', '-t', str(period + 2)], NS_I,
                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(0.3)
    out = sh([os.path.join(TOOLS, 'loadgen'), '-m', 'v4', '-s', '10.1.0.2', '-d', '10.1.0.1', '-S',
              base + ':2', '-D', INET, '-n', '1', '-z', '100', '-t', str(period), '-p', '9'], ns=NS_G,
             timeout=period + 30)
    s_out, _ = sink.communicate(timeout=period + 30)
    got = int(re.search(r'received (\d+) packets', s_out).group(1))
    sent = int(re.search(r'sent (\d+) packets', out).group(1))
    offered = float(re.search(r'= (\d+) pps', out).group(1))
    metrics = sh(['python3', '-c', 'import socket\ns=socket.create_connection(("127.0.0.1",42003))\n'
                  's.recv(4096)\ns.sendall(b"pop show metrics\\n")\nimport time\ntime.sleep(1)\n'
                  'print(s.recv(1<<20).decode())'], ns=NS_P)
    probes = re.search(r'sixxsd_latency_probes\{result="sent"\} (\d+)', metrics)
    stop(p)
    return offered * got / sent if sent else 0.0, int(probes.group(1)) if probes else -1


def tcp_gbits(workdir):
    """One TCP stream from a 6in4 client (sx6in4) through tunnel 0."""
    cl = spawn([os.path.join(TOOLS, 'sx6in4'), '-i', 'tc', '-l', '10.1.0.2', '-r', '10.1.0.1'], NS_G,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if 'tc:' in sh(['ip', 'link'], ns=NS_G):
            break
        time.sleep(0.05)
    sh(['ip', '-6', 'addr', 'add', P + '0::2/64', 'dev', 'tc', 'nodad'], ns=NS_G)
    sh(['ip', '-6', 'route', 'add', 'default', 'dev', 'tc'], ns=NS_G)
    n = 400 * 1000 * 1000
    srv = spawn(['python3', '-c', 'import socket,time\ns=socket.socket(socket.AF_INET6)\n'
                 's.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(("::",5001))\n'
                 's.listen(1)\nc,_=s.accept()\nn=0\nwhile True:\n d=c.recv(1<<20)\n if not d: break\n'
                 ' n+=len(d)\nprint(n)'], NS_I, stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    t = time.monotonic()
    sh(['python3', '-c', 'import socket\nc=socket.create_connection(("%s",5001))\nb=bytes(1<<20)\n'
        'for _ in range(%d): c.sendall(b)\nc.close()' % (INET, n >> 20)], ns=NS_G, timeout=300)
    got, _ = srv.communicate(timeout=300)
    el = time.monotonic() - t
    stop(cl)
    return int(got) * 8 / el / 1e9


def main():
    rows = []
    try:
        topology()
        with tempfile.TemporaryDirectory() as wd:
            for ntun in (1, 4096):
                for kind in ('sixxsd', 'reflector'):
                    p = start_pop(kind, ntun, wd)
                    for direction in ('in', 'out'):
                        for size in (100, 1280):
                            off, got = measure(direction, ntun, size)
                            rows.append((ntun, kind, direction, size, off, got))
                            print('%-9s %5d tunnels  %-3s %4d B: offered %9.0f pps, delivered %9.0f pps'
                                  % (kind, ntun, direction, size, off, got), flush=True)
                    stop(p)
                    time.sleep(0.5)
            for ntun in (1, 4096):
                p = start_pop('ayiya', ntun, wd)
                for direction in ('in', 'out'):
                    for size in (100, 1280):
                        off, got = measure_ayiya(direction, ntun, size)
                        rows.append((ntun, 'ayiya', direction, size, off, got))
                        print('%-9s %5d tunnels  %-3s %4d B: offered %9.0f pps, delivered %9.0f pps'
                              % ('ayiya', ntun, direction, size, off, got), flush=True)
                stop(p)
                time.sleep(0.5)
            p = start_pop('sixxsd', 1, wd)
            gbit = tcp_gbits(wd)
            stop(p)
            dbg = debug_costs(wd)
            for what, pps in dbg:
                print('debug: %-40s %9.0f pps delivered' % (what, pps), flush=True)
            lat_pps, lat_probes = latency_pass(wd)
            print('latency: %d probes sent in one 10 s period; forwarding meanwhile %9.0f pps'
                  % (lat_probes, lat_pps), flush=True)
    finally:
        cleanup()
    print()
    print('| tunnels | direction | inner size | sixxsd delivered pps | reflector delivered pps | share |')
    print('|---|---|---|---|---|---|')
    for ntun in (1, 4096):
        for direction in ('in', 'out'):
            for size in (100, 1280):
                s = [r for r in rows if r[:4] == (ntun, 'sixxsd', direction, size)][0]
                r = [r for r in rows if r[:4] == (ntun, 'reflector', direction, size)][0]
                share = 100.0 * s[5] / r[5] if r[5] else 0.0
                print('| %d | %s | %d B | %.0f | %.0f | %.0f%% |'
                      % (ntun, 'proto-41 → tun' if direction == 'in' else 'tun → proto-41', size, s[5], r[5], share))
    print()
    print('| tunnels | direction | inner size | AYIYA delivered pps | proto-41 delivered pps | AYIYA / proto-41 |')
    print('|---|---|---|---|---|---|')
    for ntun in (1, 4096):
        for direction in ('in', 'out'):
            for size in (100, 1280):
                a = [r for r in rows if r[:4] == (ntun, 'ayiya', direction, size)][0]
                s41 = [r for r in rows if r[:4] == (ntun, 'sixxsd', direction, size)][0]
                share = 100.0 * a[5] / s41[5] if s41[5] else 0.0
                print('| %d | %s | %d B | %.0f | %.0f | %.0f%% |'
                      % (ntun, 'tunnel → tun' if direction == 'in' else 'tun → tunnel', size, a[5], s41[5], share))
    print()
    print('| debugging | 100 B proto-41 → tun, delivered pps |')
    print('|---|---|')
    for what, pps in dbg:
        print('| %s | %.0f |' % (what, pps))
    print()
    print('Latency pass over 65,536 up tunnels (10 s period): %d probes sent in the period, '
          'forwarding meanwhile %.0f pps (100 B, one tunnel)' % (lat_probes, lat_pps))
    print()
    print('TCP stream through one tunnel (sx6in4 client → sixxsd → Internet host): %.2f Gbit/s' % gbit)


if __name__ == '__main__':
    sys.exit(main())
