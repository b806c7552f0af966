#include "app/instance.hpp"

#include "app/metrics.hpp"
#include "app/routes.hpp"
#include "app/sync_services.hpp"
#include "app/webhook_handlers.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "storage/housekeeping_repo.hpp"
#include "storage/migrations.hpp"
#include "storage/sync_runs_repo.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <future>
#include <thread>

namespace nexsync::app {

namespace {

// Deletes what has expired or is older than the kept history (storage/housekeeping_repo.hpp) once an
// hour, the first time a minute after start-up. Runs until the server's threads stop.
boost::asio::awaitable<void> keep_history_bounded(context& ctx) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
  auto wait = std::chrono::minutes(1);
  for (;;) {
    timer.expires_after(wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
    wait = std::chrono::hours(1);
    storage::retention keep;
    keep.session_idle_seconds = ctx.settings.session_idle_minutes * 60;
    keep.history_days = ctx.settings.retention_days;
    try {
      auto prune = [keep](storage::connection& c) { return storage::prune_old_records(c, keep); };
      auto n = co_await ctx.db->query(prune);
      if (n.sessions + n.webhook_events + n.background_runs + n.reconcile_reports + n.oauth_flows > 0)
        log::info("storage", "expired and old records deleted",
                  {{"sessions", n.sessions}, {"webhook_events", n.webhook_events}, {"background_runs", n.background_runs},
                   {"reconcile_reports", n.reconcile_reports}, {"oauth_flows", n.oauth_flows}});
    } catch (const std::exception& e) {
      log::warn("storage", "housekeeping failed; trying again in an hour", {{"error", e.what()}});
    }
  }
}

// Applies migrations at start-up, then closes the runs the last process left running, retrying with
// backoff while the database is down; /readyz says false until it succeeds.
boost::asio::awaitable<void> migrate_when_reachable(context& ctx) {
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    try {
      auto apply = [](storage::connection& c) { return storage::migrate(c); };
      auto applied = co_await ctx.db->query(apply);
      for (auto& name : applied) log::info("storage", "migration applied", {{"name", name}});
      auto close = [](storage::connection& c) { return storage::close_interrupted_runs(c); };
      if (auto closed = co_await ctx.db->query(close); closed > 0)
        log::warn("sync", "runs interrupted by the last stop closed as failed", {{"runs", closed}});
      ctx.migrations_applied = true;
      if (ctx.sync) ctx.sync->replay_pending_webhooks(ctx);
      boost::asio::co_spawn(co_await boost::asio::this_coro::executor, keep_history_bounded(ctx), boost::asio::detached);
      co_return;
    } catch (const std::exception& e) {
      log::warn("storage", "database not ready; retrying", {{"error", e.what()}, {"retry_ms", delay.count()}});
    }
    boost::asio::steady_timer t{co_await boost::asio::this_coro::executor, delay};
    co_await t.async_wait(boost::asio::use_awaitable);
    delay = std::min(delay * 2, std::chrono::milliseconds(30000));
  }
}

}  // namespace

struct instance::impl {
  explicit impl(const config::settings& s) : io(static_cast<int>(s.http_threads)), work(io.get_executor()) {
    ctx.settings = s;
    ctx.db = std::make_shared<storage::pool>(s.database_url, static_cast<std::size_t>(s.db_pool_size));
    // The webhook connections run the event insert only: its plan does not depend on the tables' size.
    ctx.webhook_db = std::make_shared<storage::pool>(s.database_url, static_cast<std::size_t>(s.webhook_db_connections),
                                                     storage::planning::cached);
    ctx.stats = std::make_shared<metrics>();
    ctx.sync = std::make_shared<sync_services>(ctx, io.get_executor());
    ctx.sync->env->bulk_import_min_products = s.bulk_import_min_products;  // before any job can run
    add_routes(routes, ctx);
    http::server_options options;
    options.larger_bodies.emplace_back(std::string{webhook_path}, webhook_body_limit);
    for (auto& address : config::parse_address_list(s.trusted_proxies).value_or(std::vector<std::string>{}))
      options.trusted_proxies.push_back(boost::asio::ip::make_address(address));  // validated with the settings
    options.observe = [this](const http::request& req, const http::response& res, double ms) {
      ctx.stats->observe(req, res, ms);
    };
    server = std::make_unique<http::server>(io, options, routes.as_handler());
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  context ctx;  // after io: destroyed before it, since its services hold io's executors
  http::router routes;
  std::unique_ptr<http::server> server;
  boost::asio::ip::tcp::endpoint bound;
  std::vector<std::thread> threads;
  bool stopped = false;
};

instance::instance(const config::settings& settings) : impl_(std::make_unique<impl>(settings)) {
  auto listen = config::parse_listen(settings.listen);
  impl_->bound = impl_->server->listen(listen->host, listen->port);
  impl_->server->start();
  boost::asio::co_spawn(impl_->io, migrate_when_reachable(impl_->ctx), boost::asio::detached);
  for (int i = 0; i < settings.http_threads; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
  log::info("server", "listening", {{"address", impl_->bound.address().to_string()}, {"port", impl_->bound.port()}});
}

instance::~instance() { stop(); }

boost::asio::ip::tcp::endpoint instance::endpoint() const { return impl_->bound; }

context& instance::services() { return impl_->ctx; }

void instance::stop(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Sync jobs stop at their next page boundary, so a click waiting for its run is answered (the run
  // "interrupted", every page so far kept) while requests drain.
  if (impl_->ctx.sync) impl_->ctx.sync->ask_jobs_to_stop();
  std::promise<void> drained;
  impl_->server->shutdown(grace, [&drained] { drained.set_value(); });
  drained.get_future().wait();
  // Jobs no request waits for (webhooks, the daily reconcile) record their end while the pools are open.
  if (impl_->ctx.sync && !impl_->ctx.sync->env->stopper.wait_until_idle(grace))
    log::warn("sync", "sync jobs still running at shutdown; the next start closes their runs as interrupted");
  // Then everything that completes on our threads, while they still run: actors, then database jobs
  // (a completion delivered to a destroyed io_context is a use-after-free).
  if (impl_->ctx.sync) impl_->ctx.sync->stop();
  impl_->ctx.webhook_db->close();
  impl_->ctx.db->close();
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  log::info("server", "stopped");
}

void instance::run_until_signal() {
  boost::asio::io_context signal_io;
  boost::asio::signal_set signals{signal_io, SIGINT, SIGTERM};
  signals.async_wait([](boost::system::error_code, int) {});
  signal_io.run();
  log::info("server", "shutting down: finishing in-flight requests");
  stop();
}

}  // namespace nexsync::app
