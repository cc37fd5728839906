#include <gtest/gtest.h>

#include <sstream>

#include "core/progress_bar.h"
#include "ftp/client_app.h"
#include "ftp/client_limits.h"
#include "ftp/data_address.h"
#include "ftp/reply_reader.h"

namespace muxd::ftp {
namespace {

ReplyReader::Status feed_all(ReplyReader& reader, std::initializer_list<std::string_view> lines) {
  ReplyReader::Status status = ReplyReader::Status::incomplete;
  for (std::string_view line : lines) status = reader.feed(line);
  return status;
}

TEST(ReplyReader, SingleLine) {
  ReplyReader reader;
  ASSERT_EQ(reader.feed("220 ready"), ReplyReader::Status::complete);
  EXPECT_EQ(reader.reply().code, 220);
  EXPECT_EQ(reader.reply().text, "ready");
  EXPECT_EQ(reader.feed("331"), ReplyReader::Status::complete);  // a code alone is a reply
  EXPECT_EQ(reader.reply().text, "");
}

TEST(ReplyReader, MultiLineEndsAtTheSameCodeAndASpace) {
  ReplyReader reader;
  EXPECT_EQ(feed_all(reader, {"211-Features:", " EPSV", "211-not the end", "200 not the end either"}),
            ReplyReader::Status::incomplete);
  EXPECT_EQ(reader.feed("211 End"), ReplyReader::Status::complete);
  EXPECT_EQ(reader.reply().text, "Features:\n EPSV\n211-not the end\n200 not the end either\nEnd");
  EXPECT_EQ(reader.reply().to_string(), "211 Features:");
}

TEST(ReplyReader, KindsOfReply) {
  ReplyReader reader;
  reader.feed("150 here it comes");
  EXPECT_TRUE(reader.reply().preliminary());
  reader.feed("350 go on");
  EXPECT_TRUE(reader.reply().intermediate());
  reader.feed("226 done");
  EXPECT_TRUE(reader.reply().positive());
}

TEST(ReplyReader, MalformedIsFinal) {
  for (std::string_view bad : {"", "hello", "22 x", "2200 x", "099 x", "600 x", "22x y", "220x"}) {
    ReplyReader reader;
    EXPECT_EQ(reader.feed(bad), ReplyReader::Status::malformed) << bad;
    EXPECT_EQ(reader.feed("220 ok"), ReplyReader::Status::malformed);
  }
}

TEST(ReplyReader, LineCountLimit) {
  ReplyReader reader;
  reader.feed("211-start");
  ReplyReader::Status status = ReplyReader::Status::incomplete;
  for (size_t i = 0; i < kMaxReplyLines && status == ReplyReader::Status::incomplete; ++i) status = reader.feed("x");
  EXPECT_EQ(status, ReplyReader::Status::malformed);
}

TEST(ReplyReader, ByteLimit) {
  ReplyReader reader;
  reader.feed("211-start");
  std::string big(kMaxReplyBytes / 2, 'x');
  EXPECT_EQ(reader.feed(big), ReplyReader::Status::incomplete);
  EXPECT_EQ(reader.feed(big), ReplyReader::Status::malformed);
}

TEST(PassiveReplyParsing, Epsv) {
  EXPECT_EQ(parse_epsv_reply("Entering Extended Passive Mode (|||6446|)"), 6446);
  EXPECT_EQ(parse_epsv_reply("ok (!!!2000!)"), 2000);
  EXPECT_FALSE(parse_epsv_reply("Entering Extended Passive Mode"));
  EXPECT_FALSE(parse_epsv_reply("(|||0|)"));
  EXPECT_FALSE(parse_epsv_reply("(|||70000|)"));
  EXPECT_FALSE(parse_epsv_reply("(||1|2|)"));
  EXPECT_FALSE(parse_epsv_reply("(|||12|"));
}

TEST(PassiveReplyParsing, PasvFindsTheNumbersAnywhere) {
  EXPECT_EQ(parse_pasv_reply("Entering Passive Mode (127,0,0,1,4,1).")->to_string(), "127.0.0.1:1025");
  EXPECT_EQ(parse_pasv_reply("=10,1,2,3,0,21")->to_string(), "10.1.2.3:21");
  EXPECT_FALSE(parse_pasv_reply("Entering Passive Mode (127,0,0,1,4)."));
  EXPECT_FALSE(parse_pasv_reply("nothing"));
}

TEST(Progress, HumanBytes) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(12u << 20), "12.0 MiB");
  EXPECT_EQ(human_bytes(uint64_t{3} << 30), "3.0 GiB");
}

