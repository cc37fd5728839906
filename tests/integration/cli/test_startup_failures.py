"""Start-up failures every operator meets (docs/running.md): a UDP
port another process holds is exit status 1 with "Address already in use" and
no listening line (chat here; TCP in cli/test_command_line.py and
http/test_faults.py, dict's both in dict/test_startup.py); a kernel without
openat2 (a seccomp filter stands in for Linux < 5.6) is exit status 1 with
"openat2 needs Linux >= 5.6"."""
import os
import subprocess
import tempfile
import unittest

import seccomp_deny
from harness import MUXD_BIN, Server, ServerTestCase, assert_address_in_use, run_muxd

FAILURE = 1


class AddressInUseTest(ServerTestCase):
    def test_a_second_chat_on_a_busy_udp_port(self):
        first = self.start_server(Server, "chat", "--listen", "127.0.0.1:0")
        assert_address_in_use(self, run_muxd("chat", "--listen", f"127.0.0.1:{first.port}"))
        self.assertIsNone(first.proc.poll())


class KernelWithoutOpenat2Test(ServerTestCase):
    def test_http_and_ftp_refuse_to_start_and_say_why(self):
        root = tempfile.mkdtemp(prefix="muxd-startup-")
        self.addCleanup(os.rmdir, root)
        for service in ("http", "ftp"):
            with self.subTest(service=service):
                result = subprocess.run(
                    seccomp_deny.command("openat2", "ENOSYS", MUXD_BIN, service, "--root", root,
                                         "--listen", "127.0.0.1:0"),
                    capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
                self.assertEqual(result.returncode, FAILURE, result.stderr)
                self.assertIn("openat2 needs Linux >= 5.6", result.stderr)
                self.assertNotIn("listening on", result.stderr)


if __name__ == "__main__":
    unittest.main()
