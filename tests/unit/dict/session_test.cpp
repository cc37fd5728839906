// dict::Session without sockets: lines in, the queue's contents out; a fake
// Backend holds each query until the test answers it.
#include "dict/session.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace muxd::dict {
namespace {

class FakeBackend final : public Backend {
 public:
  struct Pending {
    Query query;
    std::function<void(QueryResult)> done;
  };
  std::deque<Pending> pending;
  bool full = false;

  bool submit(Query query, std::function<void(QueryResult)> done) override {
    if (full) return false;
    pending.push_back({std::move(query), std::move(done)});
    return true;
  }
};

std::vector<DatabaseInfo> two_databases() {
  return {{"wn", "WordNet (r) 3.0 (2006)", 147000}, {"zh", "Chinese-English", 422}};
}

class DictSession : public ::testing::Test {
 protected:
  DictSession() : session(backend, "<1.42@test>") {
    session.attach([this] { return Resume([this](ResumeStep step) { step(out); }); });
    session.on_start(out);
    sent();
  }

  std::string sent() {
    std::string text = out.contents();
    out.clear();
    return text;
  }
  size_t feed(std::string_view data) { return session.on_data(data, out); }
  // The query the session asked for, answered with `result`.
  Query answer(QueryResult result) {
    EXPECT_FALSE(backend.pending.empty());
    auto pending = std::move(backend.pending.front());
    backend.pending.pop_front();
    pending.done(std::move(result));
    return pending.query;
  }
  static QueryResult found(std::vector<Entry> entries) {
    QueryResult result;
    result.entries = std::move(entries);
    result.databases = two_databases();
    return result;
  }
  static QueryResult with_status(QueryResult::Status status) {
    QueryResult result;
    result.status = status;
    result.databases = two_databases();
    return result;
  }

