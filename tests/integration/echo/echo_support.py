"""Helpers for the `muxd echo` integration tests.

- `start_echo`: `muxd echo` on 127.0.0.1 port 0 with one worker unless told otherwise.
- `Client`: one TCP connection speaking bytes, which reads replies by their exact
  length, so a test sees what the server sent and nothing is left unread by accident.
- `STAMP`: the `[ctime()]: ` prefix of every reply (28 bytes while years have 4 digits).
"""
import re
import socket
import time

from harness import Server, wait_until  # noqa: F401  (re-exported)

TIMEOUT = 10.0  # generous bound for "the server answered / closed and did not hang"
STAMP = re.compile(rb"\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                   rb" [ 123]\d \d\d:\d\d:\d\d \d{4}\]: ")
STAMP_LEN = 28


def start_echo(*args, listen="127.0.0.1:0", workers=1, **kwargs):
    return Server("echo", "--listen", listen, "--workers", workers, *args, **kwargs)


def stamp_time(stamp):
    """The epoch seconds a `[ctime()]: ` prefix names, read in this process's time zone."""
    return time.mktime(time.strptime(stamp.decode()[1:-3], "%a %b %d %H:%M:%S %Y"))


class Client:
    def __init__(self, address, timeout=TIMEOUT):
        self.sock = socket.create_connection(address, timeout=timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def read_exactly(self, size):
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise AssertionError(f"connection closed after {len(data)} of {size} bytes: {data!r}")
            data += chunk
        return data

    def reply(self, message):
        """Reads the reply to `message` (bytes or str); checks it is `[stamp]: message`; returns the stamp."""
        message = message.encode() if isinstance(message, str) else message
        data = self.read_exactly(STAMP_LEN + len(message))
        stamp = STAMP.fullmatch(data[:STAMP_LEN])
        if stamp is None or data[STAMP_LEN:] != message:
            raise AssertionError(f"expected [ctime()]: {message!r}, got {data!r}")
        return data[:STAMP_LEN]

    def ask(self, message):
        self.send(message)
        return self.reply(message)

    def read_until_closed(self, timeout=TIMEOUT):
        """Everything the server still sends, until it closes (EOF); fails on a reset or a hang."""
        self.sock.settimeout(timeout)
        data = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        return data

    def closed_within(self, seconds):
        """True when the server closes the connection (EOF or reset) within `seconds`,
        sending nothing more."""
        self.sock.settimeout(seconds)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def connection_refused(port):
    """True when nothing accepts connections on 127.0.0.1:port any more."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
