#!/usr/bin/env python3
"""muxd tickets: sales per second with SQLite and with PostgreSQL, 1 and 3
processes on one database, and the oversell check (issue 12).

Each run: a new database with a stock of S tickets, P `muxd tickets`
processes on it, and `muxd tickets-client --buyers S+S/10` taking turns
among them (C buyers at a time, each its own connection, as the course's
client). Reported: sales per second (the client's count), and the
oversell: tickets sold beyond the stock as the database records them
(orders rows minus the stock), and whether the client's own check (no
`remaining` heard twice, none missing) passed. Both must be 0 / ok.

Durability as a careful operator would run it: SQLite in WAL mode with
synchronous=FULL (muxd's setting), in a temporary directory; PostgreSQL
15 started here in a temporary cluster with fsync and synchronous_commit
on (the tests' pgkit turns both off; this does not).

    bench/tickets_bench.py --muxd build/muxd            # S = 3000, 3 runs each, medians
    bench/tickets_bench.py --muxd build/muxd --quick    # S = 500, 1 run

Results: a Markdown table on stdout, and (not with --quick) in bench/results/tickets.md.
"""
import argparse
import datetime
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))
from pgkit import PostgresServer, _free_port  # noqa: E402


class DurablePostgres(PostgresServer):
    """pgkit's cluster, but with fsync and synchronous commits on."""

    def _start(self):
        for _ in range(5):
            port = _free_port()
            options = f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
            done = subprocess.run([*self._as, os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", options,
                                   "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60", "start"],
                                  capture_output=True, text=True, cwd=self.dir, timeout=90)
            if done.returncode == 0:
                self.port = port
                return
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{self.log()}")


def start_server(muxd, db, stock):
    proc = subprocess.Popen([muxd, "tickets", "--listen", "127.0.0.1:0", "--db", db, "--tickets", str(stock)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    raise RuntimeError(f"muxd tickets did not start on {db}")


def stop(procs):
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(30)
        proc.stderr.close()


def one_run(muxd, db, processes, stock, concurrency, recorded):
    servers = []
    try:
        for _ in range(processes):
            servers.append(start_server(muxd, db, stock))
        buyers = stock + stock // 10
        done = subprocess.run([muxd, "tickets-client", *[f"127.0.0.1:{port}" for _, port in servers],
                               "--buyers", str(buyers), "--concurrency", str(concurrency)],
                              capture_output=True, text=True, timeout=600)
    finally:
        stop([proc for proc, _ in servers])
    rate = float(re.search(r"^(\d+) sales/s", done.stdout, re.M).group(1))
    sold = int(re.search(r"(\d+) bought", done.stdout).group(1))
    orders = recorded()
    return {"rate": rate, "oversell": orders - stock, "sold": sold, "check": done.returncode == 0,
            "out": done.stdout + done.stderr}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--muxd", default=str(REPO / "build" / "muxd"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--stock", type=int)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    stock = args.stock or (500 if args.quick else 3000)
    rows = []
    with tempfile.TemporaryDirectory(prefix="muxd-tickets-bench-") as tmp, DurablePostgres() as pg:
        for backend in ("SQLite", "PostgreSQL"):
            for processes in (1, 3):
                results = []
                for run in range(runs):
                    if backend == "SQLite":
                        db = os.path.join(tmp, f"{processes}-{run}.db")

                        def recorded(db=db):
                            with sqlite3.connect(db) as connection:
                                return connection.execute("SELECT count(*) FROM orders").fetchone()[0]
                    else:
                        pg.query("DROP TABLE IF EXISTS orders, stock")
                        db = pg.url

                        def recorded():
                            return int(pg.query("SELECT count(*) FROM orders")[0][0])
                    result = one_run(args.muxd, db, processes, stock, args.concurrency, recorded)
                    if not result["check"] or result["oversell"] != 0 or result["sold"] != stock:
                        print(result["out"], file=sys.stderr)
                    results.append(result)
                rows.append((backend, processes, statistics.median(r["rate"] for r in results),
                             sum(r["oversell"] for r in results), all(r["check"] for r in results),
                             sum(r["sold"] for r in results)))
    load = os.getloadavg()[0]
    lines = [f"- {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}, {os.cpu_count()} CPUs, "
             f"1-minute load {load:.2f} at the end; stock {stock}, {stock + stock // 10} buyers, "
             f"{args.concurrency} at a time, {runs} run(s) each (median)", "",
             "| database | processes | sales/s | oversold | client check |", "|---|---:|---:|---:|---|"]
    failed = False
    for backend, processes, rate, oversell, check, sold in rows:
        lines.append(f"| {backend} | {processes} | {rate:,.0f} | {oversell} | {'ok' if check else 'FAILED'} |")
        failed = failed or oversell != 0 or not check or sold != stock * runs
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        (REPO / "bench" / "results" / "tickets.md").write_text("# muxd tickets (bench/tickets_bench.py)\n\n" + text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
