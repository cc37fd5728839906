#include "qa/qa_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>

#include <fmt/core.h>

#include "core/host_port.h"
#include "core/unique_fd.h"

namespace muxd::qa {
namespace {

constexpr const char* kDefaultPort = "8888";
constexpr size_t kMaxAnswerLine = 64 * 1024;  // far over any answer (answers.h): a server that is not muxd qa

// What went wrong, for the one line "muxd qa-client: ..." on stderr (status 1).
struct ClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A blocking TCP socket connected to the server; SO_SNDTIMEO bounds the
// connect (socket(7)) and the sends, SO_RCVTIMEO each wait for an answer.
UniqueFd connect_to(const std::string& server, std::chrono::milliseconds timeout) {
  std::string why;
  std::optional<HostPort> split = split_host_port(server, kDefaultPort, &why);  // core/host_port.h
  if (!split) throw ClientError(server + ": " + why);
  const std::string& host = split->host;
  const std::string& port = split->port;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
    throw ClientError(fmt::format("cannot resolve {}: {}", host, ::gai_strerror(status)));
  }
  timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  std::string error = "no address";
  UniqueFd fd;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    fd.reset(::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd && ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) == 0 &&
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0 &&
        ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
      break;
    }
    error = errno == EINPROGRESS ? "no connection within the timeout" : std::strerror(errno);
    fd.reset();
  }
  ::freeaddrinfo(found);
  if (!fd) throw ClientError(fmt::format("cannot connect to {}:{}: {}", host, port, error));
  return fd;
}

class Connection {
 public:
  explicit Connection(const ClientConfig& config) : config_(config), fd_(connect_to(config.server, config.timeout)) {}

  // The answer to `question`, without its line end; nullopt when the server
  // closed (or reset) the connection before answering.
  std::optional<std::string> ask(const std::string& question) {
    if (!fd_) fd_ = connect_to(config_.server, config_.timeout);
    std::string line = question + '\n';
    for (size_t sent = 0; sent < line.size();) {
      ssize_t n = ::send(fd_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n < 0) return closed(errno);
      sent += static_cast<size_t>(n);
    }
    size_t end;
    while ((end = input_.find('\n')) == std::string::npos) {
      if (input_.size() > kMaxAnswerLine) throw ClientError(config_.server + ": a line over 64 KiB: not muxd qa?");
      char buffer[4096];
      ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) return closed(n == 0 ? 0 : errno);
      input_.append(buffer, static_cast<size_t>(n));
    }
    std::string answer = input_.substr(0, end);
    input_.erase(0, end + 1);
    if (answer.ends_with('\r')) answer.pop_back();
    return answer;
  }

 private:
  std::nullopt_t closed(int error) {
    if (error == EAGAIN || error == EWOULDBLOCK) throw ClientError(config_.server + ": no answer within the timeout");
    if (error != 0 && error != ECONNRESET && error != EPIPE) {
      throw ClientError(config_.server + ": " + std::strerror(error));
    }
    fd_.reset();
    input_.clear();
    return std::nullopt;
  }

  const ClientConfig& config_;
  UniqueFd fd_;
  std::string input_;  // bytes of an answer line not read to its end yet
};

}  // namespace

int run_client(const ClientConfig& config) {
  const bool terminal = ::isatty(STDIN_FILENO);
  try {
    Connection connection(config);
    std::string question;
    for (;;) {
      if (terminal) fmt::print("我：");
      std::fflush(stdout);
      if (!std::getline(std::cin, question)) return 0;
      if (question.ends_with('\r')) question.pop_back();
      if (terminal && question.empty()) return 0;  // the course's client: an empty line ends it
      auto answer = connection.ask(question);
      if (!answer) answer = connection.ask(question);  // closed while we waited (idle): once more
      if (!answer) {
        throw ClientError(config.server + " closed the connection unanswered (busy, or the question is too long)");
      }
      fmt::print("小美： {}\n", *answer);
    }
  } catch (const ClientError& error) {
    std::fflush(stdout);
    fmt::print(stderr, "muxd qa-client: {}\n", error.what());
    return 1;
  }
}

}  // namespace muxd::qa
