#include "tickets/stock.h"

namespace muxd::tickets {

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::unique_ptr<Stock> open_stock(const std::string& db, std::optional<int64_t> tickets, const StockOptions& options) {
  return is_postgres_url(db) ? open_postgres_stock(db, tickets, options) : open_sqlite_stock(db, tickets, options);
}

}  // namespace muxd::tickets
