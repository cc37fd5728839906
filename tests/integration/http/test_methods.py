"""Methods: a static server supports GET, HEAD and OPTIONS; others are refused clearly."""
import unittest

from harness import ServerTestCase
from httpkit import RawConnection, SiteRoot, curl, exchange, start_http

ALLOWED = {"get", "head", "options"}


class MethodsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello", "dir/index.html": "<title>d</title>"}))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port

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

    def test_expect_100_continue(self):
        # RFC 9110 §10.1.1: a 1.1 client may wait for "100 Continue" before sending the body; the server
        # answers either 100 (then the final status once the body came) or the final status at once.
        with RawConnection(self.port) as conn:
            conn.send("POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            response = conn.read_response("POST")
            if response.status == 100:
                conn.send("hello")
                response = conn.read_response("POST")
            self.assertEqual(response.status, 405, str(response))

    def test_expect_100_continue_is_ignored_for_http10(self):
        # RFC 9110 §10.1.1: an HTTP/1.0 request's 100-continue expectation MUST be ignored (no 100).
        with RawConnection(self.port) as conn:
            conn.send("POST /a.txt HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello")
            response = conn.read_response("POST")
            self.assertEqual(response.status, 405, str(response))

    def test_curl_post_with_expect(self):
        body = "x" * 2048
        result = curl("-X", "POST", "-H", "Expect: 100-continue", "--data-binary", body,
                      "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{self.port}/a.txt", timeout=20)
        self.assertEqual(result.stdout, b"405", result.stderr)

    def test_methods_on_missing_files_and_directories(self):
        request, response = self.request("DELETE", "/missing.txt")
        self.assert_short_error(request, response, (404, 405))
        request, response = self.request("POST", "/dir/")
        self.assert_short_error(request, response, (405,))
        request, response = self.request("OPTIONS", "/missing.txt")
        self.assertIn(response.status, (200, 204, 404), str(response))

    def test_lowercase_method_is_not_get(self):
        # Methods are case-sensitive (RFC 9110 §9.1): "get" is an unknown method.
        request, response = self.request("get", "/a.txt")
        self.assertNotEqual(response.status, 200, f"{request!r} -> {response}")
        self.assert_short_error(request, response, (400, 405, 501))


if __name__ == "__main__":
    unittest.main()
