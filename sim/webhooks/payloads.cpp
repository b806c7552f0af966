#include "sim/webhooks/payloads.hpp"

#include "sim/executor/executor.hpp"
#include "sim/store/time.hpp"

#include <cstdio>
#include <cstdlib>

namespace nexsync::sim::webhooks {

namespace json = boost::json;

namespace {

std::string money(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "", static_cast<long long>(std::llabs(cents) / 100),
                static_cast<long long>(std::llabs(cents) % 100));
  return buf;
}

json::object money_set(std::int64_t cents, const std::string& currency) {
  json::object m{{"amount", money(cents)}, {"currency_code", currency}};
  return json::object{{"shop_money", m}, {"presentment_money", m}};
}

json::object address(const std::string& first, const std::string& last) {
  return json::object{{"first_name", first}, {"last_name", last},     {"address1", "Hauptstrasse 1"},
                      {"address2", nullptr}, {"phone", nullptr},      {"city", "Berlin"},
                      {"zip", "10115"},      {"province", nullptr},   {"country", "Germany"},
                      {"company", nullptr},  {"latitude", nullptr},   {"longitude", nullptr},
                      {"name", first + " " + last}, {"country_code", "DE"}, {"province_code", nullptr}};
}

json::value customer_json(const store::shop& s, std::size_t index) {
  const auto& c = s.customers[index];
  std::uint64_t id = store::make_id(s.number, index);
  auto nullable = [](const std::string& v) { return v.empty() ? json::value(nullptr) : json::value(v); };
  std::string state = std::string(store::to_enum(c.marketing));
  for (auto& ch : state) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return json::object{{"id", id},
                      {"email", nullable(c.email)},
                      {"created_at", store::format_time(c.created_at)},
                      {"updated_at", store::format_time(c.updated_at)},
                      {"first_name", nullable(c.first_name)},
                      {"last_name", nullable(c.last_name)},
                      {"state", c.email.empty() ? "disabled" : "enabled"},
                      {"note", nullptr},
                      {"verified_email", !c.email.empty()},
                      {"multipass_identifier", nullptr},
                      {"tax_exempt", false},
                      {"phone", nullable(c.phone)},
                      {"email_marketing_consent",
                       c.email.empty() ? json::value(nullptr)
                                       : json::value(json::object{{"state", state}, {"opt_in_level", "single_opt_in"}, {"consent_updated_at", store::format_time(c.updated_at)}})},
                      {"tags", ""},
                      {"currency", s.currency},
                      {"admin_graphql_api_id", executor::gid("Customer", id)},
                      {"default_address", address(c.first_name, c.last_name)}};
}

}  // namespace

json::value order_payload(const store::shop& s, std::size_t index) {
  const auto& o = s.orders[index];
  std::uint64_t id = store::make_id(s.number, index);
  json::array lines;
  for (const auto& li : o.items) {
    json::value variant_id = nullptr, product_id = nullptr, variant_title = nullptr;
    if (li.variant >= 0) {
      const auto& v = s.variants[static_cast<std::size_t>(li.variant)];
      variant_id = store::make_id(s.number, static_cast<std::uint64_t>(li.variant));
      product_id = store::make_id(s.number, v.product);
      variant_title = v.title == "Default Title" ? json::value(nullptr) : json::value(v.title);
    }
    lines.push_back(json::object{{"id", li.id},
                                 {"admin_graphql_api_id", executor::gid("LineItem", li.id)},
                                 {"fulfillable_quantity", li.quantity},
                                 {"fulfillment_service", "manual"},
                                 {"fulfillment_status", nullptr},
                                 {"gift_card", false},
                                 {"grams", 20},
                                 {"name", li.title},
                                 {"price", money(li.price_cents)},
                                 {"price_set", money_set(li.price_cents, s.currency)},
                                 {"product_exists", li.variant >= 0},
                                 {"product_id", product_id},
                                 {"properties", json::array{}},
                                 {"quantity", li.quantity},
                                 {"requires_shipping", true},
                                 {"sku", li.sku.empty() ? json::value(nullptr) : json::value(li.sku)},
                                 {"taxable", true},
                                 {"title", li.title},
                                 {"total_discount", "0.00"},
                                 {"total_discount_set", money_set(0, s.currency)},
                                 {"variant_id", variant_id},
                                 {"variant_inventory_management", "shopify"},
                                 {"variant_title", variant_title},
                                 {"vendor", s.name},
                                 {"tax_lines", json::array{}},
                                 {"duties", json::array{}},
                                 {"discount_allocations", json::array{}}});
  }
  std::string first = "Guest", last = "Buyer";
  if (o.customer >= 0) {
    first = s.customers[static_cast<std::size_t>(o.customer)].first_name;
    last = s.customers[static_cast<std::size_t>(o.customer)].last_name;
  }
  json::object p{{"id", id},
                 {"admin_graphql_api_id", executor::gid("Order", id)},
                 {"app_id", nullptr},
                 {"browser_ip", nullptr},
                 {"buyer_accepts_marketing", false},
                 {"cancel_reason", nullptr},
                 {"cancelled_at", nullptr},
                 {"closed_at", nullptr},
                 {"confirmation_number", nullptr},
                 {"confirmed", true},
                 {"contact_email", o.email.empty() ? json::value(nullptr) : json::value(o.email)},
                 {"created_at", store::format_time(o.created_at)},
                 {"currency", s.currency},
                 {"current_subtotal_price", money(o.subtotal_cents)},
                 {"current_subtotal_price_set", money_set(o.subtotal_cents, s.currency)},
                 {"current_total_price", money(o.total_cents())},
                 {"current_total_price_set", money_set(o.total_cents(), s.currency)},
                 {"current_total_tax", money(o.tax_cents)},
                 {"current_total_tax_set", money_set(o.tax_cents, s.currency)},
                 {"email", o.email.empty() ? json::value(nullptr) : json::value(o.email)},
                 {"financial_status", std::string(store::to_rest(o.status))},
                 {"fulfillment_status", nullptr},
                 {"name", "#" + std::to_string(o.number)},
                 {"note", nullptr},
                 {"number", o.number - 1000},
                 {"order_number", o.number},
                 {"presentment_currency", s.currency},
                 {"processed_at", store::format_time(o.created_at)},
                 {"source_name", "web"},
                 {"subtotal_price", money(o.subtotal_cents)},
                 {"subtotal_price_set", money_set(o.subtotal_cents, s.currency)},
                 {"tags", ""},
                 {"taxes_included", true},
                 {"test", false},
                 {"total_discounts", "0.00"},
                 {"total_discounts_set", money_set(0, s.currency)},
                 {"total_line_items_price", money(o.subtotal_cents + o.tax_cents)},
                 {"total_line_items_price_set", money_set(o.subtotal_cents + o.tax_cents, s.currency)},
                 {"total_price", money(o.total_cents())},
                 {"total_price_set", money_set(o.total_cents(), s.currency)},
                 {"total_tax", money(o.tax_cents)},
                 {"total_tax_set", money_set(o.tax_cents, s.currency)},
                 {"updated_at", store::format_time(o.updated_at)},
                 {"billing_address", address(first, last)},
                 {"shipping_address", address(first, last)},
                 {"customer", o.customer >= 0 ? customer_json(s, static_cast<std::size_t>(o.customer)) : json::value(nullptr)},
                 {"line_items", std::move(lines)},
                 {"shipping_lines", json::array{}},
                 {"refunds", json::array{}},
                 {"fulfillments", json::array{}}};
  return p;
}

