"""The access log: one Combined Log Format line per request, to a file, stdout, or nowhere."""
import os
import re
import subprocess
import tempfile
import unittest

from harness import ServerTestCase
from httpkit import SiteRoot, curl, get, start_http

# host ident authuser [date] "request" status bytes "referer" "user-agent"
QUOTED = r'"((?:[^"\\]|\\.)*)"'
COMBINED = re.compile(r'^(\S+) (\S+) (\S+) \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] '
                      + QUOTED + r" (\d{3}) (\d+|-) " + QUOTED + " " + QUOTED + "$")
STOP_BOUND = 20


def parse(line):
    match = COMBINED.match(line)
    if not match:
        return None
    host, ident, user, date, request, status, size, referer, agent = match.groups()
    return {"host": host, "ident": ident, "user": user, "date": date, "request": request,
            "status": int(status), "bytes": size, "referer": referer, "agent": agent}


class AccessLogFileTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello", "404.html": "<title>nf</title>"}))
        cls.log_path = os.path.join(cls.root.base, "access.log")
        server = cls.start_class_server(start_http, cls.root.path, access_log=cls.log_path)
        port = server.port
        cls.curl = curl(f"http://127.0.0.1:{port}/a.txt")
        get(port, "/a.txt?x=1", {"Referer": "http://example.test/from", "User-Agent": "agent/1.0 (test)"})
        get(port, "/missing", {"User-Agent": "agent/2.0"})
        get(port, "/a.txt", {"User-Agent": 'evil" 200 5 "-" "forged'}, method="HEAD")
        get(port, "/a.txt", {"User-Agent": "plain"}, version="HTTP/1.0")
        cls.status = server.stop(STOP_BOUND)
        with open(cls.log_path, encoding="utf-8", errors="replace") as f:
            cls.lines = f.read().splitlines()

    def entry(self, request_line):
        """The parsed line of a request (workers log independently: lines may come in any order)."""
        for line in self.lines:
            parsed = parse(line)
            self.assertIsNotNone(parsed, f"not Combined Log Format: {line!r}")
            if parsed["request"] == request_line:
                return parsed
        self.fail(f"no line for {request_line!r} in {self.lines}")

    def line_of(self, request_line):
        return next(line for line in self.lines if f'"{request_line}"' in line)

    def test_clean_exit(self):
        self.assertEqual(self.status, 0)

    def test_one_line_per_request(self):
        self.assertEqual(len(self.lines), 5, "\n".join(self.lines))

    def test_curl_line(self):
        self.assertEqual(self.curl.returncode, 0, self.curl.stderr)
        entry = self.entry("GET /a.txt HTTP/1.1")
        self.assertEqual((entry["host"], entry["ident"], entry["user"]), ("127.0.0.1", "-", "-"))
        self.assertRegex(entry["date"], r" \+0000$")
        self.assertEqual(entry["request"], "GET /a.txt HTTP/1.1")
        self.assertEqual((entry["status"], entry["bytes"], entry["referer"]), (200, "5", "-"))
        self.assertRegex(entry["agent"], r"^curl/\d")
        self.assertRegex(self.line_of("GET /a.txt HTTP/1.1"), r'^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                                        r'"GET /a\.txt HTTP/1\.1" 200 5 "-" "curl/[^"]+"$')

    def test_request_is_logged_as_sent_with_referer_and_agent(self):
        entry = self.entry("GET /a.txt?x=1 HTTP/1.1")
        self.assertEqual(entry["referer"], "http://example.test/from")
        self.assertEqual(entry["agent"], "agent/1.0 (test)")

    def test_not_found_logs_the_body_size(self):
        entry = self.entry("GET /missing HTTP/1.1")
        self.assertEqual(entry["status"], 404)
        self.assertEqual(entry["bytes"], str(len("<title>nf</title>")))

    def test_head_sends_no_body_and_quotes_are_escaped(self):
        entry = self.entry("HEAD /a.txt HTTP/1.1")
        self.assertEqual(entry["status"], 200)
        self.assertIn(entry["bytes"], ("0", "-"))
        self.assertNotEqual(entry["agent"], "forged", "a quote in a header must not forge log fields")
        self.assertIn("forged", entry["agent"])

    def test_http10_request_line(self):
        entry = self.entry("GET /a.txt HTTP/1.0")
        self.assertEqual((entry["status"], entry["bytes"]), (200, "5"))


class AccessLogDestinationTest(ServerTestCase):
    def run_server(self, *log_args):
        """Serves two requests; returns (stdout bytes, files created in the working directory, exit status)."""
        with SiteRoot({"a.txt": "hello"}) as root, tempfile.TemporaryDirectory() as cwd:
            server = start_http(root.path, *log_args, access_log=None, stdout=subprocess.PIPE, cwd=cwd)
            try:
                get(server.port, "/a.txt")
                get(server.port, "/nope")
            finally:
                status = server.stop(STOP_BOUND)
            out = server.proc.stdout.read()
            server.proc.stdout.close()
            return out, os.listdir(cwd), status

    def test_off_writes_nothing(self):
        out, files, status = self.run_server("--access-log", "off")
        self.assertEqual((out, files, status), (b"", [], 0))

    def test_dash_writes_to_stdout(self):
        out, _, status = self.run_server("--access-log", "-")
        lines = out.decode().splitlines()
        self.assertEqual(status, 0)
        self.assertEqual(sorted(parse(line)["request"] if parse(line) else line for line in lines),
                         ["GET /a.txt HTTP/1.1", "GET /nope HTTP/1.1"])

    def test_stdout_is_the_default(self):
        out, files, _ = self.run_server()
        self.assertEqual(len(out.decode().splitlines()), 2, out)
        self.assertEqual(files, [])


if __name__ == "__main__":
    unittest.main()