  FakeBackend backend;
  OutputQueue out;
  Session session;
};

TEST(DictSessionBanner, SaysCapabilitiesAndMsgId) {
  FakeBackend backend;
  Session session(backend, "<7.1@host>");
  OutputQueue out;
  session.on_start(out);
  EXPECT_EQ(out.contents(), "220 muxd dict (RFC 2229) <mime> <7.1@host>\r\n");
}

TEST_F(DictSession, DefineAnswersEachDefinitionAsDotStuffedText) {
  std::string line = "DEFINE * cat\r\n";
  EXPECT_EQ(feed(line), line.size());
  EXPECT_TRUE(session.waiting());
  EXPECT_EQ(sent(), "");
  EXPECT_FALSE(session.wants(out).read);  // input held while the query runs
  Query query = answer(found({{"wn", "cat", "cat\n  n 1: feline\n.hidden dot\n"}, {"zh", "cat", "猫"}}));
  EXPECT_EQ(query.kind, Query::Kind::define);
  EXPECT_EQ(query.database, "*");
  EXPECT_EQ(query.word, "cat");
  EXPECT_EQ(query.limit, 100u);
  EXPECT_EQ(sent(),
            "150 2 definitions retrieved\r\n"
            "151 \"cat\" wn \"WordNet (r) 3.0 (2006)\"\r\n"
            "cat\r\n  n 1: feline\r\n..hidden dot\r\n.\r\n"
            "151 \"cat\" zh \"Chinese-English\"\r\n"
            "猫\r\n.\r\n"
            "250 ok\r\n");
  EXPECT_TRUE(session.wants(out).read);
}

TEST_F(DictSession, DefineOutcomes) {
  feed("DEFINE wn nothing\r\n");
  answer(found({}));
  EXPECT_EQ(sent(), "552 No match\r\n");
  feed("DEFINE nosuch cat\r\n");
  answer(with_status(QueryResult::Status::unknown_database));
  EXPECT_EQ(sent(), "550 Invalid database, use \"SHOW DB\" for list of databases\r\n");
  feed("DEFINE * cat\r\n");
  answer(with_status(QueryResult::Status::failed));
  EXPECT_EQ(sent(), "420 Server temporarily unavailable\r\n");
  backend.full = true;
  feed("DEFINE * cat\r\n");
  EXPECT_FALSE(session.waiting());
  EXPECT_EQ(sent(), "420 Server temporarily unavailable\r\n");
}

TEST_F(DictSession, QuotedWordsAndDatabases) {
  feed("define '!' \"hot dog\"\r\n");
  Query query = answer(found({}));
  EXPECT_EQ(query.database, "!");
  EXPECT_EQ(query.word, "hot dog");
  feed("DEFINE * \"say \\\"hi\\\"\"\r\n");
  EXPECT_EQ(answer(found({})).word, "say \"hi\"");
  sent();
  feed("DEFINE * \"unterminated\r\n");
  EXPECT_EQ(sent(), "501 Syntax error, illegal parameters\r\n");
}

TEST_F(DictSession, MatchListsDatabaseAndWord) {
  feed("MATCH * prefix ca\r\n");
  Query query = answer(found({{"wn", "cat", ""}, {"wn", "say \"x\"", ""}}));
  EXPECT_EQ(query.kind, Query::Kind::match);
  EXPECT_EQ(query.strategy, Strategy::prefix);
  EXPECT_EQ(query.limit, 1000u);
  EXPECT_EQ(sent(), "152 2 matches found - text follows\r\nwn \"cat\"\r\nwn \"say \\\"x\\\"\"\r\n.\r\n250 ok\r\n");
  feed("MATCH * . cat\r\n");
  EXPECT_EQ(answer(found({})).strategy, Strategy::lev);  // "." is the default strategy
  EXPECT_EQ(sent(), "552 No match\r\n");
  feed("MATCH * regexp ca.*\r\n");
  EXPECT_FALSE(session.waiting());
  EXPECT_EQ(sent(), "551 Invalid strategy, use \"SHOW STRAT\" for a list of strategies\r\n");
  for (const char* name : {"exact", "prefix", "substring", "suffix", "lev", "soundex", "SOUNDEX"}) {
    feed(std::string("MATCH wn ") + name + " x\r\n");
    answer(found({}));
  }
  sent();
}

TEST_F(DictSession, ShowCommands) {
  feed("SHOW DB\r\n");
  EXPECT_EQ(answer(found({})).kind, Query::Kind::databases);
  EXPECT_EQ(sent(), "110 2 databases present - text follows\r\nwn \"WordNet (r) 3.0 (2006)\"\r\n"
                    "zh \"Chinese-English\"\r\n.\r\n250 ok\r\n");
  feed("show databases\r\n");
  answer(QueryResult{});
  EXPECT_EQ(sent(), "554 No databases present\r\n");
  feed("SHOW STRAT\r\n");
  std::string strategies = sent();
  EXPECT_EQ(strategies.rfind("111 6 strategies available - text follows\r\nexact \"Match headwords exactly\"\r\n", 0), 0u)
      << strategies;
  EXPECT_NE(strategies.find("\r\nsoundex \"Match using SOUNDEX algorithm\"\r\n.\r\n250 ok\r\n"), std::string::npos);
  feed("SHOW STRATEGIES\r\n");
  EXPECT_EQ(sent(), strategies);
  feed("SHOW INFO zh\r\n");
  answer(found({}));
  EXPECT_EQ(sent(), "112 database information follows\r\nzh\r\n\r\nChinese-English\r\n422 words\r\n.\r\n250 ok\r\n");
  feed("SHOW INFO nosuch\r\n");
  answer(found({}));
  EXPECT_EQ(sent(), "550 Invalid database, use \"SHOW DB\" for list of databases\r\n");
  feed("SHOW SERVER\r\n");
  std::string server = sent();
  EXPECT_EQ(server.rfind("114 server information follows\r\nmuxd dict", 0), 0u);
  EXPECT_NE(server.find("\r\n.\r\n250 ok\r\n"), std::string::npos);
  feed("SHOW\r\n");
  feed("SHOW NOTHING\r\n");
  feed("SHOW INFO\r\n");
  EXPECT_EQ(sent(), "501 Syntax error, illegal parameters\r\n"
                    "501 Syntax error, illegal parameters\r\n501 Syntax error, illegal parameters\r\n");
}

TEST_F(DictSession, ClientStatusHelpOptionQuit) {
  feed("CLIENT dict 1.13.1/rf on Linux\r\n");
  EXPECT_EQ(sent(), "250 ok\r\n");
  feed("STATUS\r\n");
  EXPECT_EQ(sent(), "210 status [d/m/c = 0/0/2]\r\n");
  feed("HELP\r\n");
  std::string help = sent();
  EXPECT_EQ(help.rfind("113 help text follows\r\nDEFINE database word", 0), 0u);
  EXPECT_NE(help.find("\r\n.\r\n250 ok\r\n"), std::string::npos);
  feed("OPTION MIME\r\n");
  EXPECT_EQ(sent(), "250 ok - MIME headers will be sent\r\n");
  feed("DEFINE * cat\r\n");
  answer(found({{"wn", "cat", "feline"}}));
  EXPECT_EQ(sent(), "150 1 definitions retrieved\r\n151 \"cat\" wn \"WordNet (r) 3.0 (2006)\"\r\n"
                    "Content-type: text/plain; charset=utf-8\r\nContent-transfer-encoding: 8bit\r\n\r\n"
                    "feline\r\n.\r\n250 ok\r\n");
  feed("QUIT\r\nSTATUS\r\n");
  EXPECT_EQ(sent(), "221 bye\r\n");  // nothing after QUIT
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::after_output);
}

