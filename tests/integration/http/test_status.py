"""--status-path (Prometheus counters) and --health-path (docs/http-operations.md)."""
import unittest
import urllib.request

import promtext
from harness import ServerTestCase
from httpkit import HTTP_MODEL, RawConnection, SiteRoot, get, skip_for_models, start_http

A_TXT = "hello"
FAMILIES = ["muxd_http_connections_open", "muxd_http_connections_accepted_total", "muxd_http_requests_total",
            "muxd_http_sent_body_bytes_total", "muxd_http_uptime_seconds", "muxd_build_info"]


class StatusTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        # A file where the status path is: the endpoint must win, and never serve it.
        cls.root = cls.class_resource(SiteRoot({"a.txt": A_TXT, "metrics": "SECRET FILE", "healthz": "file"}))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--workers", "2",
                                            "--status-path", "/metrics", "--health-path", "/healthz")
        cls.port = cls.server.port

    def scrape(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as reply:
            self.assertEqual(reply.status, 200)
            self.assertEqual(reply.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
            text = reply.read().decode()
        return promtext.parse(text)

    def test_every_family_is_typed_and_present(self):
        samples, types = self.scrape()
        for family in FAMILIES:
            self.assertIn(family, types)
            self.assertTrue(any(name == family for name, _ in samples), family)
        self.assertEqual(types["muxd_http_requests_total"], "counter")
        self.assertEqual(types["muxd_http_connections_open"], "gauge")
        build = [dict(labels) for name, labels in samples if name == "muxd_build_info"]
        self.assertEqual(build[0]["model"], HTTP_MODEL)
        self.assertGreaterEqual(promtext.value(samples, "muxd_http_uptime_seconds"), 0)

    def test_counters_move_with_requests(self):
        before, _ = self.scrape()
        for _ in range(3):
            self.assertEqual(get(self.port, "/a.txt").status, 200)
        for _ in range(2):
            self.assertEqual(get(self.port, "/missing").status, 404)
        after, _ = self.scrape()

        def moved(name, **labels):
            return promtext.value(after, name, **labels) - promtext.value(before, name, **labels)

        # The first scrape's own 200 is counted once it was sent: 3 + 1.
        self.assertEqual(moved("muxd_http_requests_total", code="2xx"), 4)
        self.assertEqual(moved("muxd_http_requests_total", code="4xx"), 2)
        self.assertEqual(moved("muxd_http_requests_total", code="5xx"), 0)
        # 5 requests and the second scrape's connection.
        self.assertEqual(moved("muxd_http_connections_accepted_total"), 6)
        self.assertGreaterEqual(moved("muxd_http_sent_body_bytes_total"), 3 * len(A_TXT))

    def test_workers_add_up_to_the_totals(self):
        samples, _ = self.scrape()
        for name, labels in [("muxd_http_connections_accepted_total", {}),
                             ("muxd_http_requests_total", {"code": "2xx"}),
                             ("muxd_http_sent_body_bytes_total", {})]:
            per_worker = promtext.worker_values(samples, name, **labels)
            self.assertTrue(per_worker)
            self.assertEqual(sum(per_worker.values()), promtext.value(samples, name, **labels), name)

    @skip_for_models("serves one client at a time: a held connection blocks the scrape", "iterative")
    def test_open_connections_are_a_gauge(self):
        with RawConnection(self.port) as held:
            held.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(held.read_response().status, 200)
            samples, _ = self.scrape()
            self.assertGreaterEqual(promtext.value(samples, "muxd_http_connections_open"), 2)

    def test_the_status_path_is_never_a_file(self):
        response = get(self.port, "/metrics")
        self.assertNotIn(b"SECRET FILE", response.body)
        self.assertIn(b"# TYPE muxd_http_requests_total counter", response.body)
        self.assertEqual(get(self.port, "/metrics", method="POST").status, 405)
        self.assertEqual(get(self.port, "/metrics", method="HEAD").body, b"")

    def test_health_answers_ok(self):
        response = get(self.port, "/healthz")
        self.assertEqual((response.status, response.body), (200, b"ok\n"))
        self.assertTrue(response.header("content-type").startswith("text/plain"))
        self.assertEqual(response.header("cache-control"), "no-store")
        self.assertEqual(get(self.port, "/healthz", method="HEAD").status, 200)
        self.assertEqual(get(self.port, "/healthz?probe=1").status, 200)


class OffByDefaultTest(ServerTestCase):
    def test_no_status_or_health_unless_asked(self):
        root = SiteRoot({"a.txt": A_TXT})
        self.addCleanup(root.cleanup)
        server = self.start_server(start_http, root.path)
        self.assertEqual(get(server.port, "/metrics").status, 404)
        self.assertEqual(get(server.port, "/healthz").status, 404)


if __name__ == "__main__":
    unittest.main()
