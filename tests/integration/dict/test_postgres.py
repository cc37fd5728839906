"""`muxd dict` on a real PostgreSQL (started by pgkit for the test): two
instances on one database serve the same words, and a row added with psql is
served at once, without a restart."""
import os
import unittest

from harness import ServerTestCase
from pgkit import PostgresServer
from dictkit import dict_import, write_tsv
from dict_support import WORDS, DictConnection, DictServer, require_dict_client, run_dict, udp_lookup


class PostgresTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        require_dict_client()
        cls.pg = PostgresServer().__enter__()
        cls.addClassCleanup(cls.pg.__exit__, None, None, None)
        directory = cls.class_tempdir()
        tsv = write_tsv(os.path.join(directory, "test.tsv"), WORDS, "# description: muxd test words\n")
        done = dict_import(cls.pg.url, tsv)
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        cls.first = cls.start_class_server(DictServer, cls.pg.url)
        cls.second = cls.start_class_server(DictServer, cls.pg.url)

    def test_two_instances_serve_the_same_words(self):
        for server in (self.first, self.second):
            done = run_dict(server, "cat")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("a small domesticated feline", done.stdout)
            self.assertEqual(udp_lookup(server.udp_port, "CAT"), b"a small domesticated feline")
            done = run_dict(server, "-m", "-s", "prefix", "cat")
            self.assertIn("category", done.stdout)
            self.assertEqual(udp_lookup(server.udp_port, "'; DROP TABLE words; --"), b"a word that looks like SQL")

    def test_a_row_added_with_psql_is_served_without_a_restart(self):
        self.assertEqual(udp_lookup(self.first.udp_port, "zebra"), b"Not Found")
        self.pg.query("INSERT INTO words (word, mean, db, key, rkey, soundex) "
                      "VALUES ('zebra', 'striped equine', 'test', 'zebra', 'arbez', 'Z160')")
        for server in (self.first, self.second):
            self.assertEqual(udp_lookup(server.udp_port, "zebra"), b"striped equine")
            connection = DictConnection(server.dict_port)
            self.addCleanup(connection.close)
            status, blocks = connection.command("DEFINE test zebra")
            self.assertEqual(status, "250 ok")
            self.assertEqual(blocks[1][1], ["striped equine"])
            done = run_dict(server, "-m", "-s", "suffix", "bra")
            self.assertIn("zebra", done.stdout)


if __name__ == "__main__":
    unittest.main()