TEST_F(DictSession, ErrorsHaveTheirCodes) {
  feed("FROB\r\n");
  EXPECT_EQ(sent(), "500 Syntax error, command not recognized\r\n");
  feed("\r\n");
  EXPECT_EQ(sent(), "500 Syntax error, command not recognized\r\n");
  feed("DEFINE cat\r\n");
  feed("MATCH * prefix\r\n");
  feed("QUIT now\r\n");
  EXPECT_EQ(sent(), "501 Syntax error, illegal parameters\r\n501 Syntax error, illegal parameters\r\n"
                    "501 Syntax error, illegal parameters\r\n");
  feed("AUTH user secret\r\n");
  EXPECT_EQ(sent(), "502 Command not implemented\r\n");
  feed("OPTION ZIP\r\n");
  EXPECT_EQ(sent(), "503 Command parameter not implemented\r\n");
  feed(std::string("DEF\x01NE * cat\r\n"));
  EXPECT_EQ(sent(), "500 Syntax error, command not recognized\r\n");
  feed(std::string("DEFINE * \xff\xfe\r\n"));
  EXPECT_EQ(sent(), "501 Syntax error, illegal parameters\r\n");
  feed("DEFINE * " + std::string(kMaxWordBytes + 1, 'w') + "\r\n");
  EXPECT_EQ(sent(), "501 Syntax error, illegal parameters (word too long)\r\n");
  feed("DEFINE * " + std::string(kMaxWordBytes, 'w') + "\n");  // a bare LF ends a line too
  EXPECT_TRUE(session.waiting());
}

// §2.2: 1,024 octets with the CRLF. At the limit: a command; one over: 500,
// and the next line is a command again.
TEST_F(DictSession, LinesAreLimitedTo1024OctetsWithTheirCrlf) {
  std::string at_limit = "CLIENT " + std::string(kMaxLineBytes - 9, 'x') + "\r\n";
  ASSERT_EQ(at_limit.size(), kMaxLineBytes);
  feed(at_limit);
  EXPECT_EQ(sent(), "250 ok\r\n");
  std::string over = "CLIENT " + std::string(kMaxLineBytes - 8, 'x') + "\r\n";
  EXPECT_EQ(feed(over + "STATUS\r\n"), over.size() + 8);
  EXPECT_EQ(sent(), "500 Syntax error, line too long\r\n210 status [d/m/c = 0/0/2]\r\n");
}

