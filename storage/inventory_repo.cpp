#include "storage/inventory_repo.hpp"

#include <algorithm>
#include <set>

namespace nexsync::storage {

namespace {

const std::string item_columns =
    "i.id, i.sku, i.title, i.variant_title, i.price::text, i.quantity, i.shopify_product_id, i.shopify_variant_id,"
    " i.shopify_inventory_item_id, " + iso_utc("i.last_synced_at") + ", " + iso_utc("i.updated_at");

inventory_item item_from(const result& r, int row) {
  return inventory_item{r.int64(row, 0),    r.get(row, 1),      r.get(row, 2),      r.get(row, 3),
                        r.get(row, 4),      r.int64(row, 5),    r.optional(row, 6), r.optional(row, 7),
                        r.optional(row, 8), r.optional(row, 9), r.get(row, 10)};
}

const std::string movement_columns =
    "m.id, m.item_id, m.kind, m.delta, m.quantity_after, m.note, u.email, m.sale_id, " + iso_utc("m.created_at");

stock_movement movement_from(const result& r, int row) {
  stock_movement m{r.int64(row, 0), r.int64(row, 1), r.get(row, 2), r.int64(row, 3), r.int64(row, 4),
                   r.get(row, 5),   r.optional(row, 6), std::nullopt, r.get(row, 8)};
  if (!r.is_null(row, 7)) m.sale_id = r.int64(row, 7);
  return m;
}

std::optional<inventory_item> item_by_id(connection& c, std::int64_t tenant_id, std::int64_t id) {
  auto r = c.exec("SELECT " + item_columns + " FROM inventory_items i WHERE i.tenant_id = $1 AND i.id = $2",
                  params{tenant_id, id});
  if (r.rows() == 0) return std::nullopt;
  return item_from(r, 0);
}

stock_movement insert_movement(connection& c, std::int64_t tenant_id, std::int64_t item_id, std::string_view kind,
                               std::int64_t delta, const std::string& note, std::optional<std::int64_t> user_id) {
  auto r = c.exec(
      "WITH m AS (INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note, user_id)"
      " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)"
      " SELECT " + movement_columns + " FROM m LEFT JOIN users u ON u.id = m.user_id",
      params{tenant_id, item_id, kind, delta, note, user_id});
  return movement_from(r, 0);
}

}  // namespace

page_of<inventory_item> list_items(connection& c, std::int64_t tenant_id, const page_request& req) {
  page_of<inventory_item> out;
  out.per_page = std::clamp<std::int64_t>(req.per_page, 1, 200);
  out.page = std::max<std::int64_t>(req.page, 1);
  auto pattern = like_contains(req.query);
  const std::string filter =
      " FROM inventory_items i WHERE i.tenant_id = $1 AND ($2 = '' OR i.sku ILIKE $3 OR i.title ILIKE $3)";
  out.total = c.exec("SELECT count(*)" + filter, params{tenant_id, req.query, pattern}).int64(0, 0);
  auto r = c.exec("SELECT " + item_columns + filter + " ORDER BY i.sku LIMIT $4 OFFSET $5",
                  params{tenant_id, req.query, pattern, out.per_page, (out.page - 1) * out.per_page});
  for (int i = 0; i < r.rows(); ++i) out.rows.push_back(item_from(r, i));
  return out;
}

std::optional<inventory_item> find_item(connection& c, std::int64_t tenant_id, const std::string& sku) {
  auto r = c.exec("SELECT " + item_columns + " FROM inventory_items i WHERE i.tenant_id = $1 AND i.sku = $2",
                  params{tenant_id, sku});
  if (r.rows() == 0) return std::nullopt;
  return item_from(r, 0);
}

std::optional<inventory_item> create_item(connection& c, std::int64_t tenant_id, const new_item& item,
                                          std::optional<std::int64_t> user_id) {
  transaction tx{c};
  auto r = c.exec(
      "INSERT INTO inventory_items (tenant_id, sku, title, variant_title, price) VALUES ($1, $2, $3, $4, $5::numeric)"
      " ON CONFLICT (tenant_id, sku) DO NOTHING RETURNING id",
      params{tenant_id, item.sku, item.title, item.variant_title, item.price});
  if (r.rows() == 0) return std::nullopt;
  auto id = r.int64(0, 0);
  if (item.quantity != 0) insert_movement(c, tenant_id, id, "initial", item.quantity, "Initial stock", user_id);
  auto created = item_by_id(c, tenant_id, id);
  tx.commit();
  return created;
}

adjust_result adjust_stock(connection& c, std::int64_t tenant_id, const std::string& sku, const stock_change& change) {
  adjust_result out;
  transaction tx{c};
  // FOR UPDATE waits for a concurrent adjustment to commit and then reads its result.
  auto r = c.exec("SELECT id, quantity FROM inventory_items WHERE tenant_id = $1 AND sku = $2 FOR UPDATE",
                  params{tenant_id, sku});
  if (r.rows() == 0) return out;
  auto id = r.int64(0, 0);
  auto current = r.int64(0, 1);
  auto delta = change.quantity ? *change.quantity - current : change.delta.value_or(0);
  if (delta < 0 && current + delta < 0) {
    out.status = adjust_status::would_go_negative;
    out.item = *item_by_id(c, tenant_id, id);
    return out;
  }
  out.movement = insert_movement(c, tenant_id, id, "adjustment", delta, change.note, change.user_id);
  out.item = *item_by_id(c, tenant_id, id);
  tx.commit();
  out.status = adjust_status::applied;
  return out;
}

std::vector<stock_movement> item_movements(connection& c, std::int64_t tenant_id, std::int64_t item_id,
                                           std::int64_t limit) {
  auto r = c.exec("SELECT " + movement_columns +
                      " FROM stock_movements m LEFT JOIN users u ON u.id = m.user_id"
                      " WHERE m.tenant_id = $1 AND m.item_id = $2 ORDER BY m.id DESC LIMIT $3",
                  params{tenant_id, item_id, limit});
  std::vector<stock_movement> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(movement_from(r, i));
  return out;
}

namespace {

std::string check_item_row(const shopify_item_row& row, const std::string& sku) {
  if (text_length(sku) > max_sku_length || has_control_chars(sku)) return "invalid_sku";
  if (row.title.empty() || text_length(row.title) > max_title_length || text_length(row.variant_title) > max_title_length)
    return "invalid_title";
  if (!valid_money(row.price)) return "invalid_price";
  for (auto* id : {&row.product_id, &row.variant_id, &row.inventory_item_id})
    if (id->size() > 100) return "invalid_ids";
  if (row.quantity && (*row.quantity > 1'000'000'000 || *row.quantity < -1'000'000'000)) return "invalid_quantity";
  return {};
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string{s};
}

param nonempty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

std::vector<row_outcome> upsert_items_from_shopify(connection& c, std::int64_t tenant_id,
                                                   const std::vector<shopify_item_row>& rows, std::string_view run_id) {
  std::vector<row_outcome> out(rows.size());
  std::set<std::string> seen;
  transaction tx{c};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    auto& o = out[i];
    auto sku = trimmed(row.sku);
    if (sku.empty()) {
      o.reason = "no_sku";
      continue;
    }
    if (!seen.insert(sku).second) {
      o.reason = "duplicate_sku";
      continue;
    }
    if (auto problem = check_item_row(row, sku); !problem.empty()) {
      o.reason = problem;
      continue;
    }
    auto digest = digest_input({row.title, row.variant_title, row.price, row.product_id, row.variant_id,
                                row.inventory_item_id});
    auto run = run_id.empty() ? param{} : param{std::string{run_id}};
    auto failed = within_savepoint(c, [&] {
      auto existing = c.exec(
          "SELECT id, shopify_variant_id IS NOT DISTINCT FROM $3, content_digest IS NOT DISTINCT FROM md5($4),"
          " last_import_run IS NOT DISTINCT FROM $5 AND $5 IS NOT NULL"
          " FROM inventory_items WHERE tenant_id = $1 AND sku = $2 FOR UPDATE",
          params{tenant_id, sku, nonempty(row.variant_id), digest, run});
      if (existing.rows() == 0) {
        auto created = c.exec(
            "INSERT INTO inventory_items (tenant_id, sku, title, variant_title, price, shopify_product_id,"
            " shopify_variant_id, shopify_inventory_item_id, content_digest, last_import_run, last_synced_at)"
            " VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, md5($9), $10, now())"
            " ON CONFLICT (tenant_id, sku) DO NOTHING RETURNING id",
            params{tenant_id, sku, row.title, row.variant_title, row.price, nonempty(row.product_id),
                   nonempty(row.variant_id), nonempty(row.inventory_item_id), digest, run});
        if (created.rows() == 1) {
          o.status = row_status::created;
          o.id = created.int64(0, 0);
          if (row.quantity && *row.quantity != 0)
            insert_movement(c, tenant_id, o.id, "import_baseline", *row.quantity, "Quantity imported from Shopify",
                            std::nullopt);
          return;
        }
        // Someone added the SKU since our SELECT (READ COMMITTED); lock and treat it as existing.
        existing = c.exec(
            "SELECT id, shopify_variant_id IS NOT DISTINCT FROM $3, content_digest IS NOT DISTINCT FROM md5($4),"
            " last_import_run IS NOT DISTINCT FROM $5 AND $5 IS NOT NULL"
            " FROM inventory_items WHERE tenant_id = $1 AND sku = $2 FOR UPDATE",
            params{tenant_id, sku, nonempty(row.variant_id), digest, run});
      }
      o.id = existing.int64(0, 0);
      bool same_variant = existing.boolean(0, 1), same_digest = existing.boolean(0, 2),
           same_run = existing.boolean(0, 3);
      if (same_run && !same_variant) {
        o.reason = "duplicate_sku";
        return;
      }
      if (same_variant && same_digest) {
        c.exec("UPDATE inventory_items SET last_synced_at = now(), last_import_run = $3 WHERE tenant_id = $1 AND id = $2",
               params{tenant_id, o.id, run});
        o.reason = "unchanged";
        return;
      }
      c.exec(
          "UPDATE inventory_items SET title = $3, variant_title = $4, price = $5::numeric, shopify_product_id = $6,"
          " shopify_variant_id = $7, shopify_inventory_item_id = $8, content_digest = md5($9), last_import_run = $10,"
          " last_synced_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2",
          params{tenant_id, o.id, row.title, row.variant_title, row.price, nonempty(row.product_id),
                 nonempty(row.variant_id), nonempty(row.inventory_item_id), digest, run});
      o.status = row_status::updated;
    });
    if (!failed.empty()) o = row_outcome{row_status::skipped, "conflict", 0};
  }
  tx.commit();
  return out;
}

std::vector<push_row> items_for_push(connection& c, std::int64_t tenant_id) {
  auto r = c.exec(
      "SELECT id, sku, shopify_inventory_item_id, quantity FROM inventory_items"
      " WHERE tenant_id = $1 AND shopify_inventory_item_id IS NOT NULL ORDER BY sku",
      params{tenant_id});
  std::vector<push_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(push_row{r.int64(i, 0), r.get(i, 1), r.get(i, 2), r.int64(i, 3)});
  return out;
}

}  // namespace nexsync::storage