TEST(Progress, Render) {
  EXPECT_EQ(render_progress(0, 4u << 20, 4), "[....]   0%  0 B / 4.0 MiB");
  EXPECT_EQ(render_progress(2u << 20, 4u << 20, 4), "[##..]  50%  2.0 MiB / 4.0 MiB");
  EXPECT_EQ(render_progress(5u << 20, 4u << 20, 4), "[####] 100%  5.0 MiB / 4.0 MiB");
  EXPECT_EQ(render_progress(2048, 0), "2.0 KiB");
}

TEST(Progress, NothingWhenNotATerminal) {
  std::FILE* file = std::tmpfile();
  {
    ProgressBar bar(file, 10u << 20);
    bar.update(5u << 20);
  }
  EXPECT_EQ(std::ftell(file), 0);
  std::fclose(file);
}

TEST(ClientServerArgument, Forms) {
  std::string error;
  ClientOptions options;
  ASSERT_TRUE(parse_server("example.org", options, &error));
  EXPECT_EQ(options.host, "example.org");
  EXPECT_EQ(options.port, 21);
  ASSERT_TRUE(parse_server("127.0.0.1:2121", options, &error));
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 2121);
  ASSERT_TRUE(parse_server("[::1]:2100", options, &error));
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 2100);
  ASSERT_TRUE(parse_server("::1", options, &error));
  EXPECT_EQ(options.host, "::1");
}

TEST(ClientServerArgument, Refusals) {
  std::string error;
  ClientOptions options;
  for (const char* bad : {"", ":21", "host:0", "host:65536", "host:x", "[::1", "[::1]x", "[]:21"}) {
    EXPECT_FALSE(parse_server(bad, options, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(ClientApp, UnreachableServerIsExitStatusOne) {
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = 1;
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(run_client(options, in, out, err), 1);
  EXPECT_NE(err.str().find("cannot connect to 127.0.0.1:1"), std::string::npos);
}

TEST(ClientLimits, TotalAndPerIp) {
  ClientLimits limits(3, 2);
  ClientLimits::Ticket a, b, c, d;
  EXPECT_EQ(limits.admit("10.0.0.1", &a), ClientLimits::Admission::admitted);
  EXPECT_EQ(limits.admit("10.0.0.1", &b), ClientLimits::Admission::admitted);
  EXPECT_EQ(limits.admit("10.0.0.1", &c), ClientLimits::Admission::ip_full);
  EXPECT_EQ(limits.admit("10.0.0.2", &c), ClientLimits::Admission::admitted);
  EXPECT_EQ(limits.admit("10.0.0.3", &d), ClientLimits::Admission::server_full);
  a = ClientLimits::Ticket();
  EXPECT_EQ(limits.clients(), 2u);
  EXPECT_EQ(limits.admit("10.0.0.1", &d), ClientLimits::Admission::admitted);
}

TEST(ClientLimits, ZeroMeansUnlimited) {
  ClientLimits limits(0, 0);
  std::vector<ClientLimits::Ticket> tickets(100);
  for (auto& ticket : tickets) EXPECT_EQ(limits.admit("10.0.0.1", &ticket), ClientLimits::Admission::admitted);
  tickets.clear();
  EXPECT_EQ(limits.clients(), 0u);
}

}  // namespace
}  // namespace muxd::ftp
