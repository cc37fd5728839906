"""Framing: line mode (many questions per connection), questions in pieces or stuck together
(the course's 粘包), the pause, half-close, invalid bytes, IPv6, and SIGTERM."""
import signal
import socket
import time
import unittest

from harness import ServerTestCase
from qa_support import DEFAULT, TIMEOUT, Client, start_qa, wait_until


class LineModeTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        # A pause that cannot end during a test: every answer here was ended by its newline.
        cls.server = cls.start_class_server(start_qa, "--pause", 60)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def test_several_questions_on_one_connection(self):
        client = self.client()
        self.assertEqual(client.ask("你好"), "你好啊！\n")
        self.assertEqual(client.ask("你叫什么"), "我叫小美\n")
        self.assertEqual(client.ask("天气如何"), DEFAULT + "\n")
        self.assertEqual(client.ask(""), DEFAULT + "\n")  # one answer per line, an empty one too
        self.assertEqual(client.ask("你几岁"), "我2岁啦\n")

    def test_crlf_is_answered_with_crlf(self):
        client = self.client()
        client.send("你好\r\n")
        self.assertEqual(client.line(), "你好啊！\r\n")

    def test_questions_stuck_together_in_one_send(self):
        client = self.client()
        client.send("你好\n你叫什么\n男生女生\n你几岁\n")
        self.assertEqual([client.line() for _ in range(4)], ["你好啊！\n", "我叫小美\n", "我是机器人啦\n", "我2岁啦\n"])

    def test_a_question_in_pieces_even_inside_a_character(self):
        client = self.client()
        data = "男生女生？\n".encode()
        for i in range(len(data)):  # one byte per send, with gaps far under the pause
            client.send(data[i:i + 1])
            time.sleep(0.01)
        self.assertEqual(client.line(), "我是机器人啦\n")

    def test_invalid_bytes_get_a_whole_answer(self):
        client = self.client()
        client.send(b"\xff\xfe\xc4\xe3\xba\xc3\n")  # not UTF-8 (the second half is GBK 你好)
        self.assertEqual(client.line(), DEFAULT + "\n")
        client.send(b"\x80" + "你好".encode() + b"\xe4\n")
        self.assertEqual(client.line(), "你好啊！\n")
        client.send(b"\x00" * 100 + b"\n")
        self.assertEqual(client.line(), DEFAULT + "\n")

    def test_half_close_ends_the_question(self):
        client = self.client()
        client.send("你好\n你几岁")
        client.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(client.read_until_closed().decode(), "你好啊！\n我2岁啦")  # no newline, none was sent

    def test_the_server_does_not_close_a_line_mode_client(self):
        client = self.client()
        self.assertEqual(client.ask("你好"), "你好啊！\n")
        self.assertFalse(client.closed_within(0.3))
        self.assertEqual(client.ask("你好"), "你好啊！\n")


class PauseTest(ServerTestCase):
    def test_a_pause_ends_a_question_without_newline_and_the_connection_goes_on(self):
        server = self.start_server(start_qa, "--pause", 0.3)
        with Client(server.address) as client:
            client.send("你")
            time.sleep(0.05)
            client.send("好")  # still one question: the pause counts from the latest byte
            started = time.monotonic()
            client.sock.settimeout(TIMEOUT)
            self.assertEqual(client.sock.recv(1024).decode(), "你好啊！")
            self.assertGreaterEqual(time.monotonic() - started, 0.3)
            self.assertEqual(client.ask("你几岁"), "我2岁啦\n")  # then line mode on the same connection

    def test_after_a_newline_the_pause_no_longer_cuts_a_line(self):
        server = self.start_server(start_qa, "--pause", 0.05)
        with Client(server.address) as client:
            self.assertEqual(client.ask("你好"), "你好啊！\n")
            client.send("男生")
            time.sleep(0.3)  # six pauses
            client.send("女生\n")
            self.assertEqual(client.line(), "我是机器人啦\n")


class Ipv6Test(ServerTestCase):
    def test_ipv6(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6")
        try:
            server = self.start_server(start_qa, listen="[::1]:0")
        except AssertionError as error:
            self.skipTest(f"no IPv6 loopback: {error}")
        with Client(("::1", server.port)) as client:
            self.assertEqual(client.ask("你好"), "你好啊！\n")


class StopTest(ServerTestCase):
    def test_sigterm_answers_the_question_begun_then_closes_and_exits_0(self):
        server = start_qa("--pause", 60)
        try:
            with Client(server.address) as client:
                # One send: once the first is answered, the server has read the second too
                # (no newline, and the pause is a minute).
                client.send("你好\n你几岁")
                self.assertEqual(client.line(), "你好啊！\n")
                server.signal(signal.SIGTERM)
                self.assertEqual(client.read_until_closed().decode(), "我2岁啦")
            self.assertEqual(server.wait(TIMEOUT), 0)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
