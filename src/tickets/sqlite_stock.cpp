// The SQLite back end: one sqlite3 connection, its statements prepared once.
// Why it never oversells, also across processes on one file: every sale is
// BEGIN IMMEDIATE ... COMMIT, and BEGIN IMMEDIATE takes the database's write
// lock before the transaction reads anything
// (https://sqlite.org/lang_transaction.html), so two sellers never both see
// the same `remaining`: the second waits (busy_timeout) until the first has
// committed. The file is in WAL mode with synchronous=FULL: COMMIT returns
// once the sale is in the WAL and synced (https://sqlite.org/pragma.html#pragma_synchronous),
// so it survives the process being killed, and the machine losing power.
#include <sqlite3.h>

#include <fmt/format.h>

#include <atomic>

#include "core/log.h"
#include "tickets/stock.h"

namespace muxd::tickets {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

bool is_busy(int status) {
  int primary = status & 0xff;  // extended codes: SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE...
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// A prepared statement; step() returns SQLITE_ROW, SQLITE_DONE or the error.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      throw StockError(fmt::format("SQLite: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  Statement& bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& bind(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  int step() { return sqlite3_step(stmt_); }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    throw StockError(fmt::format("SQLite: {}", message));
  }
}

const char* const kSchema = R"(
CREATE TABLE IF NOT EXISTS stock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  total INTEGER NOT NULL CHECK (total >= 0),
  remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= total));
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sold_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  buyer TEXT NOT NULL,
  remaining INTEGER NOT NULL UNIQUE);
)";

class SqliteStock final : public Stock {
 public:
  SqliteStock(DbHandle db, const StockOptions& options, bool created)
      : db_(std::move(db)),
        options_(options),
        created_(created),
        begin_(db_.get(), "BEGIN IMMEDIATE"),
        commit_(db_.get(), "COMMIT"),
        rollback_(db_.get(), "ROLLBACK"),
        take_(db_.get(), "UPDATE stock SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0 RETURNING remaining"),
        record_(db_.get(), "INSERT INTO orders (buyer, remaining) VALUES (?1, ?2) RETURNING id"),
        state_(db_.get(), "SELECT total, remaining FROM stock WHERE id = 1") {}

  Sale buy(const std::string& buyer) override {
    for (int attempt = 1;; ++attempt) {
      Sale sale;
      int status = try_buy(buyer, sale);
      if (status == SQLITE_OK) return sale;
      take_.reset();  // no statement left half-stepped under the ROLLBACK
      record_.reset();
      commit_.reset();
      if (sqlite3_get_autocommit(db_.get()) == 0) rollback_.reset().step();
      if (!is_busy(status) || attempt >= options_.attempts) {
        report(status, attempt);
        return Sale{};
      }
    }
  }

  StockState state() override {
    state_.reset();
    if (state_.step() != SQLITE_ROW) throw StockError(fmt::format("SQLite: no stock row ({})", sqlite3_errmsg(db_.get())));
    StockState out{state_.integer(0), state_.integer(1), created_};
    state_.reset();
    return out;
  }

 private:
  // One attempt: SQLITE_OK with `sale` filled, or the status that failed it.
  int try_buy(const std::string& buyer, Sale& sale) {
    int status = begin_.reset().step();
    if (status != SQLITE_DONE) return status;
    status = take_.reset().step();
    if (status == SQLITE_DONE) {  // nothing left: nothing written either
      status = commit_.reset().step();
      sale.outcome = Sale::Outcome::sold_out;
      return status == SQLITE_DONE ? SQLITE_OK : status;
    }
    if (status != SQLITE_ROW) return status;
    sale.remaining = take_.integer(0);
    take_.step();  // to SQLITE_DONE: the UPDATE is complete
    status = record_.reset().bind(1, buyer).bind(2, sale.remaining).step();
    if (status != SQLITE_ROW) return status;
    sale.order_id = record_.integer(0);
    record_.step();
    status = commit_.reset().step();
    if (status != SQLITE_DONE) return status;
    sale.outcome = Sale::Outcome::sold;
    return SQLITE_OK;
  }

  void report(int status, int attempts) {
    // One line a second at most: a locked database refuses every buyer.
    static std::atomic<int64_t> last{0};
    int64_t now = static_cast<int64_t>(::time(nullptr));
    int64_t before = last.load();
    if (now == before || !last.compare_exchange_strong(before, now)) return;
    log_warn("tickets: sale refused after {} attempt(s): SQLite: {}", attempts,
             is_busy(status) ? "the database is locked by another connection" : sqlite3_errmsg(db_.get()));
  }

  DbHandle db_;
  StockOptions options_;
  bool created_;
  Statement begin_, commit_, rollback_, take_, record_, state_;
};

DbHandle open_db(const std::string& path, const StockOptions& options) {  // throws StockError
  sqlite3* raw = nullptr;
  int status = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr);
  DbHandle db(raw);
  if (status != SQLITE_OK)
    throw StockError(fmt::format("SQLite: {}", raw ? sqlite3_errmsg(raw) : sqlite3_errstr(status)));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.lock_timeout.count()));
  return db;
}

}  // namespace

std::unique_ptr<Stock> open_sqlite_stock(const std::string& path, std::optional<int64_t> tickets,
                                         const StockOptions& options) {
  DbHandle db = open_db(path, options);
  try {
    exec(db.get(), "PRAGMA journal_mode = WAL");  // persistent: the file stays in WAL mode
    exec(db.get(), "PRAGMA synchronous = FULL");  // per connection
    exec(db.get(), "BEGIN IMMEDIATE");            // schema and stock row: one process at a time
    exec(db.get(), kSchema);
    Statement create(db.get(), "INSERT OR IGNORE INTO stock (id, total, remaining) VALUES (1, ?1, ?1)");
    int status = create.bind(1, tickets.value_or(kDefaultTickets)).step();
    if (status != SQLITE_DONE) throw StockError(fmt::format("SQLite: {}", sqlite3_errmsg(db.get())));
    bool created = sqlite3_changes(db.get()) == 1;
    exec(db.get(), "COMMIT");
    return std::make_unique<SqliteStock>(std::move(db), options, created);
  } catch (const StockError&) {
    if (db && sqlite3_get_autocommit(db.get()) == 0) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace muxd::tickets
