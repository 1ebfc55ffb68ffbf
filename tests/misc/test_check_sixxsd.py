"""Tests for misc/check_sixxsd, the Nagios check (control spec section 9).

The real script runs as a subprocess against small fake control-port servers
started here on 127.0.0.1 (ephemeral ports, one thread each, bounded
timeouts).  No traffic leaves the loopback interface.

Run from the repository root:
    python3 -m unittest tests/misc/test_check_sixxsd.py -v
"""
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

SCRIPT = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "misc", "check_sixxsd"))

HOST = "127.0.0.1"
BANNER = b"200 chtst01.sixxs.net SixXSd 4.0 by Jeroen Massar <jeroen@sixxs.net>\n"
COMMAND = b"pop show status\r\n"
IO_TIMEOUT = 10       # fake-server socket timeout: a bug fails the test, not hangs it
RUN_TIMEOUT = 20      # upper bound for one run of the script

# What an un-ACL'd client receives (spec 1.2), then the daemon disconnects.
HTTP_301 = (
    b"HTTP/1.1 301 Content Moved\n"
    b"Date: Sat, 25 Feb 1978 06:06:06\n"
    b"Server: SixXSd\n"
    b"Location: https://www.sixxs.net/\n"
    b"Content-Type: text/html\n"
    b"\n"
    b"<html lang=\"en\">\n"
    b"</html>\n"
    b"<!-- Your IP: 127.0.0.1 -->\n"
)


def status_reply(online, active, configured, eol=b"\n"):
    """A 'pop show status' reply as the daemon frames it (spec 1.5, 4.8)."""
    lines = [b"201 4",
             b"direct %d %d %d" % (online, active, configured),
             b"ayiya 0 0 0",
             b"gre 0 0 0",
             b"total %d %d %d" % (online, active, configured),
             b"200 OK"]
    return b"".join(line + eol for line in lines)


def read_until(conn, received, marker):
    """Append to `received` until it contains marker; False on EOF/error."""
    while marker not in received:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return False
        if not chunk:
            return False
        received += chunk
    return True


def drain(conn, received):
    """Record whatever the client still sends until it disconnects."""
    read_until(conn, received, b"\0never\0")


class FakeServer:
    """Accepts one connection on 127.0.0.1 and runs handler(conn, received)."""

    def __init__(self, handler):
        self.handler = handler
        self.received = bytearray()
        self.stop = threading.Event()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((HOST, 0))
        self.listener.listen(1)
        # Short accept timeout so the thread notices stop() promptly.
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(IO_TIMEOUT)
                try:
                    self.handler(conn, self.received)
                except OSError:
                    pass  # the client may hang up while we are still writing
            return

    def close(self):
        self.stop.set()
        self.thread.join(IO_TIMEOUT + 2)
        self.listener.close()


def daemon_like(reply, banner=BANNER):
    """Banner, wait for the command, send reply, then wait for disconnect."""
    def handler(conn, received):
        conn.sendall(banner)
        if read_until(conn, received, b"\n"):
            conn.sendall(reply)
            drain(conn, received)
    return handler


def send_and_close(data, wait_for_command=False):
    """Send data (after the command, if asked) and disconnect."""
    def handler(conn, received):
        if wait_for_command:
            conn.sendall(BANNER)
            read_until(conn, received, b"\n")
        conn.sendall(data)
    return handler


def silent(conn, received):
    """Accept and never answer; keep the connection until the client leaves."""
    drain(conn, received)


