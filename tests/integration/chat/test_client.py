"""muxd's own chat client, through a pipe and on a terminal (tmux)."""
import os
import re
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

    def test_commands_member_list_and_plain_output(self):
        client = self.client("--name", "Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        # The member list on entering and /who's answer are the client's own lines: stderr.
        self.assertTrue(wait_until(lambda: "in the room (2): Bob, Lucy" in client.stderr), client.stderr)
        client.type("/who")
        self.assertTrue(wait_until(lambda: client.stderr.count("in the room (2): Bob, Lucy") == 2), client.stderr)
        client.type("/me waves")
        self.assertEqual(self.bob.recv(), "Lucy : /me waves")
        client.type("//etc/motd")
        self.assertEqual(self.bob.recv(), "Lucy : /etc/motd")
        client.type("/frobnicate now")
        self.assertTrue(wait_until(lambda: any(line.startswith("/frobnicate is no command") for line in client.stderr)),
                        client.stderr)
        self.assertEqual(self.bob.sync(), [])  # /who and /frobnicate sent nothing to the room
        self.bob.say("/me nods")
        self.assertTrue(wait_until(lambda: "Bob : /me nods" in client.stdout), client.stdout)
        client.type("/quit")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertEqual(client.wait(), 0)
        # Piped: exactly what arrived, no time stamps, no colours.
        self.assertEqual(client.stdout, ["Bob : /me nods"])

    def test_the_server_closing_ends_the_client(self):
        client = self.client("--name", "Lucy")
        self.assertEqual(self.bob.recv(), "Lucy joined the room")
        self.assertTrue(wait_until(lambda: any("you are in the room" in line for line in client.stderr)))
        self.server.signal(signal.SIGTERM)
        self.assertEqual(client.wait(), 1)
        self.assertIn("admin : the room is closing", client.stdout)
        self.assertIn("the server closed the room; you are out", client.stderr)

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


TIMESTAMP = re.compile(r"^\d\d:\d\d ")


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class OnATerminal(ServerTestCase):
    """The interactive client in a real terminal: tmux send-keys in, capture-pane out."""

    def setUp(self):
        self.server = self.start_server(start_chat)
        self.bob, = room(self.server, "Bob")
        self.socket_name = f"muxd-chat-{uuid.uuid4().hex[:8]}"  # a private tmux server
        self.start_client("chat")
        # The tmux server may already be gone (it exits with its last pane): not an error here.
        self.addCleanup(subprocess.run, ["tmux", "-L", self.socket_name, "kill-server"], capture_output=True)
        # First (cleanups run last-in first-out): a client still running when its terminal
        # vanished was seen spinning a core for good under ASan, orphaned; end it for sure.
        self.addCleanup(subprocess.run, ["pkill", "-KILL", "-f", f"chat-client {self.server.host}:{self.server.port}"])

    def start_client(self, session, env=""):
        command = (f"{env} {shlex.quote(MUXD_BIN)} chat-client {self.server.host}:{self.server.port}; "
                   "echo \"[exit $?]\"; sleep 600")
        self.tmux("new-session", "-d", "-s", session, "-x", "60", "-y", "20", command)

    def tmux(self, *args):
        env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        return subprocess.run(["tmux", "-L", self.socket_name, *args], capture_output=True, timeout=10,
                              check=True, env={**env, "LANG": "C.UTF-8"}).stdout.decode("utf-8")

    def keys(self, *keys, session="chat"):
        self.tmux("send-keys", "-t", session, *keys)

    def raw_screen(self, session="chat"):
        """The screen with its colours (SGR escapes) kept."""
        return [line.rstrip() for line in self.tmux("capture-pane", "-p", "-e", "-t", session).split("\n")]

    def screen(self, session="chat"):
        """The screen as text, without the time stamps in front of the room's lines."""
        lines = self.tmux("capture-pane", "-p", "-t", session).split("\n")
        return [TIMESTAMP.sub("", line.rstrip()) for line in lines]

    def shows(self, predicate, session="chat"):
        return wait_until(lambda: predicate(self.screen(session)))

    def last_lines(self, count):
        return [line for line in self.screen() if line][-count:]

    def enter(self, session="chat", name="Lucy"):
        self.assertTrue(self.shows(lambda s: "name:" in s, session), self.screen(session))
        self.keys("Bob", "Enter", session=session)  # taken
        self.assertTrue(self.shows(lambda s: "cannot enter as Bob: name taken" in s, session), self.screen(session))
        self.keys(name, "Enter", session=session)
        self.assertEqual(self.bob.recv(), f"{name} joined the room")
        self.assertTrue(self.shows(lambda s: f"{name}>" in s, session), self.screen(session))

    def test_incoming_messages_do_not_garble_the_line_being_typed(self):
        self.enter()
        self.keys("half typed 中文")
        self.assertTrue(self.shows(lambda s: "Lucy> half typed 中文" in s), self.screen())
        self.bob.say("an interruption")
        self.bob.say("and another")
        self.assertTrue(self.shows(lambda s: "Bob : and another" in s), self.screen())
        self.assertEqual(self.last_lines(3), ["Bob : an interruption", "Bob : and another", "Lucy> half typed 中文"])
        self.assertTrue(any(TIMESTAMP.match(line) for line in self.tmux("capture-pane", "-p", "-t", "chat").split("\n")))
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

    def test_cursor_movement_edits_the_line_before_sending(self):
        self.enter()
        self.keys("helo world")
        self.keys(*["Left"] * 7, "l")  # between "hel" and "o"
        self.keys("C-a", ">", "End", "!", "Home", "Right", "Right", "Right", "Right", "Right", "Right")
        self.assertTrue(self.shows(lambda s: "Lucy> >hello world!" in s), self.screen())
        self.keys("_")  # typed where the cursor is: after ">hello"
        self.assertTrue(self.shows(lambda s: "Lucy> >hello_ world!" in s), self.screen())
        self.keys("C-e", " one two", "C-w", "three", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : >hello_ world! one three")

    def test_history_recalls_sent_lines(self):
        self.enter()
        self.keys("first", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : first")
        self.keys("second", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : second")
        self.keys("draft", "Up", "Up")
        self.assertTrue(self.shows(lambda s: self.last_lines(1) == ["Lucy> first"]), self.screen())
        self.keys("Down", "Down")
        self.assertTrue(self.shows(lambda s: self.last_lines(1) == ["Lucy> draft"]), self.screen())
        self.keys("C-u", "Up", " again", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : second again")

    def test_member_list_on_entering_and_who(self):
        self.enter()
        self.assertTrue(self.shows(lambda s: "in the room (2): Bob, Lucy" in s), self.screen())
        carol = Member(self.server.address, "Carol").enter()
        self.addCleanup(carol.sock.close)
        self.assertEqual(self.bob.recv(), "Carol joined the room")
        self.keys("/who", "Enter")
        self.assertTrue(self.shows(lambda s: "in the room (3): Bob, Carol, Lucy" in s), self.screen())
        self.assertEqual(self.bob.sync(), [])  # nothing went to the room

    def test_me_help_unknown_and_escaped_slash(self):
        self.enter()
        self.keys("/me waves", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : /me waves")
        self.bob.say("/me nods")
        self.assertTrue(self.shows(lambda s: "* Bob nods" in s), self.screen())
        self.keys("/help", "Enter")
        self.assertTrue(self.shows(lambda s: any(line.startswith("commands: /who") for line in s)), self.screen())
        self.keys("/nick Bobby", "Enter")
        self.assertTrue(self.shows(lambda s: any(line.startswith("/nick is no command") for line in s)), self.screen())
        self.keys("//nick", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy : /nick")

    def test_names_are_coloured_unless_no_color(self):
        self.enter()
        self.bob.say("in colour")
        self.assertTrue(self.shows(lambda s: "Bob : in colour" in s), self.screen())
        coloured = [line for line in self.raw_screen() if "in colour" in line]
        self.assertRegex(coloured[0], "\x1b\\[(3|9)[1-6]m+Bob\x1b\\[(0|39)?m")
        self.start_client("plain", env="NO_COLOR=1")
        self.enter(session="plain", name="Pat")
        self.bob.say("no colour")
        self.assertTrue(self.shows(lambda s: "Bob : no colour" in s, "plain"), self.screen("plain"))
        plain = [line for line in self.raw_screen("plain") if "no colour" in line]
        self.assertNotIn("\x1b", plain[0])

    def test_exit_leaves(self):
        self.enter()
        self.keys("exit", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertTrue(self.shows(lambda s: "[exit 0]" in s), self.screen())
        self.assertIn("you left the room", self.screen())

    def test_quit_leaves(self):
        self.enter()
        self.keys("/quit", "Enter")
        self.assertEqual(self.bob.recv(), "Lucy left the room")
        self.assertTrue(self.shows(lambda s: "[exit 0]" in s), self.screen())

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

    def test_the_server_closing_ends_the_client(self):
        self.enter()
        self.keys("half typed")
        self.server.signal(signal.SIGTERM)
        self.assertTrue(self.shows(lambda s: "[exit 1]" in s), self.screen())
        self.assertIn("admin : the room is closing", self.screen())
        self.assertIn("the server closed the room; you are out", self.screen())


if __name__ == "__main__":
    unittest.main()
