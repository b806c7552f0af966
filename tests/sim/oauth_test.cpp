// OAuth against the running simulator: consent, signed redirect, code exchange, refresh, revoke.

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "http/message.hpp"
#include "tests/sim/support.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::sim::test;
namespace json = boost::json;

namespace {

std::string redirect_uri(harness& h) { return h.app_url() + "/api/integrations/shopify/callback"; }

std::string authorize_query(harness&, const std::string& client_id, const std::string& redirect) {
  return "client_id=" + nexsync::http::url_encode(client_id) + "&scope=read_products,write_inventory,read_customers&redirect_uri=" +
         nexsync::http::url_encode(redirect) + "&state=nonce123&grant_options%5B%5D=";
}

// Installs and returns the redirect's decoded query parameters.
std::vector<std::pair<std::string, std::string>> install(harness& h, const std::string& shop) {
  auto r = call(h.port(), "POST", "/shops/" + shop + "/admin/oauth/authorize", authorize_query(h, harness::key, redirect_uri(h)),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(r.status == 302);
  const std::string& loc = r.headers.at("location");
  REQUIRE(loc.rfind(redirect_uri(h) + "?", 0) == 0);
  return nexsync::http::parse_urlencoded(loc.substr(loc.find('?') + 1));
}

std::string get(const std::vector<std::pair<std::string, std::string>>& ps, const std::string& k) {
  for (const auto& [a, b] : ps)
    if (a == k) return b;
  return {};
}

}  // namespace

TEST_CASE("consent screen names the shop and scopes, bad client ids and redirects are refused") {
  harness h;
  h.create_shop(R"({"name":"acme-jewellers","products":1})");
  auto page = call(h.port(), "GET", "/shops/acme-jewellers/admin/oauth/authorize?" + authorize_query(h, harness::key, redirect_uri(h)));
  CHECK(page.status == 200);
  CHECK(page.body.find("acme-jewellers.myshopify.com") != std::string::npos);
  CHECK(page.body.find("read_customers") != std::string::npos);
  CHECK(page.body.find("Install app") != std::string::npos);
  CHECK(call(h.port(), "GET", "/shops/acme-jewellers/admin/oauth/authorize?" + authorize_query(h, "other", redirect_uri(h))).status == 400);
  CHECK(call(h.port(), "GET", "/shops/acme-jewellers/admin/oauth/authorize?" + authorize_query(h, harness::key, "http://evil.example/cb")).status == 400);
}

TEST_CASE("install redirects with code, hmac, host, shop, state, timestamp signed like Shopify") {
  harness h;
  h.create_shop(R"({"name":"acme-jewellers","products":1})");
  auto q = install(h, "acme-jewellers");
  CHECK(get(q, "shop") == "acme-jewellers.myshopify.com");
  CHECK(get(q, "state") == "nonce123");
  CHECK(get(q, "host") == nexsync::crypto::base64_encode("acme-jewellers.myshopify.com/admin"));
  CHECK(get(q, "code").size() == 32);
  CHECK(std::abs(std::stoll(get(q, "timestamp")) - static_cast<long long>(std::time(nullptr))) < 90);
  // Verify independently: sorted k=v (URLSearchParams encoding) without hmac, hex HMAC-SHA256.
  std::vector<std::pair<std::string, std::string>> rest;
  for (const auto& p : q)
    if (p.first != "hmac") rest.push_back(p);
  std::sort(rest.begin(), rest.end());
  std::string message;
  for (const auto& [k, v] : rest) {
    std::string enc;
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') enc += static_cast<char>(c);
      else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        enc += buf;
      }
    }
    message += (message.empty() ? "" : "&") + k + "=" + enc;
  }
  CHECK(get(q, "hmac") == nexsync::crypto::to_hex(nexsync::crypto::hmac_sha256(harness::secret, message)));
}

