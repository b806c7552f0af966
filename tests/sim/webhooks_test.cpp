// Webhook delivery: headers and signature, retries with backoff, deletion after the last retry,
// compliance topics, drop and duplicate faults.

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "sim/webhooks/dispatcher.hpp"
#include "tests/sim/support.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <set>

using namespace nexsync::sim::test;
namespace json = boost::json;

namespace {

void subscribe(harness& h, const std::string& shop, const std::string& token, const std::string& topic) {
  auto r = h.graphql(shop, token,
                     "mutation($uri: String!) { webhookSubscriptionCreate(topic: " + topic +
                         ", webhookSubscription: {uri: $uri, format: JSON}) { webhookSubscription { id } userErrors { message } } }",
                     "{\"uri\":\"" + h.app_url() + "/webhooks\"}")
               .json();
  REQUIRE(r.at("data").at("webhookSubscriptionCreate").at("userErrors").as_array().empty());
}

}  // namespace

TEST_CASE("retry delays grow exponentially and span about four hours") {
  using nexsync::sim::webhooks::retry_delay;
  long long total = 0;
  for (int n = 1; n <= nexsync::sim::webhooks::max_retries; ++n) {
    total += retry_delay(n, 1.0).count();
    if (n > 1) CHECK(retry_delay(n, 1.0).count() >= 2 * retry_delay(n - 1, 1.0).count() - 1);
  }
  CHECK(total >= 14399000);
  CHECK(total <= 14400000);
  CHECK(retry_delay(8, 0.001).count() == retry_delay(8, 1.0).count() / 1000);
}

TEST_CASE("a new order fires orders/create and orders/paid signed with the app secret") {
  harness h;
  h.create_shop(R"({"name":"shop-a","products":5,"customers":5,"orders":0})");
  auto token = h.token("shop-a");
  subscribe(h, "shop-a", token, "ORDERS_CREATE");
  subscribe(h, "shop-a", token, "ORDERS_PAID");
  auto r = h.control("POST", "/_sim/shops/shop-a/orders", R"({"financial_status":"paid","customer_email":"Someone@Example.com"})");
  REQUIRE(r.status == 201);
  CHECK(r.json().at("name").as_string() == "#1001");
  REQUIRE(h.wait_for([](const auto& w) { return w.size() >= 2; }));
  std::set<std::string> topics, ids;
  for (const auto& w : h.webhooks()) {
    topics.insert(w.headers.at("x-shopify-topic"));
    ids.insert(w.headers.at("x-shopify-webhook-id"));
    CHECK(w.headers.at("x-shopify-hmac-sha256") ==
          nexsync::crypto::base64_encode(nexsync::crypto::hmac_sha256(harness::secret, w.body)));
    CHECK(w.headers.at("x-shopify-shop-domain") == "shop-a.myshopify.com");
    CHECK(w.headers.at("x-shopify-api-version") == "2026-10");
    CHECK(w.headers.count("x-shopify-event-id"));
    CHECK(w.headers.count("x-shopify-triggered-at"));
    auto body = json::parse(w.body);
    CHECK(body.at("name").as_string() == "#1001");
    CHECK(body.at("order_number").as_int64() == 1001);
    CHECK(body.at("financial_status").as_string() == "paid");
    CHECK(body.at("admin_graphql_api_id").as_string() == r.json().at("id").as_string());
    CHECK(body.at("email").as_string() == "Someone@Example.com");
    CHECK_FALSE(body.at("line_items").as_array().empty());
    CHECK(body.at("line_items").at(0).at("sku").is_string());
    CHECK(body.at("total_price_set").at("shop_money").at("currency_code").as_string() == "EUR");
  }
  CHECK(topics == std::set<std::string>{"orders/create", "orders/paid"});
  CHECK(ids.size() == 2);
}

