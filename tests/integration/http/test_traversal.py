"""Path traversal: nothing outside the document root is ever served.

Requests are sent as raw bytes, because http.client and curl normalise paths.
"""
import os
import unittest

from harness import ServerTestCase
from httpkit import SiteRoot, exchange, start_http

SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
SECRET_DIR = b"SECRET-IN-A-DIRECTORY-OUTSIDE"
PASSWD_MARKER = b"root:x:0:0"

ESCAPES = [
    "/../etc/passwd",
    "/../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2e/",
    "/%2e%2e/secret.txt",
    "/.%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2f..%2fetc/passwd",
    "/a/..%5c..%5cetc/passwd",
    "/..\\..\\etc/passwd",
    "/..\\secret.txt",
    "/sub/../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt",
    "/..",
    "/../",
    "/%00",
    "/index.html%00.txt",
    "/a.txt%00",
    "/%2e%2e%00/secret.txt",
    "/etc/passwd",
    "/link_passwd",
    "/link_secret",
    "/link_dir/secret.txt",
    "/link_dir/",
    "/sub/link_up/secret.txt",
]
INSIDE = {
    "/a.txt": b"inside-a",
    "//a.txt": b"inside-a",
    "/sub/../a.txt": b"inside-a",
    "/./a.txt": b"inside-a",
    "/sub/./b.txt": b"inside-b",
    "/sub//b.txt": b"inside-b",
    "/sub/%2e%2e/a.txt": b"inside-a",
    "/%61.txt": b"inside-a",
    "/link_ok": b"inside-a",
    "/link_sub/b.txt": b"inside-b",
}


class TraversalTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "inside-a", "sub/b.txt": "inside-b",
                                                "index.html": "<title>i</title>"}))
        base, root = cls.root.base, cls.root.path
        with open(os.path.join(base, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.mkdir(os.path.join(base, "outside"))
        with open(os.path.join(base, "outside", "secret.txt"), "wb") as f:
            f.write(SECRET_DIR)
        os.symlink("/etc/passwd", os.path.join(root, "link_passwd"))
        os.symlink("../secret.txt", os.path.join(root, "link_secret"))
        os.symlink("../outside", os.path.join(root, "link_dir"))
        os.symlink("../../outside", os.path.join(root, "sub", "link_up"))
        os.symlink("a.txt", os.path.join(root, "link_ok"))
        os.symlink("sub", os.path.join(root, "link_sub"))
        cls.server = cls.start_class_server(start_http, root)
        cls.port = cls.server.port

    def send(self, target, host="127.0.0.1"):
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1")
        response, _ = exchange(self.port, request)
        return request, response

    def assert_refused(self, request, response):
        where = f"request {request!r} -> {response}"
        self.assertIn(response.status, (400, 403, 404), where)
        for marker in (SECRET, SECRET_DIR, PASSWD_MARKER):
            self.assertNotIn(marker, response.body, where)

    def test_escapes_are_refused(self):
        for target in ESCAPES:
            with self.subTest(target=target):
                self.assert_refused(*self.send(target))

    def test_escapes_in_absolute_form(self):
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/link_secret"):
            with self.subTest(path=path):
                self.assert_refused(*self.send(f"http://127.0.0.1:{self.port}{path}"))

    def test_paths_that_stay_inside_are_served(self):
        for target, body in INSIDE.items():
            with self.subTest(target=target):
                request, response = self.send(target)
                self.assertEqual((response.status, response.body), (200, body), f"{request!r} -> {response}")

    def test_server_still_serves_after_the_attempts(self):
        for target in ESCAPES:
            self.send(target)
        request, response = self.send("/a.txt")
        self.assertEqual(response.status, 200)


if __name__ == "__main__":
    unittest.main()
