#include "core/buffer.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace muxd {
namespace {

TEST(Buffer, StartsEmptyWithoutMemory) {
  Buffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(Buffer, AppendsAndConsumesInOrder) {
  Buffer buffer;
  buffer.append("hello ");
  buffer.append("world");
  EXPECT_EQ(buffer.readable(), "hello world");
  buffer.consume(6);
  EXPECT_EQ(buffer.readable(), "world");
  buffer.consume(100);
  EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, GrowsPastItsCapacityKeepingContent) {
  Buffer buffer;
  std::string big(100'000, 'x');
  buffer.append("ab");
  buffer.append(big);
  EXPECT_EQ(buffer.size(), big.size() + 2);
  EXPECT_EQ(buffer.readable().substr(0, 3), "abx");
}

TEST(Buffer, SlidesDownInsteadOfGrowingWhenThereIsRoom) {
  Buffer buffer;
  buffer.append(std::string(1000, 'a'));
  size_t capacity = buffer.capacity();
  buffer.consume(900);
  buffer.append(std::string(800, 'b'));
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(buffer.size(), 900u);
}

TEST(Buffer, ReleasesMemoryOnlyWhenEmpty) {
  Buffer buffer;
  buffer.append("x");
  buffer.release_if_empty();
  EXPECT_GT(buffer.capacity(), 0u);
  buffer.consume(1);
  buffer.release_if_empty();
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(Buffer, ReadsFromADescriptor) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  ASSERT_EQ(::write(fds[1], "ping", 4), 4);
  Buffer buffer;
  EXPECT_EQ(buffer.read_from(fds[0]), 4);
  EXPECT_EQ(buffer.readable(), "ping");
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace muxd
