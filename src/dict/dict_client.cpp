#include "dict/dict_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include <fmt/core.h>

#include "core/host_port.h"
#include "core/unique_fd.h"

namespace muxd::dict {
namespace {

constexpr const char* kDefaultPort = "8888";

// SERVER (core/host_port.h) -> a connected UDP socket; errors thrown as text.
UniqueFd connect_udp(const std::string& server) {
  std::string error;
  std::optional<HostPort> split = split_host_port(server, kDefaultPort, &error);
  if (!split) throw std::runtime_error(server + ": " + error);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(split->host.c_str(), split->port.c_str(), &hints, &found);
  if (status != 0) throw std::runtime_error(server + ": " + ::gai_strerror(status));
  error = "no address";
  UniqueFd fd;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    fd.reset(::socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd && ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) break;
    error = std::strerror(errno);
    fd.reset();
  }
  ::freeaddrinfo(found);
  if (!fd) throw std::runtime_error(server + ": " + error);
  return fd;
}

// Answers to words given up on must not be taken for the next word's.
void discard_late_answers(int fd) {
  char scrap[1];
  while (::recv(fd, scrap, sizeof scrap, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
  }
}

enum class Outcome { answered, no_answer, refused };

Outcome look_up(int fd, const std::string& word, const ClientConfig& config, std::string& meaning) {
  discard_late_answers(fd);
  std::string buffer(65536, '\0');
  for (int attempt = 0; attempt < config.tries; ++attempt) {
    if (::send(fd, word.data(), word.size(), 0) < 0) return errno == ECONNREFUSED ? Outcome::refused : Outcome::no_answer;
    pollfd ready{fd, POLLIN, 0};
    int n = ::poll(&ready, 1, static_cast<int>(config.timeout.count()));
    if (n <= 0) continue;
    ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got >= 0) {
      meaning.assign(buffer.data(), static_cast<size_t>(got));
      return Outcome::answered;
    }
    if (errno == ECONNREFUSED) return Outcome::refused;
  }
  return Outcome::no_answer;
}

}  // namespace

int run_client(const ClientConfig& config) {
  UniqueFd fd;
  try {
    fd = connect_udp(config.server);
  } catch (const std::exception& error) {
    fmt::print(stderr, "muxd dict-client: {}\n", error.what());
    return 1;
  }
  int status = 0;
  auto ask = [&](const std::string& word) {
    std::string meaning;
    switch (look_up(fd.get(), word, config, meaning)) {
      case Outcome::answered:
        fmt::print("{} : {}\n", word, meaning);
        break;
      case Outcome::refused:
        fmt::print(stderr, "muxd dict-client: {}: connection refused (is muxd dict listening there?)\n", config.server);
        status = 1;
        break;
      case Outcome::no_answer:
        fmt::print(stderr, "muxd dict-client: no answer from {} for \"{}\" ({} tries, {} ms apart)\n", config.server,
                   word, config.tries, config.timeout.count());
        status = 1;
        break;
    }
    std::fflush(stdout);
  };
  if (!config.words.empty()) {
    for (const std::string& word : config.words) ask(word);
    return status;
  }
  bool prompt = ::isatty(STDIN_FILENO);
  std::string line;
  for (;;) {
    if (prompt) {
      fmt::print("Word:");
      std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // the course's client: an empty line ends it
    ask(line);
  }
  return status;
}

}  // namespace muxd::dict
