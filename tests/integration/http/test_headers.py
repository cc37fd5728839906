"""Response fields: `--header 'Name: value'` (repeatable; CR/LF/NUL and bad
names refused at start-up with status 2), `--cors ORIGIN|*` (preflight 204,
Access-Control-Allow-Origin, Vary: Origin for one origin), Cache-Control
defaults (HTML no-cache, other files public, max-age=3600) and
`--cache-control`. Also the positional DIR and its clash with --root."""
import http.client
import os
import unittest

from harness import ServerTestCase, run_muxd
from httpkit import SiteRoot, curl, get, start_http

FILES = {"index.html": "<p>hi</p>", "app.js": "let a = 1;", "data/x.json": "{}", "img.png": b"\x89PNG"}
ORIGIN = "https://app.example"


def client(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)


class ExtraHeadersAndCacheControl(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, None, cls.root.path, "--header", "X-Frame-Options: DENY",
                                            "--header", "Referrer-Policy:  no-referrer ")

    def test_every_response_has_the_headers(self):
        for path in ("/", "/app.js", "/missing", "/data"):
            with self.subTest(path=path):
                r = get(self.server.port, path)
                self.assertEqual(r.header("X-Frame-Options"), "DENY")
                self.assertEqual(r.header("Referrer-Policy"), "no-referrer")

    def test_default_cache_control_per_type(self):
        conn = client(self.server.port)
        for path, expected in (("/", "no-cache"), ("/index.html", "no-cache"), ("/app.js", "public, max-age=3600"),
                               ("/data/x.json", "public, max-age=3600"), ("/img.png", "public, max-age=3600")):
            with self.subTest(path=path):
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                self.assertEqual((r.status, r.getheader("Cache-Control")), (200, expected))
        conn.close()

    def test_304_repeats_cache_control_and_errors_have_none(self):
        etag = get(self.server.port, "/app.js").header("ETag")
        r = get(self.server.port, "/app.js", {"If-None-Match": etag})
        self.assertEqual((r.status, r.header("Cache-Control")), (304, "public, max-age=3600"))
        self.assertIsNone(get(self.server.port, "/missing").header("Cache-Control"))

    def test_curl_sees_them(self):
        out = curl("-sI", f"http://127.0.0.1:{self.server.port}/app.js").stdout.decode()
        self.assertIn("X-Frame-Options: DENY\r\n", out)
        self.assertIn("Cache-Control: public, max-age=3600\r\n", out)


class CacheControlFlag(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--cache-control", "no-store")

    def test_one_value_for_everything(self):
        for path in ("/", "/app.js", "/img.png"):
            with self.subTest(path=path):
                self.assertEqual(get(self.server.port, path).header("Cache-Control"), "no-store")


class CorsOneOrigin(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--cors", ORIGIN)

    def test_preflight(self):
        conn = client(self.server.port)
        conn.request("OPTIONS", "/app.js", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                   "Access-Control-Request-Headers": "range, x-request-id"})
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (204, b""))
        self.assertEqual(r.getheader("Access-Control-Allow-Origin"), ORIGIN)
        self.assertEqual(r.getheader("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS")
        self.assertEqual(r.getheader("Access-Control-Allow-Headers"), "range, x-request-id")
        self.assertEqual(r.getheader("Access-Control-Max-Age"), "7200")
        self.assertIn("Origin", r.getheader("Vary"))
        # the connection stays usable after a 204 without a body
        conn.request("GET", "/app.js", headers={"Origin": ORIGIN})
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (200, b"let a = 1;"))
        self.assertEqual(r.getheader("Access-Control-Allow-Origin"), ORIGIN)
        self.assertEqual(r.getheader("Vary"), "Origin")
        conn.close()

    def test_other_origins_get_no_allow_origin_but_vary(self):
        for origin in ("https://evil.example", "https://app.example.evil", "null"):
            with self.subTest(origin=origin):
                r = get(self.server.port, "/app.js", {"Origin": origin})
                self.assertEqual(r.status, 200)
                self.assertIsNone(r.header("Access-Control-Allow-Origin"))
                self.assertIn("origin", r.tokens("Vary"))
        r = get(self.server.port, "/app.js")
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))

    def test_plain_options_is_not_a_preflight(self):
        r = get(self.server.port, "/app.js", {"Origin": ORIGIN}, method="OPTIONS")
        self.assertEqual(r.status, 200)
        self.assertIn("GET", r.header("Allow"))

    def test_errors_carry_cors_too(self):
        r = get(self.server.port, "/missing", {"Origin": ORIGIN})
        self.assertEqual((r.status, r.header("Access-Control-Allow-Origin")), (404, ORIGIN))

    def test_injection_in_request_headers_is_not_echoed(self):
        r = get(self.server.port, "/app.js", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "a b, <x>"}, method="OPTIONS")
        self.assertEqual(r.status, 204)
        self.assertIsNone(r.header("Access-Control-Allow-Headers"))


