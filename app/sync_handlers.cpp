#include "app/sync_handlers.hpp"

#include "actors/bridge.hpp"
#include "app/session.hpp"
#include "app/sync_services.hpp"
#include "crypto/hmac.hpp"
#include "log/log.hpp"
#include "storage/integrations_repo.hpp"
#include "storage/sync_runs_repo.hpp"

#include <boost/json/parse.hpp>
#include <caf/all.hpp>

#include <charconv>

namespace nexsync::app {

namespace {

using boost::asio::awaitable;
constexpr auto ask_timeout = std::chrono::seconds(10);
// A click waits for its run; the longest imports (100k variants on a Standard plan) take a while.
constexpr auto run_timeout = std::chrono::hours(4);

boost::json::object progress_json(const actors::job_progress& p) {
  boost::json::object o;
  o["run_id"] = p.run_id;
  o["direction"] = p.direction;
  o["trigger"] = p.trigger;
  o["done"] = p.done;
  o["total"] = p.total;
  o["started_ms"] = p.started_ms;
  return o;
}

boost::json::object result_json(const actors::sync_result& r) {
  boost::json::object o;
  o["run_id"] = r.run_id;
  o["direction"] = r.direction;
  o["trigger"] = r.trigger;
  o["synced"] = r.synced;
  o["skipped"] = r.skipped;
  o["failed"] = r.failed;
  o["error"] = r.error.empty() ? boost::json::value(nullptr) : boost::json::value(r.error);
  return o;
}

boost::json::object run_json(const storage::sync_run_row& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["direction"] = r.direction;
  o["trigger"] = r.trigger;
  o["status"] = r.status;
  o["synced"] = r.synced;
  o["skipped"] = r.skipped;
  o["failed"] = r.failed;
  o["error"] = r.error.empty() ? boost::json::value(nullptr) : boost::json::value(r.error);
  o["started_at"] = r.started_at;
  o["finished_at"] = r.finished_at.empty() ? boost::json::value(nullptr) : boost::json::value(r.finished_at);
  o["seconds"] = r.seconds;
  return o;
}

/// The tenant's connected shop domain, or nullopt.
awaitable<std::optional<std::string>> connected_shop(context& ctx, std::int64_t tenant_id) {
  auto find = [tenant_id](storage::connection& c) { return storage::find_integration(c, tenant_id, "shopify"); };
  auto integration = co_await ctx.db->query(find);
  if (!integration || integration->status != "connected") co_return std::nullopt;
  co_return integration->shop_domain;
}

awaitable<actors::shop_connection_actor> connection_of(sync_services& s, std::int64_t tenant_id, std::string shop) {
  co_return co_await actors::ask<actors::shop_connection_actor>(s.runtime.system(), s.registry, ask_timeout,
                                                                actors::connection_atom_v, tenant_id, shop);
}

http::response not_connected() {
  return http::response::json_error(409, "not_connected",
                                    "Shopify is not connected (or needs reconnecting). Connect it on the Website page first.");
}

awaitable<http::response> start_sync(context& ctx, sync_services& s, http::request& req, const storage::session_row& who) {
  if (!can_manage_integrations(who))
    co_return http::response::json_error(403, "forbidden", "Only owners and integration managers can run a sync.");
  boost::system::error_code ec;
  auto body = boost::json::parse(req.body, ec);
  std::string direction;
  if (!ec && body.is_object())
    if (auto* d = body.as_object().if_contains("direction"); d && d->is_string()) direction = std::string{d->as_string()};
  if (direction != "products" && direction != "customers" && direction != "orders" && direction != "inventory")
    co_return http::response::json_error(400, "bad_direction",
                                         "direction must be one of products, customers, orders, inventory.");
  auto shop = co_await connected_shop(ctx, who.tenant_id);
  if (!shop) co_return not_connected();
  auto conn = co_await connection_of(s, who.tenant_id, *shop);
  actors::sync_request request;
  request.direction = direction;
  request.trigger = "manual";
  request.user_id = who.user_id;
  auto reply = co_await actors::ask<actors::sync_reply>(s.runtime.system(), conn, run_timeout, actors::sync_atom_v, request);
  if (reply.refused) {
    boost::json::object out;
    out["error"] = "sync_in_progress";
    out["message"] = "A " + reply.running.direction + " sync is running; wait for it to finish.";
    out["running"] = progress_json(reply.running);
    co_return http::response::json(409, out);
  }
  co_return http::response::json(200, result_json(reply.result));
}

awaitable<http::response> status(context& ctx, sync_services& s, const storage::session_row& who) {
  auto shop = co_await connected_shop(ctx, who.tenant_id);
  boost::json::object out;
  out["connected"] = shop.has_value();
  if (!shop) co_return http::response::json(200, out);
  auto conn = co_await connection_of(s, who.tenant_id, *shop);
  auto st = co_await actors::ask<actors::connection_status>(s.runtime.system(), conn, ask_timeout, actors::status_atom_v);
  out["shop"] = *shop;
  out["busy"] = st.busy;
  out["running"] = st.busy ? boost::json::value(progress_json(st.running)) : boost::json::value(nullptr);
  out["queued"] = st.queued;
  boost::json::array last;
  for (auto& r : st.last) last.push_back(result_json(r));
  out["last"] = last;
  co_return http::response::json(200, out);
}

awaitable<http::response> runs(context& ctx, const storage::session_row& who) {
  auto tenant = who.tenant_id;
  auto load = [tenant](storage::connection& c) { return storage::recent_runs(c, tenant, 20); };
  auto rows = co_await ctx.db->query(load);
  boost::json::array out;
  for (auto& r : rows) out.push_back(run_json(r));
  boost::json::object body;
  body["runs"] = out;
  co_return http::response::json(200, body);
}

awaitable<http::response> skipped(context& ctx, http::request& req, const storage::session_row& who) {
  std::int64_t id = 0;
  auto& text = req.path_params["id"];
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (err != std::errc{} || end != text.data() + text.size())
    co_return http::response::json_error(404, "not_found", "There is no such sync run.");
  auto tenant = who.tenant_id;
  auto load = [tenant, id](storage::connection& c) {
    auto run = storage::find_run(c, tenant, id);
    return std::make_pair(run, run ? storage::run_skips(c, tenant, id, 5000) : std::vector<storage::skip_row>{});
  };
  auto [run, skips] = co_await ctx.db->query(load);
  if (!run) co_return http::response::json_error(404, "not_found", "There is no such sync run.");
  boost::json::array rows;
  for (auto& sk : skips) {
    boost::json::object o;
    o["key"] = sk.key;
    o["reason"] = sk.reason;
    rows.push_back(std::move(o));
  }
  boost::json::object body;
  body["run"] = run_json(*run);
  body["skipped"] = rows;
  co_return http::response::json(200, body);
}

// POST /api/cron/shopify-reconciliation: bearer secret; schedules a reconcile for every connected
// shop (queued behind any running job) and answers at once with what it scheduled.
awaitable<http::response> cron_reconcile(context& ctx, sync_services& s, http::request& req) {
  auto auth = std::string{req.header("Authorization").value_or("")};
  const std::string expected = "Bearer " + ctx.settings.cron_secret;
  if (ctx.settings.cron_secret.empty() || !crypto::constant_time_equal(auth, expected))
    co_return http::response::json_error(401, "unauthorized", "A valid cron bearer token is required.");
  auto list = [](storage::connection& c) { return storage::connected_shops(c, "shopify"); };
  auto shops = co_await ctx.db->query(list);
  boost::json::array scheduled;
  for (auto& shop : shops) {
    actors::sync_request request;
    request.direction = "reconcile";
    request.trigger = "cron";
    caf::anon_send(s.registry, actors::sync_atom_v, shop.tenant_id, shop.shop_domain, request);
    boost::json::object o;
    o["tenant_id"] = shop.tenant_id;
    o["shop"] = shop.shop_domain;
    scheduled.push_back(std::move(o));
  }
  log::info("sync", "reconciliation scheduled", {{"shops", static_cast<std::int64_t>(scheduled.size())}});
  boost::json::object body;
  body["scheduled"] = scheduled;
  co_return http::response::json(202, body);
}

}  // namespace

void add_sync_routes(http::router& r, context& ctx, sync_services& s) {
  r.add("POST", "/api/integrations/shopify/sync",
        api(ctx, [&ctx, &s](http::request& req, const storage::session_row& who) { return start_sync(ctx, s, req, who); }));
  r.add("GET", "/api/integrations/shopify/status",
        api(ctx, [&ctx, &s](http::request&, const storage::session_row& who) { return status(ctx, s, who); }));
  r.add("GET", "/api/integrations/shopify/runs",
        api(ctx, [&ctx](http::request&, const storage::session_row& who) { return runs(ctx, who); }));
  r.add("GET", "/api/integrations/shopify/runs/{id}/skipped",
        api(ctx, [&ctx](http::request& req, const storage::session_row& who) { return skipped(ctx, req, who); }));
  r.add("POST", "/api/cron/shopify-reconciliation", [&ctx, &s](http::request& req) { return cron_reconcile(ctx, s, req); });
}

}  // namespace nexsync::app
