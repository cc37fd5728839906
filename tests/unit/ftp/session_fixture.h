#pragma once
// SessionTest: a Session over a scratch root, driven line by line.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ftp/root_directory.h"
#include "ftp/session.h"
#include "ftp/user_table.h"
#include "temp_tree.h"

namespace muxd::ftp::testing {

inline constexpr std::time_t kNow = 1700000000;
// `openssl passwd -6 -salt saltsalt secret`
inline constexpr const char* kAliceLine =
    "alice:$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    outside_.write("secret", "outside");
    tree_.mkdir("sub");
    tree_.write("file.txt", "hello");
    tree_.write("sub/inner", "in");
    tree_.symlink(outside_.at("secret"), "link-out");
    config_.root = &root_;
    config_.users = &users_;
    config_.clock = [] { return kNow; };
  }

  Session& session() {
    if (!session_) {
      session_ = std::make_unique<Session>(config_, *SocketAddress::parse("127.0.0.1:40000"),
                                           *SocketAddress::parse("127.0.0.1:2121"));
      session_->start();
      session_->take_replies();
    }
    return *session_;
  }

  // The replies to one command line, as sent.
  std::string send(std::string_view line) {
    session().on_line(line);
    return session().take_replies();
  }
  // The code of the last reply to one command line (0: no reply).
  int code(std::string_view line) { return last_code(send(line)); }
  static int last_code(const std::string& replies) {
    if (replies.size() < 5) return 0;
    size_t start = replies.rfind("\r\n", replies.size() - 3);
    start = start == std::string::npos ? 0 : start + 2;
    return std::stoi(replies.substr(start, 3));
  }

  std::vector<Action> actions() { return session().take_actions(); }
  template <typename T>
  static bool holds(const std::vector<Action>& list, size_t index = 0) {
    return index < list.size() && std::holds_alternative<T>(list[index]);
  }

  void login_anonymous() {
    ASSERT_EQ(code("USER anonymous"), 331);
    ASSERT_EQ(code("PASS me@example.com"), 230);
  }
  void login_alice() {
    ASSERT_EQ(code("USER alice"), 331);
    ASSERT_EQ(code("PASS secret"), 230);
  }
  // PASV answered with a listener on `port`.
  void passive(uint16_t port = 50000) {
    session().on_line("PASV");
    ASSERT_TRUE(holds<OpenPassive>(actions()));
    session().on_passive_opened(port);
    ASSERT_EQ(last_code(session().take_replies()), 227);
  }
  // The StartTransfer the last command asked for.
  StartTransfer started() {
    auto list = actions();
    EXPECT_EQ(list.size(), 1u);
    if (list.empty() || !std::holds_alternative<StartTransfer>(list[0])) return {};
    return std::move(std::get<StartTransfer>(list[0]));
  }
  std::string finish(TransferResult result = TransferResult::complete, int error = 0) {
    session().on_transfer_finished(result, error);
    return session().take_replies();
  }

  TempTree outside_;
  TempTree tree_;
  RootDirectory root_{tree_.path()};
  UserTable users_ = UserTable::parse(kAliceLine, "users");
  SessionConfig config_;
  std::unique_ptr<Session> session_;
};

}  // namespace muxd::ftp::testing
