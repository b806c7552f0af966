// Stored orders/create and orders/paid webhooks become sales. The payload is only a nudge: the order is
// re-read from Shopify with this shop's token, so a payload naming another shop's order creates nothing.
// Each event ends applied (a sale was recorded), skipped (already recorded, not paid yet) or failed (with
// why); a Shopify outage fails the job and leaves the events waiting for the next nudge or restart.
#include "log/log.hpp"
#include "storage/sales_repo.hpp"
#include "storage/webhook_events_repo.hpp"
#include "sync/run.hpp"

#include <boost/json/parse.hpp>

namespace nexsync::sync {

namespace {

constexpr std::int64_t events_per_read = 50;

// The order's GraphQL id: Shopify's payload carries admin_graphql_api_id and the numeric id.
std::string order_gid(const boost::json::value& body) {
  auto gid = text_of(at_path(body, "admin_graphql_api_id"));
  if (gid.rfind("gid://shopify/Order/", 0) == 0) return gid;
  auto* id = at_path(body, "id");
  if (id && id->is_int64() && id->as_int64() > 0) return "gid://shopify/Order/" + std::to_string(id->as_int64());
  if (id && id->is_uint64()) return "gid://shopify/Order/" + std::to_string(id->as_uint64());
  return {};
}

// What a skip reason of import_sales means to a person reading the event list.
std::string explain_skip(const std::string& reason) {
  if (reason == "already_imported") return "already recorded as a sale";
  if (reason == "not_paid") return "not paid yet: the orders/paid webhook or the reconciliation records it";
  return reason;
}

struct event_outcome {
  std::string status;  // applied | skipped | failed
  std::string reason;
};

boost::asio::awaitable<event_outcome> apply_one(run& r, const storage::webhook_event_row& ev) {
  boost::system::error_code ec;
  auto body = boost::json::parse(ev.payload, ec);
  if (ec || !body.is_object()) co_return event_outcome{"failed", "the payload is not a JSON object"};
  auto gid = order_gid(body);
  if (gid.empty()) co_return event_outcome{"failed", "the payload names no order id"};

  auto tenant = r.tenant_id;
  auto find = [tenant, gid](storage::connection& c) { return storage::sale_for_order(c, tenant, gid); };
  auto existing = co_await r.env.db->query(find);
  if (existing) co_return event_outcome{"skipped", "already recorded as sale " + std::to_string(*existing)};

  const int first = shopify::order_by_id.page_size;
  boost::json::object vars;
  vars["id"] = gid;
  vars["first"] = first;
  auto reply = co_await r.call(shopify::order_by_id, first, vars);
  auto* node = at_path(reply.body, "data.order");
  if (!node || !node->is_object()) co_return event_outcome{"failed", "Shopify has no such order in this shop"};
  auto order = order_of(*node);
  auto* more = at_path(*node, "lineItems.pageInfo.hasNextPage");
  if (more && more->is_bool() && more->as_bool()) {
    auto cursor_after = text_of(at_path(*node, "lineItems.pageInfo.endCursor"));  // named: see README
    co_await more_lines(r, order, cursor_after);
  }

  std::vector<storage::order_row> orders;
  orders.push_back(order);
  auto apply = [tenant, orders](storage::connection& c) { return storage::import_sales(c, tenant, orders, "shopify_webhook"); };
  auto outcomes = co_await r.env.db->query(apply);
  std::vector<std::string> keys;
  keys.push_back(order.name.empty() ? gid : order.name);
  co_await r.record(outcomes, keys);
  if (outcomes.front().status == storage::row_status::skipped)
    co_return event_outcome{"skipped", explain_skip(outcomes.front().reason)};
  co_return event_outcome{"applied", "sale " + std::to_string(outcomes.front().id) + " recorded"};
}

}  // namespace

boost::asio::awaitable<void> apply_webhooks(run& r) {
  auto tenant = r.tenant_id;
  auto shop = r.shop;
  for (;;) {
    auto read = [tenant, shop](storage::connection& c) {
      return storage::pending_order_events(c, tenant, shop, events_per_read);
    };
    auto events = co_await r.env.db->query(read);
    if (events.empty()) co_return;
    for (auto& ev : events) {
      auto outcome = co_await apply_one(r, ev);
      auto id = ev.id;
      auto mark = [tenant, id, outcome](storage::connection& c) {
        return storage::mark_event(c, tenant, id, outcome.status, outcome.reason);
      };
      auto marked = co_await r.env.db->query(mark);
      if (!marked) throw job_failure("a stored webhook disappeared while it was applied");
      if (outcome.status == "failed") {
        ++r.failed;
        log::warn("webhooks", "event not applied", {{"tenant_id", tenant}, {"event_id", id}, {"reason", outcome.reason}});
      }
    }
  }
}

}  // namespace nexsync::sync
