#!/usr/bin/env python3
"""muxd bench against wrk and h2load on the same server (issue 10).

One `muxd http --workers 1 --access-log off` serves a small file, pinned to
CPU 0; each load generator runs alone on CPU 1 with one thread, for the same
duration and connection count. For 50 and for 1,000 connections the three
alternate (muxd bench, wrk, h2load --h1, then again), and the table reports
per generator the median req/s, its ratio to wrk's, and the generator's own
CPU time per request (user + system, from wait4's rusage of the process,
which is what /proc/PID/stat holds when it ends) with its ratio to wrk's.

The server is the bottleneck here on purpose: a one-thread generator saturates
its core long before muxd http does (measured: ~140,000 req/s, every generator
93-99% busy), and req/s then measures the generator, not the agreement. So the
server is capped at --server-share percent of its core (default 30) by a CPU
cgroup (v2 cpu.max or v1 cpu.cfs_quota_us; --server-share 100 for no cap): all
three should then measure the same req/s (muxd bench within ±10% of wrk), and
a cheaper generator is one that leaves more of its CPU idle doing so.

    bench/loadgen_vs_wrk.py --muxd build/muxd           # 3 rounds of 10 s
    bench/loadgen_vs_wrk.py --muxd build/muxd --quick   # 1 round of 3 s, not saved

Results: a section appended to bench/results/loadgen.md.
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
SERVER_CPU, CLIENT_CPU = "0", "1"
CONNECTIONS = (50, 1000)
TOOLS = ("muxd bench", "wrk", "h2load")
BODY = b"<!doctype html><title>bench</title>" + b"x" * 477  # a 512-byte page


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CpuCap:
    """A CPU cgroup capping its processes at `percent` of one CPU; a context manager (root only)."""

    PERIOD_US = 100_000

    def __init__(self, percent):
        quota = self.PERIOD_US * percent // 100
        v2, v1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/cpu")
        name = f"muxd-loadgen-bench-{os.getpid()}"
        if "cpu" in (v2 / "cgroup.controllers").read_text().split() if (v2 / "cgroup.controllers").exists() else []:
            (v2 / "cgroup.subtree_control").write_text("+cpu")
            self.path = v2 / name
            self.path.mkdir()
            (self.path / "cpu.max").write_text(f"{quota} {self.PERIOD_US}")
        elif (v1 / "cpu.cfs_quota_us").exists():
            self.path = v1 / name
            self.path.mkdir()
            (self.path / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(quota))
        else:
            sys.exit("loadgen_vs_wrk: no CPU cgroup controller here; run with --server-share 100")

    def add(self, pid):
        (self.path / "cgroup.procs").write_text(str(pid))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.path.rmdir()


class Server:
    """muxd http pinned to SERVER_CPU (in `cap` when given); a context manager."""

    def __init__(self, muxd, root, cap=None):
        self.port = free_port()
        argv = ["taskset", "-c", SERVER_CPU, muxd, "http", "--root", root, "--listen", f"127.0.0.1:{self.port}",
                "--workers", "1", "--access-log", "off"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        if cap:
            cap.add(self.proc.pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("muxd http did not start")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(30)


def run_measured(argv, timeout):
    """Runs argv; returns (stdout, CPU seconds of the process) from wait4's rusage."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{argv[3]} did not finish")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{text[-2000:]}")
    return text, usage.ru_utime + usage.ru_stime


