#include "core/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <csignal>
#include <thread>
#include <vector>

#include "core/signals.h"
#include "core/timer_queue.h"
#include "core/worker_pool.h"
#include "loopback.h"

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


// ---- fault containment: a throwing callback is logged, the loop goes on -----------

struct Fault : std::runtime_error {
  explicit Fault(const char* what) : std::runtime_error(what) {}
};

// Runs the loop with stderr captured; returns what was logged. `safety` ends a
// loop the test failed to quit.
std::string run_logged(EventLoop& loop, std::chrono::milliseconds safety = 5s) {
  testing::internal::CaptureStderr();
  test::run_for(loop, safety);
  return testing::internal::GetCapturedStderr();
}

// The test queued a callback that pushes 1 onto `order` and throws `fault`, and
// one after it that pushes 2. This pushes 3 and quits after `delay`, runs the
// loop, and expects that all three ran and that the fault was logged.
void expect_run_goes_on(EventLoop& loop, std::vector<int>& order, std::chrono::milliseconds delay,
                        const std::string& fault) {
  loop.run_after(delay, [&] {
    order.push_back(3);
    loop.quit();
  });
  std::string log = run_logged(loop);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_NE(log.find(fault), std::string::npos) << log;
}

TEST(EventLoopFaults, AThrowingPostedFunctionDoesNotEndRun) {
  EventLoop loop;
  std::vector<int> order;
  loop.run_in_loop([&] {
    loop.post([&] {
      order.push_back(1);
      throw Fault("posted fault");
    });
    loop.post([&] { order.push_back(2); });  // same batch, after the throw
  });
  expect_run_goes_on(loop, order, 20ms, "posted fault");
}

TEST(EventLoopFaults, AThrowingOneOffTimerDoesNotEndRun) {
  EventLoop loop;
  std::vector<int> order;
  loop.run_after(1ms, [&] {
    order.push_back(1);
    throw Fault("timer fault");
  });
  loop.run_after(1ms, [&] { order.push_back(2); });
  expect_run_goes_on(loop, order, 30ms, "timer fault");
}

TEST(EventLoopFaults, AThrowingTimerQueueTimerDoesNotEndRunAndTheOthersStillFire) {
  EventLoop loop;
  TimerQueue queue(loop, 5ms);
  std::vector<int> fired;
  Timer first([&] {
    fired.push_back(1);
    throw Fault("timeout fault");
  });
  Timer second([&] { fired.push_back(2); });
  queue.arm(first);
  queue.arm(second);
  loop.run_after(100ms, [&] { loop.quit(); });
  std::string log = run_logged(loop);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_NE(log.find("timeout fault"), std::string::npos) << log;
}

TEST(EventLoopFaults, AThrowingCallFromAnotherThreadDoesNotEndRun) {
  EventLoop loop;
  std::atomic<int> ran{0};
  std::thread other([&] {
    loop.run_in_loop([&] {
      ++ran;
      throw Fault("remote fault");
    });
    loop.run_in_loop([&] {
      ++ran;
      loop.quit();
    });
  });
  std::string log = run_logged(loop);
  other.join();
  EXPECT_EQ(ran, 2);
  EXPECT_NE(log.find("remote fault"), std::string::npos) << log;
}

// A watcher whose handler throws: the loop logs, calls handle_failure() (where
// a connection closes itself), and goes on serving the other descriptors.
class Faulty : public Watcher {
 public:
  EventLoop& loop;
  int fd;
  int failures = 0;
  Faulty(EventLoop& l, int f) : loop(l), fd(f) {}
  void handle_events(uint32_t) override { throw Fault("watcher fault"); }
  void handle_failure() override {
    ++failures;
    loop.remove(fd);
  }
};

