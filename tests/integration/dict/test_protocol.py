"""RFC 2229 on the wire, with a raw socket: the banner, status codes, text
responses, pipelining, the line limit, and stopping (the other limits and the
busy path: test_limits.py)."""
import signal
import unittest

from harness import ServerTestCase
from dict_support import DictConnection, DictServer, make_database


class ProtocolTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = make_database(cls.class_tempdir())
        cls.server = cls.start_class_server(DictServer, cls.db)

    def connect(self):
        connection = DictConnection(self.server.dict_port)
        self.addCleanup(connection.close)
        return connection

    def test_banner_has_capabilities_and_a_msg_id(self):
        banner = self.connect().banner
        self.assertRegex(banner, r"^220 .* <mime> <\d+\.\d+@[^>]+>$")
        self.assertNotEqual(self.connect().banner, banner)  # msg-ids differ

    def test_define_and_match(self):
        c = self.connect()
        status, blocks = c.command("DEFINE * cat")
        self.assertEqual(status, "250 ok")
        self.assertEqual(blocks[0][0], "150 2 definitions retrieved")
        self.assertEqual(blocks[1], ('151 "cat" test "muxd test words"', ["a small domesticated feline"]))
        self.assertEqual(blocks[2], ('151 "cat" zh "Chinese test words"', ["猫"]))
        status, blocks = c.command("MATCH test prefix cat")
        self.assertEqual(status, "250 ok")
        self.assertEqual(blocks[0][0], "152 3 matches found - text follows")
        self.assertEqual(sorted(blocks[0][1]), ['test "cat"', 'test "catalog"', 'test "category"'])
        self.assertEqual(c.command("DEFINE ! cat")[1][0][0], "150 1 definitions retrieved")
        self.assertEqual(c.command("DEFINE test nothing")[0], "552 No match")
        self.assertEqual(c.command("MATCH * exact nothing")[0], "552 No match")
        self.assertEqual(c.command("DEFINE nosuch cat")[0][:4], "550 ")
        self.assertEqual(c.command("MATCH * regexp cat")[0][:4], "551 ")
        self.assertEqual(c.command("QUIT")[0], "221 bye")
        self.assertTrue(c.at_eof())

    def test_error_codes(self):
        c = self.connect()
        self.assertEqual(c.command("FROB")[0][:4], "500 ")
        self.assertEqual(c.command("DEFINE cat")[0][:4], "501 ")
        self.assertEqual(c.command("AUTH user key")[0][:4], "502 ")
        self.assertEqual(c.command("OPTION GZIP")[0][:4], "503 ")
        self.assertEqual(c.command('DEFINE * "open')[0][:4], "501 ")
        self.assertEqual(c.command("STATUS")[0][:4], "210 ")  # still in step

    def test_lines_longer_than_1024_octets_get_500_and_the_session_goes_on(self):
        c = self.connect()
        at_limit = "CLIENT " + "x" * (1024 - 9)
        self.assertEqual(c.command(at_limit)[0], "250 ok")
        self.assertEqual(c.command(at_limit + "x")[0], "500 Syntax error, line too long")
        c.send("y" * 100_000)  # no line end at all: refused once, skipped to its end
        self.assertEqual(c.line(), "500 Syntax error, line too long")
        self.assertEqual(c.command("yyy\r\nSTATUS")[0][:4], "210 ")

    def test_pipelined_commands_are_answered_in_order(self):
        c = self.connect()
        c.send("".join(f"DEFINE test {w}\r\n" for w in ("cat", "dog", "nothing", "bat")) + "STATUS\r\nQUIT\r\n")
        answers = [c.response() for _ in range(6)]
        self.assertIn("feline", answers[0][1][1][1][0])
        self.assertIn("canid", answers[1][1][1][1][0])
        self.assertEqual(answers[2][0], "552 No match")
        self.assertIn("mammal", answers[3][1][1][1][0])
        self.assertEqual(answers[4][0], "210 status [d/m/c = 3/0/5]")
        self.assertEqual(answers[5][0], "221 bye")

    def test_sql_injection_shapes_are_words(self):
        c = self.connect()
        for word in ("'; DROP TABLE words; --", "\" OR \"\"=\"", "cat' OR '1'='1", "%", "_at", "cat%"):
            quoted = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
            status, blocks = c.command(f"DEFINE test {quoted}")
            if word in ("'; DROP TABLE words; --", "%"):
                self.assertEqual(status, "250 ok", word)
                self.assertEqual(blocks[1][0].split('"')[1], word.split('"')[0])
            else:
                self.assertEqual(status, "552 No match", word)
            self.assertEqual(c.command(f"MATCH test substring {quoted}")[0][:3] in ("250", "552"), True)
        self.assertEqual(c.command("MATCH test prefix _a")[0], "552 No match")  # _ is no wildcard
        self.assertEqual(c.command("DEFINE test cat")[0], "250 ok")

    def test_option_mime_puts_a_header_before_text(self):
        c = self.connect()
        self.assertEqual(c.command("OPTION MIME")[0][:4], "250 ")
        status, blocks = c.command("DEFINE test dog")
        self.assertEqual(blocks[1][1][:3], ["Content-type: text/plain; charset=utf-8",
                                            "Content-transfer-encoding: 8bit", ""])
        self.assertEqual(blocks[1][1][3], "a domesticated canid")


class ShutdownTest(ServerTestCase):
    def test_sigterm_answers_the_query_in_flight_then_421(self):
        db = make_database(self.class_tempdir())
        server = self.start_server(DictServer, db, "--test-query-delay", "0.5")
        c = DictConnection(server.dict_port)
        self.addCleanup(c.close)
        idle = DictConnection(server.dict_port)
        self.addCleanup(idle.close)
        # One segment: once STATUS is answered, the DEFINE after it was read and its query is out.
        c.send("STATUS\r\nDEFINE test cat\r\n")
        self.assertEqual(c.line()[:4], "210 ")
        server.signal(signal.SIGTERM)
        status, _ = c.response()
        self.assertEqual(status, "250 ok")
        self.assertEqual(c.line(), "421 Server shutting down at operator request")
        self.assertTrue(c.at_eof())
        self.assertEqual(idle.line(), "421 Server shutting down at operator request")
        self.assertEqual(server.wait(10), 0)


if __name__ == "__main__":
    unittest.main()
