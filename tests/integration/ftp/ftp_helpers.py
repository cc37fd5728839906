"""Shared helpers for the ftp integration tests: a scratch root with files,
a users file, a running `muxd ftp`, and ftplib logins."""
import contextlib
import crypt
import ftplib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import warnings

from harness import Server

warnings.filterwarnings("ignore", category=DeprecationWarning)

ALICE = ("alice", "wonderland")


def sha512_crypt(password):
    # Python 3.11's crypt is deprecated but present; fall back to openssl.
    try:
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
    except Exception:
        return subprocess.check_output(["openssl", "passwd", "-6", password], text=True).strip()


def md5(data):
    return hashlib.md5(data).hexdigest()


def file_md5(path):
    with open(path, "rb") as f:
        return md5(f.read())


class FtpRoot:
    """A temporary directory tree to serve, with a users file beside it."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="muxd-ftp-it-")
        self.root = os.path.join(self.base, "root")
        self.outside = os.path.join(self.base, "outside")
        os.makedirs(os.path.join(self.root, "docs"))
        os.makedirs(self.outside)
        self.write("hello.txt", b"hello, world\n")
        self.write("docs/readme.md", b"# docs\n")
        self.write("名字 with spaces.txt", "unicode ✓\n".encode())
        self.write("random.bin", os.urandom(300_000))
        with open(os.path.join(self.outside, "secret"), "w") as f:
            f.write("outside the root\n")
        os.symlink(os.path.join(self.outside, "secret"), os.path.join(self.root, "escape"))
        self.users_file = os.path.join(self.base, "users")
        with open(self.users_file, "w") as f:
            f.write(f"# test accounts\n{ALICE[0]}:{sha512_crypt(ALICE[1])}\n")

    def path(self, relative):
        return os.path.join(self.root, relative)

    def write(self, relative, data):
        with open(self.path(relative), "wb") as f:
            f.write(data)

    def read(self, relative):
        with open(self.path(relative), "rb") as f:
            return f.read()

    def leftovers(self):
        """Upload temporaries anywhere under the root (there should be none)."""
        found = []
        for directory, _, files in os.walk(self.root):
            found += [os.path.join(directory, f) for f in files if f.startswith(".muxd-upload-")]
        return found

    def cleanup(self):
        shutil.rmtree(self.base, ignore_errors=True)


def start_ftp(root, *args):
    """`muxd ftp` on 127.0.0.1:0 serving `root` (an FtpRoot)."""
    return Server("ftp", "--root", root.root, "--listen", "127.0.0.1:0", "--users", root.users_file,
                  "--workers", "2", *args)


def login(server, user="anonymous", password="guest@example.com", timeout=30):
    ftp = ftplib.FTP()
    try:
        ftp.connect(server.host, server.port, timeout=timeout)
        ftp.login(user, password)
    except BaseException:
        ftp.close()
        raise
    return ftp


@contextlib.contextmanager
def session(server, user="anonymous", password="guest@example.com"):
    ftp = login(server, user, password)
    try:
        yield ftp
    finally:
        with contextlib.suppress(Exception):
            ftp.quit()
        ftp.close()


def retr_bytes(ftp, name, rest=None):
    chunks = []
    ftp.retrbinary(f"RETR {name}", chunks.append, rest=rest)
    return b"".join(chunks)


# Bare control connections, for what ftplib will not send.


def raw_control(server, timeout=10, source="127.0.0.1"):
    """A bare control connection (socket, reader) after the 220 greeting."""
    sock = socket.create_connection(server.address, timeout=timeout, source_address=(source, 0))
    reader = sock.makefile("rb")
    assert reader.readline().startswith(b"220")
    return sock, reader


def command(sock, reader, line):
    sock.sendall(line.encode("utf-8", "surrogateescape") + b"\r\n")
    return read_reply(reader)


def read_reply(reader):
    """One whole reply (multi-line ones included), as text."""
    first = reader.readline().decode("utf-8", "replace")
    if first[3:4] != "-":
        return first.rstrip("\r\n")
    lines = [first]
    while True:
        line = reader.readline().decode("utf-8", "replace")
        lines.append(line)
        if not line or (line[:3] == first[:3] and line[3:4] == " "):
            return "".join(lines)


def raw_login(server, user="anonymous", password="x", **kwargs):
    sock, reader = raw_control(server, **kwargs)
    command(sock, reader, f"USER {user}")
    assert command(sock, reader, f"PASS {password}").startswith("230")
    return sock, reader
