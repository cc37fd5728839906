"""CWD and CDUP: ".." at the root stays at the root (250), as in vsftpd,
pyftpdlib and a shell; nothing leaves the root that way."""
import ftplib
import os
import unittest

from ftp_helpers import ALICE, FtpRoot, command, raw_login, retr_bytes, session, start_ftp
from harness import ServerTestCase


class WorkingDirectoryTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        os.makedirs(cls.root.path("docs/deep/er"))
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def test_cdup_and_cwd_dotdot_at_the_root_stay_there(self):
        with session(self.server) as ftp:
            self.assertTrue(ftp.cwd("..").startswith("250"))
            self.assertEqual(ftp.pwd(), "/")
            self.assertTrue(ftp.sendcmd("CDUP").startswith("250"))
            self.assertTrue(ftp.sendcmd("XCUP").startswith("250"))
            self.assertEqual(ftp.pwd(), "/")
            # Still the served root: its files are there, nothing above it is.
            self.assertEqual(retr_bytes(ftp, "hello.txt"), b"hello, world\n")
            self.assertNotIn("root", ftp.nlst())

    def test_dotdot_from_a_subdirectory_clamps_at_the_root(self):
        with session(self.server, *ALICE) as ftp:
            ftp.cwd("docs/deep/er")
            self.assertEqual(ftp.pwd(), "/docs/deep/er")
            self.assertTrue(ftp.cwd("../..").startswith("250"))
            self.assertEqual(ftp.pwd(), "/docs")
            self.assertTrue(ftp.cwd("../..").startswith("250"))
            self.assertEqual(ftp.pwd(), "/")
            ftp.cwd("docs")
            self.assertTrue(ftp.cwd("../../../docs/deep").startswith("250"))  # "/docs/deep"
            self.assertEqual(ftp.pwd(), "/docs/deep")
            self.assertTrue(ftp.cwd("/../..").startswith("250"))
            self.assertEqual(ftp.pwd(), "/")

    def test_clamping_reaches_nothing_outside(self):
        with session(self.server, *ALICE) as ftp:
            # "../outside" from the root is "/outside" beneath it, which does not exist.
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.cwd("../outside")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.cwd("escape")  # a symlink leading out
            self.assertEqual(ftp.pwd(), "/")
            # Other commands still refuse a path that climbs above the root.
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                retr_bytes(ftp, "../hello.txt")

    def test_raw_commands(self):
        sock, reader = raw_login(self.server)
        with sock, reader:
            self.assertEqual(command(sock, reader, "CDUP"), "250 Directory successfully changed.")
            self.assertEqual(command(sock, reader, "CWD ../../.."), "250 Directory successfully changed.")
            self.assertEqual(command(sock, reader, "PWD"), '257 "/" is the current directory.')
            self.assertTrue(command(sock, reader, "CWD ../docs\x01").startswith("501"))


if __name__ == "__main__":
    unittest.main()
