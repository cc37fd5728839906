"""--model fork: a child process per connection. Children are reaped as they exit (never
left as zombies), and each holds only its own connection (not the listener, not another
client's socket). Read from /proc, as ps(1) would."""
import os
import unittest

from harness import ServerTestCase, wait_until
from httpkit import HANG_BOUND, HTTP_MODEL, RawConnection, SiteRoot, get, start_http


def children(pid):
    """{child pid: state letter} of the processes whose parent is `pid`."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        if int(fields[1]) == pid:
            found[int(entry)] = fields[0]
    return found


def sockets_of(pid):
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


@unittest.skipUnless(HTTP_MODEL == "fork", "the fork model's children")
class ForkChildrenTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = cls.class_resource(SiteRoot({"a.txt": "hello"}))
        cls.server = cls.start_class_server(start_http, cls.root.path, "--workers", "2")
        cls.pid = cls.server.proc.pid

    def test_children_are_reaped_no_zombies(self):
        for i in range(30):
            self.assertEqual(get(self.server.port, f"/a.txt?{i}").status, 200)
        kept = [RawConnection(self.server.port) for _ in range(5)]
        for conn in kept:
            conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)
        self.assertGreaterEqual(len(children(self.pid)), 5, "a live child per kept connection")
        for conn in kept:
            conn.close()
        self.assertTrue(wait_until(lambda: not children(self.pid), HANG_BOUND),
                        f"children left behind (state Z is a zombie): {children(self.pid)}")

    def test_a_child_holds_only_its_own_connection(self):
        other = RawConnection(self.server.port)
        other.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(other.read_response().status, 200)
        with RawConnection(self.server.port) as conn:
            conn.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)
            live = children(self.pid)
            self.assertEqual(len(live), 2, live)
            for child in live:
                # Not the two listeners (--workers 2), not the other client's socket.
                self.assertEqual(sockets_of(child), 1, f"child {child}: {os.listdir(f'/proc/{child}/fd')}")
        other.close()
        self.assertTrue(wait_until(lambda: not children(self.pid), HANG_BOUND))


if __name__ == "__main__":
    unittest.main()
