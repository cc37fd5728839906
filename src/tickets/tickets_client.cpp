#include "tickets/tickets_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/host_port.h"
#include "core/unique_fd.h"
#include "tickets/session.h"

namespace muxd::tickets {
namespace {

constexpr const char* kDefaultPort = "5002";  // the course's
constexpr size_t kMaxReply = 100;             // the course's client: client.recv(100)

struct Target {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_INET;
};

// SERVER (core/host_port.h) -> the first address; errors thrown as text.
Target resolve(const std::string& server) {
  std::string error;
  std::optional<HostPort> split = split_host_port(server, kDefaultPort, &error);
  if (!split) throw std::runtime_error(server + ": " + error);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(split->host.c_str(), split->port.c_str(), &hints, &found);
  if (status != 0) throw std::runtime_error(server + ": " + ::gai_strerror(status));
  Target target;
  std::memcpy(&target.address, found->ai_addr, found->ai_addrlen);
  target.length = found->ai_addrlen;
  target.family = found->ai_family;
  ::freeaddrinfo(found);
  return target;
}

// One purchase: connect, read the answer until the server closes. Throws
// with the reason when there is no answer.
std::string buy_once(const Target& target, std::chrono::milliseconds timeout) {
  UniqueFd fd(::socket(target.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error(std::strerror(errno));
  timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);  // connect(2) too, on Linux
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&target.address), target.length) != 0)
    throw std::runtime_error(fmt::format("connect: {}", std::strerror(errno)));
  std::string reply;
  char buffer[kMaxReply];
  while (reply.size() < kMaxReply) {
    ssize_t n = ::recv(fd.get(), buffer, kMaxReply - reply.size(), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno == EAGAIN ? std::string("no answer in time") : std::strerror(errno));
    }
    reply.append(buffer, static_cast<size_t>(n));
  }
  return reply;
}

int course_client(const std::vector<Target>& targets, const ClientConfig& config) {
  const Target& target = targets.front();
  std::string reply = buy_once(target, config.timeout);
  auto answer = parse_answer(reply);
  if (!answer) {
    if (reply == kRefusal)
      fmt::print(stderr, "muxd tickets-client: the ticket office is busy (refused: nothing was sold); try again\n");
    else
      fmt::print(stderr, "muxd tickets-client: not a ticket office answer: {:?}\n", reply);
    return 1;
  }
  if (!answer->bought)
    fmt::print("现在还剩下{}张票, 客户端1没有买到票\n", answer->remaining);
  else
    fmt::print("现在还剩下{}张票, 客户端1成功买到了一张票\n", answer->remaining);
  return 0;
}

struct Tally {
  std::vector<long long> sold;
  size_t sold_out = 0, refused = 0, failed = 0;
  std::string first_failure;
};

int crowd(const std::vector<Target>& targets, const ClientConfig& config) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  Tally total;
  auto buyer = [&] {
    Tally mine;
    for (size_t i; (i = next.fetch_add(1)) < config.buyers;) {
      try {
        std::string reply = buy_once(targets[i % targets.size()], config.timeout);
        auto answer = parse_answer(reply);
        if (answer && answer->bought) {
          mine.sold.push_back(answer->remaining);
        } else if (answer) {
          ++mine.sold_out;
        } else if (reply == kRefusal) {
          ++mine.refused;
        } else {
          throw std::runtime_error(fmt::format("not a ticket office answer: {:?}", reply));
        }
      } catch (const std::exception& error) {
        if (mine.failed++ == 0) mine.first_failure = error.what();
      }
    }
    std::lock_guard lock(mutex);
    total.sold.insert(total.sold.end(), mine.sold.begin(), mine.sold.end());
    total.sold_out += mine.sold_out;
    total.refused += mine.refused;
    if (total.failed == 0 && mine.failed) total.first_failure = mine.first_failure;
    total.failed += mine.failed;
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < std::min(config.concurrency, config.buyers); ++i) threads.emplace_back(buyer);
  for (auto& thread : threads) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  CrowdCheck check = check_crowd(total.sold, total.sold_out);
  fmt::print("{} buyers: {} bought, {} sold out, {} refused (busy), {} failed\n", config.buyers, total.sold.size(),
             total.sold_out, total.refused, total.failed);
  if (!total.sold.empty()) {
    auto [low, high] = std::minmax_element(total.sold.begin(), total.sold.end());
    fmt::print("remaining after the sales: {} .. {}\n", *high, *low);
  }
  fmt::print("{:.0f} sales/s ({:.0f} answers/s, {:.3f} s)\n", static_cast<double>(total.sold.size()) / seconds,
             static_cast<double>(config.buyers - total.failed) / seconds, seconds);
  fmt::print("check: {}\n", check.ok ? "ok (no ticket sold twice, none lost)" : "FAILED: " + check.problem);
  if (total.failed) fmt::print(stderr, "muxd tickets-client: {} buyers got no answer; first: {}\n", total.failed,
                               total.first_failure);
  return check.ok && total.failed == 0 ? 0 : 1;
}

}  // namespace

std::optional<Answer> parse_answer(std::string_view reply) {
  if (reply.size() < 2 || reply.size() > 20) return std::nullopt;
  Answer answer;
  for (char c : reply)
    if (c < '0' || c > '9') return std::nullopt;
  char last = reply.back();
  if (last != '0' && last != '1') return std::nullopt;
  answer.bought = last == '1';
  answer.remaining = std::stoll(std::string(reply.substr(0, reply.size() - 1)));
  return answer;
}

CrowdCheck check_crowd(std::vector<long long> sold, size_t sold_out) {
  std::sort(sold.begin(), sold.end());
  for (size_t i = 1; i < sold.size(); ++i)
    if (sold[i] == sold[i - 1]) return {false, fmt::format("remaining {} was sold twice", sold[i])};
  if (!sold.empty() && static_cast<size_t>(sold.back() - sold.front()) + 1 != sold.size())
    return {false, fmt::format("{} sales, but their remaining values span {} .. {}: a sale is missing", sold.size(),
                               sold.back(), sold.front())};
  if (sold_out > 0 && !sold.empty() && sold.front() != 0)
    return {false, fmt::format("sold out was heard, yet the last sale left {}", sold.front())};
  return {};
}

int run_client(const ClientConfig& config) {
  try {
    std::vector<Target> targets;
    for (const auto& server : config.servers) targets.push_back(resolve(server));
    if (targets.empty()) targets.push_back(resolve("127.0.0.1"));
    return config.buyers == 0 ? course_client(targets, config) : crowd(targets, config);
  } catch (const std::exception& error) {
    fmt::print(stderr, "muxd tickets-client: {}\n", error.what());
    return 1;
  }
}

}  // namespace muxd::tickets
