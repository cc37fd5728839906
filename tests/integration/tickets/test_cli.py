"""`muxd tickets` and `tickets-client` command lines: bad values are usage
errors (exit status 2) and nothing is created; an unusable database is 1."""
import os
import unittest

from harness import ServerTestCase, run_muxd
from tickets_support import db_path


class CliTest(ServerTestCase):
    def test_bad_values_are_usage_errors(self):
        directory = self.tempdir()
        db = db_path(directory)
        for flags in (["--tickets", "-1"], ["--tickets", "1e3"], ["--attempts", "0"], ["--lock-timeout", "0"],
                      ["--db-queue", "0"], ["--listen", "nowhere"], ["--no-such-flag"]):
            done = run_muxd("tickets", "--db", db, *flags)
            self.assertEqual(done.returncode, 2, (flags, done.stderr))
        self.assertEqual(os.listdir(directory), [])
        for flags in (["--buyers", "-3"], ["--concurrency", "0"], ["--timeout", "0"]):
            done = run_muxd("tickets-client", *flags)
            self.assertEqual(done.returncode, 2, (flags, done.stderr))

    def test_an_unusable_database_is_a_runtime_failure(self):
        directory = self.tempdir()
        not_a_db = os.path.join(directory, "junk.db")
        with open(not_a_db, "wb") as junk:
            junk.write(b"this is not a database" * 100)
        done = run_muxd("tickets", "--listen", "127.0.0.1:0", "--db", not_a_db)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("file is not a database", done.stderr)
        done = run_muxd("tickets", "--listen", "127.0.0.1:0", "--db", os.path.join(directory, "no/such/dir.db"))
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("unable to open database file", done.stderr)

    def test_help_names_the_defaults(self):
        done = run_muxd("tickets", "--help")
        self.assertEqual(done.returncode, 0)
        for text in ("127.0.0.1:5002", "muxd-tickets.db", "--tickets", "--lock-timeout", "--attempts"):
            self.assertIn(text, done.stdout)


if __name__ == "__main__":
    unittest.main()
