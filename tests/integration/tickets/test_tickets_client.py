"""`muxd tickets-client`: the course's client's output, and the crowd mode's
report and check."""
import re
import unittest

from harness import ServerTestCase, run_muxd
from tickets_support import CROWD, db_path, read_sqlite, start_tickets


class TicketsClientTest(ServerTestCase):
    def test_course_mode(self):
        server = self.start_server(start_tickets, db_path(self.tempdir()), "--tickets", 1)
        done = run_muxd("tickets-client", f"127.0.0.1:{server.port}")
        self.assertEqual((done.returncode, done.stdout), (0, "现在还剩下0张票, 客户端1成功买到了一张票\n"), done.stderr)
        done = run_muxd("tickets-client", f"127.0.0.1:{server.port}")
        self.assertEqual((done.returncode, done.stdout), (0, "现在还剩下0张票, 客户端1没有买到票\n"), done.stderr)

    def test_crowd_mode(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db, "--tickets", CROWD)
        done = run_muxd("tickets-client", f"127.0.0.1:{server.port}", "--buyers", str(CROWD + 10),
                        "--concurrency", "16", timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn(f"{CROWD + 10} buyers: {CROWD} bought, 10 sold out, 0 refused (busy), 0 failed", done.stdout)
        self.assertIn(f"remaining after the sales: {CROWD - 1} .. 0", done.stdout)
        self.assertRegex(done.stdout, re.compile(r"^\d+ sales/s", re.M))
        self.assertIn("check: ok", done.stdout)
        self.assertEqual(len(read_sqlite(db)[2]), CROWD)

    def test_crowd_over_two_processes(self):
        db = db_path(self.tempdir())
        servers = [self.start_server(start_tickets, db, "--tickets", CROWD) for _ in range(2)]
        done = run_muxd("tickets-client", *[f"127.0.0.1:{s.port}" for s in servers], "--buyers", str(CROWD + 10),
                        timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn(f"{CROWD} bought, 10 sold out", done.stdout)
        self.assertIn("check: ok", done.stdout)

    def test_no_server(self):
        server = self.start_server(start_tickets, db_path(self.tempdir()))
        port = server.port
        server.stop()
        done = run_muxd("tickets-client", f"127.0.0.1:{port}", "--buyers", "3")
        self.assertEqual(done.returncode, 1)
        self.assertIn("3 buyers got no answer", done.stderr)
        done = run_muxd("tickets-client", f"127.0.0.1:{port}")
        self.assertEqual(done.returncode, 1)
        self.assertIn("connect: Connection refused", done.stderr)

    def test_server_argument_forms(self):  # core/host_port.h
        for server, why in (("127.0.0.1:http", "the port is not a number from 1 to 65535"),
                            ("127.0.0.1:65536", "the port is not a number from 1 to 65535"),
                            ("[::1]5002", "expected :PORT after ]"), (":5002", "no host")):
            with self.subTest(server=server):
                done = run_muxd("tickets-client", server)
                self.assertEqual(done.returncode, 1)
                self.assertIn(f"muxd tickets-client: {server}: {why}", done.stderr)


if __name__ == "__main__":
    unittest.main()
