"""Debian's `dict` client (dict(1), RFC 2229) against `muxd dict` on SQLite."""
import unittest

from harness import ServerTestCase
from dict_support import DictServer, make_database, require_dict_client, run_dict


class DictClientTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        require_dict_client()
        cls.db = make_database(cls.class_tempdir())
        cls.server = cls.start_class_server(DictServer, cls.db)

    def dict(self, *args):
        return run_dict(self.server, *args)

    def test_a_word_is_defined_by_every_database_that_has_it(self):
        done = self.dict("cat")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("2 definitions found", done.stdout)
        self.assertIn('From muxd test words [test]:', done.stdout)
        self.assertIn("a small domesticated feline", done.stdout)
        self.assertIn('From Chinese test words [zh]:', done.stdout)
        self.assertIn("猫", done.stdout)

    def test_lookups_are_case_insensitive(self):
        done = self.dict("CAT")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("a small domesticated feline", done.stdout)

    def test_a_database_by_name(self):
        done = self.dict("-d", "zh", "猫")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("1 definition found", done.stdout)
        self.assertIn("cat", done.stdout)
        done = self.dict("-d", "test", "猫")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("No definitions found", done.stdout + done.stderr)

    def test_an_unknown_database_is_an_error(self):
        done = self.dict("-d", "nosuch", "cat")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("nosuch is not a valid database", done.stderr)  # dict's words for our 550

    def test_words_with_spaces_and_dots(self):
        done = self.dict("hot dog")
        self.assertIn("a frankfurter served in a bun", done.stdout)
        done = self.dict("dotted")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = [line.strip() for line in done.stdout.splitlines()]
        self.assertIn(".starts with a dot", lines)  # dot-stuffing undone by the client
        self.assertIn("..two dots", lines)
        self.assertIn(".", lines)

    def test_a_missing_word_gets_suggestions(self):
        done = self.dict("caat")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn('No definitions found for "caat"', done.stdout + done.stderr)
        self.assertIn("test:  cat", done.stderr)  # MATCH * . caat: lev, distance one (dict prints it on stderr)

    def test_databases_strategies_and_server_information(self):
        done = self.dict("-D")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("test", done.stdout)
        self.assertIn("muxd test words", done.stdout)
        self.assertIn("Chinese test words", done.stdout)
        done = self.dict("-S")
        self.assertEqual(done.returncode, 0, done.stderr)
        for strategy in ("exact", "prefix", "substring", "suffix", "lev", "soundex"):
            self.assertIn(strategy, done.stdout)
        done = self.dict("-I")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("muxd dict", done.stdout)
        done = self.dict("-i", "zh")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Chinese test words", done.stdout)

    def test_match_strategies(self):
        done = self.dict("-m", "-s", "prefix", "cat")
        self.assertEqual(done.returncode, 0, done.stderr)
        for word in ("cat", "catalog", "category"):
            self.assertIn(word, done.stdout)
        self.assertNotIn("bat", done.stdout)
        done = self.dict("-m", "-s", "suffix", "og")
        self.assertIn("dog", done.stdout)
        self.assertIn("catalog", done.stdout)
        done = self.dict("-m", "-s", "substring", "tego")
        self.assertIn("category", done.stdout)
        done = self.dict("-m", "-s", "lev", "cat")
        self.assertIn("bat", done.stdout)
        done = self.dict("-m", "-s", "soundex", "Rupert")
        self.assertIn("Robert", done.stdout)
        done = self.dict("-m", "-s", "exact", "hot dog")
        self.assertIn("hot dog", done.stdout)
        done = self.dict("-m", "-s", "regexp", "c.t")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("regexp is not a valid search strategy", done.stderr)  # dict's words for our 551

    def test_sql_shapes_are_just_words(self):
        done = self.dict("'; DROP TABLE words; --")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("a word that looks like SQL", done.stdout)
        done = self.dict("-m", "-s", "prefix", "%")
        self.assertIn("%", done.stdout)
        self.assertNotIn("catalog", done.stdout)  # % is no wildcard
        self.assertEqual(self.dict("cat").returncode, 0)  # the table is still there


if __name__ == "__main__":
    unittest.main()
