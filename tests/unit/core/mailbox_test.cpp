// Mailbox: posted from other threads, run in order on the loop's thread, and
// the loop's eventfd says when there is something to run.
#include "core/mailbox.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

#include "core/unique_fd.h"

namespace muxd {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

void clear(int fd) {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(fd, &count, sizeof count);
}

TEST(Mailbox, PostsFromAnotherThreadRunInOrderWhereRunAllIsCalled) {
  UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  Mailbox mailbox(wake.get());
  EXPECT_FALSE(readable(wake.get()));
  std::vector<int> ran;
  std::thread::id runner;
  std::thread poster([&] {
    for (int i = 0; i < 3; ++i)
      mailbox.post([&, i] {
        ran.push_back(i);
        runner = std::this_thread::get_id();
      });
  });
  poster.join();
  EXPECT_TRUE(readable(wake.get())) << "the loop is woken";
  EXPECT_TRUE(ran.empty()) << "nothing runs on the posting thread";
  clear(wake.get());
  mailbox.run_all();
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(runner, std::this_thread::get_id());
}

TEST(Mailbox, WhatARunPostsWaitsForTheNextRun) {
  UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  Mailbox mailbox(wake.get());
  int runs = 0;
  mailbox.post([&] {
    ++runs;
    mailbox.post([&] { ++runs; });
  });
  mailbox.run_all();
  EXPECT_EQ(runs, 1);
  mailbox.run_all();
  EXPECT_EQ(runs, 2);
  mailbox.run_all();  // empty: nothing happens
  EXPECT_EQ(runs, 2);
}

TEST(Mailbox, WhatIsLeftIsDroppedUnrunWithTheMailbox) {
  UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  auto token = std::make_shared<int>(0);
  bool ran = false;
  {
    Mailbox mailbox(wake.get());
    mailbox.post([token, &ran] { ran = true; });
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace muxd
