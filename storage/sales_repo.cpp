#include "storage/sales_repo.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace nexsync::storage {

namespace {

const std::string sale_columns =
    "s.id, s.number, s.shopify_order_id, s.shopify_order_name, s.customer_id, c.name, c.email, s.source, s.currency,"
    " s.subtotal::text, s.total_tax::text, s.total::text, s.financial_status, " + iso_utc("s.created_at") +
    ", (SELECT count(*) FROM sale_lines l WHERE l.tenant_id = s.tenant_id AND l.sale_id = s.id)";

const std::string sale_from_clause =
    " FROM sales s LEFT JOIN customers c ON c.id = s.customer_id AND c.tenant_id = s.tenant_id";

sale sale_from(const result& r, int row) {
  sale s;
  s.id = r.int64(row, 0);
  s.number = r.get(row, 1);
  s.shopify_order_id = r.optional(row, 2);
  s.shopify_order_name = r.optional(row, 3);
  if (!r.is_null(row, 4)) s.customer_id = r.int64(row, 4);
  s.customer_name = r.optional(row, 5);
  s.customer_email = r.optional(row, 6);
  s.source = r.get(row, 7);
  s.currency = r.get(row, 8);
  s.subtotal = r.get(row, 9);
  s.total_tax = r.get(row, 10);
  s.total = r.get(row, 11);
  s.financial_status = r.get(row, 12);
  s.created_at = r.get(row, 13);
  s.line_count = r.int64(row, 14);
  return s;
}

// Shopify's OrderDisplayFinancialStatus values (expired: an authorization that lapsed, never stored as a
// sale, so not in the table's CHECK).
const std::set<std::string, std::less<>> financial_statuses{"pending", "authorized", "partially_paid", "paid",
                                                            "partially_refunded", "refunded", "voided", "expired"};
const std::set<std::string, std::less<>> sources{"pos", "shopify_import", "shopify_webhook", "reconciliation"};

std::string lower_ascii(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool valid_order(const order_row& o) {
  if (o.shopify_order_id.size() > 100 || text_length(o.name) > 100 || text_length(o.customer_email) > 254 ||
      o.shopify_customer_id.size() > 100)
    return false;
  if (o.currency.size() != 3 || !std::all_of(o.currency.begin(), o.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    return false;
  if (!valid_money(o.subtotal) || !valid_money(o.total_tax) || !valid_money(o.total)) return false;
  if (o.created_at && !valid_timestamp(*o.created_at)) return false;
  if (o.lines.size() > 1000) return false;
  for (auto& l : o.lines) {
    if (l.quantity < 1 || l.quantity > 1'000'000 || !valid_money(l.unit_price)) return false;
    if (text_length(l.sku) > 100 || text_length(l.title) > 255) return false;
  }
  return true;
}

}  // namespace

page_of<sale> list_sales(connection& c, std::int64_t tenant_id, const page_request& req) {
  page_of<sale> out;
  out.per_page = std::clamp<std::int64_t>(req.per_page, 1, 200);
  out.page = std::max<std::int64_t>(req.page, 1);
  auto pattern = like_contains(req.query);
  const std::string filter =
      sale_from_clause +
      " WHERE s.tenant_id = $1 AND ($2 = '' OR s.number ILIKE $3 OR s.shopify_order_name ILIKE $3"
      " OR c.name ILIKE $3 OR c.email ILIKE $3)";
  out.total = c.exec("SELECT count(*)" + filter, params{tenant_id, req.query, pattern}).int64(0, 0);
  auto r = c.exec("SELECT " + sale_columns + filter + " ORDER BY s.created_at DESC, s.id DESC LIMIT $4 OFFSET $5",
                  params{tenant_id, req.query, pattern, out.per_page, (out.page - 1) * out.per_page});
  for (int i = 0; i < r.rows(); ++i) out.rows.push_back(sale_from(r, i));
  return out;
}

std::optional<sale> find_sale(connection& c, std::int64_t tenant_id, std::int64_t sale_id) {
  auto r = c.exec("SELECT " + sale_columns + sale_from_clause + " WHERE s.tenant_id = $1 AND s.id = $2",
                  params{tenant_id, sale_id});
  if (r.rows() == 0) return std::nullopt;
  auto s = sale_from(r, 0);
  auto lines = c.exec(
      "SELECT line_no, sku, title, quantity, unit_price::text, item_id FROM sale_lines"
      " WHERE tenant_id = $1 AND sale_id = $2 ORDER BY line_no",
      params{tenant_id, sale_id});
  for (int i = 0; i < lines.rows(); ++i) {
    sale_line l{lines.int64(i, 0), lines.get(i, 1), lines.get(i, 2), lines.int64(i, 3), lines.get(i, 4), std::nullopt};
    if (!lines.is_null(i, 5)) l.item_id = lines.int64(i, 5);
    s.lines.push_back(std::move(l));
  }
  return s;
}

std::optional<std::int64_t> sale_for_order(connection& c, std::int64_t tenant_id, const std::string& shopify_order_id) {
  auto r = c.exec("SELECT id FROM sales WHERE tenant_id = $1 AND shopify_order_id = $2", params{tenant_id, shopify_order_id});
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

std::map<std::string, std::int64_t> sales_for_orders(connection& c, std::int64_t tenant_id,
                                                     const std::vector<std::string>& shopify_order_ids) {
  std::map<std::string, std::int64_t> out;
  if (shopify_order_ids.empty()) return out;
  auto r = c.exec("SELECT shopify_order_id, id FROM sales WHERE tenant_id = $1 AND shopify_order_id = ANY($2::text[])",
                  params{tenant_id, binary_text_array(shopify_order_ids)});
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.get(i, 0), r.int64(i, 1));
  return out;
}

std::vector<row_outcome> import_sales(connection& c, std::int64_t tenant_id, const std::vector<order_row>& orders,
                                      std::string_view source) {
  if (!sources.contains(source)) throw std::invalid_argument("import_sales: unknown source " + std::string{source});
  bool from_shopify = source != "pos";
  std::vector<row_outcome> out(orders.size());

  // Checks first; the orders left are applied sorted by their key (a fixed lock order across transactions).
  std::vector<std::pair<std::string, std::size_t>> todo;
  std::set<std::string> seen;
  std::vector<std::string> skus;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    auto& o = orders[i];
    if (from_shopify && o.shopify_order_id.empty()) {
      out[i].reason = "no_order_id";
      continue;
    }
    if (!from_shopify && o.shopify_order_id.empty() && o.name.empty()) {
      out[i].reason = "invalid_order";
      continue;
    }
    auto status = lower_ascii(o.financial_status);
    if (!valid_order(o) || !financial_statuses.contains(status)) {
      out[i].reason = "invalid_order";
      continue;
    }
    if (status != "paid" && status != "partially_refunded") {
      out[i].reason = "not_paid";
      continue;
    }
    auto key = o.shopify_order_id.empty() ? "name:" + o.name : "id:" + o.shopify_order_id;
    if (!seen.insert(key).second) {
      out[i].reason = "duplicate_order";
      continue;
    }
    todo.emplace_back(key, i);
    for (auto& l : o.lines)
      if (!l.sku.empty()) skus.push_back(l.sku);
  }
  std::sort(todo.begin(), todo.end());

  transaction tx{c};
  // Lock every item these orders touch, in id order, before any sale row: concurrent imports then
  // queue on the items instead of deadlocking between item locks and the order-id index.
  std::map<std::string, std::int64_t> item_ids;
  if (!skus.empty()) {
    auto r = c.exec("SELECT id, sku FROM inventory_items WHERE tenant_id = $1 AND sku = ANY($2::text[]) ORDER BY id FOR UPDATE",
                    params{tenant_id, text_array(skus)});
    for (int i = 0; i < r.rows(); ++i) item_ids[r.get(i, 1)] = r.int64(i, 0);
  }

  for (auto& [key, index] : todo) {
    auto& o = orders[index];
    auto& res = out[index];
    param order_id = o.shopify_order_id.empty() ? param{} : param{o.shopify_order_id};
    param order_name = (o.shopify_order_id.empty() || o.name.empty()) ? param{} : param{o.name};
    auto number = !o.name.empty() ? o.name : "SHOPIFY-" + o.shopify_order_id;
    param shopify_customer = o.shopify_customer_id.empty() ? param{} : param{o.shopify_customer_id};
    auto failed = within_savepoint(c, [&] {
      // The customer: the one imported from the same Shopify customer, else the one with the email.
      auto inserted = c.exec(
          "INSERT INTO sales (tenant_id, number, shopify_order_id, shopify_order_name, customer_id, source, currency,"
          " subtotal, total_tax, total, financial_status, created_at)"
          " VALUES ($1, $2, $3, $4, coalesce((SELECT id FROM customers WHERE tenant_id = $1 AND shopify_customer_id = $13),"
          "                                  (SELECT id FROM customers WHERE tenant_id = $1 AND lower(email) = lower($5))),"
          " $6, $7, $8::numeric, $9::numeric, $10::numeric, $11, coalesce($12::timestamptz, now()))"
          " ON CONFLICT DO NOTHING RETURNING id",
          params{tenant_id, number, order_id, order_name, o.customer_email, source, o.currency, o.subtotal, o.total_tax,
                 o.total, lower_ascii(o.financial_status), o.created_at, shopify_customer});
      if (inserted.rows() == 0) {
        // The order is recorded already (maybe by a transaction that just committed), or its name is taken.
        auto existing = order_id
            ? c.exec("SELECT id FROM sales WHERE tenant_id = $1 AND shopify_order_id = $2", params{tenant_id, order_id})
            : c.exec("SELECT id FROM sales WHERE tenant_id = $1 AND number = $2 AND shopify_order_id IS NULL",
                     params{tenant_id, number});
        if (existing.rows() == 1) {
          res.reason = "already_imported";
          res.id = existing.int64(0, 0);
        } else {
          res.reason = "duplicate_order_name";
        }
        return;
      }
      res.id = inserted.int64(0, 0);
      std::map<std::int64_t, std::int64_t> sold;  // item id -> units
      std::int64_t line_no = 0;
      for (auto& l : o.lines) {
        auto it = l.sku.empty() ? item_ids.end() : item_ids.find(l.sku);
        std::optional<std::int64_t> item_id;
        if (it != item_ids.end()) {
          item_id = it->second;
          sold[it->second] += l.quantity;
        }
        c.exec(
            "INSERT INTO sale_lines (tenant_id, sale_id, line_no, sku, title, quantity, unit_price, item_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8)",
            params{tenant_id, res.id, ++line_no, l.sku, l.title, l.quantity, l.unit_price, item_id});
      }
      for (auto& [item_id, units] : sold)
        c.exec(
            "INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note, sale_id)"
            " VALUES ($1, $2, 'sale', $3, $4, $5) ON CONFLICT (sale_id, item_id) WHERE kind = 'sale' DO NOTHING",
            params{tenant_id, item_id, -units, "Sale " + number, res.id});
      res.status = row_status::created;
    });
    if (!failed.empty()) res = row_outcome{row_status::skipped, "conflict", 0};
  }
  tx.commit();
  return out;
}

}  // namespace nexsync::storage
