"""A client killed (SIGKILL) in the middle of an upload leaves nothing: no
file under the target name, no `.muxd-upload-*` temporary. Its kernel closes
the data connection with the same FIN a finished upload ends with; what tells
the server is the control connection, closed by the same death.

The client is a real process killed for real, each time: a child Python that
logs in, starts STOR on a passive data connection, sends part of the data,
says "ready" and waits to die. Uploads that the client does finish (it closes
the data connection and reads the 226, or sends QUIT) are still committed."""
import os
import select
import signal
import socket
import subprocess
import sys
import unittest

from ftp_helpers import ALICE, FtpRoot, command, md5, raw_login, read_reply, start_ftp
from harness import ServerTestCase, wait_until

# argv: host port user password target variant
CLIENT = r"""
import os, select, socket, sys
host, port, user, password, target, variant = sys.argv[1:7]

def reply(reader):
    # One whole reply, multi-line ones included.
    lines = [reader.readline()]
    if lines[0][3:4] == b"-":
        while True:
            lines.append(reader.readline())
            if not lines[-1] or (lines[-1][:3] == lines[0][:3] and lines[-1][3:4] == b" "):
                break
    return b"".join(lines)

control = socket.create_connection((host, int(port)), timeout=30)
reader = control.makefile("rb")
assert reply(reader).startswith(b"220")

def command(line):
    control.sendall(line.encode() + b"\r\n")
    return reply(reader)

command("USER " + user)
assert command("PASS " + password).startswith(b"230")
assert command("TYPE I").startswith(b"200")
answer = command("EPSV")
assert answer.startswith(b"229"), answer
data = socket.create_connection((host, int(answer.split(b"|")[3])), timeout=30)
answer = command("STOR " + target)
assert answer.startswith(b"150"), answer
size = 256 * 1024 if "large" in variant else 4096
data.sendall(os.urandom(size))
if "read" in variant:
    # Wait until the server has read every byte (STAT shows the progress):
    # then the kill's FINs are all it has left to handle, and the race
    # between the data and the control connection is at its tightest.
    for _ in range(1000):
        if f" {size} bytes transferred".encode() in command("STAT"):
            break
if "reset" in variant:
    # A reply left unread in the socket: the kill resets the control
    # connection instead of closing it.
    control.sendall(b"NOOP\r\n")
    assert select.select([control], [], [], 30)[0]
print("ready", flush=True)
sys.stdin.read()  # until killed
"""


class KilledUploadTest(ServerTestCase):
    ROUNDS = 20

    def setUp(self):
        self.root = self.use_resource(FtpRoot())
        self.server = self.start_server(start_ftp, self.root)

    def kill_mid_upload(self, target, variant):
        child = subprocess.Popen(
            [sys.executable, "-c", CLIENT, self.server.host, str(self.server.port), *ALICE, target, variant],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            ready = select.select([child.stdout], [], [], 30)[0] and child.stdout.readline()
            self.assertEqual(ready, b"ready\n", child.stderr.read1(4096) if child.poll() is not None else "")
            # The upload is under way: its temporary exists, the target does not.
            self.assertEqual(len(self.root.leftovers()), 1)
            self.assertFalse(os.path.exists(self.root.path(target)))
        except BaseException:
            child.kill()
            raise
        finally:
            child.kill()  # SIGKILL: the kernel closes both sockets
            child.wait(30)
            child.stdin.close()
            child.stdout.close()
            child.stderr.close()
        self.assertEqual(child.returncode, -signal.SIGKILL)
        # Either way the temporary goes: removed (discarded) or renamed (committed).
        self.assertTrue(wait_until(lambda: not self.root.leftovers(), timeout=15),
                        f"temporary files left: {self.root.leftovers()}")

    def test_killed_client_leaves_nothing(self):
        committed = []
        for i in range(self.ROUNDS):
            target = f"killed-{i}.bin"
            # A FIN or a reset on the control connection (a reply left unread);
            # killed once the server has read all the data, or while it still has some to read.
            self.kill_mid_upload(target, ("close", "reset")[i % 2] + ("-small-read", "-large")[i // 2 % 2])
            if os.path.exists(self.root.path(target)):
                committed.append(target)
        self.assertEqual(committed, [], f"{len(committed)}/{self.ROUNDS} cut uploads were committed")
        self.assertEqual(self.root.leftovers(), [])
        # The server is fine and serves the next client.
        sock, reader = raw_login(self.server, *ALICE)
        with sock, reader:
            self.assertTrue(command(sock, reader, "NOOP").startswith("200"))

    def upload(self, sock, reader, target, payload):
        self.assertTrue(command(sock, reader, "TYPE I").startswith("200"))
        answer = command(sock, reader, "EPSV")
        self.assertTrue(answer.startswith("229"), answer)
        data = socket.create_connection((self.server.host, int(answer.split("|")[3])), timeout=30)
        with data:
            self.assertTrue(command(sock, reader, f"STOR {target}").startswith("150"))
            data.sendall(payload)
        # The data connection is closed; the control connection stays.

    def test_finished_upload_is_committed(self):
        for i in range(10):
            payload = os.urandom(100_000 + i)
            sock, reader = raw_login(self.server, *ALICE)
            with sock, reader:
                self.upload(sock, reader, f"done-{i}.bin", payload)
                self.assertTrue(read_reply(reader).startswith("226"))
                self.assertTrue(command(sock, reader, "QUIT").startswith("221"))
            self.assertEqual(md5(self.root.read(f"done-{i}.bin")), md5(payload))
        self.assertEqual(self.root.leftovers(), [])

    def test_quit_then_close_without_reading_commits(self):
        # The client closes the data connection, sends QUIT and closes the
        # control connection at once: it meant to finish, and did.
        for i in range(10):
            payload = os.urandom(50_000 + i)
            sock, reader = raw_login(self.server, *ALICE)
            with sock, reader:
                self.upload(sock, reader, f"quit-{i}.bin", payload)
                sock.sendall(b"QUIT\r\n")
            self.assertTrue(wait_until(lambda: os.path.exists(self.root.path(f"quit-{i}.bin")), timeout=15),
                            f"round {i}: not committed")
            self.assertEqual(md5(self.root.read(f"quit-{i}.bin")), md5(payload))
        self.assertTrue(wait_until(lambda: not self.root.leftovers(), timeout=15))


if __name__ == "__main__":
    unittest.main()
