"""Three `muxd tickets` processes on one PostgreSQL (started by pgkit for the
test) sell from one stock: exactly the stock is sold, each `remaining` value
once, and the orders table agrees."""
import unittest

from harness import ServerTestCase
from pgkit import PostgresServer
from tickets_support import CROWD, buy, crowd, parse, sold_values, start_tickets


class PostgresTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = PostgresServer().__enter__()
        cls.addClassCleanup(cls.pg.__exit__, None, None, None)

    def test_three_processes_on_one_database(self):
        servers = [self.start_server(start_tickets, self.pg.url, "--tickets", CROWD) for _ in range(3)]
        self.assertIn("a new database", servers[0].lines_with("tickets left")[0])
        self.assertIn("its saved state", servers[2].lines_with("tickets left")[0])
        replies = crowd([s.port for s in servers], CROWD + 30)
        self.assertTrue(all(parse(r) for r in replies), [r for r in replies if not parse(r)][:5])
        self.assertEqual(sorted(sold_values(replies)), list(range(CROWD)))
        self.assertEqual(replies.count(b"00"), 30)
        self.assertEqual(self.pg.query("SELECT total, remaining FROM stock"), [[str(CROWD), "0"]])
        self.assertEqual(self.pg.query("SELECT count(*), count(DISTINCT remaining), min(remaining), max(remaining) "
                                       "FROM orders"), [[str(CROWD), str(CROWD), "0", str(CROWD - 1)]])
        buyers = self.pg.query("SELECT DISTINCT split_part(buyer, ':', 1) FROM orders")
        self.assertEqual(buyers, [["127.0.0.1"]])
        for server in servers:
            self.assertEqual(buy(server.port), b"00")


if __name__ == "__main__":
    unittest.main()
