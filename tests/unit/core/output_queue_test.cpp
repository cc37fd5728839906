#include "core/output_queue.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "loopback.h"

namespace muxd {
namespace {

struct SocketPair {
  int fds[2];
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string read_all() {
    std::string out;
    char chunk[65536];
    ssize_t n;
    while ((n = ::read(fds[1], chunk, sizeof(chunk))) > 0) out.append(chunk, static_cast<size_t>(n));
    return out;
  }
};

int temp_file(const std::string& content) {
  char path[] = "/tmp/muxd-output-queue-XXXXXX";
  int fd = ::mkstemp(path);
  ::unlink(path);
  EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  return fd;
}

TEST(OutputQueue, SendsBytesExternalBytesAndFileRangesInOrder) {
  SocketPair pair;
  int file = temp_file("0123456789");
  static const char external[] = "EXT";
  OutputQueue queue;
  queue.append("head|");
  queue.append_external(external, 3, nullptr);
  queue.append("|");
  queue.append_file(file, 2, 5, nullptr);
  queue.append("|tail");
  EXPECT_EQ(queue.pending_bytes(), 5u + 3 + 1 + 5 + 5);
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::done);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(pair.read_all(), "head|EXT|23456|tail");
  ::close(file);
}

TEST(OutputQueue, ReportsAFileThatShrankWhileQueued) {
  SocketPair pair;
  int file = temp_file(std::string(1000, 'x'));
  OutputQueue queue;
  queue.append_file(file, 0, 1000, nullptr);
  ASSERT_EQ(::ftruncate(file, 10), 0);
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::would_block);  // sent 10 of 1000
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::file_shrank);
  ::close(file);
}

TEST(OutputQueue, StopsWhenTheSocketIsFullAndResumesLater) {
  SocketPair pair;
  std::string big(4 << 20, 'z');
  OutputQueue queue;
  queue.append(big);
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::would_block);
  EXPECT_FALSE(queue.empty());
  std::string received;
  while (!queue.empty()) {
    received += pair.read_all();
    queue.flush(pair.fds[0]);
  }
  received += pair.read_all();
  EXPECT_EQ(received, big);
}

TEST(OutputQueue, ReportsErrorsOnAClosedPeer) {
  OutputQueue queue;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  ::close(fds[1]);
  queue.append("lost");
  EXPECT_EQ(queue.flush(fds[0]), OutputQueue::Flush::error);
  ::close(fds[0]);
}

// A body of `length` bytes, "0123456789" repeated, made in batches of
// `batch`, optionally stopping `short_by` bytes early. What it made is
// counted in `Stats` the test keeps, as the queue destroys the producer
// once its body is sent (a clone counts apart).
class DigitsProducer final : public OutputProducer {
 public:
  struct Stats {
    uint64_t made = 0;
    size_t calls = 0;
  };
  explicit DigitsProducer(uint64_t length, uint64_t short_by = 0, std::shared_ptr<Stats> stats = nullptr)
      : length_(length - short_by), stats_(stats ? std::move(stats) : std::make_shared<Stats>()) {}
  void produce(std::string& into, size_t batch) override {
    while (stats_->made < length_ && batch-- > 0) into.push_back(static_cast<char>('0' + stats_->made++ % 10));
    ++stats_->calls;
  }
  std::unique_ptr<OutputProducer> clone() const override {
    return std::make_unique<DigitsProducer>(length_, 0, std::make_shared<Stats>(*stats_));
  }

 private:
  uint64_t length_;
  std::shared_ptr<Stats> stats_;
};

std::string digits(uint64_t length) {
  std::string out;
  for (uint64_t i = 0; i < length; ++i) out.push_back(static_cast<char>('0' + i % 10));
  return out;
}

TEST(OutputQueue, GeneratedBodiesInterleaveWithBytesAndFiles) {
  SocketPair pair;
  int file = temp_file("0123456789");
  OutputQueue queue;
  queue.append("head|");
  queue.append_generated(25, std::make_unique<DigitsProducer>(25));
  queue.append("|");
  queue.append_file(file, 2, 5, nullptr);
  queue.append_generated(3, std::make_unique<DigitsProducer>(3));
  queue.append("|tail");
  std::string expected = "head|" + digits(25) + "|23456" + digits(3) + "|tail";
  EXPECT_EQ(queue.pending_bytes(), expected.size());
  EXPECT_EQ(queue.contents(), expected);
  EXPECT_EQ(queue.contents(), expected);  // contents() made the bodies from clones
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::done);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(pair.read_all(), expected);
  ::close(file);
}

// Through a small loopback socket the producer is asked for a batch only
// once the previous one is written: never more than one batch ahead.
TEST(OutputQueue, GeneratedBodyIsMadeAsTheSocketDrains) {
  test::Pair pair = test::loopback_pair(4096, 4096);
  constexpr uint64_t length = 2 * 1024 * 1024;
  auto stats = std::make_shared<DigitsProducer::Stats>();
  auto owned = std::make_unique<DigitsProducer>(length, 0, stats);
  OutputQueue queue;
  queue.append("head|");
  queue.append_generated(length, std::move(owned));
  queue.append("|tail");
  EXPECT_EQ(stats->made, 0u);
  uint64_t total = queue.pending_bytes();
  std::string received;
  std::string chunk(4096, '\0');
  bool checked_contents = false;
  while (!queue.empty()) {
    OutputQueue::Flush result = queue.flush(pair.server.get());
    ASSERT_TRUE(result == OutputQueue::Flush::done || result == OutputQueue::Flush::would_block);
    uint64_t sent = total - queue.pending_bytes();
    uint64_t body_sent = std::min<uint64_t>(sent > 5 ? sent - 5 : 0, length);
    ASSERT_LE(stats->made - body_sent, OutputQueue::kProducerBatch);
    if (!checked_contents && body_sent > 0 && body_sent < length) {  // mid-batch: the rest, from a clone
      std::string rest = queue.contents();
      EXPECT_EQ(rest.size(), queue.pending_bytes());
      EXPECT_EQ(rest, (digits(length) + "|tail").substr(body_sent));
      checked_contents = true;
    }
    ssize_t n = ::recv(pair.client.get(), chunk.data(), chunk.size(), 0);
    ASSERT_GT(n, 0);
    received.append(chunk.data(), static_cast<size_t>(n));
  }
  EXPECT_TRUE(checked_contents);
  EXPECT_GE(stats->calls, length / OutputQueue::kProducerBatch);  // one batch per call, none ahead
  received += test::read_until(pair.client.get(), "|tail").data;
  EXPECT_EQ(received, "head|" + digits(length) + "|tail");
}

TEST(OutputQueue, ShortProducerEndsLikeAShrunkFile) {
  SocketPair pair;
  OutputQueue queue;
  queue.append("head|");
  queue.append_generated(100, std::make_unique<DigitsProducer>(100, 30));
  queue.append("|never");
  EXPECT_EQ(queue.contents(), "head|" + digits(70) + "|never");  // as the peer would get it
  EXPECT_EQ(queue.flush(pair.fds[0]), OutputQueue::Flush::file_shrank);
  EXPECT_EQ(pair.read_all(), "head|" + digits(70));
  EXPECT_EQ(queue.pending_bytes(), 30u + 6);
}

}  // namespace
}  // namespace muxd
