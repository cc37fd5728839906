#pragma once
// What the DICT session and the UDP server ask of the words table, and the
// code that answers on a pool thread. The session never touches a Store: it
// hands a Query to a Backend (the WorkPool in the server, a fake in tests)
// and gets the QueryResult back later, on its own thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dict/store.h"

namespace muxd::dict {

struct Query {
  enum class Kind { define, match, databases };
  Kind kind = Kind::define;
  std::string database;  // a name, "*" or "!" (define, match)
  Strategy strategy = Strategy::exact;
  std::string word;
  size_t limit = 0;
};

struct QueryResult {
  enum class Status { ok, unknown_database, failed };
  Status status = Status::ok;
  std::vector<Entry> entries;
  std::vector<DatabaseInfo> databases;  // always: the descriptions the answer names
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Starts `query`; `done` runs later on the caller's thread, never inside
  // submit. False, and `done` never runs, when too busy (the queue is full).
  virtual bool submit(Query query, std::function<void(QueryResult)> done) = 0;
};

// One pool thread's context: its Store and the list of databases it read
// last (re-read when a second old, so that a database imported while the
// server runs shows within a second).
class QueryRunner {
 public:
  using Clock = std::chrono::steady_clock;
  // `delay`: each query first sleeps that long (tests of a busy database only).
  explicit QueryRunner(std::unique_ptr<Store> store, std::chrono::milliseconds delay = {})
      : store_(std::move(store)), delay_(delay) {}

  // Never throws: a store error is logged (once a second at most per
  // thread) and answered as Status::failed.
  QueryResult run(const Query& query, Clock::time_point now = Clock::now());
  // The course's UDP lookup: the first meaning of `word` in any database, or empty.
  // Throws StoreError.
  std::string meaning(const std::string& word);
  void report(const std::exception& error, Clock::time_point now);

 private:
  const std::vector<DatabaseInfo>& databases(Clock::time_point now);
  QueryResult execute(const Query& query, Clock::time_point now);

  std::unique_ptr<Store> store_;
  std::chrono::milliseconds delay_;
  std::vector<DatabaseInfo> databases_;
  Clock::time_point databases_read_{};
  bool have_databases_ = false;
  Clock::time_point last_report_{};
};

}  // namespace muxd::dict
