"""The course's own client (course_client.py, unchanged but for the address)
against muxd tickets: it buys the course's two tickets, then hears 0 left."""
import subprocess
import sys
import unittest

from harness import ServerTestCase
from tickets_support import db_path, start_tickets


def run_course_client(server):
    done = subprocess.run([sys.executable, "-u", "course_client.py", *map(str, server.address)],
                          capture_output=True, text=True, timeout=60)
    return done


class CourseClientTest(ServerTestCase):
    def test_the_course_client_buys_until_sold_out(self):
        server = self.start_server(start_tickets, db_path(self.tempdir()))
        outputs = []
        for _ in range(3):
            done = run_course_client(server)
            self.assertEqual(done.returncode, 0, done.stderr)
            outputs.append(done.stdout)
        self.assertEqual(outputs, ["现在还剩下1张票, 客户端1成功买到了一张票\n",
                                   "现在还剩下0张票, 客户端1成功买到了一张票\n",
                                   "现在还剩下0张票, 客户端1没有买到票\n"])


if __name__ == "__main__":
    unittest.main()
