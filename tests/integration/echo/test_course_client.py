"""The course's own client (course_client.py, tsTclnt.py) against muxd, unchanged; and
muxd's replies next to those of the course's own server (course_server.py)."""
import calendar
import os
import re
import socket
import subprocess
import sys
import time
import unittest

from echo_support import STAMP, TIMEOUT, start_echo, wait_until
from harness import ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
# What a user types: ASCII, Chinese (the client sends GBK), punctuation; an empty line ends it.
TYPED = ["hello", "你好，世界", "a message with  two spaces and [brackets]: too"]
# A fixed zone without zoneinfo files (POSIX TZ: eight hours east of UTC), for both servers.
ZONE = "CST-8"


def run_course_client(port, lines, env=None):
    """Runs the client to its end (an empty line makes it exit); returns its stdout.
    Its terminal speaks UTF-8; on the wire it sends and expects GBK."""
    stdin = "".join(line + "\n" for line in lines) + "\n"
    env = dict(env or os.environ, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-u", os.path.join(HERE, "course_client.py"), "127.0.0.1", str(port)],
                            input=stdin.encode(), capture_output=True, timeout=TIMEOUT * 3, env=env)
    if result.returncode != 0:
        raise AssertionError(f"the course's client exited with {result.returncode}: {result.stderr.decode()}")
    return result.stdout.decode()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def mask(transcript):
    return STAMP.sub(b"[TIME]: ", transcript.encode()).decode()


class CourseClientWorksUnchanged(ServerTestCase):
    def test_a_whole_session(self):
        with start_echo() as server:
            before = time.time()
            output = run_course_client(server.port, TYPED)
            after = time.time()
        # The client prints its prompt, then each reply as one line; the last prompt is
        # answered by the empty line, which ends it.
        replies = output.split(">>>>")
        self.assertEqual(replies[0], "", output)
        self.assertEqual(replies[-1], "", output)
        self.assertEqual(len(replies), len(TYPED) + 2, output)
        for typed, shown in zip(TYPED, replies[1:-1]):
            match = re.fullmatch(r"(\[[^]]*\]: )(.*)\n", shown)
            self.assertIsNotNone(match, shown)
            self.assertRegex(match.group(1).encode(), STAMP)
            self.assertEqual(match.group(2), typed)  # the GBK bytes came back as they went
            when = time.mktime(time.strptime(match.group(1)[1:-3], "%a %b %d %H:%M:%S %Y"))
            self.assertTrue(int(before) - 1 <= when <= after + 1, f"{shown!r} is not the local time now")

    def test_replies_match_the_course_servers_byte_for_byte(self):
        env = dict(os.environ, TZ=ZONE)
        port = free_port()
        reference = subprocess.Popen([sys.executable, "-u", os.path.join(HERE, "course_server.py"), "127.0.0.1",
                                      str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self.addCleanup(reference.wait)
        self.addCleanup(reference.kill)
        self.assertTrue(wait_until(lambda: accepts(port)), "the course's server did not start")
        # Its connect probe was its one client so far; it has gone back to accept().
        expected = run_course_client(port, TYPED)

        with start_echo(env=env) as server:
            before = time.time()
            got = run_course_client(server.port, TYPED)
            after = time.time()
        self.assertEqual(mask(got), mask(expected))
        # Both speak local time, and both read it from TZ: muxd's stamps are UTC+8.
        for stamp in STAMP.finditer(got.encode()):
            when = calendar.timegm(time.strptime(stamp.group(0)[1:-3].decode(), "%a %b %d %H:%M:%S %Y"))
            self.assertTrue(int(before) - 1 <= when - 8 * 3600 <= after + 1, got)
        self.assertEqual(len(STAMP.findall(expected.encode())), len(TYPED), expected)


if __name__ == "__main__":
    unittest.main()
