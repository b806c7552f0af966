// The Shopify client without sockets: request builders, reply readers, the URL splitter and the
// operations over a scripted fake transport. (The callback HMAC is tested in oauth_test.cpp.)
#include "shopify/admin_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <deque>

using namespace nexsync::shopify;

namespace {

// Answers from a queue and remembers every call.
class fake_transport : public http_transport {
 public:
  std::deque<boost::system::result<http_reply>> replies;
  std::vector<http_call> calls;
  boost::asio::awaitable<boost::system::result<http_reply>> send(http_call call) override {
    calls.push_back(std::move(call));
    auto r = std::move(replies.front());
    replies.pop_front();
    co_return r;
  }
};

template <class T>
T run(boost::asio::awaitable<T> a) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, std::move(a), boost::asio::use_future);
  io.run();
  return f.get();
}

http_reply reply(unsigned status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return http_reply{status, std::move(headers), std::move(body)};
}

const app_credentials app{"key-1", "secret-1"};

}  // namespace

TEST_CASE("shop_base_url fills the template", "[shopify][client]") {
  CHECK(shop_base_url("https://{shop}.myshopify.com", "acme") == "https://acme.myshopify.com");
  CHECK(shop_base_url("http://127.0.0.1:9/shops/{shop}/", "acme") == "http://127.0.0.1:9/shops/acme");
}

TEST_CASE("split_url reads scheme, host, port and target", "[shopify][client]") {
  auto a = split_url("https://acme.myshopify.com/admin/oauth/access_token?x=1");
  REQUIRE(a);
  CHECK(a->tls);
  CHECK(a->host == "acme.myshopify.com");
  CHECK(a->port == "443");
  CHECK(a->target == "/admin/oauth/access_token?x=1");
  auto b = split_url("http://127.0.0.1:8123");
  REQUIRE(b);
  CHECK_FALSE(b->tls);
  CHECK(b->port == "8123");
  CHECK(b->target == "/");
  CHECK_FALSE(split_url("ftp://x.io/"));
  CHECK_FALSE(split_url("https://user:pw@x.io/"));
  CHECK_FALSE(split_url("/relative"));
}

TEST_CASE("request builders follow SHOPIFY.md", "[shopify][client]") {
  auto ex = code_exchange_call("https://a.myshopify.com", app, "c0de");
  CHECK(ex.method == "POST");
  CHECK(ex.url == "https://a.myshopify.com/admin/oauth/access_token");
  auto body = boost::json::parse(ex.body).as_object();
  CHECK(body.at("client_id") == "key-1");
  CHECK(body.at("client_secret") == "secret-1");
  CHECK(body.at("code") == "c0de");
  CHECK(body.at("expiring") == "1");

  auto rf = boost::json::parse(refresh_call("https://a.myshopify.com", app, "shprt_x").body).as_object();
  CHECK(rf.at("grant_type") == "refresh_token");
  CHECK(rf.at("refresh_token") == "shprt_x");

  auto gq = graphql_call("https://a.myshopify.com", "2026-10", "shpat_t", "{ shop { id } }", {{"first", 5}});
  CHECK(gq.url == "https://a.myshopify.com/admin/api/2026-10/graphql.json");
  bool has_token = false;
  for (auto& [k, v] : gq.headers) has_token |= (k == "X-Shopify-Access-Token" && v == "shpat_t");
  CHECK(has_token);
  auto gb = boost::json::parse(gq.body).as_object();
  CHECK(gb.at("query") == "{ shop { id } }");
  CHECK(gb.at("variables").as_object().at("first") == 5);

  auto rv = revoke_call("https://a.myshopify.com", "shpat_t");
  CHECK(rv.method == "DELETE");
  CHECK(rv.url == "https://a.myshopify.com/admin/api_permissions/current.json");
}

TEST_CASE("status_error classifies statuses and keeps Shopify's description", "[shopify][client]") {
  auto e = status_error(reply(400, R"({"error":"invalid_request","error_description":"code was used"})"), "code exchange");
  CHECK(e.kind == client_error_kind::rejected);
  CHECK(e.message == "code exchange: HTTP 400 (invalid_request: code was used)");
  CHECK(status_error(reply(401, R"({"errors":"[API] Invalid API key"})"), "x").kind == client_error_kind::unauthorized);
  CHECK(status_error(reply(404, "<html>"), "x").kind == client_error_kind::not_found);
  CHECK(status_error(reply(503, ""), "x").kind == client_error_kind::server);
  auto t = status_error(reply(429, "", {{"retry-after", "2.0"}}), "x");
  CHECK(t.kind == client_error_kind::throttled);
  REQUIRE(t.retry_after);
  CHECK(t.retry_after->count() == 2000);
}