def measure(tool, muxd, url, connections, seconds):
    """(requests per second, requests, errors, CPU seconds) for one run of `tool`."""
    pin = ["taskset", "-c", CLIENT_CPU]
    if tool == "muxd bench":
        out, cpu = run_measured([*pin, muxd, "bench", url, "-c", str(connections), "-d", str(seconds),
                                 "--threads", "1", "--json"], seconds + 60)
        result = json.loads(out[out.index("{"):])
        return result["rps"], result["requests"], result["errors"], cpu
    if tool == "wrk":
        out, cpu = run_measured([*pin, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url], seconds + 60)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        failed = (sum(int(g) for g in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0)
        return rps, requests, failed, cpu
    out, cpu = run_measured([*pin, "h2load", "--h1", "-t1", "-c", str(connections), "-D", str(seconds), url],
                            seconds + 60)
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    requests = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                         out)
    return rps, int(requests.group(2)), int(requests.group(3)) + int(requests.group(4)), cpu


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def version_of(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def report(results, loads, args):
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src/loadgen"],
                           capture_output=True, text=True).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    wrk_version = re.sub(r"\s*\[.*", "", version_of(["wrk", "-v"]))
    lines = [f"## {now}", "",
             f"- {args.rounds} round(s) of {args.seconds} s per generator and connection count, alternating; medians",
             f"- Machine: {cpu_name()} ({os.cpu_count()} CPUs), kernel {platform.release()}",
             f"- Server: muxd http {commit}{'+uncommitted' if dirty else ''} (`--workers 1 --access-log off`), "
             f"a {len(BODY)}-byte file, pinned to CPU {SERVER_CPU}"
             + (f", capped at {args.server_share}% of it (a CPU cgroup)" if args.server_share < 100 else ", uncapped"),
             f"- Generators on CPU {CLIENT_CPU}, one thread each: muxd bench (same build), {wrk_version}, "
             f"{version_of(['h2load', '--version'])} (`--h1`)",
             f"- 1-minute load average during the runs: {min(loads):.2f} to {max(loads):.2f}", "",
             "| Connections | Generator | req/s | vs wrk | CPU µs per request | vs wrk | its CPU busy | errors (worst run) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for connections in CONNECTIONS:
        wrk_rps = statistics.median(r[0] for r in results[(connections, "wrk")])
        wrk_cpu = statistics.median(r[3] / r[1] * 1e6 for r in results[(connections, "wrk")])
        for tool in TOOLS:
            runs = results[(connections, tool)]
            rps = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[3] / r[1] * 1e6 for r in runs)
            errors = max(r[2] for r in runs)
            busy = statistics.median(r[3] / args.seconds for r in runs)
            lines.append(f"| {connections:,} | {tool} | {rps:,.0f} | {rps / wrk_rps:.3f}× | {cpu:.2f} | "
                         f"{cpu / wrk_cpu:.2f}× | {busy:.0%} | {errors} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.no_save:
        return
    RESULTS.mkdir(exist_ok=True)
    markdown = RESULTS / "loadgen.md"
    if not markdown.exists():
        markdown.write_text("# muxd bench vs wrk and h2load on one muxd http: every run, newest last\n\n")
    with open(markdown, "a") as f:
        f.write(text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--muxd", default=str(REPO / "build" / "muxd"))
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s, results not saved")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--server-share", type=int, default=30, choices=range(1, 101), metavar="PERCENT",
                        help="the server's cap, in percent of its CPU (100: no cap); default 30")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds, args.no_save = 1, 3, True
    for tool, package in (("taskset", "util-linux"), ("wrk", "wrk"), ("h2load", "nghttp2-client")):
        if not shutil.which(tool):
            sys.exit(f"loadgen_vs_wrk: missing {tool} (apt-get install {package}; scripts/deps.sh bench)")
    root = tempfile.mkdtemp(prefix="muxd-loadgen-bench-")
    try:
        Path(root, "index.html").write_bytes(BODY)
        os.chmod(root, 0o755)
        results = {(c, tool): [] for c in CONNECTIONS for tool in TOOLS}
        loads = []
        with contextlib.ExitStack() as stack:
            cap = stack.enter_context(CpuCap(args.server_share)) if args.server_share < 100 else None
            server = stack.enter_context(Server(args.muxd, root, cap))
            url = f"http://127.0.0.1:{server.port}/index.html"
            measure("wrk", args.muxd, url, 50, 1)  # warm-up: the file cache, the accept path
            for connections in CONNECTIONS:
                for round_ in range(args.rounds):
                    for tool in TOOLS:
                        run = measure(tool, args.muxd, url, connections, args.seconds)
                        results[(connections, tool)].append(run)
                        loads.append(os.getloadavg()[0])
                        print(f"{connections} connections, round {round_ + 1}/{args.rounds}, {tool}: "
                              f"{run[0]:,.0f} req/s, {run[3] / run[1] * 1e6:.2f} µs CPU per request, "
                              f"{run[2]} errors", file=sys.stderr)
        report(results, loads, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
