#!/usr/bin/env python3
"""muxd ftp against vsftpd, side by side (issue 4).

Each server runs alone, pinned to CPU 0, with a fresh process per run; the
clients (curl) run on CPU 1; runs alternate muxd, vsftpd, muxd, vsftpd... The
table reports medians and the muxd/vsftpd ratio (higher is better for muxd):

  1. download throughput of one 1 GiB file (MiB/s);
  2. 100 small files (64 KiB) downloaded by 100 clients at once, a new control
     connection each, login included (files/s, and transfers that failed
     within 15 s). vsftpd listens with a fixed backlog of 32: with SYN cookies
     the connections beyond it look established to the client, which waits for
     a greeting that never comes (FTP servers speak first), so they fail;
  3. the same 100 downloads, 25 clients at a time (within that backlog): the
     per-client cost of both servers, without the backlog effect.

    bench/ftp_vs_vsftpd.py --muxd build/muxd            # 5 pairs
    bench/ftp_vs_vsftpd.py --muxd build/muxd --quick    # 1 pair, 256 MiB, not saved

Results: a section appended to bench/results/ftp.md, rows to ftp.csv.
"""
import argparse
import csv
import datetime
import os
import platform
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
VSFTPD = "/usr/sbin/vsftpd"
MIB = 1 << 20
SMALL_FILES, SMALL_SIZE = 100, 64 * 1024
SMALL_MAX_TIME_S = 15     # per transfer, so that a stalled connection ends the run
GENTLE_CLIENTS = 25       # case 3: below vsftpd's listen backlog of 32

