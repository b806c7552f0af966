// The /_sim/ control API and per-shop faults.

#include "tests/sim/support.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::sim::test;
namespace json = boost::json;

TEST_CASE("control API needs the admin token and validates shop specs") {
  harness h;
  CHECK(call(h.port(), "POST", "/_sim/shops", R"({"name":"x"})").status == 401);
  CHECK(call(h.port(), "POST", "/_sim/shops", R"({"name":"x"})", {{"Authorization", "Bearer wrong"}}).status == 401);
  CHECK(h.create_shop(R"({"name":"bad name!"})").status == 400);
  CHECK(h.create_shop(R"({"name":"ok-shop","plan":"gold"})").status == 400);
  auto created = h.create_shop(R"({"name":"ok-shop","plan":"plus","products":7,"variants_per_product":2,"locations":2})");
  REQUIRE(created.status == 201);
  CHECK(created.json().at("variants").as_int64() == 14);
  CHECK(created.json().at("locations").as_array().size() == 2);
  CHECK(h.create_shop(R"({"name":"ok-shop"})").status == 409);
  auto token = h.token("ok-shop");
  auto r = h.graphql("ok-shop", token, "{ shop { name } }").json();
  CHECK(r.at("extensions").at("cost").at("throttleStatus").at("restoreRate").as_double() == 1000.0);
  CHECK(r.at("extensions").at("cost").at("throttleStatus").at("maximumAvailable").as_double() == 20000.0);
  CHECK(h.control("GET", "/_sim/shops/ok-shop/inventory").json().at("inventory").as_array().size() == 28);
}

TEST_CASE("stats count calls, throttled calls and cost used") {
  harness h;
  h.create_shop(R"({"name":"counted","products":3})");
  auto token = h.token("counted");
  h.graphql("counted", token, "{ shop { name } }");
  h.graphql("counted", token, "{ products(first: 3) { nodes { id } } }");
  h.control("PUT", "/_sim/shops/counted/faults", R"({"throttle_share": 1})");
  auto t = h.graphql("counted", token, "{ shop { name } }").json();
  CHECK(t.at("errors").at(0).at("extensions").at("code").as_string() == "THROTTLED");
  auto s = h.control("GET", "/_sim/shops/counted/stats").json();
  CHECK(s.at("calls").as_int64() == 3);
  CHECK(s.at("throttled").as_int64() == 1);
  CHECK(s.at("cost_used").as_int64() == 1 + 5);
  CHECK(s.at("bucket").at("maximumAvailable").as_double() == 2000);
}

TEST_CASE("faults: 5xx, truncated bodies, 429 with Retry-After, lowered limits") {
  harness h;
  h.create_shop(R"({"name":"faulty","products":3})");
  auto token = h.token("faulty");
  CHECK(h.control("PUT", "/_sim/shops/faulty/faults", R"({"nonsense": 1})").status == 400);
  CHECK(h.control("PUT", "/_sim/shops/faulty/faults", R"({"error_5xx_share": 2})").status == 400);
  h.control("PUT", "/_sim/shops/faulty/faults", R"({"error_5xx_share": 1})");
  auto e = h.graphql("faulty", token, "{ shop { name } }");
  CHECK((e.status == 502 || e.status == 503));
  h.control("PUT", "/_sim/shops/faulty/faults", R"({"error_5xx_share": 0, "truncate_share": 1})");
  auto t = h.graphql("faulty", token, "{ shop { name } }");
  CHECK(t.status == 200);
  CHECK(t.json().is_null());  // not parseable
  h.control("PUT", "/_sim/shops/faulty/faults", R"({"truncate_share": 0, "throttle_share": 1, "http_429_share": 1})");
  auto th = h.graphql("faulty", token, "{ shop { name } }");
  CHECK(th.status == 429);
  CHECK(th.headers.at("retry-after").find('.') != std::string::npos);
  CHECK(th.json().at("errors").at(0).at("extensions").at("code").as_string() == "THROTTLED");
  h.control("DELETE", "/_sim/shops/faulty/faults");
  h.control("PUT", "/_sim/shops/faulty/faults", R"({"restore_rate": 10, "bucket_size": 50})");
  auto low = h.graphql("faulty", token, "{ shop { name } }").json();
  CHECK(low.at("extensions").at("cost").at("throttleStatus").at("maximumAvailable").as_double() == 50.0);
  CHECK(low.at("extensions").at("cost").at("throttleStatus").at("restoreRate").as_double() == 10.0);
}

