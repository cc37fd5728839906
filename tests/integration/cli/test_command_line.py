"""The command line every subcommand shares: exit status 0 success, 1 runtime
failure, 2 usage error; one-line errors that name the real cause; a mistyped
subcommand gets a suggestion; a wildcard listen address is never silent."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import MUXD_BIN, Server, ServerTestCase

USAGE, FAILURE = 2, 1


def run(*args, timeout=20):
    return subprocess.run([MUXD_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class ExitStatusTest(ServerTestCase):
    def test_mistyped_subcommand_gets_a_suggestion(self):
        for typed, meant in (("htp", "http"), ("ftpp", "ftp"), ("chta", "chat")):
            with self.subTest(typed=typed):
                result = run(typed)
                self.assertEqual(result.returncode, USAGE)
                self.assertIn(f"did you mean '{meant}'?", result.stderr)

    def test_unknown_subcommand_far_from_any(self):
        result = run("zzzzzz")
        self.assertEqual(result.returncode, USAGE)
        self.assertIn("unknown command 'zzzzzz'", result.stderr)
        self.assertNotIn("did you mean", result.stderr)

    def test_no_subcommand_and_unknown_flag_are_usage_errors(self):
        self.assertEqual(run().returncode, USAGE)
        self.assertEqual(run("http", "--no-such-flag").returncode, USAGE)

    def test_help_and_version_succeed(self):
        self.assertEqual(run("--help").returncode, 0)
        self.assertEqual(run("http", "--help").returncode, 0)
        self.assertEqual(run("--version").returncode, 0)

    def test_absurd_numbers_are_refused_in_one_line(self):
        cases = [("http", "--idle-timeout", "-1"), ("http", "--header-timeout", "1e300"),
                 ("http", "--write-timeout", "nan"), ("ftp", "--data-timeout", "0"),
                 ("ftp", "--idle-timeout", "-5"), ("chat", "--keepalive-timeout", "inf"),
                 ("chat", "--rate", "0"), ("http", "--workers", "0")]
        for args in cases:
            with self.subTest(args=args):
                result = run(*args)
                self.assertEqual(result.returncode, USAGE, result.stderr)
                first = result.stderr.splitlines()[0]
                self.assertLess(len(first), 120, first)  # no 300-digit range
                self.assertIn(args[1], first)

    def test_root_errors_name_the_cause(self):
        self.assertIn("No such file or directory", run("http", "--root", "/nonexistent-muxd").stderr)
        self.assertEqual(run("http", "--root", "/nonexistent-muxd").returncode, USAGE)
        self.assertIn("not a directory", run("ftp", "--root", "/etc/passwd").stderr)
        self.assertEqual(run("ftp", "--root", "/etc/passwd").returncode, USAGE)

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"), "needs root to become nobody")
    def test_unreadable_root_says_permission_denied(self):
        base = tempfile.mkdtemp(prefix="muxd-cli-")
        self.addCleanup(shutil.rmtree, base)
        os.chmod(base, 0o700)  # nobody cannot enter it
        os.mkdir(os.path.join(base, "site"))
        nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        result = subprocess.run([*nobody, MUXD_BIN, "http", "--root", os.path.join(base, "site"),
                                 "--listen", "127.0.0.1:0"], capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, FAILURE)  # it exists: no usage error, a failure at run time
        self.assertIn("Permission denied", result.stderr)
        self.assertNotIn("Linux", result.stderr)
        # A root nobody can reach but not read: refused at start-up, with the real cause.
        os.chmod(base, 0o711)
        os.chmod(os.path.join(base, "site"), 0o700)
        for service in ("http", "ftp"):
            with self.subTest(service=service):
                result = subprocess.run([*nobody, MUXD_BIN, service, "--root", os.path.join(base, "site"),
                                         "--listen", "127.0.0.1:0"], capture_output=True, text=True, timeout=20)
                self.assertEqual(result.returncode, FAILURE, result.stderr)
                self.assertIn("Permission denied", result.stderr)
                self.assertNotIn("Linux", result.stderr)


class ClientExitStatusTest(ServerTestCase):
    # RFC 6761 §6.4: names under .invalid never resolve (and resolvers answer at once).
    HOST = "nosuch.invalid"

    def test_an_unresolvable_host_is_a_runtime_failure_for_every_client(self):
        cases = [("chat-client", f"{self.HOST}:8888", "--name", "Lucy"),
                 ("dict-client", f"{self.HOST}:8888", "cat"),
                 ("ftp-client", f"{self.HOST}:2121", "ls"),
                 ("bench", f"http://{self.HOST}:8080/", "--duration", "1")]
        for args in cases:
            with self.subTest(client=args[0]):
                result = run(*args)
                self.assertEqual(result.returncode, FAILURE, result.stderr)
                self.assertIn(self.HOST, result.stderr)

    def test_a_malformed_address_is_a_usage_error(self):
        result = run("chat-client", "127.0.0.1:99999")
        self.assertEqual(result.returncode, USAGE, result.stderr)


class RuntimeFailureTest(ServerTestCase):
    def test_address_in_use_is_a_runtime_failure(self):
        first = self.start_server(Server, "http", "--listen", "127.0.0.1:0", "--access-log", "off")
        for service in ("http", "ftp"):
            with self.subTest(service=service):
                result = run(service, "--listen", f"127.0.0.1:{first.port}")
                self.assertEqual(result.returncode, FAILURE, result.stderr)
                self.assertRegex(result.stderr, re.compile(r"address already in use", re.I))


class ListenAddressTest(ServerTestCase):
    def test_wildcard_listen_is_announced(self):
        server = self.start_server(Server, "http", "--listen", ":0", "--access-log", "off")
        self.assertEqual(server.host, "0.0.0.0")
        self.assertTrue(any("every interface" in line for line in server.stderr_lines) or
                        self._wait_for_line(server, "every interface"))

    def test_http_says_what_it_serves_where(self):
        root = tempfile.mkdtemp(prefix="muxd-cli-")
        self.addCleanup(shutil.rmtree, root)
        server = self.start_server(Server, "http", "--listen", "127.0.0.1:0", "--root", root,
                                   "--access-log", "off")
        expected = f"serving {os.path.realpath(root)} at http://127.0.0.1:{server.port}/"
        self.assertTrue(self._wait_for_line(server, expected), server.stderr())

    @staticmethod
    def _wait_for_line(server, text):
        from harness import wait_until
        return wait_until(lambda: any(text in line for line in server.stderr_lines), timeout=5)


if __name__ == "__main__":
    unittest.main()
