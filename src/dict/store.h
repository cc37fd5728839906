#pragma once
// Store: one connection to the words table (SQLite file or PostgreSQL URL).
// Not thread-safe: the server's pool opens one per thread. Every statement is
// prepared; no input is ever spliced into SQL.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::dict {

enum class Strategy { exact, prefix, substring, suffix, lev, soundex };

struct Entry {
  std::string database;
  std::string word;
  std::string meaning;  // empty from match()
};

struct DatabaseInfo {
  std::string name;
  std::string description;
  uint64_t words = 0;
};

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::vector<DatabaseInfo> databases() = 0;  // sorted by name
  // database: a name, or "*" (every database, all matches) or "!" (the first
  // database, in databases() order, that has any). Case-insensitive where the
  // data is (the normalised key). At most `limit` results.
  virtual std::vector<Entry> define(std::string_view database, std::string_view word,
                                    size_t limit) = 0;
  virtual std::vector<Entry> match(std::string_view database, Strategy strategy,
                                   std::string_view word, size_t limit) = 0;
};

// "postgresql://..." or "postgres://..." -> libpq; anything else is a SQLite file path.
// read_only: the server's connections. Throws StoreError (a std::runtime_error)
// with a clear message.
std::unique_ptr<Store> open_store(const std::string& db, bool read_only);

}  // namespace muxd::dict
