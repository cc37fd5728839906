"""`muxd bench` when things go wrong: an unreachable target, a server answering junk,
a server that never answers (timeouts), one that resets, and bad command lines."""
import socket
import time
import unittest

from harness import ServerTestCase
from loadgen_support import OK_RESPONSE, ScriptedServer, bench, bench_json, closed_port


class TargetFailures(ServerTestCase):
    def scripted(self, answer):
        server = ScriptedServer(answer)
        self.addCleanup(server.stop)
        return server

    def test_unreachable_target_exits_1_soon_with_the_reason(self):
        port = closed_port()
        began = time.monotonic()
        status, out, err = bench(f"http://127.0.0.1:{port}/", "-c", 4, "-d", 30)
        self.assertEqual(status, 1, err)
        self.assertIn(f"muxd bench: cannot connect to 127.0.0.1:{port}: Connection refused", err)
        self.assertEqual(out, "")
        self.assertLess(time.monotonic() - began, 20)  # it gave up before the 30 s it was asked for

    def test_unreachable_target_json_still_prints_the_counts(self):
        status, result, err = bench_json(f"http://127.0.0.1:{closed_port()}/", "-c", 2, "-d", 30)
        self.assertEqual(status, 1, err)
        self.assertEqual(result["requests"], 0)
        self.assertGreaterEqual(result["errors_by_kind"]["connect"], 2)

    def test_junk_is_a_parse_error_and_exit_1(self):
        def answer(conn, server):
            for _ in server.requests_of(conn):
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 3, "-d", 30)
        self.assertEqual(status, 1, err)
        self.assertIn(f"127.0.0.1:{server.port} does not answer HTTP/1.x", err)
        self.assertEqual(result["requests"], 0)
        self.assertGreaterEqual(result["errors_by_kind"]["parse"], 3)
        self.assertGreaterEqual(server.connections, 3)  # each junk answer closed its connection

    def test_junk_after_good_answers_counts_both(self):
        def answer(conn, server):
            for n, _ in enumerate(server.requests_of(conn)):
                conn.sendall(OK_RESPONSE if n < 3 else b"junk\r\n\r\n")

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 2, "-d", 0.5)
        self.assertEqual(status, 0, err)
        self.assertGreater(result["errors_by_kind"]["parse"], 0)
        self.assertGreater(result["requests"], 0)
        # Three good answers per connection, then junk: each junk answer cost a connection.
        self.assertLessEqual(result["requests"], 3 * server.connections)

    def test_a_server_that_never_answers_times_out(self):
        def answer(conn, server):
            for _ in server.requests_of(conn):
                pass  # reads, never answers

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 2, "-d", 30, "--timeout", 0.5)
        self.assertEqual(status, 1, err)
        self.assertIn(f"no response from 127.0.0.1:{server.port} within 0.5 s", err)
        self.assertGreaterEqual(result["errors_by_kind"]["timeout"], 2)

    def test_a_reset_mid_response_is_a_read_error(self):
        def answer(conn, server):
            for _ in server.requests_of(conn):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return

        server = self.scripted(answer)
        status, result, err = bench_json(server.url(), "-c", 2, "-d", 30)
        self.assertEqual(status, 1, err)
        self.assertGreaterEqual(result["errors_by_kind"]["read"], 2)


class CommandLine(ServerTestCase):
    def test_bad_flags_exit_2(self):
        url = f"http://127.0.0.1:{closed_port()}/"
        cases = [
            [],
            [url, "-c", "0"],
            [url, "-d", "0"],
            [url, "-d", "soon"],
            [url, "--threads", "0"],
            [url, "--pipeline", "0"],
            [url, "--rate", "-5"],
            [url, "--timeout", "0"],
            [url, "--header", "no colon"],
            [url, "--header", "Bad Name: x"],
            [url, "--close", "--pipeline", "2"],
            [url, "--no-such-flag"],
            ["https://127.0.0.1/"],
            ["127.0.0.1:80"],
            ["http://127.0.0.1:99999/"],
        ]
        for args in cases:
            status, out, err = bench(*args)
            self.assertEqual(status, 2, f"{args}: {err}")
            self.assertTrue(err.strip(), args)
            self.assertEqual(out, "", args)

    def test_an_unresolvable_host_exits_1(self):
        status, _, err = bench("http://no-such-host.invalid/", "-d", 1)
        self.assertEqual(status, 1, err)
        self.assertIn("cannot resolve no-such-host.invalid", err)


if __name__ == "__main__":
    unittest.main()
