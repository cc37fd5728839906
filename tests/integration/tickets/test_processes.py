"""Several `muxd tickets` processes on one SQLite file sell from one stock and
never oversell (BEGIN IMMEDIATE: one sale at a time across processes), and
a restart keeps the state."""
import unittest

from harness import ServerTestCase, run_muxd
from tickets_support import CROWD, buy, crowd, db_path, parse, read_sqlite, sold_values, start_tickets


class SqliteProcessesTest(ServerTestCase):
    def test_two_processes_on_one_file(self):
        db = db_path(self.tempdir())
        first = self.start_server(start_tickets, db, "--tickets", CROWD)
        second = self.start_server(start_tickets, db, "--tickets", CROWD)  # the same stock: accepted
        self.assertIn("its saved state", second.lines_with("tickets left")[0])
        replies = crowd([first.port, second.port], CROWD + 20)
        self.assertTrue(all(parse(r) for r in replies), [r for r in replies if not parse(r)][:5])
        self.assertEqual(sorted(sold_values(replies)), list(range(CROWD)))
        self.assertEqual(replies.count(b"00"), 20)
        total, remaining, orders = read_sqlite(db)
        self.assertEqual((total, remaining, len(orders)), (CROWD, 0, CROWD))

    def test_a_restart_keeps_the_state(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db, "--tickets", 5)
        self.assertEqual([buy(server.port) for _ in range(2)], [b"41", b"31"])
        self.assertEqual(server.stop(), 0)
        again = self.start_server(start_tickets, db)  # no --tickets: sells from what is saved
        self.assertIn("3 of 5 tickets left (its saved state)", again.lines_with("tickets left")[0])
        self.assertEqual(buy(again.port), b"21")
        self.assertEqual(again.stop(), 0)
        same = self.start_server(start_tickets, db, "--tickets", 5)  # the same command line as the first start
        self.assertEqual(buy(same.port), b"11")
        self.assertEqual(len(read_sqlite(db)[2]), 4)

    def test_a_different_tickets_for_an_existing_database_is_refused(self):
        db = db_path(self.tempdir())
        with start_tickets(db, "--tickets", 5) as server:
            buy(server.port)
        done = run_muxd("tickets", "--listen", "127.0.0.1:0", "--db", db, "--tickets", "100")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("holds a stock of 5 tickets (4 left); --tickets 100 applies only to a new database", done.stderr)
        self.assertNotIn("listening on", done.stderr)
        self.assertEqual(read_sqlite(db)[:2], (5, 4))


if __name__ == "__main__":
    unittest.main()
