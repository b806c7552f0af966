// Stored orders/create and orders/paid webhooks become sales. The payload is only a nudge: the order is
// re-read from Shopify with this shop's token, so a payload naming another shop's order creates nothing.
// Each event ends applied (a sale was recorded), skipped (already recorded, not paid yet) or failed (with
// why); a Shopify outage fails the job and leaves the events waiting for the next nudge or restart.
#include "log/log.hpp"
#include "shopify/webhook_body.hpp"
#include "storage/sales_repo.hpp"
#include "storage/webhook_events_repo.hpp"
#include "sync/run.hpp"


#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <optional>

namespace nexsync::sync {

namespace {

constexpr std::int64_t events_per_read = 50;

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

// One event's outcome, with the key its skip is listed under.
struct settled_event {
  std::int64_t event_id = 0;
  event_outcome outcome;
  std::string key;
};

// The bookkeeping of events, in one transaction that does not wait for the WAL flush: losing it in
// a crash only leaves the events `received`, and applying them again finds the sales and skips them.
void settle(storage::connection& c, std::int64_t tenant, std::int64_t run_id, const std::vector<settled_event>& events) {
  if (events.empty()) return;
  storage::relaxed_durability relaxed{c};
  storage::transaction tx{c};
  std::vector<storage::event_mark> marks;
  std::vector<storage::skip_row> skips;
  std::int64_t applied = 0, skipped = 0, failed = 0;
  for (auto& e : events) {
    marks.push_back({e.event_id, e.outcome.status, e.outcome.reason});
    if (e.outcome.status == "applied") ++applied;
    if (e.outcome.status == "skipped") {
      ++skipped;
      skips.push_back({e.key, e.outcome.reason});
    }
    if (e.outcome.status == "failed") ++failed;
  }
  if (storage::mark_events(c, tenant, marks) != static_cast<std::int64_t>(marks.size()))
    throw job_failure("a stored webhook disappeared while it was applied");
  storage::add_to_run(c, tenant, run_id, applied, skipped, failed, skips);
  tx.commit();
}

// What a page's payloads name: the order's GraphQL id, or why there is none.
struct named_order {
  std::string gid;
  std::string problem;
};

named_order order_named_by(const storage::webhook_event_row& ev) {
  // The same reader as the endpoint's: an order body is stored as the order it names
  // (shopify::inbox_order_body), and one stored whole before 1b2a046 reads the same way.
  auto body = shopify::read_webhook_body(ev.payload);
  if (!body.is_object) return {{}, "the payload is not a JSON object"};
  if (body.order_gid.empty()) return {{}, "the payload names no order id"};
  return {body.order_gid, {}};
}

// Settles, in one transaction, the page's events that need no call to Shopify: unreadable payloads and
// orders already recorded (the other topic of the same order, redeliveries). Returns what it settled.
boost::asio::awaitable<std::vector<std::optional<event_outcome>>> settle_known(run& r, const std::vector<storage::webhook_event_row>& events,
                                                                             const std::vector<named_order>& named) {
  auto tenant = r.tenant_id;
  auto run_id = r.run_id;
  std::vector<std::int64_t> ids;
  for (auto& ev : events) ids.push_back(ev.id);
  auto work = [tenant, run_id, ids, named](storage::connection& c) {
    std::vector<std::string> gids;
    for (auto& n : named)
      if (!n.gid.empty()) gids.push_back(n.gid);
    auto recorded = storage::sales_for_orders(c, tenant, gids);
    std::vector<std::optional<event_outcome>> out(ids.size());
    std::vector<settled_event> settled;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (named[i].gid.empty()) {
        out[i] = event_outcome{"failed", named[i].problem};
        settled.push_back({ids[i], *out[i], std::to_string(ids[i])});
      } else if (auto it = recorded.find(named[i].gid); it != recorded.end()) {
        out[i] = event_outcome{"skipped", "already recorded as sale " + std::to_string(it->second)};
        settled.push_back({ids[i], *out[i], named[i].gid});
      }
    }
    settle(c, tenant, run_id, settled);
    return out;
  };
  co_return co_await r.env.db->query(work);
}

// What Shopify answered for an order the page's events name.
struct fetched_order {
  std::string gid;
  std::optional<storage::order_row> order;  // none: Shopify has no such order in this shop
};

// Re-reads one order from Shopify (its further line items too).
boost::asio::awaitable<fetched_order> fetch_order(run& r, const std::string& gid) {
  const int first = shopify::order_by_id.page_size;
  boost::json::object vars;
  vars["id"] = gid;
  vars["first"] = first;
  auto reply = co_await r.call(shopify::order_by_id, first, vars);
  auto* node = at_path(reply.body, "data.order");
  if (!node || !node->is_object()) co_return fetched_order{gid, std::nullopt};
  auto order = order_of(*node);
  auto* more = at_path(*node, "lineItems.pageInfo.hasNextPage");
  if (more && more->is_bool() && more->as_bool()) {
    auto cursor_after = text_of(at_path(*node, "lineItems.pageInfo.endCursor"));  // named: see README
    co_await more_lines(r, order, cursor_after);
  }
  co_return fetched_order{gid, std::move(order)};
}

// The run's counts and log for one settled event.
void count(run& r, std::int64_t event_id, const event_outcome& outcome) {
  if (outcome.status == "applied") ++r.synced;
  if (outcome.status == "skipped") ++r.skipped;
  if (outcome.status == "failed") {
    ++r.failed;
    log::warn("webhooks", "event not applied", {{"tenant_id", r.tenant_id}, {"event_id", event_id}, {"reason", outcome.reason}});
  }
}

// Records the fetched orders as sales and settles every event of the page that names one of them: one
// import and one bookkeeping transaction for the lot (an event at a time was three transactions each,
// a third of PostgreSQL's CPU during a webhook flood). An order named twice is applied once; its other
// events are skipped as recorded.
boost::asio::awaitable<void> record_fetched(run& r, const std::vector<storage::webhook_event_row>& events,
                                            const std::vector<named_order>& named,
                                            const std::vector<std::optional<event_outcome>>& known,
                                            const std::vector<fetched_order>& fetched) {
  if (fetched.empty()) co_return;
  std::map<std::string, std::size_t> fetched_at;  // gid -> index in fetched
  for (std::size_t k = 0; k < fetched.size(); ++k) fetched_at.emplace(fetched[k].gid, k);
  std::vector<std::int64_t> ids;
  std::vector<std::size_t> fetch_of;
  std::vector<std::size_t> event_index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (known[i]) continue;
    auto it = fetched_at.find(named[i].gid);
    if (it == fetched_at.end()) continue;
    ids.push_back(events[i].id);
    fetch_of.push_back(it->second);
    event_index.push_back(i);
  }
  auto tenant = r.tenant_id;
  auto run_id = r.run_id;
  auto work = [tenant, run_id, fetched, ids, fetch_of](storage::connection& c) {
    std::vector<storage::order_row> orders;
    std::vector<std::optional<std::size_t>> row_of(fetched.size());  // fetched index -> index in orders
    for (std::size_t k = 0; k < fetched.size(); ++k)
      if (fetched[k].order) {
        row_of[k] = orders.size();
        orders.push_back(*fetched[k].order);
      }
    std::vector<storage::row_outcome> rows;
    if (!orders.empty()) {
      storage::relaxed_durability relaxed{c};  // redone from the events if lost (see settle)
      rows = storage::import_sales(c, tenant, orders, "shopify_webhook");
    }
    std::vector<bool> applied_once(fetched.size(), false);
    std::vector<settled_event> settled;
    for (std::size_t j = 0; j < ids.size(); ++j) {
      auto k = fetch_of[j];
      if (!row_of[k]) {
        settled.push_back({ids[j], {"failed", "Shopify has no such order in this shop"}, fetched[k].gid});
        continue;
      }
      auto& order = orders[*row_of[k]];
      auto& row = rows[*row_of[k]];
      auto key = order.name.empty() ? fetched[k].gid : order.name;
      event_outcome outcome{"skipped", explain_skip(row.reason)};
      if (row.status != storage::row_status::skipped) {
        outcome = applied_once[k] ? event_outcome{"skipped", "already recorded as sale " + std::to_string(row.id)}
                                  : event_outcome{"applied", "sale " + std::to_string(row.id) + " recorded"};
        applied_once[k] = true;
      }
      settled.push_back({ids[j], outcome, key});
    }
    settle(c, tenant, run_id, settled);
    std::vector<event_outcome> out;
    for (auto& s : settled) out.push_back(s.outcome);
    return out;
  };
  auto outcomes = co_await r.env.db->query(work);
  for (std::size_t j = 0; j < outcomes.size(); ++j) count(r, events[event_index[j]].id, outcomes[j]);
  r.report_progress();
}

}  // namespace

