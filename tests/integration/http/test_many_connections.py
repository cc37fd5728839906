"""1,100 keep-alive clients at once on one worker: past select(2)'s FD_SETSIZE (1,024).

`--model select` cannot wait for a descriptor >= FD_SETSIZE, so it serves the clients whose
sockets are numbered below it and refuses the others (503, Connection: close, then closed),
logging the refusals at most once a second; it keeps serving the ones it holds and takes new
clients again once others leave. The other one-thread readiness models (poll, nonblocking,
epoll) have no such ceiling and serve all 1,100.

The models with a process, a thread or one client at a time per connection are not this
test's subject (test_large_parallel's 200 clients are theirs).
"""
import resource
import time
import unittest

from harness import ServerTestCase, wait_until
from httpkit import HTTP_MODEL, ConnectionClosed, RawConnection, SiteRoot, get, start_http

CLIENTS = 1100
FD_SETSIZE = 1024
REQUEST = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
MODELS = ("epoll", "select", "poll", "nonblocking")


@unittest.skipUnless(HTTP_MODEL in MODELS, f"--model {HTTP_MODEL}: for the one-thread readiness models")
class ManyConnectionsTest(ServerTestCase):
    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard < CLIENTS + 100:
            self.skipTest(f"descriptor hard limit {hard} is below {CLIENTS + 100}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, CLIENTS + 100), hard))
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        self.root = self.use_resource(SiteRoot({"a.txt": "hello"}))
        self.server = self.start_server(start_http, self.root.path, "--workers", "1", "--max-connections", "0")
        self.conns = []
        self.addCleanup(self.close_all)

    def close_all(self):
        for conn in self.conns:
            conn.close()
        self.conns = []

    def test_clients_past_the_models_limit_are_refused_and_the_others_served(self):
        started = time.monotonic()
        for _ in range(CLIENTS):
            conn = RawConnection(self.server.port)
            conn.send(REQUEST)
            self.conns.append(conn)
        served, refused = [], []
        for conn in self.conns:
            try:
                response = conn.read_response()
            except ConnectionClosed:
                self.fail("a client was closed without an answer")
            if response.status == 200:
                served.append(conn)
            else:
                self.assertEqual((response.status, response.header("Connection")), (503, "close"))
                self.assertTrue(conn.closed_within(), "a refused client was left open")
                refused.append(conn)

        if HTTP_MODEL == "select":
            # stdin/out/err, the listener, the eventfds, ... take the lowest numbers.
            self.assertGreater(len(served), FD_SETSIZE - 30)
            self.assertLess(len(served), FD_SETSIZE)
            self.assertEqual(len(refused), CLIENTS - len(served))
            lines = self.server.lines_with("past the model's limit")
            self.assertGreaterEqual(len(lines), 1, f"the refusals were not logged; stderr:\n{self.server.stderr()[-4000:]}")
            bound = time.monotonic() - started + 2  # at most one a second
            self.assertLessEqual(len(lines), bound, "\n".join(lines))
        else:
            self.assertEqual((len(served), len(refused)), (CLIENTS, 0))

        # The clients it holds are still served (keep-alive: a second request each).
        for conn in served:
            conn.send(REQUEST)
            self.assertEqual(conn.read_response().body, b"hello")

        # Once clients leave, there is room again.
        self.close_all()
        self.assertTrue(wait_until(lambda: get(self.server.port, "/a.txt").status == 200, timeout=10))
