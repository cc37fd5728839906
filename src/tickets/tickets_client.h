#pragma once
// `muxd tickets-client`: the course's ticket client (000, 模拟购票), and a crowd.
//
// Without --buyers it is the course's client (the first server): it connects, reads the answer
// and prints 现在还剩下N张票, 客户端1成功买到了一张票 (or ...没有买到票). A
// refusal ("busy") is said on stderr, exit status 1: nothing was bought.
//
// With --buyers N it is N buyers, `concurrency` at a time, each on its own
// connection (buyer i to server i mod the number of servers: several
// processes selling from one database), and a check that the answers add up, assuming nobody else
// buys meanwhile: no `remaining` value is seen twice among the sales (a
// ticket sold twice), the sales' values are one unbroken run (none lost),
// and if anyone heard "sold out" the run reaches 0. It prints the counts and
// sales per second; exit status 1 when the check fails or a buyer got no
// answer at all.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::tickets {

struct ClientConfig {
  std::vector<std::string> servers;  // HOST[:PORT], port 5002 by default; a crowd takes turns among them
  size_t buyers = 0;   // 0: the course's client, once
  size_t concurrency = 32;
  std::chrono::milliseconds timeout{10'000};  // per buyer: connect and answer
};

// An answer as the course's client reads it: `remaining` and whether one was bought.
struct Answer {
  long long remaining = 0;
  bool bought = false;
};
std::optional<Answer> parse_answer(std::string_view reply);  // nullopt: not "<digits><0|1>"

// The crowd check, on the answers heard (sales' remaining values, sold-out count).
struct CrowdCheck {
  bool ok = true;
  std::string problem;  // why not
};
CrowdCheck check_crowd(std::vector<long long> sold, size_t sold_out);

int run_client(const ClientConfig& config);

}  // namespace muxd::tickets
