"""The documentation against the code (issue 13 item 10): every relative link in README.md and
docs/*.md reaches a file, and a heading when it names one; every flag that `muxd SUB --help`
prints is on SUB's reference page; every subcommand has such a page."""
import os
import re
import unittest

from harness import SOURCE_DIR, ServerTestCase, run_muxd

# Where each subcommand's flags are documented (pages under docs/).
PAGES = {
    "http": ["http.md", "http-site.md", "http-operations.md", "http-compression.md", "models.md"],
    "ftp": ["ftp.md"],
    "ftp-client": ["clients.md"],
    "chat": ["chat.md"],
    "chat-client": ["chat.md", "clients.md"],
    "echo": ["echo.md"],
    "dict": ["dict.md"],
    "dict-import": ["dict.md"],
    "dict-client": ["dict.md"],
    "tickets": ["tickets.md"],
    "tickets-client": ["tickets.md"],
    "bench": ["bench.md"],
    "c10k": ["c10k.md"],
    "qa": ["qa.md"],
    "qa-client": ["qa.md"],
}

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def anchors(path):
    """GitHub's heading ids: lower case, punctuation but '-' and '_' dropped, spaces to '-',
    '-1', '-2' after repeats."""
    seen, ids = {}, set()
    for heading in HEADING.findall(FENCE.sub("", read(path))):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        ids.add(slug if n == 0 else f"{slug}-{n}")
    return ids


def markdown_files():
    docs = os.path.join(SOURCE_DIR, "docs")
    return [os.path.join(SOURCE_DIR, "README.md")] + sorted(
        os.path.join(docs, name) for name in os.listdir(docs) if name.endswith(".md"))


def subcommands():
    help_text = run_muxd("--help").stdout
    return re.findall(r"^  ([a-z][\w-]*) ", help_text.split("Subcommands:", 1)[1], re.M)


def flags_of(subcommand):
    result = run_muxd(subcommand, "--help")
    found = set(re.findall(r"^\s+(?:-\w,)?(--[\w-]+)", result.stdout, re.M))
    return found - {"--help"}


class LinkTest(ServerTestCase):
    def test_relative_links_resolve(self):
        broken = []
        for path in markdown_files():
            text = CODE_SPAN.sub("", FENCE.sub("", read(path)))
            for target in LINK.findall(text):
                if re.match(r"[a-z][a-z+.-]*:", target):
                    continue  # https:, mailto:
                file_part, _, fragment = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                where = f"{os.path.relpath(path, SOURCE_DIR)}: ({target})"
                if not os.path.exists(resolved):
                    broken.append(f"{where} no such file")
                elif fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                    broken.append(f"{where} no such heading")
        self.assertEqual(broken, [])


class FlagTest(ServerTestCase):
    def test_every_subcommand_has_a_page(self):
        self.assertEqual(sorted(set(subcommands()) - set(PAGES)), [],
                         "add the new subcommand's docs page to PAGES")

    def test_every_flag_is_documented(self):
        for subcommand, pages in PAGES.items():
            text = "".join(read(os.path.join(SOURCE_DIR, "docs", page)) for page in pages)
            flags = flags_of(subcommand)
            with self.subTest(subcommand=subcommand):
                self.assertTrue(flags, f"muxd {subcommand} --help printed no flags")
                missing = [f for f in sorted(flags) if not re.search(re.escape(f) + r"(?![\w-])", text)]
                self.assertEqual(missing, [], f"flags of muxd {subcommand} missing from {', '.join(pages)}")


if __name__ == "__main__":
    unittest.main()
