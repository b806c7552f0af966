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

// The bookkeeping of one event, in one transaction that does not wait for the WAL flush: losing it in
// a crash only leaves the event `received`, and applying it again finds the sale and skips it.
void settle(storage::connection& c, std::int64_t tenant, std::int64_t run_id, std::int64_t event_id,
            const event_outcome& outcome, const std::string& key) {
  storage::relaxed_durability relaxed{c};
  storage::transaction tx{c};
  if (!storage::mark_event(c, tenant, event_id, outcome.status, outcome.reason))
    throw job_failure("a stored webhook disappeared while it was applied");
  std::vector<storage::skip_row> skips;
  if (outcome.status == "skipped") skips.push_back({key, outcome.reason});
  storage::add_to_run(c, tenant, run_id, outcome.status == "applied" ? 1 : 0, outcome.status == "skipped" ? 1 : 0,
                      outcome.status == "failed" ? 1 : 0, skips);
  tx.commit();
}

boost::asio::awaitable<event_outcome> apply_one(run& r, const storage::webhook_event_row& ev) {
  auto tenant = r.tenant_id;
  auto run_id = r.run_id;
  auto event_id = ev.id;
  boost::system::error_code ec;
  auto body = boost::json::parse(ev.payload, ec);
  std::string gid = (!ec && body.is_object()) ? order_gid(body) : std::string{};
  if (gid.empty()) {
    event_outcome bad{"failed", ec || !body.is_object() ? "the payload is not a JSON object" : "the payload names no order id"};
    auto write = [tenant, run_id, event_id, bad](storage::connection& c) { settle(c, tenant, run_id, event_id, bad, std::to_string(event_id)); };
    co_await r.env.db->query(write);
    co_return bad;
  }

  // Already recorded (the other topic of the same order, a redelivery): settled without asking Shopify.
  auto settle_if_recorded = [tenant, run_id, event_id, gid](storage::connection& c) -> std::optional<event_outcome> {
    auto existing = storage::sale_for_order(c, tenant, gid);
    if (!existing) return std::nullopt;
    event_outcome done{"skipped", "already recorded as sale " + std::to_string(*existing)};
    settle(c, tenant, run_id, event_id, done, gid);
    return done;
  };
  auto recorded = co_await r.env.db->query(settle_if_recorded);
  if (recorded) co_return *recorded;

  const int first = shopify::order_by_id.page_size;
  boost::json::object vars;
  vars["id"] = gid;
  vars["first"] = first;
  auto reply = co_await r.call(shopify::order_by_id, first, vars);
  auto* node = at_path(reply.body, "data.order");
  if (!node || !node->is_object()) {
    event_outcome missing{"failed", "Shopify has no such order in this shop"};
    auto write = [tenant, run_id, event_id, missing, gid](storage::connection& c) {
      settle(c, tenant, run_id, event_id, missing, gid);
    };
    co_await r.env.db->query(write);
    co_return missing;
  }
  auto order = order_of(*node);
  auto* more = at_path(*node, "lineItems.pageInfo.hasNextPage");
  if (more && more->is_bool() && more->as_bool()) {
    auto cursor_after = text_of(at_path(*node, "lineItems.pageInfo.endCursor"));  // named: see README
    co_await more_lines(r, order, cursor_after);
  }

  auto key = order.name.empty() ? gid : order.name;
  std::vector<storage::order_row> orders;
  orders.push_back(std::move(order));
  auto apply = [tenant, run_id, event_id, orders, key](storage::connection& c) {
    std::vector<storage::row_outcome> rows;
    {
      storage::relaxed_durability relaxed{c};  // redone from the event if lost (see settle)
      rows = storage::import_sales(c, tenant, orders, "shopify_webhook");
    }
    event_outcome outcome{"applied", "sale " + std::to_string(rows.front().id) + " recorded"};
    if (rows.front().status == storage::row_status::skipped) outcome = {"skipped", explain_skip(rows.front().reason)};
    settle(c, tenant, run_id, event_id, outcome, key);
    return outcome;
  };
  auto outcome = co_await r.env.db->query(apply);
  co_return outcome;
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
      if (outcome.status == "applied") ++r.synced;
      if (outcome.status == "skipped") ++r.skipped;
      if (outcome.status == "failed") {
        ++r.failed;
        log::warn("webhooks", "event not applied", {{"tenant_id", tenant}, {"event_id", ev.id}, {"reason", outcome.reason}});
      }
      r.report_progress();
    }
  }
}

}  // namespace nexsync::sync
