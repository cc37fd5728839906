#pragma once
// Stock: one connection to the ticket office's database (a SQLite file or a
// postgresql:// URL), the course's `Value("i", 2)` + `Lock()` made durable.
// Not thread-safe: the server's pool opens one per thread. Every statement
// is prepared; the buyer's address is a bound parameter, never SQL text.
//
// Schema (both back ends):
//   stock(id = 1, total, remaining CHECK (remaining >= 0))   one row
//   orders(id, sold_at, buyer, remaining UNIQUE)             one row per sale
// `orders.remaining` is what the stock held right after that sale, i.e. the
// reply's first number: UNIQUE makes the database itself refuse to sell the
// same ticket twice, whatever a buggy seller might try.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace muxd::tickets {

struct Sale {
  enum class Outcome : uint8_t { sold, sold_out, refused };
  Outcome outcome = Outcome::refused;
  int64_t remaining = 0;  // after the sale (sold), 0 (sold_out)
  int64_t order_id = 0;   // orders.id (sold)
};

struct StockState {
  int64_t total = 0, remaining = 0;
  bool created = false;  // this open made the stock row (a new database)
};

struct StockError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StockOptions {
  std::chrono::milliseconds lock_timeout{1000};  // per attempt: SQLite busy_timeout, PostgreSQL lock_timeout
  int attempts = 4;                              // a busy database is tried this often, then refused
};

class Stock {
 public:
  virtual ~Stock() = default;
  // One transaction: take a ticket if one is left and record the order;
  // committed before it returns `sold`. Busy/locked, serialization failures
  // and deadlocks are retried (StockOptions::attempts in all), then `refused`;
  // any other database error is `refused` too (logged). Never throws.
  virtual Sale buy(const std::string& buyer) = 0;
  virtual StockState state() = 0;  // throws StockError
};

bool is_postgres_url(std::string_view db);

// Opens `db`, creating the schema if missing; a new database gets a stock of
// `tickets` (nullopt: kDefaultTickets). Throws StockError with a clear message.
inline constexpr int64_t kDefaultTickets = 2;  // the course's ticket_num
std::unique_ptr<Stock> open_stock(const std::string& db, std::optional<int64_t> tickets, const StockOptions& options);

// Back ends (sqlite_stock.cpp, postgres_stock.cpp).
std::unique_ptr<Stock> open_sqlite_stock(const std::string& path, std::optional<int64_t> tickets,
                                         const StockOptions& options);
std::unique_ptr<Stock> open_postgres_stock(const std::string& url, std::optional<int64_t> tickets,
                                           const StockOptions& options);

}  // namespace muxd::tickets
