"""Graceful shutdown on SIGTERM: stop accepting, finish what is in flight, exit 0."""
import hashlib
import signal
import time
import unittest

from harness import ServerTestCase
from httpkit import MIB, RawConnection, SiteRoot, connection_refused, start_http, wait_until, write_random_file

BIG = 40 * MIB
EXIT_BOUND = 20  # seconds


class ShutdownTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))
        cls.big_sha = write_random_file(cls.root.file("big.bin"), BIG)

    def test_response_in_flight_completes(self):
        with start_http(self.root.path) as server:
            with RawConnection(server.port, timeout=30) as conn:
                conn.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                head = conn.read_head()
                self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
                for _ in range(5):  # a slow start: the response is surely still in flight
                    conn.read_some(16 * 1024)
                    time.sleep(0.1)
                server.signal(signal.SIGTERM)
                refused = wait_until(lambda: connection_refused(server.port), timeout=10)
                self.assertTrue(refused, "new connections must be refused after SIGTERM")
                body = conn.read_exactly(BIG)
                self.assertEqual(hashlib.sha256(body).hexdigest(), self.big_sha, "the response must complete")
                self.assertTrue(conn.closed_within(EXIT_BOUND), "the connection closes once the response is done")
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())

    def test_idle_connections_do_not_hold_shutdown(self):
        with start_http(self.root.path) as server:  # default --shutdown-timeout 30
            with RawConnection(server.port) as idle:
                idle.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(idle.read_response().status, 200)
                with RawConnection(server.port):  # connected, never sent anything
                    server.signal(signal.SIGTERM)
                    self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())
                self.assertTrue(idle.closed_within(1), "the idle keep-alive connection is closed")

    def test_shutdown_timeout_cuts_a_stalled_client(self):
        with start_http(self.root.path, "--shutdown-timeout", "1") as server:
            with RawConnection(server.port, rcvbuf=4096) as conn:
                conn.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                conn.read_head()  # then stop reading: the response can never finish
                time.sleep(0.5)
                server.signal(signal.SIGTERM)
                self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())

    def test_sigint_exits_cleanly(self):
        with start_http(self.root.path) as server:
            server.signal(signal.SIGINT)
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())


if __name__ == "__main__":
    unittest.main()
