#include "dict/sql_store.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "dict/keys.h"
#include "dict/matchers.h"

namespace muxd::dict {
namespace {

// lev fetches candidates by index ranges, then filters them here; a range
// holds at most this many rows (a one-letter prefix of WordNet: ~12,000).
constexpr size_t kLevCandidates = 100'000;

std::vector<Entry> to_entries(const std::string& db, std::vector<Candidate> found) {
  std::vector<Entry> out;
  out.reserve(found.size());
  for (auto& candidate : found) out.push_back(Entry{db, std::move(candidate.word), {}});
  return out;
}

}  // namespace

const char* const kSqliteSchema = R"(
CREATE TABLE IF NOT EXISTS databases (
  name TEXT PRIMARY KEY, description TEXT NOT NULL, words INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS words (
  word TEXT NOT NULL, mean TEXT NOT NULL, db TEXT NOT NULL,
  key TEXT NOT NULL, rkey TEXT NOT NULL, soundex TEXT NOT NULL,
  id INTEGER PRIMARY KEY);
CREATE INDEX IF NOT EXISTS words_key ON words (db, key);
CREATE INDEX IF NOT EXISTS words_rkey ON words (db, rkey);
CREATE INDEX IF NOT EXISTS words_soundex ON words (db, soundex);
)";

const char* const kPostgresSchema = R"(
CREATE TABLE IF NOT EXISTS databases (
  name TEXT PRIMARY KEY, description TEXT NOT NULL, words BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS words (
  word TEXT NOT NULL, mean TEXT NOT NULL, db TEXT NOT NULL,
  key TEXT COLLATE "C" NOT NULL, rkey TEXT COLLATE "C" NOT NULL, soundex TEXT NOT NULL,
  id BIGSERIAL PRIMARY KEY);
CREATE INDEX IF NOT EXISTS words_key ON words (db, key);
CREATE INDEX IF NOT EXISTS words_rkey ON words (db, rkey);
CREATE INDEX IF NOT EXISTS words_soundex ON words (db, soundex);
)";

std::vector<std::string> SqlStore::resolve(std::string_view database) {
  std::vector<std::string> names;
  bool any = database == "*" || database == "!";
  for (auto& info : databases())
    if (any || info.name == database) names.push_back(std::move(info.name));
  return names;
}

// A word that is not valid UTF-8, or holds NUL, matches nothing: imports
// store neither, and PostgreSQL refuses both as a text parameter.
static bool searchable(std::string_view word) {
  return is_valid_utf8(word) && word.find('\0') == std::string_view::npos;
}

std::vector<Entry> SqlStore::define(std::string_view database, std::string_view word, size_t limit) {
  std::vector<Entry> out;
  if (!searchable(word) || word.empty()) return out;
  std::string key = fold_case(word);
  for (const auto& db : resolve(database)) {
    if (out.size() >= limit) break;
    auto found = query_define(db, key, limit - out.size());
    std::move(found.begin(), found.end(), std::back_inserter(out));
    if (database == "!" && !out.empty()) break;
  }
  return out;
}

std::vector<Entry> SqlStore::match(std::string_view database, Strategy strategy, std::string_view word,
                                   size_t limit) {
  std::vector<Entry> out;
  if (!searchable(word)) return out;
  std::string key = fold_case(word);
  for (const auto& db : resolve(database)) {
    if (out.size() >= limit) break;
    auto found = to_entries(db, match_one(db, strategy, key, word, limit - out.size()));
    std::move(found.begin(), found.end(), std::back_inserter(out));
    if (database == "!" && !out.empty()) break;
  }
  return out;
}

std::vector<Candidate> SqlStore::match_one(const std::string& db, Strategy strategy, const std::string& key,
                                           std::string_view word, size_t limit) {
  switch (strategy) {
    case Strategy::exact:
      return query_equal(db, key, limit);
    case Strategy::prefix:
      return query_range(db, Column::key, key, prefix_successor(key), limit);
    case Strategy::suffix: {
      std::string reversed = reverse_code_points(key);
      return query_range(db, Column::rkey, reversed, prefix_successor(reversed), limit);
    }
    case Strategy::substring:
      return query_contains(db, key, limit);
    case Strategy::soundex: {
      std::string code = soundex(word);
      if (code.empty()) return {};
      return query_soundex(db, code, limit);
    }
    case Strategy::lev:
      return match_lev(db, key, limit);
  }
  return {};
}

// A key within one edit of K (n code points, K = A + B, A the first n/2)
// either still starts with A (the edit is in B, or an insertion between
// them) or still ends with B (the edit is in A): two index ranges. For n <= 1
// there is no such half: the candidates are the keys of at most n + 1 code
// points, found by a scan of the database's rows.
std::vector<Candidate> SqlStore::match_lev(const std::string& db, const std::string& key, size_t limit) {
  std::vector<std::string_view> cps;
  for (size_t pos = 0; pos < key.size();) {
    size_t start = pos;
    next_code_point(key, pos);
    cps.push_back(std::string_view(key).substr(start, pos - start));
  }
  std::vector<Candidate> candidates;
  if (cps.size() <= 1) {
    candidates = query_short(db, cps.size() + 1, kLevCandidates);
  } else {
    size_t half = cps.size() / 2;
    std::string front, back;
    for (size_t i = 0; i < cps.size(); ++i) (i < half ? front : back) += cps[i];
    candidates = query_range(db, Column::key, front, prefix_successor(front), kLevCandidates);
    std::string reversed = reverse_code_points(back);
    auto more = query_range(db, Column::rkey, reversed, prefix_successor(reversed), kLevCandidates);
    std::move(more.begin(), more.end(), std::back_inserter(candidates));
  }
  std::erase_if(candidates, [&](const Candidate& c) { return c.key == key || !within_one_edit(c.key, key); });
  auto order = [](const Candidate& a, const Candidate& b) { return std::tie(a.key, a.word) < std::tie(b.key, b.word); };
  std::sort(candidates.begin(), candidates.end(), order);
  auto same = [](const Candidate& a, const Candidate& b) { return a.key == b.key && a.word == b.word; };
  candidates.erase(std::unique(candidates.begin(), candidates.end(), same), candidates.end());
  if (candidates.size() > limit) candidates.resize(limit);
  return candidates;
}

}  // namespace muxd::dict