TEST_CASE("read_graphql_reply returns body, cost and errors, THROTTLED is not a client error", "[shopify][client]") {
  auto ok = read_graphql_reply(reply(200,
      R"({"data":{"shop":{"id":"gid://shopify/Shop/1"}},"extensions":{"cost":{"requestedQueryCost":1,"actualQueryCost":1,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1999,"restoreRate":100.0}}}})"));
  REQUIRE(ok.has_value());
  REQUIRE(ok->cost);
  CHECK(ok->cost->throttle.currently_available == 1999);
  CHECK(ok->errors.empty());
  auto throttled = read_graphql_reply(reply(200,
      R"({"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],"extensions":{"cost":{"requestedQueryCost":752,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":10,"restoreRate":100.0}}}})"));
  REQUIRE(throttled.has_value());
  REQUIRE(throttled->errors.size() == 1);
  CHECK(throttled->errors[0].kind == graphql_error_kind::throttled);
  CHECK_FALSE(throttled->cost->actual);
  auto garbage = read_graphql_reply(reply(200, "{\"data\":"));
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().kind == client_error_kind::bad_response);
  auto denied = read_graphql_reply(reply(401, R"({"errors":"[API] Invalid API key or access token"})"));
  REQUIRE_FALSE(denied.has_value());
  CHECK(denied.error().kind == client_error_kind::unauthorized);
}

TEST_CASE("admin_client operations over a fake transport", "[shopify][client]") {
  fake_transport t;
  admin_client client{t, app, "https://{shop}.myshopify.com", "2026-10"};

  t.replies.push_back(reply(404, "Sorry, this store is currently unavailable."));
  t.replies.push_back(reply(200, "<html>"));
  t.replies.push_back(boost::system::error_code{boost::asio::error::connection_refused});
  auto missing = run(client.shop_exists("nope"));
  auto present = run(client.shop_exists("acme"));
  auto unreachable = run(client.shop_exists("acme"));
  REQUIRE(missing.has_value());
  CHECK_FALSE(*missing);
  REQUIRE(present.has_value());
  CHECK(*present);
  REQUIRE_FALSE(unreachable.has_value());
  CHECK(unreachable.error().kind == client_error_kind::transport);
  CHECK(t.calls[0].url == "https://nope.myshopify.com/admin");

  t.replies.push_back(reply(200, R"({"access_token":"shpat_a","scope":"read_products","expires_in":3600,"refresh_token":"shprt_b","refresh_token_expires_in":7776000})"));
  auto token = run(client.exchange_code("acme", "abc"));
  REQUIRE(token.has_value());
  CHECK(token->access_token == "shpat_a");
  REQUIRE(token->refresh);
  CHECK(token->refresh->refresh_token == "shprt_b");

  t.replies.push_back(reply(400, R"({"error":"invalid_request","error_description":"bad refresh token"})"));
  auto refused = run(client.refresh("acme", "shprt_old"));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == client_error_kind::rejected);
  CHECK(refused.error().message.find("shprt_old") == std::string::npos);

  t.replies.push_back(reply(200, "{}"));
  t.replies.push_back(reply(401, R"({"errors":"[API] Invalid API key or access token"})"));
  auto revoked = run(client.revoke("acme", "shpat_a"));
  auto revoke_refused = run(client.revoke("acme", "shpat_a"));
  CHECK(revoked.has_value());
  REQUIRE_FALSE(revoke_refused.has_value());
  CHECK(revoke_refused.error().kind == client_error_kind::unauthorized);
}

TEST_CASE("download: a GET of the signed URL without the token, the body to the sink, errors by kind", "[shopify][client]") {
  fake_transport t;
  admin_client client{t, app, "https://{shop}.myshopify.com", "2026-10"};
  const std::string url = "https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk/123.jsonl?X-Goog-Signature=abc";
  std::string got;
  auto collect = [&got](std::string_view piece) {
    got += piece;
    return true;
  };

  t.replies.push_back(reply(200, "{\"id\":1}\n{\"id\":2}\n"));
  auto ok = run(client.download(url, 1024, collect));
  REQUIRE(ok.has_value());
  CHECK(*ok == 18);
  CHECK(got == "{\"id\":1}\n{\"id\":2}\n");
  REQUIRE(t.calls.size() == 1);
  CHECK(t.calls[0].method == "GET");
  CHECK(t.calls[0].url == url);
  CHECK(t.calls[0].body.empty());
  for (auto& [name, value] : t.calls[0].headers) CHECK(name != "X-Shopify-Access-Token");

  t.replies.push_back(reply(403, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code></Error>"));
  auto denied = run(client.download(url, 1024, collect));
  REQUIRE_FALSE(denied.has_value());
  CHECK(denied.error().kind == client_error_kind::unauthorized);
  CHECK(denied.error().message == "download: HTTP 403");

  t.replies.push_back(reply(200, std::string(2048, 'x')));
  auto too_big = run(client.download(url, 1024, collect));
  REQUIRE_FALSE(too_big.has_value());
  CHECK(too_big.error().kind == client_error_kind::bad_response);
  CHECK(too_big.error().message.find("larger than") != std::string::npos);

  t.replies.push_back(reply(200, "abc"));
  auto refused = run(client.download(url, 1024, [](std::string_view) { return false; }));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == client_error_kind::transport);

  t.replies.push_back(boost::system::error_code{boost::asio::error::connection_refused});
  auto unreachable = run(client.download(url, 1024, collect));
  REQUIRE_FALSE(unreachable.has_value());
  CHECK(unreachable.error().kind == client_error_kind::transport);
  CHECK(unreachable.error().message.rfind("download: ", 0) == 0);
}
