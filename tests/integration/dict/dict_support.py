"""Helpers for the `muxd dict` server tests: a small dictionary imported with
`muxd dict-import` into a temporary SQLite file, the server on port 0 (both
listeners), Debian's `dict` client, a raw DICT connection, and UDP lookups."""
import os
import re
import shutil
import socket
import subprocess
import unittest

from harness import Server
from dictkit import dict_import, write_tsv

LONG_MEANING = "长" * 500 + " the end"  # 1,508 bytes: more than the course's client reads

# (word, meaning) of database "test"; "\\n" is a line break in the TSV.
WORDS = [
    ("cat", "a small domesticated feline"),
    ("catalog", "a complete list of things"),
    ("category", "a collection of things sharing a common attribute"),
    ("bat", "nocturnal mouselike mammal"),
    ("dog", "a domesticated canid"),
    ("hot dog", "a frankfurter served in a bun"),
    ("Robert", "a given name"),
    ("dotted", "first line\\n.starts with a dot\\n..two dots\\n."),
    ("long", LONG_MEANING),
    ("'; DROP TABLE words; --", "a word that looks like SQL"),
    ("%", "percent, a LIKE wildcard"),
]
ZH_WORDS = [
    ("猫", "cat"),
    ("中文", "the Chinese language"),
    ("cat", "猫"),
]


def make_database(directory):
    """A SQLite file with databases "test" and "zh"; returns its path."""
    db = os.path.join(directory, "words.sqlite")
    test = write_tsv(os.path.join(directory, "test.tsv"), WORDS, "# description: muxd test words\n")
    zh = write_tsv(os.path.join(directory, "zh.tsv"), ZH_WORDS, "# description: Chinese test words\n")
    done = dict_import(db, test, zh)
    if done.returncode != 0:
        raise AssertionError(f"dict-import failed: {done.stderr}")
    return db


class DictServer(Server):
    """`muxd dict` on port 0 for both listeners: `udp_port` and `dict_port`."""

    def __init__(self, db, *flags, **kwargs):
        args = ["--listen", "127.0.0.1:0", "--dict-listen", "127.0.0.1:0"]
        if "--db-threads" not in flags:
            args += ["--db-threads", "2"]
        if db is not None:
            args += ["--db", db]
        super().__init__("dict", *args, *flags, listeners=2, **kwargs)
        pattern = re.compile(r"muxd dict listening on 127\.0\.0\.1:(\d+) \((udp|dict)\)")
        ports = {m.group(2): int(m.group(1)) for m in map(pattern.search, self.listening_lines) if m}
        self.udp_port, self.dict_port = ports["udp"], ports["dict"]


def require_dict_client():
    if shutil.which("dict") is None:
        raise unittest.SkipTest("Debian's dict client is not installed (apt-get install dict; scripts/deps.sh test)")


def run_dict(server, *args, timeout=30):
    """Debian's dict client against `server`: CompletedProcess (text)."""
    return subprocess.run(["dict", "-h", "127.0.0.1", "-p", str(server.dict_port), *args], capture_output=True,
                          text=True, timeout=timeout)


class DictConnection:
    """A raw DICT connection: send lines, read status lines and text blocks."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.banner = self.line()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        """The next line without its CRLF (str); '' at EOF."""
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                rest, self.buffer = self.buffer, b""
                return rest.decode()
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode()

    def text(self):
        """A text block up to its "." line, dot-stuffing undone."""
        lines = []
        while True:
            line = self.line()
            if line == ".":
                return lines
            lines.append(line[1:] if line.startswith("..") else line)

    def command(self, line):
        """Sends `line`; returns (status line, [text blocks]) up to the final status."""
        self.send(line + "\r\n")
        return self.response()

    def response(self):
        blocks = []
        while True:
            status = self.line()
            code = status[:3]
            if code in ("110", "111", "112", "113", "114", "151", "152"):
                blocks.append((status, self.text()))
            elif code in ("150",):
                blocks.append((status, None))
            else:
                return status, blocks

    def at_eof(self, timeout=10):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True


def udp_lookup(port, word, timeout=5, bufsize=1024):
    """The course's exchange: one datagram out, one back (bytes), or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(word if isinstance(word, bytes) else word.encode(), ("127.0.0.1", port))
        try:
            return sock.recvfrom(bufsize)[0]
        except socket.timeout:
            return None
