"""The command line: help, version, and clear errors for bad options."""
import os
import re
import socket
import subprocess
import tempfile
import unittest

from harness import ServerTestCase
from httpkit import MUXD_BIN, SiteRoot, get, start_http

HTTP_FLAGS = ["--root", "--listen", "--workers", "--access-log", "--header-timeout", "--idle-timeout",
              "--write-timeout", "--shutdown-timeout", "--max-body-bytes"]


def muxd(*args, timeout=10):
    """Runs muxd to completion (a server that starts anyway is killed by the timeout: a failure)."""
    return subprocess.run([MUXD_BIN, *map(str, args)], capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class HelpAndVersionTest(ServerTestCase):
    def test_top_level_help_lists_http(self):
        result = muxd("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout.decode(), r"\n\s+http\s")

    def test_http_help_mentions_every_flag(self):
        result = muxd("http", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout.decode()
        missing = [flag for flag in HTTP_FLAGS if flag not in text]
        self.assertEqual(missing, [], text)

    def test_version(self):
        result = muxd("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout.decode(), r"\d+\.\d+\.\d+")


class BadOptionsTest(ServerTestCase):
    def assert_refused(self, args, *mentions):
        try:
            result = muxd(*args)
        except subprocess.TimeoutExpired:
            self.fail(f"muxd {' '.join(map(str, args))} started instead of refusing")
        stderr = result.stderr.decode(errors="replace")
        self.assertNotEqual(result.returncode, 0, f"muxd {args}: {stderr}")
        self.assertTrue(stderr.strip(), f"muxd {args} must explain the error on stderr")
        self.assertNotIn("listening on", stderr)
        for text in mentions:
            self.assertIn(text, stderr, f"the message should name {text!r}: {stderr}")
        return stderr

    def test_bad_listen_addresses(self):
        for value in ("nonsense", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:-1",
                      "999.1.1.1:80", "127.0.0.1:80x", ":"):
            with self.subTest(value=value):
                self.assert_refused(["http", "--listen", value, "--access-log", "off"], value)

    def test_missing_root_directory(self):
        missing = os.path.join(tempfile.gettempdir(), "muxd-no-such-root-dir")
        self.assert_refused(["http", "--listen", "127.0.0.1:0", "--root", missing], missing)

    def test_root_that_is_a_file(self):
        with tempfile.NamedTemporaryFile() as f:
            self.assert_refused(["http", "--listen", "127.0.0.1:0", "--root", f.name], f.name)

    def test_port_in_use(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            address = f"127.0.0.1:{taken.getsockname()[1]}"
            self.assert_refused(["http", "--listen", address, "--access-log", "off"], address)

    def test_non_numeric_values(self):
        for flag in ("--workers", "--header-timeout", "--idle-timeout", "--write-timeout", "--shutdown-timeout",
                     "--max-body-bytes"):
            with self.subTest(flag=flag):
                self.assert_refused(["http", "--listen", "127.0.0.1:0", flag, "abc"], flag)

    def test_unwritable_access_log(self):
        self.assert_refused(["http", "--listen", "127.0.0.1:0", "--access-log", "/nonexistent-dir/access.log"],
                            "/nonexistent-dir/access.log")

    def test_unknown_flag_and_subcommand(self):
        self.assert_refused(["http", "--no-such-flag"])
        self.assert_refused(["no-such-service"])


class GoodOptionsTest(ServerTestCase):
    def test_fractional_timeouts_and_one_worker(self):
        args = ["--workers", "1", "--header-timeout", "0.5", "--idle-timeout", "2.5", "--write-timeout", "1.5",
                "--shutdown-timeout", "0.5", "--max-body-bytes", "10"]
        with SiteRoot({"a.txt": "hello"}) as root, start_http(root.path, *args) as server:
            self.assertEqual(get(server.port, "/a.txt").body, b"hello")
            self.assertTrue(re.search(r"muxd http listening on 127\.0\.0\.1:\d+", server.stderr()))
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
