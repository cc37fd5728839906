"""muxd ftp driven by curl: listing, downloads over EPSV and PASV, uploads."""
import os
import subprocess
import unittest

from ftp_helpers import ALICE, FtpRoot, file_md5, md5, start_ftp
from harness import ServerTestCase


def curl(*args):
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", *args],
                          capture_output=True, timeout=90)


class CurlTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)
        cls.url = f"ftp://{cls.server.host}:{cls.server.port}"
        cls.scratch = cls.class_tempdir(prefix="muxd-ftp-curl-")

    def test_list(self):
        result = curl(f"{self.url}/")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.decode().splitlines()  # curl turns the listing's CRLF into LF
        self.assertTrue(any(line.endswith(" hello.txt") for line in lines))
        self.assertTrue(any(line.endswith(" 名字 with spaces.txt") for line in lines))
        self.assertTrue(any(line.startswith("d") and line.endswith(" docs") for line in lines))

    def test_names_only(self):
        result = curl("--list-only", f"{self.url}/docs/")
        self.assertEqual(result.stdout.splitlines(), [b"readme.md"])

    def test_download_with_epsv(self):
        result = curl(f"{self.url}/random.bin")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(md5(result.stdout), md5(self.root.read("random.bin")))

    def test_download_with_pasv(self):
        result = curl("--disable-epsv", f"{self.url}/random.bin")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(md5(result.stdout), md5(self.root.read("random.bin")))

    def test_download_with_active_mode(self):
        result = curl("--ftp-port", "127.0.0.1", f"{self.url}/hello.txt")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"hello, world\n")

    def test_ranged_download(self):
        result = curl("--range", "1000-1999", f"{self.url}/random.bin")
        self.assertEqual(result.stdout, self.root.read("random.bin")[1000:2000])

    def test_missing_file_fails(self):
        result = curl(f"{self.url}/missing.bin")
        self.assertNotEqual(result.returncode, 0)

    def test_anonymous_upload_is_refused(self):
        # Anonymous users are read-only without --anonymous-write (test_anonymous_access.py).
        local = os.path.join(self.scratch, "curl-up.bin")
        with open(local, "wb") as f:
            f.write(os.urandom(150_000))
        result = curl("-T", local, f"{self.url}/docs/")
        self.assertEqual(result.returncode, 25, result.stderr)  # CURLE_UPLOAD_FAILED
        self.assertIn(b"550", result.stderr)
        self.assertFalse(os.path.exists(self.root.path("docs/curl-up.bin")))
        self.assertEqual(self.root.leftovers(), [])

    def test_upload_as_user_overwrites(self):
        local = os.path.join(self.scratch, "user-up.txt")
        for content in (b"one", b"two"):
            with open(local, "wb") as f:
                f.write(content)
            result = curl("--user", ":".join(ALICE), "-T", local, f"{self.url}/user-up.txt")
            self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.root.read("user-up.txt"), b"two")
        self.assertEqual(self.root.leftovers(), [])


if __name__ == "__main__":
    unittest.main()