// No line end within 1,024 octets: answered at once, the rest skipped to the
// line's end however long it is, no byte of it kept.
TEST_F(DictSession, AnEndlessLineIsRefusedAndSkipped) {
  EXPECT_EQ(feed(std::string(1023, 'x')), 0u);  // may still end within the limit: the driver keeps it
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(feed(std::string(1024, 'x')), 1024u);
  EXPECT_EQ(sent(), "500 Syntax error, line too long\r\n");
  EXPECT_TRUE(session.wants(out).read);
  EXPECT_EQ(feed(std::string(100000, 'y')), 100000u);
  EXPECT_EQ(feed("yyy\r\nSTATUS\r\n"), 13u);
  EXPECT_EQ(sent(), "210 status [d/m/c = 0/0/1]\r\n");
}

// Pipelined commands wait while a query runs, then are answered in order.
TEST_F(DictSession, PipelinedCommandsWaitTheirTurn) {
  std::string lines = "DEFINE * a\r\nSTATUS\r\nDEFINE * b\r\n";
  EXPECT_EQ(feed(lines), 12u);  // the first line; the rest is held
  EXPECT_EQ(feed(std::string_view(lines).substr(12)), 0u);
  answer(found({}));
  EXPECT_EQ(feed(std::string_view(lines).substr(12)), lines.size() - 12);
  EXPECT_EQ(answer(found({})).word, "b");
  EXPECT_EQ(sent(), "552 No match\r\n210 status [d/m/c = 0/0/2]\r\n552 No match\r\n");
}

TEST_F(DictSession, AStopAnswersTheQueryInFlightThenSays421) {
  feed("DEFINE * cat\r\n");
  session.on_stop(out);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::no);
  answer(found({}));
  EXPECT_EQ(sent(), "552 No match\r\n421 Server shutting down at operator request\r\n");
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::after_output);
}

TEST_F(DictSession, AStopWhenIdleSays421AndCloses) {
  session.on_stop(out);
  EXPECT_EQ(sent(), "421 Server shutting down at operator request\r\n");
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::after_output);
}

TEST_F(DictSession, IdleTimeoutClosesAndPeerCloseClosesAfterTheAnswer) {
  SessionWants wants = session.wants(out);
  EXPECT_EQ(wants.timeout, kIdleTimeout);
  EXPECT_TRUE(wants.idle);
  feed("DEFINE * cat\r\n");
  session.on_peer_closed(out);
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::no);  // the answer first
  answer(found({}));
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::after_output);
  session.on_timeout(out);
  EXPECT_EQ(session.wants(out).close, SessionWants::Close::now);
}

// Replies stop being made while kMaxQueuedOutput waits for the client.
TEST_F(DictSession, CommandsStopAtTheOutputBudget) {
  std::string help;
  for (int i = 0; i < 200; ++i) help += "HELP\r\n";
  size_t used = feed(help);
  EXPECT_LT(used, help.size());
  EXPECT_GE(out.pending_bytes(), kMaxQueuedOutput);
  EXPECT_FALSE(session.wants(out).read);
  sent();
  EXPECT_TRUE(session.wants(out).read);
}

TEST(DictText, DotStuffingAndLineEnds) {
  OutputQueue out;
  append_text(out, ".\n..\nplain\r\nlast without newline");
  EXPECT_EQ(out.contents(), "..\r\n...\r\nplain\r\nlast without newline\r\n.\r\n");
  OutputQueue empty;
  append_text(empty, "");
  EXPECT_EQ(empty.contents(), ".\r\n");
}

}  // namespace
}  // namespace muxd::dict
