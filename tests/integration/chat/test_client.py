"""muxd's own chat client, through a pipe and on a terminal (tmux)."""
import os
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest
import uuid

from chat_support import Member, room, start_chat
from harness import MUXD_BIN, ServerTestCase, wait_until


class PipedClient:
    """`muxd chat-client` with stdin and stdout as pipes, as a script would run it."""

    def __init__(self, server, *args):
        self.proc = subprocess.Popen([MUXD_BIN, "chat-client", f"{server.host}:{server.port}", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout, self.stderr = [], []
        self.threads = [threading.Thread(target=self._drain, args=(pipe, lines), daemon=True)
                        for pipe, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))]
        for thread in self.threads:
            thread.start()

    @staticmethod
    def _drain(pipe, lines):
        for raw in pipe:
            lines.append(raw.decode("utf-8").rstrip("\n"))

    def type(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def end_input(self):
        self.proc.stdin.close()

    def wait(self):
        status = self.proc.wait(20)
        for thread in self.threads:
            thread.join(10)
        return status

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            pipe.close()


class ThroughAPipe(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(start_chat, "--keepalive-timeout", "1")
        self.bob, = room(self.server, "Bob")

    def client(self, *args):
        client = PipedClient(self.server, *args)
        self.addCleanup(client.stop)
        return client

    def test_names_are_asked_until_one_is_accepted_then_lines_are_messages(self):
        client = self.client()
        client.type("Bob")   # taken
        client.type("Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        self.assertTrue(wait_until(lambda: "cannot enter as Bob: name taken" in client.stderr), client.stderr)
        client.type("一起出去玩啊")
        self.assertEqual(self.bob.recv(), "Lucy : 一起出去玩啊")
        self.bob.say("hi Lucy")
        self.assertTrue(wait_until(lambda: "Bob : hi Lucy" in client.stdout), client.stdout)
        client.end_input()  # EOF: EXIT, then exit 0
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertEqual(client.wait(), 0)
        self.assertEqual(client.stdout, ["Bob : hi Lucy"])  # stdout holds only what arrived

    def test_a_name_from_the_command_line_and_exit(self):
        client = self.client("--name", "Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        client.type("bye")
        client.type("exit")
        self.assertEqual(self.bob.recv(), "Lucy : bye")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertEqual(client.wait(), 0)

    def test_many_lines_are_paced_under_the_flood_limit(self):
        client = self.client("--name", "Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        for i in range(14):  # more than the server's burst of 10
            client.type(f"line {i}")
        client.end_input()
        got = [self.bob.recv() for _ in range(15)]
        self.assertEqual(got, [f"Lucy : line {i}" for i in range(14)] + ["Lucy left the room"])
        self.assertEqual(client.wait(), 0)

    def test_sigterm_leaves_cleanly(self):
        client = self.client("--name", "Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        self.assertTrue(wait_until(lambda: any("you are in the room" in line for line in client.stderr)))
        client.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertEqual(client.wait(), 0)

    def test_keepalives_keep_it_in_and_their_absence_times_it_out(self):
        client = self.client("--name", "Lucy", "--keepalive", "0.2")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        time.sleep(2.5)  # over twice the server's 1 s timeout: the PINGs keep Lucy in
        self.assertEqual(self.bob.sync(), [])
        client.proc.send_signal(signal.SIGSTOP)  # frozen: the socket stays open, the PINGs stop
        self.addCleanup(client.proc.send_signal, signal.SIGCONT)
        self.assertEqual(self.bob.recv(), "Lucy left the room (timed out)")

    def test_no_server(self):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()  # nobody listens there now
        proc = subprocess.run([MUXD_BIN, "chat-client", f"127.0.0.1:{port}", "--name", "Lucy"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(f"no chat server at 127.0.0.1:{port}", proc.stderr.decode())

    def test_no_name(self):
        proc = subprocess.run([MUXD_BIN, "chat-client", f"{self.server.host}:{self.server.port}"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no name given", proc.stderr.decode())

    def test_bad_address(self):
        proc = subprocess.run([MUXD_BIN, "chat-client", "127.0.0.1:99999"], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("127.0.0.1:99999", proc.stderr.decode())


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class OnATerminal(ServerTestCase):
    """The interactive client in a real terminal: tmux send-keys in, capture-pane out."""

    def setUp(self):
        self.server = self.start_server(start_chat)
        self.bob, = room(self.server, "Bob")
        self.socket_name = f"muxd-chat-{uuid.uuid4().hex[:8]}"  # a private tmux server
        command = (f"{shlex.quote(MUXD_BIN)} chat-client {self.server.host}:{self.server.port}; "
                   "echo \"[exit $?]\"; sleep 600")
        self.tmux("new-session", "-d", "-s", "chat", "-x", "60", "-y", "20", command)
        self.addCleanup(self.tmux, "kill-server")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket_name, *args], capture_output=True, timeout=10,
                              check=True, env={**os.environ, "LANG": "C.UTF-8"}).stdout.decode("utf-8")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "chat", *keys)

    def screen(self):
        return [line.rstrip() for line in self.tmux("capture-pane", "-p", "-t", "chat").split("\n")]

    def shows(self, predicate):
        return wait_until(lambda: predicate(self.screen()))

    def enter(self):
        self.assertTrue(self.shows(lambda s: "name:" in s), self.screen())
        self.keys("Bob", "Enter")  # taken
        self.assertTrue(self.shows(lambda s: "cannot enter as Bob: name taken" in s), self.screen())
        self.keys("Lucy", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        self.assertTrue(self.shows(lambda s: "Lucy>" in s), self.screen())

    def test_incoming_messages_do_not_garble_the_line_being_typed(self):
        self.enter()
        self.keys("half typed 中文")
        self.assertTrue(self.shows(lambda s: "Lucy> half typed 中文" in s), self.screen())
        self.bob.say("an interruption")
        self.bob.say("and another")
        self.assertTrue(self.shows(lambda s: "Bob : and another" in s), self.screen())
        text = [line for line in self.screen() if line]
        self.assertEqual(text[-3:], ["Bob : an interruption", "Bob : and another", "Lucy> half typed 中文"])
        self.keys("BSpace", "!", "Enter")  # Backspace takes the whole 文
        self.assertEqual(self.bob.recv(), "Lucy : half typed 中!")
        # The sent line stays as history; a fresh prompt waits below it.
        self.assertTrue(self.shows(lambda s: [line for line in s if line][-2:] == ["Lucy> half typed 中!", "Lucy>"]),
                        self.screen())

    def test_a_long_wrapped_line_survives_a_message(self):
        self.enter()
        long_line = "x" * 100  # wraps on a 60-column terminal
        self.keys(long_line)
        self.bob.say("ping")
        self.assertTrue(self.shows(lambda s: "Bob : ping" in s), self.screen())
        text = "\n".join(line for line in self.screen() if line)
        self.assertTrue(text.endswith("Bob : ping\nLucy> " + long_line[:54] + "\n" + long_line[54:]), text)
        self.keys("Enter")
        self.assertEqual(self.bob.recv(), "Lucy : " + long_line)

    def test_exit_leaves(self):
        self.enter()
        self.keys("exit", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertTrue(self.shows(lambda s: "[exit 0]" in s), self.screen())
        self.assertIn("you left the room", self.screen())

    def test_ctrl_d_leaves(self):
        self.enter()
        self.keys("C-d")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertTrue(self.shows(lambda s: "[exit 0]" in s), self.screen())

    def test_ctrl_c_leaves(self):
        self.enter()
        self.keys("some text", "C-c")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertTrue(self.shows(lambda s: "[exit 0]" in s), self.screen())


if __name__ == "__main__":
    unittest.main()
