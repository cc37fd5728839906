// The PostgreSQL back end, through libpq: statements prepared once per
// connection (PQprepare), parameters sent apart from the SQL
// (PQexecPrepared), imports streamed with COPY FROM STDIN inside the import's
// transaction. https://www.postgresql.org/docs/15/libpq.html
#include <libpq-fe.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dict/keys.h"
#include "dict/matchers.h"
#include "dict/sql_store.h"
#include "dict/store_writer.h"

namespace muxd::dict {
namespace {

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

struct FinishConn {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnHandle = std::unique_ptr<PGconn, FinishConn>;

std::string error_of(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return "PostgreSQL: " + message;  // never the URL: it may hold a password
}

ConnHandle connect(const std::string& url) {
  ConnHandle conn(PQconnectdb(url.c_str()));
  if (!conn) throw StoreError("PostgreSQL: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) throw StoreError(error_of(conn.get()));
  return conn;
}

Result check(PGconn* conn, PGresult* raw, ExecStatusType expected) {
  Result result(raw);
  if (!result || PQresultStatus(result.get()) != expected) {
    std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw StoreError("PostgreSQL: " + message);
  }
  return result;
}

// A LIMIT as text; PostgreSQL's bigint stops below SIZE_MAX.
std::string count(size_t value) { return std::to_string(std::min<size_t>(value, INT64_MAX)); }

void exec(PGconn* conn, const char* sql) { check(conn, PQexec(conn, sql), PGRES_COMMAND_OK); }

// The statements a reader prepares, by name.
struct Query {
  const char* name;
  const char* sql;
};
constexpr std::array kQueries{
    Query{"databases", "SELECT name, description, words FROM databases ORDER BY name"},
    Query{"define", "SELECT word, mean FROM words WHERE db = $1 AND key = $2 ORDER BY id LIMIT $3"},
    Query{"equal", "SELECT DISTINCT key, word FROM words WHERE db = $1 AND key = $2 ORDER BY key, word LIMIT $3"},
    Query{"key_from", "SELECT DISTINCT key, word FROM words WHERE db = $1 AND key >= $2 ORDER BY key, word LIMIT $3"},
    Query{"key_range",
          "SELECT DISTINCT key, word FROM words WHERE db = $1 AND key >= $2 AND key < $3 ORDER BY key, word LIMIT $4"},
    Query{"rkey_from", "SELECT DISTINCT key, word FROM words WHERE db = $1 AND rkey >= $2 ORDER BY key, word LIMIT $3"},
    Query{"rkey_range",
          "SELECT DISTINCT key, word FROM words WHERE db = $1 AND rkey >= $2 AND rkey < $3 ORDER BY key, word LIMIT $4"},
    // A scan of the database's rows (strpos() has no index), ended by LIMIT.
    Query{"contains",
          "SELECT DISTINCT key, word FROM words WHERE db = $1 AND strpos(key, $2) > 0 ORDER BY key, word LIMIT $3"},
    Query{"soundex", "SELECT DISTINCT key, word FROM words WHERE db = $1 AND soundex = $2 ORDER BY key, word LIMIT $3"},
    Query{"short",
          "SELECT DISTINCT key, word FROM words WHERE db = $1 AND length(key) <= $2 ORDER BY key, word LIMIT $3"},
};

class PostgresStore final : public SqlStore {
 public:
  explicit PostgresStore(std::string url) : url_(std::move(url)), conn_(connect(url_)) { prepare(); }

  std::vector<DatabaseInfo> databases() override {
    Result result = run("databases", {});
    std::vector<DatabaseInfo> out;
    for (int row = 0; row < PQntuples(result.get()); ++row)
      out.push_back(DatabaseInfo{text(result, row, 0), text(result, row, 1),
                                 std::stoull(text(result, row, 2))});
    return out;
  }

 protected:
  std::vector<Entry> query_define(const std::string& db, const std::string& key, size_t limit) override {
    Result result = run("define", {db, key, count(limit)});
    std::vector<Entry> out;
    for (int row = 0; row < PQntuples(result.get()); ++row)
      out.push_back(Entry{db, text(result, row, 0), text(result, row, 1)});
    return out;
  }
  std::vector<Candidate> query_equal(const std::string& db, const std::string& key, size_t limit) override {
    return candidates(run("equal", {db, key, count(limit)}));
  }
  std::vector<Candidate> query_range(const std::string& db, Column column, const std::string& low,
                                     const std::string& high, size_t limit) override {
    const char* prefix = column == Column::key ? "key" : "rkey";
    if (high.empty()) return candidates(run(fmt::format("{}_from", prefix), {db, low, count(limit)}));
    return candidates(run(fmt::format("{}_range", prefix), {db, low, high, count(limit)}));
  }
  std::vector<Candidate> query_contains(const std::string& db, const std::string& part, size_t limit) override {
    return candidates(run("contains", {db, part, count(limit)}));
  }
  std::vector<Candidate> query_soundex(const std::string& db, const std::string& code, size_t limit) override {
    return candidates(run("soundex", {db, code, count(limit)}));
  }
  std::vector<Candidate> query_short(const std::string& db, size_t chars, size_t limit) override {
    return candidates(run("short", {db, std::to_string(chars), count(limit)}));
  }

 private:
  void prepare() {
    for (const Query& query : kQueries) {
      Result result(PQprepare(conn_.get(), query.name, query.sql, 0, nullptr));
      if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get());
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw StoreError(fmt::format(
            "PostgreSQL: {} (not a muxd dictionary? create one with muxd dict-import)", message));
      }
    }
  }

