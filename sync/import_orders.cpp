// Import Orders (and reconciliation): paid orders without a sale become sales, decrementing the
// stock of matched SKUs exactly once.
#include "storage/integrations_repo.hpp"
#include "storage/sales_repo.hpp"
#include "sync/run.hpp"

#include <ctime>

namespace nexsync::sync {

namespace {

// Reconciliation walks back this far before the last successful reconcile, so an order updated
// while the previous run was reading is not missed.
constexpr std::int64_t overlap_seconds = 3600;

std::string iso_utc(std::int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void add_lines(const boost::json::array& nodes, storage::order_row& order) {
  for (auto& line : nodes) {
    storage::order_line_row l;
    l.sku = text_of(at_path(line, "sku"));
    if (auto* q = at_path(line, "quantity"); q && q->is_int64()) l.quantity = q->as_int64();
    l.unit_price = text_of(at_path(line, "originalUnitPriceSet.shopMoney.amount"));
    if (l.unit_price.empty()) l.unit_price = "0";
    order.lines.push_back(std::move(l));
  }
}

storage::order_row order_of(const boost::json::value& node) {
  storage::order_row o;
  o.shopify_order_id = text_of(at_path(node, "id"));
  o.name = text_of(at_path(node, "name"));
  o.currency = text_of(at_path(node, "totalPriceSet.shopMoney.currencyCode"));
  if (o.currency.empty()) o.currency = "USD";
  o.total = text_of(at_path(node, "totalPriceSet.shopMoney.amount"));
  if (o.total.empty()) o.total = "0";
  o.subtotal = o.total;
  o.financial_status = text_of(at_path(node, "displayFinancialStatus"));
  if (auto created = text_of(at_path(node, "createdAt")); !created.empty()) o.created_at = created;
  if (auto* lines = at_path(node, "lineItems.nodes"); lines && lines->is_array()) add_lines(lines->as_array(), o);
  return o;
}

// Line items beyond the first page of an order.
boost::asio::awaitable<void> more_lines(run& r, storage::order_row& order, std::string cursor) {
  for (;;) {
    auto first = shopify::order_by_id.page_size;
    boost::json::object vars;  // assignments: g++ 12 rejects nested braced initialisers in coroutines
    vars["id"] = order.shopify_order_id;
    vars["first"] = first;
    vars["after"] = cursor;
    auto reply = co_await r.call(shopify::order_by_id, first, vars);
    auto* nodes = at_path(reply.body, "data.order.lineItems.nodes");
    if (!nodes || !nodes->is_array()) co_return;
    add_lines(nodes->as_array(), order);
    auto* more = at_path(reply.body, "data.order.lineItems.pageInfo.hasNextPage");
    if (!more || !more->is_bool() || !more->as_bool()) co_return;
    cursor = text_of(at_path(reply.body, "data.order.lineItems.pageInfo.endCursor"));
  }
}

}  // namespace

boost::asio::awaitable<void> import_orders(run& r, std::string since, std::string_view source) {
  auto tenant = r.tenant_id;
  if (since.empty()) {
    auto find = [tenant](storage::connection& c) { return storage::find_integration(c, tenant, "shopify"); };
    auto integration = co_await r.env.db->query(find);
    if (integration && integration->last_reconciled_at) since = iso_utc(*integration->last_reconciled_at - overlap_seconds);
  }
  std::string search = "financial_status:paid";
  if (!since.empty()) search += " updated_at:>='" + since + "'";
  std::string cursor;
  const int first = shopify::orders_page.page_size;
  const std::string source_name{source};
  for (;;) {
    boost::json::object vars;
    vars["first"] = first;
    vars["query"] = search;
    if (!cursor.empty()) vars["after"] = cursor;
    auto reply = co_await r.call(shopify::orders_page, first, vars);
    auto* nodes = at_path(reply.body, "data.orders.nodes");
    if (!nodes || !nodes->is_array()) throw job_failure("Shopify's answer had no orders list.");
    std::vector<storage::order_row> orders;
    std::vector<std::string> keys;
    for (auto& node : nodes->as_array()) {
      auto order = order_of(node);
      auto* more = at_path(node, "lineItems.pageInfo.hasNextPage");
      if (more && more->is_bool() && more->as_bool())
        co_await more_lines(r, order, text_of(at_path(node, "lineItems.pageInfo.endCursor")));
      keys.push_back(order.name.empty() ? order.shopify_order_id : order.name);
      orders.push_back(std::move(order));
    }
    auto apply = [tenant, orders, source_name](storage::connection& c) {
      return storage::import_sales(c, tenant, orders, source_name);
    };
    auto outcomes = co_await r.env.db->query(apply);
    co_await r.record(outcomes, keys);
    auto* more = at_path(reply.body, "data.orders.pageInfo.hasNextPage");
    if (!more || !more->is_bool() || !more->as_bool()) break;
    cursor = text_of(at_path(reply.body, "data.orders.pageInfo.endCursor"));
  }
  if (source == "reconciliation") {
    // The mark moves only after a complete walk; the next walk starts an overlap before it.
    auto mark = [tenant](storage::connection& c) { storage::mark_reconciled(c, tenant, "shopify"); };
    co_await r.env.db->query(mark);
  }
}

}  // namespace nexsync::sync
