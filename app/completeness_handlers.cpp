#include "app/completeness_handlers.hpp"

#include "app/session.hpp"
#include "storage/records.hpp"

#include <ctime>

namespace nexsync::app {

namespace {

using boost::asio::awaitable;

boost::json::value optional_text(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

awaitable<http::response> completeness(context& ctx, const storage::session_row& who) {
  auto tenant = who.tenant_id;
  auto load = [tenant](storage::connection& c) {
    return std::make_pair(storage::latest_report(c, tenant, "reconcile"), storage::latest_report(c, tenant, "sweep"));
  };
  auto [reconcile, sweep] = co_await ctx.db->query(load);
  boost::json::object body;
  body["reconcile"] = reconcile ? boost::json::value(report_json(*reconcile)) : boost::json::value(nullptr);
  body["sweep"] = sweep ? boost::json::value(report_json(*sweep)) : boost::json::value(nullptr);
  co_return http::response::json(200, body);
}

awaitable<http::response> webhooks(context& ctx, const storage::session_row& who) {
  auto tenant = who.tenant_id;
  auto load = [tenant](storage::connection& c) { return storage::recent_events(c, tenant, 50); };
  auto rows = co_await ctx.db->query(load);
  boost::json::array events;
  for (auto& e : rows) events.push_back(event_json(e));
  boost::json::object body;
  body["events"] = events;
  co_return http::response::json(200, body);
}

}  // namespace

boost::json::object report_json(const storage::reconcile_report& x) {
  boost::json::object o;
  o["kind"] = x.kind;
  o["shop"] = x.shop_domain;
  o["run_id"] = x.run_id;
  o["window_from"] = x.window_from ? boost::json::value(storage::iso_utc_time(*x.window_from)) : boost::json::value(nullptr);
  o["window_to"] = storage::iso_utc_time(x.window_to);
  o["shopify_paid"] = x.shopify_paid;
  o["recorded"] = x.recorded;
  boost::json::array missing;
  for (auto& m : x.missing) missing.emplace_back(m);
  o["missing"] = missing;
  o["complete"] = x.complete;
  o["cost_points"] = x.cost_points;
  o["cost_cap"] = x.cost_cap;
  o["created_at"] = x.created_at;
  return o;
}

boost::json::object event_json(const storage::webhook_event_row& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["topic"] = e.topic;
  o["webhook_id"] = e.webhook_id;
  o["status"] = e.status;
  o["reason"] = optional_text(e.reason);
  o["received_at"] = e.received_at;
  o["applied_at"] = optional_text(e.applied_at);
  return o;
}

void add_completeness_routes(http::router& r, context& ctx) {
  r.add("GET", "/api/integrations/shopify/completeness",
        api(ctx, [&ctx](http::request&, const storage::session_row& who) { return completeness(ctx, who); }));
  r.add("GET", "/api/integrations/shopify/webhooks",
        api(ctx, [&ctx](http::request&, const storage::session_row& who) { return webhooks(ctx, who); }));
}

}  // namespace nexsync::app
