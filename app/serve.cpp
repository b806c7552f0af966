#include "app/serve.hpp"

#include "app/context.hpp"
#include "app/metrics.hpp"
#include "app/routes.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "storage/migrations.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>
#include <thread>

namespace nexsync::app {

namespace {

// Applies migrations at start-up, retrying with backoff while the database is down; /readyz says
// false until it succeeds.
boost::asio::awaitable<void> migrate_when_reachable(context& ctx) {
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    try {
      auto apply = [](storage::connection& c) { return storage::migrate(c); };
      auto applied = co_await ctx.db->query(apply);
      for (auto& name : applied) log::info("storage", "migration applied", {{"name", name}});
      ctx.migrations_applied = true;
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

int serve(const config::settings& settings) {
  auto listen = config::parse_listen(settings.listen);
  context ctx;
  ctx.settings = settings;
  ctx.db = std::make_shared<storage::pool>(settings.database_url, static_cast<std::size_t>(settings.db_pool_size));
  ctx.stats = std::make_shared<metrics>();

  boost::asio::io_context io{static_cast<int>(settings.http_threads)};
  http::router routes;
  add_routes(routes, ctx);
  http::server_options options;
  options.observe = [&ctx](const http::request& req, const http::response& res, double ms) {
    ctx.stats->observe(req, res, ms);
  };
  http::server server{io, options, routes.as_handler()};
  boost::asio::ip::tcp::endpoint bound;
  try {
    bound = server.listen(listen->host, listen->port);
  } catch (const std::exception& e) {
    std::cerr << "nexsync: cannot listen on " << settings.listen << ": " << e.what() << "\n";
    return 1;
  }
  server.start();
  boost::asio::co_spawn(io, migrate_when_reachable(ctx), boost::asio::detached);

  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    log::info("server", "shutting down: finishing in-flight requests");
    server.shutdown(std::chrono::seconds(10), [&io] { io.stop(); });
  });

  for (auto& line : config::describe(settings)) log::debug("config", line);
  log::info("server", "listening", {{"address", bound.address().to_string()}, {"port", bound.port()}});
  std::cout << "nexsync listening on http://" << bound.address().to_string() << ":" << bound.port() << std::endl;

  std::vector<std::thread> threads;
  for (int i = 1; i < settings.http_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  log::info("server", "stopped");
  return 0;
}

}  // namespace nexsync::app
