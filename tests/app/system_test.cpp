// Health, readiness, metrics, limits and start-up against a database that is down.
#include "tests/support/app_server.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

TEST_CASE("healthz, readyz and metrics answer") {
  test::app_server app;
  auto c = app.client();
  CHECK(c.get("/healthz").status == 200);
  auto ready = c.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json().at("migrations").as_bool());
  auto metrics = c.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("nexsync_http_requests_total{route=\"GET /readyz\",status=\"200\"} 1") != std::string::npos);
  CHECK(metrics.body.find("nexsync_db_pool_connections 2") != std::string::npos);
}

TEST_CASE("metrics are for this machine, or for whoever holds the metrics token") {
  SECTION("behind a proxy, a remote client is refused") {
    test::app_server app{[](config::settings& s) { s.trusted_proxies = "127.0.0.1"; }};
    auto c = app.client();
    CHECK(c.request("GET", "/metrics", "", {{"X-Forwarded-For", "203.0.113.5"}}).status == 403);
    CHECK(c.request("GET", "/metrics", "", {{"X-Forwarded-For", "127.0.0.1"}}).status == 200);
  }
  SECTION("with a token, only the token") {
    test::app_server app{[](config::settings& s) { s.metrics_token = "metrics-token-0123456789"; }};
    auto c = app.client();
    CHECK(c.get("/metrics").status == 401);
    CHECK(c.request("GET", "/metrics", "", {{"Authorization", "Bearer wrong"}}).status == 401);
    auto res = c.request("GET", "/metrics", "", {{"Authorization", "Bearer metrics-token-0123456789"}});
    CHECK(res.status == 200);
    CHECK(res.body.find("nexsync_http_requests_total") != std::string::npos);
  }
}

TEST_CASE("an oversize body gets 413 with a message") {
  test::app_server app;
  auto c = app.client();
  auto res = c.request("POST", "/login", std::string(2 * 1024 * 1024, 'x'),
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(res.status == 413);
  CHECK(res.body.find("larger than this server accepts") != std::string::npos);
}

TEST_CASE("a down database at start-up: the server runs, readyz is false, pages say 503") {
  test::database db;  // only for a valid admin URL; the server points at a closed port
  auto s = test::test_settings("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1");
  app::instance server{s};
  test::http_client c{"127.0.0.1", server.endpoint().port()};
  CHECK(c.get("/healthz").status == 200);
  auto ready = c.get("/readyz");
  CHECK(ready.status == 503);
  CHECK_FALSE(ready.json().at("database").as_bool());
  c.cookies["nexsync_session"] = "some-session-token";
  auto page = c.get("/");
  CHECK(page.status == 503);
  CHECK(page.body.find("database is not reachable") != std::string::npos);
}

TEST_CASE("static assets are served and unknown ones are 404") {
  test::app_server app;
  auto c = app.client();
  auto css = c.get("/static/app.css");
  CHECK(css.status == 200);
  CHECK(css.header("content-type").starts_with("text/css"));
  CHECK(c.get("/static/nope.css").status == 404);
}
