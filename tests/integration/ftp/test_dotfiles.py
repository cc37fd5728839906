"""Names starting with '.' are hidden by default, at any depth: 550 for every
command that names one (as anonymous or as a named user), absent from every
listing, and no upload, MKD or RNTO can create one. `--dotfiles allow` serves
them like other names; upload temporaries (.muxd-upload-*) stay hidden."""
import ftplib
import io
import os
import subprocess

from ftp_helpers import ALICE, FtpRoot, retr_bytes, session, start_ftp
from harness import ServerTestCase

HIDDEN = "550 Permission denied: names starting with '.' are hidden."


def curl(*args):
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", *args],
                          capture_output=True, timeout=90)


def dotted_root():
    root = FtpRoot()
    root.write(".env", b"SECRET=1\n")
    os.makedirs(root.path(".git"))
    root.write(".git/config", b"[core]\n")
    root.write("docs/.secret", b"hidden in a subdirectory\n")
    os.makedirs(root.path("docs/.cache/deeper"))
    root.write("docs/.cache/deeper/file", b"deep\n")
    root.write(".muxd-upload-00000000000000ff", b"someone's upload in flight\n")
    return root


def listings(ftp, path=""):
    """Every name the LIST, NLST, MLSD and STAT listings of `path` show."""
    lines = []
    ftp.retrlines(f"LIST {path}".strip(), lines.append)
    names = [line.split(None, 8)[-1] for line in lines]
    names += ftp.nlst(*([path] if path else []))
    names += [name for name, _ in ftp.mlsd(path)]
    status = ftp.sendcmd(f"STAT {path or '.'}").splitlines()[1:-1]
    names += [line.split(None, 8)[-1] for line in status]
    return names


class DotfilesDeniedTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(dotted_root())
        cls.server = cls.start_class_server(start_ftp, cls.root)
        cls.url = f"ftp://{cls.server.host}:{cls.server.port}"
        cls.scratch = cls.class_tempdir(prefix="muxd-ftp-dot-")

    def test_listings_leave_them_out(self):
        with session(self.server) as ftp:
            for path in ("", "/", "docs", "/docs"):
                names = listings(ftp, path)
                self.assertFalse([n for n in names if n.startswith(".")], (path, names))
            self.assertIn("hello.txt", listings(ftp))
            self.assertIn("readme.md", listings(ftp, "docs"))

    def test_every_command_refuses_them(self):
        for user in (("anonymous", "x"), ALICE):
            with session(self.server, *user) as ftp:
                for path in (".env", "/.env", ".git/config", "docs/.secret", "/docs/../.env",
                             "docs/.cache/deeper/file", ".missing"):
                    for verb in ("SIZE", "MDTM", "MLST", "STAT", "DELE", "RNFR"):
                        with self.assertRaises(ftplib.error_perm, msg=f"{verb} {path}") as caught:
                            ftp.sendcmd(f"{verb} {path}")
                        self.assertEqual(str(caught.exception), HIDDEN, f"{verb} {path}")
                    with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=path):
                        retr_bytes(ftp, path)
                for path in (".git", "docs/.cache", "docs/.cache/deeper"):
                    with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=path):
                        ftp.cwd(path)
                    for verb in ("LIST", "NLST", "MLSD"):
                        with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=f"{verb} {path}"):
                            ftp.retrlines(f"{verb} {path}", lambda line: None)
                self.assertEqual(ftp.pwd(), "/")
        self.assertEqual(self.root.read(".env"), b"SECRET=1\n")

    def test_nothing_can_create_them(self):
        with session(self.server, *ALICE) as ftp:
            for name in (".htaccess", "docs/.profile", ".new/file"):
                with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=name):
                    ftp.storbinary(f"STOR {name}", io.BytesIO(b"x"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.storbinary("APPE .env", io.BytesIO(b"more"))
            for name in (".made", "docs/.made"):
                with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=name):
                    ftp.mkd(name)
            ftp.storbinary("STOR visible.txt", io.BytesIO(b"v"))
            for target in (".visible.txt", "docs/.visible.txt"):
                with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=target):
                    ftp.rename("visible.txt", target)
            ftp.delete("visible.txt")
        for name in (".htaccess", "docs/.profile", ".made", "docs/.made", ".visible.txt"):
            self.assertFalse(os.path.exists(self.root.path(name)), name)
        self.assertEqual(self.root.read(".env"), b"SECRET=1\n")

    def test_curl(self):
        self.assertEqual(curl(f"{self.url}/.env").returncode, 78)  # CURLE_REMOTE_FILE_NOT_FOUND
        self.assertEqual(curl(f"{self.url}/docs/.secret").returncode, 78)
        self.assertNotEqual(curl(f"{self.url}/.git/").returncode, 0)  # CWD .git: 550
        listing = curl(f"{self.url}/")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertNotIn(b" .", listing.stdout)
        self.assertIn(b" hello.txt", listing.stdout)
        self.assertEqual(curl("--list-only", f"{self.url}/docs/").stdout.splitlines(), [b"readme.md"])
        local = os.path.join(self.scratch, "up.txt")
        with open(local, "wb") as f:
            f.write(b"upload")
        result = curl("--user", ":".join(ALICE), "-T", local, f"{self.url}/.htaccess")
        self.assertEqual(result.returncode, 25, result.stderr)  # CURLE_UPLOAD_FAILED
        self.assertFalse(os.path.exists(self.root.path(".htaccess")))


class DotfilesAllowedTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(dotted_root())
        cls.server = cls.start_class_server(start_ftp, cls.root, "--dotfiles", "allow")
        cls.url = f"ftp://{cls.server.host}:{cls.server.port}"

    def test_served_like_other_names(self):
        with session(self.server) as ftp:
            names = listings(ftp)
            self.assertIn(".env", names)
            self.assertIn(".git", names)
            self.assertIn(".secret", listings(ftp, "docs"))
            self.assertEqual(retr_bytes(ftp, ".env"), b"SECRET=1\n")
            self.assertEqual(retr_bytes(ftp, "docs/.cache/deeper/file"), b"deep\n")
            ftp.cwd(".git")
            self.assertEqual(ftp.nlst(), ["config"])
        self.assertEqual(curl(f"{self.url}/.git/config").stdout, b"[core]\n")

    def test_upload_temporaries_stay_hidden(self):
        with session(self.server, *ALICE) as ftp:
            self.assertNotIn(".muxd-upload-00000000000000ff", listings(ftp))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.size(".muxd-upload-00000000000000ff")
            ftp.mkd(".made")
            ftp.storbinary("STOR .made/.profile", io.BytesIO(b"p"))
        self.assertEqual(self.root.read(".made/.profile"), b"p")

    def test_bad_value_is_a_usage_error(self):
        result = subprocess.run([self.server.cmd[0], "ftp", "--dotfiles", "maybe"], capture_output=True,
                                timeout=30)
        self.assertEqual(result.returncode, 2, result.stderr)