boost::asio::awaitable<void> apply_webhooks(run& r) {
  auto tenant = r.tenant_id;
  auto shop = r.shop;
  for (;;) {
    r.stop_point();  // stored events wait for the next start (replay_pending_webhooks)
    auto read = [tenant, shop](storage::connection& c) {
      return storage::pending_order_events(c, tenant, shop, events_per_read);
    };
    auto events = co_await r.env.db->query(read);
    if (events.empty()) co_return;
    std::vector<named_order> named;
    for (auto& ev : events) named.push_back(order_named_by(ev));
    auto known = co_await settle_known(r, events, named);
    for (std::size_t i = 0; i < events.size(); ++i)
      if (known[i]) count(r, events[i].id, *known[i]);
    r.report_progress();

    // Each order not recorded yet is read from Shopify once. What was read is recorded at least every
    // second, so a shop short of budget still shows its sales one by one; and before a failure or a
    // stop ends the job, so no read is wasted.
    std::vector<std::string> to_fetch;
    for (std::size_t i = 0; i < events.size(); ++i)
      if (!known[i] && std::find(to_fetch.begin(), to_fetch.end(), named[i].gid) == to_fetch.end())
        to_fetch.push_back(named[i].gid);
    std::vector<fetched_order> fetched;
    std::exception_ptr ended;
    auto last_recorded = std::chrono::steady_clock::now();
    for (auto& gid : to_fetch) {
      try {
        fetched.push_back(co_await fetch_order(r, gid));
      } catch (...) {
        ended = std::current_exception();
        break;
      }
      if (std::chrono::steady_clock::now() - last_recorded >= std::chrono::seconds(1)) {
        co_await record_fetched(r, events, named, known, fetched);
        fetched.clear();
        last_recorded = std::chrono::steady_clock::now();
      }
    }
    co_await record_fetched(r, events, named, known, fetched);
    if (ended) std::rethrow_exception(ended);
  }
}

}  // namespace nexsync::sync
