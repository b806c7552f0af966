#include "app/integrations_handlers.hpp"

#include "app/completeness_handlers.hpp"
#include "app/connect_handlers.hpp"
#include "app/pages.hpp"
#include "app/session.hpp"
#include "app/shopify_access.hpp"
#include "log/log.hpp"
#include "storage/integrations_repo.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace nexsync::app {

namespace {

constexpr std::string_view provider = "shopify";

std::string format_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

boost::asio::awaitable<http::response> show_integrations(context& ctx, http::request& req, const storage::session_row& s) {
  auto tenant = s.tenant_id;
  auto load = [tenant](storage::connection& c) { return storage::find_integration(c, tenant, std::string{provider}); };
  auto row = co_await ctx.db->query(load);
  boost::json::object page{{"disconnected_banner", req.query_param("disconnected").has_value()}};
  if (auto code = req.query_param("error")) page["error"] = connect_error_message(*code);
  if (row && row->status != "disconnected") {
    boost::json::array scopes;
    std::string_view rest = row->granted_scopes;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto scope = rest.substr(0, comma);
      if (!scope.empty()) scopes.emplace_back(scope);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    page["shopify"] = boost::json::object{
        {"shop_domain", row->shop_domain},
        {"connected", row->status == "connected"},
        {"needs_reconnect", row->status == "needs_reconnect"},
        {"status_reason", row->status_reason.value_or("")},
        {"scopes", scopes},
        {"last_synced", row->last_synced_at ? format_time(*row->last_synced_at) : std::string{"never"}},
        {"connected_at", row->connected_at ? format_time(*row->connected_at) : std::string{}},
    };
  }
  if (row) {
    auto history = [tenant](storage::connection& c) {
      return std::make_pair(storage::latest_report(c, tenant, "reconcile"), storage::recent_events(c, tenant, 10));
    };
    auto [report, events] = co_await ctx.db->query(history);
    if (report) {
      auto o = report_json(*report);
      o["all_present"] = report->missing.empty();
      o["window"] = (report->window_from ? format_time(*report->window_from) : std::string{"the first readable order"}) +
                    " to " + format_time(report->window_to);
      page["completeness"] = o;
    }
    boost::json::array list;
    for (auto& e : events) {
      auto o = event_json(e);
      if (o["reason"].is_null()) o["reason"] = "";
      list.push_back(std::move(o));
    }
    page["has_webhooks"] = !list.empty();
    page["webhooks"] = list;
  }
  co_return render_page("integrations", "Integrations", std::move(page), &s, "integrations");
}

struct disconnect_outcome {
  bool was_connected = false;
  bool revoked = false;
};

// Revokes at Shopify (best effort: a shop that cannot be reached must not keep the user connected),
// then deletes the sealed config and keeps the row and everything imported.
boost::asio::awaitable<disconnect_outcome> disconnect(context& ctx, const http::request& req, std::int64_t tenant) {
  disconnect_outcome out;
  auto load = [tenant](storage::connection& c) { return storage::find_integration(c, tenant, std::string{provider}); };
  auto row = co_await ctx.db->query(load);
  if (!row || row->status == "disconnected") co_return out;
  out.was_connected = true;
  auto revoke = [&ctx](const shopify_access& a) { return ctx.shopify->revoke(a.subdomain, a.token); };
  auto revoked = co_await with_shopify_token<void>(ctx, tenant, revoke);
  out.revoked = static_cast<bool>(revoked);
  if (!revoked)
    log::warn("shopify", "revoke on disconnect failed", {{"request_id", req.request_id}, {"error", revoked.error().message}});
  auto clear = [tenant](storage::connection& c) {
    return storage::mark_disconnected(c, tenant, std::string{provider}, "Disconnected by a user.");
  };
  co_await ctx.db->query(clear);
  log::info("shopify", "disconnected", {{"request_id", req.request_id}, {"tenant_id", tenant}, {"revoked", out.revoked}});
  co_return out;
}

boost::asio::awaitable<http::response> disconnect_api(context& ctx, http::request& req, const storage::session_row& s) {
  if (!can_manage_integrations(s))
    co_return http::response::json_error(403, "not_permitted", connect_error_message("not_permitted"));
  auto out = co_await disconnect(ctx, req, s.tenant_id);
  if (!out.was_connected) co_return http::response::json_error(404, "not_connected", connect_error_message("not_connected"));
  co_return http::response::json(200, boost::json::object{{"disconnected", true}, {"revoked", out.revoked}});
}

boost::asio::awaitable<http::response> disconnect_form(context& ctx, http::request& req, const storage::session_row& s) {
  if (!can_manage_integrations(s)) co_return http::response::redirect("/integrations?error=not_permitted");
  auto out = co_await disconnect(ctx, req, s.tenant_id);
  if (!out.was_connected) co_return http::response::redirect("/integrations?error=not_connected");
  co_return http::response::redirect("/integrations?disconnected=1");
}

}  // namespace

void add_integrations_routes(http::router& r, context& ctx) {
  r.add("GET", "/integrations",
        page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return show_integrations(ctx, req, s); }));
  r.add("POST", "/api/integrations/shopify/disconnect",
        api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return disconnect_api(ctx, req, s); }));
  r.add("POST", "/integrations/shopify/disconnect",
        page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return disconnect_form(ctx, req, s); }));
}

}  // namespace nexsync::app
