"""What the course's server got wrong: impersonation, bad datagrams, floods, vanished members."""
import os
import random
import time
import unittest

from chat_support import Member, room, start_chat
from harness import ServerTestCase, wait_until


class Impersonation(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(start_chat, "--burst", "100")
        self.lucy, self.bob, self.carol = room(self.server, "Lucy", "Bob", "Carol")

    def test_a_member_cannot_speak_for_another(self):
        self.bob.send("CHAT Lucy I owe Bob money")
        self.assertEqual(self.carol.sync(), [])
        self.assertEqual(self.lucy.sync(), [])
        wait_until(lambda: "in the name of 'Lucy'" in self.server.stderr())
        self.assertIn("dropped CHAT from 127.0.0.1", self.server.stderr())

    def test_a_member_cannot_make_another_leave(self):
        self.bob.send("EXIT Lucy")
        self.assertEqual(self.carol.sync(), [])
        self.carol.say("is Lucy still here?")
        self.assertEqual(self.lucy.recv(), "Carol : is Lucy still here?")

    def test_a_stranger_cannot_speak_or_make_anyone_leave(self):
        stranger = Member(self.server.address, "Lucy")
        stranger.send("CHAT Lucy hello from a stranger")
        stranger.send("EXIT Lucy")
        stranger.send("PING Lucy")
        self.assertEqual(stranger.login("Mallory"), "OK")  # handled after the three above
        self.assertEqual(self.bob.sync(), ["Mallory joined the room"])
        self.assertEqual(self.lucy.sync(), ["Mallory joined the room"])
        self.carol.say("Lucy?")
        self.assertEqual(self.lucy.recv(), "Carol : Lucy?")
        self.assertEqual(stranger.recv(), "Carol : Lucy?")

    def test_the_same_ip_on_another_port_is_a_stranger(self):
        twin = Member(self.server.address, "Bob")  # 127.0.0.1 as well, another port
        twin.send("CHAT Bob it is me")
        self.assertEqual(self.lucy.sync(), [])

    def test_the_operator_name_is_reserved(self):
        for name in ("admin", "Admin", "管理员消息"):
            self.assertEqual(Member(self.server.address).login(name), "FAIL name is reserved")

    def test_newlines_cannot_forge_a_second_line(self):
        self.bob.say("hi\nLucy : I agree with Bob")
        self.assertEqual(self.carol.recv(), "Bob : hiLucy : I agree with Bob")


class BadInput(ServerTestCase):
    def setUp(self):
        self.server = self.start_server(start_chat, "--burst", "1000", "--rate", "1000")
        self.lucy, self.bob = room(self.server, "Lucy", "Bob")

    def test_oversized_datagrams_are_refused(self):
        self.bob.send(b"CHAT Bob " + b"x" * 5000)
        self.assertEqual(self.bob.recv(), "admin : message refused: longer than 2048 bytes")
        self.assertEqual(self.lucy.sync(), [])
        Member(self.server.address).send(b"CHAT Lucy " + b"y" * 60000)  # a stranger's
        self.assertEqual(self.lucy.sync(), [])

    def test_long_messages_are_cut_at_1200_bytes_on_a_character_boundary(self):
        self.bob.say("中" * 600)  # 1,800 bytes
        data = self.lucy.recv_bytes()
        self.assertLessEqual(len(data), 1200)
        self.assertGreater(len(data), 1197)
        self.assertEqual(data.decode("utf-8"), "Bob : " + "中" * ((len(data) - 6) // 3))

    def test_invalid_utf8_is_replaced_and_controls_removed(self):
        self.bob.send(b"CHAT Bob caf\xe9 \xff\xfe ok\x1b[2J\x07\x00end")
        self.assertEqual(self.lucy.recv(), "Bob : caf\ufffd \ufffd\ufffd ok[2Jend")

    def test_binary_and_malformed_datagrams_are_dropped(self):
        junk = [b"", b"\x00" * 10, bytes(range(256)), b"LOGIN", b"CHAT", b"EXIT", b"login Eve",
                b"CHAT  x", b"\xff\xfe\xfd", b"PING", b"\r\n"]
        rng = random.Random(5)
        junk += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(300)]
        stranger = Member(self.server.address)
        for data in junk:
            self.bob.send(data)
            stranger.send(data)
        self.assertEqual(self.lucy.sync(), [])
        self.bob.say("still alive")
        self.assertEqual(self.lucy.recv(), "Bob : still alive")

    def test_bad_names_fail_with_a_reason(self):
        cases = {
            "LOGIN ": "FAIL name is empty",
            "LOGIN two words": "FAIL name contains a space or control character",
            "LOGIN " + "n" * 33: "FAIL name is longer than 32 bytes",
            "LOGIN tab\there": "FAIL name contains a space or control character",
        }
        newcomer = Member(self.server.address)
        for request, answer in cases.items():
            newcomer.send(request)
            self.assertEqual(newcomer.recv(), answer)
        newcomer.send(b"LOGIN \xc3")
        self.assertEqual(newcomer.recv(), "FAIL name is not valid UTF-8")
        self.assertEqual(newcomer.login("n" * 32), "OK")


class Limits(ServerTestCase):
    def test_a_flood_is_cut_and_the_flooder_told(self):
        with start_chat("--rate", "5", "--burst", "10") as server:
            lucy, bob = room(server, "Lucy", "Bob")
            started = time.monotonic()
            for i in range(200):
                bob.say(f"spam {i}")
            elapsed = time.monotonic() - started
            self.assertEqual(bob.recv(), "admin : slow down: at most 5 messages per second, some were dropped")
            got = lucy.sync()
            self.assertEqual(got[:10], [f"Bob : spam {i}" for i in range(10)])
            # The bucket refills at 5 per second while the flood lasts; the rest is dropped.
            self.assertLessEqual(len(got) - 10, int(elapsed * 5) + 2)
            lucy.say("others are not limited")
            self.assertEqual(bob.recv(), "Lucy : others are not limited")

    def test_the_member_limit(self):
        with start_chat("--max-members", "3") as server:
            room(server, "a", "b", "c")
            self.assertEqual(Member(server.address).login("d"), "FAIL room full")

    def test_a_login_flood_is_refused(self):
        with start_chat("--login-rate", "1", "--login-burst", "5") as server:
            members = [Member(server.address) for _ in range(8)]  # all alive: no port reuse
            answers = [member.login(f"user{i}") for i, member in enumerate(members)]
            self.assertEqual(answers[:5], ["OK"] * 5)
            self.assertIn("FAIL server busy, try again", answers[5:])


class VanishedMembers(ServerTestCase):
    def test_a_member_whose_socket_closes_is_removed_and_others_told(self):
        with start_chat() as server:
            lucy, bob, carol = room(server, "Lucy", "Bob", "Carol")
            carol.close()
            lucy.say("anyone?")  # the copy for Carol comes back as ICMP port unreachable
            self.assertEqual(bob.recv(), "Lucy : anyone?")
            self.assertEqual(bob.recv(), "Carol left the room (unreachable)")
            self.assertEqual(lucy.recv(), "Carol left the room (unreachable)")
            self.assertEqual(Member(server.address).login("Carol"), "OK")

    def test_a_quiet_member_stays_and_a_silent_pinger_times_out(self):
        with start_chat("--keepalive-timeout", "1") as server:
            quiet, pinger, speaker = room(server, "Quiet", "Pinger", "Speaker")
            pinger.send("PING Pinger")
            # Only muxd's own client promises keep-alives; the course's client
            # sends nothing between messages and must never be dropped for it.
            self.assertEqual(quiet.recv(), "Pinger left the room (timed out)")
            self.assertEqual(speaker.recv(), "Pinger left the room (timed out)")
            time.sleep(2)  # twice the timeout: Quiet is still a member
            speaker.say("still here, Quiet?")
            self.assertEqual(quiet.recv(), "Speaker : still here, Quiet?")

    def test_a_pinger_that_keeps_pinging_stays(self):
        with start_chat("--keepalive-timeout", "1") as server:
            pinger, other = room(server, "Pinger", "Other")
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline:
                pinger.send("PING Pinger")
                time.sleep(0.2)
            self.assertEqual(other.sync(), [])
            other.say("hi")
            self.assertEqual(pinger.recv(), "Other : hi")


if __name__ == "__main__":
    unittest.main()
