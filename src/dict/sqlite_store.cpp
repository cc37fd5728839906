// The SQLite back end: one sqlite3 connection, its statements prepared once.
// https://sqlite.org/c3ref/open.html, https://sqlite.org/lang_transaction.html
#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "dict/keys.h"
#include "dict/matchers.h"
#include "dict/sql_store.h"
#include "dict/store_writer.h"

namespace muxd::dict {
namespace {

// Readers wait this long for an import's commit (it holds the write lock
// for an instant) rather than fail with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10'000;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      throw StoreError(fmt::format("SQLite: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds the parameters in order (text, or integers), resetting first.
  template <typename... Args>
  Statement& bind(const Args&... args) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }
  bool step() {  // true: a row
    int status = sqlite3_step(stmt_);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw StoreError(fmt::format("SQLite: {}", message));
  }
  void run() {
    while (step()) {
    }
  }
  std::string text(int column) const {
    auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return bytes ? std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  void bind_one(int index, std::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void bind_one(int index, const std::string& value) { bind_one(index, std::string_view(value)); }
  void bind_one(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void bind_one(int index, size_t value) { bind_one(index, static_cast<int64_t>(std::min<size_t>(value, INT64_MAX))); }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

DbHandle open_db(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int status = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  DbHandle db(raw);
  if (status != SQLITE_OK)
    throw StoreError(fmt::format("{}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(status)));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError(fmt::format("SQLite: {}", message));
  }
}

std::vector<Candidate> candidates(Statement& statement) {
  std::vector<Candidate> out;
  while (statement.step()) out.push_back(Candidate{statement.text(0), statement.text(1)});
  return out;
}

class SqliteStore final : public SqlStore {
 public:
  explicit SqliteStore(DbHandle db)
      : db_(std::move(db)),
        databases_(db_.get(), "SELECT name, description, words FROM databases ORDER BY name"),
        define_(db_.get(), "SELECT word, mean FROM words WHERE db = ?1 AND key = ?2 ORDER BY id LIMIT ?3"),
        equal_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND key = ?2 ORDER BY key, word LIMIT ?3"),
        key_from_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND key >= ?2 ORDER BY key, word LIMIT ?3"),
        key_range_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND key >= ?2 AND key < ?3 ORDER BY key, word LIMIT ?4"),
        rkey_from_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND rkey >= ?2 ORDER BY key, word LIMIT ?3"),
        rkey_range_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND rkey >= ?2 AND rkey < ?3 ORDER BY key, word LIMIT ?4"),
        // A scan of the database's rows in key order (instr() has no index),
        // ended by LIMIT once enough have matched.
        contains_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND instr(key, ?2) > 0 ORDER BY key, word LIMIT ?3"),
        soundex_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND soundex = ?2 ORDER BY key, word LIMIT ?3"),
        short_(db_.get(), "SELECT DISTINCT key, word FROM words WHERE db = ?1 AND length(key) <= ?2 ORDER BY key, word LIMIT ?3") {}

  std::vector<DatabaseInfo> databases() override {
    std::vector<DatabaseInfo> out;
    databases_.bind();
    while (databases_.step())
      out.push_back(DatabaseInfo{databases_.text(0), databases_.text(1), static_cast<uint64_t>(databases_.integer(2))});
    return out;
  }

 protected:
  std::vector<Entry> query_define(const std::string& db, const std::string& key, size_t limit) override {
    std::vector<Entry> out;
    define_.bind(db, key, limit);
    while (define_.step()) out.push_back(Entry{db, define_.text(0), define_.text(1)});
    return out;
  }
  std::vector<Candidate> query_equal(const std::string& db, const std::string& key, size_t limit) override {
    return candidates(equal_.bind(db, key, limit));
  }
  std::vector<Candidate> query_range(const std::string& db, Column column, const std::string& low,
                                     const std::string& high, size_t limit) override {
    bool by_key = column == Column::key;
    if (high.empty()) return candidates((by_key ? key_from_ : rkey_from_).bind(db, low, limit));
    return candidates((by_key ? key_range_ : rkey_range_).bind(db, low, high, limit));
  }
  std::vector<Candidate> query_contains(const std::string& db, const std::string& part, size_t limit) override {
    return candidates(contains_.bind(db, part, limit));
  }
  std::vector<Candidate> query_soundex(const std::string& db, const std::string& code, size_t limit) override {
    return candidates(soundex_.bind(db, code, limit));
  }
  std::vector<Candidate> query_short(const std::string& db, size_t chars, size_t limit) override {
    return candidates(short_.bind(db, chars, limit));
  }

 private:
  DbHandle db_;
  Statement databases_, define_, equal_, key_from_, key_range_, rkey_from_, rkey_range_, contains_, soundex_, short_;
};

class SqliteWriter final : public StoreWriter {
 public:
  explicit SqliteWriter(DbHandle db) : db_(std::move(db)) {
    exec(db_.get(), "BEGIN IMMEDIATE");  // the write lock now, not at the first insert
    open_ = true;
    exec(db_.get(), kSqliteSchema);
    delete_words_.emplace(db_.get(), "DELETE FROM words WHERE db = ?1");
    delete_database_.emplace(db_.get(), "DELETE FROM databases WHERE name = ?1");
    insert_word_.emplace(db_.get(),
                         "INSERT INTO words (word, mean, db, key, rkey, soundex) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert_database_.emplace(db_.get(), "INSERT INTO databases (name, description, words) VALUES (?1, ?2, ?3)");
  }
  ~SqliteWriter() override {
    if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  void replace_database(const std::string& name) override {
    delete_words_->bind(name).run();
    delete_database_->bind(name).run();
  }
  void add(const std::string& name, std::string_view word, std::string_view meaning) override {
    std::string key = fold_case(word);
    insert_word_->bind(word, meaning, name, key, reverse_code_points(key), soundex(word)).run();
  }
  void describe_database(const std::string& name, const std::string& description, uint64_t words) override {
    insert_database_->bind(name, description, static_cast<int64_t>(words)).run();
  }
  void commit() override {
    exec(db_.get(), "COMMIT");
    open_ = false;
  }

 private:
  DbHandle db_;
  bool open_ = false;
  std::optional<Statement> delete_words_, delete_database_, insert_word_, insert_database_;
};

bool has_table(sqlite3* db, const char* name) {
  Statement statement(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  return statement.bind(std::string_view(name)).step();
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, bool read_only) {
  for (int attempt = 0;; ++attempt) {
    DbHandle db = open_db(path, read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    try {
      if (!has_table(db.get(), "words") || !has_table(db.get(), "databases"))
        throw StoreError(
            fmt::format("{}: not a muxd dictionary (no words table); create one with muxd dict-import", path));
      return std::make_unique<SqliteStore>(std::move(db));
    } catch (const StoreError&) {
      // A killed import leaves a hot journal that only a writer can roll
      // back (SQLITE_READONLY_ROLLBACK): let one do it, then try again.
      if (!read_only || attempt > 0 || sqlite3_extended_errcode(db.get()) != SQLITE_READONLY_ROLLBACK) throw;
    }
    db.reset();
    DbHandle writer = open_db(path, SQLITE_OPEN_READWRITE);
    has_table(writer.get(), "words");
  }
}

std::unique_ptr<StoreWriter> open_sqlite_writer(const std::string& path) {
  return std::make_unique<SqliteWriter>(open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
}

}  // namespace muxd::dict
