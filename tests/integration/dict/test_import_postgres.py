"""muxd dict-import into a real PostgreSQL that the test starts (pgkit): the
same cases as test_import.py, and the words table's indexes."""
import unittest

from harness import ServerTestCase
from import_cases import ImportCases
from pgkit import PostgresServer


class PostgresImportTest(ImportCases, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = cls.enterClassContext(PostgresServer())

    def setUp(self):
        super().setUp()
        self.db = self.pg.url
        self.pg.query("DROP TABLE IF EXISTS words; DROP TABLE IF EXISTS databases;")

    def words(self, name):
        return {word: mean for word, mean in
                self.rows("SELECT word, mean FROM words WHERE db = :'p1' ORDER BY id", name)}

    def databases(self):
        return {name: (description, int(count))
                for name, description, count in self.rows("SELECT name, description, words FROM databases")}

    def tables(self):
        return {name for (name,) in self.pg.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}

    def import_in_progress(self):
        return bool(self.pg.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY words%'"))

    def rows(self, sql, *params):
        # Meanings hold newlines and tabs: let PostgreSQL escape them as JSON, one row a line.
        import json
        wrapped = f"SELECT row_to_json(t)::text FROM ({sql.rstrip(';')}) t"
        return [list(json.loads(line[0]).values()) for line in self.pg.query(wrapped + ";", *params)]

    def test_prefix_lookups_use_the_index(self):
        from dictkit import write_tsv
        self.ok(write_tsv(self.path("en.tsv"), [(f"w{i}", "m") for i in range(2000)]))
        self.pg.query("ANALYZE words;")
        plan = " ".join(row[0] for row in self.pg.query(
            "SET enable_seqscan = off; EXPLAIN SELECT word FROM words WHERE db = 'en' AND key >= 'w1' AND key < 'w2';"))
        self.assertIn("words_key", plan)


if __name__ == "__main__":
    unittest.main()
