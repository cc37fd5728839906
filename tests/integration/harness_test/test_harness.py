"""The harness itself (issue 8, item 9): a server that exits or stays silent before its
ready line(s) fails the test with its stderr (never port=None), a server that stops badly
fails the run through ServerTestCase's cleanups, and wait_until always has a deadline.
Stand-in servers are `sh` scripts run as the wrapper (they never exec muxd)."""
import signal
import unittest

from harness import Server, ServerFailed, ServerTestCase, wait_until


class StartFailureTest(ServerTestCase):
    def test_a_server_that_exits_before_its_ready_line_fails_with_its_stderr(self):
        with self.assertRaises(ServerFailed) as failure:
            Server("http", "--listen", "127.0.0.1:0", "--no-such-flag")
        message = str(failure.exception)
        self.assertIn("exited with status 2 before its listening line", message)
        self.assertIn("--no-such-flag", message.partition("stderr:")[2])  # muxd's own words
        self.assertNotIn("None", message)

    def test_a_server_that_never_prints_its_ready_line_is_killed_and_fails(self):
        # The wrapper stands in for a server that hangs in start-up: it says something, then sleeps.
        wrapper = ["sh", "-c", "echo 'still starting' >&2; exec sleep 60", "sh"]
        with self.assertRaises(ServerFailed) as failure:
            Server("http", timeout=1, wrapper=wrapper)
        message = str(failure.exception)
        self.assertIn("did not print its listening line within 1 s (killed)", message)
        self.assertIn("still starting", message)

    def test_a_server_with_two_listeners_is_ready_after_both_lines(self):
        # Stand-ins for `muxd dict`, which prints one line per listener (UDP and TCP).
        lines = "echo 'muxd x listening on 127.0.0.1:7 (udp)' >&2; sleep 0.2; " \
                "echo 'muxd x listening on 127.0.0.1:8 (dict)' >&2; "
        server = Server("x", wrapper=["sh", "-c", lines + "exec sleep 60", "sh"], listeners=2)
        server.stop(check=False)  # sleep dies of the SIGTERM: no clean exit to check
        self.assertEqual(len(server.listening_lines), 2)
        self.assertEqual(server.address, ("127.0.0.1", 7))
        with self.assertRaises(ServerFailed) as failure:
            Server("x", wrapper=["sh", "-c", lines + "exit 1", "sh"], listeners=3)
        self.assertIn("exited with status 1 before 3 listening lines (2 came)", str(failure.exception))


class StopFailureTest(ServerTestCase):
    def run_inner(self, test):
        """Runs `test(case)` as the body of a fresh ServerTestCase; returns its TestResult."""
        class Inner(ServerTestCase):
            def runTest(self):
                test(self)
        result = unittest.TestResult()
        Inner().run(result)
        return result

    def test_a_server_killed_by_a_signal_the_test_did_not_send_fails_the_test(self):
        def body(case):
            server = case.start_server(Server, "echo", "--listen", "127.0.0.1:0")
            server.proc.send_signal(signal.SIGKILL)  # behind the harness's back: a crash
            server.wait()
        result = self.run_inner(body)
        self.assertEqual(len(result.errors) + len(result.failures), 1, result.errors + result.failures)
        self.assertIn("died of signal 9", (result.errors + result.failures)[0][1])

    def test_a_signal_the_test_sent_is_no_failure(self):
        def body(case):
            server = case.start_server(Server, "echo", "--listen", "127.0.0.1:0")
            server.signal(signal.SIGKILL)
            server.wait()
        result = self.run_inner(body)
        self.assertTrue(result.wasSuccessful(), result.errors + result.failures)


class WaitUntilTest(ServerTestCase):
    def test_an_endless_timeout_is_refused(self):
        for timeout in (None, float("inf"), float("nan"), -1):
            with self.subTest(timeout=timeout), self.assertRaises(ValueError):
                wait_until(lambda: True, timeout=timeout)

    def test_it_returns_the_last_value_at_the_deadline(self):
        self.assertEqual(wait_until(lambda: 0, timeout=0.05), 0)
        self.assertEqual(wait_until(lambda: "done", timeout=0.05), "done")


if __name__ == "__main__":
    unittest.main()
