"""The FTP log (--log FILE|-|off): one line per login, failed login and file
transfer, in the documented format; paths and user names escaped so no name
can forge a line; rotation (mv, then SIGHUP or SIGUSR1) loses nothing and
writes nothing twice."""
import ftplib
import io
import os
import re
import signal
import socket
import struct
import subprocess

from ftp_helpers import (ALICE, FtpRoot, command, login, raw_control, raw_login, read_reply, retr_bytes, session,
                         start_ftp)
from harness import MUXD_BIN, Server, ServerTestCase, wait_until

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
LOGIN = re.compile(rf"^{TIME} (login|login-failed) (\S+) (\S+)$")
TRANSFER = re.compile(rf"^{TIME} transfer (\d+\.\d\d\d) (\S+) (\d+) (\S+) ([io]) (\S+) ([ci])$")
STOP_BOUND = 20


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="ascii") as f:  # escaped: plain ASCII whatever the names
        return f.read().splitlines()


def logins(log_lines):
    """(kind, ip, user) of each login line."""
    return [LOGIN.match(line).groups() for line in log_lines if LOGIN.match(line)]


def transfers(log_lines):
    """(seconds, ip, bytes, path, direction, user, status) of each transfer line."""
    out = []
    for line in log_lines:
        match = TRANSFER.match(line)
        if match:
            seconds, ip, size, path, direction, user, status = match.groups()
            out.append((float(seconds), ip, int(size), path, direction, user, status))
    return out


def passive_port(sock, reader):
    reply = command(sock, reader, "EPSV")
    return int(re.search(r"\(\|\|\|(\d+)\|\)", reply).group(1))


def reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class LogLinesTest(ServerTestCase):
    """Each kind of event, checked line by line after the server stopped (the
    last lines are flushed on the way out)."""

    def setUp(self):
        self.root = self.use_resource(FtpRoot())
        with open(self.root.path("huge.bin"), "wb") as f:
            f.truncate(256 << 20)  # sparse: more than the socket buffers hold
        self.log = os.path.join(self.root.base, "ftp.log")
        self.server = self.start_server(start_ftp, self.root, "--log", self.log)

    def stop(self):
        self.assertEqual(self.server.stop(STOP_BOUND), 0, self.server.stderr())
        log_lines = lines(self.log)
        for line in log_lines:
            self.assertTrue(LOGIN.match(line) or TRANSFER.match(line), f"not in the format: {line!r}")
        return log_lines

    def test_login_failed_login_download_upload(self):
        with session(self.server) as ftp:
            self.assertEqual(retr_bytes(ftp, "hello.txt"), b"hello, world\n")
            self.assertEqual(retr_bytes(ftp, "名字 with spaces.txt"), "unicode ✓\n".encode())
            ftp.retrlines("LIST", lambda line: None)  # listings are not logged
        with self.assertRaisesRegex(ftplib.error_perm, "^530"):
            login(self.server, ALICE[0], "wrong")
        with session(self.server, *ALICE) as ftp:
            ftp.storbinary("STOR docs/up load.bin", io.BytesIO(b"x" * 12345))
            self.assertEqual(retr_bytes(ftp, "random.bin", rest=100_000), self.root.read("random.bin")[100_000:])
        log_lines = self.stop()
        # Each worker buffers its own lines: the order holds within a worker only.
        self.assertCountEqual(logins(log_lines), [("login", "127.0.0.1", "anonymous"),
                                                  ("login-failed", "127.0.0.1", "alice"),
                                                  ("login", "127.0.0.1", "alice")])
        found = transfers(log_lines)
        self.assertCountEqual([t[1:] for t in found], [
            ("127.0.0.1", 13, "/hello.txt", "o", "anonymous", "c"),
            ("127.0.0.1", 12, "/\\xE5\\x90\\x8D\\xE5\\xAD\\x97\\x20with\\x20spaces.txt", "o", "anonymous", "c"),
            ("127.0.0.1", 12345, "/docs/up\\x20load.bin", "i", "alice", "c"),
            ("127.0.0.1", 200_000, "/random.bin", "o", "alice", "c"),
        ])
        for seconds, *_ in found:
            self.assertLess(seconds, 60)
        self.assertEqual(len(log_lines), 7)  # one line an event, nothing else

    def test_aborted_and_cut_transfers_are_incomplete(self):
        # A download stalled by a client that stops reading, then ABOR.
        sock, reader = raw_login(self.server)
        port = passive_port(sock, reader)
        data = socket.create_connection((self.server.host, port), timeout=10)
        data.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        with sock, reader, data:
            sock.sendall(b"RETR huge.bin\r\n")
            self.assertTrue(read_reply(reader).startswith("150"))
            self.assertGreater(len(data.recv(65536)), 0)
            self.assertTrue(command(sock, reader, "ABOR").startswith("426"))
            self.assertTrue(read_reply(reader).startswith("226"))
        # An upload whose data connection is reset midway: 426.
        sock, reader = raw_login(self.server, *ALICE)
        with sock, reader:
            port = passive_port(sock, reader)
            upload = socket.create_connection((self.server.host, port), timeout=10)
            self.assertTrue(command(sock, reader, "STOR cut.bin").startswith("150"))
            upload.sendall(os.urandom(100_000))
            reset(upload)
            self.assertTrue(read_reply(reader).startswith("426"))
        # A client that vanishes in the middle of an upload.
        sock, reader = raw_login(self.server, *ALICE)
        port = passive_port(sock, reader)
        upload = socket.create_connection((self.server.host, port), timeout=10)
        self.assertTrue(command(sock, reader, "STOR vanished.bin").startswith("150"))
        upload.sendall(os.urandom(100_000))
        self.assertTrue(wait_until(lambda: len(self.root.leftovers()) == 1))
        reader.close()
        reset(sock)
        self.assertTrue(wait_until(lambda: self.root.leftovers() == []))
        upload.close()
        found = transfers(self.stop())
        self.assertCountEqual([(t[3], t[4], t[5], t[6]) for t in found], [
            ("/huge.bin", "o", "anonymous", "i"),
            ("/cut.bin", "i", "alice", "i"),
            ("/vanished.bin", "i", "alice", "i"),
        ])
        self.assertLess([t[2] for t in found if t[3] == "/huge.bin"][0], 256 << 20)
        self.assertFalse(os.path.exists(self.root.path("cut.bin")))
        self.assertFalse(os.path.exists(self.root.path("vanished.bin")))

    def test_server_stop_logs_an_upload_in_flight_incomplete(self):
        sock, reader = raw_login(self.server, *ALICE)
        port = passive_port(sock, reader)
        upload = socket.create_connection((self.server.host, port), timeout=10)
        with sock, reader, upload:
            self.assertTrue(command(sock, reader, "STOR stopped.bin").startswith("150"))
            upload.sendall(os.urandom(50_000))
            self.assertTrue(wait_until(lambda: len(self.root.leftovers()) == 1))
            log_lines = self.stop()
        self.assertEqual([(t[3], t[4], t[5], t[6]) for t in transfers(log_lines)],
                         [("/stopped.bin", "i", "alice", "i")])
        self.assertEqual(self.root.leftovers(), [])

    def test_names_cannot_forge_lines(self):
        sock, reader = raw_control(self.server)
        with sock, reader:
            forged = "x\x1b[2J\t2026-01-01T00:00:00Z login 10.0.0.1 root\\"
            self.assertTrue(command(sock, reader, f"USER {forged}").startswith("331"))
            self.assertTrue(command(sock, reader, "PASS nope").startswith("530"))
        log_lines = self.stop()
        self.assertEqual(log_lines, [log_lines[0]])
        self.assertEqual(logins(log_lines), [
            ("login-failed", "127.0.0.1",
             "x\\x1B[2J\\x092026-01-01T00:00:00Z\\x20login\\x2010.0.0.1\\x20root\\x5C")])

    def test_lines_are_flushed_within_a_second_or_so(self):
        with session(self.server) as ftp:
            retr_bytes(ftp, "hello.txt")
            # Written while the server runs: no need to wait for its exit.
            self.assertTrue(wait_until(lambda: len(lines(self.log)) == 2, timeout=5), lines(self.log))


class LogDestinationTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(FtpRoot())

    def run_server(self, *args):
        server = Server("ftp", "--root", self.root.root, "--listen", "127.0.0.1:0", "--workers", "1", *args,
                        stdout=subprocess.PIPE)
        self.addCleanup(server.proc.stdout.close)
        self.addCleanup(server.stop)
        with session(server) as ftp:
            retr_bytes(ftp, "hello.txt")
        self.assertEqual(server.stop(STOP_BOUND), 0, server.stderr())
        return server.proc.stdout.read().decode("ascii").splitlines()

    def test_stdout_by_default(self):
        out = self.run_server()
        self.assertEqual(logins(out), [("login", "127.0.0.1", "anonymous")])
        self.assertEqual([t[3:] for t in transfers(out)], [("/hello.txt", "o", "anonymous", "c")])

    def test_off(self):
        self.assertEqual(self.run_server("--log", "off"), [])
        self.assertEqual(self.run_server("--log", os.path.join(self.root.base, "file.log")), [])
        self.assertEqual(len(lines(os.path.join(self.root.base, "file.log"))), 2)

    def test_unwritable_log_stops_the_start(self):
        result = subprocess.run([MUXD_BIN, "ftp", "--root", self.root.root, "--listen", "127.0.0.1:0",
                                 "--log", os.path.join(self.root.base, "missing", "ftp.log")],
                                capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"cannot open log", result.stderr)


class LogRotationTest(ServerTestCase):
    """As logrotate does it: move the log away, then SIGHUP (or SIGUSR1); the
    server writes on into a fresh file at the old path."""

    def setUp(self):
        self.root = self.use_resource(FtpRoot())
        for i in range(20):
            self.root.write(f"f{i}.txt", f"file {i}\n".encode())
        self.log = os.path.join(self.root.base, "ftp.log")

    def rotate(self, signum):
        server = self.start_server(start_ftp, self.root, "--log", self.log)  # two workers
        with session(server) as kept:  # a client that lives across the rotation
            retr_bytes(kept, "f0.txt")
            for i in range(1, 10):
                with session(server) as ftp:
                    retr_bytes(ftp, f"f{i}.txt")
            # Lines are written at least once a second: wait for these, so the
            # old file has something, then rotate.
            self.assertTrue(wait_until(lambda: len(lines(self.log)) == 20, timeout=10), lines(self.log))
            os.rename(self.log, self.log + ".1")
            server.signal(signum)
            # The reopen is done once the new file exists.
            self.assertTrue(wait_until(lambda: os.path.exists(self.log), timeout=10), server.stderr())
            for i in range(10, 19):
                with session(server) as ftp:
                    retr_bytes(ftp, f"f{i}.txt")
            retr_bytes(kept, "f19.txt")
        self.assertEqual(server.stop(STOP_BOUND), 0, server.stderr())
        old, new = lines(self.log + ".1"), lines(self.log)
        paths = [t[3] for t in transfers(old + new)]
        self.assertEqual(sorted(paths), sorted(f"/f{i}.txt" for i in range(20)))  # each once
        self.assertEqual(len(logins(old + new)), 19)
        self.assertEqual(len(old + new), 39)  # nothing else, nothing twice
        self.assertEqual(len(old), 20)  # lines logged after the reopen went to the new file
        self.assertIn("/f19.txt", "\n".join(new))

    def test_sighup_reopens_the_log(self):
        self.rotate(signal.SIGHUP)

    def test_sigusr1_reopens_the_log(self):
        self.rotate(signal.SIGUSR1)
