#include "storage/inventory_repo.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

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

// `m` carries quantity_after: the running sum of the item's movements up to this one.
const std::string movement_columns =
    "m.id, m.item_id, m.kind, m.delta, m.quantity_after, m.note, u.email, m.sale_id, " + iso_utc("m.created_at");

// An item's movements with their running sum (statements add WHERE/ORDER/LIMIT outside).
const std::string movements_with_totals =
    "(SELECT s.*, sum(s.delta) OVER (ORDER BY s.id) AS quantity_after FROM stock_movements s"
    " WHERE s.tenant_id = $1 AND s.item_id = $2) m LEFT JOIN users u ON u.id = m.user_id";

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
  // Two statements: the movement applies itself to the item when its INSERT ends, so only a later
  // statement sees the item's new quantity (the caller holds the item's lock, so it is this movement's).
  auto id = c.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note, user_id)"
                   " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   params{tenant_id, item_id, kind, delta, note, user_id})
                .int64(0, 0);
  auto r = c.exec("SELECT " + movement_columns +
                      " FROM (SELECT s.*, i.quantity AS quantity_after FROM stock_movements s"
                      "       JOIN inventory_items i ON i.id = s.item_id AND i.tenant_id = s.tenant_id"
                      "       WHERE s.tenant_id = $1 AND s.id = $2) m LEFT JOIN users u ON u.id = m.user_id",
                  params{tenant_id, id});
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
  auto r = c.exec("SELECT " + movement_columns + " FROM " + movements_with_totals + " ORDER BY m.id DESC LIMIT $3",
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

param nonempty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

namespace {

// A row that passed the checks, with what the statements need.
struct candidate {
  std::size_t index;   // into the page's rows (and outcomes)
  std::string sku;     // trimmed
  std::string digest;  // digest_input of the fields that define "changed"
};

// One row the slow way: its own statements inside a savepoint (a refused row skips as "conflict").
row_outcome upsert_one(connection& c, std::int64_t tenant_id, const shopify_item_row& row, const candidate& k,
                       const param& run) {
  row_outcome o;
  auto failed = within_savepoint(c, [&] {
    auto existing = c.exec(
        "SELECT id, shopify_variant_id IS NOT DISTINCT FROM $3, content_digest IS NOT DISTINCT FROM md5($4),"
        " last_import_run IS NOT DISTINCT FROM $5 AND $5 IS NOT NULL"
        " FROM inventory_items WHERE tenant_id = $1 AND sku = $2 FOR UPDATE",
        params{tenant_id, k.sku, nonempty(row.variant_id), k.digest, run});
    if (existing.rows() == 0) {
      // Created at Shopify's quantity: the insert records it as the item's baseline movement (migration 010).
      auto created = c.exec(
          "INSERT INTO inventory_items (tenant_id, sku, title, variant_title, price, quantity, shopify_product_id,"
          " shopify_variant_id, shopify_inventory_item_id, content_digest, last_import_run, last_synced_at)"
          " VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, md5($10), $11, now())"
          " ON CONFLICT (tenant_id, sku) DO NOTHING RETURNING id",
          params{tenant_id, k.sku, row.title, row.variant_title, row.price, row.quantity.value_or(0),
                 nonempty(row.product_id), nonempty(row.variant_id), nonempty(row.inventory_item_id), k.digest, run});
      if (created.rows() == 1) {
        o.status = row_status::created;
        o.id = created.int64(0, 0);
        return;
      }
      // Someone added the SKU since our SELECT (READ COMMITTED); lock and treat it as existing.
      existing = c.exec(
          "SELECT id, shopify_variant_id IS NOT DISTINCT FROM $3, content_digest IS NOT DISTINCT FROM md5($4),"
          " last_import_run IS NOT DISTINCT FROM $5 AND $5 IS NOT NULL"
          " FROM inventory_items WHERE tenant_id = $1 AND sku = $2 FOR UPDATE",
          params{tenant_id, k.sku, nonempty(row.variant_id), k.digest, run});
    }
    o.id = existing.int64(0, 0);
    bool same_variant = existing.boolean(0, 1), same_digest = existing.boolean(0, 2), same_run = existing.boolean(0, 3);
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
               nonempty(row.variant_id), nonempty(row.inventory_item_id), k.digest, run});
    o.status = row_status::updated;
  });
  if (!failed.empty()) o = row_outcome{row_status::skipped, "conflict", 0};
  return o;
}

