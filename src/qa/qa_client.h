#pragma once
// `muxd qa-client HOST[:PORT]`: the course's client (004 §1.3.5): prompts
// `我：`, sends the question, prints `小美： answer`; an empty line ends it.
// Pipe-friendly: when standard input is not a terminal there is no prompt,
// every input line (an empty one too) gets one answer line, and the end of
// input ends it with status 0.
//
// Unlike the course's client, which opens a connection per question, it
// keeps one connection and speaks line mode (a question ends at its newline,
// so it is answered at once, without the server's pause). A connection the
// server closed meanwhile (its idle timeout) is opened again, once per
// question. Status 1, with the reason on stderr, when the server cannot be
// reached, closes without answering, or gives no answer within `timeout`.
#include <chrono>
#include <string>

namespace muxd::qa {

struct ClientConfig {
  std::string server;  // HOST[:PORT], HOST a name or address ([V6] with a port); port 8888 by default
  std::chrono::milliseconds timeout{10'000};  // to connect, and for each answer
};

int run_client(const ClientConfig& config);

}  // namespace muxd::qa
