#include "core/timer_queue.h"

#include <gtest/gtest.h>

#include <string>

namespace muxd {
namespace {

using namespace std::chrono_literals;

// Runs the loop until `quit_after` elapses (a safety bound, not an assertion).
void run_for(EventLoop& loop, std::chrono::milliseconds quit_after) {
  loop.run_after(quit_after, [&loop] { loop.quit(); });
  loop.run();
}

TEST(TimerQueue, FiresTimersInArmingOrder) {
  EventLoop loop;
  TimerQueue queue(loop, 5ms);
  std::string fired;
  Timer a([&] { fired += 'a'; });
  Timer b([&] { fired += 'b'; });
  Timer c([&] { fired += 'c'; });
  queue.arm(b);
  queue.arm(a);
  queue.arm(c);
  run_for(loop, 100ms);
  EXPECT_EQ(fired, "bac");
  EXPECT_FALSE(a.armed());
}

TEST(TimerQueue, CancelledAndDestroyedTimersNeverFire) {
  EventLoop loop;
  TimerQueue queue(loop, 5ms);
  int fired = 0;
  Timer kept([&] { ++fired; });
  Timer cancelled([&] { fired += 100; });
  queue.arm(kept);
  queue.arm(cancelled);
  cancelled.cancel();
  {
    Timer destroyed([&] { fired += 1000; });
    queue.arm(destroyed);
  }
  run_for(loop, 100ms);
  EXPECT_EQ(fired, 1);
}

TEST(TimerQueue, RearmingMovesATimerBehindLaterOnes) {
  EventLoop loop;
  TimerQueue queue(loop, 20ms);
  std::string fired;
  Timer a([&] { fired += 'a'; });
  Timer b([&] { fired += 'b'; });
  queue.arm(a);
  queue.arm(b);
  queue.arm(a);  // restart: now after b
  run_for(loop, 200ms);
  EXPECT_EQ(fired, "ba");
}

TEST(TimerQueue, ACallbackMayRearmItsOwnTimer) {
  EventLoop loop;
  TimerQueue queue(loop, 1ms);
  int fired = 0;
  Timer timer([&] {
    if (++fired < 3) queue.arm(timer);
  });
  queue.arm(timer);
  run_for(loop, 200ms);
  EXPECT_EQ(fired, 3);
}

TEST(TimerQueue, MovingToAnotherQueueLeavesTheFirst) {
  EventLoop loop;
  TimerQueue fast(loop, 1ms);
  TimerQueue slow(loop, 10min);
  int fired = 0;
  Timer timer([&] { ++fired; });
  fast.arm(timer);
  slow.arm(timer);
  run_for(loop, 50ms);
  EXPECT_EQ(fired, 0);
  EXPECT_TRUE(timer.armed());
}

}  // namespace
}  // namespace muxd
