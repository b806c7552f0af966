// The webhook body reader: one streaming pass that must find what a JSON tree would, and refuse what a
// JSON parser refuses.
#include "shopify/webhook_body.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace nexsync::shopify;

TEST_CASE("an order body names its shop through order_status_url, and its top-level customer") {
  // Shaped like Shopify's orders/create example: customers and ids nested deeper must not be taken.
  const std::string body = R"({"id":820982911946154508,"email":"jon@example.com",
    "line_items":[{"id":1,"customer":{"id":7,"email":"wrong@example.com"},"properties":[{"name":"email","value":"x"}]}],
    "order_status_url":"https://Jewel-Box.myshopify.com/548380009/orders/123abc/authenticate?key=abc",
    "customer":{"id":115310627314723954,"email":"Anne@Example.com","default_address":{"id":9,"email":"no"},
                "tags":["a","b"],"note":null},
    "shipping_lines":[]})";
  auto f = read_webhook_body(body);
  REQUIRE(f.is_object);
  CHECK(f.problem.empty());
  CHECK(f.named_shop == "jewel-box.myshopify.com");
  CHECK(f.customer_id == "115310627314723954");
  CHECK(f.customer_email == "Anne@Example.com");  // as sent: erasure matches emails case-insensitively
}

TEST_CASE("shop_domain comes before myshopify_domain, which comes before order_status_url") {
  CHECK(read_webhook_body(R"({"order_status_url":"https://c.myshopify.com/x","myshopify_domain":"B.myshopify.com",
                              "shop_domain":"A.myshopify.com"})")
            .named_shop == "a.myshopify.com");
  CHECK(read_webhook_body(R"({"order_status_url":"https://c.myshopify.com/x","myshopify_domain":"b.myshopify.com"})")
            .named_shop == "b.myshopify.com");
  // A URL on another host names no shop; neither does a body without any of the three.
  CHECK(read_webhook_body(R"({"order_status_url":"https://evil.example.com/x"})").named_shop.empty());
  CHECK(read_webhook_body(R"({"id":1})").named_shop.empty());
}

TEST_CASE("escaped text is read unescaped, and a repeated key keeps its last value") {
  auto f = read_webhook_body(R"({"shop_domain":"acme\u002emyshopify.com","customer":{"id":"gid\/1","email":"a@b.c"},)"
                             R"("customer":{"id":2}})");
  REQUIRE(f.is_object);
  CHECK(f.named_shop == "acme.myshopify.com");
  CHECK(f.customer_id == "2");
  CHECK(f.customer_email.empty());  // the later customer has none
  // Values that are not text or whole numbers are not read as text.
  auto g = read_webhook_body(R"({"shop_domain":{"x":1},"customer":{"id":1.5,"email":null}})");
  CHECK(g.is_object);
  CHECK(g.named_shop.empty());
  CHECK(g.customer_id.empty());
  CHECK(g.customer_email.empty());
}

TEST_CASE("bodies that are not one JSON object are refused with the reason") {
  for (std::string bad : {R"({"id":1)", R"({"id":1} trailing)", "", R"({"id":01})", "\xff"}) {
    auto f = read_webhook_body(bad);
    CHECK_FALSE(f.is_object);
    CHECK(f.problem.rfind("malformed JSON body: ", 0) == 0);
  }
  for (std::string other : {"[1,2]", "\"text\"", "42", "null"}) {
    auto f = read_webhook_body(other);
    CHECK_FALSE(f.is_object);
    CHECK(f.problem == "the body is not a JSON object");
  }
  // Nesting deeper than a JSON tree reader allows (32) is refused as well; 32 levels are read.
  std::string deep32 = std::string(31, '[');
  deep32 = "{\"a\":" + deep32 + std::string(31, ']') + "}";
  CHECK(read_webhook_body(deep32).is_object);
  std::string deep33 = "{\"a\":" + std::string(32, '[') + std::string(32, ']') + "}";
  CHECK_FALSE(read_webhook_body(deep33).is_object);
}

TEST_CASE("an order body names its order by admin_graphql_api_id, else by its numeric top-level id") {
  CHECK(read_webhook_body(R"({"id":5,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"})").order_gid ==
        "gid://shopify/Order/820982911946154508");
  CHECK(read_webhook_body(R"({"id":820982911946154508,"line_items":[{"id":1}]})").order_gid == "gid://shopify/Order/820982911946154508");
  CHECK(read_webhook_body(R"({"id":18446744073709551615})").order_gid == "gid://shopify/Order/18446744073709551615");
  CHECK(read_webhook_body(R"({"id":7,"admin_graphql_api_id":"gid://shopify/Customer/7"})").order_gid == "gid://shopify/Order/7");
  // Nothing a tree reader would not take: nested ids, text, zero, negative or fractional ids.
  CHECK(read_webhook_body(R"({"line_items":[{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}],"customer":{"id":2}})")
            .order_gid.empty());
  CHECK(read_webhook_body(R"({"id":"12"})").order_gid.empty());
  CHECK(read_webhook_body(R"({"id":0})").order_gid.empty());
  CHECK(read_webhook_body(R"({"id":-4})").order_gid.empty());
  CHECK(read_webhook_body(R"({"id":4.5})").order_gid.empty());
  CHECK(read_webhook_body(R"({"id":4,"id":null})").order_gid.empty());  // the last of a repeated key
  CHECK(read_webhook_body("[1]").order_gid.empty());
  CHECK(is_order_topic("orders/create"));
  CHECK(is_order_topic("orders/paid"));
  CHECK_FALSE(is_order_topic("orders/updated"));
  CHECK_FALSE(is_order_topic("customers/redact"));
}

TEST_CASE("the inbox keeps an order topic's body as the order it names, which reads back the same") {
  auto facts = read_webhook_body(R"({"id":42,"email":"jon@example.com","customer":{"id":7,"email":"jon@example.com"}})");
  auto kept = inbox_order_body("orders/paid", facts);
  CHECK(kept == R"({"admin_graphql_api_id":"gid://shopify/Order/42"})");
  CHECK(read_webhook_body(kept).order_gid == facts.order_gid);
  CHECK(inbox_order_body("customers/redact", facts).empty());
  CHECK(inbox_order_body("orders/create", read_webhook_body(R"({"note":"no id"})")).empty());
}
