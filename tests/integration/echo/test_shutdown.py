"""SIGTERM and SIGINT: stop accepting, answer what has come, close, exit 0."""
import signal
import socket
import time
import unittest

from echo_support import TIMEOUT, Client, connection_refused, start_echo, wait_until

EXIT_BOUND = 20  # seconds


class ShutdownTest(unittest.TestCase):
    def test_sigterm_answers_what_came_closes_everyone_and_exits_0(self):
        with start_echo("--pause", 60) as server:
            idle = Client(server.address)
            talker = Client(server.address)
            try:
                talker.ask("answered before\n")
                talker.send("half a message")  # its end would be a minute away
                time.sleep(0.2)
                server.signal(signal.SIGTERM)
                talker.reply("half a message")  # the stop ends it: nothing the client sent is lost
                self.assertEqual(talker.read_until_closed(), b"")
                self.assertTrue(idle.closed_within(TIMEOUT), "an idle connection is closed")
                self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())
            finally:
                idle.close()
                talker.close()
            self.assertTrue(connection_refused(server.port))

    def test_new_connections_are_refused_once_stopping(self):
        with start_echo("--shutdown-timeout", 30) as server:
            # A client that never reads, its replies stuck: the server waits for it.
            stuck = socket.create_connection(server.address, timeout=TIMEOUT)
            stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            try:
                stuck.settimeout(1)
                try:
                    while True:
                        stuck.send(b"x\n" * 4096)
                except socket.timeout:
                    pass
                server.signal(signal.SIGTERM)
                self.assertTrue(wait_until(lambda: connection_refused(server.port)),
                                "the listener must close at once")
                self.assertIsNone(server.proc.poll(), "it still drains the stuck client")
            finally:
                stuck.close()  # now it can finish
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())

    def test_the_shutdown_timeout_cuts_a_client_that_never_reads(self):
        with start_echo("--shutdown-timeout", 1) as server:
            with socket.create_connection(server.address, timeout=TIMEOUT) as stuck:
                stuck.settimeout(1)
                try:
                    while True:
                        stuck.send(b"x\n" * 4096)
                except socket.timeout:
                    pass
                start = time.monotonic()
                server.signal(signal.SIGTERM)
                self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())
                self.assertLess(time.monotonic() - start, EXIT_BOUND)

    def test_sigint_exits_cleanly(self):
        with start_echo() as server, Client(server.address) as client:
            client.ask("hi\n")
            server.signal(signal.SIGINT)
            self.assertTrue(client.closed_within(TIMEOUT))
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())


if __name__ == "__main__":
    unittest.main()
