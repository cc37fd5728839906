"""Symlinks, as deployed: absolute and relative ones that stay inside the root are served
(as nginx serves them), anything that leads outside is 404 and shows nothing of the outside.

The layout is the usual release scheme: root/releases/42/app.js, root/current -> the release
(an absolute link), and root/app.js -> root/releases/42/app.js (absolute too).
"""
import http.client
import os
import unittest

from harness import ServerTestCase
from httpkit import SiteRoot, curl, get, start_http

APP = b"console.log('release 42');\n"
SECRET = b"TOP-SECRET-OUTSIDE-THE-ROOT"
PASSWD_MARKER = b"root:x:0:0"


class SymlinkTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = cls.class_resource(SiteRoot({"releases/42/app.js": APP,
                                                "releases/42/index.html": "<title>42</title>",
                                                "index.html": "<title>home</title>"}))
        base, root = cls.site.base, cls.site.path
        with open(os.path.join(base, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.mkdir(os.path.join(base, "outside"))
        with open(os.path.join(base, "outside", "secret.txt"), "wb") as f:
            f.write(SECRET)
        links = {
            "current": os.path.join(root, "releases", "42"),             # absolute, directory, inside
            "app.js": os.path.join(root, "releases", "42", "app.js"),   # absolute, file, inside
            "relative.js": "releases/42/app.js",                        # relative, inside
            "chain.js": "app.js",                                        # relative -> absolute, inside
            "abs_secret": os.path.join(base, "secret.txt"),              # absolute, outside
            "abs_outside": os.path.join(base, "outside"),                # absolute directory, outside
            "rel_secret": "../secret.txt",                               # relative, outside
            "chain_out": os.path.join(root, "rel_secret"),               # absolute inside -> out
            "sibling": base + "/root-sibling",                           # shares the root's prefix
            "passwd": "/etc/passwd",
            "proc_root": "/proc/self/root/etc/passwd",                   # through a magic link
        }
        for name, target in links.items():
            os.symlink(target, os.path.join(root, name))
        os.mkdir(base + "/root-sibling")
        cls.server = cls.start_class_server(start_http, root)
        cls.port = cls.server.port

    def curl_get(self, path):
        """(status, body) as curl sees them."""
        result = curl("--write-out", "\n%{http_code}", f"http://127.0.0.1:{self.port}{path}")
        self.assertEqual(result.returncode, 0, result.stderr)
        body, _, status = result.stdout.rpartition(b"\n")
        return int(status), body

    def test_curl_gets_an_absolute_symlink_inside_the_root(self):
        self.assertEqual(self.curl_get("/app.js"), (200, APP))
        self.assertEqual(self.curl_get("/current/app.js"), (200, APP))

    def test_http_client_gets_symlinks_inside_the_root(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            for path in ("/app.js", "/current/app.js", "/relative.js", "/chain.js", "/current/"):
                with self.subTest(path=path):
                    conn.request("GET", path)
                    response = conn.getresponse()
                    body = response.read()
                    self.assertEqual(response.status, 200, body)
                    if path.endswith(".js"):
                        self.assertEqual(body, APP)
                        self.assertTrue(response.getheader("Content-Type").startswith("text/javascript"))
        finally:
            conn.close()

    def test_curl_gets_404_for_an_absolute_symlink_outside(self):
        status, body = self.curl_get("/abs_secret")
        self.assertEqual(status, 404)
        self.assertNotIn(SECRET, body)

    def test_every_link_leading_outside_is_404(self):
        for path in ("/abs_secret", "/abs_outside/secret.txt", "/abs_outside/", "/rel_secret", "/chain_out",
                     "/sibling/", "/passwd", "/proc_root", "/current/../../secret.txt"):
            with self.subTest(path=path):
                response = get(self.port, path)
                self.assertEqual(response.status, 404, str(response))
                self.assertNotIn(SECRET, response.body)
                self.assertNotIn(PASSWD_MARKER, response.body)

    def test_a_directory_behind_an_absolute_link_redirects_and_serves_its_index(self):
        response = get(self.port, "/current")
        self.assertEqual(response.status, 301)
        self.assertEqual(get(self.port, "/current/").body, b"<title>42</title>")


if __name__ == "__main__":
    unittest.main()
