#include "shopify/oauth.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace nexsync::shopify;

namespace {

// The callback of SHOPIFY.md's test vector, in the order a browser might deliver it.
query_params vector_params() {
  return {{"shop", "some-shop.myshopify.com"},
          {"timestamp", "1337178173"},
          {"code", "0907a61c0c8d55e99db179b68161bc00"},
          {"hmac", "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"},
          {"state", "0.6784241404160823"}};
}

}  // namespace

TEST_CASE("query_hmac_message drops hmac and signature and sorts by key", "[shopify][oauth]") {
  auto params = vector_params();
  params.emplace_back("signature", "whatever");
  CHECK(query_hmac_message(params) ==
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823"
        "&timestamp=1337178173");
}

TEST_CASE("query_hmac_message form-encodes keys and values as Shopify's libraries do", "[shopify][oauth]") {
  // Expected strings are what Node's URLSearchParams (used by @shopify/shopify-api) writes.
  query_params params = {{"shop", "acme.myshopify.com"}, {"a=b", "x&y%z"}, {"host", "YWRtaW4="}};
  CHECK(query_hmac_message(params) == "a%3Db=x%26y%25z&host=YWRtaW4%3D&shop=acme.myshopify.com");
  CHECK(query_hmac_message({{"k", "v=w /+~*-._"}}) == "k=v%3Dw+%2F%2B%7E*-._");
  CHECK(query_hmac_message({{"k", "\xC3\xA9"}}) == "k=%C3%A9");  // UTF-8 bytes, upper-case hex
  CHECK(query_hmac_message({}) == "");
}

TEST_CASE("sign_query reproduces Shopify's test vector", "[shopify][oauth]") {
  CHECK(sign_query("hush", vector_params()) == "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf");
  // Encoded messages, checked against an independent HMAC (Node: URLSearchParams + crypto.createHmac).
  CHECK(sign_query("hush", {{"shop", "acme.myshopify.com"}, {"a=b", "x&y%z"}, {"host", "YWRtaW4="}}) ==
        "0c39e04ea98f08c994de6c7e9439639a7949a281415e1db05565e775d6c556f1");
}

TEST_CASE("verify_query accepts a callback whose base64 host needs encoding, and only in Shopify's encoding",
          "[shopify][oauth]") {
  query_params params = {{"shop", "acme.myshopify.com"},
                         {"timestamp", "1337178173"},
                         {"code", "0907a61c0c8d55e99db179b68161bc00"},
                         {"host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ=="},
                         {"state", "a b/c+d~e*"}};
  CHECK(query_hmac_message(params) ==
        "code=0907a61c0c8d55e99db179b68161bc00&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ%3D%3D"
        "&shop=acme.myshopify.com&state=a+b%2Fc%2Bd%7Ee*&timestamp=1337178173");
  auto signed_params = params;
  // HMAC-SHA256("hush", the message above), computed with Node's crypto.
  signed_params.emplace_back("hmac", "7af867949d1c88ba6408b6f05af222296d8ed637a103dde427fcd1795c6d1b46");
  CHECK(verify_query("hush", signed_params));

  // The older form (only %, & and = in keys escaped) signs a different message: refused.
  std::string legacy = "code=0907a61c0c8d55e99db179b68161bc00&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ=="
                       "&shop=acme.myshopify.com&state=a b/c+d~e*&timestamp=1337178173";
  auto legacy_signed = params;
  legacy_signed.emplace_back("hmac", nexsync::crypto::to_hex(nexsync::crypto::hmac_sha256("hush", legacy)));
  CHECK_FALSE(verify_query("hush", legacy_signed));
}

TEST_CASE("verify_query accepts the genuine callback", "[shopify][oauth]") {
  CHECK(verify_query("hush", vector_params()));
}