TEST(EventLoopFaults, AThrowingWatcherGetsHandleFailureAndTheOthersAreStillServed) {
  EventLoop loop;
  int bad[2], good[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, bad), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, good), 0);
  Faulty faulty(loop, bad[0]);
  Recorder recorder;
  loop.add(bad[0], EPOLLIN, &faulty);
  loop.add(good[0], EPOLLIN, &recorder);
  ASSERT_EQ(::write(bad[1], "x", 1), 1);
  loop.run_after(30ms, [&] { ASSERT_EQ(::write(good[1], "y", 1), 1); });
  loop.run_after(100ms, [&] { loop.quit(); });
  std::string log = run_logged(loop);
  EXPECT_EQ(faulty.failures, 1);
  EXPECT_FALSE(recorder.events.empty());
  EXPECT_NE(log.find("watcher fault"), std::string::npos) << log;
  loop.remove(good[0]);
  for (int fd : {bad[0], bad[1], good[0], good[1]}) ::close(fd);
}

// ---- deferred destruction -----------------------------------------------------------

struct Tracked {
  explicit Tracked(bool& flag) : alive(flag) { alive = true; }
  ~Tracked() { alive = false; }
  bool& alive;
};

TEST(EventLoop, DestroyLaterDeletesAfterTheCurrentBatch) {
  EventLoop loop;
  bool alive = false;
  bool alive_in_batch = false;
  bool alive_in_later_post = true;
  loop.run_in_loop([&] {
    loop.destroy_later(std::make_unique<Tracked>(alive));
    alive_in_batch = alive;  // still there for the rest of the batch
    loop.post([&] {
      loop.post([&] { alive_in_later_post = alive; });
    });
  });
  loop.run_after(20ms, [&] { loop.quit(); });
  loop.run();
  EXPECT_TRUE(alive_in_batch);
  EXPECT_FALSE(alive_in_later_post);
  EXPECT_FALSE(alive);
}

TEST(EventLoop, DestroyLaterInsideAWatcherKeepsItAliveForTheBatch) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  bool alive = false;
  struct SelfDestroying : Watcher {
    EventLoop& loop;
    std::unique_ptr<Tracked> self;
    bool alive_after = false;
    SelfDestroying(EventLoop& l, bool& flag) : loop(l), self(std::make_unique<Tracked>(flag)) {}
    void handle_events(uint32_t) override {
      bool& flag = self->alive;
      loop.destroy_later(std::move(self));
      alive_after = flag;
      loop.quit();
    }
  } watcher(loop, alive);
  loop.add(fds[0], EPOLLIN, &watcher);
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  loop.run_after(2s, [&] { loop.quit(); });
  loop.run();
  EXPECT_TRUE(watcher.alive_after);
  EXPECT_FALSE(alive);
  loop.remove(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, ObjectsPostedForDestructionDieWithTheLoop) {
  bool alive = false;
  {
    EventLoop loop;
    loop.destroy_later(std::make_unique<Tracked>(alive));
    EXPECT_TRUE(alive);
  }
  EXPECT_FALSE(alive);
}

// ---- the scratch read buffer -----------------------------------------------------------

TEST(EventLoop, TheScratchBufferIsLentToOneBorrowerAtATime) {
  EventLoop loop;
  Buffer* first = loop.borrow_scratch();
  ASSERT_NE(first, nullptr);
  first->append("left over");
  EXPECT_EQ(loop.borrow_scratch(), nullptr);
  loop.return_scratch();
  Buffer* again = loop.borrow_scratch();
  EXPECT_EQ(again, first);
  EXPECT_TRUE(again->empty()) << "each borrower starts with an empty buffer";
  loop.return_scratch();
}

// ---- thread rules -----------------------------------------------------------------

TEST(EventLoopDeathTest, AddFromAnotherThreadWhileRunningAsserts) {
#ifdef NDEBUG
  GTEST_SKIP() << "assert_in_loop_thread is an assert(): compiled out with NDEBUG";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        EventLoop loop;
        std::atomic<bool> running{false};
        std::thread owner([&] {
          loop.run_in_loop([&] { running = true; });
          loop.run();
        });
        while (!running) std::this_thread::sleep_for(1ms);
        int fds[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
        Recorder recorder;
        loop.add(fds[0], EPOLLIN, &recorder);  // not the loop's thread
        loop.quit();
        owner.join();
      },
      "");
#endif
}

}  // namespace
}  // namespace muxd
