// Import Products: every variant with a SKU becomes or updates one inventory item, page by page, or
// through a bulk operation when the catalog is large (sync/import_products_bulk.cpp); this file chooses.
#include "sync/import_products.hpp"

#include "log/log.hpp"

#include <algorithm>
#include <tuple>

namespace nexsync::sync {

storage::shopify_item_row item_row(std::string_view product_id, std::string_view product_title,
                                   const boost::json::value& v) {
  storage::shopify_item_row row;
  row.sku = text_of(at_path(v, "sku"));
  row.title = std::string{product_title};
  row.variant_title = text_of(at_path(v, "title"));
  row.price = text_of(at_path(v, "price"));
  if (row.price.empty()) row.price = "0";
  if (auto* q = at_path(v, "inventoryQuantity"); q && q->is_int64()) row.quantity = q->as_int64();
  row.product_id = std::string{product_id};
  row.variant_id = text_of(at_path(v, "id"));
  row.inventory_item_id = text_of(at_path(v, "inventoryItem.id"));
  return row;
}

std::string skip_key(const storage::shopify_item_row& row) { return row.sku.empty() ? row.variant_id : row.sku; }

boost::asio::awaitable<page_tally> write_page(const run& r, std::vector<storage::shopify_item_row> rows,
                                              std::vector<std::string> keys) {
  auto apply = [tenant = r.tenant_id, run_id = r.run_id, rows = std::move(rows),
                keys = std::move(keys)](storage::connection& c) {
    page_tally tally;
    // The counts commit with the page: one WAL flush a page instead of two, and a crash cannot keep a
    // page's rows without its counts.
    auto count = [&](storage::connection& c, const std::vector<storage::row_outcome>& outcomes) {
      tally = tally_of(outcomes, keys);
      write_tally(c, tenant, run_id, tally);
    };
    storage::upsert_items_from_shopify(c, tenant, rows, std::to_string(run_id), count);
    return tally;
  };
  co_return co_await r.env.db->query(apply);
}

boost::asio::awaitable<void> refresh_statistics_if_due(run& r, statistics_schedule& schedule) {
  if (!schedule.due(r.synced)) co_return;
  auto analyze = [](storage::connection& c) { storage::refresh_inventory_statistics(c); };
  co_await r.env.db->query(analyze);
}

bool use_bulk_import(std::int64_t products, std::int64_t min_products) {
  return min_products > 0 && products >= min_products;
}

int variants_per_product(const page_budget& budget) {
  if (budget.largest_product <= 0) return shopify::products_page_max_variants;
  return std::min(budget.largest_product, shopify::products_page_max_variants);
}

int next_products_page(std::int64_t total, std::int64_t seen, const page_budget& budget) {
  int want = shopify::products_page.page_size;
  const std::int64_t remaining = total > 0 ? total - seen : 0;  // 0: unknown, or the count is stale
  if (remaining <= 0) return want;
  if (remaining < want) want = static_cast<int>(remaining);
  bool rest_is_paid = budget.available >= 0 && budget.actual_per_product > 0 &&
                      static_cast<double>(remaining) * budget.actual_per_product <= budget.available;
  if (!rest_is_paid) return want;
  const int variants = variants_per_product(budget);
  while (want > 1 && shopify::products_page_cost(want, variants) > budget.available) --want;
  return want;
}

namespace {

void add_variants(const boost::json::value& product, const boost::json::array& variants,
                  std::vector<storage::shopify_item_row>& rows, std::vector<std::string>& keys) {
  auto product_id = text_of(at_path(product, "id"));
  auto title = text_of(at_path(product, "title"));
  for (auto& v : variants) {
    rows.push_back(item_row(product_id, title, v));
    keys.push_back(skip_key(rows.back()));
  }
}

// Variants beyond those the products page asked for (a product larger than any seen before, or with
// more than 20). 50 first, doubling: a few more is the common case, and a small request waits less for
// the bucket.
boost::asio::awaitable<void> more_variants(run& r, const boost::json::value& product, std::string cursor,
                                           std::vector<storage::shopify_item_row>& rows, std::vector<std::string>& keys) {
  for (int first = 50;; first = std::min(2 * first, shopify::product_variants_page.page_size)) {
    // (Assignments, not a braced list: g++ 12 rejects nested braced initialisers in coroutines.)
    boost::json::object vars;
    vars["id"] = text_of(at_path(product, "id"));
    vars["first"] = first;
    vars["after"] = cursor;
    auto reply = co_await r.call(shopify::product_variants_page, first, vars);
    auto* nodes = at_path(reply.body, "data.product.variants.nodes");
    if (!nodes || !nodes->is_array()) co_return;
    add_variants(product, nodes->as_array(), rows, keys);
    auto* more = at_path(reply.body, "data.product.variants.pageInfo.hasNextPage");
    if (!more || !more->is_bool() || !more->as_bool()) co_return;
    cursor = text_of(at_path(reply.body, "data.product.variants.pageInfo.endCursor"));
  }
}

// One products page of `first` products, each with as many variants as variants_per_product() says.
boost::asio::awaitable<shopify::graphql_reply> fetch_products_page(run& r, int first, page_budget budget, std::string after) {
  const int variants = variants_per_product(budget);
  boost::json::object vars;
  vars["first"] = first;
  vars["variants"] = variants;
  if (!after.empty()) vars["after"] = after;
  auto reply = co_await r.call(shopify::products_page, first, vars, shopify::products_page_cost(first, variants));
  co_return reply;
}

// Products page by page (20 a page within the 1000-point limit), the next page fetched while this one
// is written.
boost::asio::awaitable<void> import_products_paged(run& r, shop_counts counts) {
  // Progress counts variants; Shopify counts products, so the total is estimated from the variants
  // per product seen so far (exact once the last page is in).
  std::int64_t products_seen = 0, variants_seen = 0;
  page_budget budget;
  statistics_schedule statistics;
  auto reply = co_await fetch_products_page(r, next_products_page(counts.products, 0, budget), budget, "");
  for (;;) {
    auto* nodes = at_path(reply.body, "data.products.nodes");
    if (!nodes || !nodes->is_array()) throw job_failure("Shopify's answer had no products list.");
    std::vector<storage::shopify_item_row> rows;
    std::vector<std::string> keys;
    for (auto& product : nodes->as_array()) {
      const auto before = rows.size();
      auto* variants = at_path(product, "variants.nodes");
      if (variants && variants->is_array()) add_variants(product, variants->as_array(), rows, keys);
      auto* more = at_path(product, "variants.pageInfo.hasNextPage");
      if (more && more->is_bool() && more->as_bool()) {
        auto cursor_after = text_of(at_path(product, "variants.pageInfo.endCursor"));  // named: see README
        co_await more_variants(r, product, cursor_after, rows, keys);
      }
      budget.largest_product = std::max(budget.largest_product, static_cast<int>(rows.size() - before));
    }
    const auto page_products = static_cast<std::int64_t>(nodes->as_array().size());
    products_seen += page_products;
    if (reply.cost) {
      budget.available = reply.cost->throttle.currently_available;
      if (reply.cost->actual && page_products > 0) budget.actual_per_product = *reply.cost->actual / page_products;
    }
    variants_seen += static_cast<std::int64_t>(rows.size());
    auto* more_pages = at_path(reply.body, "data.products.pageInfo.hasNextPage");
    bool more = more_pages && more_pages->is_bool() && more_pages->as_bool();
    auto cursor = text_of(at_path(reply.body, "data.products.pageInfo.endCursor"));

    // The next page is fetched while this one is written, so a shop's budget, not the database,
    // paces the import (the two overlap; the limiter still decides when the call may go).
    page_tally tally;
    auto writing = write_page(r, std::move(rows), std::move(keys));
    if (more) {
      auto fetching = fetch_products_page(r, next_products_page(counts.products, products_seen, budget), budget, cursor);
      auto results = co_await together(std::move(writing), std::move(fetching));
      tally = std::move(std::get<0>(results));
      reply = std::move(std::get<1>(results));
    } else {
      tally = co_await std::move(writing);
    }
    if (counts.products > 0 && products_seen > 0) {
      auto estimate = std::max(variants_seen, counts.products * variants_seen / products_seen);
      if (estimate != r.total) co_await r.set_total(estimate);
    }
    r.counted(tally);
    co_await refresh_statistics_if_due(r, statistics);
    if (!more) break;
  }
}

}  // namespace

boost::asio::awaitable<void> import_products(run& r) {
  auto counts = co_await r.counts();
  if (use_bulk_import(counts.products, r.env.bulk_import_min_products)) {
    auto imported = co_await import_products_bulk(r);
    if (imported) co_return;
    // Shopify runs as many bulk operations for this app and shop as it allows. Paging instead rather
    // than waiting: nothing tells when those others end (they may be exports of hours), while paging
    // always finishes, only slower; whoever clicked asked for the import now.
    log::info("sync", "bulk operation not available; importing products page by page",
              {{"tenant_id", r.tenant_id}, {"shop", r.shop}, {"products", counts.products}});
  }
  co_await import_products_paged(r, counts);
}

}  // namespace nexsync::sync
