"""The import tests, once per back end: test_import.py (SQLite) and
test_import_postgres.py (a real PostgreSQL) mix ImportCases into a TestCase
that provides `db` (what --db gets), `words(name)` ({word: meaning}),
`databases()` ({name: (description, count)}), `tables()` and
`import_in_progress()` (the premise of the SIGKILL test)."""
import os
import signal
import subprocess
import tempfile

from harness import MUXD_BIN, wait_until
from dictkit import WORDNET_INDEX, dict_import, write_dictd, write_tsv

INJECTIONS = [
    "'; DROP TABLE words; --",
    "Robert'); DROP TABLE databases;--",
    "x' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "a\\'b",
    "1; DELETE FROM words",
    "$1",
    "?",
]


class ImportCases:
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="muxd-dict-import-")
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def ok(self, *sources):
        done = dict_import(self.db, *sources)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done

    def fails(self, *sources):
        done = dict_import(self.db, *sources)
        self.assertEqual(done.returncode, 1, done.stderr)
        return done.stderr

    def test_tsv_import(self):
        tsv = write_tsv(self.path("zh-en.tsv"), [("你好", "hello"), ("Apple", "苹果"), ("multi", "one\\ntwo")],
                        header="# description: A small table\n\n# a comment\n")
        done = self.ok(tsv)
        self.assertIn("zh-en: 3 words (A small table)", done.stderr)
        self.assertEqual(self.words("zh-en"), {"你好": "hello", "Apple": "苹果", "multi": "one\ntwo"})
        self.assertEqual(self.databases(), {"zh-en": ("A small table", 3)})

    def test_dictd_import_plain_and_dictzip(self):
        entries = [("apple", "apple\n   a fruit\n"), ("Zebra", "Zebra\n   an animal\n"),
                   ("中文", "中文\n   Chinese\n")] + [(f"w{i:05}", f"w{i:05}\n   word {i}\n" * 20) for i in range(500)]
        plain = write_dictd(self.tmp.name, "plain", entries, short="Plain test data", compress=False)
        zipped = write_dictd(self.tmp.name, "zipped", entries, short="Zipped test data")
        self.ok(plain, zipped)
        for name, description in (("plain", "Plain test data"), ("zipped", "Zipped test data")):
            words = self.words(name)
            self.assertEqual(words, dict(entries))
            self.assertFalse([w for w in words if w.startswith("00-database")])
            self.assertEqual(self.databases()[name], (description, len(entries)))

    def test_wordnet_import(self):
        if not os.path.exists(WORDNET_INDEX):
            self.skipTest("Debian's dict-wn is not installed")
        self.ok(WORDNET_INDEX)
        description, count = self.databases()["wn"]
        self.assertEqual(description, "WordNet (r) 3.0 (2006)")
        self.assertGreater(count, 140_000)
        words = self.words("wn")
        self.assertEqual(len(words), count)
        self.assertIn("a reference book containing an alphabetical list of words", " ".join(words["dictionary"].split()))
        self.assertFalse([w for w in words if w.startswith("00-database")])

    def test_reimport_replaces(self):
        tsv = self.path("en.tsv")
        self.ok(write_tsv(tsv, [("old", "gone"), ("kept", "first")]))
        self.ok(write_tsv(self.path("other.tsv"), [("x", "y")]))
        self.ok(write_tsv(tsv, [("kept", "second"), ("new", "here")]))
        self.assertEqual(self.words("en"), {"kept": "second", "new": "here"})
        self.assertEqual(self.words("other"), {"x": "y"})
        self.assertEqual(self.databases()["en"], ("en", 2))

    def test_malformed_lines_change_nothing(self):
        self.ok(write_tsv(self.path("en.tsv"), [("before", "import")]))
        cases = [
            (b"good\tline\n# comment\nno tab here\n", 3, "no tab between word and meaning"),
            (b"\tno word\n", 1, "empty word"),
            (b"ok\tfine\nbad\xff\tmeaning\n", 2, "word is not valid UTF-8"),
            (b"ok\tfine\nword\tbad \xc0\xaf meaning\n", 2, "meaning is not valid UTF-8"),
            (b"ctl\x01\tx\n", 1, "control character in word"),
        ]
        for content, line, what in cases:
            with self.subTest(what=what):
                path = self.path("en.tsv")
                with open(path, "wb") as out:
                    out.write(content)
                good = write_tsv(self.path("more.tsv"), [("also", "not imported")])
                stderr = self.fails(good, path)
                self.assertIn(f"{path}:{line}: {what}", stderr)
                self.assertEqual(self.words("en"), {"before": "import"})
                self.assertNotIn("more", self.databases())

    def test_malformed_index_lines_change_nothing(self):
        index = write_dictd(self.tmp.name, "dd", [("a", "a\n text\n"), ("b", "b\n text\n")], compress=False)
        self.ok(index)
        size = os.path.getsize(self.path("dd.dict"))
        cases = [("c\t!!\tB\n", "bad base64 offset"),
                 ("c\tA\n", "expected headword<TAB>offset<TAB>length"),
                 ("c\tA\t/////\n", f"entry 0+1073741823 lies beyond the data file ({size} bytes)")]
        for line, what in cases:
            with self.subTest(what=what):
                with open(index, "a") as out:
                    out.write(line)
                stderr = self.fails(index)
                self.assertIn(f"{index}:3: {what}", stderr)
                self.assertEqual(set(self.words("dd")), {"a", "b"})
                with open(index) as source:
                    kept = source.readlines()[:2]
                with open(index, "w") as out:
                    out.writelines(kept)

    def test_missing_data_file(self):
        index = self.path("lonely.index")
        with open(index, "w") as out:
            out.write("a\tA\tB\n")
        self.assertIn("no ", self.fails(index))

    def test_injection_shapes_stored_verbatim(self):
        entries = [(word, f"meaning of {word}") for word in INJECTIONS]
        self.ok(write_tsv(self.path("inj.tsv"), entries))
        self.assertEqual(self.words("inj"), dict(entries))
        self.assertTrue({"words", "databases"} <= self.tables())
        self.assertEqual(self.databases()["inj"][1], len(INJECTIONS))

    def test_bad_names_and_usage(self):
        done = subprocess.run([MUXD_BIN, "dict-import", "x.tsv"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("database name", self.fails(write_tsv(self.path("bad name.tsv"), [("a", "b")])))
        self.assertIn("not NAME.tsv or NAME.index", self.fails(self.path("words.txt")))
        self.assertIn("No such file", self.fails(self.path("absent.tsv")))

    def test_killed_import_leaves_old_data(self):
        self.ok(write_tsv(self.path("big.tsv"), [("old", "data")]))
        with open(self.path("big.tsv"), "w") as out:
            for i in range(300_000):
                out.write(f"word{i}\tmeaning number {i} of a large import\n")
        proc = subprocess.Popen([MUXD_BIN, "dict-import", "--db", self.db, self.path("big.tsv")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # The premise: the import has begun writing (its transaction is open).
            self.assertTrue(wait_until(lambda: self.import_in_progress() or proc.poll() is not None, timeout=60))
            self.assertIsNone(proc.poll(), "the import ended before it could be killed: make the file bigger")
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        self.assertEqual(self.words("big"), {"old": "data"})
        self.assertEqual(self.databases()["big"], ("big", 1))
        self.ok(write_tsv(self.path("big.tsv"), [("after", "the kill")]))  # nothing left locked
        self.assertEqual(self.words("big"), {"after": "the kill"})
