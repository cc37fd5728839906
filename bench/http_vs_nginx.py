#!/usr/bin/env python3
"""muxd http against nginx, side by side on one core (issue 3).

Each server runs alone, pinned to CPU 0, with a fresh process per run; wrk (or
this script's own client, case 7) runs on CPU 1. Runs alternate muxd, nginx,
ceiling, muxd, nginx, ceiling... and the table reports medians. bench/README.md
explains every case and the method.

    bench/http_vs_nginx.py --muxd build/muxd            # the full protocol
    bench/http_vs_nginx.py --muxd build/muxd --quick    # 1 pair, 3 s per run
    bench/http_vs_nginx.py --muxd build/muxd --compression   # cases c1-c2 only (docs/http-compression.md)
"""
import argparse
import csv
import datetime
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER_CPU, CLIENT_CPU = "0", "1"
WANTED_NOFILE = 65536          # 10,000 connections on each side, with room to spare
START_TIMEOUT_S = 10
STOP_TIMEOUT_S = 10
IDLE_CASE_TIMEOUT_S = 60       # both servers keep idle connections at least this long
IDLE_CONNECT_WINDOW = 500      # connections in flight at once, below the SYN backlog
IDLE_REQUEST = b"GET /1k.html HTTP/1.1\r\nHost: bench\r\n\r\n"
FILES = {"1k.html": 1024, "100k.bin": 100 * 1024, "10m.bin": 10 * 1024 * 1024}
# The compression cases: a small script with a gzip sidecar (gzip -9, as a build step makes it),
# and the same script without one, compressed on the fly.
COMPRESSED_FILES = {"static.js": 4 * 1024, "live.js": 4 * 1024}
GZIP_SIDECARS = ["static.js"]
MIB = 1024 * 1024


@dataclass
class Case:
    key: str
    title: str
    path: str
    connections: int
    close: bool = False        # send `Connection: close` on every request
    idle: bool = False         # case 7: hold idle connections, measure RSS
    ceiling: bool = False      # also measure limit_server
    accept_encoding: str = ""  # sent with every request; the answer must be gzip-coded
    nginx_gzip: str = ""       # nginx directives for the case (gzip_static, gzip)


CASES = [
    Case("1", "1 KiB, keep-alive, 50 connections", "/1k.html", 50, ceiling=True),
    Case("2", "1 KiB, keep-alive, 1,000 connections", "/1k.html", 1000, ceiling=True),
    Case("3", "1 KiB, keep-alive, 10,000 connections", "/1k.html", 10000, ceiling=True),
    Case("4", "100 KiB, 10 connections", "/100k.bin", 10),
    Case("5", "10 MiB, 4 connections", "/10m.bin", 4),
    Case("6", "1 KiB, Connection: close, 50 connections", "/1k.html", 50, close=True),
    Case("7", "10,000 idle keep-alive connections", "/1k.html", 10000, idle=True),
]
# --compression: gzip-coded small files. nginx compresses at muxd's gzip level (6; its default is 1)
# and, like muxd, adds Vary. With `gzip on` nginx compresses every response anew; muxd compresses
# once and serves its per-worker cache (what the cases measure, as users would meet it).
NGINX_GZIP_COMMON = "gzip_vary on; gzip_comp_level 6; gzip_min_length 1024; gzip_types text/javascript;"
COMPRESSION_CASES = [
    Case("c1", "4 KiB script, gzip sidecar (nginx gzip_static on), 50 connections", "/static.js", 50,
         accept_encoding="gzip", nginx_gzip="gzip_static on; " + NGINX_GZIP_COMMON),
    Case("c2", "4 KiB script, gzip on the fly (nginx gzip on), 50 connections", "/live.js", 50,
         accept_encoding="gzip", nginx_gzip="gzip on; " + NGINX_GZIP_COMMON),
]
ALL_CASES = CASES + COMPRESSION_CASES


@dataclass
class Row:
    """One line of the results table: a metric of a case and its target."""
    case: str
    metric: str
    key: str
    better: str                # "higher", "lower", or "zero" (muxd must be 0)
    target: float = 0.0        # the muxd/nginx ratio asked for
    worst: bool = False        # report the worst run instead of the median


