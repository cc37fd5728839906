#include "dict/query.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "core/log.h"

namespace muxd::dict {

const std::vector<DatabaseInfo>& QueryRunner::databases(Clock::time_point now) {
  if (!have_databases_ || now - databases_read_ >= std::chrono::seconds(1)) {
    databases_ = store_->databases();
    databases_read_ = now;
    have_databases_ = true;
  }
  return databases_;
}

QueryResult QueryRunner::execute(const Query& query, Clock::time_point now) {
  QueryResult result;
  result.databases = databases(now);
  if (query.kind == Query::Kind::databases) return result;
  bool known = query.database == "*" || query.database == "!" ||
               std::any_of(result.databases.begin(), result.databases.end(),
                           [&](const DatabaseInfo& db) { return db.name == query.database; });
  if (!known) {
    result.status = QueryResult::Status::unknown_database;
    return result;
  }
  result.entries = query.kind == Query::Kind::define
                       ? store_->define(query.database, query.word, query.limit)
                       : store_->match(query.database, query.strategy, query.word, query.limit);
  return result;
}

QueryResult QueryRunner::run(const Query& query, Clock::time_point now) {
  if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
  try {
    return execute(query, now);
  } catch (const std::exception& error) {
    report(error, now);
    QueryResult failed;
    failed.status = QueryResult::Status::failed;
    return failed;
  }
}

std::string QueryRunner::meaning(const std::string& word) {
  if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
  std::vector<Entry> found = store_->define("!", word, 1);
  return found.empty() ? std::string() : std::move(found.front().meaning);
}

void QueryRunner::report(const std::exception& error, Clock::time_point now) {
  if (now - last_report_ < std::chrono::seconds(1) && last_report_ != Clock::time_point{}) return;
  last_report_ = now;
  log_warn("dict: the database failed: {}", error.what());
}

}  // namespace muxd::dict
