#include "bench/orders.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <boost/json.hpp>

#include <boost/beast/http.hpp>

#include <cstdio>

namespace nexsync::bench {

namespace {

std::string money(std::uint64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu", static_cast<unsigned long long>(cents / 100), static_cast<unsigned long long>(cents % 100));
  return buf;
}

boost::json::object money_set(std::uint64_t cents) {
  boost::json::object shop{{"amount", money(cents)}, {"currency_code", "EUR"}};
  boost::json::object presentment{{"amount", money(cents)}, {"currency_code", "EUR"}};
  return {{"shop_money", shop}, {"presentment_money", presentment}};
}

boost::json::object address(const std::string& first, const std::string& last) {
  return {{"first_name", first}, {"address1", "12 Goldsmith Lane"}, {"phone", "+49 30 1234567"}, {"city", "Berlin"},
          {"zip", "10115"}, {"province", nullptr}, {"country", "Germany"}, {"last_name", last},
          {"address2", "2nd floor"}, {"company", nullptr}, {"latitude", 52.532}, {"longitude", 13.384},
          {"name", first + " " + last}, {"country_code", "DE"}, {"province_code", nullptr}};
}

}  // namespace

std::string order_created_body(const std::string& shop, std::uint64_t order_id, std::uint64_t number, int lines) {
  const std::string domain = shop + ".myshopify.com";
  const std::string at = "2026-11-28T10:15:30+01:00";
  boost::json::array items;
  std::uint64_t subtotal = 0;
  for (int i = 0; i < lines; ++i) {
    std::uint64_t price = 4900 + 1250 * static_cast<std::uint64_t>(i);
    std::uint64_t qty = 1 + static_cast<std::uint64_t>(i % 2);
    subtotal += price * qty;
    std::uint64_t line_id = order_id * 10 + static_cast<std::uint64_t>(i);
    boost::json::object tax{{"channel_liable", false}, {"price", money(price * qty * 19 / 119)}, {"price_set", money_set(price * qty * 19 / 119)},
                            {"rate", 0.19}, {"title", "MwSt"}};
    items.push_back(boost::json::object{
        {"id", line_id}, {"admin_graphql_api_id", "gid://shopify/LineItem/" + std::to_string(line_id)},
        {"attributed_staffs", boost::json::array{}}, {"current_quantity", qty}, {"fulfillable_quantity", qty},
        {"fulfillment_service", "manual"}, {"fulfillment_status", nullptr}, {"gift_card", false}, {"grams", 12},
        {"name", "Silver ring " + std::to_string(i) + " - 54"}, {"price", money(price)}, {"price_set", money_set(price)},
        {"product_exists", true}, {"product_id", 7000000000 + i}, {"properties", boost::json::array{}}, {"quantity", qty},
        {"requires_shipping", true}, {"sku", "RING-" + std::to_string(1000 + i) + "-54"}, {"taxable", true},
        {"title", "Silver ring " + std::to_string(i)}, {"total_discount", "0.00"}, {"total_discount_set", money_set(0)},
        {"variant_id", 8000000000 + i}, {"variant_inventory_management", "shopify"}, {"variant_title", "54"},
        {"vendor", "Atelier"}, {"tax_lines", boost::json::array{tax}}, {"duties", boost::json::array{}},
        {"discount_allocations", boost::json::array{}}});
  }
  std::uint64_t shipping = 495;
  std::uint64_t total = subtotal + shipping;
  std::uint64_t tax = total * 19 / 119;
  boost::json::object customer{
      {"id", 6000000000 + order_id % 1000}, {"email", "anna.schmidt" + std::to_string(order_id % 1000) + "@example.com"},
      {"created_at", at}, {"updated_at", at}, {"first_name", "Anna"}, {"last_name", "Schmidt"}, {"state", "enabled"},
      {"note", nullptr}, {"verified_email", true}, {"multipass_identifier", nullptr}, {"tax_exempt", false},
      {"phone", "+4930123456" + std::to_string(order_id % 10)}, {"currency", "EUR"}, {"tax_exemptions", boost::json::array{}},
      {"admin_graphql_api_id", "gid://shopify/Customer/" + std::to_string(6000000000 + order_id % 1000)},
      {"default_address", address("Anna", "Schmidt")},
      {"email_marketing_consent", boost::json::object{{"state", "subscribed"}, {"opt_in_level", "single_opt_in"}, {"consent_updated_at", at}}}};
  boost::json::object shipping_line{{"id", order_id * 7}, {"carrier_identifier", nullptr}, {"code", "Standard"},
                                    {"discounted_price", money(shipping)}, {"discounted_price_set", money_set(shipping)},
                                    {"price", money(shipping)}, {"price_set", money_set(shipping)}, {"source", "shopify"},
                                    {"title", "Standard"}, {"tax_lines", boost::json::array{}}};
  boost::json::object order{
      {"id", order_id}, {"admin_graphql_api_id", "gid://shopify/Order/" + std::to_string(order_id)}, {"app_id", 580111},
      {"browser_ip", "203.0.113.7"}, {"buyer_accepts_marketing", true}, {"cancel_reason", nullptr}, {"cancelled_at", nullptr},
      {"cart_token", "c1-" + std::to_string(order_id)}, {"checkout_id", order_id + 11}, {"checkout_token", "ct-" + std::to_string(order_id)},
      {"client_details", boost::json::object{{"accept_language", "de-DE"}, {"browser_height", nullptr}, {"browser_ip", "203.0.113.7"},
                                             {"browser_width", nullptr}, {"session_hash", nullptr},
                                             {"user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}}},
      {"closed_at", nullptr}, {"confirmation_number", "X" + std::to_string(order_id % 100000000)}, {"confirmed", true},
      {"contact_email", "anna.schmidt@example.com"}, {"created_at", at}, {"currency", "EUR"},
      {"current_subtotal_price", money(subtotal)}, {"current_subtotal_price_set", money_set(subtotal)},
      {"current_total_discounts", "0.00"}, {"current_total_discounts_set", money_set(0)},
      {"current_total_price", money(total)}, {"current_total_price_set", money_set(total)},
      {"current_total_tax", money(tax)}, {"current_total_tax_set", money_set(tax)}, {"customer_locale", "de"},
      {"device_id", nullptr}, {"discount_codes", boost::json::array{}}, {"email", "anna.schmidt@example.com"},
      {"estimated_taxes", false}, {"financial_status", "paid"}, {"fulfillment_status", nullptr},
      {"landing_site", "/products/silver-ring"}, {"name", "#" + std::to_string(number)}, {"note", nullptr},
      {"note_attributes", boost::json::array{}}, {"number", number - 1000}, {"order_number", number},
      {"order_status_url", "https://" + domain + "/7000/orders/" + std::to_string(order_id) + "/authenticate?key=abc123"},
      {"payment_gateway_names", boost::json::array{"shopify_payments"}}, {"phone", nullptr}, {"presentment_currency", "EUR"},
      {"processed_at", at}, {"reference", nullptr}, {"referring_site", "https://www.google.com/"}, {"source_name", "web"},
      {"subtotal_price", money(subtotal)}, {"subtotal_price_set", money_set(subtotal)}, {"tags", "bench"},
      {"tax_lines", boost::json::array{boost::json::object{{"price", money(tax)}, {"rate", 0.19}, {"title", "MwSt"}, {"price_set", money_set(tax)}}}},
      {"taxes_included", true}, {"test", false}, {"token", "tok" + std::to_string(order_id)},
      {"total_discounts", "0.00"}, {"total_discounts_set", money_set(0)},
      {"total_line_items_price", money(subtotal)}, {"total_line_items_price_set", money_set(subtotal)},
      {"total_outstanding", "0.00"}, {"total_price", money(total)}, {"total_price_set", money_set(total)},
      {"total_shipping_price_set", money_set(shipping)}, {"total_tax", money(tax)}, {"total_tax_set", money_set(tax)},
      {"total_tip_received", "0.00"}, {"total_weight", 36}, {"updated_at", at}, {"user_id", nullptr},
      {"billing_address", address("Anna", "Schmidt")}, {"shipping_address", address("Anna", "Schmidt")},
      {"customer", customer}, {"discount_applications", boost::json::array{}}, {"fulfillments", boost::json::array{}},
      {"line_items", items}, {"payment_terms", nullptr}, {"refunds", boost::json::array{}},
      {"shipping_lines", boost::json::array{shipping_line}}};
  return boost::json::serialize(order);
}

std::string webhook_signature(const std::string& secret, const std::string& body) {
  return crypto::base64_encode(crypto::hmac_sha256(secret, body));
}

std::vector<signed_body> signed_ring(const std::vector<order_ref>& orders, int n, const std::string& secret) {
  std::vector<signed_body> ring;
  for (int i = 0; i < n; ++i) {
    auto& o = orders[static_cast<std::size_t>(i) % orders.size()];
    signed_body b;
    b.shop_domain = o.shop + ".myshopify.com";
    b.body = order_created_body(o.shop, o.id, o.number, 1 + i % 3);
    b.hmac = webhook_signature(secret, b.body);
    ring.push_back(std::move(b));
  }
  return ring;
}

make_request webhook_maker(const std::vector<signed_body>& ring, const std::string& prefix, unsigned short port) {
  auto host = "127.0.0.1:" + std::to_string(port);
  return [&ring, prefix, host](std::uint64_t seq, request_t& req) {
    auto& b = ring[seq % ring.size()];
    req.method(boost::beast::http::verb::post);
    req.target("/api/webhooks/shopify");
    req.set(boost::beast::http::field::host, host);
    req.set(boost::beast::http::field::content_type, "application/json");
    req.set(boost::beast::http::field::user_agent, "Shopify-Captain-Hook");
    req.set("X-Shopify-Topic", "orders/create");
    req.set("X-Shopify-Hmac-Sha256", b.hmac);
    req.set("X-Shopify-Shop-Domain", b.shop_domain);
    req.set("X-Shopify-API-Version", "2026-10");
    req.set("X-Shopify-Webhook-Id", prefix + std::to_string(seq));
    req.set("X-Shopify-Event-Id", "ev-" + prefix + std::to_string(seq));
    req.set("X-Shopify-Triggered-At", "2026-11-28T10:15:30.123456789Z");
    req.body() = b.body;
  };
}

}  // namespace nexsync::bench
