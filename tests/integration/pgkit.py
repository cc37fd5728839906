"""A throwaway PostgreSQL server for a test: `with PostgresServer() as pg: pg.url`.

initdb in a temporary directory (trust authentication, UTF-8, C locale,
fsync off), started with pg_ctl on 127.0.0.1 at a free port, with its unix
socket in the same directory; stopped and removed at the end. PostgreSQL
refuses to run as root, so as root the server runs as `nobody` (setpriv)
and the directory is handed to it. Tests are skipped, with the reason, when
Debian's postgresql is not installed (scripts/deps.sh test installs it).

    with PostgresServer() as pg:
        subprocess.run([muxd, "dict-import", "--db", pg.url, "words.tsv"])
        pg.query("SELECT count(*) FROM words")   # -> [["42"]]
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import unittest


def _bindir():
    """The newest /usr/lib/postgresql/N/bin with initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster; `url` is a postgresql:// URL for libpq, `query` runs SQL with psql."""

    def __init__(self, bindir=None, user="postgres", database="postgres"):
        self.bindir = bindir or _bindir()
        self.user, self.database = user, database
        self.dir = None
        self.port = None
        self._as = []  # the command prefix that runs a postgres binary unprivileged

    @property
    def url(self):
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def __enter__(self):
        if self.bindir is None or not os.path.exists(os.path.join(self.bindir, "pg_ctl")):
            raise unittest.SkipTest("PostgreSQL is not installed (apt-get install postgresql; scripts/deps.sh test)")
        if shutil.which("psql") is None:
            raise unittest.SkipTest("psql is not installed (apt-get install postgresql-client)")
        self.dir = tempfile.mkdtemp(prefix="muxd-pg-")
        try:
            self._prepare_user()
            self._run("initdb", "-D", self.data, "-U", self.user, "-A", "trust", "-E", "UTF8",
                      "--no-locale", "--no-sync")
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.dir is None:
            return
        if self.port is not None:
            subprocess.run([*self._as, os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate",
                            "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    @property
    def data(self):
        return os.path.join(self.dir, "data")

    def log(self):
        """The server's log, for a failure message."""
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as log:
                return log.read()
        except OSError:
            return ""

    def query(self, sql, *params):
        """Rows of `sql` as lists of strings. Parameters go in as psql variables
        (:'p1', :'p2', ...), quoted by psql, never pasted into the SQL text."""
        args = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", self.database]
        for i, param in enumerate(params, 1):
            args += ["-v", f"p{i}={param}"]
        done = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"psql failed: {done.stderr}")
        return [line.split("\t") for line in done.stdout.splitlines() if line != ""]

    def _prepare_user(self):
        if os.geteuid() != 0:
            return
        nobody = pwd.getpwnam("nobody")
        os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
        self._as = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]

    def _run(self, program, *args):
        done = subprocess.run([*self._as, os.path.join(self.bindir, program), *args],
                              capture_output=True, text=True, cwd=self.dir, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr}{done.stdout}")

    def _start(self):
        # A free port can be taken between the probe and the start: try a few.
        for _ in range(5):
            port = _free_port()
            options = (f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off")
            done = subprocess.run([*self._as, os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", options,
                                   "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60", "start"],
                                  capture_output=True, text=True, cwd=self.dir, timeout=90)
            if done.returncode == 0:
                self.port = port
                return
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{self.log()}")
