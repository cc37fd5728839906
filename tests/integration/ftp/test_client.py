"""`muxd ftp-client`, through its menu (piped stdin) and its one-shot
commands, against muxd's own server and against vsftpd."""
import os
import shlex
import shutil
import subprocess
import unittest
import uuid

from ftp_helpers import ALICE, FtpRoot, Vsftpd, start_ftp
from harness import MUXD_BIN, ServerTestCase, wait_until


class ClientBehaviour:
    """The tests, for any server; subclasses provide `server`, `files` (the
    directory the server lists at its root), `upload_dir` (where an anonymous
    client may upload, relative to the root) and `expected_hello`; mixed into a ServerTestCase."""

    def setUp(self):
        self.cwd = self.tempdir(prefix="muxd-ftp-client-")
        self.local = os.path.join(self.cwd, "local.bin")
        with open(self.local, "wb") as f:
            f.write(os.urandom(2_500_000))  # over the 1 MiB progress-bar threshold

    def client(self, *args, stdin=b"", home=None):
        target = f"{self.server.host}:{self.server.port}"
        env = {**os.environ, "HOME": home or self.cwd}  # no ~/.netrc unless a test writes one
        return subprocess.run([MUXD_BIN, "ftp-client", target, *args], input=stdin, cwd=self.cwd,
                              capture_output=True, timeout=120, env=env)

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
        self.assertIn(b"Please choose 1-6, or type ls, cd, pwd, get, put or quit.", result.stdout)
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

    def test_menu_changes_directory_and_lists_any_path(self):
        result = self.client(stdin=b"ls docs\n6\n5\ndocs\n1\ncd ..\npwd\nquit\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count(b" readme.md"), 2, result.stdout)  # ls docs, then 1 inside docs
        self.assertIn(b"remote directory: /\n", result.stdout)
        self.assertIn(b"remote directory: /docs\n", result.stdout)
        self.assertEqual(result.stdout.count(b"remote directory: /\n"), 3)  # 6, cd .., pwd

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

    def write_netrc(self, text, mode=0o600):
        path = os.path.join(self.cwd, ".netrc")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)

    def test_netrc_gives_login_and_password(self):
        host = self.server.host
        entries = (f"machine other.example login bob password nope\n"
                   f"machine {host}\n  login {ALICE[0]}\n  password {{}}\n"
                   "macdef init\nbinary\n\ndefault login anonymous password x@\n")
        self.write_netrc(entries.format("wrong"))
        refused = self.client("pwd")  # proves the entry is used: alice, with its password
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"login failed: 530", refused.stderr)
        self.write_netrc(entries.format(ALICE[1]))
        for args in (["pwd"], ["--user", ALICE[0], "pwd"]):
            result = self.client(*args)
            self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.client("--user", "anonymous", "pwd").returncode, 0)  # the default entry

    def test_netrc_readable_by_others_is_refused(self):
        self.write_netrc(f"machine {self.server.host} login {ALICE[0]} password {ALICE[1]}\n", mode=0o644)
        result = self.client("pwd")
        self.assertEqual(result.returncode, 2)
        self.assertIn(b".netrc can be read by others, so its passwords are not used (chmod 600", result.stderr)
        self.assertEqual(self.client("--no-netrc", "pwd").returncode, 0)  # anonymous then

    def test_piped_user_without_password_is_refused(self):
        result = self.client("--user", ALICE[0], "ls")
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"no password for alice: give --password, a ~/.netrc entry, or run on a terminal",
                      result.stderr)

    def test_unreachable_server(self):
        result = subprocess.run([MUXD_BIN, "ftp-client", "127.0.0.1:1", "ls"], capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"cannot connect to 127.0.0.1:1", result.stderr)

    def test_cd_to_a_missing_directory_is_reported(self):
        result = self.client(stdin=b"cd nowhere\npwd\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"cannot change to nowhere: 550", result.stderr)
        self.assertIn(b"remote directory: /\n", result.stdout)

    def test_one_shot_pwd(self):
        result = self.client("pwd")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"remote directory: /\n")

    def test_piped_never_overwrites_without_yes(self):
        mine = os.path.join(self.cwd, "hello.txt")
        with open(mine, "wb") as f:
            f.write(b"my own\n")
        refused = self.client("get", "hello.txt")
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"hello.txt exists; not overwritten (--yes overwrites)", refused.stderr)
        menu = self.client(stdin=b"2\nhello.txt\ny\n4\n")  # the "y" is no answer: it is the next command
        self.assertIn(b"hello.txt exists; not overwritten", menu.stderr)
        with open(mine, "rb") as f:
            self.assertEqual(f.read(), b"my own\n")
        forced = self.client("--yes", "get", "hello.txt")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        with open(mine, "rb") as f:
            self.assertEqual(f.read(), self.expected_hello)




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


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class OnATerminal(ServerTestCase):
    """The menu in a real terminal (tmux): password prompt, questions, cd/ls/pwd."""

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def setUp(self):
        self.cwd = self.tempdir(prefix="muxd-ftp-tmux-")
        self.socket_name = f"muxd-ftp-{uuid.uuid4().hex[:8]}"
        self.addCleanup(self.tmux, "kill-server")

    def start(self, *args):
        command = (f"cd {shlex.quote(self.cwd)} && HOME={shlex.quote(self.cwd)} {shlex.quote(MUXD_BIN)} ftp-client "
                   f"{self.server.host}:{self.server.port} {' '.join(map(shlex.quote, args))}; "
                   "echo \"[exit $?]\"; sleep 600")
        self.tmux("new-session", "-d", "-s", "ftp", "-x", "100", "-y", "40", command)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket_name, *args], capture_output=True, timeout=10,
                              check=True, env={**os.environ, "LANG": "C.UTF-8"}).stdout.decode("utf-8")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "ftp", *keys)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-S", "-200", "-t", "ftp")

    def shows(self, text):
        return wait_until(lambda: text in self.screen())

    def test_password_is_asked_without_echo(self):
        self.start("--user", ALICE[0])
        self.assertTrue(self.shows(f"Password for {ALICE[0]}@{self.server.host}:"), self.screen())
        self.keys(ALICE[1], "Enter")
        self.assertTrue(self.shows("Choose 1-6:"), self.screen())
        self.assertNotIn(ALICE[1], self.screen())
        self.keys("pwd", "Enter")
        self.assertTrue(self.shows("remote directory: /"), self.screen())
        self.keys("4", "Enter")
        self.assertTrue(self.shows("[exit 0]"), self.screen())

    def test_cd_ls_and_pwd(self):
        self.start()
        self.assertTrue(self.shows("Choose 1-6:"), self.screen())
        self.keys("cd docs", "Enter")
        self.assertTrue(self.shows("remote directory: /docs"), self.screen())
        self.keys("1", "Enter")
        self.assertTrue(self.shows(" readme.md"), self.screen())
        self.keys("ls /", "Enter")
        self.assertTrue(self.shows(" hello.txt"), self.screen())
        self.keys("quit", "Enter")
        self.assertTrue(self.shows("[exit 0]"), self.screen())

    def test_overwrite_is_asked(self):
        mine = os.path.join(self.cwd, "hello.txt")
        with open(mine, "wb") as f:
            f.write(b"my own\n")
        self.start()
        self.assertTrue(self.shows("Choose 1-6:"), self.screen())
        self.keys("get hello.txt", "Enter")
        self.assertTrue(self.shows("hello.txt exists. Overwrite it? [y/N]"), self.screen())
        self.keys("Enter")  # the default: no
        self.assertTrue(self.shows("Not downloaded."), self.screen())
        with open(mine, "rb") as f:
            self.assertEqual(f.read(), b"my own\n")
        self.keys("2", "Enter", "hello.txt", "Enter", "y", "Enter")
        self.assertTrue(self.shows("downloaded hello.txt to hello.txt"), self.screen())
        with open(mine, "rb") as f:
            self.assertEqual(f.read(), b"hello, world\n")


if __name__ == "__main__":
    unittest.main()
