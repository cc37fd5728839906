"""muxd ftp driven by lftp: mirror a tree down and back up."""
import filecmp
import os
import subprocess
import unittest

from ftp_helpers import ALICE, FtpRoot, start_ftp
from harness import ServerTestCase


def lftp(server, script, user=ALICE):
    opening = f"set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; " \
              f"open -u {user[0]},{user[1]} -p {server.port} {server.host}; "
    return subprocess.run(["lftp", "-c", opening + script], capture_output=True, text=True, timeout=120)


def same_tree(left, right):
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.diff_files or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(left, d), os.path.join(right, d)) for d in comparison.common_dirs)


class LftpTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(FtpRoot())
        os.remove(self.root.path("escape"))  # mirror would (rightly) fail on it
        os.makedirs(self.root.path("docs/deeper/deepest"))
        for i in range(20):
            self.root.write(f"docs/deeper/file{i}.dat", os.urandom(1000 * i))
        self.local = self.tempdir(prefix="muxd-ftp-lftp-")

    def test_mirror_downloads_the_tree(self):
        with start_ftp(self.root) as server:
            result = lftp(server, f"mirror / {self.local}/copy")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(same_tree(self.root.root, f"{self.local}/copy"))

    def test_mirror_reverse_uploads_the_tree(self):
        source = f"{self.local}/source"
        os.makedirs(f"{source}/a/b")
        for i in range(10):
            with open(f"{source}/a/b/up{i}.bin", "wb") as f:
                f.write(os.urandom(5000 * i))
        with open(f"{source}/名字 x.txt", "w") as f:
            f.write("unicode\n")
        with start_ftp(self.root) as server:
            result = lftp(server, f"mkdir uploaded; mirror -R {source} /uploaded")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(same_tree(source, self.root.path("uploaded")))
        self.assertEqual(self.root.leftovers(), [])


if __name__ == "__main__":
    unittest.main()
