"""The course's protocol over UDP: the course's own client, unchanged; Python
sockets for what it never sends; muxd dict-client."""
import os
import socket
import subprocess
import sys
import time
import unittest

from harness import MUXD_BIN, ServerTestCase, wait_until
from dict_support import LONG_MEANING, DictServer, make_database, udp_lookup

HERE = os.path.dirname(os.path.abspath(__file__))


class UdpTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = make_database(cls.class_tempdir())
        cls.server = cls.start_class_server(DictServer, cls.db, "--udp-rate", "0")

    def lookup(self, word, **kwargs):
        return udp_lookup(self.server.udp_port, word, **kwargs)

    def test_the_course_client_unchanged(self):
        typed = "cat\nCAT\nnothing\n猫\nhot dog\nlong\n\n"
        done = subprocess.run([sys.executable, os.path.join(HERE, "course_client.py"), "127.0.0.1",
                               str(self.server.udp_port)], input=typed, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = done.stdout.split("Word:")
        self.assertEqual(out[1], "cat : a small domesticated feline\n")
        self.assertEqual(out[2], "CAT : a small domesticated feline\n")  # case-insensitive
        self.assertEqual(out[3], "nothing : Not Found\n")
        self.assertEqual(out[4], "猫 : cat\n")
        self.assertEqual(out[5], "hot dog : a frankfurter served in a bun\n")
        # 1,508 bytes cut at a character to fit the client's recvfrom(1024): it decodes.
        self.assertEqual(out[6], "long : " + "长" * 341 + "\n")
        self.assertEqual(out[7], "")

    def test_answers_are_the_meaning_or_exactly_not_found(self):
        self.assertEqual(self.lookup("dog"), b"a domesticated canid")
        self.assertEqual(self.lookup("dog\n"), b"a domesticated canid")  # echo dog | nc -u
        self.assertEqual(self.lookup("no such word"), b"Not Found")
        self.assertEqual(self.lookup("long", bufsize=65536), ("长" * 341).encode())
        self.assertEqual(self.lookup("'; DROP TABLE words; --"), b"a word that looks like SQL")
        self.assertEqual(self.lookup("%"), b"percent, a LIKE wildcard")
        self.assertEqual(self.lookup("ca%"), b"Not Found")
        self.assertEqual(self.lookup("' OR '1'='1"), b"Not Found")

    def test_hostile_datagrams_are_dropped_and_the_server_goes_on(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.5)
            for bad in (b"", b"\n", b"\xff\xfe", b"\xe4\xb8", b"c\x00t", b"\x1b[2J", b"w" * 257, b"x" * 3000,
                        b"y" * 65000):
                sock.sendto(bad, ("127.0.0.1", self.server.udp_port))
                with self.assertRaises(socket.timeout, msg=repr(bad[:20])):
                    sock.recvfrom(65536)
        self.assertEqual(self.lookup("cat"), b"a small domesticated feline")

    def test_a_thousand_concurrent_lookups_are_all_answered(self):
        words = [("cat", b"a small domesticated feline"), ("dog", b"a domesticated canid"), ("zzz", b"Not Found")]
        sockets = []
        try:
            for i in range(1000):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sock.setblocking(False)
                sockets.append(sock)
            answers = {}

            def collect():
                for i, sock in enumerate(sockets):
                    if i not in answers:
                        try:
                            answers[i] = sock.recv(2048)
                        except BlockingIOError:
                            pass
                return len(answers) == len(sockets)
            # All at once. The kernel may drop some before the server reads them (a socket's
            # receive buffer is capped by net.core.rmem_max): those are sent again, as any
            # UDP client does; a datagram the server received is always answered.
            for _ in range(5):
                for i, sock in enumerate(sockets):
                    if i not in answers:
                        sock.sendto(words[i % 3][0].encode(), ("127.0.0.1", self.server.udp_port))
                if wait_until(collect, 10):
                    break
            self.assertEqual(len(answers), 1000)
            for i, answer in answers.items():
                self.assertEqual(answer, words[i % 3][1])
        finally:
            for sock in sockets:
                sock.close()


class UdpLimitsTest(ServerTestCase):
    def setUp(self):
        self.db = make_database(self.class_tempdir())

    def test_a_full_queue_drops_requests_and_logs_it_once_a_second(self):
        server = self.start_server(DictServer, self.db, "--db-threads", "1", "--db-queue", "1",
                                   "--test-query-delay", "0.2", "--udp-rate", "0")
        sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(20)]
        try:
            for sock in sockets:
                sock.sendto(b"cat", ("127.0.0.1", server.udp_port))
                time.sleep(0.01)  # about one datagram a receive batch: one job each
            time.sleep(2)  # every request taken has been answered by now (0.2 s each, two at most)
            answered = 0
            for sock in sockets:
                sock.setblocking(False)
                try:
                    sock.recv(2048)
                    answered += 1
                except BlockingIOError:
                    pass
        finally:
            for sock in sockets:
                sock.close()
        self.assertGreater(answered, 0)
        self.assertLess(answered, 20)
        self.assertTrue(wait_until(lambda: any("UDP requests dropped" in line for line in server.stderr_lines), 5),
                        server.stderr())
        self.assertLessEqual(sum("UDP requests dropped" in line for line in server.stderr_lines), 2)

    def test_a_source_over_its_rate_is_not_answered(self):
        server = self.start_server(DictServer, self.db, "--udp-rate", "5")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(1)
            for _ in range(100):
                sock.sendto(b"cat", ("127.0.0.1", server.udp_port))
            answered = 0
            try:
                while True:
                    sock.recvfrom(2048)
                    answered += 1
            except socket.timeout:
                pass
        self.assertGreaterEqual(answered, 1)
        self.assertLessEqual(answered, 30)  # a burst of 10, and 5 a second


class DictClientCommandTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = make_database(cls.class_tempdir())
        cls.server = cls.start_class_server(DictServer, cls.db, "--udp-rate", "0")

    def client(self, *args, **kwargs):
        return subprocess.run([MUXD_BIN, "dict-client", *args], capture_output=True, text=True, timeout=30, **kwargs)

    def test_words_on_the_command_line(self):
        done = self.client(f"127.0.0.1:{self.server.udp_port}", "cat", "nothing", "猫")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "cat : a small domesticated feline\nnothing : Not Found\n猫 : cat\n")

    def test_words_through_a_pipe_without_prompts(self):
        done = self.client(f"127.0.0.1:{self.server.udp_port}", input="dog\nhot dog\n\ncat\n")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "dog : a domesticated canid\nhot dog : a frankfurter served in a bun\n")

    def test_no_server_is_a_clear_error(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            silent = sock.getsockname()[1]  # bound, never answers
            done = self.client(f"127.0.0.1:{silent}", "--timeout", "0.1", "--tries", "2", "cat")
        self.assertEqual(done.returncode, 1)
        self.assertIn('no answer from 127.0.0.1:', done.stderr)
        self.assertIn('"cat" (2 tries', done.stderr)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            closed = sock.getsockname()[1]
        done = self.client(f"127.0.0.1:{closed}", "cat")
        self.assertEqual(done.returncode, 1)
        self.assertIn("connection refused", done.stderr)

    def test_server_argument_forms(self):  # core/host_port.h
        done = self.client(f"localhost:{self.server.udp_port}", "cat")
        self.assertEqual(done.returncode, 0, done.stderr)
        for server, why in (("127.0.0.1:http", "the port is not a number from 1 to 65535"),
                            ("[::1]:0", "the port is not a number from 1 to 65535"),
                            ("[::1", "missing ]"), (":8888", "no host")):
            with self.subTest(server=server):
                done = self.client(server, "cat")
                self.assertEqual((done.returncode, done.stderr), (1, f"muxd dict-client: {server}: {why}\n"))


if __name__ == "__main__":
    unittest.main()
