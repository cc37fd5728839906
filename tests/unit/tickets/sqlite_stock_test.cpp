// The SQLite Stock on a scratch file: a new database, sales down to sold
// out, the state kept across opens, two connections on one file, and a
// database locked by another connection (refused, never a wrong answer).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tickets/stock.h"

namespace muxd::tickets {
namespace {

class SqliteStockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/muxd-tickets-unit-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/t.db";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  StockOptions quick() {
    StockOptions options;
    options.lock_timeout = std::chrono::milliseconds(20);
    options.attempts = 2;
    return options;
  }

  std::string dir_, path_;
};

TEST_F(SqliteStockTest, SellsTheStockThenSoldOut) {
  auto stock = open_sqlite_stock(path_, 3, quick());
  StockState state = stock->state();
  EXPECT_EQ(state.total, 3);
  EXPECT_EQ(state.remaining, 3);
  EXPECT_TRUE(state.created);
  int64_t last_id = 0;
  for (int64_t left = 2; left >= 0; --left) {
    Sale sale = stock->buy("127.0.0.1:1");
    ASSERT_EQ(sale.outcome, Sale::Outcome::sold);
    EXPECT_EQ(sale.remaining, left);
    EXPECT_GT(sale.order_id, last_id);
    last_id = sale.order_id;
  }
  EXPECT_EQ(stock->buy("b").outcome, Sale::Outcome::sold_out);
  EXPECT_EQ(stock->state().remaining, 0);
}

TEST_F(SqliteStockTest, AnExistingDatabaseKeepsItsState) {
  open_sqlite_stock(path_, 5, quick())->buy("a");
  auto again = open_sqlite_stock(path_, 100, quick());  // --tickets is not applied to an old stock
  StockState state = again->state();
  EXPECT_FALSE(state.created);
  EXPECT_EQ(state.total, 5);
  EXPECT_EQ(state.remaining, 4);
  auto defaulted = open_sqlite_stock(path_ + "2", std::nullopt, quick());
  EXPECT_EQ(defaulted->state().total, kDefaultTickets);
}

TEST_F(SqliteStockTest, TwoConnectionsShareOneStock) {
  auto first = open_sqlite_stock(path_, 4, quick());
  auto second = open_sqlite_stock(path_, 4, quick());
  EXPECT_EQ(first->buy("a").remaining, 3);
  EXPECT_EQ(second->buy("b").remaining, 2);
  EXPECT_EQ(first->buy("c").remaining, 1);
  EXPECT_EQ(second->buy("d").remaining, 0);
  EXPECT_EQ(first->buy("e").outcome, Sale::Outcome::sold_out);
}

TEST_F(SqliteStockTest, ALockedDatabaseIsRefusedNotMisanswered) {
  auto stock = open_sqlite_stock(path_, 2, quick());
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(stock->buy("a").outcome, Sale::Outcome::refused);
  ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  Sale sale = stock->buy("a");
  EXPECT_EQ(sale.outcome, Sale::Outcome::sold);
  EXPECT_EQ(sale.remaining, 1);  // the refused attempt sold nothing
}

TEST_F(SqliteStockTest, NotADatabase) {
  FILE* junk = std::fopen(path_.c_str(), "w");
  std::fputs(std::string(4096, 'x').c_str(), junk);
  std::fclose(junk);
  EXPECT_THROW(open_sqlite_stock(path_, 2, quick()), StockError);
}

}  // namespace
}  // namespace muxd::tickets
