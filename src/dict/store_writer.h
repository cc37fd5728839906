#pragma once
// StoreWriter: the import side of the words table. One writer is one
// transaction: nothing it wrote is visible to readers until commit(), and a
// writer destroyed (or a process killed) before commit() leaves the table as
// it was (SQLite's rollback journal; PostgreSQL's aborted transaction).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dict/store.h"

namespace muxd::dict {

class StoreWriter {
 public:
  virtual ~StoreWriter() = default;  // rolls back unless committed
  // Deletes database `name`'s words and entry: the import replaces it.
  virtual void replace_database(const std::string& name) = 0;
  virtual void add(const std::string& name, std::string_view word, std::string_view meaning) = 0;
  // The databases row, once the words are in.
  virtual void describe_database(const std::string& name, const std::string& description, uint64_t words) = 0;
  virtual void commit() = 0;
};

// Creates the schema if it is missing and begins the transaction. Throws StoreError.
std::unique_ptr<StoreWriter> open_store_writer(const std::string& db);

// Back ends (sqlite_store.cpp, postgres_store.cpp).
bool is_postgres_url(std::string_view db);
std::unique_ptr<Store> open_sqlite_store(const std::string& path, bool read_only);
std::unique_ptr<StoreWriter> open_sqlite_writer(const std::string& path);
std::unique_ptr<Store> open_postgres_store(const std::string& url);
std::unique_ptr<StoreWriter> open_postgres_writer(const std::string& url);

}  // namespace muxd::dict
