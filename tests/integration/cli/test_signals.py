"""Signals every server shares (docs/running.md): SIGHUP and SIGUSR1
reopen log files where there are some and are otherwise only logged, never fatal
(logrotate's `kill -HUP $(pidof muxd)` reaches every muxd); after them the server
still serves, and SIGTERM still stops it with status 0."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import unittest

from harness import MUXD_BIN, Server, ServerTestCase, wait_until

TIMEOUT = 10


def echo_serves(server):
    with socket.create_connection(server.address, timeout=TIMEOUT) as sock:
        sock.sendall(b"still here\n")
        return b"still here" in sock.makefile("rb").readline()


def chat_serves(server):
    # A new member each time (a name belongs to the address that entered with it).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.bind(("127.0.0.1", 0))
        sock.sendto(f"LOGIN Lucy{sock.getsockname()[1]}".encode(), server.address)
        return sock.recvfrom(65536)[0] == b"OK"


def banner_serves(address):
    with socket.create_connection(address, timeout=TIMEOUT) as sock:
        return sock.makefile("rb").readline().startswith(b"220")


def dict_serves(server):
    # Both listeners: the course's UDP lookup (a word we imported) and DICT's banner.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.sendto(b"cat", ("127.0.0.1", server.udp_port))
        answer = sock.recvfrom(65536)[0]
    return b"feline" in answer and banner_serves(("127.0.0.1", server.dict_port))


class ReopenSignalsTest(ServerTestCase):
    def send_and_check(self, server, serves):
        self.assertTrue(serves(server))
        for number, signum in enumerate((signal.SIGHUP, signal.SIGUSR1, signal.SIGHUP, signal.SIGUSR1), 1):
            server.signal(signum)
            # Each signal leaves one "signal N, ..." line: then it has been handled.
            handled = wait_until(lambda: sum(f"signal {int(s)}," in line for line in server.stderr_lines
                                             for s in (signal.SIGHUP, signal.SIGUSR1)) >= number
                                 or server.proc.poll() is not None, TIMEOUT)
            self.assertTrue(handled, server.stderr())
            self.assertIsNone(server.proc.poll(), f"died of signal {signum!r}:\n{server.stderr()}")
        self.assertTrue(serves(server))
        self.assertEqual(server.stop(), 0, server.stderr())

    def test_echo(self):
        server = self.start_server(Server, "echo", "--listen", "127.0.0.1:0", "--workers", "2")
        self.send_and_check(server, echo_serves)
        self.assertTrue(any("no log files to reopen" in line for line in server.stderr_lines))

    def test_chat(self):
        server = self.start_server(Server, "chat", "--listen", "127.0.0.1:0")
        self.send_and_check(server, chat_serves)

    def test_dict(self):
        directory = tempfile.mkdtemp(prefix="muxd-signals-")
        self.addCleanup(subprocess.run, ["rm", "-rf", directory])
        tsv = os.path.join(directory, "test.tsv")
        with open(tsv, "w") as f:
            f.write("cat\ta small domesticated feline\n")
        db = os.path.join(directory, "words.sqlite")
        imported = subprocess.run([MUXD_BIN, "dict-import", "--db", db, tsv], capture_output=True, text=True,
                                  timeout=60)
        self.assertEqual(imported.returncode, 0, imported.stderr)
        server = self.start_server(DictServer, db)
        self.send_and_check(server, dict_serves)

    def test_http_and_ftp_without_log_files(self):
        root = tempfile.mkdtemp(prefix="muxd-signals-")
        self.addCleanup(os.rmdir, root)
        http = self.start_server(Server, "http", "--listen", "127.0.0.1:0", "--root", root,
                                 "--access-log", "off", "--workers", "1")
        ftp = self.start_server(Server, "ftp", "--listen", "127.0.0.1:0", "--root", root, "--log", "off",
                                "--workers", "1")

        def http_serves(server):
            with socket.create_connection(server.address, timeout=TIMEOUT) as sock:
                sock.sendall(b"GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return sock.makefile("rb").readline().startswith(b"HTTP/1.1 404")

        self.send_and_check(http, http_serves)
        self.send_and_check(ftp, lambda server: banner_serves(server.address))


class DictServer(Server):
    """`muxd dict` with both listeners on port 0: `udp_port` and `dict_port`."""

    def __init__(self, db):
        super().__init__("dict", "--db", db, "--listen", "127.0.0.1:0", "--dict-listen", "127.0.0.1:0",
                         "--db-threads", "2")
        pattern = re.compile(r"muxd dict listening on 127\.0\.0\.1:(\d+) \((udp|dict)\)")
        ports = {}

        def both():
            for line in self.stderr_lines:
                match = pattern.search(line)
                if match:
                    ports[match.group(2)] = int(match.group(1))
            return len(ports) == 2
        if not wait_until(both, TIMEOUT):
            raise AssertionError(f"no two listening lines: {self.stderr()}")
        self.udp_port, self.dict_port = ports["udp"], ports["dict"]


if __name__ == "__main__":
    unittest.main()
