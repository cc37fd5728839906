"""Log rotation as logrotate does it: move the access log away, then SIGHUP
(or SIGUSR1); the server writes on into a fresh file at the old path. Nothing
is lost, nothing written twice, no connection dropped, and SIGQUIT stops
gracefully like SIGTERM."""
import os
import signal
import unittest

from harness import ServerTestCase, wait_until
from httpkit import RawConnection, SiteRoot, get, skip_for_models, start_http

STOP_BOUND = 20


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


class LogRotationTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(SiteRoot({"a.txt": "hello"}))
        self.log = os.path.join(self.root.base, "access.log")

    @skip_for_models("one client at a time: the kept keep-alive client holds the server", "iterative")
    def rotate(self, signum):
        server = self.start_server(start_http, self.root.path, "--workers", "2", access_log=self.log,
                                   stop_timeout=STOP_BOUND)
        kept = RawConnection(server.port)  # a keep-alive client that lives across the rotation
        self.addCleanup(kept.sock.close)
        kept.send("GET /a.txt?kept-before HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(kept.read_response().status, 200)
        for i in range(20):
            self.assertEqual(get(server.port, f"/a.txt?before-{i}").status, 200)
        os.rename(self.log, self.log + ".1")
        server.signal(signum)
        # The reopen is done once the new file exists.
        self.assertTrue(wait_until(lambda: os.path.exists(self.log), timeout=10), server.stderr())
        for i in range(20):
            self.assertEqual(get(server.port, f"/a.txt?after-{i}").status, 200)
        kept.send("GET /a.txt?kept-after HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(kept.read_response().status, 200)
        kept.sock.close()
        self.assertEqual(server.stop(STOP_BOUND), 0, server.stderr())
        old, new = lines(self.log + ".1"), lines(self.log)
        targets = [line.split('"')[1].split()[1] for line in old + new]
        expected = (["/a.txt?kept-before"] + [f"/a.txt?before-{i}" for i in range(20)]
                    + [f"/a.txt?after-{i}" for i in range(20)] + ["/a.txt?kept-after"])
        self.assertEqual(sorted(targets), sorted(expected))  # each once: nothing lost or doubled
        # Lines logged after the reopen land in the new file.
        self.assertIn("/a.txt?kept-after", "\n".join(new))

    def test_sighup_reopens_the_access_log(self):
        self.rotate(signal.SIGHUP)

    def test_sigusr1_reopens_the_access_log(self):
        self.rotate(signal.SIGUSR1)

    def test_sigquit_stops_gracefully(self):
        server = start_http(self.root.path, access_log=self.log)
        self.assertEqual(get(server.port, "/a.txt").status, 200)
        server.signal(signal.SIGQUIT)
        self.assertEqual(server.wait(STOP_BOUND), 0)
        self.assertEqual(len(lines(self.log)), 1)  # the buffered line was flushed on the way out
        server.stop(STOP_BOUND)


if __name__ == "__main__":
    unittest.main()
