#pragma once

#include "shopify/cost.hpp"

#include <span>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// A GraphQL document nexsync sends, with what it costs Shopify to accept it.
struct graphql_document {
  std::string_view name;  ///< Operation name, as written in the text.
  std::string_view text;  ///< The document (2026-10 Admin API).
  int page_size;          ///< `$first` (or the number of `$ids`) the estimate assumes; 0 if not paged.
  int fixed_cost;         ///< Requested cost outside the paged connection (or the whole cost if unpaged).
  int per_node_cost;      ///< Requested cost of one node of the paged connection; 0 if unpaged.

  /// Requested cost when `$first` (or the id count) is `first`; pass page_size or less.
  constexpr int cost(int first) const {
    return page_size == 0 ? fixed_cost : fixed_cost + connection_cost(first, per_node_cost);
  }

  /// Requested cost at page_size: what the rate limiter must hold before sending it.
  constexpr int requested_cost() const { return cost(page_size); }
};

/// Products, 20 a page, each with its first `$variants` (≤ 20) variants (SKU, price, quantity,
/// inventory item); variables `$first`, `$variants`, `$after`, `$query` (e.g.
/// `updated_at:>='2026-01-01T00:00:00Z'`). Cost 862 at 20 variants; products_page_cost() otherwise.
extern const graphql_document products_page;

/// The most variants a products page asks for per product; the rest come through product_variants_page.
inline constexpr int products_page_max_variants = 20;

/// Requested cost of a products page of `products` products with `variants` variants each:
/// 2 + products × (1 product + 2 connection + variants × (1 variant + 1 inventoryItem)).
constexpr int products_page_cost(int products, int variants) {
  return connection_cost(products, object_with(connection_cost(variants, object_with(object_cost))));
}

/// Further variants of one product whose first page had `hasNextPage`; variables `$id`, `$first`
/// (≤ 250), `$after`. Cost 503.
extern const graphql_document product_variants_page;

/// Customers, 250 a page, with `defaultEmailAddress { emailAddress marketingState }`; variables
/// `$first`, `$after`, `$query`. Cost 502.
extern const graphql_document customers_page;

/// Orders, 20 a page, oldest update first, each with its first 12 line items; variables `$first`,
/// `$after`, `$query` (e.g. `financial_status:paid updated_at:>='…'`). Cost 842.
extern const graphql_document orders_page;

/// One order by id with up to 250 line items a page (webhook apply, or line items beyond the first
/// 12); variables `$id`, `$first`, `$after`. Cost 756.
extern const graphql_document order_by_id;

/// How many products, customers and orders matching `$ordersQuery` the shop has (progress totals);
/// variables `$ordersQuery`. Cost 3.
extern const graphql_document record_counts;

/// The shop's locations, 50 a page; variables `$first`, `$after`. Cost 52.
extern const graphql_document locations_page;

/// "available" quantity of up to 250 inventory items at one location; variables `$ids` (≤ 250
/// InventoryItem gids) and `$locationId`. Cost 752 at 250 ids.
extern const graphql_document inventory_levels;

/// inventorySetQuantities (up to 250 rows) under `@idempotent(key: $key)`; variables `$input`
/// (InventorySetQuantitiesInput) and `$key` (reused on retries). Cost 10.
extern const graphql_document inventory_set_quantities;

/// webhookSubscriptionCreate for one topic; variables `$topic` (e.g. ORDERS_CREATE) and `$uri`. Cost 10.
extern const graphql_document webhook_subscription_create;

/// appUninstall: revokes nexsync's access on disconnect. Cost 10.
extern const graphql_document app_uninstall;

/// A cheap probe that the token works and which shop it belongs to. Cost 1.
extern const graphql_document shop_probe;

/// bulkOperationRunQuery (userErrors with `code`, e.g. OPERATION_IN_PROGRESS); variable `$query` holds
/// bulk_products_query(). Cost 10.
extern const graphql_document bulk_operation_run_query;

/// Status of one bulk operation; variable `$id`. Cost 1.
extern const graphql_document bulk_operation_status;

/// Every document above, for tests and for logging by name.
std::span<const graphql_document* const> all_documents();

/// Writes `text` as a GraphQL string literal (quoted, with `"`, `\` and control characters escaped).
std::string graphql_string_literal(std::string_view text);

/// The inner query of a products bulk operation (all products, all variants, JSONL output); `search`
/// filters products like `$query` does, empty for all.
std::string bulk_products_query(std::string_view search);

}  // namespace nexsync::shopify
