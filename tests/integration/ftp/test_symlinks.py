"""Symlinks through ftplib: absolute and relative ones that stay inside the root work for RETR,
SIZE, listings and uploads into a linked directory; anything leading outside is 550 and unlisted.

FtpRoot already holds root/escape -> an absolute path outside; this adds the release layout
root/releases/42/app.bin, root/current -> the release and root/latest.bin -> the file (both
absolute).
"""
import ftplib
import io
import os
import unittest

from ftp_helpers import ALICE, FtpRoot, retr_bytes, session, start_ftp
from harness import ServerTestCase

APP = b"release 42\n" * 100


class SymlinkTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        release = cls.root.path("releases/42")
        os.makedirs(release)
        cls.root.write("releases/42/app.bin", APP)
        os.symlink(release, cls.root.path("current"))
        os.symlink(os.path.join(release, "app.bin"), cls.root.path("latest.bin"))
        os.symlink("releases/42/app.bin", cls.root.path("relative.bin"))
        os.symlink(cls.root.outside, cls.root.path("outside-dir"))
        os.symlink("/proc/self/root/etc/passwd", cls.root.path("proc-link"))
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def test_retr_through_an_absolute_symlink_inside(self):
        with session(self.server) as ftp:
            self.assertEqual(retr_bytes(ftp, "latest.bin"), APP)
            self.assertEqual(retr_bytes(ftp, "current/app.bin"), APP)
            self.assertEqual(retr_bytes(ftp, "relative.bin"), APP)
            self.assertEqual(ftp.size("latest.bin"), len(APP))
            ftp.cwd("current")
            self.assertEqual(ftp.pwd(), "/current")
            self.assertEqual(retr_bytes(ftp, "app.bin"), APP)

    def test_retr_through_a_symlink_outside_is_550(self):
        with session(self.server, *ALICE) as ftp:
            for path in ("escape", "outside-dir/secret", "proc-link", "/current/../../outside/secret"):
                with self.subTest(path=path):
                    with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                        retr_bytes(ftp, path)
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.cwd("outside-dir")

    def test_listings_show_links_inside_and_hide_links_outside(self):
        with session(self.server) as ftp:
            facts = dict(ftp.mlsd())
            self.assertEqual(facts["latest.bin"]["type"], "file")
            self.assertEqual(facts["latest.bin"]["size"], str(len(APP)))
            self.assertEqual(facts["current"]["type"], "dir")
            for name in ("escape", "outside-dir", "proc-link"):
                self.assertNotIn(name, facts)
            self.assertIn("app.bin", ftp.nlst("current"))

    def test_upload_into_a_directory_behind_an_absolute_link(self):
        with session(self.server, *ALICE) as ftp:
            ftp.storbinary("STOR current/uploaded.bin", io.BytesIO(b"new file"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.storbinary("STOR outside-dir/planted.bin", io.BytesIO(b"x"))
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.mkd("outside-dir/planted")
        self.assertEqual(self.root.read("releases/42/uploaded.bin"), b"new file")
        self.assertEqual(os.listdir(self.root.outside), ["secret"])
        self.assertEqual(self.root.leftovers(), [])


if __name__ == "__main__":
    unittest.main()
