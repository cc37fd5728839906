#!/usr/bin/env python3
"""muxd chat fan-out: 1,000 members on loopback, 100 messages per second (issue 5).

Starts `muxd chat` (pinned to CPU 0 when there are two CPUs), logs in the
members over UDP, then ten of them take turns speaking, 100 messages per second
in all; every message must reach the other 999. Reports delivery latency and
loss, writes bench/results/chat.md and appends to bench/results/chat.csv.

Latency is measured from just before the sender's sendto() to the moment the
kernel queued the copy on the receiver's socket (SO_TIMESTAMPNS), so the time
this script itself takes to read 100,000 datagrams a second is not counted.
Loss counts copies that never arrived; the kernel's UDP receive-buffer error
counter tells whether a loss happened at the receivers rather than the server.

    bench/chat_fanout.py --muxd build/muxd            # 1,000 members, 10 s
    bench/chat_fanout.py --muxd build/muxd --quick    # 200 members, 3 s, not saved
"""
import argparse
import datetime
import os
import platform
import re
import resource
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SPEAKERS = 10
RESULTS = Path(__file__).resolve().parent / "results"
PAYLOAD = re.compile(rb" : seq=(\d+) t=(\d+)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--muxd", required=True, help="path to the muxd binary")
    parser.add_argument("--quick", action="store_true", help="200 members for 3 s; results not saved")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=100, help="messages per second, all speakers together")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.members, args.seconds, args.no_save = 200, 3, True
    return args


class ChatServer:
    def __init__(self, muxd, members):
        cmd = [muxd, "chat", "--listen", "127.0.0.1:0", "--max-members", str(members + 10),
               "--login-rate", "100000", "--login-burst", "100000", "--rate", "1000", "--burst", "1000"]
        if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
            cmd = ["taskset", "-c", "0", *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for raw in self.proc.stderr:
            match = re.search(rb"listening on 127\.0\.0\.1:(\d+)", raw)
            if match:
                self.address = ("127.0.0.1", int(match.group(1)))
                break
        else:
            raise SystemExit("muxd chat did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def udp_receive_errors():
    lines = Path("/proc/net/snmp").read_text().splitlines()
    header, values = [line.split() for line in lines if line.startswith("Udp:")][:2]
    row = dict(zip(header[1:], map(int, values[1:])))
    return row.get("RcvbufErrors", 0) + row.get("InErrors", 0)


def open_members(server, count):
    members = []
    for i in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(10)
        sock.sendto(f"LOGIN m{i:04}".encode(), server.address)
        answer = sock.recv(2048)  # a newcomer's first datagram is the answer
        if answer != b"OK":
            raise SystemExit(f"LOGIN m{i:04}: {answer!r}")
        sock.setblocking(False)
        members.append(sock)
        if i % 50 == 49:
            drain(members)  # the join notices, before buffers fill
    drain(members)
    return members


def drain(members):
    for sock in members:
        while True:
            try:
                sock.recv(2048)
            except BlockingIOError:
                break


def speak(server, members, rate, seconds, sent):
    """Sends rate*seconds messages at even intervals; records each send time."""
    count = int(rate * seconds)
    start = time.monotonic() + 0.2
    for seq in range(count):
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        speaker = seq % SPEAKERS
        now = time.time_ns()
        members[speaker].sendto(f"CHAT m{speaker:04} seq={seq} t={now}".encode(), server.address)
        sent.append(seq)


def receive(members, expected, sender_thread, latencies):
    """Reads every copy until all arrived, or 3 s after the last message went out."""
    poller = select.epoll()
    by_fd = {sock.fileno(): sock for sock in members}
    for fd in by_fd:
        poller.register(fd, select.EPOLLIN)
    received, deadline = 0, None
    while received < expected:
        if deadline is None and not sender_thread.is_alive():
            deadline = time.monotonic() + 3
        if deadline is not None and time.monotonic() > deadline:
            break
        for fd, _ in poller.poll(0.1):
            received += read_socket(by_fd[fd], latencies)
    poller.close()
    return received


def read_socket(sock, latencies):
    count = 0
    while True:
        try:
            data, ancillary, _, _ = sock.recvmsg(2048, 64)
        except BlockingIOError:
            return count
        match = PAYLOAD.search(data)
        if not match:
            continue  # a notice, not a measured message
        arrived = next((struct.unpack("qq", cdata[:16]) for level, kind, cdata in ancillary
                        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS), None)
        arrived_ns = arrived[0] * 1_000_000_000 + arrived[1] if arrived else time.time_ns()
        latencies.append((arrived_ns - int(match.group(2))) / 1e6)
        count += 1


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model} ({os.cpu_count()} CPUs), kernel {platform.release()}"


def git_version():
    try:
        root = Path(__file__).resolve().parent.parent
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        return rev or "unknown"
    except OSError:
        return "unknown"


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.members + 100)), hard))
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {1})  # the clients on CPU 1, the server on CPU 0

    server = ChatServer(args.muxd, args.members)
    try:
        members = open_members(server, args.members)
        errors_before, cpu_before = udp_receive_errors(), server.cpu_seconds()
        messages = int(args.rate * args.seconds)
        expected = messages * (args.members - 1)
        sent, latencies = [], []
        sender = threading.Thread(target=speak, args=(server, members, args.rate, args.seconds, sent))
        started = time.monotonic()
        sender.start()
        received = receive(members, expected, sender, latencies)
        sender.join()
        elapsed = time.monotonic() - started
        server_cpu = server.cpu_seconds() - cpu_before
        receive_errors = udp_receive_errors() - errors_before
    finally:
        server.stop()

    latencies.sort()
    result = {
        "members": args.members, "rate": args.rate, "seconds": args.seconds, "messages": len(sent),
        "expected": expected, "received": received, "lost": expected - received,
        "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99),
        "p999": percentile(latencies, 0.999), "max": latencies[-1] if latencies else float("nan"),
        "server_cpu": server_cpu / elapsed, "receive_errors": receive_errors,
    }
    report(args, result)
    return 0 if result["lost"] == 0 else 1