// The whole page in a handful of set-based statements (the same decisions as upsert_one). A concurrent
// writer that created one of the SKUs in between makes the insert fail (a unique violation), and the
// caller then redoes the page row by row.
bool upsert_page(connection& c, std::int64_t tenant_id, const std::vector<shopify_item_row>& rows,
                 const std::vector<candidate>& todo, const param& run, std::vector<row_outcome>& out) {
  std::vector<std::string_view> skus, digests, variants;
  for (auto& k : todo) {
    skus.push_back(k.sku);
    digests.push_back(k.digest);
    variants.push_back(rows[k.index].variant_id);
  }
  // Lock the existing items in SKU order (the lock order every writer of a page uses).
  auto existing = c.exec(
      "SELECT u.n, i.id, i.shopify_variant_id IS NOT DISTINCT FROM NULLIF(u.v, ''),"
      " i.content_digest IS NOT DISTINCT FROM md5(u.d), i.last_import_run IS NOT DISTINCT FROM $5 AND $5 IS NOT NULL"
      " FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(sku, d, v, n)"
      " JOIN inventory_items i ON i.tenant_id = $1 AND i.sku = u.sku ORDER BY i.sku FOR UPDATE OF i",
      params{tenant_id, binary_text_array(skus), binary_text_array(digests), binary_text_array(variants), run});
  std::vector<bool> found(todo.size(), false);
  std::vector<std::int64_t> unchanged;
  std::vector<const candidate*> updates, creates;
  std::vector<std::int64_t> update_ids;
  for (int r = 0; r < existing.rows(); ++r) {
    auto n = static_cast<std::size_t>(existing.int64(r, 0)) - 1;
    found[n] = true;
    auto& o = out[todo[n].index];
    o.id = existing.int64(r, 1);
    bool same_variant = existing.boolean(r, 2), same_digest = existing.boolean(r, 3), same_run = existing.boolean(r, 4);
    if (same_run && !same_variant) {
      o.reason = "duplicate_sku";
    } else if (same_variant && same_digest) {
      o.reason = "unchanged";
      unchanged.push_back(o.id);
    } else {
      o.status = row_status::updated;
      updates.push_back(&todo[n]);
      update_ids.push_back(o.id);
    }
  }
  for (std::size_t n = 0; n < todo.size(); ++n)
    if (!found[n]) creates.push_back(&todo[n]);

  auto columns = [&rows](const std::vector<const candidate*>& list) {
    std::vector<std::string_view> sku, title, variant_title, price, product, variant, item, digest;
    for (auto* k : list) {
      auto& row = rows[k->index];
      sku.push_back(k->sku);
      title.push_back(row.title);
      variant_title.push_back(row.variant_title);
      price.push_back(row.price);
      product.push_back(row.product_id);
      variant.push_back(row.variant_id);
      item.push_back(row.inventory_item_id);
      digest.push_back(k->digest);
    }
    return std::vector<binary_array>{binary_text_array(sku),     binary_text_array(title),
                                     binary_text_array(variant_title), binary_text_array(price),
                                     binary_text_array(product), binary_text_array(variant),
                                     binary_text_array(item),    binary_text_array(digest)};
  };
  if (!unchanged.empty())
    c.exec("UPDATE inventory_items SET last_synced_at = now(), last_import_run = $3"
           " WHERE tenant_id = $1 AND id = ANY($2::bigint[])",
           params{tenant_id, binary_bigint_array(unchanged), run});
  if (!updates.empty()) {
    auto a = columns(updates);
    c.exec(
        "UPDATE inventory_items i SET title = u.title, variant_title = u.vt, price = u.price::numeric,"
        " shopify_product_id = NULLIF(u.p, ''), shopify_variant_id = NULLIF(u.v, ''),"
        " shopify_inventory_item_id = NULLIF(u.ii, ''), content_digest = md5(u.d), last_import_run = $11,"
        " last_synced_at = now(), updated_at = now()"
        " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],"
        "             $9::text[], $10::text[]) AS u(id, sku, title, vt, price, p, v, ii, d)"
        " WHERE i.tenant_id = $1 AND i.id = u.id",
        params{tenant_id, binary_bigint_array(update_ids), a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], run});
  }
  if (!creates.empty()) {
    // Created at Shopify's quantity: the insert records it as each item's baseline movement (migration 010).
    // No ON CONFLICT: the SELECT above found none of these SKUs, and one a concurrent writer adds meanwhile
    // is a unique violation, which redoes the page row by row (upsert_items_from_shopify's savepoint).
    // ON CONFLICT's speculative insertion cost a tenth of this statement.
    auto a = columns(creates);
    std::vector<std::int64_t> quantities;
    for (auto* k : creates) quantities.push_back(rows[k->index].quantity.value_or(0));
    auto created = c.exec(
        "INSERT INTO inventory_items (tenant_id, sku, title, variant_title, price, quantity, shopify_product_id,"
        " shopify_variant_id, shopify_inventory_item_id, content_digest, last_import_run, last_synced_at)"
        " SELECT $1, u.sku, u.title, u.vt, u.price::numeric, u.q, NULLIF(u.p, ''), NULLIF(u.v, ''), NULLIF(u.ii, ''),"
        "        md5(u.d), $11, now()"
        " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],"
        "             $10::bigint[]) AS u(sku, title, vt, price, p, v, ii, d, q)"
        " ORDER BY u.sku RETURNING id, sku",
        params{tenant_id, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], binary_bigint_array(quantities), run});
    if (created.rows() != static_cast<int>(creates.size())) return false;  // a guard: every row inserts or the statement fails
    std::map<std::string, std::int64_t> ids;
    for (int r = 0; r < created.rows(); ++r) ids.emplace(created.get(r, 1), created.int64(r, 0));
    for (auto* k : creates) {
      auto& o = out[k->index];
      o.status = row_status::created;
      o.id = ids.at(k->sku);
    }
  }
  return true;
}

}  // namespace

