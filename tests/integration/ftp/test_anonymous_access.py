"""Anonymous users are read-only unless the server runs with --anonymous-write
(pyftpdlib's -w): then they have a named user's rights. Named users keep
theirs either way, and --read-only still holds for everyone. Checked with
ftplib and with curl -T; the start-up line says which mode is on."""
import ftplib
import io
import os
import subprocess

from ftp_helpers import ALICE, FtpRoot, retr_bytes, session, start_ftp
from harness import ServerTestCase, wait_until


def says(server, text):
    """Whether `text` appears on the server's stderr within 10 s (start-up notes
    follow the listening line the harness waits for)."""
    return wait_until(lambda: text in server.stderr(), timeout=10)


def curl(*args):
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", *args],
                          capture_output=True, timeout=90)


class AnonymousReadOnlyByDefaultTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)
        cls.url = f"ftp://{cls.server.host}:{cls.server.port}"
        cls.scratch = cls.class_tempdir(prefix="muxd-ftp-anon-")

    def test_start_up_line_says_read_only(self):
        self.assertTrue(says(self.server, "muxd ftp: anonymous users are read-only "
                                          "(--anonymous-write to allow uploads)"), self.server.stderr())

    def test_stor_mkd_dele_are_refused(self):
        with session(self.server) as ftp:
            with self.assertRaisesRegex(ftplib.error_perm, "^550 Permission denied"):
                ftp.storbinary("STOR new.bin", io.BytesIO(b"data"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.mkd("new-dir")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.delete("hello.txt")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.storbinary("APPE hello.txt", io.BytesIO(b"more"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.sendcmd("RNFR hello.txt")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.rmd("docs")
            self.assertEqual(retr_bytes(ftp, "hello.txt"), b"hello, world\n")  # reading is fine
            facts = dict(ftp.mlsd())
            self.assertEqual(facts["hello.txt"]["perm"], "r")
        self.assertFalse(os.path.exists(self.root.path("new.bin")))
        self.assertFalse(os.path.exists(self.root.path("new-dir")))
        self.assertEqual(self.root.read("hello.txt"), b"hello, world\n")
        self.assertEqual(self.root.leftovers(), [])

    def test_curl_upload_is_refused(self):
        local = os.path.join(self.scratch, "curl-up.bin")
        with open(local, "wb") as f:
            f.write(os.urandom(100_000))
        result = curl("-T", local, f"{self.url}/")
        self.assertEqual(result.returncode, 25, result.stderr)  # CURLE_UPLOAD_FAILED
        self.assertIn(b"550", result.stderr)
        result = curl("--ftp-create-dirs", "-T", local, f"{self.url}/made/by/curl/")
        self.assertNotEqual(result.returncode, 0)
        self.assertFalse(os.path.exists(self.root.path("curl-up.bin")))
        self.assertFalse(os.path.exists(self.root.path("made")))
        self.assertEqual(self.root.leftovers(), [])

    def test_named_user_keeps_its_rights(self):
        with session(self.server, *ALICE) as ftp:
            ftp.storbinary("STOR alice.bin", io.BytesIO(b"mine"))
            ftp.mkd("alice-dir")
            ftp.delete("alice.bin")
            ftp.rmd("alice-dir")
        local = os.path.join(self.scratch, "alice-curl.txt")
        with open(local, "wb") as f:
            f.write(b"by curl")
        result = curl("--user", ":".join(ALICE), "-T", local, f"{self.url}/")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.root.read("alice-curl.txt"), b"by curl")


class AnonymousWriteTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root, "--anonymous-write")
        cls.url = f"ftp://{cls.server.host}:{cls.server.port}"
        cls.scratch = cls.class_tempdir(prefix="muxd-ftp-anon-")

    def test_start_up_line_says_writable(self):
        self.assertTrue(says(self.server, "muxd ftp: anonymous users may upload, create and delete "
                                          "(--anonymous-write)"), self.server.stderr())

    def test_stor_mkd_dele_work(self):
        payload = os.urandom(200_000)
        with session(self.server) as ftp:
            ftp.storbinary("STOR anon-upload.bin", io.BytesIO(payload))
            self.assertEqual(ftp.size("anon-upload.bin"), len(payload))
            ftp.mkd("anon-dir")
            ftp.storbinary("STOR anon-dir/second.txt", io.BytesIO(b"second"))
            ftp.storbinary("STOR anon-dir/second.txt", io.BytesIO(b"replaced"))  # a named user's rights
            ftp.rename("anon-dir/second.txt", "anon-dir/third.txt")
            ftp.delete("anon-dir/third.txt")
            ftp.rmd("anon-dir")
            self.assertEqual(dict(ftp.mlsd())["anon-upload.bin"]["perm"], "adfrw")
        self.assertEqual(self.root.read("anon-upload.bin"), payload)
        self.assertFalse(os.path.exists(self.root.path("anon-dir")))
        with session(self.server) as ftp:
            ftp.delete("anon-upload.bin")
        self.assertFalse(os.path.exists(self.root.path("anon-upload.bin")))
        self.assertEqual(self.root.leftovers(), [])

    def test_curl_upload_works(self):
        local = os.path.join(self.scratch, "curl-up.bin")
        with open(local, "wb") as f:
            f.write(os.urandom(150_000))
        result = curl("--ftp-create-dirs", "-T", local, f"{self.url}/made/by/curl/")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(local, "rb") as f:
            self.assertEqual(self.root.read("made/by/curl/curl-up.bin"), f.read())
        self.assertEqual(self.root.leftovers(), [])


class ReadOnlyWinsTest(ServerTestCase):
    def test_read_only_overrides_anonymous_write(self):
        root = self.use_resource(FtpRoot())
        server = self.start_server(start_ftp, root, "--anonymous-write", "--read-only")
        self.assertTrue(says(server, "muxd ftp: read-only for everyone"), server.stderr())
        with session(server) as ftp:
            with self.assertRaisesRegex(ftplib.error_perm, "^550 Permission denied: the server is read-only"):
                ftp.storbinary("STOR x", io.BytesIO(b"x"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.mkd("d")
        self.assertFalse(os.path.exists(root.path("x")))

    def test_no_anonymous_says_so(self):
        root = self.use_resource(FtpRoot())
        server = self.start_server(start_ftp, root, "--no-anonymous")
        self.assertTrue(says(server, "muxd ftp: anonymous logins are refused (--no-anonymous)"), server.stderr())
