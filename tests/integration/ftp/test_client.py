"""`muxd ftp-client`, through its menu (piped stdin) and its one-shot
commands, against muxd's own server and against vsftpd."""
import os
import subprocess
import unittest

from ftp_helpers import ALICE, FtpRoot, Vsftpd, start_ftp
from harness import MUXD_BIN, ServerTestCase


class ClientBehaviour:
    """The tests, for any server; subclasses provide `server`, `files` (the
    directory the server lists at its root), `upload_dir` (where an anonymous
    client may upload, relative to the root) and `expected_hello`; mixed into a ServerTestCase."""

    def setUp(self):
        self.cwd = self.tempdir(prefix="muxd-ftp-client-")
        self.local = os.path.join(self.cwd, "local.bin")
        with open(self.local, "wb") as f:
            f.write(os.urandom(2_500_000))  # over the 1 MiB progress-bar threshold

    def client(self, *args, stdin=b""):
        target = f"{self.server.host}:{self.server.port}"
        return subprocess.run([MUXD_BIN, "ftp-client", target, *args], input=stdin, cwd=self.cwd,
                              capture_output=True, timeout=120)

    def test_menu_lists_and_downloads(self):
        result = self.client(stdin=b"1\n2\nhello.txt\n4\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"1. List files", result.stdout)
        self.assertIn(b" hello.txt", result.stdout)
        with open(os.path.join(self.cwd, "hello.txt"), "rb") as f:
            self.assertEqual(f.read(), self.expected_hello)

    def test_menu_reports_errors_and_goes_on(self):
        result = self.client(stdin=b"2\nmissing.txt\n7\n3\n/nonexistent/file\n1\n4\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"cannot download missing.txt: 550", result.stderr)
        self.assertIn(b"Please choose 1, 2, 3 or 4.", result.stdout)
        self.assertIn(b"cannot open /nonexistent/file", result.stderr)
        self.assertIn(b" hello.txt", result.stdout)  # the menu went on
        self.assertEqual(sorted(os.listdir(self.cwd)), ["local.bin"])  # no .part left

    def test_menu_ends_at_end_of_input(self):
        result = self.client(stdin=b"1\n")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_one_shot_ls(self):
        result = self.client("ls")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b" hello.txt", result.stdout)

    def test_one_shot_get_and_put(self):
        remote = f"{self.upload_dir}/one-shot.bin".lstrip("/")
        put = self.client("put", "local.bin", remote)
        self.assertEqual(put.returncode, 0, put.stderr)
        self.assertNotIn(b"\r", put.stdout)  # no progress bar: stdout is no terminal
        get = self.client("get", remote, "copy.bin")
        self.assertEqual(get.returncode, 0, get.stderr)
        with open(self.local, "rb") as f, open(os.path.join(self.cwd, "copy.bin"), "rb") as g:
            self.assertEqual(f.read(), g.read())

    def test_one_shot_failures(self):
        self.assertEqual(self.client("get", "missing.txt").returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(self.cwd, "missing.txt")))
        self.assertFalse(os.path.exists(os.path.join(self.cwd, "missing.txt.part")))
        self.assertEqual(self.client("put", "/nonexistent/file").returncode, 1)
        self.assertEqual(self.client("frobnicate").returncode, 2)


class AgainstMuxdTest(ClientBehaviour, ServerTestCase):
    expected_hello = b"hello, world\n"
    upload_dir = ""

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        # The menu and `put` upload as anonymous: that takes --anonymous-write.
        cls.server = cls.start_class_server(start_ftp, cls.root, "--anonymous-write")
        cls.files = cls.root.root

    def test_menu_uploads(self):
        result = self.client(stdin=b"3\nlocal.bin\n4\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"uploaded local.bin as local.bin", result.stdout)
        with open(self.local, "rb") as f:
            self.assertEqual(self.root.read("local.bin"), f.read())

    def test_listing_a_missing_directory_fails(self):
        # (vsftpd lists nothing and says 226 instead, so this is muxd's own.)
        self.assertEqual(self.client("ls", "/no/such/dir").returncode, 1)

    def test_named_user(self):
        result = self.client("--user", ALICE[0], "--password", ALICE[1], "put", "local.bin", "alice.bin")
        self.assertEqual(result.returncode, 0, result.stderr)
        again = self.client("--user", ALICE[0], "--password", ALICE[1], "put", "local.bin", "alice.bin")
        self.assertEqual(again.returncode, 0, again.stderr)  # alice may overwrite

    def test_wrong_password(self):
        result = self.client("--user", ALICE[0], "--password", "wrong", "ls")
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"login failed: 530", result.stderr)

    def test_unreachable_server(self):
        result = subprocess.run([MUXD_BIN, "ftp-client", "127.0.0.1:1", "ls"], capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"cannot connect to 127.0.0.1:1", result.stderr)


@unittest.skipUnless(Vsftpd.available(), "vsftpd needs to be installed and run as root")
class AgainstVsftpdTest(ClientBehaviour, ServerTestCase):
    expected_hello = b"hello from vsftpd\n"
    upload_dir = "upload"

    @classmethod
    def setUpClass(cls):
        cls.files = cls.class_tempdir(prefix="muxd-vsftpd-root-")
        with open(os.path.join(cls.files, "hello.txt"), "wb") as f:
            f.write(cls.expected_hello)
        cls.server = cls.start_class_server(Vsftpd, cls.files)


if __name__ == "__main__":
    unittest.main()
