"""Where a message ends: at a newline, at a pause, or when the client half-closes."""
import socket
import time
import unittest

from echo_support import STAMP_LEN, TIMEOUT, Client, start_echo
from harness import ServerTestCase


class LinesTest(ServerTestCase):
    """A pause of a minute: any reply that comes sooner was ended by its newline."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_echo, "--pause", 60)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def test_a_line_comes_back_with_its_newline(self):
        client = self.client()
        client.ask("hello\n")
        client.ask("crlf stays\r\n")
        client.ask("\n")  # an empty line is a message too

    def test_several_lines_in_one_send_are_answered_in_order(self):
        client = self.client()
        client.send("one\ntwo\nthree\n")
        for line in ("one\n", "two\n", "three\n"):
            client.reply(line)

    def test_a_line_sent_in_pieces_is_one_message(self):
        client = self.client()
        for piece in ("he", "l", "lo wor", "ld"):
            client.send(piece)
            time.sleep(0.05)
        client.send("\nnext\n")
        client.reply("hello world\n")
        client.reply("next\n")

    def test_any_bytes_come_back_untouched(self):
        client = self.client()
        client.ask(bytes(range(256)).replace(b"\n", b"") + b"\n")
        client.ask("你好".encode("gbk") + b" gbk, " + "你好".encode() + b" utf-8, \xff\xfe broken\n")

    def test_half_close_ends_the_message_then_the_server_closes(self):
        client = self.client()
        client.send("one\nlast words")
        client.sock.shutdown(socket.SHUT_WR)
        client.reply("one\n")
        client.reply("last words")
        self.assertEqual(client.read_until_closed(), b"")


class PauseTest(ServerTestCase):
    """The course's client sends `input()` without a newline and waits for the answer."""

    PAUSE = 0.3

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_echo, "--pause", cls.PAUSE)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def test_silence_ends_a_message(self):
        client = self.client()
        start = time.monotonic()
        client.send("no newline")
        client.reply("no newline")  # and none is added: the course's server adds none
        self.assertGreaterEqual(time.monotonic() - start, self.PAUSE * 0.8, "answered before the pause ended")

    def test_the_pause_counts_from_the_last_byte(self):
        server = self.start_server(start_echo, "--pause", 2)
        with Client(server.address) as slow:
            start = time.monotonic()
            for piece in "abcdef":  # gaps well under the pause, longer than it in all
                slow.send(piece)
                time.sleep(0.5)
            self.assertGreater(time.monotonic() - start, 2)
            slow.reply("abcdef")

    def test_a_newline_after_a_pause_message(self):
        client = self.client()
        client.ask("first")
        client.ask("second\n")
        client.ask("third")

    def test_many_pause_messages_in_a_row(self):
        client = self.client()
        for i in range(5):
            client.ask(f"message {i}")

    def test_what_is_sent_while_waiting_is_kept(self):
        client = self.client()
        client.send("begun")
        client.send(" and finished\nthen more")
        client.reply("begun and finished\n")
        client.reply("then more")


class IPv6Test(ServerTestCase):
    def test_over_ipv6(self):
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback")
        with start_echo(listen="[::1]:0") as server:
            self.assertEqual(server.host, "::1")
            with Client(("::1", server.port)) as client:
                client.ask("over six\n")


class ReplyShapeTest(ServerTestCase):
    def test_reply_is_ctime_in_brackets_then_colon_space(self):
        with start_echo() as server, Client(server.address) as client:
            client.send("x\n")
            data = client.read_exactly(STAMP_LEN + 2)
            self.assertRegex(data, rb"^\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\]: x\n$")
            client.sock.settimeout(0.5)
            with self.assertRaises(socket.timeout):
                client.sock.recv(1)  # nothing more
            client.sock.settimeout(TIMEOUT)


if __name__ == "__main__":
    unittest.main()
