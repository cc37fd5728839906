"""Confinement, bounce protection, data-connection theft, limits and timeouts."""
import ftplib
import io
import os
import re
import socket
import subprocess
import threading
import unittest

from ftp_helpers import (ALICE, FtpRoot, command, free_port, login, raw_control, raw_login, read_reply,
                         retr_bytes, session, start_ftp)
from harness import MUXD_BIN, ServerTestCase, wait_until


def try_login(server):
    try:
        return login(server)
    except ftplib.error_temp:
        return None


class ConfinementTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(FtpRoot())
        cls.server = cls.start_class_server(start_ftp, cls.root)

    def test_traversal_is_refused(self):
        with session(self.server, *ALICE) as ftp:
            for path in ("../outside/secret", "../../../../etc/passwd", "/../etc/passwd", "docs/../../x"):
                with self.assertRaisesRegex(ftplib.error_perm, "^550", msg=path):
                    retr_bytes(ftp, path)
            self.assertTrue(ftp.cwd("..").startswith("250"))  # stays at /, as a shell does
            self.assertEqual(ftp.pwd(), "/")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.storbinary("STOR ../planted.txt", io.BytesIO(b"x"))
        self.assertFalse(os.path.exists(os.path.join(self.root.base, "planted.txt")))

    def test_absolute_paths_start_at_the_root(self):
        with session(self.server) as ftp:
            self.assertEqual(retr_bytes(ftp, "/docs/readme.md"), b"# docs\n")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                retr_bytes(ftp, "/etc/passwd")

    def test_symlink_leading_out_is_refused(self):
        with session(self.server, *ALICE) as ftp:
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                retr_bytes(ftp, "escape")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.size("escape")
            with self.assertRaisesRegex(ftplib.error_perm, "^550"):
                ftp.storbinary("STOR escape", io.BytesIO(b"overwrite the outside"))
        with open(os.path.join(self.root.outside, "secret")) as f:
            self.assertEqual(f.read(), "outside the root\n")

    def test_nul_and_control_characters_are_refused(self):
        sock, reader = raw_login(self.server)
        with sock, reader:
            self.assertTrue(command(sock, reader, "CWD docs\x00/../..").startswith("501"))
            self.assertTrue(command(sock, reader, "SIZE hello.txt\x01").startswith("501"))
            self.assertTrue(command(sock, reader, "SIZE hello.txt").startswith("213"))

    def test_port_bounce_is_refused(self):
        sock, reader = raw_login(self.server)
        with sock, reader:
            for line in ("PORT 10,0,0,1,7,208", "EPRT |1|192.0.2.1|2000|", "PORT 127,0,0,1,0,25",
                         "EPRT |1|127.0.0.1|21|"):
                self.assertTrue(command(sock, reader, line).startswith("504"), line)
            self.assertTrue(command(sock, reader, "PORT 127,0,0,1,7,208").startswith("200"))

    def test_port_from_another_client_ip_is_refused(self):
        # The client is 127.0.0.2; it asks for a data connection to 127.0.0.1.
        sock, reader = raw_login(self.server, source="127.0.0.2")
        with sock, reader:
            self.assertTrue(command(sock, reader, "PORT 127,0,0,1,7,208").startswith("504"))

    def test_passive_connection_from_another_ip_is_refused(self):
        sock, reader = raw_login(self.server)
        with sock, reader:
            reply = command(sock, reader, "EPSV")
            port = int(re.search(r"\(\|\|\|(\d+)\|\)", reply).group(1))
            thief = socket.create_connection((self.server.host, port), timeout=10,
                                             source_address=("127.0.0.2", 0))
            with thief:
                sock.sendall(b"RETR hello.txt\r\n")
                self.assertTrue(read_reply(reader).startswith("150"))
                self.assertEqual(thief.recv(100), b"")  # closed, nothing sent
                owner = socket.create_connection((self.server.host, port), timeout=10)
                with owner:
                    data = b""
                    while chunk := owner.recv(4096):
                        data += chunk
                self.assertEqual(data, b"hello, world\n")
                self.assertTrue(read_reply(reader).startswith("226"))

    def test_overlong_line_gets_500_and_close(self):
        sock, reader = raw_control(self.server)
        with sock, reader:
            sock.sendall(b"NOOP " + b"x" * 5000 + b"\r\n")
            self.assertTrue(read_reply(reader).startswith("500"))
            self.assertEqual(reader.readline(), b"")

    def test_client_that_does_not_read_its_replies(self):
        # 30,000 HELPs (about 9 MiB of replies, more than the socket buffers
        # hold) sent before reading any: the server stops reading commands
        # while its replies pile up, then answers every one, in order.
        sock, reader = raw_login(self.server)
        with sock, reader:
            count = 30_000
            sender = threading.Thread(target=sock.sendall, args=(b"HELP\r\n" * count,))
            sender.start()
            ends = 0
            while ends < count:
                line = reader.readline()
                self.assertTrue(line, "connection closed early")
                ends += line == b"214 Help OK.\r\n"
            sender.join()
            self.assertTrue(command(sock, reader, "PWD").startswith("257"))

    def test_three_failed_logins_close(self):
        sock, reader = raw_control(self.server)
        with sock, reader:
            for _ in range(3):
                command(sock, reader, "USER alice")
                self.assertTrue(command(sock, reader, "PASS nope").startswith("530"))
            self.assertEqual(reader.readline(), b"")


class LimitsTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(FtpRoot())

    def test_max_clients(self):
        with start_ftp(self.root, "--max-clients", "2") as server:
            first, second = login(server), login(server)
            with self.assertRaisesRegex(ftplib.error_temp, "^421"):
                login(server)
            first.quit()
            # The place is freed when the server closes the connection, just after its 221.
            third = wait_until(lambda: try_login(server))
            self.assertIsNotNone(third)
            third.quit()
            second.quit()

    def test_max_per_ip(self):
        with start_ftp(self.root, "--max-per-ip", "1") as server:
            first = login(server)
            with self.assertRaisesRegex(ftplib.error_temp, "^421"):
                login(server)
            other = ftplib.FTP()
            other.connect(server.host, server.port, timeout=10, source_address=("127.0.0.2", 0))
            other.login()
            other.quit()
            first.quit()

    def test_passive_port_range(self):
        port = free_port()
        with start_ftp(self.root, "--pasv-ports", f"{port}-{port}") as server:
            first, first_reader = raw_login(server)
            second, second_reader = raw_login(server)
            with first, first_reader, second, second_reader:
                self.assertEqual(command(first, first_reader, "EPSV"),
                                 f"229 Entering Extended Passive Mode (|||{port}|)")
                # The range's only port is taken by the first client's listener.
                self.assertTrue(command(second, second_reader, "EPSV").startswith("425"))
                self.assertTrue(command(first, first_reader, "ABOR").startswith("225"))  # frees it
                self.assertTrue(wait_until(
                    lambda: command(second, second_reader, "EPSV").startswith("229")))

    def test_bad_passive_port_range_is_a_usage_error(self):
        for bad in ("2000", "3000-2000", "0-10", "1-70000", "a-b"):
            result = subprocess.run([MUXD_BIN, "ftp", "--root", self.root.root, "--pasv-ports", bad],
                                    capture_output=True, timeout=30)
            self.assertEqual(result.returncode, 2, bad)
            self.assertIn(b"--pasv-ports", result.stderr)

    def test_idle_timeout(self):
        with start_ftp(self.root, "--idle-timeout", "0.5") as server:
            sock, reader = raw_login(server)
            with sock, reader:
                self.assertTrue(read_reply(reader).startswith("421"))
                self.assertEqual(reader.readline(), b"")

    def test_data_connection_that_never_comes(self):
        with start_ftp(self.root, "--data-timeout", "0.5") as server:
            sock, reader = raw_login(server)
            with sock, reader:
                self.assertTrue(command(sock, reader, "PASV").startswith("227"))
                sock.sendall(b"RETR hello.txt\r\n")
                self.assertTrue(read_reply(reader).startswith("150"))
                self.assertTrue(read_reply(reader).startswith("425"))
                self.assertTrue(command(sock, reader, "NOOP").startswith("200"))


if __name__ == "__main__":
    unittest.main()
