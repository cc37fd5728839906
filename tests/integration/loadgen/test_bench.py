"""`muxd bench` against `muxd http`: what it counts matches what the server logged,
the JSON's shape, status codes, --close, --pipeline, --rate, headers, the progress line."""
import os
import pty
import subprocess
import unittest

from harness import MUXD_BIN, ServerTestCase, wait_until
from loadgen_support import OK_RESPONSE, RUN_BOUND, ScriptedServer, bench, bench_json, count_lines, start_http

LATENCY_KEYS = ["p50", "p90", "p99", "p999", "max"]


class BenchAgainstMuxdHttp(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_tempdir()
        with open(os.path.join(cls.root, "index.html"), "wb") as f:
            f.write(b"<h1>hello</h1>\n" * 20)

    def serve(self):
        """A fresh server whose access log this test reads."""
        log = os.path.join(self.root, f"access-{self.id().rsplit('.', 1)[-1]}.log")
        server = self.start_server(start_http, self.root, log)
        return server, log

    def logged_after_stop(self, server, log):
        server.stop()  # flushes the access log
        return count_lines(log)

    def check_counts(self, result, logged, in_flight_at_end):
        # Requests still in flight when the run ended reached the server (logged) but are
        # not counted; no more can be sent after the end.
        self.assertGreater(result["requests"], 0)
        self.assertGreaterEqual(logged, result["requests"])
        self.assertLessEqual(logged, result["requests"] + in_flight_at_end)

    def test_counts_match_the_access_log_and_the_json_has_its_schema(self):
        server, log = self.serve()
        status, result, err = bench_json(f"http://127.0.0.1:{server.port}/index.html", "-c", 8, "-d", 1,
                                         "--threads", 2)
        self.assertEqual(status, 0, err)
        for key, kind in [("requests", int), ("errors", int), ("duration_s", float), ("rps", float),
                          ("bytes", int), ("latency_ms", dict), ("status", dict)]:
            self.assertIsInstance(result[key], kind, key)
        self.assertEqual(result["errors"], 0, result)
        self.assertAlmostEqual(result["duration_s"], 1.0, places=2)
        self.assertAlmostEqual(result["rps"], result["requests"] / result["duration_s"], delta=1)
        self.assertEqual(result["status"], {"200": result["requests"]})
        latencies = [result["latency_ms"][k] for k in LATENCY_KEYS]
        self.assertEqual(latencies, sorted(latencies))
        self.assertGreater(latencies[-1], 0)
        self.assertGreaterEqual(result["bytes"], result["requests"] * 300)  # 300-byte body, and a head
        self.check_counts(result, self.logged_after_stop(server, log), in_flight_at_end=8)

    def test_status_codes_are_counted_apart(self):
        server, log = self.serve()
        status, result, err = bench_json(f"http://127.0.0.1:{server.port}/missing", "-c", 2, "-d", 0.5)
        self.assertEqual(status, 0, err)
        self.assertEqual(result["status"], {"404": result["requests"]})
        self.assertEqual(result["errors"], 0)
        self.check_counts(result, self.logged_after_stop(server, log), in_flight_at_end=2)

    def test_pipeline_counts(self):
        server, log = self.serve()
        status, result, err = bench_json(f"http://127.0.0.1:{server.port}/index.html", "-c", 2, "-d", 1,
                                         "--pipeline", 8, "--threads", 1)
        self.assertEqual(status, 0, err)
        self.assertEqual(result["errors"], 0, result)
        self.check_counts(result, self.logged_after_stop(server, log), in_flight_at_end=2 * 8)

    def test_close_counts(self):
        server, log = self.serve()
        status, result, err = bench_json(f"http://127.0.0.1:{server.port}/index.html", "-c", 4, "-d", 1, "--close")
        self.assertEqual(status, 0, err)
        self.assertEqual(result["errors"], 0, result)
        self.check_counts(result, self.logged_after_stop(server, log), in_flight_at_end=4)

    def test_rate_sends_on_schedule(self):
        # Counts, not timing: a schedule of 200/s for 2 s holds 400 requests (plus one
        # per thread at the very start); the server is idle enough to answer nearly all.
        server, log = self.serve()
        status, result, err = bench_json(f"http://127.0.0.1:{server.port}/index.html", "-c", 4, "-d", 2,
                                         "--rate", 200, "--threads", 2)
        self.assertEqual(status, 0, err)
        self.assertLessEqual(result["requests"], 400 + 2)
        self.assertGreaterEqual(result["requests"], 200)  # generous: a loaded test machine
        self.assertEqual(result["errors"], 0, result)
        self.check_counts(result, self.logged_after_stop(server, log), in_flight_at_end=4)

    def test_text_report(self):
        server, _ = self.serve()
        status, out, err = bench(f"http://127.0.0.1:{server.port}/index.html", "-c", 2, "-d", 0.5)
        self.assertEqual(status, 0, err)
        for word in ["requests", "latency", "p99.9", "status", "200:", "errors"]:
            self.assertIn(word, out)
        self.assertEqual(err, "")  # no progress line when stderr is no terminal

    def test_progress_line_on_a_terminal_never_in_the_json(self):
        server, _ = self.serve()
        master, slave = pty.openpty()
        try:
            proc = subprocess.Popen([MUXD_BIN, "bench", f"http://127.0.0.1:{server.port}/", "-c", "2", "-d", "2.5",
                                     "--json"], stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            slave = None
            out, _ = proc.communicate(timeout=RUN_BOUND)
            terminal = b""
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: the other end is closed
                    break
                if not data:
                    break
                terminal += data
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(proc.returncode, 0)
        self.assertIn(b"\r", terminal)
        self.assertIn(b"requests", terminal)
        self.assertTrue(out.startswith(b"{") and out.rstrip().endswith(b"}"), out)


class BenchAgainstScriptedServers(ServerTestCase):
    def scripted(self, answer):
        server = ScriptedServer(answer)
        self.addCleanup(server.stop)
        return server

    def test_close_opens_a_connection_per_request(self):
        per_connection = []

        def answer(conn, server):
            count = 0
            for head, _ in server.requests_of(conn):
                count += 1
                conn.sendall(OK_RESPONSE)
                if b"connection: close" in head.lower():
                    break
            per_connection.append(count)

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 2, "-d", 0.5, "--close")
        self.assertEqual(status, 0, err)
        self.assertGreater(result["requests"], 0)
        server.stop()
        self.assertLessEqual(max(per_connection), 1)  # never a second request on a connection
        self.assertGreaterEqual(server.connections, result["requests"])

    def test_pipeline_keeps_requests_in_flight(self):
        # The server answers only once 4 requests have arrived on the connection: without
        # a pipeline of 4 the client would wait for ever (and time out).
        def answer(conn, server):
            pending = 0
            for _ in server.requests_of(conn):
                pending += 1
                if pending == 4:
                    conn.sendall(OK_RESPONSE * 4)
                    pending = 0

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 1, "-d", 0.5, "--pipeline", 4, "--timeout", 5)
        self.assertEqual(status, 0, err)
        self.assertEqual(result["errors"], 0, result)
        self.assertGreaterEqual(result["requests"], 4)

    def test_headers_are_sent(self):
        seen = []

        def answer(conn, server):
            for head, _ in server.requests_of(conn):
                seen.append(head)
                conn.sendall(OK_RESPONSE)

        server = self.scripted(answer)
        status, _, err = bench_json(server.url("/a?b=1"), "-c", 1, "-d", 0.3, "-H", "X-One: 1",
                                    "--header", "Host: example.test")
        self.assertEqual(status, 0, err)
        head = seen[0].decode()
        self.assertTrue(head.startswith("GET /a?b=1 HTTP/1.1\r\n"), head)
        self.assertIn("\r\nX-One: 1", head)
        self.assertIn("\r\nHost: example.test", head)
        self.assertEqual(head.lower().count("host:"), 1, head)

    def test_chunked_and_close_delimited_bodies(self):
        def answer(conn, server):
            for n, _ in enumerate(server.requests_of(conn)):
                if n % 2 == 0:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
                else:
                    conn.sendall(b"HTTP/1.0 201 Created\r\n\r\nuntil the close")
                    return

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 2, "-d", 0.5)
        self.assertEqual(status, 0, err)
        self.assertEqual(result["errors"], 0, result)
        self.assertEqual(set(result["status"]), {"200", "201"})
        self.assertLessEqual(abs(result["status"]["200"] - result["status"]["201"]), 2)


if __name__ == "__main__":
    unittest.main()
