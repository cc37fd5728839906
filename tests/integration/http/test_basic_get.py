"""GET and HEAD of static files: status, body, and the headers a browser relies on."""
import email.utils
import http.client
import os
import re
import time
import unittest
import urllib.parse

from harness import ServerTestCase
from httpkit import SOURCE_DIR, RawConnection, SiteRoot, exchange, get, start_http, wait_until

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a8f9b7e50000000049454e44ae426082")
WASM = b"\0asm\x01\0\0\0"
FILES = {
    "a.txt": "hello",
    "index.html": "<!doctype html><title>root index</title>",
    "page.html": "<!doctype html><title>page</title>",
    "style.css": "body { color: red }",
    "app.js": "console.log(1);",
    "pixel.png": PNG,
    "logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "module.wasm": WASM,
    "data.unknownext": b"\x01\x02",
    "noextension": b"\x03",
    "empty.txt": b"",
    "hello world.txt": "spaced",
    "\u4f60\u597d.txt": "utf-8 name",
    "dir/index.html": "<!doctype html><title>dir index</title>",
    "dir/inner.txt": "inner",
}
FIXED_MTIME = 1577934245  # Thu, 02 Jan 2020 03:04:05 GMT
IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d\d:\d\d:\d\d GMT$")


def normalise_media_type(value):
    """'text/html;charset=UTF-8' -> 'text/html; charset=utf-8' so equivalent spellings compare equal."""
    parts = [p.strip().lower().replace('"', "") for p in (value or "").split(";")]
    return "; ".join(p for p in parts if p)


class BasicGetTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        os.utime(cls.root.file("a.txt"), (FIXED_MTIME, FIXED_MTIME))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port

    def fetch(self, path, method="GET", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def test_get_file_body_and_length(self):
        response, body = self.fetch("/a.txt")
        self.assertEqual(response.status, 200)
        self.assertEqual(body, b"hello")
        self.assertEqual(response.getheader("Content-Length"), "5")

    def test_standard_headers(self):
        response, _ = self.fetch("/a.txt")
        date = response.getheader("Date")
        self.assertRegex(date or "", IMF_FIXDATE, "Date must be an IMF-fixdate (RFC 9110 §5.6.7)")
        skew = abs(email.utils.parsedate_to_datetime(date).timestamp() - time.time())
        self.assertLess(skew, 3600, f"Date {date} is not the current time")
        self.assertTrue(response.getheader("Server"), "a Server header is expected")
        self.assertEqual(response.getheader("Last-Modified"), "Thu, 02 Jan 2020 03:04:05 GMT")
        self.assertEqual(response.getheader("Accept-Ranges"), "bytes")
        etag = response.getheader("ETag") or ""
        self.assertRegex(etag, r'^"[\x21\x23-\x7e]+"$', "a strong, quoted ETag (RFC 9110 §8.8.3)")

    def test_etag_is_stable_and_changes_with_the_file(self):
        first = self.fetch("/page.html")[0].getheader("ETag")
        self.assertEqual(self.fetch("/page.html")[0].getheader("ETag"), first)
        with open(self.root.file("page.html"), "a") as f:
            f.write("<!-- changed -->")
        os.utime(self.root.file("page.html"), (FIXED_MTIME + 7, FIXED_MTIME + 7))
        # An open-file cache (one per worker) may serve the old version for about a second, like nginx's
        # open_file_cache; the first response with the new body must carry a new ETag.
        def fetch_changed():
            response, body = self.fetch("/page.html")
            return response if body.endswith(b"<!-- changed -->") else None
        changed = wait_until(fetch_changed, timeout=5)
        self.assertIsNotNone(changed, "the changed file is not served within 5 s")
        self.assertNotEqual(changed.getheader("ETag"), first)

    def test_content_types(self):
        expected = {
            "/index.html": {"text/html; charset=utf-8"},
            "/a.txt": {"text/plain; charset=utf-8", "text/plain"},
            "/style.css": {"text/css; charset=utf-8", "text/css"},
            "/app.js": {"text/javascript; charset=utf-8", "application/javascript; charset=utf-8",
                        "text/javascript", "application/javascript"},
            "/pixel.png": {"image/png"},
            "/logo.svg": {"image/svg+xml", "image/svg+xml; charset=utf-8"},
            "/module.wasm": {"application/wasm"},
            "/data.unknownext": {"application/octet-stream"},
            "/noextension": {"application/octet-stream"},
        }
        for path, allowed in expected.items():
            with self.subTest(path=path):
                response, _ = self.fetch(path)
                self.assertEqual(response.status, 200)
                self.assertIn(normalise_media_type(response.getheader("Content-Type")), allowed)

    def test_head_has_the_same_headers_and_no_body(self):
        get_response, get_body = self.fetch("/style.css")
        with RawConnection(self.port) as conn:
            # HEAD then GET on one connection: if HEAD sent a body, the GET's response would be garbled.
            conn.send("HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            head = conn.read_response("HEAD")
            after = conn.read_response("GET")
        self.assertEqual(head.status, 200)
        self.assertEqual(after.status, 200, f"response after HEAD: {after}")
        self.assertEqual(after.body, b"hello")
        for name in ("Content-Type", "Content-Length", "Last-Modified", "ETag", "Accept-Ranges"):
            self.assertEqual(head.header(name), get_response.getheader(name), name)
        self.assertEqual(head.header("Content-Length"), str(len(get_body)))

    def test_empty_file(self):
        response, body = self.fetch("/empty.txt")
        self.assertEqual((response.status, body), (200, b""))
        self.assertEqual(response.getheader("Content-Length"), "0")

    def test_percent_encoded_name(self):
        response, body = self.fetch("/hello%20world.txt")
        self.assertEqual((response.status, body), (200, b"spaced"))

    def test_utf8_percent_encoded_name(self):
        response, body = self.fetch("/%E4%BD%A0%E5%A5%BD.txt")
        self.assertEqual((response.status, body), (200, b"utf-8 name"))

    def test_file_with_a_trailing_slash_is_404(self):
        self.assertEqual(self.fetch("/a.txt/")[0].status, 404)

    def test_symlink_loop_is_404(self):
        for name, target in (("loop1", "loop2"), ("loop2", "loop1")):
            if not os.path.islink(self.root.file(name)):
                os.symlink(target, self.root.file(name))
        self.assertEqual(self.fetch("/loop1")[0].status, 404)

    def test_head_of_a_missing_file(self):
        with RawConnection(self.port) as conn:
            conn.send("HEAD /missing.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            head = conn.read_response("HEAD")
            after = conn.read_response()
        self.assertEqual((head.status, head.body), (404, b""))
        self.assertEqual((after.status, after.body), (200, b"hello"), f"response after HEAD: {after}")

    def test_directory_with_slash_serves_its_index(self):
        response, body = self.fetch("/dir/")
        self.assertEqual(response.status, 200)
        self.assertIn(b"dir index", body)
        self.assertEqual(normalise_media_type(response.getheader("Content-Type")), "text/html; charset=utf-8")
        response, body = self.fetch("/")
        self.assertIn(b"root index", body)

    def test_directory_without_slash_redirects(self):
        response, body = self.fetch("/dir")
        self.assertEqual(response.status, 301)
        location = response.getheader("Location") or ""
        self.assertEqual(urllib.parse.urlsplit(location).path, "/dir/", f"Location: {location}")
        self.assertEqual(response.getheader("Content-Length"), str(len(body)))

    def test_redirect_keeps_the_query(self):
        response, _ = self.fetch("/dir?x=1&y=2")
        self.assertEqual(response.status, 301)
        location = urllib.parse.urlsplit(response.getheader("Location") or "")
        self.assertEqual((location.path, location.query), ("/dir/", "x=1&y=2"), f"Location: {location.geturl()}")

    def test_query_string_is_ignored_for_files(self):
        response, body = self.fetch("/a.txt?v=123&x=%2F..")
        self.assertEqual((response.status, body), (200, b"hello"))

    def test_missing_file_without_custom_page(self):
        response, body = self.fetch("/no-such-file.txt")
        self.assertEqual(response.status, 404)
        self.assertEqual(response.getheader("Content-Length"), str(len(body)))
        self.assertTrue(0 < len(body) <= 1024, f"a short body is expected, got {body[:200]!r}")

    def test_missing_file_in_a_missing_directory(self):
        response, _ = self.fetch("/no/such/dir/file.txt")
        self.assertEqual(response.status, 404)

    def test_absolute_form_target(self):
        request = f"GET http://127.0.0.1:{self.port}/a.txt HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n"
        response, _ = exchange(self.port, request)
        self.assertEqual((response.status, response.body), (200, b"hello"), str(response))

    def test_http_1_0_request(self):
        response = get(self.port, "/a.txt", version="HTTP/1.0")
        self.assertEqual((response.status, response.body), (200, b"hello"), str(response))


class CustomNotFoundPageTest(ServerTestCase):
    def test_root_404_html_is_the_body(self):
        page = "<!doctype html><title>custom not found</title>"
        with SiteRoot({"404.html": page, "a.txt": "x"}) as root, start_http(root.path) as server:
            for path in ("/missing.html", "/deep/missing/path.txt"):
                with self.subTest(path=path):
                    response = get(server.port, path)
                    self.assertEqual(response.status, 404)
                    self.assertEqual(response.body, page.encode())
                    self.assertEqual(normalise_media_type(response.header("Content-Type")),
                                     "text/html; charset=utf-8")
                    self.assertEqual(response.header("Content-Length"), str(len(page)))


class BundledSiteTest(ServerTestCase):
    """No --root: the bundled www/ is served, whatever the working directory is."""

    @classmethod
    def setUpClass(cls):
        cls.cwd = cls.class_tempdir(prefix="muxd-cwd-")
        cls.server = cls.start_class_server(start_http, None, cwd=cls.cwd)
        cls.www = os.path.join(SOURCE_DIR, "www")

    def bundled(self, name):
        with open(os.path.join(self.www, name), "rb") as f:
            return f.read()

    def test_index_page(self):
        response = get(self.server.port, "/")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, self.bundled("index.html"))
        self.assertIn(b"<title>muxd \xe2\x80\x94 concurrent network servers</title>", response.body)

    def test_assets(self):
        types = {"style.css": "text/css", "logo.svg": "image/svg+xml", "architecture.svg": "image/svg+xml",
                 "favicon.ico": ("image/x-icon", "image/vnd.microsoft.icon")}
        for name, media in types.items():
            with self.subTest(name=name):
                response = get(self.server.port, "/" + name)
                self.assertEqual(response.status, 200)
                self.assertEqual(response.body, self.bundled(name))
                self.assertTrue(normalise_media_type(response.header("Content-Type")).startswith(media))

    def test_not_found_page(self):
        response = get(self.server.port, "/definitely/not/here.html")
        self.assertEqual(response.status, 404)
        self.assertEqual(response.body, self.bundled("404.html"))


if __name__ == "__main__":
    unittest.main()
