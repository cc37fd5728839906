#include "chat/chat_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstring>
#include <system_error>

#include "chat/protocol.h"
#include "chat/text.h"
#include "chat/typed_line.h"
#include "core/signals.h"
#include "core/token_bucket.h"
#include "core/utf8.h"

namespace muxd::chat {
namespace {

constexpr std::string_view kDefaultPort = "8888";
constexpr auto kForever = std::chrono::milliseconds::max();
// What one line may hold so that "NAME : text" still fits the server's cap.
constexpr size_t kMaxTypedBytes = kMaxOutgoingBytes - kMaxNameBytes - 3;
// The client paces its own messages a little under the server's default flood
// limit (5 per second, bursts of 10), so a script piping many lines loses none.
constexpr double kPaceRate = 4;
constexpr double kPaceBurst = 8;
// How the server says it is going away (Room::close(), at SIGTERM or SIGINT).
const std::string kClosingLine = format_announcement("the room is closing");

std::string describe_members(const MembersPart& part) {
  std::string text = fmt::format("in the room ({}):", part.count);
  for (size_t i = 0; i < part.names.size(); ++i) text.append(i == 0 ? " " : ", ").append(part.names[i]);
  return text;
}

using SteadyClock = std::chrono::steady_clock;

// Splits "HOST[:PORT]" / "[V6][:PORT]" / bare "V6"; the host comes back unbracketed.
void split_server(std::string_view text, std::string& host, std::string& port) {
  port = kDefaultPort;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    host = text.substr(1, close == std::string_view::npos ? text.npos : close - 1);
    if (close != std::string_view::npos && text.substr(close + 1).starts_with(':')) port = text.substr(close + 2);
    return;
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
    host = text;  // no port, or a bare IPv6 address
    return;
  }
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
}

std::optional<SocketAddress> lookup(const std::string& host, const std::string& port, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
    if (error) *error = fmt::format("cannot resolve {}:{}: {}", host, port, ::gai_strerror(status));
    return std::nullopt;
  }
  SocketAddress address = SocketAddress::from(found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  return address;
}

UniqueFd connected_socket(const SocketAddress& server) {
  UniqueFd fd(::socket(server.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw std::system_error(errno, std::generic_category(), "socket");
  // Connected: only the server's datagrams arrive, and a closed server port
  // shows up as ECONNREFUSED instead of silence.
  if (::connect(fd.get(), server.get(), server.length()) != 0)
    throw std::system_error(errno, std::generic_category(), "connect to " + server.to_string());
  return fd;
}

UniqueFd signal_fd() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, signal);
  UniqueFd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) throw std::system_error(errno, std::generic_category(), "signalfd");
  return fd;
}

std::string_view fail_reason(std::string_view answer) {
  if (answer.starts_with("FAIL ")) return answer.substr(5);
  return answer == "FAIL" ? "refused" : answer;
}

bool valid_port(const std::string& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

}  // namespace

std::optional<SocketAddress> resolve_server(std::string_view text, std::string* error, bool* unresolved) {
  std::string host, port;
  split_server(text, host, port);
  if (unresolved) *unresolved = false;
  if (!valid_port(port)) {
    if (error) *error = fmt::format("bad port '{}' (1-65535)", port);
    return std::nullopt;
  }
  const bool v6 = host.find(':') != std::string::npos;
  if (auto numeric = SocketAddress::parse(v6 ? "[" + host + "]:" + port : host + ":" + port)) return numeric;
  auto found = lookup(host, port, error);
  if (!found && unresolved) *unresolved = true;
  return found;
}

ChatClient::ChatClient(const ClientConfig& config, Console& console)
    : config_(config),
      console_(console),
      socket_(connected_socket(config.server)),
      signals_(signal_fd()),
      pace_(kPaceRate, kPaceBurst, SteadyClock::now()) {}

int ChatClient::run() {
  if (!enter()) {
    console_.close();
    return 1;
  }
  return converse();
}

