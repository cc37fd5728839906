"""Limits: message length, connections per worker, and a client that sends without reading."""
import socket
import time
import unittest

from echo_support import STAMP, STAMP_LEN, TIMEOUT, Client, start_echo, wait_until
from harness import SANITIZER, ServerTestCase

MIB = 1024 * 1024


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class MessageLengthTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_echo, "--max-message-bytes", 16, "--pause", 60)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def test_a_message_of_the_limit_is_answered(self):
        client = self.client()
        client.ask("x" * 15 + "\n")  # 16 bytes with its newline
        client.ask("y" * 14 + "\r\n")

    def test_a_longer_line_closes_after_the_replies_before_it(self):
        client = self.client()
        client.send("first\n" + "x" * 16 + "\nnever answered\n")
        client.reply("first\n")
        self.assertEqual(client.read_until_closed(), b"")  # an orderly close, not a reset

    def test_a_long_message_without_an_end_closes_once_past_the_limit(self):
        client = self.client()
        client.send("z" * 10)
        time.sleep(0.1)
        client.send("z" * 7)  # 17 bytes, no newline, no pause
        self.assertEqual(client.read_until_closed(), b"")

    def test_a_client_still_sending_gets_its_replies_not_a_reset(self):
        # Closing with unread input would send a reset, which can destroy the reply
        # before the client reads it: the server closes lingering, reading and
        # discarding until the client closes too.
        client = self.client()
        client.send("ok\n" + "a" * 100_000)
        time.sleep(0.2)  # all of it is there before the client reads anything
        client.reply("ok\n")
        client.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(client.read_until_closed(), b"")


class ConnectionLimitTest(ServerTestCase):
    def test_connections_past_the_limit_are_closed_at_once(self):
        with start_echo("--max-connections", 3, workers=1) as server:
            clients = [Client(server.address) for _ in range(3)]
            try:
                for i, client in enumerate(clients):
                    client.ask(f"client {i}\n")
                with Client(server.address) as refused:  # the kernel accepts, muxd closes it
                    self.assertTrue(refused.closed_within(TIMEOUT), "a fourth connection must be closed")
                clients.pop().close()

                def fourth_works():
                    try:
                        with Client(server.address) as again:
                            again.ask("room again\n")
                            return True
                    except (AssertionError, OSError):
                        return False
                self.assertTrue(wait_until(fourth_works), "a closed connection frees its place")
                clients[0].ask("the first ones stay\n")
            finally:
                for client in clients:
                    client.close()


class FlowControlTest(ServerTestCase):
    def test_a_client_that_does_not_read_is_not_read_either(self):
        line = b"x" * 30 + b"\n"
        with start_echo(workers=1) as server, Client(server.address) as client:
            rss_before = rss_bytes(server.proc.pid)
            client.sock.settimeout(1)
            sent = 0
            chunk = line * 2048  # 62 KiB
            deadline = time.monotonic() + 60
            try:
                while time.monotonic() < deadline and sent < 512 * MIB:
                    sent += client.sock.send(chunk)
            except socket.timeout:
                pass  # the server stopped reading: our send buffer and its receive buffer are full
            self.assertLess(sent, 512 * MIB, "the server kept reading from a client that reads nothing")
            if not SANITIZER:  # a sanitizer's own allocations would swamp the measure
                self.assertLess(rss_bytes(server.proc.pid) - rss_before, 16 * MIB, "replies piled up in memory")
            # Now read: every line is answered, in order, none lost.
            client.sock.shutdown(socket.SHUT_WR)
            replies = client.read_until_closed(timeout=30)
            whole, rest = divmod(sent, len(line))
            expected_size = whole * (STAMP_LEN + len(line)) + (STAMP_LEN + rest if rest else 0)
            self.assertEqual(len(replies), expected_size)
            self.assertEqual(len(STAMP.findall(replies)), whole + (1 if rest else 0))
            self.assertEqual(STAMP.sub(b"", replies), line * whole + line[:rest])


if __name__ == "__main__":
    unittest.main()
