"""Helpers for the `muxd qa` integration tests.

- `start_qa`: `muxd qa` on 127.0.0.1 port 0 with one worker unless told otherwise.
- `course_ask`: one question exactly as the course's client asks it: connect, send the
  UTF-8 bytes without a newline, one recv(1024), close.
- `Client`: one TCP connection in line mode, which reads each answer up to its line end,
  so a test sees what the server sent and nothing is left unread by accident.
"""
import socket

from harness import Server, wait_until  # noqa: F401  (re-exported)

TIMEOUT = 10.0  # generous bound for "the server answered / closed and did not hang"
DEFAULT = "人家还小，不知道。"
COURSE = {"你好": "你好啊！", "叫什么": "我叫小美", "男生女生": "我是机器人啦", "你几岁": "我2岁啦"}


def start_qa(*args, listen="127.0.0.1:0", workers=1, **kwargs):
    return Server("qa", "--listen", listen, "--workers", workers, *args, **kwargs)


def course_ask(address, question, timeout=TIMEOUT):
    """The course's chat(msg): its answer, decoded."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.send(question.encode())
        return sock.recv(1024).decode()


class Client:
    def __init__(self, address, timeout=TIMEOUT):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.pending = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def line(self):
        """The next answer line, decoded, with its line end."""
        while b"\n" not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed in the middle of an answer: {self.pending!r}")
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return (line + b"\n").decode()

    def ask(self, question):
        self.send(question + "\n")
        return self.line()

    def read_until_closed(self, timeout=TIMEOUT):
        """Everything the server still sends, until it closes (EOF); fails on a reset or a hang."""
        self.sock.settimeout(timeout)
        data = self.pending
        while chunk := self.sock.recv(65536):
            data += chunk
        self.pending = b""
        return data

    def closed_within(self, seconds):
        """True when the server closes the connection (EOF or reset) within `seconds`, sending nothing."""
        self.sock.settimeout(seconds)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