std::string sku_key(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string{s};
}

std::vector<row_outcome> upsert_items_from_shopify(connection& c, std::int64_t tenant_id,
                                                   const std::vector<shopify_item_row>& rows, std::string_view run_id,
                                                   const page_hook& before_commit) {
  std::vector<row_outcome> out(rows.size());
  std::set<std::string> seen;
  std::vector<candidate> todo;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    auto sku = sku_key(row.sku);
    if (sku.empty()) {
      out[i].reason = "no_sku";
      continue;
    }
    if (!seen.insert(sku).second) {
      out[i].reason = "duplicate_sku";
      continue;
    }
    if (auto problem = check_item_row(row, sku); !problem.empty()) {
      out[i].reason = problem;
      continue;
    }
    auto digest = digest_input({row.title, row.variant_title, row.price, row.product_id, row.variant_id,
                                row.inventory_item_id});
    todo.push_back({i, std::move(sku), std::move(digest)});
  }
  if (run_id.empty()) throw std::invalid_argument("upsert_items_from_shopify: the import run's id is required");
  auto run = param{std::string{run_id}};
  transaction tx{c, begin_with_cached_plans};  // the import refreshes statistics as the table grows
  // Set-based first; if a statement refuses the page (a row PostgreSQL rejects) or a concurrent writer
  // interferes, the page is redone row by row so every other row still lands.
  bool done = false;
  if (!todo.empty()) {
    c.exec_script("SAVEPOINT upsert_page");
    try {
      done = upsert_page(c, tenant_id, rows, todo, run, out);
    } catch (const query_error& e) {
      if (!e.sqlstate.starts_with("22") && !e.sqlstate.starts_with("23")) throw;
    }
    if (done) {
      c.exec_script("RELEASE SAVEPOINT upsert_page");
    } else {
      c.exec_script("ROLLBACK TO SAVEPOINT upsert_page");
      for (auto& k : todo) out[k.index] = upsert_one(c, tenant_id, rows[k.index], k, run);
    }
  }
  if (before_commit) {
    // The page's own statements ran on cached plans; the caller's run on per-execution plans, as the
    // connection's other work does (sync_runs grows by a row a run: see begin_with_cached_plans).
    c.exec_script("SET LOCAL plan_cache_mode = force_custom_plan");
    before_commit(c, out);
  }
  tx.commit();
  return out;
}

void refresh_inventory_statistics(connection& c) { c.exec_script("ANALYZE inventory_items (id, tenant_id, sku)"); }

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
