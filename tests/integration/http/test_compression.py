"""Content coding (docs/http-compression.md): Accept-Encoding negotiation (RFC 9110 §12.5.3),
FILE.br/.zst/.gz sidecars, br/zstd/gzip on the fly, validators per coding, ranges on identity
only, --compress static/off. Decoded by clients nobody here wrote: curl --compressed, Python's
gzip/zlib, Debian's `brotli` and `zstd` command-line tools."""
import gzip
import os
import subprocess
import unittest
import urllib.request
import zlib

from harness import ServerTestCase
from httpkit import RawConnection, SiteRoot, curl, get, random_bytes, start_http


def javascript(size, seed=0):
    """Compressible text that is not trivially repetitive."""
    lines, i = [], seed
    while sum(len(line) for line in lines) < size:
        lines.append(f"export function handler{i % 257}(event) {{ return event.value * {i % 13}; }}\n")
        i += 7
    return "".join(lines)[:size].encode()


APP = javascript(36 * 1024)
BIG = javascript(300 * 1024, seed=3)      # above the file cache's in-memory size: read by pread
HUGE = javascript(1100 * 1024, seed=5)    # above the on-the-fly cap (1 MiB): sent as it is
SIDE = javascript(8 * 1024, seed=9)
SIDE_GZ = gzip.compress(SIDE, mtime=0)
OLD = javascript(8 * 1024, seed=11)
T0, T1 = 1_600_000_000, 1_600_000_100


def decode(coding, body):
    """Decodes with Python's stdlib (gzip) or Debian's CLI tools (br, zstd)."""
    if coding == "gzip":
        return gzip.decompress(body)
    tool = {"br": ["brotli", "--decompress", "--stdout"], "zstd": ["zstd", "--decompress", "--stdout", "-q"]}[coding]
    return subprocess.run(tool, input=body, capture_output=True, check=True).stdout


class CompressionTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({
            "app.js": APP, "big.js": BIG, "huge.js": HUGE, "tiny.css": b"a{}\n",
            "photo.png": random_bytes(4096), "data.json": b'{"k": "' + b"v" * 4000 + b'"}',
            "side.css": SIDE, "side.css.gz": SIDE_GZ, "old.css": OLD, "old.css.gz": b"stale",
            "sub/dir.js.br": b"x",  # a sidecar whose original is missing: never served for it
        }))
        os.mkdir(cls.root.file("side.css.br"))  # a directory is not a sidecar
        for name, when in (("side.css", T0), ("side.css.gz", T0), ("old.css", T1), ("old.css.gz", T0)):
            os.utime(cls.root.file(name), (when, when))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port

    def fetch(self, path, accept=None, method="GET", **headers):
        if accept is not None:
            headers["Accept-Encoding"] = accept
        headers = {k.replace("_", "-"): v for k, v in headers.items()}
        return get(self.port, path, headers, method=method)

    def assert_encoded(self, response, coding, original):
        self.assertEqual(response.status, 200, str(response))
        self.assertEqual(response.header("Content-Encoding"), coding, str(response))
        self.assertEqual(response.header("Vary"), "Accept-Encoding", str(response))
        self.assertEqual(int(response.header("Content-Length")), len(response.body))
        self.assertLess(len(response.body), len(original) // 3)
        self.assertEqual(decode(coding, response.body), original)

    # --- clients nobody here wrote ---

    def test_curl_compressed_gets_brotli_and_decodes_it(self):
        result = curl("--compressed", "--dump-header", "-", f"http://127.0.0.1:{self.port}/app.js")
        self.assertEqual(result.returncode, 0, result.stderr)
        head, _, body = result.stdout.partition(b"\r\n\r\n")
        self.assertIn(b"\r\nContent-Encoding: br\r\n", head)
        self.assertIn(b"\r\nContent-Type: text/javascript; charset=utf-8\r\n", head)
        self.assertEqual(body, APP)

    def test_curl_with_each_single_coding(self):
        for coding in ("br", "zstd", "gzip"):
            with self.subTest(coding=coding):
                result = curl("-H", f"Accept-Encoding: {coding}", "--dump-header", "-",
                              f"http://127.0.0.1:{self.port}/app.js")
                head, _, body = result.stdout.partition(b"\r\n\r\n")
                self.assertIn(f"\r\nContent-Encoding: {coding}\r\n".encode(), head)
                self.assertEqual(decode(coding, body), APP)

    def test_python_urllib_gzip(self):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/data.json",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.headers["Content-Encoding"], "gzip")
            body = zlib.decompress(response.read(), 16 + zlib.MAX_WBITS)
        self.assertTrue(body.startswith(b'{"k": "vvv'))

    # --- negotiation ---

    def test_q_values_choose(self):
        cases = {"gzip;q=1, br;q=0.5": "gzip", "gzip;q=0.2, zstd;q=0.3": "zstd",
                 "gzip, deflate, br, zstd": "br", "*": "br", "*;q=0.5, br;q=0": "zstd",
                 "br;q=0, zstd;q=0, gzip;q=0": None, "identity": None, "": None, "deflate": None}
        for accept, coding in cases.items():
            with self.subTest(accept=accept):
                response = self.fetch("/app.js", accept)
                self.assertEqual(response.header("Content-Encoding"), coding)
                self.assertEqual(response.header("Vary"), "Accept-Encoding")
                if coding is None:
                    self.assertEqual(response.body, APP)
                else:
                    self.assertEqual(decode(coding, response.body), APP)

    def test_no_accept_encoding_is_identity(self):
        response = self.fetch("/app.js")
        self.assertIsNone(response.header("Content-Encoding"))
        self.assertEqual(response.header("Vary"), "Accept-Encoding")
        self.assertEqual(response.body, APP)

    def test_406_only_when_identity_is_refused_and_nothing_else_fits(self):
        response = self.fetch("/app.js", "identity;q=0, deflate")
        self.assertEqual(response.status, 406, str(response))
        self.assertEqual(response.header("Vary"), "Accept-Encoding")
        self.assert_encoded(self.fetch("/app.js", "identity;q=0, gzip"), "gzip", APP)
        # photo.png has no variants: Accept-Encoding does not apply, identity it is.
        self.assertEqual(self.fetch("/photo.png", "*;q=0").status, 200)

    def test_never_compressed_small_files_images_and_huge_files(self):
        for path, data in (("/tiny.css", b"a{}\n"), ("/photo.png", random_bytes(4096)), ("/huge.js", HUGE)):
            with self.subTest(path=path):
                response = self.fetch(path, "br, gzip, zstd")
                self.assertIsNone(response.header("Content-Encoding"))
                self.assertIsNone(response.header("Vary"))
                self.assertEqual(response.body, data)

    def test_a_file_larger_than_the_file_caches_memory_limit(self):
        for coding in ("br", "zstd", "gzip"):
            with self.subTest(coding=coding):
                self.assert_encoded(self.fetch("/big.js", coding), coding, BIG)

    # --- validators, HEAD, ranges ---

    def test_each_coding_has_its_own_etag_and_304(self):
        etags = {}
        for coding in ("identity", "br", "zstd", "gzip"):
            etags[coding] = self.fetch("/app.js", coding).header("ETag")
        self.assertEqual(len(set(etags.values())), 4, etags)
        for coding, etag in etags.items():
            with self.subTest(coding=coding):
                self.assertFalse(etag.startswith("W/"), "strong validators")
                hit = self.fetch("/app.js", coding, If_None_Match=etag)
                self.assertEqual(hit.status, 304, str(hit))
                self.assertEqual(hit.header("ETag"), etag)
                self.assertEqual(hit.header("Vary"), "Accept-Encoding")
                for other in etags:
                    if other != coding:
                        self.assertEqual(self.fetch("/app.js", other, If_None_Match=etag).status, 200)

    def test_head_answers_like_get_without_a_body(self):
        for coding in ("br", "zstd", "gzip"):
            with self.subTest(coding=coding):
                full = self.fetch("/app.js", coding)
                head = self.fetch("/app.js", coding, method="HEAD")
                self.assertEqual(head.status, 200)
                self.assertEqual(head.body, b"")
                for name in ("Content-Length", "Content-Encoding", "ETag", "Vary", "Content-Type"):
                    self.assertEqual(head.header(name), full.header(name), name)

    def test_a_range_request_gets_identity(self):
        response = self.fetch("/app.js", "br, gzip, zstd", Range="bytes=100-199")
        self.assertEqual(response.status, 206, str(response))
        self.assertIsNone(response.header("Content-Encoding"))
        self.assertEqual(response.header("Vary"), "Accept-Encoding")
        self.assertEqual(response.body, APP[100:200])
        result = curl("--compressed", "--range", "0-9", f"http://127.0.0.1:{self.port}/app.js")
        self.assertEqual(result.stdout, APP[:10])
        # If-Range with an encoded ETag does not match identity: the whole file, 200.
        br_etag = self.fetch("/app.js", "br").header("ETag")
        response = self.fetch("/app.js", "br", Range="bytes=0-9", If_Range=br_etag)
        self.assertEqual(response.status, 200)
        self.assertIsNone(response.header("Content-Encoding"))
        self.assertEqual(response.body, APP)

    def test_encoded_responses_offer_no_ranges(self):
        self.assertIsNone(self.fetch("/app.js", "gzip").header("Accept-Ranges"))
        self.assertEqual(self.fetch("/app.js").header("Accept-Ranges"), "bytes")

    # --- sidecars ---

    def test_sidecar_served_with_the_originals_type(self):
        response = self.fetch("/side.css", "gzip")
        self.assertEqual(response.header("Content-Type"), "text/css; charset=utf-8")
        self.assertEqual(response.body, SIDE_GZ)  # the sidecar's bytes, as they are
        self.assert_encoded(response, "gzip", SIDE)
        sidecar_etag = response.header("ETag")
        self.assertEqual(self.fetch("/side.css", "gzip", If_None_Match=sidecar_etag).status, 304)
        # side.css.br is a directory: br is compressed on the fly instead.
        self.assert_encoded(self.fetch("/side.css", "br"), "br", SIDE)

    def test_a_sidecar_older_than_its_original_is_ignored(self):
        response = self.fetch("/old.css", "gzip")
        self.assert_encoded(response, "gzip", OLD)  # on the fly, not b"stale"

    def test_sidecars_are_still_files_of_their_own(self):
        response = self.fetch("/side.css.gz", "gzip")
        self.assertEqual(response.header("Content-Type"), "application/gzip")
        self.assertIsNone(response.header("Content-Encoding"))
        self.assertEqual(self.fetch("/sub/dir.js", "br").status, 404)

    def test_keep_alive_mixes_codings_on_one_connection(self):
        with RawConnection(self.port) as conn:
            for coding in ("br", "identity", "gzip", "zstd", "br"):
                conn.send(f"GET /app.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {coding}\r\n\r\n")
            for coding in ("br", "identity", "gzip", "zstd", "br"):
                response = conn.read_response("GET")
                got = response.header("Content-Encoding") or "identity"
                self.assertEqual(got, coding)
                body = response.body if coding == "identity" else decode(coding, response.body)
                self.assertEqual(body, APP)


class CompressModesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"app.js": APP, "side.js": APP, "side.js.gz": gzip.compress(APP)}))

    def test_off_ignores_accept_encoding_and_sidecars(self):
        server = self.start_server(start_http, self.root.path, "--compress", "off")
        for path in ("/app.js", "/side.js"):
            response = get(server.port, path, {"Accept-Encoding": "gzip, br, zstd"})
            self.assertIsNone(response.header("Content-Encoding"), path)
            self.assertIsNone(response.header("Vary"), path)
            self.assertEqual(response.body, APP)

    def test_static_serves_sidecars_only(self):
        server = self.start_server(start_http, self.root.path, "--compress", "static")
        response = get(server.port, "/side.js", {"Accept-Encoding": "gzip, br"})
        self.assertEqual(response.header("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(response.body), APP)
        self.assertEqual(get(server.port, "/side.js", {"Accept-Encoding": "br"}).header("Vary"), "Accept-Encoding")
        plain = get(server.port, "/app.js", {"Accept-Encoding": "gzip, br"})
        self.assertIsNone(plain.header("Content-Encoding"))
        self.assertEqual(plain.body, APP)


if __name__ == "__main__":
    unittest.main()
