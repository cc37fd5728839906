#include "dict/store.h"

#include "dict/store_writer.h"

namespace muxd::dict {

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::unique_ptr<Store> open_store(const std::string& db, bool read_only) {
  // A PostgreSQL reader needs no read-only mode: it runs only SELECTs.
  return is_postgres_url(db) ? open_postgres_store(db) : open_sqlite_store(db, read_only);
}

std::unique_ptr<StoreWriter> open_store_writer(const std::string& db) {
  return is_postgres_url(db) ? open_postgres_writer(db) : open_sqlite_writer(db);
}

}  // namespace muxd::dict
