"""An error reply that comes just before the server closes (500 for a line
too long, 530 for the third failed login) must reach the client even when
the client had sent more input than the server read. Closing a socket with
unread input sends RST, and a reset can destroy the reply in the client's
receive queue before the client reads it: the server has to close lingering
(shut its side down, then read and discard until EOF or a bound) instead.

Each test sends its extra input (256 KiB: more than the server reads in one
go, well under the 1 MiB a lingering close discards), waits until the reply
is there and half a second more (time for a reset to land, if one comes),
and only then reads: the reply, then EOF."""
import select
import socket
import threading
import time
import unittest

from ftp_helpers import FtpRoot, start_ftp
from harness import ServerTestCase, wait_until

EXTRA = b"NOOP\r\n" * (256 * 1024 // 6)


def send_all_quietly(sock, data, timeout=10):
    """Sends `data` from a thread; the server may close meanwhile (EPIPE or a reset)."""
    def run():
        try:
            sock.sendall(data)
        except OSError:
            pass
    sender = threading.Thread(target=run, daemon=True)
    sender.start()
    return sender


def read_until_eof(sock, timeout=10):
    """Everything the server sent until its close, or the exception that cut it."""
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received, "reset"
        if not chunk:
            return received, "eof"
        received += chunk
    return received, "timeout"


class ErrorBeforeCloseTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def connect(self):
        sock = socket.create_connection(self.server.address, timeout=10)
        self.addCleanup(sock.close)
        greeting = b""
        while not greeting.endswith(b"\r\n"):
            greeting += sock.recv(1)
        self.assertTrue(greeting.startswith(b"220"), greeting)
        return sock

    def wait_for_reply_then_settle(self, sock):
        self.assertTrue(select.select([sock], [], [], 10)[0], "no reply within 10 s")
        time.sleep(0.5)  # a reset, if the server sends one, has landed by now

    def test_line_too_long_then_more_input(self):
        sock = self.connect()
        sender = send_all_quietly(sock, b"NOOP " + b"x" * 5000 + b"\r\n" + EXTRA)
        self.wait_for_reply_then_settle(sock)
        received, end = read_until_eof(sock)
        sender.join(10)
        self.assertTrue(received.startswith(b"500 "), received[:200])
        self.assertEqual(received.count(b"\r\n"), 1, received[:200])  # nothing after the 500
        self.assertEqual(end, "eof")

    def test_third_failed_login_then_more_input(self):
        sock = self.connect()
        logins = b"USER alice\r\nPASS wrong\r\n" * 3
        sender = send_all_quietly(sock, logins + EXTRA)
        self.assertTrue(wait_until(lambda: select.select([sock], [], [], 0)[0], timeout=10))
        time.sleep(0.5)
        received, end = read_until_eof(sock)
        sender.join(10)
        replies = received.split(b"\r\n")
        self.assertEqual([r[:3] for r in replies[:-1]], [b"331", b"530"] * 3, received[:300])
        self.assertEqual(end, "eof")

    def test_control_close_without_extra_input(self):
        # The same closes without the extra input: these work today.
        sock = self.connect()
        sock.sendall(b"NOOP " + b"x" * 5000 + b"\r\n")
        self.wait_for_reply_then_settle(sock)
        received, end = read_until_eof(sock)
        self.assertTrue(received.startswith(b"500 "), received[:200])
        self.assertEqual(end, "eof")


if __name__ == "__main__":
    unittest.main()
