"""One `muxd tickets` process and a crowd of buyers: exactly the stock is
sold, the sales' `remaining` values are N-1 ... 0, every later buyer hears
"00", and every sale is an order row (time, buyer address, id)."""
import unittest

from harness import ServerTestCase
from tickets_support import CROWD, buy, crowd, db_path, parse, read_sqlite, sold_values, start_tickets


class CrowdTest(ServerTestCase):
    def test_a_crowd_buys_exactly_the_stock(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db, "--tickets", CROWD)
        replies = crowd([server.port], CROWD + 20)
        self.assertTrue(all(parse(r) for r in replies), [r for r in replies if not parse(r)][:5])
        self.assertEqual(sorted(sold_values(replies)), list(range(CROWD)))
        self.assertEqual(sum(1 for r in replies if r == b"00"), 20)
        self.assertEqual(buy(server.port), b"00")
        total, remaining, orders = read_sqlite(db)
        self.assertEqual((total, remaining), (CROWD, 0))
        self.assertEqual(sorted(o[3] for o in orders), list(range(CROWD)))
        for order_id, sold_at, buyer, _ in orders:
            self.assertRegex(sold_at, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertRegex(buyer, r"^127\.0\.0\.1:\d+$")
        self.assertEqual(len({o[0] for o in orders}), CROWD)

    def test_the_course_example_two_tickets(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db)  # no --tickets: the course's 2
        self.assertIn("2 of 2 tickets left (a new database)", server.lines_with("tickets left")[0])
        self.assertEqual([buy(server.port) for _ in range(4)], [b"11", b"01", b"00", b"00"])

    def test_a_client_that_sends_something_still_gets_its_answer(self):
        db = db_path(self.tempdir())
        server = self.start_server(start_tickets, db, "--tickets", 3)
        import socket
        with socket.create_connection(server.address, timeout=30) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 100)
            reply = b""
            while chunk := sock.recv(100):
                reply += chunk
        self.assertEqual(reply, b"21")


if __name__ == "__main__":
    unittest.main()
