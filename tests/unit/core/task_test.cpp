// The coroutine kit: Task and TaskGroup (core/task.h), AsyncSocket, Wait and
// sleep_until (core/async_socket.h). Outcomes only; the timeouts here are
// safety bounds, never what a test decides on.
#include "core/task.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "core/async_socket.h"
#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using test::run_for;

constexpr auto kForever = 1h;

// What a test task saw; outlives the task.
struct Record {
  int steps = 0;
  int destroyed = 0;  // frames whose locals were destroyed
  Wake first;
  Wake second;
  std::string read;
};

// A local of the task's frame: counts its destruction into the record.
struct FrameGuard {
  Record& record;
  ~FrameGuard() { ++record.destroyed; }
};

struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    mine.reset(fds[0]);
    peer.reset(fds[1]);
  }
  UniqueFd mine;  // the task's end
  UniqueFd peer;  // the test's end
};

Task sleep_then_count(EventLoop& loop, Record& record, EventLoop::Clock::duration delay) {
  FrameGuard guard{record};
  ++record.steps;
  record.first = co_await sleep_until(loop, loop.now() + delay);
  ++record.steps;
}

Task read_once(EventLoop& loop, int fd, Record& record, Wait::Deadline deadline) {
  FrameGuard guard{record};
  AsyncSocket socket(loop, fd);
  record.first = co_await socket.readable(deadline);
  char bytes[64];
  ssize_t n = ::read(fd, bytes, sizeof bytes);
  if (n > 0) record.read.assign(bytes, static_cast<size_t>(n));
  ++record.steps;
}

// Waits twice for input that never comes: a stop, then a short sleep.
Task wait_twice(EventLoop& loop, int fd, Record& record) {
  FrameGuard guard{record};
  AsyncSocket socket(loop, fd);
  record.first = co_await socket.readable();
  record.second = co_await socket.readable(loop.now() + 5ms);
  ++record.steps;
}

Task stop_myself_then_wait(EventLoop& loop, TaskGroup& group, Record& record) {
  group.stop_all();  // while running: the next wait takes the request
  record.first = co_await sleep_until(loop, loop.now() + kForever);
  ++record.steps;
}

Task throw_after_a_wait(EventLoop& loop, Record& record) {
  FrameGuard guard{record};
  co_await sleep_until(loop, loop.now() + 1ms);
  throw std::runtime_error("a connection's fault");
}

Task write_when_writable(EventLoop& loop, int fd, Record& record) {
  AsyncSocket socket(loop, fd);
  record.first = co_await socket.writable(loop.now() + 10s);
  ++record.steps;
  loop.quit();
}

TEST(TaskGroup, SpawnRunsTheTaskUntilItsFirstSuspension) {
  EventLoop loop;
  Record record;
  {
    TaskGroup group;
    group.spawn(sleep_then_count(loop, record, kForever));
    EXPECT_EQ(record.steps, 1);
    EXPECT_EQ(group.size(), 1u);
  }  // ~TaskGroup destroys the suspended frame
  EXPECT_EQ(record.steps, 1);
  EXPECT_EQ(record.destroyed, 1);
}

TEST(TaskGroup, ATaskThatEndsFreesItselfAndLeaves) {
  EventLoop loop;
  Record record;
  TaskGroup group;
  bool empty = false;
  group.spawn(sleep_then_count(loop, record, 1ms));
  group.when_empty([&] {
    empty = true;
    loop.quit();
  });
  run_for(loop, 10s);
  EXPECT_TRUE(empty);
  EXPECT_EQ(group.size(), 0u);
  EXPECT_EQ(record.steps, 2);
  EXPECT_TRUE(record.first.timed_out);
  EXPECT_EQ(record.destroyed, 1);
}

TEST(TaskGroup, WhenEmptyRunsAtOnceWithoutTasks) {
  TaskGroup group;
  bool empty = false;
  group.when_empty([&] { empty = true; });
  EXPECT_TRUE(empty);
}

TEST(AsyncSocket, ResumesWhenTheSocketIsReadable) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(read_once(loop, pair.mine.get(), record, loop.now() + 10s));
  EXPECT_EQ(record.steps, 0);
  test::write_all(pair.peer.get(), "hello");
  group.when_empty([&] { loop.quit(); });
  run_for(loop, 10s);
  EXPECT_TRUE(record.first.readable);
  EXPECT_FALSE(record.first.timed_out);
  EXPECT_EQ(record.read, "hello");
}

