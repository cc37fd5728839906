#include "tickets/tickets_server.h"

#include <memory>
#include <vector>

#include "core/log.h"
#include "core/server.h"
#include "core/session_host.h"
#include "core/timer_queue.h"
#include "core/work_pool.h"
#include "tickets/session.h"

namespace muxd::tickets {
namespace {

using SalePool = WorkPool<Stock>;

// The sessions' Seller: a sale is a job on the pool (one database connection
// per thread), its outcome comes back on this loop.
class PoolSeller final : public Seller {
 public:
  PoolSeller(SalePool& pool, EventLoop& loop) : pool_(pool), loop_(loop) {}

  bool submit(std::string buyer, std::function<void(Sale)> done) override {
    return pool_.try_submit(loop_, [buyer = std::move(buyer), done = std::move(done)](Stock& stock) {
      Sale sale = stock.buy(buyer);
      return SalePool::Completion([done, sale] { done(sale); });
    });
  }

 private:
  SalePool& pool_;
  EventLoop& loop_;
};

class TicketsWorker final : public ServiceWorker {
 public:
  TicketsWorker(EventLoop& loop, const TicketsConfig& config, SalePool& pool)
      : pool_(pool),
        seller_(pool, loop),
        linger_timeouts_(loop, config.linger_timeout),
        host_(loop, {&linger_timeouts_}, config.max_connections) {}

  // Workers are destroyed after every loop stopped, before the loops: the
  // pool's threads must be gone by then (work_pool.h).
  ~TicketsWorker() override { pool_.stop(); }

  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    host_.start(std::move(fd), peer, std::make_unique<Session>(seller_, peer.to_string()));
  }

  void drain(std::function<void()> done) override { host_.stop(std::move(done)); }

 private:
  SalePool& pool_;
  PoolSeller seller_;
  TimerQueue linger_timeouts_;
  SessionHost host_;  // last: its sessions use the seller and the queue
};

// One connection per pool thread; the first makes the schema and the stock.
std::vector<std::unique_ptr<Stock>> open_stocks(const TicketsConfig& config) {
  size_t threads = config.db_threads ? config.db_threads : (is_postgres_url(config.db) ? 4 : 1);
  std::vector<std::unique_ptr<Stock>> stocks;
  for (size_t i = 0; i < threads; ++i) stocks.push_back(open_stock(config.db, config.tickets, config.stock));
  StockState state = stocks.front()->state();
  if (config.tickets && !state.created && *config.tickets != state.total)
    throw StockError(fmt::format(
        "holds a stock of {} tickets ({} left); --tickets {} applies only to a new database "
        "(drop --tickets to sell from it, or give a new --db)",
        state.total, state.remaining, *config.tickets));
  log_info("tickets: {}: {} of {} tickets left ({})", is_postgres_url(config.db) ? "the PostgreSQL database" : config.db,
           state.remaining, state.total, state.created ? "a new database" : "its saved state");
  return stocks;
}

}  // namespace

int run_server(const TicketsConfig& config) {
  // Before the pool's threads exist, so that they inherit the mask (dict does the same).
  block_server_signals();
  std::vector<std::unique_ptr<Stock>> stocks;
  try {
    stocks = open_stocks(config);
  } catch (const std::exception& error) {
    std::string where = is_postgres_url(config.db) ? std::string("the PostgreSQL database") : config.db;
    log_error("muxd tickets: {}: {}", where, error.what());
    return 1;
  }
  SalePool pool(std::move(stocks), config.db_queue);

  ServerSpec spec;
  spec.service = "tickets";
  spec.workers = config.workers;
  spec.drain_timeout = config.shutdown_timeout;
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.nodelay = true;  // one small answer per connection
  spec.make_worker = [&](EventLoop& loop, size_t) { return std::make_unique<TicketsWorker>(loop, config, pool); };
  int status = muxd::run_server(spec);
  pool.stop();  // already stopped by the workers; here for a start-up that failed before any was made
  return status;
}

}  // namespace muxd::tickets
