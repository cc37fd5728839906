#pragma once
// `muxd chat-client HOST[:PORT] [--name NAME]`: enters the room, sends what
// the user types, shows what arrives. Blocking code around poll(2): one
// socket, stdin and a signalfd are all it waits for.
#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "chat/console.h"
#include "chat/typed_line.h"
#include "core/address.h"
#include "core/token_bucket.h"
#include "core/unique_fd.h"

namespace muxd::chat {

struct ClientConfig {
  SocketAddress server;
  std::string name;  // empty: ask
  std::chrono::milliseconds keepalive_interval{10'000};
  std::chrono::milliseconds answer_timeout{2'000};  // per LOGIN attempt
  int login_attempts = 3;                            // LOGIN is a datagram: it may be lost
};

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" (port 8888 when absent); names are resolved.
// On failure `error` says why, and `unresolved` (when given) tells a name that
// did not resolve (a failure at run time) from a malformed address (a usage error).
std::optional<SocketAddress> resolve_server(std::string_view text, std::string* error, bool* unresolved = nullptr);

class ChatClient {
 public:
  ChatClient(const ClientConfig& config, Console& console);
  int run();  // the exit status

 private:
  enum class Wake { socket, input, signal, timeout };
  enum class InputResult { done, paced, leave };

  bool enter();
  std::optional<std::string> ask_name();
  std::optional<std::string> request_login(const std::string& name);
  int converse();
  InputResult handle_pending_input();
  bool act_on(const TypedLine& typed);
  bool show_datagrams();  // false: the server is gone
  int closed_by_server();
  int leave();

  std::optional<std::string> receive();
  void read_input();
  std::optional<InputEvent> next_input_event();
  Wake wait(std::chrono::milliseconds timeout);
  void send(const std::string& datagram);

  ClientConfig config_;
  Console& console_;
  UniqueFd socket_;
  UniqueFd signals_;
  TokenBucket pace_;
  std::string name_;
  std::deque<InputEvent> pending_input_;
  bool input_open_ = true;
  bool server_gone_ = false;
  bool room_closing_ = false;  // the server said "admin : the room is closing"
};

// Sets up signals and the console, then runs a ChatClient.
int run_client(const ClientConfig& config);

}  // namespace muxd::chat
