"""Every numeric flag of every subcommand refuses what is not a number in its
range with exit status 2 and one line naming the flag: negative counts (which
would wrap to ~2^64), counts beyond 64 bits, NaN and infinities (which slip
through a plain range check), hex and fractions where a whole number is due."""
import unittest

from harness import ServerTestCase, run_muxd

USAGE = 2

# (subcommand and what it needs besides the flag, flag, bad value)
BAD = [
    (["http"], "--max-connections", "-1"),
    (["http"], "--max-connections", "99999999999999999999999"),
    (["http"], "--max-body-bytes", "-1"),
    (["http"], "--max-body-bytes", "1e6"),
    (["http"], "--workers", "-1"),
    (["ftp"], "--max-clients", "-1"),
    (["ftp"], "--max-per-ip", "-3"),
    (["ftp"], "--workers", "0x10"),
    (["echo"], "--max-connections", "-1"),
    (["echo"], "--max-message-bytes", "0"),
    (["echo"], "--workers", "2.5"),
    (["dict"], "--max-connections", "-1"),
    (["dict"], "--max-connections", "99999999999999999999999"),
    (["dict"], "--max-sessions-per-ip", "-5"),
    (["dict"], "--udp-rate", "nan"),
    (["dict"], "--udp-rate", "-1"),
    (["dict"], "--db-queue", "-1"),
    (["dict"], "--udp-answer-bytes", "nan"),
    (["dict-client", "127.0.0.1"], "--tries", "-1"),
    (["chat"], "--burst", "nan"),
    (["chat"], "--login-burst", "nan"),
    (["chat"], "--burst", "inf"),
    (["chat"], "--max-members", "-1"),
    (["chat"], "--rate", "nan"),
    (["bench", "http://127.0.0.1:1/"], "--rate", "nan"),
    (["bench", "http://127.0.0.1:1/"], "--rate", "-inf"),
    (["bench", "http://127.0.0.1:1/"], "--connections", "-1"),
    (["bench", "http://127.0.0.1:1/"], "--pipeline", "nan"),
    (["c10k"], "--file-bytes", "-1"),
    (["c10k"], "--concurrency", "-1"),
]


def run(*args):
    return run_muxd(*args, timeout=20)


class NumericFlagsTest(ServerTestCase):
    def test_bad_values_are_usage_errors_in_one_line(self):
        for command, flag, value in BAD:
            with self.subTest(command=command[0], flag=flag, value=value):
                result = run(*command, flag, value)
                self.assertEqual(result.returncode, USAGE, result.stderr)
                first = result.stderr.splitlines()[0] if result.stderr else ""
                self.assertIn(flag, first)
                self.assertIn(value, first)
                self.assertLess(len(first), 120, first)


if __name__ == "__main__":
    unittest.main()
