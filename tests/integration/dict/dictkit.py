"""Helpers for the dict tests: run `muxd dict-import`, write TSV and dictd
sources (plain .dict and dictzip .dict.dz, as dictfmt(1) and dictzip(1)
write them), and read SQLite databases back with Python's sqlite3."""
import os
import sqlite3
import struct
import subprocess
import zlib

from harness import MUXD_BIN

WORDNET_INDEX = "/usr/share/dictd/wn.index"


def dict_import(db, *sources, timeout=300):
    """Runs muxd dict-import; returns the CompletedProcess (text)."""
    return subprocess.run([MUXD_BIN, "dict-import", "--db", db, *sources], capture_output=True, text=True,
                          timeout=timeout)


def write_tsv(path, entries, header=""):
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        for word, meaning in entries:
            out.write(f"{word}\t{meaning}\n")
    return path


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def dictd_number(value):
    """dictd's base64 number (most significant digit first, no padding)."""
    digits = ""
    while True:
        digits = _B64[value % 64] + digits
        value //= 64
        if value == 0:
            return digits


def dictzip(data, chunk_length=4096):
    """`data` as a dictzip file: gzip with an RA extra field, chunks deflated with a full flush."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = []
    for at in range(0, max(len(data), 1), chunk_length):
        last = at + chunk_length >= len(data)
        chunks.append(compressor.compress(data[at:at + chunk_length]) +
                      compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))
    ra = struct.pack("<HHH", 1, chunk_length, len(chunks)) + b"".join(struct.pack("<H", len(c)) for c in chunks)
    extra = b"RA" + struct.pack("<H", len(ra)) + ra
    header = b"\x1f\x8b\x08\x04" + b"\0" * 4 + b"\x02\x03" + struct.pack("<H", len(extra)) + extra
    return header + b"".join(chunks) + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def write_dictd(directory, name, entries, short=None, compress=True):
    """NAME.index and NAME.dict(.dz) holding `entries` ((word, text) pairs, in order), plus a
    00-database-short entry when `short` is given. Returns the index path."""
    data, index = b"", []
    if short is not None:
        entries = [("00-database-short", f"00-database-short\n     {short}\n"),
                   ("00-database-url", "00-database-url\n     http://example.org/\n")] + list(entries)
    for word, text in entries:
        raw = text.encode()
        index.append(f"{word}\t{dictd_number(len(data))}\t{dictd_number(len(raw))}\n")
        data += raw
    with open(os.path.join(directory, name + ".index"), "w", encoding="utf-8") as out:
        out.writelines(index)
    if compress:
        with open(os.path.join(directory, name + ".dict.dz"), "wb") as out:
            out.write(dictzip(data))
    else:
        with open(os.path.join(directory, name + ".dict"), "wb") as out:
            out.write(data)
    return os.path.join(directory, name + ".index")


def sqlite_rows(db, sql, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def sqlite_words(db, name):
    """{word: meaning} of one database, from a SQLite file."""
    return dict(sqlite_rows(db, "SELECT word, mean FROM words WHERE db = ? ORDER BY id", name))
