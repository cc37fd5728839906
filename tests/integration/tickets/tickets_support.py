"""Helpers for the `muxd tickets` tests: start a server, buy like the course's
client (connect, read until the server closes), a crowd of such buyers, and
the database read with Python's own sqlite3."""
import concurrent.futures
import os
import socket
import sqlite3

from harness import Server

CROWD = 200  # modest: the sanitizer trees are slow
CONCURRENCY = 32


def start_tickets(db, *flags, **kwargs):
    return Server("tickets", "--listen", "127.0.0.1:0", "--db", db, *flags, **kwargs)


def buy(port, host="127.0.0.1", timeout=30):
    """One purchase: the raw reply (bytes), read until the server closes."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        reply = b""
        while True:
            chunk = sock.recv(100)
            if not chunk:
                return reply
            reply += chunk


def parse(reply):
    """(remaining, bought) as the course's client reads it; None for anything else."""
    text = reply.decode("ascii", "replace")
    if len(text) < 2 or not text.isdigit() or text[-1] not in "01":
        return None
    return int(text[:-1]), text[-1] == "1"


def crowd(ports, buyers, concurrency=CONCURRENCY):
    """`buyers` purchases spread over `ports` round robin, `concurrency` at a time: their replies."""
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda i: buy(ports[i % len(ports)]), range(buyers)))


def sold_values(replies):
    """The `remaining` values of the replies that sold a ticket."""
    return [parse(r)[0] for r in replies if parse(r) and parse(r)[1]]


def read_sqlite(path):
    """(total, remaining, orders as (id, sold_at, buyer, remaining) tuples)."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        total, remaining = connection.execute("SELECT total, remaining FROM stock WHERE id = 1").fetchone()
        orders = connection.execute("SELECT id, sold_at, buyer, remaining FROM orders ORDER BY id").fetchall()
        return total, remaining, orders
    finally:
        connection.close()


def db_path(directory, name="tickets.db"):
    return os.path.join(directory, name)