  // Runs a prepared statement; a connection that broke (the server
  // restarted) is reset and the statement tried once more.
  Result run(const std::string& name, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats(params.size(), 0);
    for (const auto& param : params) {
      values.push_back(param.c_str());
      lengths.push_back(static_cast<int>(param.size()));
    }
    for (int attempt = 0;; ++attempt) {
      PGresult* raw = PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), values.data(),
                                     lengths.data(), formats.data(), 0);
      if (attempt == 0 && PQstatus(conn_.get()) == CONNECTION_BAD) {
        PQclear(raw);
        PQreset(conn_.get());
        if (PQstatus(conn_.get()) != CONNECTION_OK) throw StoreError(error_of(conn_.get()));
        prepare();
        continue;
      }
      return check(conn_.get(), raw, PGRES_TUPLES_OK);
    }
  }

  static std::string text(const Result& result, int row, int column) {
    return std::string(PQgetvalue(result.get(), row, column), static_cast<size_t>(PQgetlength(result.get(), row, column)));
  }
  static std::vector<Candidate> candidates(const Result& result) {
    std::vector<Candidate> out;
    for (int row = 0; row < PQntuples(result.get()); ++row)
      out.push_back(Candidate{text(result, row, 0), text(result, row, 1)});
    return out;
  }

  std::string url_;
  ConnHandle conn_;
};

// COPY's text format (https://www.postgresql.org/docs/15/sql-copy.html):
// tab-separated columns, backslash escapes for backslash, tab, CR and LF.
void append_copy_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

class PostgresWriter final : public StoreWriter {
 public:
  explicit PostgresWriter(const std::string& url) : conn_(connect(url)) {
    exec(conn_.get(), "BEGIN");
    exec(conn_.get(), "SET client_min_messages = warning");  // no NOTICE for IF NOT EXISTS
    exec(conn_.get(), kPostgresSchema);
  }

  void replace_database(const std::string& name) override {
    flush();
    params("DELETE FROM words WHERE db = $1", {name});
    params("DELETE FROM databases WHERE name = $1", {name});
  }
  void add(const std::string& name, std::string_view word, std::string_view meaning) override {
    std::string key = fold_case(word);
    std::string reversed = reverse_code_points(key), code = soundex(word);
    for (std::string_view field : {word, meaning, std::string_view(name), std::string_view(key),
                                   std::string_view(reversed), std::string_view(code)}) {
      append_copy_field(batch_, field);
      batch_ += '\t';
    }
    batch_.back() = '\n';
    if (batch_.size() >= kBatchBytes) flush();
  }
  void describe_database(const std::string& name, const std::string& description, uint64_t words) override {
    flush();
    params("INSERT INTO databases (name, description, words) VALUES ($1, $2, $3)",
           {name, description, std::to_string(words)});
  }
  void commit() override {
    flush();
    exec(conn_.get(), "COMMIT");
  }
  // Destroyed before commit(): PQfinish ends the session, and the server
  // rolls the open transaction back.

 private:
  static constexpr size_t kBatchBytes = 1 << 20;

  void params(const char* sql, const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    for (const auto& value : values) pointers.push_back(value.c_str());
    check(conn_.get(),
          PQexecParams(conn_.get(), sql, static_cast<int>(values.size()), nullptr, pointers.data(), nullptr, nullptr, 0),
          PGRES_COMMAND_OK);
  }

  void flush() {
    if (batch_.empty()) return;
    PGconn* conn = conn_.get();
    check(conn, PQexec(conn, "COPY words (word, mean, db, key, rkey, soundex) FROM STDIN"), PGRES_COPY_IN);
    if (PQputCopyData(conn, batch_.data(), static_cast<int>(batch_.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1)
      throw StoreError(error_of(conn));
    batch_.clear();
    check(conn, PQgetResult(conn), PGRES_COMMAND_OK);
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  }

  ConnHandle conn_;
  std::string batch_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url) { return std::make_unique<PostgresStore>(url); }

std::unique_ptr<StoreWriter> open_postgres_writer(const std::string& url) {
  return std::make_unique<PostgresWriter>(url);
}

}  // namespace muxd::dict
