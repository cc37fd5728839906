"""Many clients at once, each getting its own replies in order."""
import random
import resource
import selectors
import socket
import time
import unittest

from echo_support import STAMP, Client, start_echo
from harness import ServerTestCase

CLIENTS = 500
MESSAGES = 20


class ManyClientsTest(ServerTestCase):
    def test_many_clients_at_once(self):
        rng = random.Random(7)
        with start_echo(workers=2) as server:
            selector = selectors.DefaultSelector()
            states = []
            for n in range(CLIENTS):
                sock = socket.create_connection(server.address, timeout=10)
                sock.setblocking(False)
                messages = b"".join(f"client {n} message {m} {'x' * rng.randrange(200)}\n".encode()
                                    for m in range(MESSAGES))
                state = {"sock": sock, "out": messages, "sent": 0, "in": b"", "expected": messages}
                states.append(state)
                selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, state)
            open_count = CLIENTS
            deadline = time.monotonic() + 60
            while open_count and time.monotonic() < deadline:
                for key, events in selector.select(timeout=1):
                    state = key.data
                    sock = state["sock"]
                    if events & selectors.EVENT_WRITE:
                        piece = rng.randrange(1, 400)  # messages split at random places
                        state["sent"] += sock.send(state["out"][state["sent"]:state["sent"] + piece])
                        if state["sent"] == len(state["out"]):
                            sock.shutdown(socket.SHUT_WR)
                            selector.modify(sock, selectors.EVENT_READ, state)
                    if events & selectors.EVENT_READ:
                        data = sock.recv(65536)
                        state["in"] += data
                        if not data:
                            selector.unregister(sock)
                            sock.close()
                            open_count -= 1
            for state in states:
                if state["sock"].fileno() != -1:
                    state["sock"].close()
            self.assertEqual(open_count, 0, "some clients were never answered in full")
            for state in states:
                self.assertEqual(len(STAMP.findall(state["in"])), MESSAGES)
                self.assertEqual(STAMP.sub(b"", state["in"]), state["expected"])

    def test_a_thousand_idle_clients_and_one_talking(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 1100
        if soft < wanted:
            if hard != resource.RLIM_INFINITY and hard < wanted:
                self.skipTest(f"this process may open only {hard} descriptors")
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        with start_echo(workers=2) as server:
            idle = [Client(server.address) for _ in range(1000)]
            try:
                with Client(server.address) as talker:
                    for i in range(50):
                        talker.ask(f"message {i}\n")
                for client in idle[::100]:
                    client.ask("the quiet ones answer too\n")
            finally:
                for client in idle:
                    client.close()


if __name__ == "__main__":
    unittest.main()
