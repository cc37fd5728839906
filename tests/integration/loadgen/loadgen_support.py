"""Helpers for the `muxd bench` integration tests.

- `bench(...)`: runs `muxd bench` to its end and returns (status, stdout, stderr).
- `start_http(root, access_log)`: `muxd http` on port 0, one worker, logging each request.
- `ScriptedServer`: a Python socket server that answers as a test scripts it
  (valid responses, junk, nothing at all), counting connections and requests.
"""
import json
import os
import socket
import subprocess
import threading

from harness import MUXD_BIN, Server

# A generous bound for a bench run of a few seconds to finish (not an assertion on speed).
RUN_BOUND = 60


def bench(*args, timeout=RUN_BOUND, stderr=subprocess.PIPE):
    proc = subprocess.run([MUXD_BIN, "bench", *[str(a) for a in args]], stdout=subprocess.PIPE,
                          stderr=stderr, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace") if proc.stderr is not None else ""
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err


def bench_json(*args, **kwargs):
    status, out, err = bench(*args, "--json", **kwargs)
    return status, json.loads(out), err


def start_http(root, access_log="off", *args):
    return Server("http", "--listen", "127.0.0.1:0", "--root", root, "--workers", "1",
                  "--access-log", access_log, *args)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def closed_port():
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class ScriptedServer:
    """Accepts on 127.0.0.1 port 0; each connection runs `answer(conn, server)` in a thread.

    `answer` gets the socket and this server; `requests(conn)` yields each request head
    the client sends. Counts connections and request heads.
    """

    def __init__(self, answer):
        self.answer = answer
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1024)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.requests = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            self.answer(conn, self)
        except OSError:
            pass
        finally:
            conn.close()

    def requests_of(self, conn):
        """Yields (head, more) for each request head read from `conn`; `more` is how many
        further complete heads were already buffered behind it (pipelining)."""
        buffered = b""
        while True:
            while b"\r\n\r\n" not in buffered:
                data = conn.recv(65536)
                if not data:
                    return
                buffered += data
            head, buffered = buffered.split(b"\r\n\r\n", 1)
            with self.lock:
                self.requests += 1
            yield head, buffered.count(b"\r\n\r\n")

    def stop(self):
        self.stopping = True
        self.listener.close()
        with self.lock:
            for conn in self.open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    cleanup = stop
