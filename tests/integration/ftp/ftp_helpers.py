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
import time
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


def read_reply(reader, timeout=60):
    """One whole reply (multi-line ones included), as text; fails after `timeout` s."""
    first = reader.readline().decode("utf-8", "replace")
    if first[3:4] != "-":
        return first.rstrip("\r\n")
    lines = [first]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = reader.readline().decode("utf-8", "replace")
        lines.append(line)
        if not line or (line[:3] == first[:3] and line[3:4] == " "):
            return "".join(lines)
    raise AssertionError(f"a multi-line reply still unfinished after {timeout} s: {''.join(lines[:5])}...")


def raw_login(server, user="anonymous", password="x", **kwargs):
    sock, reader = raw_control(server, **kwargs)
    command(sock, reader, f"USER {user}")
    assert command(sock, reader, f"PASS {password}").startswith("230")
    return sock, reader


class Vsftpd:
    """vsftpd from Debian, standalone on a free 127.0.0.1 port, anonymous
    only, serving `anon_root` (uploads go to its `upload/`, owned by ftp).
    Use as a context manager; `available()` says whether it can run here."""

    BINARY = "/usr/sbin/vsftpd"

    @classmethod
    def available(cls):
        return os.path.exists(cls.BINARY) and os.geteuid() == 0 and os.path.isdir("/var/run/vsftpd/empty")

    def __init__(self, anon_root, extra_config=""):
        self.base = tempfile.mkdtemp(prefix="muxd-vsftpd-")
        self.port = free_port()
        self.host = "127.0.0.1"
        upload = os.path.join(anon_root, "upload")
        os.makedirs(upload, exist_ok=True)
        shutil.chown(upload, user="ftp")
        os.chmod(anon_root, 0o755)  # vsftpd refuses a writable anonymous root
        config = os.path.join(self.base, "vsftpd.conf")
        with open(config, "w") as f:
            f.write(VSFTPD_CONFIG.format(port=self.port, root=anon_root, log=os.path.join(self.base, "log"))
                    + extra_config)
        self.proc = subprocess.Popen([self.BINARY, config], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_for_port(self.host, self.port, self.proc):
            self.stop()
            raise RuntimeError("vsftpd did not start")

    @property
    def address(self):
        return (self.host, self.port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


VSFTPD_CONFIG = """listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port={port}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root={root}
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_umask=022
seccomp_sandbox=NO
xferlog_enable=NO
syslog_enable=NO
vsftpd_log_file={log}
pasv_enable=YES
pasv_address=127.0.0.1
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(host, port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1) as sock:
                sock.recv(100)  # the 220 greeting
                return True
        except OSError:
            time.sleep(0.05)
    return False
