"""The command line: help, clear errors for bad options, the ready line, the course's port."""
import socket
import subprocess
import unittest

from harness import MUXD_BIN, ServerTestCase
from qa_support import Client, start_qa

QA_FLAGS = ["--listen", "--answers", "--default-answer", "--workers", "--max-connections", "--max-per-ip",
            "--max-question-bytes", "--pause", "--idle-timeout", "--shutdown-timeout"]


def muxd(*args, timeout=10):
    """Runs muxd to completion (a server that starts anyway is killed by the timeout: a failure)."""
    return subprocess.run([MUXD_BIN, *map(str, args)], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class HelpTest(ServerTestCase):
    def test_top_level_help_lists_qa_and_its_client(self):
        result = muxd("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout.decode(), r"\n\s+qa\s")
        self.assertRegex(result.stdout.decode(), r"\n\s+qa-client\s")

    def test_qa_help_mentions_every_flag_and_the_course_port(self):
        result = muxd("qa", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout.decode()
        self.assertEqual([flag for flag in QA_FLAGS if flag not in text], [], text)
        self.assertIn("127.0.0.1:8888", text)
        self.assertIn("人家还小，不知道。", text)


class BadOptionsTest(ServerTestCase):
    def assert_refused(self, *args, mention, status=2):
        try:
            result = muxd("qa", *args)
        except subprocess.TimeoutExpired:
            self.fail(f"muxd qa {args} started instead of refusing")
        stderr = result.stderr.decode(errors="replace")
        self.assertEqual(result.returncode, status, stderr)
        self.assertNotIn("listening on", stderr)
        self.assertIn(mention, stderr)

    def test_bad_listen_addresses(self):
        for value in ("nonsense", "127.0.0.1", "127.0.0.1:99999"):
            with self.subTest(value=value):
                self.assert_refused("--listen", value, mention=value)

    def test_bad_numbers(self):
        for flag, value in (("--pause", "0"), ("--pause", "nan"), ("--idle-timeout", "-1"),
                            ("--shutdown-timeout", "-1"), ("--max-question-bytes", "0"),
                            ("--max-question-bytes", "1048577"), ("--max-per-ip", "-1"), ("--workers", "0"),
                            ("--max-connections", "x")):
            with self.subTest(flag=flag, value=value):
                self.assert_refused("--listen", "127.0.0.1:0", flag, value, mention=flag)

    def test_an_address_in_use(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            self.assert_refused("--listen", f"127.0.0.1:{port}", mention="muxd qa", status=1)


class PortTest(ServerTestCase):
    def test_it_prints_the_real_port(self):
        with start_qa(workers=2) as server, Client(server.address) as client:
            self.assertNotEqual(server.port, 0)
            self.assertIn(f"muxd qa listening on 127.0.0.1:{server.port}", server.stderr())
            self.assertEqual(client.ask("你好"), "你好啊！\n")

    def test_a_udp_socket_on_the_same_port_is_no_conflict(self):
        # The course gives port 8888 to this bot (TCP) and to the dictionary and chat room
        # (UDP, muxd dict and muxd chat): all three can run with their defaults at once.
        # The port comes from a TCP bind (free for TCP, which a UDP-chosen number may not be:
        # another test's connection can hold it), kept until the UDP socket holds it too.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                tcp.bind(("127.0.0.1", 0))
                port = tcp.getsockname()[1]
                udp.bind(("127.0.0.1", port))
            server = self.start_server(start_qa, listen=f"127.0.0.1:{port}")
            with Client(server.address) as client:
                self.assertEqual(client.ask("你好"), "你好啊！\n")


if __name__ == "__main__":
    unittest.main()
