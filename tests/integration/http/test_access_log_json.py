"""--access-log-format json: one JSON object a line, every field escaped (docs/http-operations.md)."""
import json
import os
import unittest

from harness import ServerTestCase
from httpkit import RawConnection, SiteRoot, get, start_http

STOP_BOUND = 20


class AccessLogJsonTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))
        cls.log_path = os.path.join(cls.root.base, "access.log")
        server = cls.start_class_server(start_http, cls.root.path, "--access-log-format", "json",
                                        access_log=cls.log_path)
        port = server.port
        get(port, "/a.txt?x=1", {"Referer": "http://example.test/from", "User-Agent": "agent/1.0"})
        # Header values may hold obs-text (RFC 9110 §5.5): quotes, backslashes, tabs,
        # invalid UTF-8 and valid UTF-8 all reach the log.
        with RawConnection(port) as conn:
            conn.send(b'GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
                      b'User-Agent: a"b\\c\td\xff\xc3\xa9\r\nReferer: x\x80y\r\n\r\n')
            conn.read_response()
        get(port, "/%FF%22missing")
        with RawConnection(port) as conn:  # a malformed request: no request line to log
            conn.send(b"BAD\r\n\r\n")
            conn.read_until_closed()
        cls.status = server.stop(STOP_BOUND)
        with open(cls.log_path, "rb") as f:
            cls.raw = f.read()
        cls.entries = [json.loads(line) for line in cls.raw.decode("utf-8").splitlines()]

    def entry(self, request):
        for entry in self.entries:
            if entry["request"] == request:
                return entry
        self.fail(f"no entry for {request!r} in {self.entries}")

    def test_clean_exit_and_one_object_per_request(self):
        self.assertEqual(self.status, 0)
        self.assertEqual(len(self.entries), 4, self.raw)

    def test_fields(self):
        entry = self.entry("GET /a.txt?x=1 HTTP/1.1")
        self.assertEqual(entry["client"], "127.0.0.1")
        self.assertEqual(entry["status"], 200)
        self.assertEqual(entry["body_bytes"], 5)
        self.assertEqual(entry["referer"], "http://example.test/from")
        self.assertEqual(entry["user_agent"], "agent/1.0")
        self.assertIsNone(entry["user"])
        self.assertRegex(entry["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}$")

    def test_escaping(self):
        entry = next(e for e in self.entries if e["user_agent"] and e["user_agent"].startswith("a\""))
        self.assertEqual(entry["user_agent"], 'a"b\\c\td\\xff\u00e9')
        self.assertEqual(entry["referer"], "x\\x80y")
        self.assertEqual(self.entry("GET /%FF%22missing HTTP/1.1")["status"], 404)

    def test_malformed_request_is_null(self):
        bad = [e for e in self.entries if e["status"] == 400]
        self.assertEqual(len(bad), 1)
        self.assertIsNone(bad[0]["request"])

    def test_raw_log_is_ascii_or_utf8_without_control_bytes(self):
        text = self.raw.decode("utf-8")
        self.assertFalse(any(ord(c) < 0x20 and c != "\n" for c in text))


if __name__ == "__main__":
    unittest.main()
