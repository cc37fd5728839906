"""A real browser (headless Chromium) loads the bundled site from `muxd http`."""
import os
import re
import struct
import subprocess
import tempfile
import unittest

from harness import ServerTestCase
from httpkit import start_http

CHROMIUM = "/usr/bin/chromium"
TITLE = "muxd — concurrent network servers"
STOP_BOUND = 20


def chromium(profile, *args):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-proxy-server", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


def png_size(path):
    """(width, height) from a PNG's IHDR, or None when the file is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


@unittest.skipUnless(os.path.exists(CHROMIUM), f"{CHROMIUM} is absent (scripts/deps.sh test installs it)")
class BrowserTest(ServerTestCase):
    def setUp(self):
        self.tmp = self.tempdir(prefix="muxd-browser-")
        self.log_path = os.path.join(self.tmp, "access.log")
        self.server = self.start_server(start_http, None, access_log=self.log_path, cwd=self.tmp,
                                        stop_timeout=STOP_BOUND)
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="profile-", dir=self.tmp)
        return chromium(profile, *args)

    def logged_requests(self):
        """{path: status} of the GETs in the access log."""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        return {m.group(1): int(m.group(2)) for m in re.finditer(r'"GET (\S+) HTTP/1\.[01]" (\d{3})', text)}

    def test_dump_dom_has_the_title(self):
        result = self.chromium("--dump-dom", self.url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        dom = result.stdout.decode(errors="replace")
        self.assertIn(f"<title>{TITLE}</title>", dom)
        self.assertIn("muxd http", dom)

    def test_dump_dom_of_the_404_page(self):
        result = self.chromium("--dump-dom", self.url + "no/such/page.html")
        self.assertIn("This page does not exist", result.stdout.decode(errors="replace"))

    def test_screenshot_and_subresources(self):
        artifacts = os.environ.get("MUXD_ARTIFACT_DIR") or self.tmp
        os.makedirs(artifacts, exist_ok=True)
        shot = os.path.join(artifacts, "http_bundled_site.png")
        if os.path.exists(shot):
            os.unlink(shot)
        result = self.chromium(f"--screenshot={shot}", "--window-size=1280,900", self.url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        self.assertEqual(png_size(shot), (1280, 900), f"no 1280x900 screenshot PNG at {shot}")
        print(f"\nscreenshot: {shot}")
        self.assertEqual(self.server.stop(STOP_BOUND), 0)  # a clean stop flushes the log
        requests = self.logged_requests()
        for path in ("/", "/style.css", "/logo.svg", "/architecture.svg"):
            self.assertEqual(requests.get(path), 200, f"{path} not fetched with 200; log: {requests}")
        if "/favicon.ico" in requests:
            self.assertEqual(requests["/favicon.ico"], 200)

    def test_the_c10k_lab_page_shows_its_chart(self):
        """www/lab/ is the latest `make c10k` report: the page, its SVG chart and the CSV it links."""
        result = self.chromium("--dump-dom", self.url + "lab/")
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        dom = result.stdout.decode(errors="replace")
        self.assertIn("<h1>The C10K lab</h1>", dom)
        self.assertIn('id="chart"', dom)
        artifacts = os.environ.get("MUXD_ARTIFACT_DIR") or self.tmp
        os.makedirs(artifacts, exist_ok=True)
        shot = os.path.join(artifacts, "http_c10k_lab.png")
        result = self.chromium(f"--screenshot={shot}", "--window-size=1280,1600", self.url + "lab/")
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        self.assertEqual(png_size(shot), (1280, 1600))
        print(f"\nscreenshot: {shot}")
        self.assertEqual(self.server.stop(STOP_BOUND), 0)
        requests = self.logged_requests()
        self.assertEqual(requests.get("/lab/c10k.svg"), 200, f"the chart was not fetched; log: {requests}")


if __name__ == "__main__":
    unittest.main()
