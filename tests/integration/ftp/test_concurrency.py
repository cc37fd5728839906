"""Many clients at once; transfers cut off midway; the control connection
during a transfer (NOOP, STAT, ABOR)."""
import io
import os
import re
import signal
import socket
import struct
import threading
import unittest

from ftp_helpers import ALICE, FtpRoot, command, md5, raw_login, read_reply, retr_bytes, session, start_ftp
from harness import ServerTestCase, wait_until

CLIENTS = 60


def passive_port(sock, reader):
    reply = command(sock, reader, "EPSV")
    return int(re.search(r"\(\|\|\|(\d+)\|\)", reply).group(1))


def reset(sock):
    """Close with a TCP RST instead of a FIN: a connection cut off."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class ManyClientsTest(ServerTestCase):
    def test_sixty_clients_list_download_and_upload_at_once(self):
        root = self.use_resource(FtpRoot())
        for i in range(5):
            root.write(f"shared{i}.bin", os.urandom(100_000 + 50_000 * i))
        expected = {f"shared{i}.bin": md5(root.read(f"shared{i}.bin")) for i in range(5)}
        uploads = {f"upload{i}.bin": os.urandom(20_000 + 1000 * i) for i in range(CLIENTS)}
        barrier = threading.Barrier(CLIENTS)
        errors = []

        def client(index):
            try:
                with session(server) as ftp:
                    barrier.wait(timeout=60)
                    names = ftp.nlst()
                    assert "hello.txt" in names, names
                    name = f"shared{index % 5}.bin"
                    assert md5(retr_bytes(ftp, name)) == expected[name], name
                    upload = f"upload{index}.bin"
                    ftp.storbinary(f"STOR {upload}", io.BytesIO(uploads[upload]))
                    assert dict(ftp.mlsd())[upload]["size"] == str(len(uploads[upload]))
            except Exception as error:  # reported below, with the client's number
                errors.append(f"client {index}: {error!r}")

        with start_ftp(root, "--anonymous-write") as server:  # the clients upload as anonymous
            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(errors, [])
        for name, data in uploads.items():
            self.assertEqual(md5(root.read(name)), md5(data), name)
        self.assertEqual(root.leftovers(), [])


class InterruptedUploadTest(ServerTestCase):
    def setUp(self):
        self.root = self.use_resource(FtpRoot())
        self.server = self.start_server(start_ftp, self.root, "--anonymous-write")  # start_upload is anonymous by default

    def start_upload(self, name, user=("anonymous", "x")):
        sock, reader = raw_login(self.server, *user)
        port = passive_port(sock, reader)
        data = socket.create_connection((self.server.host, port), timeout=10)
        sock.sendall(f"STOR {name}\r\n".encode())
        self.assertTrue(read_reply(reader).startswith("150"))
        data.sendall(os.urandom(200_000))
        return sock, reader, data

    def test_data_connection_reset_midway_leaves_no_file(self):
        sock, reader, data = self.start_upload("cut.bin")
        with sock, reader:
            reset(data)
            self.assertTrue(read_reply(reader).startswith("426"))
        self.assertFalse(os.path.exists(self.root.path("cut.bin")))
        self.assertEqual(self.root.leftovers(), [])

    def test_client_vanishing_midway_leaves_no_file(self):
        sock, reader, data = self.start_upload("vanished.bin")
        reader.close()
        reset(sock)
        self.assertTrue(wait_until(lambda: self.root.leftovers() == []))
        data.close()
        self.assertFalse(os.path.exists(self.root.path("vanished.bin")))

    def test_interrupted_overwrite_keeps_the_old_file(self):
        self.root.write("precious.txt", b"keep me")
        sock, reader, data = self.start_upload("precious.txt", ALICE)
        with sock, reader:
            reset(data)
            self.assertTrue(read_reply(reader).startswith("426"))
        self.assertEqual(self.root.read("precious.txt"), b"keep me")

    def test_server_stopping_midway_leaves_no_file(self):
        sock, reader, data = self.start_upload("shutdown.bin")
        with sock, reader, data:
            self.assertTrue(wait_until(lambda: len(self.root.leftovers()) == 1))
            self.server.stop()
        self.assertEqual(self.root.leftovers(), [])
        self.assertFalse(os.path.exists(self.root.path("shutdown.bin")))


class ControlDuringTransferTest(ServerTestCase):
    def test_noop_stat_and_abor_during_a_stalled_download(self):
        root = self.use_resource(FtpRoot())
        with open(root.path("huge.bin"), "wb") as f:
            f.truncate(256 << 20)  # sparse: more than the socket buffers hold
        with start_ftp(root) as server:
            sock, reader = raw_login(server)
            port = passive_port(sock, reader)
            data = socket.create_connection((server.host, port), timeout=10)
            data.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            with sock, reader, data:
                sock.sendall(b"RETR huge.bin\r\n")
                self.assertTrue(read_reply(reader).startswith("150"))
                self.assertGreater(len(data.recv(65536)), 0)  # it is flowing; we stop reading
                self.assertTrue(command(sock, reader, "NOOP").startswith("200"))
                status = command(sock, reader, "STAT")
                self.assertRegex(status, r"RETR in progress: \d+ bytes transferred")
                self.assertTrue(command(sock, reader, "ABOR").startswith("426"))
                self.assertTrue(read_reply(reader).startswith("226"))
                self.assertTrue(command(sock, reader, "PWD").startswith("257"))

    def test_commands_sent_during_a_transfer_are_answered_after_it(self):
        root = self.use_resource(FtpRoot())
        with start_ftp(root) as server:
            sock, reader = raw_login(server)
            with sock, reader:
                port = passive_port(sock, reader)
                sock.sendall(b"RETR random.bin\r\nPWD\r\nSIZE hello.txt\r\n")
                self.assertTrue(read_reply(reader).startswith("150"))
                with socket.create_connection((server.host, port), timeout=10) as data:
                    received = b""
                    while chunk := data.recv(65536):
                        received += chunk
                self.assertEqual(len(received), 300_000)
                self.assertTrue(read_reply(reader).startswith("226"))
                self.assertTrue(read_reply(reader).startswith("257"))
                self.assertEqual(read_reply(reader), "213 13")


if __name__ == "__main__":
    unittest.main()
