"""Start the real muxd binary for an integration test and find its port.

Every server prints `muxd SERVICE listening on ADDR:PORT` on stderr once it is
ready; `Server` waits for that line, so tests can ask for port 0 and never race.
"""
import os
import re
import signal
import subprocess
import threading
import time

MUXD_BIN = os.environ.get("MUXD_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "muxd")
SOURCE_DIR = os.environ.get("MUXD_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))

_LISTENING = re.compile(r"muxd (\S+) listening on (\S+):(\d+)")


class Server:
    """A running `muxd SERVICE ...`; use as a context manager.

    `stderr_lines` collects everything it wrote to stderr (a thread drains the
    pipe so the server never blocks on a full pipe). `wrapper` runs it through
    another command, e.g. ["setpriv", "--reuid=nobody", ...].
    """

    def __init__(self, service, *args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 timeout=20, env=None, cwd=None, wrapper=()):
        cmd = [*wrapper, MUXD_BIN, service, *[str(a) for a in args]]
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd)
        self.stderr_lines = []
        self._ready = threading.Event()
        self.host = self.port = None
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"{cmd} never printed its listening line; stderr: {self.stderr()}")

    def _drain(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_lines.append(line)
            match = _LISTENING.search(line)
            if match and not self._ready.is_set():
                self.host = match.group(2).strip("[]")
                self.port = int(match.group(3))
                self._ready.set()
        self._ready.set()

    def stderr(self):
        return "\n".join(self.stderr_lines)

    @property
    def address(self):
        return (self.host, self.port)

    def signal(self, signum=signal.SIGTERM):
        self.proc.send_signal(signum)

    def wait(self, timeout=30):
        return self.proc.wait(timeout)

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL if it does not exit; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._drainer.join(5)  # the pipe reaches EOF once the server is gone
        if not self._drainer.is_alive():
            self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_until(predicate, timeout=10.0, interval=0.02):
    """Poll `predicate` until it is true; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
