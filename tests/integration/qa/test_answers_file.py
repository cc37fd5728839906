"""--answers FILE and --default-answer: a table of one's own, and a bad one stops start-up."""
import os
import unittest

from harness import ServerTestCase, run_muxd
from qa_support import Client, course_ask, start_qa


class AnswersFileTest(ServerTestCase):
    def write(self, text, name="answers.tsv"):
        path = os.path.join(self.tempdir(), name)
        with open(path, "wb") as file:
            file.write(text.encode() if isinstance(text, str) else text)
        return path

    def assert_refused(self, *args, mention, status=2):
        result = run_muxd("qa", "--listen", "127.0.0.1:0", *args, timeout=10)
        self.assertEqual(result.returncode, status, result.stderr)
        self.assertNotIn("listening on", result.stderr)
        self.assertIn(mention, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)  # one line
        return result.stderr

    def test_a_table_of_ones_own(self):
        path = self.write("# weather and more\n天气\t今天晴。\n明天天气\t明天下雨。\r\n\nhello\tHi there!\n")
        server = self.start_server(start_qa, "--answers", path, "--default-answer", "不懂")
        with Client(server.address) as client:
            self.assertEqual(client.ask("今天天气好吗"), "今天晴。\n")
            self.assertEqual(client.ask("明天天气好吗"), "明天下雨。\n")  # the longest keyword
            self.assertEqual(client.ask("hello, 天气?"), "Hi there!\n")  # 5 characters against 2
            self.assertEqual(client.ask("你好"), "不懂\n")  # the course's table is replaced
        self.assertEqual(course_ask(server.address, "明天天气"), "明天下雨。")

    def test_a_bad_line_names_the_file_and_line(self):
        path = self.write("天气\t晴\n# fine\nno tab on this line\n")
        stderr = self.assert_refused("--answers", path, mention=f"{path}:3: no tab between the keyword and the answer")
        self.assertTrue(stderr.startswith("muxd qa: "), stderr)

    def test_every_kind_of_bad_content_is_a_usage_error(self):
        for text, reason in [("a\tb\na\tc\n", ":2: the keyword is already on line 1"),
                             (b"\xc4\xe3\tgbk\n", ":1: the keyword is not valid UTF-8"),
                             ("k" * 121 + "\tlong\n", ":1: the keyword is longer than 120 bytes"),
                             ("k\t" + "a" * 1025 + "\n", ":1: the answer is longer than 1024 bytes"),
                             ("k\t\n", ":1: empty answer"),
                             ("", ": no keyword<TAB>answer line")]:
            with self.subTest(reason=reason):
                path = self.write(text)
                self.assert_refused("--answers", path, mention=path + reason)

    def test_a_missing_file_or_a_directory(self):
        missing = os.path.join(self.tempdir(), "missing.tsv")
        self.assert_refused("--answers", missing, mention=f"{missing}: No such file or directory")
        directory = self.tempdir()
        self.assert_refused("--answers", directory, mention=f"{directory}: not a regular file")

    @unittest.skipIf(os.geteuid() == 0, "root reads any file")
    def test_an_unreadable_file_is_a_failure_at_run_time(self):
        path = self.write("a\tb\n")
        os.chmod(path, 0)
        self.assert_refused("--answers", path, mention="Permission denied", status=1)

    def test_a_bad_default_answer(self):
        self.assert_refused("--default-answer", "", mention="--default-answer: empty answer")
        self.assert_refused("--default-answer", "two\nlines", mention="--default-answer: the answer holds a control")
        self.assert_refused("--default-answer", "x" * 1025, mention="longer than 1024 bytes")


if __name__ == "__main__":
    unittest.main()
