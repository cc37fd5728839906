"""200 members: each receives the one message, exactly once."""
import unittest

from chat_support import Member, start_chat
from harness import ServerTestCase

MEMBERS = 200


class FanOut(ServerTestCase):
    def test_200_members_each_receive_one_message(self):
        with start_chat() as server:
            members = []
            for i in range(MEMBERS):
                member = Member(server.address)
                self.assertEqual(member.login(f"m{i:03}"), "OK")
                members.append(member)
                if i % 25 == 24:  # read the join notices before socket buffers fill
                    for earlier in members:
                        earlier.pending()
            speaker, listeners = members[0], members[1:]
            speaker.say("hello, all 199 of you")
            for listener in listeners:
                lines = [line for line in listener.sync() if "joined the room" not in line]
                self.assertEqual(lines, ["m000 : hello, all 199 of you"], listener.name)
            self.assertEqual([line for line in speaker.sync() if "joined" not in line], [])


if __name__ == "__main__":
    unittest.main()