ROWS = [
    Row("1", "req/s", "rps", "higher", 1.3), Row("1", "p99 latency (ms)", "p99_ms", "lower", 1.0),
    Row("2", "req/s", "rps", "higher", 1.3), Row("2", "p99 latency (ms)", "p99_ms", "lower", 1.0),
    Row("3", "req/s", "rps", "higher", 1.2), Row("3", "p99 latency (ms)", "p99_ms", "lower", 1.0),
    Row("3", "errors (worst run)", "errors", "zero", worst=True),
    Row("4", "throughput (MiB/s)", "mib_s", "higher", 1.0),
    Row("5", "throughput (MiB/s)", "mib_s", "higher", 1.0),
    Row("6", "req/s", "rps", "higher", 1.1),
    Row("7", "RSS with 10,000 connections (MiB)", "rss_mib", "lower", 1.0),
    Row("7", "RSS before connecting (MiB)", "rss_idle_mib", "info"),
    Row("7", "KiB per connection", "kib_per_conn", "info"),
    Row("7", "connections held (worst run)", "held", "info", worst=True),
    Row("c1", "req/s", "rps", "higher", 1.0), Row("c1", "p99 latency (ms)", "p99_ms", "lower", 1.0),
    Row("c2", "req/s", "rps", "higher", 1.0), Row("c2", "p99 latency (ms)", "p99_ms", "lower", 1.0),
]


# ---------------------------------------------------------------- processes

class Server:
    """A server pinned to CPU 0 in its own process group; stop() ends the group."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.log_path = Path(workdir) / f"{name}.stderr"
        self.port = None
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, *argv], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        _running.append(self)

    def wait_for_port(self, port):
        """Ready once the port accepts a connection (nginx, limit_server)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                self.port = port
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not accept on port {port}: {self.log_tail()}")

    def wait_for_line(self, pattern):
        """Ready once the log shows `pattern`, whose group 1 is the port (muxd)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            self._check_alive()
            match = re.search(pattern, self.log_path.read_text(errors="replace"))
            if match:
                self.port = int(match.group(1))
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} never printed its listening line: {self.log_tail()}")

    def _check_alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.log_tail()}")

    def pids(self):
        """Every live process of the group: nginx's master and worker, muxd's one."""
        pgid = self.proc.pid
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _process_group(entry) == pgid:
                found.append(int(entry.name))
        return found

    def rss_mib(self):
        return sum(_vm_rss_kib(pid) for pid in self.pids()) / 1024

    def cpu_seconds(self):
        """CPU time of every thread of the group so far, from the scheduler's nanosecond count."""
        return sum(_cpu_ns(task) for pid in self.pids() for task in _tasks(pid)) / 1e9

    def log_tail(self):
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self):
        if self in _running:
            _running.remove(self)
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT_S)
        _signal_group(self.proc.pid, signal.SIGKILL)  # nginx's worker, should it outlive its master


_running = []


def stop_all_servers():
    for server in list(_running):
        server.stop()


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _process_group(proc_dir):
    try:
        stat = (proc_dir / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])  # fields after "(comm)": state ppid pgrp


def _tasks(pid):
    try:
        return list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []


