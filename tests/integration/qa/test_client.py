"""muxd qa-client: through a pipe (no prompts, one answer per line, status 0 at EOF), on a
terminal (the course's 我： prompt, an empty line ends it), and when the server is not there."""
import os
import pty
import socket
import subprocess
import time
import unittest

from harness import MUXD_BIN, ServerTestCase
from qa_support import DEFAULT, TIMEOUT, Client, start_qa


def qa_client(*args, stdin_text="", timeout=TIMEOUT * 3):
    return subprocess.run([MUXD_BIN, "qa-client", *map(str, args)], input=stdin_text.encode(),
                          capture_output=True, timeout=timeout)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PipeTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(start_qa)

    def test_one_answer_line_per_question_line(self):
        questions = ["你好", "你叫什么", "", "你是男生女生", "天气\r", "你几岁"]  # an empty line is a question too
        result = qa_client(f"127.0.0.1:{self.server.port}", stdin_text="\n".join(questions) + "\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, b"")
        self.assertEqual(result.stdout.decode().splitlines(),
                         ["小美： 你好啊！", "小美： 我叫小美", f"小美： {DEFAULT}", "小美： 我是机器人啦",
                          f"小美： {DEFAULT}", "小美： 我2岁啦"])

    def test_the_last_line_needs_no_newline_and_no_input_is_fine(self):
        result = qa_client(f"127.0.0.1:{self.server.port}", stdin_text="你好")
        self.assertEqual((result.returncode, result.stdout.decode()), (0, "小美： 你好啊！\n"), result.stderr)
        result = qa_client(f"127.0.0.1:{self.server.port}", stdin_text="")
        self.assertEqual((result.returncode, result.stdout), (0, b""), result.stderr)

    def test_a_thousand_questions_through_one_pipe(self):
        result = qa_client(f"127.0.0.1:{self.server.port}", stdin_text="你好\n你几岁\n" * 500)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.decode(), "小美： 你好啊！\n小美： 我2岁啦\n" * 500)


class TerminalTest(ServerTestCase):
    def test_the_courses_prompt_and_an_empty_line_ends_it(self):
        server = self.start_server(start_qa)
        controller, terminal = pty.openpty()
        self.addCleanup(os.close, controller)
        with os.fdopen(terminal, "rb", buffering=0) as stdin:
            client = subprocess.Popen([MUXD_BIN, "qa-client", f"127.0.0.1:{server.port}"], stdin=stdin,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.write(controller, "你叫什么\n\n".encode())
        out, err = client.communicate(timeout=TIMEOUT)
        self.assertEqual(client.returncode, 0, err)
        self.assertEqual(out.decode(), "我：小美： 我叫小美\n我：")


class ReconnectTest(ServerTestCase):
    def test_a_connection_closed_by_the_idle_timeout_is_opened_again(self):
        server = self.start_server(start_qa, "--idle-timeout", 0.2)
        client = subprocess.Popen([MUXD_BIN, "qa-client", f"127.0.0.1:{server.port}"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(client.kill)
        self.addCleanup(client.stdout.close)
        self.addCleanup(client.stderr.close)
        client.stdin.write("你好\n".encode())
        client.stdin.flush()
        self.assertEqual(client.stdout.readline().decode(), "小美： 你好啊！\n")
        time.sleep(1)  # five idle timeouts: the server has closed this connection
        out, err = client.communicate("你几岁\n".encode(), timeout=TIMEOUT)
        self.assertEqual((client.returncode, out.decode()), (0, "小美： 我2岁啦\n"), err)


class FailureTest(ServerTestCase):
    def test_nothing_listening_is_status_1_with_the_reason(self):
        port = free_port()
        result = qa_client(f"127.0.0.1:{port}", stdin_text="你好\n")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, b"")
        self.assertEqual(result.stderr.decode(),
                         f"muxd qa-client: cannot connect to 127.0.0.1:{port}: Connection refused\n")

    def test_the_default_port_is_8888(self):
        if self._listening(8888):
            self.skipTest("something listens on 127.0.0.1:8888")
        result = qa_client("127.0.0.1", stdin_text="你好\n")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot connect to 127.0.0.1:8888", result.stderr.decode())

    def test_a_name_that_does_not_resolve(self):
        result = qa_client("no-such-host.invalid:8888", stdin_text="你好\n")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot resolve no-such-host.invalid", result.stderr.decode())

    def test_a_server_that_closes_without_answering(self):
        server = self.start_server(start_qa, "--max-per-ip", 1)
        with Client(server.address) as holder:
            self.assertEqual(holder.ask("你好"), "你好啊！\n")  # holds the one place
            result = qa_client(f"127.0.0.1:{server.port}", stdin_text="你好\n")
        self.assertEqual(result.returncode, 1)
        self.assertIn("closed the connection unanswered", result.stderr.decode())

    def test_a_bad_timeout_is_a_usage_error(self):
        result = qa_client("127.0.0.1:1", "--timeout", "0")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--timeout", result.stderr.decode())

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
