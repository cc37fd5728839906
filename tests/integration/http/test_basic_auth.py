"""--auth-file: HTTP Basic authentication (RFC 7617) against an htpasswd file of bcrypt and
SHA-512-crypt hashes, made here by the usual tools (docs/http-operations.md)."""
import base64
import os
import shutil
import subprocess
import math
import time
import unittest
import urllib.error
import urllib.request
import warnings

import promtext
from harness import ServerTestCase, run_muxd, wait_until
from httpkit import HTTP_MODEL, RawConnection, SiteRoot, curl, get, skip_for_models, start_http

REALM = "Team files"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
USERS = {"alice": "secret", "bob": "b0b:pass", "carol": "carol-pw", "dave": "dave-pw",
         "zo\u00eb": "p\u00e4ssw\u00f6rd"}


def sha512_crypt(password):
    """`openssl passwd -6` (Debian's openssl), else Python's crypt module."""
    if shutil.which("openssl"):
        return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(),
                              capture_output=True, check=True).stdout.decode().strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))


def bcrypt(user, password, cost=5):
    """`htpasswd -B` (apache2-utils; cost 5 keeps the tests quick), else Python's crypt module."""
    if shutil.which("htpasswd"):
        line = subprocess.run(["htpasswd", "-nbB", "-C", str(cost), user, password],
                              capture_output=True, check=True).stdout.decode().strip()
        return line.split(":", 1)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**cost))


def write_users(path):
    lines = ["# made by test_basic_auth.py", ""]
    for user, password in USERS.items():
        hashed = bcrypt(user, password) if user in ("bob", "dave") else sha512_crypt(password)
        lines.append(f"{user}:{hashed}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class BasicAuthTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello", "dir/b.txt": "bee"}))
        cls.users = os.path.join(cls.root.base, "users")
        write_users(cls.users)
        cls.log_path = os.path.join(cls.root.base, "access.log")
        cls.server = cls.start_class_server(start_http, cls.root.path, "--auth-file", cls.users,
                                            "--auth-realm", REALM, "--auth-check-burst", "1000", "--status-path", "/metrics",
                                            "--health-path", "/healthz", access_log=cls.log_path)
        cls.port = cls.server.port
        cls.url = f"http://127.0.0.1:{cls.port}"

    def status_of(self, *args):
        result = curl("-o", "/dev/null", "-w", "%{http_code}", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return int(result.stdout)

    def scrape(self):
        response = get(self.port, "/metrics", {"Authorization": basic("alice", "secret")})
        self.assertEqual(response.status, 200)
        return promtext.parse(response.body.decode())[0]

    def test_no_credentials_is_401_with_a_challenge(self):
        response = get(self.port, "/a.txt")
        self.assertEqual(response.status, 401)
        self.assertEqual(response.header("www-authenticate"), CHALLENGE)
        self.assertNotIn(b"hello", response.body)

    def test_curl_with_a_sha512_user(self):
        result = curl("-u", "alice:secret", f"{self.url}/a.txt")
        self.assertEqual((result.returncode, result.stdout), (0, b"hello"), result.stderr)

    def test_urllib_with_a_bcrypt_user_whose_password_holds_a_colon(self):
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.url, "bob", "b0b:pass")
        opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords))
        with opener.open(f"{self.url}/dir/b.txt", timeout=30) as reply:  # 401 first, then with credentials
            self.assertEqual(reply.read(), b"bee")

    def test_utf8_user_and_password(self):
        response = get(self.port, "/a.txt", {"Authorization": basic("zo\u00eb", "p\u00e4ssw\u00f6rd")})
        self.assertEqual(response.status, 200)

    def test_wrong_password_unknown_user_and_malformed_are_401(self):
        self.assertEqual(self.status_of("-u", "alice:wrong", f"{self.url}/a.txt"), 401)
        self.assertEqual(self.status_of("-u", "mallory:secret", f"{self.url}/a.txt"), 401)
        for value in ["Basic !!!!", "Bearer abc", basic("alice", "secret")[:-2], "Basic YWxpY2U="]:
            response = get(self.port, "/a.txt", {"Authorization": value})
            self.assertEqual(response.status, 401, value)
            self.assertEqual(response.header("www-authenticate"), CHALLENGE)

    def test_health_needs_no_credentials_status_does(self):
        self.assertEqual(get(self.port, "/healthz").body, b"ok\n")
        self.assertEqual(get(self.port, "/metrics").status, 401)
        self.assertIn(b"muxd_http_requests_total", get(self.port, "/metrics", {"Authorization": basic("alice", "secret")}).body)

    @skip_for_models("a process per connection: the verified cache dies with each child", "fork")
    def test_a_second_request_is_served_from_the_cache(self):
        before = self.scrape()
        for _ in range(2):
            self.assertEqual(self.status_of("-u", "carol:carol-pw", f"{self.url}/a.txt"), 200)
        after = self.scrape()

        def moved(name):
            return promtext.value(after, name) - promtext.value(before, name)

        self.assertEqual(moved("muxd_http_auth_verifications_total"), 1)  # carol's first request only
        self.assertGreaterEqual(moved("muxd_http_auth_cache_hits_total"), 2)  # carol's second, this scrape

    def test_pipelined_requests_wait_for_their_verdict_in_order(self):
        credentials = basic("dave", "dave-pw")
        request = f"GET /a.txt HTTP/1.1\r\nHost: x\r\nAuthorization: {credentials}\r\n\r\n"
        wrong = f"GET /dir/b.txt HTTP/1.1\r\nHost: x\r\nAuthorization: {basic('dave', 'nope')}\r\n\r\n"
        with RawConnection(self.port) as conn:
            conn.send(request + wrong + request.replace("/a.txt", "/dir/b.txt"))
            first, second, third = (conn.read_response() for _ in range(3))
        self.assertEqual((first.status, first.body), (200, b"hello"))
        self.assertEqual(second.status, 401)
        self.assertEqual((third.status, third.body), (200, b"bee"))

    def test_the_log_names_the_user_never_the_password(self):
        self.assertEqual(self.status_of("-u", "alice:secret", f"{self.url}/a.txt"), 200)
        self.assertEqual(self.status_of("-u", "alice:wrong", f"{self.url}/a.txt"), 401)

        def text():
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()

        self.assertTrue(wait_until(lambda: " - alice [" in text() and '" 401 ' in text()), text())
        log = text()
        for secret in ["secret", "wrong", basic("alice", "secret").split()[1], "dave-pw"]:
            self.assertNotIn(secret, log)
        for line in log.splitlines():
            if '" 401 ' in line:
                self.assertIn(" - - [", line)  # no user for a request that was refused


