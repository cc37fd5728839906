// tickets::Session without sockets: a fake Seller holds the sale, the test
// completes it, and the queue shows what would be sent.
#include <gtest/gtest.h>

#include <deque>

#include "tickets/session.h"
#include "tickets/tickets_client.h"

namespace muxd::tickets {
namespace {

class FakeSeller final : public Seller {
 public:
  bool submit(std::string buyer, std::function<void(Sale)> done) override {
    if (full) return false;
    buyers.push_back(std::move(buyer));
    pending.push_back(std::move(done));
    return true;
  }
  void complete(Sale sale) {
    auto done = std::move(pending.front());
    pending.pop_front();
    done(sale);
  }
  bool full = false;
  std::vector<std::string> buyers;
  std::deque<std::function<void(Sale)>> pending;
};

// A Resume as SessionConnection makes it: runs the step at once, unless the connection closed.
struct Driver {
  OutputQueue out;
  bool closed = false;
  int steps = 0;
  Resume make() {
    return [this](ResumeStep step) {
      if (closed) return;
      ++steps;
      step(out);
    };
  }
};

Sale sold(int64_t remaining, int64_t id = 1) { return Sale{Sale::Outcome::sold, remaining, id}; }

TEST(TicketsReply, CourseFormat) {
  EXPECT_EQ(reply_for(sold(3)), "31");
  EXPECT_EQ(reply_for(sold(0)), "01");
  EXPECT_EQ(reply_for(sold(1234567)), "12345671");
  EXPECT_EQ(reply_for(Sale{Sale::Outcome::sold_out, 0, 0}), "00");
  EXPECT_EQ(reply_for(Sale{}), "busy");
}

TEST(TicketsSession, StartsTheSaleAtOnceAndHoldsInputMeanwhile) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "127.0.0.1:40000");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  ASSERT_EQ(seller.buyers, std::vector<std::string>{"127.0.0.1:40000"});
  EXPECT_TRUE(driver.out.empty());
  SessionWants wants = session.wants(driver.out);
  EXPECT_FALSE(wants.read);
  EXPECT_EQ(wants.close, SessionWants::Close::no);
  EXPECT_EQ(wants.timeout, 0);  // no timer while the database works
  EXPECT_TRUE(session.waiting());
}

TEST(TicketsSession, AnswersThenClosesLingering) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  seller.complete(sold(3));
  EXPECT_EQ(driver.out.contents(), "31");
  SessionWants wants = session.wants(driver.out);
  EXPECT_EQ(wants.close, SessionWants::Close::after_output_lingering);
  EXPECT_EQ(wants.timeout, kLingerTimeout);
  EXPECT_FALSE(session.waiting());
}

TEST(TicketsSession, SoldOut) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  seller.complete(Sale{Sale::Outcome::sold_out, 0, 0});
  EXPECT_EQ(driver.out.contents(), "00");
}

TEST(TicketsSession, RefusedWhenTheQueueIsFull) {
  FakeSeller seller;
  seller.full = true;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  EXPECT_EQ(driver.out.contents(), "busy");
  EXPECT_EQ(session.wants(driver.out).close, SessionWants::Close::after_output_lingering);
}

TEST(TicketsSession, RefusedWithoutAResume) {  // a driver that cannot resume never gets a sale started
  FakeSeller seller;
  OutputQueue out;
  Session session(seller, "b");
  session.on_start(out);
  EXPECT_TRUE(seller.buyers.empty());
  EXPECT_EQ(out.contents(), "busy");
}

TEST(TicketsSession, DatabaseRefusal) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  seller.complete(Sale{});
  EXPECT_EQ(driver.out.contents(), "busy");
}

TEST(TicketsSession, ALateAnswerForAClosedConnectionIsDropped) {
  FakeSeller seller;
  Driver driver;
  {
    Session session(seller, "b");
    session.attach([&] { return driver.make(); });
    session.on_start(driver.out);
    driver.closed = true;  // the connection closed (the server was cut off): the session goes
  }
  seller.complete(sold(1));
  EXPECT_EQ(driver.steps, 0);
  EXPECT_TRUE(driver.out.empty());
}

TEST(TicketsSession, StopAndHalfCloseStillAnswerTheSaleInFlight) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  session.on_peer_closed(driver.out);
  session.on_stop(driver.out);
  EXPECT_TRUE(session.waiting());
  EXPECT_EQ(session.wants(driver.out).close, SessionWants::Close::no);
  seller.complete(sold(0));
  EXPECT_EQ(driver.out.contents(), "01");
  EXPECT_EQ(session.wants(driver.out).close, SessionWants::Close::after_output_lingering);
}

TEST(TicketsSession, InputIsDiscardedAndTheLingerTimeoutClosesNow) {
  FakeSeller seller;
  Driver driver;
  Session session(seller, "b");
  session.attach([&] { return driver.make(); });
  session.on_start(driver.out);
  seller.complete(sold(2));
  EXPECT_EQ(session.on_data("GET / HTTP/1.1\r\n", driver.out), 16u);
  EXPECT_EQ(driver.out.contents(), "21");
  session.on_timeout(driver.out);
  EXPECT_EQ(session.wants(driver.out).close, SessionWants::Close::now);
}

TEST(TicketsClient, ParsesAnswersAsTheCourseDoes) {
  auto answer = parse_answer("31");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->remaining, 3);
  EXPECT_TRUE(answer->bought);
  answer = parse_answer("00");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->remaining, 0);
  EXPECT_FALSE(answer->bought);
  EXPECT_EQ(parse_answer("1231")->remaining, 123);
  EXPECT_FALSE(parse_answer("busy"));
  EXPECT_FALSE(parse_answer("1"));
  EXPECT_FALSE(parse_answer(""));
  EXPECT_FALSE(parse_answer("32"));
  EXPECT_FALSE(parse_answer("-11"));
}

TEST(TicketsClient, CrowdCheck) {
  EXPECT_TRUE(check_crowd({2, 0, 1}, 3).ok);
  EXPECT_TRUE(check_crowd({9, 8, 7}, 0).ok);  // the stock outlasted the crowd
  EXPECT_TRUE(check_crowd({}, 5).ok);         // sold out before it came
  EXPECT_FALSE(check_crowd({2, 1, 1}, 0).ok);  // sold twice
  EXPECT_FALSE(check_crowd({3, 1, 0}, 0).ok);  // one lost
  EXPECT_FALSE(check_crowd({3, 2}, 1).ok);     // sold out, yet tickets were left
}

}  // namespace
}  // namespace muxd::tickets