TEST_CASE("product and customer updates show up through the API with a new updatedAt") {
  harness h;
  h.create_shop(R"({"name":"edits","products":3,"variants_per_product":2,"customers":4,"now":"2026-01-01T00:00:00Z"})");
  auto token = h.token("edits");
  auto before = h.graphql("edits", token, "{ products(first: 1) { nodes { id updatedAt } } }").json();
  std::string id(before.at("data").at("products").at("nodes").at(0).at("id").as_string());
  auto r = h.control("PUT", "/_sim/shops/edits/products/" + id, R"({"title":"Renamed","variants":[{"index":0,"sku":"NEW-SKU","price":"12.50"},{"index":1,"sku":null}]})");
  REQUIRE(r.status == 200);
  auto after = h.graphql("edits", token, "{ products(first: 1, query: \"updated_at:>='2026-06-01'\") { nodes { id title variants(first: 2) { nodes { sku price } } } } }").json();
  const auto& nodes = after.at("data").at("products").at("nodes").as_array();
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].at("title").as_string() == "Renamed");
  CHECK(nodes[0].at("variants").at("nodes").at(0).at("sku").as_string() == "NEW-SKU");
  CHECK(nodes[0].at("variants").at("nodes").at(0).at("price").as_string() == "12.50");
  CHECK(nodes[0].at("variants").at("nodes").at(1).at("sku").is_null());
  auto by_sku = h.graphql("edits", token, "{ productVariants(first: 5, query: \"sku:NEW-SKU\") { nodes { id } } }").json();
  CHECK(by_sku.at("data").at("productVariants").at("nodes").as_array().size() == 1);

  auto customers = h.control("GET", "/_sim/shops/edits/customers").json().at("customers").as_array();
  std::string cid(customers.at(0).at("id").as_string());
  CHECK(h.control("PUT", "/_sim/shops/edits/customers/" + cid, R"({"email":"Mixed.Case@Example.com","marketing_state":"SUBSCRIBED"})").status == 200);
  auto c = h.graphql("edits", token, "{ customers(first: 5, query: \"email:mixed.case@example.com\") { nodes { id defaultEmailAddress { emailAddress marketingState } } } }").json();
  const auto& cn = c.at("data").at("customers").at("nodes").as_array();
  REQUIRE(cn.size() == 1);
  CHECK(cn[0].at("defaultEmailAddress").at("marketingState").as_string() == "SUBSCRIBED");
}

TEST_CASE("control-API orders decrement stock and are listed, status changes fire orders/paid") {
  harness h;
  h.create_shop(R"({"name":"sales","products":2,"variants_per_product":1,"orders":0})");
  auto token = h.token("sales");
  auto inv = h.control("GET", "/_sim/shops/sales/inventory").json().at("inventory").at(0);
  std::string sku(inv.at("sku").as_string());
  auto available = inv.at("available").as_int64();
  auto o = h.control("POST", "/_sim/shops/sales/orders", R"({"financial_status":"pending","line_items":[{"sku":")" + sku + R"(","quantity":2}]})");
  REQUIRE(o.status == 201);
  CHECK(o.json().at("financial_status").as_string() == "pending");
  CHECK(h.control("GET", "/_sim/shops/sales/inventory").json().at("inventory").at(0).at("available").as_int64() == available - 2);
  CHECK(h.control("POST", "/_sim/shops/sales/orders", R"({"line_items":[{"sku":"NOPE"}]})").status == 400);
  auto subscribe = h.graphql("sales", token, "mutation($u: String!) { webhookSubscriptionCreate(topic: ORDERS_PAID, webhookSubscription: {uri: $u}) { userErrors { message } } }",
                             "{\"u\":\"" + h.app_url() + "/paid\"}");
  REQUIRE(subscribe.status == 200);
  std::string id(o.json().at("id").as_string());
  CHECK(h.control("POST", "/_sim/shops/sales/orders/" + id + "/status", R"({"financial_status":"paid"})").status == 200);
  REQUIRE(h.wait_for([](const auto& w) { return !w.empty(); }));
  CHECK(h.webhooks().at(0).headers.at("x-shopify-topic") == "orders/paid");
  auto listed = h.control("GET", "/_sim/shops/sales/orders").json().at("orders").as_array();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].at("financial_status").as_string() == "paid");
  CHECK(listed[0].at("line_items").at(0).at("quantity").as_int64() == 2);
}
