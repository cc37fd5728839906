#include "core/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

#include "core/signals.h"
#include "core/worker_pool.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;

class Recorder : public Watcher {
 public:
  std::vector<uint32_t> events;
  void handle_events(uint32_t e) override { events.push_back(e); }
};

TEST(EventLoop, CallsFromOtherThreadsRunOnTheLoopThread) {
  EventLoop loop;
  std::thread::id ran_on;
  std::thread other([&] {
    loop.run_in_loop([&] {
      ran_on = std::this_thread::get_id();
      loop.quit();
    });
  });
  loop.run();
  other.join();
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(EventLoop, PostedWorkRunsAfterTheCurrentBatch) {
  EventLoop loop;
  std::vector<int> order;
  loop.run_in_loop([&] {
    loop.post([&] { order.push_back(2); });
    order.push_back(1);
  });
  loop.run_after(10ms, [&] { loop.quit(); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoop, ReportsReadableDescriptorsToTheirWatcher) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Recorder recorder;
  loop.add(fds[0], EPOLLIN, &recorder);
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  loop.run_after(20ms, [&] { loop.quit(); });
  loop.run();
  ASSERT_FALSE(recorder.events.empty());
  EXPECT_TRUE(recorder.events[0] & EPOLLIN);
  loop.remove(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, CancelledOneOffTimersDoNotRun) {
  EventLoop loop;
  bool ran = false;
  auto id = loop.run_after(1ms, [&] { ran = true; });
  loop.cancel(id);
  loop.run_after(20ms, [&] { loop.quit(); });
  loop.run();
  EXPECT_FALSE(ran);
}

TEST(SignalWatcher, DeliversBlockedSignalsAsEvents) {
  block_signals({SIGUSR1});
  EventLoop loop;
  int got = 0;
  SignalWatcher watcher(loop, {SIGUSR1}, [&](int signal) {
    got = signal;
    loop.quit();
  });
  ::kill(::getpid(), SIGUSR1);
  loop.run_after(2s, [&] { loop.quit(); });
  loop.run();
  EXPECT_EQ(got, SIGUSR1);
}

TEST(WorkerPool, RunsEachLoopOnItsOwnThread) {
  WorkerPool pool(3);
  pool.start();
  std::atomic<int> ran{0};
  std::vector<std::thread::id> ids(3);
  for (size_t i = 0; i < 3; ++i)
    pool.loop(i).run_in_loop([&, i] {
      ids[i] = std::this_thread::get_id();
      ++ran;
    });
  while (ran < 3) std::this_thread::sleep_for(1ms);
  pool.stop();
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
  EXPECT_NE(ids[0], std::this_thread::get_id());
}

}  // namespace
}  // namespace muxd
