"""Limits: question length, connections per IP, the idle timeout; silent clients delay nobody."""
import socket
import time
import unittest

from harness import ServerTestCase
from qa_support import DEFAULT, TIMEOUT, Client, course_ask, start_qa, wait_until


class QuestionLengthTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_qa, "--max-question-bytes", 16, "--pause", 60)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def test_a_question_of_the_limit_is_answered(self):
        client = self.client()
        self.assertEqual(client.ask("x" * 9 + "你好"), "你好啊！\n")  # 16 bytes with its newline

    def test_a_longer_line_closes_after_the_answers_before_it(self):
        client = self.client()
        client.send("你好\n" + "x" * 16 + "\n你好\n")
        self.assertEqual(client.read_until_closed().decode(), "你好啊！\n")  # an orderly close, not a reset

    def test_a_long_question_without_an_end_closes_once_past_the_limit(self):
        client = self.client()
        client.send("z" * 10)
        time.sleep(0.1)
        client.send("z" * 7)  # 17 bytes, no newline, no pause
        self.assertEqual(client.read_until_closed(), b"")

    def test_a_client_still_sending_gets_its_answers_not_a_reset(self):
        client = self.client()
        client.send("你好\n" + "a" * 100_000)
        time.sleep(0.2)  # all of it is there before the client reads anything
        self.assertEqual(client.line(), "你好啊！\n")
        client.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(client.read_until_closed(), b"")


class PerIpLimitTest(ServerTestCase):
    def test_connections_past_the_limit_are_closed_and_a_freed_place_is_taken_again(self):
        server = self.start_server(start_qa, "--max-per-ip", 3, "--pause", 60, workers=2)
        held = [Client(server.address) for _ in range(3)]
        for client in held:
            self.addCleanup(client.close)
            self.assertEqual(client.ask("你好"), "你好啊！\n")  # each is really being served
        with Client(server.address) as refused:
            self.assertTrue(refused.closed_within(TIMEOUT))  # closed at once, not a word
        held.pop().close()

        def served():
            try:
                with Client(server.address, timeout=2) as client:
                    return client.ask("你几岁") == "我2岁啦\n"
            except (AssertionError, OSError):
                return False
        self.assertTrue(wait_until(served), "the freed place was not given to a new connection")


class SilentClientsTest(ServerTestCase):
    def test_silent_and_half_asked_clients_delay_nobody(self):
        server = self.start_server(start_qa, "--max-per-ip", 0)
        silent = [Client(server.address) for _ in range(200)]
        for i, client in enumerate(silent):
            self.addCleanup(client.close)
            if i % 2:
                client.send("你")  # half a question, and then nothing
        # The course's client is answered after the pause, whatever the others do.
        self.assertEqual(course_ask(server.address, "你好"), "你好啊！")
        with Client(server.address) as client:
            self.assertEqual(client.ask("你几岁"), "我2岁啦\n")
        # The half-asked ones were answered by the pause too, and are still connected.
        for client in silent[1::2]:
            client.sock.settimeout(TIMEOUT)
            self.assertEqual(client.sock.recv(1024).decode(), DEFAULT)


class IdleTimeoutTest(ServerTestCase):
    def test_a_silent_client_is_closed_and_a_slow_talker_is_not(self):
        server = self.start_server(start_qa, "--idle-timeout", 1)
        with Client(server.address) as silent, Client(server.address) as talker:
            for _ in range(8):  # 1.6 s of talk, quiet a fifth of the idle timeout at a time
                self.assertEqual(talker.ask("你好"), "你好啊！\n")
                time.sleep(0.2)
            self.assertTrue(silent.closed_within(TIMEOUT))
            self.assertEqual(talker.ask("你好"), "你好啊！\n")


if __name__ == "__main__":
    unittest.main()
