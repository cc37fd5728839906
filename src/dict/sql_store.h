#pragma once
// SqlStore: the Store logic both back ends share (the "*" and "!" databases,
// the strategies as key ranges and filters); each back end supplies a few
// prepared queries. Internal to src/dict.
//
// Schema (the course's words(word, mean), plus what lookups need):
//   databases(name PRIMARY KEY, description, words)
//   words(word, mean, db, key, rkey, soundex, id)
//     key     fold_case(word)                  DEFINE, exact, prefix, substring, lev
//     rkey    reverse_code_points(key)         suffix (a prefix range on rkey)
//     soundex soundex(word)                    soundex (equality)
//     id      insertion order                  the order of a word's definitions
//   indexes (db, key), (db, rkey), (db, soundex). Keys compare bytewise
//   (SQLite's BINARY, PostgreSQL's COLLATE "C"), which for UTF-8 is code point
//   order, so "starts with P" is the range [P, prefix_successor(P)).
#include <string>
#include <vector>

#include "dict/store.h"

namespace muxd::dict {

// A word as MATCH lists it: its key (for ordering and filters) and the word.
struct Candidate {
  std::string key, word;
};

class SqlStore : public Store {
 public:
  std::vector<Entry> define(std::string_view database, std::string_view word, size_t limit) final;
  std::vector<Entry> match(std::string_view database, Strategy strategy, std::string_view word,
                           size_t limit) final;

 protected:
  enum class Column { key, rkey };
  // Definitions of `key` in `db`, in id order.
  virtual std::vector<Entry> query_define(const std::string& db, const std::string& key, size_t limit) = 0;
  // Distinct (key, word) by (key, word): key equal / column in [low, high)
  // (high empty: unbounded) / key containing `part` (a scan of db's rows) /
  // soundex equal / key at most `chars` code points long (a scan).
  virtual std::vector<Candidate> query_equal(const std::string& db, const std::string& key, size_t limit) = 0;
  virtual std::vector<Candidate> query_range(const std::string& db, Column column, const std::string& low,
                                             const std::string& high, size_t limit) = 0;
  virtual std::vector<Candidate> query_contains(const std::string& db, const std::string& part, size_t limit) = 0;
  virtual std::vector<Candidate> query_soundex(const std::string& db, const std::string& code, size_t limit) = 0;
  virtual std::vector<Candidate> query_short(const std::string& db, size_t chars, size_t limit) = 0;

 private:
  std::vector<std::string> resolve(std::string_view database);
  std::vector<Candidate> match_one(const std::string& db, Strategy strategy, const std::string& key,
                                   std::string_view word, size_t limit);
  std::vector<Candidate> match_lev(const std::string& db, const std::string& key, size_t limit);
};

// The schema statements (CREATE ... IF NOT EXISTS), for SQLite and PostgreSQL.
extern const char* const kSqliteSchema;
extern const char* const kPostgresSchema;

}  // namespace muxd::dict
