"""`muxd http --spa [FILE]`: a page navigation (GET/HEAD with text/html named
in Accept) to a path that does not exist and whose last segment has no
extension gets FILE (default index.html) with 200; a missing asset, a client
that does not ask for HTML, a dotfile or a path leaving the root still gets
404. Headless Chromium loads a deep route and the app's script sees it."""
import http.client
import os
import tempfile
import unittest

from harness import ServerTestCase, run_muxd
from httpkit import HTTP_MODEL, SiteRoot, curl, get, start_http
from test_browser import CHROMIUM, chromium, png_size

APP = ("<!DOCTYPE html><html><head><title>app</title></head><body><div id=\"route\"></div>"
       "<script src=\"/app.js\"></script></body></html>")
FILES = {
    "index.html": APP,
    "shell.html": "<p>shell</p>",
    "app.js": "document.getElementById('route').textContent = 'route:' + location.pathname;",
    "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    ".env": "SECRET=1",
    "404.html": "custom 404",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class SpaDefault(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, None, cls.root.path, "--spa")

    def nav(self, path, method="GET"):
        return get(self.server.port, path, {"Accept": BROWSER_ACCEPT}, method=method)

    def test_routes_get_the_app_with_200(self):
        for path in ("/users/42", "/settings", "/a/b/c/", "/v1.2/page", "/users/42?tab=x"):
            with self.subTest(path=path):
                r = self.nav(path)
                self.assertEqual(r.status, 200)
                self.assertEqual(r.body, APP.encode())
                self.assertEqual(r.header("Cache-Control"), "no-cache")
                self.assertIn("accept", r.tokens("Vary"))  # curl's */* gets 404 for the same URL
        r = self.nav("/users/42", method="HEAD")
        self.assertEqual((r.status, r.body), (200, b""))

    def test_missing_assets_still_404(self):
        for path in ("/missing.js", "/assets/missing.png", "/favicon.ico", "/a/b.css"):
            with self.subTest(path=path):
                r = self.nav(path)
                self.assertEqual((r.status, r.body), (404, b"custom 404"))
                self.assertIn("accept", r.tokens("Vary"))

    def test_clients_not_asking_for_html_get_404(self):
        for accept in ("*/*", "application/json", "text/*", "text/html;q=0"):
            with self.subTest(accept=accept):
                self.assertEqual(get(self.server.port, "/users/42", {"Accept": accept}).status, 404)
        out = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{self.server.port}/users/42")
        self.assertEqual(out.stdout, b"404")

    def test_dotfiles_and_outside_the_root_never_fall_back(self):
        for path in ("/.env", "/.git/config", "/.secret/route", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc"):
            with self.subTest(path=path):
                self.assertEqual(self.nav(path).status, 404)

    def test_existing_files_are_served_as_always(self):
        r = self.nav("/assets/logo.svg")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Vary"))
        self.assertEqual(self.nav("/shell.html").body, b"<p>shell</p>")

    def test_post_is_not_a_navigation(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("POST", "/users/42", body=b"x", headers={"Accept": BROWSER_ACCEPT})
        self.assertEqual(conn.getresponse().status, 405)
        conn.close()


class SpaOtherFile(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--spa=shell.html")

    def test_the_named_file_is_the_fallback(self):
        r = get(self.server.port, "/deep/route", {"Accept": BROWSER_ACCEPT})
        self.assertEqual((r.status, r.body), (200, b"<p>shell</p>"))


class SpaFlagErrors(unittest.TestCase):
    def test_a_file_outside_the_root_is_refused(self):
        with SiteRoot(FILES) as root:
            result = run_muxd("http", root.path, "--spa=../x.html", "--listen", "127.0.0.1:0")
            self.assertEqual(result.returncode, 2)
            self.assertIn("--spa", result.stderr)


@unittest.skipUnless(os.path.exists(CHROMIUM), f"{CHROMIUM} is absent (scripts/deps.sh test installs it)")
@unittest.skipIf(HTTP_MODEL != "epoll", "the page a browser sees does not depend on the IO model "
                 "(the rest of this file runs under every model)")
class SpaInChromium(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--spa", stop_timeout=20)

    def test_a_deep_route_runs_the_app(self):
        tmp = self.tempdir(prefix="muxd-spa-browser-")
        url = f"http://127.0.0.1:{self.server.port}/users/42/profile"
        result = chromium(tempfile.mkdtemp(prefix="profile-", dir=tmp), "--dump-dom", url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        self.assertIn("route:/users/42/profile", result.stdout.decode(errors="replace"))
        shot = os.path.join(tmp, "spa.png")
        result = chromium(tempfile.mkdtemp(prefix="profile-", dir=tmp), f"--screenshot={shot}",
                          "--window-size=800,600", url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        self.assertGreater(os.path.getsize(shot), 0)
        self.assertEqual(png_size(shot), (800, 600))


if __name__ == "__main__":
    unittest.main()
