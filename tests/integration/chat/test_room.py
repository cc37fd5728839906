"""The course's five features (004 §2.2.5) against the real server over UDP."""
import os
import subprocess
import unittest

from chat_support import Member, room, start_chat
from harness import ServerTestCase, wait_until


class RoomFeatures(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(start_chat, "--burst", "100", stdin=subprocess.PIPE)

    def announce(self, line):
        self.server.proc.stdin.write(line.encode() + b"\n")
        self.server.proc.stdin.flush()

    def test_entering_needs_a_unique_name(self):
        lucy = Member(self.server.address)
        self.assertEqual(lucy.login("Lucy"), "OK")
        other = Member(self.server.address)
        self.assertEqual(other.login("Lucy"), "FAIL name taken")
        self.assertEqual(other.login("LUCY"), "FAIL name taken")
        self.assertEqual(other.login("Lucy2"), "OK")

    def test_everyone_else_is_told_when_someone_enters(self):
        lucy, bob = room(self.server, "Lucy", "Bob")
        carol = Member(self.server.address)
        self.assertEqual(carol.login("Carol"), "OK")  # the newcomer's first datagram is the answer
        self.assertEqual(lucy.recv(), "Carol joined the room")
        self.assertEqual(bob.recv(), "Carol joined the room")
        self.assertEqual(carol.sync(), [])  # never told of its own arrival

    def test_a_message_reaches_everyone_else(self):
        lucy, bob, carol = room(self.server, "Lucy", "Bob", "Carol")
        lucy.say("一起出去玩啊")
        self.assertEqual(bob.recv(), "Lucy : 一起出去玩啊")
        self.assertEqual(carol.recv(), "Lucy : 一起出去玩啊")
        self.assertEqual(lucy.sync(), [])  # not echoed to the speaker

    def test_everyone_else_is_told_when_someone_leaves(self):
        lucy, bob, carol = room(self.server, "Lucy", "Bob", "Carol")
        lucy.exit()
        self.assertEqual(bob.recv(), "Lucy left the room")
        self.assertEqual(carol.recv(), "Lucy left the room")
        bob.say("still there?")
        self.assertEqual(carol.recv(), "Bob : still there?")
        self.assertEqual(lucy.pending(), [])
        self.assertEqual(Member(self.server.address).login("Lucy"), "OK")  # the name is free again

    def test_the_operator_announces_to_everyone(self):
        lucy, bob = room(self.server, "Lucy", "Bob")
        self.announce("大家好，欢迎进入聊天室。")
        self.assertEqual(lucy.recv(), "admin : 大家好，欢迎进入聊天室。")
        self.assertEqual(bob.recv(), "admin : 大家好，欢迎进入聊天室。")

    def test_serving_goes_on_after_stdin_closes(self):
        lucy, bob = room(self.server, "Lucy", "Bob")
        self.server.proc.stdin.close()
        lucy.say("after stdin closed")
        self.assertEqual(bob.recv(), "Lucy : after stdin closed")
        self.assertIsNone(self.server.proc.poll())

    def test_closing_the_server_tells_everyone(self):
        lucy, bob = room(self.server, "Lucy", "Bob")
        self.server.stop()
        self.assertEqual(lucy.recv(), "admin : the room is closing")
        self.assertEqual(bob.recv(), "admin : the room is closing")
        self.assertEqual(self.server.proc.returncode, 0)


class StdinVariants(ServerTestCase):
    """stdin may be /dev/null, a regular file or closed: the server keeps serving."""

    def check_serves(self, server):
        with server:
            lucy, bob = room(server, "Lucy", "Bob")
            lucy.say("hello")
            self.assertEqual(bob.recv(), "Lucy : hello")

    def test_dev_null(self):
        self.check_serves(start_chat(stdin=subprocess.DEVNULL))

    def test_regular_file(self):
        with open(__file__, "rb") as source:
            self.check_serves(start_chat(stdin=source))

    def test_closed(self):
        read_end, write_end = os.pipe()
        os.close(write_end)
        server = start_chat(stdin=read_end)
        os.close(read_end)
        self.check_serves(server)

    def test_ipv6(self):
        from harness import Server
        import socket
        try:
            probe = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("no IPv6 loopback")
        with Server("chat", "--listen", "[::1]:0") as server:
            members = []
            for name in ("Lucy", "Bob"):
                sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                sock.bind(("::1", 0))
                sock.settimeout(10)
                self.addCleanup(sock.close)
                sock.sendto(f"LOGIN {name}".encode(), ("::1", server.port))
                self.assertEqual(sock.recv(100), b"OK")
                members.append(sock)
            self.assertEqual(members[0].recv(100), b"Bob joined the room")
            members[1].close()
            members[0].sendto(b"CHAT Lucy anyone?", ("::1", server.port))
            self.assertEqual(members[0].recv(100), b"Bob left the room (unreachable)")
            wait_until(lambda: "unreachable" in server.stderr())


if __name__ == "__main__":
    unittest.main()