def report(args, r):
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    load = os.getloadavg()[0]
    table = "\n".join([
        f"- Date (UTC): {date}; muxd {git_version()}; {machine()}",
        f"- {r['members']:,} members on 127.0.0.1, {SPEAKERS} speakers taking turns, "
        f"{r['rate']} messages/s for {r['seconds']:g} s; server pinned to CPU 0, clients to CPU 1",
        f"- 1-minute load average at the end: {load:.2f} (above ~1 means other work shared the CPUs)",
        "",
        "| Metric | Value | Target | Met? |",
        "|---|---:|---|---|",
        f"| messages sent | {r['messages']:,} | — | — |",
        f"| copies expected (messages × {r['members'] - 1}) | {r['expected']:,} | — | — |",
        f"| copies received | {r['received']:,} | — | — |",
        f"| copies lost | {r['lost']:,} | 0 | {'yes' if r['lost'] == 0 else '**no**'} |",
        f"| delivery latency p50 (ms) | {r['p50']:.3f} | — | — |",
        f"| delivery latency p99 (ms) | {r['p99']:.3f} | — | — |",
        f"| delivery latency p99.9 (ms) | {r['p999']:.3f} | — | — |",
        f"| delivery latency max (ms) | {r['max']:.3f} | — | — |",
        f"| server CPU (share of one core) | {r['server_cpu']:.1%} | — | — |",
        f"| kernel UDP receive errors (all sockets) | {r['receive_errors']:,} | — | — |",
    ])
    print(table)
    if args.no_save:
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chat.md").write_text(
        "# muxd chat fan-out (bench/chat_fanout.py)\n\n"
        "Latency: from just before the speaker's sendto() to the kernel queueing the copy on the\n"
        "receiver's socket (SO_TIMESTAMPNS). Loss: copies that never arrived.\n\n" + table + "\n")
    csv = RESULTS / "chat.csv"
    new = not csv.exists()
    with csv.open("a") as out:
        if new:
            out.write("date,muxd,members,rate,seconds,messages,expected,received,lost,"
                      "p50_ms,p99_ms,p999_ms,max_ms,server_cpu,receive_errors,load1\n")
        out.write(f"{date},{git_version()},{r['members']},{r['rate']},{r['seconds']},{r['messages']},"
                  f"{r['expected']},{r['received']},{r['lost']},{r['p50']:.3f},{r['p99']:.3f},"
                  f"{r['p999']:.3f},{r['max']:.3f},{r['server_cpu']:.4f},{r['receive_errors']},{load:.2f}\n")


if __name__ == "__main__":
    sys.exit(main())