def _cpu_ns(task_dir):
    try:
        return int((task_dir / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _vm_rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- the three servers

class Contenders:
    """Knows how to start muxd, nginx and limit_server for a case."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = Path(workdir)
        self.docroot = self.workdir / "www"
        self.limit_server = self.workdir / "limit_server"
        self.temp_paths = nginx_temp_path_kinds(args.nginx)

    def start(self, name, case):
        server = getattr(self, f"_start_{name}")(case)
        try:
            if case.idle:
                fetch_once(server.port, case.path)  # the baseline RSS is of a server that has served
            if case.accept_encoding:
                check_encoded(server, case)
        except Exception:
            server.stop()
            raise
        return server

    def _start_muxd(self, case):
        argv = [self.args.muxd, "http", "--root", str(self.docroot), "--listen", "127.0.0.1:0",
                "--workers", "1", "--access-log", "off"]
        server = Server("muxd", argv, self.workdir)
        server.wait_for_line(r"muxd http listening on 127\.0\.0\.1:(\d+)")
        return server

    def _start_nginx(self, case):
        port = free_port()
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_config(self.workdir, port, case.connections, self.temp_paths, case.nginx_gzip))
        argv = [self.args.nginx, "-p", str(self.workdir), "-c", str(conf), "-e", str(self.workdir / "nginx-error.log"),
                "-g", "daemon off;"]
        server = Server("nginx", argv, self.workdir)
        server.wait_for_port(port)
        return server

    def _start_ceiling(self, case):
        port = free_port()
        server = Server("ceiling", [str(self.limit_server), str(port), "1"], self.workdir)
        server.wait_for_port(port)
        return server


def nginx_config(workdir, port, connections, temp_paths, gzip=""):
    """bench/nginx.conf.template filled in: one worker, every fast path nginx has."""
    template = (REPO / "bench" / "nginx.conf.template").read_text()
    temp_lines = "".join(f"    {kind}_temp_path {workdir}/{kind}_temp;\n" for kind in temp_paths)
    # nginx closes idle keep-alive connections once no more than 1/16 of its slots are free
    # (ngx_drain_connections): leave an eighth spare so it never does in a case.
    worker_connections = connections + connections // 8 + 256
    nofile = min(2 * worker_connections + 64, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    values = {"USER": "user root;" if os.geteuid() == 0 else "# not root: nginx keeps the current user",
              "NOFILE": nofile, "PID": f"{workdir}/nginx.pid",
              "WORKER_CONNECTIONS": worker_connections, "TEMP_PATHS": temp_lines.rstrip("\n"),
              "PORT": port, "ROOT": f"{workdir}/www", "GZIP": gzip or "# no compression in this case"}
    return re.sub(r"@([A-Z_]+)@", lambda match: str(values[match.group(1)]), template)


def nginx_temp_path_kinds(nginx):
    """The *_temp_path directives this nginx build knows, so the config names only those."""
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=10).stderr
    kinds = ["client_body"]
    kinds += [kind for kind in ("proxy", "fastcgi", "uwsgi", "scgi") if f"--http-{kind}-temp-path" in built]
    return kinds


def fetch_once(port, path, extra=""):
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n{extra}\r\n".encode())
        while chunk := sock.recv(65536):
            received += chunk
    return received


def check_encoded(server, case):
    """A compression case measures nothing unless both servers really send gzip."""
    head = fetch_once(server.port, case.path, f"Accept-Encoding: {case.accept_encoding}\r\n").split(b"\r\n\r\n")[0]
    if not re.search(rb"\r\ncontent-encoding: *gzip\r\n", head + b"\r\n", re.I):
        raise RuntimeError(f"{server.name} did not gzip {case.path}: {head.decode(errors='replace')}")


# ---------------------------------------------------------------- load generators

def measure_wrk(args, server, case):
    """wrk's figures plus what the server's CPU did meanwhile: on a shared machine, CPU time per
    request moves less with the load than req/s, and a busy share below ~95% means the server was
    not the bottleneck."""
    cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
    result = run_wrk(args, server.port, case, args.duration)
    cpu = server.cpu_seconds() - cpu_before
    result["cpu_us"] = cpu * 1e6 / max(result.pop("requests"), 1)
    result["cpu_busy"] = 100 * cpu / (time.monotonic() - wall_before)
    return result


def run_wrk(args, port, case, seconds):
    argv = ["taskset", "-c", CLIENT_CPU, args.wrk, "-t1", f"-c{case.connections}", f"-d{seconds}s", "--latency"]
    if case.close:
        argv += ["-H", "Connection: close"]
    if case.accept_encoding:
        argv += ["-H", f"Accept-Encoding: {case.accept_encoding}"]
    argv.append(f"http://127.0.0.1:{port}{case.path}")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0 or "Requests/sec" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
_SIZE_UNITS = {"B": 1, "KB": 1024, "MB": MIB, "GB": 1024 * MIB, "TB": MIB * MIB}  # wrk counts in 1024s


def parse_wrk(text):
    """req/s, MiB/s, p99 in ms, and errors: socket errors plus non-2xx/3xx answers."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    rate, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text).groups()
    p99, p99_unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M).groups()
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        errors += sum(int(count) for count in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return {"rps": rps, "requests": requests, "mib_s": float(rate) * _SIZE_UNITS[unit] / MIB,
            "p99_ms": float(p99) * _TIME_UNITS_MS[p99_unit], "errors": errors}


class IdleClient:
    """Opens `count` connections, sends one request on each, reads its answer, keeps them open."""

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.selector = selectors.DefaultSelector()
        self.sockets, self.answered, self.failed, self.in_flight = [], 0, 0, 0

    def run(self, deadline):
        while self.answered + self.failed < self.count and time.monotonic() < deadline:
            while self.in_flight < IDLE_CONNECT_WINDOW and len(self.sockets) < self.count:
                self._open()
            for key, events in self.selector.select(timeout=0.2):
                self._on_event(key.fileobj, key.data, events)
        return self.answered

    def _open(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", self.port))
        self.sockets.append(sock)
        self.selector.register(sock, selectors.EVENT_WRITE, bytearray())
        self.in_flight += 1

    def _on_event(self, sock, received, events):
        if events & selectors.EVENT_WRITE:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                return self._finish(sock, ok=False)
            sock.send(IDLE_REQUEST)  # a few dozen bytes always fit an empty send buffer
            self.selector.modify(sock, selectors.EVENT_READ, received)
            return
        try:
            chunk = sock.recv(65536)
        except OSError:
            return self._finish(sock, ok=False)
        if not chunk:
            return self._finish(sock, ok=False)
        received += chunk
        if _response_complete(received):
            self._finish(sock, ok=True)

    def _finish(self, sock, ok):
        self.selector.unregister(sock)
        self.in_flight -= 1
        if ok:
            self.answered += 1
        else:
            self.failed += 1

    def still_open(self):
        """Connections the server has not closed: an idle one with nothing to read."""
        probe = selectors.DefaultSelector()
        for sock in self.sockets:
            probe.register(sock, selectors.EVENT_READ)
        closed = len(probe.select(timeout=0.5))
        probe.close()
        return len(self.sockets) - closed

    def close(self):
        self.selector.close()
        for sock in self.sockets:
            sock.close()


def _response_complete(data):
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", data[:head_end], re.I)
    return length is not None and len(data) >= head_end + 4 + int(length.group(1))


def measure_idle(server, case):
    rss_before = server.rss_mib()
    client = IdleClient(server.port, case.connections)
    try:
        answered = client.run(time.monotonic() + IDLE_CASE_TIMEOUT_S / 2)
        time.sleep(0.5)  # let the server settle after the last answer
        rss = server.rss_mib()
        held = client.still_open() if answered else 0
    finally:
        client.close()
    return {"rss_mib": rss, "rss_idle_mib": rss_before, "held": held,
            "kib_per_conn": (rss - rss_before) * 1024 / max(answered, 1),
            "errors": case.connections - held}


# ---------------------------------------------------------------- the protocol

def run_case(args, contenders, case, log):
    names = ["muxd", "nginx"] + (["ceiling"] if case.ceiling and not args.no_ceiling else [])
    runs = {name: [] for name in names}
    for pair in range(args.pairs):
        for name in names:  # alternating, so drift in the machine's load hits every server alike
            server = contenders.start(name, case)
            load_before = os.getloadavg()[0]
            try:
                result = measure_idle(server, case) if case.idle else measure_wrk(args, server, case)
            finally:
                server.stop()
            result["load1"] = max(load_before, os.getloadavg()[0])
            runs[name].append(result)
            log(f"case {case.key} run {pair + 1}/{args.pairs} {name:7} {describe(result)}")
    return runs


def describe(result):
    return " ".join(f"{key}={value:.2f}" if isinstance(value, float) else f"{key}={value}"
                    for key, value in result.items())


def summarise(row, runs):
    values = [run[row.key] for run in runs]
    if not values:
        return None
    if row.worst:
        return min(values) if row.key == "held" else max(values)
    return statistics.median(values)


def verdict(row, muxd, nginx):
    """(ratio, target text, met) for one table row."""
    if row.better == "zero":
        return None, "muxd: 0", muxd == 0
    if row.better == "info" or muxd is None or not nginx:
        return None, "", None
    ratio = muxd / nginx
    if row.better == "higher":
        return ratio, f"≥ {row.target:.1f}×", ratio >= row.target
    return ratio, "≤ nginx" if row.target == 1.0 else f"≤ {row.target:.1f}× nginx", ratio <= row.target


def parser_benchmark(args, log):
    """ns per parse from bench_http_parser (Google Benchmark), if it was built."""
    binary = Path(args.parser_bench)
    if not binary.is_file():
        log(f"parser benchmark {binary} not built: skipped")
        return None
    argv = ["taskset", "-c", SERVER_CPU, str(binary), "--benchmark_format=json",
            "--benchmark_filter=^BM_(TypicalBrowserRequest|MinimalRequest)$",
            "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        log(f"parser benchmark failed: {done.stderr[-500:]}")
        return None
    medians = {}
    for entry in json.loads(done.stdout)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            medians[entry["run_name"]] = entry["cpu_time"]  # time_unit is ns by default
    return medians


# ---------------------------------------------------------------- reporting

def machine_facts(args):
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown")
    nginx_version = subprocess.run([args.nginx, "-v"], capture_output=True, text=True).stderr.strip()
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--untracked-files=no", "--", "src/core", "src/http", "src/cli"):
        commit += "+uncommitted"
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kernel": os.uname().release, "cpu": f"{cpu} ({os.cpu_count()} CPUs)",
            "nginx": nginx_version.replace("nginx version: ", ""), "muxd": commit,
            "mode": f"{'quick' if args.quick else 'full'}: {args.pairs} pair(s), {args.duration} s per run"}


def _git(*argv):
    done = subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def table_rows(results, parser):
    """Every row of the table as a dict, in case order."""
    rows = []
    for row in ROWS:
        if row.case not in results:
            continue
        runs = results[row.case]
        muxd, nginx = summarise(row, runs["muxd"]), summarise(row, runs["nginx"])
        ceiling = summarise(row, runs.get("ceiling", [])) if row.key == "rps" else None
        ratio, target, met = verdict(row, muxd, nginx)
        rows.append({"case": row.case, "metric": row.metric, "muxd": muxd, "nginx": nginx, "ratio": ratio,
                     "target": target, "met": met, "ceiling": ceiling})
    if parser:
        for name, label in (("BM_TypicalBrowserRequest", "typical browser request"),
                            ("BM_MinimalRequest", "minimal request")):
            if name in parser:
                typical = name == "BM_TypicalBrowserRequest"
                rows.append({"case": "parser", "metric": f"ns per {label}", "muxd": parser[name], "nginx": None,
                             "ratio": None, "target": "≤ 100 ns" if typical else "",
                             "met": parser[name] <= 100 if typical else None, "ceiling": None})
    return rows


def _number(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, int) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _met(met):
    return {True: "yes", False: "**no**", None: ""}[met]


def markdown_table(rows):
    lines = ["| Case | Metric | muxd | nginx | muxd/nginx | Target | Met? | Ceiling (limit_server) |",
             "|---|---|---:|---:|---:|---|---|---:|"]
    for row in rows:
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        digits = 3 if row["metric"].startswith("p99") else 1
        lines.append(f"| {row['case']} | {row['metric']} | {_number(row['muxd'], digits)} | "
                     f"{_number(row['nginx'], digits)} | {ratio} | {row['target']} | {_met(row['met'])} | "
                     f"{_number(row['ceiling'])} |")
    return "\n".join(lines)


def cpu_table(results):
    """Server CPU per request and how busy its core was, medians per case (wrk cases only)."""
    lines = ["| Case | muxd CPU µs/req | nginx CPU µs/req | muxd/nginx | ceiling CPU µs/req | "
             "muxd CPU busy | nginx CPU busy |", "|---|---:|---:|---:|---:|---:|---:|"]
    for case in ALL_CASES:
        runs = results.get(case.key)
        if not runs or case.idle:
            continue
        cost = {name: statistics.median(run["cpu_us"] for run in server_runs) for name, server_runs in runs.items()}
        busy = {name: statistics.median(run["cpu_busy"] for run in server_runs) for name, server_runs in runs.items()}
        ratio = f"{cost['muxd'] / cost['nginx']:.2f}×" if cost["nginx"] else "—"
        lines.append(f"| {case.key} | {cost['muxd']:.2f} | {cost['nginx']:.2f} | {ratio} | "
                     f"{_number(cost.get('ceiling'), 2)} | {busy['muxd']:.0f}% | {busy['nginx']:.0f}% |")
    return "\n".join(lines)


def facts_list(facts, loads):
    return "\n".join([
        f"- Date (UTC): {facts['date']}; protocol: {facts['mode']}",
        f"- Machine: {facts['cpu']}, kernel {facts['kernel']}",
        f"- muxd {facts['muxd']} (`--workers 1 --access-log off`), nginx {facts['nginx']} (one worker)",
        "- Servers pinned to CPU 0, wrk and the idle-connection client to CPU 1",
        f"- 1-minute load average during the runs: {min(loads):.2f} to {max(loads):.2f} "
        "(above ~1 means other work shared the two CPUs)",
    ])


def runs_section(results):
    lines = ["| Case | Server | Runs (req/s, or MiB/s for 4-5, or RSS MiB for 7) | Errors per run |",
             "|---|---|---|---|"]
    for case in ALL_CASES:
        for name, runs in results.get(case.key, {}).items():
            key = "rss_mib" if case.idle else "mib_s" if case.key in ("4", "5") else "rps"
            values = ", ".join(_number(run[key]) for run in runs)
            errors = ", ".join(str(run["errors"]) for run in runs)
            lines.append(f"| {case.key} | {name} | {values} | {errors} |")
    return "\n".join(lines)


def write_markdown(path, facts, rows, results, loads):
    titles = "\n".join(f"{case.key}. {case.title}" for case in ALL_CASES if case.key in results)
    path.write_text(f"# muxd http vs nginx: latest results\n\n{facts_list(facts, loads)}\n\n"
                    f"Cases:\n\n{titles}\n\n{markdown_table(rows)}\n\n"
                    "Medians over the runs; lower is better for latency and RSS. The ceiling is "
                    "`limit_server.c`, which answers a fixed response without parsing.\n\n"
                    f"Server CPU time per request (lower is better) and the share of its core it used "
                    f"(below ~95%: the server was not the bottleneck):\n\n{cpu_table(results)}\n\n"
                    f"## Every run\n\n{runs_section(results)}\n")


CSV_FIELDS = ["date", "mode", "kernel", "cpu", "nginx", "muxd", "load1_max", "case", "metric", "muxd_value",
              "nginx_value", "ratio", "target", "met", "ceiling_value"]


def append_csv(path, facts, rows, loads):
    new_file = not path.exists()
    with open(path, "a", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
        if new_file:
            writer.writeheader()
        for row in rows:
            writer.writerow({**{key: facts[key] for key in ("date", "mode", "kernel", "cpu", "nginx", "muxd")},
                             "load1_max": f"{max(loads):.2f}", "case": row["case"], "metric": row["metric"],
                             "muxd_value": _csv_number(row["muxd"]), "nginx_value": _csv_number(row["nginx"]),
                             "ratio": _csv_number(row["ratio"]), "target": row["target"],
                             "met": "" if row["met"] is None else str(row["met"]).lower(),
                             "ceiling_value": _csv_number(row["ceiling"])})


def _csv_number(value):
    return "" if value is None else f"{value:.4g}" if abs(value) < 100 else f"{value:.0f}"


def update_readme(facts, rows, results, loads):
    """Replaces the table between the README's markers, so it always shows the latest run."""
    readme = REPO / "bench" / "README.md"
    begin, end = "<!-- http-results:begin -->", "<!-- http-results:end -->"
    text = readme.read_text() if readme.exists() else ""
    if begin not in text or end not in text:
        return
    body = f"{begin}\n{facts_list(facts, loads)}\n\n{markdown_table(rows)}\n\n{cpu_table(results)}\n{end}"
    readme.write_text(text[:text.index(begin)] + body + text[text.index(end) + len(end):])


# ---------------------------------------------------------------- setup

def ensure_tools(args):
    missing = [tool for tool in (args.nginx, args.wrk, "taskset", "cc") if not shutil.which(tool)]
    if missing:
        print(f"missing {', '.join(missing)}: running scripts/deps.sh bench", file=sys.stderr)
        subprocess.run([str(REPO / "scripts" / "deps.sh"), "bench"], check=True)
    if not Path(args.muxd).is_file():
        sys.exit(f"no muxd binary at {args.muxd}: build it first (make build) or pass --muxd")
    if (os.cpu_count() or 1) < 2:
        sys.exit("this benchmark needs two CPUs: the server on CPU 0, the load generator on CPU 1")


def raise_descriptor_limit():
    """Ten thousand connections need that many descriptors in wrk and in each server (inherited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, WANTED_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def check_port_range(connections):
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    if high - low + 1 < connections + 1000:
        sys.exit(f"ephemeral ports {low}-{high} are too few for {connections} connections")


def prepare_workdir(workdir, args):
    www = Path(workdir) / "www"
    www.mkdir()
    pattern = b"<p>muxd benchmark file.</p>\n" * 64
    for name, size in FILES.items():
        (www / name).write_bytes((pattern * (size // len(pattern) + 1))[:size])
    for name, size in COMPRESSED_FILES.items():
        (www / name).write_bytes(_script(size))
    for name in GZIP_SIDECARS:
        subprocess.run(["gzip", "-9", "--keep", "--no-name", str(www / name)], check=True)
    source = Path(args.limit_server_source)
    if not args.no_ceiling:
        subprocess.run(["cc", "-O2", "-pthread", str(source), "-o", str(Path(workdir) / "limit_server")],
                       check=True, timeout=120)


def _script(size):
    """Plausible minified JavaScript: compresses about 4:1 with gzip -6, as real bundles do."""
    out, i = [], 0
    while sum(map(len, out)) < size:
        out.append(f"function h{i}(e,t){{return e.v{i % 17}*t+{i * 7919 % 1000}}};")
        i += 1
    return "".join(out).encode()[:size]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--muxd", default=str(REPO / "build" / "muxd"), help="the muxd binary (default: build/muxd)")
    parser.add_argument("--nginx", default="nginx")
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--quick", action="store_true",
                        help="1 pair, 3 s per run: a smoke test, not saved unless --save")
    parser.add_argument("--pairs", type=int, help="muxd/nginx pairs per case (default 3, quick 1)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10, quick 3)")
    parser.add_argument("--cases", help="e.g. 1,2,7 (default: 1-7, or c1,c2 with --compression)")
    parser.add_argument("--compression", action="store_true",
                        help="gzip-coded small files, cases c1 (sidecar vs gzip_static) and c2 (on the fly vs "
                             "gzip on); results in http-compression.md/.csv, the README table untouched")
    parser.add_argument("--parser-bench", help="bench_http_parser binary (default: next to muxd)")
    parser.add_argument("--limit-server-source", default=str(REPO.parent / "shared" / "tools" / "limit_server.c"))
    parser.add_argument("--no-ceiling", action="store_true", help="skip limit_server")
    parser.add_argument("--results", default=str(REPO / "bench" / "results"), help="directory for http.md, http.csv")
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--save", action="store_true", help="save a --quick run's results too")
    args = parser.parse_args(argv)
    args.no_save = args.no_save or (args.quick and not args.save)  # a smoke test is not a result
    args.pairs = args.pairs or (1 if args.quick else 3)
    if not args.cases:
        args.cases = ",".join(case.key for case in (COMPRESSION_CASES if args.compression else CASES))
    args.results_stem = "http-compression" if args.compression else "http"
    args.duration = args.duration or (3 if args.quick else 10)
    args.muxd = str(Path(args.muxd).resolve())
    args.parser_bench = args.parser_bench or str(Path(args.muxd).parent / "bench_http_parser")
    if not Path(args.limit_server_source).is_file():
        print(f"no {args.limit_server_source}: the ceiling is skipped", file=sys.stderr)
        args.no_ceiling = True
    return args


def pin_self_to_client_cpu():
    """This script's own work (the case 7 client, bookkeeping) stays off the server's CPU."""
    os.sched_setaffinity(0, {int(CLIENT_CPU)})


def main(argv):
    args = parse_args(argv)
    ensure_tools(args)
    wanted = [case for case in ALL_CASES if case.key in args.cases.split(",")]
    check_port_range(max(case.connections for case in wanted))
    nofile = raise_descriptor_limit()
    pin_self_to_client_cpu()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so `finally` stops the servers

    def log(message):
        print(message, file=sys.stderr, flush=True)

    log(f"descriptor limit {nofile}; {args.pairs} pair(s), {args.duration} s per run")
    results, loads = {}, [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="muxd-bench-") as workdir:
        try:
            prepare_workdir(workdir, args)
            contenders = Contenders(args, workdir)
            for case in wanted:
                results[case.key] = run_case(args, contenders, case, log)
                loads += [run["load1"] for runs in results[case.key].values() for run in runs]
        finally:
            stop_all_servers()
    report(args, results, None if args.compression else parser_benchmark(args, log), loads)


def report(args, results, parser, loads):
    facts = machine_facts(args)
    rows = table_rows(results, parser)
    print(markdown_table(rows))
    print()
    print(cpu_table(results))
    if args.no_save:
        return
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    stem = args.results_stem
    write_markdown(out / f"{stem}.md", facts, rows, results, loads)
    append_csv(out / f"{stem}.csv", facts, rows, loads)
    if stem == "http":
        update_readme(facts, rows, results, loads)
    print(f"wrote {out / f'{stem}.md'} and appended to {out / f'{stem}.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
