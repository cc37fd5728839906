"""The idle timeout: a connection that moves no byte either way is closed."""
import time
import unittest

from echo_support import Client, start_echo
from harness import ServerTestCase

IDLE = 1.0


class IdleTimeoutTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_echo, "--idle-timeout", IDLE, "--pause", 0.1)

    def client(self):
        client = Client(self.server.address)
        self.addCleanup(client.close)
        return client

    def assert_closed_after_idle(self, client, since):
        self.assertTrue(client.closed_within(IDLE + 10), "an idle connection must be closed")
        self.assertGreaterEqual(time.monotonic() - since, IDLE * 0.8, "closed before the idle timeout")

    def test_a_silent_client_is_closed(self):
        start = time.monotonic()
        self.assert_closed_after_idle(self.client(), start)

    def test_idle_time_counts_from_the_last_exchange(self):
        client = self.client()
        client.ask("hello\n")
        start = time.monotonic()
        self.assert_closed_after_idle(client, start)

    def test_a_talking_client_stays(self):
        client = self.client()
        start = time.monotonic()
        i = 0
        while time.monotonic() - start < IDLE * 3:  # well past one idle timeout
            client.ask(f"still here {i}\n")
            i += 1
            time.sleep(IDLE / 5)
        client.ask("and here\n")

    def test_a_message_ended_by_a_pause_restarts_the_idle_time(self):
        client = self.client()
        for i in range(4):  # about half the idle timeout between messages
            time.sleep(IDLE / 2)
            client.ask(f"pause-ended {i}")


if __name__ == "__main__":
    unittest.main()
