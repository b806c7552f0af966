#include "app/system_handlers.hpp"

#include "app/metrics.hpp"
#include "app/pages.hpp"
#include "app/session.hpp"
#include "storage/migrations.hpp"

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

}  // namespace

void add_system_routes(http::router& r, context& ctx) {
  r.add("GET", "/healthz", [](http::request&) -> boost::asio::awaitable<http::response> {
    co_return http::response::json(200, {{"status", "ok"}});
  });
  r.add("GET", "/readyz", [&ctx](http::request&) { return readyz(ctx); });
  r.add("GET", "/metrics", [&ctx](http::request&) -> boost::asio::awaitable<http::response> {
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
