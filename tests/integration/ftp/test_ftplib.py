"""muxd ftp driven by Python's ftplib: anonymous and named-user sessions."""
import ftplib
import io
import os
import unittest

from ftp_helpers import ALICE, FtpRoot, login, md5, retr_bytes, session, start_ftp
from harness import ServerTestCase


class FtplibTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def test_greeting_and_anonymous_login(self):
        ftp = ftplib.FTP()
        self.assertTrue(ftp.connect(self.server.host, self.server.port, timeout=10).startswith("220"))
        self.assertTrue(ftp.login().startswith("230"))
        self.assertEqual(ftp.pwd(), "/")
        ftp.quit()

    def test_nlst_and_mlsd(self):
        with session(self.server) as ftp:
            names = ftp.nlst()
            self.assertIn("hello.txt", names)
            self.assertIn("名字 with spaces.txt", names)
            self.assertNotIn("escape", names)  # a symlink leading out is not shown
            facts = dict(ftp.mlsd())
            self.assertEqual(facts["hello.txt"]["type"], "file")
            self.assertEqual(facts["hello.txt"]["size"], "13")
            self.assertEqual(facts["docs"]["type"], "dir")

    def test_list_of_a_subdirectory(self):
        with session(self.server) as ftp:
            lines = []
            ftp.retrlines("LIST docs", lines.append)
            self.assertEqual(len(lines), 1)
            self.assertTrue(lines[0].startswith("-rw"))
            self.assertTrue(lines[0].endswith(" readme.md"))

    def test_download_whole_and_restarted(self):
        data = self.root.read("random.bin")
        with session(self.server) as ftp:
            self.assertEqual(md5(retr_bytes(ftp, "random.bin")), md5(data))
            self.assertEqual(retr_bytes(ftp, "random.bin", rest=123_456), data[123_456:])

    def test_download_in_active_mode(self):
        with session(self.server) as ftp:
            ftp.set_pasv(False)
            self.assertEqual(retr_bytes(ftp, "hello.txt"), b"hello, world\n")

    def test_unicode_names_and_spaces(self):
        with session(self.server) as ftp:
            self.assertEqual(retr_bytes(ftp, "名字 with spaces.txt"), "unicode ✓\n".encode())
            ftp.cwd("docs")
            self.assertEqual(ftp.pwd(), "/docs")

    def test_size_and_mdtm(self):
        with session(self.server) as ftp:
            self.assertEqual(ftp.size("random.bin"), 300_000)
            reply = ftp.sendcmd("MDTM hello.txt")
            self.assertRegex(reply, r"^213 \d{14}$")

    def test_anonymous_users_are_read_only(self):
        # Without --anonymous-write (test_anonymous_access.py has the flag).
        self.root.write("keep.txt", b"original")
        with session(self.server) as ftp:
            for action in (lambda: ftp.storbinary("STOR new.txt", io.BytesIO(b"new")),
                           lambda: ftp.storbinary("STOR keep.txt", io.BytesIO(b"overwritten")),
                           lambda: ftp.storbinary("APPE keep.txt", io.BytesIO(b"appended")),
                           lambda: ftp.mkd("anon-dir"), lambda: ftp.delete("keep.txt"),
                           lambda: ftp.rename("keep.txt", "moved.txt"), lambda: ftp.rmd("docs")):
                with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                    action()
            self.assertEqual(retr_bytes(ftp, "keep.txt"), b"original")
        self.assertEqual(self.root.read("keep.txt"), b"original")
        for name in ("new.txt", "anon-dir", "moved.txt"):
            self.assertFalse(os.path.exists(self.root.path(name)), name)
        self.assertEqual(self.root.leftovers(), [])

    def test_named_user_may_do_everything(self):
        with session(self.server, *ALICE) as ftp:
            ftp.storbinary("STOR alice.txt", io.BytesIO(b"first"))
            ftp.storbinary("STOR alice.txt", io.BytesIO(b"second"))
            ftp.storbinary("APPE alice.txt", io.BytesIO(b"+more"))
            self.assertEqual(retr_bytes(ftp, "alice.txt"), b"second+more")
            ftp.storbinary("STOR alice.txt", io.BytesIO(b"__cond"), rest=6)  # a resumed upload
            self.assertEqual(retr_bytes(ftp, "alice.txt"), b"second__cond")
            ftp.mkd("alice-dir")
            ftp.rename("alice.txt", "alice-dir/renamed.txt")
            self.assertEqual(ftp.nlst("alice-dir"), ["renamed.txt"])
            ftp.delete("alice-dir/renamed.txt")
            ftp.rmd("alice-dir")
        self.assertFalse(os.path.exists(self.root.path("alice-dir")))

    def test_wrong_password(self):
        with self.assertRaisesRegex(ftplib.error_perm, "^530"):
            login(self.server, ALICE[0], "not the password")

    def test_commands_before_login_get_530(self):
        ftp = ftplib.FTP()
        ftp.connect(self.server.host, self.server.port, timeout=10)
        for command in ("PWD", "LIST", "RETR hello.txt", "CWD docs"):
            with self.assertRaisesRegex(ftplib.error_perm, "^530"):
                ftp.sendcmd(command)
        ftp.close()

    def test_error_codes(self):
        with session(self.server) as ftp:
            with self.assertRaisesRegex(ftplib.error_perm, "^502"):
                ftp.sendcmd("SITE CHMOD 777 hello.txt")
            with self.assertRaisesRegex(ftplib.error_perm, "^503"):
                ftp.sendcmd("RNTO x")
            with self.assertRaisesRegex(ftplib.error_perm, "^501"):
                ftp.sendcmd("REST nonsense")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                retr_bytes(ftp, "missing.txt")
            self.assertTrue(ftp.sendcmd("NOOP").startswith("200"))

    def test_feat_and_syst(self):
        with session(self.server) as ftp:
            feat = ftp.sendcmd("FEAT")
            for feature in ("EPSV", "MLST", "REST STREAM", "SIZE", "UTF8"):
                self.assertIn(feature, feat)
            self.assertEqual(ftp.sendcmd("SYST"), "215 UNIX Type: L8")


class ReadOnlyTest(ServerTestCase):
    def test_read_only_refuses_every_write(self):
        root = FtpRoot()
        try:
            with start_ftp(root, "--read-only") as server, session(server, *ALICE) as ftp:
                self.assertEqual(retr_bytes(ftp, "hello.txt"), b"hello, world\n")
                for action in (lambda: ftp.storbinary("STOR new.txt", io.BytesIO(b"x")),
                               lambda: ftp.mkd("d"), lambda: ftp.delete("hello.txt"),
                               lambda: ftp.rename("hello.txt", "x")):
                    with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                        action()
            self.assertFalse(os.path.exists(root.path("new.txt")))
            self.assertEqual(root.leftovers(), [])
        finally:
            root.cleanup()

    def test_no_anonymous(self):
        root = FtpRoot()
        try:
            with start_ftp(root, "--no-anonymous") as server:
                with self.assertRaisesRegex(ftplib.error_perm, "^530"):
                    login(server)
                with session(server, *ALICE) as ftp:
                    self.assertEqual(ftp.pwd(), "/")
        finally:
            root.cleanup()


if __name__ == "__main__":
    unittest.main()
