"""The Store's unit tests (tests/unit/dict/store_test.cpp: every strategy,
"*" and "!", case-insensitivity, limits, injection shapes, replace and
roll back) against a real PostgreSQL: the unit binary, with
MUXD_DICT_TEST_DB pointing at a server this test starts (pgkit)."""
import os
import subprocess
import unittest

from harness import MUXD_BIN, ServerTestCase
from pgkit import PostgresServer

UNIT_TESTS = os.path.join(os.path.dirname(os.path.abspath(MUXD_BIN)), "muxd_dict_tests")


class PostgresStoreTest(ServerTestCase):
    def test_store_cases_on_postgres(self):
        if not os.path.exists(UNIT_TESTS):
            self.skipTest(f"{UNIT_TESTS} is not built")
        with PostgresServer() as pg:
            done = subprocess.run([UNIT_TESTS, "--gtest_filter=StoreTest.*"], capture_output=True, text=True,
                                  env={**os.environ, "MUXD_DICT_TEST_DB": pg.url}, timeout=240)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("[  PASSED  ]", done.stdout)
        self.assertIn(f"[ store    ] {pg.url}", done.stdout)  # PostgreSQL served them, not SQLite
        self.assertNotIn("[  SKIPPED ]", done.stdout)


if __name__ == "__main__":
    unittest.main()
