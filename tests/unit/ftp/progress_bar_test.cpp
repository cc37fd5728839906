// The progress bar as a terminal shows it: its output is replayed through a
// tiny terminal model (CR, "ESC [ K" erase-in-line, printable characters).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/progress_bar.h"

namespace muxd {
namespace {

// What one terminal row shows after `bytes` are written to it.
std::string screen_row(const std::string& bytes) {
  std::string row;
  size_t column = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c == '\r') {
      column = 0;
    } else if (c == '\n') {
      break;  // the bar's last word: the row is done
    } else if (c == '\x1b' && bytes.compare(i, 3, "\x1b[K") == 0) {
      row.resize(column);
      i += 2;
    } else {
      if (column < row.size()) row[column] = c;
      else row += c;
      ++column;
    }
  }
  return row;
}

using std::chrono::milliseconds;

struct Step {
  uint64_t done;
  milliseconds at;  // since the bar was made
};

std::string bar_output(uint64_t total, std::initializer_list<Step> steps) {
  std::FILE* file = std::tmpfile();
  {
    const auto start = std::chrono::steady_clock::now();
    ProgressBar bar(file, total, true, start);
    for (const Step& step : steps) bar.update(step.done, start + step.at);
  }
  std::string bytes(static_cast<size_t>(std::ftell(file)), '\0');
  std::rewind(file);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
  std::fclose(file);
  return bytes;
}

// Issue 13: "4.8 MiB / 4.8 MiBiB". A shorter line drawn over a longer one
// ("960.0 KiB" is two characters longer than "4.8 MiB") left the old tail.
TEST(ProgressBarScreen, AShorterLineLeavesNoJunk) {
  const uint64_t total = 5'033'165;  // 4.8 MiB
  std::string row = screen_row(bar_output(total, {{960 * 1024, milliseconds(500)}, {total, milliseconds(2000)}}));
  EXPECT_EQ(row.find("MiBiB"), std::string::npos) << row;
  EXPECT_NE(row.find("4.8 MiB / 4.8 MiB"), std::string::npos) << row;
}

TEST(ProgressBarScreen, SpeedAndTimeLeft) {
  // 2 MiB of 8 MiB after 2 s: 1 MiB/s, 6 s to go.
  std::string row = screen_row(bar_output(8u << 20, {{2u << 20, milliseconds(2000)}}));
  EXPECT_NE(row.find(" 25%  2.0 MiB / 8.0 MiB  1.0 MiB/s  ETA 0:06"), std::string::npos) << row;
}

TEST(ProgressBarScreen, RedrawsAtMostTenTimesASecondButAlwaysTheEnd) {
  std::string bytes = bar_output(8u << 20, {{1u << 20, milliseconds(0)},
                                            {2u << 20, milliseconds(50)},  // too soon: skipped
                                            {3u << 20, milliseconds(150)},
                                            {8u << 20, milliseconds(160)}});  // the end: drawn
  EXPECT_EQ(bytes.find("2.0 MiB /"), std::string::npos);
  EXPECT_NE(bytes.find("3.0 MiB /"), std::string::npos);
  EXPECT_NE(bytes.find("100%"), std::string::npos);
  EXPECT_EQ(bytes.back(), '\n');
}

TEST(ProgressRender, SpeedAndEta) {
  using std::chrono::seconds;
  EXPECT_EQ(render_progress(0, 4u << 20, 4, seconds(0)), "[....]   0%  0 B / 4.0 MiB");
  EXPECT_EQ(render_progress(1u << 20, 4u << 20, 4, seconds(1)), "[#...]  25%  1.0 MiB / 4.0 MiB  1.0 MiB/s  ETA 0:03");
  EXPECT_EQ(render_progress(4u << 20, 4u << 20, 4, seconds(2)), "[####] 100%  4.0 MiB / 4.0 MiB  2.0 MiB/s  in 0:02");
  EXPECT_EQ(render_progress(3u << 20, 0, 4, seconds(3)), "3.0 MiB  1.0 MiB/s");
  // Hours when it takes that long.
  EXPECT_EQ(render_progress(1024, uint64_t{4} << 30, 4, seconds(1)).substr(0, 6), "[....]");
  EXPECT_NE(render_progress(1u << 20, uint64_t{4} << 30, 4, seconds(1)).find("ETA 1:08:15"), std::string::npos);
}

TEST(ProgressBarScreen, SilentWhenNotATerminal) {
  std::FILE* file = std::tmpfile();
  {
    ProgressBar bar(file, 10u << 20, false);
    bar.update(5u << 20);
  }
  EXPECT_EQ(std::ftell(file), 0);
  std::fclose(file);
}

}  // namespace
}  // namespace muxd
