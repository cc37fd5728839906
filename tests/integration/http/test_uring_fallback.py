"""--model uring where the kernel refuses io_uring: one clear line, then the
epoll model serves. The refusal is real: io_uring_setup(2) fails with EPERM
under a seccomp filter (deny_io_uring.py), as in a container with Docker's
default profile. (RLIMIT_MEMLOCK no longer limits rings since Linux 5.12, so
`prlimit --memlock=0` does not make it fail here.)"""
import os
import sys
import unittest
import urllib.request

from harness import Server, ServerTestCase
from httpkit import HTTP_MODEL, SiteRoot

DENY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deny_io_uring.py")
FALLBACK = "muxd http: --model uring: io_uring unavailable ("


@unittest.skipUnless(HTTP_MODEL == "uring", "about --model uring only (runs as integration.http-uring.*)")
class UringFallbackTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))

    def start(self, wrapper=()):
        return self.start_server(Server, "http", "--listen", "127.0.0.1:0", "--root", self.root.path,
                                 "--access-log", "off", "--model", "uring", "--workers", "2", wrapper=wrapper)

    def get(self, server):
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/a.txt", timeout=10) as response:
            return response.status, response.read()

    def fallback_lines(self, server):
        return [line for line in server.stderr_lines if FALLBACK in line]

    def test_refused_io_uring_serves_with_epoll(self):
        server = self.start(wrapper=[sys.executable, DENY])
        self.assertEqual(self.get(server), (200, b"hello"))
        lines = self.fallback_lines(server)
        self.assertEqual(len(lines), 1, f"one line for the process, not one per worker:\n{server.stderr()}")
        self.assertIn("EPERM", lines[0])
        self.assertTrue(lines[0].endswith("; serving with epoll"), lines[0])
        self.assertEqual(server.stop(), 0)

    def test_io_uring_serves_where_allowed(self):
        server = self.start()
        self.assertEqual(self.get(server), (200, b"hello"))
        if self.fallback_lines(server):  # e.g. CI in a container whose seccomp profile refuses it
            self.skipTest(f"io_uring is refused on this machine: {self.fallback_lines(server)[0]}")
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
