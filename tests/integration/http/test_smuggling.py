"""Request smuggling and malformed framing (RFC 9112 §6.1-6.3, §5.1-5.2): refuse, then close.

Every case puts a second request for /smuggled.txt where a confused parser might see one;
its body must never come back.
"""
import unittest

from harness import ServerTestCase
from httpkit import RawConnection, SiteRoot, responses_until_close, start_http

MARKER = b"SMUGGLED-RESPONSE-BODY"
SMUGGLED = "GET /smuggled.txt HTTP/1.1\r\nHost: x\r\n\r\n"


def post(headers, body=SMUGGLED):
    return f"POST /a.txt HTTP/1.1\r\nHost: x\r\n{headers}\r\n{body}"


HEAD_ERRORS = {  # name: (request, allowed statuses)
    "content-length with transfer-encoding": (
        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + SMUGGLED), (400,)),
    "transfer-encoding with content-length": (
        post("Transfer-Encoding: chunked\r\nContent-Length: 40\r\n", "0\r\n\r\n" + SMUGGLED), (400,)),
    "two different content-lengths": (post("Content-Length: 0\r\nContent-Length: 39\r\n"), (400,)),
    "content-length list with different values": (post("Content-Length: 0, 39\r\n"), (400,)),
    "content-length +5": (post("Content-Length: +5\r\n"), (400,)),
    "content-length 0x5": (post("Content-Length: 0x5\r\n"), (400,)),
    "content-length -1": (post("Content-Length: -1\r\n"), (400,)),
    "content-length '5 5'": (post("Content-Length: 5 5\r\n"), (400,)),
    "content-length empty": (post("Content-Length: \r\n"), (400,)),
    "content-length overflow": (post("Content-Length: 184467440737095516160\r\n"), (400, 413)),
    "space before colon": (post("Content-Length : 5\r\n"), (400,)),
    "tab before colon": (post("Content-Length\t: 5\r\n"), (400,)),
    "transfer-encoding gzip": (post("Transfer-Encoding: gzip\r\n"), (400, 501)),
    "transfer-encoding chunked, gzip": (post("Transfer-Encoding: chunked, gzip\r\n"), (400, 501)),
    "transfer-encoding chunked twice": (post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), (400, 501)),
    "transfer-encoding xchunked": (post("Transfer-Encoding: xchunked\r\n"), (400, 501)),
    "transfer-encoding on http/1.0": (
        f"POST /a.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{SMUGGLED}", (400, 501)),
    "obs-fold": (post("X-Folded: a\r\n  b\r\nContent-Length: 0\r\n"), (400,)),
    "obs-fold onto content-length": (post("Content-Length: 0\r\n 39\r\n"), (400,)),
    "space in header name": (post("Content Length: 0\r\n"), (400,)),
    "header without colon": (post("Content-Length 0\r\n"), (400,)),
    "empty header name": (post(": empty\r\n"), (400,)),
    "nul in header value": (post("X-Nul: a\0b\r\n"), (400,)),
    "bare cr in header": (post("X-Cr: a\rContent-Length: 39\r\n"), (400,)),
    "two host headers": ("GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", (400,)),
    "space before the first header": ("GET /a.txt HTTP/1.1\r\n Host: x\r\n\r\n", (400,)),
}

BODY_ERRORS = {  # the head is fine, the chunked body is not
    "chunk size zz": "zz\r\n" + SMUGGLED,
    "chunk size with a sign": "+5\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
    "chunk size overflow": "1" + "0" * 20 + "\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
    "chunk data longer than its size": "3\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
    "chunk without CRLF after data": "5\r\nhelloXX0\r\n\r\n" + SMUGGLED,
    "empty chunk size": "\r\n" + SMUGGLED,
}


class SmugglingTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello", "smuggled.txt": MARKER}))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port

    def responses_until_close(self, request):
        return responses_until_close(self.port, request)

    def check(self, request, statuses, error_first):
        responses, closed = self.responses_until_close(request)
        where = f"request {request!r} -> {[str(r) for r in responses]}"
        self.assertTrue(responses, f"no response at all: {where}")
        error = responses[0] if error_first else responses[-1]
        self.assertIn(error.status, statuses, where)
        self.assertEqual(error.header("Content-Length"), str(len(error.body)), where)
        self.assertTrue(closed, f"the server must close the connection after the error: {where}")
        self.assertLessEqual(len(responses), 2 if not error_first else 1, where)
        for response in responses:
            self.assertNotIn(MARKER, response.body, f"smuggled request answered: {where}")

    def test_malformed_heads_are_refused_and_closed(self):
        for name, (request, statuses) in HEAD_ERRORS.items():
            with self.subTest(name):
                self.check(request, statuses, error_first=True)

    def test_malformed_chunked_bodies_are_refused_and_closed(self):
        for name, body in BODY_ERRORS.items():
            for method in ("GET", "POST"):
                with self.subTest(name, method=method):
                    request = f"{method} /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{body}"
                    # A POST may also be refused (405) and closed without its body being read.
                    statuses = (400,) if method == "GET" else (400, 405)
                    self.check(request, statuses, error_first=False)

    def test_well_framed_body_is_not_a_request(self):
        # Control case: the same bytes correctly framed are a body, skipped, never answered.
        request = post(f"Content-Length: {len(SMUGGLED)}\r\n") + "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
        with RawConnection(self.port) as conn:
            conn.send(request)
            first, second = conn.read_response(), conn.read_response()
            self.assertEqual(first.status, 405, str(first))
            self.assertEqual((second.status, second.body), (200, b"hello"), str(second))
            self.assertFalse(conn.closed_within(0.5))
            self.assertNotIn(MARKER, bytes(conn.buf))

    def test_server_still_answers_after_the_attacks(self):
        for request, _ in HEAD_ERRORS.values():
            self.responses_until_close(request)
        responses, _ = self.responses_until_close("GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual([(r.status, r.body) for r in responses], [(200, b"hello")])


if __name__ == "__main__":
    unittest.main()
