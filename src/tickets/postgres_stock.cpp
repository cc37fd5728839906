// The PostgreSQL back end, through libpq: one connection, the sale prepared
// once (PQprepare) and run with its parameter apart from the SQL
// (PQexecPrepared). https://www.postgresql.org/docs/15/libpq.html
//
// Why it never oversells, with any number of processes and machines: a sale
// is ONE statement, so one transaction (autocommit), at the default READ
// COMMITTED level:
//   WITH sale AS (UPDATE stock SET remaining = remaining - 1
//                 WHERE id = 1 AND remaining > 0 RETURNING remaining)
//   INSERT INTO orders (buyer, remaining) SELECT $1, remaining FROM sale RETURNING id, remaining
// The UPDATE locks the stock row. A concurrent sale that finds the row
// locked waits for that transaction to end, and then "the search condition
// of the command (the WHERE clause) is re-evaluated to see if the updated
// version of the row still matches" (docs/15/transaction-iso.html, 13.2.1):
// it decrements the committed value, or finds `remaining > 0` false and
// sells nothing. The order row is inserted by the same statement, so a sale
// and its order commit together or not at all, and PQexecPrepared returns
// only after the COMMIT (synchronous_commit on, the default: flushed to WAL).
#include <libpq-fe.h>

#include <fmt/format.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "core/log.h"
#include "tickets/stock.h"

namespace muxd::tickets {
namespace {

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

struct FinishConn {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnHandle = std::unique_ptr<PGconn, FinishConn>;

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return "PostgreSQL: " + message;  // never the URL: it may hold a password
}

std::string error_of(PGconn* conn, const PGresult* result) {
  return trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
}

Result run(PGconn* conn, const char* sql, const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(param.c_str());
  Result result(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw StockError(error_of(conn, result.get()));
  return result;
}

// Several statements, no parameters (the schema): PQexec, the simple query protocol.
void exec_script(PGconn* conn, const char* sql) {
  Result result(PQexec(conn, sql));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) throw StockError(error_of(conn, result.get()));
}

// Retried: serialization_failure, deadlock_detected, lock_not_available
// (lock_timeout ran out). https://www.postgresql.org/docs/15/errcodes-appendix.html
bool retryable(const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0 ||
                   std::strcmp(state, "55P03") == 0);
}

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS stock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  total BIGINT NOT NULL CHECK (total >= 0),
  remaining BIGINT NOT NULL CHECK (remaining >= 0 AND remaining <= total));
CREATE TABLE IF NOT EXISTS orders (
  id BIGSERIAL PRIMARY KEY,
  sold_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  buyer TEXT NOT NULL,
  remaining BIGINT NOT NULL UNIQUE);
)";

constexpr const char* kSale =
    "WITH sale AS (UPDATE stock SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0 RETURNING remaining) "
    "INSERT INTO orders (buyer, remaining) SELECT $1, remaining FROM sale RETURNING id, remaining";

class PostgresStock final : public Stock {
 public:
  PostgresStock(ConnHandle conn, const StockOptions& options, bool created)
      : conn_(std::move(conn)), options_(options), created_(created) {
    prepare();
  }

  Sale buy(const std::string& buyer) override {
    if (PQstatus(conn_.get()) != CONNECTION_OK && !reconnect()) return Sale{};
    const char* values[] = {buyer.c_str()};
    for (int attempt = 1;; ++attempt) {
      Result result(PQexecPrepared(conn_.get(), "sale", 1, values, nullptr, nullptr, 0));
      if (result && PQresultStatus(result.get()) == PGRES_TUPLES_OK) {
        Sale sale;
        if (PQntuples(result.get()) == 0) {
          sale.outcome = Sale::Outcome::sold_out;
          return sale;
        }
        sale.outcome = Sale::Outcome::sold;
        sale.order_id = std::stoll(PQgetvalue(result.get(), 0, 0));
        sale.remaining = std::stoll(PQgetvalue(result.get(), 0, 1));
        return sale;
      }
      // A broken connection is never retried: the COMMIT may have happened.
      // The buyer is refused (told nothing was sold); the next sale reconnects.
      if (!retryable(result.get()) || attempt >= options_.attempts || PQstatus(conn_.get()) != CONNECTION_OK) {
        report(error_of(conn_.get(), result.get()), attempt);
        return Sale{};
      }
    }
  }

  StockState state() override {
    Result result = run(conn_.get(), "SELECT total, remaining FROM stock WHERE id = 1");
    if (PQntuples(result.get()) != 1) throw StockError("PostgreSQL: no stock row");
    return StockState{std::stoll(PQgetvalue(result.get(), 0, 0)), std::stoll(PQgetvalue(result.get(), 0, 1)),
                      created_};
  }

 private:
  void prepare() {
    run(conn_.get(), "SELECT set_config('lock_timeout', $1, false)",
        {std::to_string(options_.lock_timeout.count()) + "ms"});
    Result result(PQprepare(conn_.get(), "sale", kSale, 1, nullptr));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) throw StockError(error_of(conn_.get(), result.get()));
  }

  bool reconnect() {
    PQreset(conn_.get());
    try {
      if (PQstatus(conn_.get()) != CONNECTION_OK) throw StockError(error_of(conn_.get(), nullptr));
      prepare();
      return true;
    } catch (const StockError& error) {
      report(error.what(), 1);
      return false;
    }
  }

  static void report(const std::string& why, int attempts) {
    static std::atomic<int64_t> last{0};  // one line a second at most
    int64_t now = static_cast<int64_t>(::time(nullptr));
    int64_t before = last.load();
    if (now == before || !last.compare_exchange_strong(before, now)) return;
    log_warn("tickets: sale refused after {} attempt(s): {}", attempts, why);
  }

  ConnHandle conn_;
  StockOptions options_;
  bool created_;
};

}  // namespace

std::unique_ptr<Stock> open_postgres_stock(const std::string& url, std::optional<int64_t> tickets,
                                           const StockOptions& options) {
  ConnHandle conn(PQconnectdb(url.c_str()));
  if (!conn) throw StockError("PostgreSQL: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) throw StockError(error_of(conn.get(), nullptr));
  run(conn.get(), "SET client_min_messages = warning");  // no NOTICE for IF NOT EXISTS
  // Schema and stock row in one transaction, one process at a time (a
  // transaction-scoped advisory lock: CREATE TABLE IF NOT EXISTS is not safe
  // against itself running concurrently).
  run(conn.get(), "BEGIN");
  try {
    run(conn.get(), "SELECT pg_advisory_xact_lock(5002)");
    exec_script(conn.get(), kSchema);
    Result created = run(conn.get(),
                         "INSERT INTO stock (id, total, remaining) VALUES (1, $1, $1) ON CONFLICT (id) DO NOTHING "
                         "RETURNING id",
                         {std::to_string(tickets.value_or(kDefaultTickets))});
    bool made = PQntuples(created.get()) == 1;
    run(conn.get(), "COMMIT");
    return std::make_unique<PostgresStock>(std::move(conn), options, made);
  } catch (const StockError&) {
    Result(PQexec(conn.get(), "ROLLBACK"));  // whatever it says: the connection is closed next
    throw;
  }
}

}  // namespace muxd::tickets
