"""The command line: help, and clear errors for bad options."""
import socket
import subprocess
import unittest

from echo_support import Client, start_echo
from harness import MUXD_BIN, ServerTestCase

ECHO_FLAGS = ["--listen", "--workers", "--max-connections", "--max-message-bytes", "--pause", "--idle-timeout",
              "--shutdown-timeout"]


def muxd(*args, timeout=10):
    """Runs muxd to completion (a server that starts anyway is killed by the timeout: a failure)."""
    return subprocess.run([MUXD_BIN, *map(str, args)], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class HelpTest(ServerTestCase):
    def test_top_level_help_lists_echo(self):
        result = muxd("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout.decode(), r"\n\s+echo\s")

    def test_echo_help_mentions_every_flag_and_the_course_port(self):
        result = muxd("echo", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout.decode()
        self.assertEqual([flag for flag in ECHO_FLAGS if flag not in text], [], text)
        self.assertIn("127.0.0.1:13001", text)


class BadOptionsTest(ServerTestCase):
    def assert_refused(self, *args, mention, status=None):
        try:
            result = muxd("echo", *args)
        except subprocess.TimeoutExpired:
            self.fail(f"muxd echo {args} started instead of refusing")
        stderr = result.stderr.decode(errors="replace")
        self.assertNotEqual(result.returncode, 0, stderr)
        if status is not None:
            self.assertEqual(result.returncode, status, stderr)
        self.assertNotIn("listening on", stderr)
        self.assertIn(mention, stderr)

    def test_bad_listen_addresses(self):
        for value in ("nonsense", "127.0.0.1", "127.0.0.1:99999", "999.1.1.1:80"):
            with self.subTest(value=value):
                self.assert_refused("--listen", value, mention=value, status=2)

    def test_bad_numbers(self):
        for flag, value in (("--pause", "0"), ("--pause", "-1"), ("--pause", "nan"), ("--idle-timeout", "0"),
                            ("--idle-timeout", "1e300"), ("--shutdown-timeout", "-1"),
                            ("--max-message-bytes", "0"), ("--workers", "0"), ("--max-connections", "x")):
            with self.subTest(flag=flag, value=value):
                self.assert_refused(flag, value, mention=flag, status=2)

    def test_an_address_in_use(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            self.assert_refused("--listen", f"127.0.0.1:{port}", mention="muxd echo", status=1)


class ReadyLineTest(ServerTestCase):
    def test_it_prints_the_real_port(self):
        with start_echo(workers=2) as server, Client(server.address) as client:
            self.assertNotEqual(server.port, 0)
            self.assertIn(f"muxd echo listening on 127.0.0.1:{server.port}", server.stderr())
            client.ask("up\n")


if __name__ == "__main__":
    unittest.main()
