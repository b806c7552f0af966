#include "app/sync_handlers.hpp"

#include "actors/bridge.hpp"
#include "app/pages.hpp"
#include "app/session.hpp"
#include "app/sync_services.hpp"
#include "crypto/hmac.hpp"
#include "log/log.hpp"
#include "storage/integrations_repo.hpp"
#include "storage/sync_runs_repo.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
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
  o["stopped"] = r.stopped;  // the server stopped it: run it again, nothing is wrong with the store
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

// The shop connection's state, as /status answers and /events streams it.
awaitable<boost::json::object> status_body(context& ctx, sync_services& s, std::int64_t tenant_id) {
  auto shop = co_await connected_shop(ctx, tenant_id);
  boost::json::object out;
  out["connected"] = shop.has_value();
  if (!shop) co_return out;
  auto conn = co_await connection_of(s, tenant_id, *shop);
  auto st = co_await actors::ask<actors::connection_status>(s.runtime.system(), conn, ask_timeout, actors::status_atom_v);
  out["shop"] = *shop;
  out["busy"] = st.busy;
  out["running"] = st.busy ? boost::json::value(progress_json(st.running)) : boost::json::value(nullptr);
  out["queued"] = st.queued;
  boost::json::array last;
  for (auto& r : st.last) last.push_back(result_json(r));
  out["last"] = last;
  co_return out;
}

awaitable<http::response> status(context& ctx, sync_services& s, const storage::session_row& who) {
  auto body = co_await status_body(ctx, s, who.tenant_id);
  co_return http::response::json(200, body);
}

// Server-sent events: the status whenever it changes (checked every 500 ms, so every tab and every
// user of the tenant sees the same run), a comment every 15 s to keep proxies from closing the stream.
awaitable<void> status_events(context& ctx, sync_services& s, std::int64_t tenant_id, http::body_stream& out) {
  constexpr auto tick = std::chrono::milliseconds(500);
  constexpr int ticks_per_keepalive = 30;
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
  std::string last_sent;
  int quiet = 0;
  while (!out.stopping()) {
    std::string piece;
    try {
      auto body = co_await status_body(ctx, s, tenant_id);
      auto data = boost::json::serialize(body);
      if (data != last_sent) {
        piece = "event: status\ndata: " + data + "\n\n";
        last_sent = data;
      }
    } catch (const std::exception&) {
      piece = "event: unavailable\ndata: {}\n\n";  // the page keeps its last state and retries
    }
    if (piece.empty() && ++quiet >= ticks_per_keepalive) piece = ": keep-alive\n\n";
    if (!piece.empty()) {
      quiet = 0;
      auto sent = co_await out.write(piece);
      if (!sent) co_return;
    }
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;
  }
}

