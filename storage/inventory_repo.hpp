#pragma once
// Inventory items and their stock movements. An item's quantity is always the sum of its movements:
// the only way to change it is to insert a movement (a trigger applies it to the item under the row
// lock), so concurrent changes serialize and none is lost. Every call is scoped by tenant.
// Blocking calls: run them through storage::pool.

#include "storage/records.hpp"

#include <functional>
#include <optional>

namespace nexsync::storage {

/// One inventory item as lists and pages show it.
struct inventory_item {
  std::int64_t id = 0;
  std::string sku;
  std::string title;
  std::string variant_title;
  std::string price;  ///< decimal text, "12.50"
  std::int64_t quantity = 0;
  std::optional<std::string> shopify_product_id;
  std::optional<std::string> shopify_variant_id;
  std::optional<std::string> shopify_inventory_item_id;
  std::optional<std::string> last_synced_at;  ///< UTC ISO 8601
  std::string updated_at;                     ///< UTC ISO 8601
};

/// One change of an item's quantity.
struct stock_movement {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  std::string kind;  ///< initial | adjustment | sale | import_baseline
  std::int64_t delta = 0;
  std::int64_t quantity_after = 0;
  std::string note;
  std::optional<std::string> user_email;
  std::optional<std::int64_t> sale_id;
  std::string created_at;  ///< UTC ISO 8601
};

/// Limits the tables enforce (characters): checked by callers to answer 4xx instead of failing.
inline constexpr std::size_t max_sku_length = 100;
inline constexpr std::size_t max_title_length = 255;
inline constexpr std::size_t max_note_length = 500;
/// The largest quantity (and absolute delta) an adjustment may set.
inline constexpr std::int64_t max_stock_quantity = 1'000'000;

/// An item added by hand ("pieces made in the workshop start here").
struct new_item {
  std::string sku;
  std::string title;
  std::string variant_title;
  std::string price = "0";
  std::int64_t quantity = 0;  ///< recorded as an "initial" movement when not 0
};

/// The page of items matching the query (SKU or title contains it), ordered by SKU.
page_of<inventory_item> list_items(connection& c, std::int64_t tenant_id, const page_request& req);

/// The item with exactly this SKU.
std::optional<inventory_item> find_item(connection& c, std::int64_t tenant_id, const std::string& sku);

/// Adds an item with its initial stock in one transaction; nullopt when the SKU is taken.
std::optional<inventory_item> create_item(connection& c, std::int64_t tenant_id, const new_item& item,
                                          std::optional<std::int64_t> user_id);

/// An Adjust Stock request: exactly one of delta and quantity (the new count); the note is required.
struct stock_change {
  std::optional<std::int64_t> delta;
  std::optional<std::int64_t> quantity;
  std::string note;
  std::optional<std::int64_t> user_id;
};

/// How an adjustment ended.
enum class adjust_status { applied, not_found, would_go_negative };

/// The adjustment's outcome; item and movement are set when applied.
struct adjust_result {
  adjust_status status = adjust_status::not_found;
  inventory_item item;
  stock_movement movement;
};

/// Applies an adjustment in one transaction, reading the quantity under the item's row lock (a new
/// count becomes the delta from the current quantity). A negative delta may not take stock below 0.
adjust_result adjust_stock(connection& c, std::int64_t tenant_id, const std::string& sku, const stock_change& change);

/// The newest movements of an item (at most limit).
std::vector<stock_movement> item_movements(connection& c, std::int64_t tenant_id, std::int64_t item_id,
                                           std::int64_t limit = 100);

// ---- Sync batches (the sync engine calls these; one call = one page = one transaction) ----

/// One Shopify variant as the products import sees it (plain fields, no Shopify JSON).
struct shopify_item_row {
  std::string sku;  ///< empty: skipped "no_sku"
  std::string title;
  std::string variant_title;
  std::string price = "0";
  std::optional<std::int64_t> quantity;  ///< Shopify's available count: the baseline of items created here
  std::string product_id;
  std::string variant_id;
  std::string inventory_item_id;
};

/// Refreshes the planner's statistics of the inventory tables (ANALYZE). An import grows them from
/// nothing in seconds, faster than autovacuum re-analyzes them (a minute apart at best); plans made for
/// a table of a few hundred rows then read all of it for every page (a sequential scan where the
/// primary key would do: 9.5 ms instead of ~1 ms a page at 93k items). Only the row count and the
/// columns an import looks items up by: it writes stock_movements but never reads it (its statement
/// trigger reads the new rows and the items), and the other columns wait for autovacuum. All of both
/// tables took 0.8 s of a 100k import's PostgreSQL time, all of inventory_items 0.54 s.
void refresh_inventory_statistics(connection& c);

/// The SKU a row is matched by: the variant's SKU without surrounding spaces and tabs (empty: none).
std::string sku_key(std::string_view sku);

/// Creates or updates one item per row, matched by SKU (exact), in one transaction. Skips (reason):
/// "no_sku"; "duplicate_sku" (an earlier row of this page, or of the same run_id, had the SKU: the
/// first variant wins); "unchanged" (same content digest and variant as last time); "invalid_title",
/// "invalid_price", "invalid_sku", "invalid_ids"; "conflict" (a database constraint refused the row).
/// New items take Shopify's quantity as an "import_baseline" movement; existing items keep their
/// quantity (nexsync's count is the truth that Push Inventory sends to Shopify). `run_id` names the
/// import run (required: only an item of an import may be created at a quantity other than 0).
/// `before_commit` runs inside the transaction with the outcomes, after the rows, planned per execution:
/// what the caller writes there (the run's counts) commits with them, or neither does.
using page_hook = std::function<void(connection&, const std::vector<row_outcome>&)>;
std::vector<row_outcome> upsert_items_from_shopify(connection& c, std::int64_t tenant_id,
                                                   const std::vector<shopify_item_row>& rows, std::string_view run_id,
                                                   const page_hook& before_commit = {});

/// An item linked to a Shopify inventory item, with the quantity to push.
struct push_row {
  std::int64_t item_id = 0;
  std::string sku;
  std::string inventory_item_id;
  std::int64_t quantity = 0;
};

/// Every item with a SKU and a Shopify inventory item id, ordered by SKU.
std::vector<push_row> items_for_push(connection& c, std::int64_t tenant_id);

}  // namespace nexsync::storage
