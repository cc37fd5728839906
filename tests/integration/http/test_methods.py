"""Methods: a static server supports GET, HEAD and OPTIONS; others are refused clearly."""
import unittest

from httpkit import SiteRoot, exchange, start_http

ALLOWED = {"get", "head", "options"}


class MethodsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = SiteRoot({"a.txt": "hello", "dir/index.html": "<title>d</title>"})
        cls.server = start_http(cls.root.path)
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.root.cleanup()

    def request(self, method, target, body=b""):
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        request = head.encode() + b"\r\n" + body
        response, _ = exchange(self.port, request, method)
        return request, response

    def assert_short_error(self, request, response, statuses):
        where = f"request {request!r} -> {response}"
        self.assertIn(response.status, statuses, where)
        self.assertEqual(response.header("Content-Length"), str(len(response.body)), where)
        self.assertTrue(0 < len(response.body) <= 1024, where)

    def assert_allow(self, response, where):
        self.assertTrue(ALLOWED <= set(response.tokens("allow")), f"Allow must list GET, HEAD, OPTIONS: {where}")

    def test_options_on_a_file(self):
        request, response = self.request("OPTIONS", "/a.txt")
        self.assertIn(response.status, (200, 204), str(response))
        self.assert_allow(response, str(response))
        if response.status == 204:
            self.assertEqual(response.body, b"")

    def test_options_asterisk(self):
        request, response = self.request("OPTIONS", "*")
        self.assertIn(response.status, (200, 204), f"{request!r} -> {response}")
        self.assert_allow(response, str(response))

    def test_unsupported_methods_on_a_file_are_405(self):
        for method, body in (("POST", b"x=1"), ("PUT", b"new content"), ("DELETE", b"")):
            with self.subTest(method=method):
                request, response = self.request(method, "/a.txt", body)
                self.assert_short_error(request, response, (405,))
                self.assert_allow(response, str(response))

    def test_put_does_not_change_the_file(self):
        self.request("PUT", "/a.txt", b"overwritten")
        self.request("DELETE", "/a.txt")
        with open(self.root.file("a.txt"), "rb") as f:
            self.assertEqual(f.read(), b"hello")

    def test_unknown_method_is_501(self):
        for method in ("BREW", "PROPFIND", "FOO-BAR"):
            with self.subTest(method=method):
                request, response = self.request(method, "/a.txt")
                self.assert_short_error(request, response, (501,))

    def test_trace_is_never_echoed(self):
        request, response = self.request("TRACE", "/a.txt")
        self.assert_short_error(request, response, (405, 501))
        self.assertNotIn(b"TRACE /a.txt", response.body)

    def test_lowercase_method_is_not_get(self):
        # Methods are case-sensitive (RFC 9110 §9.1): "get" is an unknown method.
        request, response = self.request("get", "/a.txt")
        self.assertNotEqual(response.status, 200, f"{request!r} -> {response}")
        self.assert_short_error(request, response, (400, 405, 501))


if __name__ == "__main__":
    unittest.main()
