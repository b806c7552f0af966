#pragma once
// Shopify webhook deliveries as Shopify sends them: a body shaped like the documented orders/create
// example and the documented headers, signed with the test app's secret.

#include "shopify/webhook_signature.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace nexsync::test {

inline constexpr const char* webhook_secret = "test-api-secret";  // test_settings()

// An orders/create body shaped like Shopify's documented example (abridged, same structure).
inline std::string order_payload(const std::string& shop, std::int64_t order_id) {
  auto id = std::to_string(order_id);
  return R"({"id":)" + id + R"(,"admin_graphql_api_id":"gid://shopify/Order/)" + id + R"(",
"app_id":null,"browser_ip":null,"buyer_accepts_marketing":true,"cancel_reason":null,"cancelled_at":null,
"confirmed":true,"contact_email":"jon@example.com","created_at":"2021-12-31T19:00:00-05:00","currency":"USD",
"current_subtotal_price":"398.00","current_subtotal_price_set":{"shop_money":{"amount":"398.00","currency_code":"USD"},
"presentment_money":{"amount":"398.00","currency_code":"USD"}},"current_total_price":"398.00",
"current_total_price_set":{"shop_money":{"amount":"398.00","currency_code":"USD"},"presentment_money":{"amount":"398.00","currency_code":"USD"}},
"email":"jon@example.com","financial_status":"paid","name":"#)" + id + R"(","order_number":)" + id + R"(,
"order_status_url":"https://)" + shop + R"(/548380009/orders/123456abcd/authenticate?key=abcdefg",
"processed_at":"2021-12-31T19:00:00-05:00","subtotal_price":"398.00","total_price":"398.00","total_tax":"0.00",
"total_price_set":{"shop_money":{"amount":"398.00","currency_code":"USD"},"presentment_money":{"amount":"398.00","currency_code":"USD"}},
"billing_address":{"first_name":"Steve","address1":"123 Shipping Street","phone":"555-555-SHIP","city":"Shippington",
"zip":"40003","province":"Kentucky","country":"United States","last_name":"Shipper","address2":null,"company":"Shipping Company",
"latitude":null,"longitude":null,"name":"Steve Shipper","country_code":"US","province_code":"KY"},
"customer":{"id":115310627314723954,"email":"john@example.com","created_at":null,"updated_at":null,"first_name":"John",
"last_name":"Smith","state":"disabled","note":null,"verified_email":true,"phone":null,"currency":"USD",
"default_address":{"id":715243470612851245,"customer_id":115310627314723954,"first_name":null,"last_name":null,
"address1":"123 Elm St.","city":"Ottawa","province":"Ontario","country":"Canada","zip":"K2H7A8","default":true}},
"line_items":[{"id":866550311766439020,"admin_graphql_api_id":"gid://shopify/LineItem/866550311766439020",
"fulfillable_quantity":1,"gift_card":false,"grams":567,"name":"IPod Nano - 8GB","price":"199.00",
"price_set":{"shop_money":{"amount":"199.00","currency_code":"USD"},"presentment_money":{"amount":"199.00","currency_code":"USD"}},
"product_id":632910392,"quantity":1,"requires_shipping":true,"sku":"IPOD2008PINK","taxable":true,"title":"IPod Nano - 8GB",
"total_discount":"0.00","variant_id":808950810,"variant_title":null,"vendor":null,"tax_lines":[],"discount_allocations":[]},
{"id":141249953214522974,"fulfillable_quantity":1,"name":"IPod Nano - 8GB","price":"199.00",
"price_set":{"shop_money":{"amount":"199.00","currency_code":"USD"},"presentment_money":{"amount":"199.00","currency_code":"USD"}},
"product_id":632910392,"quantity":1,"sku":"IPOD2008BLACK","title":"IPod Nano - 8GB","variant_id":457924702}],
"shipping_address":{"first_name":"Steve","address1":"123 Shipping Street","city":"Shippington","zip":"40003",
"country":"United States","last_name":"Shipper","name":"Steve Shipper","country_code":"US","province_code":"KY"},
"shipping_lines":[{"id":271878346596884015,"code":null,"price":"10.00","price_set":{"shop_money":{"amount":"10.00",
"currency_code":"USD"},"presentment_money":{"amount":"10.00","currency_code":"USD"}},"title":"Generic Shipping"}]})";
}

inline std::map<std::string, std::string> shopify_headers(const std::string& body, const std::string& shop,
                                                   const std::string& webhook_id, const std::string& topic = "orders/create",
                                                   const std::string& key = webhook_secret) {
  return {{"Content-Type", "application/json"},
          {"X-Shopify-Topic", topic},
          {"X-Shopify-Hmac-Sha256", shopify::webhook_hmac(key, body)},
          {"X-Shopify-Shop-Domain", shop},
          {"X-Shopify-API-Version", "2026-10"},
          {"X-Shopify-Webhook-Id", webhook_id},
          {"X-Shopify-Event-Id", "evt-" + webhook_id},
          {"X-Shopify-Triggered-At", "2026-01-01T12:00:00.000Z"}};
}

}  // namespace nexsync::test
