"""`muxd c10k`: the lab runs real servers under real load and writes its report."""
import csv
import os
import subprocess
import unittest
import xml.etree.ElementTree as ElementTree

from harness import MUXD_BIN, ServerTestCase

SVG = "{http://www.w3.org/2000/svg}"


def lab(out, *args, prefix=()):
    return subprocess.run([*prefix, MUXD_BIN, "c10k", "--out", out, *args], capture_output=True, text=True,
                          timeout=240, stdin=subprocess.DEVNULL)


def read_rows(out):
    with open(os.path.join(out, "results.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class LabTest(ServerTestCase):
    """The lab starts and stops its servers itself; the harness gives it a scratch directory."""

    def setUp(self):
        self.out = os.path.join(self.tempdir(prefix="muxd-c10k-"), "out")

    def test_two_models_at_two_concurrencies_give_four_measured_runs_and_a_report(self):
        result = lab(self.out, "--models", "epoll,thread", "--concurrency", "1,8", "--duration", "1")
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        rows = read_rows(self.out)
        self.assertEqual([(r["model"], r["concurrency"]) for r in rows],
                         [("epoll", "1"), ("epoll", "8"), ("thread", "1"), ("thread", "8")])
        for row in rows:
            self.assertGreater(int(row["requests"]), 0, row)
            self.assertEqual(int(row["errors"]), 0, row)
            self.assertGreater(float(row["rps"]), 0, row)
            self.assertGreaterEqual(float(row["p99_ms"]), float(row["p50_ms"]), row)
            self.assertGreater(float(row["peak_rss_mb"]), 0, row)
            self.assertEqual(row["note"], "", row)
        # The thread model shows its threads: at 8 connections, more than at 1.
        thread = {r["concurrency"]: int(r["peak_threads"]) for r in rows if r["model"] == "thread"}
        self.assertGreater(thread["8"], thread["1"])

        svg = ElementTree.parse(os.path.join(self.out, "c10k.svg")).getroot()
        self.assertEqual(svg.tag, SVG + "svg")
        lines = svg.findall(f"{SVG}path")
        self.assertEqual(len(lines), 4)  # two models, two panels
        legend = [t.text for t in svg.findall(f"{SVG}text") if t.get("class") == "legend"]
        self.assertEqual(legend, ["epoll", "thread"])

        with open(os.path.join(self.out, "index.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn('<img id="chart" src="c10k.svg"', html)
        self.assertEqual(html.count("<tr><td"), 4)
        self.assertIn("thread per connection", html)
        self.assertNotIn(".tmp", " ".join(os.listdir(self.out)))  # written beside, renamed over

    def test_a_concurrency_the_descriptor_limit_cannot_hold_is_skipped_and_said_so(self):
        result = lab(self.out, "--models", "epoll", "--concurrency", "2000", "--duration", "1",
                     prefix=("prlimit", "--nofile=1024:1024"))
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        (row,) = read_rows(self.out)
        self.assertEqual(int(row["requests"]), 0)
        self.assertIn("skipped: 1024 descriptors allowed", row["note"])

    def test_bad_flags_exit_2_and_name_the_flag(self):
        for args in (["--models", "epol"], ["--concurrency", "0"], ["--duration", "-1"]):
            result = lab(self.out, *args)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(args[0], result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "results.csv")))


if __name__ == "__main__":
    unittest.main()
