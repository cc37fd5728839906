"""The course's own client (course_client.py) against muxd qa, unchanged; Python sockets
asking exactly as it does; and muxd's answers next to the course's own server's."""
import os
import socket
import subprocess
import sys
import time
import unittest

from harness import ServerTestCase
from qa_support import COURSE, DEFAULT, TIMEOUT, course_ask, start_qa, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
# What a user types; each has at most one of the course's keywords, or several where the
# course's first key is also the longest (or ties), so both servers pick the same answer.
TYPED = ["你好", "你叫什么名字？", "你是男生女生", "你几岁了", "今天天气怎么样", "hello", "叫什么？你几岁"]


def run_course_client(port, lines):
    """Runs the client to its end (an empty line makes it exit); returns its stdout."""
    stdin = "".join(line + "\n" for line in lines) + "\n"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
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


def expected_answer(question):
    found = [key for key in COURSE if key in question]
    return COURSE[max(found, key=len)] if found else DEFAULT


class CourseClientWorksUnchanged(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_qa)

    def test_a_whole_session(self):
        output = run_course_client(self.server.port, TYPED)
        # Its prompt has no newline: each turn prints "我：小美： answer\n"; the last prompt
        # is answered by the empty line, which ends it.
        turns = output.split("\n")
        self.assertEqual(turns[-1], "我：", output)
        self.assertEqual(turns[:-1], [f"我：小美： {expected_answer(q)}" for q in TYPED], output)

    def test_python_sockets_asking_as_the_course_does(self):
        for question, answer in [("你好", "你好啊！"), ("你叫什么", "我叫小美"), ("你是男生女生？", "我是机器人啦"),
                                 ("你几岁", "我2岁啦"), ("在吗", DEFAULT), ("你好，你几岁", "我2岁啦")]:
            with self.subTest(question=question):
                started = time.monotonic()
                self.assertEqual(course_ask(self.server.address, question), answer)
                # No newline: the question ended by the client's pause (0.2 s), not sooner.
                self.assertGreaterEqual(time.monotonic() - started, 0.2)

    def test_the_answer_comes_in_one_piece_for_one_recv(self):
        # The course's client reads once: the whole answer must be in that read, every time.
        for _ in range(10):
            self.assertEqual(course_ask(self.server.address, "你几岁"), "我2岁啦")

    def test_the_server_closes_once_the_course_client_has(self):
        with socket.create_connection(self.server.address, timeout=TIMEOUT) as sock:
            sock.send("你好".encode())
            self.assertEqual(sock.recv(1024).decode(), "你好啊！")
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(sock.recv(1024), b"")


class SameAnswersAsTheCoursesServer(ServerTestCase):
    def test_transcripts_match(self):
        port = free_port()
        reference = subprocess.Popen([sys.executable, "-u", os.path.join(HERE, "course_server.py"), "127.0.0.1",
                                      str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(reference.wait)
        self.addCleanup(reference.kill)
        self.assertTrue(wait_until(lambda: accepts(port)), "the course's server did not start")
        expected = run_course_client(port, TYPED)
        # The course's code says 人家还小不知道啦。 where its exercise says 人家还小，不知道。 (muxd's default).
        with start_qa("--default-answer", "人家还小不知道啦。") as server:
            got = run_course_client(server.port, TYPED)
        self.assertEqual(got, expected)


if __name__ == "__main__":
    unittest.main()
