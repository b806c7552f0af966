#pragma once
// Fills a shop with seeded, deterministic data: the same spec and seed give the same shop.

#include "sim/store/model.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::sim::generator {

/// What to generate for one shop.
struct shop_spec {
  std::string name;
  std::string plan = "standard";       ///< standard | advanced | plus | enterprise
  std::string currency = "EUR";
  int products = 20;
  int variants_per_product = 2;
  double no_sku_share = 0.05;          ///< share of variants without a SKU
  double duplicate_sku_share = 0.02;   ///< share of variants repeating an earlier variant's SKU
  int customers = 20;
  double no_email_share = 0.15;        ///< share of customers without an email address
  int orders = 30;
  int order_days = 90;                 ///< orders spread over this many days before `now`
  int locations = 1;
  std::uint64_t seed = 0;              ///< 0 = derived from the name
  store::seconds now = 0;              ///< 0 = the current time

  /// Reads a spec from JSON (the /_sim/shops body or a seed-file entry); error text on bad input.
  static std::optional<std::string> from_json(const boost::json::value& v, shop_spec& out);
};

/// Reads a seed file's JSON ({"shops":[...]} or [...]); entries with "count" and "{n}" in the name expand.
std::optional<std::string> specs_from_json(const boost::json::value& v, std::vector<shop_spec>& out);

/// Generates catalog, customers, orders and inventory into `s` (which must be empty).
void generate(store::shop& s, const shop_spec& spec);

/// Appends one product with `variants` variants (used by the control API); returns its index.
std::uint32_t add_product(store::shop& s, const std::string& title, int variants, store::seconds now);

}  // namespace nexsync::sim::generator
