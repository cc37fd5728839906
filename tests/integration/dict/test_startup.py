"""`muxd dict` at start-up: a TCP (--dict-listen) or UDP (--listen) port another
process holds is exit status 1 with "Address already in use" and no listening
line, as for every server; and it is found before the default data's first
import, which takes a while."""
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

from harness import MUXD_BIN, ServerTestCase, assert_address_in_use, run_muxd
from dict_support import DictServer, make_database



def run_dict(*args):
    return run_muxd("dict", *args)


class AddressInUseTest(ServerTestCase):
    def assert_refused(self, result):
        assert_address_in_use(self, result)

    def test_a_second_dict_on_a_busy_tcp_or_udp_port_fails_and_the_first_keeps_serving(self):
        directory = tempfile.mkdtemp(prefix="muxd-dict-startup-")
        self.addCleanup(shutil.rmtree, directory)
        db = make_database(directory)
        first = self.start_server(DictServer, db)
        with self.subTest(taken="tcp (--dict-listen)"):
            self.assert_refused(run_dict("--db", db, "--listen", "127.0.0.1:0",
                                         "--dict-listen", f"127.0.0.1:{first.dict_port}"))
        with self.subTest(taken="udp (--listen)"):
            self.assert_refused(run_dict("--db", db, "--listen", f"127.0.0.1:{first.udp_port}",
                                         "--dict-listen", "127.0.0.1:0"))
        self.assertIsNone(first.proc.poll())
        with socket.create_connection(("127.0.0.1", first.dict_port), timeout=10) as sock:
            self.assertTrue(sock.makefile("rb").readline().startswith(b"220"))

    def test_the_ports_are_checked_before_the_default_data_is_imported(self):
        # The default database lives beside the binary (dict/default.sqlite): a copy of the
        # binary in an empty directory has none yet, and would import it first.
        directory = tempfile.mkdtemp(prefix="muxd-dict-fresh-")
        self.addCleanup(shutil.rmtree, directory)
        binary = shutil.copy(MUXD_BIN, os.path.join(directory, "muxd"))
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            result = subprocess.run([binary, "dict", "--listen", "127.0.0.1:0",
                                     "--dict-listen", f"127.0.0.1:{holder.getsockname()[1]}"],
                                    capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.assert_refused(result)
        self.assertNotIn("importing", result.stderr)
        self.assertEqual(os.listdir(directory), ["muxd"], "the default data was imported before the port check")

if __name__ == "__main__":
    unittest.main()