TEST(AsyncSocket, ResumesWhenTheSocketIsWritable) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(write_when_writable(loop, pair.mine.get(), record));
  run_for(loop, 10s);
  EXPECT_EQ(record.steps, 1);
  EXPECT_TRUE(record.first.writable);
  EXPECT_FALSE(record.first.readable);
}

TEST(AsyncSocket, APeerThatHangsUpMakesItReadable) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(read_once(loop, pair.mine.get(), record, std::nullopt));
  pair.peer.reset();
  group.when_empty([&] { loop.quit(); });
  run_for(loop, 10s);
  EXPECT_TRUE(record.first.readable);
  EXPECT_EQ(record.read, "");
}

TEST(Wait, TimesOutWhenTheDeadlinePassesFirst) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(read_once(loop, pair.mine.get(), record, loop.now() + 5ms));
  group.when_empty([&] { loop.quit(); });
  run_for(loop, 10s);
  EXPECT_TRUE(record.first.timed_out);
  EXPECT_FALSE(record.first.readable);
}

TEST(Wait, APassedDeadlineResumesAtOnce) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(read_once(loop, pair.mine.get(), record, loop.now()));
  EXPECT_EQ(group.size(), 0u);  // never suspended
  EXPECT_TRUE(record.first.timed_out);
}

TEST(TaskGroup, StopResumesASuspendedTaskOnce) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  TaskGroup group;
  group.spawn(wait_twice(loop, pair.mine.get(), record));
  group.stop_all();
  EXPECT_TRUE(record.first.stopped);
  EXPECT_FALSE(record.first.readable);
  group.when_empty([&] { loop.quit(); });
  run_for(loop, 10s);
  EXPECT_TRUE(record.second.timed_out);  // the request was taken by the first wait
  EXPECT_FALSE(record.second.stopped);
  EXPECT_EQ(record.destroyed, 1);
}

TEST(TaskGroup, AStopRequestedWhileRunningEndsTheNextWait) {
  EventLoop loop;
  Record record;
  TaskGroup group;
  group.spawn(stop_myself_then_wait(loop, group, record));
  EXPECT_EQ(group.size(), 0u);
  EXPECT_TRUE(record.first.stopped);
}

TEST(TaskGroup, StopReachesEveryTask) {
  EventLoop loop;
  SocketPair a, b, c;
  Record ra, rb, rc;
  TaskGroup group;
  group.spawn(read_once(loop, a.mine.get(), ra, std::nullopt));
  group.spawn(read_once(loop, b.mine.get(), rb, std::nullopt));
  group.spawn(read_once(loop, c.mine.get(), rc, std::nullopt));
  bool empty = false;
  group.when_empty([&] { empty = true; });
  group.stop_all();  // each ends at once: they stop after one wait
  EXPECT_TRUE(empty);
  for (Record* r : {&ra, &rb, &rc}) EXPECT_TRUE(r->first.stopped);
}

TEST(Task, AnExceptionEndsOnlyItsOwnTask) {
  EventLoop loop;
  Record thrower, sleeper;
  TaskGroup group;
  group.spawn(throw_after_a_wait(loop, thrower));
  group.spawn(sleep_then_count(loop, sleeper, 20ms));
  group.when_empty([&] { loop.quit(); });
  run_for(loop, 10s);
  EXPECT_EQ(group.size(), 0u);
  EXPECT_EQ(thrower.destroyed, 1);  // its locals were destroyed, its frame freed (ASan)
  EXPECT_EQ(sleeper.steps, 2);      // the other task ran to its end
  EXPECT_TRUE(sleeper.first.timed_out);
}

// The use-after-free this kit must not have: a task destroyed while it
// waits must leave nothing on the loop that could resume its freed frame.
// Run under ASan (the asan tree) to mean something.
TEST(TaskGroup, DestroyingASuspendedTaskLeavesNothingOnTheLoop) {
  EventLoop loop;
  SocketPair pair;
  Record record;
  auto group = std::make_unique<TaskGroup>();
  group->spawn(read_once(loop, pair.mine.get(), record, loop.now() + 5ms));
  group.reset();
  EXPECT_EQ(record.destroyed, 1);
  test::write_all(pair.peer.get(), "late");  // would make the freed watcher ready
  run_for(loop, 50ms);                       // and the timer would have fired
  EXPECT_EQ(record.steps, 0);
  // The descriptor left epoll: adding it again is no EEXIST.
  struct Nobody : Watcher {
    void handle_events(uint32_t) override {}
  } nobody;
  EXPECT_NO_THROW(loop.add(pair.mine.get(), EPOLLIN, &nobody));
  loop.remove(pair.mine.get());
}

}  // namespace
}  // namespace muxd
