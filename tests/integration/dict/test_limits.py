"""Every limit of `muxd dict` (issue 11), answered with RFC 2229's code or dropped.

Where each is tested:
  - command lines over 1,024 octets (RFC 2229 §2.2): 500, the session goes on:
    test_protocol.ProtocolTest.test_lines_longer_than_1024_octets_get_500_and_the_session_goes_on;
  - DICT words over 256 bytes: 501; UDP words over 256 bytes: dropped: here;
  - datagrams over 2,048 bytes: dropped: test_udp.UdpTest.test_hostile_datagrams_are_dropped_and_the_server_goes_on;
  - sessions per IP address (--max-sessions-per-ip): 420 and closed: here;
  - idle timeout (--idle-timeout): closed: here;
  - a full database queue (--db-queue): DICT 420, the session goes on: here; UDP dropped and
    counted: test_udp.UdpLimitsTest.test_a_full_queue_drops_requests_and_logs_it_once_a_second;
  - a UDP source over its rate (--udp-rate): test_udp.UdpLimitsTest.test_a_source_over_its_rate_is_not_answered.
"""
import socket
import time
import unittest

from harness import ServerTestCase, wait_until
from dict_support import DictConnection, DictServer, make_database, udp_lookup

BUSY = b"420 Server temporarily unavailable\r\n"


def read_to_eof(sock):
    """Everything the peer sends until it closes (bytes)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def connect_from(source_ip, port):
    """A TCP connection to 127.0.0.1:port from `source_ip` (any 127/8 address is local on Linux)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.bind((source_ip, 0))
    sock.connect(("127.0.0.1", port))
    return sock


class SessionsPerAddressTest(ServerTestCase):
    """--max-sessions-per-ip N: the (N+1)th session at once from one address hears 420
    (RFC 2229 §2.4.2, server temporarily unavailable) and is closed; the first N go on,
    other addresses are not counted with it, and a slot frees when a session ends."""

    LIMIT = 3

    def setUp(self):
        self.server = self.start_server(DictServer, make_database(self.class_tempdir()),
                                        "--max-sessions-per-ip", str(self.LIMIT))

    def session(self):
        connection = DictConnection(self.server.dict_port)
        self.addCleanup(connection.close)
        self.assertRegex(connection.banner, r"^220 ")
        return connection

    def refused(self, source_ip="127.0.0.1"):
        """Whether a connection from `source_ip` hears exactly one 420 line and then EOF."""
        with connect_from(source_ip, self.server.dict_port) as sock:
            return read_to_eof(sock) == BUSY

    def banner_from_a_new_session(self):
        """A new session's first line when it is let in (its socket kept open), else None."""
        sock = connect_from("127.0.0.1", self.server.dict_port)
        first = sock.recv(200)
        if first.startswith(b"220 "):
            self.addCleanup(sock.close)
            return first
        sock.close()
        return None

    def test_the_session_past_the_limit_gets_420_and_is_closed(self):
        sessions = [self.session() for _ in range(self.LIMIT)]
        self.assertTrue(self.refused())
        self.assertTrue(self.refused())  # a refused connection takes no slot, nor frees one
        for i, c in enumerate(sessions):  # the first N keep working
            status, blocks = c.command("DEFINE test cat")
            self.assertEqual(status, "250 ok", f"session {i}")
            self.assertEqual(blocks[1][1], ["a small domesticated feline"])
            self.assertEqual(c.command("STATUS")[0][:4], "210 ")

    def test_a_slot_frees_when_a_session_quits(self):
        sessions = [self.session() for _ in range(self.LIMIT)]
        self.assertTrue(self.refused())
        self.assertEqual(sessions[0].command("QUIT")[0], "221 bye")
        self.assertTrue(sessions[0].at_eof())
        # The count drops once the server has closed its end: wait for that, not a fixed time.
        self.assertIsNotNone(wait_until(self.banner_from_a_new_session, 10), self.server.stderr())
        self.assertTrue(self.refused())  # full again: the newcomer took the freed slot
        for c in sessions[1:]:
            self.assertEqual(c.command("STATUS")[0][:4], "210 ")

    def test_a_slot_frees_when_a_client_just_disconnects(self):
        sessions = [self.session() for _ in range(self.LIMIT)]
        sessions[-1].close()  # no QUIT: the server sees EOF
        self.assertIsNotNone(wait_until(self.banner_from_a_new_session, 10), self.server.stderr())
        self.assertTrue(self.refused())

    def test_other_addresses_have_their_own_count(self):
        for _ in range(self.LIMIT):
            self.session()
        self.assertTrue(self.refused("127.0.0.1"))
        try:
            other = connect_from("127.0.0.2", self.server.dict_port)
        except OSError as error:
            self.skipTest(f"cannot connect from 127.0.0.2 here: {error}")
        with other:
            self.assertTrue(other.recv(200).startswith(b"220 "))


class LimitsTest(ServerTestCase):
    def setUp(self):
        self.db = make_database(self.class_tempdir())

    def test_dict_words_over_256_bytes_get_501_and_the_session_goes_on(self):
        server = self.start_server(DictServer, self.db)
        c = DictConnection(server.dict_port)
        self.addCleanup(c.close)
        self.assertEqual(c.command("DEFINE test " + "w" * 256)[0], "552 No match")
        self.assertEqual(c.command("DEFINE test " + "w" * 257)[0],
                         "501 Syntax error, illegal parameters (word too long)")
        self.assertEqual(c.command("MATCH test prefix " + "w" * 257)[0][:4], "501 ")
        self.assertEqual(c.command("DEFINE test " + "长" * 85)[0], "552 No match")  # 255 bytes
        self.assertEqual(c.command("DEFINE test " + "长" * 86)[0][:4], "501 ")  # 258 bytes
        self.assertEqual(c.command("DEFINE test cat")[0], "250 ok")

    def test_udp_words_over_256_bytes_are_dropped(self):
        server = self.start_server(DictServer, self.db, "--udp-rate", "0")
        self.assertEqual(udp_lookup(server.udp_port, "w" * 256), b"Not Found")
        self.assertEqual(udp_lookup(server.udp_port, "w" * 256 + "\n"), b"Not Found")  # the LF is no part of it
        self.assertIsNone(udp_lookup(server.udp_port, "w" * 257, timeout=0.5))
        self.assertEqual(udp_lookup(server.udp_port, "cat"), b"a small domesticated feline")

    def test_idle_timeout_closes(self):
        server = self.start_server(DictServer, self.db, "--idle-timeout", "0.3")
        c = DictConnection(server.dict_port)
        self.addCleanup(c.close)
        started = time.monotonic()
        self.assertTrue(c.at_eof(10))
        self.assertGreaterEqual(time.monotonic() - started, 0.25)

    def test_a_full_database_queue_answers_420(self):
        # One database thread that takes 0.5 s a query, a queue of one: of ten
        # clients asking at once, at most two are served in time, the rest hear 420.
        server = self.start_server(DictServer, self.db, "--db-threads", "1", "--db-queue", "1",
                                   "--test-query-delay", "0.5")
        clients = [DictConnection(server.dict_port) for _ in range(10)]
        for c in clients:
            self.addCleanup(c.close)
        for c in clients:
            c.send("DEFINE test cat\r\n")
        statuses = [c.response()[0] for c in clients]
        self.assertIn("420 Server temporarily unavailable", statuses)
        self.assertIn("250 ok", statuses)
        self.assertEqual(clients[0].command("STATUS")[0][:4], "210 ")  # a 420 does not end the session


if __name__ == "__main__":
    unittest.main()