@skip_for_models("a thread or a process per client: the hash runs on that client's own", "iterative", "thread",
                 "fork")
class OffTheLoopTest(ServerTestCase):
    """One worker, one slow hash (bcrypt cost 13, about a second): the loop's other clients go on meanwhile."""

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))
        users = os.path.join(cls.root.base, "users")
        with open(users, "w", encoding="utf-8") as f:
            f.write(f"alice:{sha512_crypt('secret')}\nslow:{bcrypt('slow', 'slow-pw', cost=13)}\n")
        cls.server = cls.start_class_server(start_http, cls.root.path, "--workers", "1", "--auth-file", users,
                                            "--status-path", "/metrics", "--health-path", "/healthz")
        cls.port = cls.server.port

    def verifications(self):
        response = get(self.port, "/metrics", {"Authorization": basic("alice", "secret")})
        self.assertEqual(response.status, 200)
        return promtext.value(promtext.parse(response.body.decode())[0], "muxd_http_auth_verifications_total")

    def test_a_slow_password_check_does_not_stall_the_other_clients(self):
        before = self.verifications()  # alice's check is done (and cached) from here on
        with RawConnection(self.port) as slow:
            slow.send(f"GET /a.txt HTTP/1.1\r\nHost: x\r\nAuthorization: {basic('slow', 'slow-pw')}\r\n\r\n")
            # The count moves when the hash begins. Were it hashed on the loop, this scrape would
            # wait behind it, and the slow client's answer would already be on its way.
            self.assertTrue(wait_until(lambda: self.verifications() == before + 1), "the slow check never began")
            self.assertEqual(get(self.port, "/healthz").status, 200)
            slow.sock.setblocking(False)
            with self.assertRaises(BlockingIOError, msg="the slow client was answered before the others"):
                slow.sock.recv(1)
            slow.sock.setblocking(True)
            response = slow.read_response()
        self.assertEqual((response.status, response.body), (200, b"hello"))


@skip_for_models("a process per connection: each child starts with full buckets", "fork")
class ThrottleTest(ServerTestCase):
    def test_failures_from_one_address_are_answered_429(self):
        root = SiteRoot({"a.txt": "hello"})
        self.addCleanup(root.cleanup)
        users = os.path.join(root.base, "users")
        with open(users, "w") as f:
            f.write(f"alice:{sha512_crypt('secret')}\n")
        server = self.start_server(start_http, root.path, "--auth-file", users, "--status-path", "/metrics")
        statuses = []
        started = time.monotonic()
        for attempt in range(30):
            response = get(server.port, "/a.txt", {"Authorization": basic("alice", f"guess{attempt}")})
            statuses.append(response.status)
            if response.status == 429:
                self.assertEqual(response.header("retry-after"), "1")
        elapsed = time.monotonic() - started
        self.assertEqual(set(statuses), {401, 429}, statuses)
        self.assertEqual(statuses[:10], [401] * 10, statuses)  # the burst: 10 checks at once
        # ...then one a second: however slow this machine, no more checks than that.
        self.assertLessEqual(statuses.count(401), 10 + math.ceil(elapsed), (statuses, elapsed))


class AuthFileRefusedTest(unittest.TestCase):
    def refused(self, text):
        with SiteRoot() as root:
            path = os.path.join(root.base, "users")
            with open(path, "w") as f:
                f.write(text)
            result = run_muxd("http", "--listen", "127.0.0.1:0", "--auth-file", path)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertNotIn("listening on", result.stderr)
        return result.stderr.replace(path, "USERS")

    def test_other_schemes_are_refused_with_file_and_line(self):
        self.assertIn("USERS:3: $apr1$", self.refused("# comment\n\nalice:$apr1$abcdefgh$0123456789abcdefghijkl\n"))
        self.assertIn("USERS:1: {SHA}", self.refused("alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"))
        self.assertIn("USERS:1: unsupported hash scheme", self.refused("alice:plaintext\n"))
        self.assertIn("USERS:1: expected user:hash", self.refused("alice\n"))

    def test_an_empty_file_is_refused(self):
        self.assertIn("USERS: no users", self.refused(""))


if __name__ == "__main__":
    unittest.main()