TEST_CASE("code exchange is single use and issues expiring tokens, refresh follows SHOPIFY.md") {
  harness h;
  h.create_shop(R"({"name":"acme-jewellers","products":1})");
  auto q = install(h, "acme-jewellers");
  std::string body = R"({"client_id":")" + std::string(harness::key) + R"(","client_secret":")" + harness::secret + R"(","code":")" +
                     get(q, "code") + R"(","expiring":"1"})";
  auto r = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", body);
  REQUIRE(r.status == 200);
  auto t = r.json();
  std::string access(t.at("access_token").as_string());
  std::string refresh(t.at("refresh_token").as_string());
  CHECK(access.rfind("shpat_", 0) == 0);
  CHECK(access.size() == 6 + 32);
  CHECK(refresh.rfind("shprt_", 0) == 0);
  CHECK(t.at("expires_in").as_int64() == 3600);
  CHECK(t.at("scope").as_string() == "read_products,write_inventory,read_customers");
  CHECK(t.at("refresh_token_expires_in").as_int64() > 0);
  CHECK(h.graphql("acme-jewellers", access, "{ shop { name } }").status == 200);

  auto again = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", body);
  CHECK(again.status == 400);
  CHECK(again.json().at("error").as_string() == "invalid_request");

  auto wrong_secret = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token",
                           R"({"client_id":"test-key","client_secret":"nope","code":"x"})");
  CHECK(wrong_secret.status == 400);

  // Expire the access token: 401 until refreshed.
  h.control("POST", "/_sim/shops/acme-jewellers/tokens/expire");
  CHECK(h.graphql("acme-jewellers", access, "{ shop { name } }").status == 401);
  auto refresh_body = [&](const std::string& rt) {
    return "client_id=test-key&client_secret=test-secret&grant_type=refresh_token&refresh_token=" + rt;
  };
  auto r2 = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", refresh_body(refresh),
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(r2.status == 200);
  std::string access2(r2.json().at("access_token").as_string());
  std::string refresh2(r2.json().at("refresh_token").as_string());
  CHECK(h.graphql("acme-jewellers", access2, "{ shop { name } }").status == 200);
  // The previous refresh token stays valid until the new one is used...
  auto r3 = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", refresh_body(refresh),
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(r3.status == 200);
  auto r4 = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", refresh_body(refresh2),
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(r4.status == 200);
  // ...and not after.
  auto r5 = call(h.port(), "POST", "/shops/acme-jewellers/admin/oauth/access_token", refresh_body(refresh),
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(r5.status == 400);
}

TEST_CASE("granted scopes can differ from the requested ones") {
  harness h;
  h.create_shop(R"({"name":"partial","products":1})");
  h.control("PUT", "/_sim/shops/partial/grant", R"({"scopes":"read_products"})");
  auto q = install(h, "partial");
  auto r = call(h.port(), "POST", "/shops/partial/admin/oauth/access_token",
                R"({"client_id":"test-key","client_secret":"test-secret","code":")" + get(q, "code") + "\"}");
  CHECK(r.json().at("scope").as_string() == "read_products");
  CHECK_FALSE(r.json().as_object().contains("refresh_token"));
}

TEST_CASE("revoking the token fires app/uninstalled, deletes subscriptions and makes the token invalid") {
  harness h;
  h.create_shop(R"({"name":"leaving","products":1})");
  auto token = h.token("leaving");
  auto sub = h.graphql("leaving", token,
                       "mutation($uri: String!) { webhookSubscriptionCreate(topic: APP_UNINSTALLED, webhookSubscription: {uri: $uri, format: JSON}) { webhookSubscription { id topic uri } userErrors { field message } } }",
                       "{\"uri\":\"" + h.app_url() + "/hooks\"}")
                 .json();
  REQUIRE(sub.at("data").at("webhookSubscriptionCreate").at("userErrors").as_array().empty());
  CHECK(sub.at("data").at("webhookSubscriptionCreate").at("webhookSubscription").at("topic").as_string() == "APP_UNINSTALLED");
  auto r = call(h.port(), "DELETE", "/shops/leaving/admin/api_permissions/current.json", "", {{"X-Shopify-Access-Token", token}});
  CHECK(r.status == 200);
  CHECK(h.graphql("leaving", token, "{ shop { name } }").status == 401);
  CHECK(h.wait_for([](const auto& w) { return !w.empty(); }));
  auto hooks = h.webhooks();
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0].headers.at("x-shopify-topic") == "app/uninstalled");
  CHECK(boost::json::parse(hooks[0].body).at("myshopify_domain").as_string() == "leaving.myshopify.com");
  CHECK(h.control("GET", "/_sim/shops/leaving/subscriptions").json().at("subscriptions").as_array().empty());
}

TEST_CASE("appUninstall mutation revokes the token") {
  harness h;
  h.create_shop(R"({"name":"bye","products":1})");
  auto token = h.token("bye");
  auto r = h.graphql("bye", token, "mutation { appUninstall { app { id } userErrors { message } } }").json();
  CHECK(r.at("data").at("appUninstall").at("userErrors").as_array().empty());
  CHECK(h.graphql("bye", token, "{ shop { name } }").status == 401);
}
