#pragma once
// The records of one simulated shop, kept compact (indexes, small strings) so thousands of shops with
// 100k+ variants fit in memory. Numeric ids are (shop number << 32) | (index + 1).

#include "sim/cost/bucket.hpp"
#include "sim/faults.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::sim::store {

/// Seconds since the Unix epoch.
using seconds = std::int64_t;

/// Order financial states, in Shopify's enum order.
enum class financial_status : std::uint8_t { pending, authorized, partially_paid, paid, partially_refunded, refunded, voided, expired };
/// Email marketing states, in Shopify's enum order.
enum class marketing_state : std::uint8_t { not_subscribed, pending, subscribed, unsubscribed, redacted, invalid };

/// The GraphQL enum name of a financial status ("PAID").
std::string_view to_enum(financial_status s);
/// The REST/webhook name of a financial status ("paid", "partially_paid").
std::string_view to_rest(financial_status s);
/// Parses either spelling; nullopt if unknown.
std::optional<financial_status> parse_financial_status(std::string_view s);
/// The GraphQL enum name of a marketing state ("SUBSCRIBED").
std::string_view to_enum(marketing_state s);
/// Parses a marketing state in either case; nullopt if unknown.
std::optional<marketing_state> parse_marketing_state(std::string_view s);

/// Builds a numeric id from a shop number and a 0-based index.
inline std::uint64_t make_id(std::uint32_t shop, std::uint64_t index) { return (std::uint64_t(shop) << 32) | (index + 1); }
/// The shop number of an id.
inline std::uint32_t id_shop(std::uint64_t id) { return static_cast<std::uint32_t>(id >> 32); }
/// The 0-based index of an id.
inline std::uint64_t id_index(std::uint64_t id) { return (id & 0xFFFFFFFFull) - 1; }

/// A product; its variants are variants[first_variant, first_variant + variant_count).
struct product {
  std::string title;
  seconds created_at = 0;
  seconds updated_at = 0;
  std::uint32_t first_variant = 0;
  std::uint16_t variant_count = 0;
  std::uint8_t category = 0;  ///< index into the product-type table
};

/// A variant; its inventory item has the same index.
struct variant {
  std::string sku;    ///< empty = no SKU
  std::string title;  ///< "Default Title" for single-variant products
  std::int64_t price_cents = 0;
  seconds updated_at = 0;
  std::uint32_t product = 0;
  std::uint16_t position = 1;
};

/// A location.
struct location {
  std::string name;
  std::string city;
  bool active = true;
  seconds created_at = 0;
};

/// A customer.
struct customer {
  std::string first_name;
  std::string last_name;
  std::string email;  ///< empty = none
  std::string phone;  ///< empty = none
  marketing_state marketing = marketing_state::not_subscribed;
  seconds created_at = 0;
  seconds updated_at = 0;
  std::uint32_t orders_count = 0;
  std::int64_t amount_spent_cents = 0;
};

/// One line of an order.
struct line_item {
  std::uint64_t id = 0;
  std::int32_t variant = -1;  ///< index, -1 = custom item
  std::int32_t quantity = 1;
  std::int64_t price_cents = 0;
  std::string sku;
  std::string title;
};

/// An order.
struct order {
  std::uint32_t number = 1001;
  financial_status status = financial_status::pending;
  std::int32_t customer = -1;  ///< index, -1 = guest
  seconds created_at = 0;
  seconds updated_at = 0;
  std::int64_t subtotal_cents = 0;
  std::int64_t tax_cents = 0;
  std::string email;
  std::vector<line_item> items;

  /// Total price in cents.
  std::int64_t total_cents() const { return subtotal_cents + tax_cents; }
};

/// A webhook subscription created through the API.
struct subscription {
  std::uint64_t id = 0;
  std::string topic;   ///< "orders/create"
  std::string uri;
  std::string format = "JSON";
  seconds created_at = 0;
  int consecutive_failures = 0;
};

/// A bulk operation and its result.
struct bulk_operation {
  std::uint64_t id = 0;
  std::string status = "CREATED";  ///< CREATED, RUNNING, COMPLETED, FAILED, CANCELED
  std::string query;
  seconds created_at = 0;
  std::optional<seconds> completed_at;
  std::uint64_t object_count = 0;
  std::uint64_t root_object_count = 0;
  std::string result;  ///< the JSONL file once completed
};

/// Admin API counters.
struct stats {
  std::uint64_t calls = 0;
  std::uint64_t throttled = 0;
  std::uint64_t cost_used = 0;
};

/// One shop: catalog, customers, orders, and its API-side state.
struct shop {
  std::uint32_t number = 0;
  std::string name;  ///< subdomain, "acme-jewellers"
  std::string plan = "standard";
  std::string currency = "EUR";
  std::string email;
  seconds created_at = 0;
  std::uint64_t seed = 0;

  std::vector<product> products;
  std::vector<variant> variants;
  std::vector<location> locations;
  std::vector<std::int32_t> available;  ///< [variant * locations.size() + location]
  std::vector<customer> customers;
  std::vector<order> orders;
  std::uint32_t next_order_number = 1001;
  std::uint64_t next_line_item = 0;

  // API-side state.
  bool installed = false;
  cost::bucket bucket{2000, 100, cost::bucket::clock::now()};
  sim::faults faults;
  sim::dice rng{1};
  store::stats counters;
  std::vector<subscription> subscriptions;
  std::uint64_t next_subscription = 0;
  std::vector<bulk_operation> bulk_operations;
  std::map<std::string, boost::json::value, std::less<>> idempotent_results;  ///< key -> {input hash, data}
  std::uint64_t next_adjustment = 0;

  /// "acme-jewellers.myshopify.com".
  std::string domain() const { return name + ".myshopify.com"; }
  /// Available quantity of a variant's item at a location.
  std::int32_t& level(std::uint32_t variant_index, std::uint32_t location_index) {
    return available[std::size_t(variant_index) * locations.size() + location_index];
  }
  /// Sum of available over locations.
  std::int64_t total_available(std::uint32_t variant_index) const;
  /// Restore rate of the plan (before fault overrides).
  double plan_restore_rate() const;
};

/// Product types used by the generator and the `productType` field.
std::string_view product_type_name(std::uint8_t category);

}  // namespace nexsync::sim::store