def closed_port():
    """A loopback port that was bound and released, so nothing listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def run_check(args):
    return subprocess.run([sys.executable, SCRIPT] + list(args),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)


class CheckTestCase(unittest.TestCase):

    def serve(self, handler):
        server = FakeServer(handler)
        self.addCleanup(server.close)
        return server

    def check(self, handler, args, expected_line, expected_rc):
        """Run against a fake server; assert exact stdout and exit code."""
        server = self.serve(handler)
        result = run_check(["-h", HOST, "-p", str(server.port)] + list(args))
        self.assertEqual(result.stdout, expected_line + "\n")
        self.assertEqual(result.returncode, expected_rc)
        self.assertEqual(result.stderr, "")
        server.close()
        return server

    def status(self, counts, args, expected_line, expected_rc):
        """Daemon-like server reporting counts = (online, active, configured)."""
        return self.check(daemon_like(status_reply(*counts)), args,
                          expected_line, expected_rc)


class AlertingTests(CheckTestCase):

    def test_ok(self):
        self.status((80, 60, 100), [],
                    "OK - Tunnels configured: 100, online: 80, active: 60"
                    " | online=80 active=60 configured=100", 0)

    def test_ok_small_unused_pop(self):
        # The reply shape of spec example: total 1 0 2.
        self.status((1, 0, 2), [],
                    "OK - Small/Unused POP, tunnels configured: 2 (want at least 50)"
                    " | online=1 active=0 configured=2", 0)

    def test_ok_small_pop_custom_tunnels(self):
        self.status((9, 9, 9), ["-t", "10"],
                    "OK - Small/Unused POP, tunnels configured: 9 (want at least 10)"
                    " | online=9 active=9 configured=9", 0)

    def test_critical_no_tunnels(self):
        self.status((0, 0, 0), [],
                    "CRITICAL - No tunnels configured"
                    " | online=0 active=0 configured=0", 2)

    def test_no_tunnels_beats_small_pop(self):
        self.status((0, 0, 0), ["-t", "0"],
                    "CRITICAL - No tunnels configured"
                    " | online=0 active=0 configured=0", 2)

    def test_warning_online_ratio(self):
        self.status((3, 3, 50), [],
                    "WARNING - Too few tunnels online: 3 (6%, want 10%)"
                    " | online=3 active=3 configured=50", 1)

    def test_online_ratio_boundary_is_ok(self):
        # 10/100 is not below 0.10.
        self.status((10, 10, 100), [],
                    "OK - Tunnels configured: 100, online: 10, active: 10"
                    " | online=10 active=10 configured=100", 0)

    def test_warning_online_absolute(self):
        self.status((4, 4, 60), ["-o", "5"],
                    "WARNING - Too few tunnels online: 4 (want 5)"
                    " | online=4 active=4 configured=60", 1)

    def test_online_absolute_reached_is_ok(self):
        self.status((5, 5, 60), ["-o", "5"],
                    "OK - Tunnels configured: 60, online: 5, active: 5"
                    " | online=5 active=5 configured=60", 0)

    def test_warning_active_ratio(self):
        # active is a fraction of *online*, not of configured.
        self.status((20, 5, 60), [],
                    "WARNING - Too few tunnels active: 5 (25%, want 50%)"
                    " | online=20 active=5 configured=60", 1)

    def test_warning_active_ratio_rounded(self):
        self.status((30, 9, 60), ["-a", "0.333"],
                    "WARNING - Too few tunnels active: 9 (30%, want 33%)"
                    " | online=30 active=9 configured=60", 1)

    def test_warning_active_absolute(self):
        self.status((20, 9, 60), ["-a", "10"],
                    "WARNING - Too few tunnels active: 9 (want 10)"
                    " | online=20 active=9 configured=60", 1)

    def test_online_checked_before_active(self):
        self.status((1, 0, 60), [],
                    "WARNING - Too few tunnels online: 1 (2%, want 10%)"
                    " | online=1 active=0 configured=60", 1)

    def test_online_zero_active_ratio_is_zero(self):
        # Historic bug 44: active/online divided by zero here.
        self.status((0, 0, 60), ["-o", "0"],
                    "WARNING - Too few tunnels active: 0 (0%, want 50%)"
                    " | online=0 active=0 configured=60", 1)

    def test_online_zero_absolute_active(self):
        self.status((0, 0, 60), ["-o", "0", "-a", "1"],
                    "WARNING - Too few tunnels active: 0 (want 1)"
                    " | online=0 active=0 configured=60", 1)

    def test_online_zero_without_active_threshold_is_ok(self):
        self.status((0, 0, 60), ["-o", "0", "-a", "0"],
                    "OK - Tunnels configured: 60, online: 0, active: 0"
                    " | online=0 active=0 configured=60", 0)

    def test_online_zero_default_thresholds(self):
        self.status((0, 0, 60), [],
                    "WARNING - Too few tunnels online: 0 (0%, want 10%)"
                    " | online=0 active=0 configured=60", 1)

    def test_warning_configured_default(self):
        self.status((3, 3, 3), ["-t", "1"],
                    "WARNING - Too few tunnels configured: 3 (want 5)"
                    " | online=3 active=3 configured=3", 1)

    def test_warning_configured_custom(self):
        self.status((8, 8, 8), ["-t", "1", "-c", "10"],
                    "WARNING - Too few tunnels configured: 8 (want 10)"
                    " | online=8 active=8 configured=8", 1)

    def test_fractional_min_configured_is_ignored(self):
        self.status((3, 3, 3), ["-t", "1", "-c", "0.5"],
                    "OK - Tunnels configured: 3, online: 3, active: 3"
                    " | online=3 active=3 configured=3", 0)

    def test_long_options_take_values(self):
        server = self.serve(daemon_like(status_reply(2, 1, 3)))
        result = run_check(["--host=" + HOST, "--port", str(server.port),
                            "--tunnels=1", "--min-online=2", "--min-active", "2",
                            "--min-configured=3"])
        self.assertEqual(result.stdout,
                         "WARNING - Too few tunnels active: 1 (want 2)"
                         " | online=2 active=1 configured=3\n")
        self.assertEqual(result.returncode, 1)

    def test_perfdata_format(self):
        server = self.status((7, 6, 70), [],
                             "OK - Tunnels configured: 70, online: 7, active: 6"
                             " | online=7 active=6 configured=70", 0)
        self.assertEqual(bytes(server.received), COMMAND)
        # No numbers, no perfdata.
        result = run_check(["-h", HOST, "-p", str(closed_port())])
        self.assertEqual(result.returncode, 2)
        self.assertNotIn("|", result.stdout)


class ProtocolTests(CheckTestCase):

    def test_sends_only_the_status_command(self):
        server = self.status((80, 60, 100), [],
                             "OK - Tunnels configured: 100, online: 80, active: 60"
                             " | online=80 active=60 configured=100", 0)
        # No 'quit' or anything else: just the command, then disconnect.
        self.assertEqual(bytes(server.received), COMMAND)

    def test_crlf_reply_is_accepted(self):
        self.check(daemon_like(status_reply(80, 60, 100, eol=b"\r\n"),
                               banner=BANNER.replace(b"\n", b"\r\n")), [],
                   "OK - Tunnels configured: 100, online: 80, active: 60"
                   " | online=80 active=60 configured=100", 0)

    def test_connection_refused(self):
        port = closed_port()
        result = run_check(["-h", HOST, "-p", str(port)])
        self.assertEqual(result.stdout,
                         "CRITICAL - Could not connect to [127.0.0.1].%d\n" % port)
        self.assertEqual(result.returncode, 2)

    def test_not_in_acl_http_301(self):
        server = self.check(send_and_close(HTTP_301), [],
                            "CRITICAL - HTTP/1.1 301 Content Moved", 2)
        self.assertEqual(bytes(server.received), b"")

    def test_other_banner(self):
        self.check(send_and_close(b"500 go away\n"), [],
                   "CRITICAL - 500 go away", 2)

    def test_closed_before_banner(self):
        self.check(send_and_close(b""), [],
                   "CRITICAL - connection closed before banner", 2)

    def test_silent_server_times_out(self):
        started = time.monotonic()
        self.check(silent, [], "CRITICAL - status read error", 2)
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 4.5)
        self.assertLess(elapsed, 7)

    def test_eof_without_total(self):
        self.check(send_and_close(b"201 4\ndirect 1 0 2\nayiya 0 0 0\n",
                                  wait_for_command=True), [],
                   "CRITICAL - could not read 'configured' tunnels", 2)

    def test_malformed_total_line(self):
        for line in [b"total 1 2", b"total 1 2 3 4", b"total 1 x 3",
                     b"total  1 2 3", b"total -1 2 3", b"totally 1 2 3",
                     b"total 1 2 3.0"]:
            with self.subTest(line=line):
                reply = b"201 2\ndirect 1 2 3\n" + line + b"\n200 OK\n"
                self.check(daemon_like(reply), [],
                           "CRITICAL - malformed status reply: " + line.decode(), 2)

    def test_single_line_reply_is_not_a_total_line(self):
        # Spec 9: a '200 total ...' framing would hide the line from the check.
        self.check(send_and_close(b"200 total 1 2 3\n", wait_for_command=True), [],
                   "CRITICAL - could not read 'configured' tunnels", 2)


class UsageTests(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.no_args = run_check([])

    def test_no_arguments(self):
        self.assertEqual(self.no_args.returncode, 3)
        self.assertTrue(self.no_args.stdout.startswith("Usage:\n"))
        self.assertIn("-h <hostname>", self.no_args.stdout)
        self.assertEqual(self.no_args.stderr, "")

    def test_usage_errors(self):
        cases = [
            (["-x"], "getopt(): option -x not recognized"),
            (["-h"], "getopt(): option -h requires argument"),
            (["--host"], "getopt(): option --host requires argument"),
            (["--help"], "getopt(): option --help not recognized"),
            (["-h", HOST, "extra", "args"], "Extra args found: extra args"),
            (["-p", "42003"], "missing -h <hostname>"),
            (["-h", ""], "missing -h <hostname>"),
            (["-h", HOST, "-t", "abc"], "bad value for -t: 'abc'"),
            (["-h", HOST, "-t", "1.5"], "bad value for -t: '1.5'"),
            (["-h", HOST, "-p", "abc"], "bad value for -p: 'abc'"),
            (["-h", HOST, "--port=4x"], "bad value for --port: '4x'"),
            (["-h", HOST, "-p", "70000"], "bad value for port: '70000'"),
            (["-h", HOST, "-p", "0"], "bad value for port: '0'"),
            (["-h", HOST, "-o", "many"], "bad value for -o: 'many'"),
            (["-h", HOST, "-a", "nan"], "bad value for -a: 'nan'"),
            (["-h", HOST, "--min-configured=inf"],
             "bad value for --min-configured: 'inf'"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = run_check(args)
                self.assertEqual(result.returncode, 3)
                self.assertEqual(result.stdout,
                                 "parse_args: " + message + "\n" + self.no_args.stdout)
                self.assertEqual(result.stderr, "")


if __name__ == "__main__":
    unittest.main()
