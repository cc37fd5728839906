"""Helpers for the chat integration tests: a member is one UDP socket on 127.0.0.1.

Absence is proven without sleeping: `sync()` repeats the member's LOGIN, which
the server answers with OK; the server handles datagrams in the order they
arrive, so anything it would have sent this member because of earlier
datagrams arrives before that OK.
"""
import select
import socket
import subprocess
import time

from harness import Server

TIMEOUT = 10


def start_chat(*args, stdin=subprocess.DEVNULL):
    return Server("chat", "--listen", "127.0.0.1:0", *args, stdin=stdin)


class Member:
    def __init__(self, server_address, name=None):
        self.server = server_address
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(TIMEOUT)

    @property
    def address(self):
        return self.sock.getsockname()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendto(data, self.server)

    def recv_bytes(self):
        data, sender = self.sock.recvfrom(65536)
        assert sender == self.server, f"datagram from {sender}, not the server"
        return data

    def recv(self):
        return self.recv_bytes().decode("utf-8")  # strict: the server only sends valid UTF-8

    def login(self, name=None):
        """Sends LOGIN and returns the answer (the first datagram back)."""
        if name is not None:
            self.name = name
        self.send(f"LOGIN {self.name}")
        return self.recv()

    def enter(self, name=None):
        answer = self.login(name)
        assert answer == "OK", f"LOGIN {self.name}: {answer}"
        return self

    def say(self, text):
        self.send(f"CHAT {self.name} {text}")

    def exit(self):
        self.send(f"EXIT {self.name}")

    def sync(self, timeout=TIMEOUT):
        """Everything that arrives before the answer to a repeated LOGIN (within `timeout` s)."""
        self.send(f"LOGIN {self.name}")
        lines = []
        deadline = time.monotonic() + timeout
        previous = self.sock.gettimeout()
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                line = self.recv()
            except (socket.timeout, TimeoutError):
                break
            finally:
                self.sock.settimeout(previous)
            if line == "OK":
                return lines
            lines.append(line)
        raise AssertionError(f"{self.name}: no OK to a repeated LOGIN within {timeout} s; got {lines[:20]}")

    def pending(self, limit=10000):
        """What already waits in the socket, without waiting for more (at most `limit` lines)."""
        lines = []
        while len(lines) < limit and select.select([self.sock], [], [], 0)[0]:
            lines.append(self.recv())
        return lines

    def close(self):
        self.sock.close()

    def __del__(self):
        self.sock.close()


def room(server, *names):
    """Members who entered in order; each has read the notices of later arrivals."""
    members = []
    for name in names:
        member = Member(server.address).enter(name)
        for earlier in members:
            assert earlier.recv() == f"{name} joined the room"
        members.append(member)
    return members
