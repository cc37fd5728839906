#!/usr/bin/env python3
"""Syscalls per request of `muxd http`, counted by strace (deterministic, unlike
timings): 10,000 keep-alive requests on one connection, then 2,000 requests
with `Connection: close`, each run in a fresh server under `strace -f -c`.

    bench/syscalls_per_request.py --muxd build/muxd [--muxd OTHER/muxd ...]

Several binaries print side by side (before/after a change).
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

KEEPALIVE_REQUESTS = 10_000
CLOSE_REQUESTS = 2_000
REQUEST = b"GET /1k.html HTTP/1.1\r\nHost: bench\r\n\r\n"
CLOSE_REQUEST = b"GET /1k.html HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"


def start(muxd, root, summary):
    proc = subprocess.Popen(["strace", "-f", "-c", "-o", summary, muxd, "http", "--root", root,
                             "--listen", "127.0.0.1:0", "--workers", "1", "--access-log", "off"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"listening on \S+:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    raise RuntimeError("muxd never printed its listening line")


def stop(proc):
    """SIGTERM to muxd itself (strace's child): strace then writes its summary and exits."""
    children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
    for pid in children:
        os.kill(int(pid), signal.SIGTERM)
    proc.stderr.close()
    proc.wait(30)


def read_response(sock, buffer):
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed mid-response")
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(rest) < length:
        rest += sock.recv(65536)
    return rest[length:]


def keepalive(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        buffer = b""
        for _ in range(KEEPALIVE_REQUESTS):
            sock.sendall(REQUEST)
            buffer = read_response(sock, buffer)


def close_each(port):
    for _ in range(CLOSE_REQUESTS):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(CLOSE_REQUEST)
            while sock.recv(65536):
                pass


def count(muxd, root, drive, requests):
    with tempfile.NamedTemporaryFile(suffix=".strace") as summary:
        proc, port = start(muxd, root, summary.name)
        try:
            drive(port)
        finally:
            stop(proc)
        calls = {}
        for line in open(summary.name):
            fields = line.split()
            if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total":
                calls[fields[-1]] = int(fields[3])
    # Start-up and shutdown cost a few hundred calls: negligible per request at these counts.
    return {name: n / requests for name, n in calls.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--muxd", action="append", required=True, help="a muxd binary (repeatable)")
    args = parser.parse_args()
    if not shutil.which("strace"):
        sys.exit("needs strace (apt-get install strace)")
    root = tempfile.mkdtemp(prefix="muxd-syscalls-")
    with open(os.path.join(root, "1k.html"), "wb") as f:
        f.write(b"x" * 1024)
    for label, drive, requests in (("keep-alive", keepalive, KEEPALIVE_REQUESTS),
                                   ("Connection: close", close_each, CLOSE_REQUESTS)):
        results = [count(muxd, root, drive, requests) for muxd in args.muxd]
        names = sorted({n for r in results for n in r if any(r.get(n, 0) >= 0.01 for r in results)},
                       key=lambda n: -results[0].get(n, 0))
        print(f"\n{label}: syscalls per request")
        print("| syscall | " + " | ".join(args.muxd) + " |")
        print("|---|" + "---|" * len(args.muxd))
        for name in names:
            print(f"| {name} | " + " | ".join(f"{r.get(name, 0):.2f}" for r in results) + " |")
        print("| **total** | " + " | ".join(f"{sum(r.values()):.2f}" for r in results) + " |")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