VSFTPD_CONFIG = """listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port={port}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root={root}
local_enable=NO
write_enable=NO
seccomp_sandbox=NO
xferlog_enable=NO
syslog_enable=NO
vsftpd_log_file=/dev/null
max_clients=0
max_per_ip=0
pasv_enable=YES
pasv_address=127.0.0.1
use_sendfile=YES
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_greeting(port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


class ServerRun:
    """One server process pinned to SERVER_CPU; a context manager."""

    def __init__(self, kind, muxd, data, workdir):
        self.kind = kind
        self.port = free_port()
        if kind == "muxd":
            argv = [muxd, "ftp", "--root", data, "--listen", f"127.0.0.1:{self.port}", "--workers", "1",
                    "--max-clients", "0", "--max-per-ip", "0", "--read-only", "--log", "off"]  # vsftpd logs nothing either
        else:
            config = Path(workdir) / "vsftpd.conf"
            config.write_text(VSFTPD_CONFIG.format(port=self.port, root=data))
            argv = [VSFTPD, str(config)]
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, *argv], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_for_greeting(self.port, self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, 15)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def curl(*args, timeout=600, check=True):
    argv = ["taskset", "-c", CLIENT_CPU, "curl", "--silent", "--show-error", *args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"curl failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def big_download(port, size):
    """MiB/s for one download of big.bin."""
    started = time.monotonic()
    out = curl("--output", "/dev/null", "--write-out", "%{size_download}", f"ftp://127.0.0.1:{port}/big.bin")
    elapsed = time.monotonic() - started
    if int(out) != size:
        raise RuntimeError(f"downloaded {out} bytes of {size}")
    return size / MIB / elapsed


def small_downloads(port, clients):
    """(files/s, failed transfers) for SMALL_FILES downloads, `clients` at a
    time, each on its own control connection."""
    args = ["--parallel", "--parallel-immediate", "--parallel-max", str(clients), "--max-time",
            str(SMALL_MAX_TIME_S), "--write-out", "%{size_download}\n"]
    for i in range(SMALL_FILES):
        args += ["--output", "/dev/null", f"ftp://127.0.0.1:{port}/small/{i}.bin"]
    started = time.monotonic()
    out = curl(*args, check=False)
    elapsed = time.monotonic() - started
    done = sum(1 for line in out.split() if line == str(SMALL_SIZE))
    return done / elapsed, SMALL_FILES - done


def make_data(base, big_size):
    data = Path(base) / "data"
    (data / "small").mkdir(parents=True)
    with open(data / "big.bin", "wb") as f:
        chunk = os.urandom(4 * MIB)
        for _ in range(big_size // len(chunk)):
            f.write(chunk)
    for i in range(SMALL_FILES):
        (data / "small" / f"{i}.bin").write_bytes(os.urandom(SMALL_SIZE))
    for path in [data, data / "small"]:
        path.chmod(0o755)
    return str(data)


CASES = [  # key, title, unit
    ("big", "download of one {big} MiB file", "MiB/s"),
    ("burst", f"{SMALL_FILES} × {SMALL_SIZE // 1024} KiB, {SMALL_FILES} clients at once", "files/s"),
    ("burst_failed", f"  transfers failed within {SMALL_MAX_TIME_S} s (of {SMALL_FILES}, worst run)", "count"),
    ("gentle", f"{SMALL_FILES} × {SMALL_SIZE // 1024} KiB, {GENTLE_CLIENTS} clients at a time", "files/s"),
]


def measure_one(kind, args, data, workdir, big_size, results):
    with ServerRun(kind, args.muxd, data, workdir) as server:
        big_download(server.port, big_size)  # warms the page cache and the path
        results[(kind, "big")].append(big_download(server.port, big_size))
        rate, failed = small_downloads(server.port, SMALL_FILES)
        results[(kind, "burst")].append(rate)
        results[(kind, "burst_failed")].append(failed)
        for _ in range(args.small_rounds):
            results[(kind, "gentle")].append(small_downloads(server.port, GENTLE_CLIENTS)[0])


def measure(args, data, workdir, big_size):
    results = {(kind, key): [] for kind in ("muxd", "vsftpd") for key, _, _ in CASES}
    loads = []
    for pair in range(args.pairs):
        for kind in ("muxd", "vsftpd"):
            measure_one(kind, args, data, workdir, big_size, results)
            loads.append(os.getloadavg()[0])
            print(f"pair {pair + 1}/{args.pairs} {kind}: " +
                  ", ".join(f"{key} {results[(kind, key)][-1]:.0f}" for key, _, _ in CASES), file=sys.stderr)
    return results, loads


def versions(muxd):
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True).stdout.strip()
    package = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "vsftpd"], capture_output=True, text=True)
    return commit + ("+uncommitted" if dirty else ""), package.stdout.strip() or "?"


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def report(results, loads, args, big_size):
    muxd_version, vsftpd_version = versions(args.muxd)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = []
    for key, title, unit in CASES:
        pick = max if key == "burst_failed" else statistics.median
        muxd, vsftpd = pick(results[("muxd", key)]), pick(results[("vsftpd", key)])
        ratio = muxd / vsftpd if key != "burst_failed" and vsftpd > 0 else None
        rows.append((title.format(big=big_size // MIB), unit, muxd, vsftpd, ratio))
    lines = [f"## {now}", "",
             f"- {args.pairs} pair(s), alternating; per run: one download of the big file after a warm-up one, "
             f"1 burst, {args.small_rounds} round(s) of {GENTLE_CLIENTS} at a time",
             f"- Machine: {cpu_name()} ({os.cpu_count()} CPUs), kernel {platform.release()}",
             f"- muxd {muxd_version} (`--workers 1 --read-only`), vsftpd {vsftpd_version} (one process per client)",
             f"- Servers pinned to CPU {SERVER_CPU}, curl to CPU {CLIENT_CPU}; data on {args.data_dir}",
             f"- 1-minute load average during the runs: {min(loads):.2f} to {max(loads):.2f}", "",
             "| Case | Unit | muxd (median) | vsftpd (median) | muxd/vsftpd |", "|---|---|---:|---:|---:|"]
    footnote = ("\nvsftpd's listen backlog is 32 (fixed): in the burst, connections beyond it are dropped "
                "after the handshake (SYN cookies), and their clients wait for a greeting that never comes.\n")
    for title, unit, muxd, vsftpd, ratio in rows:
        shown = f"{ratio:.2f}×" if ratio is not None else "—"
        lines.append(f"| {title} | {unit} | {muxd:,.0f} | {vsftpd:,.0f} | {shown} |")
    text = "\n".join(lines) + "\n" + footnote
    print(text)
    if args.no_save:
        return
    RESULTS.mkdir(exist_ok=True)
    markdown = RESULTS / "ftp.md"
    if not markdown.exists():
        markdown.write_text("# muxd ftp vs vsftpd: every run, newest last\n\n")
    with open(markdown, "a") as f:
        f.write(text + "\n")
    history = RESULTS / "ftp.csv"
    new = not history.exists()
    with open(history, "a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(["date", "pairs", "muxd", "vsftpd", "load1_max", "case", "unit", "muxd_value",
                             "vsftpd_value", "ratio"])
        for title, unit, muxd, vsftpd, ratio in rows:
            writer.writerow([now, args.pairs, muxd_version, vsftpd_version, f"{max(loads):.2f}", title.strip(),
                             unit, f"{muxd:.1f}", f"{vsftpd:.1f}", "" if ratio is None else f"{ratio:.3f}"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--muxd", default=str(REPO / "build" / "muxd"))
    parser.add_argument("--quick", action="store_true", help="1 pair, 256 MiB, 1 round, results not saved")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--small-rounds", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.pairs, args.small_rounds, args.no_save = 1, 1, True
    for tool, why in ((VSFTPD, "apt-get install vsftpd"), (shutil.which("taskset"), "util-linux"),
                      (shutil.which("curl"), "apt-get install curl")):
        if not tool or not os.path.exists(tool):
            sys.exit(f"ftp_vs_vsftpd: missing a tool ({why})")
    if os.geteuid() != 0:
        sys.exit("ftp_vs_vsftpd: vsftpd runs its anonymous sessions as user ftp and must start as root")
    big_size = (256 if args.quick else 1024) * MIB
    # tmpfs when there is one: the disk stays out of the measurement.
    args.data_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    base = tempfile.mkdtemp(prefix="muxd-ftp-bench-", dir=args.data_dir)
    os.chmod(base, 0o755)
    try:
        data = make_data(base, big_size)
        results, loads = measure(args, data, base, big_size)
        report(results, loads, args, big_size)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