awaitable<http::response> events(context& ctx, sync_services& s, const storage::session_row& who) {
  http::response res;
  res.set_header("Content-Type", "text/event-stream");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  auto tenant = who.tenant_id;
  res.stream = [&ctx, &s, tenant](http::body_stream& out) { return status_events(ctx, s, tenant, out); };
  co_return res;
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

// A run of this tenant with its skipped rows (at most max_skips), or nullopt.
using run_with_skips = std::pair<storage::sync_run_row, std::vector<storage::skip_row>>;
constexpr std::int64_t max_skips = 5000;

awaitable<std::optional<run_with_skips>> load_run(context& ctx, http::request& req, const storage::session_row& who) {
  std::int64_t id = 0;
  auto& text = req.path_params["id"];
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (err != std::errc{} || end != text.data() + text.size()) co_return std::nullopt;
  auto tenant = who.tenant_id;
  auto load = [tenant, id](storage::connection& c) -> std::optional<run_with_skips> {
    auto run = storage::find_run(c, tenant, id);
    if (!run) return std::nullopt;
    return run_with_skips{*run, storage::run_skips(c, tenant, id, max_skips)};
  };
  auto found = co_await ctx.db->query(load);
  co_return found;
}

// What a skip reason means, for a person.
std::string_view reason_text(std::string_view code) {
  if (code == "no_sku") return "The variant has no SKU, so it cannot be matched.";
  if (code == "duplicate_sku") return "Another variant has the same SKU; the first one wins.";
  if (code == "unchanged") return "Nothing changed since the last sync.";
  if (code == "no_email") return "The customer has no email address, so it cannot be matched.";
  if (code == "already_imported") return "Already recorded as a sale.";
  if (code == "not_paid") return "The order is not paid.";
  if (code == "duplicate_order_name") return "Another sale already has this order name.";
  if (code == "invalid_order") return "The order has amounts, lines or fields nexsync cannot store.";
  if (code == "in_sync") return "Shopify already has this quantity.";
  return code;
}

awaitable<http::response> skipped(context& ctx, http::request& req, const storage::session_row& who) {
  auto found = co_await load_run(ctx, req, who);
  if (!found) co_return http::response::json_error(404, "not_found", "There is no such sync run.");
  boost::json::array rows;
  for (auto& sk : found->second) {
    boost::json::object o;
    o["key"] = sk.key;
    o["reason"] = sk.reason;
    rows.push_back(std::move(o));
  }
  boost::json::object body;
  body["run"] = run_json(found->first);
  body["skipped"] = rows;
  co_return http::response::json(200, body);
}

// GET /integrations/runs/{id}: the run and its skipped rows with why, for people.
awaitable<http::response> run_page(context& ctx, http::request& req, const storage::session_row& who) {
  auto found = co_await load_run(ctx, req, who);
  if (!found) {
    boost::json::object missing;
    missing["heading"] = "Not found";
    missing["message"] = "There is no such sync run.";
    co_return render_page("error", "Not found", missing, &who, "integrations", 404);
  }
  boost::json::array rows;
  for (auto& sk : found->second) {
    boost::json::object o;
    o["key"] = sk.key;
    o["reason_text"] = reason_text(sk.reason);
    rows.push_back(std::move(o));
  }
  boost::json::object page;
  page["run"] = run_json(found->first);
  page["truncated"] = static_cast<std::int64_t>(rows.size()) >= max_skips;
  page["skipped"] = rows;
  co_return render_page("sync_run", "Sync run", page, &who, "integrations");
}

// POST /api/cron/shopify-reconciliation: bearer secret; the reconciler queues a reconcile for every
// connected shop (behind any running job) and the answer lists them at once.
awaitable<http::response> cron_reconcile(context& ctx, sync_services& s, http::request& req) {
  auto auth = std::string{req.header("Authorization").value_or("")};
  const std::string expected = "Bearer " + ctx.settings.cron_secret;
  if (ctx.settings.cron_secret.empty() || !crypto::constant_time_equal(auth, expected))
    co_return http::response::json_error(401, "unauthorized", "A valid cron bearer token is required.");
  std::vector<actors::walk_order> walks;
  try {
    walks = co_await actors::ask<std::vector<actors::walk_order>>(s.runtime.system(), s.reconciler,
                                                                   std::chrono::seconds(30), actors::reconcile_atom_v);
  } catch (const actors::ask_failed&) {
    co_return http::response::json_error(503, "unavailable",
                                         "The connected shops could not be listed; nothing was scheduled. Try again.");
  }
  boost::json::array scheduled;
  for (auto& walk : walks) {
    boost::json::object o;
    o["tenant_id"] = walk.tenant_id;
    o["shop"] = walk.shop;
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
  r.add("GET", "/api/integrations/shopify/events",
        api(ctx, [&ctx, &s](http::request&, const storage::session_row& who) { return events(ctx, s, who); }));
  r.add("GET", "/api/integrations/shopify/runs",
        api(ctx, [&ctx](http::request&, const storage::session_row& who) { return runs(ctx, who); }));
  r.add("GET", "/api/integrations/shopify/runs/{id}/skipped",
        api(ctx, [&ctx](http::request& req, const storage::session_row& who) { return skipped(ctx, req, who); }));
  r.add("GET", "/integrations/runs/{id}",
        page(ctx, [&ctx](http::request& req, const storage::session_row& who) { return run_page(ctx, req, who); }));
  r.add("POST", "/api/cron/shopify-reconciliation", [&ctx, &s](http::request& req) { return cron_reconcile(ctx, s, req); });
}

}  // namespace nexsync::app
