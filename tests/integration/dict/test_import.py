"""muxd dict-import into SQLite: TSV and dictd sources (WordNet too), re-import,
malformed lines (FILE:LINE, exit 1, nothing changed), injection-shaped words,
and an import killed with SIGKILL (the rollback journal restores the old data)."""
import os
import sqlite3
import unittest

from dictkit import sqlite_rows, sqlite_words
from harness import ServerTestCase
from import_cases import ImportCases


class SqliteImportTest(ImportCases, ServerTestCase):
    def setUp(self):
        super().setUp()
        self.db = self.path("words.sqlite")

    def words(self, name):
        return sqlite_words(self.db, name)

    def databases(self):
        return {name: (description, count)
                for name, description, count in sqlite_rows(self.db, "SELECT name, description, words FROM databases")}

    def tables(self):
        return {name for (name,) in sqlite_rows(self.db, "SELECT name FROM sqlite_master WHERE type = 'table'")}

    def import_in_progress(self):
        return os.path.exists(self.db + "-journal")

    def test_schema_has_the_courses_columns(self):
        self.ok(self.write_small())
        with sqlite3.connect(self.db) as connection:
            self.assertEqual(connection.execute("SELECT mean FROM words WHERE word = ?", ("hello",)).fetchone(),
                             ("你好",))
            plan = " ".join(row[-1] for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT word FROM words WHERE db = 'x' AND key >= 'a' AND key < 'b'"))
            self.assertIn("USING INDEX words_key", plan)

    def write_small(self):
        from dictkit import write_tsv
        return write_tsv(self.path("small.tsv"), [("hello", "你好")])


if __name__ == "__main__":
    unittest.main()
