// WorkPool (jobs off the loop, completions back on it) and the resume path
// of SessionConnection (a session that waits for a job, then answers).
#include "core/work_pool.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/mailbox.h"
#include "core/session_host.h"
#include "core/socket.h"
#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using namespace test;

// A gate the test opens: jobs wait at it, so the test decides when they end.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    waiting_++;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait_for_waiters(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

struct Context {
  int id;
  std::thread::id thread;  // the one thread that used it
  int jobs = 0;
};

std::vector<std::unique_ptr<Context>> contexts(int n) {
  std::vector<std::unique_ptr<Context>> made;
  for (int i = 0; i < n; ++i) made.push_back(std::make_unique<Context>(Context{i, {}, 0}));
  return made;
}

TEST(WorkPool, JobsRunOffTheLoopWithTheirThreadsContextAndCompleteOnTheLoop) {
  EventLoop loop;
  WorkPool<Context> pool(contexts(3), 100);
  EXPECT_EQ(pool.size(), 3u);
  std::set<int> seen;
  int completed = 0;
  bool off_loop = true, on_loop = true, one_thread_per_context = true;
  std::mutex seen_mutex;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.try_submit(loop, [&](Context& context) -> WorkPool<Context>::Completion {
      std::lock_guard lock(seen_mutex);
      if (loop.in_loop_thread()) off_loop = false;
      if (context.jobs++ > 0 && context.thread != std::this_thread::get_id()) one_thread_per_context = false;
      context.thread = std::this_thread::get_id();
      seen.insert(context.id);
      return [&] {
        if (!loop.in_loop_thread()) on_loop = false;
        if (++completed == 50) loop.quit();
      };
    }));
  }
  run_for(loop, 10s);
  pool.stop();
  EXPECT_EQ(completed, 50);
  EXPECT_TRUE(off_loop);
  EXPECT_TRUE(on_loop);
  EXPECT_TRUE(one_thread_per_context);
  EXPECT_FALSE(seen.empty());
}

TEST(WorkPool, AFullQueueRefusesAndStopDropsWhatIsQueued) {
  EventLoop loop;
  Gate gate;
  WorkPool<Context> pool(contexts(1), 2);
  std::atomic<int> ran{0};
  auto job = [&](Context&) -> WorkPool<Context>::Completion {
    gate.wait();
    ++ran;
    return {};
  };
  ASSERT_TRUE(pool.try_submit(loop, job));  // taken by the thread, which waits at the gate
  ASSERT_TRUE(gate.wait_for_waiters(1));
  EXPECT_TRUE(pool.try_submit(loop, job));
  EXPECT_TRUE(pool.try_submit(loop, job));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.try_submit(loop, job));  // capacity 2: shed
  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);
    gate.open();
  });
  pool.stop();  // the running job finishes; the two queued ones are dropped
  opener.join();
  EXPECT_EQ(ran.load(), 1);
  EXPECT_FALSE(pool.try_submit(loop, job));  // stopped
}