json::value shop_payload(const store::shop& s) {
  return json::object{{"id", s.number},
                      {"name", s.name},
                      {"email", s.email},
                      {"domain", s.domain()},
                      {"myshopify_domain", s.domain()},
                      {"country", "DE"},
                      {"country_code", "DE"},
                      {"country_name", "Germany"},
                      {"city", "Berlin"},
                      {"currency", s.currency},
                      {"customer_email", s.email},
                      {"iana_timezone", "Europe/Berlin"},
                      {"timezone", "(GMT+01:00) Europe/Berlin"},
                      {"shop_owner", "Shop Owner"},
                      {"plan_name", s.plan == "standard" ? "basic" : s.plan},
                      {"plan_display_name", s.plan},
                      {"primary_locale", "en"},
                      {"created_at", store::format_time(s.created_at)},
                      {"updated_at", store::format_time(s.created_at)},
                      {"money_format", "€{{amount}}"},
                      {"taxes_included", true},
                      {"multi_location_enabled", s.locations.size() > 1},
                      {"primary_location_id", s.locations.empty() ? json::value(nullptr) : json::value(store::make_id(s.number, 0))}};
}

json::value bulk_finish_payload(const store::shop&, const store::bulk_operation& op) {
  std::string status = op.status;
  for (auto& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return json::object{{"admin_graphql_api_id", executor::gid("BulkOperation", op.id)},
                      {"completed_at", op.completed_at ? json::value(store::format_time(*op.completed_at)) : json::value(nullptr)},
                      {"created_at", store::format_time(op.created_at)},
                      {"error_code", nullptr},
                      {"status", status},
                      {"type", "query"}};
}

json::value compliance_payload(const store::shop& s, const std::string& topic, std::optional<std::size_t> customer,
                               std::uint64_t request_id) {
  json::object p{{"shop_id", s.number}, {"shop_domain", s.domain()}};
  if (topic == "shop/redact") return p;
  json::object c{{"id", nullptr}, {"email", nullptr}, {"phone", nullptr}};
  json::array orders;
  if (customer && *customer < s.customers.size()) {
    const auto& cu = s.customers[*customer];
    c["id"] = store::make_id(s.number, *customer);
    c["email"] = cu.email.empty() ? json::value(nullptr) : json::value(cu.email);
    c["phone"] = cu.phone.empty() ? json::value(nullptr) : json::value(cu.phone);
    for (std::size_t i = 0; i < s.orders.size(); ++i)
      if (s.orders[i].customer == static_cast<std::int32_t>(*customer)) orders.push_back(store::make_id(s.number, i));
  }
  p["customer"] = std::move(c);
  if (topic == "customers/data_request") {
    p["orders_requested"] = std::move(orders);
    p["data_request"] = json::object{{"id", request_id}};
  } else {
    p["orders_to_redact"] = std::move(orders);
  }
  return p;
}

}  // namespace nexsync::sim::webhooks
