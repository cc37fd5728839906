"""`muxd http --dir-listing`: a directory without index.html is listed as HTML
(escaped names, percent-encoded hrefs, a strict CSP, directories first) or as
JSON for `Accept: application/json`; dotfiles follow --dotfiles; a directory
URL without '/' redirects; a 20,000-entry directory is listed whole, and
read slowly through a small receive buffer it arrives byte-identical; the
page of a 100,000-entry directory is made as it is sent, so a stalled client
does not make the server hold it (RSS). Without the flag such a directory
stays 403. Headless Chromium renders the page: a
screenshot, and --dump-dom shows the hostile names as text, never run."""
import http.client
import json
import os
import re
import socket
import tempfile
import time
import unittest

from harness import ServerTestCase, skip_under_sanitizers
from httpkit import HTTP_MODEL, SiteRoot, curl, get, start_http
from test_browser import CHROMIUM, chromium, png_size

# Names a file may have that would be markup if pasted unescaped ('/' cannot be in a name).
HOSTILE = "<script>alert(1)"
ONERROR = "<img src=x onerror=\"document.title='pwned'\">"
FILES = {
    "b.txt": "bb",
    "a file & more.txt": "x" * 1500,
    HOSTILE: "s",
    ONERROR: "i",
    "zdir/inner.txt": "in",
    "Adir/keep": "",
    ".env": "SECRET=1",
    ".hidden-dir/x": "",
    "with-index/index.html": "<p>index</p>",
}


def names_in_html(body):
    return re.findall(r'<a (?:class="d" )?href="\./([^"]*)">', body)


