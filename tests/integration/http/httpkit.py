"""Shared helpers for the `muxd http` integration tests.

- `SiteRoot`: a temporary document root holding the files a test needs.
- `start_http`: starts `muxd http` on 127.0.0.1 port 0 (access log off unless asked).
- `RawConnection`: a plain socket speaking bytes, because http.client normalises
  what it sends and hides what it receives; it parses responses itself
  (RFC 9112 §6.3 message body length) so tests see exactly what the server sent.
- `curl`: runs the curl binary, never through a proxy.
"""
import hashlib
import os
import socket
import subprocess
import tempfile
import time
import unittest

from harness import MUXD_BIN, SOURCE_DIR, Server, wait_until  # noqa: F401  (re-exported)

# Generous upper bound for "the server answered / closed and did not hang".
HANG_BOUND = 10.0
MIB = 1024 * 1024


# --- document roots ---------------------------------------------------------

def write_tree(base, files):
    """Creates files under `base`: {"dir/name": bytes or str}."""
    for rel, content in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        with open(path, "wb") as f:
            f.write(data)


def write_random_file(path, size):
    """A file of `size` random bytes; returns its sha256 hex digest."""
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for offset in range(0, size, 4 * MIB):
            chunk = os.urandom(min(4 * MIB, size - offset))
            f.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def random_bytes(size, seed=1):
    """Deterministic pseudo-random bytes (small sizes)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class SiteRoot:
    """A temporary directory tree: `SiteRoot({"a.txt": "hello"})`, use `.path`, `.file(rel)`.

    The tree's top is world-readable (0755) so a server demoted to `nobody` can serve it.
    """

    def __init__(self, files=None):
        self._tmp = tempfile.TemporaryDirectory(prefix="muxd-http-")
        self.base = self._tmp.name
        os.chmod(self.base, 0o755)
        self.path = os.path.join(self.base, "root")
        os.mkdir(self.path)
        os.chmod(self.path, 0o755)
        write_tree(self.path, files or {})

    def file(self, rel):
        return os.path.join(self.path, rel)

    def cleanup(self):
        for dirpath, dirnames, _ in os.walk(self.base):
            for name in dirnames:  # undo chmod 000 so cleanup can descend
                full = os.path.join(dirpath, name)
                if not os.path.islink(full):
                    os.chmod(full, 0o755)
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


# --- the server ---------------------------------------------------------------

# The IO model under test: ctest runs this suite once per `muxd http --model`
# (tests/integration/CMakeLists.txt sets MUXD_HTTP_MODEL); epoll is the default.
HTTP_MODEL = os.environ.get("MUXD_HTTP_MODEL", "epoll")


def skip_for_models(reason, *models):
    """Skips a test (or class) under the named models only: for what a model cannot do by
    its nature (`iterative` serves one client at a time), never to hide a bug."""
    return unittest.skipIf(HTTP_MODEL in models, f"--model {HTTP_MODEL}: {reason}")


def start_http(root=None, *args, access_log="off", **kwargs):
    """`muxd http --listen 127.0.0.1:0 [--root root] --access-log off ARGS...` (waits until ready)."""
    cmd = ["--listen", "127.0.0.1:0"]
    if root is not None:
        cmd += ["--root", root]
    if access_log is not None:
        cmd += ["--access-log", access_log]
    if HTTP_MODEL != "epoll":
        cmd += ["--model", HTTP_MODEL]
    return Server("http", *cmd, *args, **kwargs)


# --- responses and raw connections -------------------------------------------

class ConnectionClosed(Exception):
    """The server closed the connection (EOF or reset) where a response was expected."""


class Response:
    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version, self.status, self.reason = version, status, reason
        self.headers = headers  # [(name, value)] in order, names as sent
        self.body = body
        self.raw_head = raw_head

    def header(self, name):
        """The first value of header `name` (case-insensitive), or None."""
        values = self.header_list(name)
        return values[0] if values else None

    def header_list(self, name):
        return [v for (n, v) in self.headers if n.lower() == name.lower()]

    def tokens(self, name):
        """A comma-separated header as lower-case tokens (all its field lines)."""
        return [t.strip().lower() for v in self.header_list(name) for t in v.split(",") if t.strip()]

    def __str__(self):
        body = self.body if len(self.body) <= 200 else self.body[:200] + b"..."
        return f"{self.raw_head.decode('latin-1')!r} + body[{len(self.body)}] {body!r}"


def _no_body(method, status):
    # RFC 9112 §6.3 rule 1: HEAD responses, 1xx, 204 and 304 never have content.
    return method == "HEAD" or 100 <= status < 200 or status in (204, 304)


class RawConnection:
    """A blocking TCP connection to the server with its own receive buffer."""

    def __init__(self, port, timeout=HANG_BOUND, rcvbuf=None, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:  # must be set before connect to shrink the window
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.buf = bytearray()
        self.received_total = 0
        self.after_close = b""  # what closed_within() read before the close

    def send(self, data):
        self.sock.sendall(data.encode("latin-1") if isinstance(data, str) else data)

    def _fill(self, size=65536):
        """Reads more bytes; raises ConnectionClosed on EOF or reset."""
        try:
            chunk = self.sock.recv(size)
        except (ConnectionResetError, BrokenPipeError) as exc:
            raise ConnectionClosed(str(exc)) from exc
        if not chunk:
            raise ConnectionClosed("EOF")
        self.buf += chunk
        self.received_total += len(chunk)

    def read_some(self, size=65536):
        """Reads at least one more byte (up to `size`) into the buffer; returns how many."""
        before = len(self.buf)
        self._fill(size)
        return len(self.buf) - before

    def read_exactly(self, n):
        """The next `n` bytes (buffered ones first)."""
        return self._take(n)

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def _take_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        end = self.buf.index(b"\r\n")
        line = bytes(self.buf[:end])
        del self.buf[: end + 2]
        return line

    def read_head(self):
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
        except ConnectionClosed as exc:
            raise ConnectionClosed(f"{exc} before a complete response head; got {self.buf[:300]!r}") from None
        end = self.buf.index(b"\r\n\r\n")
        head = bytes(self.buf[:end])
        del self.buf[: end + 4]
        return head

    def read_response(self, method="GET"):
        """Reads one complete response to a request made with `method`."""
        head = self.read_head()
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].decode("latin-1").partition(" ")
        status_text, _, reason = rest.partition(" ")
        status = int(status_text)
        headers = []
        for line in lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        response = Response(version, status, reason, headers, b"", head + b"\r\n\r\n")
        response.body = self._read_body(method, response)
        return response

    def _read_body(self, method, response):
        if _no_body(method, response.status):
            return b""
        if "chunked" in response.tokens("transfer-encoding"):
            return self._read_chunked()
        length = response.header("content-length")
        if length is not None:
            return self._take(int(length))
        return self.read_until_closed()

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self._take_line().split(b";")[0], 16)
            if size == 0:
                while self._take_line():  # trailer section, then the empty line
                    pass
                return body
            body += self._take(size)
            self._take(2)

    def read_until_closed(self, timeout=HANG_BOUND):
        """Everything until EOF/reset (raises socket.timeout if the server keeps it open)."""
        deadline = time.monotonic() + timeout
        previous = self.sock.gettimeout()
        try:
            while True:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    self._fill()
                except ConnectionClosed:
                    data = bytes(self.buf)
                    self.buf.clear()
                    return data
        finally:
            self.sock.settimeout(previous)

    def closed_within(self, timeout=HANG_BOUND):
        """True when the server closes (EOF or reset) within `timeout`; keeps what it read in .after_close."""
        try:
            self.after_close = self.read_until_closed(timeout)
            return True
        except (socket.timeout, TimeoutError):
            return False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exchange(port, request, method=None, wait_for_close=False):
    """Sends one raw request on a new connection and returns (response, closed_after).

    With `wait_for_close`, `closed_after` says whether the server closed the connection after the
    response (waiting up to HANG_BOUND); otherwise it is None.
    """
    if method is None:
        method = request.split(b" " if isinstance(request, bytes) else " ", 1)[0]
        method = method.decode("latin-1") if isinstance(method, bytes) else method
    with RawConnection(port) as conn:
        conn.send(request)
        response = conn.read_response(method)
        return response, (conn.closed_within(HANG_BOUND) if wait_for_close else None)


def responses_until_close(port, request, method="GET", timeout=6 * HANG_BOUND):
    """All responses to `request` on a new connection, and whether the server then closed it
    (False when it went quiet for HANG_BOUND, or was still answering after `timeout` seconds)."""
    responses = []
    deadline = time.monotonic() + timeout
    with RawConnection(port) as conn:
        conn.send(request)
        try:
            while time.monotonic() < deadline:
                responses.append(conn.read_response(method))
        except ConnectionClosed:
            return responses, True
        except (socket.timeout, TimeoutError):
            pass
        return responses, False


def get(port, path, headers=None, version="HTTP/1.1", method="GET"):
    """One request on a new connection with `Connection: close`; returns the Response."""
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with RawConnection(port) as conn:
        conn.send("\r\n".join(lines) + "\r\n\r\n")
        return conn.read_response(method)


def connection_refused(port):
    """True when nothing accepts connections on 127.0.0.1:port any more."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


# --- clients nobody here wrote -------------------------------------------------

def curl(*args, timeout=60):
    """Runs curl (never through a proxy); returns CompletedProcess with bytes stdout/stderr."""
    cmd = ["curl", "--silent", "--show-error", "--noproxy", "*", "--max-time", str(timeout), *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout + 10)