bool ChatClient::enter() {
  std::string name = config_.name;
  while (true) {
    if (name.empty()) {
      auto asked = ask_name();
      if (!asked) return false;
      name = std::move(*asked);
    }
    const auto answer = request_login(name);
    if (!answer) return false;
    if (*answer == kReplyOk) {
      name_ = name;
      return true;
    }
    console_.notice(fmt::format("cannot enter as {}: {}", printable(name), fail_reason(*answer)));
    name.clear();
  }
}

std::optional<std::string> ChatClient::ask_name() {
  console_.set_prompt("name: ");
  while (auto event = next_input_event()) {
    if (event->kind != InputEvent::Kind::line) {
      console_.notice("no name given");
      return std::nullopt;
    }
    if (!event->text.empty()) return event->text;
    console_.set_prompt("name: ");
  }
  return std::nullopt;
}

// LOGIN and wait for the answer; LOGIN again when none comes (UDP may lose it).
std::optional<std::string> ChatClient::request_login(const std::string& name) {
  for (int attempt = 0; attempt < config_.login_attempts; ++attempt) {
    send(login_request(name));
    const auto deadline = SteadyClock::now() + config_.answer_timeout;
    while (SteadyClock::now() < deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
      const Wake wake = wait(left);
      if (wake == Wake::signal) {
        send(exit_request(name));  // the server may have let us in already
        return std::nullopt;
      }
      if (wake == Wake::input) read_input();
      if (wake != Wake::socket) continue;
      if (auto answer = receive()) return sanitize_text(*answer);
      if (server_gone_) return std::nullopt;
    }
  }
  console_.notice(fmt::format("no answer from {}", config_.server.to_string()));
  return std::nullopt;
}

int ChatClient::converse() {
  console_.notice(fmt::format("you are in the room as {}; /help lists commands, /quit or Ctrl-D leaves", name_));
  console_.set_prompt(name_ + "> ");
  send(ping_request(name_));  // from now on the server may time us out if we vanish
  pace_.take(SteadyClock::now());  // WHO counts against the server's flood allowance
  send(who_request(name_));         // who is here: the answer is shown like /who's
  auto next_ping = SteadyClock::now() + config_.keepalive_interval;
  while (true) {
    const auto input_result = handle_pending_input();
    if (input_result == InputResult::leave) return leave();
    const auto until_ping = std::chrono::ceil<std::chrono::milliseconds>(next_ping - SteadyClock::now());
    auto timeout = std::max(until_ping, std::chrono::milliseconds(0));
    if (input_result == InputResult::paced) timeout = std::min(timeout, std::chrono::milliseconds(50));
    switch (wait(timeout)) {
      case Wake::signal: return leave();
      case Wake::input: read_input(); break;
      case Wake::socket:
        if (!show_datagrams()) return 1;
        if (room_closing_) return closed_by_server();
        break;
      case Wake::timeout: break;
    }
    if (SteadyClock::now() >= next_ping) {
      send(ping_request(name_));
      next_ping = SteadyClock::now() + config_.keepalive_interval;
    }
  }
}

ChatClient::InputResult ChatClient::handle_pending_input() {
  while (!pending_input_.empty()) {
    InputEvent& event = pending_input_.front();
    if (event.kind != InputEvent::Kind::line) return InputResult::leave;
    const TypedLine typed = interpret_typed_line(event.text);
    if (typed.kind == TypedLine::Kind::leave) return InputResult::leave;
    if (!act_on(typed)) return InputResult::paced;
    pending_input_.pop_front();
  }
  return InputResult::done;
}

// False when the line must wait for the pace (what the server accepts per second).
bool ChatClient::act_on(const TypedLine& typed) {
  using Kind = TypedLine::Kind;
  const bool sends = typed.kind == Kind::message || typed.kind == Kind::action || typed.kind == Kind::who;
  if (sends && !pace_.take(SteadyClock::now())) return false;
  switch (typed.kind) {
    case Kind::message: send(chat_request(name_, cut_utf8(typed.text, kMaxTypedBytes))); break;
    case Kind::action:
      send(chat_request(name_, cut_utf8(std::string(kActionPrefix) + typed.text, kMaxTypedBytes)));
      break;
    case Kind::who: send(who_request(name_)); break;
    case Kind::help:
      for (std::string_view text = help_text(); !text.empty();) {
        const size_t end = text.find('\n');
        console_.notice(text.substr(0, end));
        text = end == std::string_view::npos ? "" : text.substr(end + 1);
      }
      break;
    case Kind::unknown:
      console_.notice(fmt::format("{} is no command (not sent); /help lists them, //TEXT sends /TEXT",
                                  printable(typed.text, 32)));
      break;
    case Kind::empty:
    case Kind::leave: break;
  }
  return true;
}