// The --model loops that are not an EventLoop take completions through a Mailbox.
TEST(WorkThreads, ACompletionGoesWhereTheGivenDeliverSendsIt) {
  UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  Mailbox mailbox(wake.get());
  WorkThreads threads(1, 4);
  std::thread::id job_thread;
  std::atomic<bool> delivered{false};
  bool completed = false;
  ASSERT_TRUE(threads.try_submit(
      [&](WorkThreads::Completion completion) {
        mailbox.post(std::move(completion));
        delivered = true;
      },
      [&](size_t) {
        job_thread = std::this_thread::get_id();
        return WorkThreads::Completion([&] { completed = true; });
      }));
  for (int i = 0; i < 1000 && !delivered; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(delivered.load());
  EXPECT_FALSE(completed) << "the completion waits for the loop";
  mailbox.run_all();
  EXPECT_TRUE(completed);
  EXPECT_NE(job_thread, std::this_thread::get_id());
  threads.stop();
}

TEST(WorkPool, AJobThatThrowsIsLoggedAndThePoolGoesOn) {
  EventLoop loop;
  WorkPool<Context> pool(contexts(1), 10);
  ASSERT_TRUE(pool.try_submit(loop, [](Context&) -> WorkPool<Context>::Completion {
    throw std::runtime_error("job fault for the test");
  }));
  bool completed = false;
  ASSERT_TRUE(pool.try_submit(loop, [&](Context&) -> WorkPool<Context>::Completion {
    return [&] {
      completed = true;
      loop.quit();
    };
  }));
  run_for(loop, 10s);
  EXPECT_TRUE(completed);
}

// A session that looks each line up on the pool: "WORD\n" -> "WORD=upper\n",
// answered when the job is back; input is held meanwhile, so pipelined lines
// are answered in order, one job at a time.
struct Record {  // atomic: the test's client thread watches it
  std::atomic<int> destroyed{0};
  std::atomic<int> steps{0};
  std::atomic<int> completions{0};  // results back on the loop, whether or not the session lived
};

class LookupSession : public StreamSession {
 public:
  LookupSession(WorkPool<Context>& pool, EventLoop& loop, Record& record, Gate* gate = nullptr)
      : pool_(pool), loop_(loop), record_(record), gate_(gate) {}
  ~LookupSession() override { ++record_.destroyed; }

  void attach(const std::function<Resume()>& make) override { resume_ = make(); }
  size_t on_data(std::string_view data, OutputQueue& out) override {
    if (waiting_) return 0;
    size_t end = data.find('\n');
    if (end == std::string_view::npos) return 0;
    std::string word(data.substr(0, end));
    if (word == "quit") {
      out.append("bye\n");
      closing_ = true;
      return end + 1;
    }
    waiting_ = true;
    // The job runs on a pool thread, maybe after the session is gone: it
    // captures what it needs by value, and names `this` only inside the step.
    bool taken = pool_.try_submit(loop_, [word, gate = gate_, resume = resume_, record = &record_, this](Context&) {
      if (gate) gate->wait();
      std::string upper = word;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return [resume, record, step = ResumeStep([this, word, upper](OutputQueue& o) {
                answer(word + "=" + upper, o);
              })] {
        resume(step);
        ++record->completions;
      };
    });
    if (!taken) answer("busy", out);
    return end + 1;
  }
  void on_peer_closed(OutputQueue&) override { closing_ = true; }
  void on_timeout(OutputQueue&) override { closing_ = true; }
  void on_stop(OutputQueue&) override { closing_ = true; }
  SessionWants wants(const OutputQueue&) override {
    SessionWants wants;
    wants.read = !waiting_;
    if (closing_ && !waiting_) wants.close = SessionWants::Close::after_output;
    return wants;
  }

 private:
  void answer(const std::string& text, OutputQueue& out) {
    ++record_.steps;
    out.append(text + "\n");
    waiting_ = false;
  }

  WorkPool<Context>& pool_;
  EventLoop& loop_;
  Record& record_;
  Gate* gate_;
  Resume resume_;
  bool waiting_ = false;
  bool closing_ = false;
};

bool start(SessionHost& host, UniqueFd fd, std::unique_ptr<StreamSession> session) {
  SocketAddress peer = peer_address(fd.get());
  return host.start(std::move(fd), peer, std::move(session));
}

TEST(SessionResume, PipelinedRequestsWaitTheirTurnAndAreAnsweredInOrder) {
  Record record;
  EventLoop loop;
  WorkPool<Context> pool(contexts(4), 100);
  {
    SessionHost host(loop, {});
    Pair pair = loopback_pair();
    ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LookupSession>(pool, loop, record)));
    ReadResult got;
    std::thread client([&] {
      write_all(pair.client.get(), "a\nbb\nccc\nd\nquit\n");
      got = read_until_end(pair.client.get());
      loop.run_in_loop([&] { loop.quit(); });
    });
    run_for(loop, 10s);
    client.join();
    EXPECT_EQ(got.data, "a=A\nbb=BB\nccc=CCC\nd=D\nbye\n");
    EXPECT_EQ(got.end, ReadResult::eof);
  }
  pool.stop();
  EXPECT_EQ(record.steps, 4);
  EXPECT_EQ(record.destroyed, 1);
}

// The client resets the connection while its lookup runs: the connection
// closes and its session is destroyed; the result that comes later is
// dropped without touching either (ASan: no use after free).
TEST(SessionResume, AResultForAConnectionThatClosedMeanwhileIsDropped) {
  Record record;
  EventLoop loop;
  Gate gate;
  WorkPool<Context> pool(contexts(1), 100);
  {
    SessionHost host(loop, {});
    Pair pair = loopback_pair();
    ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LookupSession>(pool, loop, record, &gate)));
    bool destroyed_first = false;
    std::thread client([&] {
      write_all(pair.client.get(), "slow\n");
      if (gate.wait_for_waiters(1)) {  // the lookup runs, and waits at the gate
        linger reset{1, 0};
        ::setsockopt(pair.client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        pair.client.reset();  // RST
        destroyed_first = wait_for([&] { return record.destroyed == 1; });
      }
      gate.open();
      wait_for([&] { return record.completions == 1; });
      loop.run_in_loop([&] { loop.quit(); });
    });
    run_for(loop, 20s);
    client.join();
    EXPECT_TRUE(destroyed_first);
    EXPECT_EQ(host.size(), 0u);
  }
  pool.stop();
  EXPECT_EQ(record.completions, 1);
  EXPECT_EQ(record.steps, 0);
}

// A graceful stop while a lookup runs: the session answers it, then closes.
TEST(SessionResume, AStopWaitsForTheLookupInFlight) {
  Record record;
  EventLoop loop;
  Gate gate;
  WorkPool<Context> pool(contexts(1), 100);
  {
    SessionHost host(loop, {});
    Pair pair = loopback_pair();
    ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LookupSession>(pool, loop, record, &gate)));
    std::atomic<bool> drained{false};
    ReadResult got;
    std::thread client([&] {
      write_all(pair.client.get(), "late\n");
      gate.wait_for_waiters(1);
      loop.run_in_loop([&] {
        host.stop([&] {
          drained = true;
          loop.quit();
        });
      });
      std::this_thread::sleep_for(50ms);
      EXPECT_FALSE(drained);  // the lookup still runs
      gate.open();
      got = read_until_end(pair.client.get(), 10s);
    });
    run_for(loop, 20s);
    client.join();
    EXPECT_TRUE(drained);
    EXPECT_EQ(got.data, "late=LATE\n");
    EXPECT_EQ(got.end, ReadResult::eof);
  }
  pool.stop();
}

}  // namespace
}  // namespace muxd
