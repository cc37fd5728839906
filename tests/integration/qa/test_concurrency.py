"""300 questions at once, as the course's client asks them, and 300 line-mode clients."""
import random
import threading
import unittest

from harness import ServerTestCase
from qa_support import DEFAULT, Client, course_ask, start_qa

QUESTIONS = [("你好", "你好啊！"), ("你叫什么", "我叫小美"), ("男生女生？", "我是机器人啦"), ("你几岁", "我2岁啦"),
             ("天气", DEFAULT), ("你好，你几岁", "我2岁啦")]
CLIENTS = 300


def run_all(target, count):
    """Runs target(i) in `count` threads started together; returns their failures."""
    failures = []
    start = threading.Barrier(count)

    def run(i):
        try:
            start.wait(30)
            target(i)
        except Exception as error:  # noqa: BLE001  (reported below)
            failures.append(f"client {i}: {error!r}")
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return failures


class CourseClientsTest(ServerTestCase):
    def test_300_course_clients_at_once(self):
        # All from 127.0.0.1: the per-IP limit is not what this tests.
        self.server = self.start_server(start_qa, "--max-per-ip", 0, workers=2)

        def ask(i):
            question, answer = QUESTIONS[i % len(QUESTIONS)]
            got = course_ask(self.server.address, question, timeout=60)
            if got != answer:
                raise AssertionError(f"{question!r} got {got!r}")
        self.assertEqual(run_all(ask, CLIENTS), [])


class LineClientsTest(ServerTestCase):
    def test_300_line_mode_clients_at_once_split_at_random(self):
        # A pause that cannot end during the test: a first line cut in two and sent by a busy
        # thread 0.2 s apart would be two questions (the pause ends one), here it is one.
        self.server = self.start_server(start_qa, "--max-per-ip", 0, "--pause", 60, workers=2)

        def talk(i):
            rng = random.Random(i)
            asked = [QUESTIONS[rng.randrange(len(QUESTIONS))] for _ in range(5)]
            data = "".join(question + "\n" for question, _ in asked).encode()
            with Client(self.server.address, timeout=60) as client:
                cut = sorted(rng.sample(range(1, len(data)), 3))  # four sends, cut anywhere (inside characters too)
                for a, b in zip([0] + cut, cut + [len(data)]):
                    client.send(data[a:b])
                got = [client.line() for _ in asked]
            if got != [answer + "\n" for _, answer in asked]:
                raise AssertionError(f"{asked!r} got {got!r}")
        self.assertEqual(run_all(talk, CLIENTS), [])


if __name__ == "__main__":
    unittest.main()