TEST_CASE("verify_query rejects anything altered or missing", "[shopify][oauth]") {
  SECTION("wrong secret") { CHECK_FALSE(verify_query("hush!", vector_params())); }
  SECTION("empty secret, even with a matching signature") {
    auto params = vector_params();
    for (auto& [k, v] : params)
      if (k == "hmac") v = sign_query("", params);
    CHECK_FALSE(verify_query("", params));
  }
  SECTION("a changed value") {
    auto params = vector_params();
    params[0].second = "other-shop.myshopify.com";
    CHECK_FALSE(verify_query("hush", params));
  }
  SECTION("an added parameter") {
    auto params = vector_params();
    params.emplace_back("extra", "1");
    CHECK_FALSE(verify_query("hush", params));
  }
  SECTION("a removed parameter") {
    auto params = vector_params();
    params.erase(params.begin());
    CHECK_FALSE(verify_query("hush", params));
  }
  SECTION("hmac missing") {
    auto params = vector_params();
    std::erase_if(params, [](const auto& p) { return p.first == "hmac"; });
    CHECK_FALSE(verify_query("hush", params));
  }
  SECTION("hmac repeated") {
    auto params = vector_params();
    params.emplace_back("hmac", "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf");
    CHECK_FALSE(verify_query("hush", params));
  }
  SECTION("hmac upper-case or truncated") {
    auto params = vector_params();
    params[3].second = "700E2DADB827FCC8609E9D5CE208B2E9CDAAB9DF07390D2CBCA10D7C328FC4BF";
    CHECK_FALSE(verify_query("hush", params));
    params[3].second = "700e2dadb827fcc8609e9d5ce208b2e9";
    CHECK_FALSE(verify_query("hush", params));
  }
}

TEST_CASE("timestamp_fresh allows 90 s either side", "[shopify][oauth]") {
  const std::int64_t now = 1'800'000'000;
  CHECK(timestamp_fresh(now, now));
  CHECK(timestamp_fresh(now - 90, now));
  CHECK(timestamp_fresh(now + 90, now));
  CHECK_FALSE(timestamp_fresh(now - 91, now));
  CHECK_FALSE(timestamp_fresh(now + 91, now));
  CHECK(timestamp_fresh(now - 300, now, 300));
  CHECK_FALSE(timestamp_fresh(now, now, -1));
  CHECK_FALSE(timestamp_fresh(INT64_MIN, now));
  CHECK_FALSE(timestamp_fresh(INT64_MAX, now));
  CHECK_FALSE(timestamp_fresh(INT64_MAX, INT64_MIN, INT64_MAX));
}

TEST_CASE("percent_encode keeps unreserved characters only", "[shopify][oauth]") {
  CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(percent_encode("a b") == "a%20b");
  CHECK(percent_encode("https://x.io/cb?a=1&b=2") == "https%3A%2F%2Fx.io%2Fcb%3Fa%3D1%26b%3D2");
  CHECK(percent_encode("\xc3\xa9+") == "%C3%A9%2B");
}

TEST_CASE("authorize_url builds an offline-token request", "[shopify][oauth]") {
  const std::vector<std::string> scopes = {"read_products", "write_products"};
  CHECK(authorize_url("https://acme.myshopify.com", "client id", scopes,
                      "https://nexsync.example/api/integrations/shopify/callback", "abc123") ==
        "https://acme.myshopify.com/admin/oauth/authorize?client_id=client%20id"
        "&scope=read_products,write_products"
        "&redirect_uri=https%3A%2F%2Fnexsync.example%2Fapi%2Fintegrations%2Fshopify%2Fcallback"
        "&state=abc123&grant_options[]=");
  CHECK(authorize_url("http://127.0.0.1:8100/shops/acme/", "id", scopes, "http://127.0.0.1:8080/cb", "s.t") ==
        "http://127.0.0.1:8100/shops/acme/admin/oauth/authorize?client_id=id"
        "&scope=read_products,write_products&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcb"
        "&state=s.t&grant_options[]=");
}

TEST_CASE("required_scopes are the six nexsync needs", "[shopify][oauth]") {
  CHECK(required_scopes() == std::vector<std::string>{"read_products", "write_products", "read_inventory",
                                                      "write_inventory", "read_orders", "read_customers"});
}

TEST_CASE("missing_scopes lets write imply read", "[shopify][oauth]") {
  const auto& required = required_scopes();
  CHECK(missing_scopes("write_products,write_inventory,read_orders,read_customers", required).empty());
  CHECK(missing_scopes("read_products, write_products ,read_inventory,write_inventory,read_orders,read_customers",
                       required)
            .empty());
  CHECK(missing_scopes("read_products,read_inventory,read_orders,read_customers", required) ==
        std::vector<std::string>{"write_products", "write_inventory"});
  CHECK(missing_scopes("write_products,write_inventory,read_orders", required) ==
        std::vector<std::string>{"read_customers"});
  CHECK(missing_scopes("", required) == required);
  CHECK(missing_scopes("read_products_x,write_customers", {}).empty());
  // read does not imply write, and a prefix is not a scope
  const std::vector<std::string> write_only = {"write_products"};
  CHECK(missing_scopes("read_products,write_products_extra", write_only) == write_only);
}
