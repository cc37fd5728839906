"""The course's own client (course_client.py) against muxd, unchanged."""
import os
import signal
import subprocess
import sys
import threading
import unittest

from chat_support import Member, room, start_chat
from harness import ServerTestCase, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))


class CourseClient:
    def __init__(self, server):
        self.proc = subprocess.Popen(
            [sys.executable, "-u", os.path.join(HERE, "course_client.py"), server.host, str(server.port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)  # its receiver is a second process: stop() ends both
        self.output = ""
        self.lock = threading.Lock()
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _drain(self):
        while chunk := self.proc.stdout.read1(4096):
            with self.lock:
                self.output += chunk.decode("utf-8")

    def type(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def shows(self, text):
        return wait_until(lambda: text in self.output)

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.drain.join(10)  # the pipe ends once both processes are gone
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            pipe.close()


class CourseClientWorksUnchanged(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(start_chat, stdin=subprocess.PIPE)
        self.bob, = room(self.server, "Bob")
        self.client = CourseClient(self.server)
        self.addCleanup(self.client.stop)

    def enter_as_lucy(self):
        self.client.type("Bob")
        self.assertTrue(self.client.shows("该昵称已存在"), self.client.output)  # FAIL name taken
        self.client.type("Lucy")
        self.assertTrue(self.client.shows("进入聊天室"), self.client.output)
        self.assertEqual(self.bob.recv(), "Lucy joined the room")

    def test_a_whole_session(self):
        self.enter_as_lucy()
        self.client.type("一起出去玩啊")
        self.assertEqual(self.bob.recv(), "Lucy : 一起出去玩啊")
        self.client.type("")  # an empty line: "CHAT Lucy " is not fanned out
        self.client.type("second message")
        self.assertEqual(self.bob.recv(), "Lucy : second message")

        self.bob.say("hi Lucy")
        self.assertTrue(self.client.shows("\nBob : hi Lucy\n发言："), self.client.output)
        self.server.proc.stdin.write("大家好，欢迎进入聊天室。\n".encode())
        self.server.proc.stdin.flush()
        self.assertEqual(self.bob.recv(), "admin : 大家好，欢迎进入聊天室。")
        self.assertTrue(self.client.shows("admin : 大家好，欢迎进入聊天室。"), self.client.output)

        self.client.type("exit")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertEqual(self.client.proc.wait(10), 1)  # sys.exit("您已退出聊天室")
        self.assertIn("您已退出聊天室", self.client.proc.stderr.read().decode())

    def test_it_survives_what_others_send(self):
        self.enter_as_lucy()
        # Its receiver decodes strictly and would die on invalid UTF-8: muxd
        # repairs such messages before they reach it.
        self.bob.send(b"CHAT Bob \xff\xfe broken \xe4\xb8")
        self.assertTrue(self.client.shows("Bob : \ufffd\ufffd broken \ufffd"), self.client.output)
        self.bob.say("after")
        self.assertTrue(self.client.shows("Bob : after"), self.client.output)

    def test_a_killed_client_is_removed(self):
        self.enter_as_lucy()
        self.client.stop()  # its socket closes without EXIT
        self.bob.say("Lucy?")
        self.assertEqual(self.bob.recv(), "Lucy left the room (unreachable)")


if __name__ == "__main__":
    unittest.main()
