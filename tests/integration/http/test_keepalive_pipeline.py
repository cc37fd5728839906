"""Persistent connections (RFC 9112 §9.3) and pipelining (§9.3.2): answers in order, bodies skipped."""
import socket
import unittest

from harness import ServerTestCase
from httpkit import RawConnection, SiteRoot, get, random_bytes, start_http

FILES = {f"f{i}.txt": f"file number {i} " * (i + 1) for i in range(10)}


def resident_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))


def kernel_buffer_maxima():
    """The most a TCP send buffer and a receive buffer may grow to (tcp_wmem, tcp_rmem: min default max)."""
    def maximum(name):
        with open(f"/proc/sys/net/ipv4/{name}") as f:
            return int(f.read().split()[2])
    return maximum("tcp_wmem") + maximum("tcp_rmem")


def request(path, extra="", version="HTTP/1.1"):
    return f"GET {path} {version}\r\nHost: 127.0.0.1\r\n{extra}\r\n"


class KeepAliveTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({**FILES, "big.bin": random_bytes(60000)}))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port

    def assert_file(self, response, index):
        self.assertEqual(response.status, 200, str(response))
        self.assertEqual(response.body, FILES[f"f{index}.txt"].encode(), str(response))

    def test_http11_keeps_the_connection_open_by_default(self):
        with RawConnection(self.port) as conn:
            for i in range(5):
                conn.send(request(f"/f{i}.txt"))
                response = conn.read_response()
                self.assert_file(response, i)
                self.assertNotIn("close", response.tokens("connection"))
            self.assertFalse(conn.closed_within(0.5), "an HTTP/1.1 connection must stay open")

    def test_connection_close_is_honoured(self):
        with RawConnection(self.port) as conn:
            conn.send(request("/f1.txt", "Connection: close\r\n"))
            response = conn.read_response()
            self.assert_file(response, 1)
            self.assertIn("close", response.tokens("connection"))
            self.assertTrue(conn.closed_within(), "the server must close after Connection: close")
            self.assertEqual(conn.after_close, b"")

    def test_http10_closes_by_default(self):
        with RawConnection(self.port) as conn:
            conn.send(request("/f2.txt", version="HTTP/1.0"))
            self.assert_file(conn.read_response(), 2)
            self.assertTrue(conn.closed_within(), "an HTTP/1.0 connection closes by default")

    def test_http10_keep_alive_on_request(self):
        with RawConnection(self.port) as conn:
            conn.send(request("/f3.txt", "Connection: keep-alive\r\n", "HTTP/1.0"))
            response = conn.read_response()
            self.assert_file(response, 3)
            self.assertIn("keep-alive", response.tokens("connection"), str(response))
            conn.send(request("/f4.txt", "Connection: keep-alive\r\n", "HTTP/1.0"))
            self.assert_file(conn.read_response(), 4)
            conn.send(request("/f5.txt", version="HTTP/1.0"))
            self.assert_file(conn.read_response(), 5)
            self.assertTrue(conn.closed_within(), "without keep-alive the 1.0 connection closes")

    def test_connection_header_is_a_case_insensitive_list(self):
        with RawConnection(self.port) as conn:
            conn.send(request("/f6.txt", "Connection: Upgrade, CLOSE\r\n"))
            self.assert_file(conn.read_response(), 6)
            self.assertTrue(conn.closed_within())

    def test_ten_pipelined_requests_in_one_write(self):
        with RawConnection(self.port) as conn:
            conn.send("".join(request(f"/f{i}.txt") for i in range(10)))
            for i in range(10):
                self.assert_file(conn.read_response(), i)

    def test_pipelined_head_and_missing_files_keep_order(self):
        with RawConnection(self.port) as conn:
            conn.send(request("/f0.txt").replace("GET", "HEAD", 1) + request("/nope.txt") + request("/f9.txt"))
            head = conn.read_response("HEAD")
            self.assertEqual((head.status, head.body), (200, b""))
            self.assertEqual(conn.read_response().status, 404)
            self.assert_file(conn.read_response(), 9)

    def test_pipelined_requests_with_bodies_stay_in_sync(self):
        # The bodies look like requests: if the server lost track of framing it would answer them.
        fake = "GET /f9.txt HTTP/1.1\r\nHost: x\r\n\r\n"
        chunked = f"{len(fake):x}\r\n{fake}\r\n5;ext=1\r\nhello\r\n0\r\nTrailer-Field: t\r\n\r\n"
        batch = (
            request("/f0.txt")
            + f"GET /f1.txt HTTP/1.1\r\nHost: x\r\nContent-Length: {len(fake)}\r\n\r\n{fake}"
            + request("/f2.txt")
            + f"GET /f3.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}"
            + request("/f4.txt")
            + f"POST /f5.txt HTTP/1.1\r\nHost: x\r\nContent-Length: {len(fake)}\r\n\r\n{fake}"
            + f"OPTIONS /f6.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}"
            + request("/f7.txt")
        )
        with RawConnection(self.port) as conn:
            conn.send(batch)
            for i in range(5):
                self.assert_file(conn.read_response(), i)
            post = conn.read_response()
            self.assertEqual(post.status, 405, str(post))
            options = conn.read_response("OPTIONS")
            self.assertIn(options.status, (200, 204), str(options))
            self.assert_file(conn.read_response(), 7)
            self.assertFalse(conn.closed_within(0.5), "the connection must stay open")
            self.assertEqual(bytes(conn.buf), b"", "no answer to the request-shaped bodies")

    def test_pipelining_client_that_never_reads_does_not_grow_the_server(self):
        # Backpressure: with responses unread, the server must stop reading requests, not buffer them.
        # The kernel alone may hold the client's send buffer and the server's receive buffer (both
        # grow by autotuning up to the sysctl maxima: 36 MiB on Debian 12's defaults); past that
        # and a 16 MiB allowance for what the server reads ahead, sending must block.
        bound = kernel_buffer_maxima() + 16 * 2**20
        rss_before = resident_mib(self.server.proc.pid)
        with RawConnection(self.port, rcvbuf=4096, timeout=3) as conn:
            batch = request("/big.bin").encode() * 1000
            try:
                for _ in range(bound // len(batch) + 1):
                    conn.send(batch)
                self.fail(f"the server kept reading requests whose responses nobody reads ({bound} bytes)")
            except (socket.timeout, TimeoutError):
                pass
            grown = resident_mib(self.server.proc.pid) - rss_before
        self.assertLess(grown, 64, f"the server's memory grew by {grown} MiB")
        self.assert_file(get(self.port, "/f1.txt"), 1)

    def test_request_sent_one_byte_at_a_time(self):
        with RawConnection(self.port) as conn:
            for byte in request("/f8.txt").encode():
                conn.send(bytes([byte]))
            self.assert_file(conn.read_response(), 8)

    def test_leading_empty_lines_are_ignored(self):
        # RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
        with RawConnection(self.port) as conn:
            conn.send("\r\n" + request("/f1.txt"))
            self.assert_file(conn.read_response(), 1)

    def test_many_requests_on_one_connection(self):
        with RawConnection(self.port) as conn:
            for round_ in range(20):
                conn.send("".join(request(f"/f{i}.txt") for i in range(10)))
                for i in range(10):
                    self.assert_file(conn.read_response(), i)


if __name__ == "__main__":
    unittest.main()
