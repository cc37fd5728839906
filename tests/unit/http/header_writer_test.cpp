// HeaderWriter: plain appends, the reserve as a hard limit, and empty views
// (null data()) that must never reach memcpy.
#include "http/header_writer.h"

#include <gtest/gtest.h>

namespace muxd::http {
namespace {

TEST(HeaderWriter, WritesTextNumbersAndFields) {
  Buffer buffer;
  HeaderWriter head(buffer, 64);
  head.text("HTTP/1.1 ").number(200).text(" OK\r\n").field("ETag", "\"x\"");
  size_t written = head.done();
  EXPECT_EQ(written, buffer.size());
  EXPECT_EQ(buffer.readable(), "HTTP/1.1 200 OK\r\nETag: \"x\"\r\n");
}

TEST(HeaderWriter, EmptyViewsWithNullDataWriteNothing) {
  Buffer buffer;
  HeaderWriter head(buffer, 16);
  std::string_view null_view;
  ASSERT_EQ(null_view.data(), nullptr);
  head.text(null_view).text("a").text(null_view).text("").field("B", null_view);
  head.done();
  EXPECT_EQ(buffer.readable(), "aB: \r\n");
}

TEST(HeaderWriter, NothingReservedOnAnUnallocatedBuffer) {
  Buffer buffer;  // no storage yet: write_ptr() is null
  HeaderWriter head(buffer, 0);
  head.text(std::string_view{}).text("cut off").number(7);
  EXPECT_EQ(head.done(), 0u);
  EXPECT_TRUE(buffer.empty());
}

TEST(HeaderWriter, TextBeyondTheReserveIsCutOff) {
  Buffer buffer;
  HeaderWriter head(buffer, 4);
  size_t room = buffer.writable();  // at least 4: Buffer rounds up
  head.text(std::string(room + 10, 'x')).text("y");
  EXPECT_EQ(head.done(), room);
  EXPECT_EQ(buffer.readable(), std::string(room, 'x'));
}

}  // namespace
}  // namespace muxd::http
