"""Slow and stalled clients: they are cut after their timeout and never delay anyone else.

Only generous upper bounds are asserted ("closed within N seconds"), never exact timing.
"""
import socket
import time
import unittest

from harness import ServerTestCase
from httpkit import MIB, RawConnection, SiteRoot, get, skip_for_models, start_http, write_random_file

CUT_BOUND = 15.0  # seconds a 1-second timeout may take to show up as a closed connection


@skip_for_models("one client at a time: a stalled head holds the server until its header timeout", "iterative")
class SlowlorisTest(ServerTestCase):
    def test_half_sent_heads_do_not_delay_a_fresh_request(self):
        # The stalled heads would only be cut after 60 s: a server that made the fresh request wait for
        # them would blow the 10 s bound below.
        with SiteRoot({"a.txt": "hello"}) as root, start_http(root.path, "--header-timeout", "60") as server:
            stalled = []
            try:
                for i in range(100):
                    conn = RawConnection(server.port)
                    conn.send(f"GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Slow-{i}: ")
                    stalled.append(conn)
                start = time.monotonic()
                response = get(server.port, "/a.txt")
                self.assertEqual((response.status, response.body), (200, b"hello"))
                self.assertLess(time.monotonic() - start, 10.0, "a fresh request waited behind stalled ones")
            finally:
                for conn in stalled:
                    conn.close()


class HeaderTimeoutTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--header-timeout", "1", "--idle-timeout", "1")
        cls.port = cls.server.port

    @staticmethod
    def trickle_until_closed(conn):
        """Sends one byte every ~200 ms (never idle, never finished); returns (closed, bytes received)."""
        deadline = time.monotonic() + CUT_BOUND
        received = b""
        while time.monotonic() < deadline:
            try:
                conn.send(b"a")
                chunk = conn.sock.recv(4096)
                if chunk == b"":
                    return True, received
                received += chunk
            except (socket.timeout, TimeoutError):
                continue
            except (ConnectionResetError, BrokenPipeError):
                return True, received
        return False, received

    def test_trickling_header_is_cut(self):
        with RawConnection(self.port, timeout=0.2) as conn:
            conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Trickle: ")
            closed, received = self.trickle_until_closed(conn)
        self.assertTrue(closed, f"a trickled head was not cut by --header-timeout 1 within {CUT_BOUND}s")
        if received:
            self.assertTrue(received.startswith(b"HTTP/1.1 408 "), f"only a 408 may precede the close: {received!r}")

    def test_trickling_body_is_cut(self):
        # The header timeout also bounds the body of a request (the server must read it to stay in sync).
        with RawConnection(self.port, timeout=0.2) as conn:
            conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            closed, _ = self.trickle_until_closed(conn)
        self.assertTrue(closed, f"a trickled body was not cut within {CUT_BOUND}s")

    def test_silent_connection_is_cut(self):
        with RawConnection(self.port) as conn:
            self.assertTrue(conn.closed_within(CUT_BOUND), "a connection that sends nothing must be cut")

    def test_idle_keep_alive_connection_is_closed(self):
        with RawConnection(self.port) as conn:
            conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            response = conn.read_response()
            self.assertEqual((response.status, response.body), (200, b"hello"))
            self.assertTrue(conn.closed_within(CUT_BOUND), "an idle keep-alive connection must be closed")
            self.assertEqual(conn.after_close, b"", "nothing is sent to an idle connection before closing it")

    def test_busy_keep_alive_connection_outlives_the_idle_timeout(self):
        # Requests 0.25 s apart for 3 s: never idle for the 1 s timeout, so the
        # connection must carry them all (the idle clock restarts per response).
        with RawConnection(self.port) as conn:
            deadline = time.monotonic() + 3.0
            answered = 0
            while time.monotonic() < deadline:
                conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                response = conn.read_response()
                self.assertEqual((response.status, response.body), (200, b"hello"), f"after {answered} answers")
                answered += 1
                time.sleep(0.25)
            self.assertGreater(answered, 5)

    def test_server_still_answers(self):
        response = get(self.port, "/a.txt")
        self.assertEqual(response.status, 200)


class WriteTimeoutTest(ServerTestCase):
    def test_client_that_never_reads_is_cut(self):
        with SiteRoot() as root:
            size = 40 * MIB
            write_random_file(root.file("big.bin"), size)
            with start_http(root.path, "--write-timeout", "1") as server:
                with RawConnection(server.port, rcvbuf=4096) as conn:
                    conn.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                    time.sleep(4)  # never read: the server's writes stall for longer than 1 s
                    closed = conn.closed_within(CUT_BOUND)
                    got = conn.received_total
                self.assertTrue(closed, f"a stalled reader must be cut after --write-timeout 1 (read {got} bytes)")
                self.assertLess(got, size // 2, "far fewer than 40 MiB should have been sendable")
                response = get(server.port, "/big.bin", {"Range": "bytes=0-9"})
                self.assertEqual(response.status, 206, "the server keeps serving after the cut")


if __name__ == "__main__":
    unittest.main()
