"""Dotfiles are not served by default: /.env, /.git/config and any name
starting with '.' at any depth answer 404 (no hint that they exist), except
/.well-known/ (RFC 8615); `--dotfiles allow` serves them."""
import os
import unittest

from harness import ServerTestCase
from httpkit import SiteRoot, curl, get, start_http

FILES = {
    ".env": "SECRET=1",
    ".git/config": "[core]",
    "a/.htpasswd": "user:hash",
    ".well-known/security.txt": "Contact: x",
    "index.html": "<p>home</p>",
    "404.html": "not here",
}


class DotfilesDenied(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        os.symlink(".env", cls.root.file("env-link"))  # an operator's choice: a plain name
        cls.server = cls.start_class_server(start_http, cls.root.path)

    def test_dotfiles_answer_404(self):
        for path in ("/.env", "/.git/config", "/.git/", "/a/.htpasswd", "/%2Eenv", "/a/../.env"):
            with self.subTest(path=path):
                self.assertEqual(get(self.server.port, path).status, 404)

    def test_curl_gets_404_for_env(self):
        out = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{self.server.port}/.env")
        self.assertEqual(out.stdout.strip(), b"404")

    def test_well_known_is_served(self):
        response = get(self.server.port, "/.well-known/security.txt")
        self.assertEqual((response.status, response.body), (200, b"Contact: x"))

    def test_ordinary_files_are_served(self):
        self.assertEqual(get(self.server.port, "/index.html").status, 200)

    def test_a_plain_named_symlink_to_a_dotfile_is_served(self):
        # The test is on the requested path, not on where a link inside the root leads (README).
        response = get(self.server.port, "/env-link")
        self.assertEqual((response.status, response.body), (200, b"SECRET=1"))


class DotfilesAllowed(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dotfiles", "allow")

    def test_dotfiles_are_served(self):
        response = get(self.server.port, "/.env")
        self.assertEqual((response.status, response.body), (200, b"SECRET=1"))
        self.assertEqual(get(self.server.port, "/a/.htpasswd").status, 200)


if __name__ == "__main__":
    unittest.main()
