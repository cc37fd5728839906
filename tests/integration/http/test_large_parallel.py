"""Large files byte-exact, and many clients at once."""
import concurrent.futures
import hashlib
import http.client
import os
import tempfile
import unittest

from harness import ServerTestCase
from httpkit import MIB, SiteRoot, curl, random_bytes, sha256, start_http, write_random_file

BIG = 40 * MIB
SMALL_FILES = {f"s{i}.bin": random_bytes(size, seed=i) for i, size in
               enumerate((0, 1, 100, 1500, 16 * 1024, 100 * 1024, 700 * 1024))}


class LargeFileTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot())
        cls.big_sha = write_random_file(cls.root.file("big.bin"), BIG)
        cls.server = cls.start_class_server(start_http, cls.root.path)
        cls.url = f"http://127.0.0.1:{cls.server.port}/big.bin"

    def test_curl_download_is_byte_exact(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "big.bin")
            result = curl("-o", out, "-w", "%{http_code} %{size_download}", self.url, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.decode(), f"200 {BIG}")
            with open(out, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), self.big_sha)

    def test_http_client_download_is_byte_exact(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.request("GET", "/big.bin")
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.getheader("Content-Length"), str(BIG))
            digest = hashlib.sha256()
            while chunk := response.read(256 * 1024):
                digest.update(chunk)
            self.assertEqual(digest.hexdigest(), self.big_sha)
        finally:
            conn.close()

    def test_parallel_big_downloads(self):
        def download(_):
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
            try:
                conn.request("GET", "/big.bin")
                response = conn.getresponse()
                digest = hashlib.sha256()
                while chunk := response.read(256 * 1024):
                    digest.update(chunk)
                return response.status, digest.hexdigest()
            finally:
                conn.close()
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(download, range(4)))
        self.assertEqual(results, [(200, self.big_sha)] * 4)

    def test_range_deep_inside_the_big_file(self):
        first, last = 30_000_000, 30_999_999
        with open(self.root.file("big.bin"), "rb") as f:
            f.seek(first)
            expected = f.read(last - first + 1)
        result = curl("-r", f"{first}-{last}", "-o", "-", self.url, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sha256(result.stdout), sha256(expected))


class ParallelClientsTest(ServerTestCase):
    CLIENTS = 200

    def fetch_all(self, port, client_index):
        """One client: a keep-alive connection fetching a few files; returns a list of problems."""
        problems = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            names = sorted(SMALL_FILES)
            for k in range(4):
                name = names[(client_index + k) % len(names)]
                conn.request("GET", "/" + name)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or body != SMALL_FILES[name]:
                    problems.append(f"client {client_index} /{name}: {response.status}, {len(body)} bytes")
        except (OSError, http.client.HTTPException) as exc:
            problems.append(f"client {client_index}: {exc!r}")
        finally:
            conn.close()
        return problems

    def run_clients(self, *server_args):
        with SiteRoot(SMALL_FILES) as root, start_http(root.path, *server_args) as server:
            with concurrent.futures.ThreadPoolExecutor(max_workers=self.CLIENTS) as pool:
                results = list(pool.map(lambda i: self.fetch_all(server.port, i), range(self.CLIENTS)))
            problems = [p for r in results for p in r]
            self.assertEqual(problems, [], f"{len(problems)} failures")

    def test_200_parallel_clients(self):
        self.run_clients()

    def test_200_parallel_clients_one_worker(self):
        self.run_clients("--workers", "1")


if __name__ == "__main__":
    unittest.main()