class Listing(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing")

    def fetch(self, path, accept=None):
        headers = {"Accept": accept} if accept else None
        return get(self.server.port, path, headers)

    def test_html_page_sorted_escaped_and_locked_down(self):
        r = self.fetch("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        csp = r.header("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("script-src", csp)
        self.assertEqual(r.header("Cache-Control"), "no-cache")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        body = r.body.decode()
        self.assertEqual(int(r.header("Content-Length")), len(r.body))
        hrefs = names_in_html(body)
        self.assertEqual(hrefs, ["Adir/", "with-index/", "zdir/", "%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D%27pwned%27%22%3E",
                                 "%3Cscript%3Ealert%281%29", "a%20file%20%26%20more.txt", "b.txt"])
        self.assertNotIn("<script", body)
        self.assertNotIn("<img", body)
        self.assertIn("&lt;script&gt;alert(1)", body)
        self.assertIn("a file &amp; more.txt", body)
        self.assertIn("1.5 KiB", body)
        self.assertNotIn(".env", body)
        self.assertNotIn(".hidden-dir", body)
        self.assertNotIn('href="../"', body)  # the root has no parent

    def test_subdirectory_has_a_parent_link(self):
        body = self.fetch("/zdir/").body.decode()
        self.assertIn('href="../"', body)
        self.assertEqual(names_in_html(body), ["inner.txt"])
        self.assertIn("<title>Index of /zdir/</title>", body)

    def test_json_when_asked_for(self):
        r = self.fetch("/", "application/json")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertIn("accept", r.tokens("Vary"))
        doc = json.loads(r.body)
        names = [e["name"] for e in doc["entries"]]
        self.assertEqual(names[:3], ["Adir", "with-index", "zdir"])
        self.assertIn(HOSTILE, names)
        self.assertNotIn(b"<", r.body)  # escaped as \u003c
        entry = next(e for e in doc["entries"] if e["name"] == "b.txt")
        self.assertEqual((entry["type"], entry["size"]), ("file", 2))
        self.assertRegex(entry["modified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(doc["count"], 7)

    def test_browser_accept_gets_html(self):
        accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        self.assertEqual(self.fetch("/", accept).header("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(self.fetch("/", "*/*").header("Content-Type"), "text/html; charset=utf-8")

    def test_directory_without_slash_redirects(self):
        r = self.fetch("/zdir?x=1")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("Location"), "/zdir/?x=1")
        out = curl("-sL", "-o", "/dev/null", "-w", "%{http_code} %{url_effective}",
                   f"http://127.0.0.1:{self.server.port}/Adir")
        self.assertEqual(out.stdout.decode(), f"200 http://127.0.0.1:{self.server.port}/Adir/")

    def test_index_html_still_wins_and_files_are_served(self):
        self.assertEqual(self.fetch("/with-index/").body, b"<p>index</p>")
        self.assertEqual(self.fetch("/%3Cscript%3Ealert%281%29").body, b"s")

    def test_dotfiles_and_missing_directories(self):
        self.assertEqual(self.fetch("/.hidden-dir/").status, 404)
        self.assertEqual(self.fetch("/no/such/dir/").status, 404)

    def test_head_and_http_client(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("HEAD", "/zdir/")
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (200, b""))
        self.assertGreater(int(r.getheader("Content-Length")), 0)
        conn.request("GET", "/zdir/", headers={"Accept": "application/json"})
        r = conn.getresponse()
        self.assertEqual([e["name"] for e in json.loads(r.read())["entries"]], ["inner.txt"])
        conn.close()


class ListingWithDotfiles(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing", "--dotfiles", "allow")

    def test_dotfiles_listed_when_allowed(self):
        body = get(self.server.port, "/").body.decode()
        self.assertIn('href="./.env"', body)
        self.assertIn('href="./.hidden-dir/"', body)


class WithoutTheFlag(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path)

    def test_directory_without_index_stays_403(self):
        self.assertEqual(get(self.server.port, "/zdir/").status, 403)
        self.assertEqual(get(self.server.port, "/zdir").status, 301)


class BigDirectory(ServerTestCase):
    COUNT = 20_000

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({}))
        big = cls.root.file("big")
        os.mkdir(big)
        for i in range(cls.COUNT):
            with open(os.path.join(big, f"file-{i:05d}-<&>.txt"), "wb"):
                pass
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing")

    def test_twenty_thousand_entries_as_html(self):
        out = curl("-s", "-D", "-", f"http://127.0.0.1:{self.server.port}/big/")
        head, _, body = out.stdout.partition(b"\r\n\r\n")
        self.assertIn(b"HTTP/1.1 200", head)
        names = names_in_html(body.decode())
        self.assertEqual(len(names), self.COUNT)
        self.assertEqual(names[0], "file-00000-%3C%26%3E.txt")
        self.assertEqual(names, sorted(names))
        self.assertIn(f"{self.COUNT} entries".encode(), body)

    def test_slow_reader_gets_the_same_bytes(self):
        fast = curl("-s", "-H", "Accept: application/json", f"http://127.0.0.1:{self.server.port}/big/").stdout
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window stays small
            s.settimeout(30)
            s.connect(("127.0.0.1", self.server.port))
            s.sendall(b"GET /big/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            chunks = []
            while True:
                chunk = s.recv(2048)
                if not chunk:
                    break
                chunks.append(chunk)
                if len(chunks) % 32 == 0:
                    time.sleep(0.002)  # the server's socket fills and drains many times over
        head, _, slow = b"".join(chunks).partition(b"\r\n\r\n")
        length = int(re.search(rb"\r\nContent-Length: (\d+)", head).group(1))
        self.assertEqual(len(slow), length)
        self.assertEqual(slow, fast)
        self.assertEqual(json.loads(slow)["count"], self.COUNT)

    def test_twenty_thousand_entries_as_json(self):
        r = get(self.server.port, "/big/", {"Accept": "application/json"})
        doc = json.loads(r.body)
        self.assertEqual((doc["count"], len(doc["entries"]), doc["omitted"]), (self.COUNT, self.COUNT, 0))


class OneVaryLine(ServerTestCase):
    """Listings and --spa (Accept), compression (Accept-Encoding), --cors with
    one origin (Origin) and --header 'Vary: ...' share one Vary line (RFC 9110
    §12.5.5), as curl and Python's http.client both see it."""
    ORIGIN = "https://app.example"
    PAGE = "<!DOCTYPE html><title>app</title>" + "<p>a compressible app page</p>\n" * 100

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({**FILES, "app.html": cls.PAGE, "big.js": "let x = 1;\n" * 500}))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing", "--spa", "app.html",
                                            "--cors", cls.ORIGIN, "--header", "Vary: Cookie")

    def vary_lines(self, path, *headers):
        """The Vary field lines of GET `path` as curl prints them."""
        args = [arg for header in headers for arg in ("-H", header)]
        out = curl("-s", "-o", "/dev/null", "-D", "-", *args, f"http://127.0.0.1:{self.server.port}{path}")
        head = out.stdout.decode("latin-1")
        self.assertTrue(head.startswith("HTTP/1.1 "), head)
        return [line for line in head.split("\r\n") if line.lower().startswith("vary:")]

    def test_curl_sees_one_line_for_every_combination(self):
        origin = f"Origin: {self.ORIGIN}"
        cases = [
            (("/", "Accept: application/json", origin), "Accept, Origin, Cookie"),  # listing
            (("/zdir/", "Accept: text/html"), "Accept, Origin, Cookie"),
            (("/users/42", "Accept: text/html", "Accept-Encoding: gzip", origin),  # the SPA page, gzipped
             "Accept, Accept-Encoding, Origin, Cookie"),
            (("/users/42", "Accept: */*"), "Accept, Origin, Cookie"),  # the SPA's 404
            (("/big.js", "Accept-Encoding: br, gzip", origin), "Accept-Encoding, Origin, Cookie"),
            (("/b.txt",), "Origin, Cookie"),
        ]
        for args, expected in cases:
            with self.subTest(request=args):
                self.assertEqual(self.vary_lines(*args), [f"Vary: {expected}"])

    def test_http_client_sees_one_field(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("GET", "/users/42", headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        self.assertEqual(r.msg.get_all("Vary"), ["Accept, Accept-Encoding, Origin, Cookie"])
        conn.close()


def process_tree(pid):
    """`pid` and its descendants (--model fork serves each connection in a child)."""
    pids = [pid]
    for p in pids:
        for task in os.listdir(f"/proc/{p}/task"):
            try:
                with open(f"/proc/{p}/task/{task}/children") as f:
                    pids += [int(c) for c in f.read().split()]
            except OSError:
                pass
    return pids


def private_memory_kib(pid):
    """What the server's processes hold of their own: private resident pages
    (smaps_rollup: heap, and shmem they map) plus the size of every memory file
    (memfd_create(2)) they keep open, which no RSS figure counts unless mapped."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key in ("Private_Clean", "Private_Dirty"):
                        total += int(value.split()[0])
            for fd in os.listdir(f"/proc/{p}/fd"):
                path = f"/proc/{p}/fd/{fd}"
                if os.readlink(path).startswith("/memfd:"):
                    total += os.stat(path).st_size // 1024
        except OSError:  # a child that just exited
            pass
    return total


@skip_under_sanitizers("the RSS bound is for the plain build (shadow memory and quarantine grow RSS)")
class HugeDirectoryMemory(ServerTestCase):
    """A 100,000-entry page (kMaxListingEntries) is about 16 MB; its entries, held
    while it is sent, about 6 MB (short names, each escaped five times over).
    Stalled clients must not make the server hold the page: it grows by less
    than 3/4 of a page per client (it grew by a page each when the page went
    to a memory file first)."""
    COUNT = 100_000
    CLIENTS = 1 if HTTP_MODEL == "iterative" else 2  # iterative serves one connection at a time

    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({}))
        huge = cls.root.file("huge")
        os.mkdir(huge)
        for i in range(cls.COUNT):
            os.close(os.open(os.path.join(huge, f"f{i:06d}<&>\"'.t"), os.O_CREAT | os.O_WRONLY, 0o644))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing")

    def stalled_client(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(30)
        s.connect(("127.0.0.1", self.server.port))
        s.sendall(b"GET /huge/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            received += s.recv(4096)
        head = received.partition(b"\r\n\r\n")[0]
        return s, received, int(re.search(rb"\r\nContent-Length: (\d+)", head).group(1))

    def test_stalled_clients_do_not_make_the_server_hold_the_page(self):
        pid = self.server.proc.pid
        get(self.server.port, "/huge/")  # warm up: the heap reaches its steady size
        before = private_memory_kib(pid)
        clients = [self.stalled_client() for _ in range(self.CLIENTS)]
        time.sleep(0.5)  # the server fills the sockets, then waits for them to drain
        during = private_memory_kib(pid)
        page = clients[0][2]
        self.assertGreater(page, 10_000_000)
        growth = during - before
        print(f"\n{self.CLIENTS} stalled clients of a {page}-byte listing: the server grew by {growth} KiB "
              f"({before} -> {during} KiB private + memory files)")
        self.assertLess(growth * 1024, self.CLIENTS * page * 3 // 4)
        for s, received, length in clients:  # and each still gets the whole page
            with s:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            self.assertEqual(len(received.partition(b"\r\n\r\n")[2]), length)


@unittest.skipUnless(os.path.exists(CHROMIUM), f"{CHROMIUM} is absent (scripts/deps.sh test installs it)")
@unittest.skipIf(HTTP_MODEL != "epoll", "the page a browser sees does not depend on the IO model "
                 "(the rest of this file runs under every model)")
class ListingInChromium(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--dir-listing", stop_timeout=20)
        cls.url = f"http://127.0.0.1:{cls.server.port}/"

    def chromium(self, *args):
        tmp = self.tempdir(prefix="muxd-listing-browser-")
        return tmp, chromium(tempfile.mkdtemp(prefix="profile-", dir=tmp), *args)

    def test_dump_dom_shows_names_as_text_and_runs_nothing(self):
        _, result = self.chromium("--dump-dom", self.url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        dom = result.stdout.decode(errors="replace")
        self.assertIn("<title>Index of /</title>", dom)  # the onerror name did not retitle the page
        self.assertNotIn("pwned</title>", dom)
        self.assertIn("&lt;script&gt;alert(1)</a>", dom)
        self.assertIn("&lt;img src=x onerror=\"document.title='pwned'\"&gt;</a>", dom)
        self.assertNotIn("<script", dom)
        self.assertNotIn("<img", dom)

    def test_screenshot_is_a_png(self):
        tmp, _ = self.chromium("--version")
        shot = os.path.join(tmp, "listing.png")
        _, result = self.chromium(f"--screenshot={shot}", "--window-size=1024,768", self.url)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        self.assertGreater(os.path.getsize(shot), 1000)
        self.assertEqual(png_size(shot), (1024, 768))
        artifacts = os.environ.get("MUXD_ARTIFACT_DIR")
        if artifacts:  # kept for a human to look at, as test_browser does
            os.makedirs(artifacts, exist_ok=True)
            with open(shot, "rb") as src, open(os.path.join(artifacts, "http_dir_listing.png"), "wb") as dst:
                dst.write(src.read())


if __name__ == "__main__":
    unittest.main()
