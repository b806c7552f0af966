// Import Orders: paid orders without a sale become sales, decrementing the stock of matched SKUs exactly
// once. The walk is shared with reconciliation (sync/reconcile_orders.cpp).
#include "storage/sales_repo.hpp"
#include "sync/run.hpp"


namespace nexsync::sync {

namespace {

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

}  // namespace

storage::order_row order_of(const boost::json::value& node) {
  storage::order_row o;
  o.shopify_order_id = text_of(at_path(node, "id"));
  o.name = text_of(at_path(node, "name"));
  o.shopify_customer_id = text_of(at_path(node, "customer.id"));  // the sale's customer, if imported
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

boost::asio::awaitable<order_walk> walk_paid_orders(run& r, std::string since, std::string source, int page_size,
                                                    double max_cost, std::string cursor) {
  auto tenant = r.tenant_id;
  order_walk walk;
  std::string search = "financial_status:paid";
  if (!since.empty()) search += " updated_at:>='" + since + "'";
  for (;;) {
    boost::json::object vars;
    vars["first"] = page_size;
    vars["query"] = search;
    if (!cursor.empty()) vars["after"] = cursor;
    auto reply = co_await r.call(shopify::orders_page, page_size, vars);
    if (reply.cost) {
      walk.cost += reply.cost->actual.value_or(reply.cost->requested);
      walk.restore_rate = reply.cost->throttle.restore_rate;
    }
    auto* nodes = at_path(reply.body, "data.orders.nodes");
    if (!nodes || !nodes->is_array()) throw job_failure("Shopify's answer had no orders list.");
    std::vector<storage::order_row> orders;
    std::vector<std::string> keys;
    for (auto& node : nodes->as_array()) {
      auto order = order_of(node);
      auto* more = at_path(node, "lineItems.pageInfo.hasNextPage");
      if (more && more->is_bool() && more->as_bool()) {
        auto cursor_after = text_of(at_path(node, "lineItems.pageInfo.endCursor"));  // named: see README
        co_await more_lines(r, order, cursor_after);
      }
      keys.push_back(order.name.empty() ? order.shopify_order_id : order.name);
      walk.ids.push_back(order.shopify_order_id);
      walk.names.push_back(keys.back());
      orders.push_back(std::move(order));
    }
    auto apply = [tenant, orders, source](storage::connection& c) {
      return storage::import_sales(c, tenant, orders, source);
    };
    auto outcomes = co_await r.env.db->query(apply);
    co_await r.record(outcomes, keys);
    auto* more = at_path(reply.body, "data.orders.pageInfo.hasNextPage");
    if (!more || !more->is_bool() || !more->as_bool()) {
      walk.complete = true;
      break;
    }
    cursor = text_of(at_path(reply.body, "data.orders.pageInfo.endCursor"));
    if (max_cost > 0 && walk.cost >= max_cost) {
      walk.next_cursor = cursor;  // the rest waits for the next walk
      break;
    }
  }
  // One co_return of the local at function scope: g++ 12 destroys a local returned from inside a
  // loop twice (free(): invalid pointer when the frame is destroyed).
  co_return walk;
}

boost::asio::awaitable<void> import_orders(run& r) {
  auto counts = co_await r.counts();
  if (counts.paid_orders > 0) co_await r.set_total(counts.paid_orders);
  std::string since, source = "shopify_import", cursor;  // named: see reconcile_orders.cpp
  auto walk = co_await walk_paid_orders(r, since, source, shopify::orders_page.page_size, 0, cursor);
  (void)walk;
}

}  // namespace nexsync::sync
