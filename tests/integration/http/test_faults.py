"""Faults around the server rather than in requests: running out of descriptors, and a second
server started on the address of a running one.

Out of descriptors, a level-triggered listener would spin on accept(2) failing with EMFILE; muxd's
acceptor sheds pending connections with a spare descriptor, pauses when even that cannot be had
back, and resumes: it never stops listening for good. The server runs under `prlimit` with its
soft AND hard RLIMIT_NOFILE low (muxd raises its soft limit to the hard one at start).

Only generous bounds are asserted (CPU seconds, log lines, "closed within N seconds").
"""
import os
import re
import select
import socket
import subprocess
import tempfile
import time
import unittest

from harness import MUXD_BIN, SANITIZER, Server, ServerTestCase, wait_until
from httpkit import HANG_BOUND, HTTP_MODEL, SiteRoot, get, skip_for_models, start_http

DESCRIPTOR_LIMIT = 64
PARTIAL_HEAD = b"GET /a.txt HTTP/1.1\r\nHost: x\r\n"  # never finished: the server holds the connection


def process_cpu_seconds(pid):
    """utime + stime of process `pid` (all its threads), in seconds, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def closed_by_server(sock):
    """True when the server has closed (EOF) or reset `sock`; never blocks."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(4096, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def open_idle_client(port):
    """A connection with half a request head sent: accepted (TCP_DEFER_ACCEPT needs data) and held."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
    sock.sendall(PARTIAL_HEAD)
    return sock


def accept_log_lines(server):
    return server.lines_with("accept:")


@unittest.skipIf(SANITIZER, "sanitizer runtimes need descriptors of their own")
@skip_for_models("one client at a time: it never holds enough connections to run out of descriptors", "iterative")
@skip_for_models("the parent holds no connection: each child process has a descriptor table of its own", "fork")
class OutOfDescriptorsTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(SiteRoot({"a.txt": "hello"}))
        self.server = self.start_server(start_http, self.root.path, "--workers", "2", "--header-timeout", "60",
                                        "--idle-timeout", "60",
                                        wrapper=["prlimit", f"--nofile={DESCRIPTOR_LIMIT}:{DESCRIPTOR_LIMIT}", "--"])
        self.pid = self.server.proc.pid  # prlimit execs muxd: same process
        self.clients = []
        self.addCleanup(self.close_clients)

    def close_clients(self):
        for sock in self.clients:
            sock.close()
        self.clients = []

    def fill_up(self):
        """Opens more idle clients than the server has descriptors for; returns its descriptor count at start."""
        with open(f"/proc/{self.pid}/limits") as f:
            self.assertRegex(f.read(), rf"Max open files\s+{DESCRIPTOR_LIMIT}\s+{DESCRIPTOR_LIMIT}\s")
        baseline = open_descriptors(self.pid)
        self.assertLess(baseline, DESCRIPTOR_LIMIT - 10, "no room left for connections at all")
        for _ in range(2 * DESCRIPTOR_LIMIT):
            self.clients.append(open_idle_client(self.server.port))
        self.assertTrue(wait_until(lambda: open_descriptors(self.pid) >= DESCRIPTOR_LIMIT - 1, HANG_BOUND),
                        f"the server never ran out of descriptors ({open_descriptors(self.pid)} open)")
        self.assertTrue(wait_until(lambda: sum(map(closed_by_server, self.clients)) > 0, HANG_BOUND),
                        "out of descriptors, the server refused nobody")
        return baseline

    def test_sheds_connections_without_spinning_and_serves_again_afterwards(self):
        baseline = self.fill_up()

        # Out of descriptors for 2 s, with more clients knocking: the server stays (nearly) idle.
        cpu_before = process_cpu_seconds(self.pid)
        window_end = time.monotonic() + 2.0
        for _ in range(10):
            self.clients.append(open_idle_client(self.server.port))
            time.sleep(0.1)
        time.sleep(max(0.0, window_end - time.monotonic()))
        cpu = process_cpu_seconds(self.pid) - cpu_before
        if HTTP_MODEL != "nonblocking":  # the busy loop spins by nature, out of descriptors or not
            self.assertLess(cpu, 0.5, f"the server used {cpu:.2f} s of CPU in 2 s while out of descriptors")

        lines = accept_log_lines(self.server)
        self.assertGreaterEqual(len(lines), 1, "running out of descriptors was not logged")
        self.assertLessEqual(len(lines), 10, "one log line per refused connection:\n" + "\n".join(lines))

        # Descriptors come back: both workers' listeners serve again (neither stopped for good).
        self.close_clients()
        self.assertTrue(wait_until(lambda: open_descriptors(self.pid) <= baseline + 2, HANG_BOUND),
                        f"{open_descriptors(self.pid)} descriptors still open, {baseline} at start")
        served = 0
        for _ in range(40):  # a fresh connection each: SO_REUSEPORT spreads them over both listeners
            response = get(self.server.port, "/a.txt")
            served += (response.status, response.body) == (200, b"hello")
        self.assertEqual(served, 40)
        self.assertLessEqual(len(accept_log_lines(self.server)), 10)

    # With two workers, one worker's spare descriptor could be taken by the other worker's accept4,
    # leaving its clients hanging in its backlog (unit reproduction:
    # AcceptorOutOfDescriptors.AnAcceptorThatLostItsSpareStillRefusesItsClients); now one spare is
    # shared and acceptors take turns while descriptors are short.
    def test_every_client_is_held_or_refused_never_left_hanging(self):
        baseline = self.fill_up()
        room = DESCRIPTOR_LIMIT - baseline + 2  # connections the server can hold, with some slack
        deadline = time.monotonic() + HANG_BOUND
        held = [s for s in self.clients if not closed_by_server(s)]
        while len(held) > room and time.monotonic() < deadline:
            time.sleep(0.05)
            held = [s for s in held if not closed_by_server(s)]
        self.assertLessEqual(len(held), room, "more clients wait than the server could hold: some hang unaccepted")
        for _ in range(10):
            sock = open_idle_client(self.server.port)
            self.clients.append(sock)
            self.assertTrue(wait_until(lambda: closed_by_server(sock), HANG_BOUND),
                            "a client the server had no descriptor for was left hanging")


def run_second(service, port, *args, timeout=15):
    """Starts a second `muxd SERVICE --listen 127.0.0.1:PORT ARGS`; returns (status, stderr).

    A second server that starts anyway (the bug) is killed and reported with status None."""
    proc = subprocess.Popen([MUXD_BIN, service, "--listen", f"127.0.0.1:{port}", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate(timeout=timeout)
        return proc.returncode, err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        return None, err.decode("utf-8", "replace")


class AddressInUseTest(ServerTestCase):
    ADDRESS_IN_USE = re.compile(r"address already in use", re.IGNORECASE)

    def assert_refused(self, status, stderr):
        self.assertIsNotNone(status, "the second server started on a busy address:\n" + stderr)
        self.assertNotEqual(status, 0, stderr)
        self.assertRegex(stderr, self.ADDRESS_IN_USE)
        self.assertNotIn("listening on", stderr)

    def test_a_second_http_server_on_a_busy_port_fails_and_the_first_keeps_serving(self):
        with SiteRoot({"a.txt": "hello"}) as root, start_http(root.path, "--workers", "2") as first:
            status, stderr = run_second("http", first.port, "--root", root.path, "--access-log", "off",
                                        "--workers", "2")
            self.assert_refused(status, stderr)
            statuses = [get(first.port, "/a.txt").status for _ in range(40)]
            self.assertEqual(statuses, [200] * 40)

    def test_a_second_ftp_server_on_a_busy_port_fails_and_the_first_keeps_serving(self):
        with tempfile.TemporaryDirectory(prefix="muxd-ftp-faults-") as root:
            with open(os.path.join(root, "hello.txt"), "w") as f:
                f.write("hello\n")
            with Server("ftp", "--root", root, "--listen", "127.0.0.1:0", "--workers", "2") as first:
                status, stderr = run_second("ftp", first.port, "--root", root, "--workers", "2")
                self.assert_refused(status, stderr)
                for _ in range(20):  # every new control connection still gets the first's greeting
                    with socket.create_connection(first.address, timeout=HANG_BOUND) as sock:
                        self.assertTrue(sock.makefile("rb").readline().startswith(b"220"))


if __name__ == "__main__":
    unittest.main()