TEST_CASE("failing deliveries retry 8 times, then the subscription is deleted") {
  harness h(0.00002);  // 4 hours of backoff in about 0.3 s
  h.create_shop(R"({"name":"flaky","products":2})");
  auto token = h.token("flaky");
  subscribe(h, "flaky", token, "ORDERS_CREATE");
  h.set_receiver_status(500);
  REQUIRE(h.control("POST", "/_sim/shops/flaky/orders", R"({"financial_status":"pending"})").status == 201);
  REQUIRE(h.wait_for([](const auto& w) { return w.size() >= 9; }));
  bool deleted = false;
  for (int i = 0; i < 500 && !deleted; ++i) {
    deleted = h.control("GET", "/_sim/shops/flaky/subscriptions").json().at("subscriptions").as_array().empty();
    if (!deleted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(deleted);
  auto hooks = h.webhooks();
  CHECK(hooks.size() == 9);
  std::set<std::string> ids;
  for (const auto& w : hooks) ids.insert(w.headers.at("x-shopify-webhook-id"));
  CHECK(ids.size() == 1);  // retries keep the webhook id
  auto d = h.control("GET", "/_sim/shops/flaky/deliveries").json().at("deliveries").at(0);
  CHECK(d.at("state").as_string() == "failed");
  CHECK(d.at("attempts").as_array().size() == 9);
  CHECK(d.at("attempts").at(0).at("status").as_int64() == 500);
}

TEST_CASE("a delivery that fails once is retried and succeeds") {
  harness h(0.00002);
  h.create_shop(R"({"name":"recover","products":2})");
  auto token = h.token("recover");
  subscribe(h, "recover", token, "ORDERS_CREATE");
  h.set_receiver_status(503);
  h.control("POST", "/_sim/shops/recover/orders", "{}");
  REQUIRE(h.wait_for([](const auto& w) { return !w.empty(); }));
  h.set_receiver_status(200);
  bool delivered = false;
  for (int i = 0; i < 500 && !delivered; ++i) {
    auto d = h.control("GET", "/_sim/shops/recover/deliveries").json().at("deliveries").at(0);
    delivered = d.at("state").as_string() == "delivered";
    if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(delivered);
  CHECK(h.control("GET", "/_sim/shops/recover/subscriptions").json().at("subscriptions").as_array().size() == 1);
}

TEST_CASE("compliance topics go to the app's compliance address") {
  harness h;
  h.create_shop(R"({"name":"gdpr","products":2,"customers":3,"orders":5})");
  for (const char* topic : {"customers/data_request", "customers/redact", "shop/redact"})
    CHECK(h.control("POST", "/_sim/shops/gdpr/webhooks", std::string(R"({"topic":")") + topic + "\"}").status == 202);
  REQUIRE(h.wait_for([](const auto& w) { return w.size() >= 3; }));
  for (const auto& w : h.webhooks()) {
    auto body = json::parse(w.body);
    CHECK(body.at("shop_domain").as_string() == "gdpr.myshopify.com");
    const auto& topic = w.headers.at("x-shopify-topic");
    if (topic == "customers/data_request") {
      CHECK(body.at("orders_requested").is_array());
      CHECK(body.at("data_request").at("id").is_number());
      CHECK(body.at("customer").at("email").is_string());
    } else if (topic == "customers/redact") {
      CHECK(body.at("orders_to_redact").is_array());
    } else {
      CHECK(topic == "shop/redact");
      CHECK_FALSE(body.as_object().contains("customer"));
    }
  }
}

TEST_CASE("webhook drop and duplicate faults") {
  harness h;
  h.create_shop(R"({"name":"noisy","products":2})");
  auto token = h.token("noisy");
  subscribe(h, "noisy", token, "ORDERS_CREATE");
  h.control("PUT", "/_sim/shops/noisy/faults", R"({"webhook_duplicate_rate": 1})");
  h.control("POST", "/_sim/shops/noisy/orders", "{}");
  REQUIRE(h.wait_for([](const auto& w) { return w.size() >= 2; }));
  auto hooks = h.webhooks();
  CHECK(hooks[0].headers.at("x-shopify-webhook-id") == hooks[1].headers.at("x-shopify-webhook-id"));
  h.control("PUT", "/_sim/shops/noisy/faults", R"({"webhook_duplicate_rate": 0, "webhook_drop_rate": 1})");
  h.control("POST", "/_sim/shops/noisy/orders", "{}");
  auto deliveries = h.control("GET", "/_sim/shops/noisy/deliveries").json().at("deliveries").as_array();
  CHECK(deliveries.back().at("state").as_string() == "dropped");
}

TEST_CASE("webhook addresses must live under the app URL") {
  harness h;
  h.create_shop(R"({"name":"picky","products":1})");
  auto token = h.token("picky");
  auto r = h.graphql("picky", token,
                     "mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: {uri: \"http://elsewhere.example/x\"}) { webhookSubscription { id } userErrors { field message } } }")
               .json();
  CHECK(r.at("data").at("webhookSubscriptionCreate").at("webhookSubscription").is_null());
  CHECK(r.at("data").at("webhookSubscriptionCreate").at("userErrors").at(0).at("message").as_string() == "Address is invalid");
}
