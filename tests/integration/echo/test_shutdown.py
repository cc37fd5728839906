"""SIGTERM and SIGINT: stop accepting, answer what has come, close, exit 0."""
import fcntl
import signal
import socket
import struct
import termios
import time
import unittest

from echo_support import TIMEOUT, Client, connection_refused, start_echo, wait_until
from harness import ServerTestCase, skip_under_sanitizers

EXIT_BOUND = 20  # seconds


def stuck_client(server):
    """A client that sent far more lines than it will ever read replies to, once the server is
    stuck on it: replies wait in the server for a socket that takes no more. Its lines ask for
    fifteen times their size in replies, more than any kernel buffer holds; the server is stuck
    once it has run and the client's receive queue stays full."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
    sock.settimeout(1)
    sock.connect(server.address)
    try:
        while True:
            sock.send(b"x\n" * 4096)
    except socket.timeout:
        pass  # the server stopped reading, or has not run yet (a busy machine)

    def unread():
        return struct.unpack("i", fcntl.ioctl(sock, termios.FIONREAD, b"\0" * 4))[0]
    last = [-1, time.monotonic()]

    def settled():
        now, size = time.monotonic(), unread()
        if size != last[0]:
            last[:] = [size, now]
        return size > 0 and now - last[1] >= 0.5
    if not wait_until(settled, timeout=TIMEOUT):
        sock.close()
        raise AssertionError("the server never answered the stuck client")
    return sock


class ShutdownTest(ServerTestCase):
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
            stuck = stuck_client(server)  # its replies wait: the server waits for it
            try:
                server.signal(signal.SIGTERM)
                self.assertTrue(wait_until(lambda: connection_refused(server.port)),
                                "the listener must close at once")
                self.assertIsNone(server.proc.poll(), "it still drains the stuck client")
            finally:
                stuck.close()  # now it can finish
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())

    # Its premise (the server's own queue holds replies the client never reads) rests on timing: under
    # TSan on a loaded machine the server was once seen with everything handed to the kernel, so it
    # rightly closed at once (1 run in 3).
    @skip_under_sanitizers("whether the server's queue still holds replies at the signal is timing")
    def test_the_shutdown_timeout_cuts_a_client_that_never_reads(self):
        with start_echo("--shutdown-timeout", 1) as server:
            with stuck_client(server):
                start = time.monotonic()
                server.signal(signal.SIGTERM)
                self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())
                self.assertGreaterEqual(time.monotonic() - start, 0.8, "it did not wait for the stuck client")

    def test_sigint_exits_cleanly(self):
        with start_echo() as server, Client(server.address) as client:
            client.ask("hi\n")
            server.signal(signal.SIGINT)
            self.assertTrue(client.closed_within(TIMEOUT))
            self.assertEqual(server.wait(EXIT_BOUND), 0, server.stderr())


if __name__ == "__main__":
    unittest.main()