bool ChatClient::show_datagrams() {
  while (auto datagram = receive()) {
    if (*datagram == kReplyOk) continue;  // a late answer to a repeated LOGIN
    std::string line = sanitize_text(*datagram);  // never trust the server with our terminal
    if (auto members = parse_members(line)) {
      console_.notice(describe_members(*members));
      continue;
    }
    console_.show(line);
    if (line == kClosingLine) {
      room_closing_ = true;
      break;
    }
  }
  return !server_gone_;
}

int ChatClient::closed_by_server() {
  console_.notice("the server closed the room; you are out");
  console_.close();
  return 1;
}

int ChatClient::leave() {
  send(exit_request(name_));
  console_.notice("you left the room");
  console_.close();
  return 0;
}

std::optional<std::string> ChatClient::receive() {
  char buffer[65536];
  const ssize_t n = ::recv(socket_.get(), buffer, sizeof(buffer), 0);
  if (n >= 0) return std::string(buffer, static_cast<size_t>(n));
  if (errno == ECONNREFUSED) {
    server_gone_ = true;
    console_.notice(fmt::format("no chat server at {} (port closed)", config_.server.to_string()));
  }
  return std::nullopt;
}

void ChatClient::read_input() {
  for (InputEvent& event : console_.read_input()) {
    if (event.kind == InputEvent::Kind::end_of_input) input_open_ = false;
    pending_input_.push_back(std::move(event));
  }
}

std::optional<InputEvent> ChatClient::next_input_event() {
  while (pending_input_.empty()) {
    if (!input_open_) return InputEvent{InputEvent::Kind::end_of_input, {}};
    const Wake wake = wait(kForever);
    if (wake == Wake::signal) return InputEvent{InputEvent::Kind::interrupt, {}};
    if (wake == Wake::input) read_input();
    if (wake == Wake::socket) {
      while (receive()) {}  // not in the room yet: nothing to show
      if (server_gone_) return std::nullopt;
    }
  }
  InputEvent event = std::move(pending_input_.front());
  pending_input_.pop_front();
  return event;
}

ChatClient::Wake ChatClient::wait(std::chrono::milliseconds timeout) {
  pollfd fds[3] = {{signals_.get(), POLLIN, 0},
                   {socket_.get(), POLLIN, 0},
                   {input_open_ ? console_.input_fd() : -1, POLLIN, 0}};
  const int ms = timeout == kForever ? -1 : static_cast<int>(std::min<long long>(timeout.count(), 60'000));
  if (::poll(fds, 3, ms) <= 0) return Wake::timeout;  // EINTR included: callers look again
  if (fds[0].revents != 0) {
    signalfd_siginfo info;
    [[maybe_unused]] ssize_t n = ::read(signals_.get(), &info, sizeof(info));
    return Wake::signal;
  }
  if (fds[1].revents != 0) return Wake::socket;
  if (fds[2].revents != 0) return Wake::input;
  return Wake::timeout;
}

void ChatClient::send(const std::string& datagram) {
  // A lost datagram is UDP's nature; ECONNREFUSED surfaces on the next recv.
  [[maybe_unused]] ssize_t n = ::send(socket_.get(), datagram.data(), datagram.size(), 0);
}

int run_client(const ClientConfig& config) {
  block_signals({SIGINT, SIGTERM, SIGHUP});
  try {
    std::unique_ptr<Console> console = Console::open(kMaxTypedBytes);
    ChatClient client(config, *console);
    return client.run();
  } catch (const std::system_error& error) {
    fmt::print(stderr, "muxd chat-client: {}\n", error.what());
    return 1;
  }
}

}  // namespace muxd::chat
