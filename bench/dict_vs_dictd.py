#!/usr/bin/env python3
"""muxd dict against Debian's dictd, serving the same WordNet 3.0 data (issue 11).

Each server runs alone, pinned to CPU 0, a fresh process per run; the load
generator runs on CPU 1; runs alternate muxd, dictd, muxd, dictd... Load: C
DICT connections, each sending `DEFINE wn WORD` and waiting for the answer
before the next (closed loop), words drawn from WordNet's own index (a fixed
seed; one word in ten is not in it, a 552). Reported: lookups per second and
the 99th percentile latency, medians over the runs. muxd also over UDP (the
course's protocol; dictd has none): C sockets, one outstanding datagram each.

dictd forks a child per connection; muxd serves the connections on one loop
and its queries on --db-threads threads (all on CPU 0 here).

    bench/dict_vs_dictd.py --muxd build/muxd             # 5 pairs of 10 s runs
    bench/dict_vs_dictd.py --muxd build/muxd --quick     # 1 pair of 3 s, not saved

Results: a section appended to bench/results/dict.md.
"""
import argparse
import datetime
import os
import platform
import random
import select
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
WN_INDEX, WN_DATA = "/usr/share/dictd/wn.index", "/usr/share/dictd/wn.dict.dz"
DICTD_CONF = """global {{
  listen_to 127.0.0.1
  port {port}
  limit 1000
}}
database wn {{
  data "{data}"
  index "{index}"
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def words(count=2000, seed=11):
    with open(WN_INDEX, encoding="utf-8", errors="replace") as index:
        headwords = [line.split("\t", 1)[0] for line in index if not line.startswith("00-database")]
    rng = random.Random(seed)
    picked = [rng.choice(headwords) for _ in range(count)]
    return [w if i % 10 else w + "qx" for i, w in enumerate(picked)]  # one in ten misses


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(512).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on {port}")


def start_muxd(muxd, db, tmp):
    udp, tcp = free_port(), free_port()
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, muxd, "dict", "--db", db, "--listen", f"127.0.0.1:{udp}",
                             "--dict-listen", f"127.0.0.1:{tcp}", "--db-threads", "2", "--udp-rate", "0",
                             "--max-sessions-per-ip", "0"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "muxd.log"), "w"))
    wait_port(tcp)
    return proc, tcp, udp


def start_dictd(tmp):
    port = free_port()
    conf = os.path.join(tmp, "dictd.conf")
    with open(conf, "w") as out:
        out.write(DICTD_CONF.format(port=port, data=WN_DATA, index=WN_INDEX))
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, "dictd", "-c", conf, "-d", "nodetach",
                             "--pid-file", os.path.join(tmp, "dictd.pid"), "-L", os.path.join(tmp, "dictd.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return proc, port


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load(kind, port, connections, seconds, vocabulary):
    """Runs the closed-loop load in a child process on CLIENT_CPU; returns (lookups/s, p99 ms)."""
    done = subprocess.run(["taskset", "-c", CLIENT_CPU, sys.executable, __file__, "--load", kind, "--port", str(port),
                           "--connections", str(connections), "--seconds", str(seconds)],
                          input="\n".join(vocabulary), capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    rate, p99 = done.stdout.split()
    return float(rate), float(p99)


def run_load(kind, port, connections, seconds, vocabulary):
    """The load generator itself (in the child): select() over every socket."""
    latencies, count = [], 0
    socks, pending, buffers, sent_at = [], {}, {}, {}
    rng = random.Random(connections)
    for i in range(connections):
        if kind == "dict":
            s = socket.create_connection(("127.0.0.1", port))
            banner = b""
            while b"\r\n" not in banner:
                banner += s.recv(4096)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(("127.0.0.1", port))
        s.setblocking(False)
        socks.append(s)
        buffers[s] = b""
    end = time.monotonic() + seconds

    def send(s):
        word = rng.choice(vocabulary)
        sent_at[s] = time.monotonic()
        if kind == "dict":
            s.send(f'DEFINE wn "{word}"\r\n'.encode())
        else:
            s.send(word.encode())
    for s in socks:
        send(s)
    while time.monotonic() < end:
        ready, _, _ = select.select(socks, [], [], 1.0)
        for s in ready:
            if kind == "dict":
                buffers[s] += s.recv(65536)
                data = buffers[s]
                # an answer ends with "250 ok..." or is one status line (552, 550, 420)
                finished = data.startswith((b"552", b"550", b"420")) and data.endswith(b"\r\n")
                finished = finished or (b"\r\n250 " in data and data.endswith(b"\r\n"))
                if not finished:
                    continue
                buffers[s] = b""
            else:
                try:
                    s.recv(65536)
                except BlockingIOError:
                    continue
            now = time.monotonic()
            latencies.append(now - sent_at[s])
            count += 1
            send(s)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan")
    print(f"{count / seconds:.0f} {p99:.2f}")


def ensure_muxd_db(muxd, path):
    if os.path.exists(path):
        return path
    subprocess.run([muxd, "dict-import", "--db", path + ".tmp", WN_INDEX], check=True)
    os.replace(path + ".tmp", path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--muxd", default=str(REPO / "build" / "muxd"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--load", choices=("dict", "udp"))
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.load:
        return run_load(args.load, args.port, args.connections, args.seconds, sys.stdin.read().split("\n"))
    for tool in ("dictd", "taskset"):
        if shutil.which(tool) is None:
            sys.exit(f"dict_vs_dictd.py: {tool} is not installed (scripts/deps.sh bench)")
    if not os.path.exists(WN_INDEX):
        sys.exit("dict_vs_dictd.py: WordNet is not installed (apt-get install dict-wn)")
    if args.quick:
        args.pairs, args.seconds = 1, 3
    db = ensure_muxd_db(args.muxd, str(Path(args.muxd).resolve().parent / "bench-dict-wn.sqlite"))
    vocabulary = words()
    results = {"muxd dict": [], "dictd": [], "muxd udp": []}
    with tempfile.TemporaryDirectory(prefix="muxd-bench-dict-") as tmp:
        os.chmod(tmp, 0o777)  # dictd started as root drops to its own user, which writes its log here
        for _ in range(args.pairs):
            proc, tcp, udp = start_muxd(args.muxd, db, tmp)
            try:
                results["muxd dict"].append(load("dict", tcp, args.connections, args.seconds, vocabulary))
                results["muxd udp"].append(load("udp", udp, args.connections, args.seconds, vocabulary))
            finally:
                stop(proc)
            proc, port = start_dictd(tmp)
            try:
                results["dictd"].append(load("dict", port, args.connections, args.seconds, vocabulary))
            finally:
                stop(proc)
    rows = []
    for name, runs in results.items():
        rate = statistics.median(r for r, _ in runs)
        p99 = statistics.median(p for _, p in runs)
        rows.append((name, rate, p99, len(runs)))
    dictd_rate = next(r for n, r, _, _ in rows if n == "dictd")
    table = ["| server | protocol | lookups/s (median) | p99 latency ms (median) | vs dictd | runs |",
             "|---|---|---:|---:|---:|---:|"]
    for name, rate, p99, runs in rows:
        server, protocol = ("muxd", name.split()[1].upper()) if name.startswith("muxd") else ("dictd", "DICT")
        table.append(f"| {server} | {protocol} | {rate:,.0f} | {p99:.2f} | {rate / dictd_rate:.2f}x | {runs} |")
    text = "\n".join(table)
    print(text)
    if not args.quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
        with open(RESULTS / "dict.md", "a") as out:
            out.write(f"\n## {datetime.date.today()} ({platform.node()}, {os.cpu_count()} CPUs): "
                      f"{args.connections} connections, {args.seconds:g} s runs, server on CPU {SERVER_CPU}, "
                      f"load on CPU {CLIENT_CPU}\n\n{text}\n")


if __name__ == "__main__":
    main()
