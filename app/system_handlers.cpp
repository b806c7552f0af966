#include "app/system_handlers.hpp"

#include "app/metrics.hpp"
#include "app/pages.hpp"
#include "app/session.hpp"
#include "crypto/hmac.hpp"
#include "storage/migrations.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>

namespace nexsync::app {

namespace {

boost::asio::awaitable<http::response> readyz(context& ctx) {
  bool database = false, migrations = false;
  std::string problem;
  try {
    auto check = [](storage::connection& c) { return storage::migrations_current(c); };
    migrations = co_await ctx.db->query(check);
    database = true;
  } catch (const std::exception& e) {
    problem = e.what();
  }
  bool ready = database && migrations && ctx.migrations_applied;
  boost::json::object body{{"ready", ready}, {"database", database}, {"migrations", migrations}};
  if (!database) body["message"] = "The database is not reachable.";
  else if (!migrations) body["message"] = "Database migrations are not applied yet.";
  co_return http::response::json(ready ? 200 : 503, body);
}

// Metrics name routes, their latencies and the pool's use: not for the public. With a metrics token a
// scraper sends it as a bearer token; without one, only this machine (a loopback client) may read them.
std::optional<http::response> metrics_refusal(const context& ctx, const http::request& req) {
  if (!ctx.settings.metrics_token.empty()) {
    if (crypto::constant_time_equal(req.header("Authorization").value_or(""), "Bearer " + ctx.settings.metrics_token))
      return std::nullopt;
    return http::response::json_error(401, "unauthorized", "Send NEXSYNC_METRICS_TOKEN as a bearer token to read metrics.");
  }
  boost::system::error_code ec;
  auto client = boost::asio::ip::make_address(req.remote_address, ec);
  if (!ec && client.is_v6() && client.to_v6().is_v4_mapped())
    client = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, client.to_v6());
  if (!ec && client.is_loopback()) return std::nullopt;
  return http::response::json_error(403, "forbidden",
                                    "Metrics are readable from this machine only, unless NEXSYNC_METRICS_TOKEN is set.");
}

}  // namespace

void add_system_routes(http::router& r, context& ctx) {
  r.add("GET", "/healthz", [](http::request&) -> boost::asio::awaitable<http::response> {
    co_return http::response::json(200, {{"status", "ok"}});
  });
  r.add("GET", "/readyz", [&ctx](http::request&) { return readyz(ctx); });
  r.add("GET", "/metrics", [&ctx](http::request& req) -> boost::asio::awaitable<http::response> {
    if (auto refused = metrics_refusal(ctx, req)) co_return std::move(*refused);
    auto res = http::response::text(200, ctx.stats->render(ctx.db->stats()));
    res.set_header("Content-Type", "text/plain; version=0.0.4");
    co_return res;
  });
  r.add_prefix("GET", "/static/", [](http::request& req) -> boost::asio::awaitable<http::response> {
    if (auto asset = static_asset(std::string_view{req.path}.substr(8))) co_return *asset;
    co_return http::response::text(404, "Not found");
  });
  r.add("GET", "/", page(ctx, [](http::request&, const storage::session_row& s) -> boost::asio::awaitable<http::response> {
    co_return render_page("home", "Home", {}, &s);
  }));
}

}  // namespace nexsync::app