class CorsAnyOrigin(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--cors", "*")

    def test_star_without_vary(self):
        out = curl("-si", "-H", "Origin: https://x.example", f"http://127.0.0.1:{self.server.port}/app.js").stdout
        self.assertIn(b"Access-Control-Allow-Origin: *\r\n", out)
        self.assertNotIn(b"Vary: Origin", out)
        out = curl("-si", "-X", "OPTIONS", "-H", "Origin: https://x.example", "-H",
                   "Access-Control-Request-Method: GET", f"http://127.0.0.1:{self.server.port}/app.js").stdout
        self.assertTrue(out.startswith(b"HTTP/1.1 204 No Content\r\n"), out)
        self.assertIn(b"Access-Control-Allow-Origin: *\r\n", out)


class StartupRefusals(unittest.TestCase):
    def refused(self, *args):
        with SiteRoot(FILES) as root:
            result = run_muxd("http", "--listen", "127.0.0.1:0", root.path, *args, timeout=20)
        self.assertEqual(result.returncode, 2, result.stderr)
        return result.stderr

    def test_header_injection_and_bad_names(self):
        for value in ("X-A: b\r\nSet-Cookie: x=1", "X-A: b\nc", "X-A: b\rc", "Bad Name: x", "X(A): y", "NoColon",
                      "Content-Length: 5", "Transfer-Encoding: chunked"):
            with self.subTest(value=value):
                self.assertIn("--header", self.refused("--header", value))

    def test_bad_cors_and_cache_control(self):
        self.assertIn("--cors", self.refused("--cors", "https://a.example/path"))
        self.assertIn("--cache-control", self.refused("--cache-control", "max-age=1\r\nX: y"))

    def test_dir_and_root_together(self):
        with SiteRoot(FILES) as root:
            result = run_muxd("http", root.path, "--root", root.path, "--listen", "127.0.0.1:0", timeout=20)
        self.assertEqual(result.returncode, 2)
        self.assertIn("DIR", result.stderr)
        self.assertIn("--root", result.stderr)

    def test_missing_dir(self):
        result = run_muxd("http", "/nonexistent/dir", "--listen", "127.0.0.1:0", timeout=20)
        self.assertEqual(result.returncode, 2)


class PositionalDir(ServerTestCase):
    def test_dir_is_served(self):
        root = self.use_resource(SiteRoot({"only-here.txt": "positional"}))
        server = self.start_server(start_http, None, root.path)
        self.assertEqual(get(server.port, "/only-here.txt").body, b"positional")

    def test_relative_dir(self):
        root = self.use_resource(SiteRoot({"rel.txt": "relative"}))
        server = self.start_server(start_http, None, "root", cwd=root.base)
        self.assertEqual(get(server.port, "/rel.txt").body, b"relative")


if __name__ == "__main__":
    unittest.main()
