#include "core/output_queue.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

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

}  // namespace
}  // namespace muxd
