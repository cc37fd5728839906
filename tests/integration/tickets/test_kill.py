"""SIGKILL in the middle of a crowd: every buyer told it bought a ticket is
in the database afterwards (a sale is committed before its reply is sent),
the stock and the orders agree, and a new process sells on from there."""
import signal
import threading
import unittest

from harness import ServerTestCase, wait_until
from tickets_support import CROWD, buy, db_path, parse, read_sqlite, start_tickets


class KillTest(ServerTestCase):
    def test_sigkill_loses_no_sale_anyone_was_told_of(self):
        db = db_path(self.tempdir())
        stock = CROWD * 10  # more than the crowd can buy before the kill
        server = self.start_server(start_tickets, db, "--tickets", stock)
        replies, lock, stop = [], threading.Lock(), threading.Event()

        def buyer():
            while not stop.is_set():
                try:
                    reply = buy(server.port, timeout=10)
                except OSError:
                    continue  # refused or reset: the server is gone
                with lock:
                    replies.append(reply)

        threads = [threading.Thread(target=buyer) for _ in range(16)]
        for thread in threads:
            thread.start()
        try:
            self.assertTrue(wait_until(lambda: len(replies) >= CROWD // 2, timeout=60), len(replies))
            server.signal(signal.SIGKILL)
            server.wait(30)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        told = [parse(r)[0] for r in replies if r and parse(r) and parse(r)[1]]
        self.assertGreater(len(told), 0)
        self.assertTrue(all(r == b"" or parse(r) for r in replies), [r for r in replies if r and not parse(r)][:5])
        total, remaining, orders = read_sqlite(db)
        recorded = {o[3] for o in orders}
        self.assertEqual(set(told) - recorded, set(), "buyers told 'bought' whose sale is not in the database")
        self.assertEqual(remaining, stock - len(orders))  # the stock and the orders agree
        self.assertEqual(sorted(recorded), list(range(remaining, stock)))
        again = self.start_server(start_tickets, db)
        self.assertEqual(buy(again.port), f"{remaining - 1}1".encode())


if __name__ == "__main__":
    unittest.main()
