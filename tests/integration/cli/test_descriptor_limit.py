"""At start-up a server raises its soft descriptor limit to the hard one (issue 8 item 5,
as nginx's worker_rlimit_nofile lets an operator do): started under
`prlimit --nofile=64:4096`, `muxd http` runs with 4096 open files allowed, and serves.
core/server.cpp raise_descriptor_limit has a unit test; this checks the real process."""
import os
import re
import shutil
import unittest
import urllib.request

from harness import Server, ServerTestCase

SOFT, HARD = 64, 4096


def open_files_limit(pid):
    """(soft, hard) of "Max open files" in /proc/PID/limits (proc(5))."""
    with open(f"/proc/{pid}/limits") as f:
        match = re.search(r"^Max open files\s+(\d+)\s+(\d+)\s+files", f.read(), re.M)
    return int(match.group(1)), int(match.group(2))


@unittest.skipUnless(shutil.which("prlimit"), "needs prlimit (util-linux)")
class DescriptorLimitTest(ServerTestCase):
    def test_http_raises_its_soft_limit_to_the_hard_one(self):
        root = self.tempdir()
        with open(os.path.join(root, "a.txt"), "w") as f:
            f.write("hello")
        # prlimit sets the limits, then execs muxd: the same process id.
        server = self.start_server(Server, "http", "--listen", "127.0.0.1:0", "--root", root,
                                   "--access-log", "off",
                                   wrapper=["prlimit", f"--nofile={SOFT}:{HARD}", "--"])
        self.assertEqual(open_files_limit(server.proc.pid), (HARD, HARD))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
        with opener.open(f"http://127.0.0.1:{server.port}/a.txt", timeout=10) as response:
            self.assertEqual((response.status, response.read()), (200, b"hello"))


if __name__ == "__main__":
    unittest.main()
