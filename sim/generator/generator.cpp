#include "sim/generator/generator.hpp"

#include "sim/store/time.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace nexsync::sim::generator {

namespace json = boost::json;
using namespace store;

namespace {

constexpr std::array<const char*, 8> metals = {"Gold", "Silver", "Platinum", "Rose Gold", "White Gold", "Titanium", "Sterling", "Vermeil"};
constexpr std::array<const char*, 8> items = {"Ring", "Necklace", "Earrings", "Bracelet", "Pendant", "Watch", "Brooch", "Charm"};
constexpr std::array<const char*, 8> styles = {"Classic", "Vintage", "Solitaire", "Eternity", "Halo", "Twisted", "Minimal", "Signet"};
constexpr std::array<const char*, 12> sizes = {"Size 5", "Size 6", "Size 7", "Size 8", "Size 9", "Size 10", "Size 11", "Size 12", "Small", "Medium", "Large", "XL"};
constexpr std::array<const char*, 16> first_names = {"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas", "Klara", "Leon", "Mia", "Noah", "Olivia", "Paul"};
constexpr std::array<const char*, 16> last_names = {"Berg", "Schmidt", "Meyer", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun", "Zimmermann"};
constexpr std::array<const char*, 4> location_names = {"Main Store", "Warehouse", "Pop-up Store", "Outlet"};
constexpr std::array<const char*, 4> cities = {"Berlin", "Hamburg", "Munich", "Cologne"};

std::uint64_t hash_name(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// True for exactly round(n × share) of the indexes 0..n-1, spread evenly (offset shifts the pattern).
bool pick(std::size_t k, double share, double offset = 0) {
  if (share <= 0) return false;
  return std::floor((static_cast<double>(k) + 1 + offset) * share) > std::floor((static_cast<double>(k) + offset) * share);
}

std::string sku_prefix(const std::string& name) {
  std::string p;
  bool start = true;
  for (char c : name) {
    if (start && std::isalnum(static_cast<unsigned char>(c))) p += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = c == '-';
  }
  if (p.empty()) p = "SKU";
  return p.substr(0, 4);
}

}  // namespace

std::optional<std::string> shop_spec::from_json(const json::value& v, shop_spec& out) {
  if (!v.is_object()) return "a shop spec must be an object";
  const auto& o = v.as_object();
  auto str = [&](const char* k, std::string& f) -> std::optional<std::string> {
    if (auto* p = o.if_contains(k)) {
      if (!p->is_string()) return std::string(k) + " must be a string";
      f = std::string(p->as_string());
    }
    return std::nullopt;
  };
  auto integer = [&](const char* k, int& f, int hi) -> std::optional<std::string> {
    if (auto* p = o.if_contains(k)) {
      if (!p->is_number()) return std::string(k) + " must be a number";
      double d = p->to_number<double>();
      if (d < 0 || d > hi) return std::string(k) + " is out of range";
      f = static_cast<int>(d);
    }
    return std::nullopt;
  };
  auto share = [&](const char* k, double& f) -> std::optional<std::string> {
    if (auto* p = o.if_contains(k)) {
      if (!p->is_number()) return std::string(k) + " must be a number";
      f = p->to_number<double>();
      if (f < 0 || f > 1) return std::string(k) + " must be between 0 and 1";
    }
    return std::nullopt;
  };
  std::optional<std::string> e;
  if ((e = str("name", out.name)) || (e = str("plan", out.plan)) || (e = str("currency", out.currency)) ||
      (e = integer("products", out.products, 1000000)) || (e = integer("variants_per_product", out.variants_per_product, 100)) ||
      (e = share("no_sku_share", out.no_sku_share)) || (e = share("duplicate_sku_share", out.duplicate_sku_share)) ||
      (e = integer("customers", out.customers, 1000000)) || (e = share("no_email_share", out.no_email_share)) ||
      (e = integer("orders", out.orders, 1000000)) || (e = integer("order_days", out.order_days, 3650)) ||
      (e = integer("locations", out.locations, 4)))
    return e;
  if (out.plan != "standard" && out.plan != "advanced" && out.plan != "plus" && out.plan != "enterprise")
    return "plan must be standard, advanced, plus or enterprise";
  if (out.variants_per_product < 1) out.variants_per_product = 1;
  if (out.locations < 1) out.locations = 1;
  if (auto* p = o.if_contains("seed")) {
    if (!p->is_number()) return "seed must be a number";
    out.seed = p->is_uint64() ? p->as_uint64() : static_cast<std::uint64_t>(p->to_number<double>());
  }
  if (auto* p = o.if_contains("now")) {
    if (!p->is_string()) return "now must be an ISO 8601 time";
    auto t = parse_time(p->as_string());
    if (!t) return "now must be an ISO 8601 time";
    out.now = *t;
  }
  return std::nullopt;
}

std::optional<std::string> specs_from_json(const json::value& v, std::vector<shop_spec>& out) {
  const json::array* arr = nullptr;
  if (v.is_array()) arr = &v.as_array();
  else if (v.is_object() && v.as_object().contains("shops") && v.at("shops").is_array()) arr = &v.at("shops").as_array();
  if (!arr) return "the seed file must be an array of shops or {\"shops\": [...]}";
  for (const auto& entry : *arr) {
    shop_spec spec;
    if (auto e = shop_spec::from_json(entry, spec)) return e;
    int count = 1;
    if (auto* c = entry.as_object().if_contains("count")) count = c->is_number() ? static_cast<int>(c->to_number<double>()) : 1;
    if (count <= 1 && spec.name.find("{n}") == std::string::npos) {
      out.push_back(std::move(spec));
      continue;
    }
    for (int n = 1; n <= count; ++n) {
      shop_spec s = spec;
      auto pos = s.name.find("{n}");
      if (pos != std::string::npos) s.name.replace(pos, 3, std::to_string(n));
      else s.name += "-" + std::to_string(n);
      out.push_back(std::move(s));
    }
  }
  return std::nullopt;
}

std::uint32_t add_product(shop& s, const std::string& title, int variants, seconds now) {
  product p;
  p.title = title;
  p.created_at = p.updated_at = now;
  p.first_variant = static_cast<std::uint32_t>(s.variants.size());
  p.variant_count = static_cast<std::uint16_t>(std::max(1, variants));
  auto index = static_cast<std::uint32_t>(s.products.size());
  std::string prefix = sku_prefix(s.name);
  for (int v = 0; v < p.variant_count; ++v) {
    variant var;
    var.product = index;
    var.position = static_cast<std::uint16_t>(v + 1);
    var.title = p.variant_count == 1 ? "Default Title" : sizes[static_cast<std::size_t>(v) % sizes.size()];
    char sku[48];
    std::snprintf(sku, sizeof sku, "%s-%06u-%d", prefix.c_str(), index + 1, v + 1);
    var.sku = sku;
    var.price_cents = 10000;
    var.updated_at = now;
    s.variants.push_back(std::move(var));
    for (std::size_t l = 0; l < s.locations.size(); ++l) s.available.push_back(0);
  }
  s.products.push_back(std::move(p));
  return index;
}

void generate(shop& s, const shop_spec& spec) {
  const seconds now = spec.now ? spec.now : now_seconds();
  s.seed = spec.seed ? spec.seed : hash_name(spec.name);
  s.plan = spec.plan;
  s.currency = spec.currency;
  s.email = "owner@" + spec.name + ".example";
  s.created_at = now - 400 * 86400;
  dice rng(s.seed);
  s.rng = dice(s.seed ^ 0xFA017ull);

  for (int l = 0; l < spec.locations; ++l) {
    location loc;
    loc.name = location_names[static_cast<std::size_t>(l) % location_names.size()];
    loc.city = cities[static_cast<std::size_t>(l) % cities.size()];
    loc.created_at = s.created_at;
    s.locations.push_back(std::move(loc));
  }

  const std::size_t nvar = static_cast<std::size_t>(spec.products) * static_cast<std::size_t>(spec.variants_per_product);
  s.products.reserve(static_cast<std::size_t>(spec.products));
  s.variants.reserve(nvar);
  s.available.reserve(nvar * s.locations.size());
  const std::string prefix = sku_prefix(spec.name);
  std::size_t k = 0;  // running variant index
  std::size_t j = 0;  // running index of variants that get a SKU (duplicates are chosen among them)
  const double dup_share = spec.no_sku_share < 1 ? spec.duplicate_sku_share / (1 - spec.no_sku_share) : 0;
  std::size_t last_with_sku = SIZE_MAX;
  for (int i = 0; i < spec.products; ++i) {
    product p;
    auto m = rng.next();
    p.category = static_cast<std::uint8_t>(m % items.size());
    p.title = std::string(styles[(m >> 8) % styles.size()]) + " " + metals[(m >> 16) % metals.size()] + " " +
              items[p.category] + " " + std::to_string(i + 1);
    p.created_at = s.created_at + static_cast<seconds>((m >> 24) % (300 * 86400));
    p.updated_at = p.created_at + static_cast<seconds>((m >> 40) % (90 * 86400));
    if (p.updated_at > now) p.updated_at = now;
    p.first_variant = static_cast<std::uint32_t>(s.variants.size());
    p.variant_count = static_cast<std::uint16_t>(spec.variants_per_product);
    const std::int64_t base_price = 1900 + static_cast<std::int64_t>((m >> 32) % 2400) * 100;
    for (int v = 0; v < spec.variants_per_product; ++v, ++k) {
      variant var;
      var.product = static_cast<std::uint32_t>(i);
      var.position = static_cast<std::uint16_t>(v + 1);
      var.title = spec.variants_per_product == 1 ? "Default Title" : sizes[static_cast<std::size_t>(v) % sizes.size()];
      var.price_cents = base_price + v * 500;
      var.updated_at = p.updated_at;
      if (pick(k, spec.no_sku_share)) {
        // no SKU
      } else if (pick(j++, dup_share, 0.5) && last_with_sku != SIZE_MAX) {
        var.sku = s.variants[last_with_sku].sku;
      } else {
        char sku[48];
        std::snprintf(sku, sizeof sku, "%s-%06d-%d", prefix.c_str(), i + 1, v + 1);
        var.sku = sku;
        last_with_sku = s.variants.size();
      }
      auto q = rng.next();
      for (std::size_t l = 0; l < s.locations.size(); ++l) s.available.push_back(static_cast<std::int32_t>((q >> (l * 8)) % 51));
      s.variants.push_back(std::move(var));
    }
    s.products.push_back(std::move(p));
  }

  s.customers.reserve(static_cast<std::size_t>(spec.customers));
  for (int i = 0; i < spec.customers; ++i) {
    customer c;
    auto m = rng.next();
    c.first_name = first_names[m % first_names.size()];
    c.last_name = last_names[(m >> 8) % last_names.size()];
    if (!pick(static_cast<std::size_t>(i), spec.no_email_share, 0.25)) {
      std::string local = c.first_name + "." + c.last_name + std::to_string(i + 1);
      std::string domain = "example.com";
      if (i % 7 != 3) {
        for (auto& ch : local) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      } else {
        domain = "Example.com";  // mixed case on purpose: matching must ignore case
      }
      c.email = local + "@" + domain;
    }
    if (i % 3 == 0) {
      char phone[32];
      std::snprintf(phone, sizeof phone, "+4915%08u", static_cast<unsigned>((m >> 16) % 100000000));
      c.phone = phone;
    }
    c.marketing = c.email.empty() ? marketing_state::not_subscribed : static_cast<marketing_state>(i % 6);
    c.created_at = s.created_at + static_cast<seconds>((m >> 24) % (300 * 86400));
    c.updated_at = std::min(now, c.created_at + static_cast<seconds>((m >> 40) % (60 * 86400)));
    s.customers.push_back(std::move(c));
  }

  // Orders in time order (so id order is processing order), every financial status in turn.
  const seconds window = static_cast<seconds>(spec.order_days) * 86400;
  s.orders.reserve(static_cast<std::size_t>(spec.orders));
  for (int i = 0; i < spec.orders; ++i) {
    order o;
    auto m = rng.next();
    o.number = s.next_order_number++;
    o.status = static_cast<financial_status>(i % 8);
    o.created_at = now - window + (spec.orders > 1 ? window * i / spec.orders : 0) + static_cast<seconds>(m % 3600);
    if (o.created_at > now) o.created_at = now;
    o.updated_at = std::min(now, o.created_at + static_cast<seconds>((m >> 12) % 7200));
    if (!s.customers.empty() && (m >> 20) % 10 != 0) {
      o.customer = static_cast<std::int32_t>((m >> 24) % s.customers.size());
      auto& c = s.customers[static_cast<std::size_t>(o.customer)];
      o.email = c.email;
      ++c.orders_count;
    }
    int lines = 1 + static_cast<int>((m >> 32) % 3);
    for (int l = 0; l < lines && !s.variants.empty(); ++l) {
      auto r = rng.next();
      line_item li;
      li.id = make_id(s.number, s.next_line_item++);
      li.variant = static_cast<std::int32_t>(r % s.variants.size());
      const auto& var = s.variants[static_cast<std::size_t>(li.variant)];
      li.sku = var.sku;
      li.title = s.products[var.product].title;
      li.quantity = 1 + static_cast<std::int32_t>((r >> 32) % 2);
      li.price_cents = var.price_cents;
      o.subtotal_cents += li.price_cents * li.quantity;
      o.items.push_back(std::move(li));
    }
    o.tax_cents = o.subtotal_cents * 19 / 119;  // VAT included in the price; shown as tax part
    o.subtotal_cents -= o.tax_cents;
    if (o.customer >= 0) s.customers[static_cast<std::size_t>(o.customer)].amount_spent_cents += o.total_cents();
    s.orders.push_back(std::move(o));
  }
}

}  // namespace nexsync::sim::generator
