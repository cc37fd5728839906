"""Files that cannot be served, or that change while being sent."""
import hashlib
import os
import shutil
import unittest

from harness import ServerTestCase
from httpkit import (HANG_BOUND, MIB, RawConnection, SiteRoot, get, start_http, wait_until,
                     write_random_file)

BIG = 40 * MIB


# `muxd http` as nobody, so that permission checks apply even when tests run as root.
DEMOTE = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


class PermissionTest(ServerTestCase):
    """Mode 000 -> 403 (nginx maps EACCES to 403). Root reads everything, so the server runs as nobody."""

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"open.txt": "readable", "locked.txt": "secret",
                                                "closed/inner.txt": "secret"}))
        os.chmod(cls.root.file("locked.txt"), 0)
        os.chmod(cls.root.file("closed"), 0)
        if os.geteuid() != 0:
            cls.server = cls.start_class_server(start_http, cls.root.path)
        elif shutil.which("setpriv"):
            cls.server = cls.start_class_server(start_http, cls.root.path, wrapper=DEMOTE)
        else:
            raise unittest.SkipTest("running as root without setpriv: root can read a mode 000 file")

    def test_readable_file(self):
        response = get(self.server.port, "/open.txt")
        self.assertEqual((response.status, response.body), (200, b"readable"))

    def test_unreadable_file_is_403(self):
        response = get(self.server.port, "/locked.txt")
        self.assertEqual(response.status, 403, str(response))
        self.assertNotIn(b"secret", response.body)
        self.assertEqual(response.header("Content-Length"), str(len(response.body)))

    def test_file_in_unsearchable_directory_is_403(self):
        response = get(self.server.port, "/closed/inner.txt")
        self.assertEqual(response.status, 403, str(response))
        self.assertNotIn(b"secret", response.body)


class ChangingFileTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(SiteRoot({"a.txt": "hello", "nolisting/file.txt": "x"}))
        self.big_path = self.root.file("big.bin")
        self.big_sha = write_random_file(self.big_path, BIG)
        self.server = self.start_server(start_http, self.root.path)

    def start_download(self, read_first=MIB):
        conn = RawConnection(self.server.port, timeout=30)
        conn.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        head = conn.read_head()
        self.assertIn(f"Content-Length: {BIG}".encode(), head)
        conn.read_exactly(read_first)
        return conn, read_first

    def test_truncated_while_sending_closes_the_connection(self):
        conn, already = self.start_download()
        with conn:
            os.truncate(self.big_path, MIB)
            self.assertTrue(conn.closed_within(30), "a response whose file shrank must end with a close")
            rest = conn.after_close
        # Only the length is checked: bytes already handed to the socket by sendfile still reference the
        # page cache, and the kernel may zero them when the file is truncated under them.
        self.assertLess(already + len(rest), BIG, "the client must see a short body, never a complete one")
        response = get(self.server.port, "/a.txt")
        self.assertEqual((response.status, response.body), (200, b"hello"), "the server still answers")

    def test_unlinked_while_sending_completes(self):
        conn, already = self.start_download(0)
        with conn:
            os.unlink(self.big_path)
            body = conn.read_exactly(BIG)
        self.assertEqual(hashlib.sha256(body).hexdigest(), self.big_sha)
        gone = wait_until(lambda: get(self.server.port, "/big.bin").status == 404, timeout=5)
        self.assertTrue(gone, "an unlinked file is still served after 5 s")

    def test_directory_without_index_is_not_listed(self):
        response = get(self.server.port, "/nolisting/")
        self.assertIn(response.status, (403, 404), str(response))
        self.assertNotIn(b"file.txt", response.body)

    def test_fifo_does_not_hang_the_server(self):
        os.mkfifo(self.root.file("pipe"))
        with RawConnection(self.server.port, timeout=HANG_BOUND) as conn:
            conn.send("GET /pipe HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                response = conn.read_response()
            except TimeoutError:
                self.fail("GET of a FIFO hung (opened without O_NONBLOCK, or read from?)")
        self.assertIn(response.status, (403, 404), f"a FIFO is not a file to serve: {response}")
        self.assertEqual(get(self.server.port, "/a.txt").status, 200)


if __name__ == "__main__":
    unittest.main()
