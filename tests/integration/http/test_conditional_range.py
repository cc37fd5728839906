"""Conditional requests (RFC 9110 §13) and byte ranges (§14)."""
import os
import unittest

from harness import ServerTestCase
from httpkit import SiteRoot, curl, get, random_bytes, start_http

SIZE = 1000
DATA = random_bytes(SIZE, seed=7)
MTIME = 1577934245              # Thu, 02 Jan 2020 03:04:05 GMT
LAST_MODIFIED = "Thu, 02 Jan 2020 03:04:05 GMT"
EARLIER = "Wed, 01 Jan 2020 00:00:00 GMT"
LATER = "Fri, 01 Jan 2021 00:00:00 GMT"


class ConditionalRangeTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"data.bin": DATA, "empty.bin": b""}))
        os.utime(cls.root.file("data.bin"), (MTIME, MTIME))
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.port = cls.server.port
        first = get(cls.port, "/data.bin")
        cls.etag = first.header("ETag")
        assert first.status == 200 and cls.etag, f"no ETag on a plain GET: {first}"

    def fetch(self, headers, method="GET", path="/data.bin"):
        return get(self.port, path, headers, method=method)

    def assert_not_modified(self, headers, method="GET"):
        response = self.fetch(headers, method)
        self.assertEqual(response.status, 304, f"{headers} -> {response}")
        self.assertEqual(response.body, b"")
        # RFC 9110 §8.6: a 304 carries no Content-Length unless it equals the 200's.
        self.assertIn(response.header("Content-Length"), (None, str(SIZE)), str(response))
        self.assertEqual(response.header("ETag"), self.etag, "304 repeats the ETag (RFC 9110 §15.4.5)")

    def assert_full(self, headers):
        response = self.fetch(headers)
        self.assertEqual(response.status, 200, f"{headers} -> {response}")
        self.assertEqual(response.body, DATA)
        return response

    def assert_partial(self, headers, first, last):
        response = self.fetch(headers)
        where = f"{headers} -> {response}"
        self.assertEqual(response.status, 206, where)
        self.assertEqual(response.header("Content-Range"), f"bytes {first}-{last}/{SIZE}", where)
        self.assertEqual(response.header("Content-Length"), str(last - first + 1), where)
        self.assertEqual(response.body, DATA[first:last + 1], where)

    def assert_unsatisfiable(self, headers, size=SIZE, path="/data.bin"):
        response = self.fetch(headers, path=path)
        where = f"{headers} -> {response}"
        self.assertEqual(response.status, 416, where)
        self.assertEqual(response.header("Content-Range"), f"bytes */{size}", where)
        self.assertEqual(response.header("Content-Length"), str(len(response.body)), where)

    # --- If-None-Match / If-Modified-Since ---

    def test_if_none_match_with_our_etag(self):
        self.assert_not_modified({"If-None-Match": self.etag})
        self.assert_not_modified({"If-None-Match": self.etag}, method="HEAD")

    def test_if_none_match_lists_weak_and_star(self):
        self.assert_not_modified({"If-None-Match": f'"other", {self.etag}'})
        self.assert_not_modified({"If-None-Match": "W/" + self.etag})  # weak comparison, §13.1.2
        self.assert_not_modified({"If-None-Match": "*"})

    def test_not_modified_wins_over_range(self):
        self.assert_not_modified({"If-None-Match": self.etag, "Range": "bytes=0-99"})

    def test_if_none_match_with_another_etag(self):
        self.assert_full({"If-None-Match": '"not-our-etag"'})

    def test_if_modified_since(self):
        self.assert_not_modified({"If-Modified-Since": LAST_MODIFIED})
        self.assert_not_modified({"If-Modified-Since": LATER})
        self.assert_full({"If-Modified-Since": EARLIER})
        self.assert_full({"If-Modified-Since": "not a date"})

    def test_if_modified_since_obsolete_date_forms(self):
        # RFC 9110 §5.6.7: recipients accept the RFC 850 and asctime forms too.
        self.assert_not_modified({"If-Modified-Since": "Thursday, 02-Jan-20 03:04:05 GMT"})
        self.assert_not_modified({"If-Modified-Since": "Thu Jan  2 03:04:05 2020"})

    def test_if_none_match_wins_over_if_modified_since(self):
        # §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        self.assert_full({"If-None-Match": '"other"', "If-Modified-Since": LAST_MODIFIED})

    # --- Range ---

    def test_single_ranges(self):
        self.assert_partial({"Range": "bytes=0-99"}, 0, 99)
        self.assert_partial({"Range": "bytes=100-"}, 100, SIZE - 1)
        self.assert_partial({"Range": "bytes=-10"}, SIZE - 10, SIZE - 1)
        self.assert_partial({"Range": "bytes=999-999"}, 999, 999)
        self.assert_partial({"Range": "bytes=990-5000"}, 990, SIZE - 1)  # last clamped (§14.1.2)
        self.assert_partial({"Range": "bytes=-5000"}, 0, SIZE - 1)       # suffix longer than the file

    def test_head_with_range(self):
        response = self.fetch({"Range": "bytes=0-99"}, method="HEAD")
        self.assertIn(response.status, (200, 206), str(response))
        self.assertEqual(response.body, b"")

    def test_unsatisfiable_ranges(self):
        self.assert_unsatisfiable({"Range": "bytes=1000-"})
        self.assert_unsatisfiable({"Range": "bytes=5000-6000"})
        self.assert_unsatisfiable({"Range": "bytes=-0"})
        self.assert_unsatisfiable({"Range": "bytes=0-"}, size=0, path="/empty.bin")

    def test_ignored_ranges_give_the_full_file(self):
        # Documented choice: several ranges are served as one 200 (a server may ignore Range, §14.2).
        self.assert_full({"Range": "bytes=0-1,5-6"})
        self.assert_full({"Range": "bytes=abc"})
        self.assert_full({"Range": "items=0-1"})
        self.assert_full({"Range": "bytes=50-10"})

    def test_if_range(self):
        self.assert_partial({"Range": "bytes=0-99", "If-Range": self.etag}, 0, 99)
        self.assert_partial({"Range": "bytes=0-99", "If-Range": LAST_MODIFIED}, 0, 99)
        self.assert_full({"Range": "bytes=0-99", "If-Range": '"stale-etag"'})
        self.assert_full({"Range": "bytes=0-99", "If-Range": "W/" + self.etag})  # weak never matches (§13.1.5)
        self.assert_full({"Range": "bytes=0-99", "If-Range": EARLIER})

    def test_range_with_curl(self):
        url = f"http://127.0.0.1:{self.port}/data.bin"
        result = curl("-r", "0-99", "-w", "%{http_code}", "-o", "-", url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, DATA[:100] + b"206")
        result = curl("-r", "-10", "-o", "-", url)
        self.assertEqual(result.stdout, DATA[-10:])


if __name__ == "__main__":
    unittest.main()
