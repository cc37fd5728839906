"""Start the real muxd binary for an integration test and find its port.

Every server prints `muxd SERVICE listening on ADDR:PORT` on stderr once it is
ready; `Server` waits for that line, so tests can ask for port 0 and never race.
A server that exits before that line fails at once with its exit status and
stderr. `Server.stop()` fails (ServerFailed, an AssertionError) when the server
wrote a sanitizer report, when SIGTERM did not make it exit 0, or when a signal
the test never sent killed it; `ServerTestCase` stops class- and test-wide
servers through unittest's cleanups, so those failures fail the test run.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

MUXD_BIN = os.environ.get("MUXD_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "muxd")
SOURCE_DIR = os.environ.get("MUXD_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def _sanitizer_of(binary):
    """MUXD_SANITIZE of the tree that built `binary` ("thread", "address" or "")."""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(binary)), "CMakeCache.txt")) as cache:
            for line in cache:
                if line.startswith("MUXD_SANITIZE:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


# "thread" or "address" when MUXD_BIN comes from a sanitizer tree (build/tsan, build/asan),
# else "". The environment variable MUXD_SANITIZE overrides what the tree's CMakeCache says.
SANITIZER = os.environ.get("MUXD_SANITIZE", _sanitizer_of(MUXD_BIN))


def skip_under_sanitizers(reason):
    """Skips a test (or class) only when MUXD_BIN is sanitized: for what a sanitizer's own
    memory or time overhead makes meaningless (RSS budgets, tight timings)."""
    return unittest.skipIf(SANITIZER, f"under {SANITIZER or 'a'} sanitizer: {reason}")


_LISTENING = re.compile(r"muxd (\S+) listening on (\S+):(\d+)")
# ASan, LSan, TSan and UBSan reports (UBSan's is "file:line:col: runtime error: ...").
_SANITIZER_REPORT = re.compile(r"(ERROR|WARNING|FATAL): (Address|Leak|Thread|UndefinedBehavior)Sanitizer"
                               r"|Sanitizer:DEADLYSIGNAL|:\d+:\d+: runtime error: ")


def sanitizer_report(text):
    """The sanitizer report in `text` (from its first line on), or None."""
    match = _SANITIZER_REPORT.search(text)
    if match is None:
        return None
    return text[text.rfind("\n", 0, match.start()) + 1:]


class ServerFailed(AssertionError):
    """The server did not start, wrote a sanitizer report, or did not stop cleanly."""


class Server:
    """A running `muxd SERVICE ...`; use as a context manager.

    `stderr_lines` collects everything it wrote to stderr (a thread drains the
    pipe so the server never blocks on a full pipe). `wrapper` runs it through
    another command, e.g. ["setpriv", "--reuid=nobody", ...]. With stdin=subprocess.PIPE,
    `proc.stdin` is the test's to write, and closed once the server is stopped.
    A server with several listeners (dict: UDP and TCP) prints a line for each: with
    `listeners=N` it is ready after N of them, all in `listening_lines`; `host` and
    `port` are the first one's.
    """

    def __init__(self, service, *args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 timeout=20, env=None, cwd=None, wrapper=(), listeners=1):
        self.cmd = [*wrapper, MUXD_BIN, service, *[str(a) for a in args]]
        self.proc = subprocess.Popen(self.cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd)
        self.stderr_lines = []
        self.listening_lines = []
        self._listeners = listeners
        self._ready = threading.Event()  # the listening lines came, or stderr reached EOF
        self._signals = set()  # what this test sent, so that dying of it is no failure
        self._stopped = False
        self.host = self.port = None
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        self._ready.wait(timeout)
        if len(self.listening_lines) < listeners:
            self._fail_to_start(timeout)

    def _fail_to_start(self, timeout):
        # EOF on stderr means it exited (or is about to): its status is there at once.
        exited = self._ready.is_set()
        try:
            status = self.proc.wait(5 if exited else 0)
        except subprocess.TimeoutExpired:
            status = None
        self._stopped = True
        if status is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()
        seen = "its listening line" if self._listeners == 1 else \
            f"{self._listeners} listening lines ({len(self.listening_lines)} came)"
        if status is None:
            what = f"did not print {seen} within {timeout} s (killed)"
        else:
            what = f"exited with status {status} before {seen}"
        raise ServerFailed(f"{self.cmd} {what}; stderr:\n{self.stderr()}")

    def _drain(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_lines.append(line)
            match = _LISTENING.search(line)
            if match and len(self.listening_lines) < self._listeners:
                if not self.listening_lines:
                    self.host = match.group(2).strip("[]")
                    self.port = int(match.group(3))
                self.listening_lines.append(line)
                if len(self.listening_lines) == self._listeners:
                    self._ready.set()
        self._ready.set()

    def _close_pipes(self):
        """Once the server is gone: its stdin if it is a pipe, and stderr once drained."""
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:  # unflushed bytes the server never read: closed all the same
                pass
        self._drainer.join(5)  # the pipe reaches EOF once the server is gone
        if not self._drainer.is_alive():
            self.proc.stderr.close()

    def stderr(self):
        return "\n".join(self.stderr_lines)

    def lines_with(self, text, at_least=1, timeout=5.0):
        """Its stderr lines containing `text`, once there are `at_least` of them (or `timeout` passed).

        A line the server has written may not have been drained into `stderr_lines` yet:
        tests that expect a log line wait for it here instead of reading the list at once.
        """
        def matching():
            return [line for line in list(self.stderr_lines) if text in line]
        wait_until(lambda: len(matching()) >= at_least, timeout)
        return matching()

    @property
    def address(self):
        return (self.host, self.port)

    def signal(self, signum=signal.SIGTERM):
        self._signals.add(signum)
        self.proc.send_signal(signum)

    def wait(self, timeout=30):
        return self.proc.wait(timeout)

    def stop(self, timeout=10, check=True):
        """SIGTERM, then SIGKILL if it does not exit; returns the exit status.

        With `check` (once: later calls only return the status) it raises ServerFailed when
        stderr holds a sanitizer report, when our SIGTERM did not make it exit 0 within
        `timeout`, or when it had died of a signal the test did not send.
        """
        if self._stopped:
            return self.proc.returncode
        self._stopped = True
        problem = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                if self.proc.wait(timeout) != 0:
                    problem = f"exited with status {self.proc.returncode} after SIGTERM"
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                problem = f"still running {timeout} s after SIGTERM (killed)"
        elif self.proc.returncode < 0 and -self.proc.returncode not in self._signals:
            problem = f"died of signal {-self.proc.returncode}"
        self._close_pipes()
        report = sanitizer_report(self.stderr())
        if check and report is not None:
            raise ServerFailed(f"{self.cmd} (status {self.proc.returncode}) wrote a sanitizer report:\n{report}")
        if check and problem is not None:
            raise ServerFailed(f"{self.cmd} {problem}; stderr:\n{self.stderr()[-4000:]}")
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class ServerTestCase(unittest.TestCase):
    """A TestCase whose servers and scratch files are released by unittest's cleanups,
    which run even when setUpClass or setUp fails half-way, and which fail the run when
    a server stops badly (see Server.stop). In setUpClass:

        cls.root = cls.class_resource(SiteRoot(FILES))
        cls.server = cls.start_class_server(start_http, cls.root.path)

    Cleanups run last-in first-out: the server stops before its files go. A test that
    needs its own server (other flags, or one it stops itself) calls `self.start_server`
    in setUp or in the test; `with start_http(...) as server:` also stops and checks it.
    """

    @classmethod
    def class_resource(cls, resource):
        """`resource.cleanup()` after the class's tests; returns `resource`."""
        cls.addClassCleanup(resource.cleanup)
        return resource

    @classmethod
    def class_tempdir(cls, prefix="muxd-it-"):
        """A new directory, removed with its contents after the class's tests."""
        path = tempfile.mkdtemp(prefix=prefix)
        cls.addClassCleanup(shutil.rmtree, path, ignore_errors=True)
        return path

    @classmethod
    def start_class_server(cls, start, *args, stop_timeout=None, **kwargs):
        """`start(*args, **kwargs)` (e.g. start_http), stopped and checked after the class's tests
        (`stop_timeout`: seconds a Server may take to exit after SIGTERM, if not Server.stop's)."""
        server = start(*args, **kwargs)
        cls.addClassCleanup(server.stop, *([] if stop_timeout is None else [stop_timeout]))
        return server

    def tempdir(self, prefix="muxd-it-"):
        """A new directory, removed with its contents after this test."""
        path = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(shutil.rmtree, path, ignore_errors=True)
        return path

    def use_resource(self, resource):
        """`resource.cleanup()` after this test; returns `resource`."""
        self.addCleanup(resource.cleanup)
        return resource

    def start_server(self, start, *args, stop_timeout=None, **kwargs):
        """`start(*args, **kwargs)`, stopped and checked after this test."""
        server = start(*args, **kwargs)
        self.addCleanup(server.stop, *([] if stop_timeout is None else [stop_timeout]))
        return server


def run_muxd(*args, binary=None, timeout=60):
    """Runs `muxd ARGS` to its end (a command expected to exit by itself): its CompletedProcess, text output."""
    return subprocess.run([binary or MUXD_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def assert_address_in_use(test, result):
    """A server refused at start-up for a taken address: status 1, the reason, no listening line."""
    test.assertEqual(result.returncode, 1, result.stderr)
    test.assertRegex(result.stderr, re.compile(r"address already in use", re.IGNORECASE))
    test.assertNotIn("listening on", result.stderr)


def wait_until(predicate, timeout=10.0, interval=0.02):
    """Polls `predicate` until it is true or `timeout` seconds passed; returns its last value.

    There is always a deadline: `timeout` must be a finite number of seconds.
    """
    if timeout is None or not 0 <= timeout < float("inf"):
        raise ValueError(f"wait_until needs a finite timeout, not {timeout!r}")
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
