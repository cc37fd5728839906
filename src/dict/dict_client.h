#pragma once
// `muxd dict-client`: the course's UDP client (004 §1.2). Asks for each word
// on the command line once, or else reads words from standard input (the
// prompt `Word:` only on a terminal; an empty line or the end of input
// ends it), and prints `word : meaning` for each, as the course's client.
//
// Unlike the course's client it does not wait forever for a lost datagram:
// it waits `timeout`, sends again, and after `tries` sends it says so on
// stderr and goes on with the next word (exit status 1 at the end). Its
// socket is connected, so an ICMP "port unreachable" (no server there) is
// reported at once. Answers that arrive after their word was given up are
// discarded before the next word is sent.
#include <chrono>
#include <string>
#include <vector>

namespace muxd::dict {

struct ClientConfig {
  std::string server;  // HOST[:PORT], port 8888 by default
  std::vector<std::string> words;
  std::chrono::milliseconds timeout{1000};
  int tries = 3;
};

int run_client(const ClientConfig& config);

}  // namespace muxd::dict
