#include "core/server.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <string>
#include <thread>

#include "core/socket.h"
#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using namespace test;

TEST(Server, RaiseDescriptorLimitLiftsTheSoftLimitToTheHardOne) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max == RLIM_INFINITY || saved.rlim_max < 64) GTEST_SKIP() << "no finite hard limit to raise to";
  rlimit lowered{64, saved.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  uint64_t raised = raise_descriptor_limit();
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(raised, saved.rlim_max);
  EXPECT_EQ(now.rlim_cur, saved.rlim_max);
  EXPECT_EQ(now.rlim_max, saved.rlim_max);
}

// Counts what it is given; connections are closed at once.
class CountingWorker : public ServiceWorker {
 public:
  CountingWorker(std::atomic<int>& accepted, std::atomic<int>& drained) : accepted_(accepted), drained_(drained) {}
  void on_accept(size_t, UniqueFd, const SocketAddress&) override { ++accepted_; }
  void drain(std::function<void()> done) override {
    ++drained_;
    done();
  }

 private:
  std::atomic<int>& accepted_;
  std::atomic<int>& drained_;
};

// run_server on its own thread (it blocks SIGINT/SIGTERM in the calling
// thread only, and its worker threads inherit that), stopped by a SIGTERM
// directed at that thread.
struct RunningServer {
  std::atomic<int> accepted{0};
  std::atomic<int> drained{0};
  std::atomic<bool> ready{false};
  std::atomic<pid_t> tid{0};
  std::atomic<int> status{-1};
  std::mutex mutex;
  SocketAddress bound;
  ServerSpec spec;
  std::thread thread;

  explicit RunningServer(const std::string& address, size_t workers = 2) {
    spec.service = "test";
    spec.workers = workers;
    spec.drain_timeout = 5000ms;
    spec.listeners.emplace_back().address = *SocketAddress::parse(address);
    spec.make_worker = [this](EventLoop&, size_t) { return std::make_unique<CountingWorker>(accepted, drained); };
    spec.on_ready = [this](const std::vector<SocketAddress>& addresses) {
      std::lock_guard lock(mutex);
      bound = addresses.at(0);
      tid = static_cast<pid_t>(::syscall(SYS_gettid));
      ready = true;
    };
    thread = std::thread([this] { status = run_server(spec); });
  }
  SocketAddress address() {
    std::lock_guard lock(mutex);
    return bound;
  }
  bool wait_ready() {
    return wait_for([this] { return ready.load() || status.load() != -1; });
  }
  void stop() {
    if (ready && status == -1) ::syscall(SYS_tgkill, ::getpid(), tid.load(), SIGTERM);
    if (thread.joinable()) thread.join();
  }
  ~RunningServer() { stop(); }
};

int connect_count(const SocketAddress& address, int count) {
  int connected = 0;
  for (int i = 0; i < count; ++i) {
    UniqueFd client = client_socket();
    if (::connect(client.get(), address.get(), address.length()) == 0) ++connected;
  }
  return connected;
}

TEST(Server, RunsWorkersPrintsTheReadyLineAndDrainsOnSigterm) {
  testing::internal::CaptureStderr();
  RunningServer server("127.0.0.1:0");
  ASSERT_TRUE(server.wait_ready());
  ASSERT_TRUE(server.ready);
  EXPECT_EQ(connect_count(server.address(), 20), 20);
  EXPECT_TRUE(wait_for([&] { return server.accepted == 20; })) << server.accepted;
  server.stop();
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(server.status, 0);
  EXPECT_EQ(server.drained, 2) << "each worker drains";
  EXPECT_NE(log.find("muxd test listening on " + server.address().to_string()), std::string::npos) << log;
}

// A second server on the address of a running one must fail, not join its
// SO_REUSEPORT group and silently take half of its connections.
TEST(Server, ASecondServerOnTheAddressOfARunningOneFailsWithAddressInUse) {
  testing::internal::CaptureStderr();
  RunningServer first("127.0.0.1:0");
  ASSERT_TRUE(first.wait_ready());
  ASSERT_TRUE(first.ready);
  std::string address = first.address().to_string();

  RunningServer second(address);
  second.thread.join();
  EXPECT_EQ(second.status, 1);
  EXPECT_FALSE(second.ready);

  // The first still gets every connection.
  EXPECT_EQ(connect_count(first.address(), 40), 40);
  EXPECT_TRUE(wait_for([&] { return first.accepted == 40; })) << first.accepted;
  EXPECT_EQ(second.accepted, 0);
  first.stop();
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(first.status, 0);
  EXPECT_NE(log.find("muxd test: " + address), std::string::npos) << log;
  EXPECT_NE(log.find("Address already in use"), std::string::npos) << log;
}

TEST(Server, AnAddressHeldByAnotherProgramsListenerFailsWithAddressInUse) {
  for (bool reuse_port : {false, true}) {
    UniqueFd other = listen_tcp(*SocketAddress::parse("127.0.0.1:0"), 16, reuse_port);
    std::string address = local_address(other.get()).to_string();
    testing::internal::CaptureStderr();
    RunningServer server(address);
    server.thread.join();
    std::string log = testing::internal::GetCapturedStderr();
    EXPECT_EQ(server.status, 1) << "reuse_port " << reuse_port;
    EXPECT_NE(log.find("Address already in use"), std::string::npos) << log;
  }
}

TEST(Server, AMakeWorkerThatThrowsFailsTheStart) {
  testing::internal::CaptureStderr();
  ServerSpec spec;
  spec.service = "test";
  spec.listeners.emplace_back().address = *SocketAddress::parse("127.0.0.1:0");
  spec.make_worker = [](EventLoop&, size_t) -> std::unique_ptr<ServiceWorker> {
    throw std::runtime_error("no worker today");
  };
  int status = -1;
  std::thread thread([&] { status = run_server(spec); });
  thread.join();
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 1);
  EXPECT_NE(log.find("muxd test: no worker today"), std::string::npos) << log;
}

}  // namespace
}  // namespace muxd
