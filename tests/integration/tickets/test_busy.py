"""A database that stays locked: buyers get the refusal "busy", never a wrong
answer and never a sale; once the lock is gone, sales go on from the same
stock. The lock is held by this test through Python's sqlite3 (BEGIN
EXCLUSIVE takes the write lock that muxd's BEGIN IMMEDIATE waits for)."""
import sqlite3
import subprocess
import sys
import unittest

from harness import MUXD_BIN, ServerTestCase
from tickets_support import buy, crowd, db_path, read_sqlite, start_tickets


class BusyTest(ServerTestCase):
    def test_a_locked_database_refuses_buyers(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db, "--tickets", 10, "--lock-timeout", "0.05", "--attempts", "3")
        self.assertEqual(buy(server.port), b"91")
        holder = sqlite3.connect(db, isolation_level=None, timeout=30)
        self.addCleanup(holder.close)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            self.assertEqual(crowd([server.port], 6, concurrency=3), [b"busy"] * 6)
            self.assertIn("sale refused after 3 attempt(s)", server.lines_with("sale refused")[0])
            self.assertIn("locked", server.lines_with("sale refused")[0])
            # What the course's client does with it: int('bus') fails; it never says it bought one.
            course = subprocess.run([sys.executable, "course_client.py", *map(str, server.address)],
                                    capture_output=True, text=True, timeout=60)
            self.assertNotEqual(course.returncode, 0)
            self.assertIn("ValueError", course.stderr)
            self.assertNotIn("买到", course.stdout)
            mine = subprocess.run([MUXD_BIN, "tickets-client", f"127.0.0.1:{server.port}"],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(mine.returncode, 1)
            self.assertIn("busy (refused: nothing was sold)", mine.stderr)
            self.assertEqual(mine.stdout, "")
        finally:
            holder.execute("ROLLBACK")
        self.assertEqual(buy(server.port), b"81")
        self.assertEqual(read_sqlite(db)[1], 8)


if __name__ == "__main__":
    unittest.main()
